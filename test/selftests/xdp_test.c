// SPDX-License-Identifier: GPL-2.0
/*
 * innerext selftests for the packet hook (IE_HOOK_XDP), run in the QEMU guest
 * from /innerext with innerext.ko loaded (and veth, bridge).
 *
 * Every test gets two network namespaces joined by a veth pair:
 *
 *   ns iexA: vethA (no addresses, IPv6 off: it sends nothing by itself)
 *       |  frames crafted byte by byte, sent with an AF_PACKET socket
 *   ns iexB: vethB 10.77.0.2/24 fd00:77::2/64   <- the program under test
 *
 * The test process pins itself to one CPU, so every frame it sends goes
 * through the same per-CPU backlog in order: once a "sentinel" UDP datagram
 * (port 7999, never dropped) sent after a batch has reached its socket in ns B,
 * every frame of the batch has been judged and counted. Delivery is measured
 * after the rx-handler, in ns B: /proc/net/snmp and snmp6 counters (Ip
 * InReceives, Udp InDatagrams/InErrors, Tcp InSegs, Icmp InEchos), UDP
 * sockets bound in ns B (InDatagrams counts when a datagram is read, so they
 * are drained first), and for non-IP frames vethB's rx_dropped (IFLA_STATS64:
 * __netif_receive_skb_core() counts a frame no protocol handler takes there).
 * Frames the program sends elsewhere (TX, REDIRECT) are counted with packet
 * sockets where they arrive (ns A, ns C: a third namespace behind a second
 * veth pair vethB2 <-> vethC).
 *
 * Programs: examples/xdp_blocker.o (loaded and attached with libinnerext, its
 * rules written through the map or examples/xdp_blocker_user), its eBPF twin
 * (examples/ebpf/xdp_blocker_ebpf, generic and native XDP; tests that need it
 * skip if it was not built) and the fixture progs/xdp_verdict.c, whose verdict
 * comes from a map.
 *
 * The namespaces are named (ip netns) so the tools can use them; every setup
 * first deletes any left by a test that died. XDP_TEST_ONLY=SUBSTRING (or
 * !SUBSTRING) selects tests. The last test unloads and reloads innerext.ko.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <innerext/libinnerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"
#include "xdp_blocker.h"		/* examples/: the blocker's rule key */
#include "progs/xdp_verdict.h"

#define BLOCKER_OBJ	"examples/xdp_blocker.o"
#define BLOCKER_USER	"examples/xdp_blocker_user"
#define VERDICT_OBJ	"test/selftests/fixtures/xdp_verdict.o"
#define EBPF_TOOL	"examples/ebpf/xdp_blocker_ebpf"
#define EBPF_OBJ	"examples/ebpf/xdp_blocker.bpf.o"
#define EBPF_PIN	"/sys/fs/bpf/xdp_blocker_rules"	/* the tool pins the map... */
#define EBPF_PIN_PROG	"/sys/fs/bpf/xdp_blocker_prog"	/* ...and the program */

#define NS_A		"iexA"
#define NS_B		"iexB"
#define NS_C		"iexC"

/* ports in ns B */
#define PORT_UDP_BLOCK	7001	/* rule 7001/udp */
#define PORT_TCP_BLOCK	7002	/* rule 7002/tcp */
#define PORT_UDP_OK	7003
#define PORT_TCP_OK	7004
#define PORT_TOGGLE	7005	/* stress: rule added and removed all the time; no socket */
#define PORT_OPEN6	7006	/* stress: never blocked; no socket */
#define PORT_SENTINEL	XV_SENTINEL_PORT
#define NR_UDP_PORTS	3	/* sockets bound on 7001..7003, v4 and v6 */

#define ETH_HL		14
#define MARKER		"IEXDPTST"	/* first 8 payload bytes of every UDP frame we send */
#define MARKER_LEN	8

static const unsigned char ip4_a[4] = { 10, 77, 0, 1 };
static const unsigned char ip4_b[4] = { 10, 77, 0, 2 };
static const unsigned char ip6_a[16] = { 0xfd, 0, 0, 0x77, [15] = 1 };
static const unsigned char ip6_b[16] = { 0xfd, 0, 0, 0x77, [15] = 2 };

/* ------------------------------------------------------------------ small helpers */





static void msleep(int ms)
{
	usleep(ms * 1000);
}

static int ns_open(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int ns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET) ? -errno : 0;
}

static void netns_cleanup(void)
{
	st_sh(NULL, 0, "ip netns del " NS_A "; ip netns del " NS_B "; ip netns del " NS_C);
}

/* Pin the calling thread to @cpu (modulo the CPUs there are). */
static void pin_cpu(int cpu)
{
	int n = nr_cpus();

	st_pin_cpu(n > 0 ? cpu % n : 0);
}

/* ------------------------------------------------------------------ rtnetlink */

struct ifq {
	int ifindex;
	unsigned char mac[ETH_ALEN];
	struct rtnl_link_stats64 st;
};

/* RTM_GETLINK for @name in the calling thread's network namespace. */
static int link_query(const char *name, struct ifq *q)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static char resp[32768];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nh;
	struct rtattr *rta;
	int fd, n, len;

	memset(&req, 0, sizeof(req));
	memset(q, 0, sizeof(*q));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = IFLA_IFNAME;
	rta->rta_len = RTA_LENGTH(strlen(name) + 1);
	strcpy(RTA_DATA(rta), name);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	n = recv(fd, resp, sizeof(resp), 0);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	nh = (struct nlmsghdr *)resp;
	if (!NLMSG_OK(nh, (unsigned int)n))
		return -EIO;
	if (nh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	if (nh->nlmsg_type != RTM_NEWLINK)
		return -EIO;
	ifi = NLMSG_DATA(nh);
	q->ifindex = ifi->ifi_index;
	len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t pl = RTA_PAYLOAD(rta);

		if (rta->rta_type == IFLA_ADDRESS && pl >= ETH_ALEN)
			memcpy(q->mac, RTA_DATA(rta), ETH_ALEN);
		if (rta->rta_type == IFLA_STATS64)
			memcpy(&q->st, RTA_DATA(rta), pl < sizeof(q->st) ? pl : sizeof(q->st));
	}
	return 0;
}

/* ------------------------------------------------------------------ counters in ns B */

/* What ns B's stack saw (the calling thread must be in ns B). */
struct rx {
	long long ip_in;	/* Ip InReceives */
	long long ip6_in;	/* Ip6InReceives */
	long long udp_in;	/* Udp InDatagrams */
	long long udp_err;	/* Udp InErrors */
	long long udp6_in;	/* Udp6InDatagrams */
	long long udp6_err;	/* Udp6InErrors */
	long long tcp_in;	/* Tcp InSegs (IPv4 and IPv6) */
	long long icmp_echo;	/* Icmp InEchos */
	long long unhandled;	/* vethB rx_dropped: frames no protocol took (not IP, ARP...) */
};

static const char *rx_fmt(const struct rx *r, char *buf, size_t sz)
{
	snprintf(buf, sz, "ip_in %lld ip6_in %lld udp_in %lld udp_err %lld udp6_in %lld "
		 "udp6_err %lld tcp_in %lld icmp_echo %lld unhandled %lld",
		 r->ip_in, r->ip6_in, r->udp_in, r->udp_err, r->udp6_in, r->udp6_err,
		 r->tcp_in, r->icmp_echo, r->unhandled);
	return buf;
}

/* Field @field of the "@proto:" table of /proc/net/snmp (header line, value line). */
static long long snmp_get(const char *text, const char *proto, const char *field)
{
	const char *hdr = text, *val;
	size_t plen = strlen(proto);

	while (hdr && *hdr) {
		if (!strncmp(hdr, proto, plen) && hdr[plen] == ':') {
			val = strchr(hdr, '\n');
			if (!val || strncmp(val + 1, proto, plen))
				return -1;
			val++;
			/* walk both lines token by token */
			const char *h = hdr + plen + 1, *v = val + plen + 1;

			for (;;) {
				char name[64], num[32];
				int hn = 0, vn = 0;

				if (sscanf(h, " %63[^ \n]%n", name, &hn) != 1 ||
				    sscanf(v, " %31[^ \n]%n", num, &vn) != 1)
					return -1;
				if (!strcmp(name, field))
					return atoll(num);
				h += hn;
				v += vn;
				if (*h == '\n' || *v == '\n')
					return -1;
			}
		}
		hdr = strchr(hdr, '\n');
		if (hdr)
			hdr++;
	}
	return -1;
}

