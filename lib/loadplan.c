// SPDX-License-Identifier: GPL-2.0
/*
 * The checks binfmt_elf makes before it maps an executable
 * (fs/binfmt_elf.c, load_elf_binary and elf_map), for the emulator the
 * shim maps itself: a header of the host's class, byte order and machine,
 * ET_EXEC or ET_DYN, PT_LOADs whose file offset and address agree modulo
 * the page (mmap can only map them so), in ascending order
 * (elf_load relies on it, ELF spec: "sorted on p_vaddr"), inside the file,
 * and an entry inside an executable one. Anything the shim cannot map
 * faithfully (a PT_INTERP, an executable stack) is not refused as broken:
 * the caller falls back to execve, where the kernel does it.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "loadplan.h"

static const char *const why_str[LOAD_WHY_MAX] = {
	[LOAD_OK] = "ok",
	[LOAD_NOT_ELF] = "not an ELF executable",
	[LOAD_WRONG_HOST] = "not an executable of this host's architecture",
	[LOAD_BAD_TYPE] = "neither ET_EXEC nor ET_DYN",
	[LOAD_DYNAMIC] = "dynamically linked (it needs the host's ld.so)",
	[LOAD_BAD_PHDRS] = "bad program headers",
	[LOAD_BAD_SEGMENT] = "a PT_LOAD segment it cannot map",
	[LOAD_TOO_BIG] = "its segments span more than 1 GiB",
	[LOAD_NO_ENTRY] = "its entry point is in no executable segment",
	[LOAD_NO_PHDR] = "its program headers are in no loaded segment",
	[LOAD_EXEC_STACK] = "it asks for an executable stack",
};

const char *load_why_str(enum load_why w)
{
	return (unsigned)w < LOAD_WHY_MAX && why_str[w] ? why_str[w] : "unknown";
}

static int no(struct load_plan *p, enum load_why w)
{
	p->why = w;
	return -ENOEXEC;
}

static int read_exact(bshim_read_fn rd, void *ctx, uint64_t off, void *buf, size_t len)
{
	long n = rd(ctx, off, buf, len);

	return n == (long)len ? 0 : -EIO;
}

/*
 * The pages of PT_GNU_RELRO (rounded inward: a page it shares with what
 * follows is not all relro) that lie in the file-backed part of one
 * writable segment: there the loader may prefault them writable, the
 * copies the self-relocation would fault in one page at a time. Anything
 * else (outside every segment, in a read-only one, reaching the bss)
 * plans nothing, which is always correct.
 */
static void plan_relro(struct load_plan *p, const Elf64_Phdr *r, uint64_t page)
{
	uint64_t lo, hi;
	unsigned i;

	if (r->p_vaddr > UINT64_MAX - r->p_memsz - page)
		return;
	lo = (r->p_vaddr + page - 1) & ~(page - 1);
	hi = (r->p_vaddr + r->p_memsz) & ~(page - 1);
	if (hi <= lo)
		return;
	for (i = 0; i < p->nseg; i++) {
		const struct load_seg *s = &p->seg[i];

		if ((s->prot & PROT_WRITE) && lo >= s->vaddr && hi <= s->vaddr + s->filesz) {
			p->relro_lo = lo;
			p->relro_hi = hi;
			return;
		}
	}
}

