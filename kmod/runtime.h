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
#define IE_MAX_LOCKS	4	/* ie_spin_lock()s one invocation may hold at once */

struct ie_rb_held {
	void *sample;
	struct ie_map *map;
	u32 size;
};

struct ie_run_rec {
	unsigned long saved_sp;		/* run_entry.S: the dispatcher's stack (offset 0) */
	unsigned long stack_lo;		/* lowest address the extension may use */
	unsigned long stack_top;	/* where its stack starts */
	struct ie_prog *prog;
	u64 start_ns;
	u64 budget_ns;
	unsigned int active;
	unsigned int irqs_off;		/* entered with interrupts disabled */
	unsigned int ticks;		/* watchdog ticks this CPU took while it ran */
	unsigned int abort_reason;	/* IE_ABORT_* + 1 once the invocation was stopped */
	unsigned int abort_pending;	/* IE_ABORT_* + 1: stop at the next helper call */
	unsigned int nr_locks;
	u32 *locks[IE_MAX_LOCKS];
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

/* run_entry.S */
u64 ie_run_entry(void *ctx, void *fn, struct ie_run_rec *rec, unsigned long stack_top);
/*
 * Leave the invocation @rec now, from extension code or from a helper it
 * called (holding nothing): control goes back to ie_dispatch(). Does not
 * return; it is not declared __noreturn only because objtool cannot know.
 */
void ie_run_abort(struct ie_run_rec *rec);

static __always_inline bool ie_run_overdue(const struct ie_run_rec *rec, u64 now)
{
	return now - READ_ONCE(rec->start_ns) > READ_ONCE(rec->budget_ns);
}

/* Stop @rec now for @reason (helpers: called with nothing held). */
static __always_inline void ie_run_stop(struct ie_run_rec *rec, unsigned int reason)
{
	rec->abort_reason = reason + 1;
	ie_run_abort(rec);
}

/*
 * From an interrupt or exception that stopped @rec's extension in its own
 * text (@regs): return there into ie_run_abort(rec) instead.
 */
static __always_inline void ie_run_redirect(struct ie_run_rec *rec, struct pt_regs *regs,
					    unsigned int reason)
{
	rec->abort_reason = reason + 1;
	regs->di = (unsigned long)rec;
	regs->ip = (unsigned long)ie_run_abort;
}

/*
 * Stop @rec if the watchdog marked it while it was inside a helper (the
 * mark only goes from 0 to a reason during a run).
 */
static __always_inline void ie_run_check_pending(struct ie_run_rec *rec)
{
	unsigned int pending = READ_ONCE(rec->abort_pending);

	if (unlikely(pending))
		ie_run_stop(rec, pending - 1);
}

/*
 * Every helper starts with this: an invocation the watchdog wants stopped
 * while it was inside a helper stops at its next helper call.
 */
static __always_inline void ie_helper_enter(void)
{
	struct ie_run_rec *rec = ie_run_rec_current();

	if (rec)
		ie_run_check_pending(rec);
}

bool ie_run_ip_in_ext(const struct ie_run_rec *rec, unsigned long ip);

void ie_ringbuf_release_held(struct ie_run_rec *rec);
void ie_locks_release_held(struct ie_run_rec *rec);

/* When an invocation ends: discard the ring buffer records it still holds. */
static __always_inline void ie_ringbuf_run_end(struct ie_run_rec *rec)
{
	if (unlikely(rec->rb_nr_held))
		ie_ringbuf_release_held(rec);
}

#endif /* IE_RUNTIME_H */
