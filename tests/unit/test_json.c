// SPDX-License-Identifier: GPL-2.0
/*
 * lib/json.c: the escape policy byte by byte, the writer's structure and
 * misuse checks, overflow at every buffer size (never a partial line), and
 * a round trip through jansson, an independent strict parser; the
 * indented layout and doubles against jansson's own dump, with the CLI's
 * writer of jansson documents (loader/jout.c: jout_json).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The writer's names are jw_*, so jansson's json_* can sit beside it. */
#include <jansson.h>

#include "kselftest_harness.h"

#include "json.h"
#include "../../loader/jout.h"

struct esc_case {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *out;
};

static void check_escapes(struct __test_metadata *_metadata,
			  const struct esc_case *c, size_t n)
{
	char out[256];
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = c[i].len ? c[i].len : strlen(c[i].in);
		int r = jw_escape(c[i].in, len, out, sizeof(out));

		ASSERT_EQ((int)strlen(c[i].out), r) TH_LOG("case %zu", i);
		EXPECT_STREQ(c[i].out, out) TH_LOG("case %zu", i);
	}
}

TEST(every_control_byte_and_del)
{
	static const char *const shortform[32] = {
		[8] = "\\b", [9] = "\\t", [10] = "\\n", [12] = "\\f", [13] = "\\r",
	};
	char in[1], want[8], out[16];
	int c;

	for (c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		if (shortform[c])
			strcpy(want, shortform[c]);
		else
			snprintf(want, sizeof(want), "\\u%04x", c);
		EXPECT_EQ((int)strlen(want), jw_escape(in, 1, out, sizeof(out)));
		EXPECT_STREQ(want, out) TH_LOG("byte %#x", c);
	}
	in[0] = 0x7f;
	EXPECT_EQ(6, jw_escape(in, 1, out, sizeof(out)));
	EXPECT_STREQ("\\u007f", out);
	/* Every other ASCII byte is itself, but '"' and '\\'. */
	for (c = 0x20; c < 0x7f; c++) {
		in[0] = (char)c;
		jw_escape(in, 1, out, sizeof(out));
		if (c == '"') {
			EXPECT_STREQ("\\\"", out);
		} else if (c == '\\') {
			EXPECT_STREQ("\\\\", out);
		} else {
			EXPECT_TRUE(out[0] == c && !out[1]) TH_LOG("byte %#x", c);
		}
	}
}

TEST(valid_utf8_is_kept)
{
	static const struct esc_case cases[] = {
		{ "\xc2\x80", 0, "\xc2\x80" },			/* U+0080 */
		{ "\xc3\xa9t\xc3\xa9", 0, "\xc3\xa9t\xc3\xa9" },	/* été */
		{ "\xdf\xbf", 0, "\xdf\xbf" },			/* U+07FF */
		{ "\xe0\xa0\x80", 0, "\xe0\xa0\x80" },		/* U+0800 */
		{ "\xe2\x82\xac", 0, "\xe2\x82\xac" },		/* € */
		{ "\xed\x9f\xbf", 0, "\xed\x9f\xbf" },		/* U+D7FF */
		{ "\xee\x80\x80", 0, "\xee\x80\x80" },		/* U+E000 */
		{ "\xef\xbf\xbf", 0, "\xef\xbf\xbf" },		/* U+FFFF */
		{ "\xf0\x90\x80\x80", 0, "\xf0\x90\x80\x80" },	/* U+10000 */
		{ "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80" },	/* 😀 */
		{ "\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf" },	/* U+10FFFF */
		{ "a\xe2\x82\xac\"\n", 0, "a\xe2\x82\xac\\\"\\n" },
	};

	check_escapes(_metadata, cases, sizeof(cases) / sizeof(cases[0]));
}

