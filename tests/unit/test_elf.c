// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF probe over hand-made headers: every arch_table row, the ABI
 * details users trip on, link kinds, every reason code, truncation at every
 * byte, elf_describe and elf_find_section. Each image is written here byte
 * by byte from the table fields, in the class and byte order under test.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "elf.h"

/* An ELF image under construction: ehdr at 0, phdrs at PHOFF. */
#define PHOFF 64
struct img {
	unsigned char b[8192];
	size_t len;
	int is64, msb;
};

static void wn(struct img *m, size_t off, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		m->b[off + i] = (unsigned char)(v >> (8 * (m->msb ? n - 1 - i : i)));
	if (off + n > m->len)
		m->len = off + n;
}

/* A word of the image's class (Elf32_Off / Elf64_Off). */
static void ww(struct img *m, size_t off, uint64_t v)
{
	wn(m, off, v, m->is64 ? 8 : 4);
}

/* Offsets of the ehdr fields past e_entry (gABI Elf32_Ehdr / Elf64_Ehdr). */
enum { F_PHOFF, F_SHOFF, F_FLAGS, F_EHSIZE, F_PHENTSIZE, F_PHNUM,
       F_SHENTSIZE, F_SHNUM, F_SHSTRNDX };

static size_t fo(const struct img *m, int f)
{
	size_t w = m->is64 ? 8 : 4, o = 24 + 3 * w;

	switch (f) {
	case F_PHOFF: return 24 + w;
	case F_SHOFF: return 24 + 2 * w;
	case F_FLAGS: return o;
	default: return o + 4 + 2 * (size_t)(f - F_EHSIZE);
	}
}

static void mk(struct img *m, unsigned cls, unsigned data, unsigned type,
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

static unsigned phnum(const struct img *m)
{
	size_t o = fo(m, F_PHNUM);

	return m->msb ? m->b[o] << 8 | m->b[o + 1] : m->b[o + 1] << 8 | m->b[o];
}

static void add_phdr(struct img *m, uint32_t type, uint64_t off, uint64_t filesz)
{
	size_t esz = m->is64 ? 56 : 32, p = PHOFF + phnum(m) * esz;

	wn(m, p, type, 4);
	ww(m, p + (m->is64 ? 8 : 4), off);		/* p_offset */
	ww(m, p + (m->is64 ? 32 : 16), filesz);		/* p_filesz */
	wn(m, fo(m, F_PHNUM), phnum(m) + 1, 2);
	if (p + esz > m->len)
		m->len = p + esz;
}

static void put(struct img *m, size_t off, const void *s, size_t n)
{
	memcpy(m->b + off, s, n);
	if (off + n > m->len)
		m->len = off + n;
}

#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_LOAD 1

static void add_interp(struct img *m, size_t off, const char *path)
{
	add_phdr(m, PT_INTERP, off, strlen(path) + 1);
	put(m, off, path, strlen(path) + 1);
}

/* Probe through the reader with only the first head bytes in hand. */
static int probe(const struct img *m, size_t head, struct elf_info *ei)
{
	struct bshim_mem mem = { m->b, m->len };

	return elf_probe(m->b, head < m->len ? head : m->len, bshim_mem_read,
			 &mem, ei);
}

/* 1. Every row of the arch table, built from its own fields. */
TEST(every_arch_row_probes_back)
{
	static const unsigned types[] = { 2, 3 };	/* ET_EXEC, ET_DYN */
	struct elf_info ei;
	struct img m;
	size_t i, t;

	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];
		unsigned machines[2] = { a->machine, a->machine_alt };
		unsigned k;

		for (k = 0; k < 2 && machines[k]; k++)
			for (t = 0; t < ARRAY_SIZE(types); t++) {
				mk(&m, a->elf_class, a->elf_data, types[t],
				   machines[k], a->flags_value);
				add_phdr(&m, PT_LOAD, 0, 0x200);
				add_interp(&m, 0x200, "/lib/ld.so.1");
				ASSERT_EQ(0, probe(&m, 64, &ei))
					TH_LOG("%s: %s", a->name,
					       elf_reason_str(ei.reason));
				EXPECT_EQ(a->elf_class, ei.elf_class);
				EXPECT_EQ(a->elf_data, ei.elf_data);
				EXPECT_EQ(machines[k], ei.machine);
				EXPECT_EQ(a->flags_value, ei.flags);
				EXPECT_EQ(types[t], ei.type);
				EXPECT_EQ(0x10000, ei.entry);
				EXPECT_EQ(a, ei.arch) TH_LOG("%s machine %u got %s",
					a->name, machines[k],
					ei.arch ? ei.arch->name : "NULL");
				EXPECT_EQ(ELF_LINK_DYNAMIC, ei.link);
				EXPECT_STREQ("/lib/ld.so.1", ei.interp);
				/* Head only, no reader: same header fields. */
				ASSERT_EQ(0, elf_probe(m.b, m.len, NULL, NULL, &ei));
				EXPECT_EQ(a, ei.arch);
			}
	}
}

