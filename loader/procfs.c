// SPDX-License-Identifier: GPL-2.0
/*
 * The binfmt_misc instance this process sees at /proc/sys/fs/binfmt_misc:
 * reading its entries in the kernel's order, writing registrations and
 * entry controls, and making sure the instance is this user namespace's
 * own (Linux >= 6.7 gives every user namespace its own, see
 * fs/binfmt_misc.c: bm_fill_super / load_binfmt_misc).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "loader.h"

/* BINFMTFS_MAGIC, include/uapi/linux/magic.h */
#define BINFMTFS_MAGIC 0x42494e4d

bool bm_mounted(void)
{
	struct statfs sf;

	return statfs(BM_DIR, &sf) == 0 && sf.f_type == BINFMTFS_MAGIC;
}

static bool special_name(const char *n)
{
	return n[0] == '.' || !strcmp(n, "register") || !strcmp(n, "status");
}

int bm_read_table(struct bm_table *t)
{
	char path[512], text[4096], **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int err = 0;

	memset(t, 0, sizeof(*t));
	if (!bm_mounted())
		return 0;
	t->mounted = true;
	t->enabled = read_small(BM_DIR "/status", text, sizeof(text)) > 0 &&
		     !strncmp(text, "enabled", 7);
	d = opendir(BM_DIR);
	if (!d)
		return -errno;
	/*
	 * binfmt_misc is a libfs tree: readdir lists the newest dentry first
	 * (d_children is added at the head), the same order the kernel tries
	 * the entries in (list_add in bm_register_write, first match wins in
	 * search_binfmt_handler). Collect, then reverse to oldest first.
	 */
	while ((de = readdir(d))) {
		if (special_name(de->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof(*nn));

			if (!nn) {
				err = -ENOMEM;
				goto out;
			}
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			err = -ENOMEM;
			goto out;
		}
		n++;
	}
	t->e = calloc(n ? n : 1, sizeof(*t->e));
	if (!t->e) {
		err = -ENOMEM;
		goto out;
	}
	for (i = n; i-- > 0;) {
		long len;

		snprintf(path, sizeof(path), BM_DIR "/%s", names[i]);
		len = read_small(path, text, sizeof(text));
		if (len < 0)
			continue;	/* removed meanwhile */
		if (binfmt_parse_status(names[i], text, (size_t)len, &t->e[t->n]) < 0)
			continue;
		t->n++;
	}
out:
	closedir(d);
	free_list(names, n);
	if (err)
		bm_table_free(t);
	return err;
}

void bm_table_free(struct bm_table *t)
{
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

const struct binfmt_entry *bm_find(const struct bm_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return &t->e[i];
	return NULL;
}

int bm_write_register(const struct binfmt_entry *e)
{
	char line[BINFMT_REGISTER_MAX + 1];
	int n = binfmt_format_register(e, line, sizeof(line));

	if (n < 0)
		return n;
	return write_all_file(BM_DIR "/register", line, (size_t)n);
}

int bm_entry_ctl(const char *name, const char *what)
{
	char path[512];

	if (strchr(name, '/') || special_name(name))
		return -EINVAL;
	snprintf(path, sizeof(path), BM_DIR "/%s", name);
	return write_all_file(path, what, strlen(what));
}

/*
 * A detached mount of this user namespace's own instance (binfmt_misc
 * sb is keyed by user namespace): fsopen + fsmount, nothing visible yet.
 * Returns the mount fd or -errno.
 */
static int own_instance_fd(void)
{
	int fs, mfd, err;

	fs = fsopen("binfmt_misc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = -errno;
		close(fs);
		return err;
	}
	mfd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		      MOUNT_ATTR_NOEXEC);
	err = mfd < 0 ? -errno : mfd;
	close(fs);
	return err;
}

static int mount_classic(void)
{
	if (mount("binfmt_misc", BM_DIR, "binfmt_misc",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	return 0;
}

int bm_ensure_own(char *note, size_t len)
{
	struct stat live, own;
	int mfd, err;

	note[0] = '\0';
	if (!bm_mounted()) {
		err = mount_classic();
		if (err)
			return err;
		snprintf(note, len, "mounted binfmt_misc at " BM_DIR);
		return 0;
	}
	if (stat(BM_DIR, &live) < 0)
		return -errno;
	mfd = own_instance_fd();
	if (mfd >= 0) {
		if (fstat(mfd, &own) < 0) {
			err = -errno;
			close(mfd);
			return err;
		}
		if (own.st_dev == live.st_dev) {
			close(mfd);
			return 0;	/* the mounted one is ours */
		}
		err = move_mount(mfd, "", AT_FDCWD, BM_DIR, MOVE_MOUNT_F_EMPTY_PATH) < 0 ?
		      -errno : 0;
		close(mfd);
		if (err)
			return err;
	} else {
		/* No new mount API: decide by trying to write the register. */
		if (access(BM_DIR "/register", W_OK) == 0)
			return 0;
		err = mount_classic();
		if (err)
			return err;
	}
	snprintf(note, len,
		 "the binfmt_misc mounted at " BM_DIR " belongs to another user "
		 "namespace (a container or unshare -U); mounted this namespace's "
		 "own instance over it: from now on only its entries apply to "
		 "execs in this namespace");
	return 0;
}
