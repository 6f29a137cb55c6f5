// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../loader/nsprobe.h"
#include "testlib.h"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	err = n < 0 ? -errno : (size_t)n == strlen(s) ? 0 : -EIO;
	close(fd);
	return err;
}

/* The SKIP reason: the cause and fix binfmt-shim exec would name
 * (lib/nscause.c, loader/nsprobe.c), one line. */
static int refused(enum ns_step step, int err, char *why, size_t whylen)
{
	char cause[512], fix[512];
	struct ns_facts f;

	ns_gather(&f, step, -err);
	ns_explain(&f, ns_cause(&f), cause, sizeof(cause), fix, sizeof(fix));
	snprintf(why, whylen, "no private binfmt_misc here: %s; fix: %s", cause, fix);
	return err;
}

int tl_private_binfmt(char *why, size_t whylen)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	int err;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return refused(NS_STEP_UNSHARE, -errno, why, whylen);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if ((err = write_file("/proc/self/setgroups", "deny")) && err != -ENOENT)
		goto fail;
	if ((err = write_file("/proc/self/uid_map", map)))
		goto fail;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if ((err = write_file("/proc/self/gid_map", map)))
		goto fail;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		err = -errno;
		goto fail;
	}
	if (mount("binfmt_misc", BINFMT_MNT, "binfmt_misc",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return refused(NS_STEP_MOUNT, -errno, why, whylen);
	return tl_private_system(TL_RIG_CONFIG, why, whylen);
fail:
	return refused(NS_STEP_MAP, err, why, whylen);
}

int tl_system_config(const char *text)
{
	int fd, err = 0;
	ssize_t n;

	if (mkdir("/etc/binfmt-shim", 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = open("/etc/binfmt-shim/shim.conf", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text))
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

/*
 * The system paths the shim reads and writes, private to this mount
 * namespace: a tmpfs on /var/log (the default log), one on /var/tmp, and
 * /etc as an overlay whose upper layer lives in that /var/log tmpfs, so
 * /etc/binfmt-shim/shim.conf is the test's while the rest of /etc stays
 * visible. Nothing reaches the host's files.
 */
int tl_private_system(const char *config, char *why, size_t whylen)
{
	static const char *const dirs[] = { "/var/log/.etc", "/var/log/.etc/upper",
					    "/var/log/.etc/work" };
	size_t i;
	int err;

	if (mount("tmpfs", "/var/log", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0 ||
	    mount("tmpfs", "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		goto fail;
	/* The upper layer's root is the overlay's root: it gets /etc's mode,
	 * or no other uid could look up anything in /etc. */
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], i < 2 ? 0755 : 0700) < 0)
			goto fail;
	if (mount("overlay", "/etc", "overlay", 0,
		  "lowerdir=/etc,upperdir=/var/log/.etc/upper,workdir=/var/log/.etc/work") < 0)
		goto fail;
	/* `binfmt-shim register` pins the emulator with the shim in a file
	 * of its own (loader/pinned.c): in the private /var/tmp, not the
	 * host's /var/lib. Its state (what --replace disabled, the mount it
	 * made) likewise, unless the test named a directory of its own. */
	setenv("BINFMT_SHIM_PINNED_DIR", "/var/tmp/binfmt-shim-pinned", 1);
	setenv("BINFMT_SHIM_STATE_DIR", "/var/tmp/binfmt-shim-state", 0);
	if (config && (err = tl_system_config(config))) {
		snprintf(why, whylen, "writing the private shim.conf: %s", strerror(-err));
		return err;
	}
	return 0;
fail:
	err = -errno;
	snprintf(why, whylen, "private /var/log, /var/tmp and /etc: %s", strerror(errno));
	return err;
}

/* Bind dir (if it lies under /tmp) back into the fresh /tmp through an
 * O_PATH fd opened before the tmpfs covered it. */
static int keep_dir(int fd, const char *dir)
{
	char path[4096], src[64], *p;

	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 5; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	return mount(src, path, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
}

int tl_private_tmp(void)
{
	const char *dirs[3] = { BSHIM_TOP, getenv("BSHIM_BUILD"), getenv("BSHIM_FIXTURES") };
	int fds[3], i, err = 0;

	/* The tree under test may itself live in /tmp (a CI clone): keep
	 * it, and the build and fixture dirs the environment names. */
	for (i = 0; i < 3; i++)
		fds[i] = dirs[i] && !strncmp(dirs[i], "/tmp/", 5) &&
			 (i == 0 || strncmp(dirs[i], BSHIM_TOP "/", strlen(BSHIM_TOP) + 1)) ?
			 open(dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		err = -errno;
	for (i = 0; i < 3; i++) {
		if (!err)
			err = keep_dir(fds[i], dirs[i]);
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return err;
}

int tl_full_userns(char *why, size_t len)
{
	int go[2];
	char path[64], c;
	pid_t me = getpid(), helper;
	int st;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	helper = fork();
	if (helper < 0)
		return -errno;
	if (helper == 0) {
		int err = 0;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)me);
		err |= write_file(path, "0 0 65536");
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)me);
		err |= write_file(path, "0 0 65536");
		_exit(err ? 2 : 0);
	}
	close(go[0]);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
		snprintf(why, len, "unshare: %s", strerror(errno));
		close(go[1]);
		waitpid(helper, NULL, 0);
		return -errno;
	}
	if (write(go[1], "x", 1) != 1 || waitpid(helper, &st, 0) != helper)
		return -EIO;
	close(go[1]);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len, "mapping 65536 uids needs real root");
		return -EPERM;
	}
	return setresuid(0, 0, 0) || setresgid(0, 0, 0) ? -errno : 0;
}

