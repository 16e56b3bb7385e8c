#!/bin/bash
# innerext against eBPF and against the floor, per event, finely interleaved.
# Runs in the bench VM (from /innerext) or on the host (bench/run.sh --host,
# from the repository, innerext.ko already loaded).
#
# One process (bench/compare_bench run) loads everything once and times
# getppid() in a tight loop with one configuration attached at a time:
#   none              nothing attached: the bare system call
#   kprobe_floor      innerext_bench_floor.ko hook=kprobe: an empty pre_handler at
#                     __x64_sys_getppid's entry (register_kprobe)
#   kprobe_ebpf       ebpf/empty_kprobe.bpf.o   bpf_program__attach_kprobe
#   kprobe_innerext   progs/empty.o             SEC("kprobe/__x64_sys_getppid")
#   tp_floor          innerext_bench_floor.ko hook=tp: an empty probe on
#                     raw_syscalls:sys_enter (tracepoint_probe_register)
#   tp_ebpf           ebpf/empty_rawtp.bpf.o    SEC("raw_tp/sys_enter")
#   tp_innerext       progs/empty_tp.o          SEC("tracepoint/raw_syscalls/sys_enter")
#   array_ebpf        ebpf/map_array.bpf.o      16 array lookups per getppid (progs/map_bench.h)
#   array_innerext    progs/map_array.o         the same source, gcc and the SDK flags
#   hash_ebpf         ebpf/map_hash.bpf.o       16 hash lookups, keys 0..1023 all present
#   hash_innerext     progs/map_hash.o
# A round is 10 cycles; a cycle attaches each configuration in turn (a new
# random order each cycle), times ITERS/10 calls, detaches. A configuration's
# sample for the round is the median of its 10 batches, so every configuration
# is measured within the same fraction of a second as the others, whatever the
# host does to the VM meanwhile. Before the rounds the *_check objects prove
# that both map programs hit on every lookup; the kprobe list shows how each
# kprobe is installed; after them compare_bench verifies the programs ran.
#
# Prints the medians and one table row per measurement (innerext, eBPF or the
# floor, the ratio of the medians and the range of the per-round ratios), then
# "BENCH-JSON {...}" for the host. Environment:
#   BENCH_ROUNDS (default 11), BENCH_ITERS (calls per configuration and round,
#                default 100000; on the host 1000000)
#   INNEREXT_BENCH_HOST=1       on the host: innerext.ko must be loaded already
#   INNEREXT_BENCH_FLOOR_KO     the floor module (default ./innerext_bench_floor.ko);
#                               missing or not loadable: the floor rows are left out
set -u
cd "$(dirname "$0")/.." || exit 1
HOST=${INNEREXT_BENCH_HOST:-0}
ROUNDS=${BENCH_ROUNDS:-11}
if [ "$HOST" = 1 ]; then N=${BENCH_ITERS:-1000000}; else N=${BENCH_ITERS:-100000}; fi
BATCHES=10
FLOOR_KO=${INNEREXT_BENCH_FLOOR_KO:-./innerext_bench_floor.ko}
LOOKUPS=16	# MB_LOOKUPS in progs/map_bench.h
ENTRIES=1024	# MB_ENTRIES
B=./bench/compare_bench

loaded_ie=0
cleanup() {
	if grep -q '^innerext_bench_floor ' /proc/modules 2>/dev/null; then rmmod innerext_bench_floor; fi
	if [ "$loaded_ie" = 1 ]; then rmmod innerext; fi
}
fail() { echo "compare: $*"; cleanup; exit 1; }

if [ ! -e /dev/innerext ]; then
	[ "$HOST" = 1 ] && fail "/dev/innerext missing: load innerext.ko first (insmod kmod/innerext.ko)"
	insmod ./innerext.ko || fail "insmod innerext.ko failed"
	loaded_ie=1
fi
floor=1
if [ ! -f "$FLOOR_KO" ]; then
	floor=0
	echo "# no floor module ($FLOOR_KO): the floor rows are left out"
elif ! insmod "$FLOOR_KO" hook=kprobe || ! rmmod innerext_bench_floor; then
	floor=0	# e.g. a kernel that wants signed modules
	echo "# the floor module does not load here: the floor rows are left out"
