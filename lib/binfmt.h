/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_BINFMT_H
#define BSHIM_BINFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

/*
 * Limits from fs/binfmt_misc.c: the magic is compared against the first
 * BINPRM_BUF_SIZE (256, include/linux/binfmts.h) bytes of the file, so
 * offset + size must fit there; a name is at most NAME_MAX; a registration
 * string at most MAX_REGISTER_LENGTH (1920).
 */
#define BINFMT_BUF_SIZE 256
#define BINFMT_MAGIC_MAX 128
#define BINFMT_NAME_MAX 255
#define BINFMT_REGISTER_MAX 1920
#define BINFMT_INTERP_MAX 1024

/* The name prefix of every entry this project owns. */
#define BINFMT_OUR_PREFIX "binfmt-shim-"

struct binfmt_entry {
	char name[BINFMT_NAME_MAX + 1];
	bool enabled;
	bool is_extension;		/* E type; else M (magic) */
	char interpreter[BINFMT_INTERP_MAX];
	char flags[8];			/* subset of "POCF", kernel order */
	unsigned offset;
	uint8_t magic[BINFMT_MAGIC_MAX];
	uint8_t mask[BINFMT_MAGIC_MAX];	/* all 0xff when none given */
	size_t magic_len;
	char extension[BINFMT_MAGIC_MAX];
};

/*
 * The entry for one arch: name "binfmt-shim-<arch>", an ELF magic/mask that
 * accepts ET_EXEC and ET_DYN and any OS ABI a real toolchain emits, the
 * arch's class, byte order, machine and e_flags test. flags is any of
 * "FPOC" (validated: -EINVAL otherwise).
 */
int binfmt_entry_for_arch(const struct arch *a, const char *interpreter,
			  const char *flags, struct binfmt_entry *out);

/* The string written to the register file: ":name:M:off:magic:mask:interp:flags"
 * with \xHH escapes. Returns strlen or -ENOSPC / -EINVAL. */
int binfmt_format_register(const struct binfmt_entry *e, char *buf, size_t len);

/* Parse the same syntax (binfmt.d files, register strings). */
int binfmt_parse_register(const char *line, struct binfmt_entry *out);

/* Parse the text of /proc/sys/fs/binfmt_misc/<name> (the kernel's
 * "enabled\ninterpreter ...\nflags: ...\noffset N\nmagic ...\nmask ...\n"). */
int binfmt_parse_status(const char *name, const char *text, size_t len,
			struct binfmt_entry *out);

/* Whether e (enabled or not) matches a file with these first bytes and
 * this file name, by the kernel's rules (check_file in fs/binfmt_misc.c). */
bool binfmt_entry_matches(const struct binfmt_entry *e, const char *filename,
			  const uint8_t *buf, size_t len);

/*
 * The entry the kernel would pick: entries[] is in registration order
 * (oldest first); the kernel tries the most recently registered first and
 * skips disabled entries. Returns the index or -1.
 */
int binfmt_match(const struct binfmt_entry *entries, size_t n,
		 const char *filename, const uint8_t *buf, size_t len);

/* Whether the name is one of ours ("binfmt-shim-" prefix). */
bool binfmt_is_ours(const char *name);

#endif
