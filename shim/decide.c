// SPDX-License-Identifier: GPL-2.0
/* Read the config, probe the binary, choose emulator and sysroot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

/* Environment overrides are the caller's word: ignored when AT_SECURE. */
static const char *env(const struct shim *s, const char *name)
{
	const char *v = s->secure ? NULL : getenv(name);

	return v && *v ? v : NULL;
}

static long read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

/* Read and parse one config file into c: 0, -ENOENT (defaults), or -errno
 * (an unreadable or oversized file counts as all defaults); -EINVAL when
 * some lines were skipped. text is the caller's (64 KiB, .bss). */
static int load_file(const char *path, struct shim_config *c, char *text)
{
	long n;
	int fd, rc;

	config_init(c);
	fd = shim_open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	n = read_all(fd, text, SHIM_CONFIG_MAX + 1);
	close(fd);
	if (n < 0)
		rc = (int)n;
	else if (n > SHIM_CONFIG_MAX)
		rc = -EFBIG;
	else
		rc = config_parse(c, text, (size_t)n);
	if (rc < 0 && rc != -EINVAL)
		config_init(c);	/* unreadable: all defaults */
	return rc;
}

/*
 * The system file is always read. The caller's environment may add to it
 * (a copy of the record, denies: config_merge) but never take the system
 * record away or loosen a policy, unless the system file says
 * [users] override = yes (test rigs). For a secure exec the environment is
 * not asked at all.
 */
void shim_load_config(struct shim *s)
{
	static char text[SHIM_CONFIG_MAX + 1];
	const char *elog = env(s, "BINFMT_SHIM_LOG"), *v;

	s->config_path = CONFIG_FILE_DEFAULT;
	s->config_rc = load_file(s->config_path, &s->cfg, text);
	s->uconfig_path = env(s, "BINFMT_SHIM_CONFIG");
	if (s->uconfig_path) {
		s->uconfig_rc = load_file(s->uconfig_path, &s->ucfg, text);
		config_merge(&s->cfg, &s->ucfg);
	}
	s->log_path = config_log_path(&s->cfg, elog);
	s->verify_run = (v = env(s, "BINFMT_SHIM_VERIFY")) && !strcmp(v, "1");
	if (!s->cfg.users_override) {
		s->user_log = config_user_log(elog, s->uconfig_path ? &s->ucfg : NULL);
		if (s->user_log && !strcmp(s->user_log, s->log_path))
			s->user_log = NULL;	/* the system record is the copy */
	}
}

static long pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	if (off > (uint64_t)INT64_MAX)
		return -EINVAL;
	do
		n = pread(fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (long)n;
}

/*
 * The probes read small pieces: program headers, then each section header
 * and its name for the Go build-info lookup. A few 8 KiB windows, aligned
 * to 4 KiB, turn some 60 preads into three or four (make bench counts).
 */
#define WIN_SIZE 8192
#define WIN_ALIGN 4096
#define WIN_COUNT 4

struct window {
	uint64_t off;
	size_t len;		/* 0: empty */
	unsigned char *buf;
};

/* Zero-initialised (.bss): an initialiser would put 32 KiB in .data. The
 * window headers sit together, apart from the buffers, so that clearing
 * them touches one page, not one per buffer (make bench: page faults). */
static unsigned char win_buf[WIN_COUNT][WIN_SIZE];
static struct {
	int fd_plus1;		/* the fd the windows belong to, + 1 */
	unsigned next;
	struct window w[WIN_COUNT];
} cache;

