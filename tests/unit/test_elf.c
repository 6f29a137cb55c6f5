// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF probe over hand-made headers: every arch_table row, the ABI
 * details users trip on, link kinds, every reason code, truncation at every
 * byte, the name helpers and the memory reader. Each image is written byte
 * by byte from the table fields (tests/unit/elf_img.h), in the class and
 * byte order under test. elf_describe and elf_find_section:
 * tests/unit/test_elf_sections.c.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "elf_img.h"

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
	MU_INTERP_HIGH_CUT, MU_INTERP_LONG_PATH, MU_TABLE_CUT_AFTER_BAD_INTERP,
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
	/* No 64 KiB cap (qemu reads them all): past the end of this file. */
	{ "ELF32 2049 phdrs", 1, 1, MU_PHNUM, 2049, ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "PN_XNUM", 2, 2, MU_PHNUM, 0xffff, ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "phoff past EOF", 2, 1, MU_PHOFF, 0x100000, ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "phoff wraps", 2, 1, MU_PHOFF, UINT64_MAX - 8,
	  ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "ELF32 phoff near 4G", 1, 2, MU_PHOFF, 0xfffffff0,
	  ELF_ERR_PHDRS_OUT_OF_RANGE },
	/* Inside qemu's zero-filled first KiB: PT_INTERP's p_filesz reads 0. */
	{ "phdrs cut by EOF in the first KiB", 2, 1, MU_LEN, PHOFF + 56 + 20,
	  ELF_ERR_INTERP_UNTERMINATED },
	{ "phdrs past the first KiB and EOF", 2, 1, MU_PHOFF, 1000,
	  ELF_ERR_PHDRS_OUT_OF_RANGE },
	/* 40 entries, the file ends after 34: the table is read whole before
	 * any entry counts (qemu), so not the unterminated PT_INTERP first */
	{ "table cut after a bad PT_INTERP", 2, 1, MU_TABLE_CUT_AFTER_BAD_INTERP, 40,
	  ELF_ERR_PHDRS_OUT_OF_RANGE },
	{ "interp past EOF", 2, 1, MU_INTERP_OFF, 0x100000,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "interp offset wraps", 2, 2, MU_INTERP_OFF, UINT64_MAX - 4,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "interp past the first KiB cut by EOF", 1, 1, MU_INTERP_HIGH_CUT, 5,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "interp no NUL", 2, 1, MU_INTERP_NUL, 0, ELF_ERR_INTERP_UNTERMINATED },
	{ "interp size 0", 1, 2, MU_INTERP_SZ, 0, ELF_ERR_INTERP_UNTERMINATED },
	{ "interp size PATH_MAX + 1 past EOF", 2, 1, MU_INTERP_SZ, 4097,
	  ELF_ERR_INTERP_OUT_OF_RANGE },
	{ "interp path of PATH_MAX bytes", 2, 1, MU_INTERP_LONG_PATH, 4096,
	  ELF_ERR_INTERP_TOO_LONG },
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
		case MU_INTERP_HIGH_CUT:
			mk(&m, c->cls, c->data, 2, 183, 0);
			add_phdr(&m, PT_LOAD, 0, 0x100);
			add_interp(&m, 0x800, "/lib/ld-linux-aarch64.so.1");
			m.len = 0x800 + c->val;
			break;
		case MU_TABLE_CUT_AFTER_BAD_INTERP:
			m.b[0x200 + strlen("/lib/ld-linux-aarch64.so.1")] = 'x';
			wn(&m, fo(&m, F_PHNUM), c->val, 2);
			m.len = PHOFF + 34 * esz;
			break;
		case MU_INTERP_LONG_PATH:
			/* c->val bytes of path, then its NUL */
			ww(&m, PHOFF + esz + (c->cls == 2 ? 8 : 4), 0x800);
			ww(&m, PHOFF + esz + (c->cls == 2 ? 32 : 16), c->val + 1);
			memset(m.b + 0x800, 'a', c->val);
			m.b[0x800 + c->val] = '\0';
			m.len = 0x800 + c->val + 1;
			break;
		}
		mem.buf = m.b;
		mem.len = m.len;
		memset(&ei, 0x5a, sizeof(ei));
		r = elf_probe(m.b, m.len < 64 ? m.len : 64, rd, &mem, &ei);
		EXPECT_EQ(-EINVAL, r) TH_LOG("%s", c->what);
		EXPECT_EQ(c->want, ei.reason) TH_LOG("%s: got %s", c->what,
						     elf_reason_str(ei.reason));
		EXPECT_STRNE("unknown reason", elf_reason_str(ei.reason));
		/* A header cut after e_machine still names the machine. */
		if (c->want == ELF_ERR_TRUNCATED_HEADER)
			EXPECT_EQ(183, ei.machine) TH_LOG("%s", c->what);
		seen[ei.reason] = true;
	}
	for (i = 1; i < ELF_REASON_MAX; i++)
		if (i != ELF_ERR_TOO_MANY_PHDRS)	/* no longer returned */
			EXPECT_TRUE(seen[i]) TH_LOG("no case for reason %zu (%s)", i,
						    elf_reason_str(i));
	EXPECT_STREQ("unknown reason", elf_reason_str(ELF_REASON_MAX));
}

