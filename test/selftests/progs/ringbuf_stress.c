// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture of ringbuf_test: writes records into the ring "rbs_ring" from getppid()
 * calls of one process, in the way the "rbs_ctl" map's RBS_MODE slot says
 * (progs/ringbuf_stress.h), and counts what it did in "rbs_ctl".
 */
#include <linux/errno.h>
#include <innerext/extension.h>

#include "ringbuf_stress.h"

IE_RINGBUF(rbs_ring, RBS_RING_SIZE);
IE_MAP(rbs_ctl, IE_MAP_ARRAY, __u32, __u64, RBS_NR_SLOTS, 0);

static __u64 *slot(__u32 i)
{
	return ie_map_lookup_elem(&rbs_ctl, &i);
}

static void count(__u32 i)
{
	__u64 *v = slot(i);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static void fill(__u8 *p, __u64 seq, __u32 size)
{
	struct rbs_rec *r = (struct rbs_rec *)p;
	__u32 i;

	r->seq = seq;
	r->size = size;
	r->cpu = ie_get_smp_processor_id();
	for (i = sizeof(*r); i < size; i++)
		p[i] = rbs_byte(seq, i);
}

static void stress(void)
{
	__u64 *attempts = slot(RBS_ATTEMPTS), seq;
	__u8 buf[RBS_MAX_REC];
	__u32 size;
	__u8 *p;
	long err;

	if (!attempts)
		return;
	seq = __sync_fetch_and_add(attempts, 1);
	size = rbs_size(seq);
	switch (rbs_how(seq)) {
	case 1:
		fill(buf, seq, size);
		err = ie_ringbuf_output(&rbs_ring, buf, size, 0);
		if (err == -EAGAIN)
			count(RBS_FULL);
		else if (err)
			count(RBS_BAD);
		return;
	case 2:
		p = ie_ringbuf_reserve(&rbs_ring, size, 0);
		if (!p) {
			count(RBS_FULL);
			return;
		}
		fill(p, seq, size);
		ie_ringbuf_discard(p, 0);
		count(RBS_DISCARDED);
		return;
	default:
		p = ie_ringbuf_reserve(&rbs_ring, size, 0);
		if (!p) {
			count(RBS_FULL);
			return;
		}
		fill(p, seq, size);
		ie_ringbuf_submit(p, 0);
	}
}

static void badargs(void)
{
	__u8 buf[16] = { 0 };
	__u8 *p;

	if (ie_ringbuf_reserve(&rbs_ring, 16, 1))		/* unknown flags */
		count(RBS_BAD);
	if (ie_ringbuf_reserve(&rbs_ring, 0, 0))		/* empty record */
		count(RBS_BAD);
	if (ie_ringbuf_reserve(&rbs_ring, RBS_RING_SIZE / 2 + 1, 0))	/* more than half the ring */
		count(RBS_BAD);
	if (ie_ringbuf_reserve(&rbs_ctl, 16, 0))		/* not a ring buffer */
		count(RBS_BAD);
	if (ie_ringbuf_reserve(buf, 16, 0))		/* not a map definition at all */
		count(RBS_BAD);
	if (ie_ringbuf_output(&rbs_ring, buf, 16, 1) != -EINVAL)
		count(RBS_BAD);
	if (ie_ringbuf_output(&rbs_ctl, buf, 16, 0) != -EINVAL)
		count(RBS_BAD);
	if (ie_ringbuf_output(&rbs_ring, buf, 0, 0) != -EINVAL)
		count(RBS_BAD);
	if (ie_ringbuf_output(&rbs_ring, (void *)8, 16, 0) != -EFAULT)	/* unreadable source */
		count(RBS_BAD);
	p = ie_ringbuf_reserve(&rbs_ring, RBS_RING_SIZE / 2, 0);	/* the largest record */
	if (!p) {
		count(RBS_BAD);
		return;
	}
	fill(p, 0xb16, RBS_RING_SIZE / 2);
	ie_ringbuf_submit(p, 0);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u64 *pid = slot(RBS_PID), *mode = slot(RBS_MODE);
	__u8 local[16];
	__u8 *p;

	(void)ctx;
	if (!pid || !mode || !*pid || *pid != ie_get_current_pid_tgid() >> 32)
		return 0;
	count(RBS_RUNS);
	switch (*mode) {
	case RBS_STRESS:
		stress();
		break;
	case RBS_LEAK:
		p = ie_ringbuf_reserve(&rbs_ring, 64, 0);
		if (p)
			fill(p, 0x1eac, 64);
		else
			count(RBS_BAD);
		break;			/* returns holding the reservation */
	case RBS_DOUBLE:
		p = ie_ringbuf_reserve(&rbs_ring, 32, 0);
		if (!p) {
			count(RBS_BAD);
			break;
		}
		fill(p, 0xd0b1, 32);
		ie_ringbuf_submit(p, 0);
		ie_ringbuf_submit(p, 0);	/* refused: already submitted */
		ie_ringbuf_discard(p, 0);	/* refused too */
		ie_ringbuf_submit(local, 0);	/* never reserved */
		break;
	case RBS_BADARGS:
		badargs();
		break;
	case RBS_HDR:
		p = ie_ringbuf_reserve(&rbs_ring, 24, 0);
		if (!p) {
			count(RBS_BAD);
			break;
		}
		fill(p, 0x4d2, 24);
		((__u32 *)p)[-2] = 0x7fff;	/* the length in the header */
		((__u32 *)p)[-1] = 12345;	/* and pg_off */
		ie_ringbuf_submit(p, 0);
		break;
	}
	return 0;
}
