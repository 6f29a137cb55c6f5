// SPDX-License-Identifier: GPL-2.0
/*
 * Foreign binaries in the containers people make, compared with qemu
 * registered directly: the entries `binfmt-shim register` makes (flags PF,
 * the emulator pinned with the shim and mapped by it) against Debian's
 * qemu-<arch>-static registered with the same flags, both in one private
 * binfmt_misc instance, each comparison enabling one of them. What the
 * caller and the guest see must be the same: stdout, stderr, the wait
 * status (exit or death by signal), argv[0], stdin, and the PID the
 * guest sees for itself, which must also be the one its parent got.
 *
 * The containers (a variant each), built from busybox-static and the
 * fixtures, with no emulator and no binfmt-shim file inside:
 *   chroot        new mount + PID namespace, chroot (sbuild's unshare mode)
 *   chroot_nopid  chroot only, the caller's PID namespace (pbuilder, schroot)
 *   pivot_root    new mount + PID namespace, pivot_root (docker, podman)
 *   rootless      pivot_root inside a user namespace of its own whose root
 *                 is a non-root uid of the parent, with 50000 more uids
 *                 mapped: what rootless podman makes (newuidmap)
 * Inside them: stdin and signals, nested foreign execs through a shell
 * and from a foreign program that forks and execs another arch's, a
 * guest that forks, a Go test binary that checks os.Executable and
 * starts a foreign child, a setuid foreign binary under the C flag run
 * by another uid, a container without /proc, and a mapped hand-off that
 * fails where the emulator's host path does not exist.
 * In run-tests' execve pass the container gets the rig's shim.conf and
 * the host's /usr/bin (tc_forced_execve, tests/lib/tcontainer.h, which
 * also holds the container's pieces; qemu's entries: tests/lib/qemudirect.c).
 *
 * The variants that map more than one uid need real root (SKIP else).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "binfmt.h"
#include "qemudirect.h"
#include "tcontainer.h"
#include "testlib.h"

#define CALLER_UID 1000
/* rootless: the container's root is this uid of the parent namespace,
 * its uids 1..SUB_COUNT are SUB_FIRST.. (an /etc/subuid range). */
#define ROOTLESS_UID 1000
#define SUB_FIRST 10000
#define SUB_COUNT 50000

static const char *const arches[] = { "aarch64", "s390x", "riscv64" };
#define NARCH (sizeof(arches) / sizeof(arches[0]))

FIXTURE(ctr) {
	char root[128];
	char cli[512], shim[512];
	int full;		/* uids 0..65535 mapped: a second uid exists */
	char out[2][16384], err[2][8192];
	pid_t pid[2];		/* the command's PID, as its parent saw it */
};

FIXTURE_VARIANT(ctr) {
	int pidns, pivot, rootless;
};

FIXTURE_VARIANT_ADD(ctr, chroot) { .pidns = 1 };
FIXTURE_VARIANT_ADD(ctr, chroot_nopid) { .pidns = 0 };
FIXTURE_VARIANT_ADD(ctr, pivot_root) { .pidns = 1, .pivot = 1 };
FIXTURE_VARIANT_ADD(ctr, rootless) { .pidns = 1, .pivot = 1, .rootless = 1 };

struct ctr_opts {
	int proc;		/* mount /proc inside */
	uid_t uid;		/* run the command as this uid (0: root) */
	const char *bind;	/* bind this host file at the same path inside */
	int init;		/* the command is the container's PID 1 (docker run) */
};

/*
 * Run argv in a container of root as the variant makes it. The process
 * that sets the container up (PID 1 with a PID namespace) forks the
 * command, reports the command's PID as it saw it, and its raw wait
 * status. Returns that status, or -errno.
 */
