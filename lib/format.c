// SPDX-License-Identifier: GPL-2.0
/*
 * What is this file, when it is not an ELF we can run? The first bytes of
 * a file classified: Mach-O (thin and fat), PE/COFF, #! scripts, Java class
 * files, WebAssembly, and ELF (only recognised here; lib/elf.c has the
 * details). Used by the shim and `binfmt-shim explain` to say "this is a
 * macOS binary" instead of "exec format error".
 *
 * Pure: no I/O, no allocation. Every field is read byte by byte in the
 * format's own byte order and every offset is checked against len first.
 * Each format is one probe function in the probes[] table, tried in order;
 * the magic numbers do not overlap except 0xCAFEBABE (see probe_cafebabe).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[1] << 8 | p[0]); }

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/* ---- Mach-O ----------------------------------------------------------- */

/*
 * <mach-o/loader.h> (Apple cctools / XNU EXTERNAL_HEADERS): mach_header is
 * magic, cputype, cpusubtype, filetype, ncmds, sizeofcmds, flags (28 bytes;
 * mach_header_64 adds a reserved word). MH_CIGAM* are the byte-swapped
 * magics, i.e. a file written in the other byte order.
 */
#define MH_MAGIC	0xfeedfaceu
#define MH_CIGAM	0xcefaedfeu
#define MH_MAGIC_64	0xfeedfacfu
#define MH_CIGAM_64	0xcffaedfeu
#define MACH_HEADER_SIZE 28

/* <mach-o/fat.h>: fat_header {magic, nfat_arch} then nfat_arch fat_arch
 * {cputype, cpusubtype, offset, size, align} (20 bytes) or fat_arch_64
 * {cputype, cpusubtype, offset64, size64, align, reserved} (32 bytes),
 * always big-endian on disk. */
#define FAT_MAGIC	0xcafebabeu
#define FAT_MAGIC_64	0xcafebabfu
#define FAT_HEADER_SIZE	8
#define FAT_ARCH_SIZE	20
#define FAT_ARCH64_SIZE	32

/*
 * 0xCAFEBABE is also the magic of a Java class file. file(1)'s
 * Magdir/cafebabe tells them apart by the big-endian word at offset 4:
 * nfat_arch in a fat header (a handful of architectures: file calls it fat
 * below 20), minor_version << 16 | major_version in a class file, where
 * the first class format was major 45 (JDK 1.0.2), so the word is >= 45.
 * file(1) says "compiled Java class data" above 30; we do the same.
 */
#define FAT_NARCH_MAX	30
#define JAVA_MAJOR_MIN	45

/* <mach/machine.h> */
#define CPU_ARCH_ABI64		0x01000000u
#define CPU_ARCH_ABI64_32	0x02000000u
#define CPU_SUBTYPE_MASK	0xff000000u	/* capability bits */

static const struct {
	uint32_t cputype;
	const char *name;
} macho_cpus[] = {
	{ 1, "vax" },				/* CPU_TYPE_VAX */
	{ 6, "m68k" },				/* CPU_TYPE_MC680x0 */
	{ 7, "i386" },				/* CPU_TYPE_X86 */
	{ 7 | CPU_ARCH_ABI64, "x86_64" },	/* CPU_TYPE_X86_64 */
	{ 10, "mc98000" },			/* CPU_TYPE_MC98000 */
	{ 11, "hppa" },				/* CPU_TYPE_HPPA */
	{ 12, "arm" },				/* CPU_TYPE_ARM */
	{ 12 | CPU_ARCH_ABI64, "arm64" },	/* CPU_TYPE_ARM64 */
	{ 12 | CPU_ARCH_ABI64_32, "arm64_32" },	/* CPU_TYPE_ARM64_32 (watchOS) */
	{ 13, "mc88000" },			/* CPU_TYPE_MC88000 */
	{ 14, "sparc" },			/* CPU_TYPE_SPARC */
	{ 15, "i860" },				/* CPU_TYPE_I860 */
	{ 18, "ppc" },				/* CPU_TYPE_POWERPC */
	{ 18 | CPU_ARCH_ABI64, "ppc64" },	/* CPU_TYPE_POWERPC64 */
};

