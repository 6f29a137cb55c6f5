/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests of `binfmt-shim status`, which exits 1 when the execs of
 * users other than root would be recorded nowhere (loader/sinkcheck.c):
 * a stand-in collector (a listening socket, open to all, named by a
 * config the CLI reads), and a /dev/log that takes nothing, so the
 * answer never depends on the host's syslog. Call from inside the
 * test's private mount namespace (tl_private_binfmt, se_setup).
 */
#ifndef BSHIM_TEST_SINK_H
#define BSHIM_TEST_SINK_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A SEQPACKET socket listening at dir/shimd.sock (mode 0666) and a config
 * dir/shim.conf naming it ([log] socket, [log] path = dir/exec.jsonl),
 * set as BINFMT_SHIM_CONFIG. The listening fd (kept open by the test),
 * or -errno. */
static inline int sink_fake_collector(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char conf[256], text[512];
	int fd, cfd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.90s/shimd.sock", dir);
	snprintf(conf, sizeof(conf), "%.200s/shim.conf", dir);
	snprintf(text, sizeof(text), "[log]\nsocket = %s\npath = %.200s/exec.jsonl\n",
		 sa.sun_path, dir);
	cfd = open(conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (cfd < 0)
		return -errno;
	if (write(cfd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(cfd);
		return -EIO;
	}
	close(cfd);
	setenv("BINFMT_SHIM_CONFIG", conf, 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(sa.sun_path, 0666) < 0 || listen(fd, 16) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Where /dev/log exists, an empty file over it (in this mount namespace
 * only): a connect there is refused, as on a host without syslog. */
static inline int sink_hide_devlog(const char *dir)
{
	char empty[256];
	int fd;

	if (access("/dev/log", F_OK) < 0)
		return 0;
	snprintf(empty, sizeof(empty), "%.200s/no-dev-log", dir);
	fd = open(empty, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return mount(empty, "/dev/log", NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

#endif
