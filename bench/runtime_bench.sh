#!/bin/bash
# In the bench VM (from /innerext): the runtime's cost per invocation.
# Configurations, measured in interleaved rounds (the module is reloaded for each):
#   none      no program attached: the bare getppid() syscall
#   nocheck   empty program built without the stack check, watchdog off
#   wd_off    empty program (SDK flags: stack check), watchdog=0
#   full      empty program, watchdog on (the default)
# Prints one line per configuration with the median ns/call and the spread,
# then "BENCH-JSON {...}" for the host.
#
# On the host (INNEREXT_BENCH_HOST=1, bench/run.sh --host) innerext.ko is the one
# already loaded and is not reloaded: wd_off (it needs watchdog=0) is skipped,
# and full runs with whatever watchdog setting the module has.
set -u
cd "$(dirname "$0")/.." || exit 1
HOST=${INNEREXT_BENCH_HOST:-0}
ROUNDS=${BENCH_ROUNDS:-7}
if [ "$HOST" = 1 ]; then N=${BENCH_ITERS:-2000000}; else N=${BENCH_ITERS:-200000}; fi
declare -A res=()
run() { # cfg modparams obj
	local cfg=$1 mp=$2 obj=$3 out
	if [ "$HOST" != 1 ]; then
		# shellcheck disable=SC2086 # no parameters: no word
		insmod innerext.ko $mp || { echo "insmod $mp failed"; exit 1; }
	fi
	# shellcheck disable=SC2086 # no object: no argument
	out=$(./bench/runtime_bench $obj "$N") || {
		echo "$cfg: bench failed"
		[ "$HOST" = 1 ] || rmmod innerext
		exit 1
	}
	[ "$HOST" = 1 ] || rmmod innerext
	res[$cfg]+="${out#ns_per_call=} "
}
cfgs="none nocheck wd_off full"
if [ "$HOST" = 1 ]; then
	[ -e /dev/innerext ] || { echo "/dev/innerext missing: load innerext.ko first"; exit 1; }
	cfgs="none nocheck full"
	echo "# host: innerext.ko as loaded (watchdog=$(cat /sys/module/innerext/parameters/watchdog)):" \
		"wd_off skipped (it needs the module reloaded with watchdog=0)"
fi
for _ in $(seq "$ROUNDS"); do
	run none "" ""
	run nocheck "watchdog=0" bench/progs/empty_nocheck.o
	[ "$HOST" = 1 ] || run wd_off "watchdog=0" bench/progs/empty.o
	run full "" bench/progs/empty.o
done
stats() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%.1f %.1f %.1f", m, v[1], v[NR] }'; }
json="{\"rounds\":$ROUNDS,\"iterations\":$N"
declare -A med=()
for cfg in $cfgs; do
	read -r m lo hi <<<"$(stats <<<"${res[$cfg]}")"
	med[$cfg]=$m
	printf '%-8s median %8.1f ns/call  (min %.1f, max %.1f)\n' "$cfg" "$m" "$lo" "$hi"
	json+=",\"$cfg\":{\"median_ns\":$m,\"min_ns\":$lo,\"max_ns\":$hi}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
diff() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
if [ "$HOST" = 1 ]; then
	echo "per invocation: program+dispatcher+stack check $(diff "${med[full]}" "${med[none]}") ns"
	echo "BENCH-JSON $json}"
	exit 0
fi
echo "per invocation: program+dispatcher $(diff "${med[nocheck]}" "${med[none]}") ns," \
	"stack check $(diff "${med[wd_off]}" "${med[nocheck]}") ns," \
	"watchdog ticks $(diff "${med[full]}" "${med[wd_off]}") ns"
echo "ratio full/wd_off (watchdog on vs off): $(ratio "${med[full]}" "${med[wd_off]}")"
json+=",\"watchdog_ratio\":$(ratio "${med[full]}" "${med[wd_off]}")}"
echo "BENCH-JSON $json"
