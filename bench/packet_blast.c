// SPDX-License-Identifier: GPL-2.0
/*
 * packet_blast: send minimum-size UDP/IPv4 frames out of a network device as fast
 * as one CPU can, with an AF_PACKET socket and sendmmsg(), for a fixed time, and
 * count how many the receiving side took in that time.
 *
 *   packet_blast [-c CPU] [-b BATCH] [-w WARMUP_S] IFACE DST_MAC SRC_IP DST_IP PORT
 *                SECONDS COUNTER_FILE
 *
 * The process pins itself to CPU (default 0). COUNTER_FILE is a counter read at
 * the start and at the end of the timed window (after WARMUP_S seconds of the same
 * traffic, default 0.3): bench/packet_bench.sh gives the veth's
 * /sys/class/net/IFACE/statistics/tx_packets, which is the peer's rx_packets (veth
 * counts a frame once, when the peer's receive path accepted it).
 * Prints one line:
 *   sent=N rx=N secs=S rx_pps=P all=N
 * sent: frames sendmmsg() accepted in the window; rx: the counter's increase in
 * the window; all: its increase over the whole run, warm-up included.
 *
 * Frames: Ethernet (source: IFACE's address) + IPv4 (DF, TTL 64, checksum
 * computed) + UDP (checksum 0: none) + 18 bytes of zeros = 60 bytes, the
 * Ethernet minimum without FCS. All identical.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define FRAME_LEN	60
#define MAX_BATCH	1024

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "packet_blast: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: packet_blast [-c CPU] [-b BATCH] [-w WARMUP_S] IFACE DST_MAC "
		"SRC_IP DST_IP PORT SECONDS COUNTER_FILE\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long long read_counter(const char *path)
{
	unsigned long long v;
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	if (fscanf(f, "%llu", &v) != 1) {
		errno = EINVAL;
		die(path);
	}
	fclose(f);
	return v;
}

static __u16 ip_csum(const void *hdr, size_t len)
{
	const __u16 *p = hdr;
	__u32 sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static void build_frame(unsigned char *f, const unsigned char *src_mac,
			const unsigned char *dst_mac, struct in_addr src, struct in_addr dst,
			unsigned int port)
{
	struct ethhdr *eth = (struct ethhdr *)f;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);

	memset(f, 0, FRAME_LEN);
	memcpy(eth->h_dest, dst_mac, ETH_ALEN);
	memcpy(eth->h_source, src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(FRAME_LEN - sizeof(*eth));
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons(port);
	udp->len = htons(FRAME_LEN - sizeof(*eth) - sizeof(*ip));
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[MAX_BATCH];
	unsigned char frame[FRAME_LEN], src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	unsigned long long sent = 0, call, c0, c1;
	int cpu = 0, batch = 64, opt, fd, i, n;
	double warmup = 0.3, secs, t0, t1, end;
	struct sockaddr_ll sll = { 0 };
	struct in_addr src, dst;
	struct iovec iov;
	struct ifreq ifr;
	cpu_set_t set;
	unsigned int ifindex, port;

	while ((opt = getopt(argc, argv, "c:b:w:")) != -1) {
		switch (opt) {
		case 'c': cpu = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'w': warmup = atof(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 7 || batch < 1 || batch > MAX_BATCH)
		usage();
	argv += optind;
	ifindex = if_nametoindex(argv[0]);
	if (!ifindex)
		die(argv[0]);
	if (sscanf(argv[1], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dst_mac[0], &dst_mac[1],
		   &dst_mac[2], &dst_mac[3], &dst_mac[4], &dst_mac[5]) != 6)
		usage();
	if (!inet_aton(argv[2], &src) || !inet_aton(argv[3], &dst))
		usage();
	port = (unsigned int)atoi(argv[4]);
	secs = atof(argv[5]);
	if (!port || port > 65535 || secs <= 0)
		usage();

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");

	/* protocol 0: this socket sends only, it is no packet tap */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("socket(AF_PACKET)");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[0]);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ifindex;
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, dst_mac, ETH_ALEN);

	build_frame(frame, src_mac, dst_mac, src, dst, port);
	iov.iov_base = frame;
	iov.iov_len = FRAME_LEN;
	for (i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	call = read_counter(argv[6]);
	end = now_s() + warmup;
	while (now_s() < end)
		if (sendmmsg(fd, msgs, batch, 0) < 0 && errno != ENOBUFS)
			die("sendmmsg");
	c0 = read_counter(argv[6]);
	t0 = now_s();
	end = t0 + secs;
	do {
		n = sendmmsg(fd, msgs, batch, 0);
		if (n < 0 && errno != ENOBUFS)
			die("sendmmsg");
		if (n > 0)
			sent += n;
		t1 = now_s();
	} while (t1 < end);
	c1 = read_counter(argv[6]);
	printf("sent=%llu rx=%llu secs=%.3f rx_pps=%.0f all=%llu\n", sent, c1 - c0, t1 - t0,
	       (c1 - c0) / (t1 - t0), c1 - call);
	close(fd);
	return 0;
}
