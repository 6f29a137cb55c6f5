// SPDX-License-Identifier: GPL-2.0
/*
 * The work the pinned shim does on every exec, counted with strace (not
 * timed: docs/performance.md has the figures from make bench). Each check
 * is a cut that make bench measured, kept from coming back:
 *   - the emulator's ELF and program headers come from one pread, not one
 *     per header (qemu-aarch64-static has 12);
 *   - with the pinned emulator in use, the usual emulator paths are not
 *     searched (no access() of /usr/bin/qemu-aarch64-static);
 *   - a collector socket that does not exist costs no socket, pidfd or
 *     connect;
 * and what the cuts must not change: a configured emulator still decides
 * over the pinned one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "testlib.h"

FIXTURE(hot) {
	char bin[512], trace[256];
	char out[8192], err[8192];
};

FIXTURE_SETUP(hot)
{
	char why[256], cli[512], shim[512];
	char *reg[] = { cli, "register", "--shim", shim, "aarch64", NULL };
	int rc, st;

	if (!tl_have("/usr/bin/qemu-aarch64-static"))
		SKIP(return, "qemu-aarch64-static missing: apt-get install qemu-user-static");
	if (!tl_have("/usr/bin/strace"))
		SKIP(return, "strace missing: apt-get install strace");
	rc = tl_private_binfmt(why, sizeof(why));
	if (rc == -EPERM || rc == -EINVAL || rc == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	tl_fixture("c/aarch64-linux-gnu-static", self->bin, sizeof(self->bin));
	ASSERT_TRUE(tl_have(self->bin)) TH_LOG("%s missing: run make fixtures", self->bin);
	/* The system config alone decides (no BINFMT_SHIM_* of the rig's). */
	unsetenv("BINFMT_SHIM_CONFIG");
	unsetenv("BINFMT_SHIM_LOG");
	ASSERT_EQ(0, tl_system_config("[log]\nsocket = /var/tmp/no-collector.sock\n"));
	tl_build("binfmt-shim", cli, sizeof(cli));
	tl_build("shim", shim, sizeof(shim));
	st = tl_run(reg, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", self->err);
	snprintf(self->trace, sizeof(self->trace), "/var/tmp/hot.trace");
}

FIXTURE_TEARDOWN(hot)
{
}

/* Run the binary under strace -f; the exit status. */
static int traced(FIXTURE_DATA(hot) *self)
{
	char *argv[] = { "/usr/bin/strace", "-f", "-qq", "-s", "128", "-o", self->trace,
			 self->bin, "exit", "0", NULL };

	unlink(self->trace);
	return tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
		      sizeof(self->err));
}

/* Lines of the shim's part of the trace (the exec'd pid, from its execve
 * to the emulator's first syscall, its brk(NULL)) that contain what. */
static int count(const char *trace, const char *bin, const char *what)
{
	static char text[1 << 20];
	char pid[16] = "", want[600];
	long n = tl_read_file(trace, text, sizeof(text));
	char *line, *save = NULL;
	int k = 0, in = 0;

	if (n < 0)
		return -1;
	snprintf(want, sizeof(want), "execve(\"%s\"", bin);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *call;

		if (!sp)
			continue;
		/* strace pads short pids: "5109  execve(...". */
		for (call = sp; *call == ' '; call++)
			;
		if (!pid[0] && !strncmp(call, want, strlen(want))) {
			snprintf(pid, sizeof(pid), "%.*s", (int)(sp - line), line);
			in = 1;
			continue;
		}
		if (!in || strncmp(line, pid, strlen(pid)) || line[strlen(pid)] != ' ')
			continue;
		if (!strncmp(call, "brk(NULL)", 9))
			break;
		k += !strncmp(call, what, strlen(what));
	}
	return pid[0] ? k : -1;
}

TEST_F(hot, the_emulators_headers_take_one_pread)
{
	int st = traced(self);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	/* The trailer, the binary's head, the emulator's headers; the Go
	 * lookup may add one of the binary. Was 16 with one per header. */
	EXPECT_GE(5, count(self->trace, self->bin, "pread64(")) TH_LOG("see %s", self->trace);
	EXPECT_LE(2, count(self->trace, self->bin, "pread64("));
}

TEST_F(hot, the_pinned_emulator_is_not_searched_for_on_disk)
{
	int st = traced(self);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	/* One stat of the pinned emulator's source (is it stale?) stays. */
	EXPECT_EQ(0, count(self->trace, self->bin, "access(\"/usr/bin/qemu-aarch64"));
	EXPECT_EQ(1, count(self->trace, self->bin, "stat(\"/usr/bin/qemu-aarch64-static\""))
		TH_LOG("see %s", self->trace);
}

TEST_F(hot, a_missing_collector_socket_costs_no_connect)
{
	int st = traced(self);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	EXPECT_EQ(0, count(self->trace, self->bin, "connect(")) TH_LOG("see %s", self->trace);
	EXPECT_EQ(0, count(self->trace, self->bin, "pidfd_open("));
	EXPECT_EQ(0, count(self->trace, self->bin, "socket("));
	/* The record still went to the file (the first one makes its
	 * directory: a failed openat, then the one that creates it). */
	EXPECT_LE(1, count(self->trace, self->bin, "openat(AT_FDCWD, \"/var/log/binfmt-shim/"));
	EXPECT_EQ(1, count(self->trace, self->bin, "write("));
}

TEST_F(hot, a_configured_emulator_still_decides_over_the_pinned_one)
{
	char *argv[] = { self->bin, "exit", "0", NULL };
	int st;

	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\n"
				      "[arch.aarch64]\nemulator = /var/tmp/no-such-qemu\n"));
	st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("0x%x", st);
	EXPECT_EQ(126, WEXITSTATUS(st)) TH_LOG("%s", self->err);
	EXPECT_NE(NULL, strstr(self->err, "/var/tmp/no-such-qemu")) TH_LOG("%s", self->err);
}

TEST_HARNESS_MAIN
