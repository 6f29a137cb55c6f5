// SPDX-License-Identifier: GPL-2.0
/*
 * Go build info (lib/goinfo.c) over hand-made .go.buildinfo blobs: the
 * Go >= 1.18 inline format, the old pointer format, and every way a
 * hostile blob can lie (truncated varints, lengths past the end, missing
 * framing, missing settings). Bytes in, expected fields out.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "goinfo.h"

/* cmd/go/internal/modload infoStart / infoEnd */
static const char start16[] = "\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
static const char end16[] = "\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

static size_t put_uvarint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Build a blob as the Go 1.18+ linker lays it out: header, then
 * uvarint-prefixed version and modinfo (framed by the sentinels when
 * framed is set). Returns its length. */
static size_t make_blob(uint8_t *b, size_t cap, uint8_t ptrsize, uint8_t flags,
			const char *version, const char *mod, int framed)
{
	size_t n = 32, vl = strlen(version), ml = strlen(mod);
	size_t mtot = ml + (framed ? 32 : 0);

	if (n + 20 + vl + mtot > cap)
		return 0;
	memset(b, 0, 32);
	memcpy(b, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN);
	b[14] = ptrsize;
	b[15] = flags;
	n += put_uvarint(b + n, vl);
	memcpy(b + n, version, vl);
	n += vl;
	n += put_uvarint(b + n, mtot);
	if (framed) {
		memcpy(b + n, start16, 16);
		n += 16;
	}
	memcpy(b + n, mod, ml);
	n += ml;
	if (framed) {
		memcpy(b + n, end16, 16);
		n += 16;
	}
	return n;
}

#define MOD_ARM64 \
	"path\texample.com/hello\n" \
	"mod\texample.com/hello\t(devel)\t\n" \
	"build\t-compiler=gc\n" \
	"build\tCGO_ENABLED=0\n" \
	"build\tGOARCH=arm64\n" \
	"build\tGOOS=linux\n"

struct blob_case {
	const char *name;
	uint8_t ptrsize, flags;
	const char *version, *mod;
	int framed;
	int ret;
	const char *want_version, *goos, *goarch, *goarm, *goamd64, *cgo, *path;
};

