// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel module's classifier (kernel/classify.c, compiled unchanged in
 * userspace), on the host: bytes in, format/arch/hint out, for hosts the
 * VM test cannot boot (aarch64 with and without compat, s390x). The VM
 * test (tests/kernel/) checks the same lines end to end on x86_64.
 */
#include <string.h>

#include "kselftest_harness.h"

#include "../../kernel/classify.c"

struct kcase {
	const char *name;
	unsigned char b[80];
	size_t len;
	const char *host;	/* QEMU name of the running kernel */
	bool compat32;
	enum bshim_fmt fmt;
	const char *arch, *hint;
};

/* ELF header prefix: magic, class, data, version, then e_type/e_machine. */
#define E64L(t, m) { 0x7f, 'E', 'L', 'F', 2, 1, 1, [16] = (t), [18] = (m) & 0xff, (m) >> 8 }
#define E64B(t, m) { 0x7f, 'E', 'L', 'F', 2, 2, 1, [17] = (t), [18] = (m) >> 8, (m) & 0xff }
#define E32L(t, m) { 0x7f, 'E', 'L', 'F', 1, 1, 1, [16] = (t), [18] = (m) & 0xff, (m) >> 8 }

static const struct kcase cases[] = {
	{ "aarch64 on x86_64", E64L(2, 183), 64, "x86_64", true, BSHIM_FMT_ELF,
	  "aarch64", "run 'binfmt-shim register aarch64'" },
	{ "x86_64 on aarch64", E64L(2, 62), 64, "aarch64", true, BSHIM_FMT_ELF,
	  "x86_64", "ELF 64-bit LSB x86_64" },
	{ "s390x big-endian", E64B(3, 22), 64, "x86_64", true, BSHIM_FMT_ELF,
	  "s390x", "ELF 64-bit MSB s390x" },
	{ "arm on aarch64 with compat", E32L(2, 40), 52, "aarch64", true,
	  BSHIM_FMT_ELF, "arm", "although it has arm compat" },
	{ "arm on aarch64 without compat", E32L(2, 40), 52, "aarch64", false,
	  BSHIM_FMT_ELF, "arm", "no arm compat support (CONFIG_COMPAT)" },
	{ "i386 on x86_64 without IA32", E32L(2, 3), 52, "x86_64", false,
	  BSHIM_FMT_ELF, "i386", "CONFIG_IA32_EMULATION" },
	{ "i386 on s390x: just foreign", E32L(2, 3), 52, "s390x", true,
	  BSHIM_FMT_ELF, "i386", "binfmt-shim register i386" },
	{ "x32 on x86_64", E32L(2, 62), 52, "x86_64", true, BSHIM_FMT_ELF,
	  "x32", "syscall.x32=y" },
	{ "x32 on aarch64: unknown machine", E32L(2, 62), 52, "aarch64", true,
	  BSHIM_FMT_ELF, "em_0x3e", "no QEMU target" },
	{ "native damaged", E64L(3, 62), 64, "x86_64", true, BSHIM_FMT_ELF,
	  "x86_64", "native x86_64" },
	{ "ET_REL foreign", E64L(1, 243), 64, "x86_64", true, BSHIM_FMT_ELF,
	  "riscv64", "ET_REL" },
	{ "ET_CORE", E64L(4, 62), 64, "x86_64", true, BSHIM_FMT_ELF, "x86_64",
	  "ET_CORE" },
	{ "ET_NONE", E64L(0, 62), 64, "x86_64", true, BSHIM_FMT_ELF,
	  "x86_64", "ELF type 0 is not a program" },
	{ "truncated ELF", { 0x7f, 'E', 'L', 'F', 2, 1 }, 6, "x86_64", true,
	  BSHIM_FMT_ELF, "none", "truncated ELF header (6 bytes)" },
	{ "bad class", { 0x7f, 'E', 'L', 'F', 9, 1, [19] = 0 }, 20, "x86_64",
	  true, BSHIM_FMT_ELF, "none", "class 9, data 1" },
	{ "Mach-O LE arm64", { 0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 1 }, 8,
	  "x86_64", true, BSHIM_FMT_MACHO, "aarch64", "build it for linux/x86_64" },
	{ "Mach-O BE ppc", { 0xfe, 0xed, 0xfa, 0xce, 0, 0, 0, 18 }, 8,
	  "aarch64", true, BSHIM_FMT_MACHO, "ppc", "linux/aarch64" },
	{ "Mach-O odd cpu", { 0xcf, 0xfa, 0xed, 0xfe, 0x99, 0, 0, 0 }, 8,
	  "x86_64", true, BSHIM_FMT_MACHO, "cpu_0x99", "macOS" },
	{ "fat, 2 slices", { 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, 1, 0, 0, 12 }, 12,
	  "x86_64", true, BSHIM_FMT_MACHO, "aarch64", "macOS" },
	{ "Java class", { 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61 }, 8, "x86_64",
	  true, BSHIM_FMT_UNKNOWN, "none", "Java class" },
	{ "PE arm64", { 'M', 'Z', [0x3c] = 0x40, [0x40] = 'P', 'E', 0, 0, 0x64, 0xaa },
	  0x48, "x86_64", true, BSHIM_FMT_PE, "aarch64", "Windows" },
	{ "PE unknown machine", { 'M', 'Z', [0x3c] = 0x40, [0x40] = 'P', 'E', 0, 0, 0x34, 0x12 },
	  0x48, "x86_64", true, BSHIM_FMT_PE, "pe_0x1234", "Windows" },
	{ "MZ, e_lfanew past the buffer", { 'M', 'Z', [0x3c] = 0xff, 0xff }, 0x40,
	  "x86_64", true, BSHIM_FMT_PE, "none", "DOS or Windows" },
	{ "MZ, short", { 'M', 'Z' }, 2, "x86_64", true, BSHIM_FMT_PE, "none",
	  "DOS" },
	{ "garbage", { 0, 1, 2, 3, 0xde, 0xad, 0xbe, 0xef, 9 }, 9, "x86_64", true,
	  BSHIM_FMT_UNKNOWN, "none", "first bytes 00 01 02 03 de ad be ef" },
	{ "text", "make: all\n", 10, "x86_64", true, BSHIM_FMT_UNKNOWN, "none",
	  "no #! line" },
	{ "#! with no interpreter", "#!\n", 3, "x86_64", true,
	  BSHIM_FMT_UNKNOWN, "none", "names no usable interpreter" },
	{ "two bytes", { 0xff, 0xfe }, 2, "x86_64", true, BSHIM_FMT_UNKNOWN,
	  "none", "first bytes ff fe" },
	{ "empty", { 0 }, 0, "x86_64", true, BSHIM_FMT_UNKNOWN, "none",
	  "empty file" },
};