TEST(invalid_utf8_bytes_are_escaped_one_by_one)
{
	static const struct esc_case cases[] = {
		/* overlong */
		{ "\xc0\x80", 0, "\\u00c0\\u0080" },
		{ "\xc1\xbf", 0, "\\u00c1\\u00bf" },
		{ "\xe0\x80\x80", 0, "\\u00e0\\u0080\\u0080" },
		{ "\xe0\x9f\xbf", 0, "\\u00e0\\u009f\\u00bf" },
		{ "\xf0\x8f\xbf\xbf", 0, "\\u00f0\\u008f\\u00bf\\u00bf" },
		/* UTF-16 surrogates */
		{ "\xed\xa0\x80", 0, "\\u00ed\\u00a0\\u0080" },
		{ "\xed\xbf\xbf", 0, "\\u00ed\\u00bf\\u00bf" },
		/* > U+10FFFF, and bytes that never occur */
		{ "\xf4\x90\x80\x80", 0, "\\u00f4\\u0090\\u0080\\u0080" },
		{ "\xf5\x80\x80\x80", 0, "\\u00f5\\u0080\\u0080\\u0080" },
		{ "\xfe\xff", 0, "\\u00fe\\u00ff" },
		/* stray continuation bytes */
		{ "\x80", 0, "\\u0080" },
		{ "a\xbf" "b", 0, "a\\u00bfb" },
		/* truncated sequences, at the end and before other bytes */
		{ "\xc3", 0, "\\u00c3" },
		{ "\xe2\x82", 0, "\\u00e2\\u0082" },
		{ "\xf0\x9f\x98", 0, "\\u00f0\\u009f\\u0098" },
		{ "\xc3(", 0, "\\u00c3(" },
		{ "\xe2\x82" "A", 0, "\\u00e2\\u0082A" },
		{ "\xf0\x9f\x98\xc3\xa9", 0, "\\u00f0\\u009f\\u0098\xc3\xa9" },
		/* NUL inside a counted string */
		{ "a\0b", 3, "a\\u0000b" },
	};

	check_escapes(_metadata, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Undo the escapes of a JSON string body back into bytes: \u00XX is
 * the byte XX; literal bytes are themselves. -1 on anything else. */
static long unescape(const char *s, size_t n, uint8_t *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;
	long o = 0;

	while (i < n) {
		if (s[i] != '\\') {
			out[o++] = (uint8_t)s[i++];
			continue;
		}
		if (i + 1 >= n)
			return -1;
		switch (s[i + 1]) {
		case '"': out[o++] = '"'; i += 2; continue;
		case '\\': out[o++] = '\\'; i += 2; continue;
		case 'b': out[o++] = '\b'; i += 2; continue;
		case 'f': out[o++] = '\f'; i += 2; continue;
		case 'n': out[o++] = '\n'; i += 2; continue;
		case 'r': out[o++] = '\r'; i += 2; continue;
		case 't': out[o++] = '\t'; i += 2; continue;
		case 'u':
			if (i + 6 > n || s[i + 2] != '0' || s[i + 3] != '0' ||
			    !strchr(hex, s[i + 4]) || !strchr(hex, s[i + 5]))
				return -1;
			out[o++] = (uint8_t)((strchr(hex, s[i + 4]) - hex) << 4 |
					     (strchr(hex, s[i + 5]) - hex));
			i += 6;
			continue;
		}
		return -1;
	}
	return o;
}

/* Every 1-, 2- and 3-byte input (3-byte ones sampled): the output is
 * valid UTF-8 with no raw control byte, jansson accepts it, and the
 * bytes come back from the text. */
TEST(all_short_inputs_escape_to_valid_json_and_back)
{
	char in[3], out[64], doc[80];
	uint8_t back[8];
	uint32_t x = 12345, k;
	size_t count = 0;
	unsigned len;

	for (len = 1; len <= 3; len++)
	for (k = 0; k < (len == 1 ? 256u : len == 2 ? 65536u : 200000u); k++) {
		json_error_t jerr;
		json_t *j;
		int r, i;

		if (len == 3) {
			x = x * 1103515245u + 12345u;
			in[0] = (char)(0xc0 + (x >> 24) % 0x40);	/* leads */
			in[1] = (char)(x >> 8);
			in[2] = (char)(x >> 16);
		} else {
			in[0] = (char)(k >> 8);
			in[len - 1] = (char)k;
		}
		r = jw_escape(in, len, out, sizeof(out));
		ASSERT_LT(0, r);
		for (i = 0; i < r; i++)
			ASSERT_FALSE((uint8_t)out[i] < 0x20 || out[i] == 0x7f);
		for (i = 0; i < r;) {
			size_t u = jw_utf8_len((const uint8_t *)out + i, (size_t)(r - i));

			ASSERT_NE(0u, u) TH_LOG("invalid UTF-8 out for %02x %02x %02x",
					       (uint8_t)in[0], (uint8_t)in[1], (uint8_t)in[2]);
			i += (int)u;
		}
		ASSERT_EQ((long)len, unescape(out, (size_t)r, back));
		ASSERT_EQ(0, memcmp(in, back, len));
		snprintf(doc, sizeof(doc), "[\"%s\"]", out);
		j = json_loads(doc, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		ASSERT_NE(NULL, j) TH_LOG("jansson: %s: %s", jerr.text, doc);
		json_decref(j);
		count++;
	}
	TH_LOG("%zu inputs checked", count);
}

/* The decoded string jansson must see: valid UTF-8 as is, every other
 * byte b as U+00bb (the \u00XX escape). */
static size_t expect_decoded(const uint8_t *s, size_t n, char *out)
{
	size_t i = 0, o = 0, u;

	while (i < n) {
		u = jw_utf8_len(s + i, n - i);
		if (u && s[i] != 0x7f && s[i] >= 0x20) {
			memcpy(out + o, s + i, u);
			o += u;
			i += u;
		} else if (s[i] < 0x80) {
			out[o++] = (char)s[i++];
		} else {
			out[o++] = (char)(0xc0 | s[i] >> 6);
			out[o++] = (char)(0x80 | (s[i++] & 0x3f));
		}
	}
	return o;
}

static int sample_record(char *buf, size_t cap)
{
	static const char path[] = "/tmp/t\xe9st/\xe2\x82\xac\"q\"\\\x01\x7f\xff.bin";
	struct json_writer w;

	jw_init(&w, buf, cap);
	jw_object_begin(&w);
	jw_kv_int(&w, "v", 1);
	jw_kv_string(&w, "event", "exec");
	jw_kv_string(&w, "path", path);
	jw_key(&w, "argv");
	jw_array_begin(&w);
	jw_string(&w, "./pkg.test");
	jw_string_n(&w, "-test.v\0x", 9);
	jw_array_end(&w);
	jw_key(&w, "elf");
	jw_object_begin(&w);
	jw_kv_uint(&w, "machine", 183);
	jw_kv_int(&w, "neg", INT64_MIN);
	jw_kv_uint(&w, "max", UINT64_MAX);
	jw_kv_bool(&w, "pie", true);
	jw_kv_bool(&w, "static", false);
	jw_kv_null(&w, "interp");
	jw_kv_string(&w, "goarch", NULL);
	jw_object_end(&w);
	jw_key(&w, "empty");
	jw_array_begin(&w);
	jw_array_end(&w);
	jw_object_end(&w);
	return jw_finish(&w);
}

static const char sample_text[] =
	"{\"v\":1,\"event\":\"exec\","
	"\"path\":\"/tmp/t\\u00e9st/\xe2\x82\xac\\\"q\\\"\\\\\\u0001\\u007f\\u00ff.bin\","
	"\"argv\":[\"./pkg.test\",\"-test.v\\u0000x\"],"
	"\"elf\":{\"machine\":183,\"neg\":-9223372036854775808,"
	"\"max\":18446744073709551615,\"pie\":true,\"static\":false,"
	"\"interp\":null,\"goarch\":null},\"empty\":[]}\n";

TEST(writer_exact_text)
{
	char buf[1024];

	ASSERT_EQ((int)strlen(sample_text), sample_record(buf, sizeof(buf)));
	EXPECT_STREQ(sample_text, buf);
}

TEST(round_trip_through_jansson)
{
	static const char path[] = "/tmp/t\xe9st/\xe2\x82\xac\"q\"\\\x01\x7f\xff.bin";
	char buf[1024], want[256];
	json_error_t jerr;
	json_t *j, *v;
	size_t n;

	ASSERT_LT(0, sample_record(buf, sizeof(buf)));
	/* Integers as doubles: jansson's json_int_t cannot hold UINT64_MAX,
	 * and every integer here is exact as a double. */
	j = json_loads(buf, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &jerr);
	ASSERT_NE(NULL, j) TH_LOG("%s", jerr.text);
	EXPECT_TRUE(json_number_value(json_object_get(j, "v")) == 1.0);
	v = json_object_get(j, "path");
	n = expect_decoded((const uint8_t *)path, strlen(path), want);
	ASSERT_EQ(n, json_string_length(v));
	EXPECT_EQ(0, memcmp(want, json_string_value(v), n));
	v = json_array_get(json_object_get(j, "argv"), 1);
	ASSERT_EQ(9u, json_string_length(v));
	EXPECT_EQ(0, memcmp("-test.v\0x", json_string_value(v), 9));
	v = json_object_get(j, "elf");
	EXPECT_TRUE(json_number_value(json_object_get(v, "machine")) == 183.0);
	EXPECT_TRUE(json_number_value(json_object_get(v, "neg")) == -9223372036854775808.0);
	EXPECT_TRUE(json_number_value(json_object_get(v, "max")) == 18446744073709551616.0);
	EXPECT_TRUE(json_is_true(json_object_get(v, "pie")));
	EXPECT_TRUE(json_is_false(json_object_get(v, "static")));
	EXPECT_TRUE(json_is_null(json_object_get(v, "interp")));
	EXPECT_TRUE(json_is_null(json_object_get(v, "goarch")));
	EXPECT_EQ(0u, json_array_size(json_object_get(j, "empty")));
	json_decref(j);
}

/* At every buffer size: the whole record or nothing, never a byte past
 * cap, never a partial line. */
TEST(overflow_at_every_cap_is_all_or_nothing)
{
	char full[1024], buf[1100];
	int len = sample_record(full, sizeof(full));
	size_t cap, ok = 0;

	ASSERT_LT(0, len);
	for (cap = 0; cap <= (size_t)len + 4; cap++) {
		int r;

		memset(buf, 'Z', sizeof(buf));
		r = sample_record(cap ? buf : NULL, cap);
		if (cap >= (size_t)len + 1) {
			ASSERT_EQ(len, r) TH_LOG("cap %zu", cap);
			EXPECT_STREQ(full, buf);
			ok++;
		} else {
			ASSERT_EQ(-ENOSPC, r) TH_LOG("cap %zu", cap);
			if (cap)
				EXPECT_EQ('\0', buf[0]) TH_LOG("cap %zu", cap);
		}
		EXPECT_EQ('Z', buf[cap]) TH_LOG("wrote past cap %zu", cap);
	}
	EXPECT_EQ(4u, ok);

	/* jw_escape too. */
	for (cap = 0; cap < 40; cap++) {
		int r;

		memset(buf, 'Z', sizeof(buf));
		r = jw_escape("\x01\xe2\x82\xac\xff\"ab", 8, cap ? buf : NULL, cap);
		if (cap > 19) {
			EXPECT_EQ(19, r);
			EXPECT_STREQ("\\u0001\xe2\x82\xac\\u00ff\\\"ab", buf);
		} else {
			EXPECT_EQ(-ENOSPC, r) TH_LOG("cap %zu", cap);
			if (cap)
				EXPECT_EQ('\0', buf[0]);
		}
		EXPECT_EQ('Z', buf[cap]);
	}
}

typedef void (*misuse_fn)(struct json_writer *w);

static void m_value_without_key(struct json_writer *w)
{ jw_object_begin(w); jw_int(w, 1); jw_object_end(w); }
static void m_key_in_array(struct json_writer *w)
{ jw_array_begin(w); jw_key(w, "k"); jw_int(w, 1); jw_array_end(w); }
static void m_key_at_top(struct json_writer *w)
{ jw_key(w, "k"); jw_int(w, 1); }
static void m_key_after_key(struct json_writer *w)
{ jw_object_begin(w); jw_key(w, "a"); jw_key(w, "b"); jw_int(w, 1); jw_object_end(w); }
static void m_dangling_key(struct json_writer *w)
{ jw_object_begin(w); jw_key(w, "a"); jw_object_end(w); }
static void m_wrong_end(struct json_writer *w)
{ jw_object_begin(w); jw_array_end(w); }
static void m_extra_end(struct json_writer *w)
{ jw_array_begin(w); jw_array_end(w); jw_array_end(w); }
static void m_unclosed(struct json_writer *w)
{ jw_object_begin(w); jw_kv_int(w, "a", 1); }
static void m_two_values(struct json_writer *w)
{ jw_int(w, 1); jw_int(w, 2); }
static void m_nothing(struct json_writer *w)
{ (void)w; }
static void m_null_key(struct json_writer *w)
{ jw_object_begin(w); jw_key(w, NULL); jw_int(w, 1); jw_object_end(w); }
static void m_too_deep(struct json_writer *w)
{
	int i;

	for (i = 0; i < JSON_MAX_DEPTH; i++)
		jw_array_begin(w);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		jw_array_end(w);
}

TEST(misuse_is_einval_and_empty)
{
	static const misuse_fn fns[] = {
		m_value_without_key, m_key_in_array, m_key_at_top,
		m_key_after_key, m_dangling_key, m_wrong_end, m_extra_end,
		m_unclosed, m_two_values, m_nothing, m_null_key, m_too_deep,
	};
	struct json_writer w;
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		memset(buf, 'Z', sizeof(buf));
		jw_init(&w, buf, sizeof(buf));
		fns[i](&w);
		EXPECT_EQ(-EINVAL, jw_finish(&w)) TH_LOG("case %zu", i);
		EXPECT_EQ('\0', buf[0]) TH_LOG("case %zu", i);
	}
}

TEST(nesting_and_scalars)
{
	struct json_writer w;
	char buf[256], want[256] = "";
	int i;

	/* JSON_MAX_DEPTH - 1 levels are allowed. */
	jw_init(&w, buf, sizeof(buf));
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++) {
		jw_array_begin(&w);
		strcat(want, "[");
	}
	jw_int(&w, -1);
	jw_uint(&w, 0);
	strcat(want, "-1,0");
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++) {
		jw_array_end(&w);
		strcat(want, "]");
	}
	strcat(want, "\n");
	EXPECT_EQ((int)strlen(want), jw_finish(&w));
	EXPECT_STREQ(want, buf);

	/* A bare scalar document, and arrays of objects. */
	jw_init(&w, buf, sizeof(buf));
	jw_string(&w, "x");
	EXPECT_EQ(4, jw_finish(&w));
	EXPECT_STREQ("\"x\"\n", buf);
	jw_init(&w, buf, sizeof(buf));
	jw_array_begin(&w);
	for (i = 0; i < 2; i++) {
		jw_object_begin(&w);
		jw_kv_int(&w, "i", i);
		jw_kv_string(&w, "k\n", "v");
		jw_object_end(&w);
	}
	jw_null(&w);
	jw_array_end(&w);
	strcpy(want, "[{\"i\":0,\"k\\n\":\"v\"},{\"i\":1,\"k\\n\":\"v\"},null]\n");
	EXPECT_EQ((int)strlen(want), jw_finish(&w));
	EXPECT_STREQ(want, buf);
}

