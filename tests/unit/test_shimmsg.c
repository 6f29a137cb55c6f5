// SPDX-License-Identifier: GPL-2.0
/* lib/shimmsg.c: the collector's message parser. Bytes in, verdict and
 * fields out; then the rewrite round trip the collector relies on. */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "shimmsg.h"

static struct shimmsg m;

static size_t mk(char *buf, size_t cap, uint16_t version, uint16_t flags, const char *body)
{
	struct shimmsg_hdr h = { SHIMMSG_MAGIC, version, flags };
	size_t n = strlen(body);

	if (sizeof(h) + n > cap)
		return 0;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), body, n);
	return sizeof(h) + n;
}

struct verdict { const char *body; int rc; };

TEST(verdicts)
{
	static const struct verdict cases[] = {
		{ "{\"v\":1,\"event\":\"exec\"}", 0 },
		{ " {\"v\":1 , \"event\" : \"exec\"}\n", 0 },
		{ "{\"v\":1,\"event\":\"exec\",\"elf\":{\"machine\":183}}", 0 },
		{ "{\"v\":1,\"event\":\"exec\",\"e\":{}}", 0 },
		{ "{\"v\":2,\"event\":\"exec\"}", -EINVAL },	/* schema v1 only */
		{ "{\"event\":\"exec\"}", -EINVAL },		/* no v */
		{ "{\"v\":1}", -EINVAL },			/* no event */
		{ "{\"v\":1,\"event\":3}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"pid\":1,\"pid\":2}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"id\":\"x\"}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"source\":\"collector\"}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"verified\":{}}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"claimed\":null}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"elf\":{\"id\":1}}", 0 },	/* only at the top */
		{ "{\"v\":1,\"event\":\"exec\",\"a\":{\"b\":{}}}", -EINVAL },	/* depth 3 */
		{ "{\"v\":1,\"event\":\"exec\",\"a\":[1]}", -EINVAL },	/* arrays */
		{ "{\"v\":1,\"event\":\"exec\",\"a\":1.5}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":1e3}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":01}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":-}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":9223372036854775807}", 0 },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":9223372036854775808}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":-9223372036854775808}", 0 },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":-9223372036854775809}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":\"\x01\"}", -EINVAL },	/* raw control */
		{ "{\"v\":1,\"event\":\"exec\",\"a\":\"\xff\"}", -EINVAL },	/* raw invalid UTF-8 */
		{ "{\"v\":1,\"event\":\"exec\",\"a\":\"\\udc00\"}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":\"\\ud800x\"}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":\"\\x\"}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":\"abc}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a b\":1}", -EINVAL },	/* key charset */
		{ "{\"v\":1,\"event\":\"exec\",\"\":1}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\"} {}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\"", -EINVAL },
		{ "[1]", -EINVAL },
		{ "", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":nul}", -EINVAL },
		{ "{\"v\":1,\"event\":\"exec\",\"a\":truex}", -EINVAL },
	};
	char buf[512];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = mk(buf, sizeof(buf), 1, SHIMMSG_F_ALL, cases[i].body);
		EXPECT_EQ(cases[i].rc, shimmsg_parse(buf, n, &m)) TH_LOG("case %zu: %s", i, cases[i].body);
	}
}

TEST(header)
{
	char buf[128];
	size_t n;

	n = mk(buf, sizeof(buf), 2, 0, "{\"v\":1,\"event\":\"exec\"}");
	EXPECT_EQ(-EPROTONOSUPPORT, shimmsg_parse(buf, n, &m));
	n = mk(buf, sizeof(buf), 1, 4, "{\"v\":1,\"event\":\"exec\"}");
	EXPECT_EQ(-EINVAL, shimmsg_parse(buf, n, &m));		/* unknown flag */
	n = mk(buf, sizeof(buf), 1, 1, "{\"v\":1,\"event\":\"exec\"}");
	buf[0] ^= 1;
	EXPECT_EQ(-EINVAL, shimmsg_parse(buf, n, &m));		/* magic */
	EXPECT_EQ(-EINVAL, shimmsg_parse(buf, 7, &m));
	EXPECT_EQ(-EMSGSIZE, shimmsg_parse(buf, SHIMMSG_MAX + 1, &m));
	n = mk(buf, sizeof(buf), 1, SHIMMSG_F_PIDFD, "{\"v\":1,\"event\":\"deny\"}");
	ASSERT_EQ(0, shimmsg_parse(buf, n, &m));
	EXPECT_EQ(SHIMMSG_F_PIDFD, m.flags);
	EXPECT_STREQ("deny", shimmsg_str(&m, "event"));
	EXPECT_EQ(SHIMMSG_HDR_SIZE, shimmsg_header(buf, 3));
	EXPECT_EQ(0, memcmp(buf, "BSHM\x01\x00\x03\x00", 8));
}

