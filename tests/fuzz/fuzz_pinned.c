// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what the shim reads from the pinned file before it
 * maps anything: the trailer (lib/pinned.c) of a file whose last bytes
 * are the input, and the load plan (lib/loadplan.c) of the input as an
 * emulator. A parsed trailer must describe the file; a plan must keep
 * its segments in order, inside the file and inside its span. Also built
 * with gcc + ASan as build/asan/tests/replay/fuzz_pinned, which replays
 * tests/fuzz/corpus/fuzz_pinned/.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "loadplan.h"
#include "pinned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bshim_mem mem = { data, size };
	struct pinned_info pi;
	struct load_plan p;
	unsigned char again[PINNED_TRAILER_SIZE];
	unsigned i;
	uint64_t fsize;

	/* The input's first 8 bytes choose the file size it ends. */
	if (size >= 8) {
		memcpy(&fsize, data, 8);
		if (pinned_parse(data + 8, size - 8, fsize, &pi) == 0) {
			if (pi.emu_offset % PINNED_ALIGN || pi.emu_offset < pi.shim_size ||
			    pi.emu_offset + pi.emu_size + PINNED_TRAILER_SIZE != fsize ||
			    pi.emu_path[0] != '/' || !memchr(pi.arch, 0, sizeof(pi.arch)))
				abort();
			/* Formatting it again gives the same fields (the reserved
			 * bytes 88..95 and the string padding are not kept). */
			if (pinned_format(&pi, again) != 0 ||
			    memcmp(again, data + size - PINNED_TRAILER_SIZE, 88) != 0 ||
			    strcmp((const char *)again + 96, pi.arch) ||
			    strcmp((const char *)again + 128, pi.emu_path))
				abort();
		}
	}
	if (load_plan_make(bshim_mem_read, &mem, size, ELFCLASS64, ELFDATA2LSB, EM_X86_64,
			   4096, &p) == 0) {
		if (!p.nseg || p.nseg > LOAD_SEG_MAX || p.hi <= p.lo ||
		    p.hi - p.lo > LOAD_SPAN_MAX || p.align < 4096)
			abort();
		for (i = 0; i < p.nseg; i++) {
			if (p.seg[i].filesz > p.seg[i].memsz ||
			    p.seg[i].offset + p.seg[i].filesz > size ||
			    p.seg[i].vaddr < p.lo || p.seg[i].vaddr + p.seg[i].memsz > p.hi)
				abort();
			if (i && p.seg[i].vaddr < p.seg[i - 1].vaddr + p.seg[i - 1].memsz)
				abort();
		}
		/* The relro prefault: page-aligned, inside the file part of
		 * one writable segment, or nothing at all. */
		if (p.relro_hi || p.relro_lo) {
			bool in = false;

			if (p.relro_hi <= p.relro_lo || p.relro_lo % 4096 || p.relro_hi % 4096)
				abort();
			for (i = 0; i < p.nseg; i++)
				in |= (p.seg[i].prot & PROT_WRITE) && p.relro_lo >= p.seg[i].vaddr &&
				      p.relro_hi <= p.seg[i].vaddr + p.seg[i].filesz;
			if (!in)
				abort();
		}
	} else if ((unsigned)p.why >= LOAD_WHY_MAX || p.why == LOAD_OK) {
		abort();
	}
	return 0;
}
