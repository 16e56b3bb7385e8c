// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_blocker.bpf.c: the eBPF twin of examples/xdp_blocker.c for the kernel's own
 * XDP. Same map ("blocked_rules", struct xdp_blocker_key -> __u8), same parsing
 * as <innerext/packet.h>, so both drop exactly the same frames:
 *
 *   - Ethernet II; an outer 802.1Q/802.1ad tag is skipped, because the native
 *     hook only sees frames after the kernel has removed it;
 *   - IPv4: version 4, ihl >= 5 and the whole header (options) present; a frame
 *     with a non-zero fragment offset has no transport header: it passes;
 *   - IPv6: version 6, then up to 4 hop-by-hop (0) / routing (43) / destination
 *     options (60) extension headers; a fifth one, or a truncated one: pass;
 *   - TCP: doff >= 5 and the whole header (options) present; UDP: 8 bytes.
 *
 * The rule for {destination port, protocol} with a non-zero value drops the
 * frame; everything else passes.
 *
 *   make -C examples
 *   sudo examples/ebpf/xdp_blocker_ebpf attach eth0
 *   sudo examples/ebpf/xdp_blocker_ebpf add_rule 53 udp
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "../xdp_blocker.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDP_BLOCKER_MAX_RULES);
	__type(key, struct xdp_blocker_key);
	__type(value, __u8);
} blocked_rules SEC(".maps");

/*
 * Whether the frame has @len bytes at offset @off (ie_xdp_ptr() != NULL), as the
 * one pointer comparison against data_end the verifier turns into a known range.
 */
static __always_inline int frame_has(void *data, void *data_end, __u32 off, __u32 len)
{
	return data + off + len <= data_end;
}

/*
 * Find the transport header: 0 with *off and *proto set, or -1 (not IP,
 * truncated, a later IPv4 fragment, too many IPv6 extension headers).
 */
static __always_inline int find_l4(void *data, void *data_end, __u32 *off, __u8 *proto)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct ipv6hdr *ip6;
	__u32 l3 = ETH_HLEN, o;
	__be16 h_proto;
	__u8 *ext, nh;
	int i;

	if (!frame_has(data, data_end, 0, ETH_HLEN))
		return -1;
	h_proto = eth->h_proto;
	/*
	 * The innerext hook runs after the kernel has moved a frame's outer VLAN
	 * tag into the skb, so native programs never see it: skip it here too
	 * (an inner tag of a double-tagged frame stays, and is not IP: pass).
	 */
	if (h_proto == bpf_htons(ETH_P_8021Q) || h_proto == bpf_htons(ETH_P_8021AD)) {
		if (!frame_has(data, data_end, ETH_HLEN, 4))
			return -1;
		h_proto = *(__be16 *)(data + ETH_HLEN + 2);
		l3 += 4;
	}

	if (h_proto == bpf_htons(ETH_P_IP)) {
		ip = data + l3;
		if (!frame_has(data, data_end, l3, sizeof(*ip)) ||
		    ip->version != 4 || ip->ihl < 5 ||
		    !frame_has(data, data_end, l3, ip->ihl * 4u))
			return -1;
		if (ip->frag_off & bpf_htons(0x1fff))	/* fragment offset != 0 */
			return -1;
		*off = l3 + ip->ihl * 4u;
		*proto = ip->protocol;
		return 0;
	}
	if (h_proto != bpf_htons(ETH_P_IPV6))
		return -1;
	ip6 = data + l3;
	if (!frame_has(data, data_end, l3, sizeof(*ip6)) || ip6->version != 6)
		return -1;
	nh = ip6->nexthdr;
	o = l3 + sizeof(*ip6);
#pragma unroll
	for (i = 0; i < 4; i++) {
		if (nh != 0 /* hop-by-hop */ && nh != 43 /* routing */ && nh != 60 /* dest */)
			break;
		if (!frame_has(data, data_end, o, 8))
			return -1;
		ext = data + o;
		nh = ext[0];
		o += (ext[1] + 1u) * 8;
	}
	if (nh == 0 || nh == 43 || nh == 60)
		return -1;
	*off = o;
	*proto = nh;
	return 0;
}

SEC("xdp")
int xdp_blocker(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdp_blocker_key key = {};
	struct tcphdr *tcp;
	struct udphdr *udp;
	__u8 proto, *block;
	__u32 off;

	if (find_l4(data, data_end, &off, &proto))
		return XDP_PASS;
	if (proto == IPPROTO_TCP) {
		tcp = data + off;
		if (!frame_has(data, data_end, off, sizeof(*tcp)) || tcp->doff < 5 ||
		    !frame_has(data, data_end, off, tcp->doff * 4u))
			return XDP_PASS;
		key.port = bpf_ntohs(tcp->dest);
	} else if (proto == IPPROTO_UDP) {
		udp = data + off;
		if (!frame_has(data, data_end, off, sizeof(*udp)))
			return XDP_PASS;
		key.port = bpf_ntohs(udp->dest);
	} else {
		return XDP_PASS;
	}
	key.proto = proto;

	block = bpf_map_lookup_elem(&blocked_rules, &key);
	if (block && *block)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
