#!/bin/bash
# Boot a stock Debian kernel in QEMU (TCG) with a test initramfs and run one script in it.
#
#   test/vm/run-vm.sh --kernel <kver|6.1|6.12> --payload <dir> --script <path in payload>
#                     [--timeout SECONDS] [--guest-timeout SECONDS] [--out DIR]
#                     [--mode check|demo|shell] [--append "kernel args"] [--quiet]
#
#   --kernel         a kver from kernels.sh, or a prefix such as 6.1 / 6.12
#   --payload        directory copied into the guest as /innerext (the script runs there)
#   --script         script to run, relative to the payload (or an absolute guest path)
#   --timeout        wall-clock limit for the whole VM (default 600); the VM is killed after it
#   --guest-timeout  in-guest limit for the script (default: --timeout minus a boot margin;
#                    0 = none); on expiry the guest kills the script and reports rc=124
#   --out            output directory (default build/vm/<kver>/<script name>): initramfs.cpio.gz,
#                    console.log (ttyS0: kernel log), result.log (ttyS1: script output),
#                    qemu.log, verdict
#   --mode           check (default) / demo: run and power off; shell: afterwards a shell on the
#                    console, which is connected to this terminal (no timeout)
#   --quiet          do not copy result.log to stdout
#
# The script's output (result.log) is streamed to stdout while it runs.  Exit status: the
# script's rc if the guest finished and the kernel log is clean; 1 if the guest did not finish
# (timeout, crash) or the kernel log shows an oops/BUG/WARNING/stall/panic/...; 124 if the
# in-guest time limit killed the script.  $OUT/verdict holds a one-line summary for scripts:
#   status=<ok|failed|guest-timeout|timeout|no-marker|kernel-error> rc=<n> secs=<s> kver=<kver>
# No QEMU process outlives this script (pdeathsig + traps). INNEREXT_VM_TCG_OPTS sets the TCG
# options (default thread=single; see README.md "TCG threading"); INNEREXT_VM_MONITOR a QEMU
# -monitor spec for debugging a hung guest (e.g. unix:/tmp/mon.sock,server,nowait).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

kernel='' payload='' script='' timeout=600 guest_timeout='' out='' mode=check append='' quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--payload) payload=$2; shift 2 ;;
	--script) script=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--guest-timeout) guest_timeout=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h | --help) usage ;;
	*) say "unknown argument: $1"; usage ;;
	esac
