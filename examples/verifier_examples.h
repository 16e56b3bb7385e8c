/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the programs the eBPF verifier refuses and innerext runs
 * (examples/loop_million.c, big_stack.c, recursion.c, large_program.c), their
 * eBPF twins (examples/ebpf/<name>.bpf.c) and the tests that check them: the
 * maps' layout, the triggers, and the computations, once as macros the programs
 * use and once as plain functions that give a test the expected result.
 *
 * Every program works the same way:
 *
 *   - it runs on entry to one system call (tracepoint syscalls:sys_enter_X)
 *     and takes its input from the call's first argument, low 32 bits;
 *   - <name>_cfg, an array [1] of __u32: [0] = the tgid to serve, 0 = everyone;
 *   - <name>_result, an array [3] of __u64: [VX_RESULT_INPUT] the input used,
 *     [VX_RESULT_OUTPUT] what it computed, [VX_RESULT_RUNS] how many runs
 *     completed (incremented last, atomically).
 *
 *   program        trigger (syscall(2) with the input as first argument)   output
 *   loop_million   getsid(seed)                   vx_loop_million(seed)
 *   big_stack      sched_get_priority_max(seed)   vx_big_stack(seed)
 *   recursion      sched_get_priority_min(n)      fib(min(n, 24)), input = min(n, 24)
 *   large_program  getpriority(seed, 0)           vx_large_program(seed)
 *
 * The system calls themselves just fail (ESRCH, EINVAL): only the entry counts.
 */
#ifndef __INNEREXT_VERIFIER_EXAMPLES_H
#define __INNEREXT_VERIFIER_EXAMPLES_H

#include <linux/types.h>

#define VX_RESULT_INPUT		0
#define VX_RESULT_OUTPUT	1
#define VX_RESULT_RUNS		2
#define VX_RESULT_NR		3

#ifndef __vx_ref
#define __vx_ref static inline __attribute__((unused, no_instrument_function))
#endif

/* ------------------------------------------------------------- loop_million */

#define VX_LOOP_ITERATIONS	1000000

/* One step: mix in the iteration number, then Marsaglia's xorshift64. */
#define VX_LOOP_STEP(h, i)						\
	do {								\
		(h) ^= (__u64)(i);					\
		(h) ^= (h) << 13;					\
		(h) ^= (h) >> 7;					\
		(h) ^= (h) << 17;					\
	} while (0)

__vx_ref __u64 vx_loop_million(__u32 seed)
{
	__u64 h = seed;
	__u32 i;

	for (i = 0; i < VX_LOOP_ITERATIONS; i++)
		VX_LOOP_STEP(h, i);
	return h;
}

/* ------------------------------------------------------------- big_stack */

#define VX_STACK_BYTES		4096

/* Byte @i of the buffer. */
#define VX_STACK_BYTE(seed, i)	((__u8)((((__u32)(seed) + (__u32)(i)) * 2654435761u) >> 24))
/* The checksum adds every byte times its odd weight 2i + 1. */
#define VX_STACK_WEIGHT(i)	(2 * (__u64)(i) + 1)

__vx_ref __u64 vx_big_stack(__u32 seed)
{
	__u64 sum = 0;
	__u32 i;

	for (i = 0; i < VX_STACK_BYTES; i++)
		sum += VX_STACK_BYTE(seed, i) * VX_STACK_WEIGHT(i);
	return sum;
}

/* ------------------------------------------------------------- recursion */

#define VX_FIB_MAX_N		24	/* fib(24) = 46368: 150,049 calls, 24 deep */

__vx_ref __u64 vx_fib(__u32 n)
{
	__u64 a = 0, b = 1, t;

	while (n--) {
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}

/* ------------------------------------------------------------- large_program */

#define VX_LP_CASES		4096	/* cases of the switch: one basic block each */
#define VX_LP_ROUNDS		64	/* times the switch runs */

#define VX_LP_K(n)		(((__u64)(n) + 1) * 0x9e3779b97f4a7c15ull)
#define VX_LP_M(n)		(2 * (__u64)(n) + 3)
#define VX_ROTL64(x, r)		(((x) << (r)) | ((x) >> (64 - (r))))

/*
 * Case @n of the switch; one of four shapes by n % 4, constants from n. With n
 * a constant (each case) this folds to a few instructions of its own.
 */
#define VX_LP_STEP(n, acc)						\
	(((n) & 3) == 0 ? ((acc) ^ VX_LP_K(n)) * VX_LP_M(n) :		\
	 ((n) & 3) == 1 ? VX_ROTL64((acc), 1 + (n) % 63) + VX_LP_K(n) :	\
	 ((n) & 3) == 2 ? ((acc) + VX_LP_K(n)) ^ ((acc) >> (1 + (n) % 31)) :	\
			  ((acc) - VX_LP_K(n)) * VX_LP_M((n) >> 2))
/* The case the next round takes. */
#define VX_LP_SELECT(acc)	((__u32)((acc) >> 40) & (VX_LP_CASES - 1))
#define VX_LP_INIT(seed)	((__u64)(seed) * 0xff51afd7ed558ccdull + 1)

/*
 * The switch of 4096 cases, written out by the preprocessor:
 *   switch (VX_LP_SELECT(acc)) { VX_LP_CASES_4096(0, acc) }
 */
#define VX_LP_CASE(n, acc)	case (n): (acc) = VX_LP_STEP((__u64)(n), (acc)); break;
#define VX_LP_CASES_4(n, acc)	VX_LP_CASE((n), acc) VX_LP_CASE((n) + 1, acc)	\
				VX_LP_CASE((n) + 2, acc) VX_LP_CASE((n) + 3, acc)
#define VX_LP_CASES_16(n, acc)	VX_LP_CASES_4((n), acc) VX_LP_CASES_4((n) + 4, acc) \
				VX_LP_CASES_4((n) + 8, acc) VX_LP_CASES_4((n) + 12, acc)
#define VX_LP_CASES_64(n, acc)	VX_LP_CASES_16((n), acc) VX_LP_CASES_16((n) + 16, acc) \
				VX_LP_CASES_16((n) + 32, acc) VX_LP_CASES_16((n) + 48, acc)
#define VX_LP_CASES_256(n, acc)	VX_LP_CASES_64((n), acc) VX_LP_CASES_64((n) + 64, acc) \
				VX_LP_CASES_64((n) + 128, acc) VX_LP_CASES_64((n) + 192, acc)
#define VX_LP_CASES_1024(n, acc) VX_LP_CASES_256((n), acc) VX_LP_CASES_256((n) + 256, acc) \
				VX_LP_CASES_256((n) + 512, acc) VX_LP_CASES_256((n) + 768, acc)
#define VX_LP_CASES_4096(n, acc) VX_LP_CASES_1024((n), acc) VX_LP_CASES_1024((n) + 1024, acc) \
				VX_LP_CASES_1024((n) + 2048, acc) VX_LP_CASES_1024((n) + 3072, acc)

/* The same computation as a loop, for tests. */
__vx_ref __u64 vx_large_program(__u32 seed)
{
	__u64 acc = VX_LP_INIT(seed), n;
	int r;

	for (r = 0; r < VX_LP_ROUNDS; r++) {
		n = VX_LP_SELECT(acc);
		acc = VX_LP_STEP(n, acc);
	}
	return acc;
}

#endif /* __INNEREXT_VERIFIER_EXAMPLES_H */
