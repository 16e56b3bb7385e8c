// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * large_program.bpf.c: the eBPF twin of examples/large_program.c: 64 rounds of a
 * switch of 4096 cases (VX_LP_CASES_4096 in verifier_examples.h), about 32,000
 * BPF instructions and 8,000 branches.
 *
 * clang compiles it (BPF has no jump tables: the switch becomes a tree of
 * compares). The program is far below the 1,000,000-instruction size limit, but
 * the verifier explores it path by path: the case taken depends on data, so in
 * every round it walks all 4096 cases of lp_round() again (a static function is
 * checked anew at each call, and the round counter keeps the rounds' states
 * apart), and it gives up after 1,000,000 instructions: "BPF program is too
 * large. Processed 1000001 insn".
 *
 * (A BPF author would make lp_round() a global function, which the verifier
 * checks once, on its own: then it is accepted. With one round instead of 64 it
 * is accepted too. What is refused is the plain program.)
 *
 *   examples/ebpf/verifier_check examples/ebpf/large_program.bpf.o
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
} large_program_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VX_RESULT_NR);
	__type(key, __u32);
	__type(value, __u64);		/* input, output, runs */
} large_program_result SEC(".maps");

/* One round: the switch of 4096 cases (the compiler keeps it a function of its own). */
static __noinline __u64 lp_round(__u64 acc)
{
	switch (VX_LP_SELECT(acc)) {
	VX_LP_CASES_4096(0, acc)
	}
	return acc;
}

SEC("tracepoint/syscalls/sys_enter_getpriority")
int large_program(struct sys_enter_ctx *ctx)
{
	__u32 k = 0, *target = bpf_map_lookup_elem(&large_program_cfg, &k), seed;
	__u64 *input, *output, *runs, acc;
	int r;

	if (target && *target && *target != (__u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = bpf_map_lookup_elem(&large_program_result, &k);
	k = VX_RESULT_OUTPUT;
	output = bpf_map_lookup_elem(&large_program_result, &k);
	k = VX_RESULT_RUNS;
	runs = bpf_map_lookup_elem(&large_program_result, &k);
	if (!input || !output || !runs)
		return 0;

	seed = (__u32)ctx->args[0];
	acc = VX_LP_INIT(seed);
	for (r = 0; r < VX_LP_ROUNDS; r++)
		acc = lp_round(acc);

	*input = seed;
	*output = acc;
	__sync_fetch_and_add(runs, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
