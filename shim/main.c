// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter binfmt_misc runs for foreign ELF files:
 *   parse what the kernel passed -> read the config -> probe the binary ->
 *   route (emulator, sysroot, policy) -> record -> execve the emulator.
 * The hand-off is an execve in place, no fork: the PID, the caller's wait
 * status, signals, stdio and the controlling terminal are the guest's.
 * When the shim cannot or may not run the binary it says why on stderr and
 * exits 126, the status a shell uses for "found but cannot execute".
 * The shim parses no options: everything after the binary is the guest's.
 */
#include <errno.h>
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

/* qemu-<target> -0 <argv0> [-L <sysroot>] <binary> <args...> */
static int hand_off(struct shim *s)
{
	/* The usual argv fits here: no malloc, so no brk calls and no heap
	 * page to fault in on the way to the emulator. */
	static char *small[256];
	char **argv = small;
	int i = 0, k;

	if ((size_t)s->guest_argc + 8 > sizeof(small) / sizeof(small[0]))
		argv = calloc((size_t)s->guest_argc + 8, sizeof(*argv));

	if (!argv) {
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
	argv[i++] = (char *)s->path;
	for (k = 0; k < s->guest_argc; k++)
		argv[i++] = s->guest_args[k];
	argv[i] = NULL;
#ifdef SHIM_BENCH_NOEXEC
	/* make bench: callgrind counts up to here (it cannot follow execve). */
	return 0;
#endif
	execv(s->route.emulator, argv);
	s->err = errno;
	if (argv != small)
		free(argv);
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
	shim_load_config(&s);
	shim_warn_config(&s);
	shim_probe(&s);
	shim_route(&s);
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
