// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt_shim.ko, tested from inside a VM (scripts/vmtest boots Debian's
 * kernel with this program, busybox and the module in an initramfs; the
 * host kernel cannot load modules). Every case execs real files, reads the
 * real kernel log (/dev/kmsg) and the module's sysfs counters.
 *
 * Static, run as root by tests/kernel/init. Files it needs:
 *   /lib/modules/binfmt_shim.ko   the module under test ($BSHIM_KO)
 *   /sbin/modprobe                a script logging to /tmp/modprobe.log, so
 *                                 that exec takes its request_module() retry
 *   /fixtures/c/                  real cross-compiled binaries (optional)
 * Hand-made headers are written by the tests themselves, into /tmp/bshim.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "arch.h"
#include "klog.h"
#include "vmlib.h"

#define WORK		"/tmp/bshim"
#define MODPROBE_LOG	"/tmp/modprobe.log"
#define BINFMT_DIR	"/proc/sys/fs/binfmt_misc"
#define FIXTURES_C	"/fixtures/c"

/* Ask for lines with no limit unless a test says otherwise. */
#define BIG_BURST	"1000000"

/* Exactly one "exec failed" line since kmsg was opened; its fields. */
static void one_line(struct __test_metadata *_metadata, int kfd,
		     struct kl_fields *f)
{
	char lines[8][KL_LINE_MAX];
	int n = kl_collect(kfd, KL_PREFIX, lines, 8);

	ASSERT_EQ(1, n) {
		int i;

		for (i = 0; i < n && i < 8; i++)
			TH_LOG("line %d: %s", i, lines[i]);
	}
	ASSERT_EQ(0, kl_parse(lines[0], f)) TH_LOG("malformed: %s", lines[0]);
}

static void no_line(struct __test_metadata *_metadata, int kfd)
{
	char lines[4][KL_LINE_MAX];
	int n = kl_collect(kfd, KL_PREFIX, lines, 4);

	EXPECT_EQ(0, n) TH_LOG("unexpected: %s", lines[0]);
}

struct ctx {
	int kfd;	/* /dev/kmsg, positioned at its end */
	long total;	/* failed_total before the test */
};

/* Module loaded (kept if it is), no ratelimit, kmsg at its end. */
static void ctx_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	int ret;

	mkdir(WORK, 0755);
	chmod(WORK, 0755);
	ret = mod_load("");
	ASSERT_EQ(0, ret) TH_LOG("finit_module(%s): %s", ko_path(), strerror(-ret));
	ASSERT_EQ(0, param_set("ratelimit_interval_ms", "1000"));
	ASSERT_EQ(0, param_set("ratelimit_burst", BIG_BURST));
	c->kfd = kl_open();
	ASSERT_LE(0, c->kfd) TH_LOG("/dev/kmsg: %s", strerror(errno));
	c->total = param_get("failed_total");
	ASSERT_LE(0, c->total);
}

FIXTURE(elf) {
	struct ctx c;
};

FIXTURE_SETUP(elf)
{
	ctx_setup(_metadata, &self->c);
}

FIXTURE_TEARDOWN(elf)
{
	close(self->c.kfd);
}

FIXTURE(shim) {
	struct ctx c;
};

FIXTURE_SETUP(shim)
{
	ctx_setup(_metadata, &self->c);
}

FIXTURE_TEARDOWN(shim)
{
	close(self->c.kfd);
}

/* Hand-made ELF headers: bytes in, the line's fields out. */
FIXTURE_VARIANT(elf) {
	int cls, data, type, machine;
	unsigned int flags;
	const char *arch;	/* expected arch= */
	const char *hint;	/* expected in hint= */
};

#define ELFV(n, c, d, t, m, f, a, h)					\
	FIXTURE_VARIANT_ADD(elf, n) {					\
		.cls = c, .data = d, .type = t, .machine = m,		\
		.flags = f, .arch = a, .hint = h,			\
	}

