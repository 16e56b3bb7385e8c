#!/bin/bash
# make check: host tests, then the VM suite on every kernel of the matrix.
# The last line is the total over both: "N passed, N failed, N skipped".
# Exit status: non-zero if any test failed or a stage could not run.
set -uo pipefail
cd "$(dirname "$0")/.."

MAKE=${MAKE:-make}
rc=0
hp=0 hf=0 hs=0 vp=0 vf=0 vs=0

echo "==== host tests (libinnerext, uapi, extctl without a module)"
host_out=$(mktemp)
$MAKE --no-print-directory -C test/host check 2>&1 | tee "$host_out"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
if line=$(grep -E '^host: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$host_out" | tail -n 1); then
	read -r hp hf hs <<<"$(sed -E 's/^host: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/' <<<"$line")"
else
	echo "check: host tests printed no summary"
	hf=$((hf + 1)); rc=1
fi
rm -f "$host_out"

echo "==== VM tests (stock Debian kernels in QEMU)"
if ! $MAKE --no-print-directory -C test/selftests; then
	echo "check: building the selftests failed"
	rc=1
fi
rm -f build/vm/check-counts
bash test/vm/check.sh || rc=1
if [ -s build/vm/check-counts ]; then
	read -r vp vf vs < build/vm/check-counts
else
	echo "check: the VM suite reported no counts"
	vf=$((vf + 1)); rc=1
fi

echo "==== summary: host $hp passed, $hf failed, $hs skipped; VM $vp passed, $vf failed, $vs skipped"
passed=$((hp + vp)) failed=$((hf + vf)) skipped=$((hs + vs))
[ "$failed" -eq 0 ] || rc=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
