#!/bin/bash
# In the bench VM (from /innerext): load + attach time of a large program, innerext
# against the eBPF verifier on the same logic.
#
#   ie_large      examples/large_program.o: a switch of 4096 cases run 64 rounds
#                 (about 8,000 basic blocks), tracepoint syscalls:sys_enter_getpriority
#   bpf_large     its eBPF twin examples/ebpf/large_program.bpf.o: the verifier refuses
#                 it after 1,000,000 processed instructions (time until the refusal)
#   bpf_large_ok  bench/ebpf/load_large_ok.bpf.o: the same source with lp_round() a
#                 global function, which the verifier checks once: accepted
#
# Each measurement is one run of bench/load_bench (open, load, attach; clock stopped
# when attached or refused, then everything is freed), in interleaved rounds with the
# order rotating each round. Prints one line per configuration (median ms, min, max;
# the medians of the three steps: open = ELF parsing, load = map creation + the
# kernel's load (innerext: validation, relocation, placement; eBPF: the verifier and
# the JIT), attach; the result; the size; the instructions the verifier processed and
# its reason), the time libbpf takes to parse the kernel's BTF (libinnerext does it
# in every tracepoint attach: part of ie_large's attach step), a Markdown table (the
# ratios innerext / eBPF), then "BENCH-JSON {...}" for the host.
# Environment: BENCH_LOAD_ROUNDS (default BENCH_ROUNDS, else 5); innerext.ko is loaded
# (./innerext.ko) if /dev/innerext is missing.
set -u
cd "$(dirname "$0")/.." || exit 1
ROUNDS=${BENCH_LOAD_ROUNDS:-${BENCH_ROUNDS:-5}}
cfgs=(ie_large bpf_large bpf_large_ok)
declare -A obj=([ie_large]="ie examples/large_program.o"
	[bpf_large]="bpf examples/ebpf/large_program.bpf.o"
	[bpf_large_ok]="bpf bench/ebpf/load_large_ok.bpf.o")
declare -A ms=() open_ms=() load_ms=() attach_ms=() result=() size=() processed=() reason=()

loaded_here=0
if [ ! -e /dev/innerext ]; then
	insmod innerext.ko || { echo "load_bench: insmod innerext.ko failed"; exit 1; }
	loaded_here=1
fi
finish() { [ "$loaded_here" = 1 ] && rmmod innerext; exit "$1"; }

measure() { # cfg
	local cfg=$1 out kv
	# shellcheck disable=SC2086 # "ie|bpf FILE"
	out=$(./bench/load_bench ${obj[$cfg]} 2>/tmp/load_bench.err) ||
		{ echo "load_bench: $cfg failed: $(cat /tmp/load_bench.err)"; finish 1; }
	for kv in $out; do
		case $kv in
		ms=*) ms[$cfg]+="${kv#*=} " ;;
		open_ms=*) open_ms[$cfg]+="${kv#*=} " ;;
		load_ms=*) load_ms[$cfg]+="${kv#*=} " ;;
		attach_ms=*) attach_ms[$cfg]+="${kv#*=} " ;;
		result=*) result[$cfg]=${kv#*=} ;;
		size=*) size[$cfg]=${kv#*=} ;;
		processed=*) processed[$cfg]=${kv#*=} ;;
		esac
	done
	reason[$cfg]=$(sed -n 's/^load_bench: verifier: //p' /tmp/load_bench.err)
}

btf_ms=""
n=${#cfgs[@]}
for r in $(seq "$ROUNDS"); do
	for i in $(seq 0 $((n - 1))); do
		measure "${cfgs[$(((i + r - 1) % n))]}"
	done
	out=$(./bench/load_bench btf 2>/dev/null) && btf_ms+="$(sed -n 's/^ms=\([0-9.]*\).*/\1/p' <<<"$out") "
done

stats() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%.2f %.2f %.2f", m, v[1], v[NR] }'; }
ratios() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
	for (i = 1; i <= n; i++) print x[i] / y[i] }' | sort -g | awk '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%.4f %.4f %.4f", m, v[1], v[NR] }'; }

