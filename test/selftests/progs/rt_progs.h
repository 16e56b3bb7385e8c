/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/rt_progs.c and runtime_test.c. */
#ifndef RT_PROGS_H
#define RT_PROGS_H

#include <linux/types.h>

/* rt_cfg (array, key 0): which process the programs act for */
struct rt_cfg {
	__u32 target_tgid;	/* 0: nobody */
	__u32 depth_limit;	/* deep_recursion: 0 = unbounded */
};

/* rt_lock (array, key 0): a lock shared by lock_hold and lock_take */
struct rt_lock_val {
	struct { __u32 val; } lock;	/* struct ie_spin_lock */
	__u32 pad;
	__u64 taken;		/* lock_take: times it got the lock */
	__u64 depth;		/* deep_recursion: deepest frame reached */
};

#define RT_ETH_P_TEST	0x88b5	/* frames spin_xdp loops on */

#endif
