// SPDX-License-Identifier: GPL-2.0
/*
 * register and unregister as a newcomer meets them: what --flags does to
 * the default flags (and that the result is printed), what register says
 * without root, and that unregister --all unmounts the binfmt_misc that
 * register mounted, and only that one. Each test in its own private
 * binfmt_misc instance (tl_private_binfmt), or as an unprivileged uid in a
 * private mount namespace (asuser.h).
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "asuser.h"
#include "test_loader.h"

static struct cli_result r;

static const char *static_interp(void)
{
	static char path[4096];

	tl_build("shim", path, sizeof(path));
	return tl_have(path) ? path : "/bin/busybox";
}

/* The --replace state and mount marker of each test (cli_private_state),
 * removed after it: /tmp is the host's. */
FIXTURE(reg) {
	char state[64];
};

FIXTURE_SETUP(reg)
{
	self->state[0] = '\0';
}

FIXTURE_TEARDOWN(reg)
{
	char cmd[128];

	if (strncmp(self->state, "/tmp/bshim-test-state.", 22))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->state);
	(void)!system(cmd);
}

/* Whether a binfmt_misc instance is mounted at BINFMT_MNT. */
static bool bm_is_mounted(void)
{
	struct stat st;

	return stat(BINFMT_MNT "/register", &st) == 0;
}

TEST_F(reg, flags_replace_add_remove_and_are_printed)
{
	char line[256];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(self->state, sizeof(self->state));
	/* The default. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--shim", static_interp(),
			     "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(cli_line(r.out, "flags: ", line, sizeof(line)),
			       "flags: PF (the default")) TH_LOG("%s", r.out);
	/* Letters alone replace it, and the output says what was dropped. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--flags", "C", "--shim",
			     static_interp(), "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(cli_line(r.out, "flags: ", line, sizeof(line)),
			       "flags: OC (--flags C replaces the default PF"))
		TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "flags OC")) TH_LOG("%s", r.out);
	/* +C adds to the default. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--flags", "+C", "--shim",
			     static_interp(), "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(cli_line(r.out, "flags: ", line, sizeof(line)),
			       "flags: POCF")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "flags POCF")) TH_LOG("%s", r.out);
	/* -P takes from it; +O-P both. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--flags", "-P", "--shim",
			     static_interp(), "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.out, "flags: F (")) TH_LOG("%s", r.out);
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--flags", "+O-P", "--shim",
			     static_interp(), "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.out, "flags: OF (")) TH_LOG("%s", r.out);
	/* JSON says it too. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--json", "--flags", "+O",
			     "--shim", static_interp(), "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"flags\":\"POF\"")) TH_LOG("%s", r.out);
	/* A letter that is no flag, after a sign too. */
	EXPECT_EQ(2, cli_run(&r, "register", "--dry-run", "--flags", "+X", "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.err, "unknown flag 'X'")) TH_LOG("%s", r.err);
	/* Carried out: the live entry has what was printed. */
	ASSERT_EQ(0, cli_run(&r, "register", "--flags", "+O", "--shim", static_interp(),
			     "aarch64", NULL)) TH_LOG("%s", r.err);
	ASSERT_LT(0, tl_read_file(BINFMT_MNT "/binfmt-shim-aarch64", r.out, sizeof(r.out)));
	EXPECT_NE(NULL, strstr(r.out, "flags: POF\n")) TH_LOG("%s", r.out);
}

/* register mounted it: unregister --all, with nothing left, unmounts it. */
TEST_F(reg, unregister_all_unmounts_what_register_mounted)
{
	char marker[128];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(self->state, sizeof(self->state));
	snprintf(marker, sizeof(marker), "%s/mounted", self->state);
	/* Undo tl_private_binfmt's mount: nothing is mounted there now. */
	ASSERT_EQ(0, umount2(BINFMT_MNT, 0));
	ASSERT_FALSE(bm_is_mounted());
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(), "aarch64",
			     "riscv64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "mounted binfmt_misc")) TH_LOG("%s", r.err);
	ASSERT_TRUE(bm_is_mounted());
	EXPECT_EQ(0, access(marker, F_OK));
	/* Some left: still mounted. */
	ASSERT_EQ(0, cli_run(&r, "unregister", "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_TRUE(bm_is_mounted());
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL)) TH_LOG("%s", r.err);
	EXPECT_FALSE(bm_is_mounted()) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "unmounted binfmt_misc")) TH_LOG("%s", r.out);
	EXPECT_NE(0, access(marker, F_OK));
}

