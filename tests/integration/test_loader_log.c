// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim log: hand-written logs with every record kind (the shim's
 * exec/deny/fail, the collector's exec/exit/lost, a partial line, another
 * schema version, an exit without its exec), read back as a table, as
 * JSON Lines and as --stats; every filter by a table of arguments and the
 * runs they must leave; bytes that are not UTF-8; the bounded join window;
 * rotated and gzip'd files; --follow picking up appended lines and a
 * rotation; colours only on a terminal; usage errors. Last, real records:
 * the shim in a private binfmt_misc runs a fixture and `log` shows it.
 */
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "kselftest_harness.h"

#include "shimenv.h"
#include "test_loader.h"

static struct cli_result r;

/*
 * Every record kind, in the order a log would have them. The runs, by
 * start: 101 shim exec (no collector: unrecorded), 102 collector exec that
 * a signal kills (its client claims uid 4242, the kernel says 0), 103
 * deny, 104 fail (uid 65534), 105 exits 0, 106 exits 3, 107 still running,
 * 108 ends with the status unknown. Not runs: a partial line, a lost
 * record, a v2 record, an exit for no exec, a JSON array.
 */
static const char log_all[] =
"{\"v\":1,\"time\":\"2026-11-27T10:00:00.000001Z\",\"event\":\"exec\",\"pid\":101,\"ppid\":1,\"uid\":0,\"gid\":0,\"cwd\":\"/src\",\"path\":\"/src/pkg.test\",\"argv0\":\"pkg.test\",\"argc\":1,\"format\":\"elf\",\"arch\":\"aarch64\",\"host_arch\":\"x86_64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"sysroot\":null,\"decision\":\"run\",\"reason_code\":\"ok\",\"reason\":\"emulated\",\"sink\":\"file\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:01:00Z\",\"event\":\"exec\",\"id\":\"c1\",\"source\":\"collector\",\"pid\":102,\"uid\":4242,\"gid\":4242,\"path\":\"/src/crash\",\"arch\":\"riscv64\",\"emulator\":\"/usr/bin/qemu-riscv64-static\",\"decision\":\"run\",\"reason_code\":\"ok\",\"verified\":{\"pid\":102,\"uid\":0,\"gid\":0,\"dev\":2049,\"ino\":77,\"size\":1000,\"mtime\":1,\"arch\":\"riscv64\",\"machine\":243},\"claimed\":{\"uid\":4242}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:02:00Z\",\"event\":\"deny\",\"pid\":103,\"uid\":0,\"gid\":0,\"path\":\"/x/denied.bin\",\"arch\":\"arm\",\"emulator\":null,\"decision\":\"deny\",\"reason_code\":\"policy-deny\",\"reason\":\"policy\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:03:00Z\",\"event\":\"fail\",\"pid\":104,\"uid\":65534,\"gid\":65534,\"path\":\"/x/noemu\",\"arch\":\"s390x\",\"emulator\":null,\"decision\":\"fail\",\"reason_code\":\"no-emulator\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:04:00Z\",\"event\":\"exit\",\"id\":\"c1\",\"pid\":102,\"exit_code\":null,\"signal\":11,\"core_dumped\":true,\"duration_ms\":1234.5,\"status\":\"known\",\"source\":\"collector\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:0\n"
"{\"v\":1,\"event\":\"lost\",\"count\":3,\"reason\":\"disk full\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:05:00Z\",\"event\":\"exec\",\"id\":\"c2\",\"source\":\"collector\",\"pid\":105,\"uid\":0,\"gid\":0,\"path\":\"/src/ok.test\",\"arch\":\"aarch64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"decision\":\"run\",\"verified\":{\"pid\":105,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:06:00Z\",\"event\":\"exec\",\"id\":\"c3\",\"source\":\"collector\",\"pid\":106,\"uid\":0,\"gid\":0,\"path\":\"/src/fail.test\",\"arch\":\"arm\",\"emulator\":\"/usr/bin/qemu-arm-static\",\"decision\":\"run\",\"verified\":{\"pid\":106,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:07:00Z\",\"event\":\"exit\",\"id\":\"c3\",\"pid\":106,\"exit_code\":3,\"signal\":null,\"core_dumped\":false,\"duration_ms\":20,\"status\":\"known\",\"source\":\"collector\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:08:00Z\",\"event\":\"exit\",\"id\":\"c2\",\"pid\":105,\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"duration_ms\":5,\"status\":\"known\",\"source\":\"collector\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:09:00Z\",\"event\":\"exec\",\"id\":\"c4\",\"source\":\"collector\",\"pid\":107,\"uid\":0,\"gid\":0,\"path\":\"/src/long.test\",\"arch\":\"aarch64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"decision\":\"run\",\"verified\":{\"pid\":107,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:10:00Z\",\"event\":\"exec\",\"id\":\"c5\",\"source\":\"collector\",\"pid\":108,\"uid\":0,\"gid\":0,\"path\":\"/src/old-kernel\",\"arch\":\"aarch64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"decision\":\"run\",\"verified\":{\"pid\":108,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:11:00Z\",\"event\":\"exit\",\"id\":\"c5\",\"pid\":108,\"exit_code\":null,\"signal\":null,\"core_dumped\":false,\"duration_ms\":7,\"status\":\"unknown\",\"source\":\"collector\"}\n"
"{\"v\":2,\"time\":\"2026-11-27T10:12:00Z\",\"event\":\"exec\",\"pid\":109,\"path\":\"/future\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:13:00Z\",\"event\":\"exit\",\"id\":\"nope\",\"pid\":1,\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"duration_ms\":1,\"status\":\"known\",\"source\":\"collector\"}\n"
"[1,2]\n";

