// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ringbuf_events_user [-n COUNT] [-t SECONDS] [OBJECT]: load examples/ringbuf_events.o
 * (or OBJECT) with libinnerext, attach it, and print one line per execve(2)
 * from its ring buffer until Ctrl-C, COUNT events or SECONDS:
 *
 *   TIME(s)      PID     COMM             FILENAME
 *   12.345678    812     bash             /usr/bin/ls
 *
 * The program and its link go away when this process exits (nothing is
 * persistent), unlike `extctl load`.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "ringbuf_events.h"

static volatile sig_atomic_t stop;
static unsigned long long count, seen;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct exec_event *e = data;

	(void)ctx;
	if (size < sizeof(*e)) {
		fprintf(stderr, "short record: %zu bytes\n", size);
		return 0;
	}
	printf("%-12.6f %-7u %-16.*s %.*s\n", e->ktime_ns / 1e9, e->pid,
	       EXEC_COMM_LEN, e->comm, EXEC_FILENAME_LEN, e->filename);
	if (count && ++seen >= count)
		return -ECANCELED;
	return 0;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-n COUNT] [-t SECONDS] [OBJECT]\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = "examples/ringbuf_events.o";
	struct innerext_object *obj = NULL;
	struct innerext_program *prog;
	struct innerext_link *link = NULL;
	struct innerext_ringbuf *rb = NULL;
	struct innerext_map *map;
	struct sigaction sa;
	double timeout = -1;
	struct timespec t0, t;
	int opt, err = 0;
	char *end;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = strtoull(optarg, &end, 10);
			if (*end || !count)
				usage(argv[0]);
			break;
		case 't':
			timeout = strtod(optarg, &end);
			if (*end || !(timeout >= 0))
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		usage(argv[0]);

	obj = innerext_object__open(path);
	if (!obj) {
		err = -errno;
		goto out;
	}
	err = innerext_object__load(obj);
	if (err)
		goto out;
	prog = innerext_object__find_program_by_name(obj, "on_execve");
	map = innerext_object__find_map_by_name(obj, "events");
	if (!prog || !map) {
		fprintf(stderr, "%s: no program on_execve or map events\n", path);
		err = -ENOENT;
		goto out;
	}
	link = innerext_program__attach(prog, NULL);
	if (!link) {
		err = -errno;
		goto out;
	}
	rb = innerext_ringbuf__new(innerext_map__fd(map), on_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("%-12s %-7s %-16s %s\n", "TIME(s)", "PID", "COMM", "FILENAME");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		int n = innerext_ringbuf__poll(rb, 100);

		if (n == -ECANCELED)
			break;
		if (n < 0 && n != -EINTR) {
			err = n;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (timeout >= 0 &&
		    (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= timeout)
			break;
	}
	if (innerext_ringbuf__dropped(rb))
		fprintf(stderr, "%llu events dropped (ring full)\n",
			(unsigned long long)innerext_ringbuf__dropped(rb));
out:
	if (err)
		fprintf(stderr, "%s: %s\n", argv[0], strerror(-err));
	innerext_ringbuf__free(rb);
	if (link)
		innerext_link__destroy(link);
	innerext_object__close(obj);
	return err ? 1 : 0;
}
