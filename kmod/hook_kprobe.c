// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe hook: a program at the entry of a kernel function, through the
 * kprobes API. On Debian's kernels (CONFIG_KPROBES_ON_FTRACE) a probe at a
 * function's first instruction is an ftrace callsite, so this costs what a
 * direct register_ftrace_function() would, and it also reaches functions that
 * ftrace cannot. The program receives the probed function's struct pt_regs.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>

#include "innerext_int.h"

static int ie_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	u64 ret;

	ie_dispatch(container_of(kp, struct ie_link, kp), regs, &ret);
	return 0;
}
NOKPROBE_SYMBOL(ie_kprobe_pre);

static int ie_kprobe_attach(struct ie_link *link, struct ie_log *log)
{
	int err;

	if (strpbrk(link->target, "+: ")) {
		ie_log(log, "kprobe: '%s': give a bare function name (entry probes only)",
		       link->target);
		return -EINVAL;
	}
	memset(&link->kp, 0, sizeof(link->kp));
	link->kp.symbol_name = link->target;
	link->kp.pre_handler = ie_kprobe_pre;
	err = register_kprobe(&link->kp);
	if (err) {
		ie_log(log, "kprobe: cannot probe '%s' (error %d): %s", link->target, err,
		       err == -ENOENT ? "no such kernel function" :
		       "the function is not probeable (blacklisted, notrace or inlined)");
		return err;
	}
	if (within_module((unsigned long)link->kp.addr, THIS_MODULE)) {
		unregister_kprobe(&link->kp);
		ie_log(log, "kprobe: '%s' is inside innerext itself", link->target);
		return -EINVAL;
	}
	return 0;
}

static void ie_kprobe_detach(struct ie_link *link)
{
	unregister_kprobe(&link->kp);	/* waits for running handlers */
}

const struct ie_hook_ops ie_kprobe_ops = {
	.name	= "kprobe",
	.attach	= ie_kprobe_attach,
	.detach	= ie_kprobe_detach,
};
