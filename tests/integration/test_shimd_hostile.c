// SPDX-License-Identifier: GPL-2.0
/*
 * What any local user can throw at the collector's socket: oversized and
 * malformed messages, missing and extra fds, a flood of fds, fds that are
 * not what they claim, forged credentials, connections that say nothing,
 * the collector's own events ("lost", "exit", ...), messages without a
 * pidfd, an exec without the binary's fd.
 * Each is refused without a crash and without a leaked fd (the daemon's
 * /proc/PID/fd is counted before and after), counted in a "rejected"
 * record, and a real shim still gets through afterwards.
 */
#include <fcntl.h>
#include <sys/un.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimdenv.h"
#include "test_shimd_wait.h"

#define VALID "{\"v\":1,\"event\":\"deny\",\"path\":\"/x\"}"

enum fdkind { FD_NONE, FD_BIN, FD_PIPE, FD_PIDFD_SELF, FD_PIDFD_PARENT };

struct hostile {
	const char *name;
	uint16_t flags;
	const char *body;	/* NULL: an oversized body */
	enum fdkind fds[4];
	int nfds;		/* > 4: that many copies of the binary's fd */
	int want;		/* answer: 'A', 'R', 0 (EOF) */
};

static const struct hostile cases[] = {
	{ "valid, for contrast", SHIMMSG_F_ALL, VALID, { FD_BIN, FD_PIDFD_SELF }, 2, 'A' },
	{ "oversized", 0, NULL, { FD_NONE }, 0, 'R' },
	{ "not JSON", 0, "{\"v\":1,\"event\":", { FD_NONE }, 0, 'R' },
	{ "an array", 0, "[1,2]", { FD_NONE }, 0, 'R' },
	{ "reserved key", 0, "{\"v\":1,\"event\":\"exec\",\"source\":\"collector\"}",
	  { FD_NONE }, 0, 'R' },
	{ "reserved key of the collector's flags", SHIMMSG_F_ALL,
	  "{\"v\":1,\"event\":\"exec\",\"exit_tracked\":true}", { FD_BIN, FD_PIDFD_SELF }, 2, 'R' },
	{ "fds missing", SHIMMSG_F_ALL, VALID, { FD_BIN }, 1, 'R' },
	{ "extra fds", SHIMMSG_F_BINFD, VALID, { FD_BIN, FD_BIN, FD_BIN }, 3, 'R' },
	{ "fds not announced", 0, VALID, { FD_BIN }, 1, 'R' },
	{ "a flood of 253 fds", SHIMMSG_F_ALL, VALID, { FD_BIN }, 253, 'R' },
	{ "a pipe for the binary", SHIMMSG_F_ALL, VALID, { FD_PIPE, FD_PIDFD_SELF }, 2, 'R' },
	{ "a pipe for the pidfd", SHIMMSG_F_PIDFD, VALID, { FD_PIPE }, 1, 'R' },
	{ "another process's pidfd", SHIMMSG_F_PIDFD, VALID, { FD_PIDFD_PARENT }, 1, 'R' },
	{ "the sender's pidfd", SHIMMSG_F_PIDFD, VALID, { FD_PIDFD_SELF }, 1, 'A' },
	/* The collector's own events, and messages without what ties them
	 * to a process and a file. */
	{ "no pidfd, no binary", 0, VALID, { FD_NONE }, 0, 'R' },
	{ "the binary but no pidfd", SHIMMSG_F_BINFD, VALID, { FD_BIN }, 1, 'R' },
	{ "an exec without the binary", SHIMMSG_F_PIDFD,
	  "{\"v\":1,\"event\":\"exec\",\"path\":\"/x\"}", { FD_PIDFD_SELF }, 1, 'R' },
	{ "a lost record", SHIMMSG_F_PIDFD,
	  "{\"v\":1,\"event\":\"lost\",\"count\":999999}", { FD_PIDFD_SELF }, 1, 'R' },
	{ "an exit record", SHIMMSG_F_ALL,
	  "{\"v\":1,\"event\":\"exit\",\"exit_code\":0}", { FD_BIN, FD_PIDFD_SELF }, 2, 'R' },
	{ "a hash record", SHIMMSG_F_ALL,
	  "{\"v\":1,\"event\":\"hash\",\"sha256\":\"00\"}", { FD_BIN, FD_PIDFD_SELF }, 2, 'R' },
	{ "a rejected record", SHIMMSG_F_PIDFD,
	  "{\"v\":1,\"event\":\"rejected\",\"count\":1}", { FD_PIDFD_SELF }, 1, 'R' },
};

