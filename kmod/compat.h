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

/* Indirect-branch tracking: entry points must start with endbr64 (6.2+, x86 only). */
#define IE_HAVE_IBT		IS_ENABLED(CONFIG_X86_KERNEL_IBT)

#endif /* IE_COMPAT_H */
