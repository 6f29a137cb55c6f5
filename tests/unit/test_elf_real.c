// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF probe over real foreign binaries: tests/fixtures/hello.c built by
 * Debian's cross compilers (scripts/fixtures.d/10-cross.sh) static,
 * dynamic (PIE), dynamic without PIE and static-pie, each checked field by
 * field. The probe reads them the way the shim does: the first 256 bytes
 * (the kernel's BINPRM_BUF_SIZE) in hand, the rest through pread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "elf.h"
#include "testlib.h"

/* Expected fields of one triplet (from the psABI of each target). */
struct want {
	const char *triplet;
	unsigned cls, data, machine;
	const char *arch;
	const char *interp;
	const char *abi;		/* struct elf_info abi[] */
	enum elf_float fl;
	enum elf_mips_abi mips;
	uint8_t arm_eabi, ppc64;
	bool rvc;
};

static const struct want w_aarch64 = { "aarch64-linux-gnu", 2, 1, 183,
	"aarch64", "/lib/ld-linux-aarch64.so.1", "", 0, 0, 0, 0, 0 };
static const struct want w_armhf = { "arm-linux-gnueabihf", 1, 1, 40, "arm",
	"/lib/ld-linux-armhf.so.3", "eabi5 hard-float", ELF_FLOAT_HARD, 0, 5,
	0, 0 };
static const struct want w_armel = { "arm-linux-gnueabi", 1, 1, 40, "arm",
	"/lib/ld-linux.so.3", "eabi5 soft-float", ELF_FLOAT_SOFT, 0, 5, 0, 0 };
static const struct want w_riscv64 = { "riscv64-linux-gnu", 2, 1, 243,
	"riscv64", "/lib/ld-linux-riscv64-lp64d.so.1", "lp64d rvc",
	ELF_FLOAT_HARD, 0, 0, 0, 1 };
static const struct want w_s390x = { "s390x-linux-gnu", 2, 2, 22, "s390x",
	"/lib/ld64.so.1", "", 0, 0, 0, 0, 0 };
static const struct want w_ppc64le = { "powerpc64le-linux-gnu", 2, 1, 21,
	"ppc64le", "/lib64/ld64.so.2", "elfv2", 0, 0, 0, 2, 0 };
static const struct want w_mips = { "mips-linux-gnu", 1, 2, 8, "mips",
	"/lib/ld.so.1", "o32", 0, ELF_MIPS_ABI_O32, 0, 0, 0 };
static const struct want w_mipsel = { "mipsel-linux-gnu", 1, 1, 8, "mipsel",
	"/lib/ld.so.1", "o32", 0, ELF_MIPS_ABI_O32, 0, 0, 0 };
static const struct want w_x86_64 = { "x86_64-linux-gnu", 2, 1, 62, "x86_64",
	"/lib64/ld-linux-x86-64.so.2", "", 0, 0, 0, 0, 0 };

FIXTURE(real) {
	char path[4096];
	char why[600];			/* set when the fixture is missing */
	int fd;
	uint64_t size;
	unsigned char head[256];
	size_t head_len;
};

FIXTURE_VARIANT(real) {
	const struct want *w;
	const char *kind;		/* file name suffix */
	unsigned type;			/* ET_EXEC 2 / ET_DYN 3 */
	enum elf_link link;
};

#define KINDS(name, wp)							\
FIXTURE_VARIANT_ADD(real, name##_static) {				\
	.w = wp, .kind = "static", .type = 2, .link = ELF_LINK_STATIC };	\
FIXTURE_VARIANT_ADD(real, name##_dynamic) {				\
	.w = wp, .kind = "dynamic", .type = 3, .link = ELF_LINK_DYNAMIC };	\
FIXTURE_VARIANT_ADD(real, name##_dynamic_nopie) {			\
	.w = wp, .kind = "dynamic-nopie", .type = 2,			\
	.link = ELF_LINK_DYNAMIC };					\
FIXTURE_VARIANT_ADD(real, name##_static_pie) {				\
	.w = wp, .kind = "static-pie", .type = 3,			\
	.link = ELF_LINK_STATIC_PIE };

KINDS(aarch64, &w_aarch64)
KINDS(armhf, &w_armhf)
KINDS(armel, &w_armel)
KINDS(riscv64, &w_riscv64)
KINDS(s390x, &w_s390x)
KINDS(ppc64le, &w_ppc64le)
KINDS(mips, &w_mips)
KINDS(mipsel, &w_mipsel)
KINDS(x86_64, &w_x86_64)

static long fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	return n < 0 ? -errno : (long)n;
}

