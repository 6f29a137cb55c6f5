// SPDX-License-Identifier: GPL-2.0
/*
 * log --stats counts binaries by what they are, not by the path as typed:
 * "./prog" run in two directories is two binaries (an aarch64 one and a
 * riscv64 one were one row), and "/src/./prog", "./prog" in /src and
 * "/src//prog" are one.
 */
#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "test_loader_log.h"

#define REC(pid, cwd, path, arch)						\
	"{\"v\":1,\"time\":\"2026-11-27T10:00:0" #pid "Z\",\"event\":\"exec\","	\
	"\"pid\":" #pid ",\"uid\":0,\"gid\":0," cwd "\"path\":\"" path "\","	\
	"\"arch\":\"" arch "\",\"decision\":\"run\",\"reason_code\":\"ok\"}\n"

TEST(binaries_by_absolute_path)
{
	static const char text[] =
		REC(1, "\"cwd\":\"/home/a/arm\",", "./prog", "aarch64")
		REC(2, "\"cwd\":\"/home/a/rv\",", "./prog", "riscv64")
		REC(3, "\"cwd\":\"/home/a/arm\",", "prog", "aarch64")
		REC(4, "\"cwd\":\"/home\",", "a/arm/./prog", "aarch64")
		REC(5, "\"cwd\":\"/\",", "/home/a/arm//prog", "aarch64")
		REC(6, "\"cwd\":\"/home/a/rv\",", "/home/a/rv/prog", "riscv64")
		/* No cwd: the path as typed is all there is. */
		REC(7, "", "./prog", "s390x");
	static const struct { const char *key; long long n; } want[] = {
		{ "/home/a/arm/prog", 4 }, { "/home/a/rv/prog", 2 }, { "./prog", 1 },
	};
	json_t *o, *top;
	const char *f;
	size_t i;

	CLI_OR_SKIP();
	f = puts_("dirs.jsonl", text);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--json", "--file", f, NULL))
		TH_LOG("%s", r.err);
	o = json_loads(r.out, 0, NULL);
	ASSERT_NE(NULL, o) TH_LOG("%s", r.out);
	top = json_object_get(json_object_get(o, "binaries"), "top");
	EXPECT_EQ(3, json_array_size(top)) TH_LOG("%s", r.out);
	for (i = 0; i < 3 && i < json_array_size(top); i++) {
		json_t *row = json_array_get(top, i);

		EXPECT_STREQ(want[i].key, json_string_value(json_object_get(row, "key")))
			TH_LOG("row %zu: %s", i, r.out);
		EXPECT_EQ(want[i].n, json_integer_value(json_object_get(row, "count")));
	}
	json_decref(o);
	/* The table shows the same. */
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--file", f, NULL));
	EXPECT_NE(NULL, strstr(r.out, "/home/a/arm/prog")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "/home/a/rv/prog")) TH_LOG("%s", r.out);
	cleanup();
}

TEST_HARNESS_MAIN
