// SPDX-License-Identifier: GPL-2.0
/*
 * Foreign execs in containers. A shim whose "/" is not the one `register`
 * pinned it in (a chroot, a container: shim/mapped.c) reaches no host
 * path and no host socket, so it writes no record and does not try. The
 * collector learns of those execs from the kernel's process-event
 * connector (NETLINK_CONNECTOR, CN_IDX_PROC; drivers/connector/cn_proc.c),
 * which reports every exec on the host:
 *
 *   - A process is ours when the file /proc/<pid>/exe names (dev, ino) is
 *     one of the pinned files of --pinned-dir: with the F flag the kernel
 *     runs that file itself, and the mapped hand-off has no second execve,
 *     so it stays the process's exe for the whole run. Only files owned by
 *     root and writable by no one else count, with a trailer for the arch
 *     they are named after (lib/pinned.h): a user's copy is not ours.
 *   - It is recorded here only when its root (/proc/<pid>/root) is not the
 *     one in the pinned file's trailer: the very test the shim makes to
 *     decide it is in a container. A process on the host's root has the
 *     shim's own record; one in a container has this one. No exec has both.
 *   - The record says which container: the pid in each pid namespace
 *     (NSpid), the mount, pid and user namespace inodes, the cgroup path,
 *     the host uid and gid, and the binary's path as the kernel passed it
 *     (argv[1] of the binfmt argv in /proc/<pid>/cmdline). A pidfd opened
 *     before those reads, still naming a live process after them, proves
 *     they are all of that one process; it then goes to exitwatch.c.
 *
 * Losses are counted, never silent. The kernel numbers its events per CPU
 * (msg->seq, with the CPU in the event): a gap is events our socket's
 * full receive buffer dropped (recv also fails once with ENOBUFS), and
 * their count goes into a "lost" record. An exec whose process ended
 * before it could be looked at cannot be told foreign or native: those
 * are counted apart ("unidentified"), an upper bound. Neither is counted
 * while there is no pinned file at all (nothing could be ours).
 *
 * The same events give exitwatch.c the exit status of the runs it tracks
 * (PROC_EVENT_EXIT, with PROC_EVENT_FORK telling a pid's reuse) where the
 * pidfd does not (kernels before 6.15).
 *
 * The socket is opened, and the listening requested, before the
 * confinement (confine.c); receiving is a multishot poll in the ring and
 * recvmsg(MSG_DONTWAIT) until the queue is empty. Only the kernel's
 * messages (sender port 0) are read: any local user may send a unicast
 * netlink message to our socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "arch.h"
#include "pinned.h"
#include "procinfo.h"
#include "shimd.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Room for a burst: about 10,000 events of ~800 bytes each (skb). */
#define CN_RCVBUF (8 << 20)
/* Pinned files known, including replaced ones whose old inode may still
 * be the exe of a running process. */
#define PINS_MAX 256
#define CPUS_MAX 8192
#define PROC_READ_MAX 4096

struct pin {
	dev_t dev;
	ino_t ino;
	/* An inode number is reused once its file is gone: the size and
	 * mtime must match too. */
	off_t size;
	struct timespec mtime;
	uint64_t root_dev, root_ino;
	char arch[PINNED_ARCH_MAX];
};

static struct pin pins[PINS_MAX];
static unsigned npins, pin_next;
static struct stat dir_st;
static bool dir_known;

static int cn_fd = -1;
static bool cn_armed, cn_again;
static uint32_t *cpu_next;
static bool *cpu_seen;
static unsigned ncpu;
static unsigned long long n_overflow;

bool procwatch_is(struct shimd *d, void *p)
{
	(void)d;
	return p == (void *)&cn_fd || p == (void *)&cn_again;
}

static struct pin *pin_find(const struct stat *st)
{
	unsigned i;

	for (i = 0; i < npins; i++)
		if (pins[i].dev == st->st_dev && pins[i].ino == st->st_ino &&
		    pins[i].size == st->st_size &&
		    pins[i].mtime.tv_sec == st->st_mtim.tv_sec &&
		    pins[i].mtime.tv_nsec == st->st_mtim.tv_nsec)
			return &pins[i];
	return NULL;
}

