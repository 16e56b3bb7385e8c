// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hello: print who called dup(2).
 *
 *   sudo extctl load examples/hello.o                       # tracepoint syscalls:sys_enter_dup
 *   sudo extctl load examples/hello.o --kprobe __x64_sys_dup
 *   examples/hello_trigger 3 && sudo extctl trace -n 3
 *
 * The context is not used, so the same code works on either hook.
 */
#include <innerext/extension.h>

SEC("tracepoint/syscalls/sys_enter_dup")
int hello(void *ctx)
{
	char comm[16];
	__u64 pid_tgid = ie_get_current_pid_tgid();

	(void)ctx;
	ie_get_current_comm(comm, sizeof(comm));
	ie_printk("hello: triggered from PID %d (%s)", (int)(pid_tgid >> 32), comm);
	return 0;
}
