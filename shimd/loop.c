// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: one io_uring for everything. Set-up (socket, signals,
 * sink, ring) happens before the seccomp filter; after it, the loop only
 * reaps completions and submits the next operations.
 *
 * The socket is SOCK_SEQPACKET: a message boundary per record, and a
 * connection per shim, so SO_PEERCRED names the connecting process for
 * per-uid fairness before anything is read, and the one-byte answer has a
 * way back. Socket activation (LISTEN_FDS, sd_listen_fds(3)) is honoured,
 * so systemd keeps the socket, and the connections queued on it, across a
 * restart of the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "logscan.h"
#include "shimd.h"

/* sd_listen_fds(3): passed sockets start at fd 3. */
#define SD_LISTEN_FDS_START 3
#define RING_ENTRIES 1024

static struct __kernel_timespec tick_ts;
/* The idle sweep (conn_sweep): every SWEEP_MS while connections are open. */
#define SWEEP_MS 250
static struct __kernel_timespec sweep_ts = { .tv_nsec = SWEEP_MS * 1000000L };
static bool sweep_armed;
/* accept(2) out of fds: the pause before the next try. */
#define ACCEPT_BACKOFF_MIN_MS 10
#define ACCEPT_BACKOFF_MAX_MS 1000
static struct __kernel_timespec accept_ts;

uint64_t shimd_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void shimd_rfc3339(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	logscan_format_time(ts.tv_sec, ts.tv_nsec, buf, len);
}

void shimd_record_begin(struct json_writer *w, char *buf, size_t cap, const char *event,
			const char *id)
{
	char now[64];

	shimd_rfc3339(now, sizeof(now));
	jw_init(w, buf, cap);
	jw_object_begin(w);
	jw_kv_int(w, "v", 1);
	jw_kv_string(w, "time", now);
	jw_kv_string(w, "event", event);
	if (id)
		jw_kv_string(w, "id", id);
}

void shimd_next_id(struct shimd *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%llu", d->id_prefix, (unsigned long long)++d->seq);
}

/* An SQE, submitting what is queued when the ring is full. */
struct io_uring_sqe *shimd_sqe(struct shimd *d)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&d->ring);

	if (!sqe) {
		io_uring_submit(&d->ring);
		sqe = io_uring_get_sqe(&d->ring);
	}
	return sqe;
}

static void arm_accept(struct shimd *d)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	io_uring_prep_multishot_accept(sqe, d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data(sqe, shimd_tag(&d->listen_fd, OP_ACCEPT));
	d->accept_armed = true;
}

static void arm_signal(struct shimd *d)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	io_uring_prep_read(sqe, d->sig_fd, d->sig_buf, sizeof(struct signalfd_siginfo), 0);
	io_uring_sqe_set_data(sqe, shimd_tag(&d->sig_fd, OP_LOOP));
}

static void arm_tick(struct shimd *d)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);
	unsigned ms = d->o.fsync_ms ? d->o.fsync_ms : 1000;

	tick_ts.tv_sec = ms / 1000;
	tick_ts.tv_nsec = (long long)(ms % 1000) * 1000000;
	io_uring_prep_timeout(sqe, &tick_ts, 0, 0);
	io_uring_sqe_set_data(sqe, shimd_tag(&tick_ts, OP_LOOP));
}

void shimd_arm_sweep(struct shimd *d)
{
	struct io_uring_sqe *sqe;

	if (sweep_armed)
		return;
	sqe = shimd_sqe(d);
	io_uring_prep_timeout(sqe, &sweep_ts, 0, 0);
	io_uring_sqe_set_data(sqe, shimd_tag(&sweep_ts, OP_LOOP));
	sweep_armed = true;
}

