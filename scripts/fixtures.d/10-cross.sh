#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Real foreign C binaries: tests/fixtures/hello.c built by every installed
# Debian cross compiler (and the host's gcc) as
#   $FIXDIR/c/<triplet>-static        -static
#   $FIXDIR/c/<triplet>-dynamic       Debian's default: PIE, with PT_INTERP
#   $FIXDIR/c/<triplet>-dynamic-nopie -no-pie: ET_EXEC with PT_INTERP
#   $FIXDIR/c/<triplet>-static-pie    -static-pie, where the toolchain has it
# A target is rebuilt only when hello.c or the compiler is newer. A missing
# compiler is skipped with a printed reason. A toolchain that cannot link
# -static-pie (glibc ships rcrt1.o only for some architectures) leaves a
# <triplet>-static-pie.unsupported file with the linker's reason, so the
# next run is fast and the tests can SKIP with that reason.
set -euo pipefail
: "${FIXDIR:?FIXDIR must be set (scripts/fixtures sets it)}"
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/tests/fixtures/hello.c
out=$FIXDIR/c
mkdir -p "$out"

triplets=(aarch64-linux-gnu arm-linux-gnueabihf arm-linux-gnueabi
	riscv64-linux-gnu s390x-linux-gnu powerpc64le-linux-gnu
	mips-linux-gnu mipsel-linux-gnu x86_64-linux-gnu)
# kind and its flags, in the order built
kinds=(static dynamic dynamic-nopie static-pie)
flags_static="-static"
flags_dynamic=""
flags_dynamic_nopie="-no-pie"
flags_static_pie="-static-pie"

# newer_than OUT DEP...: OUT exists and is newer than every DEP.
up_to_date() {
	local o=$1 d
	shift
	[ -e "$o" ] || return 1
	for d in "$@"; do
		[ "$o" -nt "$d" ] || return 1
	done
}

built=0 skipped=0
for t in "${triplets[@]}"; do
	cc=$(command -v "$t-gcc" || true)
	if [ -z "$cc" ]; then
		echo "fixtures: skip $t: no $t-gcc installed (apt-get install gcc-$t)"
		skipped=$((skipped + 1))
		continue
	fi
	cc=$(readlink -f "$cc")
	for k in "${kinds[@]}"; do
		bin=$out/$t-$k
		nosup=$bin.unsupported
		var=flags_${k//-/_}
		if up_to_date "$bin" "$src" "$cc" || up_to_date "$nosup" "$src" "$cc"; then
			continue
		fi
		rm -f "$bin" "$nosup"
		tmp=$bin.tmp.$$
		# shellcheck disable=SC2086 # the flags are words
		if err=$("$t-gcc" -O2 -Wall -o "$tmp" ${!var} "$src" 2>&1); then
			mv -f "$tmp" "$bin"
			built=$((built + 1))
		elif [ "$k" = static-pie ]; then
			rm -f "$tmp"
			# One line: the linker's complaint without the long path.
			why=$(grep -m1 -E 'ld: |error' <<<"$err" | sed 's|^.*/bin/ld: |ld: |')
			case $why in
			*rcrt1.o*) why="$why (this arch's glibc is built without static-pie)" ;;
			esac
			printf '%s\n' "no -static-pie for $t: $why" >"$nosup"
			echo "fixtures: $(cat "$nosup")"
		else
			rm -f "$tmp"
			echo "fixtures: building $bin failed:" >&2
			printf '%s\n' "$err" >&2
			exit 1
		fi
	done
done
[ "$built" -eq 0 ] || echo "fixtures: built $built C fixture(s) in $out"