static long long snmp6_get(const char *text, const char *field)
{
	size_t flen = strlen(field);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, field, flen) && (p[flen] == ' ' || p[flen] == '\t'))
			return atoll(p + flen);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static int slurp(const char *path, char *buf, size_t sz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len + 1 < sz && (n = read(fd, buf + len, sz - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fd);
	return 0;
}

static int rx_read(struct rx *r)
{
	static char snmp[16384], snmp6[16384];
	struct ifq q;
	int err;

	memset(r, 0, sizeof(*r));
	if (slurp("/proc/thread-self/net/snmp", snmp, sizeof(snmp)) ||
	    slurp("/proc/thread-self/net/snmp6", snmp6, sizeof(snmp6)))
		return -EIO;
	err = link_query("vethB", &q);
	if (err)
		return err;
	r->ip_in = snmp_get(snmp, "Ip", "InReceives");
	r->udp_in = snmp_get(snmp, "Udp", "InDatagrams");
	r->udp_err = snmp_get(snmp, "Udp", "InErrors");
	r->tcp_in = snmp_get(snmp, "Tcp", "InSegs");
	r->icmp_echo = snmp_get(snmp, "Icmp", "InEchos");
	r->ip6_in = snmp6_get(snmp6, "Ip6InReceives");
	r->udp6_in = snmp6_get(snmp6, "Udp6InDatagrams");
	r->udp6_err = snmp6_get(snmp6, "Udp6InErrors");
	r->unhandled = q.st.rx_dropped;
	if (r->ip_in < 0 || r->udp_in < 0 || r->udp_err < 0 || r->tcp_in < 0 ||
	    r->icmp_echo < 0 || r->ip6_in < 0 || r->udp6_in < 0 || r->udp6_err < 0)
		return -EPROTO;
	return 0;
}

static void rx_sub(struct rx *d, const struct rx *a, const struct rx *b)
{
	d->ip_in = a->ip_in - b->ip_in;
	d->ip6_in = a->ip6_in - b->ip6_in;
	d->udp_in = a->udp_in - b->udp_in;
	d->udp_err = a->udp_err - b->udp_err;
	d->udp6_in = a->udp6_in - b->udp6_in;
	d->udp6_err = a->udp6_err - b->udp6_err;
	d->tcp_in = a->tcp_in - b->tcp_in;
	d->icmp_echo = a->icmp_echo - b->icmp_echo;
	d->unhandled = a->unhandled - b->unhandled;
}

/* Frames dropped before any protocol (backlog full, ...), summed over CPUs. */
static long long softnet_dropped(void)
{
	char buf[4096], *p = buf;
	long long sum = 0;
	unsigned int processed, dropped;

	if (slurp("/proc/net/softnet_stat", buf, sizeof(buf)))
		return -1;
	while (p && *p) {
		if (sscanf(p, "%x %x", &processed, &dropped) == 2)
			sum += dropped;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return sum;
}

/* ------------------------------------------------------------------ frames */

struct frame {
	unsigned char b[2048];
	unsigned int len;
};





enum kind {
	K_UDP,		/* complete UDP datagram */
	K_TCP,		/* TCP SYN */
	K_TRUNC_IP,	/* IPv4: the frame ends 12 bytes into the IP header */
	K_TRUNC_UDP,	/* IP header says 4 bytes of UDP follow, and they do */
	K_TRUNC_TCP,	/* IPv4 header says 12 bytes of TCP follow (a header is 20) */
	K_FRAG,		/* IPv4 later fragment (offset 1480) whose first bytes look like UDP */
	K_ICMP,		/* ICMP echo request */
	K_NONIP,	/* EtherType 0x88b5 (local experimental) */
};

/*
 * Ethernet + IPv4/IPv6 header from A to B around @l4 (@l4len bytes), with
 * correct IP and transport checksums. @ip_l4len: the transport length the IP
 * header claims (normally @l4len).
 */
static void frame_ip(struct frame *f, const unsigned char *mac_a, const unsigned char *mac_b,
		     int v6, int proto, const unsigned char *l4, unsigned int l4len, unsigned int id)
{
	unsigned char *p = f->b, *t;
	unsigned int sum = 0, off;
	unsigned char pseudo[4];

	memcpy(p, mac_b, ETH_ALEN);
	memcpy(p + 6, mac_a, ETH_ALEN);
	st_put16(p + 12, v6 ? ETH_P_IPV6 : ETH_P_IP);
	p += ETH_HL;
	if (!v6) {
		memset(p, 0, 20);
		p[0] = 0x45;
		st_put16(p + 2, 20 + l4len);
		st_put16(p + 4, id & 0xffff);
		st_put16(p + 6, 0x4000);	/* DF */
		p[8] = 64;
		p[9] = proto;
		memcpy(p + 12, ip4_a, 4);
		memcpy(p + 16, ip4_b, 4);
		st_put16(p + 10, st_csum_fold(st_csum_add(0, p, 20)));
		t = p + 20;
		sum = st_csum_add(0, ip4_a, 4);
		sum = st_csum_add(sum, ip4_b, 4);
	} else {
		memset(p, 0, 40);
		p[0] = 0x60;
		st_put16(p + 4, l4len);
		p[6] = proto;
		p[7] = 64;
		memcpy(p + 8, ip6_a, 16);
		memcpy(p + 24, ip6_b, 16);
		t = p + 40;
		sum = st_csum_add(0, ip6_a, 16);
		sum = st_csum_add(sum, ip6_b, 16);
	}
	memcpy(t, l4, l4len);
	f->len = t + l4len - f->b;
	switch (proto) {
	case IPPROTO_UDP:
		off = 6;
		break;
	case IPPROTO_TCP:
		off = 16;
		break;
	default:		/* ICMPv4: no pseudo header */
		st_put16(t + 2, 0);
		st_put16(t + 2, st_csum_fold(st_csum_add(0, t, l4len)));
		return;
	}
	st_put16(pseudo, 0);
	st_put16(pseudo + 2, proto);
	sum = st_csum_add(sum, pseudo, 4);
	st_put16(pseudo, l4len >> 16);
	st_put16(pseudo + 2, l4len & 0xffff);
	sum = st_csum_add(sum, pseudo, 4);
	st_put16(t + off, 0);
	sum = st_csum_fold(st_csum_add(sum, t, l4len));
	if (proto == IPPROTO_UDP && !sum)
		sum = 0xffff;
	st_put16(t + off, sum);
}

/* Frame @kind to @port (v6: IPv6), carrying @tag after the marker (UDP, ICMP). */
static void build(struct frame *f, const unsigned char *mac_a, const unsigned char *mac_b,
		  enum kind kind, int v6, int port, unsigned int tag)
{
	unsigned char l4[64];
	unsigned char *ip = f->b + ETH_HL;

	memset(l4, 0, sizeof(l4));
	memset(f, 0, sizeof(*f));
	switch (kind) {
	case K_UDP:
	case K_TRUNC_IP:
	case K_FRAG:
		st_put16(l4, 40000 + (tag & 0xff));
		st_put16(l4 + 2, port);
		st_put16(l4 + 4, 8 + 16);
		memcpy(l4 + 8, MARKER, MARKER_LEN);
		st_put32(l4 + 16, tag);
		frame_ip(f, mac_a, mac_b, v6, IPPROTO_UDP, l4, 24, tag);
		if (kind == K_TRUNC_IP) {
			f->len = ETH_HL + 12;
		} else if (kind == K_FRAG) {
			st_put16(ip + 6, 1480 / 8);	/* offset 1480, no more fragments */
			st_put16(ip + 10, 0);
			st_put16(ip + 10, st_csum_fold(st_csum_add(0, ip, 20)));
		}
		break;
	case K_TRUNC_UDP:
		st_put16(l4, 40000);
		st_put16(l4 + 2, port);
		frame_ip(f, mac_a, mac_b, v6, IPPROTO_UDP, l4, 8, tag);
		/* the IP header claims (and the frame has) only 4 bytes of it */
		if (v6) {
			st_put16(ip + 4, 4);
		} else {
			st_put16(ip + 2, 24);
			st_put16(ip + 10, 0);
			st_put16(ip + 10, st_csum_fold(st_csum_add(0, ip, 20)));
		}
		f->len -= 4;
		break;
	case K_TCP:
	case K_TRUNC_TCP:
		st_put16(l4, 40000 + (tag & 0xff));
		st_put16(l4 + 2, port);
		st_put32(l4 + 4, 0x1000 + tag);	/* seq */
		l4[12] = 5 << 4;		/* doff 5 */
		l4[13] = 0x02;			/* SYN */
		st_put16(l4 + 14, 0x4000);		/* window */
		frame_ip(f, mac_a, mac_b, v6, IPPROTO_TCP, l4, 20, tag);
		if (kind == K_TRUNC_TCP) {
			st_put16(ip + 2, 32);
			st_put16(ip + 10, 0);
			st_put16(ip + 10, st_csum_fold(st_csum_add(0, ip, 20)));
			f->len -= 8;
		}
		break;
	case K_ICMP:
		l4[0] = 8;			/* echo request */
		st_put16(l4 + 4, 0x1e);		/* id */
		st_put16(l4 + 6, tag & 0xffff);	/* sequence */
		memcpy(l4 + 8, MARKER, MARKER_LEN);
		st_put32(l4 + 16, tag);
		frame_ip(f, mac_a, mac_b, 0, IPPROTO_ICMP, l4, 24, tag);
		break;
	case K_NONIP:
		memcpy(f->b, mac_b, ETH_ALEN);
		memcpy(f->b + 6, mac_a, ETH_ALEN);
		st_put16(f->b + 12, 0x88b5);
		memcpy(f->b + ETH_HL, MARKER, MARKER_LEN);
		st_put32(f->b + ETH_HL + MARKER_LEN, tag);
		f->len = ETH_HL + 46;
		break;
	}
}

/* A UDP-over-IPv4 frame to @port whose IP packet is @l3len bytes long (marker and @tag first). */
static void build_big_udp(struct frame *f, const unsigned char *mac_a, const unsigned char *mac_b,
			  int port, unsigned int tag, unsigned int l3len)
{
	static unsigned char l4[2048];
	unsigned int l4len = l3len - 20;

	memset(l4, 0, sizeof(l4));
	memset(f, 0, sizeof(*f));
	st_put16(l4, 40000);
	st_put16(l4 + 2, port);
	st_put16(l4 + 4, l4len);
	memcpy(l4 + 8, MARKER, MARKER_LEN);
	st_put32(l4 + 16, tag);
	frame_ip(f, mac_a, mac_b, 0, IPPROTO_UDP, l4, l4len, tag);
}

/* Tag of a UDP-over-IPv4 frame from us (the marker at its payload), or -1. */
static long frame_tag(const unsigned char *b, size_t len)
{
	const unsigned char *pl = b + ETH_HL + 20 + 8;

	if (len < ETH_HL + 20 + 8 + MARKER_LEN + 4 || b[12] != 0x08 || b[13] != 0x00 ||
	    b[ETH_HL + 9] != IPPROTO_UDP || memcmp(pl, MARKER, MARKER_LEN))
		return -1;
	return ((long)pl[8] << 24) | (pl[9] << 16) | (pl[10] << 8) | pl[11];
}

/* ------------------------------------------------------------------ the matrix */

struct mcase {
	const char *name;
	enum kind kind;
	int v6;
	int port;
	bool drop;	/* with rules 7001/udp and 7002/tcp */
};

static const struct mcase mcases[] = {
	{ "udp4 blocked port",			K_UDP,		0, PORT_UDP_BLOCK, true },
	{ "udp4 allowed port",			K_UDP,		0, PORT_UDP_OK, false },
	{ "udp4 to a tcp-only rule's port",	K_UDP,		0, PORT_TCP_BLOCK, false },
	{ "tcp4 blocked port",			K_TCP,		0, PORT_TCP_BLOCK, true },
	{ "tcp4 allowed port",			K_TCP,		0, PORT_TCP_OK, false },
	{ "tcp4 to a udp-only rule's port",	K_TCP,		0, PORT_UDP_BLOCK, false },
	{ "udp6 blocked port",			K_UDP,		1, PORT_UDP_BLOCK, true },
	{ "udp6 allowed port",			K_UDP,		1, PORT_UDP_OK, false },
	{ "tcp6 blocked port",			K_TCP,		1, PORT_TCP_BLOCK, true },
	{ "tcp6 allowed port",			K_TCP,		1, PORT_TCP_OK, false },
	{ "ipv4 header cut",			K_TRUNC_IP,	0, PORT_UDP_BLOCK, false },
	{ "udp4 header cut (blocked port)",	K_TRUNC_UDP,	0, PORT_UDP_BLOCK, false },
	{ "udp6 header cut (blocked port)",	K_TRUNC_UDP,	1, PORT_UDP_BLOCK, false },
	{ "tcp4 header cut (blocked port)",	K_TRUNC_TCP,	0, PORT_TCP_BLOCK, false },
	{ "ipv4 later fragment (blocked port)",	K_FRAG,		0, PORT_UDP_BLOCK, false },
	{ "icmp4 echo",				K_ICMP,		0, 0, false },
	{ "non-IP ethertype 0x88b5",		K_NONIP,	0, 0, false },
};
#define NR_MCASES	(sizeof(mcases) / sizeof(mcases[0]))
#define MATRIX_K	3	/* frames per case */

/* What ns B's counters must show for @n frames of @c that passed. */
static void mcase_expect(const struct mcase *c, long long n, struct rx *w)
{
	memset(w, 0, sizeof(*w));
	switch (c->kind) {
	case K_UDP:
		if (c->v6) {
			w->ip6_in = n;
			w->udp6_in = n;
		} else {
			w->ip_in = n;
			w->udp_in = n;
		}
		break;
	case K_TCP:
		if (c->v6)
			w->ip6_in = n;
		else
			w->ip_in = n;
		w->tcp_in = n;
		break;
	case K_TRUNC_IP:
	case K_FRAG:
		w->ip_in = n;
		break;
	case K_TRUNC_UDP:
		if (c->v6) {
			w->ip6_in = n;
			w->udp6_err = n;
		} else {
			w->ip_in = n;
			w->udp_err = n;
		}
		break;
	case K_TRUNC_TCP:
		w->ip_in = n;
		w->tcp_in = n;
		break;
	case K_ICMP:
		w->ip_in = n;
		w->icmp_echo = n;
		break;
	case K_NONIP:
		w->unhandled = n;
		break;
	}
}

/* ------------------------------------------------------------------ fixture */

FIXTURE(xdp) {
	int dev;			/* /dev/innerext */
	int kmsg;			/* /dev/kmsg, positioned at the setup's end */
	int ns_orig, ns_a, ns_b, ns_c;
	int tx;				/* AF_PACKET in ns A: sends on vethA */
	int ifindex_a, ifindex_b;
	unsigned char mac_a[ETH_ALEN], mac_b[ETH_ALEN];
	int udp4[NR_UDP_PORTS], udp6[NR_UDP_PORTS];	/* ns B, ports 7001..7003 */
	int sent4, sent6;		/* ns B, sentinel port */
	unsigned int seq;		/* sentinel tags */
	unsigned int syncs;		/* sentinels delivered since reset */
	struct innerext_object *obj, *obj2;
	struct innerext_link *link;
	bool ebpf_attached;
	char log[LOG_SIZE];
	char out[8192];
};

static int send_frame(FIXTURE_DATA(xdp) *self, const struct frame *f)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = self->ifindex_a,
		.sll_halen = ETH_ALEN,
	};

	memcpy(sll.sll_addr, f->b, ETH_ALEN);
	sll.sll_protocol = htons((f->b[12] << 8) | f->b[13]);
	for (;;) {
		ssize_t n = sendto(self->tx, f->b, f->len, 0, (struct sockaddr *)&sll, sizeof(sll));

		if (n == (ssize_t)f->len)
			return 0;
		if (n < 0 && errno == ENOBUFS) {	/* let the receiver catch up */
			usleep(1000);
			continue;
		}
		return n < 0 ? -errno : -EIO;
	}
}

