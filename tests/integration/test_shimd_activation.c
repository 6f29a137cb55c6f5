// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shimd under socket activation, the way dist/binfmt-shimd.socket
 * runs it: the test plays systemd's part of the protocol (sd_listen_fds(3):
 * the listening socket at fd 3, LISTEN_FDS=1, LISTEN_PID=<the daemon>). The
 * socket outlives the daemon: a shim that connects while the daemon is
 * down waits in the backlog, and the restarted daemon answers it. The
 * daemon leaves the socket file alone when it stops (systemd owns it).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimdenv.h"

FIXTURE(activation) {
	struct shimd_env s;
	int lfd;
};

FIXTURE_SETUP(activation)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char why[256];
	int rc = sd_setup(&self->s, why, sizeof(why));

	self->lfd = -1;
	SETUP_OR_SKIP(rc, why);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", self->s.sock);
	self->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, bind(self->lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, chmod(self->s.sock, 0666));
	ASSERT_EQ(0, listen(self->lfd, 128));
}

FIXTURE_TEARDOWN(activation)
{
	if (self->lfd >= 0)
		close(self->lfd);
	sd_teardown(&self->s);
}

/* What systemd does for a socket unit with one socket, then the exec. */
static pid_t start_activated(struct shimd_env *s, int lfd)
{
	char bin[512], pid[32];
	pid_t p = fork();
	int fd;

	if (p != 0)
		return p;
	tl_build("binfmt-shimd", bin, sizeof(bin));
	fd = open(s->err, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0)
		dup2(fd, 2);
	if (lfd != 3 && dup2(lfd, 3) < 0)
		_exit(126);
	fcntl(3, F_SETFD, 0);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_FDNAMES", "binfmt-shimd.socket", 1);
	/* --socket names a path nobody listens on: fd 3 must be used. */
	execl(bin, bin, "-f", "--socket", "/nonexistent/not-this.sock", "--log", s->out,
	      (char *)NULL);
	_exit(127);
}

TEST_F(activation, a_restart_keeps_the_socket_and_the_waiting_shims)
{
	char body[1024], msg[1200], err[4096];
	json_t *r[16];
	struct stat st;
	size_t n, k, len, deny = 0, exec = 0;
	pid_t client;
	int status, fds[1], i;

	self->s.dpid = start_activated(&self->s, self->lfd);
	ASSERT_LT(0, self->s.dpid);
	/* Ready: its start-up line is in its stderr. */
	for (i = 0; i < 400; i++) {
		if (tl_read_file(self->s.err, err, sizeof(err)) > 0 &&
		    strstr(err, "listening on"))
			break;
		usleep(5000);
	}
	ASSERT_NE(NULL, strstr(err, "listening on the socket systemd passed")) TH_LOG("%s", err);

	/* A real shim, through the passed socket. */
	status = sd_exec(self->s.hello, "exit", "0");
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The daemon dies; the socket (ours, as systemd's) stays. */
	kill(self->s.dpid, SIGKILL);
	ASSERT_EQ(self->s.dpid, waitpid(self->s.dpid, &status, 0));
	self->s.dpid = 0;

	/* A client connects meanwhile and waits for its answer (up to 2 s). */
	snprintf(body, sizeof(body),
		 "{\"v\":1,\"event\":\"deny\",\"path\":\"%s\",\"arch\":\"aarch64\"}",
		 self->s.hello);
	len = sd_msg(msg, sizeof(msg), SHIMMSG_F_BINFD, body);
	client = fork();
	ASSERT_LE(0, client);
	if (client == 0) {
		fds[0] = sd_warm_fd(open(self->s.hello, O_RDONLY | O_CLOEXEC));
		_exit(sd_send_pidfd(self->s.sock, msg, len, fds, 1) == SHIMMSG_ACK_OK ? 0 : 1);
	}
	usleep(200000);
	ASSERT_EQ(0, waitpid(client, &status, WNOHANG));	/* still waiting */

	/* Restarted: it finds the waiting connection in the backlog. */
	self->s.dpid = start_activated(&self->s, self->lfd);
	ASSERT_LT(0, self->s.dpid);
	ASSERT_EQ(client, waitpid(client, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) TH_LOG("status 0x%x", status);

	status = sd_stop(&self->s, SIGTERM);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The socket file is systemd's to remove (RemoveOnStop=yes). */
	EXPECT_EQ(0, stat(self->s.sock, &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));

	n = sd_read(self->s.out, r, 16);
	for (k = 0; k < n; k++) {
		ASSERT_NE(NULL, r[k]);
		if (!strcmp(se_str(r[k], "event"), "exec")) {
			exec++;
			EXPECT_STREQ("collector", se_str(r[k], "sink"));
		} else if (!strcmp(se_str(r[k], "event"), "deny")) {
			deny++;
			EXPECT_STREQ("collector", se_str(r[k], "source"));
			SD_EXPECT_VERIFIED_ARCH(r[k], "verified.arch", "aarch64");
			EXPECT_EQ(client, se_int(r[k], "pid"));
		}
	}
	EXPECT_EQ(1, exec);
	EXPECT_EQ(1, deny);
	se_log_free(r, n);
	EXPECT_EQ(0, sd_fallbacks_not_late(self->s.e.log));
}

TEST_HARNESS_MAIN