/* Foreign: e_machine from elf.h, names from lib/arch_table.h. */
ELFV(aarch64, 2, 1, 2, 183, 0, "aarch64", "binfmt-shim register aarch64");
ELFV(arm, 1, 1, 2, 40, 0x05000400, "arm", "binfmt-shim register arm");
ELFV(riscv64, 2, 1, 3, 243, 0, "riscv64", "binfmt-shim register riscv64");
ELFV(s390x, 2, 2, 2, 22, 0, "s390x", "ELF 64-bit MSB s390x");
ELFV(ppc64le, 2, 1, 3, 21, 2, "ppc64le", "binfmt-shim register ppc64le");
ELFV(mips, 1, 2, 2, 8, 0x1007, "mips", "binfmt-shim register mips");
ELFV(mipsn32, 1, 2, 2, 8, 0x20, "mipsn32", "binfmt-shim register mipsn32");
ELFV(mips64el, 2, 1, 2, 8, 0, "mips64el", "binfmt-shim register mips64el");
ELFV(sparc64, 2, 2, 2, 43, 0, "sparc64", "binfmt-shim register sparc64");
ELFV(loongarch64, 2, 1, 2, 258, 0, "loongarch64", "register loongarch64");
ELFV(m68k, 1, 2, 2, 4, 0, "m68k", "ELF 32-bit MSB m68k");
ELFV(no_qemu_target, 2, 1, 2, 0x1234, 0, "em_0x1234", "no QEMU target");
/* Host family the kernel refused, and ELF files that are no program. */
ELFV(i386_refused, 1, 1, 2, 3, 0, "i386", "compat");
ELFV(x32, 1, 1, 2, 62, 0, "x32", "x32");
ELFV(native_damaged, 2, 1, 2, 62, 0, "x86_64", "native x86_64");
ELFV(et_rel, 2, 1, 1, 62, 0, "x86_64", "ET_REL");
ELFV(et_core, 2, 1, 4, 62, 0, "x86_64", "ET_CORE");
ELFV(foreign_et_rel, 2, 1, 1, 183, 0, "aarch64", "ET_REL");

TEST_F(elf, header)
{
	char path[128];
	struct kl_fields f;
	struct exec_res r;
	long elf0 = param_get("failed_elf");

	snprintf(path, sizeof(path), WORK "/elf-%s", variant->arch);
	ASSERT_EQ(0, put_elf(path, variant->cls, variant->data, variant->type,
			     variant->machine, variant->flags));
	r = run_exec(path, "bshim-elf", 0);
	ASSERT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_STREQ(path, f.path);
	EXPECT_EQ(r.pid, f.pid);
	EXPECT_STREQ("bshim-elf", f.comm);
	EXPECT_EQ(0, f.uid);
	EXPECT_STREQ("elf", f.format);
	EXPECT_STREQ(variant->arch, f.arch);
	EXPECT_STREQ("x86_64", f.host);
	EXPECT_NE(NULL, strstr(f.hint, variant->hint)) TH_LOG("hint=%s", f.hint);
	EXPECT_EQ(self->c.total + 1, param_get("failed_total"));
	EXPECT_EQ(elf0 + 1, param_get("failed_elf"));
}

/* Not ELF at all. */
struct blob_case {
	const char *name;
	const unsigned char *bytes;
	size_t len;
	const char *format, *arch, *hint, *counter;
};

static const unsigned char macho_arm64[] = {
	0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01, 0, 0, 0, 0, 2, 0, 0, 0,
};
static const unsigned char macho_fat[] = {
	0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, 0x01, 0, 0, 7, 0, 0, 0, 3,
};
static const unsigned char java_class[] = {
	0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34, 0, 0x10,
};
/* MZ, e_lfanew = 0x40, "PE\0\0", IMAGE_FILE_MACHINE_AMD64. */
static const unsigned char pe_amd64[0x48] = {
	'M', 'Z', [0x3c] = 0x40, [0x40] = 'P', 'E', 0, 0, 0x64, 0x86,
};
static const unsigned char mz_dos[0x40] = { 'M', 'Z', [0x3c] = 0xf0 };
static const unsigned char garbage[] = {
	0x00, 0x01, 0x02, 0x03, 0xde, 0xad, 0xbe, 0xef, 0x55, 0xaa,
};
static const unsigned char text[] = "hello, world\n";

