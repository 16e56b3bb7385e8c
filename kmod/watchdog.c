// SPDX-License-Identifier: GPL-2.0
/*
 * The watchdog: stops an invocation that runs past its time budget.
 *
 * While any link is attached, every online CPU runs a periodic pinned hrtimer
 * (period_us, default 1 ms). Nothing is armed per invocation: the dispatcher
 * only writes the start time into the run record, and the tick compares.
 *
 * On its tick a CPU looks at the extension it interrupted (the record of the
 * interrupted context, task or softirq) and counts the tick against it; a
 * task-level run that a softirq interrupted is not charged for the softirq's
 * ticks. Once it has seen more ticks than the budget holds and the budget is
 * also spent in wall time, the run is overdue: counting ticks taken while it
 * ran means time the CPU did not run at all (a hypervisor, or QEMU, running
 * another vCPU) does not count (one tick per timer interrupt:
 * hrtimer_interrupt() runs an expired timer up to three times when the vCPU
 * was scheduled away inside it). If the run is overdue and the interrupted ip
 * is inside its text, the ip is rewritten to ie_run_abort (run_entry.S),
 * which returns to the dispatcher as if the extension had returned. If the
 * CPU was inside a helper (or in other kernel code the extension's context
 * was interrupted by), the record is marked and the extension stops at its
 * next helper call or function entry, or at a later tick that finds it in its
 * own code: a helper is never torn mid-way.
 *
 * Contexts with interrupts disabled (hardirq, a kprobe on a function called
 * with IRQs off, a tracepoint under a raw spinlock) cannot take the tick.
 * Programs run there only if loaded with IE_PROG_F_IRQS_OFF (the dispatcher
 * skips and counts them otherwise). For those each tick also checks the next
 * online CPU: a run there with interrupts off, overdue by more than its budget
 * plus IE_WD_NMI_TICKS periods (wall time: its own ticks cannot come), is
 * stopped with an NMI to that CPU, whose handler does the same rewrite. Not
 * covered: a single-CPU machine, and a runaway holding a lock that every other
 * CPU waits for with interrupts off (a scheduler tracepoint under the
 * runqueue lock): then no CPU is left to send the NMI.
 *
 * CPU hotplug: a CPU coming online while links exist starts its timer
 * before the scheduler gives it ordinary tasks (CPUHP_AP_ONLINE_DYN comes
 * before CPUHP_AP_ACTIVE); one going offline stops it once its tasks have
 * left (else the kernel would migrate the timer to another CPU). In between,
 * only per-CPU kthreads and interrupts run there unwatched.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/irq_regs.h>
#include <asm/nmi.h>

#include "innerext_int.h"
#include "compat.h"
#include "runtime.h"

#define IE_WD_NMI_TICKS	3

static bool watchdog = true;
module_param(watchdog, bool, 0444);
MODULE_PARM_DESC(watchdog, "stop runaway extensions (default 1); 0 only to measure the watchdog's cost: a runaway then hangs its CPU");

static unsigned int period_us = 1000;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us, "watchdog tick, microseconds (100..100000, default 1000)");

struct ie_wd_cpu {
	struct hrtimer timer;
	atomic_t nmi_expected;		/* an NMI we sent is on its way */
	u64 nmi_sent_ns;
	unsigned int last_events;	/* hrtimer interrupts seen at our last tick */
};

static DEFINE_PER_CPU(struct ie_wd_cpu, ie_wd);
static DEFINE_MUTEX(ie_wd_mutex);
static unsigned int ie_wd_users;
static bool ie_wd_active;		/* timers run: written under cpus_read_lock() */
static enum cpuhp_state ie_wd_hp_state;
static u64 ie_wd_period_ns;
static bool ie_wd_nmi_registered;

/* The innermost extension running on @cpu at or below @max_lvl, or NULL. */
static struct ie_run_rec *ie_wd_innermost(int cpu, int max_lvl)
{
	int lvl;

	for (lvl = max_lvl; lvl >= 0; lvl--) {
		struct ie_run_rec *rec = per_cpu_ptr(&ie_run_recs[lvl], cpu);

		if (READ_ONCE(rec->active))
			return rec;
	}
	return NULL;
}

