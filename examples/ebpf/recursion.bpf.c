// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * recursion.bpf.c: the eBPF twin of examples/recursion.c, Fibonacci computed
 * recursively, fib(n) for n chosen at run time (at most 24).
 *
 * clang compiles it (a BPF-to-BPF call of a static function); the verifier
 * refuses it. 6.1 refuses any recursive call before looking at values: its
 * control-flow check sees the call back into fib() as a back-edge ("back-edge
 * from insn 65 to 56"). 6.12 follows the calls instead, and refuses when they go
 * deeper than its 8 call frames ("the call stack of 9 frames is too deep"): n
 * comes from user space, so nothing bounds the depth below 24.
 *
 *   examples/ebpf/verifier_check examples/ebpf/recursion.bpf.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../verifier_examples.h"

/* syscalls:sys_enter_X's record (tracefs events/syscalls/sys_enter_X/format) */
struct sys_enter_ctx {
	__u64 common;		/* common_type, flags, preempt_count, pid */
	__s32 syscall_nr;
	__u32 pad;
	__u64 args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);		/* target tgid, 0 = everyone */
} recursion_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_RESULT_NR);
	__type(key, __u32);
	__type(value, __u64);		/* input, output, runs */
} recursion_result SEC(".maps");

static __noinline __u64 fib(__u32 n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

SEC("tracepoint/syscalls/sys_enter_sched_get_priority_min")
int recursion(struct sys_enter_ctx *ctx)
{
	__u32 k = 0, *target = bpf_map_lookup_elem(&recursion_cfg, &k), n;
	__u64 *input, *output, *runs;

	if (target && *target && *target != (__u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = bpf_map_lookup_elem(&recursion_result, &k);
	k = VX_RESULT_OUTPUT;
	output = bpf_map_lookup_elem(&recursion_result, &k);
	k = VX_RESULT_RUNS;
	runs = bpf_map_lookup_elem(&recursion_result, &k);
	if (!input || !output || !runs)
		return 0;

	n = (__u32)ctx->args[0];
	if (n > VX_FIB_MAX_N)
		n = VX_FIB_MAX_N;

	*input = n;
	*output = fib(n);
	__sync_fetch_and_add(runs, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
