// SPDX-License-Identifier: GPL-2.0
/*
 * How each run ended. The shim sent a pidfd of itself and then exec'd the
 * emulator, so the pidfd now refers to the guest. A poll on it completes
 * when the process exits (POLLIN, that is the end time); its wait status
 * is in PIDFD_GET_INFO with PIDFD_INFO_EXIT (Linux >= 6.15) only once the
 * parent has reaped it (pidfs_exit() runs from release_task()), which the
 * pidfd signals with POLLHUP. So: poll POLLIN, ask; not there yet, poll
 * POLLHUP with a time limit (SHIMD_REAP_WAIT_MS), ask again.
 *
 * Without that status (a kernel before 6.15, a parent that never reaps),
 * it comes from the process-event connector when procwatch.c listens to
 * it: the kernel sends PROC_EVENT_EXIT from do_exit() with task->exit_code,
 * the wait status form (drivers/connector/cn_proc.c,
 * proc_exit_connector), for every thread; only the thread-group leader's
 * (process_pid == process_tgid) is the process's. Failing both, the record
 * has the end time and status "unknown".
 *
 * Which exit event is the run's, by its tgid P (exitwatch_proc_exit):
 *   - The event is broadcast into our socket in do_exit(), before
 *     exit_notify() makes the pidfd readable, and long before the parent
 *     reaps the process; only the reap (release_task) frees P for reuse.
 *     So the queue, read in order, holds the run's events, then its exit,
 *     then (after the reap) maybe a new process P's fork and exit.
 *   - An older process P's exit is older than the run itself: events
 *     stamped (timestamp_ns, CLOCK_MONOTONIC like ours) before t_alive_ns,
 *     a time at which we held a pidfd of the run and so P was the run's,
 *     are not its.
 *   - A new process P is announced by PROC_EVENT_FORK (child pid ==
 *     child tgid == P) after the run was reaped: from then on no event of
 *     P is the run's (cn_closed).
 *   - The leader's event is not always the last: when another thread
 *     execs, de_thread() kills the leader (an exit event for P, pid ==
 *     tgid) and the exec'ing thread takes over P. The process goes on,
 *     so the last leader event before the close counts, and the pidfd,
 *     not the event, says the run ended.
 *   - Events dropped (a full receive buffer: procwatch.c counts the gaps)
 *     while the run was tracked may be any of these: its status is then
 *     not taken from the connector at all.
 *   - When the pidfd says the run ended and no status is known, its exit
 *     event is already queued: the queue is read first (procwatch_flush),
 *     and when a turn's limit leaves some, the record waits (awaiting)
 *     until a read empties the queue (exitwatch_settle) or
 *     SHIMD_REAP_WAIT_MS pass.
 * One limit: a leader that ended alone (pthread_exit) before another
 * thread called exit_group() has its own code in the event, while wait()
 * reports the group's; PIDFD_INFO_EXIT, where there, is preferred.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfd_abi.h"
#include "shimd.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct watch_node {
	struct watch w;			/* first: the ring's user_data */
	struct __kernel_timespec reap_ts;
	struct watch_node *prev, *next;
	struct watch_node *hnext;	/* in by_pid[] */
};

static struct watch_node *watches;
/* The watches by pid: every process end on the host is looked up. */
#define BY_PID_SLOTS 1024		/* a power of two */
static struct watch_node *by_pid[BY_PID_SLOTS];
static unsigned n_awaiting;

static struct watch_node **pid_slot(pid_t pid)
{
	return &by_pid[((unsigned)pid * 2654435761u) >> 22 & (BY_PID_SLOTS - 1)];
}

bool exitwatch_probe_kernel(void)
{
	struct pidfd_info pi = { .mask = PIDFD_INFO_EXIT };
	pid_t pid = fork();
	int fd;

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return false;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	waitpid(pid, NULL, 0);
	if (fd < 0)
		return false;
	if (ioctl(fd, PIDFD_GET_INFO, &pi) < 0)
		pi.mask = 0;
	close(fd);
	return (pi.mask & PIDFD_INFO_EXIT) != 0;
}

/*
 * The pid a pidfd refers to, in our pid namespace: 0 once the process has
 * ended. PIDFD_GET_INFO (Linux 6.13) where the kernel has it, else the
 * "Pid:" line of /proc/self/fdinfo/<fd> (Linux 5.3; -1 there once the
 * process is gone). -EBADF when the fd is no pidfd.
 */
