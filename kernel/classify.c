// SPDX-License-Identifier: GPL-2.0
/*
 * Classify a file no binfmt handler accepted, from its first bytes.
 *
 * Pure and shared: built into binfmt_shim.ko and, unchanged, into the
 * userspace fuzz target tests/fuzz/fuzz_kclassify.c. Every read is bounds
 * checked against len; every table is data, not code.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdio.h>
#include <string.h>
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif

#include "classify.h"

/* elf.h: e_ident[] indices and values, e_type values, e_machine. */
#define EI_CLASS_OFF	4
#define EI_DATA_OFF	5
#define E_TYPE_OFF	16
#define E_MACHINE_OFF	18
#define E_FLAGS_OFF32	36	/* offsetof(Elf32_Ehdr, e_flags) */
#define E_FLAGS_OFF64	48	/* offsetof(Elf64_Ehdr, e_flags) */
#define K_ELFCLASS32	1
#define K_ELFCLASS64	2
#define K_ELFDATA2LSB	1
#define K_ELFDATA2MSB	2
#define K_ET_REL	1
#define K_ET_EXEC	2
#define K_ET_DYN	3
#define K_ET_CORE	4
#define K_EM_X86_64	62

/* The shared table (lib/arch_table.h), reduced to what the kernel needs. */
#define ARCH(n, c, d, m, malt, fm, fv, fam, deb, trip, al)		\
	{ .name = #n, .elf_class = c, .elf_data = d, .machine = m,	\
	  .machine_alt = malt, .flags_mask = fm, .flags_value = fv,	\
	  .family = fam },

static const struct bshim_karch karch_table[] = {
#include "../lib/arch_table.h"
};

#undef ARCH

const struct bshim_karch *bshim_arch_by_elf(unsigned int elf_class,
					    unsigned int elf_data,
					    unsigned int machine,
					    unsigned int flags)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(karch_table); i++) {
		const struct bshim_karch *a = &karch_table[i];

		if (a->elf_class != elf_class || a->elf_data != elf_data)
			continue;
		if (a->machine != machine &&
		    !(a->machine_alt && a->machine_alt == machine))
			continue;
		if ((flags & a->flags_mask) != a->flags_value)
			continue;
		return a;
	}
	return NULL;
}

static const char *const fmt_names[BSHIM_FMT_COUNT] = {
	[BSHIM_FMT_ELF] = "elf",
	[BSHIM_FMT_MACHO] = "macho",
	[BSHIM_FMT_PE] = "pe",
	[BSHIM_FMT_UNKNOWN] = "unknown",
	[BSHIM_FMT_SCRIPT] = "script",
};

const char *bshim_fmt_name(enum bshim_fmt fmt)
{
	return (unsigned int)fmt < BSHIM_FMT_COUNT ? fmt_names[fmt] : "unknown";
}

static unsigned int rd16(const unsigned char *p, bool be)
{
	return be ? (unsigned int)p[0] << 8 | p[1] : (unsigned int)p[1] << 8 | p[0];
}

static unsigned int rd32(const unsigned char *p, bool be)
{
	return be ? (unsigned int)p[0] << 24 | (unsigned int)p[1] << 16 |
		    (unsigned int)p[2] << 8 | p[3] :
		    (unsigned int)p[3] << 24 | (unsigned int)p[2] << 16 |
		    (unsigned int)p[1] << 8 | p[0];
}

static enum bshim_fmt verdict(struct bshim_verdict *out, enum bshim_fmt fmt,
			      const char *arch)
{
	out->fmt = fmt;
	snprintf(out->arch, sizeof(out->arch), "%s", arch);
	return fmt;
}

/* A host-family ELF the kernel refused, or one that is no program at all. */
static enum bshim_fmt elf_refused(const struct bshim_karch *a,
				  unsigned int type, unsigned int machine,
				  int bits, const struct bshim_host *host,
				  struct bshim_verdict *out)
{
	const char *hname = host->arch->name;
	bool x86;

