// SPDX-License-Identifier: GPL-2.0
/*
 * The throwaway container of `verify` (loader/throwaway.h). Built as
 * tests/integration/test_shim_container.c builds its own: unshare a mount
 * and a PID namespace (a user namespace too when this process is not
 * privileged: the binfmt_misc instance is still the caller's, Linux 6.7
 * looks it up through the user namespace's ancestors), make every mount
 * private, mount a small tmpfs on mnt, put the program in it, and in PID 1
 * of the new namespace mount /proc there, chroot into it and exec the
 * program by its path. Nothing of the host's file system is visible
 * inside: no emulator, no shim, no config, no log. The kernel still
 * holds the entry's interpreter open when it has the F flag, which is
 * what the run proves.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "throwaway.h"

/* What the helper processes report on the status pipe. */
struct report {
	int step;		/* 0: the program ran, raw is its wait status */
	int err;		/* errno of the step that failed */
	int raw;
};

static const char *const steps[] = {
	"", "unshare (mount, PID namespaces)", "user namespace maps",
	"making mounts private", "mounting the tmpfs root", "writing the program",
	"mkdir /proc", "fork of PID 1", "mounting /proc", "chroot", "execve",
	"waiting for the program",
};

static void report(int fd, int step, int err, int raw)
{
	struct report r = { step, err, raw };

	(void)!write(fd, &r, sizeof(r));
}

static int write_str(const char *path, const char *s)
{
	return write_all_file(path, s, strlen(s));
}

/* Enter the namespaces: as root mount + PID; otherwise with a user
 * namespace mapping this uid and gid to root. Step number on failure. */
static int enter(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (unshare(CLONE_NEWNS | CLONE_NEWPID) == 0)
		return 0;
	if (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) < 0)
		return 1;
	write_str("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_str("/proc/self/uid_map", map))
		return 2;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_str("/proc/self/gid_map", map))
		return 2;
	return 0;
}

static void __attribute__((noreturn))
helper(const uint8_t *img, size_t n, const char *mnt, const char *argv0,
       char *const envp[], int outfd, int repfd)
{
	char *argv[] = { (char *)argv0, NULL };
	char path[4200];
	int step, fd, st;
	pid_t init;

	step = enter();
	if (step) {
		report(repfd, step, errno, 0);
		_exit(1);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		report(repfd, 3, errno, 0);
		_exit(1);
	}
	if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") < 0) {
		report(repfd, 4, errno, 0);
		_exit(1);
	}
	snprintf(path, sizeof(path), "%s" THROWAWAY_PROG, mnt);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, img, n) != (ssize_t)n || close(fd) < 0) {
		report(repfd, 5, errno, 0);
		_exit(1);
	}
	snprintf(path, sizeof(path), "%s/proc", mnt);
	if (mkdir(path, 0555) < 0) {
		report(repfd, 6, errno, 0);
		_exit(1);
	}
	init = fork();
	if (init < 0) {
		report(repfd, 7, errno, 0);
		_exit(1);
	}
	if (init == 0) {
		pid_t prog;

		/* PID 1: dies with the helper (a deadline kills the helper);
		 * the kernel then kills everything in the namespace. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			report(repfd, 8, errno, 0);
			_exit(1);
		}
		if (chroot(mnt) < 0 || chdir("/") < 0) {
			report(repfd, 9, errno, 0);
			_exit(1);
		}
		/* The program is PID 2: PID 1 ignores the default-action
		 * signals sent to it, and the program must die as it would
		 * anywhere else. */
		prog = fork();
		if (prog == 0) {
			if (dup2(outfd, STDOUT_FILENO) < 0)
				_exit(125);
			execve(THROWAWAY_PROG, argv, envp);
			report(repfd, 10, errno, 0);
			_exit(127);
		}
		close(outfd);
		if (prog < 0 || waitpid(prog, &st, 0) != prog) {
			report(repfd, 11, errno, 0);
			_exit(1);
		}
		report(repfd, 0, 0, st);
		_exit(0);
	}
	close(outfd);
	waitpid(init, &st, 0);
	_exit(0);
}

int throwaway_run(const uint8_t *img, size_t n, const char *mnt, const char *argv0,
		  char *const envp[], int ms, char *out, size_t outlen,
		  char *err, size_t errlen)
{
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	struct report r = { -1, 0, 0 }, x;
	int o[2], rp[2], st, waited = 0, rc;
	size_t got = 0;
	ssize_t k;
	pid_t pid;

	out[0] = err[0] = '\0';
	if (pipe2(o, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(rp, O_CLOEXEC) < 0) {
		rc = -errno;
		close(o[0]);
		close(o[1]);
		return rc;
	}
	pid = fork();
	if (pid == 0) {
		close(o[0]);
		close(rp[0]);
		helper(img, n, mnt, argv0, envp, o[1], rp[1]);
	}
	close(o[1]);
	close(rp[1]);
	if (pid < 0) {
		rc = -errno;
		close(o[0]);
		close(rp[0]);
		return rc;
	}
	/* The deadline guards against a hang: the helper is killed, and
	 * with it (PR_SET_PDEATHSIG) PID 1 and the whole namespace. */
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (waited >= ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			r.step = -2;
			break;
		}
		nanosleep(&tick, NULL);
		waited += 5;
	}
	fcntl(o[0], F_SETFL, O_NONBLOCK);
	while (got + 1 < outlen && (k = read(o[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = '\0';
	close(o[0]);
	fcntl(rp[0], F_SETFL, O_NONBLOCK);
	while (r.step != -2 && read(rp[0], &x, sizeof(x)) == (ssize_t)sizeof(x))
		if (r.step == -1)
			r = x;	/* the first report is the cause */
	close(rp[0]);
	if (r.step == -2) {
		snprintf(err, errlen, "timed out after %d ms", ms);
		return -ETIMEDOUT;
	}
	if (r.step < 0) {
		snprintf(err, errlen, "the container's helper said nothing");
		return -EIO;
	}
	if (r.step > 0) {
		snprintf(err, errlen, "%s: %s", steps[r.step], strerror(r.err));
		/* MS_PRIVATE on "/" is EINVAL where "/" is no mount point: a
		 * chroot. A tmpfs mounted there could propagate to the host's
		 * namespace, so no container is made. */
		if (r.step == 3 && r.err == EINVAL) {
			snprintf(err, errlen, "/ is not a mount point here (a chroot), so "
				 "a container's mounts could not be kept from the host's");
			return THROWAWAY_NOT_A_MOUNT;
		}
		return r.step <= 2 && (r.err == EPERM || r.err == EACCES) ? -EPERM :
		       -(r.err ? r.err : EIO);
	}
	return r.raw;
}
