// SPDX-License-Identifier: GPL-2.0
/*
 * persist: a binfmt.d file (systemd-binfmt's format, binfmt.d(5): one
 * register string per line, '#' and ';' start comments) for the live
 * binfmt-shim-* entries, so systemd-binfmt.service registers them again at
 * boot. Also the state `register --replace` keeps: the names of the other
 * entries it disabled, one per line, so `unregister` re-enables them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootorder.h"
#include "loader.h"

/* /run is cleared at boot, like the binfmt_misc table itself. */
#define STATE_DIR_DEFAULT "/run/binfmt-shim"
#define STATE_FILE "replaced"
/* Every file persist writes starts so; the old-named file is removed
 * only when it does. */
#define PERSIST_HEADER "# binfmt-shim registrations, written by"

int state_path(char *buf, size_t len)
{
	const char *dir = getenv("BINFMT_SHIM_STATE_DIR");

	if (!dir || !*dir)
		dir = STATE_DIR_DEFAULT;
	if (snprintf(buf, len, "%s/" STATE_FILE, dir) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int state_list(char ***names, size_t *n)
{
	char path[PATH_MAX], line[BINFMT_NAME_MAX + 2];
	size_t cap = 0;
	FILE *f;
	int err;

	*names = NULL;
	*n = 0;
	if ((err = state_path(path, sizeof(path))))
		return err;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || strchr(line, '/'))
			continue;
		if (*n == cap) {
			char **nn = realloc(*names, (cap = cap ? cap * 2 : 16) * sizeof(*nn));

			if (!nn)
				break;
			*names = nn;
		}
		(*names)[*n] = strdup(line);
		if ((*names)[*n])
			(*n)++;
	}
	fclose(f);
	return 0;
}

int state_add(const char *name)
{
	char path[PATH_MAX], dir[PATH_MAX], **names;
	size_t n, i;
	FILE *f;
	int err;

	if ((err = state_path(path, sizeof(path))))
		return err;
	if (state_list(&names, &n) == 0) {
		for (i = 0; i < n && strcmp(names[i], name); i++)
			;
		free_list(names, n);
		if (i < n)
			return 0;	/* already remembered */
	}
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if ((err = mkdir_p(dir, 0755)))
		return err;
	f = fopen(path, "ae");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", name);
	return fclose(f) ? -errno : 0;
}

int state_clear(void)
{
	char path[PATH_MAX];
	int err;

	if ((err = state_path(path, sizeof(path))))
		return err;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

/* The binfmt.d text for our live entries into a malloc'd string. */
static int persist_text(const struct bm_table *t, char **out, size_t *outlen,
			size_t *count)
{
	char line[BINFMT_REGISTER_MAX + 1];
	size_t i;
	FILE *f;
	int n;

	*count = 0;
	f = open_memstream(out, outlen);
	if (!f)
		return -errno;
	fprintf(f, PERSIST_HEADER " '%s persist'.\n"
		"# systemd-binfmt.service loads this file at boot; see binfmt.d(5)\n"
		"# and binfmt-shim(8). Regenerate it rather than editing it. Its name\n"
		"# sorts after qemu-*.conf: systemd-binfmt applies the files in name\n"
		"# order and the kernel tries the entry registered last first.\n",
		prog_name);
	for (i = 0; i < t->n; i++) {
		if (!binfmt_is_ours(t->e[i].name) || !t->e[i].enabled)
			continue;
		n = binfmt_format_register(&t->e[i], line, sizeof(line));
		if (n < 0) {
			fclose(f);
			free(*out);
			return n;
		}
		fprintf(f, "%s\n", line);
		(*count)++;
	}
	return fclose(f) ? -errno : 0;
}

/* Write path atomically: a temporary file beside it, then rename. */
static int write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd, err = 0;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if ((err = mkdir_p(dir, 0755)))
			return err;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/*
 * Before the file was named to sort after qemu-*.conf it was
 * BOOT_OLD_PATH. Once the new file is written the old one only registers
 * the same names earlier (and maybe arches no longer registered), so it
 * goes, if it is ours. 1 when removed, 0 when there was none, -errno.
 */
static int remove_old(const char *written)
{
	char head[sizeof(PERSIST_HEADER)];
	size_t d;
	long n;

	if (!strcmp(written, BOOT_OLD_PATH) || !boot_dir_of(written, &d))
		return 0;
	n = read_small(BOOT_OLD_PATH, head, sizeof(head));
	if (n < 0)
		return n == -ENOENT ? 0 : (int)n;
	if (strncmp(head, PERSIST_HEADER, strlen(PERSIST_HEADER)))
		return 0;		/* someone else's file of that name */
	return unlink(BOOT_OLD_PATH) < 0 ? -errno : 1;
}

int cmd_persist(const struct cli *c)
{
	const char *path = c->output ? c->output : BOOT_DEFAULT_PATH;
	struct bm_table t;
	char *text = NULL;
	size_t len = 0, count = 0;
	int err, rc = EXIT_USAGE;

	if ((c->opts & OPT_PRINT) && c->output) {
		err_msg("persist: give --print or --output, not both");
		return EXIT_USAGE;
	}
	err = bm_read_table(&t);
	if (err) {
		err_msg("persist: reading " BM_DIR ": %s", strerror(-err));
		return EXIT_USAGE;
	}
	if (!t.mounted) {
		err_msg("persist: binfmt_misc is not mounted at " BM_DIR
			"; register first ('%s register --all')", prog_name);
		goto out;
	}
	err = persist_text(&t, &text, &len, &count);
	if (err) {
		err_msg("persist: %s", strerror(-err));
		goto out;
	}
	if (!count)
		warn_msg("no binfmt-shim-* entries are registered: the file "
			 "registers nothing; run '%s register --all' first",
			 prog_name);
	if (c->opts & OPT_PRINT) {
		fwrite(text, 1, len, stdout);
		boot_order_warn(BOOT_DEFAULT_PATH, text);
		rc = EXIT_OK;
		goto out;
	}
	err = write_atomic(path, text, len);
	if (err) {
		err_msg("persist: writing %s: %s%s", path, strerror(-err),
			err == -EACCES || err == -EPERM ?
			" (run as root, or use --print)" : "");
		goto out;
	}
	printf("wrote %s (%zu entr%s); systemd-binfmt.service registers them at "
	       "boot ('systemctl restart systemd-binfmt' applies it now)\n",
	       path, count, count == 1 ? "y" : "ies");
	err = remove_old(path);
	if (err > 0)
		printf("removed %s, the name it had before: it was registered before "
		       "qemu-*.conf, whose entries then won\n", BOOT_OLD_PATH);
	else if (err < 0)
		warn_msg("persist: removing %s: %s; it registers the same entries "
			 "earlier: remove it", BOOT_OLD_PATH, strerror(-err));
	boot_order_warn(path, text);
	rc = EXIT_OK;
out:
	free(text);
	bm_table_free(&t);
	return rc;
}
