// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's records: every field checked against what the test knows,
 * concurrent shims never interleave, odd paths survive the escaping, a
 * broken config is named by file and line, and an unwritable log falls
 * back to syslog (a real /dev/log datagram socket in the test's own mount
 * namespace) or, with on_failure = deny, refuses to run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimenv.h"
#include "testlib.h"

static const char *const arches[] = { "aarch64", "arm", "riscv64", NULL };

FIXTURE(log) {
	struct shimenv e;
	char bin[512];
};

FIXTURE_SETUP(log)
{
	char why[256], src[512];
	int rc = se_setup(&self->e, "FP", arches, why, sizeof(why));

	SETUP_OR_SKIP(rc, why);
	tl_fixture("c/arm-linux-gnueabihf-dynamic", src, sizeof(src));
	ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
	ASSERT_NE(NULL, se_copy(&self->e, src, "hello", self->bin, sizeof(self->bin)));
}

FIXTURE_TEARDOWN(log)
{
	se_teardown(&self->e);
}

TEST_F(log, every_field_of_an_exec_record)
{
	char *argv[] = { "my-argv0", "exit", "5", NULL };
	char cwd[512], t0[32];
	json_t *r[2], *elf;
	time_t now = time(NULL);
	struct tm tm;
	int st;

	st = tl_runv(self->bin, argv, NULL, 0, NULL, 0, NULL, 0);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(5, WEXITSTATUS(st));
	ASSERT_EQ(1, se_log(&self->e, r, 2));
	ASSERT_NE(NULL, r[0]);
	EXPECT_EQ(1, se_int(r[0], "v"));
	gmtime_r(&now, &tm);
	strftime(t0, sizeof(t0), "%Y-%m-%dT", &tm);
	EXPECT_EQ(0, strncmp(t0, se_str(r[0], "time"), strlen(t0)));
	EXPECT_EQ(27, strlen(se_str(r[0], "time")));	/* ...T12:34:56.123456Z */
	EXPECT_EQ('Z', se_str(r[0], "time")[26]);
	EXPECT_STREQ("exec", se_str(r[0], "event"));
	EXPECT_STREQ("run", se_str(r[0], "decision"));
	EXPECT_LT(0, se_int(r[0], "pid"));
	EXPECT_EQ(getpid(), se_int(r[0], "ppid"));
	EXPECT_EQ(getuid(), se_int(r[0], "uid"));
	EXPECT_EQ(getgid(), se_int(r[0], "gid"));
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	EXPECT_STREQ(cwd, se_str(r[0], "cwd"));
	EXPECT_STREQ(self->bin, se_str(r[0], "path"));
	EXPECT_STREQ("my-argv0", se_str(r[0], "argv0"));
	EXPECT_EQ(3, se_int(r[0], "argc"));
	EXPECT_STREQ("elf", se_str(r[0], "format"));
	EXPECT_STREQ("arm", se_str(r[0], "arch"));
	EXPECT_STREQ("x86_64", se_str(r[0], "host_arch"));
	elf = json_object_get(r[0], "elf");
	ASSERT_TRUE(json_is_object(elf));
	EXPECT_STREQ("ELF32", se_str(elf, "class"));
	EXPECT_STREQ("LSB", se_str(elf, "data"));
	EXPECT_EQ(40, se_int(elf, "machine"));
	EXPECT_STREQ("DYN", se_str(elf, "type"));
	EXPECT_EQ(0x05000400, se_int(elf, "flags"));
	EXPECT_STREQ("/lib/ld-linux-armhf.so.3", se_str(elf, "interp"));
	EXPECT_NE(NULL, strstr(se_str(elf, "abi"), "hard-float"));
	EXPECT_STREQ("/usr/bin/qemu-arm-static", se_str(r[0], "emulator"));
	EXPECT_STREQ("/usr/arm-linux-gnueabihf", se_str(r[0], "sysroot"));
	EXPECT_STREQ("ok", se_str(r[0], "reason_code"));
	EXPECT_STREQ("file", se_str(r[0], "sink"));
	EXPECT_EQ(NULL, json_object_get(r[0], "go"));
	se_log_free(r, 1);
}

/* 200 shims at once: 200 whole lines, each parseable, each a distinct pid. */
TEST_F(log, two_hundred_concurrent_execs)
{
	enum { N = 200 };
	pid_t pids[N];
	json_t *r[N + 8];
	size_t n, i, j;
	int st;

	for (i = 0; i < N; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			char *argv[] = { self->bin, "exit", "3", NULL };
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			execv(self->bin, argv);
			_exit(127);
		}
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	}
	n = se_log(&self->e, r, N + 8);
	ASSERT_EQ(N, n);
	for (i = 0; i < n; i++) {
		ASSERT_NE(NULL, r[i]) TH_LOG("line %zu is not a JSON object", i + 1);
		for (j = 0; j < N && pids[j] != se_int(r[i], "pid"); j++)
			;
		EXPECT_LT(j, N) TH_LOG("record %zu: pid %lld unknown", i, se_int(r[i], "pid"));
		if (j < N)
			pids[j] = -1;	/* each pid once */
	}
	se_log_free(r, n);
}

