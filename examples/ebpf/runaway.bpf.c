// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * runaway.bpf.c: the eBPF twin of examples/runaway.c (its kprobe program): a loop
 * that never ends, for the target process's getppid(2).
 *
 * clang compiles it; the verifier refuses it: a loop without an exit it can prove
 * is found when its state repeats ("infinite loop detected"). innerext has no
 * such proof and loads the native one: its watchdog stops each invocation instead.
 *
 *   examples/ebpf/verifier_check examples/ebpf/runaway.bpf.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);		/* target tgid, 0 = everyone */
} runaway_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);		/* [0] entered, [1] spins */
} runaway_stats SEC(".maps");

SEC("kprobe/__x64_sys_getppid")
int runaway(void *ctx)
{
	__u32 k = 0, *target = bpf_map_lookup_elem(&runaway_cfg, &k);
	volatile __u64 *entered, *spins;

	(void)ctx;
	if (target && *target && *target != (__u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	entered = bpf_map_lookup_elem(&runaway_stats, &k);
	k = 1;
	spins = bpf_map_lookup_elem(&runaway_stats, &k);
	if (!entered || !spins)
		return 0;
	__sync_fetch_and_add(entered, 1);
	for (;;)
		*spins += 1;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
