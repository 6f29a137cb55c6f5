// SPDX-License-Identifier: GPL-2.0
/* A file on disk, probed with lib/ (format, ELF, Go build info), and the
 * check a registered interpreter must pass (static, executable ELF). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

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
