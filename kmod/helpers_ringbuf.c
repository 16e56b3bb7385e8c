// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffer helpers for extensions: reserve + submit/discard, and output
 * (reserve, copy, submit). The ring argument is the extension's own struct
 * ie_map_def (IE_RINGBUF() in the SDK); ie_map_from_def() turns it into the
 * map bound at load.
 *
 * There is no verifier to prove that every reservation is released exactly
 * once, so the module tracks them: the run record of each invocation
 * (runtime.h; one per CPU and context, as extensions nest only across
 * contexts) keeps the records it has reserved and not yet submitted or
 * discarded. Submit and discard accept only a pointer from that table, so a stale, doubled or wild pointer is refused
 * (and reported in the trace buffer) instead of corrupting a ring, and when
 * the extension returns the dispatcher discards whatever it still holds: a
 * forgotten reservation costs one record, never a stalled ring.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/uaccess.h>

#include "innerext_int.h"
#include "helpers.h"
#include "map.h"
#include "ringbuf.h"
#include "runtime.h"

/*
 * Records reserved and not yet submitted are kept in the run record
 * (runtime.h), so that the dispatcher can discard what an invocation forgot.
 */

#define IE_RB_NOT_HELD	": not a record reserved by this invocation (ignored)"

/* A line in the trace buffer (`extctl trace`): safe in any context, unlike printk. */
static void ie_rb_complain(const char *msg)
{
	struct ie_prog *prog = ie_current_prog();

	ie_trace_emit(prog ? prog->name : "?", msg);
}

static struct ie_map *ie_rb_map(void *def)
{
	struct ie_map *map = ie_map_from_def(def);

	return map && map->type == IE_MAP_RINGBUF ? map : NULL;
}

void *ie_ringbuf_reserve(void *ringbuf, u64 size, u64 flags)
{
	struct ie_run_rec *rec = ie_run_rec_current();
	struct ie_map *map;
	void *sample;
	int err;

	if (rec)
		ie_run_check_pending(rec);
	if (unlikely(flags || !rec))
		return NULL;
	map = ie_rb_map(ringbuf);
	if (unlikely(!map))
		return NULL;
	if (unlikely(rec->rb_nr_held >= IE_RB_MAX_HELD)) {
		ie_rb_complain("ie_ringbuf_reserve: too many records reserved and not submitted");
		return NULL;
	}
	sample = ie_ringbuf_reserve_rec(map, size, &err);
	if (!sample)
		return NULL;
	rec->rb_held[rec->rb_nr_held++] = (struct ie_rb_held){ sample, map, size };
	return sample;
}

/* Take @data out of the invocation's table and commit it; false if it was not there. */
static bool ie_rb_release(void *data, bool discard)
{
	struct ie_run_rec *rec = ie_run_rec_current();
	struct ie_rb_held h;
	unsigned int i;

	if (!rec)
		return false;
	for (i = rec->rb_nr_held; i-- > 0;)
		if (rec->rb_held[i].sample == data)
			break;
	if (i >= rec->rb_nr_held)
		return false;
	h = rec->rb_held[i];
	rec->rb_held[i] = rec->rb_held[--rec->rb_nr_held];
	if (!ie_ringbuf_commit_rec(h.map, data, h.size, discard))
		ie_rb_complain("ie_ringbuf: a record's header was overwritten: record discarded");
	return true;
}

void ie_ringbuf_submit(void *data, u64 flags)
{
	ie_helper_enter();
	/* unknown flags: refuse to publish, but still release the reservation */
	if (!ie_rb_release(data, flags != 0))
		ie_rb_complain("ie_ringbuf_submit" IE_RB_NOT_HELD);
	else if (flags)
		ie_rb_complain("ie_ringbuf_submit: unknown flags: record discarded");
}

void ie_ringbuf_discard(void *data, u64 flags)
{
	ie_helper_enter();
	if (!ie_rb_release(data, true))
		ie_rb_complain("ie_ringbuf_discard" IE_RB_NOT_HELD);
}

long ie_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags)
{
	struct ie_map *map;
	void *sample;
	int err;

	ie_helper_enter();
	if (unlikely(flags))
		return -EINVAL;
	map = ie_rb_map(ringbuf);
	if (unlikely(!map))
		return -EINVAL;
	sample = ie_ringbuf_reserve_rec(map, size, &err);
	if (!sample)
		return err;
	/* @data is the extension's pointer: a bad one must not oops the kernel */
	if (copy_from_kernel_nofault(sample, data, size)) {
		ie_ringbuf_commit_rec(map, sample, size, true);
		return -EFAULT;
	}
	ie_ringbuf_commit_rec(map, sample, size, false);
	return 0;
}

/* From the dispatcher, when an extension returns still holding reservations. */
void ie_ringbuf_release_held(struct ie_run_rec *rec)
{
	unsigned int i, nr = rec->rb_nr_held;
	char msg[96];

	for (i = 0; i < nr; i++)
		ie_ringbuf_commit_rec(rec->rb_held[i].map, rec->rb_held[i].sample,
				      rec->rb_held[i].size, true);
	rec->rb_nr_held = 0;
	snprintf(msg, sizeof(msg),
		 "ie_ringbuf: %u reserved record%s neither submitted nor discarded: discarded",
		 nr, nr == 1 ? " was" : "s were");
	ie_rb_complain(msg);
}
