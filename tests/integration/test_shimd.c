// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shimd with real shims in a private binfmt_misc and real qemu:
 * exec + exit pairs for exit 0, exit 3 and death by SIGTERM; a client that
 * lies about who it is gets the kernel's word; a client that sends the fd
 * of another file than it names gets the collector's own reading; the
 * shim falls back to its file with "collector unavailable" when nobody
 * listens; the seccomp allowlist kills the daemon on a forbidden call.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimdenv.h"
#include "test_shimd_wait.h"

FIXTURE(shimd) {
	struct shimd_env s;
};

FIXTURE_SETUP(shimd)
{
	char why[256];
	int rc = sd_setup(&self->s, why, sizeof(why));

	SETUP_OR_SKIP(rc, why);
}

FIXTURE_TEARDOWN(shimd)
{
	sd_teardown(&self->s);
}

struct run_case {
	const char *a1, *a2;
	int exit_code;		/* -1: killed */
	int signal;		/* 0: exited */
};

TEST_F(shimd, exec_and_exit_records_pair_up)
{
	static const struct run_case cases[] = {
		{ "exit", "0", 0, 0 }, { "exit", "3", 3, 0 }, { "signal", "15", -1, 15 },
	};
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	json_t *r[32], *x;
	size_t n, i, k = 0;
	int st;

	ASSERT_EQ(0, sd_start(&self->s));
	for (i = 0; i < N; i++) {
		st = sd_exec(self->s.hello, cases[i].a1, cases[i].a2);
		if (cases[i].signal) {
			ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == cases[i].signal);
		} else {
			ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == cases[i].exit_code);
		}
	}
	/* The exit records come from the pidfds' polls, on the collector's
	 * own time: wait for them rather than race the stop. */
	EXPECT_TRUE(sd_wait_count(self->s.out, "exit", N, 30000));
	st = sd_stop(&self->s, SIGTERM);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	n = sd_read(self->s.out, r, 32);
	EXPECT_EQ(N, sd_count(r, n, "exec"));
	EXPECT_EQ(N, sd_count(r, n, "exit"));
	EXPECT_EQ(0, sd_count(r, n, "bad"));
	for (i = 0; i < n; i++) {
		const struct run_case *c;

		if (!r[i] || strcmp(se_str(r[i], "event"), "exec"))
			continue;
		c = &cases[k++];
		EXPECT_STREQ("collector", se_str(r[i], "source"));
		EXPECT_STREQ("collector", se_str(r[i], "sink"));
		SD_EXPECT_VERIFIED_ARCH(r[i], "arch", "aarch64");
		SD_EXPECT_VERIFIED(r[i], "aarch64", 183);
		EXPECT_EQ(getuid(), se_int(r[i], "verified.uid"));
		EXPECT_EQ(se_int(r[i], "pid"), se_int(r[i], "verified.pid"));
		/* A real shim claims nothing false: only its own time,
		 * which the collector's clock replaces, is set aside. */
		EXPECT_EQ(1, json_object_size(json_object_get(r[i], "claimed")));
		EXPECT_NE(0, strlen(se_str(r[i], "claimed.time")));
		EXPECT_TRUE(json_is_true(json_object_get(r[i], "file_verified")));
		EXPECT_TRUE(json_is_true(json_object_get(r[i], "exit_tracked")));
		EXPECT_NE(0, strlen(se_str(r[i], "id")));
		x = sd_exit_of(r, n, se_str(r[i], "id"));
		ASSERT_NE(NULL, x) TH_LOG("no exit record for %s", se_str(r[i], "id"));
		EXPECT_STREQ("known", se_str(x, "status"));
		EXPECT_EQ(se_int(r[i], "pid"), se_int(x, "pid"));
		EXPECT_EQ(c->exit_code, se_int(x, "exit_code"));
		EXPECT_EQ(c->signal ? c->signal : -1, se_int(x, "signal"));
		EXPECT_EQ(c->signal ? 1 : 0, json_is_null(json_object_get(x, "exit_code")));
		EXPECT_TRUE(json_is_false(json_object_get(x, "core_dumped")));
		EXPECT_LE(0, se_int(x, "duration_ms"));
		EXPECT_STREQ("collector", se_str(x, "source"));
	}
	EXPECT_EQ(N, k);
	/* Ids are unique. */
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (r[i] && r[k] && !strcmp(se_str(r[i], "event"), "exec") &&
			    !strcmp(se_str(r[k], "event"), "exec"))
				EXPECT_STRNE(se_str(r[i], "id"), se_str(r[k], "id"));
	se_log_free(r, n);
	EXPECT_EQ(0, sd_fallbacks_not_late(self->s.e.log));
}