static const struct blob_case blobs[] = {
	{ "macho", macho_arm64, sizeof(macho_arm64), "macho", "aarch64",
	  "macOS", "failed_macho" },
	{ "macho-fat", macho_fat, sizeof(macho_fat), "macho", "x86_64",
	  "macOS", "failed_macho" },
	{ "java", java_class, sizeof(java_class), "unknown", "none", "java",
	  "failed_unknown" },
	{ "pe", pe_amd64, sizeof(pe_amd64), "pe", "x86_64", "Windows",
	  "failed_pe" },
	{ "mz", mz_dos, sizeof(mz_dos), "pe", "none", "DOS", "failed_pe" },
	{ "garbage", garbage, sizeof(garbage), "unknown", "none",
	  "first bytes 00 01 02 03 de ad be ef", "failed_unknown" },
	{ "text", text, sizeof(text) - 1, "unknown", "none", "no #! line",
	  "failed_unknown" },
	{ "empty", text, 0, "unknown", "none", "empty file", "failed_unknown" },
};

TEST_F(shim, other_formats)
{
	char path[128];
	struct kl_fields f;
	struct exec_res r;
	size_t i;

	for (i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++) {
		const struct blob_case *c = &blobs[i];
		long before = param_get(c->counter);

		snprintf(path, sizeof(path), WORK "/blob-%s", c->name);
		ASSERT_EQ(0, put_file(path, c->bytes, c->len, 0755));
		r = run_exec(path, "bshim-blob", 0);
		ASSERT_EQ(ENOEXEC, r.err) TH_LOG("%s", c->name);
		one_line(_metadata, self->c.kfd, &f);
		EXPECT_STREQ(path, f.path);
		EXPECT_STREQ(c->format, f.format) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->arch, f.arch) TH_LOG("%s", c->name);
		EXPECT_NE(NULL, strstr(f.hint, c->hint))
			TH_LOG("%s: hint=%s", c->name, f.hint);
		EXPECT_EQ(before + 1, param_get(c->counter)) TH_LOG("%s", c->name);
	}
	EXPECT_EQ(self->c.total + (long)i, param_get("failed_total"));
}

TEST_F(shim, works_untouched)
{
	static const char script[] = "#!/bin/sh\nexit 3\n";
	struct exec_res r;

	r = run_exec("/bin/busybox", "bshim-native", 0);
	EXPECT_EQ(0, r.err);
	EXPECT_TRUE(WIFEXITED(r.status));
	ASSERT_EQ(0, put_file(WORK "/ok.sh", script, sizeof(script) - 1, 0755));
	r = run_exec(WORK "/ok.sh", "bshim-script", 0);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(3, WEXITSTATUS(r.status));
	no_line(_metadata, self->c.kfd);
	EXPECT_EQ(self->c.total, param_get("failed_total"));
}

/* The retry after request_module() must not make a second line. */
TEST_F(shim, one_line_across_modprobe_retry)
{
	char log[4096] = "";
	struct kl_fields f;
	struct exec_res r;

	if (access("/sbin/modprobe", X_OK))
		SKIP(return, "no /sbin/modprobe: the kernel takes no second walk");
	ASSERT_EQ(0, kl_write_file("/proc/sys/kernel/modprobe", "/sbin/modprobe", 14));
	unlink(MODPROBE_LOG);
	ASSERT_EQ(0, put_elf(WORK "/retry", 2, 1, 2, 183, 0));
	r = run_exec(WORK "/retry", "bshim-retry", 0);
	ASSERT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_EQ(self->c.total + 1, param_get("failed_total"));
	/* Proof that the kernel did walk twice: it asked for binfmt-464c
	 * ("LF" of "\177ELF" as a little-endian u16, fs/exec.c). */
	kl_read_file(MODPROBE_LOG, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "binfmt-464c")) TH_LOG("modprobe log: %s", log);
}