	if (type == K_ET_REL) {
		snprintf(out->hint, sizeof(out->hint),
			 "relocatable object (ET_REL), not a program: link it first");
		return BSHIM_FMT_ELF;
	}
	if (type == K_ET_CORE) {
		snprintf(out->hint, sizeof(out->hint),
			 "core dump (ET_CORE), not a program: open it with gdb");
		return BSHIM_FMT_ELF;
	}
	if (type != K_ET_EXEC && type != K_ET_DYN) {
		snprintf(out->hint, sizeof(out->hint),
			 "ELF type %u is not a program (not ET_EXEC or ET_DYN)",
			 type);
		return BSHIM_FMT_ELF;
	}
	/*
	 * x32: an ELFCLASS32 file with EM_X86_64, which binfmt_elf's compat
	 * loader only takes when x32 is on (compat_elf_check_arch() in
	 * arch/x86/include/asm/elf.h; Debian builds it in but disabled).
	 */
	if (!a && bits == 32 && machine == K_EM_X86_64 &&
	    host->arch->machine == K_EM_X86_64) {
		verdict(out, BSHIM_FMT_ELF, "x32");
		snprintf(out->hint, sizeof(out->hint),
			 "x32 ABI program: this kernel runs no x32 code (CONFIG_X86_X32_ABI; Debian: boot with syscall.x32=y)");
		return BSHIM_FMT_ELF;
	}
	if (!a)
		return BSHIM_FMT_COUNT;	/* not host family: the caller goes on */
	if (a == host->arch) {
		snprintf(out->hint, sizeof(out->hint),
			 "the kernel refused this native %s program: truncated or damaged (program headers, interpreter)",
			 hname);
		return BSHIM_FMT_ELF;
	}
	if (!a->family[0] || strcmp(a->family, host->arch->family))
		return BSHIM_FMT_COUNT;
	/* x86 has its own switches: CONFIG_IA32_EMULATION, ia32_emulation= (6.7+). */
	x86 = !strcmp(a->family, "x86");
	if (host->compat32)
		snprintf(out->hint, sizeof(out->hint),
			 "the kernel refused this %s program although it has %s compat support: damaged file%s",
			 a->name, a->name,
			 x86 ? ", or ia32_emulation=0 on the kernel command line" : "");
	else
		snprintf(out->hint, sizeof(out->hint),
			 "this kernel has no %s compat support (%s): run 'binfmt-shim register %s'",
			 a->name, x86 ? "CONFIG_IA32_EMULATION" : "CONFIG_COMPAT",
			 a->name);
	return BSHIM_FMT_ELF;
}

static enum bshim_fmt classify_elf(const unsigned char *buf, size_t len,
				   const struct bshim_host *host,
				   struct bshim_verdict *out)
{
	const struct bshim_karch *a;
	unsigned int cls, data, type, machine, flags = 0;
	size_t foff;
	bool be;
	int bits;

	verdict(out, BSHIM_FMT_ELF, "none");
	if (len < E_MACHINE_OFF + 2) {
		snprintf(out->hint, sizeof(out->hint),
			 "truncated ELF header (%zu bytes)", len);
		return BSHIM_FMT_ELF;
	}
	cls = buf[EI_CLASS_OFF];
	data = buf[EI_DATA_OFF];
	if ((cls != K_ELFCLASS32 && cls != K_ELFCLASS64) ||
	    (data != K_ELFDATA2LSB && data != K_ELFDATA2MSB)) {
		snprintf(out->hint, sizeof(out->hint),
			 "damaged ELF header (class %u, data %u)", cls, data);
		return BSHIM_FMT_ELF;
	}
	be = data == K_ELFDATA2MSB;
	bits = cls == K_ELFCLASS64 ? 64 : 32;
	type = rd16(buf + E_TYPE_OFF, be);
	machine = rd16(buf + E_MACHINE_OFF, be);
	foff = cls == K_ELFCLASS64 ? E_FLAGS_OFF64 : E_FLAGS_OFF32;
	if (len >= foff + 4)
		flags = rd32(buf + foff, be);

	a = bshim_arch_by_elf(cls, data, machine, flags);
	if (a)
		verdict(out, BSHIM_FMT_ELF, a->name);
	else
		snprintf(out->arch, sizeof(out->arch), "em_0x%x", machine);