/* Subtypes worth naming because tools name them (lipo, file). */
static const struct {
	uint32_t cputype, cpusubtype;
	const char *name;
} macho_subtypes[] = {
	{ 12 | CPU_ARCH_ABI64, 2, "arm64e" },	/* CPU_SUBTYPE_ARM64E */
	{ 7 | CPU_ARCH_ABI64, 8, "x86_64h" },	/* CPU_SUBTYPE_X86_64_H */
};

/* <mach-o/loader.h> MH_OBJECT .. MH_FILESET, in words. */
static const char *const macho_filetypes[] = {
	[1] = "object file",			/* MH_OBJECT */
	[2] = "executable",			/* MH_EXECUTE */
	[3] = "fixed VM shared library",	/* MH_FVMLIB */
	[4] = "core file",			/* MH_CORE */
	[5] = "preloaded executable",		/* MH_PRELOAD */
	[6] = "dynamically linked shared library", /* MH_DYLIB */
	[7] = "dynamic linker",			/* MH_DYLINKER */
	[8] = "bundle",				/* MH_BUNDLE */
	[9] = "shared library stub",		/* MH_DYLIB_STUB */
	[10] = "dSYM companion file",		/* MH_DSYM */
	[11] = "kext bundle",			/* MH_KEXT_BUNDLE */
	[12] = "file set",			/* MH_FILESET */
};

const char *macho_cpu_name(uint32_t cputype)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(macho_cpus); i++)
		if (macho_cpus[i].cputype == cputype)
			return macho_cpus[i].name;
	return "unknown";
}

static void macho_arch_name(struct format_info *fi)
{
	uint32_t sub = fi->macho.cpusubtype & ~CPU_SUBTYPE_MASK;
	const char *name = macho_cpu_name(fi->macho.cputype);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(macho_subtypes); i++)
		if (macho_subtypes[i].cputype == fi->macho.cputype &&
		    macho_subtypes[i].cpusubtype == sub)
			name = macho_subtypes[i].name;
	snprintf(fi->arch_name, sizeof(fi->arch_name), "%s", name);
}

static bool probe_macho(const uint8_t *b, size_t len, struct format_info *fi)
{
	uint32_t (*rd32)(const uint8_t *);
	uint32_t m;

	if (len < MACH_HEADER_SIZE)
		return false;
	m = be32(b);
	if (m != MH_MAGIC && m != MH_CIGAM && m != MH_MAGIC_64 && m != MH_CIGAM_64)
		return false;
	fi->macho.big_endian = m == MH_MAGIC || m == MH_MAGIC_64;
	fi->macho.is64 = m == MH_MAGIC_64 || m == MH_CIGAM_64;
	rd32 = fi->macho.big_endian ? be32 : le32;
	fi->macho.cputype = rd32(b + 4);
	fi->macho.cpusubtype = rd32(b + 8);
	fi->macho.filetype = rd32(b + 12);
	macho_arch_name(fi);
	return true;
}

static bool probe_fat(const uint8_t *b, size_t len, struct format_info *fi,
		      size_t archsz)
{
	uint32_t n = be32(b + 4), i;

	/* At least one slice must be inside the buffer to say anything. */
	if (n == 0 || n > FAT_NARCH_MAX || len < FAT_HEADER_SIZE + archsz)
		return false;
	fi->macho.fat_total = n;
	for (i = 0; i < n && i < FORMAT_MACHO_MAX_ARCHS; i++) {
		if ((len - FAT_HEADER_SIZE) / archsz < i + 1)
			break;
		fi->macho.fat_cputype[i] = be32(b + FAT_HEADER_SIZE + i * archsz);
	}
	fi->macho.fat_count = i;
	fi->macho.big_endian = true;
	fi->macho.cputype = be32(b + FAT_HEADER_SIZE);
	fi->macho.cpusubtype = be32(b + FAT_HEADER_SIZE + 4);
	fi->macho.is64 = (fi->macho.cputype & CPU_ARCH_ABI64) != 0;
	macho_arch_name(fi);
	return true;
}

