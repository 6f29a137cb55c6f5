// SPDX-License-Identifier: GPL-2.0
/*
 * `binfmt-shim verify` whatever the system config names as the record's
 * destination: the collector (binfmt-shimd, started here on a private
 * socket), a configured collector that is not running, a log file. The
 * system config is the real one's shape (no [users] override), written
 * into the private /etc of tl_private_binfmt, so verify meets the trust
 * model a host has: its own BINFMT_SHIM_LOG is only a copy. Its runs
 * must be marked as verify's wherever they land ("verify": true), so an
 * audit can tell them from the users' execs.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "test_loader.h"
#include "shimdenv.h"

static struct cli_result r;

#define SYSTEM_LOG "/var/log/binfmt-shim/exec.jsonl"

static const char *shim_path(void)
{
	static char path[4096];

	tl_build("shim", path, sizeof(path));
	return tl_have(path) ? path : NULL;
}

/* The private rig, its system config replaced by text (no override). */
static int rig(char *dir, size_t len, const char *text, char *why, size_t whylen)
{
	int err;

	if (!cli_path()[0] || !shim_path()) {
		snprintf(why, whylen, "build/binfmt-shim and build/shim are needed (make)");
		return 1;
	}
	if (!tl_have("/usr/bin/qemu-aarch64-static") || !tl_have("/usr/bin/qemu-riscv64-static")) {
		snprintf(why, whylen, "qemu-aarch64-static and qemu-riscv64-static are needed");
		return 1;
	}
	if ((err = tl_private_binfmt(why, whylen)) < 0)
		return 1;
	/* A private /tmp too: the test's directory, verify's files. */
	if ((err = tl_private_tmp()) < 0) {
		snprintf(why, whylen, "private /tmp: %s", strerror(-err));
		return err;
	}
	unsetenv("BINFMT_SHIM_LOG");
	unsetenv("BINFMT_SHIM_CONFIG");
	snprintf(dir, len, "/tmp/bshim-verify-sinks.XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
		return -errno;
	}
	setenv("BINFMT_SHIM_STATE_DIR", dir, 1);
	if (text && (err = tl_system_config(text)) < 0) {
		snprintf(why, whylen, "system config: %s", strerror(-err));
		return err;
	}
	return 0;
}

#define RIG_OR_SKIP(dir, text)						\
	do {								\
		char why_[512];						\
		int rc_ = rig(dir, sizeof(dir), text, why_, sizeof(why_)); \
		SETUP_OR_SKIP(rc_, why_);				\
	} while (0)

/* The records of path whose argv0 starts "*bshim-verify-" or
 * "Ebshim-verify-" (verify's runs), and how many of them say
 * "verify": true. */
static void count_verify_runs(const char *path, size_t *runs, size_t *marked,
			      size_t *other)
{
	static json_t *recs[512];
	size_t n = se_read_jsonl(path, recs, 512), i;

	*runs = *marked = *other = 0;
	for (i = 0; i < n; i++) {
		const char *a0 = recs[i] ? se_str(recs[i], "argv0") : "";

		if (!recs[i] || strcmp(se_str(recs[i], "event"), "exec")) {
			continue;
		} else if (strstr(a0, "bshim-verify-") == a0 + 1) {
			(*runs)++;
			*marked += json_is_true(json_object_get(recs[i], "verify"));
		} else {
			(*other)++;
		}
	}
	se_log_free(recs, n);
}

TEST(verify_with_a_collector_marks_its_runs)
{
	char dir[128], conf[512], line[1024];
	struct shimd_env s;
	size_t runs, marked, other;

	memset(&s, 0, sizeof(s));
	RIG_OR_SKIP(dir, NULL);
	snprintf(s.sock, sizeof(s.sock), "%s/shimd.sock", dir);
	snprintf(s.out, sizeof(s.out), "%s/collector.jsonl", dir);
	snprintf(s.err, sizeof(s.err), "%s/shimd.err", dir);
	snprintf(conf, sizeof(conf), "[log]\nsocket = %s\n", s.sock);
	ASSERT_EQ(0, tl_system_config(conf));
	ASSERT_EQ(0, sd_start(&s)) TH_LOG("binfmt-shimd did not start: %s", s.err);
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", "riscv64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "verify", "aarch64", "riscv64", NULL))
		TH_LOG("%s%s", r.out, r.err);
	cli_line(r.out, "aarch64 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " ok")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "verify: 4 passed, 0 failed (on the host 2 passed, 0 failed; in a container 2 passed, 0 failed)\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(line, " collector ok")) TH_LOG("%s", line);
	EXPECT_EQ(0, cli_run(&r, "verify", "--json", "riscv64", NULL)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"sink\":\"collector\"")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"passed\":2,\"failed\":0")) TH_LOG("%s", r.out);
	sd_stop(&s, SIGTERM);
	/* Two runs per arch and verify (P: two argv[0]s), riscv64 verified
	 * twice: 6, all in the collector's output, all marked (more when
	 * verify ran again after a late answer on a busy host: the shim
	 * then also wrote them to the file, marked as well). */
	count_verify_runs(s.out, &runs, &marked, &other);
	EXPECT_LE(6, runs);
	EXPECT_EQ(runs, marked);
	EXPECT_EQ(0, other);
	count_verify_runs(SYSTEM_LOG, &runs, &marked, &other);
	EXPECT_EQ(runs, marked);
}

/* A test rig's system config ([users] override = yes) with a collector:
 * BINFMT_SHIM_LOG replaces the log file there, which the shim writes
 * only when the collector does not take the record. verify failed here
 * with "no log file ...: the shim wrote no record". */
