// SPDX-License-Identifier: GPL-2.0
/*
 * The Debian packages (make deb, debian/): each step of tests/deb/check,
 * which holds the checks, as one test here so that make check runs them
 * and counts them. In order: the build first (from a clean copy of the
 * tree), then what is checked on its output. Installing, upgrading and
 * purging in a throwaway Debian root takes minutes: make check-deb
 * (tests/deb/chroot-test), which CI runs after make check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

FIXTURE(deb) {
	int unused;
};

FIXTURE_SETUP(deb)
{
}

FIXTURE_TEARDOWN(deb)
{
}

/* tests/deb/check STEP: 0 pass, 4 skip (its reason on stderr), else fail. */
static void step(struct __test_metadata *_metadata, const char *name)
{
	char cmd[4096];
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && tests/deb/check %s", BSHIM_TOP, name);
	st = system(cmd);
	ASSERT_NE(-1, st);
	ASSERT_TRUE(WIFEXITED(st));
	if (WEXITSTATUS(st) == 4)
		SKIP(return, "tests/deb/check %s skipped (reason above)", name);
	ASSERT_EQ(0, WEXITSTATUS(st)) {
		TH_LOG("tests/deb/check %s failed (reason above)", name);
	}
}

/* dpkg-buildpackage: a full build of the tree on a busy 2-core machine. */
TEST_F_TIMEOUT(deb, build, 1800)
{
	step(_metadata, "build");
}

TEST_F_TIMEOUT(deb, version, 120)
{
	step(_metadata, "version");
}

TEST_F_TIMEOUT(deb, lintian, 600)
{
	step(_metadata, "lintian");
}

TEST_F_TIMEOUT(deb, contents, 600)
{
	step(_metadata, "contents");
}

TEST_F_TIMEOUT(deb, binfmtd, 120)
{
	step(_metadata, "binfmtd");
}

TEST_HARNESS_MAIN
