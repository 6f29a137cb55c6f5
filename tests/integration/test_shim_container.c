// SPDX-License-Identifier: GPL-2.0
/*
 * A foreign binary inside a container that has no emulator and no
 * binfmt-shim file of its own: a new mount + PID namespace chrooted into
 * a directory with only a static busybox and the fixtures, /proc mounted.
 * With `binfmt-shim register` (the emulator pinned with the shim,
 * loader/pinned.c, and mapped by it, shim/mapped.c) everything the caller
 * sees must be what qemu registered directly with the same flags gives:
 * stdout, stderr, exit status, death by signal, argv[0], stdin, PID, and
 * nested foreign execs (a foreign program starting another, a shell
 * starting a foreign Go program). Both registrations live in the same
 * private binfmt_misc instance; each comparison enables one at a time.
 * Without /proc the diagnostic says to mount it (never "apt-get
 * install"), and the shim writes no log into the container's files.
 * The container's pieces: tests/lib/tcontainer.c; qemu's entries:
 * tests/lib/qemudirect.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "binfmt.h"
#include "qemudirect.h"
#include "tcontainer.h"
#include "testlib.h"

static const char *const arches[] = { "aarch64", "s390x" };
#define NARCH (sizeof(arches) / sizeof(arches[0]))

FIXTURE(container) {
	char root[128];
	char out[2][16384], err[2][8192];
};

/*
 * Run argv inside a container of root: unshare mount + PID namespaces, a
 * PID 1 that mounts /proc (when proc), chroots and waits for the command
 * (PID 2: PID 1 ignores its own default-action signals). The command's
 * raw wait status, or -errno.
 */
