#!/bin/bash
# Print the kernel matrix the VM tests run on, one line per kernel:
#
#   <kver> <vmlinuz path> <headers dir> <modules dir>
#
#   6.1  = the ABI linux-image-amd64 depends on (e.g. 6.1.0-56-amd64)
#   6.12 = the newest linux-image-6.12.N+deb12-amd64-unsigned that also has headers in apt
#
# The image .deb is fetched with `apt-get download` into build/debs/ and unpacked with
# `dpkg-deb -x` into build/kernels/<kver>/ (both cached; nothing is installed on the host).
# The image is downloaded at exactly the version of the installed linux-headers-<kver> package and
# its config is compared with the headers' .config, so modules built against the headers load
# (vermagic and symbol CRCs match).  The headers come from deps.sh.
#
#   test/vm/kernels.sh            # download/unpack as needed, print the matrix
#   test/vm/kernels.sh --list     # only print the kvers (no download)
# Progress messages go to stderr; stdout is only the matrix.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOG=$INNEREXT_BUILD/logs/kernels.log
DEBS=$INNEREXT_BUILD/debs
KERNELS=$INNEREXT_BUILD/kernels

k61=$(kver_61)
k612=$(kver_612)
[ -n "$k61" ] || die "cannot find the 6.1 kernel: apt-cache depends linux-image-amd64 (run test/vm/deps.sh)"
[ -n "$k612" ] || die "cannot find linux-image-6.12.*+deb12-amd64-unsigned with headers (run test/vm/deps.sh)"

if [ "${1:-}" = "--list" ]; then
	printf '%s\n' "$k61" "$k612"
	exit 0
fi

# check_abi <modules dir> <headers dir> <kver>
check_abi() {
	local mods=$1 hdr=$2 kver=$3 ko vm uts bad
	ko=$(find "$mods/kernel/drivers/net" -name 'veth.ko*' -print -quit)
	[ -n "$ko" ] || { say "no veth.ko in $mods"; return 1; }
	vm=$(/sbin/modinfo -F vermagic "$ko" | awk '{ print $1 }')
	uts=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$hdr/include/generated/utsrelease.h")
	if [ "$vm" != "$kver" ] || [ "$uts" != "$kver" ]; then
		say "vermagic release '$vm', headers UTS_RELEASE '$uts', expected '$kver'"
		return 1
	fi
	bad=$(/sbin/modprobe --dump-modversions "$ko" |
		awk 'NR == FNR { crc[$2] = $1; next } ($2 in crc) && crc[$2] != $1 { print $2 }' \
			- "$hdr/Module.symvers")
	if [ -n "$bad" ]; then
		say "symbol CRCs of $(basename "$ko") differ from $hdr/Module.symvers: $(echo "$bad" | head -n 5 | xargs)"
		return 1
	fi
}

# prepare <kver>: make sure build/kernels/<kver>/ holds the unpacked image matching the headers.
prepare() {
	local kver=$1 pkg hdr hver deb dir stamp tmp
	pkg=$(image_pkg_for "$kver")
	hdr=/usr/src/linux-headers-$kver
	hver=$(installed_version "linux-headers-$kver")
	if [ -z "$hver" ] || [ ! -d "$hdr" ]; then
		die "linux-headers-$kver is not installed (run: bash test/vm/deps.sh)"
	fi
	dir=$KERNELS/$kver
	stamp=$dir/.innerext-unpacked
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkg $hver" ]; then
		return 0
	fi

	# Download exactly the headers' version.  The file name has ':' of an epoch escaped as %3a.
	deb=$DEBS/${pkg}_${hver//:/%3a}_amd64.deb
	if [ ! -s "$deb" ]; then
		mkdir -p "$DEBS"
		say "downloading $pkg=$hver"
		(cd "$DEBS" && logged "$LOG" apt-get -q download "$pkg=$hver") ||
			die "apt-get download $pkg=$hver failed: headers and image must have the same version;" \
				"if the archive no longer has it, run: bash test/vm/deps.sh --update"
		[ -s "$deb" ] || die "apt-get download did not produce $deb"
	fi

	say "unpacking $(basename "$deb")"
	tmp=$KERNELS/.tmp-$kver-$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	logged "$LOG" dpkg-deb -x "$deb" "$tmp"
	[ -f "$tmp/boot/vmlinuz-$kver" ] || die "$deb has no boot/vmlinuz-$kver"
	[ -d "$tmp/lib/modules/$kver" ] || die "$deb has no lib/modules/$kver"
	# Same build as the headers?  vermagic's release must be the headers' UTS_RELEASE, and every
	# symbol CRC veth.ko was built with must equal the one in the headers' Module.symvers (what our
	# module will be built with).  (boot/config differs from the headers' .config in a few
	# build-only lines, so it is not compared.)
	if ! check_abi "$tmp/lib/modules/$kver" "$hdr" "$kver"; then
		rm -rf "$tmp"
		die "$pkg $hver does not match $hdr (see above)"
	fi
	# The package has no modules.dep (made by depmod when a kernel is installed): make it here.
	logged "$LOG" /sbin/depmod -b "$tmp" "$kver"
	printf '%s %s\n' "$pkg" "$hver" >"$tmp/.innerext-unpacked"
	rm -rf "$dir"
	mv "$tmp" "$dir"
}

# One preparer at a time (parallel check/demo runs share build/kernels/).
mkdir -p "$KERNELS"
exec 9>"$KERNELS/.lock"
flock 9
for kver in "$k61" "$k612"; do
	prepare "$kver"
	printf '%s %s %s %s\n' "$kver" "$KERNELS/$kver/boot/vmlinuz-$kver" \
		"/usr/src/linux-headers-$kver" "$KERNELS/$kver/lib/modules/$kver"
done