static char tmpdir[64];

/* A file in this test's temp dir with the given bytes; returns its path. */
static const char *put(const char *name, const void *data, size_t len)
{
	static char path[8][256];
	static int i;
	int fd;

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/bshim-log.XXXXXX");
		if (!mkdtemp(tmpdir))
			return NULL;
	}
	i = (i + 1) % 8;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	fd = open(path[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	return path[i];
}

static const char *puts_(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

static int append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void cleanup(void)
{
	char cmd[128];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", tmpdir);
	}
}

/* The JSON objects of out, one per line (NULL for a line that is not). */
static size_t json_lines(const char *out, json_t **v, size_t max)
{
	size_t n = 0;
	const char *p = out;

	while (*p && n < max) {
		size_t len = strcspn(p, "\n");

		v[n++] = json_loadb(p, len, 0, NULL);
		p += len;
		if (*p)
			p++;
	}
	return n;
}

static void json_lines_free(json_t **v, size_t n)
{
	while (n--)
		json_decref(v[n]);
}

/* The "pid"s of the --json output, comma separated, into buf. */
static const char *pids_of(const char *out, char *buf, size_t len)
{
	json_t *v[64];
	size_t n = json_lines(out, v, 64), i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		used += snprintf(buf + used, len - used, "%s%lld", used ? "," : "",
				 v[i] ? (long long)json_integer_value(json_object_get(v[i], "pid")) : -1LL);
	json_lines_free(v, n);
	return buf;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k)) ?: "";
}

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

