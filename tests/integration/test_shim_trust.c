// SPDX-License-Identifier: GPL-2.0
/*
 * Who decides where the record goes and what may run: the system config.
 * A caller's environment (BINFMT_SHIM_CONFIG, BINFMT_SHIM_LOG) may add a
 * copy of the record and add denies, never take the system record away or
 * loosen a policy; only the system file's [users] override = yes lets it
 * replace the settings (the rig switch every other test runs with). The
 * collector's socket is the default destination with no config line, and
 * an exec no destination took is counted in the next record that gets
 * through.
 *
 * Each test writes its own /etc/binfmt-shim/shim.conf in the private /etc
 * that tl_private_binfmt made; the system log is the private /var/log's.
 */
#include <sys/mount.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimdenv.h"
#include "test_shimd_wait.h"

#define SYS_LOG "/var/log/binfmt-shim/exec.jsonl"

FIXTURE(trust) {
	struct shimd_env s;
	char bin[512];
	char mine[256];		/* a caller's own log */
};

FIXTURE_SETUP(trust)
{
	char why[256];
	int rc = sd_setup(&self->s, why, sizeof(why));

	SETUP_OR_SKIP(rc, why);
	ASSERT_NE(NULL, se_copy(&self->s.e, self->s.hello, "hello", self->bin,
				sizeof(self->bin)));
	snprintf(self->mine, sizeof(self->mine), "%.200s/mine.jsonl", self->s.e.dir);
	unsetenv("BINFMT_SHIM_LOG");
	unsetenv("BINFMT_SHIM_CONFIG");
}

FIXTURE_TEARDOWN(trust)
{
	sd_teardown(&self->s);
}

