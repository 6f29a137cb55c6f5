// SPDX-License-Identifier: GPL-2.0
/*
 * Secure mode: with the C flag on a setuid binary the kernel runs the shim
 * with the binary's credentials and sets AT_SECURE. The shim must then
 * ignore the caller's environment (BINFMT_SHIM_LOG, BINFMT_SHIM_CONFIG),
 * write only where the system config says, and keep working.
 *
 * This needs a user namespace with more than one uid (a setuid file and a
 * caller of another uid), which only real root may map: SKIP otherwise.
 * The namespace gets private mounts over /var/log and /etc, so the system
 * paths the shim writes and reads are the test's own.
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
#include "shimenv.h"
#include "testlib.h"

#define CALLER_UID 1000

TEST(secure_exec_ignores_the_callers_environment)
{
	char why[256] = "", shim[512], src[512], dir[] = "/tmp/bshim-secure.XXXXXX";
	char bin[600], line[BINFMT_REGISTER_MAX + 1], rec[8192], caller_log[600];
	struct binfmt_entry ent;
	pid_t pid;
	int st;

	if (geteuid() != 0)
		SKIP(return, "needs real root to map a second uid for a setuid binary");
	tl_build("shim", shim, sizeof(shim));
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	if (!tl_have("/usr/bin/qemu-aarch64-static"))
		SKIP(return, "qemu-aarch64-static missing: apt-get install qemu-user-static");
	ASSERT_TRUE(tl_have(shim));
	ASSERT_TRUE(tl_have(src));
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, chmod(dir, 0755));
	{
		int err = tl_full_userns(why, sizeof(why));

		if (err == -EPERM)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, err) TH_LOG("%s", why);
	}
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("binfmt_misc", BINFMT_MNT, "binfmt_misc", 0, NULL));
	/* The system paths, private to this namespace. */
	ASSERT_EQ(0, mount("tmpfs", "/var/log", "tmpfs", 0, "mode=0755"));
	ASSERT_EQ(0, mount("tmpfs", "/etc", "tmpfs", 0, "mode=0755"));
	ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name("aarch64"), shim, "FC", &ent));
	ASSERT_LT(0, binfmt_format_register(&ent, line, sizeof(line)));
	ASSERT_EQ(0, tl_register(line));

	snprintf(bin, sizeof(bin), "%s/suid-hello", dir);
	snprintf(line, sizeof(line), "cp '%s' '%s'", src, bin);
	ASSERT_EQ(0, system(line));
	ASSERT_EQ(0, chown(bin, 0, 0));
	ASSERT_EQ(0, chmod(bin, 04755));
	snprintf(caller_log, sizeof(caller_log), "%s/caller.jsonl", dir);
	ASSERT_EQ(0, chmod(dir, 0777));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = { bin, "exit", "9", NULL };
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		setenv("BINFMT_SHIM_LOG", caller_log, 1);
		setenv("BINFMT_SHIM_CONFIG", "/nonexistent/evil.conf", 1);
		if (setresgid(CALLER_UID, CALLER_UID, CALLER_UID) ||
		    setresuid(CALLER_UID, CALLER_UID, CALLER_UID))
			_exit(99);
		execv(bin, argv);
		_exit(98);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(9, WEXITSTATUS(st));
	/* Nothing at the caller's path; the record at the system default. */
	EXPECT_FALSE(tl_have(caller_log));
	ASSERT_LT(0, tl_read_file("/var/log/binfmt-shim/exec.jsonl", rec, sizeof(rec)));
	{
		json_t *j = json_loads(rec, JSON_DISABLE_EOF_CHECK, NULL);

		ASSERT_NE(NULL, j);
		EXPECT_TRUE(json_is_true(json_object_get(json_object_get(j, "binfmt"), "secure")));
		EXPECT_EQ(CALLER_UID, se_int(j, "uid"));
		EXPECT_EQ(0, se_int(j, "euid"));
		EXPECT_STREQ("exec", se_str(j, "event"));
		EXPECT_EQ(NULL, json_object_get(j, "config"));
		json_decref(j);
	}
	snprintf(line, sizeof(line), "rm -rf --one-file-system '%s'", dir);
	EXPECT_EQ(0, system(line));
}

TEST_HARNESS_MAIN
