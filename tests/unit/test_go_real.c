// SPDX-License-Identifier: GPL-2.0
/*
 * The Go build-info probe over real Go binaries built at test time by
 * scripts/fixtures.d/20-go.sh (go build for foreign GOOS/GOARCH), checked
 * field by field against the build's parameters and against what the Go
 * toolchain itself reports (`go version` and `go version -m`), obtained at
 * run time so a toolchain upgrade needs no test change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "elf.h"
#include "format.h"
#include "goinfo.h"
#include "testlib.h"

static long fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	return n < 0 ? -errno : (long)n;
}

/* The go command on $PATH, or NULL. */
static const char *find_go(char *buf, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[4096], *save = NULL, *d;

	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, len, "%s/go", d);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/* Run `go a1 [a2 [a3]]`; its stdout into out. 0, or -1 (err says why). */
static int run_go(const char *a1, const char *a2, const char *a3,
		  char *out, size_t outlen, char *err, size_t errlen)
{
	char go[512];
	char *argv[] = { go, (char *)a1, (char *)a2, (char *)a3, NULL };
	int st;

	if (!find_go(go, sizeof(go))) {
		snprintf(err, errlen, "no go on PATH");
		return -1;
	}
	/* GOENV=off GOTOOLCHAIN=local: what the fixture builder used. */
	setenv("GOENV", "off", 1);
	setenv("GOTOOLCHAIN", "local", 1);
	if (!getenv("HOME") && !getenv("GOCACHE"))
		setenv("GOCACHE", "/tmp/bshim-go-cache", 1);
	st = tl_run(argv, NULL, 0, out, outlen, err, errlen);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The rest of the line after pat in `go version -m FILE` output, "" when
 * absent. */
static void go_m_line(const char *text, const char *pat, char *val, size_t len)
{
	const char *p, *e;

	val[0] = '\0';
	p = strstr(text, pat);
	if (!p)
		return;
	p += strlen(pat);
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	snprintf(val, len, "%.*s", (int)(e - p), p);
}

/* "build\tKEY=value" lines (they start with a tab there). */
static void go_m_setting(const char *text, const char *key, char *val, size_t len)
{
	char pat[64];

	snprintf(pat, sizeof(pat), "\tbuild\t%s=", key);
	go_m_line(text, pat, val, len);
}

FIXTURE(gobin) {
	char path[4096];
	int fd;
	uint64_t size;
	char go_version[64];	/* `go version` of the toolchain, "go1.19.8" */
	char go_m[16384];	/* `go version -m file` */
};

FIXTURE_VARIANT(gobin) {
	const char *file;
	enum file_format format;
	const char *goos, *goarch, *goarm, *goamd64;
	const char *arch_name;	/* format_probe's name, NULL for ELF */
};

FIXTURE_VARIANT_ADD(gobin, linux_arm64) {
	.file = "go/linux-arm64", .format = FMT_ELF,
	.goos = "linux", .goarch = "arm64", .goarm = "", .goamd64 = "",
};
FIXTURE_VARIANT_ADD(gobin, linux_riscv64) {
	.file = "go/linux-riscv64", .format = FMT_ELF,
	.goos = "linux", .goarch = "riscv64", .goarm = "", .goamd64 = "",
};
FIXTURE_VARIANT_ADD(gobin, linux_arm_v7) {
	.file = "go/linux-arm-v7", .format = FMT_ELF,
	.goos = "linux", .goarch = "arm", .goarm = "7", .goamd64 = "",
};
FIXTURE_VARIANT_ADD(gobin, linux_s390x) {
	.file = "go/linux-s390x", .format = FMT_ELF,
	.goos = "linux", .goarch = "s390x", .goarm = "", .goamd64 = "",
};
FIXTURE_VARIANT_ADD(gobin, linux_amd64) {
	.file = "go/linux-amd64", .format = FMT_ELF,
	.goos = "linux", .goarch = "amd64", .goarm = "", .goamd64 = "v1",
};
/* Go 1.19 `go test -c` binaries carry the version and an empty (framed)
 * modinfo, so no settings; later toolchains may add them: for this one
 * only `go version -m` is the reference (NULL fields). */
FIXTURE_VARIANT_ADD(gobin, go_test_linux_arm64) {
	.file = "go/pkg-linux-arm64.test", .format = FMT_ELF,
};
FIXTURE_VARIANT_ADD(gobin, darwin_arm64) {
	.file = "go/darwin-arm64", .format = FMT_MACHO,
	.goos = "darwin", .goarch = "arm64", .goarm = "", .goamd64 = "",
	.arch_name = "arm64",
};
FIXTURE_VARIANT_ADD(gobin, darwin_amd64) {
	.file = "go/darwin-amd64", .format = FMT_MACHO,
	.goos = "darwin", .goarch = "amd64", .goarm = "", .goamd64 = "v1",
	.arch_name = "x86_64",
};
FIXTURE_VARIANT_ADD(gobin, windows_amd64) {
	.file = "go/windows-amd64.exe", .format = FMT_PE,
	.goos = "windows", .goarch = "amd64", .goarm = "", .goamd64 = "v1",
	.arch_name = "x86-64",
};

FIXTURE_SETUP(gobin)
{
	char out[256], err[512], *p;
	struct stat st;

	self->fd = -1;
	tl_fixture(variant->file, self->path, sizeof(self->path));
	if (!tl_have(self->path))
		SKIP(return, "fixture %s missing: run `make fixtures` (needs golang-go)",
		     variant->file);
	if (run_go("version", NULL, NULL, out, sizeof(out), err, sizeof(err)))
		SKIP(return, "cannot run `go version`: %s", err);
	/* "go version go1.19.8 linux/amd64" */
	p = strstr(out, " go1");
	ASSERT_NE(NULL, p) TH_LOG("go version said: %s", out);
	ASSERT_EQ(1, sscanf(p + 1, "%63s", self->go_version));
	ASSERT_EQ(0, run_go("version", "-m", self->path, self->go_m,
			    sizeof(self->go_m), err, sizeof(err)))
		TH_LOG("go version -m %s: %s", self->path, err);
	self->fd = open(self->path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, fstat(self->fd, &st));
	self->size = (uint64_t)st.st_size;
}

/* The 6.1 harness runs the test body after a SKIP in the setup: every
 * body starts with this. */
#define NEED_FIXTURE() do {						\
	if (self->fd < 0)						\
		SKIP(return, "fixture %s not available", variant->file); \
} while (0)

