// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim persist, then a reboot as systemd-binfmt makes it: the real
 * /lib/systemd/systemd-binfmt (it runs without systemd as PID 1) flushes
 * the test's private binfmt_misc instance and registers every binfmt.d
 * file in its order. The four binfmt.d directories are the test's own
 * (tmpfs in its mount namespace), with or without Debian's
 * qemu-user-static files (copies of the host's, else equivalent lines
 * written here). After the "reboot" the entry the kernel picks for an
 * aarch64 binary must be binfmt-shim-aarch64: read from the kernel's own
 * table (its order and entries), then through the whole chain with
 * `binfmt-shim verify`.
 */
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "binfmt.h"
#include "test_loader.h"

#define SYSTEMD_BINFMT "/lib/systemd/systemd-binfmt"
#define QEMU_DIR "/usr/lib/binfmt.d"
#define NEW_NAME "/etc/binfmt.d/zz-binfmt-shim.conf"
#define OLD_NAME "/etc/binfmt.d/binfmt-shim.conf"

static struct cli_result r;

/* Debian's qemu-aarch64.conf (qemu-user-static 1:7.2), with an
 * interpreter that exists here; written when the host has none. */
#define QEMU_AARCH64_MAGIC							\
	"\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00"	\
	"\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00"
#define QEMU_AARCH64_MASK							\
	"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff"	\
	"\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff"
#define QEMU_RISCV64_MAGIC							\
	"\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00"	\
	"\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00"

/* The host's qemu files, read before their directory is replaced. */
struct qfile {
	char name[128];
	char text[2048];
};
static struct qfile qf[64];
static int nqf;

