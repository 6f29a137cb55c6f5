/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_ELF_H
#define BSHIM_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

/*
 * A bounded reader for bytes past the first buffer: copy len bytes at file
 * offset off into buf. Returns the number of bytes copied (short at end of
 * file) or -errno. lib/ never does I/O itself: the caller supplies this
 * (pread on an fd, or a memory buffer in tests and fuzzers).
 */
typedef long (*bshim_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

/* A memory-backed reader: ctx is a struct bshim_mem. */
struct bshim_mem {
	const void *buf;
	size_t len;
};
long bshim_mem_read(void *ctx, uint64_t off, void *buf, size_t len);

/* Why a file is not a usable ELF: stable codes, strings via elf_reason_str. */
enum elf_reason {
	ELF_OK = 0,
	ELF_ERR_NOT_ELF,		/* no \x7fELF magic */
	ELF_ERR_TRUNCATED_IDENT,	/* fewer than 16 bytes */
	ELF_ERR_BAD_CLASS,
	ELF_ERR_BAD_DATA,
	ELF_ERR_BAD_VERSION,
	ELF_ERR_TRUNCATED_HEADER,	/* file ends inside the ELF header */
	ELF_ERR_BAD_EHSIZE,
	ELF_ERR_BAD_PHENTSIZE,
	ELF_ERR_TOO_MANY_PHDRS,		/* no longer returned: qemu reads any
					 * e_phnum (lib/elf.c) */
	ELF_ERR_PHDRS_OUT_OF_RANGE,	/* phoff/phnum point past the file */
	ELF_ERR_INTERP_OUT_OF_RANGE,
	ELF_ERR_INTERP_UNTERMINATED,
	ELF_ERR_INTERP_TOO_LONG,	/* the path, not the segment, is longer
					 * than ELF_INTERP_MAX - 1 */
	ELF_ERR_MULTIPLE_INTERP,
	ELF_ERR_READ,			/* the reader callback failed */
	ELF_REASON_MAX
};

enum elf_link {
	ELF_LINK_NONE = 0,	/* no program headers (ET_REL, ET_CORE, ...) */
	ELF_LINK_STATIC,
	ELF_LINK_DYNAMIC,	/* has PT_INTERP */
	ELF_LINK_STATIC_PIE,	/* ET_DYN with PT_DYNAMIC and no PT_INTERP */
	ELF_LINK_SHARED,	/* ET_DYN, no PT_INTERP, no DF_1_PIE: a library */
	ELF_LINK_UNKNOWN,	/* program headers lie past head and rd is NULL */
};

/* MIPS ABI from e_flags (EF_MIPS_ABI2, EF_MIPS_ABI, ELF class). */
enum elf_mips_abi {
	ELF_MIPS_ABI_NONE = 0,	/* not MIPS */
	ELF_MIPS_ABI_O32,
	ELF_MIPS_ABI_N32,
	ELF_MIPS_ABI_N64,
	ELF_MIPS_ABI_O64,
	ELF_MIPS_ABI_EABI32,
	ELF_MIPS_ABI_EABI64,
};

enum elf_float {
	ELF_FLOAT_UNKNOWN = 0,
	ELF_FLOAT_SOFT,
	ELF_FLOAT_HARD,		/* ARM VFP hard-float, RISC-V double, ... */
	ELF_FLOAT_SINGLE,	/* RISC-V single */
	ELF_FLOAT_QUAD,		/* RISC-V quad */
};

/* The longest PT_INTERP path with its NUL: PATH_MAX. The kernel refuses
 * a segment longer than that (load_elf_binary in fs/binfmt_elf.c); qemu
 * takes any segment but cannot open a longer path (ENAMETOOLONG), so
 * anything qemu would run, the probe reads. */
#define ELF_INTERP_MAX 4096

struct elf_info {
	uint8_t elf_class;	/* 1 = 32-bit, 2 = 64-bit */
	uint8_t elf_data;	/* 1 = LSB, 2 = MSB */
	uint8_t osabi;
	uint8_t abiversion;
	uint16_t type;		/* ET_* */
	uint16_t machine;	/* EM_* */
	uint32_t flags;		/* e_flags */
	uint64_t entry;
	uint64_t phoff, shoff;
	uint16_t phnum, shnum, shstrndx;
	uint16_t ehsize, phentsize, shentsize;
	enum elf_link link;
	bool has_interp;
	char interp[ELF_INTERP_MAX];	/* NUL-terminated PT_INTERP, "" if none */
	const struct arch *arch;	/* NULL: no QEMU target for it */

	/* Derived ABI details (meaningful for the machine in question). */
	uint8_t arm_eabi;	/* ARM EABI version (e_flags >> 24), 0 = old ABI */
	enum elf_float float_abi;
	bool riscv_rvc;		/* EF_RISCV_RVC */
	bool mips_nan2008;	/* EF_MIPS_NAN2008 */
	bool mips_r6;		/* MIPS32R6 / MIPS64R6 */
	enum elf_mips_abi mips_abi;
	uint8_t ppc64_abi;	/* 1 = ELFv1, 2 = ELFv2, 0 = unspecified */
	bool x32;		/* ELFCLASS32 with EM_X86_64 */
	char abi[48];		/* short summary, e.g. "eabi5 hard-float",
				 * "o32 nan2008", "lp64d rvc", "elfv2", "x32" */

	enum elf_reason reason;	/* set when elf_probe fails */
};

/*
 * Probe an ELF file. head/head_len are the first bytes of the file (the
 * binfmt buffer: at least 64 bytes when the file is that long; head may be
 * NULL with head_len 0, then everything comes through rd); rd/ctx read
 * the rest (program headers, PT_INTERP, PT_DYNAMIC) and may be NULL, in
 * which case only what lies inside head is examined: program headers past
 * it give link ELF_LINK_UNKNOWN, a PT_INTERP path past it has_interp with
 * an empty interp. A short read from rd means the file ends there.
 * Returns 0, or -EINVAL with out->reason set. Never allocates; never reads
 * outside what it was given. It refuses only what qemu-user's loader, which
 * runs these files, refuses too (lib/elf.c says where the kernel differs):
 * program headers are read as e_phnum says (at most 65535); with rd, a
 * file that ends early reads as zeros within its first 1024 bytes, as in
 * qemu's buffer; the PT_INTERP path is at most ELF_INTERP_MAX bytes with
 * its NUL (the segment may be longer); 1024 dynamic entries scanned.
 */
int elf_probe(const void *head, size_t head_len, bshim_read_fn rd, void *ctx,
	      struct elf_info *out);

const char *elf_reason_str(enum elf_reason r);

/* "ELF 32-bit LSB ARM EABI5 hard-float, dynamically linked, interpreter
 * /lib/ld-linux-armhf.so.3" into buf; returns strlen or -ENOSPC. */
int elf_describe(const struct elf_info *ei, char *buf, size_t len);

/* Printable names for the fields, never NULL. */
const char *elf_class_str(unsigned elf_class);	/* "ELF32" / "ELF64" */
const char *elf_data_str(unsigned elf_data);	/* "LSB" / "MSB" */
const char *elf_type_str(unsigned type);	/* "EXEC", "DYN", ... */
const char *elf_machine_str(unsigned machine);	/* "AArch64", "ARM", ... */
const char *elf_link_str(enum elf_link link);	/* "static", "dynamic", ... */
const char *elf_osabi_str(unsigned osabi);	/* "SYSV", "GNU/Linux", ... */
const char *elf_float_str(enum elf_float f);	/* "hard-float", ... */
const char *elf_mips_abi_str(enum elf_mips_abi a);	/* "o32", "n32", ... */

/*
 * Find a section by name through the section headers (used by the Go
 * probe); ei comes from a successful elf_probe of the same file. Extended
 * section numbering is followed; more than 8192 sections is -EINVAL (a
 * bound on the work a hostile header can ask for). Returns 0 with *off and *size set, -ENOENT, or -EINVAL.
 */
int elf_find_section(const struct elf_info *ei, bshim_read_fn rd, void *ctx,
		     const char *name, uint64_t *off, uint64_t *size);

#endif
