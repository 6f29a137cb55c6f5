// SPDX-License-Identifier: GPL-2.0
/*
 * stallfs: a one-file FUSE server whose reads hang on purpose (stallfs.h).
 *
 * The protocol is the kernel's own (include/uapi/linux/fuse.h and
 * Documentation/filesystems/fuse.rst): each read() of /dev/fuse returns one
 * request, a struct fuse_in_header and the opcode's argument; each write()
 * is one answer, a struct fuse_out_header (error = -errno) and the
 * opcode's result. FORGET, BATCH_FORGET and INTERRUPT get no answer.
 *
 * Control channel (a SOCK_SEQPACKET socketpair), one byte a message:
 *   server -> test  'I' INIT answered, 'H' a read is held, 'A' released,
 *                   'B' holding again
 *   test -> server  'G' answer the held reads and every later one,
 *                   'S' hold every later read again
 * The server exits when /dev/fuse says the connection is gone (ENODEV:
 * unmounted or aborted) or the control channel closes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stallfs.h"

#define ROOT_INO	FUSE_ROOT_ID	/* 1, fixed by the protocol */
#define BIN_INO		2
#define BIN_NAME	"bin"
/* Cache names and attributes for an hour, so a statx with
 * AT_STATX_DONT_SYNC (or any stat within the hour) needs no request. */
#define CACHE_SECS	3600
/* What we tell INIT for max_write; reads are not bounded by it. */
#define MAX_WRITE	4096
/* fuse_dev_do_read() refuses a buffer smaller than FUSE_MIN_READ_BUFFER or
 * than max_write plus the WRITE request's headers; a READ request is tiny,
 * but a LOOKUP carries a name of up to PATH_MAX. */
#define REQ_BUF		(64 * 1024)
/* A FUSE_READ asks for at most max_pages (default 32, FUSE_DEFAULT_MAX_PAGES_PER_REQ
 * in fs/fuse/fuse_i.h) pages; we answer any size up to the content's end. */
#define MAX_HELD	1024

struct held_read {
	uint64_t unique, off;
	uint32_t size;
};

struct server {
	int dev, ctl;
	unsigned flags;
	const unsigned char *content;
	size_t len;
	uint32_t uid, gid;
	uint64_t t0;
	int released;
	struct held_read held[MAX_HELD];
	size_t nheld;
};

/* One answer: header + up to two payload pieces. ENOENT means the request
 * is gone (interrupted and aborted, fs/fuse/dev.c fuse_dev_do_write), which
 * is fine; anything else is not worth stopping for either. */
static void reply(struct server *s, uint64_t unique, int error,
		  const void *a, size_t alen, const void *b, size_t blen)
{
	struct fuse_out_header h = {
		.len = (uint32_t)(sizeof(h) + alen + blen),
		.error = error,
		.unique = unique,
	};
	struct iovec iov[3] = {
		{ &h, sizeof(h) }, { (void *)a, alen }, { (void *)b, blen },
	};
	ssize_t n;

	do
		n = writev(s->dev, iov, 3);
	while (n < 0 && errno == EINTR);
}

static void fill_attr(const struct server *s, uint64_t ino, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->atime = a->mtime = a->ctime = s->t0;
	a->uid = s->uid;
	a->gid = s->gid;
	a->blksize = 4096;
	if (ino == ROOT_INO) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0755;
		a->nlink = 1;
		a->size = s->len;
		a->blocks = (s->len + 511) / 512;
	}
}

static void answer_read(struct server *s, uint64_t unique, uint64_t off, uint32_t size)
{
	size_t n = 0;

	if (off < s->len)
		n = s->len - off < size ? s->len - off : size;
	reply(s, unique, 0, s->content + (off < s->len ? off : 0), n, NULL, 0);
}

static void ctl_send(struct server *s, char c)
{
	(void)!send(s->ctl, &c, 1, MSG_NOSIGNAL);
}