static int ctr_run(const char *root, int proc, char *const argv[], const char *in,
		   char *out, size_t outlen, char *err, size_t errlen)
{
	struct tc_stdio io;
	int s[2], st = -1, raw;
	pid_t pid;

	if (tc_stdio_open(&io) || pipe2(s, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char path[256];
		pid_t init, cmd;

		/* Only the command's ends stay. */
		tc_stdio_child(&io);
		close(s[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0)
			_exit(120);
		init = fork();
		if (init < 0)
			_exit(121);
		if (init) {
			waitpid(init, &st, 0);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 122);
		}
		/* PID 1 of the container. */
		if (tc_private_proc(root, proc) < 0)
			_exit(123);
		snprintf(path, sizeof(path), "%s/usr/bin", root);
		if ((tc_forced_execve() && proc && mount("/usr/bin", path, NULL, MS_BIND, NULL) < 0) ||
		    tc_enter_root(root, 0) < 0)
			_exit(123);
		cmd = fork();
		if (cmd == 0) {
			tc_stdio_dup(&io);
			execv(argv[0], argv);
			_exit(127);
		}
		close(io.out[1]);
		close(io.err[1]);
		if (cmd < 0 || waitpid(cmd, &raw, 0) != cmd)
			_exit(124);
		(void)!write(s[1], &raw, sizeof(raw));
		_exit(0);
	}
	close(s[1]);
	tc_stdio_collect(&io, in, out, outlen, err, errlen);
	if (read(s[0], &raw, sizeof(raw)) != (ssize_t)sizeof(raw))
		raw = -ECHILD;
	close(s[0]);
	waitpid(pid, &st, 0);
	return raw;
}

FIXTURE_SETUP(container)
{
	static const char *const dirs[] = { "/bin", "/etc", "/etc/binfmt-shim", "/fx", "/proc",
					    "/tmp", "/usr", "/usr/bin", "/var", "/var/log" };
	char why[256], src[512], cli[512], shim[512];
	char *reg[] = { cli, "register", "--flags", "FP", "--shim", shim, "aarch64", "s390x",
			NULL };
	static const char *const fix[][2] = {
		{ "c/aarch64-linux-gnu-static", "/fx/hello" },
		{ "c/s390x-linux-gnu-static", "/fx/hello-s390x" },
		{ "go/linux-arm64", "/fx/go" },
	};
	size_t k;
	int rc, st;

	if (tc_missing(arches, NARCH, why, sizeof(why)))
		SKIP(return, "%s", why);
	rc = tl_private_binfmt(why, sizeof(why));
	if (rc == -EPERM || rc == -EINVAL || rc == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	/* The container's root, in the private /var/tmp. */
	snprintf(self->root, sizeof(self->root), "/var/tmp/ctr.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	ASSERT_EQ(0, chmod(self->root, 0755));
	ASSERT_EQ(0, tc_make_root(self->root, dirs, sizeof(dirs) / sizeof(dirs[0])));
	if (tc_forced_execve())
		ASSERT_EQ(0, tc_rig_config(self->root));
	for (k = 0; k < sizeof(fix) / sizeof(fix[0]); k++) {
		tl_fixture(fix[k][0], src, sizeof(src));
		ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
		ASSERT_EQ(0, tc_copy_in(self->root, src, fix[k][1], 0755));
	}
	/* Ours, through the CLI (it pins qemu with the shim), and qemu's. */
	tl_build("binfmt-shim", cli, sizeof(cli));
	tl_build("shim", shim, sizeof(shim));
	st = tl_run(reg, NULL, 0, self->out[0], sizeof(self->out[0]), self->err[0],
		    sizeof(self->err[0]));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", self->err[0]);
	for (k = 0; k < 2; k++)
		ASSERT_EQ(0, qd_register(arches[k], "FP"));
}

FIXTURE_TEARDOWN(container)
{
}

/* Run argv both ways and compare everything the caller sees. */
static void same_both_ways(struct __test_metadata *_metadata,
			   FIXTURE_DATA(container) *self, char *const argv[], const char *in,
			   int *status)
{
	int st[2], w;

	for (w = 0; w < 2; w++) {
		ASSERT_EQ(0, qd_choose(arches, NARCH, !w));
		st[w] = ctr_run(self->root, 1, argv, in, self->out[w], sizeof(self->out[0]),
				self->err[w], sizeof(self->err[0]));
		ASSERT_LE(0, st[w]) TH_LOG("%s: %s", argv[0], strerror(-st[w]));
	}
	EXPECT_EQ(st[1], st[0]) TH_LOG("%s %s: shim 0x%x, qemu 0x%x; shim said %s", argv[0],
				       argv[1] ? argv[1] : "", st[0], st[1], self->err[0]);
	EXPECT_STREQ(self->out[1], self->out[0]) TH_LOG("%s %s", argv[0], argv[1] ? argv[1] : "");
	EXPECT_STREQ(self->err[1], self->err[0]) TH_LOG("%s %s", argv[0], argv[1] ? argv[1] : "");
	*status = st[0];
}

TEST_F_TIMEOUT(container, a_foreign_program_runs_as_with_qemu_registered_directly, 300)
{
	char *cases[][8] = {
		{ "/fx/hello", "argv", "a b", "", "c", NULL },
		{ "/fx/hello", "argv0", NULL },
		{ "/fx/hello", "exit", "7", NULL },
		{ "/fx/hello", "signal", "15", NULL },
		{ "/fx/hello", "signal", "11", NULL },
		{ "/fx/hello", "pid", NULL },
		{ "/fx/hello", "no-such-command", NULL },
		{ "/fx/hello-s390x", "arch", NULL },
		{ "/fx/go", "one", "two", NULL },
		{ "/bin/sh", "-c", "echo $$; exec /fx/hello pid", NULL },
	};
	size_t k;
	int st;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		same_both_ways(_metadata, self, cases[k], NULL, &st);
	/* Not only equal: right. */
	same_both_ways(_metadata, self, cases[2], NULL, &st);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	same_both_ways(_metadata, self, cases[3], NULL, &st);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	same_both_ways(_metadata, self, cases[5], NULL, &st);
	EXPECT_STREQ("2\n", self->out[0]);	/* PID 2 of the container */
}

TEST_F_TIMEOUT(container, stdin_and_nested_foreign_execs_pass_through, 300)
{
	char *cat[] = { "/fx/hello", "cat", NULL };
	char *nested[] = { "/fx/hello", "exec", "/fx/hello-s390x", "arch", NULL };
	char *shell[] = { "/bin/sh", "-c", "/fx/hello exec /fx/go x; echo status $?", NULL };
	int st;

	same_both_ways(_metadata, self, cat, "line one\nline two\n", &st);
	EXPECT_STREQ("line one\nline two\n", self->out[0]);
	same_both_ways(_metadata, self, nested, NULL, &st);
	EXPECT_STREQ("s390x\n", self->out[0]);
	same_both_ways(_metadata, self, shell, NULL, &st);
	EXPECT_NE(NULL, strstr(self->out[0], "argv[1]=x\n"));
	EXPECT_NE(NULL, strstr(self->out[0], "status 0\n"));
}

/* No /proc: the shim cannot reach the pinned emulator, and says so. */
TEST_F(container, without_proc_the_diagnostic_says_to_mount_it)
{
	char *argv[] = { "/fx/hello", "arch", NULL };
	int st;

	ASSERT_EQ(0, qd_choose(arches, NARCH, 1));
	st = ctr_run(self->root, 0, argv, NULL, self->out[0], sizeof(self->out[0]),
		     self->err[0], sizeof(self->err[0]));
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("0x%x", st);
	EXPECT_EQ(126, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(self->err[0], "mount -t proc proc /proc")) TH_LOG("%s", self->err[0]);
	EXPECT_EQ(NULL, strstr(self->err[0], "apt-get install")) TH_LOG("%s", self->err[0]);
}

/* The container's /var/log is not the host's: no record goes there. The
 * same registration outside does write the (private) host log. */
TEST_F(container, no_record_is_written_into_the_containers_files)
{
	char *argv[] = { "/fx/hello", "arch", NULL };
	char host[256], path[256], hello[256];
	char *outside[] = { hello, "arch", NULL };
	struct stat st;
	int ws;

	ASSERT_EQ(0, qd_choose(arches, NARCH, 1));
	ws = ctr_run(self->root, 1, argv, NULL, self->out[0], sizeof(self->out[0]),
		     self->err[0], sizeof(self->err[0]));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("0x%x %s", ws, self->err[0]);
	snprintf(path, sizeof(path), "%s/var/log/binfmt-shim", self->root);
	EXPECT_EQ(-1, stat(path, &st)) TH_LOG("the shim wrote %s", path);
	snprintf(path, sizeof(path), "%s/var/tmp", self->root);
	EXPECT_EQ(-1, stat(path, &st)) TH_LOG("the shim wrote %s", path);
	/* Outside the container, the host's log gets the record. */
	snprintf(hello, sizeof(hello), "%s/fx/hello", self->root);
	snprintf(host, sizeof(host), "/var/log/binfmt-shim");
	ws = tl_run(outside, NULL, 0, self->out[0], sizeof(self->out[0]), self->err[0],
		    sizeof(self->err[0]));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("0x%x %s", ws, self->err[0]);
	EXPECT_EQ(0, stat(host, &st)) TH_LOG("no host log at %s", host);
}

TEST_HARNESS_MAIN
