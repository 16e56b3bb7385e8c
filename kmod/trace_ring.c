// SPDX-License-Identifier: GPL-2.0
/*
 * The trace ring: whole lines written by ie_trace_printk() from any context
 * (writers serialized by a spinlock), consumed by read(2) on /dev/innerext
 * (one reader at a time, lock-free against writers: kfifo's single reader /
 * single writer contract). A full ring drops lines and counts them; the next
 * read reports how many. Readers are woken through irq_work, never directly:
 * a hook may fire with scheduler locks held.
 */
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/kfifo.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "innerext_int.h"

#define IE_TRACE_RING	(64 * 1024)
#define IE_LINE_MAX	384

static DEFINE_KFIFO(ie_trace_fifo, char, IE_TRACE_RING);
static DEFINE_SPINLOCK(ie_trace_lock);
static DEFINE_MUTEX(ie_trace_read_mutex);
static DECLARE_WAIT_QUEUE_HEAD(ie_trace_wq);
static struct irq_work ie_trace_wake_work;
static atomic64_t ie_trace_dropped = ATOMIC64_INIT(0);

static void ie_trace_wake(struct irq_work *work)
{
	wake_up_interruptible(&ie_trace_wq);
}

void ie_trace_emit(const char *prog_name, const char *msg)
{
	char line[IE_LINE_MAX];
	u64 ts = ktime_get_boot_fast_ns();
	unsigned long flags;
	unsigned int len;
	u32 rem_ns;
	u64 secs = div_u64_rem(ts, NSEC_PER_SEC, &rem_ns);

	len = scnprintf(line, sizeof(line), "%s-%d [%03u] %llu.%06u: %s: %s\n",
			current->comm, task_pid_nr(current), raw_smp_processor_id(),
			secs, rem_ns / 1000, prog_name, msg);
	if (line[len - 1] != '\n')
		line[len - 1] = '\n';	/* truncated: still one whole line */

	spin_lock_irqsave(&ie_trace_lock, flags);
	if (kfifo_avail(&ie_trace_fifo) >= len)
		kfifo_in(&ie_trace_fifo, line, len);
	else
		atomic64_inc(&ie_trace_dropped);
	spin_unlock_irqrestore(&ie_trace_lock, flags);
	irq_work_queue(&ie_trace_wake_work);
}

static ssize_t ie_trace_report_drops(char __user *buf, size_t count)
{
	s64 dropped = atomic64_xchg(&ie_trace_dropped, 0);
	char note[64];
	int len;

	if (!dropped)
		return 0;
	len = scnprintf(note, sizeof(note), "innerext: %lld trace lines dropped (ring full)\n",
			dropped);
	if (count < len || copy_to_user(buf, note, len)) {
		atomic64_add(dropped, &ie_trace_dropped);
		return count < len ? 0 : -EFAULT;
	}
	return len;
}

ssize_t ie_trace_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	unsigned int copied;
	ssize_t ret;

	if (!count)
		return 0;
	for (;;) {
		if (mutex_lock_interruptible(&ie_trace_read_mutex))
			return -ERESTARTSYS;
		ret = ie_trace_report_drops(buf, count);
		if (ret)
			break;
		if (!kfifo_is_empty(&ie_trace_fifo)) {
			ret = kfifo_to_user(&ie_trace_fifo, buf, count, &copied);
			if (!ret)
				ret = copied;
			break;
		}
		mutex_unlock(&ie_trace_read_mutex);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ie_trace_wq, !kfifo_is_empty(&ie_trace_fifo) ||
					     atomic64_read(&ie_trace_dropped)))
			return -ERESTARTSYS;
	}
	mutex_unlock(&ie_trace_read_mutex);
	return ret;
}

__poll_t ie_trace_poll(struct file *file, struct poll_table_struct *wait)
{
	poll_wait(file, &ie_trace_wq, wait);
	if (!kfifo_is_empty(&ie_trace_fifo) || atomic64_read(&ie_trace_dropped))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

int ie_trace_init(void)
{
	init_irq_work(&ie_trace_wake_work, ie_trace_wake);
	return 0;
}

void ie_trace_exit(void)
{
	irq_work_sync(&ie_trace_wake_work);
}
