// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl trace [-n COUNT] [-t SECONDS]: print the lines extensions print with
 * ie_trace_printk, as they come (read(2) on /dev/innerext consumes them, like
 * trace_pipe). Stops after COUNT lines, after SECONDS, or on Ctrl-C.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "main.h"

#define TRACE_BUF_SIZE	(64 * 1024)


static void trace_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl trace [-n COUNT] [-t SECONDS]\n"
		"\n"
		"Print the lines extensions print (ie_printk / ie_trace_printk) as they arrive:\n"
		"  <comm>-<pid> [<cpu>] <seconds>.<usec>: <prog>: <message>\n"
		"Reading consumes the lines (like trace_pipe), so run one reader at a time.\n"
		"\n"
		"  -n, --count COUNT      stop after COUNT lines\n"
		"  -t, --timeout SECONDS  stop after SECONDS (may be fractional)\n"
		"  -j, --json             one JSON object per line: comm, pid, cpu, timestamp,\n"
		"                         prog, message (and the raw line)\n"
		"Without -n and -t, runs until Ctrl-C.\n");
}

/* "<comm>-<pid> [<cpu>] <sec>.<usec>: <prog>: <message>"; comm may contain '-' and ' '. */
static void json_line(struct json_writer *jw, const char *line, size_t len)
{
	char buf[1024];
	char *br, *dash, *colon, *prog_end, *end;
	unsigned long pid, cpu;
	double ts;

	jw_start_object(jw);
	jw_name(jw, "line");
	jw_string_len(jw, line, len);
	if (len < sizeof(buf)) {
		memcpy(buf, line, len);
		buf[len] = '\0';
		br = strstr(buf, " [");
		if (!br)
			goto done;
		*br = '\0';
		dash = strrchr(buf, '-');
		if (!dash)
			goto done;
		*dash = '\0';
		pid = strtoul(dash + 1, &end, 10);
		if (*end)
			goto done;
		cpu = strtoul(br + 2, &end, 10);
		if (end[0] != ']' || end[1] != ' ')
			goto done;
		ts = strtod(end + 2, &end);
		if (end[0] != ':' || end[1] != ' ')
			goto done;
		colon = end + 2;
		prog_end = strstr(colon, ": ");
		if (!prog_end)
			goto done;
		*prog_end = '\0';
		jw_string_field(jw, "comm", buf);
		jw_uint_field(jw, "pid", pid);
		jw_uint_field(jw, "cpu", cpu);
		jw_name(jw, "timestamp");
		jw_fixed(jw, ts, 6);
		jw_string_field(jw, "prog", colon);
		jw_string_field(jw, "message", prog_end + 2);
	}
done:
	jw_end_object(jw);
	jw_finish(jw);
}

static int do_trace(struct extctl *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count",   required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json",    no_argument,       NULL, 'j' },
		{ "pretty",  no_argument,       NULL, 'p' },
		{ 0 }
	};
	unsigned long long count = 0, seen = 0;
	double timeout = -1, deadline = 0;
	size_t fill = 0;
	char *buf;
	int opt, fd, ret = 0;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":n:t:jp", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_count("trace", optarg, &count))
				return EXIT_USAGE;
			break;
		case 't':
			if (parse_seconds("trace", optarg, &timeout))
				return EXIT_USAGE;
			break;
		case 'j': ctx->json = true; break;
		case 'p': ctx->json = ctx->pretty = true; break;
		case ':':
			p_err("trace: option '%s' needs an argument", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			p_err("trace: unknown option '%s'; try 'extctl trace help'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		p_err("trace: unexpected argument '%s'; try 'extctl trace help'", argv[optind]);
		return EXIT_USAGE;
	}

	fd = open(INNEREXT_DEV_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		p_err("cannot open %s: %s", INNEREXT_DEV_PATH, strerror(errno));
		return 1;
	}
	buf = malloc(TRACE_BUF_SIZE);
	if (!buf) {
		p_err("trace: %s", strerror(ENOMEM));
		close(fd);
		return 1;
	}
	extctl_stop_on_signals();
	if (ctx->json)
		json_begin(ctx);
	deadline = extctl_deadline(timeout);

	while (!extctl_stop && (!count || seen < count)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait_ms = -1, n;
		ssize_t got;
		char *line, *nl;

		if (!extctl_time_left(deadline, &wait_ms))
			break;
		n = poll(&pfd, 1, wait_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			p_err("trace: poll: %s", strerror(errno));
			ret = 1;
			break;
		}
		if (n == 0)
			continue;	/* deadline re-checked above */
		if (pfd.revents & (POLLERR | POLLNVAL)) {
			p_err("trace: %s reported an error", INNEREXT_DEV_PATH);
			ret = 1;
			break;
		}
		got = read(fd, buf + fill, TRACE_BUF_SIZE - 1 - fill);
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			p_err("trace: read: %s", strerror(errno));
			ret = 1;
			break;
		}
		if (got == 0)
			break;		/* end of file: the module is going away */
		fill += (size_t)got;
		buf[fill] = '\0';

		line = buf;
		while ((!count || seen < count) && (nl = memchr(line, '\n', fill - (size_t)(line - buf)))) {
			if (ctx->json)
				json_line(&ctx->jw, line, (size_t)(nl - line));
			else
				printf("%.*s\n", (int)(nl - line), line);
			seen++;
			line = nl + 1;
		}
		if (count && seen >= count)
			break;
		/* keep a partial line for the next read; flush it if it fills the buffer */
		fill -= (size_t)(line - buf);
		memmove(buf, line, fill);
		if (fill == TRACE_BUF_SIZE - 1) {
			printf("%.*s\n", (int)fill, buf);
			fill = 0;
			seen++;
		}
	}
	fflush(stdout);
	free(buf);
	close(fd);
	return ret;
}

const struct extctl_cmd cmd_trace = {
	.name = "trace",
	.run = do_trace,
	.help = trace_help,
	.summary = "print lines printed by extensions (ie_printk)",
	.needs_dev = true,
};