static int send_kind(FIXTURE_DATA(xdp) *self, enum kind kind, int v6, int port, unsigned int tag)
{
	struct frame f;

	build(&f, self->mac_a, self->mac_b, kind, v6, port, tag);
	return send_frame(self, &f);
}

/* Read datagrams from @fd until one carries @tag; 0, or -ETIMEDOUT after @ms. */
static int wait_tag(int fd, unsigned int tag, int ms)
{
	double end = st_now_s() + ms / 1000.0;
	unsigned char buf[256];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((end - st_now_s()) * 1000);
		ssize_t n;

		if (left < 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, left) <= 0)
			continue;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			if (n >= MARKER_LEN + 4 && !memcmp(buf, MARKER, MARKER_LEN) &&
			    (((unsigned int)buf[8] << 24) | (buf[9] << 16) | (buf[10] << 8) |
			     buf[11]) == tag)
				return 0;
		}
	}
}

/*
 * Send a sentinel (UDP to port 7999, which every program here passes) and wait
 * for it in ns B: then every frame sent before it has been judged and counted.
 */
static int sync_b(FIXTURE_DATA(xdp) *self)
{
	unsigned int tag = ++self->seq;
	int err = send_kind(self, K_UDP, 0, PORT_SENTINEL, tag);

	if (!err)
		err = wait_tag(self->sent4, tag, 10000);
	if (!err)
		self->syncs++;
	return err;
}

/* Datagrams waiting on the sockets of ports 7001..7003 (v4 and v6), read and counted. */
static long long drain_udp(FIXTURE_DATA(xdp) *self)
{
	unsigned char buf[256];
	long long n = 0;
	int i;

	for (i = 0; i < NR_UDP_PORTS; i++) {
		while (recv(self->udp4[i], buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			n++;
		while (recv(self->udp6[i], buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			n++;
	}
	return n;
}

static int udp_bind(int v6, int port)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -errno;
	if (v6) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

		if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
	}
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

/* A packet socket receiving everything on @ifindex of the calling thread's namespace. */
static int pkt_listen(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	int size = 4 << 20;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		size = -errno;
		close(fd);
		return size;
	}
	return fd;
}

/*
 * Count frames arriving on packet socket @fd (not ones it sends) that carry
 * our marker with a tag in [first, first + n): waits up to @ms for all n,
 * then 200 ms more for extra ones. The first one is copied into @copy; if
 * @per_tag is given, per_tag[tag - first] counts each tag. Frames with other
 * tags are read and ignored.
 */
static int pkt_count_tags(int fd, unsigned int first, unsigned int n, int ms, struct frame *copy,
			  int *per_tag)
{
	double end = st_now_s() + ms / 1000.0;
	unsigned char buf[2048];
	int seen = 0, extra_wait = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((end - st_now_s()) * 1000);
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		ssize_t len;
		long tag;

		if (left < 0)
			return seen;
		if (poll(&p, 1, left) <= 0)
			continue;
		while ((len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sll,
				       &sl)) > 0) {
			sl = sizeof(sll);
			if (sll.sll_pkttype == PACKET_OUTGOING)
				continue;
			tag = frame_tag(buf, len);
			if (tag < first || tag >= (long)first + n)
				continue;
			if (!seen && copy) {
				memcpy(copy->b, buf, len < (ssize_t)sizeof(copy->b) ? len : sizeof(copy->b));
				copy->len = len;
			}
			if (per_tag)
				per_tag[tag - first]++;
			seen++;
		}
		if (seen >= (int)n && !extra_wait) {
			extra_wait = 1;
			end = st_now_s() + 0.2;
		}
	}
}

static int pkt_count(int fd, unsigned int first, unsigned int n, int ms, struct frame *copy)
{
	return pkt_count_tags(fd, first, n, ms, copy, NULL);
}

/* Enumerate links: how many have @hook (0: any); *found set if @id is among them. */
static int count_links(int dev, __u32 hook, __u32 id, bool *found)
{
	__u32 cur = 0, next;
	int n = 0;

	if (found)
		*found = false;
	while (!innerext_get_next_id(dev, IE_OBJ_LINK, cur, &next)) {
		struct ie_link_info li;

		cur = next;
		if (innerext_link_get_info_by_id(dev, next, &li))
			continue;
		if (found && next == id)
			*found = true;
		if (!hook || li.hook == hook)
			n++;
	}
	return n;
}

/* Wait up to @ms for no XDP link to exist (a namespace deleted earlier is still going away). */
static int wait_no_xdp_links(int dev, int ms)
{
	double end = st_now_s() + ms / 1000.0;

	while (count_links(dev, IE_HOOK_XDP, 0, NULL) > 0) {
		if (st_now_s() > end)
			return -ETIMEDOUT;
		msleep(20);
	}
	return 0;
}

/* Kernel messages since the last call (or the setup), appended to @buf. */
static void kmsg_read(int fd, char *buf, size_t sz)
{
	size_t len = strlen(buf);
	char rec[2048];
	ssize_t n;

	if (fd < 0)
		return;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on with the next */
		if (n <= 0)
			break;
		rec[n] = '\0';
		char *msg = strchr(rec, ';');

		msg = msg ? msg + 1 : rec;
		if (len + strlen(msg) + 1 < sz) {
			strcpy(buf + len, msg);
			len += strlen(msg);
		}
	}
}

static const char *const bad_kmsg[] = {
	"WARNING:", "BUG:", "Oops", "Call Trace", "general protection fault",
	"refcount_t:", "unregister_netdevice: waiting", "KASAN", "UBSAN",
};

static const char *kmsg_bad(const char *log)
{
	size_t i;

	for (i = 0; i < sizeof(bad_kmsg) / sizeof(bad_kmsg[0]); i++)
		if (strstr(log, bad_kmsg[i]))
			return bad_kmsg[i];
	return NULL;
}

static struct innerext_object *load_obj(const char *path, const char *name)
{
	INNEREXT_OPTS_DECLARE(innerext_object_open_opts, o, .object_name = name);
	struct innerext_object *obj = innerext_object__open_file(path, &o);
	int err;

	if (!obj)
		return NULL;
	err = innerext_object__load(obj);
	if (err) {
		innerext_object__close(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

static struct innerext_program *first_prog(struct innerext_object *obj)
{
	return innerext_object__next_program(obj, NULL);
}

static int prog_info(FIXTURE_DATA(xdp) *self, struct innerext_object *obj, struct ie_prog_info *info)
{
	return innerext_prog_get_info_by_id(self->dev, innerext_object__prog_id(obj), info);
}

static int cfg_set(struct innerext_object *obj, __u32 idx, __u32 val)
{
	struct innerext_map *m = innerext_object__find_map_by_name(obj, "xdp_cfg");

	if (!m)
		return -ENOENT;
	return innerext_map__update_elem(m, &idx, sizeof(idx), &val, sizeof(val), IE_ANY);
}

static int cfg_get(struct innerext_object *obj, __u32 idx, __u32 *val)
{
	struct innerext_map *m = innerext_object__find_map_by_name(obj, "xdp_cfg");

	if (!m)
		return -ENOENT;
	return innerext_map__lookup_elem(m, &idx, sizeof(idx), val, sizeof(*val), 0);
}

static int rule_set(struct innerext_object *obj, int port, int proto, int block)
{
	struct innerext_map *m = innerext_object__find_map_by_name(obj, XDP_BLOCKER_MAP_NAME);
	struct xdp_blocker_key k = { .port = port, .proto = proto };
	__u8 v = block;

	if (!m)
		return -ENOENT;
	if (block < 0)
		return innerext_map__delete_elem(m, &k, sizeof(k), 0);
	return innerext_map__update_elem(m, &k, sizeof(k), &v, sizeof(v), IE_ANY);
}

/* Raw IE_IOC_LINK_CREATE of @obj's first program; the module's reason in self->log. */
static int link_raw(FIXTURE_DATA(xdp) *self, struct innerext_object *obj, __u32 hook,
		    const char *target, __u32 ifindex, __u32 flags, __u32 *link_id)
{
	struct ie_link_create a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_fd = innerext_object__prog_fd(obj);
	a.entry = innerext_program__entry_index(first_prog(obj));
	a.hook = hook;
	a.flags = flags;
	a.ifindex = ifindex;
	snprintf(a.target, sizeof(a.target), "%s", target ? target : "");
	a.log_buf = (unsigned long)self->log;
	a.log_size = sizeof(self->log);
	fd = innerext_link_create(self->dev, &a);
	if (fd >= 0 && link_id)
		*link_id = a.link_id;
	return fd;
}

/* Attach @obj to vethB (we are in ns B). */
static struct innerext_link *attach_b(FIXTURE_DATA(xdp) *self, struct innerext_object *obj,
				      bool persistent)
{
	INNEREXT_OPTS_DECLARE(innerext_attach_opts, o, .persistent = persistent);

	self->syncs = 0;
	return innerext_program__attach_xdp(first_prog(obj), self->ifindex_b, &o);
}

static bool have_ebpf(void)
{
	return !access(EBPF_TOOL, X_OK) && !access(EBPF_OBJ, R_OK);
}

/* The eBPF twin's tool, run in the calling thread's namespace (ns B), its output in self->out. */
#define EBPF(fmt, ...) st_sh(self->out, sizeof(self->out), EBPF_TOOL " " fmt, ##__VA_ARGS__)

FIXTURE_SETUP(xdp)
{
	struct ifq qa, qb;
	const char *only;
	int i, err, tries;

	/*
	 * XDP_TEST_ONLY=SUBSTRING runs only the tests whose name contains it,
	 * XDP_TEST_ONLY=!SUBSTRING all others (the rest skip).
	 */
	only = getenv("XDP_TEST_ONLY");
	if (only && *only && (only[0] == '!' ? !!strstr(_metadata->name, only + 1) :
			      !strstr(_metadata->name, only)))
		_exit(255);	/* = SKIP, before anything was set up */
	innerext_set_print(quiet_print);
	self->tx = self->sent4 = self->sent6 = -1;
	self->ns_a = self->ns_b = self->ns_c = -1;
	for (i = 0; i < NR_UDP_PORTS; i++)
		self->udp4[i] = self->udp6[i] = -1;
	pin_cpu(0);

	self->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev) TH_LOG("open %s: %s", INNEREXT_DEV_PATH, strerror(errno));
	self->ns_orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ns_orig);
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (self->kmsg >= 0)
		lseek(self->kmsg, 0, SEEK_END);

	/* leftovers of a test that died, then a namespace deleted earlier going away */
	netns_cleanup();
	unlink(EBPF_PIN);
	unlink(EBPF_PIN_PROG);
	wait_no_xdp_links(self->dev, 10000);

	err = st_sh(self->out, sizeof(self->out),
		      "set -e; ip netns add " NS_A "; ip netns add " NS_B "; "
		      "ip -n " NS_A " link add vethA type veth peer name vethB netns " NS_B);
	ASSERT_EQ(0, err) TH_LOG("netns setup: %s", self->out);
	self->ns_a = ns_open(NS_A);
	self->ns_b = ns_open(NS_B);
	ASSERT_LE(0, self->ns_a);
	ASSERT_LE(0, self->ns_b);

	/* ns A: no IPv6 (no router/neighbour solicitations, MLD reports towards B) */
	ASSERT_EQ(0, ns_enter(self->ns_a));
	ASSERT_EQ(0, st_write_str("/proc/sys/net/ipv6/conf/vethA/disable_ipv6", "1"));
	err = st_sh(self->out, sizeof(self->out),
		      "set -e; ip -n " NS_B " addr add 10.77.0.2/24 dev vethB; "
		      "ip -n " NS_B " addr add fd00:77::2/64 dev vethB nodad; "
		      "ip -n " NS_B " link set lo up; ip -n " NS_B " link set vethB up; "
		      "ip -n " NS_A " link set vethA up");
	ASSERT_EQ(0, err) TH_LOG("addresses: %s", self->out);
	ASSERT_EQ(0, link_query("vethA", &qa));
	self->ifindex_a = qa.ifindex;
	memcpy(self->mac_a, qa.mac, ETH_ALEN);
	self->tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->tx);

