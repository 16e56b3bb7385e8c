#!/bin/bash
# make bench: build, boot the stock kernel in QEMU (the test rig), run every
# benchmark script in bench/ there (bench/guest.sh), print the tables and write
# the results as JSON to build/bench/<kver>.json.
#
#   bench/run.sh [--kernel 6.1|6.12|<kver>]   in the VM (default 6.1)
#   bench/run.sh --host                       on this machine, as root, with innerext.ko
#                                             already loaded (insmod kmod/innerext.ko);
#                                             results in build/bench/host-<uname -r>.json
#
# BENCH_ROUNDS and BENCH_ITERS, if set, are passed to the benchmark scripts (in
# the VM too). Numbers under TCG are not meaningful in absolute terms: compare
# the ratios measured in the same run.
set -euo pipefail
# shellcheck source=../test/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../test/vm/lib.sh"
# shellcheck disable=SC2034 # used by say/die
ie_prog=bench
MAKE=${MAKE:-make}

kernel=6.1 host=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--host) host=1; shift ;;
	*) die "usage: bench/run.sh [--kernel 6.1|6.12|KVER] | --host" ;;
	esac
done

# bench_env: the BENCH_* settings of this environment, as shell assignments
bench_env() {
	local v
	for v in BENCH_ROUNDS BENCH_ITERS; do
		[ -z "${!v:-}" ] || printf '%s=%q\n' "$v" "${!v}"
	done
}

# collect LOG JSON KVER MODE: the BENCH-JSON lines of LOG as one JSON object, then the tables
collect() {
	local log=$1 json=$2 kver=$3 mode=$4
	mkdir -p "$(dirname "$json")"
	{
		echo "{\"kernel\":\"$kver\",\"mode\":\"$mode\",\"date\":\"$(date -u +%FT%TZ)\",\"host\":\"$(uname -n)\",\"results\":{"
		sed -n 's/^BENCH-JSON \([a-z_]*\) /"\1":/p' "$log" | paste -sd,
		echo "}}"
	} >"$json"
	echo
	echo "== $kver ($mode): innerext against eBPF and the floor"
	grep '^|' "$log" || echo "(no table: see $log)"
	say "results: ${json#"$INNEREXT_ROOT"/}"
}

if [ "$host" = 1 ]; then
	kver=$(uname -r)
	[ "$(id -u)" -eq 0 ] || die "--host needs root (it loads programs and the floor module)"
	[ -e /dev/innerext ] || die "/dev/innerext missing: load the module first (make && insmod kmod/innerext.ko)"
	"$MAKE" -s -C "$INNEREXT_ROOT" lib
	"$MAKE" -s -C "$INNEREXT_ROOT/bench"
	floor_ko=$INNEREXT_BUILD/bench-floor/$kver/innerext_bench_floor.ko
	mkdir -p "$INNEREXT_BUILD/logs"
	if ! "$MAKE" -s -C "$INNEREXT_ROOT/bench" floor KVER="$kver" \
		>"$INNEREXT_BUILD/logs/bench-floor-$kver.log" 2>&1; then
		say "no floor module for $kver (build/logs/bench-floor-$kver.log): the floor rows are left out"
		floor_ko=/nonexistent
	fi
	log=$INNEREXT_BUILD/bench/host-$kver.log
	mkdir -p "$(dirname "$log")"
	say "running on the host ($kver), log: ${log#"$INNEREXT_ROOT"/}"
	rc=0
	INNEREXT_BENCH_HOST=1 INNEREXT_BENCH_FLOOR_KO=$floor_ko bash "$INNEREXT_ROOT/bench/guest.sh" |
		tee "$log" || rc=$?
	collect "$log" "$INNEREXT_BUILD/bench/host-$kver.json" "$kver" host
	exit "$rc"
fi

bash "$INNEREXT_VM_DIR/deps.sh"
line=$("$INNEREXT_VM_DIR/kernels.sh" | match_kernel "$kernel") || die "kernel $kernel is not in the matrix"
kver=${line%% *}
"$MAKE" -s -C "$INNEREXT_ROOT" all kmod-kver KVER="$kver"
"$MAKE" -s -C "$INNEREXT_ROOT/bench"
mkdir -p "$INNEREXT_BUILD/logs"
"$MAKE" -s -C "$INNEREXT_ROOT/bench" floor KVER="$kver" >"$INNEREXT_BUILD/logs/bench-floor-$kver.log" 2>&1 ||
	{ tail -n 20 "$INNEREXT_BUILD/logs/bench-floor-$kver.log" >&2; die "floor module build failed"; }
payload=$INNEREXT_BUILD/payload/bench-$kver
# shellcheck disable=SC2046 # a list of paths without spaces
assemble_payload "$kver" "$payload" $("$MAKE" -s -C "$INNEREXT_ROOT/bench" payload-list)
cp "$INNEREXT_BUILD/bench-floor/$kver/innerext_bench_floor.ko" "$payload/"
bench_env >"$payload/bench/bench.env"
out=$INNEREXT_BUILD/vm/bench-$kver
rc=0
# packet_bench.sh: veth pairs, tc ingress (sch_ingress, cls_bpf) and the tc program
INNEREXT_VM_MODULES="${INNEREXT_VM_MODULES:-veth sch_ingress cls_bpf}" \
INNEREXT_VM_EXTRA_BINS="${INNEREXT_VM_EXTRA_BINS:-tc}" \
	"$INNEREXT_VM_DIR/run-vm.sh" --kernel "$kver" --payload "$payload" --script bench/guest.sh \
	--timeout 1500 --out "$out" || rc=$?
collect "$out/result.log" "$INNEREXT_BUILD/bench/$kver.json" "$kver" vm
exit "$rc"