/* Stop @rec, from an interrupt that saw @regs: now if in its text, else at its next call. */
static void notrace ie_watchdog_stop_rec(struct ie_run_rec *rec, struct pt_regs *regs,
					 unsigned int reason)
{
	unsigned long *iret_ip = NULL;

	if (regs && !user_mode(regs) && ie_run_ip_in_ext(rec, regs->ip) &&
	    (!in_nmi() || (iret_ip = ie_nmi_iret_ip(regs)))) {
		ie_run_redirect(rec, regs, reason);
		if (iret_ip)
			*iret_ip = regs->ip;
		return;
	}
	/* in a helper or in code that interrupted the extension: stop it later */
	WRITE_ONCE(rec->abort_pending, reason + 1);
}
NOKPROBE_SYMBOL(ie_watchdog_stop_rec);

/* Ticks a run may take: its budget in whole periods, rounded up. */
static unsigned int ie_wd_budget_ticks(const struct ie_run_rec *rec)
{
	return div64_u64(rec->budget_ns + ie_wd_period_ns - 1, ie_wd_period_ns);
}

/* From @cpu's tick: does its neighbour run an overdue extension with IRQs off? */
static void ie_wd_check_remote(int cpu, u64 now)
{
	int next = cpumask_next_wrap(cpu, cpu_online_mask, cpu, false);
	struct ie_wd_cpu *wd;
	struct ie_run_rec *rec;

	if (next >= nr_cpu_ids || next == cpu || !ie_wd_nmi_registered)
		return;
	rec = ie_wd_innermost(next, IE_RUN_LEVELS - 2);	/* not NMI-level ones */
	if (!rec || !READ_ONCE(rec->irqs_off) || now - READ_ONCE(rec->start_ns) <=
		    READ_ONCE(rec->budget_ns) + IE_WD_NMI_TICKS * ie_wd_period_ns)
		return;
	wd = per_cpu_ptr(&ie_wd, next);
	if (now - READ_ONCE(wd->nmi_sent_ns) < ie_wd_period_ns)
		return;
	WRITE_ONCE(wd->nmi_sent_ns, now);
	atomic_set(&wd->nmi_expected, 1);
	apic->send_IPI(next, NMI_VECTOR);
}

/*
 * Is this tick a new timer interrupt? hrtimer_interrupt() runs the expired
 * timers again, up to three times, when the next expiry has already passed
 * on its way out: what happens when a hypervisor (or QEMU) schedules the vCPU
 * away in the middle. One interrupt may then call us three times; it counts
 * as one tick. cpu_base->nr_events counts hrtimer_interrupt() calls (high
 * resolution mode; in low resolution mode the tick runs us once).
 */
static bool notrace ie_wd_new_interrupt(struct hrtimer *timer)
{
#ifdef CONFIG_HIGH_RES_TIMERS
	struct ie_wd_cpu *wd = this_cpu_ptr(&ie_wd);
	unsigned int events;

	if (!hrtimer_is_hres_active(timer))
		return true;
	events = READ_ONCE(timer->base->cpu_base->nr_events);
	if (events == wd->last_events)
		return false;
	wd->last_events = events;
#endif
	return true;
}

static enum hrtimer_restart notrace ie_wd_tick(struct hrtimer *timer)
{
	int cpu = smp_processor_id();
	u64 now = sched_clock();
	bool fresh = ie_wd_new_interrupt(timer);
	struct ie_run_rec *rec;

	/*
	 * One tick per timer interrupt, counted against the extension of the
	 * context it interrupted: task or softirq (hardirq ones had IRQs off).
	 * Not against a task-level one that a softirq interrupted: that time is
	 * the softirq's, and receive processing alone may take milliseconds.
	 */
	rec = this_cpu_ptr(&ie_run_recs[0]) + (in_serving_softirq() ? 1 : 0);
	if (!fresh || !READ_ONCE(rec->active))
		rec = NULL;
	if (rec && ++rec->ticks > ie_wd_budget_ticks(rec) && ie_run_overdue(rec, now))
		ie_watchdog_stop_rec(rec, get_irq_regs(), IE_ABORT_TIMEOUT);
	ie_wd_check_remote(cpu, now);
	hrtimer_forward_now(timer, ns_to_ktime(ie_wd_period_ns));
	return HRTIMER_RESTART;
}
NOKPROBE_SYMBOL(ie_wd_tick);

