// SPDX-License-Identifier: GPL-2.0
/*
 * Secure mode: with the C flag on a setuid binary the kernel runs the shim
 * with the binary's credentials and sets AT_SECURE. Then the caller, a
 * less privileged user, must gain nothing through the shim:
 *   - its environment does not steer the shim (BINFMT_SHIM_LOG,
 *     BINFMT_SHIM_CONFIG), the emulator (QEMU_*) or the guest's loader
 *     (LD_PRELOAD and glibc's other unsafe variables);
 *   - a binary named like an emulator option ("-strace") is never read as
 *     one ("--" ends the emulator's options);
 *   - the emulator runs the file the kernel opened, not whatever its path
 *     names a moment later (/proc/self/fd/N, never the path).
 *
 * This needs a user namespace with more than one uid (a setuid file and a
 * caller of another uid), which only real root may map: SKIP otherwise.
 * The namespace gets private /var/log, /var/tmp and /etc
 * (tl_private_system), so the system paths the shim reads and writes are
 * the test's own.
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
#include <grp.h>
#include <stdbool.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "binfmt.h"
#include "shimenv.h"
#include "testlib.h"

#define CALLER_UID 1000
#define SYS_LOG "/var/log/binfmt-shim/exec.jsonl"

FIXTURE(secure) {
	char dir[64];
	char suid[128];		/* setuid-root copy of the aarch64 hello */
	char mine[128];		/* the caller's own aarch64 program (Go) */
	char out[4096], err[8192];
};

FIXTURE_SETUP(secure)
{
	char why[256] = "", shim[512], src[512], go[512];
	char line[BINFMT_REGISTER_MAX + 1];
	struct binfmt_entry ent;
	int err;

	if (geteuid() != 0)
		SKIP(return, "needs real root to map a second uid for a setuid binary");
	tl_build("shim", shim, sizeof(shim));
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	tl_fixture("go/linux-arm64", go, sizeof(go));
	if (!tl_have("/usr/bin/qemu-aarch64-static"))
		SKIP(return, "qemu-aarch64-static missing: apt-get install qemu-user-static");
	ASSERT_TRUE(tl_have(shim));
	ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
	ASSERT_TRUE(tl_have(go)) TH_LOG("%s missing: run make fixtures", go);
	snprintf(self->dir, sizeof(self->dir), "/tmp/bshim-secure.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	err = tl_full_userns(why, sizeof(why));
	if (err == -EPERM)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err) TH_LOG("%s", why);
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("binfmt_misc", BINFMT_MNT, "binfmt_misc", 0, NULL));
	ASSERT_EQ(0, tl_private_system("[log]\nsocket = none\n", why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name("aarch64"), shim, "FC", &ent));
	ASSERT_LT(0, binfmt_format_register(&ent, line, sizeof(line)));
	ASSERT_EQ(0, tl_register(line));

	snprintf(self->suid, sizeof(self->suid), "%s/suid-hello", self->dir);
	snprintf(line, sizeof(line), "cp '%s' '%s'", src, self->suid);
	ASSERT_EQ(0, system(line));
	ASSERT_EQ(0, chown(self->suid, 0, 0));
	ASSERT_EQ(0, chmod(self->suid, 04755));
	snprintf(self->mine, sizeof(self->mine), "%s/mine", self->dir);
	snprintf(line, sizeof(line), "cp '%s' '%s'", go, self->mine);
	ASSERT_EQ(0, system(line));
	ASSERT_EQ(0, chown(self->mine, CALLER_UID, CALLER_UID));
	ASSERT_EQ(0, chmod(self->dir, 0777));
}