static bool probe_java(const uint8_t *b, size_t len, struct format_info *fi)
{
	/* ClassFile: magic u4, minor_version u2, major_version u2 (JVMS 4.1) */
	uint16_t major = be16(b + 6);

	if (len < 8 || major < JAVA_MAJOR_MIN)
		return false;
	fi->java_major = major;
	fi->java_minor = be16(b + 4);
	/* JVMS table 4.1-A: 45 = JDK 1.0.2/1.1, 46..48 = 1.2..1.4, then
	 * major 49 = Java 5, and one major per release since. */
	if (major <= 48)
		snprintf(fi->arch_name, sizeof(fi->arch_name), "Java 1.%u",
			 major - 44u);
	else
		snprintf(fi->arch_name, sizeof(fi->arch_name), "Java %u",
			 major - 44u);
	return true;
}

static bool probe_cafebabe(const uint8_t *b, size_t len, struct format_info *fi)
{
	if (len < 8)
		return false;
	if (be32(b) == FAT_MAGIC_64)
		return probe_fat(b, len, fi, FAT_ARCH64_SIZE);
	if (be32(b) != FAT_MAGIC)
		return false;
	if (be32(b + 4) <= FAT_NARCH_MAX)
		return probe_fat(b, len, fi, FAT_ARCH_SIZE);
	if (probe_java(b, len, fi)) {
		fi->format = FMT_JAVA;
		return true;
	}
	return false;
}

/* ---- PE/COFF ---------------------------------------------------------- */

/*
 * Microsoft "PE Format" (learn.microsoft.com/windows/win32/debug/pe-format):
 * an MS-DOS stub starting "MZ" whose e_lfanew (offset 0x3c, LE32) points at
 * "PE\0\0" followed by the 20-byte COFF header (Machine, NumberOfSections,
 * TimeDateStamp, PointerToSymbolTable, NumberOfSymbols,
 * SizeOfOptionalHeader, Characteristics), then the optional header whose
 * magic is 0x10b (PE32) or 0x20b (PE32+) and whose Subsystem field sits at
 * offset 68 in both.
 */
#define DOS_LFANEW_OFF	0x3c
#define PE_SIG_SIZE	4
#define COFF_SIZE	20
#define OPT_MAGIC_PE32	0x10b
#define OPT_MAGIC_PE32P	0x20b
#define OPT_SUBSYS_OFF	68
#define IMAGE_FILE_DLL	0x2000

static const struct {
	uint16_t machine;
	const char *name;
} pe_machines[] = {	/* "Machine Types" in the PE Format document */
	{ 0x014c, "i386" },		{ 0x8664, "x86-64" },
	{ 0xaa64, "arm64" },		{ 0xa641, "arm64ec" },
	{ 0xa64e, "arm64x" },		{ 0x01c0, "arm" },
	{ 0x01c4, "armnt" },		{ 0x01c2, "thumb" },
	{ 0x5032, "riscv32" },		{ 0x5064, "riscv64" },
	{ 0x5128, "riscv128" },		{ 0x6232, "loongarch32" },
	{ 0x6264, "loongarch64" },	{ 0x0200, "ia64" },
	{ 0x0184, "alpha" },		{ 0x0284, "alpha64" },
	{ 0x01f0, "powerpc" },		{ 0x01f1, "powerpcfp" },
	{ 0x0162, "mips-r3000" },	{ 0x0166, "mips-r4000" },
	{ 0x0168, "mips-r10000" },	{ 0x0169, "wcemipsv2" },
	{ 0x0266, "mips16" },		{ 0x0366, "mipsfpu" },
	{ 0x0466, "mipsfpu16" },	{ 0x01a2, "sh3" },
	{ 0x01a3, "sh3dsp" },		{ 0x01a6, "sh4" },
	{ 0x01a8, "sh5" },		{ 0x01d3, "am33" },
	{ 0x9041, "m32r" },		{ 0x0ebc, "ebc" },
};

/* Optional header Subsystem values (same document, "Windows Subsystem"). */
static const char *const pe_subsystems[] = {
	[1] = "native", [2] = "GUI", [3] = "console", [5] = "OS/2 console",
	[7] = "POSIX console", [8] = "Win9x driver", [9] = "Windows CE GUI",
	[10] = "EFI application", [11] = "EFI boot service driver",
	[12] = "EFI runtime driver", [13] = "EFI ROM", [14] = "Xbox",
	[16] = "boot application",
};