static const struct blob_case blob_cases[] = {
	{ "linux/arm64", 8, 2, "go1.19.8", MOD_ARM64, 1, 0,
	  "go1.19.8", "linux", "arm64", "", "", "0", "example.com/hello" },
	{ "linux/arm GOARM=7, big flags", 4, 2, "go1.21.0",
	  "path\tcmd/x\nbuild\tGOARCH=arm\nbuild\tGOOS=linux\nbuild\tGOARM=7\n"
	  "build\tCGO_ENABLED=1\n", 1, 0,
	  "go1.21.0", "linux", "arm", "7", "", "1", "cmd/x" },
	{ "amd64 GOAMD64=v3, s390x-style big-endian flag", 8, 3, "go1.20",
	  "path\tp\nbuild\tGOAMD64=v3\nbuild\tGOARCH=amd64\nbuild\tGOOS=darwin\n", 1, 0,
	  "go1.20", "darwin", "amd64", "", "v3", "", "p" },
	{ "quoted value without escapes", 8, 2, "go1.22.1",
	  "build\tGOOS=\"linux\"\nbuild\t-ldflags=\"-s -w\"\n", 1, 0,
	  "go1.22.1", "linux", "", "", "", "", "" },
	{ "quoted value with escapes is not guessed", 8, 2, "go1.22.1",
	  "build\tGOOS=\"li\\tnux\"\nbuild\tGOARCH=riscv64\n", 1, 0,
	  "go1.22.1", "", "riscv64", "", "", "", "" },
	{ "missing settings (GOPATH-style build)", 8, 2, "go1.18",
	  "path\tcommand-line-arguments\n", 1, 0,
	  "go1.18", "", "", "", "", "", "command-line-arguments" },
	{ "unframed modinfo has no settings", 8, 2, "go1.19",
	  "build\tGOOS=linux\nbuild\tGOARCH=arm64\n", 0, 0,
	  "go1.19", "", "", "", "", "", "" },
	{ "empty modinfo", 8, 2, "go1.19", "", 0, 0,
	  "go1.19", "", "", "", "", "", "" },
	{ "last line without newline is ignored", 8, 2, "go1.19",
	  "build\tGOOS=linux\nbuild\tGOARCH=arm64", 1, 0,
	  "go1.19", "", "", "", "", "", "" },
	{ "setting too long for its field is left empty", 8, 2, "go1.19",
	  "build\tGOOS=averyveryverylongos\nbuild\tGOARCH=arm64\n", 1, 0,
	  "go1.19", "", "arm64", "", "", "", "" },
	{ "control bytes are shown as ?", 8, 2, "go1.19\x1b[31m",
	  "path\tev\x1bil\nbuild\tGOOS=linux\n", 1, 0,
	  "go1.19?[31m", "linux", "", "", "", "", "ev?il" },
	{ "devel version cut to the field", 8, 2,
	  "devel go1.22-4b6d5c0a7e Fri Aug 12 17:17:58 2022 +0000",
	  "build\tGOOS=linux\n", 1, 0,
	  "devel go1.22-4b6d5c0a7e Fri Aug", "linux", "", "", "", "", "" },
	{ "similar keys do not match", 8, 2, "go1.19",
	  "build\tGOOSX=linux\nbuild\tXGOARCH=arm64\nbuilds\tGOOS=x\n"
	  "build\tGOARCH=arm64\n", 1, 0,
	  "go1.19", "", "arm64", "", "", "", "" },
	{ "empty version is not a Go binary", 8, 2, "", MOD_ARM64, 1, -EINVAL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "bad pointer size", 7, 2, "go1.19", MOD_ARM64, 1, -EINVAL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "unknown flag bits (old format)", 8, 4, "go1.19", MOD_ARM64, 1, -EINVAL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

TEST(inline_format_table)
{
	uint8_t b[4096];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(blob_cases); i++) {
		const struct blob_case *c = &blob_cases[i];
		struct go_info gi;
		size_t n = make_blob(b, sizeof(b), c->ptrsize, c->flags,
				     c->version, c->mod, c->framed);

		ASSERT_NE(0, n);
		ASSERT_EQ(c->ret, go_parse_buildinfo(b, n, &gi)) TH_LOG("%s", c->name);
		if (c->ret) {
			EXPECT_FALSE(gi.found) TH_LOG("%s", c->name);
			continue;
		}
		EXPECT_TRUE(gi.found) TH_LOG("%s", c->name);
		EXPECT_FALSE(gi.old_format) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->want_version, gi.version) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->goos, gi.goos) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->goarch, gi.goarch) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->goarm, gi.goarm) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->goamd64, gi.goamd64) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->cgo, gi.cgo) TH_LOG("%s", c->name);
		EXPECT_STREQ(c->path, gi.path) TH_LOG("%s", c->name);
	}
}

/* Pre-1.18: flags 0 (little) or 1 (big), two pointers at 16. */
TEST(old_pointer_format_is_recognised)
{
	uint8_t b[32] = { 0 };
	struct go_info gi;
	unsigned flags;

	memcpy(b, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN);
	for (flags = 0; flags <= 1; flags++) {
		b[14] = flags ? 4 : 8;
		b[15] = (uint8_t)flags;
		memset(b + 16, 0x41, 16);	/* pointers we do not follow */
		memset(&gi, 0x55, sizeof(gi));
		ASSERT_EQ(0, go_parse_buildinfo(b, sizeof(b), &gi));
		EXPECT_TRUE(gi.found);
		EXPECT_TRUE(gi.old_format);
		EXPECT_STREQ("", gi.version);
		EXPECT_STREQ("", gi.goos);
		EXPECT_STREQ("", gi.goarch);
		EXPECT_STREQ("", gi.path);
	}
	/* Shorter than the 32-byte header: malformed. */
	EXPECT_EQ(-EINVAL, go_parse_buildinfo(b, 31, &gi));
}

