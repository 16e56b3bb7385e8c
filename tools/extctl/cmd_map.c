// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl map { list | dump | lookup | update | delete }: inspect and change the
 * module's maps, bpftool style (`bpftool map ...`).
 *
 * Maps are named by NAME (the name in the extension object), 'name NAME' or
 * 'id ID'. Keys and values are given as bytes, as bpftool accepts them
 * ("key 0x39 0 0 0", "key hex 39 00 00 00"), or as one number when the key or
 * value is 1, 2, 4 or 8 bytes ("key 57"), written little-endian in that width.
 *
 * Exit status: 0 done, 1 failed (no such map, no such key, map full...), 2 bad
 * arguments (also byte counts that do not fit the map).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "main.h"
#include "objects.h"

#define DUMP_BATCH	256

/* ------------------------------------------------------------------ help */

#define MAP_SPEC_HELP								\
	"       MAP   := { NAME | name NAME | id MAP_ID }\n"
#define BYTES_HELP								\
	"       BYTES := { B [B...] | hex HH [HH...] | N }\n"			\
	"                B: one byte per word, decimal or 0x hex (0x39 0 0 0)\n"	\
	"                hex HH...: one byte per word, in hex (hex 39 00 00 00)\n"	\
	"                N: one decimal or 0x number, when the key (or value) is 1,\n"	\
	"                   2, 4 or 8 bytes: written little-endian in that width\n"	\
	"                   (key 53 on a 2-byte key is 35 00)\n"

static void help_list(FILE *out)
{
	fprintf(out,
		"Usage: extctl map list [-j]\n"
		"\n"
		"Show every map: id, type, name, key and value size, max_entries, memory held,\n"
		"elements (hash maps), and the programs using it (their ids and names).\n"
		"-j: [{\"id\":N,\"name\":...,\"type\":\"hash\",\"key_size\":N,\"value_size\":N,\n"
		"\"max_entries\":N,\"map_flags\":N,\"memory\":N,\"nr_elems\":N,\"nr_progs\":N,\n"
		"\"progs\":[{\"id\":N,\"name\":...}]}, ...] (ring buffers add \"ringbuf_dropped\").\n");
}

static void help_dump(FILE *out)
{
	fprintf(out,
		"Usage: extctl map dump MAP [-j]\n"
		MAP_SPEC_HELP
		"\n"
		"Print every element as hex bytes, like bpftool:\n"
		"  key: 27 00 00 00  value: 05 00 00 00 00 00 00 00\n"
		"per-CPU maps with one value per possible CPU, then 'Found N elements'.\n"
		"-j: [{\"key\":[\"0x27\",...],\"value\":[...]}, ...] (per-CPU maps:\n"
		"\"values\":[{\"cpu\":0,\"value\":[...]},...]).\n");
}

static void help_lookup(FILE *out)
{
	fprintf(out,
		"Usage: extctl map lookup MAP key BYTES [-j]\n"
		MAP_SPEC_HELP
		BYTES_HELP
		"\n"
		"Print the element stored for the key, like one line of 'map dump'.\n"
		"A missing key fails with 'no such key' (exit status 1).\n");
}

static void help_update(FILE *out)
{
	fprintf(out,
		"Usage: extctl map update MAP key BYTES value BYTES [any|noexist|exist]\n"
		MAP_SPEC_HELP
		BYTES_HELP
		"\n"
		"Store the value for the key. any (default): create or replace; noexist:\n"
		"create only ('key exists (noexist)' if it is there); exist: replace only\n"
		"('no such key (exist)' if it is not). A full hash map fails with 'map is\n"
		"full'. Per-CPU maps: the value is stored for every CPU.\n");
}

static void help_delete(FILE *out)
{
	fprintf(out,
		"Usage: extctl map delete MAP key BYTES\n"
		MAP_SPEC_HELP
		BYTES_HELP
		"\n"
		"Remove the element ('no such key' if there is none). Array elements cannot\n"
		"be deleted.\n");
}

static const struct {
	const char *name;
	void (*help)(FILE *out);
} subcmd_help[] = {
	{ "list", help_list }, { "show", help_list }, { "dump", help_dump },
	{ "lookup", help_lookup }, { "update", help_update }, { "delete", help_delete },
};