/* jansson's own dump of doc (JSON_INDENT(2) | flags), with jw_finish's '\n'. */
static void jansson_dump(json_t *doc, size_t flags, char *out, size_t cap)
{
	char *t = json_dumps(doc, JSON_INDENT(2) | flags);

	snprintf(out, cap, "%s\n", t ? t : "");
	free(t);
}

/* One real, alone in an array, by jw_double and by jansson. */
static void check_double(struct __test_metadata *_metadata, double v)
{
	char buf[128], want[128];
	struct json_writer w;
	json_t *doc = json_pack("[f]", v);

	jansson_dump(doc, 0, want, sizeof(want));
	json_decref(doc);
	jw_init(&w, buf, sizeof(buf));
	jw_set_indent(&w, 2);
	jw_array_begin(&w);
	jw_double(&w, v);
	jw_array_end(&w);
	ASSERT_LT(0, jw_finish(&w)) TH_LOG("%.17g", v);
	EXPECT_STREQ(want, buf) TH_LOG("%.17g", v);
}

TEST(double_is_written_as_jansson_writes_a_real)
{
	static const double v[] = {
		0.0, -0.0, 1.0, -1.0, 0.1, 1.5, 1e20, 1e21, 1e-7, 9.9999999999999995e-8,
		123456789012345.678, 1e300, -1e-300, 5e-324, 1.7976931348623157e308,
		4096.5, 2.5e-5, 100.0, 1e16, 1e17, 3.14159,
	};
	uint64_t bits = 0x9e3779b97f4a7c15ull;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_double(_metadata, v[i]);
	for (i = 0; i < 2000; i++) {	/* and doubles from all over the range */
		double d;

		bits = bits * 6364136223846793005ull + 1442695040888963407ull;
		memcpy(&d, &bits, sizeof(d));
		if (isfinite(d))
			check_double(_metadata, d);
	}
}

