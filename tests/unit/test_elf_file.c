// SPDX-License-Identifier: GPL-2.0
/*
 * The probe agrees with file(1) on every ELF file of the installed cross
 * toolchains' sysroots (/usr/<triplet>/lib, recursively): class, byte
 * order and architecture, and where file(1) says so, the interpreter path,
 * the link kind, the PPC64 ELF ABI and the RISC-V float ABI / RVC. One
 * TEST per sysroot; a missing sysroot is a SKIP with the package to
 * install.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "elf.h"
#include "testlib.h"

/* file(1)'s machine words (Magdir/elf, file 5.44) -> e_machine. */
static const struct { const char *word; unsigned machine; } file_machines[] = {
	{ "ARM aarch64", 183 }, { "ARM", 40 }, { "MIPS", 8 },
	{ "UCB RISC-V", 243 }, { "IBM S/390", 22 },
	{ "64-bit PowerPC or cisco 7500", 21 }, { "PowerPC or cisco 4500", 20 },
	{ "x86-64", 62 }, { "Intel 80386", 3 }, { "SPARC", 2 },
	{ "SPARC V9", 43 }, { "Motorola m68k, 68020", 4 }, { "Alpha (unofficial)", 0x9026 },
	{ "LoongArch", 258 }, { "Renesas SH", 42 }, { "PA-RISC", 15 },
};

struct counts {
	unsigned files, elf, agree, mismatch, probe_fail, interp_checked;
	struct __test_metadata *md;
};

static struct counts cnt;	/* nftw has no context pointer; one per test */
static const char *file_cmd;	/* tl_run execs a path, not a PATH search */

static long fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	return n < 0 ? -errno : (long)n;
}

/* The comma-separated field number idx of s into buf. */
static int field(const char *s, unsigned idx, char *buf, size_t len)
{
	const char *end;

	while (idx--) {
		s = strstr(s, ", ");
		if (!s)
			return -1;
		s += 2;
	}
	end = strstr(s, ", ");
	if (!end)
		end = s + strcspn(s, "\n");
	if ((size_t)(end - s) >= len)
		return -1;
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = '\0';
	return 0;
}

static int file_machine(const char *desc)
{
	char f[128];
	size_t i;

	if (field(desc, 1, f, sizeof(f)))
		return -1;
	for (i = 0; i < sizeof(file_machines) / sizeof(file_machines[0]); i++)
		if (!strcmp(f, file_machines[i].word))
			return (int)file_machines[i].machine;
	return -1;
}

#define MISMATCH(fmt, ...) do {						\
	struct __test_metadata *_metadata = cnt.md;			\
	cnt.mismatch++;							\
	bad = 1;							\
	TH_LOG("%s: " fmt " (file: %.200s)", path, ##__VA_ARGS__, desc);	\
} while (0)

static void check_one(const char *path)
{
	unsigned char head[256];
	char desc[4096], *nl, *interp;
	struct elf_info ei;
	int fd, st, m, bad = 0;
	ssize_t n;
	char *const argv[] = { (char *)file_cmd, "-b", "--", (char *)path, NULL };

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	cnt.files++;
	n = pread(fd, head, sizeof(head), 0);
	if (n < 4 || memcmp(head, "\x7f" "ELF", 4)) {
		close(fd);
		return;
	}
	cnt.elf++;
	st = tl_run(argv, NULL, 0, desc, sizeof(desc), NULL, 0);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(desc, sizeof(desc), "file(1) failed: status %d", st);
		MISMATCH("cannot run file -b");
		close(fd);
		return;
	}
	if ((nl = strchr(desc, '\n')))
		*nl = '\0';
	if (elf_probe(head, (size_t)n, fd_read, &fd, &ei)) {
		cnt.probe_fail++;
		MISMATCH("probe failed: %s", elf_reason_str(ei.reason));
		close(fd);
		return;
	}
	close(fd);

	if (strncmp(desc, ei.elf_class == 2 ? "ELF 64-bit " : "ELF 32-bit ", 11))
		MISMATCH("class %s", elf_class_str(ei.elf_class));
	if (strncmp(desc + 11, elf_data_str(ei.elf_data), 3))
		MISMATCH("byte order %s", elf_data_str(ei.elf_data));
	m = file_machine(desc);
	if (m != (int)ei.machine)
		MISMATCH("machine %u (%s), file's word maps to %d",
				  ei.machine, elf_machine_str(ei.machine), m);
	/* The finer points, where file(1) states them. */
	if ((interp = strstr(desc, ", interpreter "))) {
		size_t k;

		interp += strlen(", interpreter ");
		k = strcspn(interp, ",");
		cnt.interp_checked++;
		if (strlen(ei.interp) != k || strncmp(ei.interp, interp, k))
			MISMATCH("interp '%s'", ei.interp);
	}
	if (strstr(desc, ", statically linked") && ei.link != ELF_LINK_STATIC &&
	    ei.link != ELF_LINK_NONE)
		MISMATCH("link %s", elf_link_str(ei.link));
	if (strstr(desc, ", static-pie linked") && ei.link != ELF_LINK_STATIC_PIE)
		MISMATCH("link %s", elf_link_str(ei.link));
	if (strstr(desc, ", dynamically linked") && ei.link != ELF_LINK_DYNAMIC &&
	    ei.link != ELF_LINK_SHARED)
		MISMATCH("link %s", elf_link_str(ei.link));
	if (strstr(desc, "OpenPOWER ELF V2 ABI") && ei.ppc64_abi != 2)
		MISMATCH("ppc64 abi %u", ei.ppc64_abi);
	if (ei.machine == 243 && !!strstr(desc, ", RVC,") != ei.riscv_rvc)
		MISMATCH("rvc %d", ei.riscv_rvc);
	if (strstr(desc, "double-float ABI") && ei.float_abi != ELF_FLOAT_HARD)
		MISMATCH("float %s", elf_float_str(ei.float_abi));
	if (strstr(desc, "soft-float ABI") && ei.float_abi != ELF_FLOAT_SOFT)
		MISMATCH("float %s", elf_float_str(ei.float_abi));
	if (!bad)
		cnt.agree++;
}