static struct bshim_host host_named(const char *name, bool compat32)
{
	struct bshim_host h = { .compat32 = compat32 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(karch_table); i++)
		if (!strcmp(karch_table[i].name, name))
			h.arch = &karch_table[i];
	return h;
}

TEST(classify_table)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct kcase *c = &cases[i];
		struct bshim_host h = host_named(c->host, c->compat32);
		struct bshim_verdict v;

		ASSERT_NE(NULL, h.arch) TH_LOG("%s", c->host);
		EXPECT_EQ(c->fmt, bshim_classify(c->b, c->len, &h, &v))
			TH_LOG("%s", c->name);
		EXPECT_EQ(c->fmt, v.fmt) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->arch, v.arch) TH_LOG("%s", c->name);
		EXPECT_NE(NULL, strstr(v.hint, c->hint))
			TH_LOG("%s: hint=%s", c->name, v.hint);
	}
}

TEST(host_rows_come_from_the_shared_table)
{
	/* What the module finds from <asm/elf.h>'s ELF_CLASS/DATA/ARCH. */
	EXPECT_STREQ("x86_64", bshim_arch_by_elf(2, 1, 62, 0)->name);
	EXPECT_STREQ("aarch64", bshim_arch_by_elf(2, 1, 183, 0)->name);
	EXPECT_STREQ("s390x", bshim_arch_by_elf(2, 2, 22, 0)->name);
	EXPECT_STREQ("mips64el", bshim_arch_by_elf(2, 1, 8, 0)->name);
	EXPECT_STREQ("mipsn32", bshim_arch_by_elf(1, 2, 8, 0x20)->name);
	EXPECT_STREQ("microblaze", bshim_arch_by_elf(1, 2, 0xbaab, 0)->name);
	EXPECT_EQ(NULL, bshim_arch_by_elf(1, 1, 62, 0));
	EXPECT_STREQ("elf", bshim_fmt_name(BSHIM_FMT_ELF));
	EXPECT_STREQ("script", bshim_fmt_name(BSHIM_FMT_SCRIPT));
	EXPECT_STREQ("unknown", bshim_fmt_name(BSHIM_FMT_COUNT));
}

struct crlf_case {
	const char *script, *interp;	/* interp NULL: no hint */
	size_t cap;
};

TEST(crlf_interpreter)
{
	static const struct crlf_case cases2[] = {
		{ "#!/bin/sh\r\necho\r\n", "/bin/sh\r", 64 },
		{ "#! /usr/bin/env\r\n", "/usr/bin/env\r", 64 },
		{ "#!/bin/sh\necho\r\n", NULL, 64 },		/* LF line */
		{ "#!/bin/sh -e\r\n", NULL, 64 },		/* CR in the argument */
		{ "#!/bin/sh\r", NULL, 64 },			/* no newline: truncated */
		{ "#!\r\n", "\r", 64 },			/* binfmt_script's name is "\r" */
		{ "#!/bin/sh\r\n", NULL, 8 },			/* does not fit */
		{ "#/bin/sh\r\n", NULL, 64 },
	};
	char buf[64];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(cases2); i++) {
		const struct crlf_case *c = &cases2[i];

		n = bshim_crlf_interp((const unsigned char *)c->script,
				      strlen(c->script), buf, c->cap);
		if (!c->interp) {
			EXPECT_EQ(0, n) TH_LOG("%zu: got %s", i, buf);
			continue;
		}
		ASSERT_EQ(strlen(c->interp), n) TH_LOG("%zu", i);
		EXPECT_STREQ(c->interp, buf);
	}
}

TEST_HARNESS_MAIN
