/*
 * Every map type, global and static definitions, and every map and ring buffer
 * helper: the loader lists the maps, the code reaches each definition.
 */
#include <innerext/extension.h>

struct flow {
	__u32 saddr;
	__u16 port;
	__u8 proto;
	__u8 pad;
};

IE_MAP(counts, IE_MAP_HASH, __u32, __u64, 1024, 0);
IE_MAP(slots, IE_MAP_ARRAY, __u32, struct flow, 16, 0);
IE_MAP(per_cpu, IE_MAP_PERCPU_ARRAY, __u32, __u32, 4, 0);
IE_MAP(flows, IE_MAP_PERCPU_HASH, struct flow, __u64, 256, 0);
static IE_MAP(recent, IE_MAP_LRU_HASH, __u64, char[100], 32, 0);
IE_RINGBUF(events, 1 << 16);

int other_data = 7;

SEC("kprobe/__x64_sys_getpid")
int use_maps(struct ie_pt_regs *regs)
{
	__u32 key = (__u32)IE_PT_REGS_PARM1(regs), idx = 3;
	struct flow f = { .saddr = key, .port = 53, .proto = 17 };
	__u64 one = 1, *v, id = ie_get_current_pid_tgid();
	__u32 *pc;
	long ret = 0;
	char *rec;

	v = ie_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		ret += ie_map_update_elem(&counts, &key, &one, IE_NOEXIST);
	ret += ie_map_update_elem(&slots, &idx, &f, IE_ANY);
	pc = ie_map_lookup_elem(&per_cpu, &idx);
	if (pc)
		*pc += other_data;
	ret += ie_map_update_elem(&flows, &f, &one, IE_EXIST);
	ret += ie_map_delete_elem(&recent, &id);
	rec = ie_ringbuf_reserve(&events, 16, 0);
	if (rec) {
		rec[0] = 'x';
		if (key & 1)
			ie_ringbuf_submit(rec, 0);
		else
			ie_ringbuf_discard(rec, 0);
	}
	ret += ie_ringbuf_output(&events, &f, sizeof(f), 0);
	return (int)ret;
}
