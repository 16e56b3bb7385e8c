#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run the libFuzzer harnesses of test/fuzz (built by its Makefile into build/fuzz/).
#
#   run.sh campaign   make fuzz: each harness for FUZZ_SECONDS (default 120) over
#                     build/fuzz/corpus/H (kept between runs, new inputs go there),
#                     test/fuzz/corpus/H and the seeds; prints executions, exec/s,
#                     coverage per harness. Exit status non-zero on any crash, leak,
#                     timeout (FUZZ_TIMEOUT s per input, default 10), OOM or sanitizer
#                     report; the input is saved under build/fuzz/crashes/H/.
#   run.sh smoke      make check (test/host runs it): builds, then each harness for
#                     FUZZ_SMOKE_SECONDS (default 6) from the same corpora into a
#                     scratch directory; TAP with kselftest's "# Totals:" line.
#   run.sh corpus     minimize into test/fuzz/corpus/H (-merge=1 -use_counters=0) the edges
#                     that inputs of at most FUZZ_CORPUS_MAX_FILE bytes (default 8192) of
#                     build/fuzz/corpus/H and test/fuzz/corpus/H reach beyond the seeds;
#                     regress-* files (reproducers of fixed bugs) are always kept.
#
# Reproduce a saved input: build/fuzz/fuzz_H FILE (FUZZ_VERBOSE=1: libinnerext's messages).
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
FUZZDIR=$TOP/test/fuzz
OUT=$TOP/build/fuzz
HARNESSES=(image elf)
MAKE=${MAKE:-make}
SECONDS_PER=${FUZZ_SECONDS:-120}
SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-6}
TIMEOUT=${FUZZ_TIMEOUT:-10}
MIN_EXECS=1000000
CORPUS_MAX_FILE=${FUZZ_CORPUS_MAX_FILE:-8192}

# libFuzzer options per harness
max_len() { case $1 in image) echo 16384 ;; elf) echo 65536 ;; esac; }
# ASan's defaults (leak detection on); a stack trace with every UBSan report
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# run_fuzzer H LOG WORKDIR SECONDS: one bounded run; libFuzzer's exit status
run_fuzzer() {
	local h=$1 log=$2 work=$3 secs=$4
	mkdir -p "$work" "$OUT/crashes/$h"
	"$OUT/fuzz_$h" -max_total_time="$secs" -timeout="$TIMEOUT" -rss_limit_mb=2048 \
		-max_len="$(max_len "$h")" -dict="$FUZZDIR/$h.dict" -print_final_stats=1 \
		-artifact_prefix="$OUT/crashes/$h/" \
		"$work" "$FUZZDIR/corpus/$h" "$OUT/seeds/$h" >"$log" 2>&1
}

# stats LOG: "EXECS EXEC_PER_S SECONDS COV FT CORPUS" from libFuzzer's log
stats() {
	local log=$1 execs rate secs cov ft corp
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	read -r cov ft corp <<<"$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 |
		sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([^ ]+).*/\1 \2 \3/')"
	echo "${execs:-0} ${rate:-0} ${secs:-?} ${cov:-?} ${ft:-?} ${corp:-?}"
}

# what went wrong, from a failed run's log
failure() {
	local log=$1
	grep -E '^(SUMMARY|==[0-9]+==ERROR|fuzz_[a-z]+: )|runtime error|Test unit written|ERROR: libFuzzer' \
		"$log" | head -n 8
}

build() {
	$MAKE --no-print-directory -C "$FUZZDIR" all
}

campaign() {
	local h rc=0 log execs rate secs cov ft corp
	echo "fuzz: ${SECONDS_PER}s per harness (FUZZ_SECONDS), logs in build/fuzz/logs/"
	mkdir -p "$OUT/logs"
	for h in "${HARNESSES[@]}"; do
		log=$OUT/logs/$h.log
		echo "fuzz_$h: running..."
		run_fuzzer "$h" "$log" "$OUT/corpus/$h" "$SECONDS_PER"
		local st=$?
		read -r execs rate secs cov ft corp <<<"$(stats "$log")"
		if [ "$st" -ne 0 ]; then
			echo "fuzz_$h: FAILED (exit status $st) after $execs executions:"
			failure "$log" | sed 's/^/    /'
			rc=1
			continue
		fi
		printf 'fuzz_%s: %s executions in %s s (%s exec/s), coverage: %s edges, %s features, corpus %s; no crash, leak, hang or sanitizer report\n' \
			"$h" "$execs" "$secs" "$rate" "$cov" "$ft" "$corp"
		[ "$execs" -ge "$MIN_EXECS" ] ||
			echo "fuzz_$h: note: fewer than $MIN_EXECS executions (busy machine?): raise FUZZ_SECONDS"
	done
	[ "$rc" -eq 0 ] && echo "fuzz: no failures (new inputs in build/fuzz/corpus/; make -C test/fuzz corpus to keep them)"
	return $rc
}

