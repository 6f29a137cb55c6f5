// SPDX-License-Identifier: GPL-2.0
/*
 * lib/logscan: RFC 3339 times and spans (text in, microseconds out, or
 * refused), and the raw-byte marks (a line in, the marked line out, and
 * back to the bytes).
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "logscan.h"

static const struct {
	const char *in;
	int64_t us;			/* -1: refused */
} time_cases[] = {
	{ "1970-01-01T00:00:00Z", 0 },
	{ "2026-11-27T10:30:38.627537Z", 1795775438627537LL },
	{ "2026-11-27T10:30:38Z", 1795775438000000LL },
	{ "2026-11-27t10:30:38z", 1795775438000000LL },
	{ "2026-11-27 10:30:38", 1795775438000000LL },
	{ "2026-11-27T10:30Z", 1795775400000000LL },
	{ "2026-11-27", 1795737600000000LL },
	{ "2026-11-27T11:30:38+01:00", 1795775438000000LL },
	{ "2026-11-27T05:00:38-05:30", 1795775438000000LL },
	{ "2026-11-27T10:30:38.1Z", 1795775438100000LL },
	{ "2026-11-27T10:30:38.1234567891Z", 1795775438123456LL },
	{ "2024-02-29T00:00:00Z", 1709164800000000LL },
	{ "2000-02-29", 951782400000000LL },
	{ "2016-12-31T23:59:60Z", 1483228799000000LL },	/* leap second */
	{ "9999-12-31T23:59:59Z", 253402300799000000LL },
	{ "2026-02-29", -1 },
	{ "1900-02-29", -1 },
	{ "2026-13-01", -1 },
	{ "2026-00-10", -1 },
	{ "2026-11-31", -1 },
	{ "2026-11-27T24:00:00Z", -1 },
	{ "2026-11-27T10:60:00Z", -1 },
	{ "2026-11-27T10:30:61Z", -1 },
	{ "2026-11-27T10:30:38.Z", -1 },
	{ "2026-11-27T10:30:38+0100", -1 },
	{ "2026-11-27T10:30:38+24:00", -1 },
	{ "2026-11-27T10:30:38ZZ", -1 },
	{ "2026-11-27T1", -1 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "1970-01-01T00:30:00+01:00", -1 },		/* before the epoch */
	{ "26-11-27", -1 },
	{ "2026/11/27", -1 },
	{ "", -1 },
	{ "yesterday", -1 },
};

TEST(rfc3339)
{
	size_t i;
	int64_t us;
	int rc;

	for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
		us = -7;
		rc = logscan_time(time_cases[i].in, strlen(time_cases[i].in), &us);
		if (time_cases[i].us < 0) {
			EXPECT_EQ(-EINVAL, rc) TH_LOG("'%s' accepted as %lld", time_cases[i].in, (long long)us);
		} else {
			EXPECT_EQ(0, rc) TH_LOG("'%s' refused", time_cases[i].in);
			EXPECT_EQ(time_cases[i].us, us) TH_LOG("'%s'", time_cases[i].in);
		}
	}
}

TEST(times_print_and_parse_back)
{
	static const int64_t t[] = { 0, 951782400000000LL, 1795775438627537LL,
				     253402300799999999LL };
	char buf[32];
	int64_t back;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ASSERT_EQ(19, logscan_fmt_time(t[i], 'T', buf, sizeof(buf)));
		ASSERT_EQ(0, logscan_time(buf, strlen(buf), &back));
		EXPECT_EQ(t[i] / 1000000 * 1000000, back);
	}
	ASSERT_EQ(19, logscan_fmt_time(1795775438627537LL, ' ', buf, sizeof(buf)));
	EXPECT_STREQ("2026-11-27 10:30:38", buf);
	EXPECT_EQ(-ENOSPC, logscan_fmt_time(0, ' ', buf, 19));
	EXPECT_STREQ("", buf);
	EXPECT_EQ(-EINVAL, logscan_fmt_time(-1, ' ', buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, logscan_fmt_time(253402300800000000LL, ' ', buf, sizeof(buf)));
}

static const struct {
	const char *in;
	int64_t s;			/* seconds, -1: refused */
} spans[] = {
	{ "90s", 90 }, { "30m", 1800 }, { "1h", 3600 }, { "2d", 172800 },
	{ "1w", 604800 }, { "1h30m", 5400 }, { "0s", 0 }, { "1d1h1m1s", 90061 },
	{ "5200w", 5200LL * 604800 },
	{ "", -1 }, { "1", -1 }, { "h", -1 }, { "-5m", -1 }, { "1y", -1 },
	{ "1h ", -1 }, { " 1h", -1 }, { "1.5h", -1 }, { "5300w", -1 },
	{ "99999999999999999999s", -1 },
};

