// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * loop_million.bpf.c: the eBPF twin of examples/loop_million.c, the same loop of
 * 1,000,000 xorshift64 steps written as a BPF author would.
 *
 * clang compiles it; the kernel's verifier refuses it. A bounded loop is checked
 * by walking it one iteration at a time, and the verifier stops after 1,000,000
 * instructions (BPF_COMPLEXITY_LIMIT_INSNS): "BPF program is too large.
 * Processed 1000001 insn". (Since 5.17 a BPF author would restructure the loop
 * around the bpf_loop() helper, a callback per iteration, which the verifier
 * checks once: the point here is that the plain loop is refused.)
 *
 *   examples/ebpf/verifier_check examples/ebpf/loop_million.bpf.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../verifier_examples.h"

/* syscalls:sys_enter_X's record (tracefs events/syscalls/sys_enter_getsid/format) */
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
} loop_million_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_RESULT_NR);
	__type(key, __u32);
	__type(value, __u64);		/* input, output, runs */
} loop_million_result SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getsid")
int loop_million(struct sys_enter_ctx *ctx)
{
	__u32 k = 0, *target = bpf_map_lookup_elem(&loop_million_cfg, &k), seed, i;
	__u64 *input, *output, *runs, h;

	if (target && *target && *target != (__u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = bpf_map_lookup_elem(&loop_million_result, &k);
	k = VX_RESULT_OUTPUT;
	output = bpf_map_lookup_elem(&loop_million_result, &k);
	k = VX_RESULT_RUNS;
	runs = bpf_map_lookup_elem(&loop_million_result, &k);
	if (!input || !output || !runs)
		return 0;

	seed = (__u32)ctx->args[0];
	h = seed;
	for (i = 0; i < VX_LOOP_ITERATIONS; i++)
		VX_LOOP_STEP(h, i);

	*input = seed;
	*output = h;
	__sync_fetch_and_add(runs, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
