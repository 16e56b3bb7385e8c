// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl events MAP [-n COUNT] [-t SECONDS] [-s] [-j]: stream the records of a
 * ring buffer map (IE_RINGBUF) as they arrive, as hex (default), text (-s) or
 * JSON (-j). Consuming moves the ring's consumer position: run one reader per
 * ring, and not while the program that owns the ring reads it itself.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "main.h"

#define STOP_COUNT	(-ECANCELED)	/* from the callback: COUNT records seen */


struct events_ctx {
	struct extctl *ctx;
	unsigned long long count;	/* 0: no limit */
	unsigned long long seen;
	bool text;
};

static void events_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl events MAP [-n COUNT] [-t SECONDS] [-s] [-j]\n"
		"       MAP := { NAME | name NAME | id MAP_ID }\n"
		"\n"
		"Print the records extensions write to a ring buffer map (IE_RINGBUF,\n"
		"ie_ringbuf_reserve/submit/output) as they arrive. Reading consumes them:\n"
		"run one reader per ring.\n"
		"\n"
		"  -n, --count COUNT      stop after COUNT records\n"
		"  -t, --timeout SECONDS  stop after SECONDS (may be fractional)\n"
		"  -s, --string           print each record as one line of text: trailing NUL\n"
		"                         bytes dropped, other unprintable bytes as \\xNN\n"
		"  -j, --json             one JSON object per record: {\"size\":N,\"data\":[bytes]}\n"
		"                         (with -s: {\"size\":N,\"string\":\"...\"})\n"
		"Without -n and -t, runs until Ctrl-C. The default output is a hex dump of\n"
		"each record, 16 bytes a line (a run of lines equal to the one before: \"*\"):\n"
		"  size N\n"
		"    0000  xx xx xx xx xx xx xx xx  xx xx xx xx xx xx xx xx  |ascii...........|\n"
		"Records the extensions could not write because the ring was full are\n"
		"reported on stderr at exit.\n");
}

/* Length without trailing NUL bytes (C strings padded to a fixed size). */
static size_t trim_nuls(const unsigned char *p, size_t size)
{
	while (size && !p[size - 1])
		size--;
	return size;
}

static void print_text(const unsigned char *p, size_t size)
{
	size_t i;

	size = trim_nuls(p, size);
	for (i = 0; i < size; i++) {
		if (p[i] == '\\')
			fputs("\\\\", stdout);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	putchar('\n');
}

/* hexdump -C style: a run of full lines equal to the one before is shown as one "*" */
static void print_hex(const unsigned char *p, size_t size)
{
	bool starred = false;
	size_t off, i;

	printf("size %zu\n", size);
	for (off = 0; off < size; off += 16) {
		if (off && off + 16 <= size && !memcmp(p + off, p + off - 16, 16)) {
			if (!starred)
				puts("  *");
			starred = true;
			continue;
		}
		starred = false;
		printf("  %04zx ", off);
		for (i = off; i < off + 16; i++) {
			if (i - off == 8)
				putchar(' ');
			if (i < size)
				printf(" %02x", p[i]);
			else
				fputs("   ", stdout);
		}
		fputs("  |", stdout);
		for (i = off; i < off + 16 && i < size; i++)
			putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
		puts("|");
	}
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct events_ctx *ev = ctx;
	const unsigned char *p = data;
	struct json_writer *jw = &ev->ctx->jw;
	size_t i;

	if (ev->ctx->json) {
		jw_start_object(jw);
		jw_uint_field(jw, "size", size);
		if (ev->text) {
			jw_name(jw, "string");
			jw_string_len(jw, data, trim_nuls(p, size));
		} else {
			jw_name(jw, "data");
			jw_start_array(jw);
			for (i = 0; i < size; i++)
				jw_uint(jw, p[i]);
			jw_end_array(jw);
		}
		jw_end_object(jw);
		jw_finish(jw);
	} else if (ev->text) {
		print_text(p, size);
	} else {
		print_hex(p, size);
	}
	ev->seen++;
	if (ev->count && ev->seen >= ev->count)
		return STOP_COUNT;
	return extctl_stop ? STOP_COUNT : 0;
}

struct map_spec {
	bool by_id;
	__u32 id;
	const char *name;
	char what[IE_NAME_LEN + 32];	/* "map 'NAME'", "map id N" */
};

/* MAP := NAME | name NAME | id ID at argv[*i]; moves *i past it. Usage errors: false. */
static bool parse_map(int argc, char **argv, int *i, struct map_spec *m)
{
	const char *kw = argv[*i], *arg = argv[*i];
	unsigned long id;
	char *end;

	if (!strcmp(kw, "id") || !strcmp(kw, "name")) {
		if (*i + 1 >= argc) {
			p_err("events: '%s' needs an argument", kw);
			return false;
		}
		arg = argv[++*i];
	}
	(*i)++;
	m->by_id = !strcmp(kw, "id");
	if (!m->by_id) {
		m->name = arg;
		snprintf(m->what, sizeof(m->what), "map '%s'", arg);
		return true;
	}
	errno = 0;
	id = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !id || id > UINT32_MAX || arg[0] == '-') {
		p_err("events: '%s' is not a map id", arg);
		return false;
	}
	m->id = (__u32)id;
	snprintf(m->what, sizeof(m->what), "map id %u", m->id);
	return true;
}