/* 2. Derived ABI details: e_flags (and interp) in, fields out. */
struct abi_case {
	const char *what;
	unsigned cls, data, machine;
	uint32_t flags;
	const char *interp;
	const char *arch;		/* NULL: no QEMU target */
	uint8_t arm_eabi;
	enum elf_float fl;
	enum elf_mips_abi mips;
	bool nan2008, r6, rvc;
	uint8_t ppc64;
	bool x32;
	const char *abi;
};

static const struct abi_case abi_cases[] = {
	{ "armhf", 1, 1, 40, 0x05000400, "/lib/ld-linux-armhf.so.3", "arm",
	  5, ELF_FLOAT_HARD, 0, 0, 0, 0, 0, 0, "eabi5 hard-float" },
	{ "armel", 1, 1, 40, 0x05000200, "/lib/ld-linux.so.3", "arm",
	  5, ELF_FLOAT_SOFT, 0, 0, 0, 0, 0, 0, "eabi5 soft-float" },
	{ "eabi5 no flag: soft", 1, 1, 40, 0x05000000, NULL, "arm",
	  5, ELF_FLOAT_SOFT, 0, 0, 0, 0, 0, 0, "eabi5 soft-float" },
	{ "eabi5 no flag, armhf ld.so", 1, 1, 40, 0x05000000,
	  "/lib/ld-linux-armhf.so.3", "arm",
	  5, ELF_FLOAT_HARD, 0, 0, 0, 0, 0, 0, "eabi5 hard-float" },
	{ "eabi4", 1, 1, 40, 0x04000000, NULL, "arm",
	  4, ELF_FLOAT_UNKNOWN, 0, 0, 0, 0, 0, 0, "eabi4" },
	{ "old abi", 1, 1, 40, 0, NULL, "arm",
	  0, ELF_FLOAT_UNKNOWN, 0, 0, 0, 0, 0, 0, "oabi" },
	{ "armeb hf", 1, 2, 40, 0x05000400, NULL, "armeb",
	  5, ELF_FLOAT_HARD, 0, 0, 0, 0, 0, 0, "eabi5 hard-float" },
	{ "mips o32", 1, 2, 8, 0x70001007, "/lib/ld.so.1", "mips",
	  0, 0, ELF_MIPS_ABI_O32, 0, 0, 0, 0, 0, "o32" },
	{ "mips o32 abi field 0", 1, 1, 8, 0x50000007, NULL, "mipsel",
	  0, 0, ELF_MIPS_ABI_O32, 0, 0, 0, 0, 0, "o32" },
	{ "mips o32 nan2008", 1, 1, 8, 0x70001407, NULL, "mipsel",
	  0, 0, ELF_MIPS_ABI_O32, 1, 0, 0, 0, 0, "o32 nan2008" },
	{ "mips32r6", 1, 1, 8, 0x90001407, NULL, "mipsel",
	  0, 0, ELF_MIPS_ABI_O32, 1, 1, 0, 0, 0, "o32 nan2008 r6" },
	{ "mips n32", 1, 2, 8, 0x80000027, NULL, "mipsn32",
	  0, 0, ELF_MIPS_ABI_N32, 0, 0, 0, 0, 0, "n32" },
	{ "mipsel n32 r6", 1, 1, 8, 0xa0000427, NULL, "mipsn32el",
	  0, 0, ELF_MIPS_ABI_N32, 1, 1, 0, 0, 0, "n32 nan2008 r6" },
	{ "mips64el n64", 2, 1, 8, 0x80000007, NULL, "mips64el",
	  0, 0, ELF_MIPS_ABI_N64, 0, 0, 0, 0, 0, "n64" },
	{ "mips64r6 n64", 2, 2, 8, 0xa0000407, NULL, "mips64",
	  0, 0, ELF_MIPS_ABI_N64, 1, 1, 0, 0, 0, "n64 nan2008 r6" },
	{ "mips o64", 1, 2, 8, 0x00002000, NULL, "mips",
	  0, 0, ELF_MIPS_ABI_O64, 0, 0, 0, 0, 0, "o64" },
	{ "mips eabi32", 1, 2, 8, 0x00003000, NULL, "mips",
	  0, 0, ELF_MIPS_ABI_EABI32, 0, 0, 0, 0, 0, "eabi32" },
	{ "riscv64 lp64d rvc", 2, 1, 243, 0x5, NULL, "riscv64",
	  0, ELF_FLOAT_HARD, 0, 0, 0, 1, 0, 0, "lp64d rvc" },
	{ "riscv64 lp64 soft", 2, 1, 243, 0x0, NULL, "riscv64",
	  0, ELF_FLOAT_SOFT, 0, 0, 0, 0, 0, 0, "lp64" },
	{ "riscv64 lp64f", 2, 1, 243, 0x3, NULL, "riscv64",
	  0, ELF_FLOAT_SINGLE, 0, 0, 0, 1, 0, 0, "lp64f rvc" },
	{ "riscv64 lp64q", 2, 1, 243, 0x6, NULL, "riscv64",
	  0, ELF_FLOAT_QUAD, 0, 0, 0, 0, 0, 0, "lp64q" },
	{ "riscv32 ilp32d", 1, 1, 243, 0x4, NULL, "riscv32",
	  0, ELF_FLOAT_HARD, 0, 0, 0, 0, 0, 0, "ilp32d" },
	{ "riscv32 ilp32e", 1, 1, 243, 0x9, NULL, "riscv32",
	  0, ELF_FLOAT_SOFT, 0, 0, 0, 1, 0, 0, "ilp32e rvc" },
	{ "ppc64 elfv1", 2, 2, 21, 1, NULL, "ppc64",
	  0, 0, 0, 0, 0, 0, 1, 0, "elfv1" },
	{ "ppc64le elfv2", 2, 1, 21, 2, NULL, "ppc64le",
	  0, 0, 0, 0, 0, 0, 2, 0, "elfv2" },
	{ "ppc64 unspecified", 2, 2, 21, 0, NULL, "ppc64",
	  0, 0, 0, 0, 0, 0, 0, 0, "" },
	{ "x32", 1, 1, 62, 0, "/libx32/ld-linux-x32.so.2", NULL,
	  0, 0, 0, 0, 0, 0, 0, 1, "x32" },
	{ "x86_64", 2, 1, 62, 0, NULL, "x86_64",
	  0, 0, 0, 0, 0, 0, 0, 0, "" },
	{ "aarch64", 2, 1, 183, 0, NULL, "aarch64",
	  0, 0, 0, 0, 0, 0, 0, 0, "" },
};

