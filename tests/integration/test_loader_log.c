// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim log over hand-written logs with every record kind (the
 * shim's exec/deny/fail, the collector's exec/exit/lost, a partial line,
 * another schema version, an exit without its exec), read back as a
 * table, as JSON Lines and as --stats; every filter by a table of
 * arguments and the runs they must leave; bytes that are not UTF-8; the
 * bounded join window; usage errors. test_loader_log_io.c has the inputs
 * (default path, rotation, gzip, --follow), colours and real records.
 */
#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "test_loader_log.h"

/* The wrong json_string()/json_null() (lib/json.h's writer has had names
 * like that) would crash or fail here, in the test binary itself. */
TEST(jansson_names_are_janssons)
{
	json_t *s = json_string("x"), *n = json_null();

	ASSERT_TRUE(json_is_string(s));
	EXPECT_STREQ("x", json_string_value(s));
	EXPECT_TRUE(json_is_null(n));
	json_decref(s);
}

/* One table row per run, in start order, with the exit and duration. */
TEST(table_rows_for_every_record_kind)
{
	static const struct {
		const char *path, *user, *arch, *emu, *exit, *dur;
	} rows[] = {
		{ "/src/pkg.test", "root", "aarch64", "qemu-aarch64-static", "-", "-" },
		{ "/src/crash", "root", "riscv64", "qemu-riscv64-static", "SIGSEGV+core", "1.23s" },
		{ "/x/denied.bin", "root", "arm", "-", "denied", "-" },
		{ "/x/noemu", "nobody", "s390x", "-", "failed", "-" },
		{ "/src/ok.test", "root", "aarch64", "qemu-aarch64-static", "0", "5ms" },
		{ "/src/fail.test", "root", "arm", "qemu-arm-static", "3", "20ms" },
		{ "/src/long.test", "root", "aarch64", "qemu-aarch64-static", "running", "-" },
		{ "/src/old-kernel", "root", "aarch64", "qemu-aarch64-static", "ended", "7ms" },
	};
	const char *f, *prev = NULL, *row;
	char line[512], word[7][64];
	size_t i;

	CLI_OR_SKIP();
	f = puts_("all.jsonl", log_all);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, cli_run(&r, "log", "--file", f, NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "TIME (UTC)", 10));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		row = strstr(r.out, rows[i].path);
		ASSERT_NE(NULL, row) TH_LOG("no row for %s in\n%s", rows[i].path, r.out);
		EXPECT_TRUE(!prev || row > prev) TH_LOG("%s out of start order", rows[i].path);
		prev = row;
		while (row > r.out && row[-1] != '\n')
			row--;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(row, "\n"), row);
		/* date time user arch emulator exit duration path */
		ASSERT_EQ(7, sscanf(line, "%63s %63s %63s %63s %63s %63s %63s", word[0],
				    word[1], word[2], word[3], word[4], word[5], word[6]));
		EXPECT_STREQ(rows[i].user, word[2]) TH_LOG("%s", line);
		EXPECT_STREQ(rows[i].arch, word[3]) TH_LOG("%s", line);
		EXPECT_STREQ(rows[i].emu, word[4]) TH_LOG("%s", line);
		EXPECT_STREQ(rows[i].exit, word[5]) TH_LOG("%s", line);
		EXPECT_STREQ(rows[i].dur, word[6]) TH_LOG("%s", line);
	}
	EXPECT_NE(NULL, strstr(r.out, "2026-11-27 10:00:00  root"));
	EXPECT_EQ(NULL, strstr(r.out, "/future"));
	/* What was skipped is said, with where the first bad line is. */
	EXPECT_NE(NULL, strstr(r.err, "skipped 2 line(s) that are not JSON objects, the first at"));
	EXPECT_NE(NULL, strstr(r.err, "all.jsonl:6"));
	EXPECT_NE(NULL, strstr(r.err, "skipped 1 record(s) of another schema version"));
	EXPECT_NE(NULL, strstr(r.err, "lost 3 record(s) (disk full)"));
	EXPECT_NE(NULL, strstr(r.err, "rejected 2 message(s) (pidfd names another process)"));
	/* A pipe: no colours. */
	EXPECT_EQ(NULL, strchr(r.out, '\033'));
	cleanup();
}