static void map_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl map list [-j]\n"
		"       extctl map dump MAP [-j]\n"
		"       extctl map lookup MAP key BYTES [-j]\n"
		"       extctl map update MAP key BYTES value BYTES [any|noexist|exist]\n"
		"       extctl map delete MAP key BYTES\n"
		"       extctl map SUBCOMMAND help\n"
		MAP_SPEC_HELP
		BYTES_HELP
		"\n"
		"Examples:\n"
		"  extctl map dump syscall_count\n"
		"  extctl map lookup syscall_count key 39          # a 4-byte key: 27 00 00 00\n"
		"  extctl map update blocked key 53 value 1 noexist  # a 2-byte key: 35 00\n"
		"  extctl map delete blocked key hex 35 00\n"
		"\n"
		"Exit status: 0 done, 1 failed (no such map or key, map full, ...), 2 bad\n"
		"arguments (also a key or value whose size is not the map's).\n");
}

/* ------------------------------------------------------------------ finding maps */

struct map_ref {
	int fd;
	struct ie_map_info info;
	__u32 value_size;	/* in user space: per-CPU maps hold one slot per CPU */
	int cpus;		/* per-CPU maps: possible CPUs, else 1 */
	bool percpu;
};

/* "id 5", "name foo" or "foo" at argv[*i]; advances *i. 0, or an exit status. */
static int parse_map_spec(const char *sub, int argc, char **argv, int *i,
			  const char **name, __u32 *id)
{
	*name = NULL;
	*id = 0;
	if (*i >= argc) {
		p_err("map %s: missing MAP; try 'extctl map %s help'", sub, sub);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[*i], "id") || !strcmp(argv[*i], "name")) {
		bool by_id = argv[*i][0] == 'i';

		if (*i + 1 >= argc) {
			p_err("map %s: '%s' needs an argument", sub, argv[*i]);
			return EXIT_USAGE;
		}
		if (by_id) {
			const char *s = argv[*i + 1];
			unsigned long v;
			char *end;

			errno = 0;
			v = strtoul(s, &end, 0);
			if (errno || end == s || *end || !v || v > UINT_MAX || s[0] == '-') {
				p_err("map %s: '%s' is not a map id", sub, s);
				return EXIT_USAGE;
			}
			*id = (__u32)v;
		} else {
			*name = argv[*i + 1];
		}
		*i += 2;
		return 0;
	}
	*name = argv[(*i)++];
	return 0;
}

/* Ids of the live maps called @name (at most @room in ids); returns how many there are. */
static int maps_named(int dev, const char *name, __u32 *ids, int room)
{
	__u32 id = 0, prev;
	int n = 0;

	for (;;) {
		struct ie_map_info info;

		prev = id;
		if (innerext_get_next_id(dev, IE_OBJ_MAP, prev, &id) || id <= prev)
			break;
		if (innerext_map_get_info_by_id(dev, id, &info))
			continue;
		if (strncmp(info.name, name, IE_NAME_LEN))
			continue;
		if (n < room)
			ids[n] = id;
		n++;
	}
	return n;
}

/* Open the map; prints the reason and returns an exit status on failure. */
static int open_map(int dev, const char *name, __u32 id, struct map_ref *m)
{
	int err;

	m->fd = -1;
	if (name) {
		if (!name[0] || strlen(name) >= IE_NAME_LEN) {
			p_err("no map named '%s'", name);
			return 1;
		}
		m->fd = innerext_map_open_by_name(dev, name);
		if (m->fd == -ENOTUNIQ) {
			__u32 ids[8];
			char list[128] = "";
			int n = maps_named(dev, name, ids, 8), k;
			size_t used = 0;

			for (k = 0; k < n && k < 8; k++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%u",
							 k ? ", " : "", ids[k]);
			p_err("%d maps are named '%s' (ids %s%s): pick one with 'id MAP_ID'", n, name,
			      list, n > 8 ? ", ..." : "");
			return 1;
		}
		if (m->fd == -ENOENT) {
			p_err("no map named '%s'", name);
			return 1;
		}
	} else {
		m->fd = innerext_map_get_fd_by_id(dev, id);
		if (m->fd == -ENOENT) {
			p_err("no map with id %u", id);
			return 1;
		}
	}
	if (m->fd < 0) {
		p_err("cannot open map %s%s: %s", name ? "" : "id ", name ? name : "",
		      strerror(-m->fd));
		return 1;
	}
	err = innerext_map_get_info_by_fd(m->fd, &m->info);
	if (err) {
		p_err("map info: %s", strerror(-err));
		close(m->fd);
		m->fd = -1;
		return 1;
	}
	m->info.name[IE_NAME_LEN - 1] = '\0';
	m->cpus = 1;
	m->value_size = m->info.value_size;
	m->percpu = m->info.type == IE_MAP_PERCPU_ARRAY || m->info.type == IE_MAP_PERCPU_HASH;
	if (m->percpu) {
		m->cpus = innerext_num_possible_cpus();
		if (m->cpus <= 0) {
			p_err("cannot count the possible CPUs (/sys/devices/system/cpu/possible)");
			close(m->fd);
			m->fd = -1;
			return 1;
		}
		m->value_size = innerext_map_user_value_size(m->info.type, m->info.value_size);
	}
	return 0;
}

