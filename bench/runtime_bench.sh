#!/bin/bash
# In the bench VM (from /innerext): the runtime's cost per invocation.
# Configurations, measured in interleaved rounds (the module is reloaded for each):
#   none      no program attached: the bare getppid() syscall
#   nocheck   empty program built without the stack check, watchdog off
#   wd_off    empty program (SDK flags: stack check), watchdog=0
#   full      empty program, watchdog on (the default)
# Prints one line per configuration with the median ns/call and the spread,
# then "BENCH-JSON {...}" for the host.
set -u
cd "$(dirname "$0")/.."
ROUNDS=${BENCH_ROUNDS:-7}
N=${BENCH_ITERS:-200000}
declare -A res=()
run() { # cfg modparams obj
	local cfg=$1 mp=$2 obj=$3 out
	insmod innerext.ko $mp || { echo "insmod $mp failed"; exit 1; }
	out=$(./bench/runtime_bench $obj "$N") || { echo "$cfg: bench failed"; rmmod innerext; exit 1; }
	rmmod innerext
	res[$cfg]+="${out#ns_per_call=} "
}
for r in $(seq "$ROUNDS"); do
	run none "" ""
	run nocheck "watchdog=0" bench/progs/empty_nocheck.o
	run wd_off "watchdog=0" bench/progs/empty.o
	run full "" bench/progs/empty.o
done
stats() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%.1f %.1f %.1f", m, v[1], v[NR] }'; }
json="{\"rounds\":$ROUNDS,\"iterations\":$N"
declare -A med=()
for cfg in none nocheck wd_off full; do
	read -r m lo hi <<<"$(stats <<<"${res[$cfg]}")"
	med[$cfg]=$m
	printf '%-8s median %8.1f ns/call  (min %.1f, max %.1f)\n' "$cfg" "$m" "$lo" "$hi"
	json+=",\"$cfg\":{\"median_ns\":$m,\"min_ns\":$lo,\"max_ns\":$hi}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
diff() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
echo "per invocation: program+dispatcher $(diff "${med[nocheck]}" "${med[none]}") ns," \
	"stack check $(diff "${med[wd_off]}" "${med[nocheck]}") ns," \
	"watchdog ticks $(diff "${med[full]}" "${med[wd_off]}") ns"
echo "ratio full/wd_off (watchdog on vs off): $(ratio "${med[full]}" "${med[wd_off]}")"
json+=",\"watchdog_ratio\":$(ratio "${med[full]}" "${med[wd_off]}")}"
echo "BENCH-JSON $json"
