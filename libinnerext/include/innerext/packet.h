/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * innerext SDK: packet programs (SEC("xdp"), attached with extctl load --xdp
 * IFACE). Include after <innerext/extension.h>:
 *
 *   #include <innerext/extension.h>
 *   #include <innerext/packet.h>
 *
 *   SEC("xdp")
 *   int drop_dns(struct ie_xdp_md *ctx)
 *   {
 *           struct udphdr *udp = ie_xdp_udp(ctx);
 *
 *           if (udp && udp->dest == ie_htons(53))
 *                   return IE_XDP_DROP;
 *           return IE_XDP_PASS;
 *   }
 *
 * The frame is [ctx->data, ctx->data_end): linear, writable in place, from the
 * Ethernet header on. Every accessor below checks that the whole header lies
 * inside the frame and returns NULL otherwise (truncated frame, other
 * protocol), so programs need no pointer arithmetic of their own. A native
 * extension may of course compute pointers itself; nothing stops a read past
 * data_end but these checks.
 *
 * Parsing covers Ethernet II, IPv4 (with options; transport headers only in
 * the first fragment) and IPv6 (transport header right after the fixed
 * header, or after hop-by-hop/routing/destination options headers). VLAN: the
 * kernel takes the outer 802.1Q/802.1ad tag off the frame (into the skb's
 * metadata) before the rx-handler runs, so a packet program never sees it;
 * an inner tag (QinQ) stays and such frames are not parsed as IP.
 */
#ifndef __INNEREXT_PACKET_H
#define __INNEREXT_PACKET_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/innerext.h>

/* the linux/ headers above define it as plain __inline__ unless it was defined already */
#undef __always_inline
#define __always_inline	inline __attribute__((always_inline))

/* Byte order (x86-64 is little-endian). */
#define ie_htons(x)	((__be16)__builtin_bswap16((__u16)(x)))
#define ie_ntohs(x)	((__u16)__builtin_bswap16((__u16)(x)))
#define ie_htonl(x)	((__be32)__builtin_bswap32((__u32)(x)))
#define ie_ntohl(x)	((__u32)__builtin_bswap32((__u32)(x)))

static __always_inline void *ie_xdp_data(const struct ie_xdp_md *ctx)
{
	return (void *)(unsigned long)ctx->data;
}

static __always_inline void *ie_xdp_data_end(const struct ie_xdp_md *ctx)
{
	return (void *)(unsigned long)ctx->data_end;
}

/* Frame length in bytes. */
static __always_inline __u32 ie_xdp_len(const struct ie_xdp_md *ctx)
{
	return (__u32)(ctx->data_end - ctx->data);
}

/* @len bytes at offset @off of the frame, or NULL if they are not all there. */
static __always_inline void *ie_xdp_ptr(const struct ie_xdp_md *ctx, __u32 off, __u32 len)
{
	__u64 n = ctx->data_end - ctx->data;

	if ((__u64)off + len > n)
		return (void *)0;
	return (void *)(unsigned long)(ctx->data + off);
}

static __always_inline struct ethhdr *ie_xdp_eth(const struct ie_xdp_md *ctx)
{
	return (struct ethhdr *)ie_xdp_ptr(ctx, 0, sizeof(struct ethhdr));
}

/* The EtherType in host order (ETH_P_IP, ETH_P_IPV6, ...), 0 for a runt frame. */
static __always_inline __u16 ie_xdp_eth_proto(const struct ie_xdp_md *ctx)
{
	struct ethhdr *eth = ie_xdp_eth(ctx);

	return eth ? ie_ntohs(eth->h_proto) : 0;
}

/* The IPv4 header, options included (ihl >= 5 and all of it present), or NULL. */
static __always_inline struct iphdr *ie_xdp_ipv4(const struct ie_xdp_md *ctx)
{
	struct iphdr *ip;

	if (ie_xdp_eth_proto(ctx) != ETH_P_IP)
		return (struct iphdr *)0;
	ip = (struct iphdr *)ie_xdp_ptr(ctx, ETH_HLEN, sizeof(*ip));
	if (!ip || ip->version != 4 || ip->ihl < 5 ||
	    !ie_xdp_ptr(ctx, ETH_HLEN, ip->ihl * 4u))
		return (struct iphdr *)0;
	return ip;
}

