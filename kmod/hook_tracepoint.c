// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint hook. Probes are registered with tracepoint_probe_register() and
 * called as probe(data, args...). One probe with six register arguments serves
 * every tracepoint of up to six arguments (x86-64 passes them in registers);
 * arguments past the arity that user space read from vmlinux BTF are zeroed.
 *
 * "syscalls:sys_enter_<name>" events are not tracepoints: user space attaches
 * raw_syscalls:sys_enter with IE_LINK_F_SYSCALL_NR and the syscall number, and
 * the probe filters on it and passes struct ie_syscall_ctx.
 */
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "innerext_int.h"

#define IE_SYS_ENTER	"raw_syscalls:sys_enter"

struct ie_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void ie_tp_match(struct tracepoint *tp, void *priv)
{
	struct ie_tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

static void notrace ie_tp_probe(void *data, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct ie_link *link = data;
	struct ie_tp_ctx ctx = { .args = { a0, a1, a2, a3, a4, a5 } };
	u64 ret;
	u32 i;

	if (link->nr_args)
		for (i = link->nr_args; i < ARRAY_SIZE(ctx.args); i++)
			ctx.args[i] = 0;
	ie_dispatch(link, &ctx, &ret);
}

static void notrace ie_tp_syscall_probe(void *data, struct pt_regs *regs, long id)
{
	struct ie_link *link = data;
	struct ie_syscall_ctx ctx;
	u64 ret;

	if (id != link->syscall_nr)
		return;
	ctx.nr = id;
	ctx.args[0] = regs->di;
	ctx.args[1] = regs->si;
	ctx.args[2] = regs->dx;
	ctx.args[3] = regs->r10;
	ctx.args[4] = regs->r8;
	ctx.args[5] = regs->r9;
	ie_dispatch(link, &ctx, &ret);
}

static void *ie_tp_probe_fn(const struct ie_link *link)
{
	return link->flags & IE_LINK_F_SYSCALL_NR ? (void *)ie_tp_syscall_probe :
						    (void *)ie_tp_probe;
}

static int ie_tp_attach(struct ie_link *link, struct ie_log *log)
{
	struct ie_tp_lookup l = { .tp = NULL };
	const char *colon = strchr(link->target, ':');
	int err;

	if (!colon || colon == link->target || !colon[1] || strchr(colon + 1, ':')) {
		ie_log(log, "tracepoint: '%s': expected CATEGORY:NAME", link->target);
		return -EINVAL;
	}
	if ((link->flags & IE_LINK_F_SYSCALL_NR) && strcmp(link->target, IE_SYS_ENTER)) {
		ie_log(log, "tracepoint: IE_LINK_F_SYSCALL_NR works on %s only, not '%s'",
		       IE_SYS_ENTER, link->target);
		return -EINVAL;
	}
	if ((link->flags & IE_LINK_F_SYSCALL_NR) && link->syscall_nr >= NR_syscalls) {
		ie_log(log, "tracepoint: syscall number %u does not exist (%u syscalls)",
		       link->syscall_nr, NR_syscalls);
		return -EINVAL;
	}
	l.name = colon + 1;
	for_each_kernel_tracepoint(ie_tp_match, &l);
	if (!l.tp) {
		ie_log(log, "tracepoint: '%s' not found among the kernel's tracepoints%s",
		       link->target, strncmp(link->target, "syscalls:", 9) ? "" :
		       " (syscalls:* are events, not tracepoints: use raw_syscalls:sys_enter with IE_LINK_F_SYSCALL_NR, as libinnerext does)");
		return -ENOENT;
	}
	err = tracepoint_probe_register(l.tp, ie_tp_probe_fn(link), link);
	if (err) {
		ie_log(log, "tracepoint: cannot attach to '%s' (error %d)", link->target, err);
		return err;
	}
	link->tp = l.tp;
	return 0;
}

static void ie_tp_detach(struct ie_link *link)
{
	tracepoint_probe_unregister(link->tp, ie_tp_probe_fn(link), link);
	tracepoint_synchronize_unregister();	/* no probe of ours runs past here */
}

const struct ie_hook_ops ie_tracepoint_ops = {
	.name	= "tracepoint",
	.attach	= ie_tp_attach,
	.detach	= ie_tp_detach,
};
