#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Real Go binaries for the Go build-info probe, the format probe and the
# shim: `go build` of tests/fixtures/go for foreign GOOS/GOARCH pairs, and
# one foreign `go test -c` binary (what `GOARCH=arm64 go test` execs).
#
# Output, under $FIXDIR/go/:
#   linux-arm64 linux-riscv64 linux-arm-v7 (GOARM=7) linux-s390x
#   linux-amd64 darwin-arm64 darwin-amd64 windows-amd64.exe
#   pkg-linux-arm64.test    (go test -c of example.com/bshimfix/mathx)
#   exe-linux-arm64.test    (go test -c of example.com/bshimfix/exe:
#                            os.Executable, and a foreign child)
#   go-version              (`go env GOVERSION` of the toolchain used)
#
# Works offline and as root on a fresh machine: GOCACHE, GOPATH and
# GOMODCACHE live under $FIXDIR/go, GOENV=off ignores any user config,
# GOPROXY=off/GOFLAGS=-mod=mod (the module has no dependencies).
# -buildvcs=false: the module sits inside this git tree, and stamping VCS
# data fails when the tree belongs to another user ("dubious ownership").
# Rebuilds only what is older than a source file, this script, or a
# different Go version; a second run does nothing and takes well under 1 s.
set -euo pipefail

: "${FIXDIR:?FIXDIR must be set (scripts/fixtures sets it)}"
here=$(cd "$(dirname "$0")/../.." && pwd)
src=$here/tests/fixtures/go
self=$here/scripts/fixtures.d/20-go.sh

if ! command -v go >/dev/null; then
	echo "20-go.sh: no go toolchain (apt-get install golang-go): skipped" >&2
	exit 0
fi

mkdir -p "$FIXDIR/go"
out=$(cd "$FIXDIR/go" && pwd)
export GOCACHE=$out/.cache GOPATH=$out/.gopath GOMODCACHE=$out/.gopath/pkg/mod
export GOENV=off GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local
export CGO_ENABLED=0
unset GOOS GOARCH GOARM GOAMD64 GO386 GOEXPERIMENT

gover=$(go env GOVERSION)
# A different toolchain invalidates every binary.
if [ "$(cat "$out/go-version" 2>/dev/null)" != "$gover" ]; then
	rm -f "$out"/linux-* "$out"/darwin-* "$out"/windows-* "$out"/pkg-*.test
	echo "$gover" >"$out/go-version"
fi

# The newest of the inputs: a target is out of date when older than this.
newest=$(find "$src" "$self" -type f -printf '%T@ %p\n' | sort -n | tail -n1 | cut -d' ' -f2-)

stale() {
	[ ! -e "$1" ] || [ "$newest" -nt "$1" ]
}

# name GOOS GOARCH [VAR=value...]
build() {
	local name=$1 goos=$2 goarch=$3
	shift 3
	stale "$out/$name" || return 0
	echo "  GO       $FIXDIR/go/$name"
	(cd "$src" && env GOOS="$goos" GOARCH="$goarch" "$@" \
		go build -buildvcs=false -o "$out/$name.tmp" .)
	mv -f "$out/$name.tmp" "$out/$name"
}

build linux-arm64 linux arm64
build linux-riscv64 linux riscv64
build linux-arm-v7 linux arm GOARM=7
build linux-s390x linux s390x
build linux-amd64 linux amd64 GOAMD64=v1
build darwin-arm64 darwin arm64
build darwin-amd64 darwin amd64
build windows-amd64.exe windows amd64

if stale "$out/pkg-linux-arm64.test"; then
	echo "  GOTEST   $FIXDIR/go/pkg-linux-arm64.test"
	(cd "$src" && GOOS=linux GOARCH=arm64 \
		go test -buildvcs=false -c -o "$out/pkg-linux-arm64.test.tmp" ./mathx)
	mv -f "$out/pkg-linux-arm64.test.tmp" "$out/pkg-linux-arm64.test"
fi

if stale "$out/exe-linux-arm64.test"; then
	echo "  GOTEST   $FIXDIR/go/exe-linux-arm64.test"
	(cd "$src" && GOOS=linux GOARCH=arm64 \
		go test -buildvcs=false -c -o "$out/exe-linux-arm64.test.tmp" ./exe)
	mv -f "$out/exe-linux-arm64.test.tmp" "$out/exe-linux-arm64.test"
fi
