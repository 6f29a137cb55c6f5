// SPDX-License-Identifier: GPL-2.0
/*
 * stallfs, the FUSE server whose reads hang on purpose (tests/lib/stallfs.h):
 * attributes, a read that blocks until release and then gets exactly the
 * content, reads after release, offsets past the end, an exec that waits
 * for its read, a reader in the parent user namespace holding an fd passed
 * over SCM_RIGHTS, interrupted and killed readers, and a stop that leaves
 * no mount and no process behind. Each TEST runs in its own forked process
 * (the harness), so the namespaces die with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "stallfs.h"
#include "testlib.h"

#define CONTENT_LEN 10000	/* more than two pages, not a page multiple */

static unsigned char content[CONTENT_LEN];

static void fill_content(void)
{
	size_t i;

	for (i = 0; i < sizeof(content); i++)
		content[i] = (unsigned char)(i * 7 + 3);
}

/* Enter a private user + mount namespace and mount stallfs at a fresh
 * /tmp/stallfs.<pid> (stallfs_start makes it, stallfs_stop removes it);
 * SKIP with the reason when that is not possible here. A private tmpfs
 * over /tmp keeps a test that fails before its stop from leaving the
 * directory on the host. */
#define START(f, data, len, flags)							\
	do {										\
		char _why[256], _dir[64];						\
		int _e = tl_private_binfmt(_why, sizeof(_why));				\
											\
		if (_e)									\
			SKIP(return, "%s", _why);					\
		mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");	\
		snprintf(_dir, sizeof(_dir), "/tmp/stallfs.%d", (int)getpid());		\
		_e = stallfs_start_flags(f, _dir, data, len, flags, _why, sizeof(_why));\
		if (_e == -ENOENT || _e == -ENODEV || _e == -EPERM || _e == -EACCES)	\
			SKIP(return, "%s", _why);					\
		ASSERT_EQ(0, _e) TH_LOG("%s", _why);					\
	} while (0)

static const char *bin_path(const struct stallfs *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s/bin", f->dir);
	return buf;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Wait up to ms for pid; its status, or -1 if it is still running. */
static int wait_for(pid_t pid, int ms)
{
	struct timespec t0;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0)
			return -2;
		usleep(10000);
	} while (ms_since(&t0) < ms);
	return -1;
}

/* Read all of fd (a pipe) into buf; bytes read. */
static size_t slurp(int fd, unsigned char *buf, size_t len)
{
	size_t used = 0;
	ssize_t n;

	while (used < len && (n = read(fd, buf + used, len - used)) > 0)
		used += (size_t)n;
	return used;
}

/*
 * Fork a reader: open path, read everything from offset 0 (one pread of
 * more than the file, then to EOF) and write it to the returned pipe.
 * Exit 0, or errno of what failed. A SIGUSR1 handler without SA_RESTART
 * lets the parent interrupt the read.
 */
static void on_usr1(int sig)
{
	(void)sig;
}

