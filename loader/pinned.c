// SPDX-License-Identifier: GPL-2.0
/*
 * The pinned file of an arch: the static shim, then the emulator at a
 * PINNED_ALIGN offset, then the trailer (lib/pinned.h). Registered as the
 * entry's interpreter, it is what the kernel keeps open for the F flag,
 * so the shim carries its emulator into every container (shim/mapped.c).
 *
 * Written as root, mode 0755, to a temporary name and renamed into place,
 * so a running exec never sees half a file; the kernel keeps its own open
 * copy of the old one until the entry is registered again. The emulator
 * is cloned (FICLONERANGE: btrfs, XFS with reflink; no disk cost) where
 * the file system can, else copied with copy_file_range; the gap before
 * it is a hole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootorder.h"
#include "loader.h"
#include "pinfile.h"
#include "pinned.h"
#include "pinstat.h"

const char *pinned_dir(void)
{
	const char *d = getenv("BINFMT_SHIM_PINNED_DIR");

	return d && d[0] == '/' ? d : PINNED_DIR_DEFAULT;
}

/* Copy len bytes of in to out at dst: copy_file_range (which may itself
 * share extents, or copy in the kernel), else read and write. *how says
 * which did the work. */
static int copy_range(int in, int out, uint64_t len, uint64_t dst, const char **how)
{
	static char buf[1 << 16];
	loff_t ioff = 0, ooff = (loff_t)dst;
	uint64_t done = 0;
	ssize_t n;

	while (done < len) {
		n = copy_file_range(in, &ioff, out, &ooff, (size_t)(len - done), 0);
		if (n > 0) {
			done += (uint64_t)n;
			*how = "copied with copy_file_range";
			continue;
		}
		if (n == 0)
			return -EIO;	/* the source shrank */
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL &&
		    errno != EOPNOTSUPP)
			return -errno;
		/* No copy_file_range between these files: read and write. */
		*how = "copied";
		while (done < len) {
			n = pread(in, buf, sizeof(buf), (off_t)done);
			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			if (pwrite(out, buf, (size_t)n, (off_t)(dst + done)) != n)
				return -errno;
			done += (uint64_t)n;
		}
	}
	return 0;
}

/* Whether the files a and b have the same bytes. */
static bool same_bytes(const char *a, int bfd, uint64_t size)
{
	static char x[1 << 16], y[1 << 16];
	struct stat st;
	uint64_t off = 0;
	bool same = false;
	int afd = open(a, O_RDONLY | O_CLOEXEC);

	if (afd < 0)
		return false;
	if (fstat(afd, &st) < 0 || (uint64_t)st.st_size != size)
		goto out;
	while (off < size) {
		ssize_t n = pread(afd, x, sizeof(x), (off_t)off);

		if (n <= 0 || pread(bfd, y, (size_t)n, (off_t)off) != n || memcmp(x, y, (size_t)n))
			goto out;
		off += (uint64_t)n;
	}
	same = true;
out:
	close(afd);
	return same;
}

/* Whether the file in place is root's and writable by no one else, as
 * the shim demands (shim/mapped.c): the same bytes with a mode someone
 * loosened are written again, and registered again. */
static bool safe_mode(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	       !(st.st_mode & 022);
}

static void human(uint64_t n, char *buf, size_t len)
{
	if (n >= 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", (double)n / (1024 * 1024));
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)(n + 1023) / 1024);
}

