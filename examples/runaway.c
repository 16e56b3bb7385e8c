// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * runaway: programs that never return, for the runtime's watchdog to stop.
 *
 * Without a verifier nothing proves that an extension terminates: innerext bounds
 * each invocation by time instead. Every program here spins forever (until the
 * runtime aborts the invocation), in a different kind of context:
 *
 *   program            section                                  context
 *   runaway            kprobe/__x64_sys_getppid                 process, IRQs on
 *   runaway_tp         tracepoint/syscalls/sys_enter_getppid    process, IRQs on
 *   runaway_in_helper  kprobe/__x64_sys_getppid                 almost all time in a helper
 *   runaway_sched      tracepoint/sched/sched_switch            scheduler, IRQs off, rq lock
 *   runaway_xdp        xdp                                      softirq (every received frame)
 *
 * Load one at a time (the object has several programs, so pick one with --prog):
 *
 *   sudo extctl load examples/runaway.o --prog runaway
 *   sudo extctl map update runaway_cfg key 0 value 1234     # only PID 1234 (a tgid)
 *   ... process 1234 calls getppid(2): that call is aborted ...
 *   sudo extctl map dump runaway_stats
 *   sudo extctl unload runaway
 *
 * Maps:
 *   runaway_cfg    array [1] of __u32: [0] = the target tgid. 0 = every process
 *                  (runaway, runaway_tp, runaway_in_helper), except runaway_sched,
 *                  where 0 = nobody: looping on every context switch of every CPU
 *                  would freeze the machine before a target could even be set.
 *                  runaway_xdp ignores it: it spins on every frame of its device.
 *   runaway_stats  array [2] of __u64: [RUNAWAY_STAT_ENTERED] invocations that
 *                  started spinning, [RUNAWAY_STAT_SPINS] loop iterations (all CPUs,
 *                  not atomic: a lower bound), so a test sees that the loop ran.
 *
 * With the library a test can set runaway_cfg between innerext_object__load() and
 * the attach, so that no other process is ever caught; extctl load attaches at
 * once, so with extctl the target is "everyone" until the map update.
 *
 * The runtime stops runaway, runaway_tp, runaway_in_helper and runaway_xdp when
 * their time budget runs out (extctl load --budget-ms; extctl list counts the
 * aborts). runaway_sched is NOT contained yet: with interrupts off no timer
 * reaches the loop, and the other CPUs soon wait on its runqueue lock, so the
 * machine hangs (seen on 6.1 in QEMU). Do not load it outside a throwaway VM.
 */
#include <innerext/extension.h>

/*
 * gcc's -finstrument-functions (innerext.mk: the stack check) also instruments
 * inline functions where they are inlined; these small ones need no check.
 */
#define __helper	static __always_inline __attribute__((no_instrument_function))

#define RUNAWAY_STAT_ENTERED	0
#define RUNAWAY_STAT_SPINS	1

IE_MAP(runaway_cfg, IE_MAP_ARRAY, __u32, __u32 /* target tgid */, 1, 0);
IE_MAP(runaway_stats, IE_MAP_ARRAY, __u32, __u64, 2, 0);

/* The configured target tgid (0 when none is set). */
__helper __u32 target_tgid(void)
{
	__u32 zero = 0, *tgid = ie_map_lookup_elem(&runaway_cfg, &zero);

	return tgid ? *tgid : 0;
}

__helper __u32 current_tgid(void)
{
	return (__u32)(ie_get_current_pid_tgid() >> 32);
}

/* Whether the current process is the one the test aims at (0 = everyone). */
__helper int aimed_at_current(void)
{
	__u32 target = target_tgid();

	return !target || target == current_tgid();
}

__helper volatile __u64 *stat(__u32 idx)
{
	return ie_map_lookup_elem(&runaway_stats, &idx);
}

/*
 * Spin forever. The loop stores to a map value on every iteration, so no
 * compiler may delete it (and `for (;;)` has a constant controlling expression:
 * C11 6.8.5p6 does not let the compiler assume it terminates either).
 */
__helper void spin_forever(void)
{
	volatile __u64 *entered = stat(RUNAWAY_STAT_ENTERED);
	volatile __u64 *spins = stat(RUNAWAY_STAT_SPINS);

	if (entered)
		__sync_fetch_and_add(entered, 1);
	if (!spins)		/* cannot happen for an array; never fault anyway */
		for (;;)
			asm volatile("" ::: "memory");
	for (;;)
		*spins += 1;
}

SEC("kprobe/__x64_sys_getppid")
int runaway(struct ie_pt_regs *regs)
{
	(void)regs;
	if (aimed_at_current())
		spin_forever();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int runaway_tp(struct ie_syscall_ctx *ctx)
{
	(void)ctx;
	if (aimed_at_current())
		spin_forever();
	return 0;
}

/*
 * The loop spends nearly all its time inside a helper, where the watchdog must
 * not stop it (the helper may hold a lock): the runtime has to notice on the
 * helper's return.
 */
SEC("kprobe/__x64_sys_getppid")
int runaway_in_helper(struct ie_pt_regs *regs)
{
	volatile __u64 *spins = stat(RUNAWAY_STAT_SPINS);
	volatile __u64 *entered = stat(RUNAWAY_STAT_ENTERED);

	(void)regs;
	if (!aimed_at_current())
		return 0;
	if (entered)
		__sync_fetch_and_add(entered, 1);
	for (;;) {
		ie_ktime_get_ns();
		if (spins)
			*spins += 1;
	}
}

/*
 * sched:sched_switch(bool preempt, struct task_struct *prev,
 *		       struct task_struct *next, unsigned int prev_state)
 * runs inside __schedule() with interrupts off and the runqueue lock held: no
 * timer interrupt can reach a loop here. The tracepoint fires on the CPU that
 * switches away from prev, so prev is the current task: aim at prev's process.
 * (next is not looked at: its pid sits at an offset of task_struct that changes
 * with the kernel build. Every task that runs is switched out again sooner or
 * later, so checking prev alone catches the target.) A target of 0 = nobody.
 */
SEC("tracepoint/sched/sched_switch")
int runaway_sched(struct ie_tp_ctx *ctx)
{
	__u32 target = target_tgid();

	(void)ctx;
	if (target && target == current_tgid())
		spin_forever();
	return 0;
}

/* Every frame received on the device it is attached to (extctl load --xdp IFACE). */
SEC("xdp")
int runaway_xdp(struct ie_xdp_md *ctx)
{
	(void)ctx;
	spin_forever();
	return IE_XDP_PASS;
}
