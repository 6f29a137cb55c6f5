// SPDX-License-Identifier: GPL-2.0
/*
 * lib/termsafe: bytes in, the escaped text out (a table), the column
 * limit that never cuts an escape, the buffer that never cuts one either,
 * and the column count of escaped text.
 */
#include <string.h>

#include "kselftest_harness.h"

#include "termsafe.h"

#define S(x) x, sizeof(x) - 1

static const struct {
	const char *in;
	size_t len;
	unsigned flags;
	const char *out;
} cases[] = {
	{ S(""), 0, "" },
	{ S("/usr/bin/qemu-aarch64"), 0, "/usr/bin/qemu-aarch64" },
	/* C0, DEL, and the backslash that keeps escapes unambiguous */
	{ S("a\x1b[2Jb"), 0, "a\\x1b[2Jb" },
	{ S("\x00\x01\x07\x08\x1f\x7f"), 0, "\\x00\\x01\\x07\\x08\\x1f\\x7f" },
	{ S("back\\slash"), 0, "back\\\\slash" },
	{ S("\\x1b"), 0, "\\\\x1b" },		/* the text, not the byte */
	{ S("\\x1b"), TS_BS, "\\x1b" },
	{ S("\\\x1b"), 0, "\\\\\\x1b" },
	/* tab and newline: escaped in a field, kept where layout allows */
	{ S("a\tb\nc\rd"), 0, "a\\x09b\\x0ac\\x0dd" },
	{ S("a\tb\nc\rd"), TS_TAB, "a\tb\\x0ac\\x0dd" },
	{ S("a\tb\nc\rd"), TS_NL, "a\\x09b\nc\\x0dd" },
	/* C1 as code points (UTF-8 C2 80..C2 9F) and as raw bytes */
	{ S("x\xc2\x9b" "31mred"), 0, "x\\u009b31mred" },
	{ S("\xc2\x80\xc2\x9d\xc2\x9f"), 0, "\\u0080\\u009d\\u009f" },
	{ S("\x9b" "31m\x9d"), 0, "\\x9b31m\\x9d" },
	{ S("\xc2\xa0\xc2\xa9"), 0, "\xc2\xa0\xc2\xa9" },	/* NBSP, (c): shown */
	/* bidi controls and separators */
	{ S("a\xe2\x80\xae" "b"), 0, "a\\u202eb" },		/* RLO */
	{ S("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"), 0,
	  "\\u202a\\u202b\\u202c\\u202d" },
	{ S("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"), 0,
	  "\\u2066\\u2067\\u2068\\u2069" },
	{ S("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"), 0, "\\u200e\\u200f\\u061c" },
	{ S("\xe2\x80\xa8\xe2\x80\xa9"), 0, "\\u2028\\u2029" },
	{ S("\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"), 0,
	  "\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa" },	/* neighbours */
	/* valid UTF-8 passes, invalid bytes become \xNN one by one */
	{ S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), 0,
	  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ S("\xff\xfe"), 0, "\\xff\\xfe" },
	{ S("\xc0\x80"), 0, "\\xc0\\x80" },			/* overlong NUL */
	{ S("\xc1\x9b"), 0, "\\xc1\\x9b" },			/* overlong CSI */
	{ S("\xe0\x82\x9b"), 0, "\\xe0\\x82\\x9b" },		/* overlong U+009B */
	{ S("\xed\xa0\x80"), 0, "\\xed\\xa0\\x80" },		/* surrogate */
	{ S("\xf4\x90\x80\x80"), 0, "\\xf4\\x90\\x80\\x80" },	/* > U+10FFFF */
	{ S("\xc2"), 0, "\\xc2" },				/* cut short */
	{ S("\xe2\x80"), 0, "\\xe2\\x80" },
	{ S("\xc2\x1b"), 0, "\\xc2\\x1b" },
};

TEST(table)
{
	char out[256];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = ts_escape(cases[i].in, cases[i].len, cases[i].flags, out, sizeof(out));
		EXPECT_STREQ(cases[i].out, out) TH_LOG("case %zu", i);
		EXPECT_EQ(strlen(cases[i].out), n) TH_LOG("case %zu", i);
		EXPECT_GE(TS_GROWTH * cases[i].len, n) TH_LOG("case %zu", i);
	}
}

/* A buffer too small stops before the escape that does not fit. */
TEST(buffer_never_cuts_an_escape)
{
	char out[8];

	EXPECT_EQ(7, ts_escape(S("ab\x1b" "cd"), 0, out, 8));
	EXPECT_STREQ("ab\\x1bc", out);
	EXPECT_EQ(6, ts_escape(S("ab\x1b" "cd"), 0, out, 7));
	EXPECT_STREQ("ab\\x1b", out);
	EXPECT_EQ(2, ts_escape(S("ab\x1b" "cd"), 0, out, 6));
	EXPECT_STREQ("ab", out);
	EXPECT_EQ(0, ts_escape(S("\xc2\x9b"), 0, out, 6));
	EXPECT_STREQ("", out);
	EXPECT_EQ(0, ts_escape(S("abc"), 0, out, 0));
}

struct col_sink {
	char buf[256];
	size_t len;
};

static void col_put(void *ctx, const char *s, size_t n)
{
	struct col_sink *c = ctx;

	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

/* max_cols stops before a piece, never inside it. */
TEST(column_limit)
{
	static const struct {
		const char *in;
		size_t len, max;
		const char *out;
		size_t used, cols;
	} c[] = {
		{ S("aarch64"), 12, "aarch64", 7, 7 },
		{ S("aarch64-with-a-long-name"), 12, "aarch64-with", 12, 12 },
		{ S("arm\x08\x08\x08x86_64"), 12, "arm\\x08\\x08", 5, 11 },
		{ S("ab\xc2\x9b" "cdef"), 7, "ab", 2, 2 },
		{ S("ab\xc2\x9b" "cdef"), 8, "ab\\u009b", 4, 8 },
		{ S("\xc3\xa9\xc3\xa9\xc3\xa9"), 2, "\xc3\xa9\xc3\xa9", 4, 2 },
		{ S("x"), 0, "x", 1, 1 },			/* 0: no limit */
	};
	struct col_sink s;
	size_t i, used, cols;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&s, 0, sizeof(s));
		used = ts_escape_cb(c[i].in, c[i].len, 0, c[i].max, col_put, &s, &cols);
		EXPECT_STREQ(c[i].out, s.buf) TH_LOG("case %zu", i);
		EXPECT_EQ(c[i].used, used) TH_LOG("case %zu", i);
		EXPECT_EQ(ts_cols(s.buf, s.len), cols) TH_LOG("case %zu", i);
		if (c[i].max)
			EXPECT_GE(c[i].max, cols) TH_LOG("case %zu", i);
	}
}

TEST(cols)
{
	EXPECT_EQ(0, ts_cols(S("")));
	EXPECT_EQ(4, ts_cols(S("\\x1b")));
	EXPECT_EQ(5, ts_cols(S("caf\xc3\xa9" "!")));
	EXPECT_EQ(1, ts_cols(S("\xf0\x9f\x98\x80")));
}

TEST_HARNESS_MAIN