/* --json: the joined runs, the verified ids, nulls where there is no value. */
TEST(json_joins_exec_and_exit_by_id)
{
	static const struct {
		long long pid;
		const char *outcome, *source;
		int code, sig;			/* -1: null */
		long long dur_us;		/* -1: no exit object */
	} want[] = {
		{ 101, "unrecorded", "shim", 0, 0, -1 },
		{ 102, "signal", "collector", -1, 11, 1234500 },
		{ 103, "denied", "shim", 0, 0, -1 },
		{ 104, "failed", "shim", 0, 0, -1 },
		{ 105, "ok", "collector", 0, -1, 5000 },
		{ 106, "nonzero", "collector", 3, -1, 20000 },
		{ 107, "running", "collector", 0, 0, -1 },
		{ 108, "unknown", "collector", -1, -1, 7000 },
	};
	json_t *v[16], *x;
	const char *f;
	size_t n, i;

	CLI_OR_SKIP();
	f = puts_("all.jsonl", log_all);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", f, NULL)) TH_LOG("%s", r.err);
	n = json_lines(r.out, v, 16);
	ASSERT_EQ(8, n) TH_LOG("%s", r.out);
	for (i = 0; i < n; i++) {
		ASSERT_NE(NULL, v[i]);
		EXPECT_EQ(want[i].pid, json_integer_value(json_object_get(v[i], "pid")));
		EXPECT_STREQ(want[i].outcome, jstr(v[i], "outcome"));
		EXPECT_STREQ(want[i].source, jstr(v[i], "source"));
		x = json_object_get(v[i], "exit");
		if (want[i].dur_us < 0) {
			EXPECT_TRUE(json_is_null(x)) TH_LOG("pid %lld", want[i].pid);
			continue;
		}
		ASSERT_TRUE(json_is_object(x));
		EXPECT_EQ(want[i].dur_us, json_integer_value(json_object_get(x, "duration_us")));
		if (want[i].code < 0) {
			EXPECT_TRUE(json_is_null(json_object_get(x, "exit_code")));
		} else {
			EXPECT_EQ(want[i].code, json_integer_value(json_object_get(x, "exit_code")));
		}
		if (want[i].sig < 0) {
			EXPECT_TRUE(json_is_null(json_object_get(x, "signal")));
		} else {
			EXPECT_EQ(want[i].sig, json_integer_value(json_object_get(x, "signal")));
		}
	}
	/* The kernel's uid, not the client's claim. */
	EXPECT_EQ(0, json_integer_value(json_object_get(v[1], "uid")));
	EXPECT_TRUE(json_is_true(json_object_get(v[1], "verified")));
	EXPECT_STREQ("c1", jstr(v[1], "id"));
	EXPECT_TRUE(json_is_true(json_object_get(json_object_get(v[1], "exit"), "core_dumped")));
	EXPECT_STREQ("unknown", jstr(json_object_get(v[7], "exit"), "status"));
	EXPECT_STREQ("/src", jstr(v[0], "cwd"));
	EXPECT_STREQ("pkg.test", jstr(v[0], "argv0"));
	EXPECT_TRUE(json_is_null(json_object_get(v[0], "id")));
	EXPECT_TRUE(json_is_null(json_object_get(v[2], "emulator")));
	EXPECT_STREQ("policy-deny", jstr(v[2], "reason_code"));
	EXPECT_STREQ("nobody", jstr(v[3], "user"));
	json_lines_free(v, n);
	cleanup();
}

/* binfmt-shimd --sha256 writes a hash record after the exec record: the
 * digest joins its run; a hash record with an error is no bad line. */
