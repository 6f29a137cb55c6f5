// SPDX-License-Identifier: GPL-2.0
/* The test helpers themselves: a private binfmt_misc instance really is
 * private and empty, and tl_run passes data both ways. */
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

#include "testlib.h"

TEST(private_binfmt_is_empty_and_writable)
{
	char why[256], buf[256];

	if (tl_private_binfmt(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_GT(tl_read_file(BINFMT_MNT "/status", buf, sizeof(buf)), 0);
	EXPECT_STREQ("enabled\n", buf);
	ASSERT_EQ(0, tl_register(":bshim-test:E::bshimtest::/bin/true:"));
	ASSERT_GT(tl_read_file(BINFMT_MNT "/bshim-test", buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "interpreter /bin/true"));
}

TEST(run_captures_both_ways)
{
	char *argv[] = { "/bin/sh", "-c", "cat; echo err >&2; exit 3", NULL };
	char out[64], err[64];
	int st = tl_run(argv, "hello", 5, out, sizeof(out), err, sizeof(err));

	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(3, WEXITSTATUS(st));
	EXPECT_STREQ("hello", out);
	EXPECT_STREQ("err\n", err);
}

TEST_HARNESS_MAIN
