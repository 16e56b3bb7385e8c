// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for stress_test: a kprobe program on getppid that busy-waits
 * sp_cfg[SP_NS] nanoseconds (well inside its budget) when the process
 * sp_cfg[SP_TGID] calls it. The test lets softirqs interrupt it: their time
 * must not be charged to it.
 */
#include <innerext/extension.h>

#include "stress_progs.h"

IE_MAP(sp_cfg, IE_MAP_ARRAY, __u32, __u64, SP_MAX, 0);

static __u64 cfg(__u32 i)
{
	__u64 *v = ie_map_lookup_elem(&sp_cfg, &i);

	return v ? *v : 0;
}

SEC("kprobe/__x64_sys_getppid")
int st_spin(void *ctx)
{
	__u64 end;

	(void)ctx;
	if (!cfg(SP_TGID) || cfg(SP_TGID) != ie_get_current_pid_tgid() >> 32)
		return 0;
	end = ie_ktime_get_ns() + cfg(SP_NS);
	while (ie_ktime_get_ns() < end)
		asm volatile("" ::: "memory");
	return 0;
}
