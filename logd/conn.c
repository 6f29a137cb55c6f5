// SPDX-License-Identifier: GPL-2.0
/*
 * One shim connection: one message (lib/shimmsg.h), then the answer.
 *
 * Nothing the client says is taken on its word where the kernel can say
 * it instead: pid, uid and gid come from the credentials the kernel
 * attached (SCM_CREDENTIALS, checked by the kernel when the client sets
 * them; SO_PEERCRED of the connection when the message has none); dev,
 * inode, size and mtime from fstat of the fd the client sent; arch and
 * e_machine from our own elf_probe of that fd. The record keeps the
 * client's other fields, the verified values win in "pid", "uid", "gid",
 * "arch" and "elf"."machine", and "claimed" keeps what the client said
 * where it differs.
 *
 * A message that breaks any rule is refused (answer 'R', so the shim falls
 * back to its own log), its fds closed, and counted in a "rejected"
 * record: oversized (MSG_TRUNC), too many fds (MSG_CTRUNC, or more than
 * the header announces), fds missing, a binary fd that is not a regular
 * file, a pidfd that is not one or names another process than the sender.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "elf.h"
#include "pidfd_abi.h"
#include "shimd.h"

/* The first bytes the collector probes: the ELF header and, for most
 * binaries, the program headers (the shim reads the same 4 KiB). */
#define HEAD_SIZE 4096

/* A shim sends right after it connects; an idle connection is closed
 * after this long, so idle connections cannot hold every slot. */
static struct __kernel_timespec idle_ts = { .tv_sec = 1 };

struct verified {
	struct ucred cred;
	bool have_file;
	struct stat st;
	const struct arch *arch;
	bool have_machine;
	unsigned machine;
};

static void conn_free(struct shimd *d, struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	c->buf = NULL;
	c->fd = -1;
	c->in_use = false;
	d->nconns--;
}

void conn_ack(struct shimd *d, struct conn *c, bool ok)
{
	char a = ok ? SHIMMSG_ACK_OK : SHIMMSG_ACK_REJECT;

	/* A shim that gave up waiting has closed: it logged the record
	 * itself, and the send fails harmlessly. */
	(void)!send(c->fd, &a, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	conn_free(d, c);
}

static unsigned uid_conns(struct shimd *d, uid_t uid)
{
	unsigned i, n = 0;

	for (i = 0; i < SHIMD_CONNS_MAX; i++)
		if (d->conns[i].in_use && d->conns[i].peer.uid == uid)
			n++;
	return n;
}

void conn_accepted(struct shimd *d, int fd)
{
	socklen_t len = sizeof(struct ucred);
	struct io_uring_sqe *sqe;
	struct ucred peer;
	struct conn *c = NULL;
	unsigned i;
	ssize_t n;

	/* Closing is the fair refusal: the shim sees EOF and falls back. */
	if (d->stopping || d->nconns >= SHIMD_CONNS_MAX ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0 ||
	    uid_conns(d, peer.uid) >= SHIMD_CONNS_PER_UID) {
		close(fd);
		return;
	}
	for (i = 0; i < SHIMD_CONNS_MAX && !c; i++)
		if (!d->conns[i].in_use)
			c = &d->conns[i];
	c->buf = malloc(SHIMMSG_MAX + 1);
	if (!c->buf) {
		close(fd);
		return;
	}
	c->in_use = true;
	c->fd = fd;
	c->peer = peer;
	d->nconns++;
	/* One byte more than a message may have: MSG_TRUNC tells. */
	c->iov.iov_base = c->buf;
	c->iov.iov_len = SHIMMSG_MAX + 1;
	memset(&c->msg, 0, sizeof(c->msg));
	c->msg.msg_iov = &c->iov;
	c->msg.msg_iovlen = 1;
	c->msg.msg_control = c->ctl;
	c->msg.msg_controllen = CMSG_SPACE(sizeof(struct ucred)) +
				CMSG_SPACE(SHIMD_FDS_MAX * sizeof(int));
	/* The shim sends right after connecting, so the message is usually
	 * queued already: take it now, and spare the shim a turn of the
	 * loop. Otherwise the ring waits for it. */
	n = recvmsg(fd, &c->msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
		conn_received(d, c, n >= 0 ? (int)n : -errno);
		return;
	}
	c->msg.msg_controllen = CMSG_SPACE(sizeof(struct ucred)) +
				CMSG_SPACE(SHIMD_FDS_MAX * sizeof(int));
	sqe = shimd_sqe(d);
	io_uring_prep_recvmsg(sqe, fd, &c->msg, MSG_CMSG_CLOEXEC);
	io_uring_sqe_set_data(sqe, (void *)((uintptr_t)c | OP_RECV));
	/* A connection that says nothing in time gives its slot back. */
	sqe->flags |= IOSQE_IO_LINK;
	sqe = shimd_sqe(d);
	io_uring_prep_link_timeout(sqe, &idle_ts, 0);
	io_uring_sqe_set_data(sqe, NULL);
}

static void close_fds(int *fds, int n)
{
	while (n-- > 0)
		close(fds[n]);
}

static void kv_ntime(struct json_writer *w, const char *k, const struct timespec *ts)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts->tv_nsec);
	jw_kv_string(w, k, buf);
}

