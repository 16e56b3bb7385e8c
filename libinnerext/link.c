// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Links: one entry of a loaded program attached to a hook (IE_IOC_LINK_CREATE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "libinnerext_internal.h"

#define IE_LINK_LOG_SIZE	4096
#define IE_VMLINUX_BTF		"/sys/kernel/btf/vmlinux"
#define IE_TP_MAX_ARGS		6

struct innerext_link {
	int fd;
	int dev_fd;		/* our own dup, for LINK_DETACH */
	__u32 id;
	bool persistent;
	char desc[IE_TARGET_LEN + 32];
};

__u32 ie_object_tp_nr_args(struct innerext_object *obj, const char *tp_name)
{
	const struct btf_type *t;
	char name[IE_TARGET_LEN + 16];
	__s32 id;
	__u32 n;

	if (!obj->btf_tried) {
		obj->btf_tried = true;
		/*
		 * Only look where a Debian kernel has it: btf__load_vmlinux_btf() also
		 * scans /boot and prints a libbpf warning when it finds nothing, and the
		 * arity is optional (0 = the module passes 6 register arguments).
		 */
		if (access(IE_VMLINUX_BTF, R_OK)) {
			pr_debug("no %s: tracepoint arity unknown, the module passes 6 arguments\n",
				 IE_VMLINUX_BTF);
		} else {
			obj->vmlinux_btf = btf__load_vmlinux_btf();
			if (libbpf_get_error(obj->vmlinux_btf)) {
				pr_debug("cannot load vmlinux BTF: tracepoint arity unknown\n");
				obj->vmlinux_btf = NULL;
			}
		}
	}
	if (!obj->vmlinux_btf)
		return 0;

	snprintf(name, sizeof(name), "btf_trace_%s", tp_name);
	id = btf__find_by_name_kind(obj->vmlinux_btf, name, BTF_KIND_TYPEDEF);
	if (id <= 0) {
		pr_debug("no BTF typedef %s: tracepoint arity unknown\n", name);
		return 0;
	}
	t = btf__type_by_id(obj->vmlinux_btf, id);
	t = t ? btf__type_by_id(obj->vmlinux_btf, t->type) : NULL;
	if (!t || !btf_is_ptr(t))
		return 0;
	t = btf__type_by_id(obj->vmlinux_btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return 0;
	/* the first parameter is the probe's void *__data */
	n = btf_vlen(t) ? btf_vlen(t) - 1u : 0;
	if (n > IE_TP_MAX_ARGS)
		n = IE_TP_MAX_ARGS;
	pr_debug("tracepoint %s has %u arguments (BTF)\n", tp_name, n);
	return n;
}

static struct innerext_link *attach(const struct innerext_program *prog,
				    const struct ie_attach_spec *spec,
				    const struct innerext_attach_opts *opts)
{
	struct innerext_object *obj = prog->obj;
	char ebuf[IE_STRERR_BUFSZ];
	struct ie_link_create attr;
	struct innerext_link *link;
	char *log;
	int fd, dev_fd;

	if (obj->prog_fd < 0) {
		pr_warn("program '%s': object '%s' is not loaded\n", prog->name, obj->name);
		errno = EINVAL;
		return NULL;
	}
	link = calloc(1, sizeof(*link));
	log = calloc(1, IE_LINK_LOG_SIZE);
	dev_fd = fcntl(obj->dev_fd, F_DUPFD_CLOEXEC, 3);
	if (!link || !log || dev_fd < 0) {
		int err = dev_fd < 0 ? errno : ENOMEM;

		if (dev_fd >= 0)
			close(dev_fd);
		free(link);
		free(log);
		errno = err;
		return NULL;
	}

	memset(&attr, 0, sizeof(attr));
	attr.flags = spec->flags;
	if (IE_OPTS_GET(opts, persistent, false))
		attr.flags |= IE_LINK_F_PERSISTENT;
	attr.prog_fd = (__u32)obj->prog_fd;
	attr.entry = prog->entry_idx;
	attr.hook = spec->hook;
	attr.syscall_nr = spec->syscall_nr;
	attr.ifindex = spec->ifindex;
	strcpy(attr.target, spec->target);
	/* the arity (vmlinux BTF, ~60 ms to parse) matters only for a real tracepoint */
	if (spec->hook == IE_HOOK_TRACEPOINT && !(spec->flags & IE_LINK_F_SYSCALL_NR))
		attr.nr_args = ie_object_tp_nr_args(obj, spec->tp_name);
	attr.log_size = IE_LINK_LOG_SIZE;
	attr.log_buf = ie_ptr_to_u64(log);

	fd = innerext_link_create(dev_fd, &attr);
	if (fd < 0) {
		size_t len = strlen(log);

		while (len && log[len - 1] == '\n')
			log[--len] = '\0';
		pr_warn("attach of '%s' to %s refused: %s%s%s\n", prog->name, spec->desc,
			ie_strerror(fd, ebuf, sizeof(ebuf)), log[0] ? ": " : "", log);
		close(dev_fd);
		free(log);
		free(link);
		errno = -fd;
		return NULL;
	}
	free(log);
	link->fd = fd;
	link->dev_fd = dev_fd;
	link->id = attr.link_id;
	link->persistent = attr.flags & IE_LINK_F_PERSISTENT;
	strcpy(link->desc, spec->desc);
	pr_debug("attached '%s' to %s: link id %u%s\n", prog->name, spec->desc, link->id,
		 link->persistent ? " (persistent)" : "");
	return link;
}

static bool attach_args_ok(const struct innerext_program *prog,
			   const struct innerext_attach_opts *opts)
{
	if (prog && IE_OPTS_VALID(opts, innerext_attach_opts))
		return true;
	errno = EINVAL;
	return false;
}

/* @err: what building @spec returned */
static struct innerext_link *attach_spec(const struct innerext_program *prog,
					 const struct ie_attach_spec *spec,
					 const struct innerext_attach_opts *opts, int err)
{
	if (err) {
		errno = -err;
		return NULL;
	}
	return attach(prog, spec, opts);
}

struct innerext_link *innerext_program__attach(const struct innerext_program *prog,
					       const struct innerext_attach_opts *opts)
{
	struct ie_attach_spec spec;

	if (!attach_args_ok(prog, opts))
		return NULL;
	return attach_spec(prog, &spec, opts, ie_attach_spec_from_sec(prog->sec, prog->name, &spec));
}

struct innerext_link *innerext_program__attach_kprobe(const struct innerext_program *prog,
						      const char *func_name,
						      const struct innerext_attach_opts *opts)
{
	struct ie_attach_spec spec;

	if (!attach_args_ok(prog, opts))
		return NULL;
	return attach_spec(prog, &spec, opts, ie_attach_spec_kprobe(func_name, prog->name, &spec));
}

struct innerext_link *innerext_program__attach_xdp(const struct innerext_program *prog,
						   int ifindex,
						   const struct innerext_attach_opts *opts)
{
	struct ie_attach_spec spec;

	if (!attach_args_ok(prog, opts))
		return NULL;
	return attach_spec(prog, &spec, opts, ie_attach_spec_xdp(ifindex, prog->name, &spec));
}

struct innerext_link *innerext_program__attach_tracepoint(const struct innerext_program *prog,
							  const char *category,
							  const char *name,
							  const struct innerext_attach_opts *opts)
{
	struct ie_attach_spec spec;

	if (!attach_args_ok(prog, opts))
		return NULL;
	return attach_spec(prog, &spec, opts,
			   ie_attach_spec_tracepoint(category, name, prog->name, &spec));
}

__u32 innerext_link__id(const struct innerext_link *link)
{
	return link ? link->id : 0;
}

int innerext_link__fd(const struct innerext_link *link)
{
	return link ? link->fd : -EINVAL;
}

const char *innerext_link__description(const struct innerext_link *link)
{
	return link ? link->desc : "";
}

int innerext_link__destroy(struct innerext_link *link)
{
	char ebuf[IE_STRERR_BUFSZ];
	int err;

	if (!link)
		return 0;
	err = innerext_link_detach_id(link->dev_fd, link->id);
	if (err == -ENOENT)
		err = 0;	/* already gone (detached by someone else or by the module) */
	if (err)
		pr_warn("detaching link id %u (%s) failed: %s\n", link->id, link->desc,
			ie_strerror(err, ebuf, sizeof(ebuf)));
	close(link->fd);
	close(link->dev_fd);
	free(link);
	return err;
}

void innerext_link__disconnect(struct innerext_link *link)
{
	if (!link)
		return;
	close(link->fd);
	close(link->dev_fd);
	free(link);
}
