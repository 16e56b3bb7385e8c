#!/bin/bash
# Every benchmark, one after the other: in the bench VM (bench/run.sh boots it
# with this script), or on the host (bench/run.sh --host runs it from the
# repository with INNEREXT_BENCH_HOST=1, innerext.ko already loaded).
#
# Runs each bench/NAME_bench.sh of the payload in a fixed order (BENCH_ORDER
# first, then the others by name). A script prints its table and
# "BENCH-JSON {...}"; this adds NAME ("BENCH-JSON NAME {...}") for run.sh,
# which collects the lines into build/bench/<kver>.json. A script that fails
# is reported and the others still run; the exit status says whether all passed.
cd "$(dirname "$0")/.." || exit 1
# BENCH_ROUNDS/BENCH_ITERS from the host (bench/run.sh writes them into the payload)
if [ -f bench/bench.env ]; then
	set -a
	# shellcheck source=/dev/null
	. bench/bench.env
	set +a
fi
BENCH_ORDER="runtime compare"
rc=0
names=$BENCH_ORDER
for s in bench/*_bench.sh; do
	n=$(basename "$s" _bench.sh)
	case " $names " in *" $n "*) ;; *) names+=" $n" ;; esac
done
for n in $names; do
	s=bench/${n}_bench.sh
	[ -f "$s" ] || continue
	echo "# ---- $n ($s)"
	start=$(date +%s)
	bash "$s" | sed "s/^BENCH-JSON {/BENCH-JSON $n {/"
	src=${PIPESTATUS[0]}
	echo "# ---- $n: rc=$src in $(($(date +%s) - start)) s"
	[ "$src" = 0 ] || rc=1
done
exit $rc