	if (elf_refused(a, type, machine, bits, host, out) != BSHIM_FMT_COUNT)
		return BSHIM_FMT_ELF;
	if (a)
		snprintf(out->hint, sizeof(out->hint),
			 "ELF %d-bit %s %s program, no enabled binfmt_misc entry matches it: run 'binfmt-shim register %s'",
			 bits, be ? "MSB" : "LSB", a->name, a->name);
	else
		snprintf(out->hint, sizeof(out->hint),
			 "ELF %d-bit %s for machine %u, which no QEMU target runs",
			 bits, be ? "MSB" : "LSB", machine);
	return BSHIM_FMT_ELF;
}

/*
 * Mach-O and PE CPU numbers to QEMU names: <mach-o/machine.h> CPU_TYPE_*
 * (CPU_ARCH_ABI64 is 0x01000000) and winnt.h IMAGE_FILE_MACHINE_*.
 */
struct cpu_name {
	unsigned int cpu;
	const char *name;
};

static const struct cpu_name macho_cpus[] = {
	{ 7, "i386" }, { 0x01000007, "x86_64" }, { 12, "arm" },
	{ 0x0100000c, "aarch64" }, { 18, "ppc" }, { 0x01000012, "ppc64" },
};

static const struct cpu_name pe_cpus[] = {
	{ 0x014c, "i386" }, { 0x8664, "x86_64" }, { 0x01c4, "arm" },
	{ 0xaa64, "aarch64" }, { 0x5064, "riscv64" }, { 0x0200, "ia64" },
};

static void cpu_arch(const struct cpu_name *t, size_t n, unsigned int cpu,
		     const char *prefix, struct bshim_verdict *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].cpu == cpu) {
			snprintf(out->arch, sizeof(out->arch), "%s", t[i].name);
			return;
		}
	snprintf(out->arch, sizeof(out->arch), "%s0x%x", prefix, cpu);
}

/* <mach-o/loader.h> MH_MAGIC(_64) and <mach-o/fat.h> FAT_MAGIC(_64), read big-endian. */
#define MH_MAGIC	0xfeedfaceu
#define MH_MAGIC_64	0xfeedfacfu
#define MH_CIGAM	0xcefaedfeu
#define MH_CIGAM_64	0xcffaedfeu
#define FAT_MAGIC	0xcafebabeu
#define FAT_MAGIC_64	0xcafebabfu
/*
 * FAT_MAGIC is also the Java class file magic; file(1)'s Magdir/cafebabe
 * tells them apart by the next word: a universal binary has a handful of
 * slices, a class file has its version there (major >= 45).
 */
#define FAT_MAX_SLICES	19

static enum bshim_fmt classify_macho(const unsigned char *buf, size_t len,
				     const struct bshim_host *host,
				     struct bshim_verdict *out)
{
	unsigned int magic = rd32(buf, true), cpu;
	bool be = magic == MH_MAGIC || magic == MH_MAGIC_64;

	if (magic == FAT_MAGIC || magic == FAT_MAGIC_64) {
		unsigned int n = len >= 8 ? rd32(buf + 4, true) : 0;

		if (n == 0 || n > FAT_MAX_SLICES)
			return BSHIM_FMT_COUNT;	/* a Java class, or nothing */
		verdict(out, BSHIM_FMT_MACHO, "none");
		if (len >= 12)
			cpu_arch(macho_cpus, ARRAY_SIZE(macho_cpus),
				 rd32(buf + 8, true), "cpu_", out);
	} else {
		verdict(out, BSHIM_FMT_MACHO, "none");
		if (len >= 8) {
			cpu = rd32(buf + 4, be);
			cpu_arch(macho_cpus, ARRAY_SIZE(macho_cpus), cpu, "cpu_",
				 out);
		}
	}
	snprintf(out->hint, sizeof(out->hint),
		 "a macOS program (Mach-O): Linux cannot run it; build it for linux/%s",
		 host->arch->name);
	return BSHIM_FMT_MACHO;
}

/* IMAGE_DOS_HEADER.e_lfanew (winnt.h) and the "PE\0\0" signature. */
#define PE_LFANEW_OFF	0x3c

static enum bshim_fmt classify_pe(const unsigned char *buf, size_t len,
				  struct bshim_verdict *out)
{
	unsigned int off;