TEST(hash_records_join_their_run)
{
	static const char text[] =
		"{\"v\":1,\"time\":\"2026-11-27T10:00:00.000001Z\",\"event\":\"exec\",\"id\":\"h1\","
		"\"source\":\"collector\",\"pid\":301,\"uid\":0,\"path\":\"/b/one\",\"arch\":\"aarch64\","
		"\"decision\":\"run\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:00.000002Z\",\"event\":\"exec\",\"id\":\"h2\","
		"\"source\":\"collector\",\"pid\":302,\"uid\":0,\"path\":\"/b/two\",\"arch\":\"aarch64\","
		"\"decision\":\"run\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:00.100000Z\",\"event\":\"hash\",\"id\":\"h1\","
		"\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
		"\"size\":0,\"source\":\"collector\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:00.100001Z\",\"event\":\"hash\",\"id\":\"h2\","
		"\"error\":\"skipped: hash queue full\",\"source\":\"collector\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:01.000000Z\",\"event\":\"exit\",\"id\":\"h1\","
		"\"pid\":301,\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"duration_ms\":5,"
		"\"status\":\"known\",\"source\":\"collector\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:01.000001Z\",\"event\":\"exit\",\"id\":\"h2\","
		"\"pid\":302,\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"duration_ms\":5,"
		"\"status\":\"known\",\"source\":\"collector\"}\n";
	json_t *v[4];
	const char *f;
	size_t n;

	CLI_OR_SKIP();
	f = puts_("hash.jsonl", text);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", f, NULL)) TH_LOG("%s", r.err);
	EXPECT_STREQ("", r.err);
	n = json_lines(r.out, v, 4);
	ASSERT_EQ(2, n) TH_LOG("%s", r.out);
	EXPECT_STREQ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		     jstr(v[0], "sha256"));
	EXPECT_EQ(NULL, json_object_get(v[1], "sha256"));
	json_lines_free(v, n);
	cleanup();
}

/* A collector with --sha256 marks the exec "hash_follows": its run waits
 * for the hash record even when the exit comes first. */
TEST(a_hash_after_the_exit_still_joins_its_run)
{
	static const char text[] =
		"{\"v\":1,\"time\":\"2026-11-27T10:00:00.000001Z\",\"event\":\"exec\",\"id\":\"k1\","
		"\"source\":\"collector\",\"hash_follows\":true,\"pid\":311,\"uid\":0,"
		"\"path\":\"/b/big\",\"arch\":\"aarch64\",\"decision\":\"run\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:00.500000Z\",\"event\":\"exit\",\"id\":\"k1\","
		"\"pid\":311,\"exit_code\":4,\"signal\":null,\"core_dumped\":false,\"duration_ms\":5,"
		"\"status\":\"known\",\"source\":\"collector\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:02.000000Z\",\"event\":\"exec\",\"id\":\"k2\","
		"\"source\":\"collector\",\"pid\":312,\"uid\":0,\"path\":\"/b/next\","
		"\"arch\":\"aarch64\",\"decision\":\"run\"}\n"
		"{\"v\":1,\"time\":\"2026-11-27T10:00:03.000000Z\",\"event\":\"hash\",\"id\":\"k1\","
		"\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
		"\"size\":0,\"source\":\"collector\"}\n";
	char pids[64];
	json_t *v[4];
	const char *f;
	size_t n;

	CLI_OR_SKIP();
	f = puts_("hashlate.jsonl", text);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", f, NULL)) TH_LOG("%s", r.err);
	n = json_lines(r.out, v, 4);
	ASSERT_EQ(2, n) TH_LOG("%s", r.out);
	EXPECT_STREQ("311,312", pids_of(r.out, pids, sizeof(pids)));
	EXPECT_STREQ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		     jstr(v[0], "sha256"));
	EXPECT_EQ(4, jint(v[0], "exit.exit_code"));
	json_lines_free(v, n);
	cleanup();
}

/* A shim that waited for the collector in vain writes its own copy; the
 * collector, late, writes its record too. One run, the collector's,
 * whichever comes first; other fallbacks are runs of their own. */
