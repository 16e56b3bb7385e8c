#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run kselftest-harness binaries, show their TAP output, and end with one summary
# line "host: N passed, N failed, N skipped". $RUNNER (e.g. valgrind) wraps each.
# Exit status: 0 if nothing failed.

pass=0 fail=0 skip=0 rc=0
for t in "$@"; do
	out=$(mktemp) || exit 1
	${RUNNER:-} "$t" >"$out" 2>&1
	status=$?
	cat "$out"
	totals=$(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:[0-9]* xpass:[0-9]* skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4/p' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$totals" ]; then
		echo "# $(basename "$t"): no totals (crashed? exit status $status)"
		fail=$((fail + 1)); rc=1
		continue
	fi
	read -r p f s e <<-END
	$totals
	END
	pass=$((pass + p)); fail=$((fail + f + e)); skip=$((skip + s))
	tfail=0
	[ "$f" -eq 0 ] && [ "$e" -eq 0 ] || { tfail=1; rc=1; }
	# the harness passes but the wrapper (valgrind) found errors
	if [ "$status" -ne 0 ] && [ "$tfail" -eq 0 ]; then
		echo "# $(basename "$t"): exit status $status"
		fail=$((fail + 1)); rc=1
	fi
done
echo "host: $pass passed, $fail failed, $skip skipped"
exit $rc
