/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_ROUTE_H
#define BSHIM_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "arch.h"
#include "config.h"
#include "elf.h"

/*
 * Routing: which emulator and which sysroot the shim uses for a binary.
 * Pure: file-system questions go through the caller's callback, so the
 * shim (stat/access), the loader's `explain` and the tests (a table of
 * paths) share one implementation.
 */

/* What the caller's file system says about a path. */
enum route_stat {
	ROUTE_MISSING = 0,
	ROUTE_FILE,		/* exists, not executable by us */
	ROUTE_EXECUTABLE,	/* regular file we may execute */
	ROUTE_OTHER,		/* exists but not a regular file */
};
typedef enum route_stat (*route_stat_fn)(void *ctx, const char *path);

/* The directories searched for qemu-<target>-static, then qemu-<target>,
 * in this order (Debian's qemu-user-static ships /usr/bin and
 * /usr/libexec/qemu-binfmt). NULL-terminated. */
extern const char *const route_emulator_dirs[];

/* Where a dynamic binary's PT_INTERP is looked for after the configured
 * sysroot: /usr/<triplet> for each triplet of the arch (Debian's cross libc
 * packages), /etc/qemu-binfmt/<arch>, /usr/gnemul/qemu-<arch>. */

#define ROUTE_PATH_MAX 512

struct route {
	/* emulator */
	char emulator[ROUTE_PATH_MAX];	/* chosen, "" when none */
	bool emulator_configured;	/* from the config file */
	bool emulator_user;		/* ... the caller's, not the system's */
	enum route_stat emulator_stat;	/* of the configured one */
	char searched[ROUTE_PATH_MAX];	/* human list of what was tried */
	/* sysroot */
	bool needs_sysroot;		/* PT_INTERP missing on the host */
	char sysroot[ROUTE_PATH_MAX];	/* chosen, "" when none needed/found */
	bool sysroot_configured;
	char sysroot_searched[ROUTE_PATH_MAX];
	/* policy */
	bool denied;
	unsigned policy_line;		/* config line of the deny, 0: none */
	bool policy_user;		/* ... in the caller's file, not the system's */
};

/* Choose the emulator for a. Returns 0, or -ENOENT when none is usable
 * (r->searched lists the candidates; a configured emulator that exists but
 * is not executable is -EACCES). */
int route_emulator(const struct arch *a, const struct shim_config *cfg,
		   route_stat_fn st, void *ctx, struct route *r);

/* Choose the sysroot for a dynamic binary: 0 (r->sysroot may be "" when
 * the interpreter exists on the host), or -ENOENT when no candidate has
 * the interpreter. Static binaries: 0, nothing chosen. */
int route_sysroot(const struct arch *a, const struct elf_info *ei,
		  const struct shim_config *cfg, route_stat_fn st, void *ctx,
		  struct route *r);

/* The Debian package that ships a's cross libc for this binary, e.g.
 * "libc6-armhf-cross" for a hard-float ARM binary; "" when Debian has none. */
void route_libc_package(const struct arch *a, const struct elf_info *ei,
			char *buf, size_t len);

#endif