const char *pe_machine_name(uint16_t machine)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pe_machines); i++)
		if (pe_machines[i].machine == machine)
			return pe_machines[i].name;
	return "unknown";
}

static bool probe_pe(const uint8_t *b, size_t len, struct format_info *fi)
{
	const uint8_t *pe, *opt;
	uint32_t lfanew;
	uint16_t optsz;

	if (len < 2 || b[0] != 'M' || b[1] != 'Z')
		return false;
	fi->pe.dos_only = true;
	if (len < DOS_LFANEW_OFF + 4)
		return true;
	lfanew = le32(b + DOS_LFANEW_OFF);
	if (lfanew > len || len - lfanew < PE_SIG_SIZE + COFF_SIZE)
		return true;
	pe = b + lfanew;
	if (memcmp(pe, "PE\0\0", PE_SIG_SIZE) != 0)
		return true;
	fi->pe.dos_only = false;
	fi->pe.machine = le16(pe + 4);
	optsz = le16(pe + 20);
	fi->pe.characteristics = le16(pe + 22);
	snprintf(fi->arch_name, sizeof(fi->arch_name), "%s",
		 pe_machine_name(fi->pe.machine));

	/* The optional header: only what lies in both optsz and the buffer. */
	opt = pe + PE_SIG_SIZE + COFF_SIZE;
	if (optsz > (size_t)(b + len - opt))
		optsz = (uint16_t)(b + len - opt);
	if (optsz >= 2)
		fi->pe.pe32plus = le16(opt) == OPT_MAGIC_PE32P;
	if (optsz >= OPT_SUBSYS_OFF + 2 &&
	    (le16(opt) == OPT_MAGIC_PE32 || le16(opt) == OPT_MAGIC_PE32P))
		fi->pe.subsystem = le16(opt + OPT_SUBSYS_OFF);
	return true;
}

/* ---- #! scripts ------------------------------------------------------- */

static bool spacetab(uint8_t c) { return c == ' ' || c == '\t'; }

/* Copy [s, e) as a C string, control bytes shown as '?' (the result ends
 * up in diagnostics on a terminal). Returns false when it did not fit. */
static bool copy_clean(char *dst, size_t dlen, const uint8_t *s, const uint8_t *e)
{
	size_t n = 0;

	for (; s < e && n + 1 < dlen; s++)
		dst[n++] = (*s < 0x20 || *s == 0x7f) ? '?' : (char)*s;
	dst[n] = '\0';
	return s == e;
}

/*
 * Split the #! line the way fs/binfmt_script.c does: the line ends at the
 * first '\n' (or NUL, which ends the kernel's C string); trailing spaces
 * and tabs are dropped; the interpreter is the first word after #! and
 * leading spaces/tabs; everything after it, trimmed, is ONE argument. A
 * "\r" before the newline belongs to the line for the kernel ("/bin/sh\r":
 * the classic "bad interpreter"), so it is reported as crlf and left out.
 */
static bool probe_script(const uint8_t *b, size_t len, struct format_info *fi)
{
	const uint8_t *end = b + len, *p, *name, *sep;

	if (len < 2 || b[0] != '#' || b[1] != '!')
		return false;
	for (p = b + 2; p < end && *p != '\n' && *p != '\0'; p++)
		;
	fi->script.truncated = p == end;
	if (p < end && *p == '\n' && p > b + 2 && p[-1] == '\r') {
		fi->script.crlf = true;
		p--;
	}
	end = p;
	while (end > b + 2 && spacetab(end[-1]))
		end--;
	for (name = b + 2; name < end && spacetab(*name); name++)
		;
	for (sep = name; sep < end && !spacetab(*sep); sep++)
		;
	if (!copy_clean(fi->script.interp, sizeof(fi->script.interp), name, sep))
		fi->script.truncated = true;
	while (sep < end && spacetab(*sep))
		sep++;
	if (!copy_clean(fi->script.arg, sizeof(fi->script.arg), sep, end))
		fi->script.truncated = true;
	snprintf(fi->arch_name, sizeof(fi->arch_name), "script");
	return true;
}

/* ---- WebAssembly, ELF ------------------------------------------------- */