/* Whether emulator can be pinned: 0, or -errno with detail[] saying why. */
static int pin_check(const struct arch *a, const char *emulator, char *detail,
		     size_t dlen)
{
	char why[512];

	if (!emulator || !emulator[0]) {
		snprintf(detail, dlen, "no qemu-%s on this host to pin", a->name);
		return -ENOENT;
	}
	if (check_static_exec(emulator, why, sizeof(why)) < 0) {
		snprintf(detail, dlen, "%s cannot be pinned: %s", emulator, why);
		return -ENOEXEC;
	}
	if (strlen(emulator) >= PINNED_PATH_MAX) {
		snprintf(detail, dlen, "%s: path too long to pin", emulator);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* The trailer's fields for the shim ss and the emulator es. */
static void pin_info(struct pinned_info *pi, const struct arch *a, const char *emulator,
		     const struct stat *ss, const struct stat *es)
{
	struct stat ts;

	pi->shim_size = (uint64_t)ss->st_size;
	pi->emu_offset = pinned_emu_offset(pi->shim_size);
	pi->emu_size = (uint64_t)es->st_size;
	pi->emu_dev = (uint64_t)es->st_dev;
	pi->emu_ino = (uint64_t)es->st_ino;
	pi->emu_mtime = (uint64_t)es->st_mtime;
	pi->emu_st_size = (uint64_t)es->st_size;
	/* The root this registration serves: a shim that finds another "/"
	 * is in a chroot or container and writes no host log there. */
	if (stat("/", &ts) == 0) {
		pi->root_dev = (uint64_t)ts.st_dev;
		pi->root_ino = (uint64_t)ts.st_ino;
	}
	snprintf(pi->arch, sizeof(pi->arch), "%s", a->name);
	snprintf(pi->emu_path, sizeof(pi->emu_path), "%s", emulator);
}

/* The shim, the emulator (cloned where the file system can: *cloned) and
 * the trailer into tfd, root's and mode 0755: 0 or -errno. */
static int pin_write(int sfd, int efd, int tfd, const struct pinned_info *pi,
		     bool *cloned, const char **copied_how)
{
	unsigned char trailer[PINNED_TRAILER_SIZE];
	int rc = copy_range(sfd, tfd, pi->shim_size, 0, copied_how);

	if (!rc) {
		/* The emulator's blocks shared, where the file system can:
		 * src_length 0 means "to the end of the source" (ioctl_ficlonerange(2)). */
		struct file_clone_range fcr = {
			.src_fd = efd, .src_offset = 0, .src_length = 0,
			.dest_offset = pi->emu_offset,
		};

		*cloned = ioctl(tfd, FICLONERANGE, &fcr) == 0;
		if (!*cloned)
			rc = copy_range(efd, tfd, pi->emu_size, pi->emu_offset, copied_how);
	}
	if (!rc && (pinned_format(pi, trailer) < 0 ||
		    pwrite(tfd, trailer, sizeof(trailer), (off_t)(pi->emu_offset + pi->emu_size)) !=
		    (ssize_t)sizeof(trailer)))
		rc = errno ? -errno : -EINVAL;
	/* Root's, and writable by no one else: the shim checks it. */
	if (!rc && (fchown(tfd, 0, 0) < 0 || fchmod(tfd, 0755) < 0 || fsync(tfd) < 0))
		rc = -errno;
	return rc;
}

/* Whether the file at path already holds tfd's bytes, safely: then
 * detail[] says so, with what the file in place costs. */
static bool pin_up_to_date(const char *path, int tfd, const char *emulator,
			   const char *hs, const char *he, char *detail, size_t dlen)
{
	struct pin_cost cost;
	struct stat ts;
	char hd[160];
	int pfd;

	fstat(tfd, &ts);
	if (!same_bytes(path, tfd, (uint64_t)ts.st_size) || !safe_mode(path))
		return false;
	/* What the file in place costs, not the copy just made. */
	pfd = open(path, O_RDONLY | O_CLOEXEC);
	if (pfd < 0 || pin_disk_cost(pfd, &cost) < 0)
		pin_disk_cost(tfd, &cost);
	if (pfd >= 0)
		close(pfd);
	pin_cost_words(&cost, hd, sizeof(hd));
	snprintf(detail, dlen, "%s is up to date (shim %s + %s %s; %s)",
		 path, hs, emulator, he, hd);
	return true;
}

int pinned_make(const struct arch *a, const char *shim, const char *emulator, bool dry,
		char *path, size_t plen, char *detail, size_t dlen)
{
	char tmp[4200] = "", hs[32], he[32], hd[160];
	struct pin_cost cost;
	struct pinned_info pi = { 0 };
	struct stat ss, es;
	int sfd = -1, efd = -1, tfd = -1, rc;
	bool cloned = false;
	const char *copied_how = "copied";

	snprintf(path, plen, "%s/%s", pinned_dir(), a->name);
	detail[0] = '\0';
	rc = pin_check(a, emulator, detail, dlen);
	if (rc)
		return rc;
	if (dry) {
		snprintf(detail, dlen, "would pin %s with the shim in %s", emulator, path);
		return 0;
	}
	rc = mkdir_p(pinned_dir(), 0755);
	if (rc && rc != -EEXIST) {
		snprintf(detail, dlen, "%s: %s", pinned_dir(), strerror(-rc));
		return rc;
	}
	sfd = open(shim, O_RDONLY | O_CLOEXEC);
	efd = open(emulator, O_RDONLY | O_CLOEXEC);
	if (sfd < 0 || efd < 0 || fstat(sfd, &ss) < 0 || fstat(efd, &es) < 0) {
		rc = -errno;
		snprintf(detail, dlen, "%s: %s", sfd < 0 ? shim : emulator, strerror(-rc));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d", pinned_dir(), a->name, (int)getpid());
	unlink(tmp);
	tfd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (tfd < 0) {
		rc = -errno;
		snprintf(detail, dlen, "%s: %s", tmp, strerror(-rc));
		goto out;
	}
	pin_info(&pi, a, emulator, &ss, &es);
	rc = pin_write(sfd, efd, tfd, &pi, &cloned, &copied_how);
	if (rc) {
		snprintf(detail, dlen, "writing %s: %s", tmp, strerror(-rc));
		goto out;
	}
	human(pi.shim_size, hs, sizeof(hs));
	human(pi.emu_size, he, sizeof(he));
	if (pin_up_to_date(path, tfd, emulator, hs, he, detail, dlen)) {
		rc = 0;
		goto out;
	}
	if (rename(tmp, path) < 0) {
		rc = -errno;
		snprintf(detail, dlen, "rename to %s: %s", path, strerror(-rc));
		goto out;
	}
	tmp[0] = '\0';
	/* The real cost: allocated blocks less the extents shared with the
	 * emulator (FIEMAP), where the clone worked. */
	pin_disk_cost(tfd, &cost);
	pin_cost_words(&cost, hd, sizeof(hd));
	snprintf(detail, dlen, "pinned %s with the shim in %s (shim %s + emulator %s; "
		 "%s; the emulator %s)", emulator, path, hs, he, hd,
		 cloned ? "cloned" : copied_how);
	rc = 1;
out:
	if (tfd >= 0)
		close(tfd);
	if (tmp[0] && tfd >= 0)
		unlink(tmp);
	if (sfd >= 0)
		close(sfd);
	if (efd >= 0)
		close(efd);
	return rc;
}

static bool is_pinned_file(const char *path)
{
	unsigned char t[PINNED_TRAILER_SIZE];
	struct pinned_info pi;
	struct stat st;
	bool ok;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= PINNED_TRAILER_SIZE &&
	     pread(fd, t, sizeof(t), st.st_size - PINNED_TRAILER_SIZE) == (ssize_t)sizeof(t) &&
	     pinned_parse(t, sizeof(t), (uint64_t)st.st_size, &pi) == 0;
	close(fd);
	return ok;
}

/* Every file persist writes starts so (loader/persist.c). */
#define PERSIST_HEADER "# binfmt-shim registrations, written by"

/*
 * Drop from the binfmt.d file `file` (only one persist wrote: its first
 * line says so) every line that registers path. 1 when lines were
 * dropped, 0 when none named it, -errno. Rewritten to a temporary name
 * and renamed, as persist writes it.
 */
static int unpersist_file(const char *file, const char *path, bool dry)
{
	char line[BINFMT_REGISTER_MAX + 2], tmp[4200];
	struct binfmt_entry e;
	char *text = NULL;
	size_t tlen = 0;
	int dropped = 0, fd, rc = 0;
	FILE *f = fopen(file, "re"), *m;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (!fgets(line, sizeof(line), f) || strncmp(line, PERSIST_HEADER, strlen(PERSIST_HEADER))) {
		fclose(f);
		return 0;		/* not persist's: not ours to edit */
	}
	m = open_memstream(&text, &tlen);
	if (!m) {
		fclose(f);
		return -errno;
	}
	do {
		char entry[sizeof(line)];

		snprintf(entry, sizeof(entry), "%s", line);
		entry[strcspn(entry, "\n")] = '\0';
		if (entry[0] == ':' && binfmt_parse_register(entry, &e) == 0 &&
		    !strcmp(e.interpreter, path)) {
			dropped++;
			continue;
		}
		fputs(line, m);
	} while (fgets(line, sizeof(line), f));
	fclose(f);
	if (fclose(m)) {
		free(text);
		return -errno;
	}
	if (!dropped || dry) {
		free(text);
		return dropped > 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", file, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, text, tlen) != (ssize_t)tlen || fsync(fd) < 0)
		rc = -errno;
	if (fd >= 0 && close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, file) < 0)
		rc = -errno;
	if (rc && fd >= 0)
		unlink(tmp);
	free(text);
	return rc ? rc : 1;
}

int pinned_unpersist(const char *path, bool dry, char *where, size_t len)
{
	static const char *const files[] = { BOOT_DEFAULT_PATH, BOOT_OLD_PATH };
	size_t i, n = 0;
	int rc, ret = 0;

	where[0] = '\0';
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		rc = unpersist_file(files[i], path, dry);
		if (rc > 0 && n < len)
			n += (size_t)snprintf(where + n, len - n, "%s%s", n ? " and " : "",
					      files[i]);
		if (rc < 0 && !ret)
			ret = rc;
		else if (rc > 0 && ret >= 0)
			ret = 1;
	}
	return ret;
}

int pinned_remove(const struct arch *a)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", pinned_dir(), a->name);
	if (!is_pinned_file(path))
		return access(path, F_OK) < 0 ? -errno : -EINVAL;	/* not ours: left alone */
	return unlink(path) < 0 ? -errno : 0;
}

/*
 * unregister --all: also the pinned files no live entry names (an arch
 * unregistered by an older binfmt-shim, a register interrupted between
 * writing and registering); then the directory, when empty.
 */
void pinned_cleanup(const struct bm_table *live)
{
	char path[4400];
	struct dirent *de;
	DIR *d = opendir(pinned_dir());
	size_t i;

	while (d && (de = readdir(d))) {
		bool used = false;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", pinned_dir(), de->d_name);
		for (i = 0; live && i < live->n && !used; i++)
			used = !strcmp(live->e[i].interpreter, path);
		if (!used && is_pinned_file(path))
			unlink(path);
	}
	if (d)
		closedir(d);
	(void)rmdir(pinned_dir());
}
