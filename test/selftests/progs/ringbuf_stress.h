/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/ringbuf_stress.c (the extension) and ringbuf_test.c (the test). */
#ifndef RINGBUF_STRESS_H
#define RINGBUF_STRESS_H

#include <linux/types.h>

#define RBS_RING_SIZE	16384		/* the "rbs_ring" ring's data bytes */

/* slots of the "rbs_ctl" array map (__u32 -> __u64) */
enum {
	RBS_PID,		/* in: only this tgid's getppid() calls produce (0: none) */
	RBS_MODE,		/* in: enum rbs_mode */
	RBS_ATTEMPTS,		/* out: records the extension tried to write (stress) */
	RBS_DISCARDED,		/* out: records it reserved and then discarded on purpose */
	RBS_FULL,		/* out: reservations / outputs refused (ring full) */
	RBS_BAD,		/* out: helper results that were not what the mode expects */
	RBS_RUNS,		/* out: invocations for our pid */
	RBS_NR_SLOTS = 8,
};

enum rbs_mode {
	RBS_STRESS,		/* numbered records of varying size: submit, output, discard */
	RBS_LEAK,		/* reserve and return without submitting */
	RBS_DOUBLE,		/* submit twice, submit a pointer that was never reserved */
	RBS_BADARGS,		/* refused arguments; then one record of exactly size / 2 */
	RBS_HDR,		/* overwrite the record header, then submit */
};

/* A stress record: this header, then (size - 16) payload bytes rbs_byte(seq, i). */
struct rbs_rec {
	__u64 seq;
	__u32 size;		/* the record's size as reserved */
	__u32 cpu;
};

#define RBS_MAX_REC	256

/* Sizes 16..215, mostly not multiples of 8. */
static inline __u32 rbs_size(__u64 seq)
{
	return 16 + (__u32)((seq * 7) % 200);
}

static inline __u8 rbs_byte(__u64 seq, __u32 i)
{
	return (__u8)(seq * 31 + i * 13 + 1);
}

/* How a record leaves the extension: 0 reserve+submit, 1 output, 2 reserve+discard. */
static inline int rbs_how(__u64 seq)
{
	if (seq % 5 == 1)
		return 1;
	if (seq % 11 == 3)
		return 2;
	return 0;
}

#endif /* RINGBUF_STRESS_H */
