// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim log, where the input comes from: the shim's default log
 * (BINFMT_SHIM_LOG, [log] path), rotated and gzip'd files and stdin,
 * --follow picking up appended lines and a rotation, colours only on a
 * terminal, and real records: the shim in a private binfmt_misc runs a
 * fixture and `log` shows the run; with build/binfmt-shimd collecting,
 * each exec is joined with its exit (0, 7, SIGTERM).
 */
#include <pty.h>
#include <signal.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimenv.h"
#include "test_loader_log.h"

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
	/* Not gzip at all: an error, exit 2. */
	f = puts_("bad.jsonl.gz", "not gzip\n");
	EXPECT_EQ(2, cli_run(&r, "log", "--file", f, NULL));
	EXPECT_NE(NULL, strstr(r.err, "gzip -dc failed")) TH_LOG("%s", r.err);
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

/* binfmt-shim log --follow <opts...> --file log, its stdout into out; it
 * ends itself after 20 s whatever happens. Its pid, or -errno. */
static pid_t follow_start(const char *log, const char *out, const char *const *opts)
{
	char *argv[12];
	int fd, n = 0, k;
	pid_t pid;

	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	argv[n++] = (char *)cli_path();
	argv[n++] = "log";
	argv[n++] = "--follow";
	for (k = 0; opts[k] && n < 8; k++)
		argv[n++] = (char *)opts[k];
	argv[n++] = "--file";
	argv[n++] = (char *)log;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		alarm(20);	/* never outlive the test */
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd);
	return pid < 0 ? -errno : pid;
}

/* Send sig, wait up to 5 s (then SIGKILL): the wait status. */
static int follow_stop(pid_t pid, int sig)
{
	int st = 0, i;

	kill(pid, sig);
	for (i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	return st;
}

/* --follow: appended lines, a line written in two pieces, a rotation
 * (rename + create: the old file's last lines still count) and a clean
 * exit on SIGTERM. */
TEST(follow_appends_and_rotation)
{
	static const char *const opts[] = { "--json", NULL };
	char log[256], out[256], rotated[300];
	pid_t pid;
	int st;

	CLI_OR_SKIP();
	puts_("follow.jsonl", EXEC(1, "/first", ""));
	snprintf(log, sizeof(log), "%s/follow.jsonl", tmpdir);
	snprintf(rotated, sizeof(rotated), "%s.1", log);
	snprintf(out, sizeof(out), "%s/follow.out", tmpdir);
	pid = follow_start(log, out, opts);
	ASSERT_LT(0, pid);
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
	st = follow_stop(pid, SIGTERM);
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("not a clean exit on SIGTERM");
	EXPECT_EQ(0, WEXITSTATUS(st));
	cleanup();
}

/* --follow and shims' late copies: a copy whose collector twin comes is
 * not shown (the twin is, once its exit came); one whose twin has not
 * come 5 s of log time later is shown as it is. */
TEST(follow_merges_late_copies)
{
#define LATE_(pid, t) \
	"{\"v\":1,\"time\":\"" t "\",\"event\":\"exec\",\"pid\":" pid ",\"uid\":0," \
	"\"path\":\"/b/p" pid "\",\"arch\":\"aarch64\",\"decision\":\"run\"," \
	"\"collector_error\":\"collector unavailable: no answer in time: x\"}\n"
	static const char *const opts[] = { "--json", NULL };
	static char text[4096];
	char log[256], out[256];
	pid_t pid;
	long n;

	CLI_OR_SKIP();
	puts_("late.jsonl", LATE_("71", "2026-11-27T10:00:00.000001Z"));
	snprintf(log, sizeof(log), "%s/late.jsonl", tmpdir);
	snprintf(out, sizeof(out), "%s/late.out", tmpdir);
	pid = follow_start(log, out, opts);
	ASSERT_LT(0, pid);
	/* 71's twin comes, then its exit: one run, the collector's. */
	ASSERT_EQ(0, append(log, "{\"v\":1,\"time\":\"2026-11-27T10:00:00.000001Z\","
			   "\"event\":\"exec\",\"pid\":71,\"uid\":0,\"path\":\"/b/p71\","
			   "\"arch\":\"aarch64\",\"decision\":\"run\",\"id\":\"t71\","
			   "\"source\":\"collector\",\"verified\":{\"pid\":71,\"uid\":0}}\n"));
	ASSERT_EQ(0, append(log, "{\"v\":1,\"time\":\"2026-11-27T10:00:01Z\",\"event\":\"exit\","
			   "\"id\":\"t71\",\"pid\":71,\"exit_code\":5,\"status\":\"known\","
			   "\"duration_ms\":3,\"source\":\"collector\"}\n"));
	EXPECT_EQ(0, wait_for(out, "\"exit_code\":5")) TH_LOG("the joined run was not shown");
	/* 72's twin never comes; 73, 10 s later, lets it go. */
	ASSERT_EQ(0, append(log, LATE_("72", "2026-11-27T10:00:02.000001Z")));
	ASSERT_EQ(0, append(log, EXEC(73, "/b/p73", "")));
	EXPECT_EQ(0, wait_for(out, "\"pid\":72,")) TH_LOG("the lone copy was never shown");
	EXPECT_EQ(0, wait_for(out, "\"pid\":73,"));
	follow_stop(pid, SIGTERM);
	n = tl_read_file(out, text, sizeof(text));
	ASSERT_LT(0, n);
	EXPECT_EQ(NULL, strstr(strstr(text, "\"pid\":71,") + 1, "\"pid\":71,")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\"id\":\"t71\"")) TH_LOG("%s", text);
	cleanup();
#undef LATE_
}

