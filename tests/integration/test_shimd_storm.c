// SPDX-License-Identifier: GPL-2.0
/*
 * The collector under load, with real shims and qemu running a tiny static
 * aarch64 program (tests/lib/shimdenv.c):
 *   - 5,000 foreign execs from 32 parallel callers give exactly 5,000
 *     exec and 5,000 exit records, each exit joined to its exec by id
 *     (a shim that waited in vain may also log its own copy, < 5%);
 *   - logrotate's dance (rename, SIGHUP) repeated during a storm loses
 *     nothing: the records of all files add up;
 *   - the daemon killed (SIGKILL) and restarted during a storm: the shims
 *     fall back to their own log meanwhile, and every run is recorded.
 * BSHIM_STORM_EXECS overrides the 5,000 (for a quick local run).
 */
#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimdenv.h"
#include "test_shimd_wait.h"

#define MAX_RECS 20000

FIXTURE(storm) {
	struct shimd_env s;
	json_t **r;
};

FIXTURE_SETUP(storm)
{
	char why[256];
	int rc = sd_setup_ex(&self->s, 1, why, sizeof(why));

	self->r = NULL;
	SETUP_OR_SKIP(rc, why);
	self->r = calloc(MAX_RECS, sizeof(json_t *));
	ASSERT_NE(NULL, self->r);
}