FIXTURE_TEARDOWN(gobin)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void expect_fields(struct __test_metadata *_metadata,
			  const FIXTURE_VARIANT(gobin) *variant,
			  FIXTURE_DATA(gobin) *self, const struct go_info *gi)
{
	char v[64];

	ASSERT_TRUE(gi->found);
	EXPECT_FALSE(gi->old_format);
	/* The toolchain that built the fixtures is the one on PATH. */
	EXPECT_STREQ(self->go_version, gi->version);
	if (variant->goos) {
		EXPECT_STREQ(variant->goos, gi->goos);
		EXPECT_STREQ(variant->goarch, gi->goarch);
		EXPECT_STREQ(variant->goarm, gi->goarm);
		EXPECT_STREQ(variant->goamd64, gi->goamd64);
		EXPECT_STREQ("0", gi->cgo);
		EXPECT_STREQ("example.com/bshimfix", gi->path);
	}
	/* And every field agrees with `go version -m`. */
	go_m_setting(self->go_m, "GOOS", v, sizeof(v));
	EXPECT_STREQ(v, gi->goos);
	go_m_setting(self->go_m, "GOARCH", v, sizeof(v));
	EXPECT_STREQ(v, gi->goarch);
	go_m_setting(self->go_m, "GOARM", v, sizeof(v));
	EXPECT_STREQ(v, gi->goarm);
	go_m_setting(self->go_m, "GOAMD64", v, sizeof(v));
	EXPECT_STREQ(v, gi->goamd64);
	go_m_setting(self->go_m, "CGO_ENABLED", v, sizeof(v));
	EXPECT_STREQ(v, gi->cgo);
	snprintf(v, sizeof(v), ": %s\n", gi->version);
	EXPECT_NE(NULL, strstr(self->go_m, v)) TH_LOG("%s", self->go_m);
	go_m_line(self->go_m, "\tpath\t", v, sizeof(v));
	EXPECT_STREQ(v, gi->path);
}

/* ELF through the .go.buildinfo section, Mach-O and PE through the scan.
 * And an ELF whose section headers are gone (e_shoff = 0, as sstrip leaves
 * it): go_probe_elf falls back to the scan and finds the same. */
