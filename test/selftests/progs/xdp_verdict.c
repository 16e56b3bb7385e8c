// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for xdp_test: a packet program whose verdict comes from a map, so
 * one program can PASS, DROP, TX (MACs swapped: back to the sender), REDIRECT
 * (to xdp_cfg[XV_IFINDEX]), ABORT or return a value that is no action, and
 * rewrite the destination MAC on the way (see xdp_verdict.h).
 */
#include <innerext/extension.h>
#include <innerext/packet.h>

#include "xdp_verdict.h"

IE_MAP(xdp_cfg, IE_MAP_ARRAY, __u32, __u32, XV_CFG_MAX, 0);

static __u32 cfg(__u32 i)
{
	__u32 *v = ie_map_lookup_elem(&xdp_cfg, &i);

	return v ? *v : 0;
}

SEC("xdp")
int xdp_verdict(struct ie_xdp_md *ctx)
{
	struct udphdr *udp = ie_xdp_udp(ctx);
	struct ethhdr *eth;
	__u8 tmp[ETH_ALEN];
	__u32 i = XV_SEEN, act, *seen;

	seen = ie_map_lookup_elem(&xdp_cfg, &i);
	if (seen)
		__sync_fetch_and_add(seen, 1);
	if (udp && udp->dest == ie_htons(XV_SENTINEL_PORT))
		return IE_XDP_PASS;

	if (cfg(XV_SET_DST)) {
		__u32 lo = cfg(XV_DST_LO), hi = cfg(XV_DST_HI);

		eth = ie_xdp_eth(ctx);
		if (!eth)
			return IE_XDP_ABORTED;
		memcpy(eth->h_dest, &lo, 4);
		memcpy(eth->h_dest + 4, &hi, 2);
	}
	act = cfg(XV_ACTION);
	switch (act) {
	case IE_XDP_TX:
		eth = ie_xdp_eth(ctx);
		if (!eth)
			return IE_XDP_ABORTED;
		memcpy(tmp, eth->h_dest, ETH_ALEN);
		memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
		memcpy(eth->h_source, tmp, ETH_ALEN);
		break;
	case IE_XDP_REDIRECT:
		return ie_xdp_redirect(ctx, cfg(XV_IFINDEX));
	}
	return (int)act;
}