static void do_init(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	const struct fuse_init_in *in = arg;
	struct fuse_init_out out = { .major = FUSE_KERNEL_VERSION };

	if (in->major < 7) {
		reply(s, h->unique, -EPROTO, NULL, 0, NULL, 0);
		return;
	}
	/* A newer major: answer with ours only, and the kernel asks again
	 * (Documentation/filesystems/fuse.rst has no more; libfuse does this). */
	if (in->major > FUSE_KERNEL_VERSION) {
		reply(s, h->unique, 0, &out, sizeof(out), NULL, 0);
		return;
	}
	out.minor = in->minor < FUSE_KERNEL_MINOR_VERSION ? in->minor
							  : FUSE_KERNEL_MINOR_VERSION;
	out.max_readahead = in->max_readahead;
	if (s->flags & STALLFS_ASYNC_READ)
		out.flags = in->flags & FUSE_ASYNC_READ;
	out.max_background = 16;
	out.congestion_threshold = 12;
	out.max_write = MAX_WRITE;
	out.time_gran = 1;
	/* Before 7.23 the answer was shorter (FUSE_COMPAT_22_INIT_OUT_SIZE). */
	reply(s, h->unique, 0, &out,
	      out.minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE : sizeof(out), NULL, 0);
	ctl_send(s, 'I');
}

static void do_lookup(struct server *s, const struct fuse_in_header *h, const char *name,
		      size_t namelen)
{
	struct fuse_entry_out e = {
		.nodeid = BIN_INO, .generation = 1,
		.entry_valid = CACHE_SECS, .attr_valid = CACHE_SECS,
	};

	if (h->nodeid != ROOT_INO || namelen != sizeof(BIN_NAME) ||
	    memcmp(name, BIN_NAME, sizeof(BIN_NAME))) {
		/* A negative entry (nodeid 0) with a timeout would be cached;
		 * ENOENT is simpler and the tests look up nothing else. */
		reply(s, h->unique, -ENOENT, NULL, 0, NULL, 0);
		return;
	}
	fill_attr(s, BIN_INO, &e.attr);
	reply(s, h->unique, 0, &e, sizeof(e), NULL, 0);
}

static void do_getattr(struct server *s, const struct fuse_in_header *h)
{
	struct fuse_attr_out a = { .attr_valid = CACHE_SECS };

	if (h->nodeid != ROOT_INO && h->nodeid != BIN_INO) {
		reply(s, h->unique, -ENOENT, NULL, 0, NULL, 0);
		return;
	}
	fill_attr(s, h->nodeid, &a.attr);
	reply(s, h->unique, 0, &a, sizeof(a), NULL, 0);
}

static void do_open(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	const struct fuse_open_in *in = arg;
	/* FOPEN_KEEP_CACHE: without it every open() invalidates the page
	 * cache (fs/fuse/file.c fuse_finish_open), and invalidation waits,
	 * uninterruptibly, on a page whose read we hold: a second open()
	 * of the file would hang instead of only its reads. */
	struct fuse_open_out out = { .open_flags = FOPEN_KEEP_CACHE };

	if ((in->flags & O_ACCMODE) != O_RDONLY) {
		reply(s, h->unique, -EROFS, NULL, 0, NULL, 0);
		return;
	}
	reply(s, h->unique, 0, &out, sizeof(out), NULL, 0);
}

/* ".", ".." and "bin", as struct fuse_dirent records from offset on. */
static void do_readdir(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	static const struct { const char *name; uint64_t ino; uint32_t type; } ents[] = {
		{ ".", ROOT_INO, DT_DIR }, { "..", ROOT_INO, DT_DIR },
		{ BIN_NAME, BIN_INO, DT_REG },
	};
	const struct fuse_read_in *in = arg;
	char buf[256];
	size_t used = 0, i;

	for (i = in->offset; i < sizeof(ents) / sizeof(ents[0]); i++) {
		struct fuse_dirent *d = (struct fuse_dirent *)(buf + used);
		size_t nl = strlen(ents[i].name);
		size_t rec = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + nl);

		if (used + rec > in->size || used + rec > sizeof(buf))
			break;
		memset(d, 0, rec);
		d->ino = ents[i].ino;
		d->off = i + 1;
		d->namelen = (uint32_t)nl;
		d->type = ents[i].type;
		memcpy(d->name, ents[i].name, nl);
		used += rec;
	}
	reply(s, h->unique, 0, buf, used, NULL, 0);
}