	/* ns B: where the program runs and the receiving side is */
	ASSERT_EQ(0, ns_enter(self->ns_b));
	ASSERT_EQ(0, link_query("vethB", &qb));
	self->ifindex_b = qb.ifindex;
	memcpy(self->mac_b, qb.mac, ETH_ALEN);
	for (i = 0; i < NR_UDP_PORTS; i++) {
		self->udp4[i] = udp_bind(0, PORT_UDP_BLOCK + i);
		self->udp6[i] = udp_bind(1, PORT_UDP_BLOCK + i);
		ASSERT_LE(0, self->udp4[i]);
		ASSERT_LE(0, self->udp6[i]);
	}
	self->sent4 = udp_bind(0, PORT_SENTINEL);
	self->sent6 = udp_bind(1, PORT_SENTINEL);
	ASSERT_LE(0, self->sent4);
	ASSERT_LE(0, self->sent6);

	/* the path is up once a sentinel gets through (carrier, qdisc activation) */
	for (tries = 0; tries < 100; tries++) {
		unsigned int tag = ++self->seq;

		ASSERT_EQ(0, send_kind(self, K_UDP, 0, PORT_SENTINEL, tag));
		if (!wait_tag(self->sent4, tag, 200))
			break;
	}
	ASSERT_GT(100, tries) TH_LOG("no frame from vethA reached ns B");
	for (tries = 0; tries < 100; tries++) {
		unsigned int tag = ++self->seq;

		ASSERT_EQ(0, send_kind(self, K_UDP, 1, PORT_SENTINEL, tag));
		if (!wait_tag(self->sent6, tag, 200))
			break;
	}
	ASSERT_GT(100, tries) TH_LOG("no IPv6 frame from vethA reached ns B");
}

/*
 * The runtime may stop a run (time budget, fault...): the packet is then
 * dropped, which would show as a wrong count somewhere. Say so explicitly.
 */
static void expect_no_aborts(struct __test_metadata *_metadata, FIXTURE_DATA(xdp) *self,
			     struct innerext_object *obj)
{
	struct ie_prog_info info;
	unsigned long long n = 0;
	int i;

	if (!obj || self->dev < 0 || prog_info(self, obj, &info))
		return;
	for (i = 0; i < IE_ABORT_NR_REASONS; i++)
		n += info.aborts[i];
	EXPECT_EQ(0, n) TH_LOG("the runtime stopped %llu runs of '%s' (timeout %llu, stack %llu, "
			       "fault %llu, helper %llu): their frames got the fail action", n,
			       info.name, (unsigned long long)info.aborts[IE_ABORT_TIMEOUT],
			       (unsigned long long)info.aborts[IE_ABORT_STACK],
			       (unsigned long long)info.aborts[IE_ABORT_FAULT],
			       (unsigned long long)info.aborts[IE_ABORT_HELPER]);
}

FIXTURE_TEARDOWN(xdp)
{
	char log[16384] = "";
	const char *bad;
	int i;

	expect_no_aborts(_metadata, self, self->obj);
	expect_no_aborts(_metadata, self, self->obj2);
	if (self->link)
		innerext_link__destroy(self->link);
	if (self->ns_b >= 0)
		ns_enter(self->ns_b);
	if (self->ebpf_attached)
		EBPF("detach vethB");
	innerext_object__close(self->obj);
	innerext_object__close(self->obj2);
	for (i = 0; i < NR_UDP_PORTS; i++) {
		if (self->udp4[i] >= 0)
			close(self->udp4[i]);
		if (self->udp6[i] >= 0)
			close(self->udp6[i]);
	}
	if (self->sent4 >= 0)
		close(self->sent4);
	if (self->sent6 >= 0)
		close(self->sent6);
	if (self->tx >= 0)
		close(self->tx);
	ns_enter(self->ns_orig);
	if (self->ns_a >= 0)
		close(self->ns_a);
	if (self->ns_b >= 0)
		close(self->ns_b);
	if (self->ns_c >= 0)
		close(self->ns_c);
	netns_cleanup();
	unlink(EBPF_PIN);
	unlink(EBPF_PIN_PROG);
	/* persistent links die with their devices: give the namespaces time to go */
	wait_no_xdp_links(self->dev, 10000);
	kmsg_read(self->kmsg, log, sizeof(log));
	bad = kmsg_bad(log);
	EXPECT_EQ(NULL, bad) TH_LOG("kernel log during the test:\n%s", log);
	if (self->kmsg >= 0)
		close(self->kmsg);
	close(self->dev);
}

/* ------------------------------------------------------------------ matrix runner */

/*
 * Send MATRIX_K frames of every case (sentinel after each case) and check ns
 * B's counters: all of them or none got through, as @c->drop says (@rules:
 * whether the rules are in place; without them everything passes). Fills
 * @delivered (frames that got through per case, -1 if the counters fit
 * neither) and returns the number of frames expected to be dropped.
 */
static long long run_matrix(struct __test_metadata *_metadata, FIXTURE_DATA(xdp) *self,
			    const char *who, long long delivered[NR_MCASES])
{
	long long dropped = 0;
	size_t i;
	int k;

	for (i = 0; i < NR_MCASES; i++) {
		const struct mcase *c = &mcases[i];
		struct rx before, after, d, full, none;
		char b1[256], b2[256];
		long long drained;

		memset(&none, 0, sizeof(none));
		ASSERT_EQ(0, rx_read(&before));
		for (k = 0; k < MATRIX_K; k++)
			ASSERT_EQ(0, send_kind(self, c->kind, c->v6, c->port, 1000 + i * 16 + k));
		ASSERT_EQ(0, sync_b(self)) TH_LOG("%s: %s: sentinel lost", who, c->name);
		drained = drain_udp(self);	/* before: InDatagrams counts reads */
		ASSERT_EQ(0, rx_read(&after));
		rx_sub(&d, &after, &before);
		d.ip_in--;		/* the sentinel */
		d.udp_in--;
		mcase_expect(c, MATRIX_K, &full);
		if (!memcmp(&d, &full, sizeof(d)))
			delivered[i] = MATRIX_K;
		else if (!memcmp(&d, &none, sizeof(d)))
			delivered[i] = 0;
		else
			delivered[i] = -1;
		EXPECT_EQ(c->drop ? 0 : MATRIX_K, delivered[i])
			TH_LOG("%s: %s: counters moved by {%s}, want {%s}", who, c->name,
			       rx_fmt(&d, b1, sizeof(b1)),
			       rx_fmt(c->drop ? &none : &full, b2, sizeof(b2)));
		/* UDP datagrams counted in ns B are in our sockets */
		EXPECT_EQ(d.udp_in + d.udp6_in, drained) TH_LOG("%s: %s", who, c->name);
		if (c->drop)
			dropped += MATRIX_K;
	}
	return dropped;
}

static long long matrix_total(void)
{
	return (long long)NR_MCASES * MATRIX_K;
}

/* Native blocker on vethB with the matrix rules; the matrix, and its action counters. */
static void native_blocker_matrix(struct __test_metadata *_metadata, FIXTURE_DATA(xdp) *self,
				  long long delivered[NR_MCASES])
{
	struct ie_prog_info info;
	long long dropped;

	self->obj = load_obj(BLOCKER_OBJ, "xdp_blocker");
	ASSERT_NE(NULL, self->obj) TH_LOG("load %s: %s", BLOCKER_OBJ, strerror(errno));
	ASSERT_EQ(0, rule_set(self->obj, PORT_UDP_BLOCK, IPPROTO_UDP, 1));
	ASSERT_EQ(0, rule_set(self->obj, PORT_TCP_BLOCK, IPPROTO_TCP, 1));
	self->link = attach_b(self, self->obj, false);
	ASSERT_NE(NULL, self->link) TH_LOG("attach_xdp: %s", strerror(errno));

	dropped = run_matrix(_metadata, self, "native", delivered);

	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(dropped, info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(matrix_total() - dropped + self->syncs, info.xdp_actions[IE_XDP_PASS]);
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_ABORTED]);
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_TX]);
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_REDIRECT]);
	EXPECT_EQ(0, info.xdp_invalid);
	EXPECT_EQ(0, info.xdp_tx_errors);
	EXPECT_EQ(matrix_total() + self->syncs, info.run_cnt);
	EXPECT_EQ(0, info.recursion_misses);
}

static void ebpf_blocker_matrix(struct __test_metadata *_metadata, FIXTURE_DATA(xdp) *self,
				const char *mode, long long delivered[NR_MCASES])
{
	char who[32];

	ASSERT_EQ(0, EBPF("attach vethB --mode %s", mode)) TH_LOG("%s", self->out);
	self->ebpf_attached = true;
	ASSERT_EQ(0, EBPF("add_rule %d udp", PORT_UDP_BLOCK)) TH_LOG("%s", self->out);
	ASSERT_EQ(0, EBPF("add_rule %d tcp", PORT_TCP_BLOCK)) TH_LOG("%s", self->out);
	snprintf(who, sizeof(who), "ebpf %s", mode);
	run_matrix(_metadata, self, who, delivered);
	ASSERT_EQ(0, EBPF("detach vethB")) TH_LOG("%s", self->out);
	self->ebpf_attached = false;
}

/* ------------------------------------------------------------------ the blocker */

