/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stallfs: a one-file FUSE server whose reads hang until the test says so,
 * for proving that a binary on a hung FUSE mount does not stall a process
 * that touches it (binfmt-shimd's event loop). It speaks the kernel's FUSE
 * protocol directly over /dev/fuse (include/uapi/linux/fuse.h,
 * Documentation/filesystems/fuse.rst); no libfuse.
 *
 * The file system has a root directory holding one regular file "bin"
 * (mode 0755, the caller's uid/gid). Every FUSE_READ is held unanswered
 * until stallfs_release(); every other request is answered at once. A
 * held read whose caller is interrupted (FUSE_INTERRUPT: a signal, or a
 * cancelled io_uring request in an io-wq worker) is answered with -EINTR.
 */
#ifndef BSHIM_STALLFS_H
#define BSHIM_STALLFS_H

#include <stddef.h>
#include <sys/types.h>

/* Largest content stallfs_start() accepts. */
#define STALLFS_MAX_CONTENT (1u << 20)

/*
 * Flags for stallfs_start_flags(). By default reads are synchronous
 * requests: the reader waits in the FUSE request itself, so a signal sends
 * FUSE_INTERRUPT (and gets -EINTR back from the server), while a fatal
 * signal after that leaves the reader in an uninterruptible wait until the
 * read is answered or the server goes. STALLFS_ASYNC_READ negotiates
 * FUSE_ASYNC_READ as libfuse does: readahead becomes a background request,
 * the reader waits on the page lock (killable; no FUSE_INTERRUPT is sent).
 *
 * Measured on Linux 6.18: in the default (sync) mode an io_uring READ
 * submitted without IOSQE_ASYNC blocks io_uring_enter() itself: the inline
 * IOCB_NOWAIT attempt still runs readahead, and fuse_readahead() waits for
 * the held request in the submitter. With IOSQE_ASYNC the submit returns at
 * once and a cancel reaches the server as FUSE_INTERRUPT (the read ends
 * -EINTR). In STALLFS_ASYNC_READ mode the inline attempt gets -EAGAIN and
 * is punted to io-wq, where a cancel does not end it (-EALREADY).
 */
#define STALLFS_ASYNC_READ	0x1u

struct stallfs {
	pid_t pid;		/* the server process */
	int ctl;		/* the test's end of a control channel */
	char dir[256];		/* the mount point */
	int held;		/* reads the server reported held, since start/release */
	int made_dir;		/* stallfs_start created dir: stop removes it */
};

/*
 * Mount a FUSE file system at dir (the caller must already be root in its
 * own user + mount namespace, e.g. after tl_private_binfmt(); FUSE mounts
 * are allowed in a user namespace) serving one regular file "bin" (mode
 * 0755, uid/gid of the caller) with the given content (up to 1 MiB), and
 * fork a server process for it. Every FUSE_READ is held (not answered)
 * until stallfs_release(); everything else is answered at once. Returns
 * once the server has answered the kernel's FUSE_INIT. 0, or -errno with
 * why[] saying what failed (so a test can SKIP with the reason when
 * /dev/fuse is missing or the mount is refused).
 */
int stallfs_start(struct stallfs *f, const char *dir, const void *content, size_t len,
		  char *why, size_t whylen);
/* The same with STALLFS_* flags. */
int stallfs_start_flags(struct stallfs *f, const char *dir, const void *content,
			size_t len, unsigned flags, char *why, size_t whylen);
/* Wait until the server holds at least one READ; 1 yes, 0 not within timeout_ms. */
int stallfs_wait_read(struct stallfs *f, int timeout_ms);
/* Answer the held reads, and every later read at once. Returns when the
 * server has written the answers. 0 or -errno. */
int stallfs_release(struct stallfs *f);
/* After a release: hold every later read again (pages already read stay
 * in the page cache: FOPEN_KEEP_CACHE). 0 or -errno. */
int stallfs_hold(struct stallfs *f);
/* Unmount (umount2 MNT_DETACH), stop the server, reap it. Readers still
 * waiting get an error (the connection is aborted when the server's
 * /dev/fuse fd closes). Safe to call twice. */
void stallfs_stop(struct stallfs *f);

#endif
