// SPDX-License-Identifier: GPL-2.0
/*
 * One shim connection: one message (lib/shimmsg.h), then the answer.
 *
 * Receiving: each accepted connection gets one multishot recvmsg that
 * takes its buffer from a ring of RECV_BUFS buffers the kernel picks from
 * (IORING_REGISTER_PBUF_RING, Linux 5.19; multishot recvmsg, 6.0). An idle
 * connection holds no buffer, so memory is bounded by the ring whatever
 * the clients do; each buffer goes back to the ring as soon as its message
 * is handled. After the answer, shutdown(SHUT_RD) ends the multishot
 * request, and its last completion frees the slot.
 *
 * Probing: the binary's attributes come from statx(AT_STATX_DONT_SYNC),
 * which does not ask a network or FUSE file system to revalidate, and its
 * head from preadv2(RWF_NOWAIT), which answers only from the page cache
 * (the kernel has just read the same page to exec it). When the page is
 * not cached, or the file system cannot say (-EOPNOTSUPP: FUSE, overlayfs,
 * and tmpfs on 6.18), the read goes into the ring with a PROBE_WAIT_MS
 * link timeout: a stalled file stalls neither the loop nor the shim; its
 * record then says the arch could not be verified ("verified":
 * {"probe_error": ...}). Except on tmpfs and ramfs: their pages live in
 * memory (at worst in swap), no device or server can hold the read, so
 * it is done in place. In the ring it would go to an io-wq worker (the
 * file has no FMODE_NOWAIT), which on a saturated CPU was not scheduled
 * within 2 ms: binaries in /tmp, /dev/shm or /run lost their verified
 * arch exactly when the host was busy.
 *
 * Credentials: pid, uid and gid come from what the kernel attached
 * (SCM_CREDENTIALS, checked by the kernel when the client sets them;
 * SO_PEERCRED of the connection when the message has none). The rest of
 * what the collector vouches for, and the record: vouch.c.
 *
 * A message that breaks any rule is refused (answer 'R', so the shim falls
 * back to its own log), its fds closed, and counted in a "rejected"
 * record: oversized (MSG_TRUNC), too many fds (MSG_CTRUNC, or more than
 * the header announces), fds missing, an event a client may not send, no
 * pidfd, an exec without the binary's fd (client_may_send), a binary fd
 * that is not a regular file, a pidfd that is not one or names another
 * process than the sender.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "arch.h"
#include "pidfd_abi.h"
#include "shimd.h"

/* The first bytes the collector probes: the ELF header and, for most
 * binaries, the program headers (the shim reads the same 4 KiB). */
#define HEAD_SIZE 4096

/* A shim sends right after it connects; a connection that has sent
 * nothing this long after its accept is shut down by the sweep
 * (conn_sweep, every 250 ms while connections are open), so idle
 * connections cannot hold every slot. */
#define IDLE_NS (1000ull * 1000 * 1000)

/* The receive buffers: one message each, with its control data. */
#define RECV_BGID 1
#define RECV_BUFS 32			/* a power of two */
#define RECV_CTL (CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(SHIMD_FDS_MAX * sizeof(int)))
/* One byte more than a message may have: MSG_TRUNC, or the parser, tells. */
#define RECV_BUF_SIZE (sizeof(struct io_uring_recvmsg_out) + RECV_CTL + SHIMMSG_MAX + 1)

static struct io_uring_buf_ring *rbr;
static unsigned char *rbufs;
static struct msghdr rtmpl;		/* the layout of every buffer */
static bool starved;			/* some request ended on -ENOBUFS */

/* A head read the page cache could not answer: in the ring, with the
 * message kept until it ends. The read's user_data is the slot, its link
 * timeout's is &slot->ts (both tagged OP_PROBE). */
#define PROBE_SLOTS 16
#define PROBE_WAIT_MS 2

struct probe_slot {
	struct conn *c;			/* NULL once its record is written */
	char *msg;			/* the message, a copy */
	size_t len;
	int fds[2], nfds, binfd, pidfd;
	struct verified v;
	unsigned char head[HEAD_SIZE];
	bool busy, read_done, timer_done;
	struct __kernel_timespec ts __attribute__((aligned(8)));
} __attribute__((aligned(8)));

