// SPDX-License-Identifier: GPL-2.0
/*
 * The steps the container tests and the exec bench share to build and
 * enter a busybox-only container (tcontainer.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tcontainer.h"
#include "testlib.h"

int tc_forced_execve(void)
{
	const char *v = getenv("BINFMT_SHIM_HANDOFF");

	return v && !strcmp(v, "execve");
}

int tc_missing(const char *const arches[], size_t n, char *why, size_t len)
{
	char path[128];
	size_t k;

	for (k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "/usr/bin/qemu-%s-static", arches[k]);
		if (!tl_have(path)) {
			snprintf(why, len, "%s missing: apt-get install qemu-user-static", path);
			return 1;
		}
	}
	if (!tl_have("/bin/busybox")) {
		snprintf(why, len, "/bin/busybox missing: apt-get install busybox-static");
		return 1;
	}
	return 0;
}

int tc_copy_in(const char *root, const char *src, const char *dst, mode_t mode)
{
	char path[512], buf[1 << 16];
	int in, out, err = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s%s", root, dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			err = -EIO;
			break;
		}
	if (n < 0)
		err = -errno;
	close(in);
	close(out);
	if (!err && chmod(path, mode) < 0)
		err = -errno;
	return err;
}

int tc_make_root(const char *root, const char *const dirs[], size_t n)
{
	char path[512];
	size_t k;
	int err;

	for (k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s%s", root, dirs[k]);
		if (mkdir(path, 0755) < 0)
			return -errno;
	}
	if ((err = tc_copy_in(root, "/bin/busybox", "/bin/busybox", 0755)))
		return err;
	snprintf(path, sizeof(path), "%s/bin/sh", root);
	return symlink("busybox", path) < 0 ? -errno : 0;
}

int tc_rig_config(const char *root)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/etc/binfmt-shim/shim.conf", root);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = write(fd, TL_RIG_CONFIG, strlen(TL_RIG_CONFIG));
	close(fd);
	return n == (ssize_t)strlen(TL_RIG_CONFIG) ? 0 : -EIO;
}

int tc_private_proc(const char *root, int proc)
{
	char path[512];

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/proc", root);
	if (proc && mount("proc", path, "proc", MS_NOSUID | MS_NODEV, NULL) < 0)
		return -errno;
	return 0;
}

int tc_enter_root(const char *root, int pivot)
{
	if (!pivot)
		return chroot(root) < 0 || chdir("/") < 0 ? -errno : 0;
	/* pivot_root(".", "."): the old root is stacked under the new one
	 * and detached at once (pivot_root(2), NOTES). */
	if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

int tc_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

void tc_drain(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	/* More than fits: read on, so the writer never blocks. */
	while (read(fd, &(char){ 0 }, 1) > 0)
		;
	close(fd);
}

int tc_stdio_open(struct tc_stdio *p)
{
	if (pipe2(p->in, O_CLOEXEC) || pipe2(p->out, O_CLOEXEC) || pipe2(p->err, O_CLOEXEC))
		return -errno;
	return 0;
}

void tc_stdio_child(struct tc_stdio *p)
{
	close(p->in[1]);
	close(p->out[0]);
	close(p->err[0]);
}

void tc_stdio_dup(const struct tc_stdio *p)
{
	dup2(p->in[0], 0);
	dup2(p->out[1], 1);
	dup2(p->err[1], 2);
}

void tc_stdio_collect(struct tc_stdio *p, const char *in, char *out, size_t outlen,
		      char *err, size_t errlen)
{
	close(p->out[1]);
	close(p->err[1]);
	close(p->in[0]);
	if (in)
		(void)!write(p->in[1], in, strlen(in));
	close(p->in[1]);
	tc_drain(p->out[0], out, outlen);
	tc_drain(p->err[0], err, errlen);
}
