/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The return thunk extensions jump to. Extensions are compiled with
 * -mfunction-return=thunk-extern, so every return is "jmp __x86_return_thunk".
 * The kernel's own __x86_return_thunk must not run unpatched (6.12 warns:
 * "Unpatched return thunk in use"): the kernel rewrites each return site of
 * itself and of every module, at boot and at module load, to either a plain
 * ret or a jump to the return thunk this CPU needs. Extension code is written
 * after that, so its returns land here instead: RET is a return site of this
 * module, patched by the module loader like any other, so an extension returns
 * exactly as the kernel does on this CPU.
 */
#include <linux/linkage.h>
#include <asm/linkage.h>

	.text
SYM_FUNC_START(ie_return_thunk)
	RET
SYM_FUNC_END(ie_return_thunk)