static void do_statfs(struct server *s, const struct fuse_in_header *h)
{
	struct fuse_statfs_out out = {
		.st = { .blocks = (s->len + 4095) / 4096, .files = 2,
			.bsize = 4096, .frsize = 4096, .namelen = 255 },
	};

	reply(s, h->unique, 0, &out, sizeof(out), NULL, 0);
}

static void do_read(struct server *s, const struct fuse_in_header *h, const void *arg)
{
	const struct fuse_read_in *in = arg;

	if (h->nodeid != BIN_INO) {
		reply(s, h->unique, -EISDIR, NULL, 0, NULL, 0);
		return;
	}
	if (s->released || s->nheld == MAX_HELD) {
		answer_read(s, h->unique, in->offset, in->size);
		return;
	}
	s->held[s->nheld++] = (struct held_read){ h->unique, in->offset, in->size };
	ctl_send(s, 'H');
}

/* The reader of a held request was signalled (or its io_uring request
 * cancelled): answer it with -EINTR. An INTERRUPT for a request we have
 * already answered needs nothing (fuse.rst: the INTERRUPT itself is never
 * answered unless with EAGAIN, asking the kernel to send it again). */
static void do_interrupt(struct server *s, const void *arg)
{
	const struct fuse_interrupt_in *in = arg;
	size_t i;

	for (i = 0; i < s->nheld; i++) {
		if (s->held[i].unique != in->unique)
			continue;
		reply(s, in->unique, -EINTR, NULL, 0, NULL, 0);
		s->held[i] = s->held[--s->nheld];
		return;
	}
}

static void release_all(struct server *s)
{
	size_t i;

	s->released = 1;
	for (i = 0; i < s->nheld; i++)
		answer_read(s, s->held[i].unique, s->held[i].off, s->held[i].size);
	s->nheld = 0;
	ctl_send(s, 'A');
}

/* The smallest argument each handled opcode needs: a request shorter than
 * that is answered -EINVAL rather than read past. */
static const struct { uint32_t opcode; size_t need; } arg_sizes[] = {
	{ FUSE_INIT, offsetof(struct fuse_init_in, flags2) },
	{ FUSE_LOOKUP, 1 },
	{ FUSE_OPEN, sizeof(struct fuse_open_in) },
	{ FUSE_READ, offsetof(struct fuse_read_in, lock_owner) },
	{ FUSE_READDIR, offsetof(struct fuse_read_in, lock_owner) },
	{ FUSE_INTERRUPT, sizeof(struct fuse_interrupt_in) },
};