static bool is_ringbuf(const struct map_ref *m, const char *sub)
{
	if (m->info.type != IE_MAP_RINGBUF)
		return false;
	p_err("map '%s' (id %u) is a ring buffer: it has no keys to %s; read it with 'extctl events %s'",
	      m->info.name, m->info.id, sub, m->info.name);
	return true;
}

/* ------------------------------------------------------------------ bytes */

static bool is_keyword(const char *s)
{
	return !strcmp(s, "key") || !strcmp(s, "value") || !strcmp(s, "any") ||
	       !strcmp(s, "noexist") || !strcmp(s, "exist");
}

static int parse_num(const char *s, int base, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || end == s)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * What follows "key"/"value" at argv[*i] (up to the next keyword) into buf, which
 * must become exactly @size bytes. Advances *i. 0, or an exit status (message printed).
 */
static int parse_bytes(const char *sub, const char *what, int argc, char **argv, int *i,
		       __u8 *buf, __u32 size)
{
	int start = *i, end, n, k;
	bool hex = false;

	if (start < argc && !strcmp(argv[start], "hex")) {
		hex = true;
		start++;
	}
	for (end = start; end < argc && !is_keyword(argv[end]); end++)
		;
	n = end - start;
	*i = end;
	if (!n) {
		p_err("map %s: missing %s bytes after '%s%s'", sub, what, what, hex ? " hex" : "");
		return EXIT_USAGE;
	}

	/* one number for a 1, 2, 4 or 8 byte key/value: little-endian in that width */
	if (!hex && n == 1 && (size == 1 || size == 2 || size == 4 || size == 8)) {
		unsigned long long v, max = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
		int err = parse_num(argv[start], 0, max, &v);

		if (err == -ERANGE) {
			p_err("map %s: %s %s does not fit in this map's %u-byte %s", sub, what,
			      argv[start], size, what);
			return EXIT_USAGE;
		}
		if (err) {
			p_err("map %s: %s '%s' is not a number (decimal or 0x hex)", sub, what,
			      argv[start]);
			return EXIT_USAGE;
		}
		for (k = 0; k < (int)size; k++)
			buf[k] = (__u8)(v >> (8 * k));
		return 0;
	}
	/* every word a byte: check them all first, so the message names a bad one */
	for (k = 0; k < n; k++) {
		const char *s = argv[start + k];
		unsigned long long v;

		if ((hex && (strlen(s) > 2 || !strncasecmp(s, "0x", 2))) ||
		    parse_num(s, hex ? 16 : 0, 255, &v)) {
			p_err(hex ? "map %s: %s byte '%s' is not a hex byte (00..ff)" :
				    "map %s: %s byte '%s' is not a byte (0..255, decimal or 0x hex)",
			      sub, what, s);
			return EXIT_USAGE;
		}
		if ((__u32)k < size)
			buf[k] = (__u8)v;
	}
	if ((__u32)n != size) {
		p_err("%s is %d byte%s, this map's %s is %u byte%s", what, n, n == 1 ? "" : "s",
		      what, size, size == 1 ? "" : "s");
		return EXIT_USAGE;
	}
	return 0;
}

/* ------------------------------------------------------------------ printing */

static void print_hex(const __u8 *p, __u32 n, bool wrap)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		if (i && wrap && !(i % 16))
			putchar('\n');
		else if (i)
			putchar(' ');
		printf("%02x", p[i]);
	}
}

