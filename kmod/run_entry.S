/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering and leaving an extension (the dispatcher's assembly half).
 *
 * ie_run_entry(ctx, fn, rec, stack_top) saves the callee-saved registers on
 * the kernel stack, records that stack pointer in rec->saved_sp, switches to
 * the extension stack and calls fn(ctx). A normal return switches back.
 *
 * ie_run_abort(rec) is where an invocation that must stop goes instead: the
 * watchdog or the fault handler rewrite the interrupted ip to it (rdi = rec),
 * helpers call it directly. It drops everything the extension had on its
 * stack, restores the dispatcher's registers and returns 0 from ie_run_entry;
 * the caller learns about the abort from rec->abort_reason.
 */
#include <linux/linkage.h>
#include <asm/linkage.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/orc_types.h>

/* what ie_run_entry pushed below its return address: rbp, rbx, r12-r15 */
#define IE_RUN_FRAME	(7 * 8)

/* back to the dispatcher's registers (rsp at what ie_run_entry pushed) */
.macro IE_RESTORE_SAVED
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
.endm

	.text
SYM_FUNC_START(ie_run_entry)
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdx, %rbx		/* rec, callee-saved across the call */
	mov	%rsp, (%rbx)		/* rec->saved_sp */
	mov	%rcx, %rsp		/* the extension stack */
	CALL_NOSPEC rsi
	mov	(%rbx), %rsp
	IE_RESTORE_SAVED
	RET
SYM_FUNC_END(ie_run_entry)

/*
 * Code, not a function (objtool: its stack is ie_run_entry's frame, not its
 * own). Reached by an ip rewrite or a call whose return never happens.
 */
SYM_CODE_START(ie_run_abort)
	UNWIND_HINT type=UNWIND_HINT_TYPE_CALL sp_reg=ORC_REG_SP sp_offset=8
	ANNOTATE_NOENDBR
	mov	(%rdi), %rsp		/* rec->saved_sp: the dispatcher's frame */
	/* for objtool and the unwinder: we are in ie_run_entry's frame now */
	UNWIND_HINT type=UNWIND_HINT_TYPE_CALL sp_reg=ORC_REG_SP sp_offset=IE_RUN_FRAME
	xor	%eax, %eax
	IE_RESTORE_SAVED
	RET
SYM_CODE_END(ie_run_abort)
