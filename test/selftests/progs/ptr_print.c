// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for privilege_test: prints kernel pointers through ie_printk's %p
 * (which must come out hashed, as the kernel's %p does) next to the same value
 * as a plain number (what an extension may print on purpose), on getppid(2).
 * The variants %px/%pK/%pS must not reach the kernel's vsprintf extensions:
 * innerext cuts the conversion after 'p', the letter is printed as text.
 */
#include <innerext/extension.h>

static __u64 ptr_print_target = 42;

SEC("tracepoint/syscalls/sys_enter_getppid")
int ptr_print(struct ie_syscall_ctx *ctx)
{
	void *p = &ptr_print_target;

	ie_printk("ptrcheck1 p=%p w=[%20p] x=%lx", p, p, (unsigned long)p);
	ie_printk("ptrcheck2 px=%px pK=%pK pS=%pS", p, p, p);
	ie_printk("ptrcheck3 ctx=%p", (void *)ctx);
	return 0;
}
