// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The print callback: the only global state in libinnerext.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libinnerext_internal.h"

static int default_print(enum innerext_print_level level, const char *fmt, va_list ap)
{
	if (level == INNEREXT_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static innerext_print_fn_t ie_print_fn = default_print;

innerext_print_fn_t innerext_set_print(innerext_print_fn_t fn)
{
	return __atomic_exchange_n(&ie_print_fn, fn, __ATOMIC_SEQ_CST);
}

void libinnerext_print(enum innerext_print_level level, const char *fmt, ...)
{
	innerext_print_fn_t fn = __atomic_load_n(&ie_print_fn, __ATOMIC_SEQ_CST);
	int saved_errno = errno;
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	fn(level, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

const char *ie_strerror(int err, char *buf, size_t size)
{
	if (err < 0)
		err = -err;
	/* GNU strerror_r may return a static string instead of filling buf. */
	return strerror_r(err, buf, size);
}

bool ie_opts_valid(const void *opts, size_t known_sz, const char *type_name)
{
	const unsigned char *p = opts;
	size_t sz, i;

	if (!opts)
		return true;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t)) {
		pr_warn("%s: sz is %zu, too small (use INNEREXT_OPTS_DECLARE)\n", type_name, sz);
		return false;
	}
	for (i = known_sz; i < sz; i++) {
		if (p[i]) {
			pr_warn("%s has non-zero fields this libinnerext does not know\n",
				type_name);
			return false;
		}
	}
	return true;
}
