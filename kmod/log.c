// SPDX-License-Identifier: GPL-2.0
/*
 * Refusal log: kept in a kernel buffer while a command runs, copied to the
 * caller's log_buf when it returns (success or not), always NUL-terminated.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/innerext.h>

#include "log.h"

void ie_log(struct ie_log *log, const char *fmt, ...)
{
	va_list ap;
	int n;

	log->nr_msgs++;
	if (!log->buf || log->len + 1 >= log->size)
		return;
	va_start(ap, fmt);
	n = vscnprintf(log->buf + log->len, log->size - log->len - 1, fmt, ap);
	va_end(ap);
	log->len += n;
	log->buf[log->len++] = '\n';
	log->buf[log->len] = '\0';
}

int ie_log_init(struct ie_log *log, __u64 ubuf, __u32 size)
{
	memset(log, 0, sizeof(*log));
	if (!ubuf != !size)
		return -EINVAL;
	if (size > IE_LOG_MAX)
		return -EINVAL;
	if (!size)
		return 0;
	log->buf = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!log->buf)
		return -ENOMEM;
	log->size = size;
	return 0;
}

int ie_log_finish(struct ie_log *log, __u64 ubuf)
{
	int err = 0;

	if (log->buf) {
		if (copy_to_user(u64_to_user_ptr(ubuf), log->buf, log->len + 1))
			err = -EFAULT;
		kvfree(log->buf);
		log->buf = NULL;
	}
	return err;
}
