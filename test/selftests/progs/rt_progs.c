// SPDX-License-Identifier: GPL-2.0
/*
 * Programs that misbehave on purpose, for runtime_test.c. Each acts only for
 * the process named in rt_cfg, so the rest of the system runs undisturbed.
 *   spin_kprobe  kprobe getppid            loops forever
 *   spin_tp      tracepoint getppid        loops forever
 *   spin_xdp     xdp                       loops forever on RT_ETH_P_TEST frames
 *   spin_irqoff  irq_vectors:local_timer_entry (hard IRQ, interrupts off)
 *   deep         kprobe getpgid            recursion without end
 *   lock_hold    kprobe getsid             takes rt_lock, then loops forever
 *   lock_take    kprobe getpgrp            takes rt_lock, counts, releases
 *   fault_gp/ud/de  kprobe getuid/getgid/geteuid  #GP, #UD, #DE
 *   abort_self   kprobe getegid            ie_abort()
 */
#include <innerext/extension.h>
#include <innerext/packet.h>

#include "rt_progs.h"

IE_MAP(rt_cfg, IE_MAP_ARRAY, __u32, struct rt_cfg, 1, 0);
IE_MAP(rt_lock, IE_MAP_ARRAY, __u32, struct rt_lock_val, 1, 0);

static __u32 zero;

static int for_target(void)
{
	struct rt_cfg *c = ie_map_lookup_elem(&rt_cfg, &zero);

	return c && c->target_tgid && c->target_tgid == ie_get_current_pid_tgid() >> 32;
}

static void __noinline spin(void)
{
	for (;;)
		asm volatile("" ::: "memory");
}

SEC("kprobe/__x64_sys_getppid")
int spin_kprobe(void *ctx)
{
	(void)ctx;
	if (for_target())
		spin();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int spin_tp(void *ctx)
{
	(void)ctx;
	if (for_target())
		spin();
	return 0;
}

SEC("xdp")
int spin_xdp(struct ie_xdp_md *ctx)
{
	if (ie_xdp_eth_proto(ctx) == RT_ETH_P_TEST)
		spin();
	return IE_XDP_PASS;
}

SEC("tracepoint/irq_vectors/local_timer_entry")
int spin_irqoff(void *ctx)
{
	(void)ctx;
	if (for_target())
		spin();
	return 0;
}

static __u64 __noinline recurse(__u64 n, __u64 limit, volatile char *prev)
{
	volatile char frame[256];
	struct rt_lock_val *v;

	if (limit && n >= limit)
		return n;
	frame[0] = prev ? prev[0] + 1 : 1;
	if (!(n & 63)) {
		v = ie_map_lookup_elem(&rt_lock, &zero);
		if (v && n > v->depth)
			v->depth = n;
	}
	return recurse(n + 1, limit, frame) + frame[0];	/* not a tail call */
}

SEC("kprobe/__x64_sys_getpgid")
int deep(void *ctx)
{
	struct rt_cfg *c = ie_map_lookup_elem(&rt_cfg, &zero);

	(void)ctx;
	if (c && for_target())
		return (int)recurse(1, c->depth_limit, 0);
	return 0;
}

SEC("kprobe/__x64_sys_getsid")
int lock_hold(void *ctx)
{
	struct rt_lock_val *v = ie_map_lookup_elem(&rt_lock, &zero);

	(void)ctx;
	if (!v || !for_target())
		return 0;
	ie_spin_lock((struct ie_spin_lock *)&v->lock);
	spin();
	return 0;
}

SEC("kprobe/__x64_sys_getpgrp")
int lock_take(void *ctx)
{
	struct rt_lock_val *v = ie_map_lookup_elem(&rt_lock, &zero);

	(void)ctx;
	if (!v || !for_target())
		return 0;
	ie_spin_lock((struct ie_spin_lock *)&v->lock);
	v->taken++;
	ie_spin_unlock((struct ie_spin_lock *)&v->lock);
	return 0;
}

SEC("kprobe/__x64_sys_getuid")
int fault_gp(void *ctx)
{
	unsigned long v;

	(void)ctx;
	if (!for_target())
		return 0;
	/* a non-canonical address: #GP, not a page fault */
	asm volatile("movq (%1), %0" : "=r"(v) : "r"(0xdead000000000000UL) : "memory");
	return (int)v;
}

SEC("kprobe/__x64_sys_getgid")
int fault_ud(void *ctx)
{
	(void)ctx;
	if (for_target())
		asm volatile("ud2" ::: "memory");
	return 0;
}

SEC("kprobe/__x64_sys_geteuid")
int fault_de(void *ctx)
{
	unsigned int q, r, zero_div = 0;

	(void)ctx;
	if (!for_target())
		return 0;
	asm volatile("divl %2" : "=a"(q), "=d"(r) : "r"(zero_div), "a"(1), "d"(0));
	return (int)(q + r);
}

SEC("kprobe/__x64_sys_getegid")
int abort_self(void *ctx)
{
	(void)ctx;
	if (for_target())
		ie_abort();
	return 1;
}
