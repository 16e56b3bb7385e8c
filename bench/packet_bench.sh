#!/bin/bash
# In the bench VM (from /innerext): how many frames per second a receive hook drops
# on a veth pair, innerext's packet hook against eBPF generic XDP and tc ingress.
#
#   root ns: iebA 10.201.0.1 ── veth ── ns iebrx: iebB 10.201.0.2  <- the hook under test
#
# bench/packet_blast, pinned to CPU 0, sends identical 60-byte UDP frames to
# 10.201.0.2:9 (no socket there) out of iebA with AF_PACKET sendmmsg() for
# BENCH_PKT_SECS seconds (after 0.3 s of warm-up). The rate is the veth's own count
# of frames iebB's receive path accepted in that window (iebB rx_packets, which veth
# keeps as iebA's tx_packets) divided by the window.
#
# Where the work happens: veth has no NAPI unless GRO or native XDP is enabled on
# iebB (neither is), so veth_xmit() hands each frame to netif_rx(), which queues it
# on the *sending* CPU's backlog, and the NET_RX softirq runs at the
# local_bh_enable() that ends dev_queue_xmit(): every frame is received, judged and
# dropped on CPU 0, inside the sender's sendmmsg(), before the next one is sent.
# So a rate here is 1 / (send path + veth + receive path up to the hook + hook +
# freeing), all on one CPU; the hooks differ only in the receive part. The softnet
# counters printed after the table show on which CPU the frames were processed.
#
# Configurations (hooks on iebB), measured in interleaved rounds (the order rotates
# each round; every hook is attached before and detached after its measurement):
#   none          no hook: the frames go up to UDP, which finds no socket (the
#                 stack's cost; ICMP port unreachable replies are rate-limited)
#   ie_drop       innerext: bench/packet_drop.o (returns IE_XDP_DROP) via extctl --xdp
#   xdpg_drop     eBPF generic XDP: bench/ebpf/packet_xdp_drop.bpf.o (XDP_DROP), ip link
#   tc_drop       eBPF tc ingress: clsact + bench/ebpf/packet_tc_drop.bpf.o (TC_ACT_SHOT)
#   ie_blocker    innerext: examples/xdp_blocker.o, rule 9/udp (parses Ethernet, IPv4,
#                 UDP, looks the port up in its hash map, drops)
#   xdpg_blocker  its eBPF twin examples/ebpf/xdp_blocker.bpf.o as generic XDP, rule 9/udp
#   ie_drop_nocheck  bench/packet_drop_nocheck.o: packet_drop.c built without the SDK's
#                 stack check (-fno-instrument-functions), which is not how extensions
#                 are built: it shows the check's share of ie_drop; no ratio uses it
#   rx_floor      innerext_bench_floor.ko hook=rx ifname=iebB: an rx-handler in a plain
#                 module that drops every frame with the same skb handling as innerext's
#                 hook, no program and no runtime (left out if the floor module is
#                 missing or has no hook=rx): what the hook's place costs by itself
# Each measurement also checks that the hook dropped the frames: Ip InReceives in
# iebrx over the run / frames iebB accepted over the run ("reached IP") must stay
# below 0.01 (for "none" it is 1).
#
# Prints one line per configuration (median frames/s, min, max, median ns per frame),
# the last round's check per configuration (reached IP, frames lost before the
# receiver, frames processed per CPU), a Markdown table in ns per frame (innerext
# against generic XDP, tc and the floor: medians, ranges, the ratio innerext /
# baseline of the medians and the range of the per-round ratios), "BENCH-JSON {...}"
# for the host, then (BENCH_PKT_PROFILE=1, the default) the calls per frame of a few
# kernel functions in each configuration (see there).
# Environment: BENCH_PKT_ROUNDS (default BENCH_ROUNDS, else 7), BENCH_PKT_SECS (1),
# BENCH_PKT_CONFIGS (default: all of the above), INNEREXT_BENCH_FLOOR_KO (default
# ./innerext_bench_floor.ko); innerext.ko is loaded (./innerext.ko) if /dev/innerext
# is missing.
# Needs: veth, sch_ingress, cls_bpf; tc, iproute2's ip with libbpf (xdpgeneric obj).
set -u
cd "$(dirname "$0")/.." || exit 1
ROUNDS=${BENCH_PKT_ROUNDS:-${BENCH_ROUNDS:-7}}
SECS=${BENCH_PKT_SECS:-1}
CONFIGS=${BENCH_PKT_CONFIGS:-none ie_drop xdpg_drop tc_drop ie_blocker xdpg_blocker ie_drop_nocheck}
NS=iebrx A=iebA B=iebB
SRC=10.201.0.1 DST=10.201.0.2 PORT=9
EXTCTL=tools/extctl/extctl
FLOOR_KO=${INNEREXT_BENCH_FLOOR_KO:-./innerext_bench_floor.ko}
BLOCKER_EBPF=examples/ebpf/xdp_blocker_ebpf