	verdict(out, BSHIM_FMT_PE, "none");
	if (len >= PE_LFANEW_OFF + 4) {
		off = rd32(buf + PE_LFANEW_OFF, false);
		if (off <= len - 6 && !memcmp(buf + off, "PE\0\0", 4)) {
			cpu_arch(pe_cpus, ARRAY_SIZE(pe_cpus),
				 rd16(buf + off + 4, false), "pe_", out);
			snprintf(out->hint, sizeof(out->hint),
				 "a Windows program (PE): run it with wine, or build it for Linux");
			return BSHIM_FMT_PE;
		}
	}
	snprintf(out->hint, sizeof(out->hint),
		 "a DOS or Windows program (MZ): run it with wine or dosbox");
	return BSHIM_FMT_PE;
}

static bool is_text(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || c == '\t' || c == '\n' || c == '\r';
}

#define HEX_BYTES	8

static enum bshim_fmt classify_other(const unsigned char *buf, size_t len,
				     struct bshim_verdict *out)
{
	static const char hexdig[] = "0123456789abcdef";
	char hex[HEX_BYTES * 3 + 1];
	size_t i, n = len < HEX_BYTES ? len : HEX_BYTES;
	bool text = n > 0;

	verdict(out, BSHIM_FMT_UNKNOWN, "none");
	if (!len) {
		snprintf(out->hint, sizeof(out->hint), "empty file");
		return BSHIM_FMT_UNKNOWN;
	}
	for (i = 0; i < n; i++) {
		hex[i * 3] = hexdig[buf[i] >> 4];
		hex[i * 3 + 1] = hexdig[buf[i] & 15];
		hex[i * 3 + 2] = i + 1 < n ? ' ' : '\0';
		text = text && is_text(buf[i]);
	}
	if (len >= 2 && buf[0] == '#' && buf[1] == '!')
		snprintf(out->hint, sizeof(out->hint),
			 "a script whose #! line names no usable interpreter (first bytes %s)",
			 hex);
	else if (text)
		snprintf(out->hint, sizeof(out->hint),
			 "a text file with no #! line: only a shell runs it, execve cannot (first bytes %s)",
			 hex);
	else
		snprintf(out->hint, sizeof(out->hint),
			 "unrecognised format (first bytes %s)", hex);
	return BSHIM_FMT_UNKNOWN;
}

enum bshim_fmt bshim_classify(const unsigned char *buf, size_t len,
			      const struct bshim_host *host,
			      struct bshim_verdict *out)
{
	unsigned int magic = len >= 4 ? rd32(buf, true) : 0;

	out->hint[0] = '\0';
	if (len >= 4 && !memcmp(buf, "\177ELF", 4))
		return classify_elf(buf, len, host, out);
	if (magic == MH_MAGIC || magic == MH_MAGIC_64 || magic == MH_CIGAM ||
	    magic == MH_CIGAM_64 || magic == FAT_MAGIC || magic == FAT_MAGIC_64) {
		if (classify_macho(buf, len, host, out) == BSHIM_FMT_MACHO)
			return BSHIM_FMT_MACHO;
	}
	if (len >= 2 && buf[0] == 'M' && buf[1] == 'Z')
		return classify_pe(buf, len, out);
	if (magic == FAT_MAGIC) {
		verdict(out, BSHIM_FMT_UNKNOWN, "none");
		snprintf(out->hint, sizeof(out->hint),
			 "a Java class file: run it with java");
		return BSHIM_FMT_UNKNOWN;
	}
	return classify_other(buf, len, out);
}

/* fs/binfmt_script.c: the interpreter name ends at a space, tab or NUL. */
static bool spacetab(unsigned char c)
{
	return c == ' ' || c == '\t';
}

size_t bshim_crlf_interp(const unsigned char *buf, size_t len,
			 char *interp, size_t interp_len)
{
	size_t i = 2, start, end;

	if (len < 3 || buf[0] != '#' || buf[1] != '!' || !interp_len)
		return 0;
	while (i < len && spacetab(buf[i]))
		i++;
	start = i;
	while (i < len && buf[i] != '\n' && buf[i] && !spacetab(buf[i]))
		i++;
	end = i;
	/* Only a complete first line counts: binfmt_script saw the same. */
	if (end == start || end >= len || buf[end] != '\n' ||
	    buf[end - 1] != '\r')
		return 0;
	if (end - start + 1 > interp_len)
		return 0;
	memcpy(interp, buf + start, end - start);
	interp[end - start] = '\0';
	return end - start;
}
