// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * big_stack: a 4 KiB buffer on the stack, filled, then checksummed, on every
 * sched_get_priority_max(2) of the target process.
 *
 * eBPF programs get 512 bytes of stack: clang refuses this buffer outright ("Looks
 * like the BPF stack limit of 512 bytes is exceeded"), and the kernel's verifier
 * refuses the same 4 KiB addressed below the frame clang manages ("invalid write
 * to stack R4 off=-4608 size=1"; examples/ebpf/big_stack.bpf.c). innerext runs
 * it on the extension stack (frames up to 8 KiB: innerext.mk).
 *
 *   sudo extctl load examples/big_stack.o   # tracepoint syscalls:sys_enter_sched_get_priority_max
 *   sudo extctl map update big_stack_cfg key 0 value $$          # only this shell (0 = all)
 *   ... syscall(SYS_sched_get_priority_max, 12345) ...
 *   sudo extctl map lookup big_stack_result key 1                  # vx_big_stack(12345)
 *
 * Maps (verifier_examples.h):
 *   big_stack_cfg     array [1] of __u32: the target tgid, 0 = every process
 *   big_stack_result  array [3] of __u64: input (seed), output, completed runs
 */
#include <innerext/extension.h>

#include "verifier_examples.h"

IE_MAP(big_stack_cfg, IE_MAP_ARRAY, __u32, __u32, 1, 0);
IE_MAP(big_stack_result, IE_MAP_ARRAY, __u32, __u64, VX_RESULT_NR, 0);

SEC("tracepoint/syscalls/sys_enter_sched_get_priority_max")
int big_stack(struct ie_syscall_ctx *ctx)
{
	__u32 k = 0, *target = ie_map_lookup_elem(&big_stack_cfg, &k), seed, i;
	__u64 *input, *output, *runs, sum = 0;
	__u8 buf[VX_STACK_BYTES];

	if (target && *target && *target != (__u32)(ie_get_current_pid_tgid() >> 32))
		return 0;
	k = VX_RESULT_INPUT;
	input = ie_map_lookup_elem(&big_stack_result, &k);
	k = VX_RESULT_OUTPUT;
	output = ie_map_lookup_elem(&big_stack_result, &k);
	k = VX_RESULT_RUNS;
	runs = ie_map_lookup_elem(&big_stack_result, &k);
	if (!input || !output || !runs)
		return 0;

	seed = (__u32)ctx->args[0];
	for (i = 0; i < VX_STACK_BYTES; i++)
		buf[i] = VX_STACK_BYTE(seed, i);
	/*
	 * The buffer's address escapes into an asm statement that clobbers memory:
	 * all 4096 bytes must be in memory here, and are read back from it below
	 * (no compiler may fuse the two loops and drop the buffer).
	 */
	asm volatile("" : : "r"(buf) : "memory");
	for (i = 0; i < VX_STACK_BYTES; i++)
		sum += buf[i] * VX_STACK_WEIGHT(i);

	*input = seed;
	*output = sum;
	__sync_fetch_and_add(runs, 1);
	return 0;
}