fail() { echo "packet_bench: $*"; cleanup; exit 1; }
nsx() { ip netns exec "$NS" "$@"; }

loaded_here=0 own_pins=0
cleanup() {
	local p
	for p in iebench_drop iebench_drop_nc iebench_blocker; do
		"$EXTCTL" unload $p >/dev/null 2>&1
	done
	[ "$own_pins" = 1 ] && rm -f /sys/fs/bpf/xdp_blocker_rules /sys/fs/bpf/xdp_blocker_prog
	grep -q '^innerext_bench_floor ' /proc/modules && rmmod innerext_bench_floor
	ip netns del "$NS" 2>/dev/null
	ip link del "$A" 2>/dev/null
	[ "$loaded_here" = 1 ] && rmmod innerext
}

if [ ! -e /dev/innerext ]; then
	insmod innerext.ko || { echo "packet_bench: insmod innerext.ko failed"; exit 1; }
	loaded_here=1
fi
ip netns del "$NS" 2>/dev/null
ip link del "$A" 2>/dev/null
ip netns add "$NS" || fail "ip netns add"
ip link add "$A" type veth peer name "$B" netns "$NS" || fail "ip link add veth"
if [ -e "/proc/sys/net/ipv6/conf/$A/disable_ipv6" ]; then echo 1 >"/proc/sys/net/ipv6/conf/$A/disable_ipv6"; fi
nsx sh -c "[ -e /proc/sys/net/ipv6/conf/$B/disable_ipv6 ] && echo 1 >/proc/sys/net/ipv6/conf/$B/disable_ipv6"
{ ip addr add "$SRC/24" dev "$A" && ip link set "$A" up; } || fail "configuring $A"
{ ip -n "$NS" link set lo up && ip -n "$NS" addr add "$DST/24" dev "$B" &&
	ip -n "$NS" link set "$B" up; } || fail "configuring $B"
MAC=$(nsx cat "/sys/class/net/$B/address") || fail "no $B"