TEST(double_nan_and_infinity_are_misuse)
{
	char buf[64];
	struct json_writer w;

	jw_init(&w, buf, sizeof(buf));
	jw_double(&w, NAN);
	EXPECT_EQ(-EINVAL, jw_finish(&w));
	jw_init(&w, buf, sizeof(buf));
	jw_double(&w, -INFINITY);
	EXPECT_EQ(-EINVAL, jw_finish(&w));
	EXPECT_STREQ("", buf);
}

TEST(number_token_follows_the_grammar)
{
	static const char *const good[] = {
		"0", "-0", "7", "-12", "1.5", "0.25", "1e5", "1E+5", "-2.5e-08", "10",
	};
	static const char *const bad[] = {
		"", "-", "01", "+1", "1.", ".5", "1e", "1e+", "0x1", "1.5.2", "NaN",
		"Infinity", "1 ", " 1", "--1", "1e5.0",
	};
	char buf[64];
	struct json_writer w;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		jw_init(&w, buf, sizeof(buf));
		jw_number(&w, good[i], strlen(good[i]));
		EXPECT_EQ((int)strlen(good[i]) + 1, jw_finish(&w)) TH_LOG("%s", good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		jw_init(&w, buf, sizeof(buf));
		jw_number(&w, bad[i], strlen(bad[i]));
		EXPECT_EQ(-EINVAL, jw_finish(&w)) TH_LOG("'%s'", bad[i]);
	}
	jw_init(&w, buf, sizeof(buf));
	jw_number(&w, "12", 1);		/* the length is the token's */
	EXPECT_EQ(2, jw_finish(&w));
	EXPECT_STREQ("1\n", buf);
}