static int ctr_run(const FIXTURE_VARIANT(ctr) *v, const char *root, const struct ctr_opts *o,
		   char *const argv[], const char *in, char *out, size_t outlen,
		   char *err, size_t errlen, pid_t *cmd_pid)
{
	int ps[2], pm[2], pg[2], st = -1;
	struct tc_stdio io;
	struct { int raw; pid_t pid; } rep = { -ECHILD, -1 };
	pid_t pid;

	if (tc_stdio_open(&io) || pipe2(ps, O_CLOEXEC) || pipe2(pm, O_CLOEXEC) ||
	    pipe2(pg, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char path[512];
		pid_t init, cmd;
		char c;

		/* Only the command's ends stay. */
		tc_stdio_child(&io);
		close(ps[0]);
		close(pm[0]);
		close(pg[1]);
		if (v->rootless) {
			/* An unprivileged user makes a user namespace of its
			 * own; newuidmap (here: the parent) maps its uids. */
			if (setgroups(0, NULL) || setresgid(ROOTLESS_UID, ROOTLESS_UID, ROOTLESS_UID) ||
			    setresuid(ROOTLESS_UID, ROOTLESS_UID, ROOTLESS_UID) ||
			    unshare(CLONE_NEWUSER) < 0)
				_exit(110);
			if (write(pm[1], "m", 1) != 1 || read(pg[0], &c, 1) != 1 || c != 'y')
				_exit(111);
			if (setresuid(0, 0, 0) || setresgid(0, 0, 0))
				_exit(112);
		}
		close(pm[1]);
		close(pg[0]);
		if (unshare(CLONE_NEWNS | (v->pidns ? CLONE_NEWPID : 0)) < 0)
			_exit(120);
		init = fork();
		if (init < 0)
			_exit(121);
		if (init && o->init) {
			/* The command is PID 1 itself: its status is here. */
			close(io.out[1]);
			close(io.err[1]);
			close(io.in[0]);
			rep.pid = 1;
			if (waitpid(init, &rep.raw, 0) != init)
				_exit(128);
			(void)!write(ps[1], &rep, sizeof(rep));
			_exit(0);
		}
		if (init) {
			waitpid(init, &st, 0);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 122);
		}
		/* PID 1 of the container (with a PID namespace). */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(123);
		if (v->pivot && mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
			_exit(124);
		/* A proc of its own with its own PID namespace; else the
		 * caller's bound in, as schroot's setup does (a user
		 * namespace may mount proc only for a PID namespace it owns). */
		snprintf(path, sizeof(path), "%s/proc", root);
		if (o->proc && (v->pidns ? mount("proc", path, "proc", MS_NOSUID | MS_NODEV, NULL)
				 : mount("/proc", path, NULL, MS_BIND | MS_REC, NULL)) < 0)
			_exit(125);
		/* /dev/null, as every runtime provides it (Go's os/exec opens it). */
		snprintf(path, sizeof(path), "%s/dev/null", root);
		if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0)
			_exit(129);
		snprintf(path, sizeof(path), "%s%s", root, o->bind ? o->bind : "");
		if (o->bind && mount(o->bind, path, NULL, MS_BIND, NULL) < 0)
			_exit(126);
		snprintf(path, sizeof(path), "%s/usr/bin", root);
		if (tc_forced_execve() && o->proc && mount("/usr/bin", path, NULL, MS_BIND, NULL) < 0)
			_exit(130);
		if (tc_enter_root(root, v->pivot) < 0)
			_exit(127);
		cmd = o->init ? 0 : fork();
		if (cmd == 0) {
			tc_stdio_dup(&io);
			if (o->uid && (setgroups(0, NULL) || setresgid(o->uid, o->uid, o->uid) ||
				       setresuid(o->uid, o->uid, o->uid)))
				_exit(99);
			execv(argv[0], argv);
			_exit(98);
		}
		close(io.out[1]);
		close(io.err[1]);
		close(io.in[0]);
		rep.pid = cmd;
		if (cmd < 0 || waitpid(cmd, &rep.raw, 0) != cmd)
			_exit(128);
		(void)!write(ps[1], &rep, sizeof(rep));
		_exit(0);
	}
	close(ps[1]);
	close(pm[1]);
	close(pg[0]);
	if (v->rootless) {
		/* What newuidmap writes for rootless podman: root is the
		 * user, the rest a subordinate range. */
		char path[64], map[96], c = 'n';

		if (read(pm[0], &c, 1) == 1) {
			snprintf(map, sizeof(map), "0 %d 1\n1 %d %d\n", ROOTLESS_UID, SUB_FIRST,
				 SUB_COUNT);
			snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
			c = tc_write_str(path, map) ? 'n' : 'y';
			snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
			if (c == 'y' && tc_write_str(path, map))
				c = 'n';
		}
		(void)!write(pg[1], &c, 1);
	}
	close(pm[0]);
	close(pg[1]);
	tc_stdio_collect(&io, in, out, outlen, err, errlen);
	if (read(ps[0], &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		rep.raw = -ECHILD;
	close(ps[0]);
	waitpid(pid, &st, 0);
	if (rep.raw == -ECHILD && WIFEXITED(st))
		fprintf(stderr, "# container setup exited %d\n", WEXITSTATUS(st));
	if (cmd_pid)
		*cmd_pid = rep.pid;
	return rep.raw;
}

FIXTURE_SETUP(ctr)
{
	static const char *const dirs[] = { "/bin", "/dev", "/etc", "/etc/binfmt-shim", "/fx",
					    "/proc", "/tmp", "/usr", "/usr/bin",
					    "/var", "/var/log" };
	static const char *const fix[][2] = {
		{ "c/aarch64-linux-gnu-static", "/fx/hello" },
		{ "c/s390x-linux-gnu-static", "/fx/hello-s390x" },
		{ "c/riscv64-linux-gnu-static", "/fx/hello-riscv64" },
		{ "spawn/aarch64-linux-gnu-static", "/fx/spawn" },
		{ "spawn/riscv64-linux-gnu-static", "/fx/spawn-riscv64" },
		{ "go/linux-arm64", "/fx/go" },
		{ "go/exe-linux-arm64.test", "/fx/exe.test" },
	};
	char why[256], src[512], path[256];
	char *reg[] = { self->cli, "register", "--shim", self->shim, "aarch64", "s390x",
			"riscv64", NULL };
	size_t k;
	int rc, st;

	if (tc_missing(arches, NARCH, why, sizeof(why)))
		SKIP(return, "%s", why);
	/* Every variant maps a second uid where it can (the setuid case);
	 * the rootless one needs it for its subordinate range. */
	rc = geteuid() == 0 ? tl_full_userns(why, sizeof(why)) : -EPERM;
	if (rc == 0) {
		self->full = 1;
		ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
		ASSERT_EQ(0, mount("binfmt_misc", BINFMT_MNT, "binfmt_misc",
				   MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
		ASSERT_EQ(0, tl_private_system(TL_RIG_CONFIG, why, sizeof(why))) TH_LOG("%s", why);
	} else {
		if (variant->rootless)
			SKIP(return, "a rootless container maps a range of uids: needs real root");
		rc = tl_private_binfmt(why, sizeof(why));
		if (rc == -EPERM || rc == -EINVAL || rc == -ENODEV)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, rc) TH_LOG("%s", why);
	}
	/* The container's root: a tmpfs of its own (not nosuid, for the
	 * setuid case) in the private /var/tmp, gone with the namespace. */
	snprintf(self->root, sizeof(self->root), "/var/tmp/ctr.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	ASSERT_EQ(0, mount("tmpfs", self->root, "tmpfs", 0, "mode=0755"));
	ASSERT_EQ(0, tc_make_root(self->root, dirs, sizeof(dirs) / sizeof(dirs[0])));
	snprintf(path, sizeof(path), "%s/tmp", self->root);
	ASSERT_EQ(0, chmod(path, 01777));
	snprintf(path, sizeof(path), "%s/dev/null", self->root);
	k = (size_t)open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	ASSERT_LE(0, (int)k);
	close((int)k);
	if (tc_forced_execve())
		ASSERT_EQ(0, tc_rig_config(self->root));
	for (k = 0; k < sizeof(fix) / sizeof(fix[0]); k++) {
		tl_fixture(fix[k][0], src, sizeof(src));
		ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
		ASSERT_EQ(0, tc_copy_in(self->root, src, fix[k][1], 0755));
	}
	/* Ours, through the CLI with its default flags (it pins qemu with
	 * the shim), and qemu's with the same flags. */
	tl_build("binfmt-shim", self->cli, sizeof(self->cli));
	tl_build("shim", self->shim, sizeof(self->shim));
	st = tl_run(reg, NULL, 0, self->out[0], sizeof(self->out[0]), self->err[0],
		    sizeof(self->err[0]));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", self->err[0]);
	ASSERT_NE(NULL, strstr(self->out[0], "flags: PF")) TH_LOG("%s", self->out[0]);
	for (k = 0; k < NARCH; k++)
		ASSERT_EQ(0, qd_register(arches[k], "FP"));
}

FIXTURE_TEARDOWN(ctr)
{
}

static const char *argstr(char *const argv[])
{
	static char s[512];
	size_t n = 0;
	int i;

	s[0] = '\0';
	for (i = 0; argv[i] && n < sizeof(s); i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%s", i ? " " : "", argv[i]);
	return s;
}

/* Run argv both ways and compare everything the caller and the guest
 * see; the shim's run is [0]. Its wait status. */
static int compare(struct __test_metadata *_metadata, FIXTURE_DATA(ctr) *self,
		   const FIXTURE_VARIANT(ctr) *variant, const struct ctr_opts *o,
		   char *const argv[], const char *in, int prints_pid)
{
	char pid[32];
	int st[2], w;

	for (w = 0; w < 2; w++) {
		if (qd_choose(arches, NARCH, !w))
			return -1;
		st[w] = ctr_run(variant, self->root, o, argv, in, self->out[w],
				sizeof(self->out[0]), self->err[w], sizeof(self->err[0]),
				&self->pid[w]);
		EXPECT_LE(0, st[w]) TH_LOG("%s: %s", argstr(argv), strerror(-st[w]));
	}
	EXPECT_EQ(st[1], st[0]) TH_LOG("%s: shim 0x%x, qemu 0x%x; shim said %s", argstr(argv),
				       st[0], st[1], self->err[0]);
	EXPECT_STREQ(self->err[1], self->err[0]) TH_LOG("%s", argstr(argv));
	if (!prints_pid) {
		EXPECT_STREQ(self->out[1], self->out[0]) TH_LOG("%s", argstr(argv));
		return st[0];
	}
	/* Each run's PID as the guest printed it is the one its parent got
	 * from fork (the same number both ways with a PID namespace). */
	for (w = 0; w < 2; w++) {
		snprintf(pid, sizeof(pid), "%d\n", (int)self->pid[w]);
		EXPECT_STREQ(pid, self->out[w]) TH_LOG("%s: %s", argstr(argv), w ? "qemu" : "shim");
	}
	if (variant->pidns) {
		EXPECT_STREQ(self->out[1], self->out[0]) TH_LOG("%s", argstr(argv));
	}
	return st[0];
}

static int same_both_ways(struct __test_metadata *_metadata, FIXTURE_DATA(ctr) *self,
			  const FIXTURE_VARIANT(ctr) *variant, const struct ctr_opts *o,
			  char *const argv[], const char *in)
{
	return compare(_metadata, self, variant, o, argv, in, 0);
}

static const struct ctr_opts with_proc = { .proc = 1 };

TEST_F(ctr, output_status_signals_argv0_stdin_and_pid_are_qemus)
{
	char *cases[][8] = {
		{ "/fx/hello", "argv", "a b", "", "c", NULL },
		{ "/fx/hello", "argv0", NULL },
		{ "/fx/hello", "no-such-command", NULL },
		{ "/fx/hello-s390x", "arch", NULL },
		{ "/fx/go", "one", "--exit=5", NULL },
	};
	char *exit7[] = { "/fx/hello", "exit", "7", NULL };
	char *term[] = { "/fx/hello", "signal", "15", NULL };
	char *segv[] = { "/fx/hello-riscv64", "signal", "11", NULL };
	char *cat[] = { "/fx/hello", "cat", NULL };
	char *pid[] = { "/fx/hello", "pid", NULL };
	/* argv[0] other than the path (the P flag keeps it), and the
	 * environment. */
	char *renamed[] = { "/bin/sh", "-c", "exec -a renamed /fx/hello argv0", NULL };
	char *env[] = { "/bin/sh", "-c", "BSHIM_X='a b' exec /fx/hello-s390x env BSHIM_X", NULL };
	size_t k;
	int st;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		same_both_ways(_metadata, self, variant, &with_proc, cases[k], NULL);
	/* Not only equal: right. */
	st = same_both_ways(_metadata, self, variant, &with_proc, exit7, NULL);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7) TH_LOG("0x%x", st);
	st = same_both_ways(_metadata, self, variant, &with_proc, term, NULL);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) TH_LOG("0x%x", st);
	st = same_both_ways(_metadata, self, variant, &with_proc, segv, NULL);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) TH_LOG("0x%x", st);
	same_both_ways(_metadata, self, variant, &with_proc, cat, "line one\nline two\n");
	EXPECT_STREQ("line one\nline two\n", self->out[0]);
	same_both_ways(_metadata, self, variant, &with_proc, cases[1], NULL);
	EXPECT_STREQ("/fx/hello\n", self->out[0]);
	same_both_ways(_metadata, self, variant, &with_proc, renamed, NULL);
	EXPECT_STREQ("renamed\n", self->out[0]);
	same_both_ways(_metadata, self, variant, &with_proc, env, NULL);
	EXPECT_STREQ("a b\n", self->out[0]);
	/* PID 2 of a container with its own namespace. */
	st = compare(_metadata, self, variant, &with_proc, pid, NULL, 1);
	EXPECT_EQ(0, st);
	if (variant->pidns) {
		EXPECT_STREQ("2\n", self->out[0]);
	}
}

/*
 * The foreign program as the container's PID 1, as `docker run` starts
 * its command (no --init): its PID, output, stdin and exit status, and a
 * foreign child it waits for. (A PID 1 that raises a signal with the
 * default action is not killed by it; qemu then waits forever in
 * sigsuspend, registered directly or not, so that is not run here.)
 */
TEST_F(ctr, a_foreign_pid_1_runs_as_with_qemu_registered_directly)
{
	struct ctr_opts init = { .proc = 1, .init = 1 };
	char *pid[] = { "/fx/hello", "pid", NULL };
	char *cat[] = { "/fx/hello", "cat", NULL };
	char *exit7[] = { "/fx/hello-s390x", "exit", "7", NULL };
	char *child[] = { "/fx/spawn", "/fx/hello-riscv64", "pid", NULL };
	int st;

	if (!variant->pidns)
		SKIP(return, "no PID namespace: no PID 1 of its own");
	st = compare(_metadata, self, variant, &init, pid, NULL, 1);
	EXPECT_STREQ("1\n", self->out[0]);
	EXPECT_EQ(0, st);
	same_both_ways(_metadata, self, variant, &init, cat, "in\n");
	EXPECT_STREQ("in\n", self->out[0]);
	st = same_both_ways(_metadata, self, variant, &init, exit7, NULL);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7) TH_LOG("0x%x", st);
	same_both_ways(_metadata, self, variant, &init, child, NULL);
	EXPECT_NE(NULL, strstr(self->out[0], "/fx/hello-riscv64 exited 0\n")) TH_LOG("%s",
										     self->out[0]);
}

/* A shell running foreign programs, a foreign program running a shell
 * that runs another arch's, and a foreign program that forks and execs
 * another arch's, which forks and execs a third. */
TEST_F(ctr, nested_foreign_execs_through_shells_and_forks)
{
	char *shell[] = { "/bin/sh", "-c",
			  "/fx/hello arch; /fx/hello-riscv64 exit 3; echo status $?; "
			  "exec /fx/hello-s390x argv0", NULL };
	char *via_sh[] = { "/fx/hello", "exec", "/bin/sh", "-c",
			   "/fx/hello-riscv64 arch; echo $?", NULL };
	char *chain[] = { "/fx/spawn", "/fx/spawn-riscv64", "/fx/hello-s390x", "exit", "4",
			  NULL };
	char *killed[] = { "/fx/spawn", "/fx/hello-riscv64", "signal", "9", NULL };
	int st;

	st = same_both_ways(_metadata, self, variant, &with_proc, shell, NULL);
	EXPECT_STREQ("aarch64\nstatus 3\n/fx/hello-s390x\n", self->out[0]);
	EXPECT_EQ(0, st);
	same_both_ways(_metadata, self, variant, &with_proc, via_sh, NULL);
	EXPECT_STREQ("riscv64\n0\n", self->out[0]);
	st = same_both_ways(_metadata, self, variant, &with_proc, chain, NULL);
	EXPECT_STREQ("/fx/hello-s390x exited 4\n/fx/spawn-riscv64 exited 4\n", self->out[0]);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 4) TH_LOG("0x%x", st);
	st = same_both_ways(_metadata, self, variant, &with_proc, killed, NULL);
	EXPECT_STREQ("/fx/hello-riscv64 killed by signal 9\n", self->out[0]);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 128 + 9) TH_LOG("0x%x", st);
}

