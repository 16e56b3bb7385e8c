#!/bin/bash
# make bench: build, boot the stock kernel in QEMU (the test rig), run every
# benchmark script in bench/ there, print the tables and write the results as
# JSON to build/bench/<kver>.json.
#
#   bench/run.sh [--kernel 6.1|6.12|<kver>]
#
# Numbers under TCG are not meaningful in absolute terms: compare the ratios
# measured in the same run.
set -euo pipefail
# shellcheck source=../test/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../test/vm/lib.sh"

kernel=6.1
[ "${1:-}" = --kernel ] && kernel=$2
bash "$INNEREXT_VM_DIR/deps.sh"
line=$("$INNEREXT_VM_DIR/kernels.sh" | match_kernel "$kernel") || die "kernel $kernel is not in the matrix"
kver=${line%% *}
"${MAKE:-make}" -s -C "$INNEREXT_ROOT" all kmod-kver KVER="$kver"
"${MAKE:-make}" -s -C "$INNEREXT_ROOT/bench"
payload=$INNEREXT_BUILD/payload/bench-$kver
assemble_payload "$kver" "$payload" bench/runtime_bench bench/runtime_bench.sh \
	bench/progs/empty.o bench/progs/empty_nocheck.o bench/guest.sh
out=$INNEREXT_BUILD/vm/bench-$kver
"$INNEREXT_VM_DIR/run-vm.sh" --kernel "$kver" --payload "$payload" --script bench/guest.sh \
	--timeout 1100 --out "$out"
mkdir -p "$INNEREXT_BUILD/bench"
json=$INNEREXT_BUILD/bench/$kver.json
{
	echo "{\"kernel\":\"$kver\",\"date\":\"$(date -u +%FT%TZ)\",\"host\":\"$(uname -n)\",\"results\":{"
	sed -n 's/^BENCH-JSON \([a-z_]*\) /"\1":/p' "$out/result.log" | paste -sd,
	echo "}}"
} >"$json"
say "results: ${json#"$INNEREXT_ROOT"/}"
