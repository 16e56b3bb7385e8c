#!/bin/bash
# Run the innerext kselftests inside the test VM (from /innerext; see test/vm/check.sh).
#
#   insmod innerext.ko -> every test/selftests/*_test -> rmmod innerext -> dmesg | grep innerext
#
# Output is the tests' own kselftest TAP (check.sh counts the `ok N` / `not ok N` lines), plus
# `# ...` comment lines from this runner.  Each binary runs with /innerext as its working
# directory, so relative paths such as examples/hello.o work.  Exit status: 0 when every binary
# passed or was skipped (kselftest exit code 4 = KSFT_SKIP), 1 otherwise (also when insmod or
# rmmod fails).  INNEREXT_TEST_TIMEOUT (default 300) bounds each binary.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
TEST_TIMEOUT=${INNEREXT_TEST_TIMEOUT:-300}

echo "# innerext selftests on $(uname -r), $(nproc) CPUs, in $ROOT"

if ! out=$(insmod "$ROOT/innerext.ko" 2>&1); then
	echo "# FATAL: insmod innerext.ko failed: $out"
	echo "# dmesg tail:"
	dmesg | tail -n 30 | sed 's/^/#   /'
	exit 1
fi
echo "# insmod innerext.ko: ok"

failed=()
shopt -s nullglob
tests=("$ROOT"/test/selftests/*_test)
[ "${#tests[@]}" -gt 0 ] || echo "# WARNING: no test binaries in test/selftests/"
for t in "${tests[@]}"; do
	[ -x "$t" ] || continue
	name=${t#"$ROOT"/}
	echo "# ---- $name"
	rc=0
	timeout -s KILL "$TEST_TIMEOUT" "$t" || rc=$?
	case $rc in
	0) echo "# $name: pass" ;;
	4) echo "# $name: skip" ;;
	137) echo "# $name: FAIL (killed after ${TEST_TIMEOUT} s)"; failed+=("$name") ;;
	*) echo "# $name: FAIL (exit $rc)"; failed+=("$name") ;;
	esac
done

# rmmod while persistent links are attached (kprobe and tracepoint) and firing:
# the module must detach them itself, cleanly (the kernel log is checked by run-vm.sh).
echo "# ---- rmmod_with_attached_programs"
echo "1..1"
rm_ok=1
./tools/extctl/extctl load examples/hello.o >/dev/null || rm_ok=0
./tools/extctl/extctl load examples/hello.o --name hello_kp --kprobe __x64_sys_dup >/dev/null || rm_ok=0
./examples/hello_trigger 10 >/dev/null || rm_ok=0
links=$(./tools/extctl/extctl -j list | grep -o '"persistent":true' | wc -l)
[ "$links" -eq 2 ] || { echo "# expected 2 persistent links before rmmod, saw $links"; rm_ok=0; }
# a marker, so that only this rmmod's 'unloaded' line counts (earlier tests reload the module)
echo "innerext-selftests: rmmod with attached programs" >/dev/kmsg
if out=$(rmmod innerext 2>&1); then
	echo "# module removed with 2 links attached"
	[ ! -e /dev/innerext ] || { echo "# /dev/innerext still exists after rmmod"; rm_ok=0; }
	dmesg | sed -n '/innerext-selftests: rmmod with attached programs/,$p' |
		grep -q 'innerext: unloaded' || { echo "# no 'unloaded' line"; rm_ok=0; }
	./examples/hello_trigger 3 >/dev/null || rm_ok=0	# probes are gone: nothing may fire
else
	echo "# FAIL: rmmod innerext failed: $out"
	rm_ok=0
fi
if [ "$rm_ok" -eq 1 ]; then
	echo "ok 1 rmmod_with_attached_programs"
else
	echo "not ok 1 rmmod_with_attached_programs"
	failed+=(rmmod)
fi

echo "# dmesg (innerext):"
dmesg | grep -i innerext | grep -v 'ommand line:' | sed 's/^/#   /' || true

if [ "${#failed[@]}" -gt 0 ]; then
	echo "# FAILED: ${failed[*]}"
	exit 1
fi
echo "# all test binaries passed"