TEST(abi_details)
{
	struct elf_info ei;
	struct img m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(abi_cases); i++) {
		const struct abi_case *c = &abi_cases[i];

		mk(&m, c->cls, c->data, 2, c->machine, c->flags);
		add_phdr(&m, PT_LOAD, 0, 0x100);
		if (c->interp)
			add_interp(&m, 0x300, c->interp);
		ASSERT_EQ(0, probe(&m, 64, &ei)) TH_LOG("%s: %s", c->what, elf_reason_str(ei.reason));
		if (c->arch) {
			ASSERT_NE(NULL, ei.arch) TH_LOG("%s", c->what);
			EXPECT_STREQ(c->arch, ei.arch->name) TH_LOG("%s", c->what);
		} else {
			EXPECT_EQ(NULL, ei.arch) TH_LOG("%s", c->what);
		}
		EXPECT_EQ(c->arm_eabi, ei.arm_eabi) TH_LOG("%s", c->what);
		EXPECT_EQ(c->fl, ei.float_abi) TH_LOG("%s", c->what);
		EXPECT_EQ(c->mips, ei.mips_abi) TH_LOG("%s", c->what);
		EXPECT_EQ(c->nan2008, ei.mips_nan2008) TH_LOG("%s", c->what);
		EXPECT_EQ(c->r6, ei.mips_r6) TH_LOG("%s", c->what);
		EXPECT_EQ(c->rvc, ei.riscv_rvc) TH_LOG("%s", c->what);
		EXPECT_EQ(c->ppc64, ei.ppc64_abi) TH_LOG("%s", c->what);
		EXPECT_EQ(c->x32, ei.x32) TH_LOG("%s", c->what);
		EXPECT_STREQ(c->abi, ei.abi) TH_LOG("%s", c->what);
	}
}