/* path= is what the kernel opened: symlinks resolved, cwd applied, the
 * interpreter of a script; uid= the caller's; odd bytes escaped. */
TEST_F(shim, path_uid_and_escaping)
{
	static const char script[] = "#!" WORK "/interp-arm\n";
	const char *odd = WORK "/sp ace\nnl";
	struct kl_fields f;
	struct exec_res r;

	ASSERT_EQ(0, put_elf(WORK "/real-arm", 1, 1, 2, 40, 0));
	unlink(WORK "/link");
	ASSERT_EQ(0, symlink("real-arm", WORK "/link"));
	ASSERT_EQ(0, chdir(WORK));
	r = run_exec("./link", "bshim-link", 0);
	ASSERT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_STREQ(WORK "/real-arm", f.path);

	r = run_exec(WORK "/real-arm", "bshim-uid", 1234);
	ASSERT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_EQ(1234, f.uid);
	EXPECT_STREQ("bshim-uid", f.comm);

	ASSERT_EQ(0, put_elf(WORK "/interp-arm", 1, 1, 2, 40, 0));
	ASSERT_EQ(0, put_file(WORK "/uses-arm.sh", script, sizeof(script) - 1, 0755));
	r = run_exec(WORK "/uses-arm.sh", "bshim-interp", 0);
	ASSERT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_STREQ(WORK "/interp-arm", f.path);

	ASSERT_EQ(0, put_elf(odd, 2, 1, 2, 183, 0));
	r = run_exec(odd, "bshim-odd", 0);
	ASSERT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_STREQ(WORK "/sp ace\\nnl", f.path);
}

TEST_F(shim, binfmt_misc_entry_takes_it)
{
	static const char emu[] = "#!/bin/sh\necho \"$1\" > " WORK "/emu.out\nexit 42\n";
	/* QEMU's aarch64 magic and mask (scripts/qemu-binfmt-conf.sh). */
	static const char reg[] = ":bshim-test-aarch64:M::"
		"\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:"
		"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:"
		WORK "/emu.sh:";
	char out[256] = "";
	struct kl_fields f;
	struct exec_res r;

	if (access(BINFMT_DIR "/register", W_OK))
		SKIP(return, "no binfmt_misc at " BINFMT_DIR);
	ASSERT_EQ(0, put_file(WORK "/emu.sh", emu, sizeof(emu) - 1, 0755));
	ASSERT_EQ(0, put_elf(WORK "/a64", 2, 1, 2, 183, 0));
	ASSERT_EQ(0, kl_write_file(BINFMT_DIR "/register", reg, sizeof(reg) - 1));

	r = run_exec(WORK "/a64", "bshim-misc", 0);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(42, WEXITSTATUS(r.status));
	kl_read_file(WORK "/emu.out", out, sizeof(out));
	EXPECT_STREQ(WORK "/a64\n", out);
	no_line(_metadata, self->c.kfd);
	EXPECT_EQ(self->c.total, param_get("failed_total"));

	/* A riscv64 file still has no handler. */
	ASSERT_EQ(0, put_elf(WORK "/rv", 2, 1, 2, 243, 0));
	r = run_exec(WORK "/rv", "bshim-misc", 0);
	EXPECT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_STREQ("riscv64", f.arch);

	EXPECT_EQ(0, kl_write_file(BINFMT_DIR "/bshim-test-aarch64", "-1", 2));
	r = run_exec(WORK "/a64", "bshim-misc", 0);
	EXPECT_EQ(ENOEXEC, r.err);
	one_line(_metadata, self->c.kfd, &f);
}

/*
 * The real thing: Debian's qemu-aarch64-static registered for aarch64 runs
 * a real cross-compiled static binary, whose exit status comes back, and
 * the module stays silent.
 */