static long long jint(json_t *o, const char *path)
{
	char key[64], *dot;

	snprintf(key, sizeof(key), "%s", path);
	while ((dot = strchr(key, '.'))) {
		*dot = '\0';
		o = json_object_get(o, key);
		memmove(key, dot + 1, strlen(dot + 1) + 1);
	}
	return json_is_integer(json_object_get(o, key)) ?
	       (long long)json_integer_value(json_object_get(o, key)) : -1;
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
		{ "input.lines", 17 }, { "input.bad_lines", 2 },
		{ "input.unknown_records", 1 }, { "input.lost", 3 },
		{ "input.orphan_exits", 1 }, { "input.window_cut", 0 },
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

#define EXEC(pid, path, fmt_id)						\
	"{\"v\":1,\"time\":\"2026-11-27T12:00:00Z\",\"event\":\"exec\"," fmt_id \
	"\"pid\":" #pid ",\"uid\":0,\"path\":\"" path "\",\"arch\":\"aarch64\"," \
	"\"decision\":\"run\"}\n"
#define EXIT(id, code)							\
	"{\"v\":1,\"time\":\"2026-11-27T12:00:01Z\",\"event\":\"exit\",\"id\":\"" id \
	"\",\"exit_code\":" #code ",\"signal\":null,\"core_dumped\":false,"	\
	"\"duration_ms\":1,\"status\":\"known\",\"source\":\"collector\"}\n"
#define CID(id) "\"id\":\"" id "\",\"source\":\"collector\","

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

/* The default file is the shim's: BINFMT_SHIM_LOG, else [log] path. */
TEST(default_log_is_the_shims)
{
	const char *a, *b, *conf;
	char text[512], got[64];

	CLI_OR_SKIP();
	a = puts_("env.jsonl", EXEC(11, "/env", ""));
	b = puts_("conf.jsonl", EXEC(22, "/conf", ""));
	snprintf(text, sizeof(text), "[log]\npath = %s\n", b);
	conf = puts_("shim.conf", text);
	ASSERT_NE(NULL, conf);
	setenv("BINFMT_SHIM_LOG", a, 1);
	setenv("BINFMT_SHIM_CONFIG", conf, 1);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", NULL)) TH_LOG("%s", r.err);
	EXPECT_STREQ("11", pids_of(r.out, got, sizeof(got)));
	unsetenv("BINFMT_SHIM_LOG");
	ASSERT_EQ(0, cli_run(&r, "log", "--json", NULL)) TH_LOG("%s", r.err);
	EXPECT_STREQ("22", pids_of(r.out, got, sizeof(got)));
	/* The file the config names does not exist: say what to do. */
	snprintf(text, sizeof(text), "[log]\npath = %s/none.jsonl\n", tmpdir);
	puts_("shim.conf", text);
	EXPECT_EQ(2, cli_run(&r, "log", NULL));
	EXPECT_NE(NULL, strstr(r.err, "none.jsonl: No such file or directory"));
	EXPECT_NE(NULL, strstr(r.err, "--file"));
	cleanup();
}

/* --rotated reads PATH.2.gz, PATH.1, PATH in that order, so an exec in an
 * older file joins its exit in a newer one; stdin as '-'. */
TEST(rotated_and_gzip_files)
{
	char cmd[512], got[64], path[256];
	const char *f;
	static char in[1024];
	json_t *v[8];
	size_t n;

	CLI_OR_SKIP();
	if (system("command -v gzip >/dev/null") != 0)
		SKIP(return, "gzip is not installed");
	f = puts_("rot.jsonl.2", EXEC(1, "/one", CID("r1")));
	ASSERT_NE(NULL, f);
	snprintf(cmd, sizeof(cmd), "gzip -f '%s'", f);
	ASSERT_EQ(0, system(cmd));
	puts_("rot.jsonl.1", EXEC(2, "/two", CID("r2")) EXIT("r1", 5));
	f = puts_("rot.jsonl", EXIT("r2", 6) EXEC(3, "/three", ""));
	snprintf(path, sizeof(path), "%s", f);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--rotated", "--file", path, NULL)) TH_LOG("%s", r.err);
	EXPECT_STREQ("1,2,3", pids_of(r.out, got, sizeof(got)));
	n = json_lines(r.out, v, 8);
	ASSERT_EQ(3, n);
	EXPECT_EQ(5, jint(v[0], "exit.exit_code"));
	EXPECT_EQ(6, jint(v[1], "exit.exit_code"));
	json_lines_free(v, n);
	/* Without --rotated: only the newest file, its exit has no exec. */
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--json", "--file", path, NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"orphan_exits\":1"));
	/* A .gz named directly, and stdin. */
	snprintf(cmd, sizeof(cmd), "%s/rot.jsonl.2.gz", tmpdir);
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", cmd, NULL)) TH_LOG("%s", r.err);
	EXPECT_STREQ("1", pids_of(r.out, got, sizeof(got)));
	snprintf(in, sizeof(in), "%s", EXEC(9, "/stdin", ""));
	{
		char *argv[] = { (char *)cli_path(), "log", "--json", "--file", "-", NULL };

		ASSERT_TRUE(WIFEXITED(tl_run(argv, in, strlen(in), r.out, sizeof(r.out), NULL, 0)));
		EXPECT_STREQ("9", pids_of(r.out, got, sizeof(got)));
	}
	cleanup();
}

