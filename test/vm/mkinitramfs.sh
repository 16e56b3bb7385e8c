#!/bin/bash
# Build the test initramfs (cpio newc, gzip):
#
#   test/vm/mkinitramfs.sh <kver> <out.cpio.gz> <payload-dir>
#
# Contents:
#   /bin/busybox + applet symlinks, /init (= guest-init.sh)
#   /bin/bash, /usr/bin/ip (iproute2: busybox's ip has no netns) and INNEREXT_VM_EXTRA_BINS
#     (space-separated host programs, e.g. "bpftool tc"), replacing busybox applets of that name
#   /innerext/            = a copy of <payload-dir>
#   every shared library the ELF executables/libraries above need (ldd on the host, copied to
#     the same path, plus the dynamic loader; an ld.so.cache is generated for them)
#   kernel modules INNEREXT_VM_MODULES (default "veth") and their dependencies (modules.dep) from
#     build/kernels/<kver>/lib/modules/<kver> (run kernels.sh first), decompressed; /init insmods
#     them in order from /etc/innerext-modules.  depmod runs, so busybox modprobe works too.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 3 ] || die "usage: $0 <kver> <out.cpio.gz> <payload-dir>"
KVER=$1
OUT=$2
PAYLOAD=$3
MODDIR=$INNEREXT_BUILD/kernels/$KVER/lib/modules/$KVER
MODULES=${INNEREXT_VM_MODULES-veth}
EXTRA_BINS="bash ip ${INNEREXT_VM_EXTRA_BINS:-}"

[ -d "$PAYLOAD" ] || die "payload dir $PAYLOAD not found"
[ -d "$MODDIR" ] || die "$MODDIR not found (run test/vm/kernels.sh)"
BUSYBOX=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
# A dynamically linked busybox would work too (its libraries get copied), but say so.
ldd "$BUSYBOX" >/dev/null 2>&1 && say "note: $BUSYBOX is dynamically linked (busybox-static preferred)"

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/innerext-initramfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT

mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,lib,etc,proc,sys,dev,tmp,run,root,var,innerext}
# Merged-/usr hosts: ld.so and libraries are found via /lib64 and /lib as well.
ln -s lib "$ROOT/lib64"

# --- busybox -------------------------------------------------------------------------------
cp "$BUSYBOX" "$ROOT/bin/busybox"
while read -r applet; do
	case $applet in '' | bin/busybox) continue ;; esac
	[ -e "$ROOT/$applet" ] || [ -L "$ROOT/$applet" ] || ln -s /bin/busybox "$ROOT/$applet"
done < <("$BUSYBOX" --list-full)

# --- /init and /etc ------------------------------------------------------------------------
install -m 0755 "$INNEREXT_VM_DIR/guest-init.sh" "$ROOT/init"
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOT/etc/passwd"
echo 'root:x:0:' >"$ROOT/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$ROOT/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$ROOT/etc/hosts"

# --- extra host programs -------------------------------------------------------------------
for b in $EXTRA_BINS; do
	src=$(command -v "$b") || die "host program $b not found"
	src=$(readlink -f "$src")
	name=$(basename "$b")
	for d in bin sbin usr/bin usr/sbin; do
		if [ -L "$ROOT/$d/$name" ]; then rm -f "$ROOT/$d/$name"; fi
	done
	dest=usr/bin/$name
	[ "$name" = bash ] && dest=bin/bash
	cp "$src" "$ROOT/$dest"
done

# --- payload -------------------------------------------------------------------------------
cp -a "$PAYLOAD/." "$ROOT/innerext/"

# --- shared libraries ----------------------------------------------------------------------
# ELF executables and shared objects (e_type 2 or 3; .o and .ko are relocatable, type 1).
is_dyn_elf() {
	[ -f "$1" ] && [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ] || return 1
	case $(od -An -tu1 -j16 -N1 "$1" | tr -d ' ') in 2 | 3) return 0 ;; *) return 1 ;; esac
}