int exitwatch_pidfd_pid(int pidfd, pid_t *pid)
{
	struct pidfd_info pi = { .mask = PIDFD_INFO_PID };
	char path[48], buf[512];
	const char *p;
	ssize_t n;
	int fd;

	*pid = 0;
	if (ioctl(pidfd, PIDFD_GET_INFO, &pi) == 0) {
		*pid = (pid_t)pi.pid;
		return 0;
	}
	if (errno == ESRCH)
		return 0;
	if (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strstr(buf, "\nPid:\t");
	if (!p)
		return -EBADF;
	*pid = (pid_t)strtol(p + 6, NULL, 10);
	if (*pid < 0)
		*pid = 0;
	return 0;
}

/*
 * Runs tracked per uid, so the cap is checked without walking every
 * watch: open addressing with linear probing. A slot whose count went
 * back to 0 keeps its uid (a tombstone: lookups go on past it, inserts
 * reuse it). UCOUNT_SLOTS distinct uids with runs going at once is far
 * beyond any machine; when every slot is taken by a live uid, a new uid's
 * run is simply not tracked (its record says "exit_tracked": false).
 */
#define UCOUNT_SLOTS 4096		/* a power of two */
static struct { uid_t uid; unsigned n; bool used; } ucount[UCOUNT_SLOTS];

static unsigned *uid_slot(uid_t uid, bool insert)
{
	unsigned h = (unsigned)uid * 2654435761u, i, k, free_at = UCOUNT_SLOTS;

	for (k = 0; k < UCOUNT_SLOTS; k++) {
		i = (h + k) & (UCOUNT_SLOTS - 1);
		if (ucount[i].used && ucount[i].uid == uid)
			return &ucount[i].n;
		if (free_at == UCOUNT_SLOTS && (!ucount[i].used || !ucount[i].n))
			free_at = i;
		if (!ucount[i].used)
			break;		/* never inserted past here */
	}
	if (!insert || free_at == UCOUNT_SLOTS)
		return NULL;
	ucount[free_at].used = true;
	ucount[free_at].uid = uid;
	ucount[free_at].n = 0;
	return &ucount[free_at].n;
}

unsigned exitwatch_count_uid(struct shimd *d, uid_t uid)
{
	unsigned *n = uid_slot(uid, false);

	(void)d;
	return n ? *n : 0;
}

static void arm(struct shimd *d, struct watch_node *n, unsigned events)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	io_uring_prep_poll_add(sqe, n->w.pidfd, events);
	io_uring_sqe_set_data(sqe, (void *)((uintptr_t)n | OP_POLL));
	if (events & POLLHUP) {
		sqe->flags |= IOSQE_IO_LINK;
		n->reap_ts.tv_sec = SHIMD_REAP_WAIT_MS / 1000;
		n->reap_ts.tv_nsec = (SHIMD_REAP_WAIT_MS % 1000) * 1000000LL;
		sqe = shimd_sqe(d);
		io_uring_prep_link_timeout(sqe, &n->reap_ts, 0);
		io_uring_sqe_set_data(sqe, NULL);
	}
}

/*
 * Room to track one more run of uid: the fd budget's caps (loop.c,
 * shimd_budget) on all runs and on each uid's. NULL when over either (or
 * out of memory): the exec record is still written, with
 * "exit_tracked": false, rather than refused: a refused shim falls back
 * to its own log, which an unprivileged user's shim may not be able to
 * write, and the run itself is not the collector's to stop.
 */
struct watch *exitwatch_reserve(struct shimd *d, uid_t uid)
{
	struct watch_node *n;
	unsigned *k;

	if (d->nwatch >= d->watch_max || exitwatch_count_uid(d, uid) >= d->watch_per_uid)
		return NULL;
	k = uid_slot(uid, true);
	if (!k || !(n = calloc(1, sizeof(*n))))
		return NULL;
	n->w.uid = uid;
	n->w.pidfd = -1;
	++*k;
	d->nwatch++;
	return &n->w;
}

/* A reservation not used (its record could not be queued). */
void exitwatch_unreserve(struct shimd *d, struct watch *w)
{
	unsigned *k = uid_slot(w->uid, false);

	if (k && *k)
		--*k;
	d->nwatch--;
	free(w);
}

void exitwatch_add(struct shimd *d, struct watch *wp, int pidfd, pid_t pid, const char *id)
{
	struct watch_node *n = (struct watch_node *)wp;

	n->w.pidfd = pidfd;
	n->w.pid = pid;
	n->w.t0_ns = shimd_now_ns();
	/* The caller holds pidfd: the process existed by now. */
	if (!n->w.t_alive_ns)
		n->w.t_alive_ns = n->w.t0_ns;
	n->w.cn_drops0 = d->cn_drops;
	snprintf(n->w.id, sizeof(n->w.id), "%s", id);
	n->hnext = *pid_slot(pid);
	*pid_slot(pid) = n;
	n->next = watches;
	if (watches)
		watches->prev = n;
	watches = n;
	arm(d, n, POLLIN);
}

static void unlink_node(struct shimd *d, struct watch_node *n)
{
	struct watch_node **h;

	for (h = pid_slot(n->w.pid); *h; h = &(*h)->hnext)
		if (*h == n) {
			*h = n->hnext;
			break;
		}
	if (n->w.awaiting)
		n_awaiting--;
	if (n->prev)
		n->prev->next = n->next;
	else
		watches = n->next;
	if (n->next)
		n->next->prev = n->prev;
	close(n->w.pidfd);
	exitwatch_unreserve(d, &n->w);
}

