// SPDX-License-Identifier: GPL-2.0
/*
 * A program's runtime settings, and its circuit breaker: a program that the
 * runtime had to stop max_aborts times within abort_window_ms is detached
 * from every hook (the program itself stays loaded, its counters readable),
 * with a line in the kernel log saying why.
 *
 * Aborts are noted from any context, NMI included: the detach is bounced
 * through an irq_work to a workqueue, where links can be taken down.
 */
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>

#include "innerext_int.h"

static struct workqueue_struct *ie_rt_wq;
static atomic_t ie_breakers_pending = ATOMIC_INIT(0);

static const char *const ie_abort_names[IE_ABORT_NR_REASONS] = {
	[IE_ABORT_TIMEOUT]	= "time budget exceeded",
	[IE_ABORT_STACK]	= "out of stack",
	[IE_ABORT_FAULT]	= "fault in extension code",
	[IE_ABORT_HELPER]	= "stopped by a helper",
};

static void ie_breaker_work(struct work_struct *work)
{
	struct ie_prog *prog = container_of(work, struct ie_prog, breaker_work);
	unsigned int n;

	n = ie_links_detach_prog(prog);
	pr_warn(IE_PR_PREFIX "program '%s' (id %u) was stopped %u times within %u ms (last: %s): circuit breaker detached %u link%s\n",
		prog->name, prog->id, prog->max_aborts, prog->abort_window_ms,
		ie_abort_names[READ_ONCE(prog->last_abort)], n, n == 1 ? "" : "s");
	ie_prog_put(prog);
	atomic_dec(&ie_breakers_pending);
}

static void ie_breaker_irq_work(struct irq_work *w)
{
	struct ie_prog *prog = container_of(w, struct ie_prog, breaker_irq_work);

	queue_work(ie_rt_wq, &prog->breaker_work);
}

void ie_prog_runtime_init(struct ie_prog *prog, const struct ie_prog_load *attr)
{
	prog->flags = attr->flags;
	prog->budget_ns = (u64)(attr->budget_us ?: IE_BUDGET_DEFAULT_US) * NSEC_PER_USEC;
	prog->fail_action = attr->fail_action ?: IE_XDP_DROP;
	prog->max_aborts = attr->max_aborts ?: IE_BREAKER_DEFAULT_ABORTS;
	prog->abort_window_ms = attr->abort_window_ms ?: IE_BREAKER_DEFAULT_WINDOW_MS;
	prog->win_start = jiffies;
	atomic_set(&prog->win_aborts, 0);
	init_irq_work(&prog->breaker_irq_work, ie_breaker_irq_work);
	INIT_WORK(&prog->breaker_work, ie_breaker_work);
}

/* The last reference is gone: nothing can note an abort any more. */
void ie_prog_runtime_release(struct ie_prog *prog)
{
	irq_work_sync(&prog->breaker_irq_work);
}

void notrace ie_breaker_note(struct ie_prog *prog, unsigned int reason)
{
	unsigned long now = jiffies, start = READ_ONCE(prog->win_start);

	WRITE_ONCE(prog->last_abort, reason);
	if (prog->max_aborts == IE_BREAKER_OFF)
		return;
	if (time_after(now, start + msecs_to_jiffies(prog->abort_window_ms)) &&
	    cmpxchg(&prog->win_start, start, now) == start)
		atomic_set(&prog->win_aborts, 0);
	if (atomic_inc_return(&prog->win_aborts) < prog->max_aborts ||
	    test_and_set_bit(0, &prog->breaker_tripped))
		return;
	refcount_inc(&prog->ref);	/* dropped by the work */
	atomic_inc(&ie_breakers_pending);
	irq_work_queue(&prog->breaker_irq_work);
}

int ie_runtime_init(void)
{
	ie_rt_wq = alloc_workqueue("innerext_rt", 0, 0);
	return ie_rt_wq ? 0 : -ENOMEM;
}

/*
 * After every link is gone (no invocation can start): let breakers already
 * tripped finish (their irq_work may still be on its way to the workqueue).
 */
void ie_runtime_exit(void)
{
	while (atomic_read(&ie_breakers_pending)) {
		flush_workqueue(ie_rt_wq);
		msleep(1);
	}
	destroy_workqueue(ie_rt_wq);
}