/* Our own reading of the binary: fstat, then the ELF header. */
static int probe_file(int fd, struct verified *v)
{
	static unsigned char head[HEAD_SIZE];
	struct elf_info ei;
	ssize_t n;

	if (fstat(fd, &v->st) < 0 || !S_ISREG(v->st.st_mode))
		return -EBADF;
	v->have_file = true;
	n = pread(fd, head, sizeof(head), 0);
	if (n <= 0)
		return 0;
	/* No reader past the head: the header fields are all we need. */
	if (elf_probe(head, (size_t)n, NULL, NULL, &ei) == 0 || ei.machine) {
		v->have_machine = ei.elf_class != 0;
		v->machine = ei.machine;
		v->arch = ei.arch;
	}
	return 0;
}

static bool claim_differs_int(const struct shimmsg *m, int idx, long long want)
{
	return idx >= 0 && (m->m[idx].type != SHIMMSG_INT || m->m[idx].i != want);
}

static bool claim_differs_str(const struct shimmsg *m, int idx, const char *want)
{
	if (idx < 0)
		return false;
	if (!want)
		return m->m[idx].type != SHIMMSG_NULL;
	return m->m[idx].type != SHIMMSG_STRING || strcmp(m->m[idx].s, want);
}

static void emit_elf(const struct shimmsg *m, int e, const struct verified *v,
		     struct json_writer *w)
{
	size_t i;

	if (m->m[e].type != SHIMMSG_OBJECT || !v->have_machine) {
		shimmsg_emit_value(m, e, w);
		return;
	}
	jw_object_begin(w);
	for (i = (size_t)e + 1; i < m->n; i++) {
		if (m->m[i].parent != e)
			continue;
		jw_key(w, m->m[i].key);
		if (!strcmp(m->m[i].key, "machine"))
			jw_uint(w, v->machine);
		else
			shimmsg_emit_value(m, (int)i, w);
	}
	jw_object_end(w);
}

/* The exec (or deny/fail) record: the client's members in its order with
 * the verified values in place, then id, source, verified, claimed. */
