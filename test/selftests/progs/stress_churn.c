// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for stress_test: the program its loader threads load, attach
 * (to kprobes and tracepoints of their choosing), detach and unload all the
 * time. Each run is counted twice: in the per-CPU ch_runs and in ch_cpu[cpu]
 * (a hash it inserts into on a CPU's first run), so after its links are gone
 * both sums must equal the program's run count.
 */
#include <innerext/extension.h>
#include <linux/errno.h>

#include "stress_progs.h"

IE_MAP(ch_runs, IE_MAP_PERCPU_ARRAY, __u32, __u64, 1, 0);
IE_MAP(ch_cpu, IE_MAP_HASH, __u32, __u64, CH_MAX_CPUS, 0);
IE_MAP(ch_err, IE_MAP_ARRAY, __u32, __u64, 1, 0);

SEC("kprobe/__x64_sys_getppid")
int st_churn(void *ctx)
{
	__u32 zero = 0, cpu = ie_get_smp_processor_id();
	__u64 one = 1, *v;
	long err;

	(void)ctx;
	v = ie_map_lookup_elem(&ch_runs, &zero);
	if (v)
		__sync_fetch_and_add(v, 1);	/* a softirq run may interrupt a task's */
	v = ie_map_lookup_elem(&ch_cpu, &cpu);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return 0;
	}
	err = ie_map_update_elem(&ch_cpu, &cpu, &one, IE_NOEXIST);
	if (err == -EEXIST) {		/* an interrupting run on this CPU was first */
		v = ie_map_lookup_elem(&ch_cpu, &cpu);
		if (v) {
			__sync_fetch_and_add(v, 1);
			return 0;
		}
	}
	if (err) {
		v = ie_map_lookup_elem(&ch_err, &zero);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
	return 0;
}
