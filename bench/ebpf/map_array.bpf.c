// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of progs/map_array.c: MB_LOOKUPS array map lookups per getppid() */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../progs/map_bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MB_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");
#ifdef MB_CHECK
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} check SEC(".maps");
#endif
__u64 mb_next, mb_sink;

SEC("kprobe/__x64_sys_getppid")
int map_array(void *ctx)
{
	(void)ctx;
	MAP_BENCH_BODY(bpf_map_lookup_elem, values, check);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
