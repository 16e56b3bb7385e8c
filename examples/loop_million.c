// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * loop_million: a loop of 1,000,000 iterations (an xorshift64 hash of the
 * iteration numbers), run on every getsid(2) of the target process.
 *
 * The eBPF verifier refuses the same loop (examples/ebpf/loop_million.bpf.c): it
 * walks a bounded loop one iteration at a time and gives up after 1,000,000
 * instructions. innerext runs it natively; only its time is bounded.
 *
 *   sudo extctl load examples/loop_million.o        # tracepoint syscalls:sys_enter_getsid
 *   sudo extctl map update loop_million_cfg key 0 value $$     # only this shell (0 = all)
 *   ... syscall(SYS_getsid, 12345) ...
 *   sudo extctl map lookup loop_million_result key 1             # vx_loop_million(12345)
 *
 * Maps (verifier_examples.h):
 *   loop_million_cfg     array [1] of __u32: the target tgid, 0 = every process
 *   loop_million_result  array [3] of __u64: input (seed), output, completed runs
 */
#include <innerext/extension.h>

#include "verifier_examples.h"

IE_MAP(loop_million_cfg, IE_MAP_ARRAY, __u32, __u32, 1, 0);
IE_MAP(loop_million_result, IE_MAP_ARRAY, __u32, __u64, VX_RESULT_NR, 0);

SEC("tracepoint/syscalls/sys_enter_getsid")
int loop_million(struct ie_syscall_ctx *ctx)
{
	__u32 k = 0, *target = ie_map_lookup_elem(&loop_million_cfg, &k), seed, i;
	__u64 *input, *output, *runs, h;

	if (target && *target && *target != (__u32)(ie_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = ie_map_lookup_elem(&loop_million_result, &k);
	k = VX_RESULT_OUTPUT;
	output = ie_map_lookup_elem(&loop_million_result, &k);
	k = VX_RESULT_RUNS;
	runs = ie_map_lookup_elem(&loop_million_result, &k);
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
