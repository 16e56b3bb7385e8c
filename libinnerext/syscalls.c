// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * x86-64 system call names <-> numbers. syscall_table.h is generated at build time
 * from <asm/unistd_64.h> (see Makefile), so it follows the installed kernel headers.
 */
#include <errno.h>
#include <string.h>

#include "libinnerext_internal.h"

struct ie_syscall {
	const char *name;
	int nr;
};

static const struct ie_syscall ie_syscalls[] = {
#include "syscall_table.h"
};

#define NR_SYSCALL_NAMES	(sizeof(ie_syscalls) / sizeof(ie_syscalls[0]))

int innerext_syscall_nr(const char *name)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < NR_SYSCALL_NAMES; i++)
		if (!strcmp(ie_syscalls[i].name, name))
			return ie_syscalls[i].nr;
	return -ENOENT;
}

const char *innerext_syscall_name(int nr)
{
	size_t i;

	for (i = 0; i < NR_SYSCALL_NAMES; i++)
		if (ie_syscalls[i].nr == nr)
			return ie_syscalls[i].name;
	errno = ENOENT;
	return NULL;
}