smoke() {
	local n=0 pass=0 fail=0 skip=0 h st execs rate secs cov ft corp
	local nh=${#HARNESSES[@]}
	echo "TAP version 13"
	echo "1..$((nh + 1))"
	# globals: the EXIT trap needs them
	log=$(mktemp) || exit 1
	work=$(mktemp -d) || exit 1
	trap 'rm -rf "$log" "$work"' EXIT
	n=1
	if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long s) { return d[0] && s; }' |
		${CLANG:-clang} -x c -fsanitize=fuzzer,address,undefined -o "$work/probe" - >"$log" 2>&1; then
		sed 's/^/# /' "$log"
		for ((n = 1; n <= nh + 1; n++)); do
			echo "ok $n fuzz # SKIP clang with libFuzzer and ASan/UBSan is needed (apt-get install clang libclang-rt-dev)"
		done
		echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:$((nh + 1)) error:0"
		return 0
	fi
	if build >"$log" 2>&1; then
		echo "ok $n fuzz_build"
		pass=$((pass + 1))
	else
		sed 's/^/# /' "$log"
		echo "not ok $n fuzz_build"
		for h in "${HARNESSES[@]}"; do
			n=$((n + 1))
			echo "not ok $n fuzz_$h # not built"
		done
		echo "# Totals: pass:0 fail:$((nh + 1)) xfail:0 xpass:0 skip:0 error:0"
		return 1
	fi
	for h in "${HARNESSES[@]}"; do
		n=$((n + 1))
		run_fuzzer "$h" "$log" "$work/$h" "$SMOKE_SECONDS"
		st=$?
		read -r execs rate secs cov ft corp <<<"$(stats "$log")"
		if [ "$st" -eq 0 ]; then
			echo "ok $n fuzz_$h # $execs executions in $secs s ($rate exec/s), cov $cov ft $ft"
			pass=$((pass + 1))
		else
			failure "$log" | sed 's/^/# /'
			echo "not ok $n fuzz_$h # exit status $st after $execs executions (input saved in build/fuzz/crashes/$h/)"
			fail=$((fail + 1))
		fi
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" -eq 0 ]
}

corpus() {
	local h d f tmp before after
	for h in "${HARNESSES[@]}"; do
		tmp=$(mktemp -d) || exit 1
		mkdir -p "$tmp/merged" "$tmp/in" "$OUT/corpus/$h" "$FUZZDIR/corpus/$h"
		# the seeds count as covered: only what they do not reach is kept
		for f in "$OUT/seeds/$h/"*; do cp "$f" "$tmp/merged/seed-${f##*/}"; done
		# small inputs only (the larger ones mostly carry debug info)
		for d in "$FUZZDIR/corpus/$h" "$OUT/corpus/$h"; do
			find "$d" -type f -size -$((CORPUS_MAX_FILE + 1))c -exec cp -n -t "$tmp/in/" {} +
		done
		before=$(cat /dev/null "$FUZZDIR/corpus/$h"/* | wc -c)
		# edges, not hit counts (-use_counters=0): fewer, but each file adds code
		if ! "$OUT/fuzz_$h" -merge=1 -use_counters=0 -timeout="$TIMEOUT" \
			"$tmp/merged" "$tmp/in" >"$tmp/log" 2>&1; then
			tail -n 20 "$tmp/log"
			rm -rf "$tmp"
			return 1
		fi
		rm -f "$tmp/merged/"seed-*
		# a reproducer the merge picked up again, under its SHA-1 name
		for f in "$FUZZDIR/corpus/$h"/regress-*; do
			[ -f "$f" ] && rm -f "$tmp/merged/$(sha1sum <"$f" | cut -d' ' -f1)"
		done
		find "$FUZZDIR/corpus/$h" -type f ! -name 'regress-*' -delete
		cp "$tmp/merged/"* "$FUZZDIR/corpus/$h/" 2>/dev/null
		after=$(cat "$FUZZDIR/corpus/$h"/* | wc -c)
		echo "test/fuzz/corpus/$h: $(find "$FUZZDIR/corpus/$h" -type f | wc -l) files," \
			"$((before / 1024)) -> $((after / 1024)) KiB ($(grep -o '[0-9]* new coverage edges' "$tmp/log" | tail -n 1) beyond the seeds)"
		rm -rf "$tmp"
	done
}

case ${1:-} in
campaign) campaign ;;
smoke) smoke ;;
corpus) corpus ;;
*) echo "usage: $0 campaign|smoke|corpus" >&2; exit 2 ;;
esac
