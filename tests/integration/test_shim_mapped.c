// SPDX-License-Identifier: GPL-2.0
/*
 * The mapped hand-off (shim/mapped.c): the shim maps the emulator into
 * its own process instead of a second execve. A stand-in emulator
 * (tests/helpers/fake_emu.c, configured as `emulator =`) prints what it
 * was given, so each promise is checked where a real qemu would not say:
 *   - the auxv of the emulator's image (AT_PHDR, AT_PHENT, AT_PHNUM,
 *     AT_ENTRY, AT_BASE 0, AT_EXECFN, fresh AT_RANDOM, AT_FLAGS 0) and the
 *     kernel's for everything else (HWCAP, PAGESZ, ids, SECURE, vDSO ...);
 *   - AT_EXECFD only with the O flag, and no other fd of the shim's;
 *   - signal mask and ignored signals as the caller left them, no handler;
 *   - brk and a large malloc work in the emulator;
 *   - an emulator it cannot map (dynamically linked) is execve'd, and the
 *     record says so; BINFMT_SHIM_HANDOFF=execve (rig only) forces it.
 * And with the real qemu: a guest at a fixed low address (the cross
 * fixtures are non-PIE at 0x400000 or 0x1000000) runs every time; that
 * failed about 1 run in 100 while the shim itself was linked low.
 * And `register` pins the emulator with the shim: the record says
 * "emulator_from": "pinned", `unregister` removes the file.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "pinned.h"
#include "shimenv.h"
#include "testlib.h"

static const char *const arches[] = { "aarch64", "s390x", NULL };

FIXTURE(mapped) {
	struct shimenv e;
	char bin[512], fake[512], fake_dyn[512];
	char out[16384], err[8192];
};

FIXTURE_VARIANT(mapped) {
	const char *flags;
	int execfd;
};

FIXTURE_VARIANT_ADD(mapped, F) { .flags = "F" };
FIXTURE_VARIANT_ADD(mapped, FP) { .flags = "FP" };
FIXTURE_VARIANT_ADD(mapped, FPO) { .flags = "FPO", .execfd = 1 };

FIXTURE_SETUP(mapped)
{
	char why[256], src[512], conf[1200];
	int rc = se_setup(&self->e, variant->flags, arches, why, sizeof(why));

	SETUP_OR_SKIP(rc, why);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
	ASSERT_NE(NULL, se_copy(&self->e, src, "hello", self->bin, sizeof(self->bin)));
	tl_build("tests/helpers/fake_emu", self->fake, sizeof(self->fake));
	tl_build("tests/helpers/fake_emu_dyn", self->fake_dyn, sizeof(self->fake_dyn));
	ASSERT_TRUE(tl_have(self->fake)) TH_LOG("%s missing: make tests", self->fake);
	/* The stand-in emulates aarch64; s390x keeps the real qemu. */
	snprintf(conf, sizeof(conf), "[arch.aarch64]\nemulator = %s\n", self->fake);
	ASSERT_EQ(0, se_config(&self->e, conf));
}

FIXTURE_TEARDOWN(mapped)
{
	se_teardown(&self->e);
}

/* The value of "key=" in the stand-in's report, "" when absent. */
static const char *val(const char *out, const char *key)
{
	static char v[512];
	size_t n = strlen(key);
	const char *p = out;

	v[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == '=') {
			const char *e = strchr(p + n + 1, '\n');
			size_t len = e ? (size_t)(e - p - n - 1) : strlen(p + n + 1);

			if (len >= sizeof(v))
				len = sizeof(v) - 1;
			memcpy(v, p + n + 1, len);
			v[len] = '\0';
			return v;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return v;
}

/*
 * scripts/run-tests runs the shim's tests a second time with the rig
 * switch BINFMT_SHIM_HANDOFF=execve exported (honoured under the tests'
 * [users] override = yes): then the hand-off these tests expect, and
 * what the emulator sees of it, is the execve one.
 */
static int forced_execve(void)
{
	const char *v = getenv("BINFMT_SHIM_HANDOFF");

	return v && !strcmp(v, "execve");
}

static const char *expected_handoff(void)
{
	return forced_execve() ? "execve" : "mapped";
}

/* Set the rig switch for one run, and put back what the pass set. */
static void force_execve(int on)
{
	static int was = -1;

	if (was < 0)
		was = forced_execve();
	if (on || was)
		setenv("BINFMT_SHIM_HANDOFF", "execve", 1);
	else
		unsetenv("BINFMT_SHIM_HANDOFF");
}

static int run_hello(FIXTURE_DATA(mapped) *self)
{
	char *argv[] = { self->bin, "x", "y", NULL };

	return tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
		      sizeof(self->err));
}

