/*
 * VM stress fixture (test/selftests/map_test.c): getpgid(0, TAG << 32 | i) calls
 * are counted into a hash keyed by (CPU, i % NR_SLOTS), on every CPU at once,
 * while user space dumps and deletes. Other getpgid calls are ignored.
 */
#include <innerext/extension.h>

#define TAG		0x5eedULL
#define NR_SLOTS	64

struct stress_key {
	__u32 cpu;
	__u32 slot;
};

IE_MAP(stress, IE_MAP_HASH, struct stress_key, __u64, 4 * NR_SLOTS, 0);
IE_MAP(stress_fail, IE_MAP_ARRAY, __u32, __u64, 16, 0);	/* refused inserts by -errno (15: other) */

SEC("tracepoint/syscalls/sys_enter_getpgid")
int count_pairs(struct ie_syscall_ctx *ctx)
{
	struct stress_key key;
	__u64 one = 1, *v;
	__u32 idx;
	long err;

	if (ctx->args[1] >> 32 != TAG)
		return 0;
	key.cpu = ie_get_smp_processor_id();
	key.slot = (__u32)ctx->args[1] % NR_SLOTS;
	v = ie_map_lookup_elem(&stress, &key);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return 0;
	}
	err = ie_map_update_elem(&stress, &key, &one, IE_NOEXIST);
	if (err) {
		idx = err < 0 && err > -15 ? (__u32)-err : 15;
		v = ie_map_lookup_elem(&stress_fail, &idx);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
	return 0;
}
