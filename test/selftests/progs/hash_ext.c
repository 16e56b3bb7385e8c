// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for map_hash_test: the extension side of the hash maps.
 *
 * ops: getsid(0, HASH_EXT_TAG << 32 | op << 24 | arg) runs one operation (see
 * enum hash_ext_op) on this CPU and records what the helpers returned in res.
 * guard: a kprobe on call_rcu, which the hash maps call inside their per-CPU
 * busy section; its update of guard_h must fail with -EBUSY when the probe
 * fires inside a hash map's section (a user-space delete), not deadlock.
 */
#include <innerext/extension.h>
#include <linux/errno.h>

#include "hash_ext.h"

IE_MAP(guard_h, IE_MAP_HASH, __u64, __u64, 64, 0);
IE_MAP(lru, IE_MAP_LRU_HASH, __u64, __u64, 8, 0);
IE_MAP(pc, IE_MAP_PERCPU_HASH, __u64, __u64, 8, 0);
IE_MAP(full, IE_MAP_HASH, __u64, __u64, HASH_EXT_FULL, 0);
IE_MAP(lru_full, IE_MAP_LRU_HASH, __u64, __u64, HASH_EXT_FULL, 0);
IE_MAP(flags_h, IE_MAP_HASH, __u64, __u64, 2, 0);
IE_MAP(res, IE_MAP_ARRAY, __u32, __s64, R_MAX, 0);

static void bump(__u32 i)
{
	__s64 *v = ie_map_lookup_elem(&res, &i);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static void set(__u32 i, __s64 x)
{
	__s64 *v = ie_map_lookup_elem(&res, &i);

	if (v)
		*v = x;
}

SEC("kprobe/call_rcu")
int guard(struct ie_pt_regs *regs)
{
	__u64 key = 7, one = 1;
	/* NOEXIST: no replace, so no churn however often call_rcu runs elsewhere */
	long err = ie_map_update_elem(&guard_h, &key, &one, IE_NOEXIST);

	if (err == -EBUSY)
		bump(R_GUARD_BUSY);
	else if (!err || err == -EEXIST)
		bump(R_GUARD_OK);
	else if (err == -ENOMEM)
		bump(R_GUARD_ENOMEM);
	else {
		bump(R_GUARD_OTHER);
		set(R_GUARD_LAST_ERR, err);
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getsid")
int ops(struct ie_syscall_ctx *ctx)
{
	__u64 cmd = ctx->args[1], k = cmd & 0xffffff, v, i, old, new, *p;
	__u32 op = (cmd >> 24) & 0xff, cpu = ie_get_smp_processor_id();
	long err;

	if (cmd >> 32 != HASH_EXT_TAG)
		return 0;
	switch (op) {
	case OP_LRU_TOUCH:
		bump(ie_map_lookup_elem(&lru, &k) ? R_LRU_HIT : R_LRU_MISS);
		break;
	case OP_PC_UPDATE:
		v = 1000 + cpu;
		err = ie_map_update_elem(&pc, &k, &v, IE_ANY);
		bump(err ? R_PC_ERR : R_PC_OK);
		break;
	case OP_PC_READ:
		p = ie_map_lookup_elem(&pc, &k);
		if (cpu < HASH_EXT_MAX_CPUS)
			set(R_PC_SEEN + cpu, p ? (__s64)*p : -ENOENT);
		break;
	case OP_FULL_CHURN:
		/* one invocation, preemption off: no grace period can end meanwhile */
		for (i = 0; i < k; i++) {
			old = i;
			new = 1000 + i;
			if (ie_map_delete_elem(&full, &old))
				bump(R_CHURN_DEL_ERR);
			err = ie_map_update_elem(&full, &new, &new, IE_NOEXIST);
			bump(!err ? R_CHURN_OK : err == -ENOMEM ? R_CHURN_ENOMEM : R_CHURN_OTHER);
		}
		break;
	case OP_LRU_FILL:
		for (i = 0; i < k; i++) {
			new = 1000 + i;
			err = ie_map_update_elem(&lru_full, &new, &new, IE_NOEXIST);
			bump(!err ? R_LRU_OK : err == -ENOMEM ? R_LRU_ENOMEM : R_LRU_OTHER);
		}
		break;
	case OP_FLAGS:
		v = 5;
		i = 1;
		set(R_FLAGS + 0, ie_map_update_elem(&flags_h, &i, &v, IE_NOEXIST));
		set(R_FLAGS + 1, ie_map_update_elem(&flags_h, &i, &v, IE_NOEXIST));
		i = 2;
		set(R_FLAGS + 2, ie_map_update_elem(&flags_h, &i, &v, IE_EXIST));
		set(R_FLAGS + 3, ie_map_update_elem(&flags_h, &i, &v, IE_ANY));
		i = 3;
		set(R_FLAGS + 4, ie_map_update_elem(&flags_h, &i, &v, IE_ANY));
		set(R_FLAGS + 5, ie_map_delete_elem(&flags_h, &i));
		i = 2;
		set(R_FLAGS + 6, ie_map_delete_elem(&flags_h, &i));
		i = 3;
		v = 6;
		set(R_FLAGS + 7, ie_map_update_elem(&flags_h, &i, &v, IE_NOEXIST));
		set(R_FLAGS + 8, ie_map_update_elem(&flags_h, &i, &v, 4));
		i = 1;
		v = 7;
		set(R_FLAGS + 9, ie_map_update_elem(&flags_h, &i, &v, IE_EXIST));
		p = ie_map_lookup_elem(&flags_h, &i);
		set(R_FLAGS + 10, p ? (__s64)*p : -ENOENT);
		break;
	}
	return 0;
}