TEST(fields_and_decoding)
{
	static const char body[] =
		"{\"v\":1,\"event\":\"exec\",\"pid\":-42,\"ok\":true,\"no\":false,\"n\":null,"
		"\"path\":\"a\\n\\\"b\\\"\\u00ff\\u00fe\xc3\xa9\\u20ac\\ud83d\\ude00\\/\\u0000z\","
		"\"elf\":{\"machine\":183,\"interp\":null}}";
	static const char want[] = "a\n\"b\"\xff\xfe\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\0z";
	char buf[512];
	size_t n = mk(buf, sizeof(buf), 1, 3, body);
	int i, e;

	ASSERT_EQ(0, shimmsg_parse(buf, n, &m));
	EXPECT_EQ(10, m.n);
	i = shimmsg_find(&m, -1, "pid");
	ASSERT_LE(0, i);
	EXPECT_EQ(SHIMMSG_INT, m.m[i].type);
	EXPECT_EQ(-42, m.m[i].i);
	i = shimmsg_find(&m, -1, "ok");
	EXPECT_TRUE(m.m[i].b);
	EXPECT_EQ(SHIMMSG_NULL, m.m[shimmsg_find(&m, -1, "n")].type);
	i = shimmsg_find(&m, -1, "path");
	ASSERT_EQ(SHIMMSG_STRING, m.m[i].type);
	ASSERT_EQ(sizeof(want) - 1, m.m[i].s_len);
	EXPECT_EQ(0, memcmp(want, m.m[i].s, sizeof(want) - 1));
	e = shimmsg_find(&m, -1, "elf");
	ASSERT_LE(0, e);
	EXPECT_EQ(SHIMMSG_OBJECT, m.m[e].type);
	i = shimmsg_find(&m, e, "machine");
	ASSERT_LE(0, i);
	EXPECT_EQ(183, m.m[i].i);
	EXPECT_EQ(-1, shimmsg_find(&m, -1, "machine"));
}

/* What the collector does: re-emit the members. Bytes of invalid UTF-8
 * come back as the same \u00XX escapes; everything else as it was. */
TEST(rewrite_round_trip)
{
	static const char body[] =
		"{\"v\":1,\"event\":\"exec\",\"path\":\"x\\u00ff\xc3\xa9\\t\","
		"\"elf\":{\"machine\":183,\"abi\":null},\"e\":{}}";
	static const char want[] =
		"{\"v\":1,\"event\":\"exec\",\"path\":\"x\\u00ff\xc3\xa9\\t\","
		"\"elf\":{\"machine\":183,\"abi\":null},\"e\":{}}\n";
	char buf[512], out[512];
	struct json_writer w;
	size_t n = mk(buf, sizeof(buf), 1, 3, body), i;

	ASSERT_EQ(0, shimmsg_parse(buf, n, &m));
	jw_init(&w, out, sizeof(out));
	jw_object_begin(&w);
	for (i = 0; i < m.n; i++) {
		if (m.m[i].parent != -1)
			continue;
		jw_key(&w, m.m[i].key);
		shimmsg_emit_value(&m, (int)i, &w);
	}
	jw_object_end(&w);
	ASSERT_LT(0, jw_finish(&w));
	EXPECT_STREQ(want, out);
}

TEST(member_limit)
{
	static char body[8192], buf[8300];
	size_t len, n, k;

	len = (size_t)snprintf(body, sizeof(body), "{\"v\":1,\"event\":\"exec\"");
	for (k = 0; k < SHIMMSG_MEMBERS_MAX - 2; k++)
		len += (size_t)snprintf(body + len, sizeof(body) - len, ",\"k%zu\":%zu", k, k);
	snprintf(body + len, sizeof(body) - len, "}");
	n = mk(buf, sizeof(buf), 1, 3, body);
	EXPECT_EQ(0, shimmsg_parse(buf, n, &m));
	EXPECT_EQ(SHIMMSG_MEMBERS_MAX, m.n);
	snprintf(body + len, sizeof(body) - len, ",\"one_more\":1}");
	n = mk(buf, sizeof(buf), 1, 3, body);
	EXPECT_EQ(-EINVAL, shimmsg_parse(buf, n, &m));
}

TEST_HARNESS_MAIN
