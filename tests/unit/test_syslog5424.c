// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 5424 messages (lib/syslog5424.c): the exact bytes for a plain
 * record, then what a client's strings can try. An event such as
 * `x [binfmt-shim@32473 uid="0"]` once went into the MSGID as it was and
 * made a second structured-data element; header fields that are not
 * 1*N PRINTUSASCII are the NILVALUE now, and PARAM-VALUEs are escaped
 * and made UTF-8 (RFC 5424 section 6).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"

#include "syslog5424.h"

static int fmt(const char *msgid, const char *arch, char *buf, size_t cap)
{
	struct syslog5424_param p[] = {
		{ "id", "6613fd23d27a6-1" }, { "uid", "1000" }, { "pid", NULL }, { "arch", arch },
	};
	struct syslog5424 m = {
		.pri = 86, .timestamp = "2026-11-27T10:30:38.627537Z", .hostname = "build1",
		.app_name = "binfmt-shimd", .procid = "42", .msgid = msgid,
		.sd_id = "binfmt-shim@32473", .params = p, .nparams = 4,
		.msg = "{\"v\":1}\n", .msg_len = 8,
	};
	int n = syslog5424_format(&m, buf, cap - 1);

	if (n >= 0)
		buf[n] = '\0';
	return n;
}

TEST(plain_record)
{
	char buf[1024];

	ASSERT_LT(0, fmt("exec", "aarch64", buf, sizeof(buf)));
	EXPECT_STREQ("<86>1 2026-11-27T10:30:38.627537Z build1 binfmt-shimd 42 exec "
		     "[binfmt-shim@32473 id=\"6613fd23d27a6-1\" uid=\"1000\" arch=\"aarch64\"] "
		     "{\"v\":1}", buf);
}

/* The attack as it was reproduced: the event in the MSGID. */
TEST(msgid_with_space_is_nilvalue)
{
	char buf[1024];

	ASSERT_LT(0, fmt("x [binfmt-shim@32473 uid=\"0\"]", "aarch64", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " 42 - [binfmt-shim@32473 id=")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "uid=\"0\"")) TH_LOG("%s", buf);
}

TEST(header_fields_are_printusascii_of_their_length)
{
	static const struct { const char *msgid; int ok; } cases[] = {
		{ "exec", 1 }, { "", 0 }, { "a b", 0 }, { "tab\there", 0 },
		{ "new\nline", 0 }, { "\xc3\xa9", 0 }, { "\x7f", 0 },
		{ "12345678901234567890123456789012", 1 },	/* 32 */
		{ "123456789012345678901234567890123", 0 },	/* 33 */
		{ "]\"=\\", 1 },	/* printable: fine in a header field */
	};
	char buf[1024], want[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_LT(0, fmt(cases[i].msgid, NULL, buf, sizeof(buf)));
		snprintf(want, sizeof(want), " 42 %s [binfmt-shim@32473 ",
			 cases[i].ok ? cases[i].msgid : "-");
		EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%zu: %s", i, buf);
	}
}

TEST(hostname_checked_too)
{
	struct syslog5424 m = { .pri = 86, .hostname = "evil host", .app_name = "a",
				.procid = "1", .msgid = "m" };
	char buf[256];
	int n = syslog5424_format(&m, buf, sizeof(buf) - 1);

	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_STREQ("<86>1 - - a 1 m -", buf);
}

TEST(param_value_escapes)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "a\"b", "a\\\"b" },
		{ "a\\b", "a\\\\b" },
		{ "a]b", "a\\]b" },
		{ "x\"] [other@1 k=\"v", "x\\\"\\] [other@1 k=\\\"v" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },		/* valid UTF-8 kept */
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },		/* invalid byte */
		{ "a\xc0\xaf", "a\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong '/' */
		{ "a\xed\xa0\x80", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },	/* surrogate */
		{ "a\nb", "a\xef\xbf\xbd" "b" },		/* control */
		{ "a\x7f", "a\xef\xbf\xbd" },
		{ "a\xc2\x85", "a\xef\xbf\xbd" },		/* NEL, C1 */
	};
	char buf[1024], want[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_LT(0, fmt("exec", cases[i].in, buf, sizeof(buf)));
		snprintf(want, sizeof(want), " arch=\"%s\"] {", cases[i].out);
		EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%zu: %s", i, buf);
	}
}

/* A long value is cut at SYSLOG5424_VALUE_MAX, never inside an escape. */
TEST(param_value_cut_whole)
{
	char in[600], buf[2048], *p, *q;
	size_t len;

	memset(in, ']', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	ASSERT_LT(0, fmt("exec", in, buf, sizeof(buf)));
	p = strstr(buf, "arch=\"");
	ASSERT_NE(NULL, p);
	p += 6;
	q = strstr(p, "\"] {");
	ASSERT_NE(NULL, q);
	len = (size_t)(q - p);
	EXPECT_EQ(SYSLOG5424_VALUE_MAX, len);
	EXPECT_EQ(0, len % 2);
}

TEST(no_room_is_enospc)
{
	char buf[1024];
	int n = fmt("exec", "aarch64", buf, sizeof(buf)), k;

	ASSERT_LT(0, n);
	for (k = 0; k < n; k++)
		EXPECT_EQ(-ENOSPC, fmt("exec", "aarch64", buf, (size_t)k + 1));
}

TEST(bad_sd_names_are_errors)
{
	struct syslog5424_param p[] = { { "a=b", "v" } };
	struct syslog5424 m = { .pri = 86, .sd_id = "x@1", .params = p, .nparams = 1 };
	char buf[256];

	EXPECT_EQ(-EINVAL, syslog5424_format(&m, buf, sizeof(buf)));
	m.sd_id = "x y";
	m.nparams = 0;
	EXPECT_EQ(-EINVAL, syslog5424_format(&m, buf, sizeof(buf)));
	m.sd_id = "ok@1";
	m.pri = 192;
	EXPECT_EQ(-EINVAL, syslog5424_format(&m, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
