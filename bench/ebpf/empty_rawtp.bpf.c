// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF twin of progs/empty_tp.c: an empty BPF_PROG_TYPE_RAW_TRACEPOINT program on
 * sys_enter (every system call), attached with bpf_program__attach_raw_tracepoint.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/sys_enter")
int empty_tp(void *ctx)
{
	(void)ctx;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