/* Spaces, a newline, a quote and bytes that are not UTF-8 in the path:
 * the record stays one line and gives the bytes back (\u00XX for invalid
 * UTF-8, docs/log-format.md). */
TEST_F(log, odd_path_is_logged_exactly)
{
	static const char name[] = "a b\n\"c\"\xff\xfe\xc3\xa9.bin";
	char path[512], want[512];
	json_t *r[2];

	snprintf(path, sizeof(path), "%s/%s", self->e.dir, name);
	ASSERT_EQ(0, rename(self->bin, path));
	{
		char *argv[] = { path, "exit", "0", NULL };

		ASSERT_EQ(0, WEXITSTATUS(tl_run(argv, NULL, 0, NULL, 0, NULL, 0)));
	}
	ASSERT_EQ(1, se_log(&self->e, r, 2));
	ASSERT_NE(NULL, r[0]);
	/* jansson decodes \u00ff as U+00FF (c3 bf); valid é stays é. */
	snprintf(want, sizeof(want), "%s/a b\n\"c\"\xc3\xbf\xc3\xbe\xc3\xa9.bin", self->e.dir);
	EXPECT_STREQ(want, se_str(r[0], "path"));
	se_log_free(r, 1);
	{
		char raw[4096];

		ASSERT_LT(0, tl_read_file(self->e.log, raw, sizeof(raw)));
		EXPECT_NE(NULL, strstr(raw, "a b\\n\\\"c\\\"\\u00ff\\u00fe\xc3\xa9.bin"));
		EXPECT_EQ(strlen(raw) - 1, strcspn(raw, "\n"));	/* one line */
	}
}

TEST_F(log, huge_argv0_is_capped_not_lost)
{
	static char big[64 * 1024];
	char *argv[] = { big, "exit", "0", NULL };
	json_t *r[2];

	memset(big, 'x', sizeof(big) - 1);
	ASSERT_EQ(0, WEXITSTATUS(tl_runv(self->bin, argv, NULL, 0, NULL, 0, NULL, 0)));
	ASSERT_EQ(1, se_log(&self->e, r, 2));
	ASSERT_NE(NULL, r[0]);
	EXPECT_EQ(4096, strlen(se_str(r[0], "argv0")));
	EXPECT_TRUE(json_is_true(json_object_get(r[0], "argv0_truncated")));
	se_log_free(r, 1);
}