static void load_qemu_files(void)
{
	glob_t g;
	size_t i;

	nqf = 0;
	if (glob(QEMU_DIR "/qemu-*.conf", 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc && nqf < 64; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;

		if (tl_read_file(g.gl_pathv[i], qf[nqf].text, sizeof(qf[nqf].text)) <= 0)
			continue;
		snprintf(qf[nqf].name, sizeof(qf[nqf].name), "%s", base);
		nqf++;
	}
	globfree(&g);
}

static int put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* A static file for the F flag of the written qemu lines: the kernel
 * opens the interpreter at registration; nothing runs it here. */
static const char *shim_path(void)
{
	static char path[4096];

	return tl_build("shim", path, sizeof(path));
}

/*
 * The rig: a private binfmt_misc (tl_private_binfmt), and empty binfmt.d
 * directories of the test's own: tmpfs over /etc/binfmt.d (in the test's
 * /etc overlay), over /run (so /run/binfmt.d can be made without touching
 * the host's /run) and over /usr/local/lib/binfmt.d and /usr/lib/binfmt.d
 * where they exist, and a /tmp of its own. qemu: put the qemu files into the directory the
 * package uses (/usr/lib/binfmt.d, else /run/binfmt.d). 0, or a SKIP
 * reason in why[].
 */
static int rig(bool qemu, char *why, size_t len)
{
	static const char *const dirs[] = { "/etc/binfmt.d", "/usr/local/lib/binfmt.d",
					    QEMU_DIR };
	char path[512], line[2048];
	const char *qdir = QEMU_DIR;
	size_t i;
	int k;

	if (!cli_path()[0] || !tl_have(shim_path())) {
		snprintf(why, len, "build/binfmt-shim or build/shim is not built (make)");
		return -ENOENT;
	}
	if (access(SYSTEMD_BINFMT, X_OK)) {
		snprintf(why, len, SYSTEMD_BINFMT " is missing: apt-get install systemd "
			 "(scripts/deps)");
		return -ENOENT;
	}
	load_qemu_files();
	if (tl_private_binfmt(why, len) < 0)
		return -EPERM;
	/* What verify leaves in /tmp stays in the test's own. */
	if ((k = tl_private_tmp())) {
		snprintf(why, len, "a private /tmp: %s", strerror(-k));
		return k;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (access(dirs[i], F_OK))
			continue;
		if (mount("tmpfs", dirs[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")) {
			snprintf(why, len, "tmpfs on %s: %s", dirs[i], strerror(errno));
			return -errno;
		}
	}
	if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") ||
	    mkdir("/run/binfmt.d", 0755)) {
		snprintf(why, len, "tmpfs on /run: %s", strerror(errno));
		return -errno;
	}
	setenv("BINFMT_SHIM_STATE_DIR", "/run/binfmt-shim", 1);
	if (!qemu)
		return 0;
	if (access(QEMU_DIR, F_OK))
		qdir = "/run/binfmt.d";
	for (k = 0; k < nqf; k++) {
		snprintf(path, sizeof(path), "%.256s/%.200s", qdir, qf[k].name);
		if (put_file(path, qf[k].text))
			return snprintf(why, len, "writing %.400s", path), -EIO;
	}
	if (nqf)
		return 0;
	/* No qemu-user-static here: its two lines that matter, as Debian
	 * writes them (flags OPF). */
	snprintf(path, sizeof(path), "%.256s/qemu-aarch64.conf", qdir);
	snprintf(line, sizeof(line), ":qemu-aarch64:M::" QEMU_AARCH64_MAGIC ":"
		 QEMU_AARCH64_MASK ":%.1024s:OPF\n", shim_path());
	if (put_file(path, line))
		return snprintf(why, len, "writing %.400s", path), -EIO;
	snprintf(path, sizeof(path), "%.256s/qemu-riscv64.conf", qdir);
	snprintf(line, sizeof(line), ":qemu-riscv64:M::" QEMU_RISCV64_MAGIC ":"
		 QEMU_AARCH64_MASK ":%.1024s:OPF\n", shim_path());
	if (put_file(path, line))
		return snprintf(why, len, "writing %.400s", path), -EIO;
	return 0;
}

#define RIG_OR_SKIP(qemu)						\
	do {								\
		char why_[512];						\
		if (rig(qemu, why_, sizeof(why_)))			\
			SKIP(return, "%s", why_);			\
	} while (0)

/* A boot: systemd-binfmt flushes the table and applies every file. */
static int boot(void)
{
	char *argv[] = { SYSTEMD_BINFMT, NULL };
	static char out[16384], err[16384];
	int st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));

	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		fprintf(stderr, "# systemd-binfmt: %d\n%s%s", st, out, err);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * The entry the kernel picks for an ELF header, from the kernel's own
 * table: binfmt_misc's directory lists the newest entry first, the order
 * search_binfmt_handler() tries them in, and the first enabled entry
 * whose magic matches runs. "" when none does.
 */
static const char *kernel_pick(const uint8_t *hdr, size_t len, char *buf, size_t blen)
{
	static char text[4096];
	struct binfmt_entry e;
	struct dirent *de;
	char path[512];
	long n;
	DIR *d = opendir(BINFMT_MNT);

	buf[0] = '\0';
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "register") ||
		    !strcmp(de->d_name, "status"))
			continue;
		snprintf(path, sizeof(path), BINFMT_MNT "/%s", de->d_name);
		n = tl_read_file(path, text, sizeof(text));
		if (n < 0 || binfmt_parse_status(de->d_name, text, (size_t)n, &e))
			continue;
		if (e.enabled && binfmt_entry_matches(&e, NULL, hdr, len)) {
			snprintf(buf, blen, "%s", de->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
	return buf;
}

/* An ELF64 LSB ET_EXEC header of this machine (e_type 16, e_machine 18). */
static void elf_header(uint8_t *h, uint16_t machine)
{
	memset(h, 0, 64);
	memcpy(h, "\x7f" "ELF\x02\x01\x01", 7);
	h[16] = 2;
	h[18] = (uint8_t)machine;
	h[19] = (uint8_t)(machine >> 8);
}

static const char *pick_for(uint16_t machine, char *buf, size_t len)
{
	uint8_t h[64];

	elf_header(h, machine);
	return kernel_pick(h, sizeof(h), buf, len);
}

#define EM_AARCH64_ 183
#define EM_RISCV_ 243

/*
 * The host as it was found: the package's entries registered at boot,
 * then ours (register adds them after, so they win until the reboot),
 * then the binfmt.d files changed by then (later(), may be NULL), then
 * persist.
 */
static int (*later)(void);

static void live_then_persist(struct __test_metadata *_metadata, bool with_qemu)
{
	char pick[256];

	ASSERT_EQ(0, boot());
	if (with_qemu)
		ASSERT_STREQ("qemu-aarch64", pick_for(EM_AARCH64_, pick, sizeof(pick)));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", shim_path(), "aarch64", "riscv64",
			     NULL)) TH_LOG("%s%s", r.out, r.err);
	ASSERT_STREQ("binfmt-shim-aarch64", pick_for(EM_AARCH64_, pick, sizeof(pick)));
	if (later)
		ASSERT_EQ(0, later());
	ASSERT_EQ(0, cli_run(&r, "persist", NULL)) TH_LOG("%s%s", r.out, r.err);
}

