// SPDX-License-Identifier: GPL-2.0
/*
 * Self-confinement, in two layers.
 *
 * The ring: io_uring operations are not system calls, so seccomp never
 * sees them. The ring is created disabled (IORING_SETUP_R_DISABLED) and
 * restricted before it is enabled (IORING_REGISTER_RESTRICTIONS, Linux
 * 5.10, io_uring_register(2)) to the operations loop.c submits and the
 * three SQE flags it uses (IOSQE_IO_LINK, IOSQE_BUFFER_SELECT,
 * IOSQE_ASYNC); the receive
 * buffer ring is registered before, and no registration is allowed after.
 * An attacker who got control of the loop could not open, connect or
 * read arbitrary files through the ring.
 *
 * The process: once the socket, the log, the signals and the ring exist,
 * binfmt-shimd needs few system calls, and a libseccomp allowlist kills
 * the process (SCMP_ACT_KILL_PROCESS, SIGSYS) on any other. The ioctl
 * rule admits only PIDFD_GET_INFO.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pidfd_abi.h"
#include "shimd.h"

/* Each with why it is needed after set-up. */
static const char *const allowed[] = {
	"io_uring_enter",			/* the loop */
	"read", "write", "writev", "close",	/* stderr, the last flush, fds */
	"pwritev2",				/* sink.c: RWF_NOWAIT batches */
	"fstat", "newfstatat", "statx",		/* conn.c: the binary fd */
	"fstatfs",				/* conn.c: is it on tmpfs */
	"pread64", "preadv2", "lseek",		/* conn.c: the ELF header */
	"getsockopt", "sendto",			/* SO_PEERCRED, answers, datagram sinks */
	"shutdown",				/* conn.c: ends a connection's recvmsg */
	"recvmsg",				/* conn.c: a message already queued;
						 * procwatch.c: the process events */
	"pidfd_open",				/* procwatch.c: a pidfd of a process in a
						 * container, for its exit record */
	"openat", "mkdir",			/* SIGHUP: reopen the log */
	"fdatasync", "fsync",			/* reopen, shutdown */
	"ftruncate",				/* sink.c: a cut line on a full disk */
	"unlink",				/* shutdown: remove the socket */
	"getpid", "gettid", "clock_gettime", "gettimeofday", "clock_nanosleep",
	"mmap", "munmap", "mremap", "brk", "madvise",	/* malloc */
	"rt_sigreturn", "rt_sigprocmask", "restart_syscall",
	"futex", "getrandom",			/* libc internals */
	"exit", "exit_group",
};

/* What loop.c, conn.c, exitwatch.c and sink.c submit. */
static const uint8_t ring_ops[] = {
	IORING_OP_ACCEPT,	/* multishot accept */
	IORING_OP_RECVMSG,	/* multishot, one per connection */
	IORING_OP_POLL_ADD,	/* pidfds; the process events (multishot) */
	IORING_OP_LINK_TIMEOUT,	/* the reap wait */
	IORING_OP_READ,		/* the signalfd, hashes, slow binary heads */
	IORING_OP_WRITE,	/* the log */
	IORING_OP_FSYNC,	/* the fsync policy, reopen */
	IORING_OP_CLOSE,	/* reopen: the old log */
	IORING_OP_TIMEOUT,	/* the fsync tick */
	IORING_OP_ASYNC_CANCEL,	/* shutdown: the accept */
};

int confine_ring(struct io_uring *ring)
{
	struct io_uring_restriction r[sizeof(ring_ops) + 1];
	size_t i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < sizeof(ring_ops); i++) {
		r[i].opcode = IORING_RESTRICTION_SQE_OP;
		r[i].sqe_op = ring_ops[i];
	}
	r[i].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	r[i].sqe_flags = IOSQE_IO_LINK | IOSQE_BUFFER_SELECT | IOSQE_ASYNC;
	/* Debian's liburing 2.3 declares io_uring_register_restrictions()
	 * and io_uring_enable_rings() but does not export them: the system
	 * call itself, io_uring_register(2). */
	if (syscall(__NR_io_uring_register, ring->ring_fd, IORING_REGISTER_RESTRICTIONS,
		    r, (unsigned)(i + 1)) < 0)
		return -errno;
	if (syscall(__NR_io_uring_register, ring->ring_fd, IORING_REGISTER_ENABLE_RINGS,
		    NULL, 0) < 0)
		return -errno;
	return 0;
}

int confine(struct shimd *d)
{
	scmp_filter_ctx ctx;
	size_t i;
	int nr, err;

	(void)d;
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;		/* not on this architecture */
		if ((err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) < 0)
			goto out;
	}
	{
		struct scmp_arg_cmp cmd = {
			.arg = 1, .op = SCMP_CMP_EQ, .datum_a = PIDFD_GET_INFO,
		};

		err = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, &cmd);
	}
	if (err < 0)
		goto out;
	/* libseccomp sets no_new_privs itself (SCMP_FLTATR_CTL_NNP). */
	err = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return err;
}

/* The test of the filter: a system call off the list must kill us. */
void confine_selftest(const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR) {
		fprintf(stderr, "binfmt-shimd: --selftest-syscall: unknown %s\n", name);
		return;
	}
	fprintf(stderr, "binfmt-shimd: calling %s, which the filter forbids\n", name);
	syscall(nr, 0, 0, 0, 0, 0, 0);
	fprintf(stderr, "binfmt-shimd: still alive after %s\n", name);
}