int tl_register(const char *line)
{
	return write_file(BINFMT_MNT "/register", line);
}

int tl_binfmt_enable(const char *name, int on)
{
	char path[512];

	snprintf(path, sizeof(path), BINFMT_MNT "/%s", name);
	return write_file(path, on ? "1" : "0");
}

static const char *top_build(void)
{
	const char *b = getenv("BSHIM_BUILD");

	return b && *b ? b : BSHIM_TOP "/build";
}

const char *tl_fixture(const char *name, char *buf, size_t len)
{
	const char *f = getenv("BSHIM_FIXTURES");

	if (f && *f)
		snprintf(buf, len, "%s/%s", f, name);
	else
		snprintf(buf, len, "%s/fixtures/%s", top_build(), name);
	return buf;
}

const char *tl_build(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", top_build(), name);
	return buf;
}

int tl_have(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Read what a pipe has into buf (keeping what fits); 0 at EOF. */
static ssize_t drain(int fd, char *buf, size_t len, size_t *used)
{
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n > 0 && buf && *used + 1 < len) {
		size_t k = (size_t)n < len - 1 - *used ? (size_t)n : len - 1 - *used;

		memcpy(buf + *used, tmp, k);
		*used += k;
		buf[*used] = '\0';
	}
	return n;
}

int tl_run(char *const argv[], const char *in, size_t inlen,
	   char *out, size_t outlen, char *err, size_t errlen)
{
	return tl_runv(argv[0], argv, in, inlen, out, outlen, err, errlen);
}

int tl_runv(const char *path, char *const argv[], const char *in, size_t inlen,
	    char *out, size_t outlen, char *err, size_t errlen)
{
	int pin[2], pout[2], perr[2], status;
	size_t oused = 0, eused = 0, sent = 0;
	pid_t pid;

	if (out && outlen)
		out[0] = '\0';
	if (err && errlen)
		err[0] = '\0';
	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		execv(path, argv);
		dprintf(2, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	if (!in || !inlen) {
		close(pin[1]);
		pin[1] = -1;
	} else {
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = pout[0], .events = POLLIN },
			{ .fd = perr[0], .events = POLLIN },
			{ .fd = pin[1], .events = POLLOUT },
		};
		if (p[0].fd < 0 && p[1].fd < 0)
			break;
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents && drain(pout[0], out, outlen, &oused) <= 0) {
			close(pout[0]);
			pout[0] = -1;
		}
		if (p[1].revents && drain(perr[0], err, errlen, &eused) <= 0) {
			close(perr[0]);
			perr[0] = -1;
		}
		if (pin[1] >= 0 && p[2].revents) {
			ssize_t n = write(pin[1], in + sent, inlen - sent);

			if (n > 0)
				sent += (size_t)n;
			if (n < 0 && errno != EAGAIN) {
				close(pin[1]);
				pin[1] = -1;
			} else if (sent == inlen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	if (pout[0] >= 0)
		close(pout[0]);
	if (perr[0] >= 0)
		close(perr[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return status;
}