/* Someone else's mount, or another's entry left: never unmounted. */
TEST_F(reg, unregister_all_leaves_other_mounts)
{
	char marker[128];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(self->state, sizeof(self->state));
	snprintf(marker, sizeof(marker), "%s/mounted", self->state);
	/* The test mounted it (tl_private_binfmt): register did not. */
	ASSERT_TRUE(bm_is_mounted());
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(), "aarch64", NULL));
	EXPECT_NE(0, access(marker, F_OK));
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL)) TH_LOG("%s", r.err);
	EXPECT_TRUE(bm_is_mounted());
	/* A marker that names another mount (a stale one, another
	 * namespace's): still left alone. */
	{
		int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		ASSERT_LE(0, fd);
		ASSERT_EQ(3, write(fd, "12\n", 3));
		close(fd);
	}
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(), "aarch64", NULL));
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL)) TH_LOG("%s", r.err);
	EXPECT_TRUE(bm_is_mounted());

	/* register mounted it, but another's entry is still there. */
	ASSERT_EQ(0, umount2(BINFMT_MNT, 0));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(), "aarch64", NULL));
	ASSERT_TRUE(bm_is_mounted());
	ASSERT_EQ(0, tl_register(":bshim-other:M::zz-other::/bin/true:"));
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL)) TH_LOG("%s", r.err);
	EXPECT_TRUE(bm_is_mounted());
	EXPECT_TRUE(bm_has("bshim-other"));
}

/*
 * Without root: the error says that it needs root, why, and what works
 * without it, whether binfmt_misc is mounted (then there is nothing to
 * mount) or not.
 */
TEST(register_without_root_says_so)
{
	char why[256] = "", cli[512], shim[512], script[2048];
	struct asuser u;
	int st, mounted;

	memset(&u, 0, sizeof(u));
	CLI_OR_SKIP();
	st = au_setup(&u, why, sizeof(why));
	SETUP_OR_SKIP(st, why);
	tl_build("binfmt-shim", cli, sizeof(cli));
	tl_build("shim", shim, sizeof(shim));
	for (mounted = 0; mounted < 2; mounted++) {
		/* This private mount namespace's view only; the uid cannot
		 * register anything in the host's instance either way. */
		umount2(BINFMT_MNT, MNT_DETACH);
		if (mounted)
			ASSERT_EQ(0, mount("binfmt_misc", BINFMT_MNT, "binfmt_misc",
					   MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
		snprintf(script, sizeof(script), "'%s' register --shim '%s' aarch64",
			 cli, shim);
		st = au_sh(script, r.out, sizeof(r.out), r.err, sizeof(r.err));
		ASSERT_TRUE(WIFEXITED(st));
		EXPECT_EQ(2, WEXITSTATUS(st)) TH_LOG("%s", r.err);
		EXPECT_NE(NULL, strstr(r.err, "needs root")) TH_LOG("%s", r.err);
		EXPECT_NE(NULL, strstr(r.err, "CAP_SYS_ADMIN")) TH_LOG("%s", r.err);
		EXPECT_NE(NULL, strstr(r.err, "binfmt-shim exec -- CMD")) TH_LOG("%s", r.err);
		EXPECT_NE(NULL, strstr(r.err, "binfmt-shim run FILE")) TH_LOG("%s", r.err);
		if (mounted)
			EXPECT_EQ(NULL, strstr(r.err, "cannot mount")) TH_LOG("%s", r.err);
	}
	umount2(BINFMT_MNT, MNT_DETACH);
	au_teardown(&u);
}

TEST_HARNESS_MAIN
