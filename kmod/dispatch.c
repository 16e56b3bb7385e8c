// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher: every hook enters extensions through ie_dispatch(). It fills
 * this context's run record (runtime.h: which program runs here, since when,
 * with which budget), switches to the extension stack (run_entry.S), and when
 * the extension returns or is stopped, takes back what helpers handed out and
 * accounts run count, run time, recursion misses and aborts per CPU.
 *
 * Extensions nest across contexts (a softirq packet program may interrupt a
 * task-context kprobe program), each context with its own record and stack.
 * Within one context an extension never re-enters: if a hook fires while an
 * extension already runs there (a probe inside a helper), the new invocation
 * is skipped and counted as a recursion miss, as BPF does.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>

#include "innerext_int.h"
#include "helpers.h"
#include "runtime.h"

DEFINE_PER_CPU(struct ie_run_rec, ie_run_recs[IE_RUN_LEVELS]);
static_assert(offsetof(struct ie_run_rec, saved_sp) == 0, "run_entry.S reads it at 0");

int notrace ie_dispatch(struct ie_link *link, void *ctx, u64 *retp)
{
	struct ie_prog *prog = link->prog;
	struct ie_prog_stats *stats;
	struct ie_run_rec *rec;
	unsigned int reason;
	u64 ret;

	/*
	 * The breaker tripped: the workqueue is about to take the links down.
	 * Until it does, the program is not run again.
	 */
	if (unlikely(test_bit(0, &prog->breaker_tripped)))
		return -ESTALE;
	preempt_disable_notrace();
	rec = ie_run_rec_here();
	stats = this_cpu_ptr(prog->stats);
	if (rec->active) {
		stats->misses++;
		preempt_enable_notrace();
		return -EBUSY;
	}
	rec->irqs_off = irqs_disabled();
	if (unlikely(rec->irqs_off && !(prog->flags & IE_PROG_F_IRQS_OFF))) {
		/* no timer can stop it here: only programs loaded for it run */
		stats->irqs_off_skips++;
		preempt_enable_notrace();
		return -EPERM;
	}
	rec->prog = prog;
	rec->budget_ns = prog->budget_ns;
	rec->ticks = 0;
	rec->abort_reason = 0;
	rec->abort_pending = 0;
	rec->start_ns = sched_clock();
	barrier();
	WRITE_ONCE(rec->active, 1);
	barrier();
	ret = ie_run_entry(ctx, link->fn, rec, rec->stack_top);
	barrier();
	if (unlikely(rec->nr_locks))
		ie_locks_release_held(rec);
	ie_ringbuf_run_end(rec);
	reason = rec->abort_reason;
	stats->run_cnt++;
	stats->run_time_ns += sched_clock() - rec->start_ns;
	WRITE_ONCE(rec->active, 0);
	rec->prog = NULL;
	if (unlikely(reason)) {
		stats->aborts[reason - 1]++;
		ie_breaker_note(prog, reason - 1);
		ret = 0;
	}
	preempt_enable_notrace();
	*retp = ret;
	return reason ? -EINTR : 0;
}
NOKPROBE_SYMBOL(ie_dispatch);

/* The program running in this context, for helpers (NULL outside an extension). */
struct ie_prog *ie_current_prog(void)
{
	struct ie_run_rec *rec = ie_run_rec_current();

	return rec ? rec->prog : NULL;
}

bool ie_run_ip_in_ext(const struct ie_run_rec *rec, unsigned long ip)
{
	const struct ie_prog *prog = READ_ONCE(rec->prog);

	return prog && ip - (unsigned long)prog->text < prog->text_size;
}