static int run_hello(const char *bin, const char *a1, const char *a2)
{
	char *argv[] = { (char *)bin, (char *)a1, (char *)a2, NULL };
	int st = tl_run(argv, NULL, 0, NULL, 0, NULL, 0);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

TEST_F(trust, the_environment_cannot_remove_the_system_record)
{
	json_t *r[4];

	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\n"));
	setenv("BINFMT_SHIM_CONFIG", "/dev/null", 1);
	setenv("BINFMT_SHIM_LOG", "/dev/null", 1);
	EXPECT_EQ(5, run_hello(self->bin, "exit", "5"));
	ASSERT_EQ(1, se_read_jsonl(SYS_LOG, r, 4));
	ASSERT_NE(NULL, r[0]);
	EXPECT_STREQ("exec", se_str(r[0], "event"));
	EXPECT_STREQ("file", se_str(r[0], "sink"));
	EXPECT_STREQ(self->bin, se_str(r[0], "path"));
	se_log_free(r, 1);
}

TEST_F(trust, the_callers_log_is_a_copy)
{
	json_t *r[4], *m[4];

	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\n"));
	setenv("BINFMT_SHIM_LOG", self->mine, 1);
	EXPECT_EQ(0, run_hello(self->bin, "exit", "0"));
	ASSERT_EQ(1, se_read_jsonl(SYS_LOG, r, 4));
	ASSERT_EQ(1, se_read_jsonl(self->mine, m, 4));
	EXPECT_STREQ("file", se_str(r[0], "sink"));
	EXPECT_STREQ("user", se_str(m[0], "sink"));
	EXPECT_EQ(se_int(r[0], "pid"), se_int(m[0], "pid"));
	se_log_free(r, 1);
	se_log_free(m, 1);
}

TEST_F(trust, a_callers_config_cannot_loosen_a_deny)
{
	char conf[320];
	json_t *r[4];

	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\n[arch.aarch64]\npolicy = deny\n"));
	snprintf(conf, sizeof(conf), "%.200s/allow.conf", self->s.e.dir);
	ASSERT_EQ(0, write_text(conf, "[arch.aarch64]\npolicy = allow\n[users]\noverride = yes\n"));
	setenv("BINFMT_SHIM_CONFIG", conf, 1);
	EXPECT_EQ(126, run_hello(self->bin, "exit", "0"));
	ASSERT_EQ(1, se_read_jsonl(SYS_LOG, r, 4));
	EXPECT_STREQ("deny", se_str(r[0], "event"));
	EXPECT_STREQ("policy = deny for aarch64 (/etc/binfmt-shim/shim.conf:4)",
		     se_str(r[0], "reason"));
	se_log_free(r, 1);
}

TEST_F(trust, a_callers_config_may_add_a_deny)
{
	char conf[320], want[400];
	json_t *r[4];

	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\n"));
	snprintf(conf, sizeof(conf), "%.200s/deny.conf", self->s.e.dir);
	ASSERT_EQ(0, write_text(conf, "[arch.aarch64]\npolicy = deny\n"));
	setenv("BINFMT_SHIM_CONFIG", conf, 1);
	EXPECT_EQ(126, run_hello(self->bin, "exit", "0"));
	ASSERT_EQ(1, se_read_jsonl(SYS_LOG, r, 4));
	EXPECT_STREQ("deny", se_str(r[0], "event"));
	snprintf(want, sizeof(want), "policy = deny for aarch64 (%s:2)", conf);
	EXPECT_STREQ(want, se_str(r[0], "reason"));
	se_log_free(r, 1);
}

TEST_F(trust, the_system_switch_lets_a_rig_replace_the_settings)
{
	char conf[320];
	json_t *m[4];

	ASSERT_EQ(0, tl_system_config("[users]\noverride = yes\n[log]\nsocket = none\n"
				      "[arch.aarch64]\npolicy = deny\n"));
	snprintf(conf, sizeof(conf), "%.200s/allow.conf", self->s.e.dir);
	ASSERT_EQ(0, write_text(conf, "[arch.aarch64]\npolicy = allow\n"));
	setenv("BINFMT_SHIM_CONFIG", conf, 1);
	setenv("BINFMT_SHIM_LOG", self->mine, 1);
	EXPECT_EQ(3, run_hello(self->bin, "exit", "3"));
	EXPECT_FALSE(tl_have(SYS_LOG));
	ASSERT_EQ(1, se_read_jsonl(self->mine, m, 4));
	EXPECT_STREQ("exec", se_str(m[0], "event"));
	EXPECT_STREQ("file", se_str(m[0], "sink"));
	se_log_free(m, 1);
}

/* No [log] socket line anywhere: the record goes to the collector at
 * /run/binfmt-shim/shimd.sock (a private /run here). A shim whose answer
 * came after its 5 ms (shim/collector.c: a starved collector on a busy
 * machine) logs the record itself too, saying so; for any other reason
 * the file must stay untouched. */
TEST_F(trust, the_collector_is_the_default_destination)
{
	json_t *r[8], *f[4];
	size_t n, nf, i;

	ASSERT_EQ(0, mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"));
	ASSERT_EQ(0, tl_system_config(""));
	snprintf(self->s.sock, sizeof(self->s.sock), "/run/binfmt-shim/shimd.sock");
	ASSERT_EQ(0, sd_start(&self->s));
	EXPECT_EQ(7, run_hello(self->bin, "exit", "7"));
	ASSERT_EQ(0, WEXITSTATUS(sd_stop(&self->s, SIGTERM)));
	EXPECT_EQ(0, sd_fallbacks_not_late(SYS_LOG));
	nf = se_read_jsonl(SYS_LOG, f, 4);
	EXPECT_GE(1, nf);
	if (nf && f[0])
		EXPECT_STREQ(self->bin, se_str(f[0], "path"));
	n = sd_read(self->s.out, r, 8);
	for (i = 0; i < n; i++)
		if (r[i] && !strcmp(se_str(r[i], "event"), "exec"))
			break;
	/* A collector starved past SIGTERM may not have read a message its
	 * late shim gave up on: then that shim's own record is the one. */
	if (i < n) {
		EXPECT_STREQ("collector", se_str(r[i], "source"));
		EXPECT_STREQ(self->bin, se_str(r[i], "path"));
	} else {
		EXPECT_EQ(1, nf);
	}
	se_log_free(r, n);
	se_log_free(f, nf);
}

/* What a starved collector looks like to the shim, made certain: the
 * collector stopped (SIGSTOP) while the exec waits for its answer. The
 * shim gives up after its 5 ms and logs the record to the file, saying
 * why; the collector, running again, records the exec as well. */
TEST_F(trust, a_late_collector_leaves_the_record_in_the_file_too)
{
	json_t *f[4];
	size_t nf;

	ASSERT_EQ(0, mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"));
	ASSERT_EQ(0, tl_system_config(""));
	snprintf(self->s.sock, sizeof(self->s.sock), "/run/binfmt-shim/shimd.sock");
	ASSERT_EQ(0, sd_start(&self->s));
	ASSERT_EQ(0, kill(self->s.dpid, SIGSTOP));
	EXPECT_EQ(7, run_hello(self->bin, "exit", "7"));
	ASSERT_EQ(0, kill(self->s.dpid, SIGCONT));
	EXPECT_TRUE(sd_wait_count(self->s.out, "exec", 1, 30000));
	ASSERT_EQ(0, WEXITSTATUS(sd_stop(&self->s, SIGTERM)));
	nf = se_read_jsonl(SYS_LOG, f, 4);
	ASSERT_EQ(1, nf);
	ASSERT_NE(NULL, f[0]);
	EXPECT_STREQ("file", se_str(f[0], "sink"));
	EXPECT_STREQ(self->bin, se_str(f[0], "path"));
	EXPECT_NE(NULL, strstr(se_str(f[0], "collector_error"), "no answer in time"));
	se_log_free(f, nf);
}

/* A host with no collector running and no log file: nothing is silent in
 * the long run. The loss is counted, and the next record says so. */
TEST_F(trust, an_unrecorded_exec_is_counted_in_the_next_record)
{
	char counter[64], raw[64];
	json_t *r[4];

	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\npath = /proc/version/x\n"));
	if (tl_have("/dev/log"))
		ASSERT_EQ(0, mount("tmpfs", "/dev", "tmpfs", 0, NULL));	/* no syslog */
	EXPECT_EQ(0, run_hello(self->bin, "exit", "0"));
	EXPECT_EQ(0, run_hello(self->bin, "exit", "0"));
	snprintf(counter, sizeof(counter), "/var/tmp/binfmt-shim-unrecorded.%u",
		 (unsigned)getuid());
	EXPECT_EQ(2, tl_read_file(counter, raw, sizeof(raw)));
	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\n"));
	EXPECT_EQ(0, run_hello(self->bin, "exit", "0"));
	ASSERT_EQ(1, se_read_jsonl(SYS_LOG, r, 4));
	EXPECT_EQ(2, se_int(r[0], "unrecorded_before"));
	se_log_free(r, 1);
	EXPECT_EQ(0, tl_read_file(counter, raw, sizeof(raw)));
	/* Where the admin sees it: binfmt-shim log and its statistics. */
	{
		char cli[512], out[8192], err[4096];
		char *stats[] = { cli, "log", "--stats", "--json", "--file", SYS_LOG, NULL };
		char *show[] = { cli, "log", "--file", SYS_LOG, NULL };

		tl_build("binfmt-shim", cli, sizeof(cli));
		EXPECT_EQ(0, WEXITSTATUS(tl_run(stats, NULL, 0, out, sizeof(out), err,
						sizeof(err))));
		EXPECT_NE(NULL, strstr(out, "\"unrecorded\":2")) TH_LOG("%s", out);
		EXPECT_EQ(0, WEXITSTATUS(tl_run(show, NULL, 0, out, sizeof(out), err,
						sizeof(err))));
		EXPECT_NE(NULL, strstr(err, "at least 2 exec(s) were recorded nowhere"))
			TH_LOG("%s", err);
	}
	EXPECT_EQ(0, run_hello(self->bin, "exit", "0"));
	ASSERT_EQ(2, se_read_jsonl(SYS_LOG, r, 4));
	EXPECT_EQ(NULL, json_object_get(r[1], "unrecorded_before"));
	se_log_free(r, 2);
}

/* A counter file planted by someone else (a symlink to a file they want
 * read or cleared, a hard link to one) is not read, trusted or cleared. */
TEST_F(trust, a_planted_counter_is_ignored)
{
	char counter[64], victim[320], raw[64];
	json_t *r[4];
	int k;

	ASSERT_EQ(0, tl_system_config("[log]\nsocket = none\n"));
	snprintf(counter, sizeof(counter), "/var/tmp/binfmt-shim-unrecorded.%u",
		 (unsigned)getuid());
	snprintf(victim, sizeof(victim), "/var/tmp/victim");	/* link(): one fs */
	ASSERT_EQ(0, write_text(victim, "precious"));
	for (k = 0; k < 2; k++) {
		int rc = k == 0 ? symlink(victim, counter) : link(victim, counter);

		ASSERT_EQ(0, rc);
		EXPECT_EQ(0, run_hello(self->bin, "exit", "0"));
		ASSERT_EQ(k + 1, se_read_jsonl(SYS_LOG, r, 4));
		EXPECT_EQ(NULL, json_object_get(r[k], "unrecorded_before"));
		se_log_free(r, (size_t)k + 1);
		EXPECT_EQ(8, tl_read_file(victim, raw, sizeof(raw)));
		ASSERT_EQ(0, unlink(counter));
	}
}

TEST_HARNESS_MAIN
