// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_blocker_ebpf: load, attach and feed the eBPF twin of the XDP port blocker
 * (xdp_blocker.bpf.o, next to this executable) with libbpf.
 *
 *   sudo examples/ebpf/xdp_blocker_ebpf attach eth0 [--mode generic|native]
 *   sudo examples/ebpf/xdp_blocker_ebpf add_rule 53 udp
 *   sudo examples/ebpf/xdp_blocker_ebpf del_rule 53 udp
 *   sudo examples/ebpf/xdp_blocker_ebpf list            # "PORT PROTO" per line
 *   sudo examples/ebpf/xdp_blocker_ebpf detach eth0
 *
 * attach loads the program (native XDP by default: veth and most NIC drivers have
 * it; --mode generic runs it on the skb path instead), attaches it and pins
 *   /sys/fs/bpf/xdp_blocker_rules   the rule map (one rule set: a later attach, to
 *                                   this or another device, reuses it)
 *   /sys/fs/bpf/xdp_blocker_prog    the program last attached
 * so the rule commands, bpftool and later runs find them. detach removes the
 * program from the device and leaves the pins (the rules survive a re-attach);
 * rm /sys/fs/bpf/xdp_blocker_* forgets them.
 *
 * Exit status: 0 ok, 1 runtime error (no such device, nothing attached, no such
 * rule...), 2 usage.
 */
#define _GNU_SOURCE		/* setns() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../xdp_blocker.h"

#define BPF_FS		"/sys/fs/bpf"
#define MAP_PIN		BPF_FS "/xdp_blocker_rules"
#define PROG_PIN	BPF_FS "/xdp_blocker_prog"
#define OBJ_FILE	"xdp_blocker.bpf.o"
#define PROG_NAME	"xdp_blocker"

static const char *prog_name = "xdp_blocker_ebpf";

#include "../xdp_blocker_cli.h"

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: %s attach IFACE [--mode generic|native] [--netns NAME] | "
		"detach IFACE [--netns NAME] | add_rule|del_rule PORT tcp|udp | list (-h: help)\n",
		prog_name);
	exit(2);
}

static void help(void)
{
	printf("usage: %s attach IFACE [--mode generic|native] [--netns NAME]\n"
	       "       %s detach IFACE [--netns NAME]\n"
	       "       %s add_rule PORT tcp|udp\n"
	       "       %s del_rule PORT tcp|udp\n"
	       "       %s list\n"
	       "attach loads %s (next to this executable) and attaches it to IFACE,\n"
	       "native XDP unless --mode generic. Pins (detach leaves them):\n"
	       "  %s   the rules\n"
	       "  %s    the program\n"
	       "add_rule drops TCP or UDP frames to PORT; list prints \"PORT PROTO\" per rule.\n"
	       "--netns NAME: IFACE is in network namespace NAME (/run/netns/NAME; use this,\n"
	       "not ip netns exec, which hides the pins by remounting /sys).\n",
	       prog_name, prog_name, prog_name, prog_name, prog_name, OBJ_FILE, MAP_PIN,
	       PROG_PIN);
	exit(0);
}

/* libbpf: warnings only (no debug/info chatter) */
static int print_warn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int parse_ifindex(const char *iface)
{
	unsigned int ifindex = if_nametoindex(iface);

	if (!ifindex)
		fail(1, "no network interface '%s' in this network namespace", iface);
	return (int)ifindex;
}

static void check_bpffs(void)
{
	struct statfs st;

	if (statfs(BPF_FS, &st) || st.f_type != BPF_FS_MAGIC)
		fail(1, "%s is not a bpf file system (under ip netns exec, which remounts /sys? "
		     "use --netns NAME instead; else mount -t bpf bpf %s)", BPF_FS, BPF_FS);
}