/* Wait until the file holds needle (or 5 s pass). */
static int wait_for(const char *path, const char *needle)
{
	static char buf[65536];
	int i;

	for (i = 0; i < 100; i++) {
		if (tl_read_file(path, buf, sizeof(buf)) >= 0 && strstr(buf, needle))
			return 0;
		usleep(50000);
	}
	return -1;
}

/* --follow: appended lines, a line written in two pieces, a rotation
 * (rename + create: the old file's last lines still count) and a clean
 * exit on SIGTERM. */
TEST(follow_appends_and_rotation)
{
	char log[256], out[256], rotated[300];
	int fd, st = 0, i;
	pid_t pid;

	CLI_OR_SKIP();
	puts_("follow.jsonl", EXEC(1, "/first", ""));
	snprintf(log, sizeof(log), "%s/follow.jsonl", tmpdir);
	snprintf(rotated, sizeof(rotated), "%s.1", log);
	snprintf(out, sizeof(out), "%s/follow.out", tmpdir);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = { (char *)cli_path(), "log", "--follow", "--json",
				 "--file", log, NULL };

		dup2(fd, 1);
		alarm(20);	/* never outlive the test */
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd);
	EXPECT_EQ(0, wait_for(out, "\"pid\":1,"));
	ASSERT_EQ(0, append(log, EXEC(2, "/second", CID("f2"))));
	ASSERT_EQ(0, append(log, "{\"v\":1,\"event\":\"exit\",\"id\":\"f2\","));
	usleep(300000);
	ASSERT_EQ(0, append(log, "\"exit_code\":7,\"status\":\"known\",\"duration_ms\":3}\n"));
	EXPECT_EQ(0, wait_for(out, "\"exit_code\":7")) TH_LOG("joined exit not seen");
	/* logrotate: rename, the writer adds a last line to the old file,
	 * then a new file appears under the name. */
	ASSERT_EQ(0, rename(log, rotated));
	ASSERT_EQ(0, append(rotated, EXEC(3, "/third", "")));
	ASSERT_EQ(0, append(log, EXEC(4, "/fourth", "")));
	EXPECT_EQ(0, wait_for(out, "\"pid\":4,")) TH_LOG("the new file was not read");
	EXPECT_EQ(0, wait_for(out, "\"pid\":3,")) TH_LOG("the old file's last line was lost");
	ASSERT_EQ(0, append(log, EXEC(5, "/fifth", "")));
	EXPECT_EQ(0, wait_for(out, "\"pid\":5,"));
	kill(pid, SIGTERM);
	for (i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("not a clean exit on SIGTERM");
	EXPECT_EQ(0, WEXITSTATUS(st));
	cleanup();
}

