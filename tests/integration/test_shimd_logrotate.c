// SPDX-License-Identifier: GPL-2.0
/*
 * Log rotation of a collector started by hand, without systemd: the
 * real logrotate with the project's own dist/binfmt-shim.logrotate, on a
 * binfmt-shimd writing /var/log/binfmt-shim/exec.jsonl (a private tmpfs
 * /var/log, tl_private_system). The postrotate script must reach the
 * collector although no service manager knows it: after `logrotate -f`
 * the collector has made a new exec.jsonl, the runs after the rotation
 * are recorded there, and every run of before is in exec.jsonl.1, none
 * lost.
 *
 * The postrotate signals binfmt-shimd by its name, so the test runs in
 * a PID namespace of its own (and a /run of its own, where no service
 * manager listens): the signal reaches this test's collector and never
 * another one on the machine.
 */
#include <sched.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimdenv.h"
#include "test_shimd_wait.h"

#define LOGDIR "/var/log/binfmt-shim"
#define LOG LOGDIR "/exec.jsonl"
#define ROTATED LOG ".1"
#define LOGROTATE "/usr/sbin/logrotate"

/* Until path exists: woken by inotify on its directory, the deadline
 * only guards against a hang. 1 when it does, 0 after deadline_ms. */
static int wait_exists(const char *dir, const char *path, int deadline_ms)
{
	double end = sd_now() + deadline_ms / 1000.0;
	int ifd = inotify_init1(IN_CLOEXEC), left, ok;
	char ev[4096];

	if (ifd < 0 || inotify_add_watch(ifd, dir, IN_CREATE | IN_MOVED_TO) < 0)
		return access(path, F_OK) == 0;
	for (;;) {
		struct pollfd p = { .fd = ifd, .events = POLLIN };

		ok = access(path, F_OK) == 0;
		left = (int)((end - sd_now()) * 1000);
		if (ok || left <= 0)
			break;
		if (poll(&p, 1, left) > 0)
			(void)!read(ifd, ev, sizeof(ev));
	}
	close(ifd);
	return ok;
}

/* The exec records of path, each with its exit record: how many; -1
 * when an exec has no exit, an id repeats, or a "lost" record says the
 * collector dropped some. ids[] collects the ids seen (for the check
 * across both files). */
static int complete_runs(const char *path, char ids[][64], int *nids, int max)
{
	static json_t *recs[1024];
	size_t n = sd_read(path, recs, 1024), i;
	int runs = 0, k, bad = 0;

	for (i = 0; i < n; i++) {
		const char *ev = recs[i] ? json_string_value(json_object_get(recs[i], "event")) : NULL;
		const char *id;

		if (!ev) {
			bad = 1;	/* a line that is not a record */
			continue;
		}
		if (!strcmp(ev, "lost"))
			bad = 1;
		if (strcmp(ev, "exec"))
			continue;
		id = json_string_value(json_object_get(recs[i], "id"));
		if (!id || !sd_exit_of(recs, n, id)) {
			bad = 1;
			continue;
		}
		for (k = 0; k < *nids; k++)
			if (!strcmp(ids[k], id))
				bad = 1;
		if (*nids < max)
			snprintf(ids[(*nids)++], 64, "%s", id);
		runs++;
	}
	se_log_free(recs, n);
	return bad ? -1 : runs;
}

static int runs(struct __test_metadata *_metadata, struct shimd_env *s, int n)
{
	int k, st;

	for (k = 0; k < n; k++) {
		st = sd_exec(s->tiny, NULL, NULL);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status %d", st);
	}
	return n;
}