/* Reference: with nothing attached every frame of the matrix is delivered. */
TEST_F(xdp, matrix_without_program_all_delivered)
{
	long long delivered[NR_MCASES];
	size_t i;

	for (i = 0; i < NR_MCASES; i++) {
		struct rx before, after, d, full;
		int k;

		ASSERT_EQ(0, rx_read(&before));
		for (k = 0; k < MATRIX_K; k++)
			ASSERT_EQ(0, send_kind(self, mcases[i].kind, mcases[i].v6, mcases[i].port, k));
		ASSERT_EQ(0, sync_b(self));
		drain_udp(self);
		ASSERT_EQ(0, rx_read(&after));
		rx_sub(&d, &after, &before);
		d.ip_in--;
		d.udp_in--;
		mcase_expect(&mcases[i], MATRIX_K, &full);
		delivered[i] = memcmp(&d, &full, sizeof(d)) ? -1 : MATRIX_K;
		EXPECT_EQ(MATRIX_K, delivered[i]) TH_LOG("%s: %s", mcases[i].name,
							 rx_fmt(&d, self->out, sizeof(self->out)));
	}
}

TEST_F(xdp, blocker_native_matrix)
{
	long long delivered[NR_MCASES];

	native_blocker_matrix(_metadata, self, delivered);
}

TEST_F(xdp, blocker_ebpf_generic_matrix)
{
	long long delivered[NR_MCASES];

	if (!have_ebpf())
		SKIP(return, EBPF_TOOL " or " EBPF_OBJ " not built");
	ebpf_blocker_matrix(_metadata, self, "generic", delivered);
}

TEST_F(xdp, blocker_ebpf_native_matrix)
{
	long long delivered[NR_MCASES];

	if (!have_ebpf())
		SKIP(return, EBPF_TOOL " or " EBPF_OBJ " not built");
	ebpf_blocker_matrix(_metadata, self, "native", delivered);
}

/* The native blocker and its eBPF twin drop and pass exactly the same frames. */
TEST_F_TIMEOUT(xdp, blocker_native_and_ebpf_twin_agree, 120)
{
	long long native[NR_MCASES], ebpf[NR_MCASES];
	size_t i;

	if (!have_ebpf())
		SKIP(return, EBPF_TOOL " or " EBPF_OBJ " not built");
	native_blocker_matrix(_metadata, self, native);
	ASSERT_EQ(0, innerext_link__destroy(self->link));
	self->link = NULL;
	ebpf_blocker_matrix(_metadata, self, "generic", ebpf);
	for (i = 0; i < NR_MCASES; i++) {
		const char *name = mcases[i].name;
		long long n = native[i], e = ebpf[i];

		EXPECT_EQ(n, e) TH_LOG("%s: native delivered %lld, eBPF %lld", name, n, e);
	}
}

/* One UDP frame to @port (v6 if asked): 1 if ns B received it, 0 if not, -1 on trouble. */
static int probe_port(FIXTURE_DATA(xdp) *self, int v6, int port)
{
	unsigned char buf[256];
	int fd = v6 ? self->udp6[port - PORT_UDP_BLOCK] : self->udp4[port - PORT_UDP_BLOCK];
	int got = 0;

	drain_udp(self);
	if (send_kind(self, K_UDP, v6, port, 77) || sync_b(self))
		return -1;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	return got;
}

/* Rules added and removed through the map take effect at once, no reload. */
TEST_F(xdp, blocker_native_rules_change_live)
{
	struct ie_prog_info info;

	self->obj = load_obj(BLOCKER_OBJ, "xdp_blocker");
	ASSERT_NE(NULL, self->obj);
	self->link = attach_b(self, self->obj, false);
	ASSERT_NE(NULL, self->link);

	EXPECT_EQ(1, probe_port(self, 0, PORT_UDP_OK));
	ASSERT_EQ(0, rule_set(self->obj, PORT_UDP_OK, IPPROTO_UDP, 1));
	EXPECT_EQ(0, probe_port(self, 0, PORT_UDP_OK));
	EXPECT_EQ(0, probe_port(self, 1, PORT_UDP_OK));
	ASSERT_EQ(0, rule_set(self->obj, PORT_UDP_OK, IPPROTO_UDP, 0));	/* kept, lets pass */
	EXPECT_EQ(1, probe_port(self, 0, PORT_UDP_OK));
	ASSERT_EQ(0, rule_set(self->obj, PORT_UDP_OK, IPPROTO_UDP, 1));
	EXPECT_EQ(0, probe_port(self, 1, PORT_UDP_OK));
	ASSERT_EQ(0, rule_set(self->obj, PORT_UDP_OK, IPPROTO_UDP, -1));	/* deleted */
	EXPECT_EQ(1, probe_port(self, 0, PORT_UDP_OK));
	EXPECT_EQ(1, probe_port(self, 1, PORT_UDP_OK));

	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(3, info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(4 + self->syncs, info.xdp_actions[IE_XDP_PASS]);
}

/* The same with the native rule tool, which finds the map by name. */
TEST_F(xdp, blocker_native_rule_tool)
{
	if (access(BLOCKER_USER, X_OK))
		SKIP(return, BLOCKER_USER " not built");
	self->obj = load_obj(BLOCKER_OBJ, "xdp_blocker");
	ASSERT_NE(NULL, self->obj);
	self->link = attach_b(self, self->obj, false);
	ASSERT_NE(NULL, self->link);

	EXPECT_EQ(1, probe_port(self, 0, PORT_UDP_OK));
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), BLOCKER_USER " add_rule %d udp",
			     PORT_UDP_OK)) TH_LOG("%s", self->out);
	EXPECT_EQ(0, probe_port(self, 0, PORT_UDP_OK));
	EXPECT_EQ(0, probe_port(self, 1, PORT_UDP_OK));
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), BLOCKER_USER " list"))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "7003")) TH_LOG("list: %s", self->out);
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), BLOCKER_USER " del_rule %d udp",
			     PORT_UDP_OK)) TH_LOG("%s", self->out);
	EXPECT_EQ(1, probe_port(self, 0, PORT_UDP_OK));
	EXPECT_EQ(1, probe_port(self, 1, PORT_UDP_OK));
}

TEST_F(xdp, blocker_ebpf_rules_change_live)
{
	if (!have_ebpf())
		SKIP(return, EBPF_TOOL " or " EBPF_OBJ " not built");
	ASSERT_EQ(0, EBPF("attach vethB --mode generic")) TH_LOG("%s", self->out);
	self->ebpf_attached = true;
	EXPECT_EQ(1, probe_port(self, 0, PORT_UDP_OK));
	ASSERT_EQ(0, EBPF("add_rule %d udp", PORT_UDP_OK)) TH_LOG("%s", self->out);
	EXPECT_EQ(0, probe_port(self, 0, PORT_UDP_OK));
	EXPECT_EQ(0, probe_port(self, 1, PORT_UDP_OK));
	ASSERT_EQ(0, EBPF("list")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "7003")) TH_LOG("list: %s", self->out);
	ASSERT_EQ(0, EBPF("del_rule %d udp", PORT_UDP_OK)) TH_LOG("%s", self->out);
	EXPECT_EQ(1, probe_port(self, 0, PORT_UDP_OK));
	EXPECT_EQ(1, probe_port(self, 1, PORT_UDP_OK));
}

/* ------------------------------------------------------------------ verdicts */

/* The verdict fixture, loaded as @name, returning IE_XDP_PASS until told otherwise. */
static struct innerext_object *load_verdict(const char *name)
{
	struct innerext_object *obj = load_obj(VERDICT_OBJ, name);

	if (obj && cfg_set(obj, XV_ACTION, IE_XDP_PASS)) {
		innerext_object__close(obj);
		return NULL;
	}
	return obj;
}

static void verdict_attach(struct __test_metadata *_metadata, FIXTURE_DATA(xdp) *self, __u32 act)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj) TH_LOG("load %s: %s", VERDICT_OBJ, strerror(errno));
	ASSERT_EQ(0, cfg_set(self->obj, XV_ACTION, act));
	self->link = attach_b(self, self->obj, false);
	ASSERT_NE(NULL, self->link) TH_LOG("attach_xdp: %s", strerror(errno));
}

/* @n UDP frames to 7003 (tags from @tag0), then a sentinel: how many ns B received. */
static long long send_udp_batch(struct __test_metadata *_metadata, FIXTURE_DATA(xdp) *self,
				int n, unsigned int tag0)
{
	struct rx before, after, d;
	long long drained;
	int i;

	drain_udp(self);
	ASSERT_EQ(0, rx_read(&before));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, send_kind(self, K_UDP, 0, PORT_UDP_OK, tag0 + i));
	ASSERT_EQ(0, sync_b(self));
	drained = drain_udp(self);
	ASSERT_EQ(0, rx_read(&after));
	rx_sub(&d, &after, &before);
	EXPECT_EQ(d.udp_in - 1, drained);
	EXPECT_EQ(d.ip_in - 1, drained);
	return drained;
}

TEST_F(xdp, verdict_pass_and_drop)
{
	struct ie_prog_info info;
	__u32 seen = 0;

	verdict_attach(_metadata, self, IE_XDP_PASS);
	EXPECT_EQ(10, send_udp_batch(_metadata, self, 10, 100));
	ASSERT_EQ(0, cfg_set(self->obj, XV_ACTION, IE_XDP_DROP));
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 7, 200));
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(10 + self->syncs, info.xdp_actions[IE_XDP_PASS]);
	EXPECT_EQ(7, info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_ABORTED]);
	EXPECT_EQ(0, info.xdp_invalid);
	ASSERT_EQ(0, cfg_get(self->obj, XV_SEEN, &seen));
	EXPECT_EQ(17 + self->syncs, seen);
}

TEST_F(xdp, verdict_aborted_drops_and_counts)
{
	struct ie_prog_info info;

	verdict_attach(_metadata, self, IE_XDP_ABORTED);
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 9, 100));
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(9, info.xdp_actions[IE_XDP_ABORTED]);
	EXPECT_EQ(0, info.xdp_invalid);
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(self->syncs, info.xdp_actions[IE_XDP_PASS]);
}

TEST_F(xdp, verdict_invalid_value_drops_and_counts)
{
	struct ie_prog_info info;

	verdict_attach(_metadata, self, 77);
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 6, 100));
	ASSERT_EQ(0, cfg_set(self->obj, XV_ACTION, (__u32)-1));
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 2, 200));
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(8, info.xdp_invalid);
	EXPECT_EQ(8, info.xdp_actions[IE_XDP_ABORTED]);	/* counted as aborted too */
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(self->syncs, info.xdp_actions[IE_XDP_PASS]);
}

/* TX: the program swaps the MACs, the frame goes back out of vethB to ns A. */
TEST_F(xdp, verdict_tx_bounces_back)
{
	struct ie_prog_info info;
	struct frame sent, back = { .len = 0 };
	int rxa, n;

	ASSERT_EQ(0, ns_enter(self->ns_a));
	rxa = pkt_listen(self->ifindex_a);
	ASSERT_EQ(0, ns_enter(self->ns_b));
	ASSERT_LE(0, rxa);

	verdict_attach(_metadata, self, IE_XDP_TX);
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 12, 500));
	n = pkt_count(rxa, 500, 12, 10000, &back);
	close(rxa);
	EXPECT_EQ(12, n);

	/* the same bytes, Ethernet addresses swapped */
	build(&sent, self->mac_a, self->mac_b, K_UDP, 0, PORT_UDP_OK, 500);
	ASSERT_EQ(sent.len, back.len);
	EXPECT_EQ(0, memcmp(back.b, self->mac_a, ETH_ALEN));
	EXPECT_EQ(0, memcmp(back.b + 6, self->mac_b, ETH_ALEN));
	EXPECT_EQ(0, memcmp(back.b + 12, sent.b + 12, sent.len - 12));

	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(12, info.xdp_actions[IE_XDP_TX]);
	EXPECT_EQ(0, info.xdp_tx_errors);
	EXPECT_EQ(self->syncs, info.xdp_actions[IE_XDP_PASS]);
}