/*
 * 4b. Files qemu-user runs that the kernel would refuse (lib/elf.c: the
 * probe follows qemu's loader): each must probe to 0 with these fields.
 */
enum qemu_shape { Q_PHDRS_OVER_64K, Q_LONG_INTERP_SEGMENT, Q_CUT_IN_INTERP,
		  Q_PHDRS_CUT_IN_FIRST_KIB };

struct qemu_case {
	const char *what;
	unsigned cls, data;
	enum qemu_shape shape;
	unsigned phnum;			/* out: e_phnum */
	enum elf_link link;		/* out */
	const char *interp;		/* out */
};

static const struct qemu_case qemu_cases[] = {
	/* 2049 ELF32 entries = 65568 bytes: over the kernel's 64 KiB */
	{ "ELF32 2049 phdrs in the file", 1, 1, Q_PHDRS_OVER_64K, 2049,
	  ELF_LINK_STATIC, "" },
	{ "ELF64 1171 phdrs in the file", 2, 2, Q_PHDRS_OVER_64K, 1171,
	  ELF_LINK_STATIC, "" },
	/* PT_INTERP p_filesz 5000 (> PATH_MAX), path "/lib/ld.so.1" */
	{ "PT_INTERP segment longer than PATH_MAX", 2, 1, Q_LONG_INTERP_SEGMENT, 2,
	  ELF_LINK_DYNAMIC, "/lib/ld.so.1" },
	/* the file ends 5 bytes into the path at 0x200 */
	{ "file ends inside the path, first KiB", 1, 2, Q_CUT_IN_INTERP, 2,
	  ELF_LINK_DYNAMIC, "/lib/" },
	/* phnum 3, the file ends after the second entry: the third is zeros */
	{ "third phdr past EOF, first KiB", 2, 1, Q_PHDRS_CUT_IN_FIRST_KIB, 3,
	  ELF_LINK_DYNAMIC, "/lib/ld.so.1" },
};

TEST(what_qemu_runs_probes)
{
	static unsigned char big[2049 * 32 + 4096];
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(qemu_cases); i++) {
		const struct qemu_case *c = &qemu_cases[i];
		size_t esz = c->cls == 2 ? 56 : 32;
		struct bshim_mem mem;
		struct elf_info ei;
		struct img m;

		mk(&m, c->cls, c->data, 2, 183, 0);
		add_phdr(&m, PT_LOAD, 0, 0x100);
		switch (c->shape) {
		case Q_PHDRS_OVER_64K:
			memset(big, 0, sizeof(big));
			memcpy(big, m.b, m.len);
			wn(&m, fo(&m, F_PHNUM), c->phnum, 2);
			memcpy(big, m.b, PHOFF);
			mem.buf = big;
			mem.len = PHOFF + c->phnum * esz;
			break;
		case Q_LONG_INTERP_SEGMENT:
			add_interp(&m, 0x200, "/lib/ld.so.1");
			ww(&m, PHOFF + esz + (c->cls == 2 ? 32 : 16), 5000);
			m.len = 0x200 + 5000;
			break;
		case Q_CUT_IN_INTERP:
			add_interp(&m, 0x200, "/lib/ld-linux-aarch64.so.1");
			m.len = 0x200 + 5;
			break;
		case Q_PHDRS_CUT_IN_FIRST_KIB: {
			/* path at 0x40, table at 0x80: LOAD, INTERP and a
			 * third entry the file ends before */
			size_t t = 0x80, po = c->cls == 2 ? 8 : 4, ps = c->cls == 2 ? 32 : 16;

			add_interp(&m, 0x200, "/lib/ld.so.1");
			memmove(m.b + t, m.b + PHOFF, 2 * esz);
			put(&m, 0x40, "/lib/ld.so.1", 13);
			ww(&m, fo(&m, F_PHOFF), t);
			wn(&m, fo(&m, F_PHNUM), 3, 2);
			ww(&m, t + esz + po, 0x40);
			ww(&m, t + esz + ps, 13);
			m.len = t + 2 * esz;
			break;
		}
		}
		if (c->shape != Q_PHDRS_OVER_64K) {
			mem.buf = m.b;
			mem.len = m.len;
		}
		memset(&ei, 0x5a, sizeof(ei));
		r = elf_probe(mem.buf, 64, bshim_mem_read, &mem, &ei);
		EXPECT_EQ(0, r) TH_LOG("%s: %s", c->what, elf_reason_str(ei.reason));
		if (r)
			continue;
		EXPECT_EQ(c->phnum, ei.phnum) TH_LOG("%s", c->what);
		EXPECT_EQ(c->link, ei.link) TH_LOG("%s", c->what);
		EXPECT_STREQ(c->interp, ei.interp) TH_LOG("%s", c->what);
	}
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
				/* Inside the ELF header: must fail. */
				if (n < (cls == 2 ? 64u : 52u))
					EXPECT_EQ(-EINVAL, r) TH_LOG("len %zu", n);
				/* Inside the interp path, in qemu's zero-filled
				 * first KiB: the path as far as the file goes. */
				if (n >= 0x200 && n < 0x200 + 25) {
					EXPECT_EQ(0, r) TH_LOG("len %zu", n);
					EXPECT_EQ(n - 0x200, strlen(ei.interp));
				}
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


/* 7. The name helpers never return NULL, and name what they should. */
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

/* 8. The memory reader behaves like pread. */
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
