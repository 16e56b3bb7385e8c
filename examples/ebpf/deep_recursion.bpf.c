// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * deep_recursion.bpf.c: the eBPF twin of examples/deep_recursion.c: recursion
 * with no bound (or a bound chosen at run time), a 128-byte array per level, for
 * the target process's getpgid(2).
 *
 * clang compiles it; the verifier refuses it: 6.1 any recursive call ("back-edge
 * from insn X to Y"), 6.12 a call chain deeper than 8 frames ("the call stack of
 * 9 frames is too deep"). innerext loads the native one: its stack check stops
 * the invocation when the extension stack runs out.
 *
 *   examples/ebpf/verifier_check examples/ebpf/deep_recursion.bpf.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME_BYTES	128

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);		/* [0] target tgid (0 = everyone), [1] limit (0 = none) */
} deep_recursion_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);		/* [0] deepest, [1] returned, [2] result */
} deep_recursion_stats SEC(".maps");

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
int deep_recursion(void *ctx)
{
	__u32 k = 0, *target = bpf_map_lookup_elem(&deep_recursion_cfg, &k), *limit;
	__u64 *deepest, *returned, *result;

	(void)ctx;
	if (target && *target && *target != (__u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	k = 1;
	limit = bpf_map_lookup_elem(&deep_recursion_cfg, &k);
	k = 0;
	deepest = bpf_map_lookup_elem(&deep_recursion_stats, &k);
	k = 1;
	returned = bpf_map_lookup_elem(&deep_recursion_stats, &k);
	k = 2;
	result = bpf_map_lookup_elem(&deep_recursion_stats, &k);
	if (!limit || !deepest || !returned || !result)
		return 0;

	*result = dive(1, *limit, deepest);
	__sync_fetch_and_add(returned, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