TEST(verify_in_a_rig_with_a_collector)
{
	char dir[128], conf[512], line[1024], log[192];
	struct shimd_env s;
	size_t runs, marked, other;

	memset(&s, 0, sizeof(s));
	RIG_OR_SKIP(dir, NULL);
	snprintf(s.sock, sizeof(s.sock), "%s/shimd.sock", dir);
	snprintf(s.out, sizeof(s.out), "%s/collector.jsonl", dir);
	snprintf(s.err, sizeof(s.err), "%s/shimd.err", dir);
	snprintf(conf, sizeof(conf), "[users]\noverride = yes\n[log]\nsocket = %s\n", s.sock);
	ASSERT_EQ(0, tl_system_config(conf));
	/* The rig's own log, which verify's BINFMT_SHIM_LOG replaces for
	 * its runs. */
	snprintf(log, sizeof(log), "%s/rig.jsonl", dir);
	setenv("BINFMT_SHIM_LOG", log, 1);
	ASSERT_EQ(0, sd_start(&s)) TH_LOG("binfmt-shimd did not start: %s", s.err);
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", "riscv64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "verify", "aarch64", "riscv64", NULL))
		TH_LOG("%s%s", r.out, r.err);
	cli_line(r.out, "riscv64 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " collector ok")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "verify: 4 passed, 0 failed (on the host 2 passed, 0 failed; in a container 2 passed, 0 failed)\n")) TH_LOG("%s", r.out);
	/* A pass gives no reason; the record the collector took is no miss. */
	EXPECT_EQ(NULL, strstr(r.out, "no record with pid")) TH_LOG("%s", r.out);
	sd_stop(&s, SIGTERM);
	count_verify_runs(s.out, &runs, &marked, &other);
	EXPECT_LE(4, runs);
	EXPECT_EQ(runs, marked);
	EXPECT_EQ(0, other);
}

TEST(verify_with_the_collector_down_says_so)
{
	char dir[128], conf[512], line[1024];
	size_t runs, marked, other;

	RIG_OR_SKIP(dir, NULL);
	snprintf(conf, sizeof(conf), "[log]\nsocket = %s/absent.sock\n", dir);
	ASSERT_EQ(0, tl_system_config(conf));
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", "riscv64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(1, cli_run(&r, "verify", "aarch64", "riscv64", NULL))
		TH_LOG("%s%s", r.out, r.err);
	cli_line(r.out, "aarch64 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "FAIL")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(line, "absent.sock")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, SYSTEM_LOG)) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(r.out, "(on the host 0 passed, 2 failed;")) TH_LOG("%s", r.out);
	/* The shim fell back to the file: the runs are there, marked. */
	count_verify_runs(SYSTEM_LOG, &runs, &marked, &other);
	EXPECT_EQ(4, runs);
	EXPECT_EQ(4, marked);
}

TEST(verify_with_a_log_file_marks_its_runs)
{
	char dir[128], line[1024];
	size_t runs, marked, other;

	RIG_OR_SKIP(dir, "[log]\nsocket = none\npath = /var/log/audit-x/x.jsonl\n");
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", "riscv64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "verify", "aarch64", "riscv64", NULL))
		TH_LOG("%s%s", r.out, r.err);
	cli_line(r.out, "riscv64 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " ok")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "verify: 4 passed, 0 failed (on the host 2 passed, 0 failed; in a container 2 passed, 0 failed)\n")) TH_LOG("%s", r.out);
	count_verify_runs("/var/log/audit-x/x.jsonl", &runs, &marked, &other);
	EXPECT_EQ(4, runs);
	EXPECT_EQ(4, marked);
	EXPECT_EQ(0, other);
	/* Anyone else's exec of the same kind of program is not marked. */
	{
		char tiny[192];
		char *argv[] = { tiny, NULL };
		static json_t *recs[64];
		size_t n, i, plain = 0;

		snprintf(tiny, sizeof(tiny), "%s/tiny", dir);
		ASSERT_EQ(0, sd_write_tiny(tiny));
		EXPECT_EQ(0, tl_run(argv, NULL, 0, NULL, 0, NULL, 0));
		n = se_read_jsonl("/var/log/audit-x/x.jsonl", recs, 64);
		for (i = 0; i < n; i++) {
			if (!recs[i] || strcmp(se_str(recs[i], "path"), tiny))
				continue;
			plain++;
			EXPECT_EQ(NULL, json_object_get(recs[i], "verify"));
		}
		se_log_free(recs, n);
		EXPECT_EQ(1, plain);
	}
}

/* No destination takes the system record (no collector, a log file that
 * cannot be created, no syslog): the program runs, and verify says the
 * record was lost. */
TEST(verify_says_when_the_record_is_lost)
{
	char dir[128], line[1024];
	struct stat st;

	RIG_OR_SKIP(dir, "[log]\nsocket = none\npath = /proc/binfmt-shim-none/x.jsonl\n");
	/* No syslog here: /dev/null over /dev/log (private mounts). */
	if (lstat("/dev/log", &st) == 0 &&
	    mount("/dev/null", "/dev/log", NULL, MS_BIND, NULL) < 0)
		SKIP(return, "cannot bind /dev/null over /dev/log: %s", strerror(errno));
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(1, cli_run(&r, "verify", "aarch64", NULL)) TH_LOG("%s%s", r.out, r.err);
	cli_line(r.out, "aarch64 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " 42/42   ok     ok     lost      FAIL: the system "
			       "record went nowhere: /proc/binfmt-shim-none/x.jsonl"))
		TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(r.out, "(on the host 0 passed, 1 failed;")) TH_LOG("%s", r.out);
}

TEST_HARNESS_MAIN