TEST(indented_layout_and_escapes_are_janssons)
{
	static const char *const docs[] = {
		"{}", "[]", "[[]]", "{\"a\": {}}", "[1, [2, [3, {}]], {\"x\": []}]",
		"{\"b\": 1, \"a\": [true, false, null], \"c\": {\"d\": \"e\", \"f\": -2}}",
		"{\"esc\": \"\\u0001\\u000b\\u001b\\u001f\\u007f\\b\\f\\n\\r\\t\\\"\\\\/\", "
		"\"utf8\": \"\\u00e9\\u20ac\\ud83d\\ude00\", \"real\": 4096.5, "
		"\"reals\": [0.1, 1e20, -0.0, 2.5e-8]}",
	};
	char buf[1024], want[1024];
	struct json_writer w;
	size_t i;
	int sorted;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *doc = json_loads(docs[i], 0, NULL);

		ASSERT_NE(NULL, doc) TH_LOG("%s", docs[i]);
		for (sorted = 0; sorted < 2; sorted++) {
			jansson_dump(doc, sorted ? JSON_SORT_KEYS : 0, want, sizeof(want));
			jw_init(&w, buf, sizeof(buf));
			jw_set_indent(&w, 2);
			jout_json(&w, doc, sorted);
			ASSERT_LT(0, jw_finish(&w)) TH_LOG("%s", docs[i]);
			EXPECT_STREQ(want, buf) TH_LOG("case %zu sorted %d", i, sorted);
		}
		json_decref(doc);
	}
}

TEST(indent_is_set_before_anything_is_written)
{
	char buf[64];
	struct json_writer w;

	jw_init(&w, buf, sizeof(buf));
	jw_array_begin(&w);
	jw_set_indent(&w, 2);
	jw_array_end(&w);
	EXPECT_EQ(-EINVAL, jw_finish(&w));
	/* The one-line escapes stay as they are: lower-case hex, DEL escaped. */
	jw_init(&w, buf, sizeof(buf));
	jw_string(&w, "\x1b\x7f");
	EXPECT_EQ(15, jw_finish(&w));
	EXPECT_STREQ("\"\\u001b\\u007f\"\n", buf);
}

TEST_HARNESS_MAIN
