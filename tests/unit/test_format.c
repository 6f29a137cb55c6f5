// SPDX-License-Identifier: GPL-2.0
/*
 * The other-format probe (lib/format.c): data tables of hand-made headers
 * for every format (bytes in, fields and the one-line description out),
 * Java class vs fat Mach-O, hostile PE offsets, #! lines the way the
 * kernel splits them, and real files: a universal binary assembled from
 * the two Go darwin fixtures, the Go windows fixture, /bin/sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "format.h"
#include "goinfo.h"
#include "testlib.h"

struct bytes_case {
	const char *bytes;
	size_t len;
	enum file_format format;
	const char *arch_name;
	const char *describe;
};

#define B(s) s, sizeof(s) - 1

/* Headers: <mach-o/loader.h> mach_header{,_64}, <mach-o/fat.h>, JVMS 4.1
 * ClassFile, WebAssembly 5.5.16, gABI e_ident/e_type/e_machine. */
static const struct bytes_case cases[] = {
	/* Mach-O thin, both byte orders, both sizes */
	{ B("\xcf\xfa\xed\xfe\x0c\x00\x00\x01\x00\x00\x00\x00\x02\x00\x00\x00"
	    "\x10\x00\x00\x00\x00\x10\x00\x00\x85\x00\x20\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "arm64", "Mach-O 64-bit arm64 executable (a macOS binary)" },
	{ B("\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x06\x00\x00\x00"
	    "\x10\x00\x00\x00\x00\x10\x00\x00\x85\x00\x20\x00"),
	  FMT_MACHO, "x86_64",
	  "Mach-O 64-bit x86_64 dynamically linked shared library (a macOS binary)" },
	{ B("\xce\xfa\xed\xfe\x07\x00\x00\x00\x03\x00\x00\x00\x01\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "i386", "Mach-O 32-bit i386 object file (a macOS binary)" },
	{ B("\xfe\xed\xfa\xce\x00\x00\x00\x12\x00\x00\x00\x00\x00\x00\x00\x02"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "ppc", "Mach-O 32-bit ppc executable (a macOS binary)" },
	{ B("\xfe\xed\xfa\xcf\x01\x00\x00\x12\x00\x00\x00\x00\x00\x00\x00\x08"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "ppc64", "Mach-O 64-bit ppc64 bundle (a macOS binary)" },
	{ B("\xcf\xfa\xed\xfe\x0c\x00\x00\x01\x02\x00\x00\x80\x02\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "arm64e", "Mach-O 64-bit arm64e executable (a macOS binary)" },
	{ B("\xce\xfa\xed\xfe\x0c\x00\x00\x02\x01\x00\x00\x00\x02\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "arm64_32", "Mach-O 32-bit arm64_32 executable (a macOS binary)" },
	{ B("\xce\xfa\xed\xfe\x0c\x00\x00\x00\x09\x00\x00\x00\x02\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "arm", "Mach-O 32-bit arm executable (a macOS binary)" },
	{ B("\xcf\xfa\xed\xfe\x99\x00\x00\x00\x00\x00\x00\x00\x63\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_MACHO, "unknown", "Mach-O 64-bit unknown file (a macOS binary)" },
	/* one byte short of a mach_header */
	{ B("\xcf\xfa\xed\xfe\x0c\x00\x00\x01\x00\x00\x00\x00\x02\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  FMT_UNKNOWN, "", "unknown format, first bytes cffaedfe0c000001000000000200000" "0" },

	/* Fat: FAT_MAGIC and FAT_MAGIC_64, big-endian */
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x02"
	    "\x01\x00\x00\x07\x00\x00\x00\x03\x00\x00\x40\x00\x00\x01\x00\x00\x00\x00\x00\x0e"
	    "\x01\x00\x00\x0c\x00\x00\x00\x00\x00\x01\x80\x00\x00\x01\x00\x00\x00\x00\x00\x0e"),
	  FMT_MACHO, "x86_64",
	  "Mach-O universal binary with 2 architectures: x86_64, arm64 (a macOS binary)" },
	{ B("\xca\xfe\xba\xbf\x00\x00\x00\x01"
	    "\x01\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x40\x00"
	    "\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x0e\x00\x00\x00\x00"),
	  FMT_MACHO, "arm64",
	  "Mach-O universal binary with 1 architecture: arm64 (a macOS binary)" },
	/* nfat_arch 3, only one slice inside the buffer */
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x03"
	    "\x00\x00\x00\x12\x00\x00\x00\x00\x00\x00\x10\x00\x00\x01\x00\x00\x00\x00\x00\x0c"),
	  FMT_MACHO, "ppc", "Mach-O universal binary with 3 architectures: ppc, ... (a macOS binary)" },
	/* 0xCAFEBABE with 30 "architectures" is still fat (file(1): > 30 is Java) */
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x1e"
	    "\x00\x00\x00\x07\x00\x00\x00\x03\x00\x00\x10\x00\x00\x01\x00\x00\x00\x00\x00\x0c"),
	  FMT_MACHO, "i386", "Mach-O universal binary with 30 architectures: i386, ... (a macOS binary)" },
	/* no slice inside the buffer: nothing to say */
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x02\x01\x00\x00\x07"),
	  FMT_UNKNOWN, "", "unknown format, first bytes cafebabe0000000201000007" },
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x00\x01\x00\x00\x07\x00\x00\x00\x03"
	    "\x00\x00\x10\x00\x00\x01\x00\x00\x00\x00\x00\x0c"),
	  FMT_UNKNOWN, "", "unknown format, first bytes cafebabe000000000100000700000003" },

	/* Java class files: same magic, minor/major at 4..7 */
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x34\x00\x1d"),
	  FMT_JAVA, "Java 8", "Java class file, version 52.0 (Java 8)" },
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x41\x00\x1d"),
	  FMT_JAVA, "Java 21", "Java class file, version 65.0 (Java 21)" },
	{ B("\xca\xfe\xba\xbe\x00\x03\x00\x2d"),
	  FMT_JAVA, "Java 1.1", "Java class file, version 45.3 (Java 1.1)" },
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x2d"),
	  FMT_JAVA, "Java 1.1", "Java class file, version 45.0 (Java 1.1)" },
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x30"),
	  FMT_JAVA, "Java 1.4", "Java class file, version 48.0 (Java 1.4)" },
	{ B("\xca\xfe\xba\xbe\xff\xff\x00\x3d"),
	  FMT_JAVA, "Java 17", "Java class file, version 61.65535 (Java 17)" },
	/* > 30 but major < 45: neither */
	{ B("\xca\xfe\xba\xbe\x00\x00\x00\x1f\x00\x00"),
	  FMT_UNKNOWN, "", "unknown format, first bytes cafebabe0000001f0000" },
	{ B("\xca\xfe\xba\xbe\x00\x01\x00\x2c"),
	  FMT_UNKNOWN, "", "unknown format, first bytes cafebabe0001002c" },
	{ B("\xca\xfe\xba\xbe\x00\x00\x00"),
	  FMT_UNKNOWN, "", "unknown format, first bytes cafebabe000000" },

	/* WebAssembly */
	{ B("\0asm\x01\x00\x00\x00\x01\x04"), FMT_WASM, "wasm",
	  "WebAssembly binary module, version 1" },
	{ B("\0asm\x0d\x00\x01\x00"), FMT_WASM, "wasm",
	  "WebAssembly component, version 0xd" },
	{ B("\0asm\x01\x00\x00"), FMT_UNKNOWN, "",
	  "unknown format, first bytes 0061736d010000" },

	/* ELF: recognised, raw fields only */
	{ B("\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00"),
	  FMT_ELF, "", "ELF 64-bit LSB executable, e_machine 183" },
	{ B("\x7f" "ELF\x01\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x08"),
	  FMT_ELF, "", "ELF 32-bit MSB shared object, e_machine 8" },
	{ B("\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x3e\x00"),
	  FMT_ELF, "", "ELF 64-bit LSB core file, e_machine 62" },
	{ B("\x7f" "ELF"), FMT_ELF, "", "ELF file" },
	{ B("\x7f" "ELF\x09\x09\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00"),
	  FMT_ELF, "", "ELF file" },

	/* Unknown: the first 16 bytes in hex */
	{ B("hello world, this is text"), FMT_UNKNOWN, "",
	  "unknown format, first bytes 68656c6c6f20776f726c642c20746869" },
	{ B("\x1f\x8b\x08\x00"), FMT_UNKNOWN, "", "unknown format, first bytes 1f8b0800" },
	{ B("\x7f" "EL"), FMT_UNKNOWN, "", "unknown format, first bytes 7f454c" },
	{ B(""), FMT_UNKNOWN, "", "empty file" },
};

TEST(bytes_table)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bytes_case *c = &cases[i];
		struct format_info fi;
		char line[256];

		memset(&fi, 0x5a, sizeof(fi));
		ASSERT_EQ(0, format_probe(c->bytes, c->len, &fi)) TH_LOG("case %zu", i);
		EXPECT_EQ(c->format, fi.format) TH_LOG("case %zu: %s", i, c->describe);
		EXPECT_STREQ(c->arch_name, fi.arch_name) TH_LOG("case %zu", i);
		EXPECT_EQ(c->len < 16 ? c->len : 16, fi.head_len);
		EXPECT_EQ(0, memcmp(c->bytes, fi.head, fi.head_len));
		EXPECT_EQ((int)strlen(c->describe),
			  format_describe(&fi, line, sizeof(line))) TH_LOG("case %zu", i);
		EXPECT_STREQ(c->describe, line) TH_LOG("case %zu", i);
	}
}

TEST(macho_fields)
{
	struct format_info fi;

	ASSERT_EQ(0, format_probe(cases[3].bytes, cases[3].len, &fi));	/* ppc */
	EXPECT_TRUE(fi.macho.big_endian);
	EXPECT_FALSE(fi.macho.is64);
	EXPECT_EQ(18, fi.macho.cputype);
	EXPECT_EQ(2, fi.macho.filetype);
	EXPECT_EQ(0, fi.macho.fat_count);

	ASSERT_EQ(0, format_probe(cases[0].bytes, cases[0].len, &fi));	/* arm64 */
	EXPECT_FALSE(fi.macho.big_endian);
	EXPECT_TRUE(fi.macho.is64);
	EXPECT_EQ(0x0100000c, fi.macho.cputype);

	ASSERT_EQ(0, format_probe(cases[10].bytes, cases[10].len, &fi));	/* fat */
	EXPECT_EQ(2, fi.macho.fat_count);
	EXPECT_EQ(2, fi.macho.fat_total);
	EXPECT_EQ(0x01000007, fi.macho.fat_cputype[0]);
	EXPECT_EQ(0x0100000c, fi.macho.fat_cputype[1]);
	EXPECT_EQ(0x01000007, fi.macho.cputype);
	EXPECT_EQ(3, fi.macho.cpusubtype);
	EXPECT_TRUE(fi.macho.is64);

	ASSERT_EQ(0, format_probe(cases[12].bytes, cases[12].len, &fi));	/* 1 of 3 */
	EXPECT_EQ(1, fi.macho.fat_count);
	EXPECT_EQ(3, fi.macho.fat_total);
}

/* More slices than the struct holds: the first FORMAT_MACHO_MAX_ARCHS. */
TEST(fat_many_slices)
{
	uint8_t b[8 + 12 * 20] = { 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 12 };
	struct format_info fi;
	char line[256];
	int i;

	for (i = 0; i < 12; i++)
		b[8 + i * 20 + 3] = (uint8_t)(i % 2 ? 18 : 7);
	ASSERT_EQ(0, format_probe(b, sizeof(b), &fi));
	EXPECT_EQ(FMT_MACHO, fi.format);
	EXPECT_EQ(FORMAT_MACHO_MAX_ARCHS, fi.macho.fat_count);
	EXPECT_EQ(12, fi.macho.fat_total);
	EXPECT_EQ(18, fi.macho.fat_cputype[FORMAT_MACHO_MAX_ARCHS - 1]);
	ASSERT_LT(0, format_describe(&fi, line, sizeof(line)));
	EXPECT_STREQ("Mach-O universal binary with 12 architectures: i386, ppc, "
		     "i386, ppc, i386, ppc, i386, ppc, ... (a macOS binary)", line);
}

/* A PE image: MZ stub, e_lfanew, "PE\0\0", COFF header, optional header. */
struct pe_case {
	uint32_t lfanew;
	uint16_t machine, optsz, chars, magic, subsystem;
	size_t len;		/* bytes of the image given to the probe */
	bool dos_only, pe32plus;
	uint16_t want_subsystem;
	const char *arch_name, *describe;
};

static const struct pe_case pe_cases[] = {
	{ 0x80, 0x8664, 0xf0, 0x0022, 0x20b, 3, 0x200, false, true, 3, "x86-64",
	  "PE32+ executable x86-64, console (a Windows program)" },
	{ 0x80, 0x014c, 0xe0, 0x0102, 0x10b, 2, 0x200, false, false, 2, "i386",
	  "PE32 executable i386, GUI (a Windows program)" },
	{ 0x40, 0xaa64, 0xf0, 0x2022, 0x20b, 2, 0x200, false, true, 2, "arm64",
	  "PE32+ DLL arm64, GUI (a Windows library)" },
	{ 0x40, 0x5064, 0xf0, 0x0206, 0x20b, 10, 0x200, false, true, 10, "riscv64",
	  "PE32+ executable riscv64, EFI application (a UEFI program)" },
	{ 0x80, 0x01c4, 0xe0, 0x0102, 0x10b, 9, 0x200, false, false, 9, "armnt",
	  "PE32 executable armnt, Windows CE GUI (a Windows program)" },
	{ 0x80, 0x01c0, 0xe0, 0x0102, 0x10b, 3, 0x200, false, false, 3, "arm",
	  "PE32 executable arm, console (a Windows program)" },
	{ 0x80, 0x6264, 0xf0, 0x0022, 0x20b, 11, 0x200, false, true, 11, "loongarch64",
	  "PE32+ executable loongarch64, EFI boot service driver (a UEFI program)" },
	{ 0x80, 0x1234, 0xe0, 0x0102, 0x10b, 3, 0x200, false, false, 3, "unknown",
	  "PE32 executable unknown (machine 0x1234), console (a Windows program)" },
	/* no optional header: neither PE32+ nor a subsystem */
	{ 0x80, 0x8664, 0, 0x0022, 0x20b, 3, 0x200, false, false, 0, "x86-64",
	  "PE32 executable x86-64 (a Windows program)" },
	/* optional header cut by the end of the buffer before Subsystem */
	{ 0x80, 0x8664, 0xf0, 0x0022, 0x20b, 3, 0x80 + 24 + 60, false, true, 0,
	  "x86-64", "PE32+ executable x86-64 (a Windows program)" },
	/* optional header magic neither 0x10b nor 0x20b: no subsystem */
	{ 0x80, 0x8664, 0xf0, 0x0022, 0x107, 3, 0x200, false, false, 0, "x86-64",
	  "PE32 executable x86-64 (a Windows program)" },
	/* PE header past the buffer, at the very end, or nowhere */
	{ 0x180, 0x8664, 0xf0, 0x0022, 0x20b, 3, 0x180, true, false, 0, "",
	  "MS-DOS MZ executable (no PE header in the bytes read)" },
	{ 0x80, 0x8664, 0xf0, 0x0022, 0x20b, 3, 0x80 + 23, true, false, 0, "",
	  "MS-DOS MZ executable (no PE header in the bytes read)" },
	{ 0xffffffff, 0x8664, 0xf0, 0x0022, 0x20b, 3, 0x200, true, false, 0, "",
	  "MS-DOS MZ executable (no PE header in the bytes read)" },
	{ 0xfffffff0, 0x8664, 0xf0, 0x0022, 0x20b, 3, 0x200, true, false, 0, "",
	  "MS-DOS MZ executable (no PE header in the bytes read)" },
	{ 0x80, 0x8664, 0xf0, 0x0022, 0x20b, 3, 0x3f, true, false, 0, "",
	  "MS-DOS MZ executable (no PE header in the bytes read)" },
	{ 0x80, 0x8664, 0xf0, 0x0022, 0x20b, 3, 2, true, false, 0, "",
	  "MS-DOS MZ executable (no PE header in the bytes read)" },
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

TEST(pe_table)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pe_cases); i++) {
		const struct pe_case *c = &pe_cases[i];
		uint8_t img[0x200];
		struct format_info fi;
		char line[256];

		memset(img, 0, sizeof(img));
		img[0] = 'M';
		img[1] = 'Z';
		put32(img + 0x3c, c->lfanew);
		if (c->lfanew < 0x100) {
			uint8_t *pe = img + c->lfanew;

			memcpy(pe, "PE\0\0", 4);
			put16(pe + 4, c->machine);
			put16(pe + 6, 3);		/* NumberOfSections */
			put16(pe + 20, c->optsz);
			put16(pe + 22, c->chars);
			put16(pe + 24, c->magic);
			put16(pe + 24 + 68, c->subsystem);
		}
		ASSERT_EQ(0, format_probe(img, c->len, &fi));
		EXPECT_EQ(FMT_PE, fi.format) TH_LOG("case %zu", i);
		EXPECT_EQ(c->dos_only, fi.pe.dos_only) TH_LOG("case %zu", i);
		EXPECT_EQ(c->pe32plus, fi.pe.pe32plus) TH_LOG("case %zu", i);
		EXPECT_EQ(c->want_subsystem, fi.pe.subsystem) TH_LOG("case %zu", i);
		EXPECT_EQ(c->dos_only ? 0 : c->machine, fi.pe.machine);
		EXPECT_STREQ(c->arch_name, fi.arch_name) TH_LOG("case %zu", i);
		ASSERT_LT(0, format_describe(&fi, line, sizeof(line)));
		EXPECT_STREQ(c->describe, line) TH_LOG("case %zu", i);
	}
}

