// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for stress_test: the resident syscall programs (see
 * stress_progs.h). They count exactly (per tagged call, per thread) into a hash
 * map that user-space threads update at the same time, and churn an element
 * of it on every run.
 */
#include <innerext/extension.h>
#include <linux/errno.h>

#include "stress_progs.h"

IE_MAP(st_cfg, IE_MAP_ARRAY, __u32, __u64, ST_CFG_MAX, 0);
IE_MAP(st_shared, IE_MAP_HASH, __u32, __u64, ST_SHARED_MAX, 0);
IE_MAP(st_arr, IE_MAP_ARRAY, __u32, __u64, ST_ARR_MAX, 0);	/* user space only */
IE_MAP(st_runs, IE_MAP_PERCPU_ARRAY, __u32, __u64, ST_RUN_MAX, 0);
IE_MAP(st_err, IE_MAP_ARRAY, __u32, __u64, ST_ERR_MAX, 0);

static void bump(void *map, __u32 i)
{
	__u64 *v = ie_map_lookup_elem(map, &i);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static void count(__u32 key)
{
	__u64 *v = ie_map_lookup_elem(&st_shared, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bump(&st_err, ST_ERR_MISSING);
}

static void churn(void)
{
	__u32 key = ST_KEY_CHURN | ie_get_smp_processor_id();
	__u64 val = ie_ktime_get_ns();
	long err;

	err = ie_map_update_elem(&st_shared, &key, &val, IE_NOEXIST);
	if (err) {
		bump(&st_err, err == -ENOMEM ? ST_ERR_CHURN_NOMEM : ST_ERR_CHURN_INS);
		return;
	}
	if (ie_map_delete_elem(&st_shared, &key))
		bump(&st_err, ST_ERR_CHURN_DEL);
}

static void run(__u32 slot)
{
	__u32 k = slot;
	__u64 *v = ie_map_lookup_elem(&st_runs, &k);

	if (v)
		__sync_fetch_and_add(v, 1);	/* this CPU's slot */
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int st_tp(struct ie_syscall_ctx *ctx)
{
	run(ST_RUN_TP);
	if (ctx->args[1] >> 32 != ST_TAG)
		return 0;
	count(ST_KEY_TP | (__u32)(ctx->args[1] & 0xffff));
	churn();
	return 0;
}

SEC("kprobe/__x64_sys_getppid")
int st_kp(struct ie_pt_regs *regs)
{
	__u32 i = ST_CFG_TGID;
	__u64 pid_tgid = ie_get_current_pid_tgid(), *tgid;

	(void)regs;
	run(ST_RUN_KP);
	tgid = ie_map_lookup_elem(&st_cfg, &i);
	if (!tgid || *tgid != pid_tgid >> 32)
		return 0;
	count(ST_KEY_KP | (__u32)pid_tgid);
	churn();
	return 0;
}
