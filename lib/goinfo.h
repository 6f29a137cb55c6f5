/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_GOINFO_H
#define BSHIM_GOINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/* What a Go binary says about how it was built (.go.buildinfo). */
struct go_info {
	bool found;		/* the build info magic was found */
	bool old_format;	/* pre-1.18 pointer format: recognised only */
	char version[32];	/* "go1.19.8", "" when unknown */
	char goos[16];		/* from the build settings, "" when absent */
	char goarch[16];
	char goarm[16];		/* GOARM=, "" when absent ("7", "6,softfloat") */
	char goamd64[8];	/* GOAMD64=, "" when absent */
	char cgo[4];		/* CGO_ENABLED= "0"/"1", "" when absent */
	char path[128];		/* main package path, "" when absent */
};

/* The magic every .go.buildinfo blob starts with (14 bytes). */
#define GO_BUILDINFO_MAGIC "\xff Go buildinf:"
#define GO_BUILDINFO_MAGIC_LEN 14

/*
 * Parse a .go.buildinfo blob that starts with the magic. Returns 0,
 * -ENOENT when buf does not start with the magic, -EINVAL when it is
 * malformed (out->found false). Pure. Strings are NUL-terminated with
 * control bytes shown as '?'; a version or path longer than its field is
 * cut to fit, a setting that does not fit is left "".
 */
int go_parse_buildinfo(const void *buf, size_t len, struct go_info *out);

/*
 * Find and parse the build info of an ELF file: the .go.buildinfo section
 * when section headers exist, else a bounded scan for the magic.
 * Returns 0 (out->found), -ENOENT (not a Go binary) or -EINVAL.
 */
int go_probe_elf(const struct elf_info *ei, bshim_read_fn rd, void *ctx,
		 struct go_info *out);

/*
 * Bounded scan of any file (Mach-O, PE, ELF without sections) of size
 * file_size for the magic, 16-byte aligned as the Go linker writes it,
 * reading at most max_scan bytes. Same returns as go_probe_elf.
 */
int go_probe_scan(bshim_read_fn rd, void *ctx, uint64_t file_size,
		  uint64_t max_scan, struct go_info *out);

#endif