/* WebAssembly Core Specification 5.5.16 "Modules": magic "\0asm", then a
 * LE32 version (1). The component model keeps the magic and splits the
 * word into a LE16 version and a LE16 layer, layer 1 = component. */
static bool probe_wasm(const uint8_t *b, size_t len, struct format_info *fi)
{
	if (len < 8 || memcmp(b, "\0asm", 4) != 0)
		return false;
	fi->wasm_version = le32(b + 4);
	snprintf(fi->arch_name, sizeof(fi->arch_name), "wasm");
	return true;
}

/* Recognised, with the raw e_ident class/data and e_type/e_machine (gABI
 * ELF header: e_ident[16], e_type at 16, e_machine at 18, in EI_DATA byte
 * order); lib/elf.c probes the rest. */
static bool probe_elf(const uint8_t *b, size_t len, struct format_info *fi)
{
	if (len < 4 || memcmp(b, "\x7f" "ELF", 4) != 0)
		return false;
	if (len >= 6) {
		fi->elf.elf_class = b[4];
		fi->elf.elf_data = b[5];
	}
	if (len >= 20 && (b[5] == 1 || b[5] == 2)) {
		fi->elf.type = b[5] == 2 ? be16(b + 16) : le16(b + 16);
		fi->elf.machine = b[5] == 2 ? be16(b + 18) : le16(b + 18);
	}
	return true;
}

/* ---- the table -------------------------------------------------------- */

static const struct {
	enum file_format format;
	bool (*probe)(const uint8_t *b, size_t len, struct format_info *fi);
} probes[] = {
	{ FMT_ELF, probe_elf },
	{ FMT_MACHO, probe_macho },
	{ FMT_MACHO, probe_cafebabe },	/* or FMT_JAVA: it says so */
	{ FMT_PE, probe_pe },
	{ FMT_WASM, probe_wasm },
	{ FMT_SCRIPT, probe_script },
};

