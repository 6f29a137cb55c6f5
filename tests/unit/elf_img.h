/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny ELF image writer shared by the ELF unit tests: every field is
 * written byte by byte in the class and byte order under test, from the
 * gABI layouts (Elf32/64_Ehdr, _Phdr, _Dyn), so a wrong offset or byte
 * swap in lib/elf.c cannot hide behind the same mistake in the test.
 */
#ifndef BSHIM_TEST_ELF_IMG_H
#define BSHIM_TEST_ELF_IMG_H

#include <stdint.h>
#include <string.h>

#include "elf.h"

/* An ELF image under construction: ehdr at 0, phdrs at PHOFF. */
#define PHOFF 64
struct img {
	unsigned char b[8192];
	size_t len;
	int is64, msb;
};

static inline void wn(struct img *m, size_t off, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		m->b[off + i] = (unsigned char)(v >> (8 * (m->msb ? n - 1 - i : i)));
	if (off + n > m->len)
		m->len = off + n;
}

/* A word of the image's class (Elf32_Off / Elf64_Off). */
static inline void ww(struct img *m, size_t off, uint64_t v)
{
	wn(m, off, v, m->is64 ? 8 : 4);
}

/* Offsets of the ehdr fields past e_entry (gABI Elf32_Ehdr / Elf64_Ehdr). */
enum { F_PHOFF, F_SHOFF, F_FLAGS, F_EHSIZE, F_PHENTSIZE, F_PHNUM,
       F_SHENTSIZE, F_SHNUM, F_SHSTRNDX };

static inline size_t fo(const struct img *m, int f)
{
	size_t w = m->is64 ? 8 : 4, o = 24 + 3 * w;

	switch (f) {
	case F_PHOFF: return 24 + w;
	case F_SHOFF: return 24 + 2 * w;
	case F_FLAGS: return o;
	default: return o + 4 + 2 * (size_t)(f - F_EHSIZE);
	}
}

static inline void mk(struct img *m, unsigned cls, unsigned data, unsigned type,
	       unsigned machine, uint32_t flags)
{
	memset(m, 0, sizeof(*m));
	m->is64 = cls == 2;
	m->msb = data == 2;
	memcpy(m->b, "\x7f" "ELF", 4);
	m->b[4] = (unsigned char)cls;
	m->b[5] = (unsigned char)data;
	m->b[6] = 1;				/* EV_CURRENT */
	wn(m, 16, type, 2);
	wn(m, 18, machine, 2);
	wn(m, 20, 1, 4);
	ww(m, 24, 0x10000);			/* e_entry */
	ww(m, fo(m, F_PHOFF), PHOFF);
	wn(m, fo(m, F_FLAGS), flags, 4);
	wn(m, fo(m, F_EHSIZE), m->is64 ? 64 : 52, 2);
	wn(m, fo(m, F_PHENTSIZE), m->is64 ? 56 : 32, 2);
	wn(m, fo(m, F_SHENTSIZE), m->is64 ? 64 : 40, 2);
	m->len = m->is64 ? 64 : 52;
}

static inline unsigned phnum(const struct img *m)
{
	size_t o = fo(m, F_PHNUM);

	return m->msb ? m->b[o] << 8 | m->b[o + 1] : m->b[o + 1] << 8 | m->b[o];
}

static inline void add_phdr(struct img *m, uint32_t type, uint64_t off, uint64_t filesz)
{
	size_t esz = m->is64 ? 56 : 32, p = PHOFF + phnum(m) * esz;

	wn(m, p, type, 4);
	ww(m, p + (m->is64 ? 8 : 4), off);		/* p_offset */
	ww(m, p + (m->is64 ? 32 : 16), filesz);		/* p_filesz */
	wn(m, fo(m, F_PHNUM), phnum(m) + 1, 2);
	if (p + esz > m->len)
		m->len = p + esz;
}

static inline void put(struct img *m, size_t off, const void *s, size_t n)
{
	memcpy(m->b + off, s, n);
	if (off + n > m->len)
		m->len = off + n;
}

#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_LOAD 1

static inline void add_interp(struct img *m, size_t off, const char *path)
{
	add_phdr(m, PT_INTERP, off, strlen(path) + 1);
	put(m, off, path, strlen(path) + 1);
}

/* Probe through the reader with only the first head bytes in hand. */
static inline int probe(const struct img *m, size_t head, struct elf_info *ei)
{
	struct bshim_mem mem = { m->b, m->len };

	return elf_probe(m->b, head < m->len ? head : m->len, bshim_mem_read,
			 &mem, ei);
}

static inline void add_dyn(struct img *m, size_t off, const uint64_t *kv, size_t n)
{
	size_t esz = m->is64 ? 16 : 8, i;

	add_phdr(m, PT_DYNAMIC, off, n / 2 * esz);
	for (i = 0; i < n / 2; i++) {
		ww(m, off + i * esz, kv[2 * i]);
		ww(m, off + i * esz + esz / 2, kv[2 * i + 1]);
	}
}

#define DT_FLAGS_1 0x6ffffffb
#define DF_1_PIE 0x08000000
#define DT_NEEDED 1

#endif
