// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter binfmt_misc runs for foreign ELF files:
 *   parse what the kernel passed -> read the config -> probe the binary ->
 *   route (emulator, sysroot, policy) -> record -> hand off to the emulator.
 * The hand-off maps the emulator into this process and jumps to it
 * (shim/mapped.c), or, for an emulator it cannot map, is an execve in
 * place; never a fork: the PID, the caller's wait
 * status, signals, stdio and the controlling terminal are the guest's.
 * When the shim cannot or may not run the binary it says why on stderr and
 * exits 126, the status a shell uses for "found but cannot execute".
 * The shim parses no options: everything after the binary is the guest's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

#define EXIT_CANNOT_RUN 126

static int refuse(struct shim *s)
{
	shim_diagnose(s);
	return EXIT_CANNOT_RUN;
}

/*
 * The binary as the emulator opens it. Normally its path: the guest then
 * sees itself as exec'd (AT_EXECFN, /proc/self/exe through qemu). For a
 * secure exec (AT_SECURE: the C flag gave the process the binary's setuid
 * or setgid credentials) a path could be swapped between the kernel's
 * open and the emulator's, and the emulator would run the new file with
 * those credentials; so the emulator gets the file the kernel opened
 * (AT_EXECFD, else the one we probed), as /proc/self/fd/N, kept open
 * across the exec. Opening that magic link always reaches the same file,
 * whatever happens to its name. NULL: /proc is not there.
 */
static const char *binary_for_emulator(struct shim *s)
{
	static char fdpath[32];

	/* Mapped, the emulator gets the kernel's fd as AT_EXECFD
	 * (shim/mapped.c), and reads the binary from it. */
	if (!s->secure || s->emu.handoff == HANDOFF_MAPPED)
		return s->path;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", s->fd);
	if (s->fd < 0 || access(fdpath, F_OK) < 0 || fcntl(s->fd, F_SETFD, 0) < 0)
		return NULL;
	return fdpath;
}

/* qemu-<target> -0 <argv0> [-L <sysroot>] -- <binary> <args...>
 * "--" ends qemu's options (linux-user/main.c, parse_args), so a binary
 * named like an option ("-strace") is never read as one. */
static int hand_off(struct shim *s)
{
	/* The usual argv fits here: no malloc, so no brk calls and no heap
	 * page to fault in on the way to the emulator. */
	static char *small[256];
	const char *binary = binary_for_emulator(s);
	char **argv = small, **envp;
	int i = 0, k;

	if (!binary) {
		s->event = EV_FAIL;
		s->why = WHY_NO_PROC;
		s->sink_error[0] = '\0';
		shim_explain(s);
		shim_record(s);
		return refuse(s);
	}
	if ((size_t)s->guest_argc + 9 > sizeof(small) / sizeof(small[0]))
		argv = calloc((size_t)s->guest_argc + 9, sizeof(*argv));
	envp = shim_guest_env(s);
	if (!argv || !envp) {
		s->err = ENOMEM;
		goto failed;
	}
	argv[i++] = s->route.emulator;
	argv[i++] = "-0";
	argv[i++] = (char *)s->argv0;
	if (s->route.sysroot[0]) {
		argv[i++] = "-L";
		argv[i++] = s->route.sysroot;
	}
	argv[i++] = "--";
	argv[i++] = (char *)binary;
	for (k = 0; k < s->guest_argc; k++)
		argv[i++] = s->guest_args[k];
	argv[i] = NULL;
#ifdef SHIM_BENCH_NOEXEC
	/* make bench: callgrind counts up to here (it cannot follow execve). */
	return 0;
#endif
	if (s->emu.handoff == HANDOFF_MAPPED) {
		/* Returns only when nothing was changed: execve instead. A
		 * secure exec's path was not race-free without AT_EXECFD. */
		s->err = -shim_handoff_mapped(s, argv, envp);
		if (s->secure) {
			errno = s->err;
			goto failed;
		}
		/* The record and the diagnostic say why it was exec'd, and
		 * what failed first when the exec fails too. */
		s->emu.map_err = s->err;
		s->emu.handoff = HANDOFF_EXECVE;
		snprintf(s->emu.why, sizeof(s->emu.why), "mapping the emulator failed: %s",
			 strerror(s->err));
	}
	execve(s->route.emulator, argv, envp);
	s->err = errno;
failed:
	/* The exec record is written; this second record says it failed. */
	s->event = EV_FAIL;
	s->why = WHY_EMULATOR_NOEXEC;
	s->sink_error[0] = '\0';
	shim_explain(s);
	shim_record(s);
	return refuse(s);
}

int main(int argc, char **argv)
{
	static struct shim s;

	shim_parse_args(&s, argc, argv);
	shim_pinned_open(&s);
	shim_load_config(&s);
	shim_warn_config(&s);
	shim_probe(&s);
	shim_route(&s);
	shim_handoff_plan(&s);
	shim_explain(&s);
	shim_record(&s);
	if (s.event == EV_EXEC && !s.logged && s.cfg.deny_on_log_failure) {
		s.event = EV_FAIL;
		s.why = WHY_LOG_FAILED;
		shim_explain(&s);
	}
	if (s.event != EV_EXEC)
		return refuse(&s);
	return hand_off(&s);
}