TEST(pe_bad_signature)
{
	uint8_t img[0x100] = { 'M', 'Z' };
	struct format_info fi;

	put32(img + 0x3c, 0x40);
	memcpy(img + 0x40, "PE\0\1", 4);
	ASSERT_EQ(0, format_probe(img, sizeof(img), &fi));
	EXPECT_EQ(FMT_PE, fi.format);
	EXPECT_TRUE(fi.pe.dos_only);
	memcpy(img + 0x40, "NE\0\0", 4);	/* 16-bit Windows */
	ASSERT_EQ(0, format_probe(img, sizeof(img), &fi));
	EXPECT_TRUE(fi.pe.dos_only);
}

/* #! lines, split as fs/binfmt_script.c does. */
struct script_case {
	const char *bytes;
	size_t len;
	const char *interp, *arg;
	bool crlf, truncated;
	const char *describe;
};

static const struct script_case script_cases[] = {
	{ B("#!/bin/sh\necho hi\n"), "/bin/sh", "", false, false, "script for /bin/sh" },
	{ B("#!/bin/sh\r\necho hi\r\n"), "/bin/sh", "", true, false,
	  "script for /bin/sh with DOS line endings (CRLF)" },
	{ B("#! /usr/bin/env  python3 -u \nprint()\n"), "/usr/bin/env", "python3 -u",
	  false, false, "script for /usr/bin/env with argument \"python3 -u\"" },
	{ B("#!/usr/bin/perl -w\r\n"), "/usr/bin/perl", "-w", true, false,
	  "script for /usr/bin/perl with argument \"-w\" with DOS line endings (CRLF)" },
	{ B("#!\t/bin/bash\t-e\t\n"), "/bin/bash", "-e", false, false,
	  "script for /bin/bash with argument \"-e\"" },
	{ B("#!/bin/bash"), "/bin/bash", "", false, true,
	  "script for /bin/bash, #! line truncated" },
	{ B("#!/bin/sh -x\r"), "/bin/sh", "-x?", false, true,
	  "script for /bin/sh with argument \"-x?\", #! line truncated" },
	{ B("#!\n"), "", "", false, false, "script with an empty #! line" },
	{ B("#!"), "", "", false, true, "script with an empty #! line, #! line truncated" },
	{ B("#!   \t \r\n"), "", "", true, false,
	  "script with an empty #! line with DOS line endings (CRLF)" },
	{ B("#!\r\n"), "", "", true, false,
	  "script with an empty #! line with DOS line endings (CRLF)" },
	{ B("#!/bin/sh\x1b[2J\n"), "/bin/sh?[2J", "", false, false,
	  "script for /bin/sh?[2J" },
	{ B("#!/bin/\0sh\n"), "/bin/", "", false, false, "script for /bin/" },
	{ B("#!/bin/sh \xe2\x82\xac\n"), "/bin/sh", "\xe2\x82\xac", false, false,
	  "script for /bin/sh with argument \"\xe2\x82\xac\"" },
};