/* qemu runs a guest's fork as a fork of itself: the child's writes must
 * not reach the parent (every mapping private), and both finish. */
TEST_F(ctr, a_guest_that_forks_finishes_in_parent_and_child)
{
	char *fork_[] = { "/fx/spawn", "fork", NULL };
	char *fork_rv[] = { "/fx/spawn-riscv64", "fork", NULL };
	int st;

	st = same_both_ways(_metadata, self, variant, &with_proc, fork_, NULL);
	EXPECT_STREQ("child: counter=42 heap=c ppid-is-parent=1\nchild exited 3\n"
		     "parent: counter=1 heap=p\n", self->out[0]);
	EXPECT_EQ(0, st);
	st = same_both_ways(_metadata, self, variant, &with_proc, fork_rv, NULL);
	EXPECT_STREQ("child: counter=42 heap=c ppid-is-parent=1\nchild exited 3\n"
		     "parent: counter=1 heap=p\n", self->out[0]);
	EXPECT_EQ(0, st);
}

/* `GOARCH=arm64 go test -c`'s binary: os.Executable (/proc/self/exe, as
 * qemu answers it) is the binary itself, and it starts a foreign child. */
TEST_F(ctr, a_go_test_binary_sees_itself_and_starts_a_foreign_child)
{
	char *argv[] = { "/bin/sh", "-c", "BSHIM_CHILD=/fx/hello-riscv64 exec /fx/exe.test",
			 NULL };
	int st;

	st = same_both_ways(_metadata, self, variant, &with_proc, argv, NULL);
	EXPECT_STREQ("executable=/fx/exe.test\nchild said riscv64\nPASS\n", self->out[0])
		TH_LOG("%s", self->err[0]);
	EXPECT_EQ(0, st);
}

