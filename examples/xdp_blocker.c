// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_blocker: drop TCP and UDP frames by destination port, on a network device's
 * receive path (IE_HOOK_XDP). IPv4 and IPv6; anything else passes.
 *
 *   sudo extctl load examples/xdp_blocker.o --xdp eth0
 *   sudo examples/xdp_blocker_user add_rule 53 udp     # drop DNS queries to this host
 *   sudo examples/xdp_blocker_user list
 *   sudo examples/xdp_blocker_user del_rule 53 udp
 *   sudo extctl list                                   # run counts, PASS/DROP per program
 *   sudo extctl unload xdp_blocker
 *
 * Rules can also be written with extctl, the key as bytes (xdp_blocker.h):
 *   sudo extctl map update blocked_rules key hex 35 00 11 00 value 1   # 53/udp
 *
 * Map:
 *   blocked_rules  hash struct xdp_blocker_key {port, proto} -> __u8 (1 = drop)
 *
 * examples/ebpf/xdp_blocker.bpf.c is the same program for the kernel's own XDP:
 * both drop exactly the same frames.
 */
#include <innerext/extension.h>
#include <innerext/packet.h>

#include "xdp_blocker.h"

IE_MAP(blocked_rules, IE_MAP_HASH, struct xdp_blocker_key, __u8, XDP_BLOCKER_MAX_RULES, 0);

SEC("xdp")
int xdp_blocker(struct ie_xdp_md *ctx)
{
	struct xdp_blocker_key key = { 0 };
	struct ie_xdp_l4 l4;
	struct tcphdr *tcp;
	struct udphdr *udp;
	__u8 *block;

	/* Where the IPv4/IPv6 payload starts; non-IP, truncated frames and later
	 * IPv4 fragments (no transport header) pass untouched. */
	if (ie_xdp_l4(ctx, &l4))
		return IE_XDP_PASS;

	/* The destination port, from a complete TCP or UDP header. */
	if (l4.proto == IPPROTO_TCP) {
		tcp = ie_xdp_ptr(ctx, l4.off, sizeof(*tcp));
		if (!tcp || tcp->doff < 5 || !ie_xdp_ptr(ctx, l4.off, tcp->doff * 4u))
			return IE_XDP_PASS;
		key.port = ie_ntohs(tcp->dest);
	} else if (l4.proto == IPPROTO_UDP) {
		udp = ie_xdp_ptr(ctx, l4.off, sizeof(*udp));
		if (!udp)
			return IE_XDP_PASS;
		key.port = ie_ntohs(udp->dest);
	} else {
		return IE_XDP_PASS;
	}
	key.proto = l4.proto;

	block = ie_map_lookup_elem(&blocked_rules, &key);
	if (block && *block)
		return IE_XDP_DROP;
	return IE_XDP_PASS;
}
