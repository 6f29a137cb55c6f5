/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What status, explain and register say about a binfmt_misc entry's
 * interpreter when it is a pinned file (loader/pinned.c makes them): its
 * checks (owner, mode, trailer, the ELF images), whether the emulator it
 * carries is stale (qemu-user-static upgraded since), what it really costs
 * on disk, and whether the entry works inside a container.
 */
#ifndef BSHIM_LOADER_PINSTAT_H
#define BSHIM_LOADER_PINSTAT_H

#include <stdbool.h>
#include <stdint.h>

#include "binfmt.h"
#include "json.h"
#include "pinned.h"

/* The real disk cost of one file: its allocated blocks, less the
 * extents it shares with another file (FIEMAP_EXTENT_SHARED: a reflink
 * clone on btrfs or XFS). */
struct pin_cost {
	uint64_t allocated;		/* st_blocks * 512 */
	uint64_t shared;		/* bytes in shared extents */
	uint64_t cost;			/* allocated - shared */
	bool fiemap;			/* FIEMAP answered */
	char fs[16];			/* "btrfs", "xfs", "ext4", "tmpfs", ... */
};

struct pin_state {
	bool pinned;			/* the file has our trailer */
	struct pinned_info pi;
	char bad[512];			/* why its checks fail, "" when they pass */
	bool stale;			/* the emulator at pi.emu_path changed */
	char stale_why[512];
	struct pin_cost disk;
};

/* Inspect the interpreter at path. Never fails: a file without a trailer
 * (the plain shim, someone's qemu) is !pinned. */
void pin_inspect(const char *path, struct pin_state *ps);

/* The disk cost of the open file fd. 0 or -errno. */
int pin_disk_cost(int fd, struct pin_cost *c);

/* "12.3 MiB on disk" or "64 KiB on disk, 12.3 MiB shared with the
 * emulator (btrfs)": what register and status print. */
void pin_cost_words(const struct pin_cost *c, char *buf, size_t len);

/* Whether the entry e (its interpreter inspected into ps) runs foreign
 * programs inside a container or chroot that has no emulator and no
 * binfmt-shim file; why[] says why or why not. */
bool pin_container_ok(const struct binfmt_entry *e, const struct pin_state *ps,
		      char *why, size_t len);

/* status: the pinned lines of one entry (text), its "pinned" and
 * "containers" keys (JSON), and the closing total line. */
void pin_status_text(const struct binfmt_entry *e, const struct pin_state *ps);
void pin_status_json(struct json_writer *w, const struct binfmt_entry *e,
		     const struct pin_state *ps);
/* Sum over the entries: the pinned files' count and cost, the stale
 * ones (for the exit status). */
struct pin_totals {
	unsigned files, stale, bad;
	uint64_t cost, shared;
};
void pin_totals_add(struct pin_totals *t, const struct binfmt_entry *e,
		    const struct pin_state *ps);
void pin_totals_text(const struct pin_totals *t);
void pin_totals_json(struct json_writer *w, const struct pin_totals *t);

#endif