TEST(script_table)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(script_cases); i++) {
		const struct script_case *c = &script_cases[i];
		struct format_info fi;
		char line[256];

		ASSERT_EQ(0, format_probe(c->bytes, c->len, &fi));
		EXPECT_EQ(FMT_SCRIPT, fi.format) TH_LOG("case %zu", i);
		EXPECT_STREQ(c->interp, fi.script.interp) TH_LOG("case %zu", i);
		EXPECT_STREQ(c->arg, fi.script.arg) TH_LOG("case %zu", i);
		EXPECT_EQ(c->crlf, fi.script.crlf) TH_LOG("case %zu", i);
		EXPECT_EQ(c->truncated, fi.script.truncated) TH_LOG("case %zu", i);
		ASSERT_LT(0, format_describe(&fi, line, sizeof(line)));
		EXPECT_STREQ(c->describe, line) TH_LOG("case %zu", i);
	}
}

/* Longer than the fields: cut, NUL-terminated, flagged truncated. */
TEST(script_long_line)
{
	char b[1024];
	struct format_info fi;

	memset(b, 'a', sizeof(b));
	b[0] = '#';
	b[1] = '!';
	b[400] = ' ';
	b[1000] = '\n';
	ASSERT_EQ(0, format_probe(b, sizeof(b), &fi));
	EXPECT_EQ(FMT_SCRIPT, fi.format);
	EXPECT_EQ(FORMAT_INTERP_MAX - 1, strlen(fi.script.interp));
	EXPECT_EQ(FORMAT_INTERP_MAX - 1, strlen(fi.script.arg));
	EXPECT_TRUE(fi.script.truncated);
	EXPECT_FALSE(fi.script.crlf);
}