/* After the reboot: ours are the ones picked, by the kernel's table, by
 * status, and through the chain (verify runs a tiny aarch64 program and
 * finds the shim's record of it). */
static void expect_ours_after_reboot(struct __test_metadata *_metadata)
{
	char pick[256];

	ASSERT_EQ(0, boot());
	EXPECT_STREQ("binfmt-shim-aarch64", pick_for(EM_AARCH64_, pick, sizeof(pick)));
	EXPECT_STREQ("binfmt-shim-riscv64", pick_for(EM_RISCV_, pick, sizeof(pick)));
	cli_run(&r, "status", NULL);
	EXPECT_EQ(NULL, strstr(r.out, "shadowed by")) TH_LOG("%s", r.out);
	if (access("/usr/bin/qemu-aarch64-static", X_OK) &&
	    access("/usr/bin/qemu-aarch64", X_OK)) {
		TH_LOG("no qemu-aarch64 here: the chain is not run");
		return;
	}
	EXPECT_EQ(0, cli_run(&r, "verify", "aarch64", NULL)) TH_LOG("%s%s", r.out, r.err);
}

TEST(reboot_keeps_ours_without_qemu_files)
{
	RIG_OR_SKIP(false);
	live_then_persist(_metadata, false);
	EXPECT_TRUE(tl_have(NEW_NAME));
	EXPECT_EQ(NULL, strstr(r.err, "warning")) TH_LOG("%s", r.err);
	expect_ours_after_reboot(_metadata);
}

/* The host the problem was found on: Debian's qemu-user-static. */
TEST(reboot_keeps_ours_over_debian_qemu_files)
{
	RIG_OR_SKIP(true);
	TH_LOG("%d qemu file(s) from " QEMU_DIR "%s", nqf,
	       nqf ? "" : ": none here, the test wrote its own");
	live_then_persist(_metadata, true);
	EXPECT_TRUE(tl_have(NEW_NAME));
	EXPECT_FALSE(tl_have(OLD_NAME));
	/* Nothing of another package is tried before ours: no warning. */
	EXPECT_EQ(NULL, strstr(r.err, "warning")) TH_LOG("%s", r.err);
	expect_ours_after_reboot(_metadata);
	/* The package's entries are still there, behind ours. */
	EXPECT_TRUE(bm_has("qemu-aarch64"));
}

/* A file written by the old name (by an earlier persist, when s390x was
 * still registered) is replaced, not left to register the same names,
 * and an arch no longer wanted, at every boot. */
static int put_old_file(void)
{
	char line[2048];

	snprintf(line, sizeof(line),
		 "# binfmt-shim registrations, written by 'binfmt-shim persist'.\n"
		 ":binfmt-shim-s390x:M::\\x7f\\x45\\x4c\\x46\\x02\\x02\\x01:"
		 "\\xff\\xff\\xff\\xff\\xff\\xff\\xff:%s:PF\n", shim_path());
	return put_file(OLD_NAME, line);
}

TEST(old_named_file_is_migrated)
{
	RIG_OR_SKIP(true);
	later = put_old_file;
	live_then_persist(_metadata, true);
	EXPECT_NE(NULL, strstr(r.out, "removed " OLD_NAME)) TH_LOG("%s", r.out);
	EXPECT_FALSE(tl_have(OLD_NAME));
	EXPECT_TRUE(tl_have(NEW_NAME));
	expect_ours_after_reboot(_metadata);
	EXPECT_FALSE(bm_has("binfmt-shim-s390x"));
}

