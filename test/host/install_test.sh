#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make install / uninstall into temporary trees (never the real system), then build an
# extension and a loader against the INSTALLED SDK and library only: no -I or -L into
# this source tree. TAP output with kselftest's "# Totals:" line for run-tests.sh;
# INSTALL_TEST_VERBOSE=1 shows every step's output, not only a failing one's.
#
#   1 install: DESTDIR=T/stage PREFIX=/usr installs exactly the expected files
#   2 version: MODULE_VERSION, dkms.conf, both .pc files and the installed extctl agree
#   3 sdk-pkgconfig: gcc + `pkg-config --cflags innerext` (PKG_CONFIG_SYSROOT_DIR=T/stage)
#   4 sdk-mk: gcc + the installed innerext.mk, T/stage/usr/include as the default path
#   5 lib-pkgconfig: a loader linked with `pkg-config --libs libinnerext` opens 3's object
#   6 prefix: PREFIX=T/opt without DESTDIR: pkg-config and innerext.mk with gcc and clang
#     (same object either way), the loader opens all of them
#   7 uninstall: make uninstall empties both trees
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MAKE=${MAKE:-make}
CLANG=${CLANG:-clang}
# make check runs us from make: do not inherit its jobserver or flags
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

T=$(mktemp -d "${TMPDIR:-/tmp}/innerext-install.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
LOG=$T/log
STAGE=$T/stage
OPT=$T/opt
SRC=$T/src
mkdir -p "$SRC"

n=0 pass=0 fail=0 skip=0
echo "TAP version 13"
echo "1..7"
# run NAME CMD...: CMD's output goes to the log, shown only if it fails
run() {
	local name=$1
	shift
	n=$((n + 1))
	if ("$@") >"$LOG" 2>&1; then
		[ -z "${INSTALL_TEST_VERBOSE:-}" ] || sed 's/^/# /' "$LOG"
		echo "ok $n install_test.$name"
		pass=$((pass + 1))
	else
		sed 's/^/# /' "$LOG"
		echo "not ok $n install_test.$name"
		fail=$((fail + 1))
	fi
}
die() { echo "$*"; exit 1; }
# nothing on the command line may point into the source tree
no_tree() { case " $* " in *"$TOP"*) die "points into the source tree: $*" ;; esac; }

# An extension that uses every SDK header, and a user-space loader (open only: no module).
cat >"$SRC/ext.c" <<'EOF'
#include <innerext/extension.h>
#include <innerext/packet.h>

IE_MAP(counts, IE_MAP_HASH, __u32, __u64, 64, 0);

SEC("tracepoint/syscalls/sys_enter_dup")
int installed_hello(void *ctx)
{
	__u32 key = 1;
	__u64 one = 1, *v;

	(void)ctx;
	v = ie_map_lookup_elem(&counts, &key);
	if (v)
		(*v)++;
	else
		ie_map_update_elem(&counts, &key, &one, IE_ANY);
	ie_printk("hello from the installed SDK");
	return 0;
}

SEC("xdp")
int installed_xdp(struct ie_xdp_md *ctx)
{
	return ie_xdp_udp(ctx) ? IE_XDP_PASS : IE_XDP_DROP;
}
EOF
cat >"$SRC/loader.c" <<'EOF'
#include <stdio.h>
#include <linux/innerext.h>
#include <innerext/libinnerext.h>

int main(int argc, char **argv)
{
	struct innerext_object *obj = argc > 1 ? innerext_object__open(argv[1]) : NULL;
	struct innerext_program *prog;

	if (!obj)
		return 1;
	innerext_object__for_each_program(prog, obj)
		printf("%s %s\n", innerext_program__name(prog),
		       innerext_program__section_name(prog));
	printf("map counts: %s\n", innerext_object__find_map_by_name(obj, "counts") ? "yes" : "no");
	innerext_object__close(obj);
	return 0;
}
EOF
cat >"$SRC/Makefile" <<'EOF'
# an extension author's Makefile: only the installed innerext.mk
include $(SDK_MK)
OUT ?= ext.o
$(OUT): ext.c
	$(CC) $(INNEREXT_CFLAGS) -c $< -o $@
EOF
EXPECT='installed_hello tracepoint/syscalls/sys_enter_dup
installed_xdp xdp
map counts: yes'

version=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$TOP/kmod/main.c")

# ---- 1
t_install() {
	$MAKE -C "$TOP" install DESTDIR="$STAGE" PREFIX=/usr || return 1
	local want got
	want="etc/udev/rules.d/99-innerext.rules
usr/include/innerext/extension.h
usr/include/innerext/libinnerext.h
usr/include/innerext/packet.h
usr/include/linux/innerext.h
usr/lib/libinnerext.a
usr/lib/pkgconfig/innerext.pc
usr/lib/pkgconfig/libinnerext.pc
usr/sbin/extctl
usr/share/innerext/innerext.mk"
	got=$(cd "$STAGE" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
	[ "$got" = "$want" ] || die "installed files: $got"
	# the staged files name the final paths, never the stage or the source tree
	! grep -rl -e "$STAGE" -e "$TOP" "$STAGE/usr/lib/pkgconfig" "$STAGE/usr/share" ||
		die "installed files point at the stage or the source tree"
	grep -q '^KERNEL=="innerext", SUBSYSTEM=="misc", OWNER="root", GROUP="root", MODE="0600"$' \
		"$STAGE/etc/udev/rules.d/99-innerext.rules" || die "udev rule"
}
run install t_install

# pkg-config on the staged files only
stage_pc() {
	PKG_CONFIG_LIBDIR=$STAGE/usr/lib/pkgconfig PKG_CONFIG_PATH='' \
		PKG_CONFIG_SYSROOT_DIR=$STAGE pkg-config "$@"
}

# ---- 2
t_version() {
	local d e j
	[ -n "$version" ] || die "no MODULE_VERSION in kmod/main.c"
	d=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
	[ "$d" = "$version" ] || die "dkms.conf PACKAGE_VERSION '$d' != MODULE_VERSION '$version'"
	[ "$(stage_pc --modversion innerext)" = "$version" ] || die "innerext.pc version"
	[ "$(stage_pc --modversion libinnerext)" = "$version" ] || die "libinnerext.pc version"
	j=$("$STAGE/usr/sbin/extctl" -j version) || die "extctl version failed"
	e="\"version\":\"$version\""
	case $j in *"$e"*) ;; *) die "extctl -j version: $j (want $e)" ;; esac
	echo "version $version"
}
run version t_version

