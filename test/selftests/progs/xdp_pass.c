// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for extctl_test (extctl load --xdp): a packet program that passes
 * every frame, except test frames of EtherType XDP_PASS_TEST_PROTO, whose first
 * payload byte is the verdict returned as is (any enum ie_xdp_action, or a
 * number that is none, counted as invalid). A REDIRECT leaves redirect_ifindex
 * 0, so it is a tx error. The test sends such frames with a packet socket and
 * checks the counters extctl list shows.
 */
#include <innerext/extension.h>
#include <innerext/packet.h>

#define XDP_PASS_TEST_PROTO	0x88b5	/* IEEE 802 local experimental EtherType 1 */

SEC("xdp")
int xdp_pass(struct ie_xdp_md *ctx)
{
	const __u8 *verdict;

	if (ie_xdp_eth_proto(ctx) != XDP_PASS_TEST_PROTO)
		return IE_XDP_PASS;
	verdict = ie_xdp_ptr(ctx, ETH_HLEN, 1);
	return verdict ? *verdict : IE_XDP_PASS;
}
