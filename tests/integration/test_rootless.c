// SPDX-License-Identifier: GPL-2.0
/*
 * Foreign programs without root, as an ordinary user (AU_UID, dropped to
 * with setpriv; tests/lib/asuser.h), with real tools:
 *   - binfmt-shim exec -- sh -c './aarch64; ./riscv64': output, exit
 *     status, the uid inside, who owns what the build writes, the records
 *     (the user's copy and the system's, both "via":"exec"), the host's
 *     binfmt_misc untouched; a signal sent to exec reaches CMD;
 *   - GOARCH=arm64 binfmt-shim exec -- go test: passes, one record;
 *   - Go's own hook go_linux_arm64_exec (build/go-exec) with no
 *     registration at all: passes, "via":"run";
 *   - binfmt-shim run: the guest's status, the shim's diagnostic and 126;
 *     with no binfmt_misc, a guest's exec of another foreign program is
 *     said once, and nothing else (loader/runwatch.c);
 *   - CMake with CMAKE_CROSSCOMPILING_EMULATOR = binfmt-shim run: ctest
 *     passes the test that should pass and fails the one that should fail;
 *     Meson with exe_wrapper = binfmt-shim run: meson test passes. The
 *     project, toolchain and cross files are tests/fixtures/cross, the
 *     ones docs/cross-runners.md shows.
 * The system config is the test's own (tl_private_system): the shim's
 * system record goes to a file in the test's directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "asuser.h"
#include "shimenv.h"
#include "testlib.h"

#define MAXREC 16

FIXTURE(user) {
	/* The harness runs the body after a SKIP in the setup: each body
	 * returns at once when this is set. */
	bool skipped;
	struct asuser u;
	char cli[512], script[4096];
	char out[8192], err[8192];
};

