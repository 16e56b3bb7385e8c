// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher: every hook enters extensions through ie_dispatch(). It keeps
 * the per-CPU run records (runtime.h: which program runs here, since when,
 * what it holds) and per-program, per-CPU statistics (run count, run time,
 * skipped re-entries).
 *
 * Extensions nest across contexts (a softirq packet program may interrupt a
 * task-context kprobe program), each context with its own record. Within one
 * context an extension never re-enters: if a hook fires while an extension
 * already runs there (a probe inside a helper), the new invocation is skipped
 * and counted as a recursion miss, as BPF does.
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

int notrace ie_dispatch(struct ie_link *link, void *ctx, u64 *retp)
{
	struct ie_prog *prog = link->prog;
	struct ie_prog_stats *stats;
	struct ie_run_rec *rec;
	u64 ret, delta;

	preempt_disable_notrace();
	rec = ie_run_rec_here();
	stats = this_cpu_ptr(prog->stats);
	if (rec->active) {
		stats->misses++;
		preempt_enable_notrace();
		return -EBUSY;
	}
	rec->active = 1;
	rec->prog = prog;
	rec->start_ns = sched_clock();
	barrier();
	ret = link->fn(ctx);
	barrier();
	ie_ringbuf_run_end(rec);
	delta = sched_clock() - rec->start_ns;
	stats->run_cnt++;
	stats->run_time_ns += delta;
	rec->prog = NULL;
	rec->active = 0;
	preempt_enable_notrace();
	*retp = ret;
	return 0;
}
NOKPROBE_SYMBOL(ie_dispatch);

/* The program running in this context, for helpers (NULL outside an extension). */
struct ie_prog *ie_current_prog(void)
{
	struct ie_run_rec *rec = ie_run_rec_current();

	return rec ? rec->prog : NULL;
}