TEST(a_late_shim_copy_is_one_run_with_the_collectors_record)
{
#define LATE(pid, t) \
	"{\"v\":1,\"time\":\"" t "\",\"event\":\"exec\",\"pid\":" pid ",\"uid\":0," \
	"\"path\":\"/b/p" pid "\",\"arch\":\"aarch64\",\"decision\":\"run\",\"sink\":\"file\"," \
	"\"collector_error\":\"collector unavailable: no answer in time: Connection timed out\"}\n"
/* The collector's "time" is its own clock; the shim's is claimed.time. */
#define COLL(pid, t, id) \
	"{\"v\":1,\"time\":\"2026-11-27T10:00:09.999999Z\",\"event\":\"exec\",\"pid\":" pid "," \
	"\"uid\":0,\"path\":\"/b/p" pid "\",\"arch\":\"aarch64\",\"decision\":\"run\"," \
	"\"sink\":\"collector\",\"id\":\"" id "\",\"source\":\"collector\"," \
	"\"verified\":{\"pid\":" pid ",\"uid\":0,\"gid\":0},\"claimed\":{\"time\":\"" t "\"}}\n"
#define XIT(pid, id) \
	"{\"v\":1,\"time\":\"2026-11-27T10:09:00Z\",\"event\":\"exit\",\"id\":\"" id "\"," \
	"\"pid\":" pid ",\"exit_code\":0,\"signal\":null,\"core_dumped\":false," \
	"\"duration_ms\":5,\"status\":\"known\",\"source\":\"collector\"}\n"
	static const char text[] =
		COLL("401", "2026-11-27T10:00:01.000001Z", "m1")
		LATE("401", "2026-11-27T10:00:01.000001Z")
		XIT("401", "m1")
		LATE("402", "2026-11-27T10:00:02.000002Z")
		COLL("402", "2026-11-27T10:00:02.000002Z", "m2")
		XIT("402", "m2")
		"{\"v\":1,\"time\":\"2026-11-27T10:00:03Z\",\"event\":\"exec\",\"pid\":403,"
		"\"uid\":0,\"path\":\"/b/p403\",\"arch\":\"aarch64\",\"decision\":\"run\","
		"\"collector_error\":\"collector unavailable: /run/x.sock: Connection refused\"}\n"
		LATE("404", "2026-11-27T10:00:04.000004Z")
		/* Same pid, another time: not a twin. */
		COLL("405", "2026-11-27T10:00:05.000005Z", "m5")
		LATE("405", "2026-11-27T10:00:05.000006Z")
		XIT("405", "m5");
#undef LATE
#undef COLL
#undef XIT
	char pids[64];
	json_t *v[8];
	const char *f;
	size_t n;

	CLI_OR_SKIP();
	f = puts_("late.jsonl", text);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", f, NULL)) TH_LOG("%s", r.err);
	EXPECT_STREQ("401,402,403,404,405,405", pids_of(r.out, pids, sizeof(pids)));
	n = json_lines(r.out, v, 8);
	ASSERT_EQ(6, n) TH_LOG("%s", r.out);
	EXPECT_STREQ("m1", jstr(v[0], "id"));
	EXPECT_STREQ("m2", jstr(v[1], "id"));
	EXPECT_EQ(0, jint(v[0], "exit.exit_code"));
	EXPECT_EQ(0, jint(v[1], "exit.exit_code"));
	json_lines_free(v, n);
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--json", "--file", f, NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "\"runs\":6")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"late_copies_merged\":2")) TH_LOG("%s", r.out);
	cleanup();
}

/* Each filter, alone and combined: the runs (pids) that must be left. */
TEST(filters)
{
	static const struct {
		const char *args[6];
		const char *pids;
	} cases[] = {
		{ { "--arch", "arm64" }, "101,105,107,108" },
		{ { "--arch", "aarch64", "--arch", "riscv64" }, "101,102,105,107,108" },
		{ { "--arch", "armhf" }, "103,106" },
		{ { "--uid", "65534" }, "104" },
		{ { "--uid", "nobody" }, "104" },
		{ { "--uid", "4242" }, "" },
		{ { "--path", ".test" }, "101,105,106,107" },
		{ { "--path", "*.test" }, "101,105,106,107" },
		{ { "--path", "/x/*" }, "103,104" },
		{ { "--path", "crash", "--path", "noemu" }, "102,104" },
		{ { "--verdict", "run" }, "101,102,105,106,107,108" },
		{ { "--verdict", "deny" }, "103" },
		{ { "--verdict", "fail" }, "104" },
		{ { "--verdict", "ok" }, "105" },
		{ { "--verdict", "nonzero" }, "106" },
		{ { "--verdict", "signal" }, "102" },
		{ { "--verdict", "running" }, "107" },
		{ { "--verdict", "unknown" }, "108" },
		{ { "--verdict", "unrecorded" }, "101" },
		{ { "--verdict", "nonzero", "--verdict", "signal" }, "102,106" },
		{ { "--since", "2026-11-27T10:05:00Z" }, "105,106,107,108" },
		{ { "--until", "2026-11-27T10:02:00Z" }, "101,102,103" },
		{ { "--since", "2026-11-27T11:04:30+01:00", "--until", "2026-11-27t10:06Z" }, "105,106" },
		{ { "--since", "2026-11-27 10:09" }, "107,108" },
		{ { "--until", "2026-11-26" }, "" },
		{ { "--since", "1000w" }, "101,102,103,104,105,106,107,108" },
		{ { "--until", "1000w" }, "" },
		{ { "--arch", "aarch64", "--verdict", "running" }, "107" },
		{ { "--uid", "root", "--path", "/src/", "--verdict", "fail" }, "" },
	};
	char got[256];
	const char *f;
	size_t i, k;

	CLI_OR_SKIP();
	f = puts_("all.jsonl", log_all);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[16];
		int st, n = 0;

		argv[n++] = (char *)cli_path();
		argv[n++] = "log";
		argv[n++] = "--json";
		argv[n++] = "--file";
		argv[n++] = (char *)f;
		for (k = 0; k < 6 && cases[i].args[k]; k++)
			argv[n++] = (char *)cases[i].args[k];
		argv[n] = NULL;
		st = tl_run(argv, NULL, 0, r.out, sizeof(r.out), r.err, sizeof(r.err));
		ASSERT_TRUE(WIFEXITED(st));
		EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_STREQ(cases[i].pids, pids_of(r.out, got, sizeof(got)))
			TH_LOG("case %zu (%s %s)", i, cases[i].args[0], cases[i].args[1]);
	}
	cleanup();
}

