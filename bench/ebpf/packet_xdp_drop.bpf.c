// SPDX-License-Identifier: GPL-2.0
/* Drop every frame (XDP; bench/packet_bench.sh attaches it as generic XDP). Twin of
 * bench/packet_drop.c. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