static void write_exit(struct shimd *d, struct watch_node *n, bool known, int status)
{
	static char rec[1024];
	struct rec_fields f = { .event = "exit", .id = n->w.id, .pid = n->w.pid,
				.uid = n->w.uid };
	struct json_writer w;
	int len;

	shimd_record_begin(&w, rec, sizeof(rec), "exit", n->w.id);
	jw_kv_int(&w, "pid", n->w.pid);
	if (known && WIFEXITED(status))
		jw_kv_int(&w, "exit_code", WEXITSTATUS(status));
	else
		jw_kv_null(&w, "exit_code");
	if (known && WIFSIGNALED(status))
		jw_kv_int(&w, "signal", WTERMSIG(status));
	else
		jw_kv_null(&w, "signal");
	jw_kv_bool(&w, "core_dumped", known && WIFSIGNALED(status) && WCOREDUMP(status));
	jw_kv_uint(&w, "duration_ms", (n->w.texit_ns - n->w.t0_ns) / 1000000u);
	jw_kv_string(&w, "status", known ? "known" : "unknown");
	jw_kv_string(&w, "source", "collector");
	jw_object_end(&w);
	len = jw_finish(&w);
	if (len < 0 || sink_put(d, rec, (size_t)len, &f, NULL) < 0)
		sink_count_lost(d, 1, "exit record: the output is too far behind");
	else
		d->n_exit++;
}

/* The connector's status, when it may be trusted (see the top). */
static bool cn_status(struct shimd *d, const struct watch_node *n, int *status)
{
	if (!n->w.cn_known || d->cn_drops != n->w.cn_drops0)
		return false;
	*status = n->w.cn_status;
	return true;
}

void exitwatch_event(struct shimd *d, struct watch *wp, int res)
{
	struct watch_node *n = (struct watch_node *)wp;
	struct pidfd_info pi = { .mask = PIDFD_INFO_EXIT };
	uint64_t now = shimd_now_ns();
	int status;

	if (!n->w.exited) {
		n->w.exited = true;
		n->w.texit_ns = now;
	}
	if (d->have_pidfd_exit && ioctl(n->w.pidfd, PIDFD_GET_INFO, &pi) == 0 &&
	    (pi.mask & PIDFD_INFO_EXIT)) {
		write_exit(d, n, true, pi.exit_code);
		unlink_node(d, n);
		return;
	}
	/* Not reaped yet: wait for POLLHUP, within the limit. POLLHUP
	 * already and still no status: the kernel will not give it. */
	if (d->have_pidfd_exit && res >= 0 && !(res & POLLHUP) && !d->stopping &&
	    now - n->w.texit_ns < SHIMD_REAP_WAIT_MS * 1000000ull) {
		arm(d, n, POLLHUP);
		return;
	}
	/* The connector's: its exit event is queued by now (see the top);
	 * read the queue first, then decide. */
	if (procwatch_on() && !procwatch_flush(d) && !d->stopping &&
	    now - n->w.texit_ns < SHIMD_REAP_WAIT_MS * 1000000ull) {
		n->w.awaiting = true;
		n_awaiting++;
		return;
	}
	if (cn_status(d, n, &status))
		write_exit(d, n, true, status);
	else
		write_exit(d, n, false, 0);
	unlink_node(d, n);
}

void exitwatch_proc_exit(struct shimd *d, pid_t tgid, uint32_t status, uint64_t ts_ns)
{
	struct watch_node *n;

	(void)d;
	for (n = *pid_slot(tgid); n; n = n->hnext)
		if (n->w.pid == tgid && n->w.pidfd >= 0 && !n->w.cn_closed &&
		    ts_ns >= n->w.t_alive_ns) {
			n->w.cn_status = (int)status;
			n->w.cn_known = true;
		}
}

void exitwatch_proc_fork(struct shimd *d, pid_t pid, uint64_t ts_ns)
{
	struct watch_node *n;

	(void)d;
	for (n = *pid_slot(pid); n; n = n->hnext)
		if (n->w.pid == pid && ts_ns >= n->w.t_alive_ns)
			n->w.cn_closed = true;
}

void exitwatch_settle(struct shimd *d, bool empty)
{
	struct watch_node *n, *next;
	uint64_t now;
	int status;

	if (!n_awaiting)
		return;
	now = shimd_now_ns();
	for (n = watches; n; n = next) {
		next = n->next;
		if (!n->w.awaiting || (!empty && !d->stopping &&
				       now - n->w.texit_ns < SHIMD_REAP_WAIT_MS * 1000000ull))
			continue;
		if (cn_status(d, n, &status))
			write_exit(d, n, true, status);
		else
			write_exit(d, n, false, 0);
		unlink_node(d, n);
	}
}

unsigned exitwatch_abandon(struct shimd *d)
{
	unsigned k = 0;

	while (watches) {
		unlink_node(d, watches);
		k++;
	}
	return k;
}