TEST(spans_back_from_now)
{
	size_t i;
	int64_t us;
	int rc;

	for (i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
		rc = logscan_span(spans[i].in, &us);
		if (spans[i].s < 0) {
			EXPECT_EQ(-EINVAL, rc) TH_LOG("'%s'", spans[i].in);
		} else {
			EXPECT_EQ(0, rc) TH_LOG("'%s'", spans[i].in);
			EXPECT_EQ(spans[i].s * 1000000, us) TH_LOG("'%s'", spans[i].in);
		}
	}
}

/* Line in, marked line out; then the marked strings back to bytes. */
static const struct {
	const char *in, *marked;	/* marked NULL: left alone (-EEXIST) */
} marks[] = {
	{ "{\"p\":\"a\\u00ffb\"}", "{\"p\":\"a\xf4\x8f\xbf\xbf" "b\"}" },
	{ "{\"p\":\"\\u0080\\u00C3\"}", "{\"p\":\"\xf4\x8f\xbe\x80\xf4\x8f\xbf\x83\"}" },
	/* Not raw bytes: ASCII escapes, a code point above U+00FF. */
	{ "{\"p\":\"\\u007f\\u0100\\u001b\"}", "{\"p\":\"\\u007f\\u0100\\u001b\"}" },
	/* An escaped backslash: the u00ff after it is text. */
	{ "{\"p\":\"\\\\u00ff\"}", "{\"p\":\"\\\\u00ff\"}" },
	/* Outside strings nothing is touched. */
	{ "{\"p\":1}\\u00ff", "{\"p\":1}\\u00ff" },
	/* An escaped quote does not end the string. */
	{ "{\"p\":\"\\\"\\u00e9\"}", "{\"p\":\"\\\"\xf4\x8f\xbf\xa9\"}" },
	/* Cut short: left as is, the parser refuses it later. */
	{ "{\"p\":\"\\u00f", "{\"p\":\"\\u00f" },
	/* Already holds the marked range: left alone. */
	{ "{\"p\":\"\xf4\x8f\xbe\x80\\u00ff\"}", NULL },
	{ "{\"p\":\"\\uDBFF\\uDF80\\u00ff\"}", NULL },
};

TEST(mark_lines)
{
	char buf[128];
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", marks[i].in);
		rc = logscan_mark(buf, strlen(buf), &n);
		if (!marks[i].marked) {
			EXPECT_EQ(-EEXIST, rc) TH_LOG("case %zu", i);
			EXPECT_EQ(strlen(marks[i].in), n);
			EXPECT_EQ(0, memcmp(buf, marks[i].in, n));
			continue;
		}
		EXPECT_EQ(0, rc) TH_LOG("case %zu", i);
		ASSERT_EQ(strlen(marks[i].marked), n) TH_LOG("case %zu", i);
		EXPECT_EQ(0, memcmp(buf, marks[i].marked, n)) TH_LOG("case %zu", i);
	}
}

TEST(unmark_strings)
{
	static const struct { const char *in, *out; } c[] = {
		{ "a\xf4\x8f\xbf\xbf" "b", "a\xff" "b" },
		{ "\xf4\x8f\xbe\x80\xf4\x8f\xbf\x83", "\x80\xc3" },
		/* Not marks: other plane-16 code points, a cut sequence. */
		{ "\xf4\x8f\xbd\xbf", "\xf4\x8f\xbd\xbf" },
		{ "x\xf4\x8f\xbe", "x\xf4\x8f\xbe" },
		{ "\xc3\xbf plain", "\xc3\xbf plain" },
	};
	char buf[64];
	size_t i, n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", c[i].in);
		n = logscan_unmark(buf, strlen(buf));
		ASSERT_EQ(strlen(c[i].out), n) TH_LOG("case %zu", i);
		EXPECT_EQ(0, memcmp(buf, c[i].out, n)) TH_LOG("case %zu", i);
	}
}

/* The records' own time format reads back to the same microsecond. */
TEST(format_time_round_trips)
{
	static const struct { int64_t sec; long nsec; const char *want; } cases[] = {
		{ 0, 0, "1970-01-01T00:00:00.000000Z" },
		{ 1795775438, 627537999, "2026-11-27T10:30:38.627537Z" },
		{ 253402300799LL, 999999999, "9999-12-31T23:59:59.999999Z" },
	};
	char buf[64];
	int64_t us;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(27, logscan_format_time(cases[i].sec, cases[i].nsec, buf, sizeof(buf)));
		EXPECT_STREQ(cases[i].want, buf);
		ASSERT_EQ(0, logscan_time(buf, strlen(buf), &us));
		EXPECT_EQ(cases[i].sec * 1000000 + cases[i].nsec / 1000, us);
	}
	EXPECT_EQ(-ENOSPC, logscan_format_time(0, 0, buf, 27));
	EXPECT_EQ(-EINVAL, logscan_format_time(0, 1000000000, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