TEST(stats_counts)
{
	static const struct { const char *key; long long n; } counts[] = {
		{ "runs", 8 },
		{ "by_outcome.ok", 1 }, { "by_outcome.nonzero", 1 },
		{ "by_outcome.signal", 1 }, { "by_outcome.running", 1 },
		{ "by_outcome.unknown", 1 }, { "by_outcome.unrecorded", 1 },
		{ "by_outcome.denied", 1 }, { "by_outcome.failed", 1 },
		{ "by_decision.run", 6 }, { "by_decision.deny", 1 },
		{ "by_decision.fail", 1 },
		{ "binaries.distinct", 8 }, { "binaries.other", 0 },
		{ "input.lines", 18 }, { "input.bad_lines", 2 },
		{ "input.unknown_records", 1 }, { "input.lost", 3 },
		{ "input.orphan_exits", 1 }, { "input.window_cut", 0 },
		{ "input.rejected", 2 },
	};
	static const struct { const char *arch; long long n, failed; } arches[] = {
		{ "aarch64", 4, 0 }, { "arm", 2, 2 }, { "riscv64", 1, 1 }, { "s390x", 1, 1 },
	};
	static const char *const reasons[] = {
		"denied policy-deny", "failed no-emulator", "nonzero exit 3",
		"signal SIGSEGV (core dumped)",
	};
	json_t *o, *a, *it;
	const char *f;
	size_t i;

	CLI_OR_SKIP();
	f = puts_("all.jsonl", log_all);
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--json", "--file", f, NULL)) TH_LOG("%s", r.err);
	o = json_loads(r.out, 0, NULL);
	ASSERT_NE(NULL, o) TH_LOG("%s", r.out);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		EXPECT_EQ(counts[i].n, jint(o, counts[i].key)) TH_LOG("count %zu", i);
	a = json_object_get(json_object_get(o, "by_arch"), "arches");
	ASSERT_EQ(4, json_array_size(a));
	for (i = 0; i < 4; i++) {
		it = json_array_get(a, i);
		EXPECT_STREQ(arches[i].arch, jstr(it, "key"));
		EXPECT_EQ(arches[i].n, jint(it, "count"));
		EXPECT_EQ(arches[i].failed, jint(it, "failed"));
	}
	a = json_object_get(json_object_get(o, "failures"), "reasons");
	ASSERT_EQ(4, json_array_size(a));
	for (i = 0; i < 4; i++)
		EXPECT_STREQ(reasons[i], jstr(json_array_get(a, i), "key"));
	EXPECT_STREQ("/x/denied.bin", jstr(json_array_get(a, 0), "example"));
	json_decref(o);

	/* The text: failures before everything else. */
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--file", f, NULL));
	EXPECT_EQ(0, strncmp(r.out, "runs: 8, failed: 4, lost by the collector: 3\n", 45)) TH_LOG("%s", r.out);
	ASSERT_NE(NULL, strstr(r.out, "failures:"));
	EXPECT_LT(strstr(r.out, "failures:"), strstr(r.out, "by outcome:"));
	EXPECT_NE(NULL, strstr(r.out, "signal SIGSEGV (core dumped)"));
	cleanup();
}