/*
 * A child claims pid 1, uid/gid 4242, riscv64 and e_machine 243 while it
 * sends the fd of an aarch64 binary and its own pidfd, then exits 7: the
 * record has the kernel's pid/uid/gid and the collector's reading, the
 * claims under "claimed", and the exit record says 7.
 */
TEST_F(shimd, the_kernel_wins_over_a_lying_client)
{
	static const char body[] =
		"{\"v\":1,\"time\":\"2026-01-01T00:00:00.000000Z\",\"event\":\"exec\","
		"\"pid\":1,\"uid\":4242,\"gid\":4242,\"path\":\"/bin/true\",\"arch\":\"riscv64\","
		"\"elf\":{\"class\":\"ELF64\",\"machine\":243},\"decision\":\"run\"}";
	char msg[1024];
	json_t *r[8], *x;
	struct stat st;
	size_t n;
	pid_t pid;
	int status, i;

	ASSERT_EQ(0, sd_start(&self->s));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fds[2] = { sd_warm_fd(open(self->s.hello, O_RDONLY | O_CLOEXEC)),
				 sd_pidfd_self() };
		size_t len = sd_msg(msg, sizeof(msg), SHIMMSG_F_ALL, body);

		_exit(sd_send_raw(self->s.sock, msg, len, fds, 2, NULL) == SHIMMSG_ACK_OK ? 7 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(7, WEXITSTATUS(status));
	for (i = 0; i < 200 && sd_fd_count(self->s.dpid) > 0; i++) {
		n = sd_read(self->s.out, r, 8);
		x = sd_count(r, n, "exit") ? r[0] : NULL;
		se_log_free(r, n);
		if (x)
			break;
		usleep(10000);
	}
	sd_stop(&self->s, SIGTERM);
	ASSERT_EQ(0, stat(self->s.hello, &st));
	n = sd_read(self->s.out, r, 8);
	ASSERT_EQ(2, n);
	ASSERT_NE(NULL, r[0]);
	EXPECT_STREQ("exec", se_str(r[0], "event"));
	EXPECT_EQ(pid, se_int(r[0], "pid"));
	EXPECT_EQ(getuid(), se_int(r[0], "uid"));
	EXPECT_EQ(getgid(), se_int(r[0], "gid"));
	EXPECT_STREQ("aarch64", se_str(r[0], "arch"));
	EXPECT_EQ(183, se_int(r[0], "elf.machine"));
	EXPECT_STREQ("ELF64", se_str(r[0], "elf.class"));	/* unverified: kept */
	EXPECT_EQ(1, se_int(r[0], "claimed.pid"));
	EXPECT_EQ(4242, se_int(r[0], "claimed.uid"));
	EXPECT_EQ(4242, se_int(r[0], "claimed.gid"));
	EXPECT_STREQ("riscv64", se_str(r[0], "claimed.arch"));
	EXPECT_EQ(243, se_int(r[0], "claimed.machine"));
	EXPECT_EQ((long long)st.st_ino, se_int(r[0], "verified.ino"));
	EXPECT_EQ((long long)st.st_size, se_int(r[0], "verified.size"));
	EXPECT_STREQ("/bin/true", se_str(r[0], "path"));
	x = sd_exit_of(r, n, se_str(r[0], "id"));
	ASSERT_NE(NULL, x);
	EXPECT_EQ(7, se_int(x, "exit_code"));
	EXPECT_EQ(pid, se_int(x, "pid"));
	se_log_free(r, n);
}

/* The client names the aarch64 fixture but sends the fd of a riscv64
 * file: the record says riscv64, with the riscv64 file's inode. */
TEST_F(shimd, a_different_file_than_named_gets_the_collectors_reading)
{
	char body[1024], msg[1200], rv[512];
	json_t *r[4];
	struct stat st;
	int fds[1], a;
	size_t n, len;

	tl_fixture("c/riscv64-linux-gnu-static", rv, sizeof(rv));
	if (!tl_have(rv))
		SKIP(return, "%s missing: run make fixtures", rv);
	ASSERT_EQ(0, sd_start(&self->s));
	snprintf(body, sizeof(body),
		 "{\"v\":1,\"event\":\"deny\",\"path\":\"%s\",\"arch\":\"aarch64\","
		 "\"elf\":{\"machine\":183}}", self->s.hello);
	len = sd_msg(msg, sizeof(msg), SHIMMSG_F_BINFD, body);
	fds[0] = sd_warm_fd(open(rv, O_RDONLY | O_CLOEXEC));
	ASSERT_LE(0, fds[0]);
	ASSERT_EQ(0, fstat(fds[0], &st));
	a = sd_send_pidfd(self->s.sock, msg, len, fds, 1);
	close(fds[0]);
	EXPECT_EQ(SHIMMSG_ACK_OK, a);
	sd_stop(&self->s, SIGTERM);
	n = sd_read(self->s.out, r, 4);
	ASSERT_EQ(1, n);
	ASSERT_NE(NULL, r[0]);
	EXPECT_STREQ("riscv64", se_str(r[0], "arch"));
	EXPECT_EQ(243, se_int(r[0], "elf.machine"));
	EXPECT_STREQ("aarch64", se_str(r[0], "claimed.arch"));
	EXPECT_EQ(183, se_int(r[0], "claimed.machine"));
	EXPECT_EQ((long long)st.st_ino, se_int(r[0], "verified.ino"));
	EXPECT_STREQ(self->s.hello, se_str(r[0], "path"));	/* the claim, kept */
	se_log_free(r, n);
}

/* Nobody listens: the shim runs the binary and writes its own record,
 * which says the collector was unavailable. */
TEST_F(shimd, no_collector_the_shim_falls_back)
{
	json_t *r[4];
	size_t n;
	int st;

	st = sd_exec(self->s.hello, "exit", "4");
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(4, WEXITSTATUS(st));
	n = se_log(&self->s.e, r, 4);
	ASSERT_EQ(1, n);
	ASSERT_NE(NULL, r[0]);
	EXPECT_STREQ("file", se_str(r[0], "sink"));
	EXPECT_EQ(0, strncmp("collector unavailable: ", se_str(r[0], "collector_error"), 23))
		TH_LOG("collector_error: %s", se_str(r[0], "collector_error"));
	se_log_free(r, n);
}

/* A system call off the allowlist kills the daemon with SIGSYS; without
 * the filter the same call returns and the daemon carries on. */
TEST_F(shimd, seccomp_kills_on_a_forbidden_syscall)
{
	static const char *const forbidden[] = { "--selftest-syscall", "reboot", NULL };
	static const char *const unconfined[] = {
		"--selftest-syscall", "reboot", "--no-seccomp", NULL,
	};
	int st, i;

	ASSERT_EQ(0, sd_start_args(&self->s, unconfined));
	st = sd_stop(&self->s, SIGTERM);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status 0x%x", st);
	/* The daemon dies before it accepts: wait for that, not for the socket. */
	unlink(self->s.sock);
	st = -1;
	if (sd_start_args(&self->s, forbidden) == -ECHILD)
		st = self->s.dstatus;
	for (i = 0; i < 200 && self->s.dpid > 0; i++) {
		if (waitpid(self->s.dpid, &st, WNOHANG) == self->s.dpid) {
			self->s.dpid = 0;
			break;
		}
		usleep(10000);
	}
	if (self->s.dpid > 0)
		st = sd_stop(&self->s, SIGKILL);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) TH_LOG("status 0x%x", st);
}