static pid_t reader(const char *path, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		static unsigned char buf[CONTENT_LEN + 8192];
		struct sigaction sa = { .sa_handler = on_usr1 };
		size_t used = 0;
		ssize_t n;
		int fd;

		sigaction(SIGUSR1, &sa, NULL);
		close(p[0]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(errno);
		while ((n = pread(fd, buf + used, sizeof(buf) - used, (off_t)used)) > 0)
			used += (size_t)n;
		if (n < 0)
			_exit(errno);
		if (write(p[1], buf, used) != (ssize_t)used)
			_exit(EIO);
		_exit(0);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

TEST(stat_gives_size_mode_owner)
{
	struct stallfs f;
	struct stat st;
	char path[300];

	fill_content();
	START(&f, content, sizeof(content), 0);
	ASSERT_EQ(0, stat(bin_path(&f, path, sizeof(path)), &st));
	EXPECT_EQ(CONTENT_LEN, st.st_size);
	EXPECT_EQ(S_IFREG | 0755, st.st_mode);
	EXPECT_EQ(getuid(), st.st_uid);
	EXPECT_EQ(getgid(), st.st_gid);
	ASSERT_EQ(0, stat(f.dir, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	/* Nothing else is there. */
	snprintf(path, sizeof(path), "%s/other", f.dir);
	EXPECT_EQ(-1, stat(path, &st));
	EXPECT_EQ(ENOENT, errno);
	/* Cached attributes: a statx that may not sync still answers. */
	{
		struct statx sx;

		ASSERT_EQ(0, statx(AT_FDCWD, bin_path(&f, path, sizeof(path)),
				   AT_STATX_DONT_SYNC, STATX_SIZE | STATX_MODE, &sx));
		EXPECT_EQ(CONTENT_LEN, sx.stx_size);
	}
	stallfs_stop(&f);
}

/* The reader blocks until release, then gets exactly the content; the
 * same for both kinds of read request. */
static void held_read_case(struct __test_metadata *_metadata, unsigned flags)
{
	unsigned char got[CONTENT_LEN + 1];
	struct stallfs f;
	char path[300];
	pid_t pid, opener;
	int out, st;

	fill_content();
	START(&f, content, sizeof(content), flags);
	pid = reader(bin_path(&f, path, sizeof(path)), &out);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, stallfs_wait_read(&f, 5000));
	/* Opening and stat'ing the file (as the collector does with a binary
	 * it is told about) does not wait for the held read. In a child: if
	 * it hangs, it hangs uninterruptibly until the release below. */
	opener = fork();
	ASSERT_LE(0, opener);
	if (opener == 0) {
		struct stat s;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		_exit(fd >= 0 && fstat(fd, &s) == 0 && s.st_size == CONTENT_LEN ? 0 : 1);
	}
	st = wait_for(opener, 3000);
	EXPECT_NE(-1, st) TH_LOG("open() waits for the held read");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("opener status %#x", st);
	EXPECT_EQ(0, waitpid(pid, &st, WNOHANG)) TH_LOG("the reader finished while held");
	ASSERT_EQ(0, stallfs_release(&f));
	if (st == -1)
		wait_for(opener, 5000);
	EXPECT_EQ(CONTENT_LEN, slurp(out, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, content, CONTENT_LEN));
	st = wait_for(pid, 5000);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("reader status %#x", st);
	close(out);
	stallfs_stop(&f);
}

TEST(read_is_held_until_release)
{
	held_read_case(_metadata, 0);
}

TEST(async_read_is_held_until_release)
{
	held_read_case(_metadata, STALLFS_ASYNC_READ);
}

/* After release every read is answered at once. O_DIRECT sends each read
 * to the server rather than the page cache, so the server answers it. */
TEST(reads_after_release_are_answered_at_once)
{
	unsigned char buf[8192];
	struct timespec t0;
	struct stallfs f;
	char path[300];
	int fd;

	fill_content();
	START(&f, content, sizeof(content), 0);
	ASSERT_EQ(0, stallfs_release(&f));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open(bin_path(&f, path, sizeof(path)), O_RDONLY | O_CLOEXEC | O_DIRECT);
	ASSERT_LE(0, fd) TH_LOG("open O_DIRECT: %s", strerror(errno));
	ASSERT_EQ(3000, pread(fd, buf, 3000, 5000));
	EXPECT_EQ(0, memcmp(buf, content + 5000, 3000));
	ASSERT_EQ(100, pread(fd, buf, sizeof(buf), CONTENT_LEN - 100));
	EXPECT_EQ(0, memcmp(buf, content + CONTENT_LEN - 100, 100));
	close(fd);
	/* And through the page cache. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4096, pread(fd, buf, 4096, 4096));
	EXPECT_EQ(0, memcmp(buf, content + 4096, 4096));
	close(fd);
	EXPECT_GT(2000, ms_since(&t0));
	/* Nothing was held. */
	EXPECT_EQ(0, stallfs_wait_read(&f, 100));
	stallfs_stop(&f);
}

TEST(read_past_the_end_returns_0)
{
	unsigned char buf[64];
	struct stallfs f;
	char path[300];
	int fd, i;
	static const int flags[] = { O_DIRECT, 0 };

	fill_content();
	START(&f, content, sizeof(content), 0);
	ASSERT_EQ(0, stallfs_release(&f));
	for (i = 0; i < 2; i++) {
		fd = open(bin_path(&f, path, sizeof(path)), O_RDONLY | O_CLOEXEC | flags[i]);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, pread(fd, buf, sizeof(buf), CONTENT_LEN));
		EXPECT_EQ(0, pread(fd, buf, sizeof(buf), CONTENT_LEN + 100));
		EXPECT_EQ(0, pread(fd, buf, sizeof(buf), 1 << 30));
		close(fd);
	}
	stallfs_stop(&f);
}

/* The collector's case: exec of a binary whose read hangs waits for the
 * read, and runs once released (the mount is not noexec). */
TEST(exec_waits_for_the_held_read)
{
	static const char script[] = "#!/bin/sh\nexit 7\n";
	struct stallfs f;
	char path[300];
	pid_t pid;
	int st;

	START(&f, script, sizeof(script) - 1, 0);
	bin_path(&f, path, sizeof(path));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		_exit(100 + errno);
	}
	ASSERT_EQ(1, stallfs_wait_read(&f, 5000));
	usleep(200000);
	EXPECT_EQ(0, waitpid(pid, &st, WNOHANG));
	ASSERT_EQ(0, stallfs_release(&f));
	st = wait_for(pid, 5000);
	EXPECT_TRUE(WIFEXITED(st)) TH_LOG("status %#x", st);
	EXPECT_EQ(7, WEXITSTATUS(st));
	stallfs_stop(&f);
}

/* A reader in the parent user namespace (as binfmt-shimd is) holding an
 * fd passed over SCM_RIGHTS: fstat works (its ids match the mount's
 * user_id/group_id), and its read is held and then answered. */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char c = 'f';
	struct iovec iov = { &c, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* What the helper sends back before its read. */
struct fd_report {
	int fstat_err, statx_err;
	long long size;
	unsigned mode;
};

TEST(reader_in_the_parent_namespace_via_scm_rights)
{
	unsigned char got[CONTENT_LEN + 1];
	struct fd_report rep;
	struct stallfs f;
	char path[300];
	int sv[2], fd, st;
	pid_t helper;

	fill_content();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	/* Forked before the namespaces: it stays where the test started. */
	helper = fork();
	ASSERT_LE(0, helper);
	if (helper == 0) {
		static unsigned char buf[CONTENT_LEN + 4096];
		struct fd_report r = { 0 };
		struct statx sx;
		struct stat s;
		size_t used = 0;
		ssize_t n;
		int hfd;

		close(sv[0]);
		hfd = recv_fd(sv[1]);
		if (hfd < 0)
			_exit(1);
		r.fstat_err = fstat(hfd, &s) ? errno : 0;
		r.size = s.st_size;
		r.mode = s.st_mode;
		r.statx_err = statx(hfd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC,
				    STATX_SIZE, &sx) ? errno : 0;
		if (write(sv[1], &r, sizeof(r)) != sizeof(r))
			_exit(2);
		while ((n = pread(hfd, buf + used, sizeof(buf) - used, (off_t)used)) > 0)
			used += (size_t)n;
		if (n < 0)
			_exit(3);
		if (write(sv[1], buf, used) != (ssize_t)used)
			_exit(4);
		_exit(0);
	}
	close(sv[1]);
	START(&f, content, sizeof(content), 0);
	fd = open(bin_path(&f, path, sizeof(path)), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, send_fd(sv[0], fd));
	close(fd);
	ASSERT_EQ(sizeof(rep), read(sv[0], &rep, sizeof(rep)));
	EXPECT_EQ(0, rep.fstat_err) TH_LOG("fstat in the parent ns: %s", strerror(rep.fstat_err));
	EXPECT_EQ(0, rep.statx_err) TH_LOG("statx in the parent ns: %s", strerror(rep.statx_err));
	EXPECT_EQ(CONTENT_LEN, rep.size);
	EXPECT_EQ(S_IFREG | 0755, rep.mode);
	ASSERT_EQ(1, stallfs_wait_read(&f, 5000));
	usleep(100000);
	EXPECT_EQ(0, waitpid(helper, &st, WNOHANG));
	ASSERT_EQ(0, stallfs_release(&f));
	EXPECT_EQ(CONTENT_LEN, slurp(sv[0], got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, content, CONTENT_LEN));
	st = wait_for(helper, 5000);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("helper status %#x", st);
	close(sv[0]);
	stallfs_stop(&f);
}

/* A signalled reader sends FUSE_INTERRUPT; the server answers the held
 * read with -EINTR, so the reader goes on without a release. */
TEST(interrupted_reader_is_answered)
{
	struct stallfs f;
	char path[300];
	int out, st;
	pid_t pid;

	fill_content();
	START(&f, content, sizeof(content), 0);
	pid = reader(bin_path(&f, path, sizeof(path)), &out);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, stallfs_wait_read(&f, 5000));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	st = wait_for(pid, 5000);
	EXPECT_NE(-1, st) TH_LOG("the interrupted reader still waits");
	EXPECT_TRUE(WIFEXITED(st)) TH_LOG("status %#x", st);
	TH_LOG("interrupted reader: exit %d (%s)", WEXITSTATUS(st),
	       WEXITSTATUS(st) ? strerror(WEXITSTATUS(st)) : "read to the end");
	if (st == -1) {
		stallfs_release(&f);
		wait_for(pid, 5000);
	}
	close(out);
	stallfs_stop(&f);
}

/* A killed reader goes away without a release, in both read modes. */
static void killed_case(struct __test_metadata *_metadata, unsigned flags)
{
	struct stallfs f;
	char path[300];
	int out, st;
	pid_t pid;

	fill_content();
	START(&f, content, sizeof(content), flags);
	pid = reader(bin_path(&f, path, sizeof(path)), &out);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, stallfs_wait_read(&f, 5000));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	st = wait_for(pid, 5000);
	EXPECT_NE(-1, st) TH_LOG("the killed reader still waits");
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) TH_LOG("status %#x", st);
	if (st == -1) {
		stallfs_release(&f);
		wait_for(pid, 5000);
	}
	close(out);
	stallfs_stop(&f);
}

