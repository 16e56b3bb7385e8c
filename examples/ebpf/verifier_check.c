// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * verifier_check [-v] OBJ.bpf.o...: load each eBPF object into the running kernel
 * (load only: nothing is attached) and say what the verifier made of it:
 *
 *   loop_million: rejected by the verifier: BPF program is too large. Processed 1000001 insn
 *   recursion: accepted
 *
 * One line per object, on stdout. The reason is the first line of the verifier's
 * log that is not a source line, an instruction, a register state or a
 * statistic; -v prints the whole log (statistics level: messages and counts, not
 * the instruction trace, which for a million instructions fits no buffer).
 *
 * Exit status: 0 when every object was refused by the kernel, 1 when one was
 * accepted, 2 when one could not be tried (unreadable object, no privileges, a
 * map the kernel would not create...).
 *
 * These objects are the eBPF twins of examples that innerext runs natively:
 * examples/ebpf/{loop_million,big_stack,recursion,large_program,runaway,
 * deep_recursion}.bpf.o.
 */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#define LOG_SIZE	(4u << 20)
#define LOG_LEVEL_STATS	4	/* BPF_LOG_STATS: messages and counts, no per-insn trace */

static int verbose;

/* Keep libbpf quiet: every outcome is reported on one line of our own. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (verbose && level != LIBBPF_DEBUG)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* "dir/loop_million.bpf.o" -> "loop_million" */
static void obj_name(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 6 && !strcmp(base + len - 6, ".bpf.o"))
		len -= 6;
	else if (len > 2 && !strcmp(base + len - 2, ".o"))
		len -= 2;
	snprintf(buf, size, "%.*s", (int)len, base);
}

static int has_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !strncmp(line, prefix, n);
}

/*
 * Lines that are not the reason: statistics, source lines (verbose_linfo prints
 * "; C source @ file:line", or "12: C source" before 6.2), instructions
 * ("12: (85) call pc+3"), register states, precision backtracking.
 */
static int is_noise_line(const char *line, size_t len)
{
	static const char *const prefixes[] = {
		"processed ", "verification time", "stack depth", "max_states_per_insn",
		"peak_states", "mark_precise", "Func#", "func#", "Validating ",
		"cur state", "old state", "from ", "last_idx", "regs=", "parent ",
		";",
	};
	size_t i = 0;

	if (!len)
		return 1;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (has_prefix(line, len, prefixes[i]))
			return 1;
	/* "12: ...": a source line or an instruction */
	for (i = 0; i < len && line[i] >= '0' && line[i] <= '9'; i++)
		;
	if (i && i < len && line[i] == ':')
		return 1;
	/* "R1=ctx() R10=fp0": a register state */
	if (line[0] == 'R' && len > 1 && line[1] >= '0' && line[1] <= '9')
		return 1;
	return 0;
}

/*
 * The first line that says why. The kernel also notes, before verifying, when
 * BTF does not describe the program's context argument the way it would like
 * ("reg type unsupported for arg#0 function X#24" on 6.1, "arg#0 reference
 * type('UNKNOWN ') size cannot be determined: -22" later): harmless for a
 * kprobe or tracepoint program, so such an "arg#" line is the reason only if
 * nothing else is.
 */
static int first_reason(const char *log, const char **line, int *len)
{
	const char *p = log, *nl, *arg_line = NULL;
	size_t n;
	int arg_len = 0;

	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
			n--;
		if (!is_noise_line(p, n)) {
			if (!memmem(p, n, "arg#", 4)) {
				*line = p;
				*len = (int)n;
				return 1;
			}
			if (!arg_line) {
				arg_line = p;
				arg_len = (int)n;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (arg_line) {
		*line = arg_line;
		*len = arg_len;
		return 1;
	}
	return 0;
}

/* 0: refused by the kernel, 1: accepted, 2: could not be tried */
static int check_object(const char *path, char *log)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	const char *reason;
	char name[256];
	int err, len;

	obj_name(path, name, sizeof(name));
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		printf("%s: not tried: cannot open %s: %s\n", name, path, strerror(errno));
		return 2;
	}
	if (!bpf_object__next_program(obj, NULL)) {
		printf("%s: not tried: %s has no programs\n", name, path);
		bpf_object__close(obj);
		return 2;
	}
	log[0] = '\0';
	bpf_object__for_each_program(prog, obj) {
		bpf_program__set_log_buf(prog, log, LOG_SIZE);
		bpf_program__set_log_level(prog, LOG_LEVEL_STATS);
	}

	err = bpf_object__load(obj);
	bpf_object__close(obj);
	if (!err) {
		printf("%s: accepted\n", name);
		return 1;
	}
	if (verbose && log[0])
		fprintf(stderr, "---- %s: verifier log ----\n%s---- end of log ----\n", name, log);
	if (first_reason(log, &reason, &len)) {
		printf("%s: rejected by the verifier: %.*s\n", name, len, reason);
		return 0;
	}
	switch (-err) {
	case EACCES:
	case EINVAL:
	case E2BIG:
	case ENOSPC:
		/* BPF_PROG_LOAD refused the program without a word */
		printf("%s: rejected by the kernel: %s (no verifier log)\n", name, strerror(-err));
		return 0;
	default:
		printf("%s: not tried: loading failed before the verifier: %s\n", name,
		       strerror(-err));
		return 2;
	}
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out, "usage: %s [-v] OBJ.bpf.o...\n"
		"Load each eBPF object (nothing is attached) and print whether the kernel's\n"
		"verifier accepted it, or why it refused it. Exit status 0 if all were refused.\n",
		prog);
}

int main(int argc, char **argv)
{
	int opt, i, ret = 0, r;
	char *log;

	while ((opt = getopt(argc, argv, "vh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr, argv[0]);
		return 2;
	}
	libbpf_set_print(quiet_print);
	log = malloc(LOG_SIZE);
	if (!log) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		r = check_object(argv[i], log);
		fflush(stdout);
		if (r > ret)
			ret = r;
	}
	free(log);
	return ret;
}