/* ns B gets a second veth pair vethB2 <-> vethC (ns C); returns vethB2's ifindex. */
static int add_ns_c(struct __test_metadata *_metadata, FIXTURE_DATA(xdp) *self, int *ifindex_c)
{
	struct ifq q;
	int err;

	err = st_sh(self->out, sizeof(self->out),
		      "set -e; ip netns add " NS_C "; "
		      "ip -n " NS_B " link add vethB2 type veth peer name vethC netns " NS_C);
	ASSERT_EQ(0, err) TH_LOG("%s", self->out);
	self->ns_c = ns_open(NS_C);
	ASSERT_LE(0, self->ns_c);
	ASSERT_EQ(0, st_write_str("/proc/sys/net/ipv6/conf/vethB2/disable_ipv6", "1"));
	ASSERT_EQ(0, ns_enter(self->ns_c));
	ASSERT_EQ(0, st_write_str("/proc/sys/net/ipv6/conf/vethC/disable_ipv6", "1"));
	ASSERT_EQ(0, link_query("vethC", &q));
	*ifindex_c = q.ifindex;
	ASSERT_EQ(0, ns_enter(self->ns_b));
	err = st_sh(self->out, sizeof(self->out), "set -e; ip -n " NS_C " link set vethC up; "
		      "ip -n " NS_B " link set vethB2 up");
	ASSERT_EQ(0, err) TH_LOG("%s", self->out);
	ASSERT_EQ(0, link_query("vethB2", &q));
	return q.ifindex;
}

/* REDIRECT: out of vethB2, into ns C. */
TEST_F(xdp, verdict_redirect_to_third_namespace)
{
	struct ie_prog_info info;
	struct frame sent, got = { .len = 0 };
	int ifindex_b2, ifindex_c, rxc, n;
	double end;

	ifindex_b2 = add_ns_c(_metadata, self, &ifindex_c);
	ASSERT_EQ(0, ns_enter(self->ns_c));
	rxc = pkt_listen(ifindex_c);
	ASSERT_EQ(0, ns_enter(self->ns_b));
	ASSERT_LE(0, rxc);

	verdict_attach(_metadata, self, IE_XDP_REDIRECT);
	ASSERT_EQ(0, cfg_set(self->obj, XV_IFINDEX, ifindex_b2));
	/* vethB2's carrier and qdisc come up asynchronously: wait until one gets through */
	end = st_now_s() + 10;
	do {
		EXPECT_EQ(0, send_udp_batch(_metadata, self, 1, 900));
		n = pkt_count(rxc, 900, 1, 200, NULL);
	} while (n < 1 && st_now_s() < end);
	ASSERT_EQ(1, n);
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	__u64 warm = info.xdp_actions[IE_XDP_REDIRECT], warm_err = info.xdp_tx_errors;

	EXPECT_EQ(0, send_udp_batch(_metadata, self, 15, 1000));
	n = pkt_count(rxc, 1000, 15, 10000, &got);
	close(rxc);
	EXPECT_EQ(15, n);
	build(&sent, self->mac_a, self->mac_b, K_UDP, 0, PORT_UDP_OK, 1000);
	ASSERT_EQ(sent.len, got.len);
	EXPECT_EQ(0, memcmp(got.b, sent.b, sent.len));	/* unchanged */

	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(warm + 15, info.xdp_actions[IE_XDP_REDIRECT]);
	EXPECT_EQ(warm_err, info.xdp_tx_errors);
	EXPECT_EQ(self->syncs, info.xdp_actions[IE_XDP_PASS]);
}

/* REDIRECT to a device that does not exist or is down: dropped, counted as tx errors. */
TEST_F(xdp, verdict_redirect_failures_counted)
{
	struct ie_prog_info info;
	int ifindex_b2, ifindex_c;

	ifindex_b2 = add_ns_c(_metadata, self, &ifindex_c);
	verdict_attach(_metadata, self, IE_XDP_REDIRECT);
	ASSERT_EQ(0, cfg_set(self->obj, XV_IFINDEX, 999999));
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 4, 100));
	ASSERT_EQ(0, cfg_set(self->obj, XV_IFINDEX, 0));
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 3, 200));
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), "ip -n " NS_B " link set vethB2 down"));
	ASSERT_EQ(0, cfg_set(self->obj, XV_IFINDEX, ifindex_b2));
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 5, 300));
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(12, info.xdp_actions[IE_XDP_REDIRECT]);
	EXPECT_EQ(12, info.xdp_tx_errors);
	EXPECT_EQ(self->syncs, info.xdp_actions[IE_XDP_PASS]);
}

/*
 * The frame is sent to a MAC nobody has (PACKET_OTHERHOST: the IP stack drops
 * it); the program writes vethB's MAC into it and passes it: the module
 * classifies it again and it is delivered. And the other way round.
 */
TEST_F(xdp, verdict_pass_rewritten_header_reclassified)
{
	static const unsigned char other[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
	__u32 lo, hi = 0;
	struct frame f;
	int i;

	verdict_attach(_metadata, self, IE_XDP_PASS);
	/* reference: to another MAC, nothing arrives */
	for (i = 0; i < 4; i++) {
		build(&f, self->mac_a, other, K_UDP, 0, PORT_UDP_OK, 10 + i);
		ASSERT_EQ(0, send_frame(self, &f));
	}
	ASSERT_EQ(0, sync_b(self));
	EXPECT_EQ(0, drain_udp(self));

	memcpy(&lo, self->mac_b, 4);
	memcpy(&hi, self->mac_b + 4, 2);
	ASSERT_EQ(0, cfg_set(self->obj, XV_DST_LO, lo));
	ASSERT_EQ(0, cfg_set(self->obj, XV_DST_HI, hi));
	ASSERT_EQ(0, cfg_set(self->obj, XV_SET_DST, 1));
	for (i = 0; i < 5; i++) {
		build(&f, self->mac_a, other, K_UDP, 0, PORT_UDP_OK, 20 + i);
		ASSERT_EQ(0, send_frame(self, &f));
	}
	ASSERT_EQ(0, sync_b(self));
	EXPECT_EQ(5, drain_udp(self));

	/* to vethB's MAC, rewritten to another one: no longer for this host */
	memcpy(&lo, other, 4);
	memcpy(&hi, other + 4, 2);
	ASSERT_EQ(0, cfg_set(self->obj, XV_DST_LO, lo));
	ASSERT_EQ(0, cfg_set(self->obj, XV_DST_HI, hi));
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 3, 30));
}

/*
 * REDIRECT of a frame larger than the target device's MTU: not sent, counted
 * as a tx error. An IP packet exactly the MTU long goes through.
 */
TEST_F(xdp, verdict_redirect_larger_than_target_mtu)
{
	struct ie_prog_info info;
	struct frame f;
	int ifindex_b2, ifindex_c, rxc, n, seen[4] = { 0 };
	double end;
	__u64 redir0, err0;

	ifindex_b2 = add_ns_c(_metadata, self, &ifindex_c);
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), "ip -n " NS_B " link set vethB2 mtu 1400"))
		TH_LOG("%s", self->out);
	ASSERT_EQ(0, ns_enter(self->ns_c));
	rxc = pkt_listen(ifindex_c);
	ASSERT_EQ(0, ns_enter(self->ns_b));
	ASSERT_LE(0, rxc);
	verdict_attach(_metadata, self, IE_XDP_REDIRECT);
	ASSERT_EQ(0, cfg_set(self->obj, XV_IFINDEX, ifindex_b2));
	end = st_now_s() + 10;
	do {
		EXPECT_EQ(0, send_udp_batch(_metadata, self, 1, 900));
		n = pkt_count(rxc, 900, 1, 200, NULL);
	} while (n < 1 && st_now_s() < end);
	ASSERT_EQ(1, n);
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	redir0 = info.xdp_actions[IE_XDP_REDIRECT];
	err0 = info.xdp_tx_errors;

	build_big_udp(&f, self->mac_a, self->mac_b, PORT_UDP_OK, 1400, 1400);	/* = MTU */
	ASSERT_EQ(0, send_frame(self, &f));
	build_big_udp(&f, self->mac_a, self->mac_b, PORT_UDP_OK, 1401, 1401);	/* MTU + 1 */
	ASSERT_EQ(0, send_frame(self, &f));
	build_big_udp(&f, self->mac_a, self->mac_b, PORT_UDP_OK, 1402, 1414);	/* MTU + 14 */
	ASSERT_EQ(0, send_frame(self, &f));
	build_big_udp(&f, self->mac_a, self->mac_b, PORT_UDP_OK, 1403, 1500);	/* vethB's MTU */
	ASSERT_EQ(0, send_frame(self, &f));
	ASSERT_EQ(0, sync_b(self));
	/* up to 2 s for all four (only the first may come) */
	pkt_count_tags(rxc, 1400, 4, 2000, NULL, seen);
	close(rxc);
	EXPECT_EQ(1, seen[0]) TH_LOG("the 1400-byte packet must arrive in ns C");
	EXPECT_EQ(0, seen[1]) TH_LOG("a 1401-byte packet went through vethB2 (MTU 1400)");
	EXPECT_EQ(0, seen[2]) TH_LOG("a 1414-byte packet went through vethB2 (MTU 1400)");
	EXPECT_EQ(0, seen[3]) TH_LOG("a 1500-byte packet went through vethB2 (MTU 1400)");
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(redir0 + 4, info.xdp_actions[IE_XDP_REDIRECT]);
	EXPECT_EQ(err0 + 3, info.xdp_tx_errors);
}

/* ------------------------------------------------------------------ attach paths */

TEST_F(xdp, attach_by_name_and_by_ifindex)
{
	struct ie_link_info li;
	__u32 id;
	int fd;

	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	fd = link_raw(self, self->obj, IE_HOOK_XDP, "vethB", 0, 0, &id);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", strerror(-fd), self->log);
	ASSERT_EQ(0, innerext_link_get_info_by_id(self->dev, id, &li));
	EXPECT_EQ(IE_HOOK_XDP, li.hook);
	EXPECT_EQ(1, li.attached);
	EXPECT_EQ(self->ifindex_b, li.ifindex);
	EXPECT_STREQ("vethB", li.target);
	EXPECT_STREQ("xdp_verdict", li.entry_name);
	close(fd);

	fd = link_raw(self, self->obj, IE_HOOK_XDP, NULL, self->ifindex_b, 0, &id);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", strerror(-fd), self->log);
	ASSERT_EQ(0, innerext_link_get_info_by_id(self->dev, id, &li));
	EXPECT_EQ(1, li.attached);
	EXPECT_EQ(self->ifindex_b, li.ifindex);
	EXPECT_STREQ("vethB", li.target);
	/* the program sees frames */
	EXPECT_EQ(3, send_udp_batch(_metadata, self, 3, 10));
	close(fd);
}

TEST_F(xdp, attach_bridge_port_ebusy)
{
	int fd;

	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out),
			     "set -e; ip -n " NS_B " link add br0 type bridge; "
			     "ip -n " NS_B " link set vethB master br0")) TH_LOG("%s", self->out);
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	fd = link_raw(self, self->obj, IE_HOOK_XDP, "vethB", 0, 0, NULL);
	ASSERT_EQ(-EBUSY, fd);
	EXPECT_NE(NULL, strstr(self->log, "bridge port")) TH_LOG("log: %s", self->log);
	/* released by the bridge, the device can be taken */
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), "ip -n " NS_B " link set vethB nomaster"));
	fd = link_raw(self, self->obj, IE_HOOK_XDP, "vethB", 0, 0, NULL);
	ASSERT_LE(0, fd) TH_LOG("%s", self->log);
	/* and now the bridge cannot take it */
	EXPECT_NE(0, st_sh(self->out, sizeof(self->out), "ip -n " NS_B " link set vethB master br0"));
	close(fd);
}