static void json_hex(struct json_writer *jw, const __u8 *p, __u32 n)
{
	char b[8];
	__u32 i;

	jw_start_array(jw);
	for (i = 0; i < n; i++) {
		snprintf(b, sizeof(b), "0x%02x", p[i]);
		jw_string(jw, b);
	}
	jw_end_array(jw);
}

/* One element, bpftool's plain layout (print_entry_plain). */
static void print_elem(struct extctl *ctx, const struct map_ref *m, const __u8 *key,
		       const __u8 *value)
{
	__u32 ks = m->info.key_size, vs = m->info.value_size, slot = (vs + 7) & ~7U;
	bool percpu = m->percpu;
	int cpu;

	if (ctx->json) {
		jw_start_object(&ctx->jw);
		jw_name(&ctx->jw, "key");
		json_hex(&ctx->jw, key, ks);
		if (percpu) {
			jw_name(&ctx->jw, "values");
			jw_start_array(&ctx->jw);
			for (cpu = 0; cpu < m->cpus; cpu++) {
				jw_start_object(&ctx->jw);
				jw_uint_field(&ctx->jw, "cpu", (unsigned)cpu);
				jw_name(&ctx->jw, "value");
				json_hex(&ctx->jw, value + (size_t)cpu * slot, vs);
				jw_end_object(&ctx->jw);
			}
			jw_end_array(&ctx->jw);
		} else {
			jw_name(&ctx->jw, "value");
			json_hex(&ctx->jw, value, vs);
		}
		jw_end_object(&ctx->jw);
		return;
	}
	if (percpu) {
		printf("key:\n");
		print_hex(key, ks, true);
		printf("\n");
		for (cpu = 0; cpu < m->cpus; cpu++) {
			printf("value (CPU %02d):%c", cpu, vs > 16 ? '\n' : ' ');
			print_hex(value + (size_t)cpu * slot, vs, true);
			printf("\n");
		}
		return;
	}
	{
		bool break_names = ks > 16 || vs > 16;
		bool single_line = ks + vs <= 24 && !break_names;

		printf("key:%c", break_names ? '\n' : ' ');
		print_hex(key, ks, true);
		printf(single_line ? "  " : "\n");
		printf("value:%c", break_names ? '\n' : ' ');
		print_hex(value, vs, true);
		printf("\n");
	}
}

/* The module's answer to an element command, as a BPF user expects to read it. */
static void elem_err(const struct map_ref *m, const char *sub, int err, __u64 flags)
{
	const char *why;
	char buf[128];

	switch (-err) {
	case EEXIST:
		why = "key exists (noexist)";
		break;
	case ENOENT:
		why = flags == IE_EXIST ? "no such key (exist)" : "no such key";
		break;
	case E2BIG:
		snprintf(buf, sizeof(buf), "map is full (max_entries %u)", m->info.max_entries);
		why = buf;
		break;
	case EINVAL:
		if (!strcmp(sub, "delete") && (m->info.type == IE_MAP_ARRAY ||
					       m->info.type == IE_MAP_PERCPU_ARRAY))
			why = "array elements cannot be deleted (EINVAL)";
		else
			why = "invalid argument (EINVAL)";
		break;
	default:
		snprintf(buf, sizeof(buf), "%s", strerror(-err));
		why = buf;
		break;
	}
	p_err("map %s '%s' (id %u): %s", sub, m->info.name, m->info.id, why);
}

/* ------------------------------------------------------------------ list */

struct prog_maps {
	const struct ie_prog_info *prog;
	__u32 *ids;
	__u32 nr;
};

