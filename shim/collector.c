// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of the collector (binfmt-shimd, docs/binfmt-shimd.8):
 * when `[log] socket` is configured, the record goes there first, as one
 * SOCK_SEQPACKET message (lib/shimmsg.h) with the binary's fd and a pidfd
 * of this process attached. The shim then execs the emulator in place, so
 * the pidfd follows the guest and the collector learns how the run ended.
 *
 * Plain syscalls only (the shim is static), all non-blocking: connect()
 * on a full backlog fails at once with EAGAIN, and the shim waits for the
 * collector's one-byte answer at most COLLECTOR_WAIT_NS. The answer comes
 * after the record is written, so a collector that dies before it never
 * loses a record the shim believes delivered: without the answer the shim
 * falls back to the file/syslog path and the record says why
 * ("collector_error": "collector unavailable: ...").
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"
#include "shimmsg.h"

/* pidfd_open(2), Linux 5.3: 434 on every architecture (the syscall table
 * was unified from 424 on, include/uapi/asm-generic/unistd.h). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* How long the shim waits for the answer: a few ms, then it falls back.
 * The collector answers within ~0.1 ms when it is not starved (make bench). */
#define COLLECTOR_WAIT_MS 5
#define COLLECTOR_WAIT_NS (COLLECTOR_WAIT_MS * 1000 * 1000L)

static int unavailable(struct shim *s, const char *what, int err)
{
	snprintf(s->collector_error, sizeof(s->collector_error),
		 "collector unavailable: %s: %s", what, strerror(err));
	return -err;
}

static long ns_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

/* The answer: one byte, or nothing in time. 0 or -errno. */
static int await_ack(struct shim *s, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec t0, left;
	char ack;
	long ns;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		/* Look before the clock: a shim preempted past its deadline
		 * may find the answer already there. */
		n = recv(fd, &ack, 1, MSG_DONTWAIT);
		if (n == 1)
			break;
		if (n == 0)
			return unavailable(s, "closed without an answer", ECONNRESET);
		if (errno != EAGAIN && errno != EINTR)
			return unavailable(s, "recv", errno);
		ns = COLLECTOR_WAIT_NS - ns_since(&t0);
		if (ns <= 0)
			return unavailable(s, "no answer in time", ETIMEDOUT);
		left.tv_sec = 0;
		left.tv_nsec = ns;
		if (ppoll(&pfd, 1, &left, NULL) < 0 && errno != EINTR)
			return unavailable(s, "poll", errno);
	}
	if (ack != SHIMMSG_ACK_OK)
		return unavailable(s, "the record was rejected", EPROTO);
	return 0;
}

int shim_collector_send(struct shim *s, const char *rec, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char hdr[SHIMMSG_HDR_SIZE];
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)rec, .iov_len = len },
	};
	struct msghdr msg = {
		.msg_iov = iov, .msg_iovlen = 2,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct ucred cred = { .pid = s->pid, .uid = s->uid, .gid = s->gid };
	struct cmsghdr *c;
	int fds[2], nfds = 0, fd, pidfd, err;
	uint16_t flags = 0;

	if (strlen(s->cfg.socket) >= sizeof(sa.sun_path))
		return unavailable(s, s->cfg.socket, ENAMETOOLONG);
	memcpy(sa.sun_path, s->cfg.socket, strlen(s->cfg.socket));
	/* No socket file, no collector: the usual state of a host without
	 * one, and of every container (the host's /run is not there). One
	 * access() says so, not pidfd_open, socket, connect and two close.
	 * A socket made just after this finds the next exec. */
	if (access(s->cfg.socket, F_OK) < 0 && errno == ENOENT)
		return unavailable(s, s->cfg.socket, ENOENT);
	/* Everything is ready before connect(): the collector wakes on the
	 * connection and finds the message already queued, instead of
	 * waking a second time for it (measured: ~90 us per exec). */
	if (s->fd >= 0) {
		fds[nfds++] = s->fd;
		flags |= SHIMMSG_F_BINFD;
	}
	/* Without pidfds (Linux < 5.3) the record still goes, untracked. */
	pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (pidfd >= 0) {
		fds[nfds++] = pidfd;
		flags |= SHIMMSG_F_PIDFD;
	}
	shimmsg_header(hdr, flags);
	memset(ctl.buf, 0, sizeof(ctl.buf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	/* The whole buffer is the limit CMSG_NXTHDR checks against; the
	 * length is cut to what is used below. */
	if (nfds) {
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
	}
	msg.msg_controllen = CMSG_SPACE(sizeof(cred)) +
			     (nfds ? CMSG_SPACE((size_t)nfds * sizeof(int)) : 0);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		err = unavailable(s, "socket", errno);
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = unavailable(s, s->cfg.socket, errno);
	else if (sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		err = unavailable(s, "send", errno);
	else
		err = await_ack(s, fd);
	close(fd);
out:
	if (pidfd >= 0)
		close(pidfd);
	if (!err)
		s->collector_error[0] = '\0';
	return err;
}