/* A datagram socket standing in for journald or syslog. */
static int dgram_listener(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

static ssize_t dgram_recv(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, 30000) <= 0)	/* a guard against a hang only */
		return -1;
	n = recv(fd, buf, len - 1, 0);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* --sink syslog: an RFC 5424 line (PRI 86 = authpriv.info, version 1,
 * MSGID the event, structured data with the id) whose MSG is the record;
 * then the exit record with the same id. */
TEST_F(shimd, syslog_sink_writes_rfc5424)
{
	char path[256], sock[256], buf[70000], id[64];
	const char *args[] = { "--sink", "syslog", "--sink-socket", sock, NULL };
	json_t *j;
	char *msg;
	int fd, st;

	snprintf(sock, sizeof(sock), "%.128s/syslog.sock", self->s.e.dir);
	fd = dgram_listener(sock);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sd_start_args(&self->s, args));
	st = sd_exec(self->s.hello, "exit", "2");
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ASSERT_LT(0, dgram_recv(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp("<86>1 ", buf, 6)) TH_LOG("%.200s", buf);
	EXPECT_NE(NULL, strstr(buf, " binfmt-shimd "));
	EXPECT_NE(NULL, strstr(buf, " exec [binfmt-shim@32473 id=\""));
	EXPECT_NE(NULL, strstr(buf, " arch=\"aarch64\"]"));
	msg = strstr(buf, "] {");
	ASSERT_NE(NULL, msg);
	j = json_loads(msg + 2, 0, NULL);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("collector", se_str(j, "source"));
	snprintf(id, sizeof(id), "%s", se_str(j, "id"));
	json_decref(j);
	ASSERT_LT(0, dgram_recv(fd, buf, sizeof(buf)));
	msg = strstr(buf, "] {");
	ASSERT_NE(NULL, msg);
	j = json_loads(msg + 2, 0, NULL);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("exit", se_str(j, "event"));
	EXPECT_STREQ(id, se_str(j, "id"));
	EXPECT_EQ(2, se_int(j, "exit_code"));
	json_decref(j);
	sd_stop(&self->s, SIGTERM);
	close(fd);
	snprintf(path, sizeof(path), "%s", self->s.out);
	EXPECT_FALSE(tl_have(path));	/* nothing went to the file */
}