TEST_F(xdp, attach_second_program_ebusy)
{
	__u32 id;
	char want[128];
	int fd, fd2;

	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	self->obj2 = load_verdict("xdp_second");
	ASSERT_NE(NULL, self->obj2);
	fd = link_raw(self, self->obj, IE_HOOK_XDP, "vethB", 0, 0, &id);
	ASSERT_LE(0, fd) TH_LOG("%s", self->log);
	fd2 = link_raw(self, self->obj2, IE_HOOK_XDP, "vethB", 0, 0, NULL);
	EXPECT_EQ(-EBUSY, fd2);
	EXPECT_NE(NULL, strstr(self->log, "'xdp_verdict'")) TH_LOG("log: %s", self->log);
	snprintf(want, sizeof(want), "link %u", id);
	EXPECT_NE(NULL, strstr(self->log, want)) TH_LOG("log: %s", self->log);
	/* the same program twice is refused as well */
	fd2 = link_raw(self, self->obj, IE_HOOK_XDP, NULL, self->ifindex_b, 0, NULL);
	EXPECT_EQ(-EBUSY, fd2);
	close(fd);
	/* after the first one is gone, the second one may attach */
	fd2 = link_raw(self, self->obj2, IE_HOOK_XDP, "vethB", 0, 0, NULL);
	EXPECT_LE(0, fd2) TH_LOG("%s", self->log);
	if (fd2 >= 0)
		close(fd2);
}

TEST_F(xdp, attach_missing_name_enodev)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(-ENODEV, link_raw(self, self->obj, IE_HOOK_XDP, "nosuchdev0", 0, 0, NULL));
	EXPECT_NE(NULL, strstr(self->log, "nosuchdev0")) TH_LOG("log: %s", self->log);
}

TEST_F(xdp, attach_missing_ifindex_enodev)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(-ENODEV, link_raw(self, self->obj, IE_HOOK_XDP, NULL, 999999, 0, NULL));
	EXPECT_NE(NULL, strstr(self->log, "999999")) TH_LOG("log: %s", self->log);
}

/* Devices are looked up in the caller's network namespace. */
TEST_F(xdp, attach_other_namespace_enodev)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(0, ns_enter(self->ns_a));
	EXPECT_EQ(-ENODEV, link_raw(self, self->obj, IE_HOOK_XDP, "vethB", 0, 0, NULL));
	EXPECT_EQ(-ENODEV, link_raw(self, self->obj, IE_HOOK_XDP, NULL, self->ifindex_b == self->ifindex_a ?
				   999998 : self->ifindex_b, 0, NULL));
	ASSERT_EQ(0, ns_enter(self->ns_b));
}

TEST_F(xdp, attach_name_and_ifindex_einval)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(-EINVAL, link_raw(self, self->obj, IE_HOOK_XDP, "vethB", self->ifindex_b, 0, NULL));
	EXPECT_NE(NULL, strstr(self->log, "not both")) TH_LOG("log: %s", self->log);
}

TEST_F(xdp, attach_syscall_nr_flag_einval)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(-EINVAL, link_raw(self, self->obj, IE_HOOK_XDP, "vethB", 0,
				    IE_LINK_F_SYSCALL_NR, NULL));
	EXPECT_NE(NULL, strstr(self->log, "syscall")) TH_LOG("log: %s", self->log);
}

TEST_F(xdp, attach_kprobe_with_ifindex_einval)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(-EINVAL, link_raw(self, self->obj, IE_HOOK_KPROBE, "__x64_sys_dup",
				    self->ifindex_b, 0, NULL));
	EXPECT_NE(NULL, strstr(self->log, "ifindex")) TH_LOG("log: %s", self->log);
}

TEST_F(xdp, attach_loopback_eopnotsupp)
{
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(-EOPNOTSUPP, link_raw(self, self->obj, IE_HOOK_XDP, "lo", 0, 0, NULL));
	EXPECT_NE(NULL, strstr(self->log, "not an Ethernet device")) TH_LOG("log: %s", self->log);
}

/* ------------------------------------------------------------------ devices going away */

static long long module_refcnt(void)
{
	return st_read_ll("/sys/module/innerext/refcnt");
}

static struct ie_version version(FIXTURE_DATA(xdp) *self)
{
	struct ie_version v;

	if (innerext_get_version(self->dev, &v))
		memset(&v, 0xff, sizeof(v));
	return v;
}

/* Wait up to @ms for link @id to be gone; true if it is. */
static bool wait_link_gone(int dev, __u32 id, int ms)
{
	double end = st_now_s() + ms / 1000.0;
	bool found;

	for (;;) {
		count_links(dev, 0, id, &found);
		if (!found)
			return true;
		if (st_now_s() > end)
			return false;
		msleep(20);
	}
}

/* The link fd stays; the device is deleted under it. */
TEST_F(xdp, veth_deleted_while_attached_link_fd)
{
	struct ie_version v0 = version(self), v;
	long long ref0 = module_refcnt();
	struct ie_link_info li;
	char log[8192] = "", want[128];
	__u32 id;
	bool found;

	verdict_attach(_metadata, self, IE_XDP_PASS);
	id = innerext_link__id(self->link);
	EXPECT_EQ(4, send_udp_batch(_metadata, self, 4, 10));

	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), "ip -n " NS_B " link del vethB"))
		TH_LOG("%s", self->out);
	ASSERT_EQ(0, innerext_link_get_info_by_id(self->dev, id, &li));
	EXPECT_EQ(0, li.attached);
	EXPECT_EQ(0, li.ifindex);
	/* the link lives while its fd does */
	msleep(200);
	count_links(self->dev, 0, id, &found);
	EXPECT_TRUE(found);
	kmsg_read(self->kmsg, log, sizeof(log));
	snprintf(want, sizeof(want), "vethB unregistered: program 'xdp_verdict' detached (link %u)", id);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("kernel log: %s", log);

	EXPECT_EQ(0, innerext_link__destroy(self->link));
	self->link = NULL;
	EXPECT_TRUE(wait_link_gone(self->dev, id, 5000));
	innerext_object__close(self->obj);
	self->obj = NULL;
	v = version(self);
	EXPECT_EQ(v0.nr_links, v.nr_links);
	EXPECT_EQ(v0.nr_progs, v.nr_progs);
	EXPECT_EQ(ref0, module_refcnt());
	EXPECT_EQ(NULL, kmsg_bad(log)) TH_LOG("%s", log);
}

/* A persistent link without an fd: the module drops it itself. */
TEST_F(xdp, veth_deleted_while_attached_persistent)
{
	struct ie_version v0 = version(self), v;
	long long ref0 = module_refcnt();
	struct ie_prog_info info;
	__u32 id;

	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	self->link = attach_b(self, self->obj, true);
	ASSERT_NE(NULL, self->link);
	id = innerext_link__id(self->link);
	innerext_link__disconnect(self->link);
	self->link = NULL;
	EXPECT_EQ(5, send_udp_batch(_metadata, self, 5, 10));
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(1, info.nr_links);
	EXPECT_EQ(v0.nr_links + 1, version(self).nr_links);

	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), "ip -n " NS_B " link del vethB"))
		TH_LOG("%s", self->out);
	EXPECT_TRUE(wait_link_gone(self->dev, id, 10000));
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	EXPECT_EQ(0, info.nr_links);
	innerext_object__close(self->obj);
	self->obj = NULL;
	v = version(self);
	EXPECT_EQ(v0.nr_links, v.nr_links);
	EXPECT_EQ(v0.nr_progs, v.nr_progs);
	EXPECT_EQ(ref0, module_refcnt());
}

/*
 * ip netns del: the namespace goes once nothing holds it; its devices are
 * unregistered then. A persistent link on vethB disappears, an fd link on
 * vethB2 stays, detached.
 */
TEST_F_TIMEOUT(xdp, netns_deleted_while_attached, 90)
{
	struct ie_version v0 = version(self), v;
	long long ref0 = module_refcnt();
	INNEREXT_OPTS_DECLARE(innerext_attach_opts, o);
	struct innerext_link *l2;
	struct ie_link_info li;
	struct ifq q;
	__u32 id, id2;
	int ifindex_c, i;

	add_ns_c(_metadata, self, &ifindex_c);
	self->obj = load_obj(BLOCKER_OBJ, "xdp_blocker");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(0, rule_set(self->obj, PORT_UDP_OK, IPPROTO_UDP, 1));
	self->link = attach_b(self, self->obj, true);
	ASSERT_NE(NULL, self->link);
	id = innerext_link__id(self->link);
	innerext_link__disconnect(self->link);
	self->link = NULL;
	self->obj2 = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj2);
	ASSERT_EQ(0, link_query("vethB2", &q));
	l2 = innerext_program__attach_xdp(first_prog(self->obj2), q.ifindex, &o);
	ASSERT_NE(NULL, l2);
	id2 = innerext_link__id(l2);
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 3, 10));	/* the blocker works */
	EXPECT_EQ(v0.nr_links + 2, version(self).nr_links);

	/* drop everything that holds ns B: our sockets, fds, and this thread */
	for (i = 0; i < NR_UDP_PORTS; i++) {
		close(self->udp4[i]);
		close(self->udp6[i]);
		self->udp4[i] = self->udp6[i] = -1;
	}
	close(self->sent4);
	close(self->sent6);
	self->sent4 = self->sent6 = -1;
	ASSERT_EQ(0, ns_enter(self->ns_orig));
	close(self->ns_b);
	self->ns_b = -1;
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), "ip netns del " NS_B))
		TH_LOG("%s", self->out);

	EXPECT_TRUE(wait_link_gone(self->dev, id, 30000));
	ASSERT_EQ(0, innerext_link_get_info_by_id(self->dev, id2, &li));
	EXPECT_EQ(0, li.attached);
	EXPECT_EQ(0, li.ifindex);
	EXPECT_EQ(0, innerext_link__destroy(l2));
	EXPECT_TRUE(wait_link_gone(self->dev, id2, 5000));
	innerext_object__close(self->obj);
	innerext_object__close(self->obj2);
	self->obj = self->obj2 = NULL;
	v = version(self);
	EXPECT_EQ(v0.nr_links, v.nr_links);
	EXPECT_EQ(v0.nr_progs, v.nr_progs);
	EXPECT_EQ(ref0, module_refcnt());
}

/* Moving the device to another namespace unregisters it there: the hook comes off. */
TEST_F(xdp, veth_moved_to_other_namespace_detaches)
{
	struct ie_link_info li;
	struct ifq q;
	__u32 id;
	int fd;

	verdict_attach(_metadata, self, IE_XDP_DROP);
	id = innerext_link__id(self->link);
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 2, 10));
	ASSERT_EQ(0, st_sh(self->out, sizeof(self->out), "ip -n " NS_B " link set vethB netns " NS_A))
		TH_LOG("%s", self->out);
	ASSERT_EQ(0, innerext_link_get_info_by_id(self->dev, id, &li));
	EXPECT_EQ(0, li.attached);
	EXPECT_EQ(0, li.ifindex);
	/* in ns A the device is free: it can be attached to again */
	ASSERT_EQ(0, ns_enter(self->ns_a));
	ASSERT_EQ(0, link_query("vethB", &q));
	fd = link_raw(self, self->obj, IE_HOOK_XDP, NULL, q.ifindex, 0, &id);
	EXPECT_LE(0, fd) TH_LOG("%s", self->log);
	ASSERT_EQ(0, innerext_link_get_info_by_id(self->dev, id, &li));
	EXPECT_EQ(1, li.attached);
	EXPECT_EQ(q.ifindex, li.ifindex);
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, ns_enter(self->ns_b));
	EXPECT_TRUE(wait_link_gone(self->dev, id, 5000));
}