done
if [ -z "$kernel" ] || [ -z "$payload" ]; then usage; fi
[ -n "$script" ] || [ "$mode" = shell ] || usage
case $mode in check | demo | shell) ;; *) die "--mode must be check, demo or shell" ;; esac
if ! [[ $timeout =~ ^[1-9][0-9]*$ ]]; then die "--timeout must be a positive number"; fi
if ! [[ $guest_timeout =~ ^[0-9]*$ ]]; then die "--guest-timeout must be a number"; fi
[ -d "$payload" ] || die "payload dir $payload not found"
payload=$(cd "$payload" && pwd)
case $script in
/*) ;;
'') ;;
*) [ -f "$payload/$script" ] || die "$payload/$script not found" ;;
esac
case $script in *[[:space:]]*) die "--script must not contain spaces" ;; esac

# --- kernel ----------------------------------------------------------------------------------
# A full kver that kernels.sh already unpacked is used directly; anything else asks kernels.sh.
if [ -f "$INNEREXT_BUILD/kernels/$kernel/.innerext-unpacked" ]; then
	kver=$kernel
else
	line=$("$INNEREXT_VM_DIR/kernels.sh" | match_kernel "$kernel") ||
		die "kernel '$kernel' is not in the matrix: $("$INNEREXT_VM_DIR/kernels.sh" --list | xargs)"
	kver=${line%% *}
fi
vmlinuz=$INNEREXT_BUILD/kernels/$kver/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "$vmlinuz not found"

# --- output dir, initramfs ---------------------------------------------------------------------
name=$(basename "${script:-shell}")
out=${out:-$INNEREXT_BUILD/vm/$kver/${name%.*}}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/{console.log,result.log,qemu.log,verdict,initramfs.cpio.gz}
"$INNEREXT_VM_DIR/mkinitramfs.sh" "$kver" "$out/initramfs.cpio.gz" "$payload"

# The guest limit leaves room for booting and for the guest to report.
if [ -z "$guest_timeout" ]; then
	if [ "$timeout" -ge 90 ]; then guest_timeout=$((timeout - 30)); else guest_timeout=$((timeout / 2)); fi
fi
[ "$mode" != shell ] || guest_timeout=0

cmdline="console=ttyS0 panic=-1 loglevel=7 innerext.mode=$mode innerext.timeout=$guest_timeout"
[ -z "$script" ] || cmdline+=" innerext.script=$script"
[ -z "$append" ] || cmdline+=" $append"

console_dev=file:$out/console.log
[ "$mode" != shell ] || console_dev=mon:stdio
qemu=(
	qemu-system-x86_64 -accel "tcg,${INNEREXT_VM_TCG_OPTS:-thread=single}" -cpu max -smp "${INNEREXT_VM_SMP:-2}" -m "${INNEREXT_VM_MEM:-2G}"
	-nodefaults -no-user-config -display none -monitor "${INNEREXT_VM_MONITOR:-none}" -no-reboot
	-kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz" -append "$cmdline"
	-serial "$console_dev" -serial "file:$out/result.log"
)
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (run test/vm/deps.sh)"

# --- run -------------------------------------------------------------------------------------
vm_pid='' tail_pid=''
# shellcheck disable=SC2317 # invoked from traps
cleanup() {
	local p
	for p in $vm_pid $tail_pid; do
		kill -TERM "$p" 2>/dev/null || continue
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	vm_pid='' tail_pid=''
}
trap cleanup EXIT
trap 'say "interrupted"; cleanup; exit 130' INT
trap 'say "terminated"; cleanup; exit 143' TERM HUP

: >"$out/result.log"
: >"$out/console.log"
say "booting $kver (tcg, timeout ${timeout}s): script ${script:-none}, output in ${out#"$INNEREXT_ROOT"/}"
start=$(date +%s.%N)
# coreutils timeout kills QEMU after $timeout s.  setpriv --pdeathsig KILL: the kernel kills
# `timeout` when this script dies (even by SIGKILL, when no trap runs), and QEMU when `timeout`
# dies, so no QEMU outlives us.
if [ "$mode" = shell ]; then
	# Foreground, on this terminal (a background job would get /dev/null as stdin).
	say "the console is this terminal; Ctrl-A x quits QEMU, 'exit' in the guest powers off"
	setpriv --pdeathsig KILL -- "${qemu[@]}" 2>"$out/qemu.log" || true
	say "VM exited"
	exit 0
else
	setpriv --pdeathsig KILL -- timeout -k 10 "$timeout" \
		setpriv --pdeathsig KILL -- "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
fi
vm_pid=$!
if [ "$quiet" -eq 0 ] && [ "$mode" != shell ]; then
	setpriv --pdeathsig KILL -- tail -n +1 -F -s 0.2 --pid="$vm_pid" "$out/result.log" 2>/dev/null &
	tail_pid=$!
fi
vm_rc=0
wait "$vm_pid" || vm_rc=$?
vm_pid=''
if [ -n "$tail_pid" ]; then
	wait "$tail_pid" 2>/dev/null || true
	tail_pid=''
fi
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

# --- verdict ---------------------------------------------------------------------------------
rc=$(grep -a -o 'INNEREXT-GUEST-DONE rc=[0-9]*' "$out/result.log" | tail -n 1 | sed 's/.*rc=//') || true
bad_re='Oops|BUG:|WARNING:|Call Trace|general protection fault|soft lockup|hard LOCKUP|self-detected stall|detected stalls|RCU stall|Kernel panic|hung_task|blocked for more than|UBSAN|KASAN|kernel BUG at|Unable to handle kernel'
bad=$(grep -a -n -E "$bad_re" "$out/console.log" | head -n 40) || true

status=ok
if [ -z "$rc" ]; then
	status='no-marker'
	rc=1
	if [ "$vm_rc" -eq 124 ] || [ "$vm_rc" -eq 137 ]; then
		status=timeout
		say "guest did not finish within ${timeout} s (see ${out#"$INNEREXT_ROOT"/}/console.log)"
	else
		say "guest stopped without reporting a result after ${secs}s (qemu rc=$vm_rc;" \
			"see ${out#"$INNEREXT_ROOT"/}/console.log)"
	fi
	if ! grep -q 'init: kernel' "$out/console.log"; then
		say "the guest never reached /init; last console lines:"
		tail -n 20 "$out/console.log" | sed 's/^/    /' >&2
	fi
	[ ! -s "$out/qemu.log" ] || { say "qemu said:"; sed 's/^/    /' "$out/qemu.log" >&2; }
elif [ "$rc" -eq 124 ]; then
	status='guest-timeout'
	say "the script hit the in-guest time limit (${guest_timeout} s) and was killed"
elif [ "$rc" -ne 0 ]; then
	status=failed
fi
if [ -n "$bad" ]; then
	status='kernel-error'
	say "kernel log shows problems (${out#"$INNEREXT_ROOT"/}/console.log):"
	printf '    %s\n' "${bad//$'\n'/$'\n'    }" >&2
	first=${bad%%:*}
	say "console.log from line $first:"
	sed -n "$((first > 3 ? first - 3 : 1)),$((first + 30))p" "$out/console.log" | sed 's/^/  | /' >&2
	[ "$rc" -ne 0 ] || rc=1
fi

echo "status=$status rc=$rc secs=$secs kver=$kver" >"$out/verdict"
say "$kver: $status (rc=$rc) in ${secs}s"
exit "$rc"
