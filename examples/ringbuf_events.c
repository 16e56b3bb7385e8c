// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ringbuf_events: one record per execve(2) in a ring buffer: who ran what.
 *
 *   sudo extctl load examples/ringbuf_events.o    # tracepoint syscalls:sys_enter_execve
 *   sudo extctl events events -n 5                # hex dump of each record
 *   sudo examples/ringbuf_events_user             # or: load, attach and print them decoded
 *   sudo extctl unload ringbuf_events
 *
 * A record is struct exec_event (below, shared with ringbuf_events_user.c):
 * reserved in the ring, filled in place and submitted. If the ring is full the
 * reservation fails and the module counts the record as dropped; a filename
 * that cannot be read is discarded instead of submitted, to show both ways
 * out of a reservation.
 */
#include <innerext/extension.h>

#include "ringbuf_events.h"

IE_RINGBUF(events, 64 * 1024);

SEC("tracepoint/syscalls/sys_enter_execve")
int on_execve(struct ie_syscall_ctx *ctx)
{
	const char *filename = (const char *)ctx->args[0];
	__u64 pid_tgid = ie_get_current_pid_tgid();
	struct exec_event *e;

	e = ie_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* full: counted in the ring's dropped counter */
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->ktime_ns = ie_ktime_get_ns();
	ie_get_current_comm(e->comm, sizeof(e->comm));
	if (ie_probe_read_user_str(e->filename, sizeof(e->filename), filename) < 0) {
		ie_ringbuf_discard(e, 0);
		return 0;
	}
	ie_ringbuf_submit(e, 0);
	return 0;
}