/* Everything after the setup, as PID 1 of the test's PID namespace. */
static void rotate_by_hand(struct __test_metadata *_metadata, struct shimd_env *s)
{
	enum { BEFORE = 4, AFTER = 4 };
	char conf[] = "/var/log/.lr/binfmt-shim", state[] = "/var/log/.lr/state";
	static char text[8192], out[8192], err[8192];
	char src[4096], ids[BEFORE + AFTER][64];
	char *argv[] = { LOGROTATE, "-f", "-s", state, conf, NULL };
	int nids = 0, st, old_runs, new_runs;

	/* This namespace's processes, for the postrotate's pkill; and a /run
	 * where no service manager answers systemctl. */
	if (unshare(CLONE_NEWNS) || mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV |
					  MS_NOEXEC, NULL))
		SKIP(return, "a /proc of the test's PID namespace: %s", strerror(errno));
	ASSERT_EQ(0, mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"));
	ASSERT_EQ(0, mkdir(LOGDIR, 0755));
	snprintf(s->out, sizeof(s->out), "%s", LOG);
	ASSERT_EQ(0, sd_start(s)) TH_LOG("the collector did not start");

	ASSERT_EQ(BEFORE, runs(_metadata, s, BEFORE));
	ASSERT_TRUE(sd_wait_count(LOG, "exit", BEFORE, 60000));

	/* The shipped file, as /etc/logrotate.d would hold it (logrotate
	 * wants its configuration owned by root, not group/world
	 * writable: a copy of the test's own). */
	snprintf(src, sizeof(src), "%s/dist/binfmt-shim.logrotate", BSHIM_TOP);
	ASSERT_LT(0, tl_read_file(src, text, sizeof(text)));
	ASSERT_EQ(0, mkdir("/var/log/.lr", 0755));
	{
		FILE *f = fopen(conf, "we");

		ASSERT_NE(NULL, f);
		fputs(text, f);
		ASSERT_EQ(0, fclose(f));
	}
	st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("logrotate: %d\n%s%s",
								   st, out, err);
	ASSERT_TRUE(tl_have(ROTATED));
	/* The collector makes the new file when it reopens: the signal
	 * reached it. */
	ASSERT_TRUE(wait_exists(LOGDIR, LOG, 20000))
		TH_LOG("no new %s: the postrotate did not reach the collector", LOG);

	ASSERT_EQ(AFTER, runs(_metadata, s, AFTER));
	ASSERT_TRUE(sd_wait_count(LOG, "exit", AFTER, 60000));
	st = sd_stop(s, SIGTERM);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	old_runs = complete_runs(ROTATED, ids, &nids, BEFORE + AFTER);
	new_runs = complete_runs(LOG, ids, &nids, BEFORE + AFTER);
	EXPECT_EQ(BEFORE, old_runs);
	EXPECT_EQ(AFTER, new_runs);
	EXPECT_EQ(BEFORE + AFTER, nids);
}

TEST(logrotate_reaches_a_collector_started_by_hand)
{
	struct shimd_env s;
	char why[512];
	pid_t pid;
	int rc, st;

	if (access(LOGROTATE, X_OK))
		SKIP(return, LOGROTATE " is missing: apt-get install logrotate (scripts/deps)");
	rc = sd_setup(&s, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	/*
	 * A fork into a new PID namespace: the raw clone(2) with no stack
	 * goes on as fork does. unshare(CLONE_NEWPID) would also put every
	 * later child of this process there, and once its PID 1 has ended
	 * the teardown could fork nothing.
	 */
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		sd_teardown(&s);
		SKIP(return, "a PID namespace: %s", strerror(errno));
	}
	if (pid == 0) {
		/* PID 1 there: returning ends in the harness's own exit
		 * with this test's result (pass 0, skip 255, else the
		 * step). A failed ASSERT aborts, and PID 1 survives its own
		 * SIGABRT, so abort() ends it with SIGSEGV. */
		rotate_by_hand(_metadata, &s);
		return;
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	sd_teardown(&s);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 255)
		SKIP(return, "(the reason is above)");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("the test's PID 1 ended with wait status %#x: see above", st);
}

TEST_HARNESS_MAIN
