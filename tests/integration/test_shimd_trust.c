// SPDX-License-Identifier: GPL-2.0
/*
 * What the collector's records vouch for, against a second real uid that
 * crafts its messages (tests/integration/test_shimd_uids.h):
 *   - the collector's own events ("lost" with a count of 999999, "exit",
 *     "hash", "rejected") are refused from a client, as are messages
 *     without the sender's pidfd, an exec without the binary's fd, and a
 *     pidfd of another process: each answered 'R' and counted;
 *   - "time" is the collector's clock, the client's under "claimed";
 *   - a deny without the binary's fd is kept, marked
 *     "file_verified": false;
 *   - an event made to break the RFC 5424 header (`x [binfmt-shim@32473
 *     uid="0"]`) never reaches --sink syslog, and no datagram has more
 *     than one structured-data element;
 *   - the largest record a real shim sends (64 KiB, fields of 4096
 *     bytes) is written whole with what the collector adds, and one that
 *     would outgrow the output record is refused as "record too large".
 */
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "logscan.h"
#include "test_shimd_uids.h"

FIXTURE(trust) {
	struct shimd_env s;
};

FIXTURE_SETUP(trust)
{
	char why[256] = "";
	int rc = su_setup(&self->s, why, sizeof(why));

	if (rc > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s (%s)", why, strerror(-rc));
}

FIXTURE_TEARDOWN(trust)
{
	su_teardown(&self->s);
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	logscan_format_time(ts.tv_sec, ts.tv_nsec, buf, len);
}

/* The attacker's messages, answers written to fd as one byte each. */
struct attack {
	const char *name, *body;
	int with_bin;		/* send the binary's fd */
	int other_pidfd;	/* a pidfd of the parent, not ours */
	int no_pidfd;
	int want;
};

static const struct attack attacks[] = {
	{ "a lost record", "{\"v\":1,\"event\":\"lost\",\"count\":999999,\"reason\":\"x\"}",
	  0, 0, 0, 'R' },
	{ "an exit record", "{\"v\":1,\"event\":\"exit\",\"id\":\"1-1\",\"exit_code\":0}",
	  1, 0, 0, 'R' },
	{ "a hash record", "{\"v\":1,\"event\":\"hash\",\"id\":\"1-1\",\"sha256\":\"00\"}",
	  1, 0, 0, 'R' },
	{ "a rejected record", "{\"v\":1,\"event\":\"rejected\",\"count\":5}", 0, 0, 0, 'R' },
	{ "an unknown event", "{\"v\":1,\"event\":\"x [binfmt-shim@32473 uid=\\\"0\\\"]\"}",
	  1, 0, 0, 'R' },
	{ "no pidfd", "{\"v\":1,\"event\":\"deny\",\"path\":\"/x\"}", 0, 0, 1, 'R' },
	{ "an exec without the binary", "{\"v\":1,\"event\":\"exec\",\"path\":\"/x\"}",
	  0, 0, 0, 'R' },
	{ "another process's pidfd", "{\"v\":1,\"event\":\"deny\",\"path\":\"/x\"}",
	  1, 1, 0, 'R' },
	/* Accepted: the time is the collector's, the claim kept aside. */
	{ "an exec with its own time",
	  "{\"v\":1,\"time\":\"2000-01-01T00:00:00.000000Z\",\"event\":\"exec\","
	  "\"path\":\"/x\",\"uid\":0}", 1, 0, 0, 'A' },
	/* Accepted, the file not verified. */
	{ "a deny without the binary",
	  "{\"v\":1,\"event\":\"deny\",\"path\":\"/etc/shadow\",\"arch\":\"x86_64\"}",
	  0, 0, 0, 'A' },
};
#define NATTACKS (sizeof(attacks) / sizeof(attacks[0]))

static void attacker(const char *sock, const char *bin, int answers)
{
	unsigned char got[NATTACKS];
	size_t i;

	if (su_become(UID_A))
		_exit(99);
	for (i = 0; i < NATTACKS; i++) {
		const struct attack *a = &attacks[i];
		static char msg[4096];
		int fds[2], n = 0, r, binfd = -1;
		size_t len;

		if (a->with_bin)
			binfd = fds[n++] = sd_warm_fd(open(bin, O_RDONLY | O_CLOEXEC));
		len = sd_msg(msg, sizeof(msg),
			     (a->with_bin ? SHIMMSG_F_BINFD : 0) | (a->no_pidfd ? 0 : SHIMMSG_F_PIDFD),
			     a->body);
		if (!a->no_pidfd)
			fds[n++] = a->other_pidfd ? (int)syscall(434, getppid(), 0) : sd_pidfd_self();
		r = sd_send_raw(sock, msg, len, fds, n, NULL);
		got[i] = r > 0 ? (unsigned char)r : '?';
		while (n-- > 0)
			close(fds[n]);
		(void)binfd;
	}
	(void)!write(answers, got, sizeof(got));
	_exit(0);
}

static int has_exit(json_t **r, size_t n, void *arg)
{
	(void)arg;
	return sd_count(r, n, "exit") > 0;
}

TEST_F(trust, a_client_cannot_forge_collector_records_or_time)
{
	static json_t *r[64];
	unsigned char got[NATTACKS];
	char t0[64], t1[64];
	int p[2], st;
	long long counted = 0, want_rej = 0;
	size_t n, i, nexec = 0, ndeny = 0, nexit = 0;
	pid_t pid;

	ASSERT_EQ(0, sd_start(&self->s));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	now_rfc3339(t0, sizeof(t0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		attacker(self->s.sock, self->s.tiny, p[1]);
	close(p[1]);
	ASSERT_EQ((ssize_t)sizeof(got), read(p[0], got, sizeof(got)));
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, WEXITSTATUS(st));
	for (i = 0; i < NATTACKS; i++) {
		EXPECT_EQ(attacks[i].want, got[i]) TH_LOG("%s: answer '%c'", attacks[i].name, got[i]);
		want_rej += attacks[i].want == 'R';
	}
	/* The accepted exec was of the attacker's own process, which has
	 * ended: its exit record comes (waited for, so the stop abandons no
	 * run and writes no "lost" record). */
	EXPECT_TRUE(su_wait_log(self->s.out, has_exit, NULL, 20000));
	st = sd_stop(&self->s, SIGTERM);
	now_rfc3339(t1, sizeof(t1));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	n = sd_read(self->s.out, r, 64);
	for (i = 0; i < n; i++) {
		const char *ev, *t;

		ASSERT_NE(NULL, r[i]);
		ev = se_str(r[i], "event");
		t = se_str(r[i], "time");
		/* Every record: the collector's, at the collector's time. */
		EXPECT_STREQ("collector", se_str(r[i], "source"));
		EXPECT_LE(0, strcmp(t, t0)) TH_LOG("%s: time %s before %s", ev, t, t0);
		EXPECT_GE(0, strcmp(t, t1)) TH_LOG("%s: time %s after %s", ev, t, t1);
		EXPECT_STRNE("lost", ev);
		EXPECT_STRNE("hash", ev);
		if (!strcmp(ev, "exit")) {
			nexit++;
		} else if (!strcmp(ev, "rejected")) {
			counted += se_int(r[i], "count");
			EXPECT_EQ(UID_A, se_int(r[i], "uid"));
		} else if (!strcmp(ev, "exec")) {
			nexec++;
			EXPECT_EQ(UID_A, se_int(r[i], "uid"));
			EXPECT_EQ(UID_A, se_int(r[i], "verified.uid"));
			EXPECT_EQ(0, se_int(r[i], "claimed.uid"));
			EXPECT_STREQ("2000-01-01T00:00:00.000000Z", se_str(r[i], "claimed.time"));
			EXPECT_TRUE(json_is_true(json_object_get(r[i], "file_verified")));
			EXPECT_TRUE(json_is_true(json_object_get(r[i], "exit_tracked")));
			SD_EXPECT_VERIFIED_ARCH(r[i], "verified.arch", "aarch64");
		} else if (!strcmp(ev, "deny")) {
			json_t *v = json_object_get(r[i], "verified");

			ndeny++;
			EXPECT_TRUE(json_is_false(json_object_get(r[i], "file_verified")));
			EXPECT_EQ(UID_A, se_int(r[i], "verified.uid"));
			EXPECT_EQ(NULL, json_object_get(v, "dev"));
			EXPECT_EQ(NULL, json_object_get(v, "arch"));
			EXPECT_STREQ("x86_64", se_str(r[i], "arch"));	/* the claim */
		} else {
			EXPECT_STREQ("an expected event", ev);
		}
	}
	EXPECT_EQ(1, nexec);
	EXPECT_EQ(1, ndeny);
	EXPECT_EQ(1, nexit);
	EXPECT_EQ(want_rej, counted);
	se_log_free(r, n);
}

/* A datagram socket standing in for syslog; returns its fd. */
static int fake_syslog(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0666))
		return -1;
	return fd;
}