static int make_fd(enum fdkind k, const char *bin, int *extra)
{
	int p[2];

	switch (k) {
	case FD_BIN:
		return open(bin, O_RDONLY | O_CLOEXEC);
	case FD_PIPE:
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
		*extra = p[1];
		return p[0];
	case FD_PIDFD_SELF:
		return sd_pidfd_self();
	case FD_PIDFD_PARENT:
		return (int)syscall(434, getppid(), 0);
	default:
		return -1;
	}
}

FIXTURE(hostile) {
	struct shimd_env s;
};

FIXTURE_SETUP(hostile)
{
	char why[256];
	int rc = sd_setup(&self->s, why, sizeof(why));

	SETUP_OR_SKIP(rc, why);
	ASSERT_EQ(0, sd_start(&self->s));
}

FIXTURE_TEARDOWN(hostile)
{
	sd_teardown(&self->s);
}

/* The collector's fds at rest: after its start-up is over (it may open
 * its log after it listens) and a real run has come and gone (its exit
 * record written, its pidfd closed with it). */
static int fds_at_rest(struct __test_metadata *_metadata, struct shimd_env *s)
{
	int st = sd_exec(s->hello, "exit", "0");

	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_TRUE(sd_wait_count(s->out, "exit", 1, 30000));
	return sd_fd_count(s->dpid);
}

/* Until at least want of fds[0..n) see EOF (the collector closed them);
 * the deadline only guards against a hang. How many did. */
static int sd_wait_eof(const int *fds, int n, int want, int deadline_ms)
{
	struct pollfd p[256];
	double end = sd_now() + deadline_ms / 1000.0;
	int i, got = 0, left;

	for (;;) {
		for (i = 0, got = 0; i < n && i < 256; i++) {
			p[i].fd = fds[i];
			p[i].events = POLLIN | POLLRDHUP;
			p[i].revents = 0;
		}
		poll(p, (nfds_t)i, 0);
		for (i = 0; i < n && i < 256; i++)
			got += (p[i].revents & (POLLRDHUP | POLLHUP)) != 0;
		left = (int)((end - sd_now()) * 1000);
		if (got >= want || left <= 0)
			return got;
		usleep(5000);
	}
}

TEST_F(hostile, every_bad_message_is_refused_and_counted)
{
	static char big[SHIMMSG_MAX + 512];
	char msg[1024];
	json_t *r[64];
	int before, after, i, k, nrej = 0, fds[253], extra, got, st;
	long long counted = 0;
	size_t n, len;

	before = fds_at_rest(_metadata, &self->s);
	ASSERT_LT(0, before);
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		const struct hostile *c = &cases[i];
		int nf = c->nfds;

		extra = -1;
		if (c->body) {
			len = sd_msg(msg, sizeof(msg), c->flags, c->body);
		} else {
			memset(big, ' ', sizeof(big));
			len = sd_msg(big, sizeof(big), c->flags, VALID);
			big[len] = ' ';
			len = SHIMMSG_MAX + 100;
		}
		for (k = 0; k < nf; k++)
			fds[k] = k < 4 && c->fds[k] != FD_NONE ? make_fd(c->fds[k], self->s.hello, &extra)
							      : fds[0];
		got = sd_send_raw(self->s.sock, c->body ? msg : big, len, fds, nf, NULL);
		EXPECT_EQ(c->want, got) TH_LOG("%s: answer %d", c->name, got);
		for (k = 0; k < nf && k < 4; k++)
			if (fds[k] >= 0 && (k == 0 || fds[k] != fds[0]))
				close(fds[k]);
		if (extra >= 0)
			close(extra);
		nrej += c->want == 'R';
	}
	/* Forged credentials: the kernel itself refuses them. */
	{
		struct ucred cred = { .pid = 1, .uid = getuid(), .gid = getgid() };

		len = sd_msg(msg, sizeof(msg), 0, VALID);
		EXPECT_EQ(-EPERM, sd_send_raw(self->s.sock, msg, len, NULL, 0, &cred));
	}
	/* Connections that close without a word, and an empty message. */
	for (i = 0; i < 20; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", self->s.sock);
		ASSERT_EQ(0, connect(c, (struct sockaddr *)&sa, sizeof(sa)));
		if (i & 1)
			send(c, "", 0, 0);
		close(c);
	}
	/* The daemon lives, holds no fd more than before, and a real shim
	 * still gets through. */
	st = sd_exec(self->s.hello, "exit", "0");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Its exit record is written when the collector has seen the run
	 * end, and its pidfd is closed with it: then count the fds. */
	EXPECT_TRUE(sd_wait_count(self->s.out, "exit", 2, 30000));
	ASSERT_EQ(0, waitpid(self->s.dpid, &st, WNOHANG)) TH_LOG("the daemon died");
	after = sd_fd_count(self->s.dpid);
	EXPECT_EQ(before, after) TH_LOG("fds: %d before, %d after", before, after);
	sd_stop(&self->s, SIGTERM);
	n = sd_read(self->s.out, r, 64);
	for (i = 0; i < (int)n; i++)
		if (r[i] && !strcmp(se_str(r[i], "event"), "rejected"))
			counted += se_int(r[i], "count");
	EXPECT_EQ(nrej, counted);
	EXPECT_EQ(0, sd_count(r, n, "bad"));
	/* None of the collector's own events came from a client. */
	EXPECT_EQ(0, sd_count(r, n, "lost"));
	EXPECT_EQ(0, sd_count(r, n, "hash"));
	/* The warm-up run and the last one, plus what was valid. */
	EXPECT_EQ(4, sd_count(r, n, "deny") + sd_count(r, n, "exec"));
	EXPECT_EQ(2, sd_count(r, n, "exit"));
	se_log_free(r, n);
	EXPECT_EQ(0, sd_fallbacks_not_late(self->s.e.log));
}

