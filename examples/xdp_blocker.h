/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The rule map of the XDP port blocker, shared by the native extension
 * (xdp_blocker.c), its eBPF twin (ebpf/xdp_blocker.bpf.c) and both rule tools
 * (xdp_blocker_user.c, ebpf/xdp_blocker_ebpf.c). Plain <linux/types.h> only: it
 * is compiled with the innerext SDK flags, for -target bpf and for user space.
 *
 * Map "blocked_rules", a hash: struct xdp_blocker_key -> __u8. A frame whose
 * TCP or UDP destination port and protocol have a rule with a non-zero value is
 * dropped; everything else passes.
 */
#ifndef XDP_BLOCKER_H
#define XDP_BLOCKER_H

#include <linux/types.h>

#define XDP_BLOCKER_MAP_NAME	"blocked_rules"
#define XDP_BLOCKER_MAX_RULES	1024

struct xdp_blocker_key {
	__u16 port;		/* destination port, host byte order */
	__u8 proto;		/* IPPROTO_TCP (6) or IPPROTO_UDP (17) */
	__u8 pad;		/* must be 0: the whole key is hashed */
};				/* 4 bytes: 53/udp is 35 00 11 00 */

_Static_assert(sizeof(struct xdp_blocker_key) == 4, "struct xdp_blocker_key is 4 bytes");

/* Value: __u8, 1 = block (a rule with 0 is kept but lets frames pass). */
#define XDP_BLOCKER_BLOCK	1

#endif /* XDP_BLOCKER_H */