static long fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	struct window *w;
	unsigned i;
	long n;

	if (fd + 1 != cache.fd_plus1) {
		for (i = 0; i < WIN_COUNT; i++) {
			cache.w[i].len = 0;
			cache.w[i].buf = win_buf[i];
		}
		cache.next = 0;
		cache.fd_plus1 = fd + 1;
	}
	if (len > WIN_SIZE - WIN_ALIGN)
		return pread_full(fd, buf, len, off);
	for (i = 0; i < WIN_COUNT; i++) {
		w = &cache.w[i];
		if (w->len && off >= w->off && off - w->off <= w->len) {
			size_t have = w->len - (size_t)(off - w->off);

			/* A short window is the end of the file. */
			if (have >= len || w->len < WIN_SIZE) {
				n = (long)(have < len ? have : len);
				memcpy(buf, w->buf + (off - w->off), (size_t)n);
				return n;
			}
		}
	}
	w = &cache.w[cache.next++ % WIN_COUNT];
	w->off = off & ~(uint64_t)(WIN_ALIGN - 1);
	n = pread_full(fd, w->buf, WIN_SIZE, w->off);
	if (n < 0) {
		w->len = 0;
		return n;
	}
	w->len = (size_t)n;
	if (off - w->off >= w->len)
		return 0;
	n = (long)(w->len - (size_t)(off - w->off) < len ? w->len - (size_t)(off - w->off) : len);
	memcpy(buf, w->buf + (off - w->off), (size_t)n);
	return n;
}

static void fail(struct shim *s, enum shim_why why, int err)
{
	s->event = why == WHY_DENIED ? EV_DENY : EV_FAIL;
	s->why = why;
	s->err = err;
}

void shim_probe(struct shim *s)
{
	long n;

	if (s->why)
		return;
	if (s->execfd >= 0) {
		s->fd = s->execfd;
	} else {
		s->fd = shim_open(s->path, O_RDONLY | O_NOCTTY, 0);
		if (s->fd < 0) {
			fail(s, WHY_UNREADABLE, errno);
			return;
		}
	}
	n = fd_read(&s->fd, 0, s->head, sizeof(s->head));
	if (n < 0) {
		fail(s, WHY_UNREADABLE, (int)-n);
		return;
	}
	s->head_len = (size_t)n;
	format_probe(s->head, s->head_len, &s->fmt);
	if (s->fmt.format != FMT_ELF) {
		format_describe(&s->fmt, s->describe, sizeof(s->describe));
		fail(s, WHY_NOT_ELF, 0);
		return;
	}
	s->elf_rc = elf_probe(s->head, s->head_len, fd_read, &s->fd, &s->elf);
	if (s->elf_rc < 0) {
		/* The ident and header fields that did parse still say what
		 * the file meant to be. */
		snprintf(s->describe, sizeof(s->describe),
			 "ELF %s-bit %s %s, %zu bytes read (%s)",
			 s->elf.elf_class == 2 ? "64" : "32",
			 elf_data_str(s->elf.elf_data), elf_machine_str(s->elf.machine),
			 s->head_len, elf_reason_str(s->elf.reason));
		fail(s, WHY_CORRUPT, EINVAL);
		return;
	}
	elf_describe(&s->elf, s->describe, sizeof(s->describe));
	/* Only the section lookup, no scan: the hot path stays a few preads. */
	if (go_probe_elf(&s->elf, fd_read, &s->fd, &s->go) < 0)
		memset(&s->go, 0, sizeof(s->go));
	s->arch = s->elf.arch;
	/* `go test` binaries carry the Go version but no build settings: the
	 * ELF header says the rest (OS ABI SYSV/GNU is Linux for Go). */
	if (s->go.found && !s->go.goarch[0] && s->arch && arch_goarch(s->arch) &&
	    (s->elf.osabi == 0 || s->elf.osabi == 3)) {
		snprintf(s->go.goos, sizeof(s->go.goos), "linux");
		snprintf(s->go.goarch, sizeof(s->go.goarch), "%s", arch_goarch(s->arch));
		s->go_inferred = true;
	}
}

enum route_stat shim_fs_stat(void *ctx, const char *path)
{
	struct stat st;

	(void)ctx;
	if (stat(path, &st) < 0)
		return ROUTE_MISSING;
	if (!S_ISREG(st.st_mode))
		return ROUTE_OTHER;
	return access(path, X_OK) == 0 ? ROUTE_EXECUTABLE : ROUTE_FILE;
}

/* The emulator pinned with this shim will be the one used (shim_route):
 * the search of the usual paths (a stat and an access each, six stats in
 * a container that has none) would find nothing that is used. */
