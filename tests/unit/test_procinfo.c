// SPDX-License-Identifier: GPL-2.0
/* lib/procinfo.c: the /proc text the collector reads of a process in a
 * container, real kernel shapes and hostile ones, one case each. */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "procinfo.h"

static const char status[] =
	"Name:\thello\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\n"
	"Pid:\t4242\nPPid:\t4200\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n"
	"Gid:\t100\t0\t100\t100\nFDSize:\t64\nNSpid:\t4242\t17\t2\nNSpgid:\t4242\t17\t2\n";

TEST(nspid_from_outermost_to_innermost)
{
	long long p[PROCINFO_NSPID_MAX];

	ASSERT_EQ(3, procinfo_nspid(status, sizeof(status) - 1, p, PROCINFO_NSPID_MAX));
	EXPECT_EQ(4242, p[0]);
	EXPECT_EQ(17, p[1]);
	EXPECT_EQ(2, p[2]);
	/* Cut to max, and the line's own name is not NSpgid. */
	ASSERT_EQ(2, procinfo_nspid(status, sizeof(status) - 1, p, 2));
	EXPECT_EQ(17, p[1]);
}

TEST(nspid_absent_or_malformed)
{
	long long p[4];
	const char *bad[] = { "NSpid:\t12x\n", "NSpid:\t\n", "NSpid:\t-1\n",
			      "NSpid:\t99999999999999999999\n", "NSpid:1 2 3" };
	size_t k;

	EXPECT_EQ(-ENOENT, procinfo_nspid("Pid:\t1\nNSpgid:\t1\n", 18, p, 4));
	EXPECT_EQ(-ENOENT, procinfo_nspid("", 0, p, 4));
	EXPECT_EQ(-ENOENT, procinfo_nspid("NSpid", 5, p, 4));
	for (k = 0; k < 4; k++)
		EXPECT_EQ(-EINVAL, procinfo_nspid(bad[k], strlen(bad[k]), p, 4)) TH_LOG("%s", bad[k]);
	/* No newline at the end: the read was cut, the pids are still whole. */
	EXPECT_EQ(3, procinfo_nspid(bad[4], strlen(bad[4]), p, 4));
}

TEST(real_ids)
{
	unsigned long long id;

	ASSERT_EQ(0, procinfo_id(status, sizeof(status) - 1, "Uid", &id));
	EXPECT_EQ(1000, id);
	ASSERT_EQ(0, procinfo_id(status, sizeof(status) - 1, "Gid", &id));
	EXPECT_EQ(100, id);
	EXPECT_EQ(-ENOENT, procinfo_id(status, sizeof(status) - 1, "Xid", &id));
	EXPECT_EQ(-EINVAL, procinfo_id("Uid:\t4294967296\n", 16, "Uid", &id));
	EXPECT_EQ(-EINVAL, procinfo_id("Uid:\tx\n", 7, "Uid", &id));
}

TEST(cgroup_v2_v1_and_odd_names)
{
	static const char v2[] = "0::/system.slice/docker-0123abcd.scope\n";
	static const char hybrid[] =
		"12:memory:/docker/abc\n1:name=systemd:/docker/abc:x\n0::/\n";
	static const char v1[] = "12:memory:/m\n1:name=systemd:/user.slice/a:b\n";
	static const char odd[] = "3:cpu,cpuacct:/a:b:c";
	const char *p;
	size_t n;

	ASSERT_EQ(0, procinfo_cgroup(v2, sizeof(v2) - 1, &p, &n));
	EXPECT_EQ(strlen("/system.slice/docker-0123abcd.scope"), n);
	EXPECT_EQ(0, memcmp(p, "/system.slice/docker-0123abcd.scope", n));
	static const char hybrid_root[] =
		"9:name=systemd:/\n8:pids:/bshim-t\n4:memory:/other\n0::/\n";
	static const char all_root[] = "9:name=systemd:/\n8:pids:/\n0::/\n";

	ASSERT_EQ(0, procinfo_cgroup(hybrid, sizeof(hybrid) - 1, &p, &n));
	EXPECT_EQ(0, memcmp(p, "/docker/abc:x", n));	/* unified is "/" here */
	ASSERT_EQ(0, procinfo_cgroup(hybrid_root, sizeof(hybrid_root) - 1, &p, &n));
	EXPECT_EQ(0, memcmp(p, "/bshim-t", n));	/* the first that is not "/" */
	ASSERT_EQ(0, procinfo_cgroup(all_root, sizeof(all_root) - 1, &p, &n));
	EXPECT_EQ(1, n);
	ASSERT_EQ(0, procinfo_cgroup("0::/a\n1:name=systemd:/b\n", 23, &p, &n));
	EXPECT_EQ(0, memcmp(p, "/a", n));
	ASSERT_EQ(0, procinfo_cgroup(v1, sizeof(v1) - 1, &p, &n));
	EXPECT_EQ(0, memcmp(p, "/user.slice/a:b", n));
	ASSERT_EQ(0, procinfo_cgroup(odd, sizeof(odd) - 1, &p, &n));
	EXPECT_EQ(0, memcmp(p, "/a:b:c", n));
	EXPECT_EQ(-ENOENT, procinfo_cgroup("garbage\n::\n", 11, &p, &n));
	EXPECT_EQ(-ENOENT, procinfo_cgroup("", 0, &p, &n));
}

TEST(cmdline_as_binfmt_builds_it)
{
	/* P: interpreter, the binary's path, the caller's argv[0], the rest. */
	static const char c[] = "/var/lib/binfmt-shim/pinned/aarch64\0/fx/hello\0hello\0a b\0\0";
	const char *a;
	size_t n;

	EXPECT_EQ(5, procinfo_argc(c, sizeof(c) - 1));
	ASSERT_EQ(0, procinfo_arg(c, sizeof(c) - 1, 1, &a, &n));
	EXPECT_EQ(9, n);
	EXPECT_EQ(0, memcmp(a, "/fx/hello", n));
	ASSERT_EQ(0, procinfo_arg(c, sizeof(c) - 1, 4, &a, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(-ENOENT, procinfo_arg(c, sizeof(c) - 1, 5, &a, &n));
	/* Cut without its NUL. */
	EXPECT_EQ(2, procinfo_argc("ab\0cd", 5));
	ASSERT_EQ(0, procinfo_arg("ab\0cd", 5, 1, &a, &n));
	EXPECT_EQ(2, n);
	EXPECT_EQ(0, procinfo_argc("", 0));
}

TEST_HARNESS_MAIN