/* The most-run binaries: by count, then failures first. */
TEST(stats_most_run_binaries)
{
	static const char text[] =
		EXEC(1, "/c", CID("1")) EXIT("1", 0)
		EXEC(2, "/b", CID("2")) EXIT("2", 1)
		EXEC(3, "/a", CID("3")) EXIT("3", 0)
		EXEC(4, "/a", CID("4")) EXIT("4", 0)
		EXEC(5, "/c", CID("5")) EXIT("5", 0)
		EXEC(6, "/b", CID("6")) EXIT("6", 2)
		EXEC(7, "/a", CID("7")) EXIT("7", 0);
	static const struct { const char *path; long long n, failed; } want[] = {
		{ "/a", 3, 0 }, { "/b", 2, 2 }, { "/c", 2, 0 },
	};
	json_t *o, *top;
	const char *f;
	size_t i;

	CLI_OR_SKIP();
	f = puts_("bins.jsonl", text);
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--json", "--file", f, NULL)) TH_LOG("%s", r.err);
	o = json_loads(r.out, 0, NULL);
	ASSERT_NE(NULL, o);
	top = json_object_get(json_object_get(o, "binaries"), "top");
	ASSERT_EQ(3, json_array_size(top));
	for (i = 0; i < 3; i++) {
		EXPECT_STREQ(want[i].path, jstr(json_array_get(top, i), "key"));
		EXPECT_EQ(want[i].n, jint(json_array_get(top, i), "count"));
		EXPECT_EQ(want[i].failed, jint(json_array_get(top, i), "failed"));
	}
	json_decref(o);
	cleanup();
}

/* Bytes that are not UTF-8 survive: \xNN in the table, the same \u00XX in
 * --json, a --path filter on the raw byte; a control byte never reaches
 * the output raw; valid UTF-8 stays as it is. */
TEST(paths_that_are_not_utf8)
{
	static const char text[] =
		EXEC(1, "/t/a\\u00ffb", "")
		EXEC(2, "/t/c\xc3\xbf" "d", "")
		EXEC(3, "/t/e\\u001b[31mf", "")
		/* Already holds U+10FF80 (raw): left as the parser reads it. */
		EXEC(4, "/t/g\xf4\x8f\xbe\x80h\\u00fe", "");
	char got[64];
	const char *f;
	char *argv[] = { (char *)cli_path(), "log", "--json", "--path", "a\xff", "--file", NULL, NULL };

	CLI_OR_SKIP();
	f = puts_("utf8.jsonl", text);
	ASSERT_EQ(0, cli_run(&r, "log", "--file", f, NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "/t/a\\xffb\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "/t/c\xc3\xbf" "d\n"));
	EXPECT_NE(NULL, strstr(r.out, "/t/e\\x1b[31mf\n"));
	EXPECT_NE(NULL, strstr(r.out, "/t/g\xf4\x8f\xbe\x80h\xc3\xbe\n"));
	EXPECT_EQ(NULL, strchr(r.out, '\033'));
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", f, NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"path\":\"/t/a\\u00ffb\""));
	EXPECT_NE(NULL, strstr(r.out, "\"path\":\"/t/c\xc3\xbf" "d\""));
	EXPECT_NE(NULL, strstr(r.out, "\"path\":\"/t/e\\u001b[31mf\""));
	argv[6] = (char *)f;
	ASSERT_TRUE(WIFEXITED(tl_run(argv, NULL, 0, r.out, sizeof(r.out), NULL, 0)));
	EXPECT_STREQ("1", pids_of(r.out, got, sizeof(got)));
	cleanup();
}

/* A line longer than any record (1.5 MiB) is skipped in bounded memory
 * and counted; the records around it are read. */
TEST(over_long_line_is_skipped)
{
	static const char before[] = EXEC(1, "/before", "");
	static const char after[] = EXEC(2, "/after", "");
	static const char prefix[] = "{\"v\":1,\"event\":\"exec\",\"path\":\"";
	size_t big = 3u << 19, n = 0;
	char got[64], *text;
	const char *f;

	CLI_OR_SKIP();
	text = malloc(sizeof(before) + big + sizeof(after) + 2);
	ASSERT_NE(NULL, text);
	memcpy(text, before, sizeof(before) - 1);
	n = sizeof(before) - 1;
	memcpy(text + n, prefix, sizeof(prefix) - 1);
	memset(text + n + sizeof(prefix) - 1, 'x', big - (sizeof(prefix) - 1));
	n += big;
	text[n++] = '\n';
	memcpy(text + n, after, sizeof(after) - 1);
	n += sizeof(after) - 1;
	f = put("long.jsonl", text, n);
	free(text);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", f, NULL));
	EXPECT_STREQ("1,2", pids_of(r.out, got, sizeof(got)));
	EXPECT_NE(NULL, strstr(r.err, "skipped 1 line(s) longer than 1048576 bytes")) TH_LOG("%s", r.err);
	cleanup();
}