static bool pinned_here(const struct shim *s)
{
	const struct config_arch *ca = config_for_arch(&s->cfg, s->arch);

	return s->emu.fd >= 0 && !strcmp(s->emu.pin.arch, s->arch->name) &&
	       !(ca && ca->emulator[0]);
}

static enum route_stat no_search(void *ctx, const char *path)
{
	(void)ctx;
	(void)path;
	return ROUTE_MISSING;
}

/*
 * The F flag pins only the shim: inside a chroot or container the emulator
 * path may not exist. When the root of our parent, or of PID 1, differs
 * from ours and has the emulator, say which path to bind in.
 */
static void look_outside(struct shim *s)
{
	const char *name[2] = { "-static", "" };
	char root[64], cand[ROUTE_PATH_MAX * 2];
	struct stat ours, theirs;
	size_t r, d, k;

	if (stat("/", &ours) < 0)
		return;
	for (r = 0; r < 2; r++) {
		snprintf(root, sizeof(root), "/proc/%d/root", r ? 1 : s->ppid);
		if (stat(root, &theirs) < 0 ||
		    (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino))
			continue;
		for (k = 0; k < 2; k++)
			for (d = 0; route_emulator_dirs[d]; d++) {
				if (s->route.emulator_configured && (d || k))
					break;
				if (s->route.emulator_configured)
					snprintf(cand, sizeof(cand), "%s%s", root,
						 s->route.emulator);
				else
					snprintf(cand, sizeof(cand), "%s%s/qemu-%s%s",
						 root, route_emulator_dirs[d],
						 s->arch->name, name[k]);
				if (access(cand, X_OK) == 0) {
					snprintf(s->host_emulator, sizeof(s->host_emulator),
						 "%s", cand + strlen(root));
					return;
				}
			}
	}
}

void shim_route(struct shim *s)
{
	int rc;

	if (s->why)
		return;
	if (!s->arch) {
		fail(s, WHY_NO_TARGET, 0);
		return;
	}
	/* binfmt_elf runs the host's own binaries before binfmt_misc is asked:
	 * one that reaches us was refused by the kernel, and an emulator of
	 * the host would not fix that. */
	if (s->arch == arch_host()) {
		fail(s, WHY_HOST_ARCH, 0);
		return;
	}
	rc = route_emulator(s->arch, &s->cfg, pinned_here(s) ? no_search : shim_fs_stat, NULL,
			    &s->route);
	if (s->route.denied) {
		fail(s, WHY_DENIED, 0);
		return;
	}
	/* The emulator pinned with the shim (shim/mapped.c) is the one
	 * registered: it runs on the host and in every container alike.
	 * A configured emulator still decides. */
	if (!s->route.emulator_configured) {
		shim_pinned_probe(s);
	} else if (s->emu.fd >= 0) {
		close(s->emu.fd);
		s->emu.fd = -1;
	}
	if (s->emu.pinned) {
		snprintf(s->route.emulator, sizeof(s->route.emulator), "%s",
			 s->emu.pin.emu_path);
		rc = 0;
	}
	if (rc == -EACCES) {
		fail(s, WHY_EMULATOR_NOEXEC, EACCES);
		return;
	}
	if (rc < 0) {
		if (arch_is_host_family(s->arch)) {
			fail(s, WHY_COMPAT_OFF, 0);
		} else if (s->emu.pinned_error[0]) {
			fail(s, WHY_PINNED_BAD, ENOENT);
		} else if (s->emu.proc_err) {
			fail(s, WHY_PINNED_NO_PROC, s->emu.proc_err);
		} else {
			look_outside(s);
			fail(s, s->host_emulator[0] ? WHY_EMULATOR_OUTSIDE
						    : WHY_NO_EMULATOR, ENOENT);
		}
		return;
	}
	if (route_sysroot(s->arch, &s->elf, &s->cfg, shim_fs_stat, NULL, &s->route) < 0)
		fail(s, WHY_NO_SYSROOT, ENOENT);
}