attach() {
	case $1 in
	none) ;;
	ie_drop) nsx "$EXTCTL" load bench/packet_drop.o --name iebench_drop --xdp "$B" >/dev/null ;;
	ie_drop_nocheck)
		nsx "$EXTCTL" load bench/packet_drop_nocheck.o --name iebench_drop_nc --xdp "$B" >/dev/null ;;
	xdpg_drop) ip -n "$NS" link set dev "$B" xdpgeneric obj bench/ebpf/packet_xdp_drop.bpf.o sec xdp ;;
	tc_drop)
		tc -n "$NS" qdisc add dev "$B" clsact &&
			tc -n "$NS" filter add dev "$B" ingress bpf da obj bench/ebpf/packet_tc_drop.bpf.o sec tc ;;
	ie_blocker)
		nsx "$EXTCTL" load examples/xdp_blocker.o --name iebench_blocker --xdp "$B" >/dev/null &&
			"$EXTCTL" map update blocked_rules key hex "$(printf %02x $((PORT & 255)))" \
				"$(printf %02x $((PORT >> 8)))" 11 00 value 1 ;;
	xdpg_blocker)
		"$BLOCKER_EBPF" attach "$B" --mode generic --netns "$NS" >/dev/null &&
			"$BLOCKER_EBPF" add_rule $PORT udp ;;
	rx_floor) insmod "$FLOOR_KO" hook=rx ifname="$B" ;;
	*) return 1 ;;
	esac
}
detach() {
	case $1 in
	none) ;;
	ie_drop) "$EXTCTL" unload iebench_drop >/dev/null ;;
	ie_drop_nocheck) "$EXTCTL" unload iebench_drop_nc >/dev/null ;;
	xdpg_drop) ip -n "$NS" link set dev "$B" xdpgeneric off ;;
	tc_drop) tc -n "$NS" qdisc del dev "$B" clsact ;;
	ie_blocker) "$EXTCTL" unload iebench_blocker >/dev/null ;;
	xdpg_blocker)
		"$BLOCKER_EBPF" detach "$B" --netns "$NS" >/dev/null &&
			rm -f /sys/fs/bpf/xdp_blocker_rules /sys/fs/bpf/xdp_blocker_prog ;;
	rx_floor) rmmod innerext_bench_floor ;;
	esac
}

# Ip InReceives in the receiver's namespace: datagrams that got past every hook.
# shellcheck disable=SC2016 # awk's $4
ip_in() { nsx awk '/^Ip: [0-9]/ { print $4; exit }' /proc/net/snmp; }
# Frames processed per CPU (first column of softnet_stat, hex), space-separated.
softnet() { local p _; while read -r p _; do printf '%d ' $((16#$p)); done </proc/net/softnet_stat; }

declare -A pps=() ip_frac=() cpu_note=() lost=()
measure() { # cfg
	local cfg=$1 out in0 in1 sn0 sn1 rx=0 sent=0 all=0 kv
	attach "$cfg" || fail "attaching $cfg failed"
	in0=$(ip_in)
	sn0=$(softnet)
	out=$(./bench/packet_blast -c 0 "$A" "$MAC" "$SRC" "$DST" $PORT "$SECS" \
		"/sys/class/net/$A/statistics/tx_packets") || fail "$cfg: packet_blast failed"
	sn1=$(softnet)
	in1=$(ip_in)
	detach "$cfg" || fail "detaching $cfg failed"
	for kv in $out; do
		case $kv in
		sent=*) sent=${kv#*=} ;;
		rx=*) rx=${kv#*=} ;;
		rx_pps=*) pps[$cfg]+="${kv#*=} " ;;
		all=*) all=${kv#*=} ;;
		esac
	done
	# the last round's view: share of the frames the IP layer saw, softnet per CPU
	ip_frac[$cfg]=$(awk -v a="$in0" -v b="$in1" -v r="$all" 'BEGIN { printf "%.3f", r ? (b - a) / r : 0 }')
	lost[$cfg]=$((sent - rx))
	cpu_note[$cfg]=$(awk -v a="$sn0" -v b="$sn1" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) printf "%scpu%d %d", (i > 1 ? ", " : ""), i - 1, y[i] - x[i] }')
	case $cfg in
	none) ;;
	*) awk -v f="${ip_frac[$cfg]}" 'BEGIN { exit !(f > 0.01) }' &&
		fail "$cfg: ${ip_frac[$cfg]} of the frames reached IP: the hook did not drop them" ;;
	esac
	return 0
}

# On a host (bench/run.sh --host) the blocker's map names and pins may be in use: the
# rules are found by name ("blocked_rules", /sys/fs/bpf/xdp_blocker_*), so then the
# blocker configurations are left out rather than touching someone else's rules.
if "$EXTCTL" map list 2>/dev/null | grep -qw blocked_rules ||
	[ -e /sys/fs/bpf/xdp_blocker_rules ] || [ -e /sys/fs/bpf/xdp_blocker_prog ]; then
	echo "# a map blocked_rules or /sys/fs/bpf/xdp_blocker_* exists: the blocker rows are left out"
	CONFIGS=$(tr ' ' '\n' <<<"$CONFIGS" | grep -v '_blocker$' | xargs)
