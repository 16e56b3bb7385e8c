// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl: load, list, unload and trace innerext extensions (bpftool style).
 *
 *   extctl [OPTIONS] COMMAND [ARGS]      extctl help      extctl COMMAND help
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "main.h"

static const struct extctl_cmd *const commands[] = {
	&cmd_load, &cmd_list, &cmd_unload, &cmd_trace, &cmd_events, &cmd_map, &cmd_sign,
	&cmd_keyring, &cmd_version,
};
#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* The last warning libinnerext printed, reported by p_lib_err(). */
static char lib_msg[4096];
static bool lib_debug;

static int lib_print(enum innerext_print_level level, const char *fmt, va_list ap)
{
	va_list copy;

	if (lib_debug) {
		/* -d: everything, as it happens */
		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level != INNEREXT_WARN)
		return 0;
	return vsnprintf(lib_msg, sizeof(lib_msg), fmt, ap);
}

void lib_msg_clear(void)
{
	lib_msg[0] = '\0';
}

const char *lib_msg_reason(int err, int *len)
{
	const char *s = strerror(err < 0 ? -err : err);
	const char *p = strstr(lib_msg, s);
	int n;

	if (!p || strncmp(p + strlen(s), ": ", 2))
		return NULL;
	p += strlen(s) + 2;
	n = (int)strlen(p);
	while (n && p[n - 1] == '\n')
		n--;
	if (!n || memchr(p, '\n', (size_t)n))
		return NULL;
	*len = n;
	return p;
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("extctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void p_lib_err(int err, const char *fmt, ...)
{
	const char *msg = lib_msg;
	size_t len;
	va_list ap;

	if (!strncmp(msg, "libinnerext: ", 13))
		msg += 13;
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		len--;
	fflush(stdout);
	if (len) {
		fprintf(stderr, "extctl: %.*s\n", (int)len, msg);
	} else {
		fputs("extctl: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	}
	lib_msg_clear();
}

bool is_help_arg(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

void json_begin(struct extctl *ctx)
{
	jw_init(&ctx->jw, stdout, ctx->pretty);
}

/* Checks for commands that talk to the module, each with a one-line fix. */
volatile sig_atomic_t extctl_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	extctl_stop = 1;
}

void extctl_stop_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: poll/epoll_wait return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double extctl_deadline(double timeout)
{
	return timeout >= 0 ? now_sec() + timeout : 0;
}

bool extctl_time_left(double deadline, int *wait_ms)
{
	double left;

	*wait_ms = -1;
	if (!deadline)
		return true;
	left = deadline - now_sec();
	if (left <= 0)
		return false;
	*wait_ms = left * 1000 > INT_MAX ? INT_MAX : (int)(left * 1000) + 1;
	return true;
}

int parse_count(const char *cmd, const char *arg, unsigned long long *count)
{
	char *end;

	errno = 0;
	*count = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || !*count || arg[0] == '-') {
		p_err("%s: COUNT must be a positive number, not '%s'", cmd, arg);
		return -EINVAL;
	}
	return 0;
}

int parse_seconds(const char *cmd, const char *arg, double *seconds)
{
	char *end;

	errno = 0;
	*seconds = strtod(arg, &end);
	if (errno || end == arg || *end || !(*seconds >= 0) || *seconds > 1e9) {
		p_err("%s: SECONDS must be a number >= 0, not '%s'", cmd, arg);
		return -EINVAL;
	}
	return 0;
}

int extctl_preflight(void)
{
	cap_flag_value_t admin = CAP_CLEAR;
	struct stat st;
	cap_t caps;

	/*
	 * The device first: without the module nothing works, whoever runs us,
	 * and the hint already says to use sudo.
	 */
	if (stat(INNEREXT_DEV_PATH, &st) && errno == ENOENT) {
		p_err("%s not found: load the module first (sudo insmod kmod/innerext.ko)",
		      INNEREXT_DEV_PATH);
		return -1;
	}
	caps = cap_get_proc();
	if (caps) {
		if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin))
			admin = CAP_CLEAR;
		cap_free(caps);
	}
	if (admin != CAP_SET) {
		p_err("CAP_SYS_ADMIN is required: run as root (sudo extctl ...)");
		return -1;
	}
	return 0;
}

int extctl_dev_open(void)
{
	int fd = innerext_dev_open(NULL);

	if (fd < 0) {
		if (fd == -ENOENT)
			p_err("%s not found: load the module first (sudo insmod kmod/innerext.ko)",
			      INNEREXT_DEV_PATH);
		else
			p_err("cannot open %s: %s", INNEREXT_DEV_PATH, strerror(-fd));
	}
	return fd;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: extctl [OPTIONS] COMMAND [ARGS...]\n"
		"       extctl help\n"
		"       extctl COMMAND help\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -j, --json      JSON output\n"
		"  -p, --pretty    indented JSON output (implies -j)\n"
		"  -d, --debug     show libinnerext debug messages\n"
		"  -h, --help      this help\n"
		"  -V, --version   print the version\n");
}

static const struct extctl_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",    no_argument, NULL, 'j' },
		{ "pretty",  no_argument, NULL, 'p' },
		{ "debug",   no_argument, NULL, 'd' },
		{ "help",    no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct extctl ctx = { 0 };
	const struct extctl_cmd *cmd;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	innerext_set_print(lib_print);

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+jpdhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctx.json = true;
			break;
		case 'p':
			ctx.json = ctx.pretty = true;
			break;
		case 'd':
			ctx.debug = lib_debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			return cmd_version.run(&ctx, 1, (char *[]){ "version", NULL });
		default:
			p_err("unknown option '%s'; try 'extctl help'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help_arg(argv[optind])) {
		usage(stdout);
		return 0;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		p_err("unknown command '%s'; try 'extctl help'", argv[optind]);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 && !strcmp(argv[1], "help")) {
		cmd->help(stdout);
		return 0;
	}
	for (opt = 1; opt < argc && strcmp(argv[opt], "--"); opt++) {
		if (!strcmp(argv[opt], "-h") || !strcmp(argv[opt], "--help")) {
			cmd->help(stdout);
			return 0;
		}
	}
	if (cmd->needs_dev && extctl_preflight())
		return 1;
	return cmd->run(&ctx, argc, argv);
}