/* Colours on a terminal only, and not with NO_COLOR. */
TEST(colours_only_on_a_terminal)
{
	static const char *const nocolor[] = { NULL, "1" };
	char buf[8192];
	const char *f;
	size_t i, used;
	ssize_t n;
	int pty, st;
	pid_t pid;

	CLI_OR_SKIP();
	f = puts_("all.jsonl", log_all);
	for (i = 0; i < 2; i++) {
		pid = forkpty(&pty, NULL, NULL, NULL);
		if (pid < 0)
			SKIP(return, "no pseudo-terminal: %s", strerror(errno));
		if (pid == 0) {
			if (nocolor[i])
				setenv("NO_COLOR", nocolor[i], 1);
			setenv("TERM", "xterm", 1);
			execl(cli_path(), cli_path(), "log", "--file", f, (char *)NULL);
			_exit(127);
		}
		used = 0;
		while (used < sizeof(buf) - 1 &&
		       (n = read(pty, buf + used, sizeof(buf) - 1 - used)) > 0)
			used += (size_t)n;
		buf[used] = '\0';
		close(pty);
		waitpid(pid, &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		EXPECT_NE(NULL, strstr(buf, "/src/crash"));
		if (nocolor[i]) {
			EXPECT_EQ(NULL, strstr(buf, "\033["));
		} else {
			EXPECT_NE(NULL, strstr(buf, "\033[31mSIGSEGV+core")) TH_LOG("%s", buf);
		}
	}
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

/* Real records: the shim runs an aarch64 fixture in a private
 * binfmt_misc, and `log` reads its log (BINFMT_SHIM_LOG, set by se_setup). */
TEST(shim_records_end_to_end)
{
	static const char *const arches[] = { "aarch64", NULL };
	char why[256], src[512], bin[512], got[64];
	char *argv[] = { "hello", "exit", "7", NULL };
	struct shimenv e;
	json_t *v[4];
	size_t n;
	int rc, st;

	CLI_OR_SKIP();
	rc = se_setup(&e, "FP", arches, why, sizeof(why));
	if (rc > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	if (!tl_have(src)) {
		se_teardown(&e);
		SKIP(return, "%s missing: run make fixtures", src);
	}
	ASSERT_NE(NULL, se_copy(&e, src, "hello", bin, sizeof(bin)));
	st = tl_runv(bin, argv, NULL, 0, NULL, 0, NULL, 0);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(7, WEXITSTATUS(st));
	ASSERT_EQ(0, cli_run(&r, "log", "--json", NULL)) TH_LOG("%s", r.err);
	n = json_lines(r.out, v, 4);
	ASSERT_EQ(1, n) TH_LOG("%s", r.out);
	ASSERT_NE(NULL, v[0]);
	EXPECT_STREQ(bin, jstr(v[0], "path"));
	EXPECT_STREQ("aarch64", jstr(v[0], "arch"));
	EXPECT_STREQ("exec", jstr(v[0], "event"));
	EXPECT_STREQ("run", jstr(v[0], "decision"));
	EXPECT_STREQ("unrecorded", jstr(v[0], "outcome"));
	EXPECT_STREQ("shim", jstr(v[0], "source"));
	EXPECT_EQ(getuid(), jint(v[0], "uid"));
	EXPECT_LT(0, jint(v[0], "pid"));
	EXPECT_NE(NULL, strstr(jstr(v[0], "emulator"), "qemu-aarch64"));
	json_lines_free(v, n);
	/* The same run through the filters and the table. */
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--arch", "arm64", "--verdict", "run",
			     "--since", "1h", "--path", "hello", NULL));
	EXPECT_NE(0, strlen(pids_of(r.out, got, sizeof(got))));
	ASSERT_EQ(0, cli_run(&r, "log", "--arch", "riscv64", NULL));
	EXPECT_STREQ("", r.out);
	EXPECT_NE(NULL, strstr(r.err, "no runs match"));
	ASSERT_EQ(0, cli_run(&r, "log", NULL));
	EXPECT_NE(NULL, strstr(r.out, bin));
	se_teardown(&e);
}

TEST_HARNESS_MAIN
