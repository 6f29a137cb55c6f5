/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_FORMAT_H
#define BSHIM_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum file_format {
	FMT_UNKNOWN = 0,
	FMT_ELF,
	FMT_MACHO,	/* thin or fat (fat_count > 0) */
	FMT_PE,
	FMT_SCRIPT,
	FMT_JAVA,
	FMT_WASM,
};

#define FORMAT_MACHO_MAX_ARCHS 8
#define FORMAT_INTERP_MAX 256

struct format_info {
	enum file_format format;

	/* FMT_ELF: raw header fields only; lib/elf.c has the details */
	struct {
		uint8_t elf_class, elf_data;	/* EI_CLASS, EI_DATA */
		uint16_t type, machine;		/* 0 when past the buffer */
	} elf;

	/* FMT_MACHO */
	struct {
		bool is64;
		bool big_endian;
		uint32_t cputype, cpusubtype;	/* thin; first slice of fat */
		uint32_t filetype;
		uint32_t fat_count;		/* 0: thin; else slices listed
						 * in fat_cputype[] (<= MAX) */
		uint32_t fat_cputype[FORMAT_MACHO_MAX_ARCHS];
		uint32_t fat_total;		/* nfat_arch from the header */
	} macho;

	/* FMT_PE */
	struct {
		uint16_t machine;	/* IMAGE_FILE_MACHINE_* */
		bool pe32plus;
		uint16_t subsystem;	/* 0 if the optional header is absent */
		uint16_t characteristics; /* IMAGE_FILE_* (DLL, ...) */
		bool dos_only;		/* MZ, but no "PE\0\0" inside the buffer:
					 * MS-DOS program or header too far */
	} pe;

	/* FMT_SCRIPT: the #! line */
	struct {
		char interp[FORMAT_INTERP_MAX];	/* first word after #! */
		char arg[FORMAT_INTERP_MAX];	/* the rest, trimmed */
		bool crlf;			/* the line ends in \r\n */
		bool truncated;			/* no newline inside the buffer */
	} script;

	/* FMT_JAVA */
	uint16_t java_major;
	uint16_t java_minor;

	/* FMT_WASM */
	uint32_t wasm_version;

	/* Always: the first bytes, for "unknown" and diagnostics. */
	uint8_t head[16];
	size_t head_len;

	/* Architecture or kind in words, e.g. "arm64", "x86_64", "Java 17". */
	char arch_name[32];
};

/*
 * Classify the first bytes of a file. Never fails on any input: anything
 * unrecognised is FMT_UNKNOWN with head[] filled. Returns 0, or -EINVAL
 * for a NULL argument. Pure.
 */
int format_probe(const void *buf, size_t len, struct format_info *out);

/* "elf", "macho", "pe", "script", "java", "wasm", "unknown" */
const char *format_name(enum file_format f);

/* One line in words: "Mach-O 64-bit arm64 executable (a macOS binary)",
 * "PE32+ x86-64 (a Windows program)", ... Returns strlen or -ENOSPC. */
int format_describe(const struct format_info *fi, char *buf, size_t len);

/* Lower-case hex of the first bytes: "7f454c46..." Returns strlen, or
 * -ENOSPC when buf cannot hold it all (buf then holds what fits). */
int format_hex_head(const struct format_info *fi, char *buf, size_t len);

const char *macho_cpu_name(uint32_t cputype);	/* "arm64", "x86_64", ... */
const char *pe_machine_name(uint16_t machine);	/* "x86-64", "arm64", ... */

#endif
