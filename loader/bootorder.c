// SPDX-License-Identifier: GPL-2.0
/*
 * After a reboot, which entries will the kernel pick? systemd-binfmt
 * decides, and it does it this way (src/binfmt/binfmt.c and
 * src/basic/conf-files.c in systemd 252, Debian 12; binfmt.d(5)):
 *
 *  - it lists the *.conf files of /etc/binfmt.d, /run/binfmt.d,
 *    /usr/local/lib/binfmt.d and /usr/lib/binfmt.d; a file name in an
 *    earlier directory hides the same name in a later one (an empty file
 *    or a symlink to /dev/null so masks a package's file);
 *  - it flushes every entry ("-1" to binfmt_misc/status), then applies
 *    the files in the order of their names (strcmp of the name alone,
 *    whatever the directory), each line that is not empty and does not
 *    start with '#' or ';' as one registration: delete_rule() removes an
 *    entry of the same name first, then it writes the line to register.
 *
 * binfmt_misc puts each new entry at the head of its list and uses the
 * first that matches (list_add() in bm_register_write(),
 * search_binfmt_handler() in fs/binfmt_misc.c), so the entry registered
 * last wins. Debian's qemu-user-static installs
 * /usr/lib/binfmt.d/qemu-<arch>.conf: a file of ours named
 * binfmt-shim.conf was applied before them, and after a reboot every
 * foreign binary went to qemu directly, unrecorded. Replaying the same
 * steps here shows what will shadow ours before the reboot does.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootorder.h"
#include "loader.h"

const char *const boot_dirs[] = {
	"/etc/binfmt.d", "/run/binfmt.d", "/usr/local/lib/binfmt.d", "/usr/lib/binfmt.d",
	NULL,
};

/* A binfmt.d file is one register string per line, each at most
 * BINFMT_REGISTER_MAX bytes: a file larger than this is not one anyone
 * wrote by hand, and only its first part is replayed. */
#define BOOT_FILE_MAX (1 << 20)

struct bfile {
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
	bool ours;
};

struct bent {
	struct binfmt_entry e;
	size_t file;			/* index into the files */
};

struct replay {
	struct bfile *f;
	size_t nf, capf;
	struct bent *t;
	size_t nt, capt;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct bfile *)a)->name, ((const struct bfile *)b)->name);
}

/* The index of the file of that name, or -1. */
static long find_name(const struct replay *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (!strcmp(r->f[i].name, name))
			return (long)i;
	return -1;
}

static int add_file(struct replay *r, const char *dir, const char *name, bool ours)
{
	struct bfile *f;

	if (r->nf == r->capf) {
		f = realloc(r->f, (r->capf = r->capf ? r->capf * 2 : 64) * sizeof(*f));
		if (!f)
			return -ENOMEM;
		r->f = f;
	}
	f = &r->f[r->nf];
	if (snprintf(f->name, sizeof(f->name), "%s", name) >= (int)sizeof(f->name) ||
	    snprintf(f->path, sizeof(f->path), "%s/%s", dir, name) >= (int)sizeof(f->path))
		return 0;		/* no such file can exist */
	f->ours = ours;
	r->nf++;
	return 0;
}

/* conf_files_list(): names ending in ".conf", not hidden, of files or
 * links (dirent_is_file_with_suffix(): a directory of such a name hides
 * nothing). */
static bool conf_entry(const struct dirent *de)
{
	size_t l = strlen(de->d_name);

	return de->d_name[0] != '.' && l > 5 && !strcmp(de->d_name + l - 5, ".conf") &&
	       (de->d_type == DT_REG || de->d_type == DT_LNK || de->d_type == DT_UNKNOWN);
}

/* One registration, as apply_rule() does it: an entry of the same name
 * goes first; the new one is the newest. */
static int replay_line(struct replay *r, const char *line, size_t file)
{
	struct binfmt_entry e;
	struct bent *t;
	size_t i;

	if (binfmt_parse_register(line, &e) < 0)
		return 0;		/* the kernel refuses it too */
	/* With F the kernel opens the interpreter when the line is
	 * registered (open_exec() in bm_register_write()): no file, no
	 * entry. */
	if (strchr(e.flags, 'F') && access(e.interpreter, F_OK) < 0)
		return 0;
	for (i = 0; i < r->nt; i++)
		if (!strcmp(r->t[i].e.name, e.name)) {
			memmove(&r->t[i], &r->t[i + 1], (r->nt - i - 1) * sizeof(*r->t));
			r->nt--;
			break;
		}
	if (r->nt == r->capt) {
		t = realloc(r->t, (r->capt = r->capt ? r->capt * 2 : 64) * sizeof(*t));
		if (!t)
			return -ENOMEM;
		r->t = t;
	}
	r->t[r->nt].e = e;
	r->t[r->nt].file = file;
	r->nt++;
	return 0;
}

