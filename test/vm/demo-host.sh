#!/bin/bash
# `make demo`: on a fresh Debian 12 box install the dependencies, build everything, boot the
# stock 6.1 kernel in QEMU and run the demo session (test/vm/demo.sh) in it.
#
#   test/vm/demo-host.sh [--kernel 6.1|6.12|<kver>] [--timeout SECONDS]
#
# Takes a few minutes the first time (apt, kernel download), about a minute after that.
# The session's output is printed as it happens; the kernel log is in build/vm/demo-<kver>/.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kernel=6.1
timeout=300
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) die "usage: $0 [--kernel 6.1|6.12|<kver>] [--timeout SECONDS]" ;;
	esac
done

bash "$INNEREXT_VM_DIR/deps.sh"
line=$("$INNEREXT_VM_DIR/kernels.sh" | match_kernel "$kernel") || die "kernel $kernel is not in the matrix"
kver=${line%% *}

blog=$INNEREXT_BUILD/logs/demo-build.log
say "building (make all kmod-kver KVER=$kver; log: ${blog#"$INNEREXT_ROOT"/})"
mkdir -p "$(dirname "$blog")"
if ! "${MAKE:-make}" -C "$INNEREXT_ROOT" all kmod-kver KVER="$kver" >"$blog" 2>&1; then
	tail -n 30 "$blog" >&2
	die "build failed (see $blog)"
fi

payload=$INNEREXT_BUILD/payload/demo-$kver
assemble_payload "$kver" "$payload"
for f in examples/hello.o examples/hello_trigger; do
	[ -e "$payload/$f" ] || die "$f was not built"
done
exec "$INNEREXT_VM_DIR/run-vm.sh" --kernel "$kver" --payload "$payload" --script test/vm/demo.sh \
	--mode demo --timeout "$timeout" --out "$INNEREXT_BUILD/vm/demo-$kver"
