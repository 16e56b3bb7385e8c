// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Test extension exercising the loader: several program sections (two programs in
 * one), .text subprograms, .data/.rodata/.bss, pointers in data to text and data
 * (R_X86_64_64), a BPF-style license section (skipped) and an unreferenced map.
 */
#include <innerext/extension.h>

char LICENSE[] SEC("license") = "GPL";
IE_MAP(unused_map, IE_MAP_ARRAY, __u32, __u64, 4, 0);

int counter;				/* .bss */
int initialized = 42;			/* .data */
static char name_buf[32];		/* .bss */
__u64 big[512];				/* .bss: data_mem_size > data_size */

static const char *const names[] = { "zero", "one", "two" };	/* pointers to .rodata */

__noinline int global_helper(int x)	/* global, but in .text: not a program */
{
	return x * 3;
}

static __noinline int helper_add(int a, int b)
{
	return a + b;
}

int (*fn_ptr)(int) = global_helper;	/* pointer to text in .data */

SEC("kprobe/__x64_sys_getpid")
int count_calls(struct ie_pt_regs *regs)
{
	counter++;
	initialized++;
	return helper_add(counter, (int)IE_PT_REGS_PARM1(regs));
}

SEC("kprobe/__x64_sys_getpid")
int get_state(void *ctx)
{
	(void)ctx;
	return initialized * 1000 + counter;
}

SEC("tracepoint/sched/sched_switch")
int pick_name(struct ie_tp_ctx *ctx)
{
	const char *s = names[ctx->args[0] % 3];
	int len = 0;

	while (s[len] && len < (int)sizeof(name_buf) - 1) {
		name_buf[len] = s[len];
		len++;
	}
	name_buf[len] = '\0';
	ie_printk("name %s len %d", name_buf, len);
	return len + fn_ptr((int)(ctx->args[0] % 3));
}

SEC("tracepoint/syscalls/sys_enter_openat")
int syscall_nr(struct ie_syscall_ctx *ctx)
{
	__u64 sum = 0;
	int i;

	for (i = 0; i < 512; i++)
		sum += big[i];
	big[511] = 7;		/* bss is writable */
	return (int)(ctx->nr + sum) + global_helper(1);
}