TEST_F(shim, real_aarch64_under_qemu_user)
{
	static const char qemu[] = "/bin/qemu-aarch64-static";
	static const char hello[] = FIXTURES_C "/aarch64-linux-gnu-static";
	static const char reg[] = ":bshim-qemu-aarch64:M::"
		"\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:"
		"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:"
		"/bin/qemu-aarch64-static:F";
	char *const argv[] = { (char *)hello, "exit", "7", NULL };
	struct exec_res r;

	if (access(BINFMT_DIR "/register", W_OK))
		SKIP(return, "no binfmt_misc at " BINFMT_DIR);
	if (access(qemu, X_OK))
		SKIP(return, "no %s (package qemu-user-static on the host)", qemu);
	if (access(hello, R_OK))
		SKIP(return, "no %s (scripts/fixtures)", hello);
	chmod(hello, 0755);
	ASSERT_EQ(0, kl_write_file(BINFMT_DIR "/register", reg, sizeof(reg) - 1));
	r = run_argv(hello, argv, "bshim-qemu", 0);
	EXPECT_EQ(0, kl_write_file(BINFMT_DIR "/bshim-qemu-aarch64", "-1", 2));
	EXPECT_EQ(0, r.err);
	EXPECT_TRUE(WIFEXITED(r.status));
	EXPECT_EQ(7, WEXITSTATUS(r.status));
	no_line(_metadata, self->c.kfd);
	EXPECT_EQ(self->c.total, param_get("failed_total"));
}

/* Real binaries from Debian's cross compilers (scripts/fixtures). */
TEST_F(shim, real_cross_compiled)
{
	unsigned char h[64];
	char path[512];
	struct kl_fields f;
	struct exec_res r;
	struct dirent *de;
	int checked = 0, fd;
	DIR *d;

	d = opendir(FIXTURES_C);
	if (!d)
		SKIP(return, "no %s: build/fixtures/c was empty (scripts/fixtures)",
		     FIXTURES_C);
	while ((de = readdir(d))) {
		const struct arch *a;
		unsigned int m;
		int be;

		snprintf(path, sizeof(path), FIXTURES_C "/%s", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		memset(h, 0, sizeof(h));
		if (read(fd, h, sizeof(h)) < 52 || memcmp(h, "\177ELF", 4)) {
			close(fd);
			continue;
		}
		close(fd);
		be = h[5] == 2;
		m = be ? h[18] << 8 | h[19] : h[19] << 8 | h[18];
		a = arch_by_elf(h[4], h[5], m, h[4] == 2 ?
				(be ? (unsigned)h[48] << 24 | h[49] << 16 | h[50] << 8 | h[51] :
				      (unsigned)h[51] << 24 | h[50] << 16 | h[49] << 8 | h[48]) :
				(be ? (unsigned)h[36] << 24 | h[37] << 16 | h[38] << 8 | h[39] :
				      (unsigned)h[39] << 24 | h[38] << 16 | h[37] << 8 | h[36]));
		if (!a || arch_is_host_family(a))
			continue;
		chmod(path, 0755);
		r = run_exec(path, "bshim-real", 0);
		EXPECT_EQ(ENOEXEC, r.err) TH_LOG("%s", path);
		one_line(_metadata, self->c.kfd, &f);
		EXPECT_STREQ(path, f.path);
		EXPECT_STREQ(a->name, f.arch) TH_LOG("%s", path);
		EXPECT_STREQ("elf", f.format);
		checked++;
	}
	closedir(d);
	if (!checked)
		SKIP(return, "no foreign ELF in %s", FIXTURES_C);
	TH_LOG("%d real foreign binaries", checked);
	EXPECT_EQ(self->c.total + checked, param_get("failed_total"));
}

/* Concurrent execs of one uid on every CPU against a burst of 3 in a long
 * window: 3 lines, the rest counted as suppressed, every exec counted. */
TEST_F_TIMEOUT(shim, ratelimit_holds_under_burst, 120)
{
	char lines[64][KL_LINE_MAX];
	long supp = param_get("suppressed");
	int i, j, n, status, nproc = sysconf(_SC_NPROCESSORS_ONLN) + 1;
	const int per = 8;

	ASSERT_EQ(0, put_elf(WORK "/burst", 2, 1, 2, 243, 0));
	EXPECT_NE(0, param_set("ratelimit_burst", "nope"));
	EXPECT_NE(0, param_set("failed_total", "0"));
	ASSERT_EQ(0, param_set("ratelimit_interval_ms", "600000"));
	ASSERT_EQ(0, param_set("ratelimit_burst", "3"));
	for (i = 0; i < nproc; i++) {
		if (fork() == 0) {
			for (j = 0; j < per; j++)
				if (run_exec(WORK "/burst", "bshim-burst", 0).err != ENOEXEC)
					_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < nproc; i++) {
		ASSERT_LT(0, wait(&status));
		EXPECT_EQ(0, status);
	}
	/*
	 * Exactly the burst gets through (one uid: all of them share its
	 * window; the module's lock makes no line lose to contention, unlike
	 * ___ratelimit()'s trylock), and every exec is either a line or
	 * counted as suppressed.
	 */
	n = kl_collect(self->c.kfd, KL_PREFIX, lines, 64);
	EXPECT_EQ(3, n);
	EXPECT_EQ(self->c.total + nproc * per, param_get("failed_total"));
	EXPECT_EQ(supp + nproc * per - n, param_get("suppressed"));
	ASSERT_EQ(0, param_set("ratelimit_interval_ms", "1000"));
	ASSERT_EQ(0, param_set("ratelimit_burst", BIG_BURST));
}

/* Two ordinary uids for the per-uid ratelimit cases (no account needed:
 * run_exec() sets them with setresuid() in the child). */
#define UID_A	1000
#define UID_B	1001

/* The "exec failed" lines since the last collect whose uid= is uid. */
static int lines_of_uid(struct __test_metadata *_metadata,
			char lines[][KL_LINE_MAX], int n, long uid)
{
	struct kl_fields f;
	int i, c = 0;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, kl_parse(lines[i], &f)) TH_LOG("malformed: %s", lines[i]);
		c += f.uid == uid;
	}
	return c;
}