static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int open_socket(struct shimd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *lp = getenv("LISTEN_PID"), *lf = getenv("LISTEN_FDS");
	int one = 1, fd;

	if (lp && lf && atoi(lp) == getpid() && atoi(lf) == 1) {
		d->listen_fd = SD_LISTEN_FDS_START;
		d->socket_activated = true;
		fcntl(d->listen_fd, F_SETFD, FD_CLOEXEC);
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
	} else {
		if (strlen(d->o.socket_path) >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
		memcpy(sa.sun_path, d->o.socket_path, strlen(d->o.socket_path));
		make_parent(d->o.socket_path);
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		unlink(d->o.socket_path);	/* a previous run's */
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    chmod(d->o.socket_path, 0666) < 0 ||
		    listen(fd, SOMAXCONN) < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		d->listen_fd = fd;
	}
	/* Every message then carries the sender's credentials. */
	if (setsockopt(d->listen_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

/*
 * The fd budget. systemd gives a service 1024 open files unless the unit
 * says otherwise (dist/binfmt-shimd.service sets LimitNOFILE=65536), and
 * every tracked run holds one fd (its pidfd) until it ends, so a cap on
 * tracked runs above the fds the collector really has lets one user's
 * runs take them all: then every accept(2) and every received fd fails,
 * for everyone. So: the soft limit goes up to the hard limit, the fds
 * the rest of the collector may hold at once are set aside (the fixed
 * ones, every connection, every fd a full receive ring and the probe
 * slots can carry, the hash queue), and the runs tracked share what is
 * left, a uid at most a quarter of it (like the connections). Over a cap,
 * an exec record is still written, with "exit_tracked": false
 * (exitwatch_reserve).
 */
#define FDS_FIXED 16	/* stdio, socket, ring, signalfd, log (and the old
			 * one while reopening), sink socket, an fdinfo read */
#define WATCH_CEIL 65536	/* memory: about 150 bytes and a poll each */

static void shimd_budget(struct shimd *d)
{
	struct rlimit rl;
	unsigned long reserve, left;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);	/* keep what we have */
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		rl.rlim_cur = 1024;
	d->nofile = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1ul << 30) ? 1ul << 30
										: (unsigned long)rl.rlim_cur;
	reserve = FDS_FIXED + conn_fd_reserve() + hash_fd_reserve(d);
	left = d->nofile > reserve ? d->nofile - reserve : 0;
	d->watch_max = left > WATCH_CEIL ? WATCH_CEIL : (unsigned)left;
	d->watch_per_uid = d->watch_max / 4;
	fprintf(stderr, "binfmt-shimd: %lu fds (RLIMIT_NOFILE), %lu set aside: tracking at "
		"most %u runs, %u per uid\n", d->nofile, reserve, d->watch_max, d->watch_per_uid);
}

static int open_signals(struct shimd *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	d->sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	return d->sig_fd < 0 ? -errno : 0;
}

static void begin_stop(struct shimd *d)
{
	struct io_uring_sqe *sqe;

	if (d->stopping)
		return;
	d->stopping = true;
	hash_stop(d);
	if (d->accept_armed) {
		sqe = shimd_sqe(d);
		io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)shimd_tag(&d->listen_fd, OP_ACCEPT), 0);
		io_uring_sqe_set_data(sqe, NULL);
	}
	/* New shims find no socket and fall back at once. */
	if (!d->socket_activated)
		unlink(d->o.socket_path);
}

static void on_signal(struct shimd *d, int res)
{
	const struct signalfd_siginfo *si = (const void *)d->sig_buf;

	if (res == (int)sizeof(*si)) {
		if (si->ssi_signo == SIGHUP)
			sink_reopen(d);
		else
			begin_stop(d);
	}
	arm_signal(d);
}

/*
 * accept(2) failed for want of an fd (EMFILE: ours; ENFILE: the
 * system's) or of memory. The multishot accept would fail again at once
 * for the same connection, and re-arming it straight away made a busy
 * loop (the collector at Nice=-10 taking a core). So: pause, and try
 * again after ACCEPT_BACKOFF_MIN_MS, doubling up to ACCEPT_BACKOFF_MAX_MS
 * while it keeps failing, back to the minimum after an accept succeeds.
 * The shims queued meanwhile fall back after their 5 ms; each pause is
 * counted in a "rejected" record.
 */
static void accept_backoff(struct shimd *d)
{
	struct io_uring_sqe *sqe;
	unsigned ms;

	if (d->accept_paused)
		return;
	d->n_accept_emfile++;
	sink_count_rejected(d, -1, "collector out of file descriptors: accepting paused");
	ms = d->accept_backoff_ms ? d->accept_backoff_ms * 2 : ACCEPT_BACKOFF_MIN_MS;
	d->accept_backoff_ms = ms > ACCEPT_BACKOFF_MAX_MS ? ACCEPT_BACKOFF_MAX_MS : ms;
	d->accept_paused = true;
	if (d->accept_armed) {		/* a multishot that did not end */
		sqe = shimd_sqe(d);
		io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)shimd_tag(&d->listen_fd, OP_ACCEPT), 0);
		io_uring_sqe_set_data(sqe, NULL);
	}
	accept_ts.tv_sec = d->accept_backoff_ms / 1000;
	accept_ts.tv_nsec = (long long)(d->accept_backoff_ms % 1000) * 1000000;
	sqe = shimd_sqe(d);
	io_uring_prep_timeout(sqe, &accept_ts, 0, 0);
	io_uring_sqe_set_data(sqe, shimd_tag(&accept_ts, OP_LOOP));
}