/* More runs waiting for an exit than --window: the oldest are shown
 * without it, flagged, and the warning says so. */
TEST(join_window_is_bounded)
{
	static const char text[] =
		EXEC(1, "/w", CID("1")) EXEC(2, "/w", CID("2"))
		EXEC(3, "/w", CID("3")) EXEC(4, "/w", CID("4"))
		EXIT("4", 4) EXIT("3", 3) EXIT("2", 2) EXIT("1", 1);
	static const char *const cut_want[] = { "true", "true", "false", "false" };
	json_t *v[8];
	const char *f;
	size_t n, i;

	CLI_OR_SKIP();
	f = puts_("window.jsonl", text);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--window", "2", "--file", f, NULL));
	n = json_lines(r.out, v, 8);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++) {
		ASSERT_NE(NULL, v[i]);
		EXPECT_EQ((long long)i + 1, json_integer_value(json_object_get(v[i], "pid")));
		EXPECT_STREQ(cut_want[i], json_is_true(json_object_get(v[i], "window_cut")) ?
			     "true" : "false");
	}
	EXPECT_STREQ("running", jstr(v[0], "outcome"));
	EXPECT_STREQ("nonzero", jstr(v[3], "outcome"));
	json_lines_free(v, n);
	EXPECT_NE(NULL, strstr(r.err, "2 run(s) shown without their exit")) TH_LOG("%s", r.err);
	/* With room, all four are joined. */
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", f, NULL));
	n = json_lines(r.out, v, 8);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++)
		EXPECT_STREQ("nonzero", jstr(v[i], "outcome"));
	json_lines_free(v, n);
	EXPECT_EQ(NULL, strstr(r.err, "without their exit"));
	cleanup();
}

TEST(usage_errors_exit_2)
{
	static const struct {
		const char *args[4];
		const char *msg;
	} cases[] = {
		{ { "--bogus" }, "unknown option" },
		{ { "--since", "yesterday" }, "neither an RFC 3339 time" },
		{ { "--until", "2026-13-01" }, "neither an RFC 3339 time" },
		{ { "--since", "-5m" }, "neither an RFC 3339 time" },
		{ { "--arch", "vax" }, "binfmt-shim arches' lists" },
		{ { "--uid", "no-such-user-here" }, "neither a number nor a user" },
		{ { "--verdict", "crashed" }, "is not one of run, deny" },
		{ { "--window", "0" }, "--window takes a number" },
		{ { "extra" }, "name log files with --file" },
		{ { "--since", "2026-11-28", "--until", "2026-11-27" }, "later than --until" },
		{ { "--file" }, "missing value" },
		{ { "--file", "/nonexistent/x.jsonl" }, "cannot read /nonexistent/x.jsonl" },
	};
	size_t i, k;

	CLI_OR_SKIP();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8];
		int n = 0, st;

		argv[n++] = (char *)cli_path();
		argv[n++] = "log";
		for (k = 0; k < 4 && cases[i].args[k]; k++)
			argv[n++] = (char *)cases[i].args[k];
		argv[n] = NULL;
		st = tl_run(argv, NULL, 0, r.out, sizeof(r.out), r.err, sizeof(r.err));
		ASSERT_TRUE(WIFEXITED(st));
		EXPECT_EQ(2, WEXITSTATUS(st)) TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(r.err, cases[i].msg)) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_STREQ("", r.out);
	}
	ASSERT_EQ(0, cli_run(&r, "log", "--help", NULL));
	EXPECT_NE(NULL, strstr(r.out, "usage: binfmt-shim log"));
	EXPECT_NE(NULL, strstr(r.out, "--verdict"));
	ASSERT_EQ(0, cli_run(&r, "--help", NULL));
	EXPECT_NE(NULL, strstr(r.out, "  log [--file PATH]"));
}

TEST_HARNESS_MAIN