/* 3. Link kinds. */
static void add_dyn(struct img *m, size_t off, const uint64_t *kv, size_t n)
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

TEST(link_kinds)
{
	static const uint64_t pie[] = { DT_NEEDED, 1, DT_FLAGS_1, DF_1_PIE | 1, 0, 0 };
	static const uint64_t lib[] = { DT_NEEDED, 1, DT_FLAGS_1, 1, 0, 0 };
	static const uint64_t noflags[] = { DT_NEEDED, 1, 0, 0 };
	struct elf_info ei;
	struct img m;
	unsigned cls;

	for (cls = 1; cls <= 2; cls++) {
		mk(&m, cls, cls, 2, 183, 0);		/* ET_EXEC, PT_LOAD only */
		add_phdr(&m, PT_LOAD, 0, 0x100);
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_STATIC, ei.link);
		EXPECT_FALSE(ei.has_interp);
		EXPECT_STREQ("", ei.interp);

		mk(&m, cls, cls, 3, 183, 0);		/* PIE with interp */
		add_dyn(&m, 0x400, noflags, ARRAY_SIZE(noflags));
		add_interp(&m, 0x200, "/lib/ld-linux-aarch64.so.1");
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_DYNAMIC, ei.link);
		EXPECT_TRUE(ei.has_interp);
		EXPECT_STREQ("/lib/ld-linux-aarch64.so.1", ei.interp);

		mk(&m, cls, cls, 3, 183, 0);		/* static-pie */
		add_dyn(&m, 0x400, pie, ARRAY_SIZE(pie));
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_STATIC_PIE, ei.link);

		mk(&m, cls, cls, 3, 183, 0);		/* library */
		add_dyn(&m, 0x400, lib, ARRAY_SIZE(lib));
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_SHARED, ei.link);

		mk(&m, cls, cls, 3, 183, 0);		/* library, no flags */
		add_dyn(&m, 0x400, noflags, ARRAY_SIZE(noflags));
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_SHARED, ei.link);

		mk(&m, cls, cls, 3, 183, 0);		/* dynamic unreadable */
		add_phdr(&m, PT_DYNAMIC, 0x100000, 0x100);
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_SHARED, ei.link);

		mk(&m, cls, cls, 3, 183, 0);		/* ET_DYN, no dynamic */
		add_phdr(&m, PT_LOAD, 0, 0x100);
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_STATIC_PIE, ei.link);

		mk(&m, cls, cls, 1, 183, 0);		/* ET_REL: no phdrs */
		ww(&m, fo(&m, F_PHOFF), 0);
		ASSERT_EQ(0, probe(&m, 64, &ei));
		EXPECT_EQ(ELF_LINK_NONE, ei.link);

		/* Phdrs past the head and no reader: unknown, not an error. */
		mk(&m, cls, cls, 2, 183, 0);
		add_phdr(&m, PT_LOAD, 0, 0x100);
		ASSERT_EQ(0, elf_probe(m.b, 64, NULL, NULL, &ei));
		EXPECT_EQ(ELF_LINK_UNKNOWN, ei.link);
		EXPECT_EQ(183, ei.machine);
	}
}

/* 4. Every reason code from a hostile image. */
static long failing_reader(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx; (void)off; (void)buf; (void)len;
	return -EIO;
}

static long lying_reader(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx; (void)off; (void)buf;
	return (long)len + 1;		/* more than asked: must be refused */
}