TEST_F(log, bad_config_named_by_file_and_line_and_still_runs)
{
	char *argv[] = { self->bin, "exit", "0", NULL };
	char err[2048], want[1024];
	json_t *r[2];
	int st;

	ASSERT_EQ(0, se_config(&self->e, "[log]\nonfailure = deny\n[arch.arm]\npolicy = allow\n"
					 "[arch.vax]\n"));
	st = tl_run(argv, NULL, 0, NULL, 0, err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	snprintf(want, sizeof(want),
		 "binfmt-shim: %s:2: unknown key 'onfailure' in [log]; line ignored\n"
		 "binfmt-shim: %s:5: unknown architecture in [arch.vax]; line ignored\n",
		 self->e.conf, self->e.conf);
	EXPECT_STREQ(want, err);
	ASSERT_EQ(1, se_log(&self->e, r, 2));
	/* The caller's file (BINFMT_SHIM_CONFIG) is named as such. */
	EXPECT_STREQ(self->e.conf, se_str(r[0], "user_config"));
	EXPECT_EQ(2, se_int(r[0], "user_config_errors"));
	se_log_free(r, 1);
}

/* A syslog daemon of our own on /dev/log, inside this mount namespace:
 * a tmpfs over /dev with /dev/null bound back in. */
static int fake_syslog(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), fd;
	char src[64];

	if (null < 0 || mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755"))
		return -1;
	snprintf(src, sizeof(src), "/proc/self/fd/%d", null);
	close(open("/dev/null", O_WRONLY | O_CREAT, 0666));
	if (mount(src, "/dev/null", NULL, MS_BIND, NULL))
		return -1;
	close(null);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

TEST_F(log, unwritable_log_falls_back_to_syslog)
{
	char *argv[] = { self->bin, "exit", "4", NULL };
	char msg[8192];
	json_t *j;
	ssize_t n;
	int fd, st;

	fd = fake_syslog();
	ASSERT_LE(0, fd);
	setenv("BINFMT_SHIM_LOG", "/proc/version/exec.jsonl", 1);
	st = tl_run(argv, NULL, 0, NULL, 0, NULL, 0);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(4, WEXITSTATUS(st));
	n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
	ASSERT_LT(0, n);
	msg[n] = '\0';
	ASSERT_EQ(0, strncmp(msg, "<86>binfmt-shim[", 16)) TH_LOG("%s", msg);
	j = json_loads(strstr(msg, "]: ") + 3, 0, NULL);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("syslog", se_str(j, "sink"));
	EXPECT_STREQ("/proc/version/exec.jsonl: Not a directory", se_str(j, "sink_error"));
	EXPECT_STREQ("exec", se_str(j, "event"));
	json_decref(j);
}

/*
 * Fields a caller controls, made of bytes that escape to six times their
 * size: a 3.6 KB directory path of \x01 (the cwd, and the binary's path
 * inside it) and a 4100-byte argv[0] of \x01. Capped by their raw size
 * these made a record over 64 KiB that every sink dropped, and the binary
 * ran unrecorded. Capped by their escaped size the record fits the file
 * and the collector (64 KiB), and a syslog datagram (rsyslog's 8 KiB).
 */
static void hostile_dirs(char *path, size_t len, const char *base)
{
	char name[241];
	int level;

	memset(name, '\x01', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(path, len, "%s", base);
	if (chdir(base))
		return;
	for (level = 0; level < 15; level++) {
		if (mkdir(name, 0755) || chdir(name))
			return;
		snprintf(path + strlen(path), len - strlen(path), "/%s", name);
	}
}

static void expect_capped(struct __test_metadata *_metadata, const char *line, size_t max)
{
	json_t *j = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
	static const char *const keys[] = { "cwd", "path", "argv0" };
	size_t k;

	EXPECT_GE(max, strlen(line));
	ASSERT_NE(NULL, j) TH_LOG("%.200s", line);
	for (k = 0; k < 3; k++) {
		char tk[32];

		snprintf(tk, sizeof(tk), "%s_truncated", keys[k]);
		EXPECT_TRUE(json_is_true(json_object_get(j, tk))) TH_LOG("%s", tk);
		EXPECT_LT(100, strlen(se_str(j, keys[k])));
	}
	EXPECT_STREQ("exec", se_str(j, "event"));
	json_decref(j);
}

TEST_F(log, hostile_fields_fit_every_sink)
{
	static char dir[8192], bin[8400], big[4101], line[70000], msg[70000];
	char *argv[] = { big, "exit", "6", NULL };
	char err[4096];
	int fd, st;
	ssize_t n;

	hostile_dirs(dir, sizeof(dir), self->e.dir);
	ASSERT_LT(3600, strlen(dir) - strlen(self->e.dir));
	snprintf(bin, sizeof(bin), "%s/hello", dir);
	ASSERT_EQ(0, link(self->bin, bin));
	memset(big, '\x01', sizeof(big) - 1);
	st = tl_runv(bin, argv, NULL, 0, NULL, 0, err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(6, WEXITSTATUS(st)) TH_LOG("%s", err);
	ASSERT_LT(0, tl_read_file(self->e.log, line, sizeof(line)));
	expect_capped(_metadata, line, 64 * 1024);

	/* The syslog fallback: a sixth of the caps, one datagram. */
	fd = fake_syslog();
	ASSERT_LE(0, fd);
	setenv("BINFMT_SHIM_LOG", "/proc/version/exec.jsonl", 1);
	st = tl_runv(bin, argv, NULL, 0, NULL, 0, NULL, 0);
	EXPECT_EQ(6, WEXITSTATUS(st));
	n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
	ASSERT_LT(0, n);
	msg[n] = '\0';
	EXPECT_GE(8192, n);
	ASSERT_NE(NULL, strstr(msg, "]: "));
	expect_capped(_metadata, strstr(msg, "]: ") + 3, 8192);
}

TEST_F(log, on_failure_deny_refuses_when_nothing_can_be_written)
{
	char *argv[] = { self->bin, "exit", "0", NULL };
	char err[2048], want[2048];
	int st;

	ASSERT_EQ(0, se_config(&self->e, "[log]\non_failure = deny\n"));
	setenv("BINFMT_SHIM_LOG", "/proc/version/exec.jsonl", 1);
	if (tl_have("/dev/log"))
		ASSERT_EQ(0, mount("tmpfs", "/dev", "tmpfs", 0, NULL));	/* no syslog */
	st = tl_run(argv, NULL, 0, NULL, 0, err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(126, WEXITSTATUS(st));
	snprintf(want, sizeof(want),
		 "binfmt-shim: cannot run %s: no record could be written "
		 "(/proc/version/exec.jsonl: Not a directory; syslog: No such file or "
		 "directory) and [log] on_failure = deny\n", self->bin);
	EXPECT_EQ(0, strncmp(want, err, strlen(want))) TH_LOG("%s", err);
	/* on_failure = allow (the default) runs it anyway. */
	ASSERT_EQ(0, se_config(&self->e, "[log]\non_failure = allow\n"));
	st = tl_run(argv, NULL, 0, NULL, 0, err, sizeof(err));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