TEST(names_and_hex)
{
	static const struct { enum file_format f; const char *name; } names[] = {
		{ FMT_UNKNOWN, "unknown" }, { FMT_ELF, "elf" }, { FMT_MACHO, "macho" },
		{ FMT_PE, "pe" }, { FMT_SCRIPT, "script" }, { FMT_JAVA, "java" },
		{ FMT_WASM, "wasm" }, { (enum file_format)99, "unknown" },
		{ (enum file_format)-1, "unknown" },
	};
	struct format_info fi;
	char hex[40];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_STREQ(names[i].name, format_name(names[i].f));
	EXPECT_STREQ("x86_64", macho_cpu_name(0x01000007));
	EXPECT_STREQ("arm64", macho_cpu_name(0x0100000c));
	EXPECT_STREQ("unknown", macho_cpu_name(0));
	EXPECT_STREQ("x86-64", pe_machine_name(0x8664));
	EXPECT_STREQ("riscv64", pe_machine_name(0x5064));
	EXPECT_STREQ("unknown", pe_machine_name(0));

	ASSERT_EQ(0, format_probe("\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00"
				  "\x00\x00\x00\x00\xff\xff", 18, &fi));
	EXPECT_EQ(32, format_hex_head(&fi, hex, sizeof(hex)));
	EXPECT_STREQ("7f454c46020101000000000000000000", hex);
	EXPECT_EQ(32, format_hex_head(&fi, hex, 33));
	EXPECT_EQ(-ENOSPC, format_hex_head(&fi, hex, 32));
	EXPECT_STREQ("7f454c460201010000000000000000", hex);
	EXPECT_EQ(-ENOSPC, format_hex_head(&fi, hex, 1));
	EXPECT_STREQ("", hex);
	EXPECT_EQ(-ENOSPC, format_hex_head(&fi, hex, 0));
	ASSERT_EQ(0, format_probe(NULL, 0, &fi));
	EXPECT_EQ(0, format_hex_head(&fi, hex, sizeof(hex)));
	EXPECT_EQ(-EINVAL, format_probe(NULL, 1, &fi));
	EXPECT_EQ(-EINVAL, format_probe("x", 1, NULL));
}

