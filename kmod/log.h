/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The refusal log: a verifier-style text buffer that tells user space why a
 * command was refused. Shared by the module and the user-space build of the
 * image validator (test/fuzz), so it depends on nothing kernel-specific here.
 */
#ifndef IE_LOG_H
#define IE_LOG_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/compiler.h>
#else
#include <stddef.h>
#include <linux/types.h>
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif
#endif

struct ie_log {
	char *buf;	/* NULL: messages are counted, not kept */
	__u32 size;	/* bytes in buf, including the final NUL */
	__u32 len;	/* bytes written, excluding the NUL */
	__u32 nr_msgs;	/* messages logged, kept or not */
};

__printf(2, 3) void ie_log(struct ie_log *log, const char *fmt, ...);

#ifdef __KERNEL__
int ie_log_init(struct ie_log *log, __u64 ubuf, __u32 size);
int ie_log_finish(struct ie_log *log, __u64 ubuf);
#endif

#endif /* IE_LOG_H */