/*
 * The limit is per uid: uid A running more failing execs than the burst
 * uses up A's lines only; uid B's first failing exec after that is still
 * logged, and "suppressed" counts exactly A's dropped lines.
 */
TEST_F(shim, ratelimit_per_uid)
{
	char lines[32][KL_LINE_MAX];
	long supp = param_get("suppressed");
	const int burst = 3, extra = 4;
	int i, n;

	ASSERT_EQ(0, put_elf(WORK "/per-uid", 2, 1, 2, 243, 0));
	ASSERT_EQ(0, param_set("ratelimit_interval_ms", "600000"));
	ASSERT_EQ(0, param_set("ratelimit_burst", "3"));
	for (i = 0; i < burst + extra; i++)
		ASSERT_EQ(ENOEXEC, run_exec(WORK "/per-uid", "bshim-uid-a",
					    UID_A).err);
	ASSERT_EQ(ENOEXEC, run_exec(WORK "/per-uid", "bshim-uid-b", UID_B).err);
	n = kl_collect(self->c.kfd, KL_PREFIX, lines, 32);
	ASSERT_GE(32, n);
	EXPECT_EQ(burst, lines_of_uid(_metadata, lines, n, UID_A));
	EXPECT_EQ(1, lines_of_uid(_metadata, lines, n, UID_B)) {
		for (i = 0; i < n; i++)
			TH_LOG("line %d: %s", i, lines[i]);
	}
	EXPECT_EQ(burst + 1, n);
	EXPECT_EQ(supp + extra, param_get("suppressed"));
	EXPECT_EQ(self->c.total + burst + extra + 1, param_get("failed_total"));
	ASSERT_EQ(0, param_set("ratelimit_interval_ms", "1000"));
	ASSERT_EQ(0, param_set("ratelimit_burst", BIG_BURST));
}

/* One failing exec of path as uid: the lines it logged, -1 if the exec
 * did not fail with ENOEXEC. */
