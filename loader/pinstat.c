// SPDX-License-Identifier: GPL-2.0
/*
 * The pinned files as status, explain and register report them
 * (loader/pinstat.h): the same checks the shim makes before it maps
 * anything (shim/mapped.c: root's, writable by no one else, a trailer
 * that describes the file, an emulator lib/loadplan.c accepts), the
 * staleness the shim records ("emulator_stale"), the real disk cost and
 * whether the entry works in a container.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "loader.h"
#include "loadplan.h"
#include "pinstat.h"

#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC 0x58465342
#endif

static const char *fs_name(long type)
{
	switch ((unsigned long)type) {
	case BTRFS_SUPER_MAGIC: return "btrfs";
	case XFS_SUPER_MAGIC: return "xfs";
	case EXT4_SUPER_MAGIC: return "ext4";	/* also ext2 and ext3 */
	case TMPFS_MAGIC: return "tmpfs";
	case OVERLAYFS_SUPER_MAGIC: return "overlay";
	default: return "other";
	}
}

/*
 * FIEMAP (Documentation/filesystems/fiemap.rst): the extents of the file,
 * with FIEMAP_EXTENT_SHARED on those another file (the emulator a
 * FICLONERANGE cloned from) shares. FIEMAP_FLAG_SYNC first, or delayed
 * allocation hides extents not yet written. tmpfs has no FIEMAP: its
 * cost is its allocated blocks.
 */
int pin_disk_cost(int fd, struct pin_cost *c)
{
	enum { N = 64 };
	struct statfs sf;
	struct stat st;
	struct fiemap *fm;
	uint64_t start = 0;
	bool last = false;

	memset(c, 0, sizeof(*c));
	if (fstat(fd, &st) < 0)
		return -errno;
	c->allocated = (uint64_t)st.st_blocks * 512;
	snprintf(c->fs, sizeof(c->fs), "%s", fstatfs(fd, &sf) == 0 ? fs_name(sf.f_type) : "?");
	fm = calloc(1, sizeof(*fm) + N * sizeof(struct fiemap_extent));
	if (!fm)
		return -ENOMEM;
	while (!last && start < (uint64_t)st.st_size) {
		uint64_t from = start;
		unsigned i;

		memset(fm, 0, sizeof(*fm) + N * sizeof(struct fiemap_extent));
		fm->fm_start = start;
		fm->fm_length = ~0ULL - start;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = N;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) < 0)
			break;
		c->fiemap = true;
		if (!fm->fm_mapped_extents)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			const struct fiemap_extent *x = &fm->fm_extents[i];

			if (x->fe_flags & FIEMAP_EXTENT_SHARED)
				c->shared += x->fe_length;
			if (x->fe_flags & FIEMAP_EXTENT_LAST)
				last = true;
			start = x->fe_logical + x->fe_length;
		}
		if (start <= from)
			break;		/* no progress: never loop on a confused answer */
	}
	free(fm);
	/* The last extent may run past EOF to its block's end. */
	if (c->shared > c->allocated)
		c->shared = c->allocated;
	c->cost = c->allocated - c->shared;
	return 0;
}

static void human(uint64_t n, char *buf, size_t len)
{
	if (n >= 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", (double)n / (1024 * 1024));
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)(n + 1023) / 1024);
}

void pin_cost_words(const struct pin_cost *c, char *buf, size_t len)
{
	char cost[32], shared[32];

	human(c->cost, cost, sizeof(cost));
	human(c->shared, shared, sizeof(shared));
	if (c->shared)
		snprintf(buf, len, "%s on disk, %s shared with the emulator (%s)",
			 cost, shared, c->fs);
	else
		snprintf(buf, len, "%s on disk (%s: %s)", cost, c->fs,
			 !strcmp(c->fs, "btrfs") || !strcmp(c->fs, "xfs") ?
			 "no extent shared with the emulator" :
			 "a copy: this file system shares no extents");
}

struct region {
	int fd;
	uint64_t base, size;
};

static long region_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct region *r = ctx;
	ssize_t n;

	if (off >= r->size)
		return 0;
	if (len > r->size - off)
		len = (size_t)(r->size - off);
	n = pread(r->fd, buf, len, (off_t)(r->base + off));
	return n < 0 ? -errno : (long)n;
}