/* The last record's field. */
static void last_record(FIXTURE_DATA(mapped) *self, const char *key, char *buf, size_t len)
{
	json_t *recs[64];
	size_t n = se_log(&self->e, recs, 64);

	buf[0] = '\0';
	if (n && recs[n - 1])
		snprintf(buf, len, "%s", se_str(recs[n - 1], key));
	se_log_free(recs, n);
}

/*
 * Exec the guest from a child with only fds 0, 1 (the pipe) and 2 open,
 * SIGUSR1 ignored, SIGUSR2 blocked and a SIGTERM handler (which the
 * kernel's execve of the shim resets) when signals is set. The wait status.
 */
static void on_term(int sig)
{
	(void)sig;
}

/*
 * Every disposition back to SIG_DFL and the mask empty, with the raw
 * syscalls: a test started by make inherits signals 32 and 33 ignored
 * (make ignores them, execve keeps SIG_IGN), and glibc's sigaction()
 * refuses those two, which it reserves for itself.
 */
static void default_every_signal(void)
{
	struct {
		unsigned long handler, flags, restorer, mask;
	} dfl = { 0 };	/* SIG_DFL, the kernel's struct sigaction on x86_64 */
	unsigned long none = 0;
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(none));
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
}

static int run_clean(FIXTURE_DATA(mapped) *self, int signals)
{
	int p[2], st;
	ssize_t n, got = 0;
	pid_t pid;
	sigset_t set;

	if (pipe(p) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv[] = { self->bin, NULL };

		if (signals) {
			default_every_signal();
			signal(SIGUSR1, SIG_IGN);
			signal(SIGTERM, on_term);
			sigemptyset(&set);
			sigaddset(&set, SIGUSR2);
			sigprocmask(SIG_BLOCK, &set, NULL);
		}
		dup2(p[1], 1);
		/* close_range(3, ~0U, 0), Linux 5.9 */
		syscall(436, 3, ~0U, 0);
		execv(self->bin, argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], self->out + got, sizeof(self->out) - 1 - (size_t)got)) > 0)
		got += n;
	self->out[got] = '\0';
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	return st;
}

/* Whether the last record has key: true. */
static int last_bool(FIXTURE_DATA(mapped) *self, const char *key)
{
	json_t *recs[64], *v;
	size_t n = se_log(&self->e, recs, 64);
	int yes = 0;

	if (n && recs[n - 1]) {
		v = json_object_get(recs[n - 1], key);
		yes = v && json_is_true(v);
	}
	se_log_free(recs, n);
	return yes;
}

