// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * big_stack.bpf.c: the eBPF twin of examples/big_stack.c: a 4 KiB buffer on the
 * stack, filled, then checksummed.
 *
 * BPF programs have 512 bytes of stack, and two refusals stand in the way:
 *
 *  - clang refuses the program as written natively (build with -DBIG_STACK_PLAIN
 *    to see it):
 *      error: Looks like the BPF stack limit of 512 bytes is exceeded. Please
 *      move large on stack variables into BPF per-cpu array map.
 *    (it refuses any frame of 512 bytes or more: a chain of calls could hold at
 *    most 8 frames of 504 bytes, still less than 4 KiB);
 *  - so by default the same buffer is addressed below the 512 bytes clang
 *    manages (two lines of inline asm instead of the declaration), and the
 *    kernel's verifier refuses the first store into it:
 *      invalid write to stack R1 off=-4608 size=1   (or similar)
 *
 * What a BPF author does instead is what clang suggests: keep the buffer in a
 * per-CPU array map. That is accepted, and is not what this example is about.
 *
 *   examples/ebpf/verifier_check examples/ebpf/big_stack.bpf.o
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
} big_stack_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_RESULT_NR);
	__type(key, __u32);
	__type(value, __u64);		/* input, output, runs */
} big_stack_result SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_sched_get_priority_max")
int big_stack(struct sys_enter_ctx *ctx)
{
	__u32 k = 0, *target = bpf_map_lookup_elem(&big_stack_cfg, &k), seed, i;
	__u64 *input, *output, *runs, sum = 0;
#ifdef BIG_STACK_PLAIN
	__u8 buf[VX_STACK_BYTES];
#else
	__u8 *buf;

	/* The 4 KiB just below the 512 bytes of stack the compiler uses itself. */
	asm volatile("%0 = r10; %0 += %1" : "=r"(buf) : "i"(-512 - VX_STACK_BYTES));
#endif

	if (target && *target && *target != (__u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = bpf_map_lookup_elem(&big_stack_result, &k);
	k = VX_RESULT_OUTPUT;
	output = bpf_map_lookup_elem(&big_stack_result, &k);
	k = VX_RESULT_RUNS;
	runs = bpf_map_lookup_elem(&big_stack_result, &k);
	if (!input || !output || !runs)
		return 0;

	seed = (__u32)ctx->args[0];
	for (i = 0; i < VX_STACK_BYTES; i++)
		buf[i] = VX_STACK_BYTE(seed, i);
	asm volatile("" : : "r"(buf) : "memory");
	for (i = 0; i < VX_STACK_BYTES; i++)
		sum += buf[i] * VX_STACK_WEIGHT(i);

	*input = seed;
	*output = sum;
	__sync_fetch_and_add(runs, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
