// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher: every hook enters extensions through ie_dispatch(). It keeps
 * a per-CPU run record (which program runs here, since when) and per-program,
 * per-CPU statistics (run count, run time, skipped re-entries).
 *
 * An extension never runs nested on one CPU: if a hook fires while an
 * extension already runs on this CPU (an IRQ, or a probe inside a helper),
 * the new invocation is skipped and counted as a recursion miss, as BPF does.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>

#include "innerext_int.h"
#include "helpers.h"

struct ie_run_rec {
	struct ie_prog *prog;
	u64 start_ns;
	unsigned int active;
};

static DEFINE_PER_CPU(struct ie_run_rec, ie_run_rec);

u64 notrace ie_dispatch(struct ie_link *link, void *ctx)
{
	struct ie_prog *prog = link->prog;
	struct ie_prog_stats *stats;
	struct ie_run_rec *rec;
	u64 ret, delta;

	preempt_disable_notrace();
	rec = this_cpu_ptr(&ie_run_rec);
	stats = this_cpu_ptr(prog->stats);
	if (rec->active) {
		stats->misses++;
		preempt_enable_notrace();
		return 0;
	}
	rec->active = 1;
	rec->prog = prog;
	rec->start_ns = sched_clock();
	barrier();
	ret = link->fn(ctx);
	barrier();
	ie_ringbuf_run_end();
	delta = sched_clock() - rec->start_ns;
	stats->run_cnt++;
	stats->run_time_ns += delta;
	rec->prog = NULL;
	rec->active = 0;
	preempt_enable_notrace();
	return ret;
}
NOKPROBE_SYMBOL(ie_dispatch);

/* The program running on this CPU, for helpers (NULL outside an extension). */
struct ie_prog *ie_current_prog(void)
{
	return this_cpu_read(ie_run_rec.prog);
}
