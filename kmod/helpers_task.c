// SPDX-License-Identifier: GPL-2.0
/* Helpers about the current task, CPU and time. */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "helpers.h"
#include "runtime.h"

u64 ie_ktime_get_ns(void)
{
	ie_helper_enter();
	return ktime_get_mono_fast_ns();
}

u64 ie_jiffies64(void)
{
	ie_helper_enter();
	return get_jiffies_64();
}

/* tgid (the PID user space sees) in the upper half, thread id in the lower, as BPF. */
u64 ie_get_current_pid_tgid(void)
{
	ie_helper_enter();
	return (u64)current->tgid << 32 | (u32)current->pid;
}

long ie_get_current_comm(char *buf, u32 size)
{
	ie_helper_enter();
	if (!size)
		return -EINVAL;
	strscpy_pad(buf, current->comm, size);
	return 0;
}

u32 ie_get_smp_processor_id(void)
{
	ie_helper_enter();
	return raw_smp_processor_id();
}
