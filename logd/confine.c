// SPDX-License-Identifier: GPL-2.0
/*
 * Self-confinement: once the socket, the log, the signals and the ring
 * exist, binfmt-shimd needs few system calls, and a libseccomp allowlist
 * kills the process (SCMP_ACT_KILL_PROCESS, SIGSYS) on any other. The
 * io_uring operations themselves are not system calls and are not seen
 * by seccomp; the ring only ever gets the operations loop.c submits.
 * The ioctl rule admits only PIDFD_GET_INFO.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <unistd.h>

#include "pidfd_abi.h"
#include "shimd.h"

/* Each with why it is needed after set-up. */
static const char *const allowed[] = {
	"io_uring_enter",			/* the loop */
	"read", "write", "writev", "close",	/* stderr, the last flush, fds */
	"pwritev2",				/* sink.c: RWF_NOWAIT batches */
	"fstat", "newfstatat", "statx",		/* conn.c: the binary fd */
	"pread64", "lseek",			/* conn.c: the ELF header */
	"getsockopt", "sendto",			/* SO_PEERCRED, answers, datagram sinks */
	"openat", "mkdir",			/* SIGHUP: reopen the log */
	"fdatasync", "fsync",			/* reopen, shutdown */
	"unlink",				/* shutdown: remove the socket */
	"getpid", "gettid", "clock_gettime", "gettimeofday", "clock_nanosleep",
	"mmap", "munmap", "mremap", "brk", "madvise",	/* malloc */
	"rt_sigreturn", "rt_sigprocmask", "restart_syscall",
	"futex", "getrandom",			/* libc internals */
	"exit", "exit_group",
};

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
