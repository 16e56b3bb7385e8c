// SPDX-License-Identifier: GPL-2.0
/* MB_LOOKUPS hash map lookups per getppid() (map_bench.h); twin: ebpf/map_hash.bpf.c */
#include <innerext/extension.h>
#include "map_bench.h"

IE_MAP(values, IE_MAP_HASH, __u32, __u64, MB_ENTRIES, 0);
#ifdef MB_CHECK
IE_MAP(check, IE_MAP_ARRAY, __u32, __u64, 2, 0);
#endif
__u64 mb_next, mb_sink;

SEC("kprobe/__x64_sys_getppid")
int map_hash(void *ctx)
{
	(void)ctx;
	MAP_BENCH_BODY(ie_map_lookup_elem, values, check);
	return 0;
}
