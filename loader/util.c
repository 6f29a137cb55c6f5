// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers the subcommands share: reading and probing files with lib/,
 * locating the shim, emulators and sysroots the way the shim does,
 * running a command for its first line of output, the heap JSON document.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "route.h"
#include "jout.h"
#include "loader.h"

long read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	close(fd);
	return (long)used;
}

int write_all_file(const char *path, const char *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t w;
	int err;

	if (fd < 0)
		return -errno;
	/* binfmt_misc takes a registration in one write(2). */
	w = write(fd, s, n);
	err = w < 0 ? -errno : (size_t)w == n ? 0 : -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int mkdir_p(const char *dir, unsigned mode)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

void free_list(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static long fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	return n < 0 ? -errno : n;
}

/* How far the Go build info scan reads in a non-ELF file. */
#define GO_SCAN_MAX (64ULL << 20)

int probe_file(const char *path, struct probe *p)
{
	struct stat st;
	ssize_t n;
	int fd;

	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return p->err = -errno;
	if (fstat(fd, &st) < 0 || (n = pread(fd, p->head, sizeof(p->head), 0)) < 0) {
		p->err = -errno;
		close(fd);
		return p->err;
	}
	p->size = (uint64_t)st.st_size;
	p->head_len = (size_t)n;
	format_probe(p->head, p->head_len, &p->fi);
	p->is_elf = p->fi.format == FMT_ELF;
	if (p->is_elf) {
		p->elf_err = elf_probe(p->head, p->head_len, fd_read, &fd, &p->ei);
		if (!p->elf_err)
			p->is_go = go_probe_elf(&p->ei, fd_read, &fd, &p->gi) == 0 &&
				   p->gi.found;
		if (p->elf_err)
			snprintf(p->desc, sizeof(p->desc), "a broken ELF file: %s",
				 elf_reason_str(p->ei.reason));
		else
			elf_describe(&p->ei, p->desc, sizeof(p->desc));
	} else {
		if (p->fi.format == FMT_MACHO || p->fi.format == FMT_PE)
			p->is_go = go_probe_scan(fd_read, &fd, p->size, GO_SCAN_MAX,
						 &p->gi) == 0 && p->gi.found;
		format_describe(&p->fi, p->desc, sizeof(p->desc));
	}
	close(fd);
	return 0;
}

int check_static_exec(const char *path, char *why, size_t len)
{
	struct probe p;

	why[0] = '\0';
	if (path[0] != '/') {
		snprintf(why, len, "%s is not an absolute path", path);
		return -EINVAL;
	}
	if (probe_file(path, &p) < 0) {
		snprintf(why, len, "%s: %s", path, strerror(-p.err));
		return p.err;
	}
	if (access(path, X_OK) < 0) {
		snprintf(why, len, "%s is not executable", path);
		return -EACCES;
	}
	if (!p.is_elf || p.elf_err) {
		snprintf(why, len, "%s is not an ELF executable (%s)", path, p.desc);
		return -ENOEXEC;
	}
	if (p.ei.has_interp) {
		snprintf(why, len,
			 "%s is dynamically linked (interpreter %s): with the F flag "
			 "the kernel runs it inside chroots and containers that lack "
			 "its libraries; use the static shim (make build/shim) or "
			 "drop F with --flags", path, p.ei.interp);
		return -ENOEXEC;
	}
	return 0;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int default_shim(char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	/* Installed: $PREFIX/bin/binfmt-shim -> $PREFIX/libexec/binfmt-shim/shim */
	snprintf(buf, len, "%s/../libexec/binfmt-shim/shim", self);
	if (is_file(buf)) {
		char real[PATH_MAX];

		if (realpath(buf, real))
			snprintf(buf, len, "%s", real);
		return 0;
	}
	/* In the tree: build/binfmt-shim beside build/shim. */
	snprintf(buf, len, "%s/shim", self);
	if (is_file(buf))
		return 0;
	snprintf(buf, len, "%s/../libexec/binfmt-shim/shim", self);
	return -ENOENT;
}

enum route_stat route_stat_host(void *ctx, const char *path)
{
	struct stat st;

	(void)ctx;
	if (stat(path, &st) < 0)
		return ROUTE_MISSING;
	if (!S_ISREG(st.st_mode))
		return ROUTE_OTHER;
	return access(path, X_OK) == 0 ? ROUTE_EXECUTABLE : ROUTE_FILE;
}

/* The shim's default emulator search (lib/route.c), no config. */
int find_emulator(const struct arch *a, char *buf, size_t len)
{
	struct route r;
	int err = route_emulator(a, NULL, route_stat_host, NULL, &r);

	snprintf(buf, len, "%s", err ? "" : r.emulator);
	return err;
}

int run_capture(char *const argv[], char *out, size_t len)
{
	int pfd[2], status, devnull;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + used, len - 1 - used)) > 0) {
		used += (size_t)n;
		if (used + 1 >= len)
			break;
	}
	out[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Big enough for every document we print (status of ~100 entries). */
#define JDOC_CAP (4u << 20)

void jdoc_init(struct jdoc *d)
{
	d->cap = JDOC_CAP;
	d->buf = malloc(d->cap);
	jw_init(&d->w, d->buf ? d->buf : (char *)"", d->buf ? d->cap : 0);
}

int jdoc_print(struct jdoc *d, FILE *f)
{
	int n = jw_finish(&d->w);

	if (n < 0)
		return n;
	fwrite(d->buf, 1, (size_t)n, f);
	return 0;
}

void jdoc_free(struct jdoc *d)
{
	free(d->buf);
	d->buf = NULL;
}

int select_arches(const struct cli *c, bool *sel)
{
	const struct arch *a;
	int i;

	memset(sel, 0, arch_count * sizeof(*sel));
	if (c->opts & OPT_ALL) {
		memset(sel, 1, arch_count * sizeof(*sel));
		return 0;
	}
	for (i = 0; i < c->nargs; i++) {
		a = arch_by_name(c->args[i]);
		if (!a) {
			err_msg("%s: unknown arch '%s'; '%s arches' lists the names "
				"and aliases", c->cmd->name, c->args[i], prog_name);
			return -EINVAL;
		}
		sel[a - arch_table] = true;
	}
	return 0;
}

/* The settings the shim works with, read as it reads them
 * (shim/decide.c): the system file, with the caller's BINFMT_SHIM_CONFIG
 * layered on it by config_merge. path gets the file a fix should name. */
int load_config_file(const char *path, struct shim_config *cfg)
{
	static char text[64 * 1024 + 1];
	long n;
	int rc;

	config_init(cfg);
	n = read_small(path, text, sizeof(text));
	rc = n < 0 ? (int)n : config_parse(cfg, text, (size_t)n);
	if (rc < 0 && rc != -EINVAL)
		config_init(cfg);	/* unreadable: all defaults, as the shim */
	return rc;
}

int load_shim_config(struct shim_config *cfg, char *path, size_t len)
{
	static struct shim_config user;
	const char *p = getenv("BINFMT_SHIM_CONFIG");
	int rc, urc;

	snprintf(path, len, "%s", CONFIG_FILE_DEFAULT);
	rc = load_config_file(path, cfg);
	if (!p || !*p)
		return rc;
	urc = load_config_file(p, &user);
	config_merge(cfg, &user);
	if (cfg->users_override) {
		snprintf(path, len, "%s", p);
		return urc;
	}
	return rc;
}

void log_sink(const struct shim_config *cfg, char *buf, size_t len)
{
	const char *e = getenv("BINFMT_SHIM_LOG"), *p = config_log_path(cfg, e);

	snprintf(buf, len, "%s%s", p, p == e ? " (BINFMT_SHIM_LOG)" : "");
}