enum mutation {
	MU_NONE, MU_LEN, MU_CLASS, MU_DATA, MU_VERSION, MU_MAGIC, MU_EHSIZE,
	MU_PHENTSIZE, MU_PHNUM, MU_PHOFF, MU_INTERP_OFF, MU_INTERP_SZ,
	MU_INTERP_NUL, MU_TWO_INTERP, MU_READER_FAIL, MU_READER_LIE,
};

struct reason_case {
	const char *what;
	unsigned cls, data;
	enum mutation mu;
	uint64_t val;
	enum elf_reason want;
};

static const struct reason_case reason_cases[] = {
	{ "empty file", 2, 1, MU_LEN, 0, ELF_ERR_NOT_ELF },
	{ "not ELF (MZ)", 2, 1, MU_MAGIC, 'M', ELF_ERR_NOT_ELF },
	{ "magic prefix only", 2, 1, MU_LEN, 2, ELF_ERR_TRUNCATED_IDENT },
	{ "ident cut at 15", 1, 2, MU_LEN, 15, ELF_ERR_TRUNCATED_IDENT },
	{ "class 0", 2, 1, MU_CLASS, 0, ELF_ERR_BAD_CLASS },
	{ "class 3", 1, 1, MU_CLASS, 3, ELF_ERR_BAD_CLASS },
	{ "data 0", 2, 1, MU_DATA, 0, ELF_ERR_BAD_DATA },
	{ "data 3", 1, 2, MU_DATA, 3, ELF_ERR_BAD_DATA },
	{ "version 0", 2, 1, MU_VERSION, 0, ELF_ERR_BAD_VERSION },
	{ "ELF64 header cut", 2, 1, MU_LEN, 40, ELF_ERR_TRUNCATED_HEADER },
	{ "ELF32 header cut", 1, 2, MU_LEN, 51, ELF_ERR_TRUNCATED_HEADER },
	{ "ehsize 10", 2, 2, MU_EHSIZE, 10, ELF_ERR_BAD_EHSIZE },
	{ "ELF32 with ELF64 phentsize", 1, 1, MU_PHENTSIZE, 56,
	  ELF_ERR_BAD_PHENTSIZE },
	{ "phentsize 0", 2, 1, MU_PHENTSIZE, 0, ELF_ERR_BAD_PHENTSIZE },
	{ "ELF32 2049 phdrs", 1, 1, MU_PHNUM, 2049, ELF_ERR_TOO_MANY_PHDRS },
	{ "PN_XNUM", 2, 2, MU_PHNUM, 0xffff, ELF_ERR_TOO_MANY_PHDRS },
	{ "phoff past EOF", 2, 1, MU_PHOFF, 0x100000, ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "phoff wraps", 2, 1, MU_PHOFF, UINT64_MAX - 8,
	  ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "ELF32 phoff near 4G", 1, 2, MU_PHOFF, 0xfffffff0,
	  ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "phdrs cut by EOF", 2, 1, MU_LEN, PHOFF + 56 + 20,
	  ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "interp past EOF", 2, 1, MU_INTERP_OFF, 0x100000,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "interp offset wraps", 2, 2, MU_INTERP_OFF, UINT64_MAX - 4,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "interp cut by EOF", 1, 1, MU_LEN, 0x200 + 5,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "interp no NUL", 2, 1, MU_INTERP_NUL, 0, ELF_ERR_INTERP_UNTERMINATED },
	{ "interp size 0", 1, 2, MU_INTERP_SZ, 0, ELF_ERR_INTERP_UNTERMINATED },
	{ "interp 300 bytes", 2, 1, MU_INTERP_SZ, 300, ELF_ERR_INTERP_TOO_LONG },
	{ "interp size huge", 2, 1, MU_INTERP_SZ, UINT64_MAX,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "two PT_INTERP", 2, 1, MU_TWO_INTERP, 0, ELF_ERR_MULTIPLE_INTERP },
	{ "reader fails", 2, 1, MU_READER_FAIL, 0, ELF_ERR_READ },
	{ "reader returns too much", 1, 1, MU_READER_LIE, 0, ELF_ERR_READ },
};

