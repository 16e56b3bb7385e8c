// SPDX-License-Identifier: GPL-2.0
/*
 * Drop every frame: the packet hook's cost with nothing else in the way.
 * bench/packet_bench.sh attaches it with extctl load --xdp; its eBPF twins are
 * bench/ebpf/packet_xdp_drop.bpf.c (generic XDP) and packet_tc_drop.bpf.c (tc).
 */
#include <innerext/extension.h>

SEC("xdp")
int packet_drop(struct ie_xdp_md *ctx)
{
	(void)ctx;
	return IE_XDP_DROP;
}