int format_probe(const void *buf, size_t len, struct format_info *out)
{
	const uint8_t *b = buf;
	size_t i;

	if (!out || (!buf && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->head_len = len < sizeof(out->head) ? len : sizeof(out->head);
	if (out->head_len)
		memcpy(out->head, b, out->head_len);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		if (probes[i].probe(b, len, out)) {
			if (out->format == FMT_UNKNOWN)
				out->format = probes[i].format;
			return 0;
		}
		/* A probe that declined may have filled fields: start over. */
		memset(out, 0, offsetof(struct format_info, head));
		memset(out->arch_name, 0, sizeof(out->arch_name));
	}
	out->format = FMT_UNKNOWN;
	return 0;
}

static const char *const format_names[] = {
	[FMT_UNKNOWN] = "unknown", [FMT_ELF] = "elf", [FMT_MACHO] = "macho",
	[FMT_PE] = "pe", [FMT_SCRIPT] = "script", [FMT_JAVA] = "java",
	[FMT_WASM] = "wasm",
};

const char *format_name(enum file_format f)
{
	if ((unsigned)f >= ARRAY_SIZE(format_names) || !format_names[f])
		return "unknown";
	return format_names[f];
}

int format_hex_head(const struct format_info *fi, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	if (!fi || !buf || len == 0)
		return -ENOSPC;
	for (i = 0; i < fi->head_len && i < sizeof(fi->head); i++) {
		if (n + 2 >= len) {
			buf[n] = '\0';
			return -ENOSPC;
		}
		buf[n++] = hex[fi->head[i] >> 4];
		buf[n++] = hex[fi->head[i] & 15];
	}
	buf[n] = '\0';
	return (int)n;
}


/* ---- one line in words ------------------------------------------------ */

struct out {
	char *buf;
	size_t len, n;
	bool overflow;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	r = vsnprintf(o->buf + o->n, o->len - o->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= o->len - o->n) {
		o->overflow = true;
		return;
	}
	o->n += (size_t)r;
}

static const char *const elf_types[] = {	/* gABI e_type ET_NONE..ET_CORE */
	"file", "relocatable", "executable", "shared object", "core file",
};

static void describe_elf(const struct format_info *fi, struct out *o)
{
	put(o, "ELF");
	if (fi->elf.elf_class == 1 || fi->elf.elf_class == 2)
		put(o, " %s-bit", fi->elf.elf_class == 1 ? "32" : "64");
	if (fi->elf.elf_data == 1 || fi->elf.elf_data == 2)
		put(o, " %s", fi->elf.elf_data == 1 ? "LSB" : "MSB");
	put(o, " %s", fi->elf.type < ARRAY_SIZE(elf_types) ?
	    elf_types[fi->elf.type] : "file");
	if (fi->elf.machine)
		put(o, ", e_machine %u", fi->elf.machine);
}

static void describe_macho(const struct format_info *fi, struct out *o)
{
	uint32_t i, ft = fi->macho.filetype;

	if (fi->macho.fat_count) {
		put(o, "Mach-O universal binary with %u architecture%s:",
		    fi->macho.fat_total, fi->macho.fat_total == 1 ? "" : "s");
		for (i = 0; i < fi->macho.fat_count; i++)
			put(o, "%s %s", i ? "," : "",
			    macho_cpu_name(fi->macho.fat_cputype[i]));
		if (fi->macho.fat_total > fi->macho.fat_count)
			put(o, ", ...");
	} else {
		put(o, "Mach-O %s-bit %s %s", fi->macho.is64 ? "64" : "32",
		    fi->arch_name,
		    ft < ARRAY_SIZE(macho_filetypes) && macho_filetypes[ft] ?
		    macho_filetypes[ft] : "file");
	}
	put(o, " (a macOS binary)");
}

static void describe_pe(const struct format_info *fi, struct out *o)
{
	uint16_t ss = fi->pe.subsystem;
	bool dll = fi->pe.characteristics & IMAGE_FILE_DLL;
	bool efi = ss >= 10 && ss <= 13;

	if (fi->pe.dos_only) {
		put(o, "MS-DOS MZ executable (no PE header in the bytes read)");
		return;
	}
	put(o, "%s %s %s", fi->pe.pe32plus ? "PE32+" : "PE32",
	    dll ? "DLL" : "executable", fi->arch_name);
	if (fi->pe.machine && !strcmp(fi->arch_name, "unknown"))
		put(o, " (machine 0x%04x)", fi->pe.machine);
	if (ss < ARRAY_SIZE(pe_subsystems) && pe_subsystems[ss])
		put(o, ", %s", pe_subsystems[ss]);
	put(o, " (%s)", efi ? "a UEFI program" :
	    dll ? "a Windows library" : "a Windows program");
}

static void describe_script(const struct format_info *fi, struct out *o)
{
	if (!fi->script.interp[0])
		put(o, "script with an empty #! line");
	else
		put(o, "script for %s", fi->script.interp);
	if (fi->script.arg[0])
		put(o, " with argument \"%s\"", fi->script.arg);
	if (fi->script.crlf)
		put(o, " with DOS line endings (CRLF)");
	if (fi->script.truncated)
		put(o, ", #! line truncated");
}

static void describe_wasm(const struct format_info *fi, struct out *o)
{
	uint32_t v = fi->wasm_version;

	if (v >> 16 == 1)
		put(o, "WebAssembly component, version 0x%x", v & 0xffff);
	else
		put(o, "WebAssembly binary module, version %u", v);
}

int format_describe(const struct format_info *fi, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };
	char hex[2 * sizeof(fi->head) + 1];

	if (!fi || !buf || len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	switch (fi->format) {
	case FMT_ELF:
		describe_elf(fi, &o);
		break;
	case FMT_MACHO:
		describe_macho(fi, &o);
		break;
	case FMT_PE:
		describe_pe(fi, &o);
		break;
	case FMT_SCRIPT:
		describe_script(fi, &o);
		break;
	case FMT_JAVA:
		put(&o, "Java class file, version %u.%u (%s)", fi->java_major,
		    fi->java_minor, fi->arch_name);
		break;
	case FMT_WASM:
		describe_wasm(fi, &o);
		break;
	default:
		if (!fi->head_len) {
			put(&o, "empty file");
			break;
		}
		format_hex_head(fi, hex, sizeof(hex));
		put(&o, "unknown format, first bytes %s", hex);
		break;
	}
	if (o.overflow) {
		buf[len - 1] = '\0';
		return -ENOSPC;
	}
	return (int)o.n;
}
