// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Programs (the entries of an object) and what their SEC() names mean:
 *   kprobe/SYM                       kprobe on SYM
 *   tracepoint/CAT/NAME, tp/CAT/NAME tracepoint CAT:NAME
 *   tracepoint/syscalls/sys_enter_X  raw_syscalls:sys_enter, filtered on X's number
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "libinnerext_internal.h"

struct innerext_program *innerext_object__next_program(const struct innerext_object *obj,
						       const struct innerext_program *prev)
{
	size_t idx;

	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	if (!prev) {
		idx = 0;
	} else {
		if (prev->obj != obj || prev < obj->progs || prev >= obj->progs + obj->nr_progs) {
			errno = EINVAL;
			return NULL;
		}
		idx = (size_t)(prev - obj->progs) + 1;
	}
	if (idx >= obj->nr_progs) {
		errno = ENOENT;
		return NULL;
	}
	return &obj->progs[idx];
}

struct innerext_program *innerext_object__find_program_by_name(const struct innerext_object *obj,
							       const char *name)
{
	size_t i;

	if (!obj || !name) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < obj->nr_progs; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	errno = ENOENT;
	return NULL;
}

const char *innerext_program__name(const struct innerext_program *prog)
{
	return prog->name;
}

const char *innerext_program__section_name(const struct innerext_program *prog)
{
	return prog->sec;
}

__u32 innerext_program__entry_index(const struct innerext_program *prog)
{
	return prog->entry_idx;
}

static int set_target(struct ie_attach_spec *spec, const char *target, const char *prog_name)
{
	if (strlen(target) >= IE_TARGET_LEN) {
		pr_warn("program '%s': attach target '%s' is too long: at most %d characters\n",
			prog_name, target, IE_TARGET_LEN - 1);
		return -ENAMETOOLONG;
	}
	strcpy(spec->target, target);
	return 0;
}

int ie_attach_spec_kprobe(const char *func, const char *prog_name, struct ie_attach_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	if (!func || !func[0]) {
		pr_warn("program '%s': kprobe needs a function name\n", prog_name);
		return -EINVAL;
	}
	if (strpbrk(func, "+: \t/")) {
		pr_warn("program '%s': kprobe target '%s' is not a plain function name (offsets are not supported)\n",
			prog_name, func);
		return -EINVAL;
	}
	spec->hook = IE_HOOK_KPROBE;
	snprintf(spec->desc, sizeof(spec->desc), "kprobe %s", func);
	return set_target(spec, func, prog_name);
}

static bool valid_tp_part(const char *s)
{
	if (!s || !s[0])
		return false;
	for (; *s; s++)
		if (*s == ':' || *s == '/' || *s == ' ' || *s == '\t')
			return false;
	return true;
}

int ie_attach_spec_tracepoint(const char *category, const char *name, const char *prog_name,
			      struct ie_attach_spec *spec)
{
	char target[IE_TARGET_LEN + 2];
	int nr, n;

	memset(spec, 0, sizeof(*spec));
	if (!valid_tp_part(category) || !valid_tp_part(name)) {
		pr_warn("program '%s': invalid tracepoint '%s:%s': expected CATEGORY:NAME\n",
			prog_name, category ? category : "", name ? name : "");
		return -EINVAL;
	}
	spec->hook = IE_HOOK_TRACEPOINT;
	snprintf(spec->desc, sizeof(spec->desc), "tracepoint %s:%s", category, name);