static bool pin_inode_known(const struct stat *st)
{
	unsigned i;

	for (i = 0; i < npins; i++)
		if (pins[i].dev == st->st_dev && pins[i].ino == st->st_ino)
			return true;
	return false;
}

/* One file of the dir: ours when root's, not writable by group or
 * others, and its trailer names the arch it is named after. */
static void pin_consider(const char *dir, const char *name)
{
	unsigned char t[PINNED_TRAILER_SIZE];
	struct pinned_info pi;
	struct stat st;
	struct pin *p;
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022) || st.st_size < PINNED_TRAILER_SIZE ||
	    pread(fd, t, sizeof(t), st.st_size - PINNED_TRAILER_SIZE) != (ssize_t)sizeof(t) ||
	    pinned_parse(t, sizeof(t), (uint64_t)st.st_size, &pi) < 0 ||
	    strcmp(pi.arch, name)) {
		close(fd);
		return;
	}
	close(fd);
	p = pin_find(&st);
	if (!p) {
		/* Full: the oldest entry goes (a long-replaced file). */
		p = &pins[npins < PINS_MAX ? npins++ : pin_next++ % PINS_MAX];
		p->dev = st.st_dev;
		p->ino = st.st_ino;
	}
	p->size = st.st_size;
	p->mtime = st.st_mtim;
	p->root_dev = pi.root_dev;
	p->root_ino = pi.root_ino;
	snprintf(p->arch, sizeof(p->arch), "%s", pi.arch);
}

/* Read the dir again when it changed (register renames its files into
 * place: the dir's mtime moves). Its files are named after the arches, so
 * no listing is needed (and no getdents under seccomp). */
static void pins_scan(struct shimd *d, bool force)
{
	struct stat st;
	size_t i;

	if (stat(d->o.pinned_dir, &st) < 0) {
		dir_known = false;
		return;
	}
	if (!force && dir_known && st.st_dev == dir_st.st_dev && st.st_ino == dir_st.st_ino &&
	    st.st_mtim.tv_sec == dir_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == dir_st.st_mtim.tv_nsec &&
	    st.st_ctim.tv_sec == dir_st.st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == dir_st.st_ctim.tv_nsec)
		return;
	dir_st = st;
	dir_known = true;
	for (i = 0; i < arch_count; i++)
		pin_consider(d->o.pinned_dir, arch_table[i].name);
}

/* Wait at most 1 s for the kernel's answer to PROC_CN_MCAST_LISTEN: it
 * ignores a listener outside the initial user and pid namespaces without
 * a word (cn_proc_mcast_ctl), so no answer means no events. */
static int await_listen_ack(uint32_t cookie)
{
	static char buf[4096] __attribute__((aligned(8)));
	uint64_t end = shimd_now_ns() + 1000000000ull;
	struct pollfd p = { .fd = cn_fd, .events = POLLIN };
	struct nlmsghdr *nh;
	ssize_t n;

	while (shimd_now_ns() < end) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(cn_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			continue;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			struct cn_msg *cn = NLMSG_DATA(nh);
			struct proc_event ev;

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(ev)))
				continue;
			memcpy(&ev, cn->data, sizeof(ev));	/* at offset 36: not aligned */
			if (ev.what == PROC_EVENT_NONE && cn->ack == cookie + 1)
				return ev.event_data.ack.err ? -(int)ev.event_data.ack.err : 0;
		}
	}
	return -ETIMEDOUT;
}