/* Every buffer size: -ENOSPC until it fits, always NUL-terminated, never
 * a byte past len (ASan watches the heap copy). */
TEST(describe_every_size)
{
	struct format_info fi;
	char full[256];
	size_t i, len;
	int n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, format_probe(cases[i].bytes, cases[i].len, &fi));
		n = format_describe(&fi, full, sizeof(full));
		ASSERT_LT(0, n);
		for (len = 1; len <= (size_t)n + 1; len++) {
			char *buf = malloc(len);
			int r;

			ASSERT_NE(NULL, buf);
			r = format_describe(&fi, buf, len);
			if (len <= (size_t)n) {
				EXPECT_EQ(-ENOSPC, r);
				EXPECT_EQ(0, strncmp(buf, full, strlen(buf)));
			} else {
				EXPECT_EQ(n, r);
				EXPECT_STREQ(full, buf);
			}
			EXPECT_LT(strlen(buf), len);
			free(buf);
		}
		EXPECT_EQ(-ENOSPC, format_describe(&fi, full, 0));
	}
}

static long mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct bshim_mem *m = ctx;

	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = m->len - off;
	memcpy(buf, (const uint8_t *)m->buf + off, len);
	return (long)len;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *b;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(b = malloc((size_t)st.st_size + 1)) ||
	    read(fd, b, (size_t)st.st_size) != st.st_size) {
		close(fd);
		return NULL;
	}
	close(fd);
	*len = (size_t)st.st_size;
	return b;
}

