// SPDX-License-Identifier: GPL-2.0
/*
 * compare_bench: innerext against eBPF and against a plain module callback, in
 * one process, finely interleaved. Run by bench/compare_bench.sh.
 *
 *   compare_bench run [-i ITERS] [-b BATCHES] [-r ROUNDS] NAME=SPEC...
 *   compare_bench check innerext|ebpf OBJ CALLS
 *
 * SPEC is what is attached while getppid() is timed in a tight loop:
 *   none                 nothing: the bare system call
 *   floor:KO:PARAMS      the kernel module KO, loaded with PARAMS (e.g. hook=kprobe)
 *   innerext:OBJ         OBJ's first program, attached as its SEC() says (libinnerext)
 *   ebpf:OBJ             OBJ's first program (libbpf): kprobe/FUNC with
 *                        bpf_program__attach_kprobe, raw_tp/NAME with
 *                        bpf_program__attach_raw_tracepoint
 * Every object is opened and loaded once; a map named "values" is filled with
 * keys 0..MB_ENTRIES-1 (progs/map_bench.h), the same in both implementations.
 *
 * run: ROUNDS rounds of BATCHES cycles; a cycle attaches each configuration in
 * turn (in a new random order each cycle, so that none always follows the
 * same one: a detach can leave deferred work behind), waits 1 ms, warms up,
 * times ITERS / BATCHES calls and detaches, so that every configuration is measured
 * within the same few hundred milliseconds as the others, whatever the host
 * does to the VM meanwhile. Prints "sample ROUND NAME NS" per configuration and
 * round: the median ns per call of its batches in that round. Then verifies:
 *   innerext  the program ran at least once per timed call (the module's run
 *             count) and skipped none (recursion misses, irqs-off skips)
 *   ebpf      with BPF run statistics switched on (only now: they cost time),
 *             1000 calls run the program 1000 times
 * and exits 1 if anything failed. COMPARE_BENCH_KPROBES=1 in the environment
 * prints the kernel's kprobe list ("# kprobes NAME: ...") the first time each
 * configuration is attached: which mechanism carries each probe.
 *
 * check: attach OBJ (a *_check object: the map program counting its hits in
 * its "check" map), make CALLS calls, and verify that every lookup hit:
 * check[0] == MB_LOOKUPS * check[1], check[1] >= CALLS.
 *
 * The process is pinned to the CPU it started on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include <innerext/libinnerext.h>

#include "progs/map_bench.h"

#define VERIFY_CALLS	1000
#define WARMUP_CALLS	2000	/* after each attach: the emulator translates patched code once */
#define SETTLE_US	1000	/* and before: let work deferred by the last detach run */
#define MAX_CFGS	32
#define MAX_BATCHES	64