	if (!strcmp(category, "syscalls") && !strncmp(name, "sys_enter_", 10)) {
		nr = innerext_syscall_nr(name + 10);
		if (nr < 0) {
			pr_warn("program '%s': tracepoint syscalls:%s: there is no x86-64 system call named '%s'\n",
				prog_name, name, name + 10);
			return -ENOENT;
		}
		spec->flags = IE_LINK_F_SYSCALL_NR;
		spec->syscall_nr = (__u32)nr;
		strcpy(spec->tp_name, "sys_enter");
		return set_target(spec, "raw_syscalls:sys_enter", prog_name);
	}
	if (!strcmp(category, "syscalls") && !strncmp(name, "sys_exit_", 9)) {
		pr_warn("program '%s': tracepoint syscalls:%s is not supported yet; attach to raw_syscalls:sys_exit instead\n",
			prog_name, name);
		return -EOPNOTSUPP;
	}
	n = snprintf(target, sizeof(target), "%s:%s", category, name);
	if (n < 0 || (size_t)n >= IE_TARGET_LEN) {
		pr_warn("program '%s': tracepoint '%s:%s' is too long: at most %d characters\n",
			prog_name, category, name, IE_TARGET_LEN - 1);
		return -ENAMETOOLONG;
	}
	if (strlen(name) >= sizeof(spec->tp_name))
		return -ENAMETOOLONG;
	strcpy(spec->tp_name, name);
	return set_target(spec, target, prog_name);
}

int ie_attach_spec_from_sec(const char *sec, const char *prog_name, struct ie_attach_spec *spec)
{
	char buf[IE_SEC_LEN];
	const char *rest = NULL;
	char *slash;

	if (!strncmp(sec, "kprobe/", 7))
		return ie_attach_spec_kprobe(sec + 7, prog_name, spec);

	if (!strncmp(sec, "tracepoint/", 11))
		rest = sec + 11;
	else if (!strncmp(sec, "tp/", 3))
		rest = sec + 3;
	if (rest) {
		if (strlen(rest) >= sizeof(buf))
			return -ENAMETOOLONG;
		strcpy(buf, rest);
		slash = strchr(buf, '/');
		if (!slash) {
			pr_warn("program '%s': section '%s' must be tracepoint/CATEGORY/NAME\n",
				prog_name, sec);
			memset(spec, 0, sizeof(*spec));
			return -EINVAL;
		}
		*slash = '\0';
		return ie_attach_spec_tracepoint(buf, slash + 1, prog_name, spec);
	}

	memset(spec, 0, sizeof(*spec));
	if (!strcmp(sec, "xdp") || !strncmp(sec, "xdp/", 4) || !strncmp(sec, "xdp.", 4)) {
		pr_warn("program '%s': an xdp program needs a device: innerext_program__attach_xdp(), or extctl load --xdp IFACE\n",
			prog_name);
		return -EOPNOTSUPP;
	}
	if (!strncmp(sec, "kretprobe/", 10) || !strncmp(sec, "raw_tp/", 7) ||
	    !strncmp(sec, "raw_tracepoint/", 15) || !strncmp(sec, "fentry/", 7) ||
	    !strncmp(sec, "fexit/", 6) || !strncmp(sec, "tc", 2) ||
	    !strncmp(sec, "uprobe", 6)) {
		pr_warn("program '%s': section '%s' is not supported yet (kprobe/, tracepoint/ and xdp are)\n",
			prog_name, sec);
		return -EOPNOTSUPP;
	}
	pr_warn("program '%s': don't know how to attach section '%s': use SEC(\"kprobe/FUNC\") or SEC(\"tracepoint/CATEGORY/NAME\"), or attach explicitly\n",
		prog_name, sec);
	return -EOPNOTSUPP;
}

int ie_attach_spec_xdp(int ifindex, const char *prog_name, struct ie_attach_spec *spec)
{
	char name[IF_NAMESIZE];

	memset(spec, 0, sizeof(*spec));
	if (ifindex <= 0) {
		pr_warn("program '%s': xdp: bad ifindex %d\n", prog_name, ifindex);
		return -EINVAL;
	}
	spec->hook = IE_HOOK_XDP;
	spec->ifindex = (__u32)ifindex;
	if (if_indextoname((unsigned int)ifindex, name))
		snprintf(spec->desc, sizeof(spec->desc), "xdp %s", name);
	else
		snprintf(spec->desc, sizeof(spec->desc), "xdp ifindex %d", ifindex);
	return 0;
}