/*
 * A setuid-root foreign program, run by another uid, with the C flag on
 * both registrations: the kernel gives the process the file's owner as
 * euid, and the guest must see what qemu registered directly shows. In
 * the rootless container the file's owner is not mapped, so the kernel
 * does not switch (and both must agree on that too).
 */
TEST_F(ctr, a_setuid_program_under_flag_c_gets_qemus_credentials)
{
	char *reg[] = { self->cli, "register", "--replace", "--flags", "+C", "--shim",
			self->shim, "aarch64", NULL };
	char *ids[] = { "/fx/suid", "ids", NULL };
	char *pid[] = { "/fx/suid", "pid", NULL };
	struct ctr_opts as_caller = { .proc = 1, .uid = CALLER_UID };
	char path[256], src[512];
	int st;

	if (!self->full)
		SKIP(return, "a setuid program needs a second uid: needs real root");
	st = tl_run(reg, NULL, 0, self->out[0], sizeof(self->out[0]), self->err[0],
		    sizeof(self->err[0]));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", self->err[0]);
	ASSERT_NE(NULL, strstr(self->out[0], "C")) TH_LOG("%s", self->out[0]);
	ASSERT_EQ(0, qd_register("aarch64", "FPC"));
	snprintf(path, sizeof(path), "%s/fx/suid", self->root);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_EQ(0, tc_copy_in(self->root, src, "/fx/suid", 0755));
	ASSERT_EQ(0, chown(path, 0, 0));
	ASSERT_EQ(0, chmod(path, 04755));
	st = same_both_ways(_metadata, self, variant, &as_caller, ids, NULL);
	EXPECT_EQ(0, st) TH_LOG("%s", self->err[0]);
	EXPECT_STREQ(variant->rootless ? "uid=1000 euid=1000\n" : "uid=1000 euid=0\n",
		     self->out[0]);
	st = compare(_metadata, self, variant, &as_caller, pid, NULL, 1);
	EXPECT_EQ(0, st);
}

