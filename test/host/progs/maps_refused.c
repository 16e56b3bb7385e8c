/*
 * Objects libinnerext accepts that the module refuses, after some maps were
 * created: with -DHUGE_MAP one map is too big for the module (the maps created
 * before it must go again); with -DBAD_IMPORT the program calls a function the
 * module does not provide (every map created must go again).
 */
#include <innerext/extension.h>

#ifdef HUGE_MAP
/* 64 KiB values x 100000 entries: far beyond IE_MAP_MAX_MEMORY (declared first: gcc
 * places it last in ".maps", so the small maps are created before it is refused) */
IE_MAP(huge, IE_MAP_HASH, __u32, char[65536], 100000, 0);
#endif
IE_MAP(small_a, IE_MAP_HASH, __u32, __u64, 16, 0);
IE_MAP(small_b, IE_MAP_ARRAY, __u32, __u64, 16, 0);
#ifdef BAD_IMPORT
int printf(const char *fmt, ...);
#endif

SEC("kprobe/__x64_sys_getpid")
int use_maps(void *ctx)
{
	__u32 k = 0;

	(void)ctx;
#ifdef BAD_IMPORT
	printf("no printf in the kernel\n");
#endif
#ifdef HUGE_MAP
	ie_map_lookup_elem(&huge, &k);
#endif
	return ie_map_lookup_elem(&small_a, &k) || ie_map_lookup_elem(&small_b, &k);
}
