/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map-lookup benchmark program, shared word for word by the innerext
 * extensions (progs/map_{array,hash}.c, gcc with the SDK flags) and their eBPF
 * twins (ebpf/map_{array,hash}.bpf.c, clang -target bpf). Each invocation
 * (a kprobe on getppid) looks up MB_LOOKUPS consecutive keys, wrapping at
 * MB_ENTRIES, starting where the previous invocation stopped; every key
 * 0..MB_ENTRIES-1 is in the map (compare_bench fills it), so every lookup hits,
 * and the values are summed into a global so that no lookup can be dropped.
 *
 * Built with -DMB_CHECK (the *_check objects, never timed) the program also
 * adds its hits and runs to the `check` array map, which compare_bench reads
 * to prove that both implementations really hit on every lookup.
 */
#ifndef MAP_BENCH_H
#define MAP_BENCH_H

#define MB_ENTRIES	1024	/* keys 0..MB_ENTRIES-1, values key * 3 + 1 */
#define MB_LOOKUPS	16	/* lookups per invocation */
#define MB_VALUE(key)	((__u64)(key) * 3 + 1)

/* check[0]: lookups that hit, check[1]: invocations */
#define MB_CHECK_HITS	0
#define MB_CHECK_RUNS	1

/* LOOKUP(map, key pointer) returns a value pointer or NULL */
#define MAP_BENCH_BODY(LOOKUP, MAP, CHECK)					\
	do {									\
		__u64 base = mb_next, sum = 0, hits = 0, *v;			\
		__u32 i, key;							\
										\
		for (i = 0; i < MB_LOOKUPS; i++) {				\
			key = (__u32)(base + i) & (MB_ENTRIES - 1);		\
			v = LOOKUP(&MAP, &key);					\
			if (v) {						\
				sum += *v;					\
				hits++;						\
			}							\
		}								\
		mb_next = base + MB_LOOKUPS;					\
		mb_sink += sum;							\
		MB_CHECK_ADD(LOOKUP, CHECK, hits);				\
	} while (0)

#ifdef MB_CHECK
#define MB_CHECK_ADD(LOOKUP, CHECK, hits)					\
	do {									\
		__u32 k = MB_CHECK_HITS;					\
		__u64 *c = LOOKUP(&CHECK, &k);					\
										\
		if (c)								\
			__sync_fetch_and_add(c, hits);				\
		k = MB_CHECK_RUNS;						\
		c = LOOKUP(&CHECK, &k);						\
		if (c)								\
			__sync_fetch_and_add(c, 1);				\
	} while (0)
#else
#define MB_CHECK_ADD(LOOKUP, CHECK, hits)	do { (void)(hits); } while (0)
#endif

#endif