/* --follow --stats: SIGINT prints the counts so far (a run still waiting
 * for its exit counts as running) and exits 0; a file cut short
 * (copytruncate) is read again from its start. */
TEST(follow_stats_on_sigint_and_copytruncate)
{
	static const char *const opts[] = { "--stats", "--json", NULL };
	char log[256], out[256];
	pid_t pid;
	int st;

	CLI_OR_SKIP();
	puts_("fs.jsonl", EXEC(1, "/a", "") EXEC(2, "/b", CID("s2")));
	snprintf(log, sizeof(log), "%s/fs.jsonl", tmpdir);
	snprintf(out, sizeof(out), "%s/fs.out", tmpdir);
	pid = follow_start(log, out, opts);
	ASSERT_LT(0, pid);
	usleep(500000);
	/* copytruncate: the same inode, emptied, then written again. */
	ASSERT_EQ(0, truncate(log, 0));
	usleep(500000);
	ASSERT_EQ(0, append(log, EXEC(3, "/c", "")));
	usleep(500000);
	st = follow_stop(pid, SIGINT);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, wait_for(out, "\"runs\":3,"));
	EXPECT_EQ(0, wait_for(out, "\"running\":1,"));
	EXPECT_EQ(0, wait_for(out, "\"unrecorded\":2"));
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
	SETUP_OR_SKIP(rc, why);
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

/* Real collector records: build/binfmt-shimd on a socket the shim is
 * configured to use, three runs of the hello fixture that end in three
 * ways, and `log` joins each exec with its exit. */
TEST(collector_records_end_to_end)
{
	static const char *const arches[] = { "aarch64", NULL };
	static const struct {
		const char *a1, *a2, *outcome;
		int code, sig;
	} runs[] = {
		{ "exit", "0", "ok", 0, -1 },
		{ "exit", "7", "nonzero", 7, -1 },
		{ "signal", "15", "signal", -1, 15 },
	};
	char why[256], src[512], bin[512], shimd[512], sock[256], out[256], conf[512];
	struct shimenv e;
	json_t *v[8];
	size_t n, i;
	pid_t dpid;
	int rc, st, k;

	CLI_OR_SKIP();
	tl_build("binfmt-shimd", shimd, sizeof(shimd));
	if (!tl_have(shimd))
		SKIP(return, "%s is not built (make build/binfmt-shimd)", shimd);
	rc = se_setup(&e, "FP", arches, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	if (!tl_have(src)) {
		se_teardown(&e);
		SKIP(return, "%s missing: run make fixtures", src);
	}
	ASSERT_NE(NULL, se_copy(&e, src, "hello", bin, sizeof(bin)));
	snprintf(sock, sizeof(sock), "%.128s/shimd.sock", e.dir);
	snprintf(out, sizeof(out), "%.128s/collector.jsonl", e.dir);
	snprintf(conf, sizeof(conf), "[log]\nsocket = %s\n", sock);
	ASSERT_EQ(0, se_config(&e, conf));
	dpid = fork();
	ASSERT_LE(0, dpid);
	if (dpid == 0) {
		int dn = open("/dev/null", O_WRONLY);

		dup2(dn, 2);
		alarm(60);
		execl(shimd, shimd, "-f", "--socket", sock, "--log", out, (char *)NULL);
		_exit(127);
	}
	for (k = 0; k < 400 && access(sock, F_OK) < 0; k++)
		usleep(5000);
	usleep(50000);
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char *argv[] = { "hello", (char *)runs[i].a1, (char *)runs[i].a2, NULL };

		st = tl_runv(bin, argv, NULL, 0, NULL, 0, NULL, 0);
		ASSERT_LE(0, st);
	}
	/* SIGTERM drains: every exit record is written before it ends. */
	usleep(200000);
	kill(dpid, SIGTERM);
	waitpid(dpid, &st, 0);
	if (!tl_have(out)) {
		se_teardown(&e);
		SKIP(return, "the collector wrote no log (status %d)", st);
	}
	ASSERT_EQ(0, cli_run(&r, "log", "--json", "--file", out, NULL)) TH_LOG("%s", r.err);
	n = json_lines(r.out, v, 8);
	ASSERT_EQ(3, n) TH_LOG("%s\n%s", r.out, r.err);
	for (i = 0; i < n; i++) {
		ASSERT_NE(NULL, v[i]);
		EXPECT_STREQ("collector", jstr(v[i], "source"));
		EXPECT_TRUE(json_is_true(json_object_get(v[i], "verified")));
		EXPECT_STREQ(bin, jstr(v[i], "path"));
		EXPECT_STREQ("aarch64", jstr(v[i], "arch"));
		EXPECT_STREQ(runs[i].outcome, jstr(v[i], "outcome")) TH_LOG("run %zu", i);
		EXPECT_EQ(runs[i].code, jint(v[i], "exit.exit_code"));
		EXPECT_EQ(runs[i].sig, jint(v[i], "exit.signal"));
		EXPECT_LE(0, jint(v[i], "exit.duration_us"));
		EXPECT_EQ(getuid(), jint(v[i], "uid"));
	}
	json_lines_free(v, n);
	ASSERT_EQ(0, cli_run(&r, "log", "--file", out, NULL));
	EXPECT_NE(NULL, strstr(r.out, "SIGTERM")) TH_LOG("%s", r.out);
	ASSERT_EQ(0, cli_run(&r, "log", "--stats", "--json", "--file", out, NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"ok\":1,")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"orphan_exits\":0"));
	se_teardown(&e);
}

TEST_HARNESS_MAIN
