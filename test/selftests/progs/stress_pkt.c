// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture for stress_test: the resident packet program. Its verdict comes
 * from the UDP destination port (see stress_progs.h); it counts each decision
 * in pk_cnt and every run in the per-CPU pk_runs.
 */
#include <innerext/extension.h>
#include <innerext/packet.h>

#include "stress_progs.h"

IE_MAP(pk_cnt, IE_MAP_ARRAY, __u32, __u64, PK_MAX, 0);
IE_MAP(pk_runs, IE_MAP_PERCPU_ARRAY, __u32, __u64, 1, 0);
IE_MAP(pk_rules, IE_MAP_HASH, __u16, __u8, 64, 0);

static int verdict(__u32 i, int act)
{
	__u64 *v = ie_map_lookup_elem(&pk_cnt, &i);

	if (v)
		__sync_fetch_and_add(v, 1);
	return act;
}

SEC("xdp")
int st_pkt(struct ie_xdp_md *ctx)
{
	struct udphdr *udp = ie_xdp_udp(ctx);
	__u32 zero = 0;
	__u64 *runs = ie_map_lookup_elem(&pk_runs, &zero);
	__u16 port;

	if (runs)
		__sync_fetch_and_add(runs, 1);
	if (!udp)
		return verdict(PK_OTHER, IE_XDP_PASS);
	port = ie_ntohs(udp->dest);
	switch (port) {
	case ST_PORT_PASS:
		return verdict(PK_PASS, IE_XDP_PASS);
	case ST_PORT_DROP:
		return verdict(PK_DROP, IE_XDP_DROP);
	case ST_PORT_TOGGLE:
		if (ie_map_lookup_elem(&pk_rules, &port))
			return verdict(PK_TOGGLE_DROP, IE_XDP_DROP);
		return verdict(PK_TOGGLE_PASS, IE_XDP_PASS);
	case ST_PORT_SENTINEL:
		return verdict(PK_SENTINEL, IE_XDP_PASS);
	}
	return verdict(PK_OTHER, IE_XDP_PASS);
}
