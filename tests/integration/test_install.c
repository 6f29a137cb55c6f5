// SPDX-License-Identifier: GPL-2.0
/*
 * make install / make uninstall into a DESTDIR: install puts the docs the
 * man pages cite where they say, and uninstall leaves nothing behind,
 * not even the empty directories install made, but keeps those that
 * were there before. Runs the tree's own Makefile (-o all: the programs
 * already built are installed, nothing is rebuilt).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "testlib.h"

#define MAKE "/usr/bin/make"

FIXTURE(install) {
	char dest[64];
};

FIXTURE_SETUP(install)
{
	char bin[4096];

	snprintf(self->dest, sizeof(self->dest), "/tmp/bshim-install.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dest));
	/* The tree's make, not the one running make check: no jobserver
	 * fds or variables of the outer make leak in. */
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	unsetenv("MAKEOVERRIDES");
	if (access(MAKE, X_OK))
		SKIP(return, MAKE " is missing: apt-get install make");
	tl_build("binfmt-shim", bin, sizeof(bin));
	if (!tl_have(bin))
		SKIP(return, "%.200s is not built (make)", bin);
}

FIXTURE_TEARDOWN(install)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", self->dest);
	if (self->dest[0] && system(cmd))
		fprintf(stderr, "# could not remove %s\n", self->dest);
}

/* make -C <top> -o all TARGET DESTDIR=dest [extra]: the wait status. */
static int make(const char *target, const char *dest, const char *extra, char *err,
		size_t errlen)
{
	static char out[65536];
	char destvar[128];
	char *argv[] = { MAKE, "--no-print-directory", "-C", BSHIM_TOP, "-o", "all",
			 (char *)target, destvar, (char *)extra, NULL };

	snprintf(destvar, sizeof(destvar), "DESTDIR=%s", dest);
	return tl_run(argv, NULL, 0, out, sizeof(out), err, errlen);
}

/* Every path under dir, one a line ("" when it is empty). */
static const char *left_under(const char *dir, char *buf, size_t len)
{
	char *argv[] = { "/usr/bin/find", (char *)dir, "-mindepth", "1", NULL };

	buf[0] = '\0';
	tl_run(argv, NULL, 0, buf, len, NULL, 0);
	return buf;
}

#define EXPECT_MADE(st, err)						\
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)		\
		TH_LOG("make: wait status %#x\n%s", st, err)

TEST_F(install, uninstall_leaves_nothing)
{
	static char err[65536], left[65536], text[65536];
	char path[512];
	int st;

	st = make("install", self->dest, NULL, err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", err);
	/* What the man pages cite is installed, and they cite it there. */
	snprintf(path, sizeof(path), "%s/usr/local/share/doc/binfmt-shim/log-format.md",
		 self->dest);
	EXPECT_TRUE(tl_have(path));
	snprintf(path, sizeof(path), "%s/usr/local/share/doc/binfmt-shim/README.md",
		 self->dest);
	EXPECT_TRUE(tl_have(path));
	snprintf(path, sizeof(path), "%s/usr/local/share/man/man8/binfmt-shim.8", self->dest);
	ASSERT_LT(0, tl_read_file(path, text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "/usr/local/share/doc/binfmt-shim/log-format.md"));
	EXPECT_EQ(NULL, strstr(text, "docs/")) TH_LOG("%s cites the source tree", path);
	snprintf(path, sizeof(path), "%s/usr/local/share/man/man8/binfmt-shimd.8", self->dest);
	ASSERT_LT(0, tl_read_file(path, text, sizeof(text)));
	EXPECT_EQ(NULL, strstr(text, "docs/")) TH_LOG("%s cites the source tree", path);
	EXPECT_EQ(NULL, strstr(text, "dist/")) TH_LOG("%s cites the source tree", path);

	st = make("uninstall", self->dest, NULL, err, sizeof(err));
	EXPECT_MADE(st, err);
	EXPECT_STREQ("", left_under(self->dest, left, sizeof(left)));
}

/* Another prefix: the man pages follow it. Installing twice, then
 * uninstalling once, still leaves nothing. */
TEST_F(install, prefix_usr_twice)
{
	static char err[65536], left[65536], text[65536];
	char path[512];
	int st;

	st = make("install", self->dest, "PREFIX=/usr", err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", err);
	st = make("install", self->dest, "PREFIX=/usr", err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", err);
	snprintf(path, sizeof(path), "%s/usr/share/man/man5/binfmt-shim.conf.5", self->dest);
	ASSERT_LT(0, tl_read_file(path, text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "/usr/share/doc/binfmt-shim/log-format.md"));
	EXPECT_EQ(NULL, strstr(text, "/usr/local/share/doc")) TH_LOG("%s", path);
	st = make("uninstall", self->dest, "PREFIX=/usr", err, sizeof(err));
	EXPECT_MADE(st, err);
	EXPECT_STREQ("", left_under(self->dest, left, sizeof(left)));
}

/* Directories that were there before install are the host's: kept, with
 * what else is in them. */
TEST_F(install, keeps_directories_it_did_not_make)
{
	static char err[65536], left[65536];
	char path[512], want[1024];
	int st;

	snprintf(path, sizeof(path), "%s/usr", self->dest);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/usr/local", self->dest);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/usr/local/bin", self->dest);
	ASSERT_EQ(0, mkdir(path, 0755));
	st = make("install", self->dest, NULL, err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", err);
	/* Something else put into a directory install made. */
	snprintf(path, sizeof(path), "%s/usr/local/sbin/other", self->dest);
	ASSERT_EQ(0, close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)));
	st = make("uninstall", self->dest, NULL, err, sizeof(err));
	EXPECT_MADE(st, err);
	snprintf(want, sizeof(want), "%1$s/usr\n%1$s/usr/local\n%1$s/usr/local/bin\n"
		 "%1$s/usr/local/sbin\n%1$s/usr/local/sbin/other\n", self->dest);
	left_under(self->dest, left, sizeof(left));
	{
		/* find's order is the directory's: compare sorted. */
		char *argv[] = { "/usr/bin/sort", NULL };
		static char sorted[65536];

		tl_run(argv, left, strlen(left), sorted, sizeof(sorted), NULL, 0);
		EXPECT_STREQ(want, sorted);
	}
}

/* A DESTDIR that does not exist yet, as a packager's staging dir
 * (debian/<package>): install makes it; uninstall leaves it empty. */
TEST_F(install, destdir_that_does_not_exist_yet)
{
	static char err[65536], left[65536];
	char dest[512], path[600];
	int st;

	snprintf(dest, sizeof(dest), "%s/stage/pkg", self->dest);
	st = make("install", dest, "PREFIX=/usr", err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", err);
	snprintf(path, sizeof(path), "%s/usr/bin/binfmt-shim", dest);
	EXPECT_EQ(0, access(path, X_OK)) TH_LOG("%s", path);
	st = make("uninstall", dest, "PREFIX=/usr", err, sizeof(err));
	EXPECT_MADE(st, err);
	EXPECT_STREQ("", left_under(dest, left, sizeof(left)));
}

TEST_HARNESS_MAIN