TEST_F(mapped, the_auxv_is_the_emulators_image_and_the_kernels_process)
{
	static const char *const same[] = {
		"hwcap", "hwcap2", "pagesz", "clktck", "uid", "euid", "gid", "egid",
		"secure", "sysinfo_ehdr", "minsigstksz",
	};
	char key[64], kv[512], rec[64];
	size_t i;
	int st = run_hello(self);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	last_record(self, "handoff", rec, sizeof(rec));
	EXPECT_STREQ(expected_handoff(), rec);
	EXPECT_STREQ("1", val(self->out, "phdr_ok"));
	EXPECT_STREQ("1", val(self->out, "phent_ok"));
	EXPECT_STREQ("1", val(self->out, "phnum_ok"));
	EXPECT_STREQ("1", val(self->out, "entry_ok"));
	EXPECT_STREQ("0", val(self->out, "base"));
	EXPECT_STREQ("0", val(self->out, "flags"));
	EXPECT_STREQ(self->fake, val(self->out, "execfn"));
	/* Fresh bytes, not the shim's (its stack canary came from those);
	 * after an execve the kernel's own for the emulator. */
	EXPECT_STREQ(forced_execve() ? "2" : "1", val(self->out, "random_differs"));
	EXPECT_STREQ("1", val(self->out, "brk_ok"));
	EXPECT_STREQ("1", val(self->out, "malloc_ok"));
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		snprintf(key, sizeof(key), "kaux.%s", same[i]);
		snprintf(kv, sizeof(kv), "%s", val(self->out, key));
		snprintf(key, sizeof(key), "aux.%s", same[i]);
		EXPECT_STREQ(kv, val(self->out, key)) TH_LOG("%s", same[i]);
	}
	/* The emulator's argv: what the execve hand-off passes. */
	EXPECT_STREQ(self->fake, val(self->out, "argv[0]"));
	EXPECT_STREQ("-0", val(self->out, "argv[1]"));
	EXPECT_STREQ(self->bin, val(self->out, "argv[2]"));
	EXPECT_STREQ("--", val(self->out, "argv[3]"));
	EXPECT_STREQ(self->bin, val(self->out, "argv[4]"));
	EXPECT_STREQ("x", val(self->out, "argv[5]"));
}

TEST_F(mapped, only_the_kernels_execfd_is_passed_and_no_other_fd)
{
	char expect[16];
	int st = run_clean(self, 0);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	/* An execve cannot pass AT_EXECFD: the emulator opens the path. */
	if (variant->execfd && !forced_execve()) {
		/* The kernel's fd, kept open for qemu (linux-user/main.c reads
		 * the guest from AT_EXECFD), and nothing else. */
		ASSERT_NE(0, strcmp("-1", val(self->out, "execfd")));
		snprintf(expect, sizeof(expect), "%s", val(self->out, "execfd"));
		EXPECT_STREQ(expect, val(self->out, "fds"));
	} else {
		EXPECT_STREQ("-1", val(self->out, "execfd"));
		EXPECT_STREQ("-", val(self->out, "fds"));
	}
}

/* Ignored signals stay ignored and the mask is kept, as after execve. */
TEST_F(mapped, signal_mask_and_ignored_signals_are_the_callers)
{
	int st = run_clean(self, 1);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x", st);
	/* /proc/<pid>/status: bit n-1 for signal n. */
	EXPECT_STREQ("0000000000000800", val(self->out, "sigblk"));	/* SIGUSR2 */
	EXPECT_STREQ("0000000000000200", val(self->out, "sigign"));	/* SIGUSR1 */
	EXPECT_STREQ("0000000000000000", val(self->out, "sigcgt"));
}

/*
 * The shim's libc registered an rseq(2) area for the thread, which an
 * execve drops: the emulator's libc must be able to register its own
 * (qemu's glibc otherwise runs without one: EINVAL, "already registered").
 */
TEST_F(mapped, the_emulators_libc_registers_its_rseq_area_as_after_execve)
{
	int st = run_hello(self);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x", st);
	EXPECT_STREQ("registered", val(self->out, "rseq")) TH_LOG("%s", self->out);
}

