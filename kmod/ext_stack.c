// SPDX-License-Identifier: GPL-2.0
/*
 * Extension stacks: each CPU has one per context level (task, softirq,
 * hardirq, NMI), so an extension never grows the kernel stack it was called
 * on, and runaway recursion hits a limit we check instead of a guard page.
 *
 * The check: extensions are built with -finstrument-functions (SDK flags), so
 * each of their functions calls __cyg_profile_func_enter() once its frame is
 * set up. We stop the invocation (IE_ABORT_STACK) when less than
 * IE_STACK_RESERVE bytes are left: room for the next frame (the SDK caps frames
 * at IE_SDK_MAX_FRAME with -Wframe-larger-than) and for the helpers it calls.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/vmalloc.h>

#include "innerext_int.h"
#include "helpers.h"
#include "runtime.h"

#define IE_SDK_MAX_FRAME	8192	/* innerext.mk: -Wframe-larger-than */
#define IE_HELPER_STACK		4096	/* the deepest helper, with margin */
#define IE_STACK_RESERVE	(IE_SDK_MAX_FRAME + IE_HELPER_STACK)

static unsigned int stack_kb = 32;
module_param(stack_kb, uint, 0444);
MODULE_PARM_DESC(stack_kb, "extension stack per CPU and context, KiB (16..1024, default 32)");

int ie_ext_stacks_init(void)
{
	size_t size;
	int cpu, lvl;

	if (stack_kb < 16 || stack_kb > 1024) {
		pr_err(IE_PR_PREFIX "stack_kb=%u: must be 16..1024\n", stack_kb);
		return -EINVAL;
	}
	size = (size_t)stack_kb << 10;
	for_each_possible_cpu(cpu) {
		for (lvl = 0; lvl < IE_RUN_LEVELS; lvl++) {
			struct ie_run_rec *rec = per_cpu_ptr(&ie_run_recs[lvl], cpu);
			void *s = vmalloc_node(size, cpu_to_node(cpu));

			if (!s) {
				ie_ext_stacks_exit();
				return -ENOMEM;
			}
			rec->stack_top = (unsigned long)s + size;
			rec->stack_lo = (unsigned long)s + IE_STACK_RESERVE;
		}
	}
	return 0;
}

void ie_ext_stacks_exit(void)
{
	int cpu, lvl;

	for_each_possible_cpu(cpu) {
		for (lvl = 0; lvl < IE_RUN_LEVELS; lvl++) {
			struct ie_run_rec *rec = per_cpu_ptr(&ie_run_recs[lvl], cpu);

			if (rec->stack_lo)
				vfree((void *)(rec->stack_lo - IE_STACK_RESERVE));
			rec->stack_lo = 0;
			rec->stack_top = 0;
		}
	}
}

/* __cyg_profile_func_enter: at the entry of every extension function. */
void notrace ie_stack_enter(void *fn, void *call_site)
{
	struct ie_run_rec *rec = ie_run_rec_current();

	if (unlikely(!rec))
		return;
	if (unlikely(current_stack_pointer < rec->stack_lo))
		ie_run_stop(rec, IE_ABORT_STACK);
	else
		ie_run_check_pending(rec);
}
NOKPROBE_SYMBOL(ie_stack_enter);

/* __cyg_profile_func_exit: nothing to do. */
void notrace ie_stack_exit(void *fn, void *call_site)
{
}
NOKPROBE_SYMBOL(ie_stack_exit);