static int exec_lines(int kfd, const char *path, uid_t uid)
{
	char lines[4][KL_LINE_MAX];

	if (run_exec(path, "bshim-lru", uid).err != ENOEXEC)
		return -1;
	return kl_collect(kfd, KL_PREFIX, lines, 4);
}

/*
 * More uids than the table has slots, all within one window (burst 1):
 * every uid still gets its line (an evicted uid starts over), evicting a
 * slot whose window is open is counted, and the slot evicted is the least
 * recently used one: a uid that keeps failing keeps its slot, so its lines
 * stay suppressed however many other uids come and go.
 */
TEST_F_TIMEOUT(shim, ratelimit_table_evicts_lru, 240)
{
	const char *path = WORK "/lru";
	const uid_t hot = 1500, base = 2000;
	long slots = param_get("ratelimit_slots");
	long ev0 = param_get("ratelimit_evictions");
	long supp = param_get("suppressed");
	long i;

	ASSERT_LT(1, slots) TH_LOG("ratelimit_slots: %ld", slots);
	ASSERT_GE(1024, slots);
	ASSERT_LE(0, ev0);
	ASSERT_EQ(0, put_elf(path, 2, 1, 2, 243, 0));
	ASSERT_EQ(0, param_set("ratelimit_interval_ms", "600000"));
	ASSERT_EQ(0, param_set("ratelimit_burst", "1"));

	ASSERT_EQ(1, exec_lines(self->c.kfd, path, hot));
	ASSERT_EQ(0, exec_lines(self->c.kfd, path, hot));
	/* slots - 1 more uids fill the table; the hot uid fails after each
	 * one, so it is always the most recently used. */
	for (i = 0; i < slots - 1; i++) {
		ASSERT_EQ(1, exec_lines(self->c.kfd, path, base + i))
			TH_LOG("uid %ld", base + i);
		ASSERT_EQ(0, exec_lines(self->c.kfd, path, hot))
			TH_LOG("after uid %ld", base + i);
	}
	EXPECT_EQ(ev0, param_get("ratelimit_evictions"));
	/* Full, every window open: a new uid evicts base (the least recently
	 * used), not the hot uid, which stays suppressed. */
	ASSERT_EQ(1, exec_lines(self->c.kfd, path, base + slots));
	EXPECT_EQ(ev0 + 1, param_get("ratelimit_evictions"));
	EXPECT_EQ(0, exec_lines(self->c.kfd, path, hot));
	/* base again: it lost its window, so it has a line again (and evicts
	 * base + 1 in turn). */
	EXPECT_EQ(1, exec_lines(self->c.kfd, path, base));
	EXPECT_EQ(ev0 + 2, param_get("ratelimit_evictions"));
	EXPECT_EQ(supp + 1 + (slots - 1) + 1, param_get("suppressed"));

	ASSERT_EQ(0, param_set("ratelimit_interval_ms", "1000"));
	ASSERT_EQ(0, param_set("ratelimit_burst", BIG_BURST));
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Execs of foreign files in a loop until SIGTERM; exit 1 on any errno
 * but ENOEXEC (with or without the module, the caller's view is the same). */
static void exec_loop(void)
{
	static const char *const files[] = {
		WORK "/loop-a64", WORK "/blob-pe", WORK "/blob-garbage",
	};
	unsigned int i = 0;

	signal(SIGTERM, on_term);
	while (!stop)
		if (run_exec(files[i++ % 3], "bshim-loop", 0).err != ENOEXEC)
			_exit(1);
	_exit(0);
}

TEST_F_TIMEOUT(shim, insmod_rmmod_under_exec_load, 240)
{
	char refcnt[32] = "";
	long slab0, slab1, tainted;
	pid_t kids[8];
	int i, nkids = sysconf(_SC_NPROCESSORS_ONLN), status, ret;
	const int rounds = 30;

	if (nkids > 8)
		nkids = 8;
	ASSERT_EQ(0, put_elf(WORK "/loop-a64", 2, 1, 2, 183, 0));
	ASSERT_EQ(0, put_file(WORK "/blob-pe", pe_amd64, sizeof(pe_amd64), 0755));
	ASSERT_EQ(0, put_file(WORK "/blob-garbage", garbage, sizeof(garbage), 0755));
	slab0 = slab_active("names_cache");
	for (i = 0; i < nkids; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			exec_loop();
	}
	for (i = 0; i < rounds; i++) {
		ret = mod_reload(i % 2 ? "crlf_observer=1" : "");
		ASSERT_EQ(0, ret) TH_LOG("round %d: %s", i, strerror(-ret));
		ASSERT_EQ(0, param_set("ratelimit_burst", BIG_BURST));
		usleep(20000);
	}
	for (i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	for (i = 0; i < nkids; i++) {
		ASSERT_EQ(kids[i], waitpid(kids[i], &status, 0));
		EXPECT_EQ(0, status) TH_LOG("exec loop %d saw another errno", i);
	}
	/* No reference left behind: nothing running, refcnt 0, unloadable. */
	kl_read_file("/sys/module/" MOD_NAME "/refcnt", refcnt, sizeof(refcnt));
	EXPECT_STREQ("0\n", refcnt);
	ASSERT_EQ(0, mod_reload(""));
	/* No path buffer (names_cache) leaked per logged line. */
	slab1 = slab_active("names_cache");
	if (slab0 >= 0 && slab1 >= 0)
		EXPECT_GT(slab0 + 64, slab1) TH_LOG("names_cache %ld -> %ld", slab0, slab1);
	/* TAINT_DIE (D, bit 7) and TAINT_WARN (W, bit 9): no oops, no WARN. */
	{
		char t[32] = "";

		kl_read_file("/proc/sys/kernel/tainted", t, sizeof(t));
		tainted = strtol(t, NULL, 10);
	}
	EXPECT_EQ(0, tainted & ((1 << 7) | (1 << 9))) TH_LOG("tainted=%ld", tainted);
}

TEST_F(shim, crlf_observer)
{
	static const char dos[] = "#!/bin/sh\r\necho hi\r\n";
	static const char unix_ok[] = "#!/bin/sh\nexit 0\n";
	char val[8] = "";
	struct kl_fields f;
	struct exec_res r;

	ASSERT_EQ(0, put_file(WORK "/dos.sh", dos, sizeof(dos) - 1, 0755));
	ASSERT_EQ(0, put_file(WORK "/unix.sh", unix_ok, sizeof(unix_ok) - 1, 0755));

	/* Off by default: ENOENT and silence, as without the module. */
	r = run_exec(WORK "/dos.sh", "bshim-crlf", 0);
	EXPECT_EQ(ENOENT, r.err);
	no_line(_metadata, self->c.kfd);

	ASSERT_EQ(0, mod_reload("crlf_observer=1"));
	ASSERT_EQ(0, param_set("ratelimit_burst", BIG_BURST));
	kl_read_file(PARAMS "crlf_observer", val, sizeof(val));
	EXPECT_STREQ("Y\n", val);
	r = run_exec(WORK "/dos.sh", "bshim-crlf", 0);
	EXPECT_EQ(ENOENT, r.err);
	one_line(_metadata, self->c.kfd, &f);
	EXPECT_STREQ(WORK "/dos.sh", f.path);
	EXPECT_STREQ("script", f.format);
	EXPECT_NE(NULL, strstr(f.hint, "\"/bin/sh\\r\"")) TH_LOG("hint=%s", f.hint);
	EXPECT_NE(NULL, strstr(f.hint, "dos2unix"));
	EXPECT_EQ(1, param_get("crlf_hints"));
	EXPECT_EQ(0, param_get("failed_total"));

	r = run_exec(WORK "/unix.sh", "bshim-crlf", 0);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(0, WEXITSTATUS(r.status));
	no_line(_metadata, self->c.kfd);
	EXPECT_EQ(0, mod_reload(""));
}

TEST_HARNESS_MAIN