fi
wd=$(cat /sys/module/innerext/parameters/watchdog 2>/dev/null || echo '?')
jit=$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null || echo '?')
bstats=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo '?')
echo "# kernel $(uname -r), $(nproc) CPUs; innerext watchdog=$wd; bpf_jit_enable=$jit," \
	"bpf_stats_enabled=$bstats; $ROUNDS rounds of $N getppid() calls per configuration" \
	"in $BATCHES batches"

# --- checks, not timed -------------------------------------------------------------------
for c in array hash; do
	for impl in ebpf innerext; do
		case $impl in
		ebpf) o=bench/ebpf/map_${c}_check.bpf.o ;;
		*) o=bench/progs/map_${c}_check.o ;;
		esac
		out=$("$B" check "$impl" "$o" 20000 2>&1) || fail "${c}_$impl: check failed: $out"
		echo "# check ${c}_$impl: every lookup hit ($out)"
	done
done

# --- the rounds ----------------------------------------------------------------------------
cfgs=(none=none
	kprobe_ebpf=ebpf:bench/ebpf/empty_kprobe.bpf.o
	kprobe_innerext=innerext:bench/progs/empty.o
	tp_ebpf=ebpf:bench/ebpf/empty_rawtp.bpf.o
	tp_innerext=innerext:bench/progs/empty_tp.o
	array_ebpf=ebpf:bench/ebpf/map_array.bpf.o
	array_innerext=innerext:bench/progs/map_array.o
	hash_ebpf=ebpf:bench/ebpf/map_hash.bpf.o
	hash_innerext=innerext:bench/progs/map_hash.o)
if [ "$floor" = 1 ]; then
	cfgs+=("kprobe_floor=floor:$FLOOR_KO:hook=kprobe" "tp_floor=floor:$FLOOR_KO:hook=tp")
fi
out=$(COMPARE_BENCH_KPROBES=1 "$B" run -i "$N" -b "$BATCHES" -r "$ROUNDS" "${cfgs[@]}" 2>&1) ||
	fail "compare_bench failed: $out"
cleanup
grep -v '^sample ' <<<"$out" | grep -v '^# kprobes [a-z_]*: *$'
declare -A S=()	# cfg -> "v1 v2 ... vROUNDS" (ns per call, in round order)
while read -r _ _ cfg v; do
	S[$cfg]+="$v "
done <<<"$(grep '^sample ' <<<"$out")"	# (no /dev/fd in the VM for < <(...))
[ -n "${S[none]:-}" ] || fail "no samples from compare_bench: $out"

# --- statistics ----------------------------------------------------------------------------
# derive NAME OP A B [DIV]: the per-round series (A op B) / DIV, op - or /
derive() {
	S[$1]=$(awk -v a="${S[$3]}" -v b="${S[$4]}" -v op="$2" -v d="${5:-1}" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) {
			v = op == "-" ? x[i] - y[i] : (y[i] != 0 ? x[i] / y[i] : 0)
			printf "%s%.4f", (i > 1 ? " " : ""), v / d
		} }')
}
# stats NAME: "median min max" of the series
stats() {
	tr ' ' '\n' <<<"${S[$1]}" | grep . | sort -g | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f", m, v[1], v[NR] }'
}
jarr() { tr -s ' ' <<<"${S[$1]}" | sed 's/^ //; s/ $//; s/ /,/g'; }

for impl in ebpf innerext; do
	derive "kprobe_${impl}_event" - "kprobe_$impl" none
	derive "tp_${impl}_event" - "tp_$impl" none
	derive "array_${impl}_lookup" - "array_$impl" "kprobe_$impl" "$LOOKUPS"
	derive "hash_${impl}_lookup" - "hash_$impl" "kprobe_$impl" "$LOOKUPS"
done
if [ "$floor" = 1 ]; then
	derive kprobe_floor_event - kprobe_floor none
	derive tp_floor_event - tp_floor none
fi

