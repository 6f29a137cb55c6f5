#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A foreign guest that forks and execs (tests/fixtures/spawn.c), static, as
#   $FIXDIR/spawn/<triplet>-static
# for the foreign cross compilers installed. Rebuilt only when spawn.c or
# the compiler is newer; a missing compiler is skipped with the reason.
set -euo pipefail
: "${FIXDIR:?FIXDIR must be set (scripts/fixtures sets it)}"
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/tests/fixtures/spawn.c
out=$FIXDIR/spawn
mkdir -p "$out"

for t in aarch64-linux-gnu riscv64-linux-gnu s390x-linux-gnu; do
	cc=$(command -v "$t-gcc" || true)
	if [ -z "$cc" ]; then
		echo "fixtures: skip spawn for $t: no $t-gcc installed (apt-get install gcc-$t)"
		continue
	fi
	bin=$out/$t-static
	if [ -e "$bin" ] && [ "$bin" -nt "$src" ] && [ "$bin" -nt "$(readlink -f "$cc")" ]; then
		continue
	fi
	"$t-gcc" -O2 -Wall -static -o "$bin.tmp.$$" "$src"
	mv -f "$bin.tmp.$$" "$bin"
	echo "fixtures: built $bin"
done