static int do_list(struct extctl *ctx, int dev)
{
	struct ie_objects objs;
	struct prog_maps *pm = NULL;
	__u32 id = 0, prev;
	size_t i, p;
	int ret = 0;

	if (objects_fetch(dev, &objs))
		return 1;
	/* which programs use which maps */
	pm = calloc(objs.nr_progs ? objs.nr_progs : 1, sizeof(*pm));
	if (!pm) {
		p_err("out of memory");
		objects_free(&objs);
		return 1;
	}
	for (p = 0; p < objs.nr_progs; p++) {
		__u32 nr = IE_MAX_MAPS;

		pm[p].prog = &objs.progs[p];
		pm[p].ids = calloc(IE_MAX_MAPS, sizeof(__u32));
		if (pm[p].ids && !innerext_prog_get_map_ids(dev, objs.progs[p].id, pm[p].ids, &nr))
			pm[p].nr = nr < IE_MAX_MAPS ? nr : IE_MAX_MAPS;
	}

	if (ctx->json) {
		json_begin(ctx);
		jw_start_array(&ctx->jw);
	}
	for (;;) {
		struct ie_map_info info;
		int err;

		prev = id;
		err = innerext_get_next_id(dev, IE_OBJ_MAP, prev, &id);
		if (err == -ENOENT)
			break;
		if (err || id <= prev) {
			p_err("listing maps: %s", err ? strerror(-err) : "ids out of order");
			ret = 1;
			break;
		}
		err = innerext_map_get_info_by_id(dev, id, &info);
		if (err == -ENOENT)
			continue;	/* freed meanwhile */
		if (err) {
			p_err("map id %u: %s", id, strerror(-err));
			ret = 1;
			break;
		}
		info.name[IE_NAME_LEN - 1] = '\0';
		if (ctx->json) {
			jw_start_object(&ctx->jw);
			jw_uint_field(&ctx->jw, "id", info.id);
			jw_string_field(&ctx->jw, "name", info.name);
			jw_string_field(&ctx->jw, "type", innerext_map_type_name(info.type));
			jw_uint_field(&ctx->jw, "key_size", info.key_size);
			jw_uint_field(&ctx->jw, "value_size", info.value_size);
			jw_uint_field(&ctx->jw, "max_entries", info.max_entries);
			jw_uint_field(&ctx->jw, "map_flags", info.map_flags);
			jw_uint_field(&ctx->jw, "memory", info.memory);
			jw_uint_field(&ctx->jw, "nr_elems", info.nr_elems);
			if (info.type == IE_MAP_RINGBUF)
				jw_uint_field(&ctx->jw, "ringbuf_dropped", info.ringbuf_dropped);
			jw_uint_field(&ctx->jw, "nr_progs", info.nr_progs);
			jw_name(&ctx->jw, "progs");
			jw_start_array(&ctx->jw);
		} else {
			printf("%u: %s  name %s  flags 0x%x\n", info.id,
			       innerext_map_type_name(info.type), info.name, info.map_flags);
			if (info.type == IE_MAP_RINGBUF)
				printf("\tsize %uB  memory %lluB  dropped %llu\n", info.max_entries,
				       (unsigned long long)info.memory,
				       (unsigned long long)info.ringbuf_dropped);
			else
				printf("\tkey %uB  value %uB  max_entries %u  memory %lluB  elements %llu\n",
				       info.key_size, info.value_size, info.max_entries,
				       (unsigned long long)info.memory,
				       (unsigned long long)info.nr_elems);
		}
		{
			bool first = true;

			for (p = 0; p < objs.nr_progs; p++) {
				for (i = 0; i < pm[p].nr && pm[p].ids[i] != id; i++)
					;
				if (i == pm[p].nr)
					continue;
				if (ctx->json) {
					jw_start_object(&ctx->jw);
					jw_uint_field(&ctx->jw, "id", pm[p].prog->id);
					jw_string_field(&ctx->jw, "name", pm[p].prog->name);
					jw_end_object(&ctx->jw);
				} else {
					printf("%s%u (%s)", first ? "\tprogs " : ", ", pm[p].prog->id,
					       pm[p].prog->name);
				}
				first = false;
			}
			if (!ctx->json && !first)
				printf("\n");
		}
		if (ctx->json) {
			jw_end_array(&ctx->jw);
			jw_end_object(&ctx->jw);
		}
	}
	if (ctx->json) {
		jw_end_array(&ctx->jw);
		jw_finish(&ctx->jw);
	}
	for (p = 0; p < objs.nr_progs; p++)
		free(pm[p].ids);
	free(pm);
	objects_free(&objs);
	return ret;
}

/* ------------------------------------------------------------------ dump */