# ---- 3
t_sdk_pkgconfig() {
	local cflags
	cflags=$(stage_pc --cflags innerext) || return 1
	no_tree "$cflags"
	case " $cflags " in *" -I$STAGE/usr/include "*) ;; *) die "no -I$STAGE/usr/include: $cflags" ;; esac
	# the flags are innerext.mk's (the .pc is generated from it)
	[ "$(echo "$cflags" | tr ' ' '\n' | grep -v '^-I' | grep -c .)" -gt 10 ] || die "$cflags"
	echo "gcc $cflags -c ext.c"
	# shellcheck disable=SC2086
	gcc $cflags -Wall -Wextra -Werror -c "$SRC/ext.c" -o "$T/ext.pc.o"
}
run sdk-pkgconfig t_sdk_pkgconfig

# ---- 4
t_sdk_mk() {
	local flags
	flags=$($MAKE -s -C "$SRC" -f - SDK_MK="$STAGE/usr/share/innerext/innerext.mk" flags <<-'EOF'
	include Makefile
	flags: ; @echo $(INNEREXT_CFLAGS)
	EOF
	) || return 1
	no_tree "$flags"
	case " $flags " in *" -I"*) die "PREFIX=/usr adds an -I: $flags" ;; esac
	# /usr/include stands for the stage's: C_INCLUDE_PATH is searched like it
	C_INCLUDE_PATH=$STAGE/usr/include $MAKE -C "$SRC" CC=gcc \
		SDK_MK="$STAGE/usr/share/innerext/innerext.mk" OUT="$T/ext.mk.o" || return 1
	cmp "$T/ext.pc.o" "$T/ext.mk.o" || die "innerext.mk and innerext.pc build different objects"
}
run sdk-mk t_sdk_mk

# ---- 5
t_lib_pkgconfig() {
	local flags out
	flags=$(stage_pc --cflags --libs libinnerext) || return 1
	no_tree "$flags"
	echo "gcc loader.c $flags"
	# shellcheck disable=SC2086
	gcc -Wall -Wextra -Werror -o "$T/loader" "$SRC/loader.c" $flags || return 1
	out=$("$T/loader" "$T/ext.pc.o") || die "loader failed on the extension"
	echo "$out"
	[ "$out" = "$EXPECT" ]
}
run lib-pkgconfig t_lib_pkgconfig

# ---- 6
t_prefix() {
	local flags out o
	$MAKE -C "$TOP" install PREFIX="$OPT" UDEVRULESDIR="$OPT/lib/udev/rules.d" || return 1
	pc() { PKG_CONFIG_LIBDIR=$OPT/lib/pkgconfig PKG_CONFIG_PATH='' pkg-config "$@"; }
	flags=$(pc --cflags innerext) && no_tree "$flags" || return 1
	# shellcheck disable=SC2086
	gcc $flags -c "$SRC/ext.c" -o "$T/opt.gcc-pc.o" || return 1
	flags=$(pc --variable=clang_cflags innerext) && no_tree "$flags" || return 1
	# shellcheck disable=SC2086
	$CLANG $flags -c "$SRC/ext.c" -o "$T/opt.clang-pc.o" || return 1
	$MAKE -C "$SRC" CC=gcc SDK_MK="$OPT/share/innerext/innerext.mk" OUT="$T/opt.gcc-mk.o" &&
		$MAKE -C "$SRC" CC="$CLANG" SDK_MK="$OPT/share/innerext/innerext.mk" \
			OUT="$T/opt.clang-mk.o" || return 1
	if ! cmp "$T/opt.gcc-pc.o" "$T/opt.gcc-mk.o" || ! cmp "$T/opt.clang-pc.o" "$T/opt.clang-mk.o"; then
		die "innerext.mk and innerext.pc build different objects"
	fi
	flags=$(pc --cflags --libs libinnerext) && no_tree "$flags" || return 1
	# shellcheck disable=SC2086
	gcc -o "$T/opt.loader" "$SRC/loader.c" $flags || return 1
	for o in "$T"/opt.*.o; do
		out=$("$T/opt.loader" "$o") || die "loader failed on $o"
		[ "$out" = "$EXPECT" ] || die "$o: $out"
	done
}
run prefix t_prefix

# ---- 7
t_uninstall() {
	$MAKE -C "$TOP" uninstall DESTDIR="$STAGE" PREFIX=/usr &&
		$MAKE -C "$TOP" uninstall PREFIX="$OPT" UDEVRULESDIR="$OPT/lib/udev/rules.d" || return 1
	local left
	left=$(find "$STAGE" "$OPT" -type f)
	[ -z "$left" ] || die "left behind: $left"
}
run uninstall t_uninstall

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ]