TEST(not_the_magic)
{
	static const char *const bufs[] = {
		"", "\xff Go", "\xff Go buildinf", "\xfe Go buildinf:xxxxxxxxxxxxxxxxxxxxxxxxxx",
		"\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
	};
	struct go_info gi;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bufs); i++)
		EXPECT_EQ(-ENOENT, go_parse_buildinfo(bufs[i], strlen(bufs[i]), &gi))
			TH_LOG("case %zu", i);
	EXPECT_EQ(-ENOENT, go_parse_buildinfo(NULL, 0, &gi));
	EXPECT_EQ(-EINVAL, go_parse_buildinfo(NULL, 5, &gi));
	EXPECT_EQ(-EINVAL, go_parse_buildinfo("x", 1, NULL));
	/* Magic present, header cut short. */
	EXPECT_EQ(-EINVAL, go_parse_buildinfo(GO_BUILDINFO_MAGIC "\x08\x02",
					      GO_BUILDINFO_MAGIC_LEN + 2, &gi));
}

/* Every prefix of a valid blob that cuts a length or a string short is
 * -EINVAL; none reads past what it was given (ASan would say). */
TEST(every_truncation_is_einval)
{
	uint8_t b[1024];
	struct go_info gi;
	size_t n = make_blob(b, sizeof(b), 8, 2, "go1.19.8", MOD_ARM64, 1), k;

	ASSERT_NE(0, n);
	ASSERT_EQ(0, go_parse_buildinfo(b, n, &gi));
	for (k = 0; k < n; k++) {
		int want = k < GO_BUILDINFO_MAGIC_LEN ? -ENOENT : -EINVAL;

		EXPECT_EQ(want, go_parse_buildinfo(b, k, &gi)) TH_LOG("len %zu", k);
		EXPECT_FALSE(gi.found);
	}
}

struct raw_case {
	const char *name;
	const char *tail;	/* bytes after the 32-byte header */
	size_t tail_len;
	int ret;
	const char *version;
};

#define RAW(name, s, ret, v) { name, s, sizeof(s) - 1, ret, v }

static const struct raw_case raw_cases[] = {
	RAW("version varint cut", "\x88", -EINVAL, NULL),
	RAW("version varint of 11 bytes",
	    "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", -EINVAL, NULL),
	RAW("version varint overflowing 64 bits",
	    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", -EINVAL, NULL),
	/* 4 + 2 * 2^63: wraps to 4 unless the 10th byte is checked */
	RAW("version varint wrapping to a small length",
	    "\x84\x80\x80\x80\x80\x80\x80\x80\x80\x02go1x\x00", -EINVAL, NULL),
	RAW("version length past the end", "\x09go1.19.8", -EINVAL, NULL),
	RAW("version length 2^63", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01",
	    -EINVAL, NULL),
	RAW("modinfo varint missing", "\x04go1x", -EINVAL, NULL),
	RAW("modinfo length past the end", "\x04go1x\x05" "abcd", -EINVAL, NULL),
	RAW("modinfo huge length", "\x04go1x\xff\xff\xff\xff\x0f", -EINVAL, NULL),
	RAW("modinfo empty, exact end", "\x04go1x\x00", 0, "go1x"),
	RAW("non-minimal varint is accepted like Go's", "\x84\x00go1x\x00", 0,
	    "go1x"),
	RAW("string ends exactly at the end", "\x04go1x\x01z", 0, "go1x"),
	RAW("framing without the newline before the end sentinel",
	    "\x04go1x\x21" "0123456789abcdefbuild\tGOOS=x0123456789abcdef",
	    0, "go1x"),
};

TEST(raw_lengths_table)
{
	uint8_t b[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(raw_cases); i++) {
		const struct raw_case *c = &raw_cases[i];
		struct go_info gi;

		memset(b, 0, 32);
		memcpy(b, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN);
		b[14] = 8;
		b[15] = 2;
		ASSERT_LE(32 + c->tail_len, sizeof(b));
		memcpy(b + 32, c->tail, c->tail_len);
		EXPECT_EQ(c->ret, go_parse_buildinfo(b, 32 + c->tail_len, &gi))
			TH_LOG("%s", c->name);
		if (c->version)
			EXPECT_STREQ(c->version, gi.version) TH_LOG("%s", c->name);
		EXPECT_STREQ("", gi.goos) TH_LOG("%s", c->name);
	}
}

/* Lines longer than the parser's line buffer are skipped, and a huge
 * dependency list before the build lines still parses. */
TEST(long_lines_and_many_deps)
{
	static uint8_t b[1 << 17];
	static char mod[1 << 16];
	struct go_info gi;
	size_t n = 0;
	int i;

	n += (size_t)snprintf(mod + n, sizeof(mod) - n, "path\t%0600d\n", 7);
	for (i = 0; i < 500; i++)
		n += (size_t)snprintf(mod + n, sizeof(mod) - n,
				      "dep\tgithub.com/x/mod%03d\tv1.2.%d\th1:%044d=\n",
				      i, i, i);
	n += (size_t)snprintf(mod + n, sizeof(mod) - n,
			      "build\tGOARCH=s390x\nbuild\tGOOS=linux\n");
	ASSERT_LT(n, sizeof(mod) - 1);
	n = make_blob(b, sizeof(b), 8, 3, "go1.19.8", mod, 1);
	ASSERT_NE(0, n);
	ASSERT_EQ(0, go_parse_buildinfo(b, n, &gi));
	EXPECT_STREQ("", gi.path);
	EXPECT_STREQ("s390x", gi.goarch);
	EXPECT_STREQ("linux", gi.goos);
}

/* go_probe_scan over a fake file: the blob at a 16-aligned offset after a
 * decoy copy of the magic (as in the rodata of the go command). */
static long test_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct bshim_mem *m = ctx;

	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = m->len - off;
	memcpy(buf, (const uint8_t *)m->buf + off, len);
	return (long)len;
}