static struct probe_slot *probes;	/* PROBE_SLOTS, allocated at start */

/* Every connection's socket, every fd a full ring of receive buffers can
 * carry (the kernel installs at most SHIMD_FDS_MAX per message, MSG_CTRUNC
 * for the rest), and the two each probe slot keeps. */
unsigned long conn_fd_reserve(void)
{
	return SHIMD_CONNS_MAX + RECV_BUFS * SHIMD_FDS_MAX + PROBE_SLOTS * 2;
}

int conn_init(struct shimd *d)
{
	struct io_uring_buf_reg reg = { 0 };
	unsigned i;
	int err;

	probes = calloc(PROBE_SLOTS, sizeof(*probes));
	rbufs = malloc(RECV_BUFS * RECV_BUF_SIZE);
	rbr = mmap(NULL, RECV_BUFS * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
		   MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (!probes || !rbufs || rbr == MAP_FAILED)
		return -ENOMEM;
	reg.ring_addr = (uintptr_t)rbr;
	reg.ring_entries = RECV_BUFS;
	reg.bgid = RECV_BGID;
	err = io_uring_register_buf_ring(&d->ring, &reg, 0);
	if (err < 0)
		return err;
	io_uring_buf_ring_init(rbr);
	for (i = 0; i < RECV_BUFS; i++)
		io_uring_buf_ring_add(rbr, rbufs + (size_t)i * RECV_BUF_SIZE, RECV_BUF_SIZE, i,
				      io_uring_buf_ring_mask(RECV_BUFS), (int)i);
	io_uring_buf_ring_advance(rbr, RECV_BUFS);
	rtmpl.msg_namelen = 0;
	rtmpl.msg_controllen = RECV_CTL;
	return 0;
}

static void recycle(unsigned bid)
{
	io_uring_buf_ring_add(rbr, rbufs + (size_t)bid * RECV_BUF_SIZE, RECV_BUF_SIZE, bid,
			      io_uring_buf_ring_mask(RECV_BUFS), 0);
	io_uring_buf_ring_advance(rbr, 1);
}

static void arm_recv(struct shimd *d, struct conn *c)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	io_uring_prep_recvmsg_multishot(sqe, c->fd, &rtmpl, MSG_CMSG_CLOEXEC);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = RECV_BGID;
	io_uring_sqe_set_data(sqe, shimd_tag(c, OP_RECV));
	c->armed = true;
	c->starved = false;
}

static void conn_free(struct shimd *d, struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->in_use = false;
	d->nconns--;
}

/* Done with a connection: free it once no request of ours holds it. */
static void conn_end(struct shimd *d, struct conn *c)
{
	c->answered = true;
	if (c->armed)
		shutdown(c->fd, SHUT_RD);	/* its last completion frees it */
	else if (!c->probing)
		conn_free(d, c);
}