TEST_F(mapped, a_dynamic_emulator_is_execed_and_the_record_says_why)
{
	char conf[1200], rec[256];
	int st;

	ASSERT_TRUE(tl_have(self->fake_dyn));
	snprintf(conf, sizeof(conf), "[arch.aarch64]\nemulator = %s\n", self->fake_dyn);
	ASSERT_EQ(0, se_config(&self->e, conf));
	st = run_hello(self);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	last_record(self, "handoff", rec, sizeof(rec));
	EXPECT_STREQ("execve", rec);
	last_record(self, "handoff_why", rec, sizeof(rec));
	EXPECT_NE(NULL, strstr(rec, forced_execve() ? "BINFMT_SHIM_HANDOFF=execve" :
				"dynamically linked")) TH_LOG("%s", rec);
	/* An execve: the kernel's own auxv for the emulator. */
	EXPECT_STREQ("2", val(self->out, "random_differs"));
	EXPECT_STREQ("1", val(self->out, "phdr_ok"));
}

TEST_F(mapped, the_rig_switch_forces_execve_and_both_see_the_same)
{
	static const char *const keys[] = {
		"argv[0]", "argv[1]", "argv[2]", "argv[3]", "argv[4]", "argv[5]",
		"argv[6]", "phdr_ok", "phent_ok", "phnum_ok", "entry_ok", "base",
		"flags", "execfn", "platform", "sigblk", "sigign", "sigcgt",
		"brk_ok", "malloc_ok", "aux.hwcap", "aux.hwcap2", "aux.pagesz",
		"aux.uid", "aux.secure", "aux.minsigstksz", "rseq",
	};
	char mapped[16384], rec[64];
	size_t i;
	int st = run_hello(self);

	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	memcpy(mapped, self->out, sizeof(mapped));
	force_execve(1);
	st = run_hello(self);
	force_execve(0);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	last_record(self, "handoff", rec, sizeof(rec));
	EXPECT_STREQ("execve", rec);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char m[512];

		snprintf(m, sizeof(m), "%s", val(mapped, keys[i]));
		EXPECT_STREQ(m, val(self->out, keys[i])) TH_LOG("%s", keys[i]);
	}
}

/*
 * Guests at fixed low addresses with the real qemu, many times over: the
 * s390x fixture sits at 0x1000000, where a shim linked at 0x400000 had its
 * brk heap (randomised within 32 MiB after its image), and qemu's heap
 * grew on from there under the guest's brk: about 1 run in 100 died of
 * SIGSEGV inside qemu. The aarch64 one sits at 0x400000 itself.
 */
TEST_F_TIMEOUT(mapped, low_address_guests_run_every_time, 600)
{
	static const struct { const char *fixture, *arch; int runs; } fix[] = {
		{ "c/aarch64-linux-gnu-static", "aarch64\n", 20 },
		{ "c/s390x-linux-gnu-static", "s390x\n", 400 },
	};
	char src[512], bin[512], name[32];
	size_t f;
	int i, st;

	/* The flags do not matter here, and 400 qemu runs take a while. */
	if (strcmp(variant->flags, "F"))
		SKIP(return, "the F variant runs it");
	ASSERT_EQ(0, se_config(&self->e, ""));
	for (f = 0; f < 2; f++) {
		char *argv[] = { bin, "arch", NULL };

		tl_fixture(fix[f].fixture, src, sizeof(src));
		snprintf(name, sizeof(name), "low%zu", f);
		ASSERT_NE(NULL, se_copy(&self->e, src, name, bin, sizeof(bin)));
		for (i = 0; i < fix[f].runs; i++) {
			st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
				    sizeof(self->err));
			ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
				TH_LOG("%s run %d: status 0x%x %s", fix[f].fixture, i, st,
				       self->err);
			ASSERT_STREQ(fix[f].arch, self->out);
		}
	}
}

