// SPDX-License-Identifier: GPL-2.0
/* eBPF twin of progs/empty.c: an empty kprobe program at getppid's entry. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/__x64_sys_getppid")
int empty(void *ctx)
{
	(void)ctx;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