static void dispatch(struct shimd *d, struct io_uring_cqe *cqe)
{
	uint64_t ud = cqe->user_data;
	void *p = (void *)(uintptr_t)(ud & ~OP_TAG_MASK);

	switch ((enum op_tag)(ud & OP_TAG_MASK)) {
	case OP_ACCEPT:
		if (cqe->res >= 0) {
			conn_accepted(d, cqe->res);
			d->accept_backoff_ms = 0;
		} else if (cqe->res == -EMFILE || cqe->res == -ENFILE ||
			   cqe->res == -ENOBUFS || cqe->res == -ENOMEM) {
			accept_backoff(d);
		}
		if (!(cqe->flags & IORING_CQE_F_MORE)) {
			d->accept_armed = false;
			if (!d->stopping && !d->accept_paused)
				arm_accept(d);
		}
		break;
	case OP_RECV:
		conn_recv_cqe(d, p, cqe);
		break;
	case OP_PROBE:
		conn_probe_cqe(d, p, cqe->res);
		break;
	case OP_POLL:
		exitwatch_event(d, p, cqe->res);
		break;
	case OP_WRITE:
		sink_write_done(d, cqe->res);
		break;
	case OP_FSYNC:
		sink_fsync_done(d, cqe->res);
		break;
	case OP_LOOP:
		if (p == (void *)&d->sig_fd) {
			on_signal(d, cqe->res);
		} else if (procwatch_is(d, p)) {
			procwatch_cqe(d, p, cqe->res, cqe->flags);
		} else if (p == (void *)&accept_ts) {
			d->accept_paused = false;
			if (!d->stopping && !d->accept_armed)
				arm_accept(d);
		} else if (p == (void *)&sweep_ts) {
			sweep_armed = false;
			conn_sweep(d);
			if (d->nconns)
				shimd_arm_sweep(d);
		} else {
			sink_tick(d);
			hash_tick(d);
			procwatch_tick(d);
			arm_tick(d);
		}
		break;
	default:		/* tag 0: a hash read; NULL: link timeouts, cancels */
		if (p)
			hash_read_done(d, p, cqe->res);
		break;
	}
}

static int setup(struct shimd *d)
{
	struct timespec now;
	int err;

	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(d->id_prefix, sizeof(d->id_prefix), "%llx",
		 (unsigned long long)now.tv_sec * 1000000ull +
		 (unsigned long long)now.tv_nsec / 1000);
	d->have_pidfd_exit = !d->o.no_pidfd_exit && exitwatch_probe_kernel();
	shimd_budget(d);
	if ((err = open_signals(d)) < 0) {
		fprintf(stderr, "binfmt-shimd: signalfd: %s\n", strerror(-err));
		return err;
	}
	if ((err = sink_open(d)) < 0 || (err = hash_init(d)) < 0)
		return err;
	/* The connector's socket and its listening, while we may still
	 * bind and poll (confine.c comes last). */
	if ((err = procwatch_init(d)) < 0)
		return err;
	if ((err = io_uring_queue_init(RING_ENTRIES, &d->ring, IORING_SETUP_R_DISABLED)) < 0 ||
	    (err = conn_init(d)) < 0 || (err = confine_ring(&d->ring)) < 0) {
		fprintf(stderr, "binfmt-shimd: io_uring: %s\n", strerror(-err));
		return err;
	}
	/* Listen last: a client that can connect finds the log and the ring
	 * ready, and so does a test or a service manager that takes a
	 * successful connect for "started". */
	if ((err = open_socket(d)) < 0) {
		fprintf(stderr, "binfmt-shimd: socket %s: %s\n", d->o.socket_path,
			strerror(-err));
		return err;
	}
	if (d->o.seccomp && (err = confine(d)) < 0) {
		fprintf(stderr, "binfmt-shimd: seccomp: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

int shimd_run(struct shimd *d)
{
	struct io_uring_cqe *cqe;
	unsigned head, n;
	int err;

	if ((err = setup(d)) < 0)
		return err;
	if (d->o.selftest_syscall)
		confine_selftest(d->o.selftest_syscall);
	arm_accept(d);
	arm_signal(d);
	arm_tick(d);
	procwatch_arm(d);
	fprintf(stderr, "binfmt-shimd: listening on %s, writing %s\n",
		d->socket_activated ? "the socket systemd passed" : d->o.socket_path,
		d->o.sink == SINK_FILE ? d->o.log_path :
		d->o.sink == SINK_JOURNALD ? "to journald" : "to syslog");
	for (;;) {
		sink_kick(d);
		if (d->stopping && !d->accept_armed && d->nconns == 0 && hash_idle(d) &&
		    sink_idle(d))
			break;
		err = io_uring_submit_and_wait(&d->ring, 1);
		if (err < 0 && err != -EINTR && err != -EAGAIN && err != -EBUSY) {
			fprintf(stderr, "binfmt-shimd: io_uring_enter: %s\n", strerror(-err));
			break;
		}
		n = 0;
		io_uring_for_each_cqe(&d->ring, head, cqe) {
			dispatch(d, cqe);
			n++;
		}
		io_uring_cq_advance(&d->ring, n);
		conn_rearm(d);
	}
	/* Runs still going: their exits cannot be recorded; say so. */
	n = exitwatch_abandon(d);
	if (n)
		sink_count_lost(d, n, "collector stopped while these runs were still going: no exit record");
	sink_close(d);
	procwatch_stop(d);
	fprintf(stderr, "binfmt-shimd: stopped: %llu exec, %llu exit records, %llu lost; "
		"%llu binaries' heads read in the ring; accept paused %llu times (no fds)\n",
		d->n_exec, d->n_exit, d->lost, d->n_probe_async, d->n_accept_emfile);
	if (d->o.sha256)
		fprintf(stderr, "binfmt-shimd: %llu binaries hashed, %llu failed, %llu skipped\n",
			d->n_hash, d->n_hash_failed, d->n_hash_skipped);
	return err < 0 && !d->stopping ? err : 0;
}
