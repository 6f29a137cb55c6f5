// SPDX-License-Identifier: GPL-2.0
/*
 * The tiny programs' runner, beside the programs (loader/tiny.c): run one
 * from a memfd with execveat through whatever binfmt_misc handler the
 * kernel picks (verify), or in a namespace with an empty binfmt_misc
 * instance to learn whether the host runs the arch natively (register
 * --all, status, explain, fingerprint, exec).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "tiny.h"

/* MFD_EXEC (Linux 6.3, include/uapi/linux/memfd.h): ask for an
 * executable memfd where vm.memfd_noexec would default to noexec. */
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern char **environ;

bool tiny_have(const struct arch *a)
{
	uint8_t buf[TINY_MAX];

	return tiny_build(a->name, buf, sizeof(buf)) > 0;
}

/*
 * The program in a memfd, not close-on-exec: binfmt_misc refuses an
 * execveat of a close-on-exec fd unless the entry has O (the path
 * /dev/fd/N would be gone in the interpreter, BINPRM_FLAGS_PATH_INACCESSIBLE).
 */
static int tiny_memfd(const struct arch *a)
{
	uint8_t buf[TINY_MAX];
	int n = tiny_build(a->name, buf, sizeof(buf)), fd;

	if (n < 0)
		return n;
	fd = memfd_create("binfmt-shim-tiny", MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("binfmt-shim-tiny", 0);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* waitpid with a deadline; kills the child when it passes. */
static int wait_deadline(pid_t pid, int ms)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int status, waited = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (waited >= ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&ts, NULL);
		waited += 5;
	}
}

/* Child side: stdout to the pipe, exec the memfd; report the exec errno
 * through errpipe. */
static void __attribute__((noreturn)) child_exec(int fd, int errpipe, int outfd,
						 const char *argv0, char **envp)
{
	char *argv[] = { (char *)argv0, NULL };
	int e;

	if (outfd >= 0 && dup2(outfd, STDOUT_FILENO) < 0)
		_exit(125);
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

int tiny_capture(const struct arch *a, const char *argv0, char *const env[],
		       char *out, size_t outlen, char *err, size_t errlen, pid_t *pidp)
{
	char **envp;
	size_t ne = 0, nenv = 0, i, got = 0;
	int fd, pfd[2], ofd[2], status, e = 0;
	ssize_t n;
	pid_t pid;

	err[0] = '\0';
	out[0] = '\0';
	fd = tiny_memfd(a);
	if (fd < 0) {
		snprintf(err, errlen, "memfd: %s", strerror(-fd));
		return fd;
	}
	while (environ && environ[ne])
		ne++;
	while (env && env[nenv])
		nenv++;
	envp = calloc(ne + nenv + 1, sizeof(*envp));
	if (!envp || pipe2(pfd, O_CLOEXEC) < 0) {
		free(envp);
		close(fd);
		return -ENOMEM;
	}
	if (pipe2(ofd, O_CLOEXEC) < 0) {
		e = -errno;
		close(pfd[0]);
		close(pfd[1]);
		free(envp);
		close(fd);
		return e;
	}
	/* Ours first: getenv() returns the first match. */
	for (i = 0; i < nenv; i++)
		envp[i] = env[i];
	for (i = 0; i < ne; i++)
		envp[nenv + i] = environ[i];
	pid = fork();
	if (pid == 0)
		child_exec(fd, pfd[1], ofd[1], argv0, envp);
	close(pfd[1]);
	close(ofd[1]);
	close(fd);
	free(envp);
	if (pid < 0) {
		e = -errno;
		close(pfd[0]);
		close(ofd[0]);
		return e;
	}
	if (pidp)
		*pidp = pid;
	/* The line is far below a pipe's capacity: the program never blocks
	 * on it, so waiting first and reading after cannot deadlock (one
	 * that writes more is cut off by the deadline). Non-blocking: a
	 * process it left behind may hold the pipe open. */
	status = wait_deadline(pid, TINY_TIMEOUT_MS);
	fcntl(ofd[0], F_SETFL, O_NONBLOCK);
	while (got + 1 < outlen && (n = read(ofd[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(ofd[0]);
	e = 0;
	if (read(pfd[0], &e, sizeof(e)) == sizeof(e) && e) {
		snprintf(err, errlen, "execveat: %s", strerror(e));
		status = -e;
	} else if (status == -ETIMEDOUT) {
		snprintf(err, errlen, "timed out after %d ms", TINY_TIMEOUT_MS);
	}
	close(pfd[0]);
	return status;
}

int tiny_run(const struct arch *a, const char *argv0, char *const env[],
	     char *err, size_t errlen, pid_t *pidp)
{
	char out[64];

	return tiny_capture(a, argv0, env, out, sizeof(out), err, errlen, pidp);
}

static int write_str(const char *path, const char *s)
{
	return write_all_file(path, s, strlen(s));
}

/*
 * Without a private namespace: exec the program here, which proves
 * something only when no live entry would take it. -EBUSY otherwise.
 */
static int native_test_plain(const struct arch *a)
{
	uint8_t buf[TINY_MAX];
	struct bm_table t;
	char err[256];
	int n = tiny_build(a->name, buf, sizeof(buf)), w, st;

	if (n < 0)
		return n;
	if (bm_read_table(&t) < 0)
		return -EBUSY;
	w = t.enabled ? binfmt_match(t.e, t.n, "/dev/fd/3", buf, (size_t)n) : -1;
	bm_table_free(&t);
	if (w >= 0)
		return -EBUSY;
	st = tiny_run(a, "*native", NULL, err, sizeof(err), NULL);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == '*';
}

/*
 * In a child: a new user namespace whose binfmt_misc instance exists and
 * is empty (fsopen + FSCONFIG_CMD_CREATE creates it, Linux >= 6.7), so no
 * handler can run the program for us; then exec it. Exit 42 ('*') means
 * the host ran it itself.
 */
int native_test(const struct arch *a)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int fd, status;
	pid_t pid;

	fd = tiny_memfd(a);
	if (fd < 0)
		return fd;
	pid = fork();
	if (pid == 0) {
		char map[64], *argv[] = { "*native", NULL };
		int fs;

		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			_exit(200);
		write_str("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_str("/proc/self/uid_map", map))
			_exit(201);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_str("/proc/self/gid_map", map))
			_exit(201);
		fs = fsopen("binfmt_misc", 0);
		if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			_exit(202);
		/* The program's line is not ours to print. */
		fs = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fs >= 0)
			dup2(fs, STDOUT_FILENO);
		syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		_exit(errno == ENOEXEC ? 203 : 204);
	}
	close(fd);
	if (pid < 0)
		return -errno;
	status = wait_deadline(pid, TINY_TIMEOUT_MS);
	if (status < 0)
		return status;
	if (WIFEXITED(status) && WEXITSTATUS(status) == '*')
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 200 &&
	    WEXITSTATUS(status) <= 202)
		return native_test_plain(a);	/* no private namespace here */
	return 0;			/* ENOEXEC, a signal: not native */
}