TEST(every_reason_code)
{
	bool seen[ELF_REASON_MAX] = { false };
	struct elf_info ei;
	struct img m;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(reason_cases); i++) {
		const struct reason_case *c = &reason_cases[i];
		size_t esz = c->cls == 2 ? 56 : 32;
		struct bshim_mem mem;
		bshim_read_fn rd = bshim_mem_read;

		mk(&m, c->cls, c->data, 2, 183, 0);
		add_phdr(&m, PT_LOAD, 0, 0x100);
		add_interp(&m, 0x200, "/lib/ld-linux-aarch64.so.1");
		switch (c->mu) {
		case MU_NONE: break;
		case MU_LEN: m.len = c->val; break;
		case MU_CLASS: m.b[4] = (unsigned char)c->val; break;
		case MU_DATA: m.b[5] = (unsigned char)c->val; break;
		case MU_VERSION: m.b[6] = (unsigned char)c->val; break;
		case MU_MAGIC: m.b[0] = (unsigned char)c->val; break;
		case MU_EHSIZE: wn(&m, fo(&m, F_EHSIZE), c->val, 2); break;
		case MU_PHENTSIZE: wn(&m, fo(&m, F_PHENTSIZE), c->val, 2); break;
		case MU_PHNUM: wn(&m, fo(&m, F_PHNUM), c->val, 2); break;
		case MU_PHOFF: ww(&m, fo(&m, F_PHOFF), c->val); break;
		case MU_INTERP_OFF:
			ww(&m, PHOFF + esz + (c->cls == 2 ? 8 : 4), c->val);
			break;
		case MU_INTERP_SZ:
			ww(&m, PHOFF + esz + (c->cls == 2 ? 32 : 16), c->val);
			break;
		case MU_INTERP_NUL:
			m.b[0x200 + strlen("/lib/ld-linux-aarch64.so.1")] = 'x';
			break;
		case MU_TWO_INTERP: add_interp(&m, 0x280, "/lib/ld.so.1"); break;
		case MU_READER_FAIL: rd = failing_reader; break;
		case MU_READER_LIE: rd = lying_reader; break;
		}
		mem.buf = m.b;
		mem.len = m.len;
		memset(&ei, 0x5a, sizeof(ei));
		r = elf_probe(m.b, m.len < 64 ? m.len : 64, rd, &mem, &ei);
		EXPECT_EQ(-EINVAL, r) TH_LOG("%s", c->what);
		EXPECT_EQ(c->want, ei.reason) TH_LOG("%s: got %s", c->what,
						     elf_reason_str(ei.reason));
		EXPECT_STRNE("unknown reason", elf_reason_str(ei.reason));
		seen[ei.reason] = true;
	}
	for (i = 1; i < ELF_REASON_MAX; i++)
		EXPECT_TRUE(seen[i]) TH_LOG("no case for reason %zu (%s)", i,
					    elf_reason_str(i));
	EXPECT_STREQ("unknown reason", elf_reason_str(ELF_REASON_MAX));
}

/* 5. Every prefix of a valid file: 0 or -EINVAL with a reason, no OOB. */
TEST(truncated_at_every_byte)
{
	static const uint64_t pie[] = { DT_FLAGS_1, DF_1_PIE, 0, 0 };
	struct elf_info ei;
	struct img m;
	unsigned cls, data;
	size_t n;
	int r;

	for (cls = 1; cls <= 2; cls++)
		for (data = 1; data <= 2; data++) {
			mk(&m, cls, data, 3, 40, 0x05000400);
			add_phdr(&m, PT_LOAD, 0, 0x100);
			add_dyn(&m, 0x300, pie, ARRAY_SIZE(pie));
			add_interp(&m, 0x200, "/lib/ld-linux-armhf.so.3");
			for (n = 0; n <= m.len; n++) {
				struct bshim_mem mem = { m.b, n };

				r = elf_probe(m.b, n < 64 ? n : 64,
					      bshim_mem_read, &mem, &ei);
				if (r == 0) {
					EXPECT_EQ(ELF_OK, ei.reason);
				} else {
					EXPECT_NE(ELF_OK, ei.reason);
				}
				EXPECT_TRUE(r == 0 || r == -EINVAL);
				/* Up to the end of the interp path: must fail. */
				if (n < 0x200 + 25)
					EXPECT_EQ(-EINVAL, r) TH_LOG("len %zu", n);
			}
			EXPECT_EQ(0, r);
			EXPECT_EQ(ELF_LINK_DYNAMIC, ei.link);
		}
}