static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	(void)ftw;
	/* Regular files only: symlinks point at files counted anyway. */
	if (type == FTW_F && S_ISREG(st->st_mode))
		check_one(path);
	return 0;
}

static void check_sysroot(struct __test_metadata *_metadata, const char *dir)
{
	memset(&cnt, 0, sizeof(cnt));
	cnt.md = _metadata;
	ASSERT_EQ(0, nftw(dir, visit, 16, FTW_PHYS));
	TH_LOG("%s: %u files, %u ELF, %u agree with file(1), %u differ "
	       "(%u probe failures), %u interpreter paths compared",
	       dir, cnt.files, cnt.elf, cnt.agree, cnt.mismatch,
	       cnt.probe_fail, cnt.interp_checked);
	EXPECT_LT(0, cnt.elf);
	EXPECT_EQ(0, cnt.mismatch);
	EXPECT_EQ(cnt.elf, cnt.agree);
}

static int have_file_cmd(void)
{
	static const char *const where[] = { "/usr/bin/file", "/bin/file",
					     "/usr/local/bin/file" };
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		char *const argv[] = { (char *)where[i], "--version", NULL };
		int st;

		if (access(where[i], X_OK))
			continue;
		st = tl_run(argv, NULL, 0, NULL, 0, NULL, 0);
		if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			file_cmd = where[i];
			return 1;
		}
	}
	return 0;
}

FIXTURE(sysroot) {
	char dir[256];
};

FIXTURE_VARIANT(sysroot) {
	const char *triplet;
	const char *pkg;	/* Debian package that ships it */
};

#define SYSROOT(name, trip, deb)					\
FIXTURE_VARIANT_ADD(sysroot, name) { .triplet = trip,			\
	.pkg = "libc6-dev-" deb "-cross" };

SYSROOT(aarch64, "aarch64-linux-gnu", "arm64")
SYSROOT(armhf, "arm-linux-gnueabihf", "armhf")
SYSROOT(armel, "arm-linux-gnueabi", "armel")
SYSROOT(riscv64, "riscv64-linux-gnu", "riscv64")
SYSROOT(s390x, "s390x-linux-gnu", "s390x")
SYSROOT(ppc64el, "powerpc64le-linux-gnu", "ppc64el")
SYSROOT(mips, "mips-linux-gnu", "mips")
SYSROOT(mipsel, "mipsel-linux-gnu", "mipsel")

FIXTURE_SETUP(sysroot)
{
	snprintf(self->dir, sizeof(self->dir), "/usr/%s/lib", variant->triplet);
}

FIXTURE_TEARDOWN(sysroot)
{
}

TEST_F(sysroot, agrees_with_file)
{
	if (access(self->dir, R_OK))
		SKIP(return, "no cross sysroot %s (apt-get install %s)",
		     self->dir, variant->pkg);
	if (!have_file_cmd())
		SKIP(return, "file(1) is not installed (apt-get install file)");
	check_sysroot(_metadata, self->dir);
}

/* Any other sysroot /usr/ *-linux-gnu* /lib installed here. */
TEST(other_sysroots_agree_with_file)
{
	static const char *const known[] = {
		"aarch64-linux-gnu", "arm-linux-gnueabihf", "arm-linux-gnueabi",
		"riscv64-linux-gnu", "s390x-linux-gnu", "powerpc64le-linux-gnu",
		"mips-linux-gnu", "mipsel-linux-gnu",
	};
	unsigned others = 0;
	glob_t g;
	size_t i, k;

	if (glob("/usr/*-linux-gnu*/lib", GLOB_ONLYDIR, NULL, &g))
		SKIP(return, "no /usr/*-linux-gnu*/lib cross sysroot installed");
	if (!have_file_cmd()) {
		globfree(&g);
		SKIP(return, "file(1) is not installed (apt-get install file)");
	}
	for (i = 0; i < g.gl_pathc; i++) {
		const char *t = g.gl_pathv[i] + strlen("/usr/");
		size_t tl = strcspn(t, "/");
		int is_known = 0;

		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strlen(known[k]) == tl && !strncmp(known[k], t, tl))
				is_known = 1;
		if (is_known)
			continue;
		others++;
		check_sysroot(_metadata, g.gl_pathv[i]);
	}
	globfree(&g);
	if (!others)
		SKIP(return, "no sysroot besides the eight the other tests cover");
}

TEST_HARNESS_MAIN