static long failing_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx; (void)off; (void)buf; (void)len;
	return -EIO;
}

TEST(scan_finds_aligned_blob_past_decoys)
{
	static uint8_t file[64 << 10];
	struct bshim_mem m = { file, sizeof(file) };
	struct go_info gi;
	size_t n;

	memset(file, 0xaa, sizeof(file));
	/* Decoy 1: unaligned magic. Decoy 2: aligned, but garbage after. */
	memcpy(file + 1001, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN);
	memcpy(file + 4096 - 16, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN);
	n = make_blob(file + 40960, 4096, 8, 2, "go1.19.8", MOD_ARM64, 1);
	ASSERT_NE(0, n);
	ASSERT_EQ(0, go_probe_scan(test_read, &m, sizeof(file), sizeof(file), &gi));
	EXPECT_STREQ("go1.19.8", gi.version);
	EXPECT_STREQ("arm64", gi.goarch);

	/* Outside the scan limit: only the decoy is seen. */
	EXPECT_EQ(-EINVAL, go_probe_scan(test_read, &m, sizeof(file), 40960, &gi));
	EXPECT_FALSE(gi.found);
	/* Limited by the file size the same way. */
	EXPECT_EQ(-EINVAL, go_probe_scan(test_read, &m, 40960, UINT64_MAX, &gi));

	/* The same blob moved to an unaligned offset is not a Go binary. */
	memset(file + 40960, 0xaa, n);
	memset(file + 4096 - 16, 0xaa, 16);
	make_blob(file + 40968, 4096, 8, 2, "go1.19.8", MOD_ARM64, 1);
	EXPECT_EQ(-ENOENT, go_probe_scan(test_read, &m, sizeof(file), sizeof(file), &gi));

	/* Reader errors come back as they are. */
	EXPECT_EQ(-EIO, go_probe_scan(failing_read, NULL, 1 << 20, 1 << 20, &gi));
	EXPECT_EQ(-EINVAL, go_probe_scan(NULL, NULL, 1, 1, &gi));
}

/* A blob that ends exactly at the end of the file (last chunk short). */
TEST(scan_blob_at_end_of_file)
{
	static uint8_t file[4096 + 512];
	struct bshim_mem m = { file, 0 };
	struct go_info gi;
	size_t n;

	memset(file, 0, sizeof(file));
	n = make_blob(file + 4096 + 16, sizeof(file) - 4096 - 16, 4, 2, "go1.18",
		      "path\tx\nbuild\tGOOS=windows\n", 1);
	ASSERT_NE(0, n);
	m.len = 4096 + 16 + n;
	ASSERT_EQ(0, go_probe_scan(test_read, &m, m.len, 1 << 20, &gi));
	EXPECT_STREQ("windows", gi.goos);
	/* One byte short: the modinfo no longer fits. */
	m.len--;
	EXPECT_EQ(-EINVAL, go_probe_scan(test_read, &m, m.len + 1, 1 << 20, &gi));
}

TEST_HARNESS_MAIN