declare -A seen_lib=()
copy_lib() {
	local p=$1
	[ -n "${seen_lib[$p]:-}" ] && return 0
	seen_lib[$p]=1
	[ -e "$p" ] || die "library $p not found on the host"
	mkdir -p "$ROOT$(dirname "$p")"
	[ -e "$ROOT$p" ] || cp -L "$p" "$ROOT$p"
}

while IFS= read -r -d '' f; do
	is_dyn_elf "$f" || continue
	out=$(ldd "$f" 2>&1) || continue # "not a dynamic executable" (static): nothing to copy
	if grep -q 'not found' <<<"$out"; then
		die "$(basename "$f"): missing libraries on the host: $(grep 'not found' <<<"$out" | xargs)"
	fi
	while read -r lib; do
		copy_lib "$lib"
	done < <(sed -n -e 's/^.*=> \(\/[^ ]*\) (0x.*$/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x.*$/\1/p' <<<"$out")
done < <(find "$ROOT/bin" "$ROOT/usr/bin" "$ROOT/innerext" -type f -print0)

# ld.so.cache for the library directories we populated (covers paths outside the defaults).
find "$ROOT" -path "$ROOT/innerext" -prune -o -name '*.so*' -type f -printf '%h\n' |
	sed "s|^$ROOT||" | sort -u >"$ROOT/etc/ld.so.conf"
ldconfig -r "$ROOT" 2>/dev/null || say "note: ldconfig -r failed, relying on default library paths"

# --- kernel modules ------------------------------------------------------------------------
# modules.dep: "kernel/a/x.ko.xz: kernel/b/y.ko.xz kernel/c/z.ko.xz" - the deps of x, in the order
# modprobe removes them, i.e. load order is the reverse.
declare -A mod_done=()
order=()
# Path of module <name> ('-' and '_' are equivalent) in modules.dep, empty if none.
mod_path() {
	awk -F: -v n="$1" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko.*/, "", b); gsub(/-/, "_", b) }
		b == n { print $1; exit }' "$MODDIR/modules.dep"
}
add_module() { # <name or path>
	local n=$1 path deps d
	n=${n##*/}
	n=${n%%.ko*}
	n=${n//-/_}
	[ -n "${mod_done[$n]:-}" ] && return 0
	path=$(mod_path "$n")
	if [ -z "$path" ]; then
		grep -qE "/${n//_/[-_]}\.ko" "$MODDIR/modules.builtin" 2>/dev/null && return 0 # built in
		die "kernel module $n not found in $MODDIR"
	fi
	mod_done[$n]=1
	deps=$(awk -F': *' -v p="$path" '$1 == p { print $2 }' "$MODDIR/modules.dep")
	# shellcheck disable=SC2086 # word splitting intended
	for d in $(printf '%s\n' $deps | tac); do add_module "$d"; done
	order+=("$path")
}
for m in $MODULES; do add_module "$m"; done

: >"$ROOT/etc/innerext-modules"
for path in "${order[@]}"; do
	src=$MODDIR/$path
	dst=${path%.xz}
	dst=${dst%.zst}
	dst=${dst%.gz}
	mkdir -p "$ROOT/lib/modules/$KVER/$(dirname "$dst")"
	case $path in
	*.xz) xz -dc "$src" >"$ROOT/lib/modules/$KVER/$dst" ;;
	*.zst) zstd -qdc "$src" >"$ROOT/lib/modules/$KVER/$dst" ;;
	*.gz) gzip -dc "$src" >"$ROOT/lib/modules/$KVER/$dst" ;;
	*) cp "$src" "$ROOT/lib/modules/$KVER/$dst" ;;
	esac
	echo "/lib/modules/$KVER/$dst" >>"$ROOT/etc/innerext-modules"
done
mkdir -p "$ROOT/lib/modules/$KVER"
for f in modules.builtin modules.order; do
	[ -f "$MODDIR/$f" ] && cp "$MODDIR/$f" "$ROOT/lib/modules/$KVER/"
done
/sbin/depmod -b "$ROOT" "$KVER" 2>/dev/null || say "note: depmod failed, modprobe will not work in the guest"

# --- archive -------------------------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) |
	gzip -1 >"$OUT.tmp"
mv -f "$OUT.tmp" "$OUT"
