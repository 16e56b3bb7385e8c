// SPDX-License-Identifier: GPL-2.0
/*
 * An empty program on the raw_syscalls:sys_enter tracepoint (every system call,
 * no filter): what innerext's tracepoint hook costs per event. Twin:
 * ebpf/empty_rawtp.bpf.c (SEC("raw_tp/sys_enter")).
 */
#include <innerext/extension.h>

SEC("tracepoint/raw_syscalls/sys_enter")
int empty_tp(void *ctx)
{
	(void)ctx;
	return 0;
}
