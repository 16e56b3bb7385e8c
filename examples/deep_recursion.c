// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * deep_recursion: recursion without a bound, for the runtime's stack check to stop.
 *
 * Each level keeps a 128-byte local array alive across the recursive call and
 * uses the callee's result afterwards, so neither gcc nor clang can turn the
 * recursion into a loop or a tail call: every level is a real stack frame
 * (about 160 bytes). Left alone it would run off the end of the stack.
 *
 *   sudo extctl load examples/deep_recursion.o              # kprobe __x64_sys_getpgid
 *   sudo extctl map update deep_recursion_cfg key 0 value 1234   # only PID 1234 (tgid)
 *   ... process 1234 calls getpgid(2): the call is aborted ...
 *   sudo extctl map lookup deep_recursion_stats key 0      # deepest level reached
 *
 * Maps:
 *   deep_recursion_cfg    array [2] of __u32:
 *                         [DEEP_CFG_TARGET] target tgid, 0 = every process;
 *                         [DEEP_CFG_LIMIT]  depth at which to stop, 0 = never (the
 *                         point of the example). With a limit the recursion returns
 *                         normally: a test can show how deep a bounded recursion
 *                         may go before the stack check steps in.
 *   deep_recursion_stats  array [3] of __u64:
 *                         [DEEP_STAT_DEEPEST]  deepest level entered by any run (1 =
 *                                              the first call of dive());
 *                         [DEEP_STAT_RETURNED] runs that came back (only with a limit);
 *                         [DEEP_STAT_RESULT]   the value the last such run computed:
 *                                              the sum over levels d = 1..limit of
 *                                              (d & 0xff) + ((d >> 7) & 0xff)
 *                                              (each level's two marks in its array).
 */
#include <innerext/extension.h>

#define DEEP_CFG_TARGET		0
#define DEEP_CFG_LIMIT		1

#define DEEP_STAT_DEEPEST	0
#define DEEP_STAT_RETURNED	1
#define DEEP_STAT_RESULT	2

#define FRAME_BYTES		128

IE_MAP(deep_recursion_cfg, IE_MAP_ARRAY, __u32, __u32, 2, 0);
IE_MAP(deep_recursion_stats, IE_MAP_ARRAY, __u32, __u64, 3, 0);

/* (not instrumented: see innerext.mk's -finstrument-functions) */
static __always_inline __attribute__((no_instrument_function)) __u32 cfg(__u32 idx)
{
	__u32 *v = ie_map_lookup_elem(&deep_recursion_cfg, &idx);

	return v ? *v : 0;
}

/*
 * Level @depth: mark the frame's array, record the depth, go one deeper, then
 * read the array again and add the callee's result. The empty asm statements
 * take the array's address and clobber memory, so the array must really exist
 * in this frame, before and after the call.
 */
static __noinline __u64 dive(__u64 depth, __u64 limit, volatile __u64 *deepest)
{
	__u8 frame[FRAME_BYTES] = { 0 };
	__u64 below;

	frame[0] = (__u8)depth;
	frame[FRAME_BYTES / 2 + depth % (FRAME_BYTES / 2)] = (__u8)(depth >> 7);
	asm volatile("" : : "r"(frame) : "memory");
	if (depth > *deepest)
		*deepest = depth;
	if (limit && depth >= limit)
		below = 0;
	else
		below = dive(depth + 1, limit, deepest);
	asm volatile("" : : "r"(frame) : "memory");
	return below + frame[0] + frame[FRAME_BYTES / 2 + depth % (FRAME_BYTES / 2)];
}

SEC("kprobe/__x64_sys_getpgid")
int deep_recursion(struct ie_pt_regs *regs)
{
	__u32 target = cfg(DEEP_CFG_TARGET), k;
	__u64 *deepest, *returned, *result, sum;

	(void)regs;
	if (target && target != (__u32)(ie_get_current_pid_tgid() >> 32))
		return 0;
	k = DEEP_STAT_DEEPEST;
	deepest = ie_map_lookup_elem(&deep_recursion_stats, &k);
	k = DEEP_STAT_RETURNED;
	returned = ie_map_lookup_elem(&deep_recursion_stats, &k);
	k = DEEP_STAT_RESULT;
	result = ie_map_lookup_elem(&deep_recursion_stats, &k);
	if (!deepest || !returned || !result)
		return 0;

	sum = dive(1, cfg(DEEP_CFG_LIMIT), deepest);

	*result = sum;
	__sync_fetch_and_add(returned, 1);
	return 0;
}
