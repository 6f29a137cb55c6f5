// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF probe: header, program headers, PT_INTERP, the derived ABI
 * details, and a section look-up for the Go probe. Pure: no I/O (bytes past
 * the first buffer come through the caller's bshim_read_fn), no allocation,
 * no printing. Every field is read byte by byte in the file's own byte
 * order, so no struct layout or host endianness leaks in, and every offset
 * is checked with overflow-safe arithmetic before it is used.
 *
 * Layouts and constants: the System V gABI (ELF header, Phdr, Shdr, Dyn)
 * and glibc's <elf.h>; the processor supplements are cited where used.
 */
#include <errno.h>
#include <string.h>

#include "elf.h"

/* e_ident (gABI "ELF Identification") */
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define EI_OSABI	7
#define EI_ABIVERSION	8
#define EI_NIDENT	16
#define EV_CURRENT	1

#define ET_DYN		3
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define DT_NULL		0
#define DT_FLAGS_1	0x6ffffffb	/* glibc <elf.h> */
#define DF_1_PIE	0x08000000	/* glibc <elf.h>, set by ld -pie */

#define EM_MIPS		8
#define EM_PPC64	21
#define EM_ARM		40
#define EM_X86_64	62
#define EM_RISCV	243

/* Header sizes and entry sizes per class (gABI; Elf32_* / Elf64_*). */
#define EHDR32_SIZE	52
#define EHDR64_SIZE	64
#define PHDR32_SIZE	32
#define PHDR64_SIZE	56
#define SHDR32_SIZE	40
#define SHDR64_SIZE	64

/*
 * Whose rules: a foreign binary is loaded by qemu-user's ELF loader
 * (linux-user/elfload.c, load_elf_image()), not by the kernel's
 * binfmt_elf, so where the two differ the probe follows qemu: refusing
 * what qemu would run is a regression of the shim, while what qemu
 * refuses it may refuse with a better sentence (tests/integration/
 * test_shim_differential.c holds the two side by side).
 *
 * Program headers: the kernel refuses more than 65536 bytes of them
 * (load_elf_phdrs() in fs/binfmt_elf.c), qemu reads e_phnum of them
 * whatever the size, and runs such files. e_phnum is 16 bits, so the
 * scan is at most 65535 entries (3.6 MB for ELF64, PN_XNUM included, which
 * qemu does not treat specially either), read in small pieces.
 *
 * Caps on the rest of the work an untrusted header can ask for. Dynamic
 * entries: DT_FLAGS_1 sits among the first few dozen in anything ld
 * writes; 1024 bounds the scan. Sections: linked executables have tens
 * (Go ~ 25-40, big C++ programs a few hundred); 8192 bounds
 * elf_find_section on hostile section counts while still covering
 * -ffunction-sections objects of ordinary size.
 */
#define DYN_SCAN_MAX	1024u
#define SHNUM_MAX	8192u
#define SECNAME_MAX	64u		/* longest section name we look up */
#define SHN_UNDEF	0
#define SHN_XINDEX	0xffff

/* Where the bytes come from: the head buffer, else the reader. */
struct src {
	const unsigned char *head;
	size_t head_len;
	bshim_read_fn rd;
	void *ctx;
};

enum fetch_res {
	FETCH_OK = 0,
	FETCH_SHORT,		/* the file ends before off + len */
	FETCH_NOREADER,		/* past head and no reader given */
	FETCH_ERR,		/* the reader failed */
};

/*
 * qemu reads the first BPRM_BUF_SIZE (1024) bytes of the file into a
 * buffer it zero-fills past the end of a shorter file (prepare_binprm()
 * in linux-user/linux_loader.c), and takes the program header table and
 * the PT_INTERP path from that buffer whenever they end inside it
 * (load_elf_image()): there, bytes past the end of the file read as
 * zeros. The kernel would fail such a read with -EIO (elf_read() in
 * fs/binfmt_elf.c); qemu does not, so neither does the probe.
 */
#define QEMU_BPRM_BUF_SIZE 1024u

static bool in_qemu_buf(uint64_t off, uint64_t len)
{
	return off <= QEMU_BPRM_BUF_SIZE && len <= QEMU_BPRM_BUF_SIZE - off;
}

/* Copy exactly len bytes at off into buf; *got says how many arrived.
 * zero_pad: a file that ends early reads as zeros up to off + len (the
 * caller has checked in_qemu_buf for the whole object). */
static enum fetch_res fetch_pad(const struct src *s, uint64_t off, void *buf,
				size_t len, size_t *got, bool zero_pad)
{
	unsigned char *p = buf;
	size_t have = 0;

	*got = 0;
	if (off <= s->head_len && len <= s->head_len - off) {
		memcpy(buf, s->head + off, len);
		*got = len;
		return FETCH_OK;
	}
	if (!s->rd) {
		if (off < s->head_len) {
			*got = s->head_len - (size_t)off;
			memcpy(buf, s->head + off, *got);
		}
		return FETCH_NOREADER;
	}
	while (have < len) {
		long n;

		if (off + have < off)
			return FETCH_SHORT;
		n = s->rd(s->ctx, off + have, p + have, len - have);
		if (n < 0 || (size_t)n > len - have) {
			*got = have;
			return FETCH_ERR;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if (have < len && zero_pad) {
		memset(p + have, 0, len - have);
		have = len;
	}
	*got = have;
	return have == len ? FETCH_OK : FETCH_SHORT;
}

static enum fetch_res fetch(const struct src *s, uint64_t off, void *buf,
			    size_t len, size_t *got)
{
	return fetch_pad(s, off, buf, len, got, false);
}

/* Fixed-width loads in the file's byte order (data: 1 LSB, 2 MSB). */
static uint16_t get16(const unsigned char *p, int msb)
{
	return msb ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t get32(const unsigned char *p, int msb)
{
	uint32_t a = get16(p, msb), b = get16(p + 2, msb);

	return msb ? a << 16 | b : b << 16 | a;
}

static uint64_t get64(const unsigned char *p, int msb)
{
	uint64_t a = get32(p, msb), b = get32(p + 4, msb);

	return msb ? a << 32 | b : b << 32 | a;
}

/* A word of the file's class: Elf32_Addr/Off or Elf64_Addr/Off. */
static uint64_t getw(const unsigned char *p, int is64, int msb)
{
	return is64 ? get64(p, msb) : get32(p, msb);
}

static int fail(struct elf_info *out, enum elf_reason r)
{
	out->reason = r;
	return -EINVAL;
}

/* off + n*size within uint64_t: 0, else -1. */
static int span(uint64_t off, uint64_t n, uint64_t size, uint64_t *end)
{
	if (size && n > UINT64_MAX / size)
		return -1;
	if (off > UINT64_MAX - n * size)
		return -1;
	*end = off + n * size;
	return 0;
}

static int parse_ident(const struct src *s, struct elf_info *out)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };
	unsigned char id[EI_NIDENT];
	size_t got;

	if (fetch(s, 0, id, sizeof(id), &got) == FETCH_ERR)
		return fail(out, ELF_ERR_READ);
	/* A proper prefix of the magic is a truncated ELF, not "not ELF". */
	if (got == 0 || memcmp(id, magic, got < 4 ? got : 4) != 0)
		return fail(out, ELF_ERR_NOT_ELF);
	if (got < EI_NIDENT)
		return fail(out, ELF_ERR_TRUNCATED_IDENT);
	out->elf_class = id[EI_CLASS];
	out->elf_data = id[EI_DATA];
	out->osabi = id[EI_OSABI];
	out->abiversion = id[EI_ABIVERSION];
	if (out->elf_class != 1 && out->elf_class != 2)
		return fail(out, ELF_ERR_BAD_CLASS);
	if (out->elf_data != 1 && out->elf_data != 2)
		return fail(out, ELF_ERR_BAD_DATA);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(out, ELF_ERR_BAD_VERSION);
	return 0;
}

static int parse_ehdr(const struct src *s, struct elf_info *out)
{
	int is64 = out->elf_class == 2, msb = out->elf_data == 2;
	unsigned char h[EHDR64_SIZE];
	size_t hsize = is64 ? EHDR64_SIZE : EHDR32_SIZE, got;
	/* Offsets past e_entry differ by class (gABI Elf32_Ehdr/Elf64_Ehdr). */
	size_t w = is64 ? 8 : 4, o = 24 + 3 * w;
	enum fetch_res r = fetch(s, 0, h, hsize, &got);

	if (r == FETCH_ERR)
		return fail(out, ELF_ERR_READ);
	if (r != FETCH_OK) {
		/* What did arrive still says what the file meant to be (and
		 * binfmt_misc matched e_machine in it). */
		if (got >= 20) {
			out->type = get16(h + 16, msb);
			out->machine = get16(h + 18, msb);
		}
		return fail(out, ELF_ERR_TRUNCATED_HEADER);
	}
	out->type = get16(h + 16, msb);
	out->machine = get16(h + 18, msb);
	out->entry = getw(h + 24, is64, msb);
	out->phoff = getw(h + 24 + w, is64, msb);
	out->shoff = getw(h + 24 + 2 * w, is64, msb);
	out->flags = get32(h + o, msb);
	out->ehsize = get16(h + o + 4, msb);
	out->phentsize = get16(h + o + 6, msb);
	out->phnum = get16(h + o + 8, msb);
	out->shentsize = get16(h + o + 10, msb);
	out->shnum = get16(h + o + 12, msb);
	out->shstrndx = get16(h + o + 14, msb);
	/*
	 * The kernel ignores e_ehsize; qemu's elf_check_ehdr() wants exactly
	 * the class's header size ("Invalid ELF image for this
	 * architecture"). A smaller one is refused here, as qemu would; a
	 * larger one is left to qemu to say so.
	 */
	if (out->ehsize < hsize)
		return fail(out, ELF_ERR_BAD_EHSIZE);
	return 0;
}

/*
 * Derived ABI details. Sources: ARM ELF ABI (aaelf32, "e_flags"), MIPS
 * psABI and glibc <elf.h> EF_MIPS_*, RISC-V ELF psABI ("File Header"),
 * 64-bit ELF V2 ABI for Power (e_flags & 3).
 */
#define EF_ARM_EABIMASK		0xff000000u
#define EF_ARM_ABI_FLOAT_SOFT	0x00000200u
#define EF_ARM_ABI_FLOAT_HARD	0x00000400u
#define EF_MIPS_ABI2		0x00000020u	/* n32 */
#define EF_MIPS_NAN2008		0x00000400u
#define EF_MIPS_ABI		0x0000f000u
#define E_MIPS_ABI_O32		0x00001000u
#define E_MIPS_ABI_O64		0x00002000u
#define E_MIPS_ABI_EABI32	0x00003000u
#define E_MIPS_ABI_EABI64	0x00004000u
#define EF_MIPS_ARCH		0xf0000000u
#define E_MIPS_ARCH_32R6	0x90000000u
#define E_MIPS_ARCH_64R6	0xa0000000u
#define EF_RISCV_RVC		0x0001u
#define EF_RISCV_FLOAT_ABI	0x0006u
#define EF_RISCV_RVE		0x0008u
#define EF_PPC64_ABI		0x0003u

/* Append " word" (or "word" at the start) to out->abi, bounded. */
static void abi_add(struct elf_info *out, const char *word)
{
	size_t n = strlen(out->abi), k = strlen(word);

	if (n && n + 1 < sizeof(out->abi))
		out->abi[n++] = ' ';
	if (n + k >= sizeof(out->abi))
		k = sizeof(out->abi) - 1 - n;
	memcpy(out->abi + n, word, k);
	out->abi[n + k] = '\0';
}

static void derive_arm(struct elf_info *out)
{
	static const char eabi[][6] = { "oabi", "eabi1", "eabi2", "eabi3",
					"eabi4", "eabi5" };
	uint32_t f = out->flags;

	out->arm_eabi = (uint8_t)((f & EF_ARM_EABIMASK) >> 24);
	abi_add(out, out->arm_eabi < 6 ? eabi[out->arm_eabi] : "eabi?");
	/*
	 * Hard or soft float: the flag wins when present (binutils sets
	 * EF_ARM_ABI_FLOAT_HARD for -mfloat-abi=hard, _SOFT otherwise). With
	 * neither, an armhf interpreter path settles it; else an EABI5
	 * binary is soft-float, as glibc's ldconfig decides for libraries
	 * (sysdeps/unix/sysv/linux/arm/readelflib.c: hard only with the HF
	 * flag). Debian armel's own objects agree: its crt*.o carry neither
	 * flag and link into soft-float programs. Go's linker writes neither
	 * either (0x05000002): such a static binary needs no C float ABI and
	 * runs on armel, so "soft" is the honest answer there too. Older
	 * ABIs: unknown.
	 */
	if (f & EF_ARM_ABI_FLOAT_HARD)
		out->float_abi = ELF_FLOAT_HARD;
	else if (f & EF_ARM_ABI_FLOAT_SOFT)
		out->float_abi = ELF_FLOAT_SOFT;
	else if (strstr(out->interp, "armhf"))
		out->float_abi = ELF_FLOAT_HARD;
	else if (out->arm_eabi >= 5)
		out->float_abi = ELF_FLOAT_SOFT;
	if (out->float_abi != ELF_FLOAT_UNKNOWN)
		abi_add(out, elf_float_str(out->float_abi));
}

static void derive_mips(struct elf_info *out)
{
	static const struct { uint32_t v; enum elf_mips_abi abi; } abis[] = {
		{ E_MIPS_ABI_O64, ELF_MIPS_ABI_O64 },
		{ E_MIPS_ABI_EABI32, ELF_MIPS_ABI_EABI32 },
		{ E_MIPS_ABI_EABI64, ELF_MIPS_ABI_EABI64 },
	};
	uint32_t f = out->flags, arch = f & EF_MIPS_ARCH;
	size_t i;

	/*
	 * n32 is the EF_MIPS_ABI2 bit; an ELF64 file is n64; otherwise the
	 * EF_MIPS_ABI field names o64/eabi, and O32 or 0 (older toolchains
	 * leave it clear) is o32.
	 */
	if (f & EF_MIPS_ABI2)
		out->mips_abi = ELF_MIPS_ABI_N32;
	else if (out->elf_class == 2)
		out->mips_abi = ELF_MIPS_ABI_N64;
	else
		out->mips_abi = ELF_MIPS_ABI_O32;
	for (i = 0; i < sizeof(abis) / sizeof(abis[0]); i++)
		if ((f & EF_MIPS_ABI) == abis[i].v && !(f & EF_MIPS_ABI2))
			out->mips_abi = abis[i].abi;
	out->mips_nan2008 = !!(f & EF_MIPS_NAN2008);
	out->mips_r6 = arch == E_MIPS_ARCH_32R6 || arch == E_MIPS_ARCH_64R6;
	abi_add(out, elf_mips_abi_str(out->mips_abi));
	if (out->mips_nan2008)
		abi_add(out, "nan2008");
	if (out->mips_r6)
		abi_add(out, "r6");
}

static void derive_riscv(struct elf_info *out)
{
	static const enum elf_float fl[4] = { ELF_FLOAT_SOFT, ELF_FLOAT_SINGLE,
					      ELF_FLOAT_HARD, ELF_FLOAT_QUAD };
	static const char sfx[4][2] = { "", "f", "d", "q" };
	uint32_t f = out->flags, k = (f & EF_RISCV_FLOAT_ABI) >> 1;
	char name[8];

	out->float_abi = fl[k];
	out->riscv_rvc = !!(f & EF_RISCV_RVC);
	/* ilp32e when RVE; the psABI's names: ilp32, ilp32f, lp64d, ... */
	strcpy(name, out->elf_class == 2 ? "lp64" :
		     (f & EF_RISCV_RVE) ? "ilp32e" : "ilp32");
	strcat(name, sfx[k]);
	abi_add(out, name);
	if (out->riscv_rvc)
		abi_add(out, "rvc");
}

static void derive_abi(struct elf_info *out)
{
	switch (out->machine) {
	case EM_ARM:
		derive_arm(out);
		break;
	case EM_MIPS:
		derive_mips(out);
		break;
	case EM_RISCV:
		derive_riscv(out);
		break;
	case EM_PPC64:
		/* 0 means "unspecified": big-endian ppc64 then is ELFv1. */
		out->ppc64_abi = (uint8_t)(out->flags & EF_PPC64_ABI);
		if (out->ppc64_abi == 3)
			out->ppc64_abi = 0;
		if (out->ppc64_abi)
			abi_add(out, out->ppc64_abi == 1 ? "elfv1" : "elfv2");
		break;
	case EM_X86_64:
		out->x32 = out->elf_class == 1;
		if (out->x32)
			abi_add(out, "x32");
		break;
	}
}

/*
 * ET_DYN with PT_DYNAMIC and no PT_INTERP: a static-pie executable when
 * DT_FLAGS_1 has DF_1_PIE (what file(1) checks too), else a library. A
 * dynamic section we cannot read is not an error (the kernel never reads
 * it): it counts as a library.
 */
static enum elf_link dyn_kind(const struct src *s, const struct elf_info *out,
			      uint64_t off, uint64_t filesz)
{
	int is64 = out->elf_class == 2, msb = out->elf_data == 2;
	size_t esz = is64 ? 16 : 8, got, i, n;
	unsigned char buf[32 * 16];
	uint64_t count = filesz / esz, done = 0;
	enum fetch_res r;

	if (count > DYN_SCAN_MAX)
		count = DYN_SCAN_MAX;
	while (done < count) {
		n = count - done > sizeof(buf) / esz ? sizeof(buf) / esz
						     : (size_t)(count - done);
		if (off + done * esz < off)
			break;
		r = fetch(s, off + done * esz, buf, n * esz, &got);
		if (r == FETCH_NOREADER)
			return ELF_LINK_UNKNOWN;
		if (r != FETCH_OK)
			break;
		for (i = 0; i < n; i++) {
			uint64_t tag = getw(buf + i * esz, is64, msb);
			uint64_t val = getw(buf + i * esz + esz / 2, is64, msb);

			if (tag == DT_NULL)
				return ELF_LINK_SHARED;
			if (tag == DT_FLAGS_1)
				return (val & DF_1_PIE) ? ELF_LINK_STATIC_PIE
							: ELF_LINK_SHARED;
		}
		done += n;
	}
	return ELF_LINK_SHARED;
}

/*
 * PT_INTERP as qemu reads it (load_elf_image()): p_filesz bytes at
 * p_offset, all of them in the file (or in the zero-filled first 1024
 * bytes), the last one NUL; the path is the string up to the first NUL.
 * The kernel also wants 2 <= p_filesz <= PATH_MAX (load_elf_binary() in
 * fs/binfmt_elf.c); qemu has no size limit, so a longer segment whose
 * path is short runs, and one whose path is longer than PATH_MAX fails
 * in qemu's open() (ENAMETOOLONG): that is ELF_ERR_INTERP_TOO_LONG.
 * A second PT_INTERP: the kernel takes the first, qemu refuses the file
 * ("Multiple PT_INTERP entries"), and so does the probe.
 */
static int read_interp(const struct src *s, struct elf_info *out,
		       uint64_t off, uint64_t filesz)
{
	bool pad = in_qemu_buf(off, filesz);
	size_t got, n;
	enum fetch_res r;
	uint64_t end;
	char last;

	if (out->has_interp)
		return fail(out, ELF_ERR_MULTIPLE_INTERP);
	out->has_interp = true;
	if (span(off, 1, filesz, &end))
		return fail(out, ELF_ERR_INTERP_OUT_OF_RANGE);
	if (filesz == 0)
		return fail(out, ELF_ERR_INTERP_UNTERMINATED);
	/* The last byte first: it is in the file iff the whole path is. */
	r = fetch_pad(s, end - 1, &last, 1, &got, pad);
	if (r == FETCH_ERR)
		return fail(out, ELF_ERR_READ);
	if (r == FETCH_NOREADER) {
		/* Past head and no reader: dynamic, path unknown. */
		return 0;
	}
	if (r != FETCH_OK)
		return fail(out, ELF_ERR_INTERP_OUT_OF_RANGE);
	if (last != '\0')
		return fail(out, ELF_ERR_INTERP_UNTERMINATED);
	n = filesz < ELF_INTERP_MAX ? (size_t)filesz : ELF_INTERP_MAX;
	r = fetch_pad(s, off, out->interp, n, &got, pad);
	if (r == FETCH_ERR) {
		memset(out->interp, 0, sizeof(out->interp));
		return fail(out, ELF_ERR_READ);
	}
	if (r != FETCH_OK) {
		memset(out->interp, 0, sizeof(out->interp));
		return r == FETCH_NOREADER ? 0 : fail(out, ELF_ERR_INTERP_OUT_OF_RANGE);
	}
	if (!memchr(out->interp, '\0', n)) {
		memset(out->interp, 0, sizeof(out->interp));
		return fail(out, ELF_ERR_INTERP_TOO_LONG);
	}
	return 0;
}

static int parse_phdrs(const struct src *s, struct elf_info *out)
{
	int is64 = out->elf_class == 2, msb = out->elf_data == 2;
	size_t esz = is64 ? PHDR64_SIZE : PHDR32_SIZE, got, i, n;
	unsigned char buf[32 * PHDR64_SIZE];
	uint64_t end, dyn_off = 0, dyn_sz = 0;
	unsigned done = 0;
	bool has_dynamic = false, pad;
	enum fetch_res r;
	int err;

	if (out->phnum == 0) {
		out->link = ELF_LINK_NONE;
		return 0;
	}
	/* qemu's elf_check_ehdr() wants exactly the class's entry size
	 * ("Invalid ELF image for this architecture"), as does the kernel. */
	if (out->phentsize != esz)
		return fail(out, ELF_ERR_BAD_PHENTSIZE);
	if (span(out->phoff, out->phnum, esz, &end))
		return fail(out, ELF_ERR_PHDRS_OUT_OF_RANGE);
	pad = in_qemu_buf(out->phoff, end - out->phoff);
	/* qemu reads the whole table before it looks at an entry: a table
	 * the file ends inside is "Incomplete read of file header", whatever
	 * its first entries say. Its last byte is there iff all of it is. */
	if (!pad) {
		unsigned char last;

		r = fetch(s, end - 1, &last, 1, &got);
		if (r == FETCH_ERR)
			return fail(out, ELF_ERR_READ);
		if (r == FETCH_SHORT)
			return fail(out, ELF_ERR_PHDRS_OUT_OF_RANGE);
	}

	while (done < out->phnum) {
		n = out->phnum - done;
		if (n > sizeof(buf) / esz)
			n = sizeof(buf) / esz;
		r = fetch_pad(s, out->phoff + (uint64_t)done * esz, buf, n * esz,
			      &got, pad);
		if (r == FETCH_NOREADER) {
			out->link = ELF_LINK_UNKNOWN;
			return 0;
		}
		if (r == FETCH_ERR)
			return fail(out, ELF_ERR_READ);
		if (r != FETCH_OK)
			return fail(out, ELF_ERR_PHDRS_OUT_OF_RANGE);
		for (i = 0; i < n; i++) {
			const unsigned char *p = buf + i * esz;
			uint32_t type = get32(p, msb);
			/* p_offset / p_filesz (gABI Elf32_Phdr / Elf64_Phdr) */
			uint64_t off = getw(p + (is64 ? 8 : 4), is64, msb);
			uint64_t fsz = getw(p + (is64 ? 32 : 16), is64, msb);

			if (type == PT_INTERP) {
				err = read_interp(s, out, off, fsz);
				if (err)
					return err;
			} else if (type == PT_DYNAMIC && !has_dynamic) {
				has_dynamic = true;
				dyn_off = off;
				dyn_sz = fsz;
			}
		}
		done += (unsigned)n;
	}

	if (out->has_interp)
		out->link = ELF_LINK_DYNAMIC;
	else if (out->type == ET_DYN && has_dynamic)
		out->link = dyn_kind(s, out, dyn_off, dyn_sz);
	else if (out->type == ET_DYN)
		out->link = ELF_LINK_STATIC_PIE;	/* self-relocated, no dynamic */
	else
		out->link = ELF_LINK_STATIC;
	return 0;
}

int elf_probe(const void *head, size_t head_len, bshim_read_fn rd, void *ctx,
	      struct elf_info *out)
{
	struct src s = { head, head ? head_len : 0, rd, ctx };
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_ident(&s, out);
	if (!err)
		err = parse_ehdr(&s, out);
	if (err)
		return err;
	out->arch = arch_by_elf(out->elf_class, out->elf_data, out->machine,
				out->flags);
	err = parse_phdrs(&s, out);
	if (err)
		return err;
	derive_abi(out);
	return 0;
}

/*
 * Section look-up. Extended numbering (gABI "Sections"): e_shnum 0 puts
 * the count in section 0's sh_size, e_shstrndx SHN_XINDEX puts the index
 * in its sh_link.
 */
struct shdr {
	uint32_t name, type, link;
	uint64_t offset, size;
};

static int read_shdr(const struct src *s, const struct elf_info *ei,
		     uint64_t idx, struct shdr *sh)
{
	int is64 = ei->elf_class == 2, msb = ei->elf_data == 2;
	unsigned char b[SHDR64_SIZE];
	size_t esz = is64 ? SHDR64_SIZE : SHDR32_SIZE, got;
	uint64_t end;

	if (span(ei->shoff, idx, esz, &end) ||
	    fetch(s, end, b, esz, &got) != FETCH_OK)
		return -EINVAL;
	sh->name = get32(b, msb);
	sh->type = get32(b + 4, msb);
	sh->offset = getw(b + (is64 ? 24 : 16), is64, msb);
	sh->size = getw(b + (is64 ? 32 : 20), is64, msb);
	sh->link = get32(b + (is64 ? 40 : 24), msb);
	return 0;
}

int elf_find_section(const struct elf_info *ei, bshim_read_fn rd, void *ctx,
		     const char *name, uint64_t *off, uint64_t *size)
{
	struct src s = { NULL, 0, rd, ctx };
	size_t esz, nlen, got;
	uint64_t shnum, strndx, i, end;
	struct shdr sh0, str, sh;
	char cand[SECNAME_MAX + 1];

	if (!ei || !rd || !name || (ei->elf_class != 1 && ei->elf_class != 2))
		return -EINVAL;
	nlen = strlen(name);
	if (nlen == 0 || nlen > SECNAME_MAX)
		return -EINVAL;
	if (ei->shoff == 0)
		return -ENOENT;		/* no section headers (sstrip) */
	esz = ei->elf_class == 2 ? SHDR64_SIZE : SHDR32_SIZE;
	if (ei->shentsize != esz)
		return -EINVAL;
	shnum = ei->shnum;
	strndx = ei->shstrndx;
	if (shnum == 0 || strndx == SHN_XINDEX) {
		if (read_shdr(&s, ei, 0, &sh0))
			return -EINVAL;
		if (shnum == 0)
			shnum = sh0.size;
		if (strndx == SHN_XINDEX)
			strndx = sh0.link;
	}
	if (shnum == 0)
		return -ENOENT;
	if (shnum > SHNUM_MAX || strndx == SHN_UNDEF || strndx >= shnum ||
	    span(ei->shoff, shnum, esz, &end))
		return -EINVAL;
	if (read_shdr(&s, ei, strndx, &str) ||
	    span(str.offset, 1, str.size, &end))
		return -EINVAL;

	for (i = 1; i < shnum; i++) {
		if (read_shdr(&s, ei, i, &sh))
			return -EINVAL;
		/* The name, NUL included, must lie inside the string table. */
		if (sh.name >= str.size || str.size - sh.name < nlen + 1)
			continue;
		if (fetch(&s, str.offset + sh.name, cand, nlen + 1, &got) !=
		    FETCH_OK)
			return -EINVAL;
		if (cand[nlen] != '\0' || memcmp(cand, name, nlen) != 0)
			continue;
		if (span(sh.offset, 1, sh.size, &end))
			return -EINVAL;
		*off = sh.offset;
		*size = sh.size;
		return 0;
	}
	return -ENOENT;
}