static int do_dump(struct extctl *ctx, struct map_ref *m)
{
	__u32 ks = m->info.key_size, vs = m->value_size, count, i, batch = DUMP_BATCH;
	unsigned long long found = 0;
	__u64 cursor = 0;
	__u8 *keys, *values;
	int err, ret = 0;

	if (is_ringbuf(m, "dump"))
		return 1;
	keys = calloc(batch, ks);
	values = calloc(batch, vs);
	if (!keys || !values) {
		p_err("out of memory");
		free(keys);
		free(values);
		return 1;
	}
	if (ctx->json) {
		json_begin(ctx);
		jw_start_array(&ctx->jw);
	}
	for (;;) {
		count = batch;
		err = innerext_map_dump(m->fd, &cursor, keys, ks, values, vs, &count);
		if (err == -ENOENT)
			break;
		if (err == -ENOSPC && batch < (1U << 20)) {
			/* one hash bucket holds more than a batch: grow, try again */
			__u8 *k2 = realloc(keys, (size_t)batch * 2 * ks);
			__u8 *v2 = k2 ? realloc(values, (size_t)batch * 2 * vs) : NULL;

			if (k2)
				keys = k2;
			if (v2) {
				values = v2;
				batch *= 2;
				continue;
			}
		}
		if (err) {
			fflush(stdout);
			p_err("map dump '%s' (id %u): %s", m->info.name, m->info.id,
			      strerror(-err));
			ret = 1;
			break;
		}
		for (i = 0; i < count; i++)
			print_elem(ctx, m, keys + (size_t)i * ks, values + (size_t)i * vs);
		found += count;
		if (!count)
			break;	/* a module that returns nothing without -ENOENT: stop */
	}
	if (ctx->json) {
		jw_end_array(&ctx->jw);
		jw_finish(&ctx->jw);
	} else if (!ret) {
		printf("Found %llu element%s\n", found, found == 1 ? "" : "s");
	}
	free(keys);
	free(values);
	return ret;
}

/* ------------------------------------------------------------------ lookup, update, delete */

static int do_elem(struct extctl *ctx, const char *sub, struct map_ref *m, int argc, char **argv,
		   int i)
{
	__u32 ks = m->info.key_size, vs = m->info.value_size;
	__u64 flags = IE_ANY;
	__u8 *key = NULL, *value = NULL, *user_value = NULL;
	bool lookup = !strcmp(sub, "lookup"), update = !strcmp(sub, "update");
	int err, ret;

	if (i >= argc || strcmp(argv[i], "key")) {
		p_err("map %s: expected 'key BYTES' after MAP; try 'extctl map %s help'", sub, sub);
		return EXIT_USAGE;
	}
	i++;
	if (is_ringbuf(m, sub))
		return 1;
	key = calloc(1, ks);
	value = calloc(1, vs ? vs : 1);
	user_value = calloc(1, m->value_size ? m->value_size : 1);
	ret = 1;
	if (!key || !value || !user_value) {
		p_err("out of memory");
		goto out;
	}
	ret = parse_bytes(sub, "key", argc, argv, &i, key, ks);
	if (ret)
		goto out;
	if (update) {
		int cpu;

		if (i >= argc || strcmp(argv[i], "value")) {
			p_err("map update: expected 'value BYTES' after the key; try 'extctl map update help'");
			ret = EXIT_USAGE;
			goto out;
		}
		i++;
		/* a misspelt flag at the end is not a value byte */
		if (argc - 1 > i && strcmp(argv[i], "hex") && !is_keyword(argv[argc - 1])) {
			unsigned long long v;

			if (parse_num(argv[argc - 1], 0, ~0ULL, &v)) {
				p_err("map update: unexpected argument '%s' (flags: any, noexist, exist); try 'extctl map update help'",
				      argv[argc - 1]);
				ret = EXIT_USAGE;
				goto out;
			}
		}
		ret = parse_bytes(sub, "value", argc, argv, &i, value, vs);
		if (ret)
			goto out;
		if (i < argc) {
			if (!strcmp(argv[i], "any"))
				flags = IE_ANY;
			else if (!strcmp(argv[i], "noexist"))
				flags = IE_NOEXIST;
			else if (!strcmp(argv[i], "exist"))
				flags = IE_EXIST;
			else
				i--;	/* reported below */
			i++;
		}
		/* per-CPU maps: the same value for every CPU, each in an 8-byte aligned slot */
		for (cpu = 0; cpu < m->cpus; cpu++)
			memcpy(user_value + (size_t)cpu * ((vs + 7) & ~7U), value, vs);
	}
	if (i < argc) {
		p_err("map %s: unexpected argument '%s'; try 'extctl map %s help'", sub, argv[i], sub);
		ret = EXIT_USAGE;
		goto out;
	}

	if (lookup)
		err = innerext_map_lookup_elem(m->fd, key, ks, user_value, m->value_size);
	else if (update)
		err = innerext_map_update_elem(m->fd, key, ks, user_value, m->value_size, flags);
	else
		err = innerext_map_delete_elem(m->fd, key, ks);
	if (err) {
		elem_err(m, sub, err, flags);
		ret = 1;
		goto out;
	}
	ret = 0;
	if (lookup) {
		if (ctx->json)
			json_begin(ctx);
		print_elem(ctx, m, key, user_value);
		if (ctx->json)
			jw_finish(&ctx->jw);
	} else if (ctx->json) {
		json_begin(ctx);
		jw_null(&ctx->jw);	/* as bpftool -j does for commands without output */
		jw_finish(&ctx->jw);
	}
out:
	free(key);
	free(value);
	free(user_value);
	return ret;
}

