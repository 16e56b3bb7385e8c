// SPDX-License-Identifier: GPL-2.0
/*
 * Fault containment: a general protection fault (#GP: a non-canonical
 * address, a privileged instruction), an invalid opcode (#UD) or a divide
 * error (#DE) raised by extension code stops that invocation (IE_ABORT_FAULT)
 * instead of oopsing: the die notifier sees the trap before the kernel
 * decides to die, and rewrites the faulting ip to ie_run_abort.
 *
 * Not contained: page faults. A C extension that dereferences a bad pointer
 * oopses the kernel like any module would; the kernel only fixes up page
 * faults of instructions listed in exception tables, and extension code has
 * none. Read memory you do not own with ie_probe_read_kernel()/_user().
 * A fault in a helper is the helper's bug and is not caught here either.
 */
#include <linux/kdebug.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/notifier.h>
#include <asm/trapnr.h>

#include "innerext_int.h"
#include "runtime.h"

static int notrace ie_fault_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;
	struct ie_run_rec *rec;

	if (val != DIE_GPF && !(val == DIE_TRAP &&
				(args->trapnr == X86_TRAP_UD || args->trapnr == X86_TRAP_DE)))
		return NOTIFY_DONE;
	if (!args->regs || user_mode(args->regs))
		return NOTIFY_DONE;
	/* an exception runs in the context it interrupted: that context's record */
	rec = ie_run_rec_current();
	if (!rec || !ie_run_ip_in_ext(rec, args->regs->ip))
		return NOTIFY_DONE;
	ie_run_redirect(rec, args->regs, IE_ABORT_FAULT);
	return NOTIFY_STOP;
}
NOKPROBE_SYMBOL(ie_fault_notify);

static struct notifier_block ie_fault_nb = {
	.notifier_call	= ie_fault_notify,
	.priority	= INT_MAX,	/* before kprobes, kgdb... look at it */
};

int ie_fault_init(void)
{
	return register_die_notifier(&ie_fault_nb);
}

void ie_fault_exit(void)
{
	unregister_die_notifier(&ie_fault_nb);
}
