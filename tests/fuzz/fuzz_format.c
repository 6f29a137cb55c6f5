// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the other-format probe: format_probe on the input,
 * then format_describe and format_hex_head at the full and at a cut buffer
 * size. Invariants that must hold for any input abort, so the fuzzer
 * reports them like crashes. Also built with gcc + ASan as
 * build/asan/tests/replay/fuzz_format, which replays
 * tests/fuzz/corpus/fuzz_format/ (seeds: tests/fuzz/fuzz_format_seeds.py).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t cap)
{
	if (strnlen(s, cap) == cap)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct format_info fi;
	char line[1024], hex[33];
	size_t cut;
	int n;

	if (format_probe(data, size, &fi) != 0)
		abort();
	if ((unsigned)fi.format > FMT_WASM)
		abort();
	if (fi.head_len != (size < 16 ? size : 16) ||
	    memcmp(fi.head, data, fi.head_len))
		abort();
	if (fi.macho.fat_count > FORMAT_MACHO_MAX_ARCHS ||
	    fi.macho.fat_count > fi.macho.fat_total)
		abort();
	check_str(fi.arch_name, sizeof(fi.arch_name));
	check_str(fi.script.interp, sizeof(fi.script.interp));
	check_str(fi.script.arg, sizeof(fi.script.arg));
	if (fi.format == FMT_SCRIPT && (fi.script.interp[0] == ' ' ||
					fi.script.arg[0] == ' '))
		abort();

	n = format_describe(&fi, line, sizeof(line));
	if (n <= 0 || (size_t)n != strlen(line))
		abort();
	cut = size % ((size_t)n + 1);
	if (cut && format_describe(&fi, line, cut) != -ENOSPC)
		abort();
	if (cut && strlen(line) >= cut)
		abort();
	if (format_hex_head(&fi, hex, sizeof(hex)) != (int)(2 * fi.head_len))
		abort();
	if (strlen(format_name(fi.format)) == 0)
		abort();
	return 0;
}
