/* SPDX-License-Identifier: GPL-2.0 */
/* The per-arch pinned files `register` makes and `unregister` removes
 * (loader/pinned.c; the format: lib/pinned.h). */
#ifndef BSHIM_LOADER_PINFILE_H
#define BSHIM_LOADER_PINFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "arch.h"

/* Where they live: BINFMT_SHIM_PINNED_DIR (for test rigs; the CLI runs as
 * root and the shim never reads it), else PINNED_DIR_DEFAULT. */
#define PINNED_DIR_DEFAULT "/var/lib/binfmt-shim/pinned"
const char *pinned_dir(void);

/*
 * Make the pinned file of a (the shim with emulator appended) unless an
 * identical one is there. path gets its name, detail a sentence (what
 * it costs on disk). 1 when the file was (re)written, 0 when it was
 * already up to date (or dry), -errno (detail says why) when a cannot be
 * pinned: the caller registers the plain shim then.
 */
int pinned_make(const struct arch *a, const char *shim, const char *emulator, bool dry,
		char *path, size_t plen, char *detail, size_t dlen);

/* Remove a's pinned file (only a file with our trailer). 0, -ENOENT, -errno. */
int pinned_remove(const struct arch *a);

/*
 * Drop the lines that register path from the binfmt.d files persist
 * writes (BOOT_DEFAULT_PATH, BOOT_OLD_PATH; only files whose header says
 * persist wrote them): once the pinned file is deleted such a line fails
 * at boot (with F the kernel opens the interpreter as it registers it).
 * 1 when lines were (dry: would be) dropped, where[] naming the files;
 * 0 when none named it; -errno.
 */
int pinned_unpersist(const char *path, bool dry, char *where, size_t len);

/* unregister --all: delete the pinned files that no live entry (of
 * live, may be NULL) names, then the directory when it is empty. */
struct bm_table;
void pinned_cleanup(const struct bm_table *live);

#endif
