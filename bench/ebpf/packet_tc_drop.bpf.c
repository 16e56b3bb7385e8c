// SPDX-License-Identifier: GPL-2.0
/* Drop every frame (tc ingress, clsact + cls_bpf direct-action). Twin of
 * bench/packet_drop.c. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_drop(struct __sk_buff *skb)
{
	(void)skb;
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