/*
 * A universal binary assembled like lipo does from the two real Go darwin
 * fixtures (fat_header + 2 fat_arch, slices at 16 KiB boundaries), then
 * probed: format_probe sees both slices, go_probe_scan finds the first
 * slice's build info. The Windows fixture is a PE32+ x86-64 program.
 */
TEST(real_go_darwin_fat_and_windows)
{
	char p1[4096], p2[4096], p3[4096], line[256];
	size_t l1, l2, l3, o1 = 0x4000, o2, total;
	uint8_t *s1, *s2, *s3, *fat;
	struct format_info fi;
	struct go_info gi;
	struct bshim_mem m;

	tl_fixture("go/darwin-amd64", p1, sizeof(p1));
	tl_fixture("go/darwin-arm64", p2, sizeof(p2));
	tl_fixture("go/windows-amd64.exe", p3, sizeof(p3));
	if (!tl_have(p1) || !tl_have(p2) || !tl_have(p3))
		SKIP(return, "Go fixtures missing: run `make fixtures` (needs golang-go)");
	s1 = slurp(p1, &l1);
	s2 = slurp(p2, &l2);
	s3 = slurp(p3, &l3);
	ASSERT_TRUE(s1 && s2 && s3);

	o2 = (o1 + l1 + 0x3fff) & ~(size_t)0x3fff;
	total = o2 + l2;
	fat = calloc(1, total);
	ASSERT_NE(NULL, fat);
	memcpy(fat, "\xca\xfe\xba\xbe\x00\x00\x00\x02", 8);
	memcpy(fat + 8, s1 + 4, 8);		/* cputype, cpusubtype: LE in */
	memcpy(fat + 28, s2 + 4, 8);		/* the slice, BE in fat_arch */
	for (int k = 0; k < 2; k++) {
		uint8_t *a = fat + 8 + 20 * k, t;

		t = a[0]; a[0] = a[3]; a[3] = t; t = a[1]; a[1] = a[2]; a[2] = t;
		t = a[4]; a[4] = a[7]; a[7] = t; t = a[5]; a[5] = a[6]; a[6] = t;
		a[8] = (uint8_t)((k ? o2 : o1) >> 24); a[9] = (uint8_t)((k ? o2 : o1) >> 16);
		a[10] = (uint8_t)((k ? o2 : o1) >> 8); a[11] = (uint8_t)(k ? o2 : o1);
		a[19] = 14;			/* align 2^14 */
	}
	memcpy(fat + o1, s1, l1);
	memcpy(fat + o2, s2, l2);

	ASSERT_EQ(0, format_probe(fat, 4096, &fi));
	EXPECT_EQ(FMT_MACHO, fi.format);
	EXPECT_EQ(2, fi.macho.fat_count);
	EXPECT_STREQ("x86_64", fi.arch_name);
	ASSERT_LT(0, format_describe(&fi, line, sizeof(line)));
	EXPECT_STREQ("Mach-O universal binary with 2 architectures: x86_64, arm64 "
		     "(a macOS binary)", line);
	m.buf = fat;
	m.len = total;
	ASSERT_EQ(0, go_probe_scan(mem_read, &m, total, total, &gi));
	EXPECT_STREQ("darwin", gi.goos);
	EXPECT_STREQ("amd64", gi.goarch);
	/* Only the arm64 slice: its own build info. */
	m.buf = fat + o2;
	m.len = l2;
	ASSERT_EQ(0, go_probe_scan(mem_read, &m, l2, l2, &gi));
	EXPECT_STREQ("arm64", gi.goarch);
	EXPECT_STREQ("darwin", gi.goos);

	ASSERT_EQ(0, format_probe(s3, l3 < 4096 ? l3 : 4096, &fi));
	EXPECT_EQ(FMT_PE, fi.format);
	EXPECT_STREQ("x86-64", fi.arch_name);
	m.buf = s3;
	m.len = l3;
	ASSERT_EQ(0, go_probe_scan(mem_read, &m, l3, l3, &gi));
	EXPECT_STREQ("windows", gi.goos);
	EXPECT_STREQ("amd64", gi.goarch);
	free(fat);
	free(s1);
	free(s2);
	free(s3);
}

/* Real files of this system: an ELF and a script of this tree. */
TEST(real_system_files)
{
	char line[256];
	struct format_info fi;
	uint8_t *b;
	size_t len;

	b = slurp("/bin/sh", &len);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, format_probe(b, len < 256 ? len : 256, &fi));
	EXPECT_EQ(FMT_ELF, fi.format);
	EXPECT_EQ(2, fi.elf.elf_class);
	free(b);

	b = slurp(BSHIM_TOP "/scripts/run-tests", &len);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, format_probe(b, len < 256 ? len : 256, &fi));
	EXPECT_EQ(FMT_SCRIPT, fi.format);
	EXPECT_STREQ("/usr/bin/env", fi.script.interp);
	EXPECT_STREQ("bash", fi.script.arg);
	ASSERT_LT(0, format_describe(&fi, line, sizeof(line)));
	EXPECT_STREQ("script for /usr/bin/env with argument \"bash\"", line);
	free(b);
}

TEST_HARNESS_MAIN
