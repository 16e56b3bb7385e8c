// SPDX-License-Identifier: GPL-2.0
/*
 * ie_trace_printk(): printf-style output from extensions, read by
 * `extctl trace`. The format is re-parsed here, one conversion at a time, so
 * an extension can only print numbers, characters, hashed pointers (%p) and
 * strings fetched with a no-fault copy (%s): a bad pointer prints "(fault)".
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "innerext_int.h"
#include "helpers.h"
#include "runtime.h"

#define IE_FMT_MAX	128
#define IE_MSG_MAX	256
#define IE_STR_MAX	64
#define IE_SPEC_MAX	16
#define IE_ARGS_MAX	4

/* One conversion: format @spec (a single "%...c") with the raw argument @arg. */
static int ie_format_one(char *out, size_t size, const char *spec, char conv, int lmod, u64 arg)
{
	char str[IE_STR_MAX];

	switch (conv) {
	case 's':
		if (ie_read_str_nofault(str, sizeof(str), arg, arg < TASK_SIZE_MAX) < 0)
			strscpy(str, "(fault)", sizeof(str));
		return scnprintf(out, size, spec, str);
	case 'p':
		return scnprintf(out, size, spec, (void *)(unsigned long)arg);
	case 'c':
		return scnprintf(out, size, spec, (int)(char)arg);
	case 'd':
	case 'i':
		if (lmod)
			return scnprintf(out, size, spec, (long long)arg);
		return scnprintf(out, size, spec, (int)arg);
	default:	/* u x X */
		if (lmod)
			return scnprintf(out, size, spec, (unsigned long long)arg);
		return scnprintf(out, size, spec, (unsigned int)arg);
	}
}

long ie_trace_printk(const char *fmt, ...)
{
	char f[IE_FMT_MAX], msg[IE_MSG_MAX], spec[IE_SPEC_MAX + 4];
	const char *p, *start;
	struct ie_prog *prog;
	size_t pos = 0, n;
	int nargs = 0, lmod;
	va_list ap;
	char conv;

	ie_helper_enter();
	if (ie_read_str_nofault(f, sizeof(f), (unsigned long)fmt, false) < 0)
		return -EFAULT;
	va_start(ap, fmt);
	for (p = f; *p && pos + 1 < sizeof(msg);) {
		if (*p != '%' || p[1] == '%') {
			msg[pos++] = *p;
			p += *p == '%' ? 2 : 1;
			continue;
		}
		start = p++;
		while (*p && strchr("-+ #0", *p))
			p++;
		while (isdigit(*p))
			p++;
		for (lmod = 0; *p == 'l'; p++)
			lmod++;
		conv = *p++;
		if (!conv || !strchr("diuxXcsp", conv) || lmod > 2 ||
		    (lmod && strchr("csp", conv)) || p - start >= IE_SPEC_MAX) {
			va_end(ap);
			return -EINVAL;
		}
		if (++nargs > IE_ARGS_MAX) {
			va_end(ap);
			return -E2BIG;
		}
		/* flags and width as given, then a canonical length: "%-5lld" for %-5ld too */
		n = p - start - 1 - lmod;
		memcpy(spec, start, n);
		if (lmod) {
			spec[n++] = 'l';
			spec[n++] = 'l';
		}
		spec[n++] = conv;
		spec[n] = '\0';
		pos += ie_format_one(msg + pos, sizeof(msg) - pos, spec, conv, lmod,
				     va_arg(ap, u64));
	}
	va_end(ap);
	msg[pos] = '\0';
	prog = ie_current_prog();
	ie_trace_emit(prog ? prog->name : "?", msg);
	return pos;
}
