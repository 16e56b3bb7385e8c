/*
 * Map definitions the loader refuses, one per BAD_* define (test/host/Makefile
 * builds bad_map_<case>.o from this file with -DBAD_<CASE>).
 */
#include <innerext/extension.h>

#if defined(BAD_TYPE)
IE_MAP(m, 42, __u32, __u64, 16, 0);
#elif defined(BAD_KEY0)
struct ie_map_def m SEC(".maps") = { .type = IE_MAP_HASH, .value_size = 8, .max_entries = 16 };
#elif defined(BAD_ARRAY_KEY)
IE_MAP(m, IE_MAP_ARRAY, __u64, __u64, 16, 0);
#elif defined(BAD_VALUE_BIG)
IE_MAP(m, IE_MAP_HASH, __u32, char[70000], 16, 0);
#elif defined(BAD_ENTRIES0)
IE_MAP(m, IE_MAP_HASH, __u32, __u64, 0, 0);
#elif defined(BAD_FLAGS)
IE_MAP(m, IE_MAP_HASH, __u32, __u64, 16, 4);
#elif defined(BAD_RINGBUF_SIZE)
IE_RINGBUF(m, 5000);
#elif defined(BAD_RINGBUF_SMALL)
IE_RINGBUF(m, 2048);
#elif defined(BAD_RINGBUF_KEY)
IE_MAP(m, IE_MAP_RINGBUF, __u32, __u64, 4096, 0);
#elif defined(BAD_SLOT)
struct ie_map_def m SEC(".maps") = { .type = IE_MAP_HASH, .key_size = 4, .value_size = 8,
				     .max_entries = 16, .slot = 3 };
#elif defined(BAD_LONG_NAME)
IE_MAP(a_map_name_longer_than_31_characters, IE_MAP_HASH, __u32, __u64, 16, 0);
#define m a_map_name_longer_than_31_characters
#elif defined(BAD_CONST)
const struct ie_map_def m SEC(".maps") = { .type = IE_MAP_HASH, .key_size = 4,
					   .value_size = 8, .max_entries = 16 };
#elif defined(BAD_ALIAS)
IE_MAP(m, IE_MAP_HASH, __u32, __u64, 16, 0);
extern struct ie_map_def m_alias __attribute__((alias("m")));
#elif defined(BAD_TOO_MANY)
#define M(n)	IE_MAP(m##n, IE_MAP_ARRAY, __u32, __u32, 1, 0);
#define M8(n)	M(n##0) M(n##1) M(n##2) M(n##3) M(n##4) M(n##5) M(n##6) M(n##7)
M8(0) M8(1) M8(2) M8(3) M8(4) M8(5) M8(6) M8(7)
M(99)
#define m m00
#elif defined(BAD_STATIC_DUP)
/* linked (ld -r) with a copy of itself: two LOCAL maps named 'm' */
static IE_MAP(m, IE_MAP_HASH, __u32, __u64, 16, 0);
#ifdef SECOND
#define PROG second
#else
#define PROG first
#endif
#else
#error "define one BAD_* case"
#endif

#ifndef PROG
#define PROG use_map
#endif

SEC("kprobe/__x64_sys_getpid")
int PROG(void *ctx)
{
	__u32 k = 0;

	return ie_map_lookup_elem((void *)&m, &k) != 0 && ctx;
}
