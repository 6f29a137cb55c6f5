// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the ELF probe: elf_probe through the memory reader
 * (with the first 256 bytes in hand, as the shim has them, and with the
 * whole input and no reader), elf_describe at several buffer sizes and
 * elf_find_section. Invariants that must hold for any input abort, so the
 * fuzzer reports them like crashes. Also built with gcc + ASan as
 * build/asan/tests/replay/fuzz_elf, which replays tests/fuzz/corpus/fuzz_elf/.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_info(int r, const struct elf_info *ei)
{
	if (r != 0 && r != -EINVAL)
		abort();
	if ((r == 0) != (ei->reason == ELF_OK))
		abort();
	if ((unsigned)ei->reason >= ELF_REASON_MAX)
		abort();
	if (strnlen(ei->interp, sizeof(ei->interp)) == sizeof(ei->interp))
		abort();
	if (strnlen(ei->abi, sizeof(ei->abi)) == sizeof(ei->abi))
		abort();
	if (r == 0 && ei->link == ELF_LINK_DYNAMIC && !ei->has_interp)
		abort();
}

static void check_describe(const struct elf_info *ei, size_t cut)
{
	/* Room for the longest description: a PT_INTERP path of up to
	 * ELF_INTERP_MAX - 1 bytes plus the fixed words around it. */
	char buf[ELF_INTERP_MAX + 512];
	int n = elf_describe(ei, buf, sizeof(buf));

	if (n < 0 || (size_t)n != strlen(buf))
		abort();
	/* Any shorter buffer: -ENOSPC, never a write past it. */
	if (cut > (size_t)n)
		cut = (size_t)n;
	if (elf_describe(ei, buf, cut) != -ENOSPC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bshim_mem mem = { data, size };
	struct elf_info ei;
	uint64_t off, len;
	int r;

	r = elf_probe(data, size < 256 ? size : 256, bshim_mem_read, &mem, &ei);
	check_info(r, &ei);
	if (r == 0) {
		check_describe(&ei, size % 97);
		if (!elf_find_section(&ei, bshim_mem_read, &mem, ".go.buildinfo",
				      &off, &len) && off + len < off)
			abort();
		if (!elf_find_section(&ei, bshim_mem_read, &mem, ".text",
				      &off, &len) && off + len < off)
			abort();
	}
	elf_reason_str(ei.reason);

	/* Whole input in hand, no reader. */
	r = elf_probe(data, size, NULL, NULL, &ei);
	check_info(r, &ei);
	if (r == 0)
		check_describe(&ei, size % 31);

	/* Only the identification in hand: everything else via the reader. */
	r = elf_probe(data, size < 16 ? size : 16, bshim_mem_read, &mem, &ei);
	check_info(r, &ei);
	return 0;
}