/*
 * No /proc in the container. qemu registered directly needs none; the
 * shim reaches the emulator pinned with it only through /proc/self/exe
 * (binfmt-shim(8), HAND-OFF). What a user sees: exit 126 and a
 * diagnostic that says /proc is not mounted and both fixes, never
 * "apt-get install"; and each fix works.
 */
TEST_F(ctr, without_proc_the_shim_says_so_and_both_fixes_work)
{
	char *argv[] = { "/fx/hello", "arch", NULL };
	struct ctr_opts none = { 0 };
	struct ctr_opts bound = { .bind = "/usr/bin/qemu-aarch64-static" };
	char path[256];
	int st, fd;

	/* qemu's own entry runs it. */
	ASSERT_EQ(0, qd_choose(arches, NARCH, 0));
	st = ctr_run(variant, self->root, &none, argv, NULL, self->out[1], sizeof(self->out[1]),
		     self->err[1], sizeof(self->err[1]), NULL);
	EXPECT_EQ(0, st) TH_LOG("0x%x %s", st, self->err[1]);
	EXPECT_STREQ("aarch64\n", self->out[1]);
	/* The shim's says why not. */
	ASSERT_EQ(0, qd_choose(arches, NARCH, 1));
	st = ctr_run(variant, self->root, &none, argv, NULL, self->out[0], sizeof(self->out[0]),
		     self->err[0], sizeof(self->err[0]), NULL);
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("0x%x", st);
	EXPECT_EQ(126, WEXITSTATUS(st));
	EXPECT_STREQ("", self->out[0]);
	EXPECT_NE(NULL, strstr(self->err[0], "/proc is not mounted")) TH_LOG("%s", self->err[0]);
	EXPECT_NE(NULL, strstr(self->err[0], "mount -t proc proc /proc")) TH_LOG("%s", self->err[0]);
	EXPECT_NE(NULL, strstr(self->err[0], "mount --bind /usr/bin/qemu-aarch64-static"))
		TH_LOG("%s", self->err[0]);
	EXPECT_EQ(NULL, strstr(self->err[0], "apt-get")) TH_LOG("%s", self->err[0]);
	/* Fix one: mount /proc (every other test here). Fix two: the
	 * emulator bound in, still no /proc. */
	snprintf(path, sizeof(path), "%s/usr/bin/qemu-aarch64-static", self->root);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	ASSERT_LE(0, fd);
	close(fd);
	st = same_both_ways(_metadata, self, variant, &bound, argv, NULL);
	EXPECT_EQ(0, st) TH_LOG("%s", self->err[0]);
	EXPECT_STREQ("aarch64\n", self->out[0]);
}