else
	own_pins=1
fi
# the floor, if this floor module has hook=rx
if [ -z "${BENCH_PKT_CONFIGS:-}" ]; then
	if [ -f "$FLOOR_KO" ] && insmod "$FLOOR_KO" hook=rx ifname="$B" 2>/dev/null; then
		rmmod innerext_bench_floor
		CONFIGS+=" rx_floor"
	else
		echo "# no floor module with hook=rx ($FLOOR_KO): the floor row is left out"
	fi
fi
# shellcheck disable=SC2086 # a list
set -- $CONFIGS
ncfg=$#
cfgs=("$@")
for r in $(seq "$ROUNDS"); do
	for i in $(seq 0 $((ncfg - 1))); do
		measure "${cfgs[$(((i + r - 1) % ncfg))]}"
	done
done

stats() { tr ' ' '\n' | grep . | sort -g | awk -v f="${1:-%.0f}" '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf f " " f " " f, m, v[1], v[NR] }'; }
# the per-round ratios a/b (rounds paired by position), one per line
ratios() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
	for (i = 1; i <= n; i++) print x[i] / y[i] }'; }
# ns per frame of each measurement
declare -A nsf=()
for cfg in "${cfgs[@]}"; do
	nsf[$cfg]=$(tr ' ' '\n' <<<"${pps[$cfg]}" | awk 'NF { printf "%.1f ", 1e9 / $1 }')
done

echo "frames/s received and dropped at the hook (60-byte UDP; sender, veth and receive path" \
	"all on CPU 0; $ROUNDS rounds of ${SECS} s, interleaved)"
json="{\"rounds\":$ROUNDS,\"seconds\":$SECS,\"frame_bytes\":60,\"cpu\":0"
for cfg in "${cfgs[@]}"; do
	read -r m lo hi <<<"$(stats <<<"${pps[$cfg]}")"
	read -r nm nlo nhi <<<"$(stats %.1f <<<"${nsf[$cfg]}")"
	printf '%-16s median %7.0f frames/s (min %.0f, max %.0f) = %6.0f ns/frame\n' \
		"$cfg" "$m" "$lo" "$hi" "$nm"
	json+=",\"$cfg\":{\"median_pps\":$m,\"min_pps\":$lo,\"max_pps\":$hi"
	json+=",\"median_ns\":$nm,\"min_ns\":$nlo,\"max_ns\":$nhi"
	json+=",\"reached_ip\":${ip_frac[$cfg]},\"lost_before_receiver\":${lost[$cfg]}}"
done
echo "last round: share of the frames that reached IP in $NS, frames lost before the" \
	"receiver, frames processed per CPU (softnet_stat)"
for cfg in "${cfgs[@]}"; do
	printf '  %-16s reached IP %s  lost %s  %s\n' "$cfg" "${ip_frac[$cfg]}" "${lost[$cfg]}" \
		"${cpu_note[$cfg]}"
done

# a Markdown table in time per frame (bench/run.sh repeats the lines starting with "|"):
# ratio = innerext / baseline of the median ns per frame, below 1: innerext is cheaper
rows=(
	"drop_xdpgeneric|veth drop-all: ns per frame|ie_drop|xdpg|xdpg_drop"
	"drop_tc|veth drop-all: ns per frame|ie_drop|tc|tc_drop"
	"drop_floor|veth drop-all: ns per frame|ie_drop|floor|rx_floor"
	"blocker_xdpgeneric|veth blocker (rule hit): ns per frame|ie_blocker|xdpg|xdpg_blocker"
)
echo
printf '| %-38s | %-27s | %-5s | %-27s | %-6s | %-11s |\n' measurement \
	"innerext ns (min..max)" vs "baseline ns (min..max)" ratio "per round"
