// SPDX-License-Identifier: GPL-2.0
/* Helpers about the current task, CPU and time. */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "helpers.h"

u64 ie_ktime_get_ns(void)
{
	return ktime_get_mono_fast_ns();
}

u64 ie_jiffies64(void)
{
	return get_jiffies_64();
}

/* tgid (the PID user space sees) in the upper half, thread id in the lower, as BPF. */
u64 ie_get_current_pid_tgid(void)
{
	return (u64)current->tgid << 32 | (u32)current->pid;
}

long ie_get_current_comm(char *buf, u32 size)
{
	if (!size)
		return -EINVAL;
	strscpy_pad(buf, current->comm, size);
	return 0;
}

u32 ie_get_smp_processor_id(void)
{
	return raw_smp_processor_id();
}