int procwatch_init(struct shimd *d)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	char msg[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))];
	struct nlmsghdr *nh = (struct nlmsghdr *)msg;
	struct cn_msg *cn = NLMSG_DATA(nh);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int size = d->o.proc_rcvbuf ? (int)d->o.proc_rcvbuf : CN_RCVBUF, err;
	uint32_t cookie = (uint32_t)getpid();
	long cpus;
	const char *why;

	if (!d->o.pinned_dir)
		d->o.pinned_dir = SHIMD_PINNED_DIR_DEFAULT;
	if (!d->o.proc_events)
		return 0;
	pins_scan(d, true);
	cpus = sysconf(_SC_NPROCESSORS_CONF);
	ncpu = cpus < 1 ? 1 : cpus > CPUS_MAX ? CPUS_MAX : (unsigned)cpus;
	cpu_next = calloc(ncpu, sizeof(*cpu_next));
	cpu_seen = calloc(ncpu, sizeof(*cpu_seen));
	if (!cpu_next || !cpu_seen)
		return -ENOMEM;
	cn_fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	if (cn_fd < 0) {
		why = "no process-event connector (CONFIG_CONNECTOR, CONFIG_PROC_EVENTS)";
		goto off;
	}
	/* Joining the group needs CAP_NET_ADMIN in the initial user
	 * namespace (the connector's socket has no NL_CFG_F_NONROOT_RECV). */
	if (bind(cn_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		why = errno == EPERM ? "joining it needs CAP_NET_ADMIN in the host's user namespace"
				     : "bind failed";
		goto off;
	}
	/* The buffer the kernel fills while the loop is busy: forced past
	 * net.core.rmem_max as root (CAP_NET_ADMIN), else what is allowed. */
	if (setsockopt(cn_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(cn_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	memset(msg, 0, sizeof(msg));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nh->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->ack = cookie;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	sa.nl_groups = 0;		/* to the kernel */
	if (sendto(cn_fd, msg, nh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		why = "sending PROC_CN_MCAST_LISTEN failed";
		goto off;
	}
	err = await_listen_ack(cookie);
	if (err < 0) {
		why = err == -ETIMEDOUT ? "the kernel did not answer: the collector must run in the "
					  "host's user and pid namespaces"
					: "the kernel refused PROC_CN_MCAST_LISTEN";
		goto off;
	}
	fprintf(stderr, "binfmt-shimd: process events: recording foreign execs in containers "
		"(%u pinned files in %s)\n", npins, d->o.pinned_dir);
	return 0;
off:
	fprintf(stderr, "binfmt-shimd: process events: off, execs in containers are not "
		"recorded: %s (%s)\n", why, strerror(errno));
	if (cn_fd >= 0)
		close(cn_fd);
	cn_fd = -1;
	return 0;
}

void procwatch_arm(struct shimd *d)
{
	struct io_uring_sqe *sqe;

	if (cn_fd < 0 || cn_armed || d->stopping)
		return;
	sqe = shimd_sqe(d);
	io_uring_prep_poll_multishot(sqe, cn_fd, POLLIN);
	io_uring_sqe_set_data(sqe, shimd_tag(&cn_fd, OP_LOOP));
	cn_armed = true;
}

/* A whole /proc file (the first PROC_READ_MAX bytes): its length or -1. */
static ssize_t read_proc(pid_t pid, const char *what, char *buf, size_t cap)
{
	char path[64];
	ssize_t n, got = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	while ((size_t)got < cap && (n = read(fd, buf + got, cap - (size_t)got)) > 0)
		got += n;
	close(fd);
	return got;
}

static int stat_proc(pid_t pid, const char *what, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	return stat(path, st);
}

/* What the record says of the process, all read while pidfd held it. */
struct seen {
	long long nspid[PROCINFO_NSPID_MAX];
	int nnspid;
	unsigned long long uid, gid, ppid;
	struct stat mnt, pidns, user, root;
	char cgroup[PROC_READ_MAX], cmdline[PROC_READ_MAX];
	ssize_t cgroup_len, cmdline_len;
};

static bool gather(pid_t pid, struct seen *s)
{
	static char status[PROC_READ_MAX];
	ssize_t n = read_proc(pid, "status", status, sizeof(status));

	if (n <= 0 || procinfo_id(status, (size_t)n, "Uid", &s->uid) < 0 ||
	    procinfo_id(status, (size_t)n, "Gid", &s->gid) < 0)
		return false;
	if (procinfo_id(status, (size_t)n, "PPid", &s->ppid) < 0)
		s->ppid = 0;
	s->nnspid = procinfo_nspid(status, (size_t)n, s->nspid, PROCINFO_NSPID_MAX);
	if (stat_proc(pid, "root", &s->root) < 0 || stat_proc(pid, "ns/mnt", &s->mnt) < 0 || stat_proc(pid, "ns/pid", &s->pidns) < 0 ||
	    stat_proc(pid, "ns/user", &s->user) < 0)
		return false;
	s->cgroup_len = read_proc(pid, "cgroup", s->cgroup, sizeof(s->cgroup));
	s->cmdline_len = read_proc(pid, "cmdline", s->cmdline, sizeof(s->cmdline));
	return s->cmdline_len >= 0;
}

/* A string the process gave, capped to half a field, or null. */
static void kv_half(struct json_writer *w, const char *k, bool have, const char *v, size_t len)
{
	jw_key(w, k);
	if (have)
		jw_string_n(w, v, len < SHIMD_FIELD_MAX / 2 ? len : SHIMD_FIELD_MAX / 2);
	else
		jw_null(w);
}

/* "container": the namespaces, pids, cgroup and root it ran in. */
static void write_container(struct json_writer *w, const struct seen *s)
{
	const char *cg = NULL;
	size_t cglen = 0;
	char dev[48];
	bool have;
	int i;

	jw_key(w, "container");
	jw_object_begin(w);
	if (s->nnspid > 0)
		jw_kv_int(w, "pid", s->nspid[s->nnspid - 1]);
	else
		jw_kv_null(w, "pid");
	jw_key(w, "nspid");
	jw_array_begin(w);
	for (i = 0; i < s->nnspid; i++)
		jw_int(w, s->nspid[i]);
	jw_array_end(w);
	jw_kv_uint(w, "mnt_ns", (uint64_t)s->mnt.st_ino);
	jw_kv_uint(w, "pid_ns", (uint64_t)s->pidns.st_ino);
	jw_kv_uint(w, "user_ns", (uint64_t)s->user.st_ino);
	have = s->cgroup_len > 0 &&
	       procinfo_cgroup(s->cgroup, (size_t)s->cgroup_len, &cg, &cglen) == 0;
	kv_half(w, "cgroup", have, cg, cglen);
	snprintf(dev, sizeof(dev), "%u:%u", major(s->root.st_dev), minor(s->root.st_dev));
	jw_kv_string(w, "root_dev", dev);
	jw_kv_uint(w, "root_ino", (uint64_t)s->root.st_ino);
	jw_object_end(w);
}

/* The exec record of a foreign exec: its length, or < 0 when it does not fit. */
static int build_record(char *rec, size_t cap, pid_t pid, const struct pin *p,
			const struct seen *s, const char *id, bool exit_tracked)
{
	struct json_writer w;
	const char *a = NULL;
	size_t alen = 0;
	bool have;

	shimd_record_begin(&w, rec, cap, "exec", NULL);
	jw_kv_int(&w, "pid", pid);
	jw_kv_uint(&w, "ppid", s->ppid);
	jw_kv_uint(&w, "uid", s->uid);
	jw_kv_uint(&w, "gid", s->gid);
	/* binfmt_misc's argv: the interpreter, then the binary's path as
	 * passed to execve (then, with P, the caller's argv[0]). */
	have = procinfo_arg(s->cmdline, (size_t)s->cmdline_len, 1, &a, &alen) == 0;
	kv_half(&w, "path", have, a, alen);
	jw_kv_string(&w, "arch", p->arch);
	jw_kv_string(&w, "host_arch", arch_host()->name);
	have = procinfo_arg(s->cmdline, (size_t)s->cmdline_len, 0, &a, &alen) == 0;
	kv_half(&w, "interpreter", have, a, alen);
	write_container(&w, s);
	jw_kv_string(&w, "id", id);
	jw_kv_string(&w, "source", "collector");
	jw_kv_string(&w, "origin", "proc-connector");
	jw_kv_bool(&w, "file_verified", false);
	jw_kv_bool(&w, "exit_tracked", exit_tracked);
	jw_object_end(&w);
	return jw_finish(&w);
}

static void record(struct shimd *d, pid_t pid, int pidfd, const struct pin *p,
		   const struct seen *s, uint64_t t_alive)
{
	static char rec[SHIMD_REC_MAX];
	struct rec_fields f = { .event = "exec" };
	struct watch *wt;
	char id[48];
	int len;

	wt = exitwatch_reserve(d, (uid_t)s->uid);
	shimd_next_id(d, id, sizeof(id));
	len = build_record(rec, sizeof(rec), pid, p, s, id, wt != NULL);
	f.id = id;
	f.arch = p->arch;
	f.path = NULL;
	f.pid = pid;
	f.uid = (long long)s->uid;
	if (len < 0 || sink_put(d, rec, (size_t)len, &f, NULL) < 0) {
		if (wt)
			exitwatch_unreserve(d, wt);
		close(pidfd);
		sink_count_lost(d, 1, "exec record of a container: the output is too far behind");
		return;
	}
	d->n_exec++;
	d->n_container++;
	if (wt) {
		wt->t_alive_ns = t_alive;
		exitwatch_add(d, wt, pidfd, pid, id);
	} else {
		close(pidfd);
	}
}

/* Not the root register ran in: the shim took itself for being in a
 * container and wrote no record (shim/mapped.c makes the same test). */
static bool foreign(const struct pin *p, const struct stat *root)
{
	return p->root_ino &&
	       ((uint64_t)root->st_dev != p->root_dev || (uint64_t)root->st_ino != p->root_ino);
}

static void on_exec(struct shimd *d, pid_t pid)
{
	static struct seen s;
	struct stat st, again;
	struct pin *p;
	pid_t now = 0;
	uint64_t t_alive;
	int pidfd;

	if (stat_proc(pid, "exe", &st) < 0) {
		/* Ended (or a zombie: no mm, no exe) before we looked. */
		if (errno == ENOENT || errno == ESRCH)
			d->unidentified++;
		return;
	}
	p = pin_find(&st);
	if (!p && dir_known && st.st_dev == dir_st.st_dev) {
		/* A file register has just put there, or a known one whose
		 * mtime changed (touched: the dir did not change)? */
		pins_scan(d, pin_inode_known(&st));
		p = pin_find(&st);
	}
	if (!p)
		return;
	/* The shim's own test (shim/mapped.c): its root against the one
	 * register recorded. Same root: the shim records it. */
	if (stat_proc(pid, "root", &s.root) < 0)
		goto gone;
	if (!foreign(p, &s.root))
		return;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		goto gone;
	/* Everything read after the pidfd and before the liveness check is
	 * of the pidfd's process: a pid is not reused before its process is
	 * reaped. */
	if (!gather(pid, &s) || !foreign(p, &s.root) || stat_proc(pid, "exe", &again) < 0 ||
	    again.st_dev != st.st_dev || again.st_ino != st.st_ino ||
	    exitwatch_pidfd_pid(pidfd, &now) < 0 || now != pid) {
		close(pidfd);
		goto gone;
	}
	/* The pidfd's process has exec'd the pinned file (so its fork event
	 * is behind us) and is not reaped: exit events of pid from now on
	 * may be its own (exitwatch.c). */
	t_alive = shimd_now_ns();
	record(d, pid, pidfd, p, &s, t_alive);
	return;
gone:
	d->unidentified++;
}

/* The kernel's per-CPU sequence: a gap is events dropped for us. */
static void count_gap(struct shimd *d, const struct cn_msg *cn, const struct proc_event *ev)
{
	uint32_t cpu = ev->cpu, gap;

	if (cpu >= ncpu)
		return;
	if (cpu_seen[cpu]) {
		gap = cn->seq - cpu_next[cpu];
		/* Far off: not a drop (a counter we cannot follow). */
		if (gap && gap < (1u << 30)) {
			d->cn_drops += gap;
			if (npins)
				sink_count_lost(d, gap, SHIMD_DROPPED_REASON);
		}
	}
	cpu_seen[cpu] = true;
	cpu_next[cpu] = cn->seq + 1;
}

/* Events handled per turn of the loop: a storm of execs on the host must
 * not keep the loop from answering shims (5 ms). */
#define DRAIN_MAX 512

/* Handle what is queued, at most DRAIN_MAX messages: true when some may
 * be left. */
static bool drain(struct shimd *d)
{
	static char buf[65536] __attribute__((aligned(8)));
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	struct nlmsghdr *nh;
	unsigned k;
	ssize_t n;

	for (k = 0; k < DRAIN_MAX; k++) {
		mh.msg_namelen = sizeof(from);
		n = recvmsg(cn_fd, &mh, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			n_overflow++;	/* the gaps say how many */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		if (from.nl_pid != 0)
			continue;	/* not the kernel's */
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			struct cn_msg *cn = NLMSG_DATA(nh);
			struct proc_event ev;

			if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_NOOP ||
			    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(ev)) ||
			    cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
				continue;
			/* The event follows the 16-byte netlink header and the
			 * 20-byte cn_msg: a copy, for its 64-bit members. */
			memcpy(&ev, cn->data, sizeof(ev));
			count_gap(d, cn, &ev);
			if (ev.what == PROC_EVENT_EXEC && npins &&
			    ev.event_data.exec.process_tgid > 0)
				on_exec(d, (pid_t)ev.event_data.exec.process_tgid);
			/* Ends of processes (not of other threads), and new
			 * processes, for the runs exitwatch.c tracks. */
			else if (ev.what == PROC_EVENT_EXIT && d->nwatch &&
				 ev.event_data.exit.process_pid == ev.event_data.exit.process_tgid)
				exitwatch_proc_exit(d, ev.event_data.exit.process_tgid,
						    ev.event_data.exit.exit_code, ev.timestamp_ns);
			else if (ev.what == PROC_EVENT_FORK && d->nwatch &&
				 ev.event_data.fork.child_pid == ev.event_data.fork.child_tgid)
				exitwatch_proc_fork(d, ev.event_data.fork.child_tgid,
						    ev.timestamp_ns);
		}
	}
	return true;
}

/* Drain, and when the limit left some, a one-shot poll that comes back
 * at once (after the rest of this turn) for the rest: the multishot poll
 * reports new arrivals, not what is left. True when the queue is empty. */
static bool drain_rearm(struct shimd *d)
{
	bool more = drain(d);

	if (more && !cn_again && !d->stopping) {
		struct io_uring_sqe *sqe = shimd_sqe(d);

		io_uring_prep_poll_add(sqe, cn_fd, POLLIN);
		io_uring_sqe_set_data(sqe, shimd_tag(&cn_again, OP_LOOP));
		cn_again = true;
	}
	exitwatch_settle(d, !more);
	return !more;
}

void procwatch_cqe(struct shimd *d, void *p, int res, unsigned flags)
{
	if (p == (void *)&cn_again) {
		cn_again = false;
	} else if (!(flags & IORING_CQE_F_MORE)) {
		cn_armed = false;
	}
	if (res < 0 && res != -ECANCELED)
		fprintf(stderr, "binfmt-shimd: process events: poll: %s\n", strerror(-res));
	if (res > 0)
		(void)drain_rearm(d);
	procwatch_arm(d);
}

bool procwatch_on(void)
{
	return cn_fd >= 0;
}

bool procwatch_flush(struct shimd *d)
{
	return cn_fd < 0 || drain_rearm(d);
}

void procwatch_tick(struct shimd *d)
{
	if (cn_fd >= 0)
		pins_scan(d, false);
	exitwatch_settle(d, false);	/* past SHIMD_REAP_WAIT_MS */
}

void procwatch_stop(struct shimd *d)
{
	if (cn_fd >= 0 && d->o.proc_events)
		fprintf(stderr, "binfmt-shimd: process events: %llu exec records of containers, "
			"%llu receive overflows\n", d->n_container, n_overflow);
}