FIXTURE_TEARDOWN(secure)
{
	char cmd[128];

	if (!self->dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", self->dir);
	if (system(cmd))
		fprintf(stderr, "# could not remove %s\n", self->dir);
}

/* Run path as the caller (uid CALLER_UID) in dir with env added to the
 * environment; stdout and stderr into self->out/err. The wait status. */
static int run_as_caller(struct _test_data_secure *self, const char *path,
			 char *const argv[], char *const env[])
{
	char outp[128], errp[128];
	pid_t pid;
	int st, k;

	snprintf(outp, sizeof(outp), "%s/out", self->dir);
	snprintf(errp, sizeof(errp), "%s/err", self->dir);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(97);
		for (k = 0; env && env[k]; k++)
			putenv(env[k]);
		if (chdir(self->dir) || setgroups(0, NULL) ||
		    setresgid(CALLER_UID, CALLER_UID, CALLER_UID) ||
		    setresuid(CALLER_UID, CALLER_UID, CALLER_UID))
			_exit(99);
		execv(path, argv);
		_exit(98);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	if (tl_read_file(outp, self->out, sizeof(self->out)) < 0)
		self->out[0] = '\0';
	if (tl_read_file(errp, self->err, sizeof(self->err)) < 0)
		self->err[0] = '\0';
	return st;
}

TEST_F(secure, the_callers_shim_variables_are_ignored)
{
	char caller_log[128], rec[8192];
	char *argv[] = { self->suid, "exit", "9", NULL };
	char *env[4];
	int st;

	snprintf(caller_log, sizeof(caller_log), "BINFMT_SHIM_LOG=%s/caller.jsonl", self->dir);
	env[0] = caller_log;
	env[1] = "BINFMT_SHIM_CONFIG=/nonexistent/evil.conf";
	env[2] = "BINFMT_SHIM_VERIFY=1";	/* no label for a secure run */
	env[3] = NULL;
	st = run_as_caller(self, self->suid, argv, env);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(9, WEXITSTATUS(st));
	/* Nothing at the caller's path; the record at the system default. */
	EXPECT_FALSE(tl_have(caller_log + strlen("BINFMT_SHIM_LOG=")));
	ASSERT_LT(0, tl_read_file(SYS_LOG, rec, sizeof(rec)));
	{
		json_t *j = json_loads(rec, JSON_DISABLE_EOF_CHECK, NULL);

		ASSERT_NE(NULL, j);
		EXPECT_TRUE(json_is_true(json_object_get(json_object_get(j, "binfmt"), "secure")));
		EXPECT_EQ(CALLER_UID, se_int(j, "uid"));
		EXPECT_EQ(0, se_int(j, "euid"));
		EXPECT_STREQ("exec", se_str(j, "event"));
		EXPECT_EQ(NULL, json_object_get(j, "config"));
		EXPECT_EQ(NULL, json_object_get(j, "user_config"));
		EXPECT_EQ(NULL, json_object_get(j, "verify"));
		json_decref(j);
	}
}

/*
 * ln -s suid-hello -strace; exec "-strace" (relative, not ./-strace) with
 * the caller's program as the first argument. Without "--" qemu reads the
 * name as its own -strace option and runs the caller's program with the
 * setuid owner's credentials. With it, the setuid program runs and calls
 * the caller's path an unknown command (its usage, exit 2).
 */
TEST_F(secure, a_binary_named_like_an_option_is_not_an_option)
{
	char link[128];
	char *argv[] = { "-strace", self->mine, "--exit=7", NULL };
	int st;

	snprintf(link, sizeof(link), "%s/-strace", self->dir);
	ASSERT_EQ(0, symlink("suid-hello", link));
	st = run_as_caller(self, "-strace", argv, NULL);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(2, WEXITSTATUS(st)) TH_LOG("stdout: %s\nstderr: %s", self->out, self->err);
	EXPECT_EQ(NULL, strstr(self->out, "goos=")) TH_LOG("the caller's program ran");
	EXPECT_EQ(NULL, strstr(self->err, "exit_group")) TH_LOG("qemu's strace ran");
	EXPECT_NE(NULL, strstr(self->err, "usage: hello")) TH_LOG("%s", self->err);
}

/*
 * The caller's QEMU_* variables would make the emulator, running with the
 * setuid owner's credentials, read a sysroot of the caller's
 * (QEMU_LD_PREFIX) and create or truncate any file (QEMU_LOG_FILENAME);
 * LD_PRELOAD and friends would reach the guest's loader. None may arrive.
 */
TEST_F(secure, qemu_and_loader_variables_never_reach_a_secure_run)
{
	static const char *const scrubbed[] = {
		"QEMU_LD_PREFIX", "QEMU_LOG", "QEMU_LOG_FILENAME", "QEMU_STRACE",
		"LD_PRELOAD", "LD_LIBRARY_PATH", "GLIBC_TUNABLES", "GCONV_PATH",
		"TMPDIR", "MALLOC_TRACE",
	};
	char rootonly[128], filename[192], prefix[160];
	char *env[] = { filename, prefix, "QEMU_LOG=unimp,guest_errors", "QEMU_STRACE=1",
			"LD_PRELOAD=/tmp/evil.so", "LD_LIBRARY_PATH=/tmp",
			"GLIBC_TUNABLES=glibc.malloc.check=3", "GCONV_PATH=/tmp",
			"TMPDIR=/tmp/x", "MALLOC_TRACE=/tmp/t", "BSHIM_KEPT=yes", NULL };
	char *argv[] = { self->suid, "env", NULL, NULL };
	size_t i;
	int st;

	snprintf(rootonly, sizeof(rootonly), "%s/root-only", self->dir);
	ASSERT_EQ(0, mkdir(rootonly, 0700));
	snprintf(filename, sizeof(filename), "QEMU_LOG_FILENAME=%s/pwned", rootonly);
	snprintf(prefix, sizeof(prefix), "QEMU_LD_PREFIX=%s", self->dir);
	for (i = 0; i < sizeof(scrubbed) / sizeof(scrubbed[0]); i++) {
		argv[2] = (char *)scrubbed[i];
		st = run_as_caller(self, self->suid, argv, env);
		ASSERT_TRUE(WIFEXITED(st));
		EXPECT_EQ(1, WEXITSTATUS(st)) TH_LOG("%s reached the guest: %s",
						     scrubbed[i], self->out);
	}
	/* The rest of the environment is the guest's, as always. */
	argv[2] = "BSHIM_KEPT";
	st = run_as_caller(self, self->suid, argv, env);
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_STREQ("yes\n", self->out);
	strcat(rootonly, "/pwned");
	EXPECT_FALSE(tl_have(rootonly)) TH_LOG("qemu wrote %s as root", rootonly);
}

/*
 * The emulator is handed the kernel's open file, never a path: mapped
 * (shim/mapped.c) as AT_EXECFD, from which qemu reads the guest, so the
 * guest's AT_EXECFN may be its path; by execve as /proc/self/fd/N. The
 * race test below proves either way that the path is never what runs.
 */
TEST_F(secure, the_emulator_gets_the_file_the_kernel_opened)
{
	char *argv[] = { self->suid, "execfn", NULL };
	int st;

	st = run_as_caller(self, self->suid, argv, NULL);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_TRUE(!strncmp(self->out, "/proc/self/fd/", 14) ||
		    !strncmp(self->out, self->suid, strlen(self->suid))) TH_LOG("%s", self->out);
}

/*
 * The race itself: a symlink swapped between the setuid program and the
 * caller's own while the caller execs it. Whenever the kernel opened the
 * setuid one (the record says secure), the setuid one must be what ran.
 * On a shim that hands over the path this fails within a few dozen tries.
 */
TEST_F(secure, swapping_the_path_never_runs_the_callers_file_as_root)
{
	char link[128], tmp_a[128], tmp_b[128];
	char *argv[] = { link, "ids", NULL };
	int tries, secure_runs = 0, st;
	bool secure, escalated = false;
	pid_t swapper;
	json_t *r[8];
	size_t n, k;

	snprintf(link, sizeof(link), "%s/target", self->dir);
	snprintf(tmp_a, sizeof(tmp_a), "%s/.a", self->dir);
	snprintf(tmp_b, sizeof(tmp_b), "%s/.b", self->dir);
	ASSERT_EQ(0, symlink(self->suid, link));
	swapper = fork();
	ASSERT_LE(0, swapper);
	if (swapper == 0) {
		for (;;) {
			if (symlink(self->mine, tmp_a) == 0)
				(void)!rename(tmp_a, link);
			if (symlink(self->suid, tmp_b) == 0)
				(void)!rename(tmp_b, link);
		}
	}
	for (tries = 0; tries < 60 && !escalated; tries++) {
		(void)!truncate(SYS_LOG, 0);	/* this try's records only */
		st = run_as_caller(self, link, argv, NULL);
		if (!WIFEXITED(st))
			continue;
		secure = false;
		n = se_read_jsonl(SYS_LOG, r, 8);
		for (k = 0; k < n; k++)
			if (r[k] && json_is_true(json_object_get(json_object_get(r[k], "binfmt"),
								 "secure")))
				secure = true;
		se_log_free(r, n);
		secure_runs += secure;
		/* The caller's Go program prints goos=..., ours uid=... */
		escalated = secure && strstr(self->out, "goos=");
	}
	EXPECT_FALSE(escalated) TH_LOG("try %d: the caller's file ran with the setuid "
				       "owner's credentials", tries);
	TH_LOG("%d tries, %d of them secure execs", tries, secure_runs);
	kill(swapper, SIGKILL);
	waitpid(swapper, NULL, 0);
}

TEST_HARNESS_MAIN