echo
echo "ns per getppid() call, median of $ROUNDS rounds (min .. max):"
json="{\"mode\":\"$([ "$HOST" = 1 ] && echo host || echo vm)\",\"rounds\":$ROUNDS"
json+=",\"iterations\":$N,\"batches\":$BATCHES,\"lookups_per_run\":$LOOKUPS,\"map_entries\":$ENTRIES"
json+=",\"watchdog\":\"$wd\",\"bpf_jit_enable\":\"$jit\",\"configs\":{"
sep=
for cfg in none kprobe_floor kprobe_ebpf kprobe_innerext tp_floor tp_ebpf tp_innerext \
	array_ebpf array_innerext hash_ebpf hash_innerext; do
	[ -n "${S[$cfg]:-}" ] || continue
	read -r m lo hi <<<"$(stats "$cfg")"
	printf '  %-16s %9.1f  (%.1f .. %.1f)\n' "$cfg" "$m" "$lo" "$hi"
	json+="$sep\"$cfg\":{\"median_ns\":$m,\"min_ns\":$lo,\"max_ns\":$hi,\"samples_ns\":[$(jarr "$cfg")]}"
	sep=,
done
json+="},\"rows\":["

# name | what | innerext series | baseline (ebpf|floor) | baseline series
rows=(
	"kprobe_call|kprobe: ns per call|kprobe_innerext|ebpf|kprobe_ebpf"
	"kprobe_event|kprobe: ns added per event|kprobe_innerext_event|ebpf|kprobe_ebpf_event"
	"kprobe_floor|kprobe: ns added, vs floor|kprobe_innerext_event|floor|kprobe_floor_event"
	"tp_call|raw tracepoint: ns per call|tp_innerext|ebpf|tp_ebpf"
	"tp_event|raw tracepoint: ns added per event|tp_innerext_event|ebpf|tp_ebpf_event"
	"tp_floor|raw tracepoint: ns added, vs floor|tp_innerext_event|floor|tp_floor_event"
	"array_call|array map: ns per call|array_innerext|ebpf|array_ebpf"
	"array_lookup|array map: ns per lookup|array_innerext_lookup|ebpf|array_ebpf_lookup"
	"hash_call|hash map: ns per call|hash_innerext|ebpf|hash_ebpf"
	"hash_lookup|hash map: ns per lookup|hash_innerext_lookup|ebpf|hash_ebpf_lookup"
)
echo
# a Markdown table: bench/run.sh repeats the lines starting with "|" at the end
printf '| %-34s | %-25s | %-5s | %-25s | %-6s | %-11s |\n' measurement "innerext ns (min..max)" \
	vs "baseline ns (min..max)" ratio "per round"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------------------ --------------------------: \
	------- --------------------------: -------: ------------:
sep=
for row in "${rows[@]}"; do
	IFS='|' read -r name what ie base bs <<<"$row"
	[ -n "${S[$bs]:-}" ] || continue
	derive "${name}_ratio" / "$ie" "$bs"
	read -r im ilo ihi <<<"$(stats "$ie")"
	read -r bm blo bhi <<<"$(stats "$bs")"
	read -r _ rlo rhi <<<"$(stats "${name}_ratio")"
	ratio=$(awk -v a="$im" -v b="$bm" 'BEGIN { printf "%.3f", b != 0 ? a / b : 0 }')
	printf '| %-34s | %8.1f (%6.1f..%6.1f) | %-5s | %8.1f (%6.1f..%6.1f) | %6.3f | %5.2f..%.2f |\n' \
		"$what" "$im" "$ilo" "$ihi" "$base" "$bm" "$blo" "$bhi" "$ratio" "$rlo" "$rhi"
	json+="$sep{\"name\":\"$name\",\"what\":\"$what\",\"baseline\":\"$base\""
	json+=",\"innerext\":{\"median\":$im,\"min\":$ilo,\"max\":$ihi}"
	json+=",\"$base\":{\"median\":$bm,\"min\":$blo,\"max\":$bhi}"
	json+=",\"ratio\":$ratio,\"ratio_round_min\":$rlo,\"ratio_round_max\":$rhi}"
	sep=,
done
json+="]}"
echo "(ratio: innerext / baseline of the medians; per round: the range of the same ratio"
echo " within each round. 'added': minus the bare call of the same round; 'per lookup':"
echo " the map program minus the empty kprobe program of the same implementation, / $LOOKUPS)"
echo "BENCH-JSON $json"
