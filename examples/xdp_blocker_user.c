// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_blocker_user: manage the rules of the native XDP blocker (examples/xdp_blocker.o)
 * while it runs, through its live map "blocked_rules".
 *
 *   sudo extctl load examples/xdp_blocker.o --xdp eth0
 *   sudo examples/xdp_blocker_user add_rule 53 udp      # drop UDP to port 53
 *   sudo examples/xdp_blocker_user del_rule 53 udp
 *   sudo examples/xdp_blocker_user list                 # "PORT PROTO" per line
 *
 * If several maps called blocked_rules are live (the blocker loaded on several
 * devices), the newest (highest id) is used and stderr says so.
 * Exit status: 0 ok, 1 runtime error (no module, no map, no such rule), 2 usage.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "xdp_blocker.h"

static const char *prog_name = "xdp_blocker_user";

#include "xdp_blocker_cli.h"

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: %s add_rule|del_rule PORT tcp|udp, or %s list (-h: help)\n",
		prog_name, prog_name);
	exit(2);
}

static void help(void)
{
	printf("usage: %s add_rule PORT tcp|udp   drop TCP/UDP frames to PORT\n"
	       "       %s del_rule PORT tcp|udp   remove that rule\n"
	       "       %s list                    the rules, \"PORT PROTO\" per line\n"
	       "Rules of the native XDP blocker (extctl load examples/xdp_blocker.o --xdp IFACE),\n"
	       "in its live map %s.\n",
	       prog_name, prog_name, prog_name, XDP_BLOCKER_MAP_NAME);
	exit(0);
}

/* libinnerext: warnings only */
static int print_warn(enum innerext_print_level level, const char *fmt, va_list ap)
{
	if (level != INNEREXT_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * The fd of the live map called blocked_rules (the newest one if several),
 * checked to have the rule layout. Exits 1 if there is none.
 */
static int open_rules_map(void)
{
	__u32 id = 0, prev, newest = 0, nr = 0;
	struct ie_map_info info;
	int dev, fd, err;

	dev = innerext_dev_open(NULL);
	if (dev == -ENOENT)
		fail(1, "no %s: load the module first (insmod kmod/innerext.ko)", INNEREXT_DEV_PATH);
	if (dev == -EACCES || dev == -EPERM)
		fail(1, "cannot open %s: %s (run as root)", INNEREXT_DEV_PATH, strerror(-dev));
	if (dev < 0)
		fail(1, "cannot open %s: %s", INNEREXT_DEV_PATH, strerror(-dev));

	for (;;) {
		prev = id;
		err = innerext_get_next_id(dev, IE_OBJ_MAP, prev, &id);
		if (err == -ENOENT)
			break;
		if (err)
			fail(1, "listing maps: %s", strerror(-err));
		if (id <= prev)
			fail(1, "listing maps: id %u follows id %u", id, prev);
		err = innerext_map_get_info_by_id(dev, id, &info);
		if (err == -ENOENT)
			continue;	/* gone meanwhile */
		if (err)
			fail(1, "map id %u: %s", id, strerror(-err));
		if (strncmp(info.name, XDP_BLOCKER_MAP_NAME, sizeof(info.name)))
			continue;
		newest = id;
		nr++;
	}
	if (!nr)
		fail(1, "no map named %s: load the blocker first "
		     "(extctl load examples/xdp_blocker.o --xdp IFACE)", XDP_BLOCKER_MAP_NAME);
	if (nr > 1)
		fprintf(stderr, "%s: %u maps named %s: using the newest (id %u)\n",
			prog_name, nr, XDP_BLOCKER_MAP_NAME, newest);

	fd = innerext_map_get_fd_by_id(dev, newest);
	if (fd < 0)
		fail(1, "map %s (id %u): %s", XDP_BLOCKER_MAP_NAME, newest, strerror(-fd));
	err = innerext_map_get_info_by_fd(fd, &info);
	if (err)
		fail(1, "map %s (id %u): %s", XDP_BLOCKER_MAP_NAME, newest, strerror(-err));
	if (info.type != IE_MAP_HASH || info.key_size != sizeof(struct xdp_blocker_key) ||
	    info.value_size != sizeof(__u8))
		fail(1, "map %s (id %u) is a %s with %u-byte keys and %u-byte values, not the "
		     "blocker's hash (%zu, 1)", XDP_BLOCKER_MAP_NAME, newest,
		     innerext_map_type_name(info.type), info.key_size, info.value_size,
		     sizeof(struct xdp_blocker_key));
	close(dev);
	return fd;
}

static int cmp_key(const void *a, const void *b)
{
	const struct xdp_blocker_key *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return (int)x->port - (int)y->port;
}

/* One "PORT PROTO" line per rule, TCP first, by port; "(off)" for a value of 0. */
static void list_rules(int fd)
{
	struct xdp_blocker_key keys[XDP_BLOCKER_MAX_RULES], *cur = NULL;
	__u8 values[XDP_BLOCKER_MAX_RULES];
	unsigned int n = 0, i;
	int err;

	while (n < XDP_BLOCKER_MAX_RULES) {
		err = innerext_map_get_next_key(fd, cur, &keys[n], sizeof(keys[n]));
		if (err == -ENOENT)
			break;
		if (err)
			fail(1, "reading %s: %s", XDP_BLOCKER_MAP_NAME, strerror(-err));
		cur = &keys[n++];
	}
	qsort(keys, n, sizeof(keys[0]), cmp_key);
	for (i = 0; i < n; i++) {
		err = innerext_map_lookup_elem(fd, &keys[i], sizeof(keys[i]),
					       &values[i], sizeof(values[i]));
		if (err == -ENOENT)
			continue;	/* deleted meanwhile */
		if (err)
			fail(1, "reading %s: %s", XDP_BLOCKER_MAP_NAME, strerror(-err));
		printf("%u %s%s\n", keys[i].port, proto_name(keys[i].proto),
		       values[i] ? "" : " (off)");
	}
}

int main(int argc, char **argv)
{
	struct xdp_blocker_key key;
	__u8 block = XDP_BLOCKER_BLOCK;
	int fd, err;

	innerext_set_print(print_warn);
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help")))
		help();
	if (argc == 2 && !strcmp(argv[1], "list")) {
		list_rules(open_rules_map());
		return 0;
	}
	if (argc != 4)
		usage();
	if (!strcmp(argv[1], "add_rule")) {
		parse_rule(argv[2], argv[3], &key);
		fd = open_rules_map();
		err = innerext_map_update_elem(fd, &key, sizeof(key), &block, sizeof(block), IE_ANY);
		if (err == -E2BIG)
			fail(1, "%s is full (%d rules)", XDP_BLOCKER_MAP_NAME, XDP_BLOCKER_MAX_RULES);
		if (err)
			fail(1, "adding %u/%s: %s", key.port, proto_name(key.proto), strerror(-err));
		return 0;
	}
	if (!strcmp(argv[1], "del_rule")) {
		parse_rule(argv[2], argv[3], &key);
		fd = open_rules_map();
		err = innerext_map_delete_elem(fd, &key, sizeof(key));
		if (err == -ENOENT)
			fail(1, "no rule for %u/%s", key.port, proto_name(key.proto));
		if (err)
			fail(1, "deleting %u/%s: %s", key.port, proto_name(key.proto), strerror(-err));
		return 0;
	}
	usage();
}