int load_plan_make(bshim_read_fn rd, void *ctx, uint64_t size, unsigned host_class,
		   unsigned host_data, unsigned host_machine, uint64_t page,
		   struct load_plan *p)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph, relro = { 0 };
	uint64_t phend = 0, maxalign = page;
	bool phdr_found = false, entry_ok = false, relro_found = false;
	unsigned i;

	memset(p, 0, sizeof(*p));
	if (!page || page & (page - 1))
		return no(p, LOAD_BAD_SEGMENT);
	/* The shim maps 64-bit hosts' emulators only; a 32-bit host execs. */
	if (host_class != ELFCLASS64)
		return no(p, LOAD_WRONG_HOST);
	if (size < sizeof(eh) || read_exact(rd, ctx, 0, &eh, sizeof(eh)) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_VERSION] != EV_CURRENT)
		return no(p, LOAD_NOT_ELF);
	if (eh.e_ident[EI_CLASS] != host_class || eh.e_ident[EI_DATA] != host_data ||
	    eh.e_machine != host_machine)
		return no(p, LOAD_WRONG_HOST);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return no(p, LOAD_BAD_TYPE);
	/* binfmt_elf: e_phentsize must be the struct's, and all program
	 * headers at most 64 KiB (elf_read_phdrs). */
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum ||
	    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > 65536 ||
	    eh.e_phoff > size || size - eh.e_phoff < (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr))
		return no(p, LOAD_BAD_PHDRS);
	p->pie = eh.e_type == ET_DYN;
	p->entry = eh.e_entry;
	p->phnum = eh.e_phnum;
	p->phent = eh.e_phentsize;
	phend = eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	for (i = 0; i < eh.e_phnum; i++) {
		struct load_seg *s;

		if (read_exact(rd, ctx, eh.e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph)))
			return no(p, LOAD_BAD_PHDRS);
		if (ph.p_type == PT_INTERP)
			return no(p, LOAD_DYNAMIC);
		if (ph.p_type == PT_GNU_STACK && (ph.p_flags & PF_X))
			return no(p, LOAD_EXEC_STACK);
		if (ph.p_type == PT_GNU_RELRO) {
			relro = ph;
			relro_found = true;
		}
		if (ph.p_type == PT_PHDR) {
			p->phdr = ph.p_vaddr;
			phdr_found = true;
		}
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (p->nseg == LOAD_SEG_MAX)
			return no(p, LOAD_BAD_SEGMENT);
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
		    size - ph.p_offset < ph.p_filesz ||
		    (ph.p_offset & (page - 1)) != (ph.p_vaddr & (page - 1)) ||
		    ph.p_vaddr > LOAD_SPAN_MAX * 64 || ph.p_memsz > LOAD_SPAN_MAX)
			return no(p, LOAD_BAD_SEGMENT);
		if (ph.p_align > maxalign) {
			if (ph.p_align & (ph.p_align - 1) || ph.p_align > LOAD_SPAN_MAX)
				return no(p, LOAD_BAD_SEGMENT);
			maxalign = ph.p_align;
		}
		/* Ascending and apart: a later segment starts on or after the
		 * page where the previous one ended. */
		if (p->nseg && (ph.p_vaddr & ~(page - 1)) <
			       ((p->seg[p->nseg - 1].vaddr + p->seg[p->nseg - 1].memsz +
				 page - 1) & ~(page - 1)))
			return no(p, LOAD_BAD_SEGMENT);
		s = &p->seg[p->nseg++];
		s->vaddr = ph.p_vaddr;
		s->memsz = ph.p_memsz;
		s->offset = ph.p_offset;
		s->filesz = ph.p_filesz;
		s->prot = (ph.p_flags & PF_R ? PROT_READ : 0) |
			  (ph.p_flags & PF_W ? PROT_WRITE : 0) |
			  (ph.p_flags & PF_X ? PROT_EXEC : 0);
		if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr &&
		    eh.e_entry - ph.p_vaddr < ph.p_memsz)
			entry_ok = true;
		/* binfmt_elf takes AT_PHDR from the segment holding e_phoff
		 * when there is no PT_PHDR (load_elf_binary, phdr_addr). */
		if (!phdr_found && eh.e_phoff >= ph.p_offset &&
		    phend <= ph.p_offset + ph.p_filesz) {
			p->phdr = ph.p_vaddr + (eh.e_phoff - ph.p_offset);
			phdr_found = true;
		}
	}
	if (!p->nseg)
		return no(p, LOAD_BAD_SEGMENT);
	p->lo = p->seg[0].vaddr & ~(page - 1);
	p->hi = (p->seg[p->nseg - 1].vaddr + p->seg[p->nseg - 1].memsz + page - 1) & ~(page - 1);
	if (p->hi - p->lo > LOAD_SPAN_MAX)
		return no(p, LOAD_TOO_BIG);
	/* A fixed-address executable below the usual vm.mmap_min_addr
	 * (64 KiB) could not be mapped. */
	if (!p->pie && p->lo < 65536)
		return no(p, LOAD_BAD_SEGMENT);
	if (!entry_ok)
		return no(p, LOAD_NO_ENTRY);
	if (!phdr_found)
		return no(p, LOAD_NO_PHDR);
	p->align = maxalign;
	if (relro_found)
		plan_relro(p, &relro, page);
	return 0;
}
