/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels we build for (Debian 6.1 and 6.12) is
 * isolated here. The rest of kmod/ uses only the ie_/IE_ names below.
 */
#ifndef IE_COMPAT_H
#define IE_COMPAT_H

#include <linux/version.h>
#include <linux/kconfig.h>

/* 6.9 renamed the speculation mitigation options (CONFIG_MITIGATION_*). */
#if defined(CONFIG_MITIGATION_RETPOLINE) || defined(CONFIG_RETPOLINE)
#define IE_HAVE_RETPOLINE	1
#else
#define IE_HAVE_RETPOLINE	0
#endif

/* 6.12 moved the unaligned accessors out of asm/. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.12 made struct fd opaque behind fd_file(); older kernels have .file. */
#include <linux/file.h>
#ifndef fd_file
#define fd_file(f)	((f).file)
#endif

/* 6.3 made vma->vm_flags read-only behind vm_flags_set()/vm_flags_clear(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define ie_vm_flags_clear(vma, flags)	vm_flags_clear(vma, flags)
#else
#define ie_vm_flags_clear(vma, flags)	((vma)->vm_flags &= ~(flags))
#endif

/*
 * Signed-image mode (sign.c) needs verify_pkcs7_signature(): Debian's 6.1 and
 * 6.12 have it (SYSTEM_DATA_VERIFICATION, SECONDARY_TRUSTED_KEYRING); a kernel
 * without it gets a module that refuses signatures and require_signature=1.
 */
#define IE_HAVE_PKCS7		IS_ENABLED(CONFIG_SYSTEM_DATA_VERIFICATION)

/* Indirect-branch tracking: entry points must start with endbr64 (6.2+, x86 only). */
#define IE_HAVE_IBT		IS_ENABLED(CONFIG_X86_KERNEL_IBT)

/*
 * Returning from an NMI somewhere else. On x86-64 the NMI entry code
 * (entry_64.S, "nested NMI" handling, unchanged from 3.x to 6.12) hands the
 * handler a pt_regs whose ip..ss are the "outermost" copy of the interrupted
 * frame; iretq returns through the "iret" copy, the five words right above
 * it. To redirect the return both must change. This is the one place we rely
 * on that layout, so we check it first: the iret copy must equal the frame we
 * were given, word for word, or we do not touch it (NULL: the caller falls
 * back to stopping the extension at its next helper call).
 */
#include <asm/ptrace.h>
static inline unsigned long *ie_nmi_iret_ip(struct pt_regs *regs)
{
	unsigned long *iret = (unsigned long *)(regs + 1);

	if (iret[0] != regs->ip || iret[1] != regs->cs || iret[2] != regs->flags ||
	    iret[3] != regs->sp || iret[4] != regs->ss)
		return NULL;
	return iret;
}

#endif /* IE_COMPAT_H */
