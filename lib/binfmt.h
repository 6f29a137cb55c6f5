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
 * offset + size must fit there, and a magic may be that long; a name is a
 * dentry, at most NAME_MAX (255); a registration string is at most
 * MAX_REGISTER_LENGTH (1920) bytes and at least 11 (create_entry()).
 * BINFMT_INTERP_MAX is ours: a longer interpreter is legal for the kernel
 * but is refused with -ENAMETOOLONG by the parsers here. An extension is
 * compared with the end of a file name, so one longer than NAME_MAX - 1
 * can never match and is refused the same way.
 */
#define BINFMT_BUF_SIZE 256
#define BINFMT_MAGIC_MAX 256
#define BINFMT_NAME_MAX 255
#define BINFMT_REGISTER_MAX 1920
#define BINFMT_REGISTER_MIN 11
#define BINFMT_INTERP_MAX 1024

/* The name prefix of every entry this project owns. */
#define BINFMT_OUR_PREFIX "binfmt-shim-"

/*
 * The suffix of the second entry of a row with machine_alt (see below):
 * "binfmt-shim-microblaze-alt". The most entries one arch needs.
 */
#define BINFMT_ALT_SUFFIX "-alt"
#define BINFMT_ENTRIES_MAX 2

struct binfmt_entry {
	char name[BINFMT_NAME_MAX + 1];
	bool enabled;
	bool is_extension;		/* E type; else M (magic) */
	bool has_mask;			/* a mask was given (M only) */
	char interpreter[BINFMT_INTERP_MAX];
	/*
	 * The effective flags in the order the kernel prints them ("POCF",
	 * entry_status()): parsers and the generator normalise "FPC" to
	 * "POCF" (C implies O in check_special_flags()), so two entries
	 * with the same behaviour compare equal with strcmp.
	 */
	char flags[8];
	unsigned offset;
	uint8_t magic[BINFMT_MAGIC_MAX];
	uint8_t mask[BINFMT_MAGIC_MAX];	/* all 0xff when none given */
	size_t magic_len;
	char extension[BINFMT_MAGIC_MAX];	/* E only, without the dot */
};

/*
 * The entries for one arch, generated from its arch table row:
 *
 *   offset 0, magic 7f 'E' 'L' 'F' class data 01 (EI_VERSION), e_type
 *   2 (ET_EXEC) with the mask 0xfe on its low byte so 3 (ET_DYN, PIE)
 *   matches too, and e_machine in the row's byte order. EI_OSABI,
 *   EI_ABIVERSION and the EI_PAD bytes (7..15) are masked out: toolchains
 *   emit SYSV (0) or GNU/Linux (3) and binfmt_elf ignores the padding, so
 *   neither may decide whether a binary runs.
 *
 *   Rows with flags_mask also test e_flags (offset 36 in ELF32, 48 in
 *   ELF64, in the row's byte order) for flags_value. A catch-all row of
 *   the same class, data and machine as an earlier row with a one-bit
 *   flags_mask requires that bit to be the opposite, so mips (o32) and
 *   mipsn32 never both match (QEMU's qemu-mips entry does the same). The
 *   magic ends at the last byte with a non-zero mask byte.
 *
 *   A row with machine_alt gets a second entry, "binfmt-shim-<arch>-alt",
 *   identical but for e_machine = machine_alt: microblaze's standard
 *   number 189 and the old 0xbaab differ in too many bits for one mask
 *   (Debian's qemu-microblaze matches only 0xbaab). binfmt_arch_of()
 *   maps both names back to the row.
 *
 * interpreter: non-empty, < BINFMT_INTERP_MAX, no newline. flags: NULL or
 * any of "POCF" (normalised as above). Returns the number of entries
 * written to out[0..max), -EINVAL for bad arguments, -ENOSPC when max is
 * too small (BINFMT_ENTRIES_MAX always suffices), -ENOTSUP for a table
 * row whose e_flags exclusion magic/mask cannot express (a catch-all after
 * a multi-bit flags_mask row).
 */