/* --sink journald: native protocol fields, MESSAGE the record. */
TEST_F(shimd, journald_sink_writes_native_fields)
{
	char sock[256], buf[70000], want[64];
	const char *args[] = { "--sink", "journald", "--sink-socket", sock, NULL };
	json_t *j;
	char *m, *e;
	int fd, st;

	snprintf(sock, sizeof(sock), "%.128s/journal.sock", self->s.e.dir);
	fd = dgram_listener(sock);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sd_start_args(&self->s, args));
	st = sd_exec(self->s.hello, "exit", "0");
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_LT(0, dgram_recv(fd, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\nSYSLOG_IDENTIFIER=binfmt-shimd\n"));
	EXPECT_NE(NULL, strstr(buf, "\nPRIORITY=6\n"));
	EXPECT_NE(NULL, strstr(buf, "\nBINFMT_SHIM_EVENT=exec\n"));
	EXPECT_NE(NULL, strstr(buf, "\nBINFMT_SHIM_ARCH=aarch64\n"));
	snprintf(want, sizeof(want), "\nBINFMT_SHIM_UID=%u\n", (unsigned)getuid());
	EXPECT_NE(NULL, strstr(buf, want));
	ASSERT_EQ(0, strncmp("MESSAGE=", buf, 8));
	m = buf + 8;
	e = strchr(m, '\n');
	ASSERT_NE(NULL, e);
	*e = '\0';
	j = json_loads(m, 0, NULL);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("exec", se_str(j, "event"));
	EXPECT_EQ(183, se_int(j, "verified.machine"));
	json_decref(j);
	ASSERT_LT(0, dgram_recv(fd, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\nBINFMT_SHIM_EVENT=exit\n"));
	sd_stop(&self->s, SIGTERM);
	close(fd);
}

TEST_HARNESS_MAIN