/* Count the SD-ELEMENTs of an RFC 5424 message: after the six header
 * fields, '[' ... ']' with '\' escapes inside quoted values. */
static int sd_elements(const char *m, size_t len)
{
	size_t i = 0, sp = 0;
	int n = 0, inq = 0;

	while (i < len && sp < 6)
		sp += m[i++] == ' ';
	if (i < len && m[i] == '-')
		return 0;
	for (; i < len; i++) {
		if (inq) {
			if (m[i] == '\\')
				i++;
			else if (m[i] == '"')
				inq = 0;
		} else if (m[i] == '"') {
			inq = 1;
		} else if (m[i] == '[') {
			n++;
		} else if (m[i] == ']' && (i + 1 == len || m[i + 1] != '[')) {
			break;
		}
	}
	return n;
}

TEST_F(trust, no_event_reaches_the_syslog_header)
{
	char sock[256], buf[SHIMMSG_MAX + 8192];
	const char *args[] = { "--sink", "syslog", "--sink-socket", sock, NULL };
	int fd, st, dgrams = 0, a;
	pid_t pid;
	ssize_t k;

	snprintf(sock, sizeof(sock), "%.128s/syslog.sock", self->s.e.dir);
	fd = fake_syslog(sock);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sd_start_args(&self->s, args));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int bin;

		if (su_become(UID_A))
			_exit(99);
		bin = sd_warm_fd(open(self->s.tiny, O_RDONLY | O_CLOEXEC));
		a = su_send(self->s.sock, "{\"v\":1,\"event\":\"x [binfmt-shim@32473 uid=\\\"0\\\"]\","
			    "\"path\":\"/x\",\"arch\":\"a\\\"] [evil@1 k=\\\"v\"}", bin);
		if (a != 'R')
			_exit(1);
		/* A deny whose claimed arch tries the same in a PARAM-VALUE. */
		a = su_send(self->s.sock, "{\"v\":1,\"event\":\"deny\",\"path\":\"/x\","
			    "\"arch\":\"a\\\"] [evil@1 uid=\\\"0\\\"\"}", -1);
		_exit(a == 'A' ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("1: the event was taken; 2: the deny was not");
	st = sd_stop(&self->s, SIGTERM);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	while ((k = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[k] = '\0';
		dgrams++;
		EXPECT_EQ(1, sd_elements(buf, (size_t)k)) TH_LOG("%s", buf);
		EXPECT_EQ(NULL, strstr(buf, "uid=\"0\"")) TH_LOG("%s", buf);
		EXPECT_EQ(NULL, strstr(buf, " x ")) TH_LOG("%s", buf);
	}
	close(fd);
	EXPECT_EQ(2, dgrams);	/* the deny and the "rejected" record */
}

/* A record of n bytes: a path and an arch of 4096 bytes (a real shim's
 * cap on a field; with the binary's fd the collector's reading
 * contradicts the arch, so "claimed" holds it), keys f0.. with 4096-byte
 * strings, padded to exactly n. */
static size_t big_record(char *out, size_t n, char fill, const char *event)
{
	size_t off = 0, k = 0;

	off += (size_t)sprintf(out, "{\"v\":1,\"time\":\"2026-11-27T10:30:38.627537Z\","
			       "\"event\":\"%s\",\"path\":\"", event);
	memset(out + off, 'p', 4096);
	off += 4096;
	off += (size_t)sprintf(out + off, "\",\"arch\":\"");
	memset(out + off, 'a', 4096);
	off += 4096;
	off += (size_t)sprintf(out + off, "\"");
	while (off + 4096 + 16 + 2 <= n) {
		off += (size_t)sprintf(out + off, ",\"f%zu\":\"", k++);
		memset(out + off, fill, 4096);
		off += 4096;
		out[off++] = '"';
	}
	/* The rest: one last, shorter string, then the closing brace. */
	if (n - 1 - off >= 8) {
		size_t m = n - 1 - off - 7;

		off += (size_t)sprintf(out + off, ",\"g\":\"");
		memset(out + off, fill, m);
		off += m;
		out[off++] = '"';
	}
	while (off < n - 1)
		out[off++] = ' ';
	out[off++] = '}';
	out[off] = '\0';
	return off;
}

TEST_F(trust, the_largest_shim_record_fits_and_a_larger_one_is_refused)
{
	static char body[SHIMMSG_RECORD_MAX + 1];
	static json_t *r[16];
	long long counted = 0;
	size_t n, i, len;
	int a, bin;

	ASSERT_EQ(0, sd_start(&self->s));
	len = big_record(body, SHIMMSG_RECORD_MAX, 'x', "exec");
	ASSERT_EQ(SHIMMSG_RECORD_MAX, len);
	bin = sd_warm_fd(open(self->s.tiny, O_RDONLY | O_CLOEXEC));
	ASSERT_LE(0, bin);
	a = su_send(self->s.sock, body, bin);
	EXPECT_EQ('A', a) TH_LOG("a 64 KiB record of 4096-byte fields was refused");
	/* Raw DEL bytes are allowed in, but each goes out as \u007f: six
	 * times the size, past any output record. */
	len = big_record(body, SHIMMSG_RECORD_MAX / 2, '\x7f', "exec");
	a = su_send(self->s.sock, body, bin);
	EXPECT_EQ('R', a);
	close(bin);
	sd_stop(&self->s, SIGTERM);
	n = sd_read(self->s.out, r, 16);
	for (i = 0; i < n; i++) {
		ASSERT_NE(NULL, r[i]);
		if (!strcmp(se_str(r[i], "event"), "exec")) {
			EXPECT_EQ(4096, strlen(se_str(r[i], "claimed.arch")));
			SD_EXPECT_VERIFIED_ARCH(r[i], "arch", "aarch64");
			EXPECT_EQ(4096, strlen(se_str(r[i], "f0")));
		} else if (!strcmp(se_str(r[i], "event"), "rejected")) {
			counted += se_int(r[i], "count");
			EXPECT_STREQ("record too large", se_str(r[i], "reason"));
		}
	}
	EXPECT_EQ(1, sd_count(r, n, "exec"));
	EXPECT_EQ(1, counted);
	se_log_free(r, n);
}

/*
 * The same largest record as a deny without the binary's fd, to
 * --sink journald: the datagram holds MESSAGE (the record) and the
 * indexed BINFMT_SHIM_PATH and BINFMT_SHIM_ARCH (4096 bytes each) on top.
 * It once did not fit the datagram buffer, and the shim was refused.
 */
TEST_F(trust, the_largest_shim_record_fits_a_journald_datagram)
{
	static char body[SHIMMSG_RECORD_MAX + 1], buf[256 * 1024];
	char sock[256];
	const char *args[] = { "--sink", "journald", "--sink-socket", sock, NULL };
	int fd, a, dgrams = 0;
	ssize_t k;

	snprintf(sock, sizeof(sock), "%.128s/journal.sock", self->s.e.dir);
	fd = fake_syslog(sock);
	ASSERT_LE(0, fd);
	/* Room for the datagram on the receiving side. */
	a = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &a, sizeof(a));
	ASSERT_EQ(0, sd_start_args(&self->s, args));
	ASSERT_EQ(SHIMMSG_RECORD_MAX, big_record(body, SHIMMSG_RECORD_MAX, 'x', "deny"));
	a = su_send(self->s.sock, body, -1);
	EXPECT_EQ('A', a);
	sd_stop(&self->s, SIGTERM);
	while ((k = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[k] = '\0';
		dgrams++;
		EXPECT_NE(NULL, memmem(buf, (size_t)k, "BINFMT_SHIM_EVENT=deny\n", 23));
	}
	close(fd);
	EXPECT_EQ(1, dgrams);
}

TEST_HARNESS_MAIN