/* A new fd of the map, or -1 (reported). */
static int open_map(const struct map_spec *m)
{
	int dev_fd, fd;

	dev_fd = extctl_dev_open();
	if (dev_fd < 0)
		return -1;
	if (m->by_id) {
		fd = innerext_map_get_fd_by_id(dev_fd, m->id);
		if (fd == -ENOENT)
			p_err("events: no map with id %u (see 'extctl list')", m->id);
		else if (fd < 0)
			p_err("events: cannot open map id %u: %s", m->id, strerror(-fd));
	} else {
		fd = innerext_map_open_by_name(dev_fd, m->name);
		if (fd == -ENOENT)
			p_err("events: no map named '%s' (see 'extctl list')", m->name);
		else if (fd == -ENOTUNIQ)
			p_err("events: several maps are named '%s': use 'id MAP_ID' "
			      "(see 'extctl list')", m->name);
		else if (fd == -EINVAL)
			p_err("events: '%s' is not a valid map name", m->name);
		else if (fd < 0)
			p_err("events: cannot open map '%s': %s", m->name, strerror(-fd));
	}
	close(dev_fd);
	return fd < 0 ? -1 : fd;
}

static int do_events(struct extctl *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count",   required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "string",  no_argument,       NULL, 's' },
		{ "json",    no_argument,       NULL, 'j' },
		{ "pretty",  no_argument,       NULL, 'p' },
		{ 0 }
	};
	struct events_ctx ev = { .ctx = ctx };
	double timeout = -1, deadline = 0;
	struct innerext_ringbuf *rb;
	__u64 dropped_before, dropped;
	struct ie_map_info info;
	struct map_spec map = { 0 };
	const char *what = map.what;
	int opt, i, fd, ret = 0, err;

	/* the map may come before or after the options: getopt permutes argv */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":n:t:sjp", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_count("events", optarg, &ev.count))
				return EXIT_USAGE;
			break;
		case 't':
			if (parse_seconds("events", optarg, &timeout))
				return EXIT_USAGE;
			break;
		case 's': ev.text = true; break;
		case 'j': ctx->json = true; break;
		case 'p': ctx->json = ctx->pretty = true; break;
		case ':':
			p_err("events: option '%s' needs an argument", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			p_err("events: unknown option '%s'; try 'extctl events help'",
			      argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		p_err("events: missing MAP; try 'extctl events help'");
		return EXIT_USAGE;
	}

	i = optind;
	if (!parse_map(argc, argv, &i, &map))
		return EXIT_USAGE;
	if (i < argc) {
		p_err("events: unexpected argument '%s'; try 'extctl events help'", argv[i]);
		return EXIT_USAGE;
	}
	fd = open_map(&map);
	if (fd < 0)
		return 1;
	err = innerext_map_get_info_by_fd(fd, &info);
	if (err) {
		p_err("events: %s: %s", what, strerror(-err));
		close(fd);
		return 1;
	}
	if (info.type != IE_MAP_RINGBUF) {
		p_err("events: %s (id %u, type %s) is not a ring buffer", what, info.id,
		      innerext_map_type_name(info.type));
		close(fd);
		return 1;
	}
	lib_msg_clear();
	rb = innerext_ringbuf__new(fd, on_record, &ev, NULL);
	err = -errno;
	close(fd);
	if (!rb) {
		p_lib_err(err, "events: %s", what);
		return 1;
	}

	extctl_stop_on_signals();
	if (ctx->json)
		json_begin(ctx);
	deadline = extctl_deadline(timeout);
	dropped_before = innerext_ringbuf__dropped(rb);

	while (!extctl_stop) {
		int wait_ms = -1, n;

		if (!extctl_time_left(deadline, &wait_ms))
			break;
		n = innerext_ringbuf__poll(rb, wait_ms);
		if (n == STOP_COUNT)
			break;
		if (n == -EINTR)
			continue;
		if (n < 0) {
			p_err("events: %s: reading the ring: %s", what, strerror(-n));
			ret = 1;
			break;
		}
	}
	fflush(stdout);
	dropped = innerext_ringbuf__dropped(rb);
	if (dropped)
		fprintf(stderr,
			"extctl: events: %s: %llu records dropped because the ring was full "
			"(%llu while reading)\n", what, (unsigned long long)dropped,
			(unsigned long long)(dropped - dropped_before));
	innerext_ringbuf__free(rb);
	return ret;
}

const struct extctl_cmd cmd_events = {
	.name = "events",
	.run = do_events,
	.help = events_help,
	.summary = "print the records of a ring buffer map as they arrive",
	.needs_dev = true,
};