/* The checks the shim makes before it maps the emulator. */
static void check_file(int fd, const struct stat *st, struct pin_state *ps)
{
	unsigned char m[4];

	if (!pinned_owner_ok((uint32_t)st->st_uid, (uint32_t)st->st_mode, false)) {
		snprintf(ps->bad, sizeof(ps->bad), "owned by uid %u with mode %04o: "
			 "the shim refuses it (it must be root's and writable by no "
			 "one else)", (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
		return;
	}
	if (pread(fd, m, 4, 0) != 4 || memcmp(m, ELFMAG, SELFMAG)) {
		snprintf(ps->bad, sizeof(ps->bad), "the shim at its start is no ELF file");
		return;
	}
#ifdef HOST_MACHINE
	{
		struct region r = { fd, ps->pi.emu_offset, ps->pi.emu_size };
		struct load_plan plan;

		if (load_plan_make(region_read, &r, r.size, ELFCLASS64, HOST_DATA,
				   HOST_MACHINE, (uint64_t)sysconf(_SC_PAGESIZE), &plan) < 0)
			snprintf(ps->bad, sizeof(ps->bad), "the emulator in it cannot be "
				 "mapped: %s", load_why_str(plan.why));
	}
#endif
}

/* What the shim compares on each exec (shim/mapped.c, shim_pinned_probe). */
static void check_stale(struct pin_state *ps)
{
	const struct pinned_info *pi = &ps->pi;
	struct stat st, root;
	const char *what;

	if (pi->root_ino && stat("/", &root) == 0 &&
	    pinned_other_root(pi, (uint64_t)root.st_dev, (uint64_t)root.st_ino))
		return;		/* pinned from another root: its path is not ours */
	if (stat(pi->emu_path, &st) < 0) {
		ps->stale = true;
		snprintf(ps->stale_why, sizeof(ps->stale_why), "%s is gone (%s)",
			 pi->emu_path, strerror(errno));
		return;
	}
	what = pinned_changed(pi, (uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
			      (uint64_t)st.st_mtime);
	if (!what)
		return;
	ps->stale = true;
	snprintf(ps->stale_why, sizeof(ps->stale_why), "%s changed since it was pinned (%s)",
		 pi->emu_path, what);
}

void pin_inspect(const char *path, struct pin_state *ps)
{
	unsigned char t[PINNED_TRAILER_SIZE];
	struct stat st;
	int fd, rc;

	memset(ps, 0, sizeof(*ps));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < PINNED_TRAILER_SIZE ||
	    pread(fd, t, sizeof(t), st.st_size - PINNED_TRAILER_SIZE) != (ssize_t)sizeof(t))
		goto out;
	rc = pinned_parse(t, sizeof(t), (uint64_t)st.st_size, &ps->pi);
	if (rc == -ENOENT)
		goto out;
	ps->pinned = true;
	if (rc < 0)
		snprintf(ps->bad, sizeof(ps->bad), "its trailer does not describe the "
			 "file (%lld bytes): the shim refuses it", (long long)st.st_size);
	else
		check_file(fd, &st, ps);
	if (!rc)
		check_stale(ps);
	pin_disk_cost(fd, &ps->disk);
out:
	close(fd);
}

bool pin_container_ok(const struct binfmt_entry *e, const struct pin_state *ps,
		      char *why, size_t len)
{
	bool f = strchr(e->flags, 'F') != NULL;
	const struct arch *a = binfmt_arch_of(e->name);
	char emu[4096] = "";

	if (!binfmt_is_ours(e->name)) {
		if (f)
			snprintf(why, len, "flag F: the kernel opened %s at registration, "
				 "and uses that file in every mount namespace", e->interpreter);
		else
			snprintf(why, len, "no flag F: the kernel opens %s at each exec, so it "
				 "must exist inside the container", e->interpreter);
		return f;
	}
	if (!f) {
		snprintf(why, len, "no flag F: the kernel opens %s at each exec, which a "
			 "container does not have; register again without --flags (the "
			 "default FP has F)", e->interpreter);
		return false;
	}
	if (ps->pinned && ps->bad[0]) {
		snprintf(why, len, "its pinned file fails its checks (%s): register %s "
			 "again", ps->bad, a ? a->name : "ARCH");
		return false;
	}
	if (ps->pinned) {
		snprintf(why, len, "the kernel keeps %s open (flag F), and it carries the "
			 "emulator (%s)", e->interpreter, ps->pi.emu_path);
		return true;
	}
	if (a)
		find_emulator(a, emu, sizeof(emu));
	if (emu[0])
		snprintf(why, len, "the kernel keeps the shim open (flag F), but the shim "
			 "finds %s by its path, which exists only on the host: '%s register "
			 "%s' pins it with the shim", emu, prog_name, a->name);
	else
		snprintf(why, len, "the kernel keeps the shim open (flag F), but no "
			 "qemu-%s is installed here to pin with it, and the shim finds none "
			 "inside a container", a ? a->name : "ARCH");
	return false;
}

void pin_status_text(const struct binfmt_entry *e, const struct pin_state *ps)
{
	char why[1200], cost[160];
	bool ok = pin_container_ok(e, ps, why, sizeof(why));

	if (ps->pinned) {
		pin_cost_words(&ps->disk, cost, sizeof(cost));
		printf("  pinned      %s with the shim; %s\n",
		       ps->pi.emu_path[0] ? T(ps->pi.emu_path) : "?", cost);
		if (ps->stale)
			printf("  STALE       %s: '%s register %s' pins the new one\n",
			       T(ps->stale_why), prog_name, T(ps->pi.arch));
	}
	printf("  containers  %s: %s\n", ok ? "yes" : "no", T(why));
}

void pin_status_json(struct json_writer *w, const struct binfmt_entry *e,
		     const struct pin_state *ps)
{
	char why[1200];
	bool ok = pin_container_ok(e, ps, why, sizeof(why));

	jw_key(w, "containers");
	jw_object_begin(w);
	jw_kv_bool(w, "works", ok);
	jw_kv_string(w, "why", why);
	jw_object_end(w);
	if (!ps->pinned) {
		jw_kv_null(w, "pinned");
		return;
	}
	jw_key(w, "pinned");
	jw_object_begin(w);
	jw_kv_string(w, "arch", ps->pi.arch);
	jw_kv_string(w, "emulator", ps->pi.emu_path);
	jw_kv_bool(w, "stale", ps->stale);
	jw_kv_string(w, "stale_why", ps->stale_why[0] ? ps->stale_why : NULL);
	jw_kv_string(w, "refused", ps->bad[0] ? ps->bad : NULL);
	jw_kv_string(w, "fs", ps->disk.fs);
	jw_kv_uint(w, "allocated_bytes", ps->disk.allocated);
	jw_kv_uint(w, "shared_bytes", ps->disk.shared);
	jw_kv_uint(w, "disk_bytes", ps->disk.cost);
	jw_object_end(w);
}

void pin_totals_add(struct pin_totals *t, const struct binfmt_entry *e,
		    const struct pin_state *ps)
{
	/* An arch's second entry (-alt) has the same interpreter. */
	if (!ps->pinned || !binfmt_is_ours(e->name) || strstr(e->name, BINFMT_ALT_SUFFIX))
		return;
	t->files++;
	t->stale += ps->stale;
	t->bad += ps->bad[0] != '\0';
	t->cost += ps->disk.cost;
	t->shared += ps->disk.shared;
}

void pin_totals_text(const struct pin_totals *t)
{
	char cost[32], shared[32];

	if (!t->files)
		return;
	human(t->cost, cost, sizeof(cost));
	human(t->shared, shared, sizeof(shared));
	printf("pinned:      %u file%s, %s on disk%s%s%s\n", t->files, t->files == 1 ? "" : "s",
	       cost, t->shared ? " (" : "", t->shared ? shared : "",
	       t->shared ? " shared with the emulators)" : "");
	if (t->stale)
		printf("\n%u pinned emulator%s stale (qemu-user-static was upgraded since "
		       "register): '%s register' with the same arches pins the new one%s\n",
		       t->stale, t->stale == 1 ? " is" : "s are", prog_name,
		       t->stale == 1 ? "" : "s");
}

void pin_totals_json(struct json_writer *w, const struct pin_totals *t)
{
	jw_key(w, "pinned_files");
	jw_object_begin(w);
	jw_kv_uint(w, "count", t->files);
	jw_kv_uint(w, "stale", t->stale);
	jw_kv_uint(w, "refused", t->bad);
	jw_kv_uint(w, "disk_bytes", t->cost);
	jw_kv_uint(w, "shared_bytes", t->shared);
	jw_object_end(w);
}