/* What /proc shows of a running guest: read while it echoes stdin. */
static int proc_view(const char *bin, char *cmdline, size_t clen,
		     char *comm, size_t commlen, char *exe, size_t exelen, char *maps,
		     size_t mapslen)
{
	char path[64], line[64];
	int in[2], out[2], st, fd;
	ssize_t n, k;
	pid_t pid;

	if (pipe(in) || pipe(out))
		return -errno;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)bin, "cat", NULL };

		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execv(bin, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	/* Once the line comes back, the guest is running. */
	if (write(in[1], "ping\n", 5) != 5 || read(out[0], line, 5) != 5)
		return -EIO;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, cmdline, clen - 1);
	if (fd >= 0)
		close(fd);
	for (k = 0; k < n; k++)
		if (!cmdline[k])
			cmdline[k] = ' ';
	cmdline[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, comm, commlen - 1);
	if (fd >= 0)
		close(fd);
	comm[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, exelen - 1);
	exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, maps, mapslen - 1);
	if (fd >= 0)
		close(fd);
	maps[n > 0 ? n : 0] = '\0';
	close(in[1]);
	close(out[0]);
	waitpid(pid, &st, 0);
	return st;
}

/*
 * Where the mapped hand-off is not an execve of qemu (binfmt-shim(8),
 * HAND-OFF): /proc shows the registered interpreter and the kernel's
 * argv, and the guest's name, as with qemu registered directly; with the
 * execve hand-off qemu's own.
 */
TEST_F(mapped, proc_shows_the_interpreter_the_kernels_argv_and_the_guests_name)
{
	char cmdline[2048], comm[64], exe[512], expect[2048];
	static char maps[65536];
	int st;

	ASSERT_EQ(0, se_config(&self->e, "[arch.aarch64]\nemulator = /usr/bin/qemu-aarch64-static\n"));
	st = proc_view(self->bin, cmdline, sizeof(cmdline), comm, sizeof(comm),
		       exe, sizeof(exe), maps, sizeof(maps));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x", st);
	if (forced_execve())
		goto execve;
	/* The kernel's argv for the interpreter: [shim, path, (argv0 with P), args]. */
	snprintf(expect, sizeof(expect), "%s %s %s%scat ", self->e.shim, self->bin,
		 strchr(variant->flags, 'P') ? self->bin : "",
		 strchr(variant->flags, 'P') ? " " : "");
	EXPECT_STREQ(expect, cmdline);
	EXPECT_STREQ("hello\n", comm);
	EXPECT_STREQ(self->e.shim, exe);
	/* Nothing of the shim is left mapped (shim/tramp.c): qemu's image,
	 * its heap, the stack, the vDSO, the trampoline's page. */
	EXPECT_EQ(NULL, strstr(maps, self->e.shim)) TH_LOG("%s", maps);
	EXPECT_NE(NULL, strstr(maps, "/usr/bin/qemu-aarch64-static")) TH_LOG("%s", maps);
	/* The execve hand-off: qemu's own. */
	force_execve(1);
	st = proc_view(self->bin, cmdline, sizeof(cmdline), comm, sizeof(comm),
		       exe, sizeof(exe), maps, sizeof(maps));
	force_execve(0);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x", st);
execve:
	EXPECT_STREQ("qemu-aarch64-st\n", comm);
	EXPECT_STREQ("/usr/bin/qemu-aarch64-static", exe);
	EXPECT_EQ(0, strncmp(cmdline, "/usr/bin/qemu-aarch64-static -0 ", 32)) TH_LOG("%s", cmdline);
}