static __always_inline struct ipv6hdr *ie_xdp_ipv6(const struct ie_xdp_md *ctx)
{
	struct ipv6hdr *ip6;

	if (ie_xdp_eth_proto(ctx) != ETH_P_IPV6)
		return (struct ipv6hdr *)0;
	ip6 = (struct ipv6hdr *)ie_xdp_ptr(ctx, ETH_HLEN, sizeof(*ip6));
	if (!ip6 || ip6->version != 6)
		return (struct ipv6hdr *)0;
	return ip6;
}

/* Where the transport header starts and what it is. */
struct ie_xdp_l4 {
	__u32 off;	/* offset in the frame */
	__u8 proto;	/* IPPROTO_TCP, IPPROTO_UDP, ... */
};

/*
 * Find the transport header of an IPv4 or IPv6 frame. Returns 0 and fills @l4,
 * or -1: not IP, truncated, a non-first IPv4 fragment (no transport header) or
 * too many IPv6 extension headers.
 */
static __always_inline int ie_xdp_l4(const struct ie_xdp_md *ctx, struct ie_xdp_l4 *l4)
{
	struct iphdr *ip = ie_xdp_ipv4(ctx);
	struct ipv6hdr *ip6;
	__u8 *ext;
	__u32 off;
	__u8 nh;
	int i;

	if (ip) {
		if (ip->frag_off & ie_htons(0x1fff))	/* fragment offset != 0 */
			return -1;
		l4->off = ETH_HLEN + ip->ihl * 4u;
		l4->proto = ip->protocol;
		return 0;
	}
	ip6 = ie_xdp_ipv6(ctx);
	if (!ip6)
		return -1;
	nh = ip6->nexthdr;
	off = ETH_HLEN + sizeof(*ip6);
	for (i = 0; i < 4; i++) {
		if (nh != 0 /* hop-by-hop */ && nh != 43 /* routing */ && nh != 60 /* dest */)
			break;
		ext = (__u8 *)ie_xdp_ptr(ctx, off, 8);
		if (!ext)
			return -1;
		nh = ext[0];
		off += (ext[1] + 1u) * 8;
	}
	if (nh == 0 || nh == 43 || nh == 60)
		return -1;
	l4->off = off;
	l4->proto = nh;
	return 0;
}

static __always_inline struct tcphdr *ie_xdp_tcp(const struct ie_xdp_md *ctx)
{
	struct ie_xdp_l4 l4;
	struct tcphdr *tcp;

	if (ie_xdp_l4(ctx, &l4) || l4.proto != IPPROTO_TCP)
		return (struct tcphdr *)0;
	tcp = (struct tcphdr *)ie_xdp_ptr(ctx, l4.off, sizeof(*tcp));
	if (!tcp || tcp->doff < 5 || !ie_xdp_ptr(ctx, l4.off, tcp->doff * 4u))
		return (struct tcphdr *)0;
	return tcp;
}

static __always_inline struct udphdr *ie_xdp_udp(const struct ie_xdp_md *ctx)
{
	struct ie_xdp_l4 l4;

	if (ie_xdp_l4(ctx, &l4) || l4.proto != IPPROTO_UDP)
		return (struct udphdr *)0;
	return (struct udphdr *)ie_xdp_ptr(ctx, l4.off, sizeof(struct udphdr));
}

/* Send the frame out of device @ifindex: return what this returns. */
static __always_inline int ie_xdp_redirect(struct ie_xdp_md *ctx, __u32 ifindex)
{
	ctx->redirect_ifindex = ifindex;
	return IE_XDP_REDIRECT;
}

#endif /* __INNEREXT_PACKET_H */