/* 64 clients at once, each with a pile of fds it should not send. */
TEST_F(hostile, a_concurrent_fd_flood_leaks_nothing)
{
	enum { CLIENTS = 64 };
	pid_t pids[CLIENTS];
	int before, after, i, st, refused = 0;

	before = fds_at_rest(_metadata, &self->s);
	for (i = 0; i < CLIENTS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			char msg[256];
			int fds[100], k, fd = open(self->s.hello, O_RDONLY | O_CLOEXEC);
			size_t len = sd_msg(msg, sizeof(msg), SHIMMSG_F_BINFD, VALID);

			for (k = 0; k < 100; k++)
				fds[k] = fd;
			_exit(sd_send_raw(self->s.sock, msg, len, fds, 100, NULL) == 'R' ? 0 : 1);
		}
	}
	for (i = 0; i < CLIENTS; i++) {
		waitpid(pids[i], &st, 0);
		refused += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	EXPECT_EQ(CLIENTS, refused);
	ASSERT_EQ(0, waitpid(self->s.dpid, &st, WNOHANG));
	/* Every fd it was sent is closed: it holds no more than before (a
	 * connection of sd_start's may have gone since). */
	after = sd_fd_wait_le(self->s.dpid, before, 10000);
	EXPECT_LE(after, before);
}

/* Connections that never send hold a slot (at most 64 per uid) for a
 * second, then the collector closes them; the rest are closed at once. */
TEST_F(hostile, idle_connections_are_capped_and_dropped)
{
	enum { IDLE = 150 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fds[IDLE], before, during, after, i, eof;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", self->s.sock);
	before = fds_at_rest(_metadata, &self->s);
	for (i = 0; i < IDLE; i++) {
		fds[i] = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		ASSERT_EQ(0, connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)));
	}
	/* Those over the cap are closed at once: wait for their EOF. */
	EXPECT_LE(IDLE - 64, sd_wait_eof(fds, IDLE, IDLE - 64, 10000));
	during = sd_fd_count(self->s.dpid);
	EXPECT_LE(during - before, 64) TH_LOG("%d connections held", during - before);
	EXPECT_LT(0, during - before);
	/* The rest a second after their accept, by the sweep. */
	eof = sd_wait_eof(fds, IDLE, IDLE, 10000);
	EXPECT_EQ(IDLE, eof);
	for (i = 0; i < IDLE; i++)
		close(fds[i]);
	after = sd_fd_wait_le(self->s.dpid, before, 10000);
	EXPECT_LE(after, before);
	/* And the collector still serves. */
	i = sd_exec(self->s.hello, "exit", "0");
	EXPECT_TRUE(WIFEXITED(i) && WEXITSTATUS(i) == 0);
}

TEST_HARNESS_MAIN