/* apply_file(): each line stripped; empty ones and comments skipped. */
static int replay_text(struct replay *r, char *text, size_t file)
{
	char *line, *next, *end;
	int err;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line += strspn(line, " \t\r");
		end = line + strlen(line);
		while (end > line && strchr(" \t\r", end[-1]))
			*--end = '\0';
		if (!*line || *line == '#' || *line == ';')
			continue;
		if ((err = replay_line(r, line, file)))
			return err;
	}
	return 0;
}

bool boot_dir_of(const char *path, size_t *dir)
{
	const char *slash = strrchr(path, '/');
	size_t i;

	for (i = 0; slash && boot_dirs[i]; i++)
		if (strlen(boot_dirs[i]) == (size_t)(slash - path) &&
		    !strncmp(path, boot_dirs[i], (size_t)(slash - path))) {
			*dir = i;
			return true;
		}
	return false;
}

/* The files systemd-binfmt would apply, in its order, with ours standing
 * in for whatever is at its path. */
static int list_files(struct replay *r, const char *ours, size_t ourdir, int *warned)
{
	const char *ourname = strrchr(ours, '/') + 1;
	struct dirent *de;
	size_t i;
	long k;
	DIR *d;
	int err;

	for (i = 0; boot_dirs[i]; i++) {
		if (i == ourdir) {
			if ((k = find_name(r, ourname)) >= 0) {
				warn_msg("persist: %s hides %s: of files with the same name "
					 "systemd-binfmt reads only the first in %s, %s, %s, %s",
					 r->f[k].path, ours, boot_dirs[0], boot_dirs[1],
					 boot_dirs[2], boot_dirs[3]);
				(*warned)++;
			} else if ((err = add_file(r, boot_dirs[i], ourname, true))) {
				return err;
			}
		}
		d = opendir(boot_dirs[i]);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (conf_entry(de) && find_name(r, de->d_name) < 0 &&
			    (err = add_file(r, boot_dirs[i], de->d_name, false))) {
				closedir(d);
				return err;
			}
		closedir(d);
	}
	if (r->nf)
		qsort(r->f, r->nf, sizeof(*r->f), cmp_name);
	return 0;
}

int boot_order_warn(const char *ours_path, const char *ours_text)
{
	struct replay r = { 0 };
	const struct arch *a;
	char *text = NULL;
	size_t ourdir, i, j;
	int err, warned = 0;
	long len;

	if (!boot_dir_of(ours_path, &ourdir)) {
		ours_path = BOOT_DEFAULT_PATH;
		boot_dir_of(ours_path, &ourdir);
	}
	if ((err = list_files(&r, ours_path, ourdir, &warned)))
		goto out;
	text = malloc(BOOT_FILE_MAX + 1);
	if (!text) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < r.nf; i++) {
		if (r.f[i].ours) {
			snprintf(text, BOOT_FILE_MAX + 1, "%s", ours_text);
		} else {
			len = read_small(r.f[i].path, text, BOOT_FILE_MAX + 1);
			if (len < 0)
				continue;	/* a dangling link, a directory */
			text[len] = '\0';
		}
		if ((err = replay_text(&r, text, i)))
			goto out;
	}
	/* An entry registered after one of ours is tried before it. */
	for (i = 0; i < r.nt; i++) {
		if (!r.f[r.t[i].file].ours || !binfmt_is_ours(r.t[i].e.name))
			continue;
		a = binfmt_arch_of(r.t[i].e.name);
		for (j = i + 1; j < r.nt; j++) {
			if (r.f[r.t[j].file].ours || !entries_overlap(&r.t[i].e, &r.t[j].e))
				continue;
			warn_msg("persist: after a reboot the kernel will pick %s from %s "
				 "for %s binaries, not %s: systemd-binfmt applies %s after "
				 "%s (files in name order, the last registered wins). "
				 "Rename or remove it, or mask it with "
				 "'ln -s /dev/null %s/%s' (binfmt.d(5))",
				 r.t[j].e.name, r.f[r.t[j].file].path, a ? a->name : "these",
				 r.t[i].e.name, r.f[r.t[j].file].name, r.f[r.t[i].file].name,
				 boot_dirs[0], r.f[r.t[j].file].name);
			warned++;
		}
	}
	err = warned;
out:
	free(text);
	free(r.f);
	free(r.t);
	return err;
}