static int notrace ie_wd_nmi(unsigned int type, struct pt_regs *regs)
{
	struct ie_wd_cpu *wd = this_cpu_ptr(&ie_wd);
	struct ie_run_rec *rec;

	if (!atomic_xchg(&wd->nmi_expected, 0))
		return NMI_DONE;	/* not ours */
	rec = ie_wd_innermost(smp_processor_id(), IE_RUN_LEVELS - 2);
	if (rec && ie_run_overdue(rec, sched_clock()))
		ie_watchdog_stop_rec(rec, regs, IE_ABORT_TIMEOUT);
	return NMI_HANDLED;
}
NOKPROBE_SYMBOL(ie_wd_nmi);

/* On @cpu itself (the timer is pinned to the CPU that starts it). */
static void ie_wd_start_on(int cpu)
{
	struct ie_wd_cpu *wd = per_cpu_ptr(&ie_wd, cpu);

	hrtimer_start(&wd->timer, ns_to_ktime(ie_wd_period_ns), HRTIMER_MODE_REL_PINNED_HARD);
}

static void ie_wd_start_on_cpu(void *unused)
{
	ie_wd_start_on(smp_processor_id());
}

/* Every timer is initialised at module load: cancelling an idle one is a no-op. */
static void ie_wd_stop_on(int cpu)
{
	hrtimer_cancel(&per_cpu_ptr(&ie_wd, cpu)->timer);
}

/* Hotplug (CPUHP_AP_ONLINE_DYN): these run on @cpu, with hotplug locked. */
static int ie_wd_cpu_online(unsigned int cpu)
{
	if (READ_ONCE(ie_wd_active))
		ie_wd_start_on(cpu);
	return 0;
}

static int ie_wd_cpu_offline(unsigned int cpu)
{
	ie_wd_stop_on(cpu);
	return 0;
}

/* A link was attached: make sure every online CPU ticks. */
void ie_watchdog_get(void)
{
	mutex_lock(&ie_wd_mutex);
	if (ie_wd_users++ == 0 && watchdog) {
		cpus_read_lock();
		WRITE_ONCE(ie_wd_active, true);
		on_each_cpu(ie_wd_start_on_cpu, NULL, 1);
		cpus_read_unlock();
	}
	mutex_unlock(&ie_wd_mutex);
}

static void ie_wd_stop_all(void)
{
	int cpu;

	cpus_read_lock();
	WRITE_ONCE(ie_wd_active, false);
	for_each_possible_cpu(cpu)
		ie_wd_stop_on(cpu);
	cpus_read_unlock();
}

void ie_watchdog_put(void)
{
	mutex_lock(&ie_wd_mutex);
	if (!WARN_ON_ONCE(!ie_wd_users) && --ie_wd_users == 0)
		ie_wd_stop_all();
	mutex_unlock(&ie_wd_mutex);
}

int ie_watchdog_init(void)
{
	int cpu, err;

	if (period_us < 100 || period_us > 100000) {
		pr_err(IE_PR_PREFIX "period_us=%u: must be 100..100000\n", period_us);
		return -EINVAL;
	}
	ie_wd_period_ns = (u64)period_us * NSEC_PER_USEC;
	if (!watchdog)
		pr_warn(IE_PR_PREFIX "watchdog=0: runaway extensions will not be stopped\n");
	for_each_possible_cpu(cpu) {
		struct ie_wd_cpu *wd = per_cpu_ptr(&ie_wd, cpu);

		hrtimer_init(&wd->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
		wd->timer.function = ie_wd_tick;
	}
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "innerext/watchdog:online",
					ie_wd_cpu_online, ie_wd_cpu_offline);
	if (err < 0) {
		pr_err(IE_PR_PREFIX "cannot follow CPU hotplug (error %d)\n", err);
		return err;
	}
	ie_wd_hp_state = err;
	err = register_nmi_handler(NMI_LOCAL, ie_wd_nmi, 0, "innerext");
	if (err)
		pr_warn(IE_PR_PREFIX "no NMI handler (error %d): runaways with IRQs off are stopped only at helper calls\n",
			err);
	else
		ie_wd_nmi_registered = true;
	return 0;
}

void ie_watchdog_exit(void)
{
	mutex_lock(&ie_wd_mutex);
	ie_wd_stop_all();
	mutex_unlock(&ie_wd_mutex);
	cpuhp_remove_state_nocalls(ie_wd_hp_state);
	if (ie_wd_nmi_registered)
		unregister_nmi_handler(NMI_LOCAL, "innerext");
}