FIXTURE_SETUP(real)
{
	char name[256];
	struct stat st;
	ssize_t n;

	self->fd = -1;
	snprintf(name, sizeof(name), "c/%s-%s", variant->w->triplet,
		 variant->kind);
	tl_fixture(name, self->path, sizeof(self->path));
	self->why[0] = '\0';
	if (!tl_have(self->path)) {
		char nosup[4200];

		/* The harness runs the test body after a SKIP in setup, so the
		 * body SKIPs on self->why. */
		snprintf(nosup, sizeof(nosup), "%s.unsupported", self->path);
		if (tl_read_file(nosup, self->why, sizeof(self->why)) <= 0)
			snprintf(self->why, sizeof(self->why),
				 "%s missing: run scripts/fixtures (needs gcc-%s)",
				 name, variant->w->triplet);
		self->why[strcspn(self->why, "\n")] = '\0';
		return;
	}
	self->fd = open(self->path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, fstat(self->fd, &st));
	self->size = (uint64_t)st.st_size;
	n = pread(self->fd, self->head, sizeof(self->head), 0);
	ASSERT_LT(0, n);
	self->head_len = (size_t)n;
}

FIXTURE_TEARDOWN(real)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(real, fields)
{
	const struct want *w = variant->w;
	uint64_t off = 0, size = 0;
	struct elf_info ei;
	char desc[512];

	if (self->why[0])
		SKIP(return, "%.600s", self->why);
	ASSERT_EQ(0, elf_probe(self->head, self->head_len, fd_read, &self->fd,
			       &ei)) TH_LOG("%s: %s", self->path,
					    elf_reason_str(ei.reason));
	EXPECT_EQ(w->cls, ei.elf_class);
	EXPECT_EQ(w->data, ei.elf_data);
	EXPECT_EQ(w->machine, ei.machine);
	ASSERT_NE(NULL, ei.arch);
	EXPECT_STREQ(w->arch, ei.arch->name);
	EXPECT_EQ(variant->type, ei.type) TH_LOG("%s", elf_type_str(ei.type));
	EXPECT_EQ(variant->link, ei.link) TH_LOG("%s", elf_link_str(ei.link));
	if (variant->link == ELF_LINK_DYNAMIC) {
		EXPECT_TRUE(ei.has_interp);
		EXPECT_STREQ(w->interp, ei.interp);
	} else {
		EXPECT_FALSE(ei.has_interp);
		EXPECT_STREQ("", ei.interp);
	}
	EXPECT_STREQ(w->abi, ei.abi);
	EXPECT_EQ(w->fl, ei.float_abi);
	EXPECT_EQ(w->mips, ei.mips_abi);
	EXPECT_FALSE(ei.mips_nan2008);	/* Debian mips/mipsel: legacy NaN */
	EXPECT_FALSE(ei.mips_r6);
	EXPECT_EQ(w->arm_eabi, ei.arm_eabi);
	EXPECT_EQ(w->ppc64, ei.ppc64_abi);
	EXPECT_EQ(w->rvc, ei.riscv_rvc);
	EXPECT_FALSE(ei.x32);
	EXPECT_NE(0, ei.entry);
	EXPECT_LT(0, ei.phnum);
	EXPECT_GT(self->size, ei.phoff);

	/* The section look-up the Go probe uses finds .text in the file. */
	ASSERT_EQ(0, elf_find_section(&ei, fd_read, &self->fd, ".text", &off,
				      &size));
	EXPECT_LT(0, size);
	EXPECT_GE(self->size, off + size);
	EXPECT_EQ(-ENOENT, elf_find_section(&ei, fd_read, &self->fd,
					    ".go.buildinfo", &off, &size));

	ASSERT_LT(0, elf_describe(&ei, desc, sizeof(desc)));
	TH_LOG("%s: %s", variant->kind, desc);
	EXPECT_EQ(0, strncmp(desc, w->cls == 2 ? "ELF 64-bit " : "ELF 32-bit ", 11));
	if (variant->link == ELF_LINK_DYNAMIC)
		EXPECT_NE(NULL, strstr(desc, w->interp));
	if (variant->link == ELF_LINK_STATIC_PIE)
		EXPECT_NE(NULL, strstr(desc, ", static-pie linked"));
	if (variant->link == ELF_LINK_STATIC)
		EXPECT_NE(NULL, strstr(desc, ", statically linked"));
}

/* The same answers from the whole file in memory with no reader. */
TEST_F(real, head_only_agrees)
{
	static unsigned char whole[4 << 20];
	struct elf_info a, b;
	ssize_t n;

	if (self->why[0])
		SKIP(return, "%.600s", self->why);
	if (self->size > sizeof(whole))
		SKIP(return, "fixture is larger than %zu bytes", sizeof(whole));
	n = pread(self->fd, whole, sizeof(whole), 0);
	ASSERT_EQ((ssize_t)self->size, n);
	ASSERT_EQ(0, elf_probe(whole, (size_t)n, NULL, NULL, &a));
	ASSERT_EQ(0, elf_probe(self->head, self->head_len, fd_read, &self->fd, &b));
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	/* And with only 64 bytes in hand, the interp is unknown, not wrong. */
	ASSERT_EQ(0, elf_probe(whole, 64, NULL, NULL, &b));
	EXPECT_EQ(a.machine, b.machine);
	EXPECT_EQ(a.arch, b.arch);
	EXPECT_EQ(ELF_LINK_UNKNOWN, b.link);
}

TEST_HARNESS_MAIN
