// SPDX-License-Identifier: GPL-2.0
/*
 * Printable names for ELF header fields and the file(1)-style one-line
 * description of a probed file (lib/elf.c fills struct elf_info). Pure.
 */
#include <errno.h>
#include <string.h>

#include "elf.h"

#define EM_ARM		40	/* glibc <elf.h> */

/* Printable names. */
struct name16 {
	uint16_t v;
	const char *s;
};

static const char *lookup(const struct name16 *t, size_t n, unsigned v,
			  const char *dflt)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].s;
	return dflt;
}

#define LOOKUP(t, v, d) lookup(t, sizeof(t) / sizeof(t[0]), v, d)

/* EM_* from glibc <elf.h>, worded like file(1)'s Magdir/elf where short. */
static const struct name16 machines[] = {
	{ 0, "no machine" }, { 2, "SPARC" }, { 3, "Intel 80386" },
	{ 4, "Motorola m68k" }, { 8, "MIPS" }, { 15, "PA-RISC" },
	{ 18, "SPARC32PLUS" }, { 20, "PowerPC" }, { 21, "64-bit PowerPC" },
	{ 22, "IBM S/390" }, { 40, "ARM" }, { 42, "Renesas SH" },
	{ 43, "SPARC V9" }, { 50, "IA-64" }, { 62, "x86-64" },
	{ 76, "Axis cris" }, { 92, "OpenRISC" }, { 94, "Tensilica Xtensa" },
	{ 113, "Altera Nios II" }, { 164, "QUALCOMM DSP6" },
	{ 183, "AArch64" }, { 189, "Xilinx MicroBlaze" }, { 243, "RISC-V" },
	{ 247, "eBPF" }, { 258, "LoongArch" }, { 0x9026, "Alpha" },
	{ 0xbaab, "Xilinx MicroBlaze" },
};

/* ELFOSABI_* from glibc <elf.h>. */
static const struct name16 osabis[] = {
	{ 0, "SYSV" }, { 1, "HP-UX" }, { 2, "NetBSD" }, { 3, "GNU/Linux" },
	{ 6, "Solaris" }, { 7, "AIX" }, { 8, "IRIX" }, { 9, "FreeBSD" },
	{ 10, "Tru64" }, { 11, "Novell Modesto" }, { 12, "OpenBSD" },
	{ 64, "ARM EABI" }, { 97, "ARM" }, { 255, "embedded" },
};

static const struct name16 types[] = {
	{ 0, "NONE" }, { 1, "REL" }, { 2, "EXEC" }, { 3, "DYN" }, { 4, "CORE" },
};

const char *elf_machine_str(unsigned machine)
{
	return LOOKUP(machines, machine, "unknown");
}

const char *elf_osabi_str(unsigned osabi)
{
	return LOOKUP(osabis, osabi, "unknown");
}

const char *elf_type_str(unsigned type)
{
	return LOOKUP(types, type, "unknown");
}

const char *elf_class_str(unsigned elf_class)
{
	return elf_class == 1 ? "ELF32" : elf_class == 2 ? "ELF64" : "invalid";
}

const char *elf_data_str(unsigned elf_data)
{
	return elf_data == 1 ? "LSB" : elf_data == 2 ? "MSB" : "invalid";
}

const char *elf_link_str(enum elf_link link)
{
	static const char *const s[] = {
		[ELF_LINK_NONE] = "none", [ELF_LINK_STATIC] = "static",
		[ELF_LINK_DYNAMIC] = "dynamic",
		[ELF_LINK_STATIC_PIE] = "static-pie",
		[ELF_LINK_SHARED] = "shared", [ELF_LINK_UNKNOWN] = "unknown",
	};

	return (unsigned)link < sizeof(s) / sizeof(s[0]) ? s[link] : "invalid";
}

const char *elf_float_str(enum elf_float f)
{
	static const char *const s[] = {
		[ELF_FLOAT_UNKNOWN] = "unknown-float",
		[ELF_FLOAT_SOFT] = "soft-float", [ELF_FLOAT_HARD] = "hard-float",
		[ELF_FLOAT_SINGLE] = "single-float",
		[ELF_FLOAT_QUAD] = "quad-float",
	};

	return (unsigned)f < sizeof(s) / sizeof(s[0]) ? s[f] : "invalid";
}

const char *elf_mips_abi_str(enum elf_mips_abi a)
{
	static const char *const s[] = {
		[ELF_MIPS_ABI_NONE] = "", [ELF_MIPS_ABI_O32] = "o32",
		[ELF_MIPS_ABI_N32] = "n32", [ELF_MIPS_ABI_N64] = "n64",
		[ELF_MIPS_ABI_O64] = "o64", [ELF_MIPS_ABI_EABI32] = "eabi32",
		[ELF_MIPS_ABI_EABI64] = "eabi64",
	};

	return (unsigned)a < sizeof(s) / sizeof(s[0]) ? s[a] : "invalid";
}

