// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the Go build-info probe: go_parse_buildinfo on the
 * input as it is and with the magic put in front (so the fuzzer spends its
 * time past the 14 magic bytes), go_probe_scan over the input as a file,
 * and go_probe_elf when the input is an ELF. Invariants that must hold for
 * any input abort, so the fuzzer reports them like crashes. Also built
 * with gcc + ASan as build/asan/tests/replay/fuzz_goinfo, which replays
 * tests/fuzz/corpus/fuzz_goinfo/ (seeds: tests/fuzz/fuzz_goinfo_seeds.py).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "goinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t cap)
{
	size_t i, n = strnlen(s, cap);

	if (n == cap)
		abort();		/* not NUL-terminated */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();	/* control bytes must be '?' */
}

static void check(int r, const struct go_info *gi)
{
	if (r != 0 && r != -ENOENT && r != -EINVAL)
		abort();
	if ((r == 0) != gi->found)
		abort();
	check_str(gi->version, sizeof(gi->version));
	check_str(gi->goos, sizeof(gi->goos));
	check_str(gi->goarch, sizeof(gi->goarch));
	check_str(gi->goarm, sizeof(gi->goarm));
	check_str(gi->goamd64, sizeof(gi->goamd64));
	check_str(gi->cgo, sizeof(gi->cgo));
	check_str(gi->path, sizeof(gi->path));
	/* The old format is recognised only; the new one always has a
	 * version (an empty one is "not a Go binary"). */
	if (r == 0 && gi->old_format && (gi->version[0] || gi->goos[0] || gi->path[0]))
		abort();
	if (r == 0 && !gi->old_format && !gi->version[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[GO_BUILDINFO_MAGIC_LEN + (1 << 20)];
	struct bshim_mem mem = { data, size };
	struct elf_info ei;
	struct go_info gi;
	int r;

	r = go_parse_buildinfo(data, size, &gi);
	check(r, &gi);
	if (size >= GO_BUILDINFO_MAGIC_LEN &&
	    !memcmp(data, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN) && r == -ENOENT)
		abort();

	if (size <= sizeof(buf) - GO_BUILDINFO_MAGIC_LEN) {
		memcpy(buf, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN);
		memcpy(buf + GO_BUILDINFO_MAGIC_LEN, data, size);
		r = go_parse_buildinfo(buf, size + GO_BUILDINFO_MAGIC_LEN, &gi);
		check(r, &gi);
		if (r == -ENOENT)
			abort();
	}

	/* As a whole file (Mach-O/PE path), with a limit inside it. */
	r = go_probe_scan(bshim_mem_read, &mem, size, size, &gi);
	check(r, &gi);
	r = go_probe_scan(bshim_mem_read, &mem, size, size / 2, &gi);
	check(r, &gi);

	if (elf_probe(data, size < 256 ? size : 256, bshim_mem_read, &mem, &ei) == 0) {
		r = go_probe_elf(&ei, bshim_mem_read, &mem, &gi);
		check(r, &gi);
	}
	return 0;
}