/* ------------------------------------------------------------------ stress */

#define STRESS_FRAMES	100000
#define STRESS_CHUNK	250	/* frames between sentinels: well below netdev_max_backlog */

struct churn {
	struct innerext_object *obj;
	volatile int stop;
	long ops, errors, toggles;
};

/* Add and remove the rule for PORT_TOGGLE, and unrelated rules, until told to stop. */
static void *churn_fn(void *arg)
{
	struct churn *c = arg;
	long i = 0;

	pin_cpu(1);
	while (!c->stop) {
		if (rule_set(c->obj, PORT_TOGGLE, IPPROTO_UDP, 1))
			c->errors++;
		if (rule_set(c->obj, 20000 + i % 512, IPPROTO_TCP, 1))
			c->errors++;
		if (rule_set(c->obj, PORT_TOGGLE, IPPROTO_UDP, -1))
			c->errors++;
		if (rule_set(c->obj, 20000 + i % 512, IPPROTO_TCP, -1))
			c->errors++;
		c->ops += 4;
		c->toggles++;
		i++;
	}
	return NULL;
}

/*
 * 100k frames: 1/2 UDP4 to the toggled port (rule added and removed all the
 * time by another thread), 1/4 TCP4 to an always-blocked port, 1/4 UDP6 to an
 * open port. Every frame is judged exactly once and the receiver sees exactly
 * the passed ones.
 */
TEST_F_TIMEOUT(xdp, stress_100k_frames_concurrent_rule_updates, 900)
{
	struct frame f_toggle, f_tcp, f_udp6;
	struct ie_prog_info info;
	struct rx before, after, d;
	struct churn churn = { 0 };
	long long sd0, sd1, passed, dropped, v6 = 0;
	pthread_t th;
	double t0, t1;
	int i;

	self->obj = load_obj(BLOCKER_OBJ, "xdp_blocker");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(0, rule_set(self->obj, PORT_TCP_BLOCK, IPPROTO_TCP, 1));
	self->link = attach_b(self, self->obj, false);
	ASSERT_NE(NULL, self->link);
	build(&f_toggle, self->mac_a, self->mac_b, K_UDP, 0, PORT_TOGGLE, 1);
	build(&f_tcp, self->mac_a, self->mac_b, K_TCP, 0, PORT_TCP_BLOCK, 2);
	build(&f_udp6, self->mac_a, self->mac_b, K_UDP, 1, PORT_OPEN6, 3);

	sd0 = softnet_dropped();
	ASSERT_EQ(0, rx_read(&before));
	churn.obj = self->obj;
	ASSERT_EQ(0, pthread_create(&th, NULL, churn_fn, &churn));
	t0 = st_now_s();
	for (i = 0; i < STRESS_FRAMES; i++) {
		const struct frame *f;

		switch (i % 4) {
		case 2:
			f = &f_tcp;
			break;
		case 3:
			f = &f_udp6;
			v6++;
			break;
		default:
			f = &f_toggle;
		}
		if (send_frame(self, f))
			break;
		if (i % STRESS_CHUNK == STRESS_CHUNK - 1 && sync_b(self))
			break;
	}
	churn.stop = 1;
	pthread_join(th, NULL);
	ASSERT_EQ(STRESS_FRAMES, i) TH_LOG("sending stopped at frame %d: %s", i, strerror(errno));
	ASSERT_EQ(0, sync_b(self));
	t1 = st_now_s();
	ASSERT_EQ(0, rx_read(&after));
	sd1 = softnet_dropped();
	rx_sub(&d, &after, &before);
	d.ip_in -= self->syncs;	/* sentinels */
	d.udp_in -= self->syncs;

	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	passed = info.xdp_actions[IE_XDP_PASS] - self->syncs;
	dropped = info.xdp_actions[IE_XDP_DROP];
	TH_LOG("stress: %d frames + %u sentinels in %.1f s (%.0f frames/s); %ld rule updates "
	       "(%ld errors); passed %lld (toggled port %lld of %d), dropped %lld",
	       STRESS_FRAMES, self->syncs, t1 - t0, STRESS_FRAMES / (t1 - t0), churn.ops,
	       churn.errors, passed, passed - v6, STRESS_FRAMES / 2, dropped);

	EXPECT_EQ(0, sd1 - sd0) TH_LOG("frames dropped before the rx-handler (backlog full)");
	EXPECT_EQ(STRESS_FRAMES, passed + dropped);
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_ABORTED] + info.xdp_actions[IE_XDP_TX] +
		     info.xdp_actions[IE_XDP_REDIRECT] + info.xdp_invalid);
	EXPECT_EQ(0, info.recursion_misses);
	EXPECT_EQ(STRESS_FRAMES + self->syncs, info.run_cnt);
	/* the receiver saw exactly the passed frames */
	EXPECT_EQ(0, d.tcp_in);				/* always blocked */
	EXPECT_EQ(v6, d.ip6_in);			/* never blocked */
	EXPECT_EQ(passed - v6, d.ip_in);		/* toggled: those that passed */
	EXPECT_LE(STRESS_FRAMES / 4, dropped);		/* at least the TCP ones */
	EXPECT_GE(STRESS_FRAMES / 4 + STRESS_FRAMES / 2, dropped);
	EXPECT_EQ(0, churn.errors);
	EXPECT_LT(100, churn.ops);
}

/* ------------------------------------------------------------------ attach/detach under traffic */

struct flip {
	struct innerext_program *prog;
	int ifindex;
	volatile int stop;
	long cycles, errors;
};

/* Attach and detach the program again and again (this thread is in ns B). */
static void *flip_fn(void *arg)
{
	INNEREXT_OPTS_DECLARE(innerext_attach_opts, o);
	struct flip *fl = arg;

	pin_cpu(1);
	while (!fl->stop) {
		struct innerext_link *l = innerext_program__attach_xdp(fl->prog, fl->ifindex, &o);

		if (!l) {
			fl->errors++;
			continue;
		}
		usleep(500);
		if (innerext_link__destroy(l))
			fl->errors++;
		usleep(500);
		fl->cycles++;
	}
	return NULL;
}

/*
 * A program that drops every frame is attached and detached all the time
 * while frames arrive: each frame is either dropped by it (counted) or
 * delivered, never both, never lost.
 */
TEST_F_TIMEOUT(xdp, stress_attach_detach_under_traffic, 300)
{
	struct ie_prog_info info;
	struct rx before, after, d;
	struct flip fl = { 0 };
	struct frame f;
	pthread_t th;
	const int N = 20000;
	long long delivered, sd0;
	int i;

	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(0, cfg_set(self->obj, XV_ACTION, IE_XDP_DROP));
	build(&f, self->mac_a, self->mac_b, K_UDP, 0, PORT_TOGGLE, 1);
	fl.prog = first_prog(self->obj);
	fl.ifindex = self->ifindex_b;
	self->syncs = 0;
	sd0 = softnet_dropped();
	ASSERT_EQ(0, rx_read(&before));
	ASSERT_EQ(0, pthread_create(&th, NULL, flip_fn, &fl));
	for (i = 0; i < N; i++) {
		if (send_frame(self, &f))
			break;
		if (i % STRESS_CHUNK == STRESS_CHUNK - 1 && sync_b(self))
			break;
	}
	fl.stop = 1;
	pthread_join(th, NULL);
	ASSERT_EQ(N, i);
	ASSERT_EQ(0, sync_b(self));
	ASSERT_EQ(0, rx_read(&after));
	rx_sub(&d, &after, &before);
	delivered = d.ip_in - self->syncs;
	ASSERT_EQ(0, prog_info(self, self->obj, &info));
	TH_LOG("attach/detach: %ld cycles (%ld errors); of %d frames %lld delivered, %llu dropped",
	       fl.cycles, fl.errors, N, delivered, (unsigned long long)info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(0, softnet_dropped() - sd0);
	EXPECT_EQ(N, delivered + info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(info.run_cnt, info.xdp_actions[IE_XDP_DROP] + info.xdp_actions[IE_XDP_PASS]);
	EXPECT_EQ(0, info.recursion_misses);
	EXPECT_EQ(0, fl.errors);
	EXPECT_LT(10, fl.cycles);
	EXPECT_EQ(0, info.nr_links);
	EXPECT_EQ(0, count_links(self->dev, IE_HOOK_XDP, 0, NULL));
}

/* ------------------------------------------------------------------ rmmod (last: reloads the module) */

static const char *module_path(void)
{
	static const char *const paths[] = { "innerext.ko", "kmod/innerext.ko" };
	size_t i;

	if (getenv("INNEREXT_KO"))
		return getenv("INNEREXT_KO");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], R_OK))
			return paths[i];
	return NULL;
}

/*
 * rmmod with a persistent XDP link attached and frames arriving: the module
 * takes its rx-handler off the device (the bridge can take it then) and
 * unloads cleanly; then it is loaded again (INNEREXT_KO, or innerext.ko /
 * kmod/innerext.ko from the working directory).
 */
TEST_F(xdp, rmmod_with_xdp_attached)
{
	const char *ko = module_path();
	char log[16384] = "";
	int fd, err;

	if (!ko)
		SKIP(return, "innerext.ko not found (set INNEREXT_KO)");
	self->obj = load_verdict("xdp_verdict");
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(0, cfg_set(self->obj, XV_ACTION, IE_XDP_DROP));
	self->link = attach_b(self, self->obj, true);
	ASSERT_NE(NULL, self->link);
	innerext_link__disconnect(self->link);
	self->link = NULL;
	innerext_object__close(self->obj);	/* the persistent link keeps the program */
	self->obj = NULL;
	EXPECT_EQ(0, send_udp_batch(_metadata, self, 3, 10));
	close(self->dev);
	self->dev = -1;

	err = syscall(__NR_delete_module, "innerext", O_NONBLOCK) ? -errno : 0;
	EXPECT_EQ(0, err) TH_LOG("delete_module: %s", strerror(-err));
	if (!err) {
		kmsg_read(self->kmsg, log, sizeof(log));
		EXPECT_NE(NULL, strstr(log, "innerext: unloaded")) TH_LOG("%s", log);
		EXPECT_EQ(NULL, kmsg_bad(log)) TH_LOG("%s", log);
		/* frames reach the stack, the rx-handler is free */
		EXPECT_EQ(4, send_udp_batch(_metadata, self, 4, 20));
		EXPECT_EQ(0, st_sh(self->out, sizeof(self->out),
				     "set -e; ip -n " NS_B " link add br0 type bridge; "
				     "ip -n " NS_B " link set vethB master br0; "
				     "ip -n " NS_B " link set vethB nomaster")) TH_LOG("%s", self->out);
		fd = open(ko, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", ko, strerror(errno));
		err = syscall(__NR_finit_module, fd, "", 0) ? -errno : 0;
		close(fd);
		ASSERT_EQ(0, err) TH_LOG("finit_module(%s): %s", ko, strerror(-err));
	}
	self->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
}

TEST_HARNESS_MAIN