printf '|%s|%s|%s|%s|%s|%s|\n' ---------------------------------------- \
	----------------------------: ------- ----------------------------: -------: ------------:
json+=",\"rows\":["
sep=
for row in "${rows[@]}"; do
	IFS='|' read -r name what ie base bs <<<"$row"
	if [ -z "${nsf[$ie]:-}" ] || [ -z "${nsf[$bs]:-}" ]; then continue; fi
	read -r im ilo ihi <<<"$(stats %.1f <<<"${nsf[$ie]}")"
	read -r bm blo bhi <<<"$(stats %.1f <<<"${nsf[$bs]}")"
	read -r rm rlo rhi <<<"$(ratios "${nsf[$ie]}" "${nsf[$bs]}" | stats %.3f)"
	ratio=$(awk -v a="$im" -v b="$bm" 'BEGIN { printf "%.3f", a / b }')
	printf '| %-38s | %8.1f (%7.1f..%7.1f) | %-5s | %8.1f (%7.1f..%7.1f) | %6.3f | %5.2f..%.2f |\n' \
		"$what" "$im" "$ilo" "$ihi" "$base" "$bm" "$blo" "$bhi" "$ratio" "$rlo" "$rhi"
	json+="$sep{\"name\":\"$name\",\"what\":\"$what\",\"innerext\":\"$ie\",\"baseline\":\"$bs\""
	json+=",\"ratio\":$ratio,\"ratio_round_median\":$rm,\"ratio_round_min\":$rlo,\"ratio_round_max\":$rhi}"
	sep=,
done
json+="]}"
echo "(ratio: innerext / baseline of the median ns per frame, below 1: innerext drops a frame"
echo " in less time; per round: the range of the same ratio within each round. xdpg: eBPF"
echo " generic XDP, tc: eBPF tc ingress, floor: an rx-handler that drops without a program)"
echo "BENCH-JSON $json"

# BENCH_PKT_PROFILE=1 (the default): after the measurements, one more short pass per configuration
# with kprobes counting calls of a few kernel functions (those that exist in this
# kernel), printed per frame received: what each path does besides the hook. Never
# during the measured rounds: kprobes cost time.
PROFILE_FUNCS="do_xdp_generic pskb_expand_head skb_cow_data_for_xdp tcf_classify ip_rcv
	consume_skb kfree_skb_reason sk_skb_reason_drop"
T=/sys/kernel/tracing
profile() { # cfg
	local cfg=$1 f out kv rx=0 probes=() line=""
	attach "$cfg" || fail "attaching $cfg failed"
	for f in $PROFILE_FUNCS; do
		echo "p:iebench/$f $f" >>"$T/kprobe_events" 2>/dev/null && probes+=("$f")
	done
	[ ${#probes[@]} -gt 0 ] && echo 1 >"$T/events/iebench/enable"
	out=$(./bench/packet_blast -c 0 -w 0 "$A" "$MAC" "$SRC" "$DST" $PORT 0.5 \
		"/sys/class/net/$A/statistics/tx_packets") || fail "$cfg: packet_blast failed"
	[ ${#probes[@]} -gt 0 ] && echo 0 >"$T/events/iebench/enable"
	for kv in $out; do case $kv in rx=*) rx=${kv#*=} ;; esac; done
	for f in "${probes[@]}"; do
		line+=$(awk -v f="$f" -v rx="$rx" '$1 == f { printf " %s %.2f", f, rx ? $2 / rx : 0 }' \
			"$T/kprobe_profile")
		echo "-:iebench/$f" >>"$T/kprobe_events"
	done
	detach "$cfg" || fail "detaching $cfg failed"
	printf '  %-16s%s\n' "$cfg" "$line"
}
if [ "${BENCH_PKT_PROFILE:-1}" = 1 ] && [ -w "$T/kprobe_events" ]; then
	echo "calls per frame (kprobe hit counts / frames received, one 0.5 s pass, not timed):"
	for cfg in "${cfgs[@]}"; do profile "$cfg"; done
fi
cleanup
exit 0
