#!/bin/bash
# VM tests: for every kernel of the matrix (kernels.sh), build the module for it, boot it in
# QEMU with the payload, run test/selftests/run-selftests.sh, and count the kselftest results.
#
#   test/vm/check.sh
#
# Expects `make all` (extctl, examples) and the selftest binaries (test/selftests/*_test) to be
# built already; builds the module per kernel with `make -C <repo> kmod-kver KVER=<kver>`
# (-> build/kmod/<kver>/innerext.ko).  Environment:
#   INNEREXT_VM_KERNELS   only these kernels (space-separated kvers or prefixes: "6.1", "6.12")
#   INNEREXT_VM_TIMEOUT   per-VM wall-clock limit in seconds (default 900)
#   INNEREXT_VM_MODULES   kernel modules loaded in the guest (default "veth bridge")
#   INNEREXT_VM_EXTRA_BINS  host programs copied into the guest (default "openssl": sign_test)
#   MAKE                  make program (default make)
# Per kernel it prints `check-vm: <kver>: N passed, N failed, N skipped (<status>, <s>s)`; the last
# line is `N passed, N failed, N skipped` over all kernels, also written to
# build/vm/check-counts as "passed failed skipped".  Exit status 1 if any kernel had a failing
# test, a failing runner (insmod/rmmod/crash), a timeout or an oops/WARN in its kernel log.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ie_prog=check-vm

TIMEOUT=${INNEREXT_VM_TIMEOUT:-900}
# Kernel modules the tests need in the guest (xdp_test: veth pairs, a bridge port).
export INNEREXT_VM_MODULES=${INNEREXT_VM_MODULES-veth bridge}
# sign_test makes keys and signs with openssl (extctl sign runs it).
export INNEREXT_VM_EXTRA_BINS=${INNEREXT_VM_EXTRA_BINS-openssl}
MAKE=${MAKE:-make}
mkdir -p "$INNEREXT_BUILD/vm" "$INNEREXT_BUILD/logs"

mapfile -t matrix < <("$INNEREXT_VM_DIR/kernels.sh")
[ "${#matrix[@]}" -gt 0 ] || die "empty kernel matrix"
if [ -n "${INNEREXT_VM_KERNELS:-}" ]; then
	selected=()
	for k in $INNEREXT_VM_KERNELS; do
		line=$(printf '%s\n' "${matrix[@]}" | match_kernel "$k") || die "kernel $k is not in the matrix"
		selected+=("$line")
	done
	matrix=("${selected[@]}")
fi

# count_tap <result.log>: prints "passed failed skipped".
# kselftest TAP: "ok N name", "ok N name # SKIP why", "not ok N name"; "# XFAIL" counts as passed.
# Only lines at column 0 count (indented, nested TAP is not counted twice).  Per test binary
# (run-selftests.sh starts each with "# ---- <name>"), tests of the plan "1..N" that never
# reported (the binary crashed or was killed) count as failed, and so does a binary that failed
# ("# <name>: FAIL ...") without printing any "not ok" line.
count_tap() {
	tr -d '\r' <"$1" | awk '
		function flush() {
			if (insec) {
				if (plan > seen) f += plan - seen
				else if (binfail && nf == 0) f++
			}
			insec = 0; plan = 0; seen = 0; nf = 0; binfail = 0
		}
		/^# ---- / { flush(); insec = 1; next }
		/^1\.\.[0-9]+/ { if (plan == 0) plan = substr($0, 4) + 0; next }
		/^ok [0-9]+/ { seen++; if (tolower($0) ~ /# *skip/) s++; else p++; next }
		/^not ok [0-9]+/ { seen++; if (tolower($0) ~ /# *skip/) s++; else { f++; nf++ }; next }
		/^# [^ ]+: FAIL/ { binfail = 1; next }
		/^# (rmmod|dmesg|FAILED|all test)/ { flush() }
		END { flush(); print p + 0, f + 0, s + 0 }'
}

total_pass=0 total_fail=0 total_skip=0
summary=()
bad=0
for line in "${matrix[@]}"; do
	read -r kver _ <<<"$line"

	klog=$INNEREXT_BUILD/logs/kmod-$kver.log
	say "$kver: building the module (log: ${klog#"$INNEREXT_ROOT"/})"
	if ! "$MAKE" -C "$INNEREXT_ROOT" kmod-kver KVER="$kver" >"$klog" 2>&1; then
		tail -n 30 "$klog" >&2
		say "$kver: module build FAILED"
		summary+=("$kver: 0 passed, 1 failed, 0 skipped (module build failed)")
		total_fail=$((total_fail + 1))
		bad=1
		continue
	fi

	payload=$INNEREXT_BUILD/payload/$kver
	assemble_payload "$kver" "$payload"
	out=$INNEREXT_BUILD/vm/check-$kver
	vm_rc=0
	"$INNEREXT_VM_DIR/run-vm.sh" --kernel "$kver" --payload "$payload" \
		--script test/selftests/run-selftests.sh --timeout "$TIMEOUT" --out "$out" || vm_rc=$?

	pass=0 fail=0 skip=0
	[ ! -f "$out/result.log" ] || read -r pass fail skip < <(count_tap "$out/result.log")
	status=$(sed -n 's/^status=\([^ ]*\).*/\1/p' "$out/verdict" 2>/dev/null || true)
	secs=$(sed -n 's/.* secs=\([^ ]*\).*/\1/p' "$out/verdict" 2>/dev/null || true)
	status=${status:-no-verdict}
	note=$status
	if [ "$vm_rc" -ne 0 ] || [ "$status" != ok ]; then
		bad=1
		# Make sure a failure the TAP does not show (insmod/rmmod, timeout, oops) counts.
		if [ "$fail" -eq 0 ] || [ "$status" != failed ]; then
			fail=$((fail + 1))
		fi
		case $status in
		failed) note="failed, rc=$vm_rc" ;;
		kernel-error) note="oops/WARN in the kernel log: ${out#"$INNEREXT_ROOT"/}/console.log" ;;
		timeout | no-marker) note="$status, see ${out#"$INNEREXT_ROOT"/}/console.log" ;;
		guest-timeout) note="tests timed out in the guest" ;;
		esac
	fi
	summary+=("$kver: $pass passed, $fail failed, $skip skipped ($note, ${secs:-?}s)")
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done

echo
for s in "${summary[@]}"; do echo "check-vm: $s"; done
echo "$total_pass $total_fail $total_skip" >"$INNEREXT_BUILD/vm/check-counts"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
exit "$bad"
