/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What is this file that no binfmt handler took? A pure function over the
 * first bytes of the file (bprm->buf), shared by the kernel module and by a
 * userspace libFuzzer target (tests/fuzz/fuzz_kclassify.c): no allocation,
 * no locking, no I/O, nothing but the bytes it is given.
 */
#ifndef BSHIM_KCLASSIFY_H
#define BSHIM_KCLASSIFY_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#endif

enum bshim_fmt {
	BSHIM_FMT_ELF,
	BSHIM_FMT_MACHO,
	BSHIM_FMT_PE,
	BSHIM_FMT_UNKNOWN,
	BSHIM_FMT_SCRIPT,	/* only from the CR observer */
	BSHIM_FMT_COUNT
};

/* The row of lib/arch_table.h the module needs, nothing more. */
struct bshim_karch {
	const char *name;		/* QEMU target name */
	unsigned char elf_class;	/* ELFCLASS32 / ELFCLASS64 */
	unsigned char elf_data;		/* ELFDATA2LSB / ELFDATA2MSB */
	unsigned short machine;
	unsigned short machine_alt;
	unsigned int flags_mask;
	unsigned int flags_value;
	const char *family;		/* native-compat family, "" for none */
};

/* What the running kernel is: filled in once at module load. */
struct bshim_host {
	const struct bshim_karch *arch;	/* never NULL */
	bool compat32;	/* runs the 32-bit members of its family */
};

#define BSHIM_ARCH_LEN	24
#define BSHIM_HINT_LEN	192

struct bshim_verdict {
	enum bshim_fmt fmt;
	char arch[BSHIM_ARCH_LEN];	/* table name, "x32", "em_0x..", "none" */
	char hint[BSHIM_HINT_LEN];	/* what to do about it, one line */
};

/* The row for an ELF header, NULL when no QEMU target runs it. */
const struct bshim_karch *bshim_arch_by_elf(unsigned int elf_class,
					    unsigned int elf_data,
					    unsigned int machine,
					    unsigned int flags);

/*
 * Classify the first len bytes of a file the kernel refused to exec
 * (len is at most the buffer the kernel read, BINPRM_BUF_SIZE, and at most
 * the file size). Always fills *out; returns out->fmt.
 */
enum bshim_fmt bshim_classify(const unsigned char *buf, size_t len,
			      const struct bshim_host *host,
			      struct bshim_verdict *out);

/*
 * The CR observer: when buf starts a "#!" line whose interpreter name ends
 * in a carriage return (a script saved with DOS line endings), copy that
 * name, CR included and NUL-terminated, into interp and return its length;
 * otherwise (or when it does not fit) return 0.
 */
size_t bshim_crlf_interp(const unsigned char *buf, size_t len,
			 char *interp, size_t interp_len);

/* "elf", "macho", "pe", "unknown", "script" */
const char *bshim_fmt_name(enum bshim_fmt fmt);

#endif