static const char *me = "compare_bench";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", me);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int bpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void calls(long n)
{
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Fisher-Yates */
static void shuffle(int *v, int n)
{
	int i, j, t;

	for (i = n - 1; i > 0; i--) {
		j = random() % (i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void show_kprobes(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/kprobes/list", "r");
	char line[512];

	if (!f) {
		printf("# kprobes %s: /sys/kernel/debug/kprobes/list: %s\n", name, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("# kprobes %s: %s", name, line);
	fclose(f);
}

/* ---------------------------------------------------------------- configurations */

enum kind { K_NONE, K_FLOOR, K_INNEREXT, K_EBPF };

struct cfg {
	const char *name;
	enum kind kind;
	const char *path;
	const char *params;		/* floor */
	char modname[64];		/* floor */
	struct innerext_object *ie_obj;
	struct innerext_program *ie_prog;
	struct innerext_link *ie_link;
	struct bpf_object *bpf_obj;
	struct bpf_program *bpf_prog;
	struct bpf_link *bpf_link;
	double batch[MAX_BATCHES];	/* this round */
	long timed_calls;
	int shown;
};

static void ie_fill(struct innerext_object *obj)
{
	struct innerext_map *map = innerext_object__find_map_by_name(obj, "values");
	__u32 key;
	__u64 val;
	int err;

	for (key = 0; map && key < MB_ENTRIES; key++) {
		val = MB_VALUE(key);
		err = innerext_map__update_elem(map, &key, sizeof(key), &val, sizeof(val), 0);
		if (err)
			die("innerext: values[%u]: %s", key, strerror(-err));
	}
}

static void bpf_fill(struct bpf_object *obj)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "values");
	__u32 key;
	__u64 val;
	int err;

	for (key = 0; map && key < MB_ENTRIES; key++) {
		val = MB_VALUE(key);
		err = bpf_map__update_elem(map, &key, sizeof(key), &val, sizeof(val), BPF_ANY);
		if (err)
			die("ebpf: values[%u]: %s", key, strerror(-err));
	}
}

static void cfg_load(struct cfg *c)
{
	int err;

	switch (c->kind) {
	case K_NONE:
		break;
	case K_FLOOR: {
		const char *base = strrchr(c->path, '/');
		size_t len;

		base = base ? base + 1 : c->path;
		len = strcspn(base, ".");
		if (len >= sizeof(c->modname))
			die("%s: module name too long", c->path);
		memcpy(c->modname, base, len);
		c->modname[len] = 0;
		break;
	}
	case K_INNEREXT:
		c->ie_obj = innerext_object__open(c->path);
		if (!c->ie_obj)
			die("%s: cannot open %s", c->name, c->path);
		err = innerext_object__load(c->ie_obj);
		if (err)
			die("%s: cannot load %s: %s", c->name, c->path, strerror(-err));
		ie_fill(c->ie_obj);
		c->ie_prog = innerext_object__next_program(c->ie_obj, NULL);
		if (!c->ie_prog)
			die("%s: %s has no program", c->name, c->path);
		break;
	case K_EBPF:
		c->bpf_obj = bpf_object__open_file(c->path, NULL);
		if (!c->bpf_obj)
			die("%s: cannot open %s: %s", c->name, c->path, strerror(errno));
		err = bpf_object__load(c->bpf_obj);
		if (err)
			die("%s: cannot load %s: %s", c->name, c->path, strerror(-err));
		bpf_fill(c->bpf_obj);
		c->bpf_prog = bpf_object__next_program(c->bpf_obj, NULL);
		if (!c->bpf_prog)
			die("%s: %s has no program", c->name, c->path);
		break;
	}
}

static void cfg_attach(struct cfg *c)
{
	const char *sec;
	int fd;

	switch (c->kind) {
	case K_NONE:
		break;
	case K_FLOOR:
		fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("%s: %s: %s", c->name, c->path, strerror(errno));
		if (syscall(SYS_finit_module, fd, c->params, 0))
			die("%s: loading %s %s: %s", c->name, c->path, c->params, strerror(errno));
		close(fd);
		break;
	case K_INNEREXT:
		c->ie_link = innerext_program__attach(c->ie_prog, NULL);
		if (!c->ie_link)
			die("%s: cannot attach %s", c->name, innerext_program__name(c->ie_prog));
		break;
	case K_EBPF:
		sec = bpf_program__section_name(c->bpf_prog);
		if (!strncmp(sec, "kprobe/", 7))
			c->bpf_link = bpf_program__attach_kprobe(c->bpf_prog, false, sec + 7);
		else if (!strncmp(sec, "raw_tp/", 7))
			c->bpf_link = bpf_program__attach_raw_tracepoint(c->bpf_prog, sec + 7);
		else
			die("%s: section %s: kprobe/FUNC or raw_tp/NAME", c->name, sec);
		if (!c->bpf_link)
			die("%s: cannot attach %s: %s", c->name, sec, strerror(errno));
		break;
	}
}

static void cfg_detach(struct cfg *c)
{
	int err;

	switch (c->kind) {
	case K_NONE:
		break;
	case K_FLOOR:
		if (syscall(SYS_delete_module, c->modname, O_NONBLOCK))
			die("%s: unloading %s: %s", c->name, c->modname, strerror(errno));
		break;
	case K_INNEREXT:
		err = innerext_link__destroy(c->ie_link);
		if (err)
			die("%s: detaching: %s", c->name, strerror(-err));
		c->ie_link = NULL;
		break;
	case K_EBPF:
		err = bpf_link__destroy(c->bpf_link);
		if (err)
			die("%s: detaching: %s", c->name, strerror(-err));
		c->bpf_link = NULL;
		break;
	}
}

static void cfg_parse(struct cfg *c, char *arg)
{
	char *spec = strchr(arg, '=');

	if (!spec || spec == arg)
		die("%s: expected NAME=SPEC", arg);
	*spec++ = 0;
	c->name = arg;
	if (!strcmp(spec, "none")) {
		c->kind = K_NONE;
	} else if (!strncmp(spec, "floor:", 6)) {
		c->kind = K_FLOOR;
		c->path = spec + 6;
		c->params = strchr(c->path, ':');
		if (!c->params)
			die("%s: floor:KO:PARAMS", c->name);
		*(char *)c->params++ = 0;
	} else if (!strncmp(spec, "innerext:", 9)) {
		c->kind = K_INNEREXT;
		c->path = spec + 9;
	} else if (!strncmp(spec, "ebpf:", 5)) {
		c->kind = K_EBPF;
		c->path = spec + 5;
	} else {
		die("%s: SPEC is none, floor:KO:PARAMS, innerext:OBJ or ebpf:OBJ", spec);
	}
}

/* ---------------------------------------------------------------- verification */

static __u64 ie_run_cnt(struct cfg *c, __u64 *bad)
{
	struct ie_prog_info info;
	int dev = innerext_dev_open(NULL), err;

	if (dev < 0)
		die("/dev/innerext: %s", strerror(-dev));
	err = innerext_prog_get_info_by_id(dev, innerext_object__prog_id(c->ie_obj), &info);
	close(dev);
	if (err)
		die("%s: program info: %s", c->name, strerror(-err));
	*bad = info.recursion_misses + info.irqs_off_skips;
	return info.run_cnt;
}

static __u64 bpf_run_cnt(struct cfg *c)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(c->bpf_prog), &info, &len))
		die("%s: program info: %s", c->name, strerror(errno));
	return info.run_cnt;
}

static int verify(struct cfg *cfgs, int nc)
{
	int i, fails = 0, stats_fd = -1;
	__u64 runs, bad, before;

	for (i = 0; i < nc; i++) {
		struct cfg *c = &cfgs[i];

		if (c->kind == K_INNEREXT) {
			runs = ie_run_cnt(c, &bad);
			printf("# verified %s: ran %llu times for %ld timed calls, %llu skipped\n",
			       c->name, (unsigned long long)runs, c->timed_calls,
			       (unsigned long long)bad);
			if (runs < (__u64)c->timed_calls || bad) {
				fprintf(stderr, "%s: %s: ran %llu times for %ld calls, %llu skipped\n",
					me, c->name, (unsigned long long)runs, c->timed_calls,
					(unsigned long long)bad);
				fails++;
			}
		} else if (c->kind == K_EBPF) {
			if (stats_fd < 0) {
				stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
				if (stats_fd < 0)
					die("BPF_ENABLE_STATS: %s", strerror(-stats_fd));
			}
			cfg_attach(c);
			before = bpf_run_cnt(c);
			calls(VERIFY_CALLS);
			runs = bpf_run_cnt(c) - before;
			cfg_detach(c);
			printf("# verified %s: ran %llu times for %d calls (BPF stats on)\n", c->name,
			       (unsigned long long)runs, VERIFY_CALLS);
			if (runs < VERIFY_CALLS) {
				fprintf(stderr, "%s: %s: ran %llu times for %d calls\n", me, c->name,
					(unsigned long long)runs, VERIFY_CALLS);
				fails++;
			}
		}
	}
	if (stats_fd >= 0)
		close(stats_fd);
	return fails;
}

/* ---------------------------------------------------------------- commands */

static int cmd_run(int argc, char **argv)
{
	static struct cfg cfgs[MAX_CFGS];
	int order[MAX_CFGS];
	long iters = 200000, per_batch;
	int rounds = 11, batches = 10, nc = 0, opt, r, b, k, fails;
	double t0, t1;

	while ((opt = getopt(argc, argv, "i:b:r:")) != -1) {
		switch (opt) {
		case 'i': iters = atol(optarg); break;
		case 'b': batches = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		default: return 2;
		}
	}
	if (batches < 1 || batches > MAX_BATCHES || rounds < 1 || iters < batches)
		die("run: -b 1..%d, -r >= 1, -i >= batches", MAX_BATCHES);
	per_batch = iters / batches;
	for (; optind < argc; optind++) {
		if (nc == MAX_CFGS)
			die("at most %d configurations", MAX_CFGS);
		cfg_parse(&cfgs[nc++], argv[optind]);
	}
	if (!nc)
		die("run: no configuration");
	for (k = 0; k < nc; k++)
		order[k] = k;
	for (k = 0; k < nc; k++)
		cfg_load(&cfgs[k]);

	srandom(1);	/* the same sequence of orders in every run */
	for (r = 0; r < rounds; r++) {
		for (b = 0; b < batches; b++) {
			shuffle(order, nc);
			for (k = 0; k < nc; k++) {
				struct cfg *c = &cfgs[order[k]];

				cfg_attach(c);
				if (!c->shown && getenv("COMPARE_BENCH_KPROBES"))
					show_kprobes(c->name);
				c->shown = 1;
				usleep(SETTLE_US);
				calls(WARMUP_CALLS);
				t0 = now_ns();
				calls(per_batch);
				t1 = now_ns();
				cfg_detach(c);
				c->batch[b] = (t1 - t0) / per_batch;
				c->timed_calls += per_batch;
			}
		}
		for (k = 0; k < nc; k++)
			printf("sample %d %s %.1f\n", r, cfgs[k].name,
			       median(cfgs[k].batch, batches));
		fflush(stdout);
	}

	fails = verify(cfgs, nc);
	for (k = 0; k < nc; k++) {
		innerext_object__close(cfgs[k].ie_obj);
		bpf_object__close(cfgs[k].bpf_obj);
	}
	return fails ? 1 : 0;
}

static int cmd_check(int argc, char **argv)
{
	struct cfg c = { .name = "check" };
	__u64 hits = 0, runs = 0;
	__u32 k0 = MB_CHECK_HITS, k1 = MB_CHECK_RUNS;
	long n;
	int err;

	if (argc != 4)
		die("usage: check innerext|ebpf OBJ CALLS");
	c.kind = !strcmp(argv[1], "innerext") ? K_INNEREXT : !strcmp(argv[1], "ebpf") ? K_EBPF :
		 K_NONE;
	if (c.kind == K_NONE)
		die("check: innerext or ebpf, not %s", argv[1]);
	c.path = argv[2];
	n = atol(argv[3]);
	cfg_load(&c);
	cfg_attach(&c);
	calls(n);
	cfg_detach(&c);
	if (c.kind == K_INNEREXT) {
		struct innerext_map *m = innerext_object__find_map_by_name(c.ie_obj, "check");

		if (!m)
			die("%s has no check map", c.path);
		err = innerext_map__lookup_elem(m, &k0, sizeof(k0), &hits, sizeof(hits), 0);
		if (!err)
			err = innerext_map__lookup_elem(m, &k1, sizeof(k1), &runs, sizeof(runs), 0);
	} else {
		struct bpf_map *m = bpf_object__find_map_by_name(c.bpf_obj, "check");

		if (!m)
			die("%s has no check map", c.path);
		err = bpf_map__lookup_elem(m, &k0, sizeof(k0), &hits, sizeof(hits), 0);
		if (!err)
			err = bpf_map__lookup_elem(m, &k1, sizeof(k1), &runs, sizeof(runs), 0);
	}
	if (err)
		die("check map: %s", strerror(-err));
	printf("runs=%llu hits=%llu\n", (unsigned long long)runs, (unsigned long long)hits);
	if (runs < (__u64)n || hits != runs * MB_LOOKUPS) {
		fprintf(stderr, "%s: %s: %llu lookups hit in %llu runs (want %d each)\n", me,
			c.path, (unsigned long long)hits, (unsigned long long)runs, MB_LOOKUPS);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	cpu_set_t set;
	int cpu;

	if (argc < 2) {
		fprintf(stderr, "usage: compare_bench run [-i ITERS] [-b BATCHES] [-r ROUNDS] NAME=SPEC...\n"
				"       compare_bench check innerext|ebpf OBJ CALLS\n");
		return 2;
	}
	libbpf_set_print(bpf_print);
	cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity: %s", strerror(errno));
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	die("%s: run or check", argv[1]);
	return 2;
}
