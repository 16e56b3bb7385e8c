/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run record: what the dispatcher knows about the extension running on
 * this CPU, and what helpers hand out during one invocation (so that it can be
 * taken back when the invocation ends).
 *
 * An extension may be interrupted by another one on the same CPU: a packet
 * program in softirq while a kprobe program runs in a task, a tracepoint in a
 * hard IRQ... Each of the four contexts (task, softirq, hardirq, NMI) has its
 * own record, so these nest; only a true re-entry in the same context (a probe
 * hit inside a helper) is refused and counted as a recursion miss.
 */
#ifndef IE_RUNTIME_H
#define IE_RUNTIME_H

#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/types.h>

struct ie_prog;
struct ie_map;

#define IE_RUN_LEVELS	4	/* interrupt_context_level(): task, softirq, hardirq, NMI */
#define IE_RB_MAX_HELD	16	/* ring buffer records one invocation may hold at once */

struct ie_rb_held {
	void *sample;
	struct ie_map *map;
	u32 size;
};

struct ie_run_rec {
	struct ie_prog *prog;
	u64 start_ns;
	unsigned int active;
	unsigned int rb_nr_held;
	struct ie_rb_held rb_held[IE_RB_MAX_HELD];
};

DECLARE_PER_CPU(struct ie_run_rec, ie_run_recs[IE_RUN_LEVELS]);

/* This CPU's record for the context we are in (preemption must be off). */
static __always_inline struct ie_run_rec *ie_run_rec_here(void)
{
	return this_cpu_ptr(&ie_run_recs[0]) + interrupt_context_level();
}

/* The record of the extension running in this context, or NULL. */
static __always_inline struct ie_run_rec *ie_run_rec_current(void)
{
	struct ie_run_rec *rec = ie_run_rec_here();

	return rec->active ? rec : NULL;
}

void ie_ringbuf_release_held(struct ie_run_rec *rec);

/* When an invocation ends: discard the ring buffer records it still holds. */
static __always_inline void ie_ringbuf_run_end(struct ie_run_rec *rec)
{
	if (unlikely(rec->rb_nr_held))
		ie_ringbuf_release_held(rec);
}

#endif /* IE_RUNTIME_H */
