// SPDX-License-Identifier: GPL-2.0
/*
 * elf_describe (file(1)-style lines, -ENOSPC at every short length, no
 * control byte from the file reaches the output) and elf_find_section
 * (both classes and byte orders, extended numbering, hostile counts,
 * indices, name offsets and sizes) over hand-made images.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "elf_img.h"

/* 1. elf_describe, file(1) style. */
struct describe_case {
	unsigned cls, data, type, machine;
	uint32_t flags;
	uint8_t osabi;
	int dyn;			/* 0 none, 1 pie flags, 2 library */
	const char *interp;
	const char *want;
};

static const struct describe_case describe_cases[] = {
	{ 1, 1, 3, 40, 0x05000400, 0, 0, "/lib/ld-linux-armhf.so.3",
	  "ELF 32-bit LSB ARM EABI5 hard-float, dynamically linked, "
	  "interpreter /lib/ld-linux-armhf.so.3" },
	{ 1, 1, 2, 40, 0x05000200, 0, 0, NULL,
	  "ELF 32-bit LSB ARM EABI5 soft-float, statically linked" },
	{ 2, 1, 2, 183, 0, 3, 0, NULL, "ELF 64-bit LSB AArch64, statically linked" },
	{ 2, 1, 3, 62, 0, 0, 1, NULL, "ELF 64-bit LSB x86-64, static-pie linked" },
	{ 2, 1, 3, 243, 5, 0, 2, NULL,
	  "ELF 64-bit LSB RISC-V lp64d rvc shared object, dynamically linked" },
	{ 1, 2, 2, 8, 0x70001007, 0, 0, "/lib/ld.so.1",
	  "ELF 32-bit MSB MIPS o32, dynamically linked, interpreter /lib/ld.so.1" },
	{ 2, 2, 2, 22, 0, 0, 0, "/lib/ld64.so.1",
	  "ELF 64-bit MSB IBM S/390, dynamically linked, interpreter /lib/ld64.so.1" },
	{ 2, 1, 2, 21, 2, 0, 0, NULL,
	  "ELF 64-bit LSB 64-bit PowerPC elfv2, statically linked" },
	{ 1, 1, 2, 62, 0, 0, 0, NULL, "ELF 32-bit LSB x86-64 x32, statically linked" },
	{ 2, 1, 2, 62, 0, 9, 0, NULL,
	  "ELF 64-bit LSB x86-64 (FreeBSD), statically linked" },
	{ 2, 2, 2, 0x1234, 0, 0, 0, NULL,
	  "ELF 64-bit MSB machine 0x1234, statically linked" },
	{ 2, 1, 1, 183, 0, 0, 0, NULL, "ELF 64-bit LSB AArch64 relocatable" },
	{ 2, 1, 4, 183, 0, 0, 0, NULL, "ELF 64-bit LSB AArch64 core file" },
	{ 2, 1, 2, 183, 0, 0, 0, "/lib/\033[31mevil",
	  "ELF 64-bit LSB AArch64, dynamically linked, interpreter /lib/?[31mevil" },
};

TEST(describe_like_file)
{
	static const uint64_t pie[] = { DT_FLAGS_1, DF_1_PIE, 0, 0 };
	static const uint64_t lib[] = { DT_NEEDED, 1, 0, 0 };
	struct elf_info ei;
	struct img m;
	char buf[256];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(describe_cases); i++) {
		const struct describe_case *c = &describe_cases[i];

		mk(&m, c->cls, c->data, c->type, c->machine, c->flags);
		m.b[7] = c->osabi;
		if (c->type == 1 || c->type == 4)
			ww(&m, fo(&m, F_PHOFF), 0);
		else
			add_phdr(&m, PT_LOAD, 0, 0x100);
		if (c->dyn)
			add_dyn(&m, 0x400, c->dyn == 1 ? pie : lib, 4);
		if (c->interp)
			add_interp(&m, 0x200, c->interp);
		ASSERT_EQ(0, probe(&m, 64, &ei)) TH_LOG("case %zu", i);
		EXPECT_EQ((int)strlen(c->want), elf_describe(&ei, buf, sizeof(buf)))
			TH_LOG("case %zu", i);
		EXPECT_STREQ(c->want, buf);
		/* Every buffer too small by even one byte: -ENOSPC. */
		n = strlen(c->want);
		EXPECT_EQ(-ENOSPC, elf_describe(&ei, buf, n));
		EXPECT_EQ(-ENOSPC, elf_describe(&ei, buf, 0));
		EXPECT_EQ((int)n, elf_describe(&ei, buf, n + 1));
	}
}

/* 2. Section look-up with hand-made section headers. */
#define SHOFF 0x800
static void add_shdr(struct img *m, unsigned idx, uint32_t name, uint32_t type,
		     uint64_t off, uint64_t size, uint32_t link)
{
	size_t esz = m->is64 ? 64 : 40, p = SHOFF + idx * esz;

	wn(m, p, name, 4);
	wn(m, p + 4, type, 4);
	ww(m, p + (m->is64 ? 24 : 16), off);
	ww(m, p + (m->is64 ? 32 : 20), size);
	wn(m, p + (m->is64 ? 40 : 24), link, 4);
	if (p + esz > m->len)
		m->len = p + esz;
}

/* Sections: 0 null, 1 .text, 2 .go.buildinfo, 3 .shstrtab. */
static const char strtab[] = "\0.text\0.go.buildinfo\0.shstrtab";