TEST(killed_reader_goes_away)
{
	killed_case(_metadata, 0);
}

TEST(killed_async_reader_goes_away)
{
	killed_case(_metadata, STALLFS_ASYNC_READ);
}

/* No mount and no server left, even with a read still held: the reader
 * gets an error instead of waiting for ever. */
static int mounted(const char *dir)
{
	char line[1024], mnt[512];
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1 && !strcmp(mnt, dir))
			found = 1;
	fclose(fp);
	return found;
}

TEST(stop_leaves_no_mount_and_no_process)
{
	struct stallfs f;
	char path[300], dir[256];
	int out, st;
	pid_t pid, server;

	fill_content();
	START(&f, content, sizeof(content), 0);
	strcpy(dir, f.dir);
	server = f.pid;
	ASSERT_EQ(1, mounted(dir));
	ASSERT_EQ(0, kill(server, 0));
	pid = reader(bin_path(&f, path, sizeof(path)), &out);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, stallfs_wait_read(&f, 5000));
	stallfs_stop(&f);
	EXPECT_EQ(0, mounted(dir));
	EXPECT_EQ(-1, kill(server, 0));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-1, access(dir, F_OK)) TH_LOG("%s left behind", dir);
	st = wait_for(pid, 5000);
	EXPECT_NE(-1, st) TH_LOG("the held reader still waits after stop");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) != 0) TH_LOG("status %#x", st);
	TH_LOG("reader after stop: %s", strerror(WEXITSTATUS(st)));
	if (st == -1) {
		kill(pid, SIGKILL);
		wait_for(pid, 5000);
	}
	close(out);
	/* A second stop is harmless. */
	stallfs_stop(&f);
}

TEST_HARNESS_MAIN
