// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hello_trigger [N]: call dup(2) N times (default 1), so that examples/hello.o fires.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = 1;
	char *end;

	if (argc > 2 || (argc == 2 && (argv[1][0] == '-'))) {
		fprintf(stderr, "usage: %s [COUNT]\n", argv[0]);
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		n = strtol(argv[1], &end, 10);
		if (errno || end == argv[1] || *end || n < 1 || n > INT_MAX) {
			fprintf(stderr, "%s: COUNT must be a number from 1 to %d, not '%s'\n",
				argv[0], INT_MAX, argv[1]);
			return 2;
		}
	}
	for (i = 0; i < n; i++) {
		/* The syscall is what counts: EBADF (stdin closed) fires the hook too. */
		int fd = dup(0);

		if (fd >= 0)
			close(fd);
	}
	printf("hello_trigger: PID %d called dup() %ld times\n", (int)getpid(), n);
	return 0;
}
