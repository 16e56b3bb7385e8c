// SPDX-License-Identifier: GPL-2.0
/*
 * load_bench ie|bpf OBJ: the time from opening OBJ to its program attached, once.
 *
 *   ie   innerext_object__open() (ELF to image) + __load() (map creation, the load
 *        ioctl: validation, helper resolution, placement, relocation) +
 *        innerext_program__attach() (the object's first program, at its SEC()).
 *   bpf  bpf_object__open_file() + bpf_object__load() (map creation, the verifier,
 *        the JIT) + bpf_program__attach() (the object's first program, at its SEC()).
 *        The verifier log is asked for at the statistics level (4, BPF_LOG_STATS:
 *        the error and "processed N insns", no instruction trace) from the start:
 *        with level 0 libbpf loads a refused program a second time to fetch its
 *        log, which would double the time to the refusal.
 *
 * Prints one line:
 *   ms=TOTAL open_ms=OPEN load_ms=LOAD attach_ms=ATTACH result=attached|rejected size=N
 *   processed=N
 * OPEN, LOAD, ATTACH: the three steps (bpf: LOAD includes the verifier and the JIT);
 * size: BPF instructions (bpf) or bytes of the image sent to the module (ie);
 * processed: the verifier's "processed N insns" (bpf; -1 for ie or if absent).
 * A refused eBPF program prints result=rejected (ms: until the refusal, attach_ms 0)
 * and the verifier's reason on stderr, and exits 0. Everything is detached and
 * freed after the clock stopped. Exit 1: any other failure.
 *
 * load_bench btf: the time libbpf's btf__load_vmlinux_btf() takes ("ms=N types=N"):
 * libinnerext parses the kernel's BTF when it attaches to a tracepoint (for the
 * tracepoint's number of arguments), so it is part of "ie" attach times.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <innerext/libinnerext.h>

#define LOG_SIZE	(1u << 20)
#define LOG_LEVEL_STATS	4

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int quiet_bpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static int run_ie(const char *path)
{
	struct innerext_program *prog;
	struct innerext_object *obj;
	struct innerext_link *link;
	double t0, t1, t2, t3;
	size_t size = 0;

	innerext_set_print(NULL);
	t0 = now_ms();
	obj = innerext_object__open(path);
	if (!obj) {
		fprintf(stderr, "load_bench: cannot open %s\n", path);
		return 1;
	}
	t1 = now_ms();
	if (innerext_object__load(obj)) {
		fprintf(stderr, "load_bench: loading %s failed: %s\n", path,
			innerext_object__load_log(obj));
		return 1;
	}
	t2 = now_ms();
	prog = innerext_object__next_program(obj, NULL);
	link = prog ? innerext_program__attach(prog, NULL) : NULL;
	if (!link) {
		fprintf(stderr, "load_bench: attaching %s failed\n", path);
		return 1;
	}
	t3 = now_ms();
	innerext_object__image(obj, &size);
	printf("ms=%.2f open_ms=%.2f load_ms=%.2f attach_ms=%.2f result=attached size=%zu "
	       "processed=-1\n", t3 - t0, t1 - t0, t2 - t1, t3 - t2, size);
	innerext_link__destroy(link);
	innerext_object__close(obj);
	return 0;
}

/* The verifier's "processed N insns" in @log, -1 if absent. */
static long processed_insns(const char *log)
{
	const char *p = strstr(log, "processed ");

	return p ? strtol(p + strlen("processed "), NULL, 10) : -1;
}

/*
 * The verifier's reason: the last line of @log before its statistics (the first
 * lines can be notes, e.g. 6.1's "reg type unsupported for arg#0 function ...").
 */
static void print_reason(const char *log)
{
	static const char *const stats[] = {
		"processed ", "verification time", "stack depth", "max_states_per_insn",
		"peak_states", "mark_precise",
	};
	const char *line, *nl, *reason = NULL;
	int reason_len = 0;
	size_t i;

	for (line = log; *line; line = *nl ? nl + 1 : nl) {
		nl = line + strcspn(line, "\n");
		for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
			if (!strncmp(line, stats[i], strlen(stats[i])))
				break;
		if (i == sizeof(stats) / sizeof(stats[0]) && nl > line) {
			reason = line;
			reason_len = (int)(nl - line);
		}
	}
	if (reason)
		fprintf(stderr, "load_bench: verifier: %.*s\n", reason_len, reason);
}

static int run_bpf(const char *path)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_link *link;
	double t0, t1, t2, t3;
	char *log;
	int err;

	log = calloc(1, LOG_SIZE);
	if (!log)
		return 1;
	opts.kernel_log_buf = log;
	opts.kernel_log_size = LOG_SIZE;
	opts.kernel_log_level = LOG_LEVEL_STATS;
	libbpf_set_print(quiet_bpf);
	t0 = now_ms();
	obj = bpf_object__open_file(path, &opts);
	if (!obj) {
		fprintf(stderr, "load_bench: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	t1 = now_ms();
	prog = bpf_object__next_program(obj, NULL);
	if (!prog) {
		fprintf(stderr, "load_bench: %s has no program\n", path);
		return 1;
	}
	err = bpf_object__load(obj);
	t2 = now_ms();
	if (err) {
		if (!log[0]) {	/* not the verifier: no log */
			fprintf(stderr, "load_bench: loading %s failed: %s\n", path, strerror(-err));
			return 1;
		}
		printf("ms=%.2f open_ms=%.2f load_ms=%.2f attach_ms=0 result=rejected size=%zu "
		       "processed=%ld\n", t2 - t0, t1 - t0, t2 - t1, bpf_program__insn_cnt(prog),
		       processed_insns(log));
		fflush(stdout);
		print_reason(log);
		bpf_object__close(obj);
		free(log);
		return 0;
	}
	link = bpf_program__attach(prog);
	if (!link) {
		fprintf(stderr, "load_bench: attaching %s failed: %s\n", path, strerror(errno));
		return 1;
	}
	t3 = now_ms();
	printf("ms=%.2f open_ms=%.2f load_ms=%.2f attach_ms=%.2f result=attached size=%zu "
	       "processed=%ld\n", t3 - t0, t1 - t0, t2 - t1, t3 - t2, bpf_program__insn_cnt(prog),
	       processed_insns(log));
	bpf_link__destroy(link);
	bpf_object__close(obj);
	free(log);
	return 0;
}

/* How long libbpf takes to parse the kernel's BTF (libinnerext does it for a tracepoint's arity). */
static int run_btf(void)
{
	struct btf *btf;
	double t0, t1;

	t0 = now_ms();
	btf = btf__load_vmlinux_btf();
	t1 = now_ms();
	if (libbpf_get_error(btf)) {
		fprintf(stderr, "load_bench: no vmlinux BTF\n");
		return 1;
	}
	printf("ms=%.2f types=%u\n", t1 - t0, btf__type_cnt(btf));
	btf__free(btf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "btf"))
		return run_btf();
	if (argc == 3 && !strcmp(argv[1], "ie"))
		return run_ie(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "bpf"))
		return run_bpf(argv[2]);
	fprintf(stderr, "usage: load_bench ie|bpf OBJ | btf\n");
	return 2;
}
