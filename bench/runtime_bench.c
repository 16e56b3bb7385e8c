// SPDX-License-Identifier: GPL-2.0
/*
 * runtime_bench [OBJ] ITERATIONS: nanoseconds per getppid() call, with OBJ's
 * program attached (none: the bare syscall). Prints "ns_per_call=N".
 * Run inside the bench VM by bench/runtime_bench.sh.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct innerext_object *obj = NULL;
	struct innerext_program *prog;
	struct innerext_link *link = NULL;
	long i, n;
	double t0, t1;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: runtime_bench [OBJ] ITERATIONS\n");
		return 2;
	}
	n = atol(argv[argc - 1]);
	if (argc == 3) {
		obj = innerext_object__open(argv[1]);
		if (!obj || innerext_object__load(obj))
			return 1;
		prog = innerext_object__next_program(obj, NULL);
		link = prog ? innerext_program__attach(prog, NULL) : NULL;
		if (!link)
			return 1;
	}
	for (i = 0; i < n / 10; i++)	/* warm up */
		syscall(SYS_getppid);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	t1 = now_ns();
	printf("ns_per_call=%.1f\n", (t1 - t0) / n);
	if (link)
		innerext_link__destroy(link);
	innerext_object__close(obj);
	return 0;
}
