// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim exec where the kernel refuses the user namespace, with the
 * cause made true for real, as an ordinary user (AU_UID) would meet it:
 *   - a seccomp filter that answers EPERM to unshare and clone with
 *     CLONE_NEWUSER (what Docker's default profile does), installed in
 *     the test before it drops to AU_UID;
 *   - user.max_user_namespaces = 0, written in a user namespace of the
 *     test's own (the limit is per user namespace: kernel/ucount.c) before
 *     it drops to AU_UID there;
 *   - both: the filter refuses first, and is the one named.
 * Each asserts the exact cause sentence, so a wrong decision in
 * lib/nscause.c or a wrong fact from loader/nsprobe.c fails it, and that
 * the diagnostic points at the fix and at binfmt-shim run. The causes
 * that cannot be made true here (an old kernel, Debian's and AppArmor's
 * sysctls, a chroot the tests do not enter) are decided in
 * tests/unit/test_nscause.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "asuser.h"
#include "testlib.h"

#define RUN_HINT "  or:     without a namespace, run each foreign program through " \
	"binfmt-shim run FILE [ARGS], the runner hook of go test, cargo, ctest and " \
	"meson (docs/cross-runners.md)\n"

FIXTURE(refused) {
	bool skipped;
	struct asuser u;
	char cli[512], script[1024];
	char out[4096], err[4096];
};

FIXTURE_SETUP(refused)
{
	char why[256] = "";
	int rc;

	memset(&self->u, 0, sizeof(self->u));
	self->skipped = true;
	rc = au_setup(&self->u, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	/* After au_setup: the build as the unprivileged uid reaches it. */
	tl_build("binfmt-shim", self->cli, sizeof(self->cli));
	ASSERT_TRUE(tl_have(self->cli));
	/* Only where AU_UID may have a namespace is a refusal the test's. */
	if (au_need_ns(self->cli, self->err, sizeof(self->err)))
		SKIP(return, "%.900s", self->err);
	self->skipped = false;
}

FIXTURE_TEARDOWN(refused)
{
	au_teardown(&self->u);
}

/* `exec --check` and `exec -- true` as AU_UID: both 125 with want as the
 * whole of standard error. */
static void expect_refusal(struct __test_metadata *_metadata, FIXTURE_DATA(refused) *self,
			   const char *want)
{
	static const char *const how[] = { "exec --check", "exec -- true" };
	size_t i;
	int st;

	for (i = 0; i < sizeof(how) / sizeof(how[0]); i++) {
		snprintf(self->script, sizeof(self->script), "'%s' %s", self->cli, how[i]);
		st = au_sh(self->script, self->out, sizeof(self->out), self->err,
			   sizeof(self->err));
		ASSERT_TRUE(WIFEXITED(st)) TH_LOG("%s: status %#x", how[i], st);
		EXPECT_EQ(125, WEXITSTATUS(st)) TH_LOG("%s: %s", how[i], self->err);
		EXPECT_STREQ("", self->out);
		EXPECT_STREQ(want, self->err) TH_LOG("%s", how[i]);
	}
}

#if defined(__x86_64__)
#define TEST_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_ARCH AUDIT_ARCH_AARCH64
#endif

/*
 * unshare or clone with CLONE_NEWUSER in the flags (arg 0): EPERM, as
 * Docker's default profile answers. In this test's process only (the
 * harness forks each test); root needs no no_new_privs for it, and
 * setpriv keeps it for AU_UID. 0, 1 for a SKIP, -errno.
 */
static int refuse_userns(void)
{
#ifdef TEST_ARCH
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_ARCH, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
		/* the low half of the flags (little-endian hosts) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return -errno;
	/* The filter is what refuses now, whatever else might. */
	if (unshare(CLONE_NEWUSER) == 0 || errno != EPERM)
		return -EIO;
	return 0;
#else
	return 1;
#endif
}

#define SECCOMP_WANT "binfmt-shim: exec: cannot make a private binfmt_misc: a seccomp " \
	"filter refuses it (a container's profile: Docker's default one refuses " \
	"unshare of a user namespace): a new user namespace (unshare) failed: " \
	"Operation not permitted\n" \
	"  fix:    run the container with a profile that allows unshare with " \
	"CLONE_NEWUSER (docker run --security-opt seccomp=unconfined, or a copy of " \
	"the default profile that does)\n" RUN_HINT

#define MAX_WANT "binfmt-shim: exec: cannot make a private binfmt_misc: " \
	"user.max_user_namespaces = 0: no user namespace may be created (unshare: " \
	"No space left on device)\n" \
	"  fix:    as root: sysctl -w user.max_user_namespaces=15000 (and the same " \
	"line in /etc/sysctl.d/ to keep it; inside a container, on the host or in " \
	"the container's own namespace)\n" RUN_HINT

/* A user namespace of the test's own, ids 0..65535 as on the host, whose
 * user.max_user_namespaces is 0: its root holds CAP_SYS_RESOURCE in it
 * (kernel/ucount.c, set_permissions). 0, 1 for a SKIP (why[]), -errno. */
static int no_more_userns(char *why, size_t len)
{
	int fd, err = tl_full_userns(why, len);

	if (err == -EPERM)
		return 1;
	if (err)
		return err;
	fd = open("/proc/sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		err = -errno;
		snprintf(why, len, "writing user.max_user_namespaces: %s", strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return err;
}

TEST_F(refused, seccomp_filter)
{
	int rc;

	if (self->skipped)
		return;
	rc = refuse_userns();
	if (rc == 1)
		SKIP(return, "the test's seccomp filter is written for x86_64 and aarch64");
	ASSERT_EQ(0, rc) TH_LOG("seccomp: %s", strerror(-rc));
	expect_refusal(_metadata, self, SECCOMP_WANT);
}

TEST_F(refused, max_user_namespaces_zero)
{
	char why[256] = "";
	int rc;

	if (self->skipped)
		return;
	rc = no_more_userns(why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	expect_refusal(_metadata, self, MAX_WANT);
}

/* Both at once: the filter refuses first (EPERM at syscall entry), so it
 * is the one to fix; the limit of 0 must not be named for an EPERM. */
TEST_F(refused, seccomp_filter_before_the_limit)
{
	char why[256] = "";
	int rc;

	if (self->skipped)
		return;
	rc = no_more_userns(why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	rc = refuse_userns();
	if (rc == 1)
		SKIP(return, "the test's seccomp filter is written for x86_64 and aarch64");
	ASSERT_EQ(0, rc) TH_LOG("seccomp: %s", strerror(-rc));
	expect_refusal(_metadata, self, SECCOMP_WANT);
}

TEST_HARNESS_MAIN
