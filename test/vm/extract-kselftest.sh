#!/bin/bash
# Extract the kselftest harness headers from Debian's linux-source-6.1 into build/kselftest/:
#
#   test/vm/extract-kselftest.sh [DEST]      # default DEST: build/kselftest
#
# Produces DEST/kselftest_harness.h and DEST/kselftest.h (compile tests with -I DEST).
# Idempotent: does nothing when both exist and are newer than the tarball.  They are extracted
# at build time, never copied into the repository (GPL-2.0 headers from the kernel tree).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEST=${1:-$INNEREXT_BUILD/kselftest}
TARBALL=${INNEREXT_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
FILES=(kselftest_harness.h kselftest.h)

[ -f "$TARBALL" ] || die "$TARBALL not found (apt-get install linux-source-6.1, or run test/vm/deps.sh)"

uptodate=1
for f in "${FILES[@]}"; do
	[ "$DEST/$f" -nt "$TARBALL" ] || uptodate=0
done
[ "$uptodate" -eq 0 ] || exit 0

# Members are linux-source-6.1/tools/testing/selftests/<file>: strip 4 components.  Extract into
# a temporary directory first so an interrupted run never leaves a half-written header.
mkdir -p "$DEST"
tmp=$(mktemp -d "$DEST/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
patterns=()
for f in "${FILES[@]}"; do patterns+=("*/tools/testing/selftests/$f"); done
tar -xJf "$TARBALL" -C "$tmp" --strip-components=4 --wildcards "${patterns[@]}"
for f in "${FILES[@]}"; do
	[ -s "$tmp/$f" ] || die "$f not found in $TARBALL"
	touch "$tmp/$f" # mtime = now, so the -nt check above sees them as current
	mv -f "$tmp/$f" "$DEST/$f"
done
say "extracted ${FILES[*]} into ${DEST#"$INNEREXT_ROOT"/}"
