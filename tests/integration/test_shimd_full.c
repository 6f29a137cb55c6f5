// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shimd on a full disk: its log on a 64 KiB tmpfs mounted in the
 * test's own mount namespace, filled to the last byte. The collector
 * survives, answers its shims with a refusal (they log by themselves),
 * does not spin, counts the records no shim was waiting for (exit
 * records), and reports them in a "lost" record once space returns. The
 * log keeps whole lines only (a write cut by the full disk is cut back).
 * SIGTERM on a full disk does not wait for space.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/times.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimdenv.h"
#include "test_shimd_wait.h"

#define MAX_RECS 1024
#define RUNS_FULL 10

FIXTURE(full) {
	struct shimd_env s;
	char mnt[200];
	char filler[260];
	json_t *r[MAX_RECS];
};

FIXTURE_SETUP(full)
{
	char why[256];
	int rc = sd_setup(&self->s, why, sizeof(why));

	self->mnt[0] = '\0';
	SETUP_OR_SKIP(rc, why);
	snprintf(self->mnt, sizeof(self->mnt), "%.150s/full", self->s.e.dir);
	ASSERT_EQ(0, mkdir(self->mnt, 0755));
	if (mount("tmpfs", self->mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755"))
		SKIP(return, "cannot mount a tmpfs in this namespace: %s", strerror(errno));
	snprintf(self->s.out, sizeof(self->s.out), "%.140s/collector.jsonl", self->mnt);
	snprintf(self->filler, sizeof(self->filler), "%.200s/filler", self->mnt);
}

FIXTURE_TEARDOWN(full)
{
	if (self->mnt[0])
		umount2(self->mnt, MNT_DETACH);
	sd_teardown(&self->s);
}

/* Fill the file system to its last byte: the bytes written. */
static long fill(const char *path)
{
	static char buf[4096];
	long total = 0;
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	memset(buf, 'x', sizeof(buf));
	while ((n = write(fd, buf, sizeof(buf))) > 0)
		total += n;
	while ((n = write(fd, buf, 1)) > 0)
		total += n;
	close(fd);
	return total;
}

/* CPU time (user + system, in clock ticks) of a process. */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	long len;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	len = tl_read_file(path, buf, sizeof(buf));
	if (len <= 0 || !(p = strrchr(buf, ')')))
		return -1;
	/* Fields 14 and 15 (proc(5)); p is at the end of field 2. */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* "lost" counts in the collector's log, summed. */
static int has_lost(json_t **r, size_t n, void *arg)
{
	long want = *(long *)arg, lost = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i] && !strcmp(se_str(r[i], "event"), "lost"))
			lost += se_int(r[i], "count");
	return lost >= want;
}

/* The shortest exec line in the collector's log, newline included (the
 * length of a record depends on what the collector could verify in its
 * probe budget); 0 when there is none. */
static size_t shortest_exec(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, best = 0;
	ssize_t len;

	if (!f)
		return 0;
	while ((len = getline(&line, &cap, f)) > 0)
		if (strstr(line, "\"event\":\"exec\"") && (!best || (size_t)len < best))
			best = (size_t)len;
	free(line);
	fclose(f);
	return best;
}