/* 6. The same answers from the whole buffer, a 64-byte head + reader, and
 * a 16-byte head + reader. */
TEST(head_and_reader_agree)
{
	struct elf_info a, b, c;
	struct img m;
	struct bshim_mem mem;

	mk(&m, 1, 2, 2, 8, 0x70001407);
	add_phdr(&m, PT_LOAD, 0, 0x100);
	add_interp(&m, 0x200, "/lib/ld.so.1");
	mem.buf = m.b;
	mem.len = m.len;
	ASSERT_EQ(0, elf_probe(m.b, m.len, NULL, NULL, &a));
	ASSERT_EQ(0, elf_probe(m.b, 64, bshim_mem_read, &mem, &b));
	ASSERT_EQ(0, elf_probe(m.b, 16, bshim_mem_read, &mem, &c));
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	EXPECT_EQ(0, memcmp(&a, &c, sizeof(a)));
	EXPECT_STREQ("/lib/ld.so.1", a.interp);
	EXPECT_STREQ("o32 nan2008", a.abi);
	/* No head at all: everything through the reader. */
	ASSERT_EQ(0, elf_probe(NULL, 0, bshim_mem_read, &mem, &c));
	EXPECT_EQ(0, memcmp(&a, &c, sizeof(a)));
}

/* 7. elf_describe, file(1) style. */
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

/* 8. Section look-up with hand-made section headers. */
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

/* 9. The name helpers never return NULL, and name what they should. */
TEST(names)
{
	EXPECT_STREQ("ELF32", elf_class_str(1));
	EXPECT_STREQ("ELF64", elf_class_str(2));
	EXPECT_STREQ("invalid", elf_class_str(9));
	EXPECT_STREQ("LSB", elf_data_str(1));
	EXPECT_STREQ("MSB", elf_data_str(2));
	EXPECT_STREQ("invalid", elf_data_str(0));
	EXPECT_STREQ("EXEC", elf_type_str(2));
	EXPECT_STREQ("DYN", elf_type_str(3));
	EXPECT_STREQ("unknown", elf_type_str(0xfe00));
	EXPECT_STREQ("AArch64", elf_machine_str(183));
	EXPECT_STREQ("ARM", elf_machine_str(40));
	EXPECT_STREQ("unknown", elf_machine_str(0x7777));
	EXPECT_STREQ("static-pie", elf_link_str(ELF_LINK_STATIC_PIE));
	EXPECT_STREQ("invalid", elf_link_str((enum elf_link)99));
	EXPECT_STREQ("GNU/Linux", elf_osabi_str(3));
	EXPECT_STREQ("unknown", elf_osabi_str(200));
	EXPECT_STREQ("hard-float", elf_float_str(ELF_FLOAT_HARD));
	EXPECT_STREQ("invalid", elf_float_str((enum elf_float)42));
	EXPECT_STREQ("n32", elf_mips_abi_str(ELF_MIPS_ABI_N32));
	EXPECT_STREQ("invalid", elf_mips_abi_str((enum elf_mips_abi)42));
}

/* Every arch_table machine has a name (so elf_describe says something). */
TEST(every_arch_machine_has_a_name)
{
	size_t i;

	for (i = 0; i < arch_count; i++)
		EXPECT_STRNE("unknown", elf_machine_str(arch_table[i].machine))
			TH_LOG("%s", arch_table[i].name);
}

/* 10. The memory reader behaves like pread. */
TEST(mem_reader)
{
	static const char data[] = "0123456789";
	struct bshim_mem mem = { data, 10 };
	char buf[16];

	EXPECT_EQ(4, bshim_mem_read(&mem, 0, buf, 4));
	EXPECT_EQ(0, memcmp(buf, "0123", 4));
	EXPECT_EQ(3, bshim_mem_read(&mem, 7, buf, 8));
	EXPECT_EQ(0, memcmp(buf, "789", 3));
	EXPECT_EQ(0, bshim_mem_read(&mem, 10, buf, 8));
	EXPECT_EQ(0, bshim_mem_read(&mem, UINT64_MAX, buf, 8));
	EXPECT_EQ(0, bshim_mem_read(&mem, 3, buf, 0));
	EXPECT_EQ(-EINVAL, bshim_mem_read(NULL, 0, buf, 8));
}

TEST_HARNESS_MAIN
