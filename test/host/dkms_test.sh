#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# dkms.conf and `make dkms-install` / `make dkms-uninstall` for real, with every DKMS tree
# in a temporary directory: --sourcetree (/usr/src), --dkmstree (/var/lib/dkms),
# --installtree (/lib/modules) and --no-depmod, the signing key and certificate too
# (dkms would otherwise create /var/lib/dkms/mok.key). Only the installed kernel headers
# (/lib/modules/KVER/build) are read. TAP output with kselftest's "# Totals:" line.
#
#   1 dkms-install: make dkms-install for the first kernel: add, build, install
#   2 autoinstall: `dkms autoinstall -k KVER` for every other kernel, as the kernel
#     postinst hook does when a new kernel is installed (AUTOINSTALL=yes)
#   3 modules: each installed innerext.ko has MODULE_VERSION and that kernel's vermagic
#   4 dkms-uninstall: make dkms-uninstall removes the module from every tree
#
# Kernels: INNEREXT_DKMS_KVERS="KVER ..." or every /lib/modules/*/build with a Makefile.
# Skipped without dkms (apt-get install dkms), without root (dkms install insists on it)
# or without kernel headers. INSTALL_TEST_VERBOSE=1 shows every step's output.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MAKE=${MAKE:-make}
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
NTESTS=4

n=0 pass=0 fail=0 skip=0
echo "TAP version 13"
echo "1..$NTESTS"
skip_all() {
	while [ "$n" -lt "$NTESTS" ]; do
		n=$((n + 1))
		echo "ok $n dkms_test # SKIP $*"
	done
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:$NTESTS error:0"
	exit 0
}

command -v dkms >/dev/null || skip_all "dkms is not installed (apt-get install dkms)"
[ "$(id -u)" -eq 0 ] || skip_all "dkms install needs root"
if [ -n "${INNEREXT_DKMS_KVERS:-}" ]; then
	read -r -a kvers <<<"$INNEREXT_DKMS_KVERS"
else
	kvers=()
	for b in /lib/modules/*/build/Makefile; do
		[ -e "$b" ] && kvers+=("$(basename "$(dirname "$(dirname "$b")")")")
	done
fi
[ "${#kvers[@]}" -gt 0 ] || skip_all "no kernel headers in /lib/modules/*/build"

T=$(mktemp -d "${TMPDIR:-/tmp}/innerext-dkms.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
LOG=$T/log
mkdir -p "$T/src" "$T/tree" "$T/modules"
for k in "${kvers[@]}"; do mkdir -p "$T/modules/$k"; done
# dkms reads these from the environment unless /etc/dkms/framework.conf sets them
export mok_signing_key=$T/mok.key mok_certificate=$T/mok.pub
DKMS="dkms --sourcetree $T/src --dkmstree $T/tree --installtree $T/modules --no-depmod"
MK=(DKMS_SOURCETREE="$T/src" DKMS="$DKMS")
version=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$TOP/kmod/main.c")
echo "# kernels: ${kvers[*]}; innerext $version"

run() {
	local name=$1
	shift
	n=$((n + 1))
	if ("$@") >"$LOG" 2>&1; then
		[ -z "${INSTALL_TEST_VERBOSE:-}" ] || sed 's/^/# /' "$LOG"
		echo "ok $n dkms_test.$name"
		pass=$((pass + 1))
	else
		sed 's/^/# /' "$LOG"
		echo "not ok $n dkms_test.$name"
		fail=$((fail + 1))
	fi
}
die() { echo "$*"; exit 1; }
status() { $DKMS status -m innerext -v "$version" -k "$1"; }

t_install() {
	$MAKE -C "$TOP" dkms-install "${MK[@]}" DKMS_FLAGS="-k ${kvers[0]}" || return 1
	status "${kvers[0]}" | grep -q ': installed$' || die "not installed: $(status "${kvers[0]}")"
}
run dkms-install t_install

t_autoinstall() {
	local k
	for k in "${kvers[@]:1}"; do
		$DKMS autoinstall -k "$k" || return 1
		status "$k" | grep -q ': installed$' || die "not installed for $k: $(status "$k")"
	done
	$DKMS status
}
run autoinstall t_autoinstall

t_modules() {
	local k ko v m
	for k in "${kvers[@]}"; do
		# compressed like the kernel's own modules (6.12: CONFIG_MODULE_COMPRESS_XZ)
		ko=$(find "$T/modules/$k/updates/dkms" -name 'innerext.ko*')
		[ -f "$ko" ] || die "no innerext.ko* for $k: $(find "$T/modules/$k")"
		v=$(modinfo -F version "$ko") && m=$(modinfo -F vermagic "$ko") || return 1
		echo "${ko#"$T"/}: version $v, vermagic $m"
		[ "$v" = "$version" ] || die "$ko: version $v, not $version"
		case $m in "$k "*) ;; *) die "$ko: vermagic $m" ;; esac
	done
}
run modules t_modules

t_uninstall() {
	local left
	$MAKE -C "$TOP" dkms-uninstall "${MK[@]}" || return 1
	left=$(find "$T/src" "$T/tree" "$T/modules" -mindepth 1 -not -type d)
	[ -z "$left" ] || die "left behind: $left"
	[ -z "$($DKMS status)" ] || die "dkms status: $($DKMS status)"
}
run dkms-uninstall t_uninstall

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ]