static int build(struct shimd *d, const struct shimmsg *m, const struct verified *v,
		 const char *id, char *out, size_t cap)
{
	const char *arch = v->arch ? v->arch->name : NULL;
	int ipid = shimmsg_find(m, -1, "pid"), iuid = shimmsg_find(m, -1, "uid");
	int igid = shimmsg_find(m, -1, "gid"), iarch = shimmsg_find(m, -1, "arch");
	int ielf = shimmsg_find(m, -1, "elf"), imach = -1;
	bool dpid, duid, dgid, darch = false, dmach = false;
	struct json_writer w;
	size_t i;

	(void)d;
	if (ielf >= 0 && m->m[ielf].type == SHIMMSG_OBJECT)
		imach = shimmsg_find(m, ielf, "machine");
	dpid = claim_differs_int(m, ipid, v->cred.pid);
	duid = claim_differs_int(m, iuid, v->cred.uid);
	dgid = claim_differs_int(m, igid, v->cred.gid);
	if (v->have_file) {
		darch = claim_differs_str(m, iarch, arch);
		dmach = v->have_machine && claim_differs_int(m, imach, v->machine);
	}
	jw_init(&w, out, cap);
	jw_object_begin(&w);
	for (i = 0; i < m->n; i++) {
		const char *k = m->m[i].key;

		if (m->m[i].parent != -1)
			continue;
		jw_key(&w, k);
		if ((int)i == ipid)
			jw_int(&w, v->cred.pid);
		else if ((int)i == iuid)
			jw_uint(&w, v->cred.uid);
		else if ((int)i == igid)
			jw_uint(&w, v->cred.gid);
		else if ((int)i == iarch && v->have_file)
			arch ? jw_string(&w, arch) : jw_null(&w);
		else if ((int)i == ielf)
			emit_elf(m, ielf, v, &w);
		else
			shimmsg_emit_value(m, (int)i, &w);
	}
	if (ipid < 0)
		jw_kv_int(&w, "pid", v->cred.pid);
	if (iuid < 0)
		jw_kv_uint(&w, "uid", v->cred.uid);
	if (igid < 0)
		jw_kv_uint(&w, "gid", v->cred.gid);
	jw_kv_string(&w, "id", id);
	jw_kv_string(&w, "source", "collector");
	jw_key(&w, "verified");
	jw_object_begin(&w);
	jw_kv_int(&w, "pid", v->cred.pid);
	jw_kv_uint(&w, "uid", v->cred.uid);
	jw_kv_uint(&w, "gid", v->cred.gid);
	if (v->have_file) {
		char dev[32];

		snprintf(dev, sizeof(dev), "%u:%u", major(v->st.st_dev), minor(v->st.st_dev));
		jw_kv_string(&w, "dev", dev);
		jw_kv_uint(&w, "ino", (uint64_t)v->st.st_ino);
		jw_kv_int(&w, "size", (int64_t)v->st.st_size);
		kv_ntime(&w, "mtime", &v->st.st_mtim);
		arch ? jw_kv_string(&w, "arch", arch) : jw_kv_null(&w, "arch");
		if (v->have_machine)
			jw_kv_uint(&w, "machine", v->machine);
		else
			jw_kv_null(&w, "machine");
	}
	jw_object_end(&w);
	if (dpid || duid || dgid || darch || dmach) {
		jw_key(&w, "claimed");
		jw_object_begin(&w);
		if (dpid) {
			jw_key(&w, "pid");
			shimmsg_emit_value(m, ipid, &w);
		}
		if (duid) {
			jw_key(&w, "uid");
			shimmsg_emit_value(m, iuid, &w);
		}
		if (dgid) {
			jw_key(&w, "gid");
			shimmsg_emit_value(m, igid, &w);
		}
		if (darch) {
			jw_key(&w, "arch");
			shimmsg_emit_value(m, iarch, &w);
		}
		if (dmach) {
			jw_key(&w, "machine");
			shimmsg_emit_value(m, imach, &w);
		}
		jw_object_end(&w);
	}
	jw_object_end(&w);
	return jw_finish(&w);
}

static void reject(struct shimd *d, struct conn *c, int *fds, int nfds,
		   uid_t uid, const char *why)
{
	close_fds(fds, nfds);
	sink_count_rejected(d, uid, why);
	conn_ack(d, c, false);
}