/*
 * The mapped hand-off fails at run time (here: an address-space limit the
 * emulator's image does not fit in, `ulimit -v` in the container) and the
 * pinned emulator's host path, which the shim would exec instead, is not
 * in the container. The diagnostic says that, not that the emulator
 * "exists but cannot be executed".
 */
TEST_F(ctr, a_mapping_that_fails_in_a_container_is_diagnosed_as_such)
{
	char *argv[] = { "/bin/sh", "-c", "ulimit -v 4096; exec /fx/hello arch", NULL };
	int st;

	if (tc_forced_execve())
		SKIP(return, "the execve pass maps nothing");
	ASSERT_EQ(0, qd_choose(arches, NARCH, 1));
	st = ctr_run(variant, self->root, &with_proc, argv, NULL, self->out[0],
		     sizeof(self->out[0]), self->err[0], sizeof(self->err[0]), NULL);
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("0x%x %s", st, self->err[0]);
	EXPECT_EQ(126, WEXITSTATUS(st)) TH_LOG("%s", self->err[0]);
	EXPECT_EQ(NULL, strstr(self->err[0], "exists but")) TH_LOG("%s", self->err[0]);
	EXPECT_NE(NULL, strstr(self->err[0], "could not be mapped")) TH_LOG("%s", self->err[0]);
	EXPECT_NE(NULL, strstr(self->err[0], "not in this chroot or container"))
		TH_LOG("%s", self->err[0]);
	EXPECT_NE(NULL, strstr(self->err[0], "ulimit -v")) TH_LOG("%s", self->err[0]);
	EXPECT_EQ(NULL, strstr(self->err[0], "chmod")) TH_LOG("%s", self->err[0]);
}

TEST_HARNESS_MAIN