/* ------------------------------------------------------------------ dispatch */

static int do_map(struct extctl *ctx, int argc, char **argv)
{
	const char *sub, *name;
	struct map_ref m = { .fd = -1 };
	int a, n = 0, dev, ret, i = 0;
	char **args;
	size_t h;
	__u32 id;

	/* -j/-p anywhere (keys and values never start with '-') */
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args) {
		p_err("out of memory");
		return 1;
	}
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-j") || !strcmp(argv[a], "--json")) {
			ctx->json = true;
		} else if (!strcmp(argv[a], "-p") || !strcmp(argv[a], "--pretty")) {
			ctx->json = ctx->pretty = true;
		} else if (argv[a][0] == '-' && argv[a][1] && strcmp(argv[a], "--")) {
			p_err("map: unknown option '%s'; try 'extctl map help'", argv[a]);
			free(args);
			return EXIT_USAGE;
		} else if (strcmp(argv[a], "--")) {
			args[n++] = argv[a];
		}
	}
	ret = EXIT_USAGE;
	if (!n) {
		p_err("map: missing SUBCOMMAND (list, dump, lookup, update, delete); try 'extctl map help'");
		goto out;
	}
	sub = args[0];
	if (!strcmp(sub, "show"))
		sub = "list";
	for (h = 0; h < sizeof(subcmd_help) / sizeof(subcmd_help[0]); h++)
		if (!strcmp(subcmd_help[h].name, sub))
			break;
	if (h == sizeof(subcmd_help) / sizeof(subcmd_help[0])) {
		p_err("map: unknown subcommand '%s'; try 'extctl map help'", sub);
		goto out;
	}
	if (n > 1 && is_help_arg(args[1])) {
		subcmd_help[h].help(stdout);
		ret = 0;
		goto out;
	}
	i = 1;
	if (!strcmp(sub, "list")) {
		if (n > 1) {
			p_err("map list: unexpected argument '%s'; try 'extctl map list help'", args[1]);
			goto out;
		}
		ret = 1;
		if (extctl_preflight())
			goto out;
		dev = extctl_dev_open();
		if (dev >= 0) {
			ret = do_list(ctx, dev);
			close(dev);
		}
		goto out;
	}
	ret = parse_map_spec(sub, n, args, &i, &name, &id);
	if (ret)
		goto out;
	if (!strcmp(sub, "dump") && i < n) {
		p_err("map dump: unexpected argument '%s'; try 'extctl map dump help'", args[i]);
		ret = EXIT_USAGE;
		goto out;
	}
	if (strcmp(sub, "dump") && i >= n) {
		p_err("map %s: expected 'key BYTES' after MAP; try 'extctl map %s help'", sub, sub);
		ret = EXIT_USAGE;
		goto out;
	}
	ret = 1;
	if (extctl_preflight())
		goto out;
	dev = extctl_dev_open();
	if (dev < 0)
		goto out;
	ret = open_map(dev, name, id, &m);
	close(dev);
	if (ret)
		goto out;
	if (!strcmp(sub, "dump"))
		ret = do_dump(ctx, &m);
	else
		ret = do_elem(ctx, sub, &m, n, args, i);
	close(m.fd);
out:
	free(args);
	return ret;
}

const struct extctl_cmd cmd_map = {
	.name = "map",
	.run = do_map,
	.help = map_help,
	.summary = "list maps; dump, look up, update and delete their elements",
	.needs_dev = false,	/* checked after the arguments: 'map dump help' needs no module */
};