echo "open + load + attach, ms ($ROUNDS rounds, interleaved)"
json="{\"rounds\":$ROUNDS"
for cfg in "${cfgs[@]}"; do
	read -r m lo hi <<<"$(stats <<<"${ms[$cfg]}")"
	read -r om _ _ <<<"$(stats <<<"${open_ms[$cfg]}")"
	read -r lm _ _ <<<"$(stats <<<"${load_ms[$cfg]}")"
	read -r am _ _ <<<"$(stats <<<"${attach_ms[$cfg]}")"
	case $cfg in ie_*) unit="image bytes" ;; *) unit="BPF insns" ;; esac
	printf '%-13s median %9.2f ms (min %.2f, max %.2f) = open %.2f + load %.2f + attach %.2f  %s, %s %s' \
		"$cfg" "$m" "$lo" "$hi" "$om" "$lm" "$am" "${result[$cfg]}" "${size[$cfg]}" "$unit"
	[ "${processed[$cfg]}" != -1 ] && printf ', verifier processed %s insns' "${processed[$cfg]}"
	[ -n "${reason[$cfg]}" ] && printf ' (%s)' "${reason[$cfg]}"
	echo
	json+=",\"$cfg\":{\"median_ms\":$m,\"min_ms\":$lo,\"max_ms\":$hi,\"median_open_ms\":$om"
	json+=",\"median_load_ms\":$lm,\"median_attach_ms\":$am"
	json+=",\"result\":\"${result[$cfg]}\",\"size\":${size[$cfg]},\"processed_insns\":${processed[$cfg]}}"
done
if [ -n "$btf_ms" ]; then
	read -r bm blo bhi <<<"$(stats <<<"$btf_ms")"
	echo "of ie_large's attach: parsing the kernel's BTF (libinnerext, for the tracepoint's" \
		"arity) alone takes median $bm ms (min $blo, max $bhi)"
	json+=",\"vmlinux_btf_parse\":{\"median_ms\":$bm,\"min_ms\":$blo,\"max_ms\":$bhi}"
fi

# a Markdown table (bench/run.sh repeats the lines starting with "|"):
# ratio = innerext / eBPF of the medians, below 1: innerext is done sooner
rows=(
	"large_ok|large program: open+load+attach ms|ms|bpf_large_ok"
	"large_ok_load|large program: load step ms|load_ms|bpf_large_ok"
	"large_rejected|large program: ms until eBPF refuses|ms|bpf_large"
)
echo
printf '| %-38s | %-27s | %-5s | %-27s | %-6s | %-11s |\n' measurement \
	"innerext ms (min..max)" vs "eBPF ms (min..max)" ratio "per round"
printf '|%s|%s|%s|%s|%s|%s|\n' ---------------------------------------- \
	----------------------------: ------- ----------------------------: -------: ------------:
json+=",\"rows\":["
sep=
for row in "${rows[@]}"; do
	IFS='|' read -r name what field b <<<"$row"
	declare -n col=$field
	read -r im ilo ihi <<<"$(stats <<<"${col[ie_large]}")"
	read -r bm blo bhi <<<"$(stats <<<"${col[$b]}")"
	read -r rm rlo rhi <<<"$(ratios "${col[ie_large]}" "${col[$b]}")"
	unset -n col
	ratio=$(awk -v a="$im" -v b="$bm" 'BEGIN { printf "%.4f", a / b }')
	vs=ebpf
	[ "${result[$b]}" = rejected ] && vs=rejected
	printf '| %-38s | %8.2f (%7.2f..%7.2f) | %-5s | %8.2f (%7.2f..%7.2f) | %6.4f | %5.3f..%.3f |\n' \
		"$what" "$im" "$ilo" "$ihi" "$vs" "$bm" "$blo" "$bhi" "$ratio" "$rlo" "$rhi"
	json+="$sep{\"name\":\"$name\",\"what\":\"$what\",\"innerext\":\"ie_large\",\"ebpf\":\"$b\""
	json+=",\"ebpf_result\":\"${result[$b]}\",\"ratio\":$ratio,\"ratio_round_median\":$rm"
	json+=",\"ratio_round_min\":$rlo,\"ratio_round_max\":$rhi}"
	sep=,
done
json+="]"
echo "(ratio: innerext / eBPF of the medians, below 1: innerext is done sooner; per round: the"
echo " range of the same ratio within each round. ebpf: $(basename "${obj[bpf_large_ok]#* }"), accepted;"
echo " rejected: $(basename "${obj[bpf_large]#* }"), refused by the verifier: its time until the refusal)"
json+="}"
echo "BENCH-JSON $json"
finish 0
