// SPDX-License-Identifier: GPL-2.0
/*
 * The helper table: every name an extension image may import, and what it
 * resolves to. Besides the SDK's helpers, this covers what the compiler emits
 * on its own with the SDK flags: mem* calls and the return/indirect-branch
 * thunks of retpoline/rethunk kernels (-mfunction-return=thunk-extern,
 * -mindirect-branch=thunk-extern).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/nospec-branch.h>

#include "compat.h"
#include "innerext_int.h"
#include "helpers.h"
#include "runtime.h"

/* thunks.S: a return site of this module, patched by the module loader */
void ie_return_thunk(void);

struct ie_helper {
	const char *name;
	void *addr;
};

static void *ie_memset(void *s, int c, size_t n)
{
	ie_helper_enter();
	return memset(s, c, n);
}

static void *ie_memcpy(void *d, const void *s, size_t n)
{
	ie_helper_enter();
	return memcpy(d, s, n);
}

static void *ie_memmove(void *d, const void *s, size_t n)
{
	ie_helper_enter();
	return memmove(d, s, n);
}

static int ie_memcmp(const void *a, const void *b, size_t n)
{
	ie_helper_enter();
	return memcmp(a, b, n);
}

#define IE_HELPER(fn)		{ #fn, (void *)fn }
#define IE_THUNK(reg)		{ "__x86_indirect_thunk_" #reg, (void *)__x86_indirect_thunk_##reg }

static const struct ie_helper ie_helpers[] = {
	IE_HELPER(ie_trace_printk),
	IE_HELPER(ie_ktime_get_ns),
	IE_HELPER(ie_jiffies64),
	IE_HELPER(ie_get_current_pid_tgid),
	IE_HELPER(ie_get_current_comm),
	IE_HELPER(ie_get_smp_processor_id),
	IE_HELPER(ie_probe_read_kernel),
	IE_HELPER(ie_probe_read_user),
	IE_HELPER(ie_probe_read_kernel_str),
	IE_HELPER(ie_probe_read_user_str),
	IE_HELPER(ie_map_lookup_elem),
	IE_HELPER(ie_map_update_elem),
	IE_HELPER(ie_map_delete_elem),
	IE_HELPER(ie_ringbuf_reserve),
	IE_HELPER(ie_ringbuf_submit),
	IE_HELPER(ie_ringbuf_discard),
	IE_HELPER(ie_ringbuf_output),
	IE_HELPER(ie_spin_lock),
	IE_HELPER(ie_spin_unlock),
	IE_HELPER(ie_abort),
	/* -finstrument-functions (SDK flags): the stack check */
	{ "__cyg_profile_func_enter", (void *)ie_stack_enter },
	{ "__cyg_profile_func_exit", (void *)ie_stack_exit },
	{ "memset", (void *)ie_memset },
	{ "memcpy", (void *)ie_memcpy },
	{ "memmove", (void *)ie_memmove },
	{ "memcmp", (void *)ie_memcmp },
	{ "__x86_return_thunk", (void *)ie_return_thunk },
#if IE_HAVE_RETPOLINE
	IE_THUNK(rax), IE_THUNK(rbx), IE_THUNK(rcx), IE_THUNK(rdx),
	IE_THUNK(rsi), IE_THUNK(rdi), IE_THUNK(rbp),
	IE_THUNK(r8), IE_THUNK(r9), IE_THUNK(r10), IE_THUNK(r11),
	IE_THUNK(r12), IE_THUNK(r13), IE_THUNK(r14), IE_THUNK(r15),
#endif
};

void *ie_helper_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ie_helpers); i++)
		if (!strcmp(ie_helpers[i].name, name))
			return ie_helpers[i].addr;
	return NULL;
}