void conn_ack(struct shimd *d, struct conn *c, bool ok)
{
	char a = ok ? SHIMMSG_ACK_OK : SHIMMSG_ACK_REJECT;

	/* A shim that gave up waiting has closed: it logged the record
	 * itself, and the send fails harmlessly. */
	(void)!send(c->fd, &a, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	conn_end(d, c);
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
	struct ucred peer;
	struct conn *c = NULL;
	unsigned i;

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
	if (!c) {			/* cannot be: nconns counts them */
		close(fd);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->in_use = true;
	c->fd = fd;
	c->peer = peer;
	c->t_accept_ns = shimd_now_ns();
	d->nconns++;
	arm_recv(d, c);
	shimd_arm_sweep(d);
}

/* Connections silent past IDLE_NS are shut down. */
void conn_sweep(struct shimd *d)
{
	uint64_t now = shimd_now_ns();
	unsigned i;

	for (i = 0; i < SHIMD_CONNS_MAX; i++) {
		struct conn *c = &d->conns[i];

		if (c->in_use && !c->got_msg && !c->answered &&
		    now - c->t_accept_ns > IDLE_NS) {
			c->answered = true;
			if (c->armed)
				shutdown(c->fd, SHUT_RD);
			else
				conn_free(d, c);
		}
	}
}

/* After a batch of completions: requests the buffer ring ran dry for
 * start again, now that their buffers are back. */
void conn_rearm(struct shimd *d)
{
	unsigned i;

	if (!starved)
		return;
	starved = false;
	for (i = 0; i < SHIMD_CONNS_MAX; i++)
		if (d->conns[i].in_use && d->conns[i].starved)
			arm_recv(d, &d->conns[i]);
}

static void close_fds(int *fds, int n)
{
	while (n-- > 0)
		close(fds[n]);
}

static void reject(struct shimd *d, struct conn *c, int *fds, int nfds,
		   uid_t uid, const char *why)
{
	close_fds(fds, nfds);
	sink_count_rejected(d, uid, why);
	conn_ack(d, c, false);
}

/*
 * What a client may send at all. Any local user can connect, so anything
 * the collector writes on its own authority ("exit", "lost", "rejected",
 * "hash") must not come from a client: only the three events of a shim,
 * about the sender's own process. Every message carries the sender's
 * pidfd (the shim sends one on Linux >= 5.3; the collector needs 6.0):
 * without it nothing ties the record to a live process of the sender.
 * An exec carries the binary's fd too (a shim that runs a binary has it
 * open); a deny or fail may come without (the shim could not open the
 * file), and is then written with "file_verified": false.
 */
static const char *client_may_send(const struct shimmsg *m)
{
	const char *ev = shimmsg_str(m, "event");

	if (!ev || (strcmp(ev, "exec") && strcmp(ev, "deny") && strcmp(ev, "fail")))
		return "event not allowed from a client";
	if (!(m->flags & SHIMMSG_F_PIDFD))
		return "no pidfd of the sender";
	if (!strcmp(ev, "exec") && !(m->flags & SHIMMSG_F_BINFD))
		return "exec without the binary's fd";
	return NULL;
}

/* The rest, once the head is read (or could not be): pidfd check, the
 * record, then the hash and the exit watch. Takes the fds (binfd is -1,
 * and not among fds, when a head read still holds it). */
static void finish(struct shimd *d, struct conn *c, const struct shimmsg *m,
		   struct verified *v, int *fds, int nfds, int binfd, int pidfd)
{
	static char rec[SHIMD_REC_MAX];
	struct rec_fields f = { 0 };
	struct watch *w = NULL;
	const char *ev;
	char id[48];
	pid_t ppid = 0;
	int len;

	/* A sender that has already ended (its shim stopped waiting) has no
	 * pid left to compare (0): its credentials still vouch for the
	 * record. */
	if (exitwatch_pidfd_pid(pidfd, &ppid) < 0 || (ppid && ppid != v->cred.pid)) {
		reject(d, c, fds, nfds, v->cred.uid, "pidfd is not the sender's");
		return;
	}
	ev = shimmsg_str(m, "event");
	/* Only a run has an end worth waiting for: deny and fail exit 126.
	 * Over the caps the record is still written, saying so. */
	if (!strcmp(ev, "exec"))
		w = exitwatch_reserve(d, v->cred.uid);
	shimd_next_id(d, id, sizeof(id));
	/* A "hash" record follows when the binary goes to hash.c. */
	len = vouch_record(m, v, id, d->o.sha256 && binfd >= 0,
			   strcmp(ev, "exec") ? -1 : w != NULL, rec, sizeof(rec));
	f.event = ev;
	f.id = id;
	f.arch = v->arch ? v->arch->name : shimmsg_str(m, "arch");
	f.path = shimmsg_str(m, "path");
	f.pid = v->cred.pid;
	f.uid = v->cred.uid;
	if (len < 0 || sink_put(d, rec, (size_t)len, &f, c) < 0) {
		if (w)
			exitwatch_unreserve(d, w);
		if (pidfd >= 0)
			close(pidfd);
		if (binfd >= 0)
			close(binfd);
		if (len < 0)
			sink_count_rejected(d, v->cred.uid, "record too large");
		conn_ack(d, c, false);	/* the shim logs it itself */
		return;
	}
	d->n_exec++;
	/* The hash comes after the record, in its own (hash.c); a binary
	 * whose head read is still going (a stalled file) is not hashed. */
	if (binfd >= 0)
		hash_add(d, binfd, v->cred.pid, v->cred.uid, (int64_t)v->st.st_size, id);
	if (w)
		exitwatch_add(d, w, pidfd, v->cred.pid, id);
	else
		close(pidfd);
}

/* A file system whose reads never wait on a device or a server: its
 * pages are in memory or swap (tmpfs, ramfs). fstatfs is asked only when
 * RWF_NOWAIT was refused, so the common case costs nothing more. */
static bool in_memory_fs(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0)
		return false;
	return sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC;
}

/* The head read goes to the ring: the message is copied, the record
 * waits for the read or PROBE_WAIT_MS. */
static bool probe_later(struct shimd *d, struct conn *c, const char *msg, size_t len,
			const struct verified *v, int *fds, int nfds, int binfd, int pidfd)
{
	static struct __kernel_timespec wait_ts = { .tv_nsec = PROBE_WAIT_MS * 1000000L };
	struct io_uring_sqe *sqe;
	struct probe_slot *p = NULL;
	unsigned i;

	for (i = 0; i < PROBE_SLOTS && !p; i++)
		if (!probes[i].busy)
			p = &probes[i];
	if (!p || !(p->msg = malloc(len)))
		return false;
	memcpy(p->msg, msg, len);
	p->len = len;
	p->c = c;
	p->v = *v;
	memcpy(p->fds, fds, (size_t)nfds * sizeof(int));
	p->nfds = nfds;
	p->binfd = binfd;
	p->pidfd = pidfd;
	p->busy = true;
	p->read_done = p->timer_done = false;
	p->ts = wait_ts;
	c->probing = true;
	sqe = shimd_sqe(d);
	io_uring_prep_read(sqe, binfd, p->head, HEAD_SIZE, 0);
	io_uring_sqe_set_data(sqe, shimd_tag(p, OP_PROBE));
	/* Not IOSQE_ASYNC: on 6.18 a read forced to a worker that then
	 * hangs in a synchronous FUSE request was never cancelled by its
	 * link timeout (no completion at all), while this way the timeout
	 * fires and the loop keeps running (tests/integration/
	 * test_shimd_slow.c, both FUSE read modes). */
	sqe->flags |= IOSQE_IO_LINK;
	sqe = shimd_sqe(d);
	io_uring_prep_link_timeout(sqe, &p->ts, 0);
	io_uring_sqe_set_data(sqe, shimd_tag(&p->ts, OP_PROBE));
	d->n_probe_async++;
	return true;
}

/* The record of a slot, with what the read gave (res) or why not. A
 * read still going keeps the binary's fd: it is closed when the read
 * ends, and the binary is not hashed. */
static void probe_finish(struct shimd *d, struct probe_slot *p, int res, const char *error)
{
	static struct shimmsg m;
	struct conn *c = p->c;
	int fds[2], nfds = 0, k, binfd = p->read_done ? p->binfd : -1;

	p->c = NULL;
	c->probing = false;
	if (error)
		p->v.probe_error = error;
	else
		vouch_head(p->head, res, &p->v);
	for (k = 0; k < p->nfds; k++)
		if (p->read_done || p->fds[k] != p->binfd)
			fds[nfds++] = p->fds[k];
	if (binfd >= 0)
		p->binfd = -1;		/* finish() takes it */
	if (shimmsg_parse(p->msg, p->len, &m) < 0) {	/* parsed before: cannot fail */
		reject(d, c, fds, nfds, p->v.cred.uid, "malformed message");
		return;
	}
	finish(d, c, &m, &p->v, fds, nfds, binfd, p->pidfd);
}

void conn_probe_cqe(struct shimd *d, void *ptr, int res)
{
	static const char slow_read[] = "the binary's first 4 KiB did not read in 2 ms "
					"(a slow or stalled file system)";
	struct probe_slot *p;
	bool timer = false;
	size_t i;

	/* The slot is found by address: the read's is the slot, the
	 * timeout's is its ts member. */
	i = (size_t)((unsigned char *)ptr - (unsigned char *)probes) / sizeof(*probes);
	if (i >= PROBE_SLOTS)
		return;
	p = &probes[i];
	timer = ptr == (void *)&p->ts;
	if (timer) {
		p->timer_done = true;
		/* The timeout fired (-ETIME; -EALREADY or -ENOENT when the
		 * read could not be cancelled where it was): the record
		 * goes without. -ECANCELED: the read ended first. */
		if (res != -ECANCELED && p->c)
			probe_finish(d, p, 0, slow_read);
	} else {
		p->read_done = true;
		/* Cancelled by its timeout (-ECANCELED; -EINTR when a FUSE
		 * server answered the interrupt), before or after the
		 * timeout's own completion. */
		if (p->c && (res == -ECANCELED || res == -EINTR))
			probe_finish(d, p, 0, slow_read);
		else if (p->c)
			probe_finish(d, p, res, res < 0 ? "reading the binary failed" : NULL);
		else if (p->binfd >= 0)
			close(p->binfd);	/* its record went without it */
		p->binfd = -1;
	}
	if (p->read_done && p->timer_done) {
		free(p->msg);
		p->msg = NULL;
		p->busy = false;
	}
}

/* An empty message's fds (a hostile client's) are closed and counted. */
static void drop_fds(struct shimd *d, struct conn *c, struct io_uring_recvmsg_out *o)
{
	struct cmsghdr *cm;
	size_t n = 0, k;

	for (cm = io_uring_recvmsg_cmsg_firsthdr(o, &rtmpl); cm;
	     cm = io_uring_recvmsg_cmsg_nexthdr(o, &rtmpl, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (k = 0; k < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++, n++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
			close(fd);
		}
	}
	if (n)
		sink_count_rejected(d, c->peer.uid, "empty message");
}

/* What came with a message: its fds and the sender's credentials. */
struct arrived {
	int fds[SHIMD_FDS_MAX * 2], nfds;
	struct verified v;		/* cred set; the rest is probed */
};

/* The fds (beyond what any message may carry: closed) and the
 * credentials; data queued before accept may carry none: the
 * connection's own are as good (the same process connected). */
static void take_ancillary(const struct conn *c, struct io_uring_recvmsg_out *o,
			   struct arrived *a)
{
	struct cmsghdr *cm;
	bool have_cred = false;
	int k;

	for (cm = io_uring_recvmsg_cmsg_firsthdr(o, &rtmpl); cm;
	     cm = io_uring_recvmsg_cmsg_nexthdr(o, &rtmpl, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_RIGHTS) {
			size_t nf = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (k = 0; k < (int)nf; k++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + (size_t)k * sizeof(int), sizeof(int));
				if (a->nfds < (int)(sizeof(a->fds) / sizeof(a->fds[0])))
					a->fds[a->nfds++] = fd;
				else
					close(fd);
			}
		} else if (cm->cmsg_type == SCM_CREDENTIALS &&
			   cm->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			memcpy(&a->v.cred, CMSG_DATA(cm), sizeof(a->v.cred));
			have_cred = a->v.cred.pid > 0;
		}
	}
	if (!have_cred)
		a->v.cred = c->peer;
}

/* Why the message is refused (parsed into m on the way), or NULL. */
static const char *refusal(const struct io_uring_recvmsg_out *o, const char *payload,
			   size_t plen, struct shimmsg *m, int nfds)
{
	int rc, want;

	if (o->flags & MSG_TRUNC)
		return "oversized message";
	if (o->flags & MSG_CTRUNC)
		return "too many fds";
	rc = shimmsg_parse(payload, plen, m);
	if (rc < 0)
		return rc == -EPROTONOSUPPORT ? "unknown message version" : "malformed message";
	want = !!(m->flags & SHIMMSG_F_BINFD) + !!(m->flags & SHIMMSG_F_PIDFD);
	if (nfds != want)
		return nfds < want ? "fds missing" : "extra fds";
	return client_may_send(m);
}

/* Our own reading of the binary's head, in place when the page cache
 * (or a file system in memory) has it; false when the read went to the
 * ring (probe_later), which then finishes the message. */
static bool read_head(struct shimd *d, struct conn *c, const char *payload, size_t plen,
		      struct arrived *a, int binfd, int pidfd)
{
	static unsigned char head[HEAD_SIZE];
	struct iovec iov = { .iov_base = head, .iov_len = sizeof(head) };
	ssize_t n;

	n = preadv2(binfd, &iov, 1, 0, RWF_NOWAIT);
	if (n < 0 && errno == EOPNOTSUPP && in_memory_fs(binfd))
		n = pread(binfd, head, sizeof(head), 0);
	if (n < 0 && (errno == EAGAIN || errno == EOPNOTSUPP)) {
		if (probe_later(d, c, payload, plen, &a->v, a->fds, a->nfds, binfd, pidfd))
			return false;
		a->v.probe_error = "too many slow reads of binaries at once";
		n = 0;
	} else if (n < 0) {
		a->v.probe_error = "reading the binary failed";
	}
	vouch_head(head, n, &a->v);
	return true;
}

/* One message: checks, then our own reading of the binary. */
static void conn_message(struct shimd *d, struct conn *c, struct io_uring_recvmsg_out *o,
			 int res)
{
	static struct shimmsg m;
	struct arrived a = { .nfds = 0 };
	int binfd = -1, pidfd = -1;
	const char *payload = io_uring_recvmsg_payload(o, &rtmpl);
	size_t plen = io_uring_recvmsg_payload_length(o, res, &rtmpl);
	const char *why;

	take_ancillary(c, o, &a);
	if (c->got_msg || c->answered) {
		/* One message per connection: a second is not read as one. */
		close_fds(a.fds, a.nfds);
		sink_count_rejected(d, a.v.cred.uid, "more than one message on a connection");
		return;
	}
	c->got_msg = true;
	why = refusal(o, payload, plen, &m, a.nfds);
	if (why) {
		reject(d, c, a.fds, a.nfds, a.v.cred.uid, why);
		return;
	}
	if (m.flags & SHIMMSG_F_BINFD)
		binfd = a.fds[0];
	if (m.flags & SHIMMSG_F_PIDFD)
		pidfd = a.fds[a.nfds - 1];
	if (binfd >= 0) {
		if (vouch_stat(binfd, &a.v) < 0) {
			reject(d, c, a.fds, a.nfds, a.v.cred.uid, "binary fd is not a regular file");
			return;
		}
		if (!read_head(d, c, payload, plen, &a, binfd, pidfd))
			return;
	}
	finish(d, c, &m, &a.v, a.fds, a.nfds, binfd, pidfd);
}

/* A completion of a connection's multishot recvmsg. */
void conn_recv_cqe(struct shimd *d, struct conn *c, const struct io_uring_cqe *cqe)
{
	bool more = cqe->flags & IORING_CQE_F_MORE;

	if (cqe->flags & IORING_CQE_F_BUFFER) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		struct io_uring_recvmsg_out *o =
			io_uring_recvmsg_validate(rbufs + (size_t)bid * RECV_BUF_SIZE,
						  cqe->res, &rtmpl);

		/* Payload 0: end of file (the request ends with it; the kernel
		 * still fills in a header), or an empty message, which ends
		 * the request too and is no message of ours. */
		if (cqe->res > 0 && o && o->payloadlen)
			conn_message(d, c, o, cqe->res);
		else if (cqe->res > 0 && o)
			drop_fds(d, c, o);
		recycle(bid);
	}
	if (more)
		return;
	c->armed = false;
	if (cqe->res == -ENOBUFS && !c->got_msg && !c->answered) {
		c->starved = true;	/* conn_rearm, after this batch */
		starved = true;
		return;
	}
	/* The request is over: EOF (the shim closed, or our shutdown),
	 * an error, or a cancel. A record still being probed or written
	 * answers later (conn_ack), and that frees the connection. */
	if (!c->got_msg || c->answered)
		conn_free(d, c);
}