int binfmt_entries_for_arch(const struct arch *a, const char *interpreter,
			    const char *flags, struct binfmt_entry *out,
			    size_t max);

/* The first (standard machine number) entry of binfmt_entries_for_arch;
 * 0 or -errno. */
int binfmt_entry_for_arch(const struct arch *a, const char *interpreter,
			  const char *flags, struct binfmt_entry *out);

/* The arch row of one of our entry names ("binfmt-shim-<arch>" or
 * "binfmt-shim-<arch>-alt"), NULL for anything else. */
const struct arch *binfmt_arch_of(const char *name);

/*
 * The string written to the register file: ":name:M:off:magic:mask:interp:flags"
 * with every magic and mask byte as \xHH (":name:E::ext::interp:flags" for
 * extensions), no trailing newline. The delimiter is ':' unless the name,
 * interpreter or extension contains one; then the first of "|#!,;@%^~"
 * that none contains. Returns strlen, -ENOSPC (buf too small, or the
 * string would exceed BINFMT_REGISTER_MAX) or -EINVAL (an entry the
 * kernel would refuse, or a newline in a field).
 */
int binfmt_format_register(const struct binfmt_entry *e, char *buf, size_t len);

/*
 * Parse the same syntax (binfmt.d lines, register strings) exactly as
 * create_entry() in fs/binfmt_misc.c does: the first byte is the
 * delimiter; the offset is decimal; magic and mask are unescaped like
 * string_unescape(UNESCAPE_HEX) (\xHH, other bytes as they are), the mask
 * must be as long as the magic, offset + size <= 256; flags are any of
 * P, O, C, F then at most one '\n' and the end. Returns 0, -EINVAL for
 * what the kernel refuses, -ENAMETOOLONG for what exceeds our limits.
 * The entry is enabled, as after registration.
 */
int binfmt_parse_register(const char *line, struct binfmt_entry *out);

/*
 * Parse the text of /proc/sys/fs/binfmt_misc/<name>, as entry_status()
 * writes it:
 *   "enabled|disabled\ninterpreter PATH\nflags: [P][O][C][F]\n"
 *   then "offset N\nmagic HEX\n[mask HEX\n]" or "extension .EXT\n".
 * HEX is lower case (bin2hex); upper case is accepted. 0 or -EINVAL.
 */
int binfmt_parse_status(const char *name, const char *text, size_t len,
			struct binfmt_entry *out);

/*
 * Whether e (enabled or not) matches a file with these first bytes and
 * this file name, by the kernel's rules (search_binfmt_handler() in
 * fs/binfmt_misc.c): an extension entry compares its extension with what
 * follows the last '.' of the path as given to execve; a magic entry
 * compares buf[offset..offset+size) under the mask. Bytes past len read
 * as 0, like the kernel's zero-filled bprm->buf for a short file; only
 * the first BINFMT_BUF_SIZE bytes count. filename may be NULL (no
 * extension matches).
 */
bool binfmt_entry_matches(const struct binfmt_entry *e, const char *filename,
			  const uint8_t *buf, size_t len);

/*
 * The entry the kernel would pick: entries[] is in registration order
 * (oldest first); the kernel tries the most recently registered first
 * (list_add() at the head in bm_register_write()) and skips disabled
 * entries. Returns the index or -1.
 */
int binfmt_match(const struct binfmt_entry *entries, size_t n,
		 const char *filename, const uint8_t *buf, size_t len);

/* Whether the name is one of ours ("binfmt-shim-" prefix). */
bool binfmt_is_ours(const char *name);

/* Whether some file matches both entries of one kind: two equal
 * extensions, or two magics whose masks test no bit both with different
 * values. A magic entry and an extension entry: false. */
bool entries_overlap(const struct binfmt_entry *x, const struct binfmt_entry *y);

/* b[0..n) as lowercase hex (the status file's magic and mask) into buf,
 * NUL-terminated: 2n, or -ENOSPC when buf has no room for 2n + 1. */
int hex_bytes(const uint8_t *b, size_t n, char *buf, size_t len);

#endif