static void handle(struct server *s, const void *buf, size_t n)
{
	const struct fuse_in_header *h = buf;
	const char *arg = (const char *)buf + sizeof(*h);
	size_t alen = n - sizeof(*h), i;

	for (i = 0; i < sizeof(arg_sizes) / sizeof(arg_sizes[0]); i++)
		if (arg_sizes[i].opcode == h->opcode && alen < arg_sizes[i].need) {
			reply(s, h->unique, -EINVAL, NULL, 0, NULL, 0);
			return;
		}
	switch (h->opcode) {
	case FUSE_INIT:
		do_init(s, h, arg);
		break;
	case FUSE_LOOKUP:
		/* The name is NUL-terminated; one that is not matches nothing. */
		do_lookup(s, h, arg, strnlen(arg, alen) < alen ? strnlen(arg, alen) + 1 : 0);
		break;
	case FUSE_GETATTR:
		do_getattr(s, h);
		break;
	case FUSE_OPEN:
		do_open(s, h, arg);
		break;
	case FUSE_READ:
		do_read(s, h, arg);
		break;
	case FUSE_READDIR:
		do_readdir(s, h, arg);
		break;
	case FUSE_STATFS:
		do_statfs(s, h);
		break;
	case FUSE_INTERRUPT:
		do_interrupt(s, arg);
		break;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
		break;		/* never answered (fuse.rst) */
	case FUSE_OPENDIR: {
		struct fuse_open_out out = { 0 };

		reply(s, h->unique, 0, &out, sizeof(out), NULL, 0);
		break;
	}
	case FUSE_FLUSH:
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_FSYNC:
	case FUSE_FSYNCDIR:
	case FUSE_ACCESS:
	case FUSE_DESTROY:
		reply(s, h->unique, 0, NULL, 0, NULL, 0);
		break;
	default:
		/* GETXATTR, LISTXATTR, STATX, LSEEK, POLL, ...: ENOSYS makes
		 * the kernel stop asking (fc->no_getxattr and friends). */
		reply(s, h->unique, -ENOSYS, NULL, 0, NULL, 0);
		break;
	}
}

static int serve(struct server *s)
{
	static unsigned char buf[REQ_BUF];

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = s->dev, .events = POLLIN },
			{ .fd = s->ctl, .events = POLLIN },
		};
		ssize_t n;
		char c;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[1].revents) {
			n = recv(s->ctl, &c, 1, 0);
			if (n <= 0 && !(n < 0 && errno == EINTR))
				return 0;		/* the test went away */
			if (n == 1 && c == 'G')
				release_all(s);
			if (n == 1 && c == 'S') {	/* hold reads again */
				s->released = 0;
				ctl_send(s, 'B');
			}
		}
		if (p[0].revents & (POLLERR | POLLHUP))
			return 0;			/* connection aborted */
		if (!(p[0].revents & POLLIN))
			continue;
		n = read(s->dev, buf, sizeof(buf));
		if (n < 0) {
			/* ENOENT: the request was interrupted before we got it;
			 * ENODEV: unmounted or aborted (fs/fuse/dev.c). */
			if (errno == EINTR || errno == EAGAIN || errno == ENOENT)
				continue;
			return errno == ENODEV ? 0 : 1;
		}
		if ((size_t)n < sizeof(struct fuse_in_header))
			continue;
		handle(s, buf, (size_t)n);
	}
}

/* Wait up to timeout_ms for one control byte; 1 got it, 0 timeout, -errno. */
static int ctl_recv(int fd, char *c, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	n = recv(fd, c, 1, 0);
	if (n < 0)
		return -errno;
	return n == 1 ? 1 : -EPIPE;
}

int stallfs_start(struct stallfs *f, const char *dir, const void *content, size_t len,
		  char *why, size_t whylen)
{
	return stallfs_start_flags(f, dir, content, len, 0, why, whylen);
}

