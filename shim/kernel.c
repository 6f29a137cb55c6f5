// SPDX-License-Identifier: GPL-2.0
/*
 * How binfmt_misc starts the interpreter (fs/binfmt_misc.c,
 * load_misc_binary):
 *   argv = [ interpreter, path, argv0 (P flag only), args... ]
 * Without P the kernel removed the caller's argv[0] (remove_arg_zero), so
 * the path stands in for it. Since Linux 5.12 the P flag is also visible
 * as AT_FLAGS bit 0 (AT_FLAGS_PRESERVE_ARGV0, include/uapi/linux/binfmts.h),
 * which is the only way to tell "P, argv0 = X" from "no P, argv[1] = X".
 * With O (and C, which implies it) the kernel opened the binary and passes
 * the fd as AT_EXECFD.
 */
#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

#ifndef AT_FLAGS_PRESERVE_ARGV0
#define AT_FLAGS_PRESERVE_ARGV0 1
#endif

int shim_open(const char *path, int flags, unsigned mode)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC | O_LARGEFILE, mode);
}

void shim_parse_args(struct shim *s, int argc, char **argv)
{
	unsigned long v;

	s->argc = argc;
	s->argv = argv;
	s->execfd = -1;
	s->fd = -1;
	s->secure = getauxval(AT_SECURE) != 0;
	s->preserve_argv0 = (getauxval(AT_FLAGS) & AT_FLAGS_PRESERVE_ARGV0) != 0;
	s->uid = (unsigned)getauxval(AT_UID);
	s->euid = (unsigned)getauxval(AT_EUID);
	s->gid = (unsigned)getauxval(AT_GID);
	s->pid = (int)getpid();
	s->ppid = (int)getppid();

	/* getauxval returns 0 both for "absent" and for fd 0: errno tells. */
	errno = 0;
	v = getauxval(AT_EXECFD);
	if (errno == 0 && v <= (unsigned long)INT32_MAX)
		s->execfd = (int)v;

	if (argc < 2) {
		s->why = WHY_USAGE;
		return;
	}
	s->path = argv[1];
	if (s->preserve_argv0 && argc >= 3) {
		s->argv0 = argv[2];
		s->guest_args = argv + 3;
		s->guest_argc = argc - 3;
	} else {
		s->preserve_argv0 = false;
		s->argv0 = argv[1];
		s->guest_args = argv + 2;
		s->guest_argc = argc - 2;
	}
	/* The emulator must not inherit the kernel's fd. */
	if (s->execfd >= 0)
		fcntl(s->execfd, F_SETFD, FD_CLOEXEC);
}
