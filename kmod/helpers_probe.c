// SPDX-License-Identifier: GPL-2.0
/*
 * probe_read helpers: the safe way for an extension to read memory it does
 * not own. A bad address returns -EFAULT (and a zeroed destination) instead of
 * faulting, as bpf_probe_read_*() does.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "helpers.h"
#include "runtime.h"

long ie_probe_read_kernel(void *dst, u32 size, const void *src)
{
	long err = copy_from_kernel_nofault(dst, src, size);

	ie_helper_enter();
	if (err)
		memset(dst, 0, size);
	return err;
}

long ie_probe_read_user(void *dst, u32 size, const void *src)
{
	long err = copy_from_user_nofault(dst, (const void __user *)src, size);

	ie_helper_enter();
	if (err)
		memset(dst, 0, size);
	return err;
}

/* Returns the length including the NUL, or -EFAULT (dst then holds ""). */
long ie_read_str_nofault(char *dst, u32 size, unsigned long src, bool user)
{
	u32 i;

	if (!size)
		return -EINVAL;
	for (i = 0; i + 1 < size; i++) {
		long err = user ? copy_from_user_nofault(dst + i, (const void __user *)(src + i), 1)
				: copy_from_kernel_nofault(dst + i, (const void *)(src + i), 1);
		if (err) {
			dst[0] = '\0';
			return -EFAULT;
		}
		if (!dst[i])
			return i + 1;
	}
	dst[i] = '\0';
	return i + 1;
}

long ie_probe_read_kernel_str(void *dst, u32 size, const void *src)
{
	ie_helper_enter();
	return ie_read_str_nofault(dst, size, (unsigned long)src, false);
}

long ie_probe_read_user_str(void *dst, u32 size, const void *src)
{
	ie_helper_enter();
	return ie_read_str_nofault(dst, size, (unsigned long)src, true);
}
