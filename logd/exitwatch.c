// SPDX-License-Identifier: GPL-2.0
/*
 * How each run ended. The shim sent a pidfd of itself and then exec'd the
 * emulator, so the pidfd now refers to the guest. A poll on it completes
 * when the process exits (POLLIN, that is the end time); its wait status
 * is in PIDFD_GET_INFO with PIDFD_INFO_EXIT (Linux >= 6.15) only once the
 * parent has reaped it (pidfs_exit() runs from release_task()), which the
 * pidfd signals with POLLHUP. So: poll POLLIN, ask; not there yet, poll
 * POLLHUP with a time limit (SHIMD_REAP_WAIT_MS), ask again. A kernel
 * without the ioctl, or a parent that never reaps, gives the end time with
 * status "unknown".
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
};

static struct watch_node *watches;

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
	snprintf(n->w.id, sizeof(n->w.id), "%s", id);
	n->next = watches;
	if (watches)
		watches->prev = n;
	watches = n;
	arm(d, n, POLLIN);
}

static void unlink_node(struct shimd *d, struct watch_node *n)
{
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

void exitwatch_event(struct shimd *d, struct watch *wp, int res)
{
	struct watch_node *n = (struct watch_node *)wp;
	struct pidfd_info pi = { .mask = PIDFD_INFO_EXIT };
	uint64_t now = shimd_now_ns();

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
	write_exit(d, n, false, 0);
	unlink_node(d, n);
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