int stallfs_start_flags(struct stallfs *f, const char *dir, const void *content,
			size_t len, unsigned flags, char *why, size_t whylen)
{
	struct server *s;
	char opts[128], c;
	int dev, sv[2], err, r;
	const char *what;

	memset(f, 0, sizeof(*f));
	f->pid = -1;
	f->ctl = -1;
	if (len > STALLFS_MAX_CONTENT || strlen(dir) >= sizeof(f->dir)) {
		snprintf(why, whylen, "stallfs: content or path too long");
		return -EINVAL;
	}
	strcpy(f->dir, dir);
	dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		err = -errno;
		snprintf(why, whylen, "cannot open /dev/fuse: %s", strerror(errno));
		return err;
	}
	if (mkdir(dir, 0755) == 0)
		f->made_dir = 1;
	else if (errno != EEXIST) {
		err = -errno;
		snprintf(why, whylen, "mkdir %s: %s", dir, strerror(errno));
		close(dev);
		return err;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		err = -errno;
		what = "socketpair";
		goto fail_dev;
	}
	/* fs/fuse/inode.c: the fd must be /dev/fuse opened in the mounter's
	 * user namespace; rootmode is octal; user_id/group_id are read in
	 * the mounter's namespace and only processes with exactly these
	 * (real, effective, saved) ids may use the mount
	 * (fuse_allow_current_process), whatever namespace they are in. */
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=%u,group_id=%u",
		 dev, (unsigned)getuid(), (unsigned)getgid());
	if (mount("stallfs", dir, "fuse.stallfs", MS_NOSUID | MS_NODEV, opts) < 0 &&
	    (errno != ENODEV ||
	     mount("stallfs", dir, "fuse", MS_NOSUID | MS_NODEV, opts) < 0)) {
		err = -errno;
		what = "mount fuse";
		goto fail_sock;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		err = -ENOMEM;
		what = "calloc";
		goto fail_mount;
	}
	s->dev = dev;
	s->ctl = sv[1];
	s->flags = flags;
	s->content = content;	/* the child's copy of the caller's memory */
	s->len = len;
	s->uid = getuid();
	s->gid = getgid();
	s->t0 = (uint64_t)time(NULL);
	f->pid = fork();
	if (f->pid < 0) {
		err = -errno;
		free(s);
		what = "fork";
		goto fail_mount;
	}
	if (f->pid == 0) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGPIPE, SIG_IGN);
		_exit(serve(s));
	}
	free(s);
	close(dev);
	close(sv[1]);
	f->ctl = sv[0];
	/* The kernel sends INIT when the mount is made; wait for the answer
	 * so a broken server is reported here, not as a hang later. */
	r = ctl_recv(f->ctl, &c, 10000);
	if (r == 1 && c == 'I')
		return 0;
	snprintf(why, whylen, "stallfs server did not answer FUSE_INIT (%s)",
		 r == 0 ? "timeout" : r < 0 ? strerror(-r) : "bad message");
	stallfs_stop(f);
	return r < 0 ? r : -ETIMEDOUT;

fail_mount:
	umount2(dir, MNT_DETACH);
fail_sock:
	close(sv[0]);
	close(sv[1]);
fail_dev:
	snprintf(why, whylen, "%s at %s: %s", what, dir, strerror(-err));
	close(dev);
	if (f->made_dir)
		rmdir(dir);
	f->made_dir = 0;
	f->pid = -1;
	return err;
}

int stallfs_wait_read(struct stallfs *f, int timeout_ms)
{
	struct timespec t0, t;
	char c;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (f->held == 0) {
		long left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000 +
				     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left < 0)
			left = 0;
		r = ctl_recv(f->ctl, &c, (int)left);
		if (r <= 0)
			return 0;
		if (c == 'H')
			f->held++;
	}
	return 1;
}

/* A command to the server, then its answer; the 'H's still in flight
 * before it are skipped. 0 or -errno. */
static int ctl_command(struct stallfs *f, char cmd, char answer)
{
	char c = cmd;
	int r;

	if (send(f->ctl, &c, 1, MSG_NOSIGNAL) != 1)
		return -errno;
	do {
		r = ctl_recv(f->ctl, &c, 10000);
		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
	} while (c != answer);
	f->held = 0;
	return 0;
}

int stallfs_hold(struct stallfs *f)
{
	return ctl_command(f, 'S', 'B');
}

int stallfs_release(struct stallfs *f)
{
	return ctl_command(f, 'G', 'A');
}

void stallfs_stop(struct stallfs *f)
{
	if (f->pid <= 0)
		return;		/* never started, or stopped already */
	umount2(f->dir, MNT_DETACH);
	if (f->ctl >= 0)
		close(f->ctl);
	f->ctl = -1;
	kill(f->pid, SIGKILL);
	while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
		;
	f->pid = -1;
	if (f->made_dir)
		rmdir(f->dir);
	f->made_dir = 0;
}