TEST_F(full, a_full_disk_is_survived_counted_and_reported)
{
	long filled, cpu0, cpu1, lost = 0, one = 1;
	size_t n, i, k2, execs, fallback, rejected_fb = 0, late_fb = 0, twins = 0;
	long long coll_pids[64];
	size_t ncoll = 0, shortest, slack_max;
	int k, st;

	ASSERT_EQ(0, sd_start(&self->s));
	/* One run while there is space: the log exists and works (its exit
	 * record is written before the disk fills). */
	st = sd_exec(self->s.hello, "exit", "0");
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_TRUE(sd_wait_count(self->s.out, "exit", 1, 30000));
	filled = fill(self->filler);
	ASSERT_LT(0, filled);
	/* Runs while the disk is full: each shim still runs its program. */
	for (k = 0; k < RUNS_FULL; k++) {
		st = sd_exec(self->s.hello, "exit", "0");
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	/* The collector waits; it does not spin on the failing writes. Its
	 * CPU time over a second, whatever it had to do before. */
	cpu0 = cpu_ticks(self->s.dpid);
	usleep(1000000);
	cpu1 = cpu_ticks(self->s.dpid);
	TH_LOG("disk filled with %ld bytes; collector CPU while full: %ld ticks in 1 s",
	       filled, cpu1 - cpu0);
	EXPECT_LE(cpu1 - cpu0, 10) TH_LOG("the collector spins on a full disk");
	ASSERT_EQ(0, waitpid(self->s.dpid, &st, WNOHANG)) TH_LOG("the daemon died");
	/* Space returns: the three runs' exit records, and the "lost" record
	 * of the exit records that found no space, are written. */
	ASSERT_EQ(0, unlink(self->filler));
	for (k = 0; k < 3; k++) {
		st = sd_exec(self->s.hello, "exit", "0");
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	EXPECT_TRUE(sd_wait_log(self->s.out, has_lost, &one, 30000));
	st = sd_stop(&self->s, SIGTERM);
	shortest = shortest_exec(self->s.out);
	ASSERT_LT(0, shortest);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	n = sd_read(self->s.out, self->r, MAX_RECS);
	EXPECT_EQ(0, sd_count(self->r, n, "bad")) TH_LOG("a cut line in the log");
	execs = sd_count(self->r, n, "exec");
	for (i = 0; i < n; i++) {
		if (!self->r[i])
			continue;
		if (!strcmp(se_str(self->r[i], "event"), "exec") && ncoll < 64)
			coll_pids[ncoll++] = se_int(self->r[i], "pid");
		if (!strcmp(se_str(self->r[i], "event"), "lost")) {
			lost += se_int(self->r[i], "count");
			TH_LOG("lost: %lld, %s", se_int(self->r[i], "count"),
			       se_str(self->r[i], "reason"));
		}
	}
	se_log_free(self->r, n);
	n = sd_read(self->s.e.log, self->r, MAX_RECS);
	fallback = sd_count(self->r, n, "exec");
	for (i = 0; i < n; i++) {
		const char *why = self->r[i] ? se_str(self->r[i], "collector_error") : "";

		if (!self->r[i])
			continue;
		rejected_fb += strstr(why, "rejected") != NULL;
		/* A shim whose answer came after its 5 ms (a cold cache, a
		 * busy machine) logged the record itself too; the collector
		 * may still have written its own into the last page's slack. */
		late_fb += strstr(why, "in time") != NULL;
		for (k2 = 0; k2 < ncoll; k2++)
			twins += coll_pids[k2] == se_int(self->r[i], "pid");
	}
	se_log_free(self->r, n);
	TH_LOG("collector: %zu exec records, %ld lost counted; shims' own log: %zu "
	       "(%zu refused, %zu no answer in time, %zu also in the collector's)",
	       execs, lost, fallback, rejected_fb, late_fb, twins);
	/* Every run is recorded: by the collector before and after, by the
	 * shim itself while the disk was full. The slack of the log's last
	 * page (under a page) may still take some exec records: how many
	 * depends on the records' sizes (a "verified" block or a
	 * probe_error, exit and hash records written between them) and on
	 * how the busy collector batched them, so the bound is what a page
	 * can hold, not a count seen on an idle machine. A run in both logs
	 * is a shim that stopped waiting, never a refused one. */
	slack_max = ((size_t)sysconf(_SC_PAGESIZE) - 1) / shortest;
	TH_LOG("shortest exec record %zu bytes: at most %zu fit in a page's slack",
	       shortest, slack_max);
	EXPECT_EQ(1 + RUNS_FULL + 3, execs + fallback - twins);
	EXPECT_LE(RUNS_FULL - slack_max, fallback);
	EXPECT_EQ(fallback, rejected_fb + late_fb);
	EXPECT_LE(twins, late_fb);
	/* The exit records of the runs the collector could not write had no
	 * shim to fall back to: counted, and reported once there was space. */
	EXPECT_LE(fallback - twins, lost);
}

/* SIGTERM while the disk is still full: the collector does not wait for
 * space (systemd would kill it), exits 0 at once and says on stderr what
 * it could not write. */
TEST_F(full, sigterm_on_a_full_disk_exits_and_says_what_was_not_written)
{
	char err[8192];
	double t0, dt;
	int k, st, base;

	ASSERT_EQ(0, sd_start(&self->s));
	base = sd_fd_count(self->s.dpid);
	ASSERT_LT(0, base);
	ASSERT_LT(0, fill(self->filler));
	for (k = 0; k < 5; k++) {
		st = sd_exec(self->s.hello, "exit", "0");
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	/* The collector has handled every run once it holds no more fds
	 * than at its start (each pidfd is closed with its exit record):
	 * their exit records are then in its buffer, waiting for space. */
	for (k = 0; k < 1000 && sd_fd_count(self->s.dpid) > base; k++)
		usleep(10000);
	EXPECT_GE(base, sd_fd_count(self->s.dpid)) TH_LOG("runs not handled in 10 s");
	t0 = sd_now();
	st = sd_stop(&self->s, SIGTERM);
	dt = sd_now() - t0;
	TH_LOG("stopped in %.0f ms", dt * 1000);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_LT(dt, 2.0);
	ASSERT_LT(0, tl_read_file(self->s.err, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "No space left on device")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "not written at exit")) TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