/* Move this process into network namespace @name (ip netns: /run/netns/NAME) or @name's path. */
static void enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), strchr(name, '/') ? "%s" : "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail(1, "no network namespace %s: %s", path, strerror(errno));
	if (setns(fd, CLONE_NEWNET))
		fail(1, "entering network namespace %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * The options after IFACE: --mode (if @mode is not NULL) and --netns; enters the
 * namespace. Exits 2 on anything else.
 */
static void parse_iface_opts(int argc, char **argv, __u32 *mode)
{
	const char *netns = NULL;
	int i;

	for (i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			usage();
		if (mode && !strcmp(argv[i], "--mode")) {
			if (!strcmp(argv[i + 1], "native"))
				*mode = XDP_FLAGS_DRV_MODE;
			else if (!strcmp(argv[i + 1], "generic"))
				*mode = XDP_FLAGS_SKB_MODE;
			else
				fail(2, "unknown mode '%s': generic or native", argv[i + 1]);
		} else if (!strcmp(argv[i], "--netns")) {
			netns = argv[i + 1];
		} else {
			usage();
		}
	}
	if (netns)
		enter_netns(netns);
}

/* dirname(/proc/self/exe)/xdp_blocker.bpf.o */
static void object_path(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		fail(1, "cannot read /proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(buf, size, "%s/%s", exe, OBJ_FILE) >= size)
		fail(1, "path of %s too long", OBJ_FILE);
}

/* The name of BPF program @id ("" if it is gone). */
static void prog_name_by_id(__u32 id, char *name, size_t size)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd;

	name[0] = '\0';
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(name, size, "%s", info.name);
	close(fd);
}

static int cmd_attach(int argc, char **argv)
{
	__u32 mode = XDP_FLAGS_DRV_MODE, id = 0;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	char path[PATH_MAX], other[BPF_OBJ_NAME_LEN];
	const char *iface;
	int ifindex, err;

	if (argc < 2)
		usage();
	iface = argv[1];
	parse_iface_opts(argc - 2, argv + 2, &mode);
	check_bpffs();
	ifindex = parse_ifindex(iface);
	if (!bpf_xdp_query_id(ifindex, 0, &id) && id) {
		prog_name_by_id(id, other, sizeof(other));
		fail(1, "%s already runs XDP program '%s' (id %u): detach it first", iface, other, id);
	}
	object_path(path, sizeof(path));

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		fail(1, "cannot open %s: %s", path, strerror(errno));
	map = bpf_object__find_map_by_name(obj, XDP_BLOCKER_MAP_NAME);
	prog = bpf_object__find_program_by_name(obj, PROG_NAME);
	if (!map || !prog)
		fail(1, "%s has no map %s or program %s", path, XDP_BLOCKER_MAP_NAME, PROG_NAME);
	/* reuse the pinned rules if they are there, else create and pin them */
	err = bpf_map__set_pin_path(map, MAP_PIN);
	if (err)
		fail(1, "pin path %s: %s", MAP_PIN, strerror(-err));
	err = bpf_object__load(obj);
	if (err)
		fail(1, "loading %s: %s%s", path, strerror(-err),
		     err == -EINVAL ? " (is " MAP_PIN " from another program? remove it)" : "");

	err = bpf_xdp_attach(ifindex, bpf_program__fd(prog), mode | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (err == -EBUSY || err == -EEXIST) {	/* attached meanwhile */
		bpf_xdp_query_id(ifindex, 0, &id);
		prog_name_by_id(id, other, sizeof(other));
		fail(1, "%s already runs XDP program '%s' (id %u): detach it first", iface, other, id);
	}
	if (err == -EOPNOTSUPP && mode == XDP_FLAGS_DRV_MODE)
		fail(1, "%s has no native XDP support: use --mode generic", iface);
	if (err)
		fail(1, "attaching to %s: %s", iface, strerror(-err));

	unlink(PROG_PIN);
	err = bpf_program__pin(prog, PROG_PIN);
	if (err)
		fprintf(stderr, "%s: warning: cannot pin the program at %s: %s\n",
			prog_name, PROG_PIN, strerror(-err));
	bpf_xdp_query_id(ifindex, mode, &id);
	printf("%s attached to %s (%s XDP), program id %u, rules in %s\n", PROG_NAME, iface,
	       mode == XDP_FLAGS_DRV_MODE ? "native" : "generic", id, MAP_PIN);
	bpf_object__close(obj);		/* the device and the pins keep what they need */
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	char name[BPF_OBJ_NAME_LEN];
	const char *iface;
	__u32 id, mode;
	int ifindex, err;

	if (argc < 2)
		usage();
	iface = argv[1];
	parse_iface_opts(argc - 2, argv + 2, NULL);
	ifindex = parse_ifindex(iface);
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		fail(1, "querying %s: %s", iface, strerror(-err));
	/* ours, in native or generic mode */
	if (q.drv_prog_id) {
		id = q.drv_prog_id;
		mode = XDP_FLAGS_DRV_MODE;
	} else if (q.skb_prog_id) {
		id = q.skb_prog_id;
		mode = XDP_FLAGS_SKB_MODE;
	} else {
		fail(1, "%s has no XDP program attached", iface);
	}
	prog_name_by_id(id, name, sizeof(name));
	if (strcmp(name, PROG_NAME))
		fail(1, "%s runs XDP program '%s' (id %u), not %s: not detaching it",
		     iface, name, id, PROG_NAME);
	/* detach exactly that program, not one that replaced it meanwhile */
	opts.old_prog_fd = bpf_prog_get_fd_by_id(id);
	if (opts.old_prog_fd < 0)
		fail(1, "program id %u: %s", id, strerror(errno));
	err = bpf_xdp_detach(ifindex, mode | XDP_FLAGS_REPLACE, &opts);
	close(opts.old_prog_fd);
	if (err)
		fail(1, "detaching from %s: %s", iface, strerror(-err));
	printf("%s (id %u) detached from %s; rules stay in %s\n", PROG_NAME, id, iface, MAP_PIN);
	return 0;
}

/* The pinned rule map's fd, checked to have the rule layout; exits 1 if absent. */
static int open_rules_map(void)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int fd;

	check_bpffs();
	fd = bpf_obj_get(MAP_PIN);
	if (fd < 0 && errno == ENOENT)
		fail(1, "no %s: attach the blocker first (%s attach IFACE)", MAP_PIN, prog_name);
	if (fd < 0)
		fail(1, "cannot open %s: %s", MAP_PIN, strerror(errno));
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		fail(1, "%s: %s", MAP_PIN, strerror(errno));
	if (info.type != BPF_MAP_TYPE_HASH || info.key_size != sizeof(struct xdp_blocker_key) ||
	    info.value_size != sizeof(__u8))
		fail(1, "%s is not the blocker's rule map (type %u, key %u, value %u bytes)",
		     MAP_PIN, info.type, info.key_size, info.value_size);
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
static int cmd_list(void)
{
	struct xdp_blocker_key keys[XDP_BLOCKER_MAX_RULES], *cur = NULL;
	unsigned int n = 0, i;
	int fd = open_rules_map();
	__u8 value;

	while (n < XDP_BLOCKER_MAX_RULES) {
		if (bpf_map_get_next_key(fd, cur, &keys[n])) {
			if (errno == ENOENT)
				break;
			fail(1, "reading %s: %s", MAP_PIN, strerror(errno));
		}
		cur = &keys[n++];
	}
	qsort(keys, n, sizeof(keys[0]), cmp_key);
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &keys[i], &value)) {
			if (errno == ENOENT)
				continue;	/* deleted meanwhile */
			fail(1, "reading %s: %s", MAP_PIN, strerror(errno));
		}
		printf("%u %s%s\n", keys[i].port, proto_name(keys[i].proto), value ? "" : " (off)");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct xdp_blocker_key key;
	__u8 block = XDP_BLOCKER_BLOCK;
	int fd;

	libbpf_set_print(print_warn);
	if (argc < 2)
		usage();
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help")))
		help();
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return cmd_list();
	if (argc != 4)
		usage();
	if (!strcmp(argv[1], "add_rule")) {
		parse_rule(argv[2], argv[3], &key);
		fd = open_rules_map();
		if (bpf_map_update_elem(fd, &key, &block, BPF_ANY)) {
			if (errno == E2BIG)
				fail(1, "%s is full (%d rules)", MAP_PIN, XDP_BLOCKER_MAX_RULES);
			fail(1, "adding %u/%s: %s", key.port, proto_name(key.proto), strerror(errno));
		}
		return 0;
	}
	if (!strcmp(argv[1], "del_rule")) {
		parse_rule(argv[2], argv[3], &key);
		fd = open_rules_map();
		if (bpf_map_delete_elem(fd, &key)) {
			if (errno == ENOENT)
				fail(1, "no rule for %u/%s", key.port, proto_name(key.proto));
			fail(1, "deleting %u/%s: %s", key.port, proto_name(key.proto), strerror(errno));
		}
		return 0;
	}
	usage();
}
