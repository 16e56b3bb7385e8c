// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * large_program: a switch of 4096 cases, each its own few instructions (about
 * 8,000 basic blocks with the compare tree that selects them: -fno-jump-tables),
 * run 64 rounds on every getpriority(2) of the target process. The cases are
 * written out by the preprocessor (VX_LP_CASES_4096 in verifier_examples.h).
 *
 * The eBPF verifier refuses the same program (examples/ebpf/large_program.bpf.c):
 * it walks all 4096 cases again in each of the 64 rounds and gives up at
 * 1,000,000 instructions ("BPF program is too large"). innerext runs it natively.
 *
 *   sudo extctl load examples/large_program.o       # tracepoint syscalls:sys_enter_getpriority
 *   sudo extctl map update large_program_cfg key 0 value $$      # only this shell (0 = all)
 *   ... syscall(SYS_getpriority, 12345, 0) ...
 *   sudo extctl map lookup large_program_result key 1              # vx_large_program(12345)
 *
 * Maps (verifier_examples.h):
 *   large_program_cfg     array [1] of __u32: the target tgid, 0 = every process
 *   large_program_result  array [3] of __u64: input (seed), output, completed runs
 */
#include <innerext/extension.h>

#include "verifier_examples.h"

IE_MAP(large_program_cfg, IE_MAP_ARRAY, __u32, __u32, 1, 0);
IE_MAP(large_program_result, IE_MAP_ARRAY, __u32, __u64, VX_RESULT_NR, 0);

/* One round: the switch of 4096 cases (the compiler keeps it a function of its own). */
static __noinline __u64 lp_round(__u64 acc)
{
	switch (VX_LP_SELECT(acc)) {
	VX_LP_CASES_4096(0, acc)
	}
	return acc;
}

SEC("tracepoint/syscalls/sys_enter_getpriority")
int large_program(struct ie_syscall_ctx *ctx)
{
	__u32 k = 0, *target = ie_map_lookup_elem(&large_program_cfg, &k), seed;
	__u64 *input, *output, *runs, acc;
	int r;

	if (target && *target && *target != (__u32)(ie_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = ie_map_lookup_elem(&large_program_result, &k);
	k = VX_RESULT_OUTPUT;
	output = ie_map_lookup_elem(&large_program_result, &k);
	k = VX_RESULT_RUNS;
	runs = ie_map_lookup_elem(&large_program_result, &k);
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