/* register pins qemu with the shim; the exec uses it; unregister removes it. */
TEST_F(mapped, register_pins_the_emulator_and_unregister_removes_it)
{
	char cli[512], pinned[256], rec[64], shim[512];
	char *reg[] = { cli, "register", "--replace", "--shim", shim, "aarch64", NULL };
	char *unreg[] = { cli, "unregister", "aarch64", NULL };
	char *hello[] = { self->bin, "arch", NULL };
	unsigned char t[PINNED_TRAILER_SIZE];
	struct pinned_info pi;
	struct stat st;
	int fd, ws;

	ASSERT_EQ(0, se_config(&self->e, ""));
	tl_build("binfmt-shim", cli, sizeof(cli));
	tl_build("shim", shim, sizeof(shim));
	ws = tl_run(reg, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("%s", self->err);
	snprintf(pinned, sizeof(pinned), "%s/aarch64", getenv("BINFMT_SHIM_PINNED_DIR"));
	ASSERT_EQ(0, stat(pinned, &st)) TH_LOG("%s: %s", pinned, strerror(errno));
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0755, st.st_mode & 07777);
	fd = open(pinned, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(t), pread(fd, t, sizeof(t), st.st_size - (off_t)sizeof(t)));
	close(fd);
	ASSERT_EQ(0, pinned_parse(t, sizeof(t), (uint64_t)st.st_size, &pi));
	EXPECT_STREQ("aarch64", pi.arch);
	EXPECT_STREQ("/usr/bin/qemu-aarch64-static", pi.emu_path);
	ws = tl_run(hello, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("0x%x %s", ws, self->err);
	EXPECT_STREQ("aarch64\n", self->out);
	last_record(self, "emulator_from", rec, sizeof(rec));
	EXPECT_STREQ("pinned", rec);
	last_record(self, "handoff", rec, sizeof(rec));
	EXPECT_STREQ(expected_handoff(), rec);
	ws = tl_run(unreg, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("%s", self->err);
	EXPECT_EQ(-1, stat(pinned, &st));
}

/* Started by hand with no binary: there is nothing to hand off. */
TEST_F(mapped, run_by_hand_without_a_binary_the_shim_says_so)
{
	char *argv[] = { self->e.shim, NULL };
	char rec[64];
	int st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
			sizeof(self->err));

	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("0x%x", st);
	EXPECT_EQ(126, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(self->err, "no binary given")) TH_LOG("%s", self->err);
	last_record(self, "decision", rec, sizeof(rec));
	EXPECT_STREQ("fail", rec);
}

/*
 * An upgrade of qemu after register: the pinned emulator still runs, and
 * the record says it is stale until register pins the new one. The
 * "upgrade" is a copy of qemu bound over its path in this test's private
 * mount namespace, whose mtime then changes.
 */
TEST_F(mapped, a_replaced_emulator_is_reported_stale_until_register_again)
{
	char cli[512], shim[512], copy[256], rec[64];
	char *reg[] = { cli, "register", "--shim", shim, "aarch64", NULL };
	char *hello[] = { self->bin, "arch", NULL };
	const char *qemu = "/usr/bin/qemu-aarch64-static";
	struct timespec later[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };
	char *cp[] = { "/bin/cp", (char *)qemu, copy, NULL };
	int ws;

	ASSERT_EQ(0, se_config(&self->e, ""));
	tl_build("binfmt-shim", cli, sizeof(cli));
	tl_build("shim", shim, sizeof(shim));
	snprintf(copy, sizeof(copy), "%s/qemu-copy", self->e.dir);
	ws = tl_run(cp, NULL, 0, NULL, 0, NULL, 0);
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	ASSERT_EQ(0, mount(copy, qemu, NULL, MS_BIND, NULL)) TH_LOG("%s", strerror(errno));
	ws = tl_run(reg, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("%s", self->err);
	ws = tl_run(hello, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("%s", self->err);
	last_record(self, "emulator_from", rec, sizeof(rec));
	ASSERT_STREQ("pinned", rec);
	last_record(self, "emulator_stale", rec, sizeof(rec));
	EXPECT_STREQ("", rec);
	/* "Upgraded": another mtime. */
	ASSERT_EQ(0, utimensat(AT_FDCWD, copy, later, 0));
	ws = tl_run(hello, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("%s", self->err);
	EXPECT_STREQ("aarch64\n", self->out);
	EXPECT_TRUE(last_bool(self, "emulator_stale"));
	/* register pins it again, and the entry is registered again. */
	ws = tl_run(reg, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("%s", self->err);
	EXPECT_NE(NULL, strstr(self->out, "replace")) TH_LOG("%s", self->out);
	ws = tl_run(hello, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("%s", self->err);
	EXPECT_FALSE(last_bool(self, "emulator_stale"));
}

TEST_HARNESS_MAIN