/* Someone else's file of the old name is not ours to remove. */
static int put_other_file(void)
{
	return put_file(OLD_NAME, "# mine\n");
}

TEST(old_name_of_another_is_kept)
{
	RIG_OR_SKIP(false);
	later = put_other_file;
	live_then_persist(_metadata, false);
	EXPECT_TRUE(tl_have(OLD_NAME));
	EXPECT_EQ(NULL, strstr(r.out, "removed")) TH_LOG("%s", r.out);
}

/*
 * Files persist cannot control: one that sorts after ours and registers
 * the aarch64 magic, in each binfmt.d directory. persist says so, names
 * the file, and it is right: after the reboot that entry is picked. A
 * file with an unrelated magic (Python's) raises nothing.
 */
FIXTURE(shadow) {
	int unused;
};
FIXTURE_VARIANT(shadow) {
	const char *dir;
};
FIXTURE_VARIANT_ADD(shadow, etc) { .dir = "/etc/binfmt.d" };
FIXTURE_VARIANT_ADD(shadow, run) { .dir = "/run/binfmt.d" };
FIXTURE_VARIANT_ADD(shadow, usr_lib) { .dir = QEMU_DIR };
FIXTURE_SETUP(shadow) { }
FIXTURE_TEARDOWN(shadow) { }

static const char *shadow_dir;

static int put_shadow_files(void)
{
	char path[512], line[2048];
	int err;

	snprintf(path, sizeof(path), "%.256s/zzz-arm64.conf", shadow_dir);
	snprintf(line, sizeof(line), ":zzz-arm64:M::" QEMU_AARCH64_MAGIC ":"
		 QEMU_AARCH64_MASK ":%.1024s:F\n", shim_path());
	if ((err = put_file(path, line)))
		return err;
	snprintf(path, sizeof(path), "%.256s/zzz-python.conf", shadow_dir);
	return put_file(path, ":zzz-python:M::\\xa7\\x0d\\x0d\\x0a::/bin/true:\n");
}

TEST_F(shadow, later_file_with_our_magic_is_reported)
{
	char path[512], pick[256];

	RIG_OR_SKIP(true);
	if (access(variant->dir, F_OK))
		SKIP(return, "%s does not exist on this host", variant->dir);
	shadow_dir = variant->dir;
	later = put_shadow_files;
	live_then_persist(_metadata, true);
	snprintf(path, sizeof(path), "%.256s/zzz-arm64.conf", variant->dir);
	EXPECT_NE(NULL, strstr(r.err, path)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "zzz-arm64")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "aarch64")) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.err, "zzz-python")) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.err, "riscv64")) TH_LOG("%s", r.err);
	/* --print says the same. */
	ASSERT_EQ(0, cli_run(&r, "persist", "--print", NULL));
	EXPECT_NE(NULL, strstr(r.err, "zzz-arm64")) TH_LOG("%s", r.err);
	/* The warning was true. */
	ASSERT_EQ(0, boot());
	EXPECT_STREQ("zzz-arm64", pick_for(EM_AARCH64_, pick, sizeof(pick)));
	EXPECT_STREQ("binfmt-shim-riscv64", pick_for(EM_RISCV_, pick, sizeof(pick)));
}

/* A file of our name in an earlier directory hides the one we write. */
TEST(file_that_hides_ours_is_reported)
{
	char pick[256];

	RIG_OR_SKIP(true);
	live_then_persist(_metadata, true);
	ASSERT_EQ(0, put_file(NEW_NAME, ""));	/* a mask */
	ASSERT_EQ(0, cli_run(&r, "persist", "--output", "/run/binfmt.d/zz-binfmt-shim.conf",
			     NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, NEW_NAME " hides /run/binfmt.d/zz-binfmt-shim.conf"))
		TH_LOG("%s", r.err);
	ASSERT_EQ(0, boot());
	EXPECT_STRNE("binfmt-shim-aarch64", pick_for(EM_AARCH64_, pick, sizeof(pick)));
}

TEST_HARNESS_MAIN
