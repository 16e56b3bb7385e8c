/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by xdp_test.c and its fixture progs/xdp_verdict.c. */
#ifndef XDP_VERDICT_H
#define XDP_VERDICT_H

/*
 * Map "xdp_cfg", an array of __u32 indexed by enum xv_cfg. The program returns
 * xdp_cfg[XV_ACTION] for every frame (any value, also one that is no action),
 * except UDP frames to XV_SENTINEL_PORT, which always pass (the test's
 * delivery marker). For IE_XDP_TX it swaps the Ethernet addresses first (the
 * frame goes back to its sender); for IE_XDP_REDIRECT it sends the frame to
 * xdp_cfg[XV_IFINDEX]. With xdp_cfg[XV_SET_DST] set it first writes the
 * destination MAC from xdp_cfg[XV_DST_LO/HI] (the frame must be classified
 * again when it passes).
 */
enum xv_cfg {
	XV_ACTION	= 0,
	XV_IFINDEX	= 1,
	XV_SEEN		= 2,	/* incremented for every frame the program sees */
	XV_SET_DST	= 3,	/* non-zero: rewrite the destination MAC first... */
	XV_DST_LO	= 4,	/* ...to these bytes 0-3 */
	XV_DST_HI	= 5,	/* ...and 4-5 (low 16 bits) */
	XV_CFG_MAX	= 8,
};

#define XV_SENTINEL_PORT	7999

#endif /* XDP_VERDICT_H */