TEST_F(gobin, probe)
{
	struct go_info gi;

	NEED_FIXTURE();
	if (variant->format == FMT_ELF) {
		uint8_t head[256];
		struct elf_info ei;

		ASSERT_EQ(sizeof(head), fd_read(&self->fd, 0, head, sizeof(head)));
		ASSERT_EQ(0, elf_probe(head, sizeof(head), fd_read, &self->fd, &ei));
		ASSERT_EQ(0, go_probe_elf(&ei, fd_read, &self->fd, &gi));
		expect_fields(_metadata, variant, self, &gi);
		ei.shoff = 0;
		ei.shnum = 0;
		memset(&gi, 0, sizeof(gi));
		ASSERT_EQ(0, go_probe_elf(&ei, fd_read, &self->fd, &gi));
	} else {
		ASSERT_EQ(0, go_probe_scan(fd_read, &self->fd, self->size,
					   self->size, &gi));
	}
	expect_fields(_metadata, variant, self, &gi);
}

/* Every file through the scan too (an ELF without section headers takes
 * this path), and the scan honours its limit. */
TEST_F(gobin, scan)
{
	struct go_info gi;

	NEED_FIXTURE();
	ASSERT_EQ(0, go_probe_scan(fd_read, &self->fd, self->size, self->size, &gi));
	expect_fields(_metadata, variant, self, &gi);
	EXPECT_EQ(-ENOENT, go_probe_scan(fd_read, &self->fd, self->size, 4096, &gi));
	EXPECT_FALSE(gi.found);
}

/* The fixtures as format_probe sees them. */
TEST_F(gobin, format)
{
	uint8_t head[512];
	struct format_info fi;
	char line[160];

	NEED_FIXTURE();
	ASSERT_EQ(sizeof(head), fd_read(&self->fd, 0, head, sizeof(head)));
	ASSERT_EQ(0, format_probe(head, sizeof(head), &fi));
	EXPECT_EQ(variant->format, fi.format);
	ASSERT_LT(0, format_describe(&fi, line, sizeof(line)));
	TH_LOG("%s: %s", variant->file, line);
	if (variant->arch_name)
		EXPECT_STREQ(variant->arch_name, fi.arch_name);
	if (variant->format == FMT_MACHO) {
		EXPECT_TRUE(fi.macho.is64);
		EXPECT_FALSE(fi.macho.big_endian);
		EXPECT_EQ(0, fi.macho.fat_count);
		EXPECT_EQ(2, fi.macho.filetype);	/* MH_EXECUTE */
		EXPECT_NE(NULL, strstr(line, "(a macOS binary)"));
	}
	if (variant->format == FMT_PE) {
		EXPECT_EQ(0x8664, fi.pe.machine);
		EXPECT_TRUE(fi.pe.pe32plus);
		EXPECT_FALSE(fi.pe.dos_only);
		EXPECT_EQ(3, fi.pe.subsystem);		/* console */
		EXPECT_STREQ("PE32+ executable x86-64, console (a Windows program)",
			     line);
	}
}

/* Binaries that are not Go: this test program itself and a C program. */
TEST(not_go)
{
	const char *files[] = { "/proc/self/exe", "/bin/sh" };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		uint8_t head[256];
		struct elf_info ei;
		struct go_info gi;
		struct stat st;
		int ret, fd = open(files[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			continue;
		ASSERT_EQ(0, fstat(fd, &st));
		ASSERT_EQ(sizeof(head), fd_read(&fd, 0, head, sizeof(head)));
		ASSERT_EQ(0, elf_probe(head, sizeof(head), fd_read, &fd, &ei));
		EXPECT_EQ(-ENOENT, go_probe_elf(&ei, fd_read, &fd, &gi))
			TH_LOG("%s", files[i]);
		EXPECT_FALSE(gi.found);
		/* This program has GO_BUILDINFO_MAGIC in its rodata, maybe
		 * 16-aligned: the scan may find it, but it never parses. */
		ret = go_probe_scan(fd_read, &fd, (uint64_t)st.st_size,
				    UINT64_MAX, &gi);
		EXPECT_TRUE(ret == -ENOENT || (i == 0 && ret == -EINVAL))
			TH_LOG("%s: %d", files[i], ret);
		EXPECT_FALSE(gi.found);
		close(fd);
	}
}

TEST_HARNESS_MAIN