FIXTURE_TEARDOWN(storm)
{
	sd_teardown(&self->s);
	free(self->r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every exec record has one exit record with its id, status known and
 * exit code 0: the ids of both sorted, then walked side by side. */
static int unjoined(json_t **r, size_t n)
{
	const char **ex = calloc(n + 1, sizeof(char *)), **xt = calloc(n + 1, sizeof(char *));
	size_t i, ne = 0, nx = 0;
	int bad = 0;

	for (i = 0; i < n; i++) {
		if (!r[i])
			continue;
		if (!strcmp(se_str(r[i], "event"), "exec"))
			ex[ne++] = se_str(r[i], "id");
		else if (!strcmp(se_str(r[i], "event"), "exit")) {
			xt[nx++] = se_str(r[i], "id");
			bad += se_int(r[i], "exit_code") != 0 ||
			       strcmp(se_str(r[i], "status"), "known");
		}
	}
	qsort(ex, ne, sizeof(char *), cmp_str);
	qsort(xt, nx, sizeof(char *), cmp_str);
	bad += ne != nx;
	for (i = 0; i < ne && i < nx; i++)
		bad += strcmp(ex[i], xt[i]) != 0;
	free(ex);
	free(xt);
	return bad;
}

TEST_F_TIMEOUT(storm, five_thousand_execs_from_32_callers, 600)
{
	const char *env = getenv("BSHIM_STORM_EXECS");
	int total = env ? atoi(env) : 5000, bad, st;
	double t0, dt;
	size_t n;

	ASSERT_EQ(0, sd_start(&self->s));
	t0 = sd_now();
	bad = sd_storm(self->s.tiny, 32, total);
	dt = sd_now() - t0;
	EXPECT_EQ(0, bad);
	/* Every run has ended; its exit record may not be written yet. */
	EXPECT_TRUE(sd_wait_count(self->s.out, "exit", (size_t)total, 60000));
	st = sd_stop(&self->s, SIGTERM);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	n = sd_read(self->s.out, self->r, MAX_RECS);
	TH_LOG("%d execs in %.1f s (%.0f/s); %zu records", total, dt, total / dt, n);
	EXPECT_EQ(total, sd_count(self->r, n, "exec"));
	EXPECT_EQ(total, sd_count(self->r, n, "exit"));
	EXPECT_EQ(0, sd_count(self->r, n, "bad"));
	EXPECT_EQ(0, sd_count(self->r, n, "lost"));
	EXPECT_EQ(0, unjoined(self->r, n));
	se_log_free(self->r, n);
	/* A shim that waited its 5 ms in vain also logged a copy itself
	 * ("no answer in time"): a duplicate, never a loss; rare (< 5%
	 * on a loaded 2-core machine), or the collector is too slow. */
	n = sd_read(self->s.e.log, self->r, MAX_RECS);
	TH_LOG("%zu shims also logged their own copy", n);
	EXPECT_LE(n * 20, (size_t)total);
	se_log_free(self->r, n);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Distinct pids of the exec records in the collector's log and the
 * shims' fallback log: one per run, however often it was logged. */
static size_t distinct_runs(struct shimd_env *s, json_t **r)
{
	static long long pids[2 * MAX_RECS];
	size_t n, i, k = 0, d = 0;
	const char *files[2] = { s->out, s->e.log };
	int f;

	for (f = 0; f < 2; f++) {
		n = sd_read(files[f], r, MAX_RECS);
		for (i = 0; i < n; i++)
			if (r[i] && !strcmp(se_str(r[i], "event"), "exec"))
				pids[k++] = se_int(r[i], "pid");
		se_log_free(r, n);
	}
	qsort(pids, k, sizeof(pids[0]), cmp_ll);
	for (i = 0; i < k; i++)
		d += i == 0 || pids[i] != pids[i - 1];
	return d;
}

/* Count the exec/exit records of the collector's files and the shims'
 * fallback log. */
static void tally(struct shimd_env *s, json_t **r, int rotations,
		  size_t *execs, size_t *exits, size_t *fallback, size_t *bad)
{
	char path[256];
	size_t n;
	int k;

	*execs = *exits = *bad = 0;
	for (k = 0; k <= rotations; k++) {
		if (k < rotations)
			snprintf(path, sizeof(path), "%.160s.%d", s->out, k);
		else
			snprintf(path, sizeof(path), "%.160s", s->out);
		n = sd_read(path, r, MAX_RECS);
		*execs += sd_count(r, n, "exec");
		*exits += sd_count(r, n, "exit");
		*bad += sd_count(r, n, "bad") + sd_count(r, n, "lost");
		se_log_free(r, n);
	}
	n = sd_read(s->e.log, r, MAX_RECS);
	*fallback = sd_count(r, n, "exec");
	se_log_free(r, n);
}

TEST_F(storm, sighup_rotation_under_load_loses_nothing)
{
	enum { TOTAL = 1200, CALLERS = 8, ROTATIONS = 5 };
	size_t execs, exits, fallback, bad;
	char to[256];
	pid_t storm;
	int k, st;

	ASSERT_EQ(0, sd_start(&self->s));
	storm = fork();
	ASSERT_LE(0, storm);
	if (storm == 0)
		_exit(sd_storm(self->s.tiny, CALLERS, TOTAL) ? 1 : 0);
	for (k = 0; k < ROTATIONS; k++) {
		/* Spread over the storm, and each file with a record in it
		 * before it is rotated (a cold start may be slow to write the
		 * first; the reopen may still be pending). */
		usleep(300000);
		ASSERT_TRUE(sd_wait_count(self->s.out, "exec", 1, 60000));
		snprintf(to, sizeof(to), "%.160s.%d", self->s.out, k);
		ASSERT_EQ(0, rename(self->s.out, to));
		kill(self->s.dpid, SIGHUP);
	}
	ASSERT_EQ(storm, waitpid(storm, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	st = sd_stop(&self->s, SIGTERM);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	tally(&self->s, self->r, ROTATIONS, &execs, &exits, &fallback, &bad);
	TH_LOG("%zu exec + %zu exit records over %d files, %zu fallbacks",
	       execs, exits, ROTATIONS + 1, fallback);
	/* Every run recorded: by the collector, or (a shim refused at
	 * connect while the machine is busy) in the file by the shim; a
	 * shim whose answer came late logs a duplicate, never a loss. */
	EXPECT_LE(execs, TOTAL);
	EXPECT_LE(TOTAL, execs + fallback);
	EXPECT_EQ(execs, exits);
	EXPECT_LE(fallback * 20, TOTAL);
	EXPECT_EQ(0, bad);
	/* Each rotated file got records: the reopen really happened. */
	for (k = 0; k < ROTATIONS; k++) {
		snprintf(to, sizeof(to), "%.160s.%d", self->s.out, k);
		EXPECT_TRUE(tl_have(to));
	}
}

/*
 * SIGKILL mid-storm, restart 300 ms later. The shims that found no
 * collector logged their own record ("collector unavailable"); every run
 * is recorded at least once. A shim whose answer was lost with the
 * daemon logs a second copy itself (a duplicate, never a loss); runs
 * still going at the kill have no exit record (the pidfds died with it).
 */
TEST_F(storm, killed_and_restarted_during_a_storm_nothing_lost)
{
	enum { TOTAL = 1500, CALLERS = 16 };
	size_t execs, exits, fallback, bad, n, i;
	pid_t storm;
	int st;

	ASSERT_EQ(0, sd_start(&self->s));
	storm = fork();
	ASSERT_LE(0, storm);
	if (storm == 0)
		_exit(sd_storm(self->s.tiny, CALLERS, TOTAL) ? 1 : 0);
	usleep(700000);
	st = sd_stop(&self->s, SIGKILL);
	EXPECT_TRUE(WIFSIGNALED(st));
	usleep(300000);
	ASSERT_EQ(0, sd_start(&self->s));
	ASSERT_EQ(storm, waitpid(storm, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	sd_stop(&self->s, SIGTERM);
	tally(&self->s, self->r, 0, &execs, &exits, &fallback, &bad);
	TH_LOG("%zu collector exec, %zu exit, %zu fallback records", execs, exits, fallback);
	EXPECT_LE(TOTAL, execs + fallback);
	EXPECT_EQ(TOTAL, distinct_runs(&self->s, self->r));
	EXPECT_LT(0, fallback) TH_LOG("no shim saw the collector down");
	EXPECT_LT(0, execs);
	EXPECT_LE(execs - exits, CALLERS);	/* at most the runs in flight */
	EXPECT_EQ(0, bad);
	/* Every fallback record says why. */
	n = sd_read(self->s.e.log, self->r, MAX_RECS);
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, strncmp("collector unavailable", se_str(self->r[i], "collector_error"), 21));
	se_log_free(self->r, n);
}

TEST_HARNESS_MAIN
