# shellcheck shell=bash
# Common helpers for the innerext VM test rig.  Sourced, never executed.
#
# Everything the rig creates lives under $INNEREXT_BUILD (default: <repo>/build):
#   build/debs/                 cached kernel image .debs (apt-get download)
#   build/kernels/<kver>/       dpkg-deb -x of the image (boot/vmlinuz-<kver>, lib/modules/<kver>)
#   build/kselftest/            kselftest_harness.h + kselftest.h from linux-source-6.1
#   build/payload/<kver>/       what check.sh / demo-host.sh copy into the guest as /innerext
#   build/vm/...                per-run output: initramfs, console.log, result.log
#   build/logs/                 logs of apt-get, dpkg-deb, ...

INNEREXT_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INNEREXT_ROOT=$(cd "$INNEREXT_VM_DIR/../.." && pwd)
INNEREXT_BUILD=${INNEREXT_BUILD:-$INNEREXT_ROOT/build}
export DEBIAN_FRONTEND=noninteractive

# Messages go to stderr so that stdout stays machine-readable where it matters (kernels.sh).
ie_prog=$(basename "$0" .sh)
say() { printf '%s: %s\n' "$ie_prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$ie_prog" "$*" >&2; exit 1; }

# Run a command as root (directly, or through sudo when we are not root).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo -E "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

# Run a command with its output going to a log file; on failure show the log's tail and die.
logged() {
	local log=$1
	shift
	mkdir -p "$(dirname "$log")"
	printf '\n### %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
	if ! "$@" >>"$log" 2>&1; then
		printf '%s: error: command failed: %s\n' "$ie_prog" "$*" >&2
		printf '%s: ---- last lines of %s ----\n' "$ie_prog" "$log" >&2
		tail -n 25 "$log" >&2
		exit 1
	fi
}

# ---------------------------------------------------------------------------------------------
# Kernel discovery.  Nothing about versions is hard-coded: both come from the apt lists.

# 6.1: the ABI that the linux-image-amd64 meta-package points at, e.g. "6.1.0-56-amd64".
kver_61() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | sort -V | tail -n 1
}

# 6.12: the newest "6.12.N+deb12-amd64" for which apt has both the unsigned image and the headers.
kver_612() {
	local images headers
	images=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)-unsigned .*/\1/p' | sort -u)
	headers=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\) .*/\1/p' | sort -u)
	comm -12 <(printf '%s\n' "$images") <(printf '%s\n' "$headers") | grep . | sort -V | tail -n 1
}

# Image package for a kver: 6.1 uses the package linux-image-amd64 depends on (signed; same
# binaries), 6.12 the -unsigned one.
image_pkg_for() {
	case $1 in
	6.12.*) echo "linux-image-$1-unsigned" ;;
	*) echo "linux-image-$1" ;;
	esac
}

# Installed version of a package, empty if not installed.
installed_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		awk '$1 == "install" && $3 == "installed" { print $4 }'
}

# Resolve a user-supplied kernel name ("6.1", "6.12", or a full kver) against the matrix printed
# by kernels.sh (given on stdin); prints the matching matrix line.
match_kernel() {
	local want=$1 line kver
	local -a lines=()
	mapfile -t lines
	for line in "${lines[@]}"; do
		kver=${line%% *}
		[ "$kver" = "$want" ] && { echo "$line"; return 0; }
	done
	for line in "${lines[@]}"; do
		kver=${line%% *}
		case $kver in "$want".*) echo "$line"; return 0 ;; esac
	done
	return 1
}

# ---------------------------------------------------------------------------------------------
# Payload: the directory that becomes /innerext in the guest.
#   assemble_payload <kver> <dest> [extra files relative to the repo...]
# Copies build/kmod/<kver>/innerext.ko to <dest>/innerext.ko and, keeping their repo-relative
# paths: tools/extctl/extctl, examples/*.o, executable files in examples/, the eBPF twins in
# examples/ebpf/ (*.bpf.o and executables), test/selftests/*_test, test/selftests/fixtures/*,
# test/selftests/run-selftests.sh, test/vm/demo.sh.
assemble_payload() {
	local kver=$1 dest=$2 f
	shift 2
	local ko=$INNEREXT_BUILD/kmod/$kver/innerext.ko
	[ -f "$ko" ] || die "$ko missing (make kmod-kver KVER=$kver)"
	[ -x "$INNEREXT_ROOT/tools/extctl/extctl" ] || die "tools/extctl/extctl missing (make all)"
	rm -rf "$dest"
	mkdir -p "$dest"
	cp "$ko" "$dest/innerext.ko"
	(
		cd "$INNEREXT_ROOT" || exit 1
		shopt -s nullglob
		local -a files=(tools/extctl/extctl test/selftests/run-selftests.sh test/vm/demo.sh)
		for f in examples/*.o; do files+=("$f"); done
		for f in examples/*; do
			[ -f "$f" ] && [ -x "$f" ] && files+=("$f")
		done
		for f in examples/ebpf/*.bpf.o; do files+=("$f"); done
		for f in examples/ebpf/*; do
			[ -f "$f" ] && [ -x "$f" ] && files+=("$f")
		done
		for f in test/selftests/*_test; do
			[ -f "$f" ] && [ -x "$f" ] && files+=("$f")
		done
		for f in test/selftests/fixtures/*; do files+=("$f"); done
		files+=("$@")
		for f in "${files[@]}"; do
			[ -e "$f" ] || continue
			mkdir -p "$dest/$(dirname "$f")"
			cp -pR "$f" "$dest/$f"
		done
	)
}
