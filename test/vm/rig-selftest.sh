#!/bin/bash
# Self-test of the VM rig itself (no innerext module needed): on every kernel of the matrix,
# boot trivial payloads and check that run-vm.sh reports what it should.
#
#   test/vm/rig-selftest.sh [--quick]     # --quick: skip the slow timeout cases (~1 min less)
#
#   tap       prints TAP, uses veth + netns (iproute2)   -> rc 0, status ok
#   fail      exits 1                                     -> rc 1, status failed
#   oops      sysrq-l backtrace ("Call Trace" on console) -> rc 1, status kernel-error
#   panic     sysrq-c crash, no marker                    -> rc 1, status kernel-error
#   hang      sleep 10000, --timeout 60                   -> rc 124, status guest-timeout
#   hang      sleep 10000, --timeout 30 --guest-timeout 0 -> rc 1, status timeout
# and that no QEMU process is left afterwards.  Exit 1 on any mismatch.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

quick=0
[ "${1:-}" != --quick ] || quick=1

payload=$INNEREXT_BUILD/rig-selftest/payload
rm -rf "$payload"
mkdir -p "$payload"
cat >"$payload/tap.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
echo "TAP version 13"
echo "1..3"
echo "ok 1 - boot"
echo "ok 2 - skipped # SKIP just a test"
ip link add veth0 type veth peer name veth1
ip netns add peer
ip link set veth1 netns peer
echo "ok 3 - veth + netns on $(uname -r)"
EOF
printf '#!/bin/sh\necho "failing on purpose" >&2\nexit 1\n' >"$payload/fail.sh"
printf '#!/bin/sh\necho l >/proc/sysrq-trigger\nsleep 1\n' >"$payload/oops.sh"
printf '#!/bin/sh\necho c >/proc/sysrq-trigger\n' >"$payload/panic.sh"
printf '#!/bin/sh\necho sleeping\nsleep 10000\n' >"$payload/hang.sh"
chmod +x "$payload"/*.sh

failures=0
expect() { # <kver> <name> <want rc> <want status> -- run-vm args...
	local kver=$1 name=$2 want_rc=$3 want_status=$4 rc=0 got out
	shift 5
	out=$INNEREXT_BUILD/rig-selftest/$kver/$name
	"$INNEREXT_VM_DIR/run-vm.sh" --kernel "$kver" --payload "$payload" --out "$out" --quiet "$@" \
		2>"$out.stderr" || rc=$?
	got=$(sed -n 's/^status=\([^ ]*\).*secs=\([^ ]*\).*/\1 \2/p' "$out/verdict" 2>/dev/null || true)
	if [ "$rc" = "$want_rc" ] && [ "${got%% *}" = "$want_status" ]; then
		printf 'ok   %-22s %-8s rc=%-3s %-14s %ss\n' "$kver" "$name" "$rc" "${got%% *}" "${got#* }"
	else
		printf 'FAIL %-22s %-8s rc=%s (want %s) status=%s (want %s); see %s\n' "$kver" "$name" \
			"$rc" "$want_rc" "${got%% *}" "$want_status" "$out.stderr"
		failures=$((failures + 1))
	fi
	if pgrep -f -- "$out/console.log" >/dev/null; then # only our QEMU has this in its command line
		echo "FAIL a QEMU process is still running after $name"
		failures=$((failures + 1))
	fi
}

mkdir -p "$INNEREXT_BUILD/rig-selftest"
for kver in $("$INNEREXT_VM_DIR/kernels.sh" | awk '{ print $1 }'); do
	mkdir -p "$INNEREXT_BUILD/rig-selftest/$kver"
	expect "$kver" tap 0 ok -- --script tap.sh --timeout 120
	expect "$kver" fail 1 failed -- --script fail.sh --timeout 120
	expect "$kver" oops 1 kernel-error -- --script oops.sh --timeout 120
	expect "$kver" panic 1 kernel-error -- --script panic.sh --timeout 120
	if [ "$quick" -eq 0 ]; then
		expect "$kver" hang 124 guest-timeout -- --script hang.sh --timeout 60
		expect "$kver" hang-host 1 timeout -- --script hang.sh --timeout 30 --guest-timeout 0
	fi
done
[ "$failures" -eq 0 ] || { echo "rig-selftest: $failures failure(s)"; exit 1; }
echo "rig-selftest: all good"
