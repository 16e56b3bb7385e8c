// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * recursion: Fibonacci computed the naive recursive way, fib(n) with n chosen at
 * run time (at most 24: 150,049 calls, 24 deep), on every
 * sched_get_priority_min(2) of the target process.
 *
 * The eBPF verifier refuses it (examples/ebpf/recursion.bpf.c): 6.1 any recursive
 * call, 6.12 calls nested deeper than 8 frames. innerext runs it natively; the
 * runtime's stack check bounds the depth (examples/deep_recursion.c).
 *
 *   sudo extctl load examples/recursion.o   # tracepoint syscalls:sys_enter_sched_get_priority_min
 *   sudo extctl map update recursion_cfg key 0 value $$          # only this shell (0 = all)
 *   ... syscall(SYS_sched_get_priority_min, 20) ...
 *   sudo extctl map lookup recursion_result key 1                  # fib(20) = 6765
 *
 * Maps (verifier_examples.h):
 *   recursion_cfg     array [1] of __u32: the target tgid, 0 = every process
 *   recursion_result  array [3] of __u64: input (n, after the cap at 24), fib(n),
 *                     completed runs
 */
#include <innerext/extension.h>

#include "verifier_examples.h"

IE_MAP(recursion_cfg, IE_MAP_ARRAY, __u32, __u32, 1, 0);
IE_MAP(recursion_result, IE_MAP_ARRAY, __u32, __u64, VX_RESULT_NR, 0);

/* Two recursive calls, their results added: no compiler turns this into a loop. */
static __noinline __u64 fib(__u32 n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

SEC("tracepoint/syscalls/sys_enter_sched_get_priority_min")
int recursion(struct ie_syscall_ctx *ctx)
{
	__u32 k = 0, *target = ie_map_lookup_elem(&recursion_cfg, &k), n;
	__u64 *input, *output, *runs;

	if (target && *target && *target != (__u32)(ie_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = ie_map_lookup_elem(&recursion_result, &k);
	k = VX_RESULT_OUTPUT;
	output = ie_map_lookup_elem(&recursion_result, &k);
	k = VX_RESULT_RUNS;
	runs = ie_map_lookup_elem(&recursion_result, &k);
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
