#!/bin/bash
# Install everything innerext needs to build and to run its VM tests on Debian 12 (bookworm).
#
#   bash test/vm/deps.sh [--update]      # --update: run apt-get update first, regardless
#
# Idempotent and quiet: when everything is installed (and the kernel headers are at the version
# apt would install) it changes nothing and does not touch the network.  apt-get update runs at
# most once, and only if the apt lists are missing, or a package we need has no install
# candidate, or the lists are older than INNEREXT_APT_MAX_AGE seconds (default 1 day) and we have
# something to install anyway.  Full apt output goes to build/logs/deps.log.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOG=$INNEREXT_BUILD/logs/deps.log
MAX_AGE=${INNEREXT_APT_MAX_AGE:-86400}

base_pkgs=(
	build-essential kmod cpio xz-utils
	linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	libelf-dev libcap-dev libkmod-dev libbpf-dev zlib1g-dev bpftool clang libclang-rt-dev llvm
	libcap2-bin iproute2 valgrind dkms openssl
)

[ -r /etc/debian_version ] || die "this script is for Debian 12 (bookworm)"
command -v apt-get >/dev/null || die "apt-get not found"

updated=0
apt_update() {
	[ "$updated" -eq 0 ] || return 0
	say "apt-get update (log: ${LOG#"$INNEREXT_ROOT"/})"
	logged "$LOG" as_root apt-get -q update
	updated=1
}

lists_present() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

lists_age() {
	local newest
	newest=$(stat -c %Y /var/lib/apt/lists/*_Packages* 2>/dev/null | sort -n | tail -n 1)
	echo $(($(date +%s) - ${newest:-0}))
}

has_candidate() {
	local cand
	cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	[ -n "$cand" ] && [ "$cand" != "(none)" ]
}

case ${1:-} in
--update) apt_update ;;
'') ;;
*) die "usage: $0 [--update]" ;;
esac
lists_present || apt_update

# The kernel matrix decides which headers we need (see kernels.sh).  compute() sets k61, k612,
# want (all packages) and missing (not installed, or kernel headers not at the candidate version:
# kernels.sh downloads the image at exactly the headers' version, so stale headers would mismatch).
compute() {
	k61=$(kver_61)
	k612=$(kver_612)
	[ -n "$k61" ] || return 1
	[ -n "$k612" ] || return 1
	want=("${base_pkgs[@]}" "linux-headers-$k61" "linux-headers-$k612")
	missing=()
	local p iv cand
	for p in "${want[@]}"; do
		iv=$(installed_version "$p")
		if [ -z "$iv" ]; then
			missing+=("$p")
		elif [[ $p == linux-headers-* ]]; then
			cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')
			[ "$cand" = "$iv" ] || missing+=("$p")
		fi
	done
}

if ! compute; then
	apt_update
	compute || die "cannot find the kernels: 6.1 (apt-cache depends linux-image-amd64) = '$k61'," \
		"6.12 (linux-image-6.12.*+deb12-amd64-unsigned with matching headers) = '$k612'"
fi

if [ "${#missing[@]}" -eq 0 ]; then
	say "all ${#want[@]} packages installed ($k61, $k612)"
	exit 0
fi

need_update=0
[ "$(lists_age)" -le "$MAX_AGE" ] || need_update=1
for p in "${missing[@]}"; do
	has_candidate "$p" || need_update=1
done
if [ "$need_update" -eq 1 ] && [ "$updated" -eq 0 ]; then
	apt_update
	compute || die "kernels disappeared from apt after apt-get update"
	[ "${#missing[@]}" -gt 0 ] || { say "all ${#want[@]} packages installed ($k61, $k612)"; exit 0; }
fi

say "kernels: $k61 and $k612"
say "installing ${#missing[@]} packages: ${missing[*]}"
logged "$LOG" as_root apt-get -q install -y --no-install-recommends "${missing[@]}"

# Verify: fail loudly if apt claimed success but something is still missing.
for p in "${want[@]}"; do
	[ -n "$(installed_version "$p")" ] || die "package $p is still not installed (see $LOG)"
done
say "done (${#want[@]} packages installed)"