const char *elf_reason_str(enum elf_reason r)
{
	static const char *const s[] = {
		[ELF_OK] = "ok",
		[ELF_ERR_NOT_ELF] = "not an ELF file",
		[ELF_ERR_TRUNCATED_IDENT] = "truncated ELF identification",
		[ELF_ERR_BAD_CLASS] = "invalid ELF class",
		[ELF_ERR_BAD_DATA] = "invalid ELF byte order",
		[ELF_ERR_BAD_VERSION] = "invalid ELF version",
		[ELF_ERR_TRUNCATED_HEADER] = "truncated ELF header",
		[ELF_ERR_BAD_EHSIZE] = "ELF header size too small",
		[ELF_ERR_BAD_PHENTSIZE] = "bad program header entry size",
		[ELF_ERR_TOO_MANY_PHDRS] = "too many program headers",
		[ELF_ERR_PHDRS_OUT_OF_RANGE] = "program headers out of range",
		[ELF_ERR_INTERP_OUT_OF_RANGE] = "interpreter path out of range",
		[ELF_ERR_INTERP_UNTERMINATED] = "interpreter path not NUL-terminated",
		[ELF_ERR_INTERP_TOO_LONG] = "interpreter path too long",
		[ELF_ERR_MULTIPLE_INTERP] = "more than one PT_INTERP",
		[ELF_ERR_READ] = "read error",
	};

	return (unsigned)r < sizeof(s) / sizeof(s[0]) && s[r] ? s[r]
							       : "unknown reason";
}

/* A bounded string builder: overflow is remembered, never written. */
struct sbuf {
	char *p;
	size_t len, n;
	bool full;
};

static void put(struct sbuf *b, const char *s)
{
	size_t k = strlen(s);

	if (b->full || k >= b->len - b->n) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->n, s, k + 1);
	b->n += k;
}

static void put_hex(struct sbuf *b, unsigned v)
{
	char t[12], *q = t + sizeof(t) - 1;

	*q = '\0';
	do {
		*--q = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	put(b, "0x");
	put(b, q);
}

static void put_dec(struct sbuf *b, unsigned v)
{
	char t[12], *q = t + sizeof(t) - 1;

	*q = '\0';
	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, q);
}

/* The interpreter path is the file's bytes: no control byte reaches a
 * terminal through a diagnostic; '?' stands in for each one. */
static void put_printable(struct sbuf *b, const char *s)
{
	char c[2] = { 0, 0 };

	for (; *s && !b->full; s++) {
		c[0] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
		put(b, c);
	}
}

int elf_describe(const struct elf_info *ei, char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0, false };
	const char *m = elf_machine_str(ei->machine);

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	put(&b, ei->elf_class == 2 ? "ELF 64-bit " : "ELF 32-bit ");
	put(&b, elf_data_str(ei->elf_data));
	put(&b, " ");
	if (strcmp(m, "unknown") == 0) {
		put(&b, "machine ");
		put_hex(&b, ei->machine);
	} else {
		put(&b, m);
	}
	if (ei->machine == EM_ARM) {
		/* file(1)'s words: "ARM, EABI5", "hard-float"/"soft-float" */
		if (ei->arm_eabi) {
			put(&b, " EABI");
			put_dec(&b, ei->arm_eabi);
		}
		if (ei->float_abi != ELF_FLOAT_UNKNOWN) {
			put(&b, " ");
			put(&b, elf_float_str(ei->float_abi));
		}
	} else if (ei->abi[0]) {
		put(&b, " ");
		put(&b, ei->abi);
	}
	/* SYSV and GNU/Linux both run on Linux: only others are news. */
	if (ei->osabi != 0 && ei->osabi != 3) {
		put(&b, " (");
		put(&b, elf_osabi_str(ei->osabi));
		put(&b, ")");
	}
	if (ei->link == ELF_LINK_SHARED)
		put(&b, " shared object");
	else if (ei->type == 1)
		put(&b, " relocatable");
	else if (ei->type == 4)
		put(&b, " core file");
	else if (ei->type != 2 && ei->type != 3) {
		put(&b, " type ");
		put_hex(&b, ei->type);
	}
	switch (ei->link) {
	case ELF_LINK_STATIC:
		put(&b, ", statically linked");
		break;
	case ELF_LINK_STATIC_PIE:
		put(&b, ", static-pie linked");
		break;
	case ELF_LINK_DYNAMIC:
	case ELF_LINK_SHARED:
		put(&b, ", dynamically linked");
		if (ei->interp[0]) {
			put(&b, ", interpreter ");
			put_printable(&b, ei->interp);
		}
		break;
	default:
		break;
	}
	return b.full ? -ENOSPC : (int)b.n;
}
