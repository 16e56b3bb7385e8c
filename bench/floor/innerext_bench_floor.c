// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of the hook benchmark (bench/compare_bench.sh): a plain module
 * callback with nothing in it, on the same hooks innerext and eBPF use, so
 * that what a hook costs by itself can be told from what a dispatcher adds.
 *
 *   insmod innerext_bench_floor.ko hook=kprobe   register_kprobe() at the entry of
 *                                                __x64_sys_getppid, empty pre_handler
 *   insmod innerext_bench_floor.ko hook=tp       tracepoint_probe_register() on
 *                                                raw_syscalls:sys_enter, empty probe
 *
 * Built per kernel by `make -C bench floor KVER=...`.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

static char *hook = "kprobe";
module_param(hook, charp, 0444);
MODULE_PARM_DESC(hook, "kprobe (empty pre_handler at getppid's entry) or tp (empty probe on raw_syscalls:sys_enter)");

static bool use_tp;

static int floor_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return 0;
}
NOKPROBE_SYMBOL(floor_pre);

static struct kprobe floor_kp = {
	.symbol_name	= "__x64_sys_getppid",
	.pre_handler	= floor_pre,
};

static void notrace floor_probe(void *data, struct pt_regs *regs, long id)
{
}

static struct tracepoint *floor_tp;

static void floor_tp_match(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_enter"))
		floor_tp = tp;
}

static int __init floor_init(void)
{
	int err;

	if (!strcmp(hook, "kprobe")) {
		err = register_kprobe(&floor_kp);
		if (err)
			pr_err("innerext_bench_floor: register_kprobe: %d\n", err);
		return err;
	}
	if (strcmp(hook, "tp")) {
		pr_err("innerext_bench_floor: hook=%s: kprobe or tp\n", hook);
		return -EINVAL;
	}
	for_each_kernel_tracepoint(floor_tp_match, NULL);
	if (!floor_tp) {
		pr_err("innerext_bench_floor: no sys_enter tracepoint\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(floor_tp, floor_probe, NULL);
	if (err)
		pr_err("innerext_bench_floor: tracepoint_probe_register: %d\n", err);
	use_tp = !err;
	return err;
}

static void __exit floor_exit(void)
{
	if (use_tp) {
		tracepoint_probe_unregister(floor_tp, floor_probe, NULL);
		tracepoint_synchronize_unregister();
	} else {
		unregister_kprobe(&floor_kp);
	}
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("innerext benchmark floor: an empty callback on a kprobe or tracepoint");
