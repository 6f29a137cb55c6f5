/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How to map an emulator (a host ELF executable) the way the kernel's
 * binfmt_elf would for an execve: which PT_LOAD segments go where, the
 * entry point and the program headers' address for the auxv. Pure: the
 * bytes come through a bshim_read_fn (lib/elf.h); the shim does the mmaps
 * (shim/mapped.c).
 */
#ifndef BSHIM_LOADPLAN_H
#define BSHIM_LOADPLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "elf.h"

/* Debian's qemu-*-static have 4 PT_LOADs; glibc and musl static-pie
 * programs 4 to 6. More is not an emulator we know how to trust. */
#define LOAD_SEG_MAX 16
/* The largest image accepted: qemu-user-static is ~12 MiB of file and
 * ~14 MiB of memory. A span past this is a hostile or broken header. */
#define LOAD_SPAN_MAX (1ull << 30)

enum load_why {
	LOAD_OK = 0,
	LOAD_NOT_ELF,		/* header unreadable or not ELF */
	LOAD_WRONG_HOST,	/* class, byte order or machine of another host */
	LOAD_BAD_TYPE,		/* not ET_EXEC / ET_DYN */
	LOAD_DYNAMIC,		/* PT_INTERP: needs the host's ld.so: execve it */
	LOAD_BAD_PHDRS,		/* phentsize, phnum, or phdrs out of the file */
	LOAD_BAD_SEGMENT,	/* misaligned, overlapping, out of the file */
	LOAD_TOO_BIG,
	LOAD_NO_ENTRY,		/* entry outside every executable segment */
	LOAD_NO_PHDR,		/* program headers not in a loaded segment */
	LOAD_EXEC_STACK,	/* PT_GNU_STACK asks for an executable stack */
	LOAD_WHY_MAX
};

struct load_seg {
	uint64_t vaddr, memsz;	/* in the image (before the load bias) */
	uint64_t offset, filesz;	/* in the emulator's bytes */
	int prot;		/* PROT_* */
};

struct load_plan {
	bool pie;		/* ET_DYN: the loader picks the base */
	unsigned nseg;
	struct load_seg seg[LOAD_SEG_MAX];
	uint64_t lo, hi;	/* page-aligned span of all segments */
	uint64_t align;		/* the base's alignment (>= page) */
	uint64_t entry;		/* e_entry, before the bias */
	uint64_t phdr;		/* the phdrs' vaddr, before the bias */
	uint16_t phnum, phent;
	/* PT_GNU_RELRO, page-aligned inward, when it lies in the file part
	 * of a writable segment: the pages a static-pie's self-relocation
	 * writes (all of them, for qemu). 0, 0 when there is none. */
	uint64_t relro_lo, relro_hi;
	enum load_why why;
};

/*
 * Plan the mapping of the ELF that rd reads (offsets relative to its
 * start, size bytes long) for a host of the given class (1/2), byte order
 * (1 LSB / 2 MSB), e_machine and page size (a power of two). 0, or
 * -ENOEXEC with plan->why set.
 */
int load_plan_make(bshim_read_fn rd, void *ctx, uint64_t size, unsigned host_class,
		   unsigned host_data, unsigned host_machine, uint64_t page,
		   struct load_plan *plan);

const char *load_why_str(enum load_why w);

#endif
