// SPDX-License-Identifier: GPL-2.0
/*
 * Denial of service by one unprivileged uid (tests/integration/
 * test_shimd_uids.h), each of which once worked:
 *   - runs tracked until every fd of the collector was taken: 1,100
 *     execs of one sleeping process with RLIMIT_NOFILE 1024 (systemd's
 *     default for a unit), after which every other user was refused.
 *     Now the caps come from the fd budget, and over them the exec is
 *     written with "exit_tracked": false;
 *   - accept(2) failing with EMFILE, re-armed at once: a busy loop. Now
 *     a back-off; the collector's CPU time over a flood is measured;
 *   - --sha256 slots held by 1 TiB sparse files. Now a size bound, a
 *     time bound, and at most half of the slots per uid while another
 *     uid's file waits.
 */
#include <sys/un.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "test_shimd_uids.h"

FIXTURE(dos) {
	struct shimd_env s;
};

FIXTURE_SETUP(dos)
{
	char why[256] = "";
	int rc = su_setup(&self->s, why, sizeof(why));

	if (rc > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s (%s)", why, strerror(-rc));
}

FIXTURE_TEARDOWN(dos)
{
	su_teardown(&self->s);
}

#define EXEC_BODY "{\"v\":1,\"event\":\"exec\",\"path\":\"/x\"}"
#define DENY_BODY "{\"v\":1,\"event\":\"deny\",\"path\":\"/x\"}"

struct id_arg {
	char id[64];
};

static int has_exit_of(json_t **r, size_t n, void *arg)
{
	return sd_exit_of(r, n, ((struct id_arg *)arg)->id) != NULL;
}

TEST_F(dos, tracked_runs_cannot_take_every_fd)
{
	enum { FLOOD = 1100 };
	static json_t *r[2048];
	struct id_arg b = { "" };
	int p[2], q[2], st, fds, untracked = 0;
	long accepted = -1;
	pid_t a, v;
	size_t n, i;

	self->s.nofile = 1024;
	ASSERT_EQ(0, sd_start(&self->s));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
	a = fork();
	ASSERT_LE(0, a);
	if (a == 0) {
		long k;
		int bin;
		char c;

		close(p[0]);
		close(q[1]);
		if (su_become(UID_A) || (bin = open(self->s.tiny, O_RDONLY | O_CLOEXEC)) < 0)
			_exit(99);
		for (k = 0; k < FLOOD && su_send(self->s.sock, EXEC_BODY, bin) == 'A'; k++)
			;
		(void)!write(p[1], &k, sizeof(k));
		(void)!read(q[0], &c, 1);	/* alive, and tracked, until told */
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	ASSERT_EQ((ssize_t)sizeof(accepted), read(p[0], &accepted, sizeof(accepted)));
	close(p[0]);
	fds = sd_fd_count(self->s.dpid);
	TH_LOG("%ld of %d execs of one process accepted; the collector holds %d fds",
	       accepted, FLOOD, fds);
	EXPECT_EQ(FLOOD, accepted);
	EXPECT_LT(fds, 1024 / 2);

	/* Another uid: its exec is taken, tracked, and its exit recorded. */
	v = fork();
	ASSERT_LE(0, v);
	if (v == 0) {
		int bin;

		if (su_become(UID_B) || (bin = open(self->s.tiny, O_RDONLY | O_CLOEXEC)) < 0)
			_exit(99);
		_exit(su_send(self->s.sock, EXEC_BODY, bin) == 'A' ? 0 : 1);
	}
	ASSERT_EQ(v, waitpid(v, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("the other uid's exec was refused");
	n = sd_read(self->s.out, r, 2048);
	for (i = 0; i < n; i++) {
		if (!r[i] || strcmp(se_str(r[i], "event"), "exec"))
			continue;
		if (se_int(r[i], "uid") == UID_B) {
			snprintf(b.id, sizeof(b.id), "%s", se_str(r[i], "id"));
			EXPECT_TRUE(json_is_true(json_object_get(r[i], "exit_tracked")));
		} else {
			untracked += json_is_false(json_object_get(r[i], "exit_tracked"));
		}
	}
	se_log_free(r, n);
	TH_LOG("%d of the flood's exec records say \"exit_tracked\": false", untracked);
	EXPECT_LT(0, untracked);
	ASSERT_NE(0, b.id[0]);
	EXPECT_TRUE(su_wait_log(self->s.out, has_exit_of, &b, 20000));
	close(q[1]);
	waitpid(a, NULL, 0);
}

/* Connections held open, reconnected when closed, for secs. */
static void hold_connections(const char *sock, int nconn, double secs)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fds[256], i;
	double end = sd_now() + secs;
	char c;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", sock);
	for (i = 0; i < nconn; i++)
		fds[i] = -1;
	while (sd_now() < end) {
		for (i = 0; i < nconn; i++) {
			if (fds[i] >= 0 && recv(fds[i], &c, 1, MSG_DONTWAIT) != 0)
				continue;
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
			if (fds[i] >= 0 && connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) < 0) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
		usleep(20000);
	}
}

/*
 * RLIMIT_NOFILE 48 for the collector, and connections that say nothing
 * from 4 uids (each under the per-uid cap of 64): accept(2) fails with
 * EMFILE. Over 3 s of that, the collector's CPU time must stay low; the
 * old one spun at 100% of a core. Its refusals are counted, and it
 * serves again once the flood is over.
 */
TEST_F(dos, accept_out_of_fds_backs_off)
{
	static json_t *r[256];
	enum { SECS = 3, UIDS = 4 };
	long long t0, t1, hz = sysconf(_SC_CLK_TCK), rej = 0;
	pid_t kids[UIDS];
	int k, st;
	size_t n, i;

	self->s.nofile = 48;
	ASSERT_EQ(0, sd_start(&self->s));
	t0 = su_cpu_ticks(self->s.dpid);
	for (k = 0; k < UIDS; k++) {
		kids[k] = fork();
		ASSERT_LE(0, kids[k]);
		if (kids[k] == 0) {
			if (su_become(UID_A + 10 + (uid_t)k))
				_exit(99);
			hold_connections(self->s.sock, 60, SECS);
			_exit(0);
		}
	}
	for (k = 0; k < UIDS; k++)
		waitpid(kids[k], NULL, 0);
	t1 = su_cpu_ticks(self->s.dpid);
	TH_LOG("collector CPU over a %d s EMFILE flood: %lld ticks (%lld per s)", SECS,
	       t1 - t0, hz);
	/* Generous: a quarter of a core. The busy loop took all of one. */
	EXPECT_LT(t1 - t0, hz * SECS / 4);
	/* It serves again: the idle connections are swept within 1 s. */
	k = fork();
	ASSERT_LE(0, k);
	if (k == 0) {
		int bin = open(self->s.tiny, O_RDONLY | O_CLOEXEC), a = 0;
		double end = sd_now() + 10;

		/* Until the sweep has freed fds (a guard of 10 s). */
		while (sd_now() < end && (a = su_send(self->s.sock, DENY_BODY, bin)) != 'A')
			usleep(50000);
		_exit(a == 'A' ? 0 : 1);
	}
	ASSERT_EQ(k, waitpid(k, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	st = sd_stop(&self->s, SIGTERM);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	n = sd_read(self->s.out, r, 256);
	for (i = 0; i < n; i++)
		if (r[i] && !strcmp(se_str(r[i], "event"), "rejected") &&
		    strstr(se_str(r[i], "reason"), "out of file descriptors"))
			rej += se_int(r[i], "count");
	se_log_free(r, n);
	TH_LOG("%lld accept pauses counted", rej);
	EXPECT_LT(0, rej);
}

/* A sparse file of size bytes on the test's tmpfs. */
static int sparse(const char *dir, int k, off_t size, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%.128s/huge%d", dir, k);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, size) < 0)
		return -1;
	close(fd);
	return 0;
}

struct hash_wait {
	const char *id;
	const char *want;	/* substring of "error", or NULL: a digest */
};

static int has_hash(json_t **r, size_t n, void *arg)
{
	struct hash_wait *h = arg;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!r[i] || strcmp(se_str(r[i], "event"), "hash") ||
		    strcmp(se_str(r[i], "id"), h->id))
			continue;
		if (h->want)
			return strstr(se_str(r[i], "error"), h->want) != NULL;
		return strlen(se_str(r[i], "sha256")) == 64;
	}
	return 0;
}

static int last_id_of_uid(const char *out, uid_t uid, char *id, size_t len)
{
	static json_t *r[512];
	size_t n = sd_read(out, r, 512), i;

	id[0] = '\0';
	for (i = 0; i < n; i++)
		if (r[i] && se_int(r[i], "uid") == (long long)uid &&
		    !strcmp(se_str(r[i], "event"), "deny"))
			snprintf(id, len, "%s", se_str(r[i], "id"));
	se_log_free(r, n);
	return id[0] ? 0 : -1;
}

/* UID_A sends nhuge denies whose binary fd is a 1 TiB sparse file; then
 * UID_B's ordinary binary must get its digest. Returns UID_B's id. */
static int hash_flood(struct shimd_env *s, int nhuge, char *id, size_t len)
{
	pid_t a;
	int st, k;

	for (k = 0; k < nhuge; k++) {
		char path[256];

		if (sparse(s->e.dir, k, (off_t)1 << 40, path, sizeof(path)))
			return -1;
	}
	a = fork();
	if (a == 0) {
		if (su_become(UID_A))
			_exit(99);
		for (k = 0; k < nhuge; k++) {
			char path[256];
			int fd;

			snprintf(path, sizeof(path), "%.128s/huge%d", s->e.dir, k);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || su_send(s->sock, DENY_BODY, fd) != 'A')
				_exit(1);
			close(fd);
		}
		_exit(0);
	}
	if (a < 0 || waitpid(a, &st, 0) != a || WEXITSTATUS(st))
		return -2;
	a = fork();
	if (a == 0) {
		int fd;

		if (su_become(UID_B))
			_exit(99);
		fd = open(s->tiny, O_RDONLY | O_CLOEXEC);
		_exit(fd >= 0 && su_send(s->sock, DENY_BODY, fd) == 'A' ? 0 : 1);
	}
	if (a < 0 || waitpid(a, &st, 0) != a || WEXITSTATUS(st))
		return -3;
	return last_id_of_uid(s->out, UID_B, id, len);
}

/* The default size bound: 1 TiB files are not read at all. */
TEST_F(dos, huge_files_do_not_starve_the_hashes)
{
	const char *args[] = { "--sha256", NULL };
	struct hash_wait h = { NULL, NULL };
	char id[64], aid[64];

	ASSERT_EQ(0, sd_start_args(&self->s, args));
	ASSERT_EQ(0, hash_flood(&self->s, 8, id, sizeof(id)));
	h.id = id;
	EXPECT_TRUE(su_wait_log(self->s.out, has_hash, &h, 20000))
		TH_LOG("no digest for the other uid's binary");
	ASSERT_EQ(0, last_id_of_uid(self->s.out, UID_A, aid, sizeof(aid)));
	h.id = aid;
	h.want = "skipped: over the size limit";
	EXPECT_TRUE(su_wait_log(self->s.out, has_hash, &h, 20000));
}

/* With the size bound lifted, the slots' fair share: UID_A holds at most
 * half of them, so UID_B's binary is hashed while UID_A's files are. */
TEST_F(dos, one_uid_holds_at_most_half_the_hash_slots)
{
	const char *args[] = { "--sha256", "--hash-max-size", "2T", NULL };
	struct hash_wait h = { NULL, NULL };
	char id[64];

	ASSERT_EQ(0, sd_start_args(&self->s, args));
	ASSERT_EQ(0, hash_flood(&self->s, 8, id, sizeof(id)));
	h.id = id;
	EXPECT_TRUE(su_wait_log(self->s.out, has_hash, &h, 20000))
		TH_LOG("no digest for the other uid's binary");
}

/* And the time bound: a file still being read after --hash-max-ms. */
TEST_F(dos, a_hash_over_its_time_is_given_up)
{
	const char *args[] = { "--sha256", "--hash-max-size", "2T", "--hash-max-ms", "300",
			       NULL };
	struct hash_wait h = { NULL, "skipped: over the time limit" };
	char id[64], aid[64];
	double t0 = sd_now();

	ASSERT_EQ(0, sd_start_args(&self->s, args));
	ASSERT_EQ(0, hash_flood(&self->s, 1, id, sizeof(id)));
	ASSERT_EQ(0, last_id_of_uid(self->s.out, UID_A, aid, sizeof(aid)));
	h.id = aid;
	EXPECT_TRUE(su_wait_log(self->s.out, has_hash, &h, 20000));
	TH_LOG("the 1 TiB file given up after %.1f s", sd_now() - t0);
}

TEST_HARNESS_MAIN
