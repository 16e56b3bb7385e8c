/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The record examples/ringbuf_events.o writes, and ringbuf_events_user reads. */
#ifndef RINGBUF_EVENTS_H
#define RINGBUF_EVENTS_H

#include <linux/types.h>

#define EXEC_COMM_LEN		16
#define EXEC_FILENAME_LEN	232

struct exec_event {
	__u32 pid;			/* process (tgid) */
	__u32 tid;			/* thread */
	__u64 ktime_ns;			/* CLOCK_MONOTONIC */
	char comm[EXEC_COMM_LEN];	/* the program calling execve */
	char filename[EXEC_FILENAME_LEN];	/* what it executes */
};					/* 264 bytes */

#endif /* RINGBUF_EVENTS_H */