FIXTURE_SETUP(user)
{
	char why[256] = "", src[512];
	int rc;

	memset(&self->u, 0, sizeof(self->u));
	self->skipped = true;
	if (!tl_have("/usr/bin/qemu-aarch64-static") || !tl_have("/usr/bin/qemu-riscv64-static"))
		SKIP(return, "qemu-user-static missing: apt-get install qemu-user-static");
	rc = au_setup(&self->u, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	/* After au_setup: the build as the unprivileged uid reaches it. */
	tl_build("binfmt-shim", self->cli, sizeof(self->cli));
	ASSERT_TRUE(tl_have(self->cli));
	self->skipped = false;
	ASSERT_EQ(0, au_copy(&self->u, tl_fixture("c/aarch64-linux-gnu-static", src,
						   sizeof(src)), "hello-aarch64"))
		TH_LOG("%s missing: run make fixtures", src);
	ASSERT_EQ(0, au_copy(&self->u, tl_fixture("c/riscv64-linux-gnu-static", src,
						   sizeof(src)), "hello-riscv64"));
}

FIXTURE_TEARDOWN(user)
{
	au_teardown(&self->u);
}

/* The names in the host's binfmt_misc, as this (root) process sees it. */
static void host_entries(char *buf, size_t len)
{
	char *argv[] = { "/bin/sh", "-c", "ls -A " BINFMT_MNT " 2>&1; cat " BINFMT_MNT
			 "/status 2>&1", NULL };

	tl_run(argv, NULL, 0, buf, len, NULL, 0);
}

TEST_F(user, exec_a_build)
{
	char before[4096], after[4096];
	json_t *rec[MAXREC], *sys[MAXREC];
	size_t n, m, i;
	struct stat st;
	int status;

	if (self->skipped)
		return;
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	host_entries(before, sizeof(before));
	snprintf(self->script, sizeof(self->script),
		 "'%s' exec -- sh -c 'id -u; id -g; ./hello-aarch64 arch; "
		 "./hello-riscv64 exit 3; echo \"riscv64 said $?\"; "
		 "./hello-riscv64 arch > built.txt; exit 5'", self->cli);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x: %s", status, self->err);
	EXPECT_EQ(5, WEXITSTATUS(status)) TH_LOG("stderr: %s", self->err);
	EXPECT_STREQ("4242\n4242\naarch64\nriscv64 said 3\n", self->out)
		TH_LOG("stderr: %s", self->err);
	EXPECT_STREQ("", self->err);
	/* What the build wrote is the caller's, on the host. */
	ASSERT_EQ(0, stat("built.txt", &st));
	EXPECT_EQ(AU_UID, st.st_uid);
	EXPECT_EQ(AU_UID, st.st_gid);
	ASSERT_LT(0, tl_read_file("built.txt", self->out, sizeof(self->out)));
	EXPECT_STREQ("riscv64\n", self->out);
	/* Three execs: the user's copy and the system record of each. */
	n = se_read_jsonl(self->u.userlog, rec, MAXREC);
	m = se_read_jsonl(self->u.syslog, sys, MAXREC);
	ASSERT_EQ(3, n);
	ASSERT_EQ(3, m);
	for (i = 0; i < n; i++) {
		EXPECT_STREQ("exec", se_str(rec[i], "via"));
		EXPECT_STREQ("user", se_str(rec[i], "sink"));
		EXPECT_EQ(AU_UID, se_int(rec[i], "uid"));
		EXPECT_STREQ("exec", se_str(sys[i], "via"));
		EXPECT_STREQ("file", se_str(sys[i], "sink"));
		EXPECT_EQ(AU_UID, se_int(sys[i], "uid"));
	}
	EXPECT_STREQ("aarch64", se_str(rec[0], "arch"));
	EXPECT_STREQ("riscv64", se_str(rec[1], "arch"));
	se_log_free(rec, n);
	se_log_free(sys, m);
	host_entries(after, sizeof(after));
	EXPECT_STREQ(before, after);
}

/* Only the arches named are registered: another one has no handler. */
TEST_F(user, exec_named_arch)
{
	int status;

	if (self->skipped)
		return;
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	snprintf(self->script, sizeof(self->script),
		 "'%s' exec --arch arm64 --log ./mine.jsonl -- sh -c "
		 "'./hello-aarch64 arch; ./hello-riscv64 arch 2>/dev/null; echo $?'",
		 self->cli);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("stderr: %s", self->err);
	/* sh: 126 (cannot execute: Exec format error) */
	EXPECT_STREQ("aarch64\n126\n", self->out);
	EXPECT_LT(0, tl_read_file("mine.jsonl", self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "\"via\":\"exec\""));
	EXPECT_FALSE(tl_have(self->u.userlog));
}

/* A signal sent to `binfmt-shim exec` reaches CMD: CMD is that process. */
TEST_F(user, exec_signal_reaches_cmd)
{
	char uid[32], gid[32], buf[256] = "";
	char script[1024];
	char *argv[] = { "/usr/bin/setpriv", uid, gid, "--clear-groups", "--",
			 self->cli, "exec", "--", "/bin/sh", "-c", script, NULL };
	int out[2], status;
	size_t used = 0;
	ssize_t k;
	pid_t pid;

	if (self->skipped)
		return;
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	snprintf(uid, sizeof(uid), "--reuid=%d", AU_UID);
	snprintf(gid, sizeof(gid), "--regid=%d", AU_UID);
	snprintf(script, sizeof(script),
		 "trap 'echo got TERM; exit 3' TERM; ./hello-aarch64 arch; echo ready; "
		 "while :; do sleep 1 & wait $!; done");
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int devnull = open("/dev/zero", O_RDONLY);

		dup2(devnull, 0);
		dup2(out[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	/* Wait for CMD to say it runs (the read blocks; the harness's
	 * timeout guards against a hang). */
	while (!strstr(buf, "ready\n") && (k = read(out[0], buf + used,
						    sizeof(buf) - 1 - used)) > 0) {
		used += (size_t)k;
		buf[used] = '\0';
	}
	EXPECT_STREQ("aarch64\nready\n", buf);
	ASSERT_EQ(0, kill(pid, SIGTERM));
	while ((k = read(out[0], buf + used, sizeof(buf) - 1 - used)) > 0) {
		used += (size_t)k;
		buf[used] = '\0';
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(3, WEXITSTATUS(status));
	EXPECT_STREQ("aarch64\nready\ngot TERM\n", buf);
	close(out[0]);
}

/* The Go module of tests/fixtures/go and a copy of the fixtures' build
 * cache (offline, as scripts/demo), both the user's. */
static int go_setup(struct asuser *u)
{
	char cache[512], cmd[2048];

	if (!tl_have("/usr/bin/go"))
		return 1;
	tl_fixture("go/.cache", cache, sizeof(cache));
	snprintf(cmd, sizeof(cmd),
		 "cp -r '%s/tests/fixtures/go' '%s/mod' && cp -r '%s' '%s/gocache' && "
		 "chown -R %d:%d '%s/mod' '%s/gocache'", BSHIM_TOP, u->dir, cache,
		 u->dir, AU_UID, AU_UID, u->dir, u->dir);
	if (!tl_have(cache) || system(cmd))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/gocache", u->dir);
	setenv("GOCACHE", cmd, 1);
	snprintf(cmd, sizeof(cmd), "%s/gopath", u->dir);
	setenv("GOPATH", cmd, 1);
	setenv("GOENV", "off", 1);
	setenv("GOFLAGS", "-mod=mod -buildvcs=false", 1);
	setenv("GOPROXY", "off", 1);
	setenv("CGO_ENABLED", "0", 1);
	setenv("GOARCH", "arm64", 1);
	return chdir("mod") < 0 ? -1 : 0;
}

TEST_F(user, exec_go_test)
{
	json_t *rec[MAXREC];
	int status, rc;
	size_t n;

	if (self->skipped)
		return;
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	rc = go_setup(&self->u);
	if (rc == 1)
		SKIP(return, "go missing: apt-get install golang-go");
	ASSERT_EQ(0, rc) TH_LOG("the Go fixture cache is missing: run make fixtures");
	snprintf(self->script, sizeof(self->script),
		 "'%s' exec -- go test -count=1 ./mathx", self->cli);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s%s", self->out, self->err);
	EXPECT_EQ(0, strncmp(self->out, "ok  \texample.com/bshimfix/mathx", 31))
		TH_LOG("%s", self->out);
	n = se_read_jsonl(self->u.userlog, rec, MAXREC);
	ASSERT_EQ(1, n);
	EXPECT_STREQ("exec", se_str(rec[0], "via"));
	EXPECT_STREQ("arm64", se_str(rec[0], "go.goarch"));
	EXPECT_NE(NULL, strstr(se_str(rec[0], "path"), "mathx.test"));
	se_log_free(rec, n);
}

/* Go's own hook, with no registration at all: a user namespace whose
 * binfmt_misc instance is empty (mounted by unshare -r's root, which is
 * AU_UID outside), so only the hook can run the arm64 test binary. */
TEST_F(user, go_hook_without_binfmt_misc)
{
	char hooks[512];
	json_t *rec[MAXREC];
	int status, rc;
	size_t n;

	if (self->skipped)
		return;
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	rc = go_setup(&self->u);
	if (rc == 1)
		SKIP(return, "go missing: apt-get install golang-go");
	ASSERT_EQ(0, rc) TH_LOG("the Go fixture cache is missing: run make fixtures");
	tl_build("go-exec", hooks, sizeof(hooks));
	ASSERT_TRUE(tl_have(hooks));
	snprintf(self->script, sizeof(self->script),
		 "unshare -Urm sh -c 'mount -t binfmt_misc binfmt_misc " BINFMT_MNT
		 " && test \"$(ls " BINFMT_MNT ")\" = \"$(printf \"register\\nstatus\")\" && "
		 "PATH=%s:$PATH go test -count=1 ./mathx'", hooks);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s%s", self->out, self->err);
	EXPECT_EQ(0, strncmp(self->out, "ok  \texample.com/bshimfix/mathx", 31))
		TH_LOG("%s", self->out);
	n = se_read_jsonl(self->u.userlog, rec, MAXREC);
	ASSERT_EQ(1, n);
	EXPECT_STREQ("run", se_str(rec[0], "via"));
	EXPECT_STREQ("arm64", se_str(rec[0], "go.goarch"));
	se_log_free(rec, n);
}

TEST_F(user, run_status_and_diagnostic)
{
	json_t *rec[MAXREC];
	int status;
	size_t n;

	if (self->skipped)
		return;
	snprintf(self->script, sizeof(self->script), "'%s' run ./hello-riscv64 exit 7",
		 self->cli);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(7, WEXITSTATUS(status)) TH_LOG("%s", self->err);
	/* The caller's config may add a deny: the shim's diagnostic, 126. */
	ASSERT_EQ(0, system("printf '[arch.aarch64]\\npolicy = deny\\n' > user.conf"));
	snprintf(self->script, sizeof(self->script),
		 "BINFMT_SHIM_CONFIG=$PWD/user.conf '%s' run ./hello-aarch64 arch", self->cli);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(126, WEXITSTATUS(status));
	EXPECT_STREQ("", self->out);
	EXPECT_EQ(0, strncmp(self->err, "binfmt-shim: cannot run ./hello-aarch64: policy = deny",
			     54)) TH_LOG("%s", self->err);
	n = se_read_jsonl(self->u.userlog, rec, MAXREC);
	ASSERT_EQ(2, n);
	EXPECT_STREQ("run", se_str(rec[0], "via"));
	EXPECT_STREQ("exec", se_str(rec[0], "event"));
	EXPECT_STREQ("run", se_str(rec[1], "via"));
	EXPECT_STREQ("deny", se_str(rec[1], "event"));
	EXPECT_STREQ("./hello-aarch64", se_str(rec[1], "path"));
	se_log_free(rec, n);
	/* The host's own programs run as they are, unrecorded. */
	snprintf(self->script, sizeof(self->script), "'%s' run /bin/sh -c 'exit 4'",
		 self->cli);
	status = au_sh(self->script, NULL, 0, self->err, sizeof(self->err));
	EXPECT_EQ(4, WEXITSTATUS(status)) TH_LOG("%s", self->err);
}

/*
 * run without binfmt_misc: a guest that execs another foreign program gets
 * "Exec format error" from the kernel; run says why, once, and points at
 * exec (loader/runwatch.c). In a user namespace of AU_UID's own whose
 * binfmt_misc instance is empty, so nothing but run can run a foreign
 * program, once as that namespace's root and once with every capability
 * dropped (the watch's filter then needs no_new_privs).
 */
#define EMPTY_BINFMT "unshare -Urm sh -c 'mount -t binfmt_misc binfmt_misc " BINFMT_MNT \
	" && test \"$(ls " BINFMT_MNT ")\" = \"$(printf \"register\\nstatus\")\" && %s'"

static const char *const nested_as[] = {
	"", "setpriv --bounding-set=-all --inh-caps=-all",
};

TEST_F(user, run_nested_exec_said_once)
{
	char inner[2048];
	size_t i;
	int status;

	if (self->skipped)
		return;
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	for (i = 0; i < sizeof(nested_as) / sizeof(nested_as[0]); i++) {
		snprintf(inner, sizeof(inner), "%s %s run ./hello-aarch64 exec ./hello-riscv64 arch",
			 nested_as[i], self->cli);
		snprintf(self->script, sizeof(self->script), EMPTY_BINFMT, inner);
		status = au_sh(self->script, self->out, sizeof(self->out), self->err,
			       sizeof(self->err));
		ASSERT_TRUE(WIFEXITED(status)) TH_LOG("[%s] %s", nested_as[i], self->err);
		EXPECT_EQ(127, WEXITSTATUS(status)) TH_LOG("[%s] %s", nested_as[i], self->err);
		EXPECT_STREQ("", self->out);
		/* The whole of stderr: the watch's line once, then the guest's. */
		EXPECT_STREQ("binfmt-shim run: ./hello-aarch64 ran the foreign riscv64 binary "
			     "./hello-riscv64, which the kernel cannot run without binfmt_misc "
			     "(nested exec): run the whole build under `binfmt-shim exec -- ...` "
			     "instead\n"
			     "hello: exec ./hello-riscv64: Exec format error\n", self->err)
			TH_LOG("[%s]", nested_as[i]);
	}
}

/* The execs that work are not reported: run's own (the shim, qemu) and a
 * guest's exec of a host program. Nothing changes for the guest: its
 * output, status and PID (the shell's, which execs run). */
TEST_F(user, run_watch_quiet_when_execs_work)
{
	char inner[2048];
	int status;

	if (self->skipped)
		return;
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	snprintf(inner, sizeof(inner), "%s run ./hello-aarch64 arch && "
		 "%s run ./hello-aarch64 exec /bin/echo native && "
		 "sh -c \"echo \\$\\$; exec %s run ./hello-aarch64 pid\"",
		 self->cli, self->cli, self->cli);
	snprintf(self->script, sizeof(self->script), EMPTY_BINFMT, inner);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s", self->err);
	EXPECT_STREQ("", self->err);
	ASSERT_EQ(0, strncmp(self->out, "aarch64\nnative\n", 15)) TH_LOG("%s", self->out);
	{
		long a = -1, b = -2;

		ASSERT_EQ(2, sscanf(self->out + 15, "%ld\n%ld", &a, &b)) TH_LOG("%s", self->out);
		EXPECT_EQ(a, b);
	}
}

/* Where the watch cannot trace (here: run is traced already, by strace),
 * run goes on without it and says nothing of its own. */
TEST_F(user, run_watch_off_when_ptrace_refused)
{
	char inner[2048];
	int status;

	if (self->skipped)
		return;
	if (!tl_have("/usr/bin/strace"))
		SKIP(return, "strace missing: apt-get install strace");
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	snprintf(inner, sizeof(inner), "strace -o /dev/null %s run ./hello-aarch64 exec "
		 "./hello-riscv64 arch", self->cli);
	snprintf(self->script, sizeof(self->script), EMPTY_BINFMT, inner);
	status = au_sh(self->script, self->out, sizeof(self->out), self->err,
		       sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(127, WEXITSTATUS(status)) TH_LOG("%s", self->err);
	EXPECT_STREQ("hello: exec ./hello-riscv64: Exec format error\n", self->err);
}

/* tests/fixtures/cross in the user's directory, binfmt-shim on PATH. */
static int cross_setup(struct asuser *u, const char *tool)
{
	char cmd[2048], path[4096], build[512];

	snprintf(cmd, sizeof(cmd), "/usr/bin/%s", tool);
	if (!tl_have(cmd) || !tl_have("/usr/bin/aarch64-linux-gnu-gcc") ||
	    !tl_have("/usr/bin/qemu-aarch64-static"))
		return 1;
	snprintf(cmd, sizeof(cmd), "cp -r '%s/tests/fixtures/cross' '%s/src' && "
		 "chown -R %d:%d '%s/src'", BSHIM_TOP, u->dir, AU_UID, AU_UID, u->dir);
	if (system(cmd))
		return -1;
	tl_build("", build, sizeof(build));
	snprintf(path, sizeof(path), "%s:%s", build, getenv("PATH"));
	setenv("PATH", path, 1);
	return 0;
}

TEST_F(user, cmake_ctest)
{
	json_t *rec[MAXREC];
	int status, rc;
	size_t n, i;

	if (self->skipped)
		return;
	rc = cross_setup(&self->u, "cmake");
	if (rc == 1)
		SKIP(return, "cmake, aarch64-linux-gnu-gcc or qemu missing: scripts/deps");
	ASSERT_EQ(0, rc);
	status = au_sh("cmake -S src -B build-cmake "
		       "-DCMAKE_TOOLCHAIN_FILE=$PWD/src/aarch64-toolchain.cmake >/dev/null && "
		       "cmake --build build-cmake >/dev/null",
		       self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_EQ(0, status) TH_LOG("%s%s", self->out, self->err);
	status = au_sh("cd build-cmake && ctest --output-on-failure", self->out,
		       sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(8, WEXITSTATUS(status)) TH_LOG("%s%s", self->out, self->err);
	EXPECT_NE(NULL, strstr(self->out, "answer-is-42 .....................   Passed"))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "answer-is-41 .....................***Failed"))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "50% tests passed, 1 tests failed out of 2"));
	EXPECT_NE(NULL, strstr(self->out, "answer running on aarch64"));
	n = se_read_jsonl(self->u.userlog, rec, MAXREC);
	ASSERT_EQ(2, n);
	for (i = 0; i < n; i++) {
		EXPECT_STREQ("run", se_str(rec[i], "via"));
		EXPECT_STREQ("aarch64", se_str(rec[i], "arch"));
		/* dynamic: the loader came from the cross sysroot */
		EXPECT_STREQ("/usr/aarch64-linux-gnu", se_str(rec[i], "sysroot"));
	}
	se_log_free(rec, n);
}

TEST_F(user, meson_test)
{
	json_t *rec[MAXREC];
	int status, rc;
	size_t n;

	if (self->skipped)
		return;
	rc = cross_setup(&self->u, "meson");
	if (rc == 1)
		SKIP(return, "meson, aarch64-linux-gnu-gcc or qemu missing: scripts/deps");
	ASSERT_EQ(0, rc);
	status = au_sh("meson setup --cross-file src/aarch64-cross.ini build-meson src "
		       ">/dev/null && meson test -C build-meson", self->out,
		       sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s%s", self->out, self->err);
	EXPECT_NE(NULL, strstr(self->out, "Ok:                 1")) TH_LOG("%s", self->out);
	/* Meson runs the compiler's sanity check through the wrapper too. */
	n = se_read_jsonl(self->u.userlog, rec, MAXREC);
	ASSERT_LE(1, n);
	EXPECT_STREQ("run", se_str(rec[n - 1], "via"));
	EXPECT_NE(NULL, strstr(se_str(rec[n - 1], "path"), "answer"));
	se_log_free(rec, n);
}

TEST_HARNESS_MAIN