void conn_received(struct shimd *d, struct conn *c, int res)
{
	static struct shimmsg m;
	static char rec[SHIMD_REC_MAX];
	struct cmsghdr *cm;
	struct verified v = { 0 };
	struct pidfd_info pi = { .mask = PIDFD_INFO_PID | PIDFD_INFO_EXIT };
	struct rec_fields f = { 0 };
	int fds[SHIMD_FDS_MAX * 2], nfds = 0, want, binfd = -1, pidfd = -1, len, k;
	bool have_cred = false;
	char id[48];
	const char *ev;

	if (res <= 0) {			/* error, or closed without a message */
		conn_free(d, c);
		return;
	}
	for (cm = CMSG_FIRSTHDR(&c->msg); cm; cm = CMSG_NXTHDR(&c->msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_RIGHTS) {
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (k = 0; k < (int)n; k++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + (size_t)k * sizeof(int), sizeof(int));
				if (nfds < (int)(sizeof(fds) / sizeof(fds[0])))
					fds[nfds++] = fd;
				else
					close(fd);
			}
		} else if (cm->cmsg_type == SCM_CREDENTIALS &&
			   cm->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			memcpy(&v.cred, CMSG_DATA(cm), sizeof(v.cred));
			have_cred = v.cred.pid > 0;
		}
	}
	/* Data queued before accept may carry no credentials: the
	 * connection's own are as good (the same process connected). */
	if (!have_cred)
		v.cred = c->peer;
	if (c->msg.msg_flags & MSG_TRUNC) {
		reject(d, c, fds, nfds, v.cred.uid, "oversized message");
		return;
	}
	if (c->msg.msg_flags & MSG_CTRUNC) {
		reject(d, c, fds, nfds, v.cred.uid, "too many fds");
		return;
	}
	k = shimmsg_parse(c->buf, (size_t)res, &m);
	if (k < 0) {
		reject(d, c, fds, nfds, v.cred.uid,
		       k == -EPROTONOSUPPORT ? "unknown message version" :
		       "malformed message");
		return;
	}
	want = !!(m.flags & SHIMMSG_F_BINFD) + !!(m.flags & SHIMMSG_F_PIDFD);
	if (nfds != want) {
		reject(d, c, fds, nfds, v.cred.uid,
		       nfds < want ? "fds missing" : "extra fds");
		return;
	}
	if (m.flags & SHIMMSG_F_BINFD)
		binfd = fds[0];
	if (m.flags & SHIMMSG_F_PIDFD)
		pidfd = fds[nfds - 1];
	if (binfd >= 0 && probe_file(binfd, &v) < 0) {
		reject(d, c, fds, nfds, v.cred.uid, "binary fd is not a regular file");
		return;
	}
	/* A sender that has already ended (its shim stopped waiting) has no
	 * pid left to compare (ESRCH, or only its exit status): its
	 * credentials still vouch for the record. */
	if (pidfd >= 0 && (ioctl(pidfd, PIDFD_GET_INFO, &pi) < 0 ? errno != ESRCH :
			   pi.pid && (pid_t)pi.pid != v.cred.pid)) {
		reject(d, c, fds, nfds, v.cred.uid, "pidfd is not the sender's");
		return;
	}
	ev = shimmsg_str(&m, "event");
	if (pidfd >= 0 && !strcmp(ev, "exec") &&
	    exitwatch_count_uid(d, v.cred.uid) >= SHIMD_WATCH_PER_UID) {
		reject(d, c, fds, nfds, v.cred.uid, "too many runs tracked for this uid");
		return;
	}
	shimd_next_id(d, id, sizeof(id));
	len = build(d, &m, &v, id, rec, sizeof(rec));
	f.event = ev;
	f.id = id;
	f.arch = v.arch ? v.arch->name : shimmsg_str(&m, "arch");
	f.path = shimmsg_str(&m, "path");
	f.pid = v.cred.pid;
	f.uid = v.cred.uid;
	if (len < 0 || sink_put(d, rec, (size_t)len, &f, c) < 0) {
		if (pidfd >= 0)
			close(pidfd);
		if (binfd >= 0)
			close(binfd);
		if (len < 0)
			sink_count_rejected(d, v.cred.uid, "record too large");
		conn_ack(d, c, false);	/* the shim logs it itself */
		return;
	}
	d->n_exec++;
	/* The hash comes after the record, in its own (hash.c). */
	if (binfd >= 0)
		hash_add(d, binfd, v.cred.pid, v.cred.uid, (int64_t)v.st.st_size, id);
	if (pidfd < 0)
		return;
	/* Only a run has an end worth waiting for: deny and fail exit 126. */
	if (strcmp(ev, "exec") || exitwatch_add(d, pidfd, v.cred.pid, v.cred.uid, id) < 0)
		close(pidfd);
}
