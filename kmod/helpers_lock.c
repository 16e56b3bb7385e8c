// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the runtime itself: spin locks an extension may hold across its
 * own code, and an explicit abort.
 *
 * ie_spin_lock()/ie_spin_unlock() take a struct ie_spin_lock (a __u32 in the
 * program's data or in an array/hash map value, like bpf_spin_lock). Interrupts
 * stay enabled, so the watchdog can still stop a holder that loops. Every lock
 * taken is recorded in the run record; when the invocation ends, normally or
 * stopped by the runtime, the dispatcher releases what is still held. A waiter
 * spins with a deadline: if the holder never lets go (another CPU, or the
 * extension it interrupted on this CPU), the waiter is stopped at its budget,
 * so lock-order mistakes cost an abort, not a deadlock.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/sched/clock.h>

#include "innerext_int.h"
#include "helpers.h"
#include "map.h"
#include "runtime.h"

static void ie_lock_complain(struct ie_run_rec *rec, const char *msg)
{
	ie_trace_emit(rec->prog->name, msg);
}

long ie_spin_lock(u32 *lock)
{
	struct ie_run_rec *rec = ie_run_rec_current();

	if (unlikely(!rec))
		return -EINVAL;
	ie_run_check_pending(rec);
	if (unlikely(!IS_ALIGNED((unsigned long)lock, 4) ||
		     !ie_prog_owns_mem(rec->prog, (unsigned long)lock, sizeof(*lock)))) {
		ie_lock_complain(rec, "ie_spin_lock: not a lock in the program's data or map values: stopped");
		ie_run_stop(rec, IE_ABORT_HELPER);
		return -EINVAL;
	}
	if (unlikely(rec->nr_locks >= IE_MAX_LOCKS)) {
		ie_lock_complain(rec, "ie_spin_lock: more than 4 locks held at once: stopped");
		ie_run_stop(rec, IE_ABORT_HELPER);
		return -EINVAL;
	}
	while (cmpxchg_acquire(lock, 0, 1) != 0) {
		if (READ_ONCE(rec->abort_pending) || ie_run_overdue(rec, sched_clock()))
			ie_run_stop(rec, IE_ABORT_TIMEOUT);
		cpu_relax();
	}
	rec->locks[rec->nr_locks++] = lock;
	return 0;
}

long ie_spin_unlock(u32 *lock)
{
	struct ie_run_rec *rec = ie_run_rec_current();
	unsigned int i;

	if (unlikely(!rec))
		return -EINVAL;
	ie_run_check_pending(rec);
	for (i = 0; i < rec->nr_locks; i++) {
		if (rec->locks[i] == lock) {
			rec->locks[i] = rec->locks[--rec->nr_locks];
			smp_store_release(lock, 0);
			return 0;
		}
	}
	ie_lock_complain(rec, "ie_spin_unlock: lock not held by this invocation: stopped");
	ie_run_stop(rec, IE_ABORT_HELPER);
	return -EINVAL;
}

/* From the dispatcher: the invocation ended holding locks. */
void ie_locks_release_held(struct ie_run_rec *rec)
{
	unsigned int i;

	for (i = 0; i < rec->nr_locks; i++)
		smp_store_release(rec->locks[i], 0);
	if (!rec->abort_reason)
		ie_lock_complain(rec, "ie_spin_lock: returned holding a lock: released");
	rec->nr_locks = 0;
}

/* Stop this invocation now (counted as IE_ABORT_HELPER). */
void ie_abort(void)
{
	struct ie_run_rec *rec = ie_run_rec_current();

	if (rec)
		ie_run_stop(rec, IE_ABORT_HELPER);
}