static void mk_sections(struct img *m, unsigned cls, unsigned data)
{
	mk(m, cls, data, 2, 183, 0);
	add_phdr(m, PT_LOAD, 0, 0x100);
	put(m, 0x600, strtab, sizeof(strtab));
	add_shdr(m, 0, 0, 0, 0, 0, 0);
	add_shdr(m, 1, 1, 1, 0x100, 0x80, 0);
	add_shdr(m, 2, 7, 1, 0x180, 0x20, 0);
	add_shdr(m, 3, 21, 3, 0x600, sizeof(strtab), 0);
	ww(m, fo(m, F_SHOFF), SHOFF);
	wn(m, fo(m, F_SHNUM), 4, 2);
	wn(m, fo(m, F_SHSTRNDX), 3, 2);
}

static int find(struct img *m, const char *name, uint64_t *off, uint64_t *size)
{
	struct bshim_mem mem = { m->b, m->len };
	struct elf_info ei;

	if (elf_probe(m->b, 64, bshim_mem_read, &mem, &ei))
		return -100;
	return elf_find_section(&ei, bshim_mem_read, &mem, name, off, size);
}

TEST(find_section)
{
	uint64_t off, size;
	struct img m;
	unsigned cls, data;

	for (cls = 1; cls <= 2; cls++)
		for (data = 1; data <= 2; data++) {
			mk_sections(&m, cls, data);
			off = size = 0;
			ASSERT_EQ(0, find(&m, ".go.buildinfo", &off, &size));
			EXPECT_EQ(0x180, off);
			EXPECT_EQ(0x20, size);
			ASSERT_EQ(0, find(&m, ".text", &off, &size));
			EXPECT_EQ(0x100, off);
			ASSERT_EQ(0, find(&m, ".shstrtab", &off, &size));
			EXPECT_EQ(0x600, off);
			EXPECT_EQ(-ENOENT, find(&m, ".go", &off, &size));
			EXPECT_EQ(-ENOENT, find(&m, ".go.buildinfoX", &off, &size));
			EXPECT_EQ(-ENOENT, find(&m, "text", &off, &size));
			EXPECT_EQ(-EINVAL, find(&m, "", &off, &size));

			/* Extended numbering: e_shnum 0, e_shstrndx XINDEX. */
			wn(&m, fo(&m, F_SHNUM), 0, 2);
			wn(&m, fo(&m, F_SHSTRNDX), 0xffff, 2);
			add_shdr(&m, 0, 0, 0, 0, 4, 3);
			ASSERT_EQ(0, find(&m, ".go.buildinfo", &off, &size));
			EXPECT_EQ(0x180, off);

			/* Hostile counts and indices. */
			mk_sections(&m, cls, data);
			wn(&m, fo(&m, F_SHSTRNDX), 4, 2);
			EXPECT_EQ(-EINVAL, find(&m, ".text", &off, &size));
			wn(&m, fo(&m, F_SHSTRNDX), 0, 2);
			EXPECT_EQ(-EINVAL, find(&m, ".text", &off, &size));
			mk_sections(&m, cls, data);
			wn(&m, fo(&m, F_SHNUM), 0, 2);
			add_shdr(&m, 0, 0, 0, 0, 1u << 20, 0);	/* over the cap */
			EXPECT_EQ(-EINVAL, find(&m, ".text", &off, &size));
			mk_sections(&m, cls, data);
			wn(&m, fo(&m, F_SHNUM), 200, 2);	/* past EOF */
			EXPECT_EQ(-EINVAL, find(&m, ".nothere", &off, &size));
			mk_sections(&m, cls, data);
			wn(&m, fo(&m, F_SHENTSIZE), 12, 2);
			EXPECT_EQ(-EINVAL, find(&m, ".text", &off, &size));
			mk_sections(&m, cls, data);
			ww(&m, fo(&m, F_SHOFF), 0);		/* stripped */
			EXPECT_EQ(-ENOENT, find(&m, ".text", &off, &size));
			mk_sections(&m, cls, data);
			ww(&m, fo(&m, F_SHOFF), cls == 2 ? UINT64_MAX - 8 : 0xfffffff0);
			EXPECT_EQ(-EINVAL, find(&m, ".text", &off, &size));
			/* A name past the string table is skipped, not read. */
			mk_sections(&m, cls, data);
			add_shdr(&m, 1, 0x7fffffff, 1, 0x100, 0x80, 0);
			EXPECT_EQ(-ENOENT, find(&m, ".text", &off, &size));
			EXPECT_EQ(0, find(&m, ".go.buildinfo", &off, &size));
			/* String table cut short: the last name does not fit. */
			mk_sections(&m, cls, data);
			add_shdr(&m, 3, 21, 3, 0x600, sizeof(strtab) - 3, 0);
			EXPECT_EQ(-ENOENT, find(&m, ".shstrtab", &off, &size));
			/* Section whose offset + size wraps. */
			mk_sections(&m, cls, data);
			add_shdr(&m, 2, 7, 1, cls == 2 ? UINT64_MAX : 0xffffffff,
				 cls == 2 ? 16 : 0xffffffff, 0);
			if (cls == 2)
				EXPECT_EQ(-EINVAL, find(&m, ".go.buildinfo", &off, &size));
		}
}
TEST_HARNESS_MAIN
