// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim run FILE [ARGS]: one foreign program, no binfmt_misc at
 * all. The shape of every build tool's runner hook (go_linux_<goarch>_exec,
 * CARGO_TARGET_<TRIPLE>_RUNNER, CMAKE_CROSSCOMPILING_EMULATOR, Meson's
 * exe_wrapper): they call it with the program and its arguments.
 *
 * The shim does the work, the same code the kernel runs: this execs it
 * with argv = [SHIM_RUN_ARGV0, FILE, ARGS...], the layout binfmt_misc
 * gives it without the P flag (shim/kernel.c), so routing, sysroot, the
 * record and the diagnostic (exit 126) are the shim's own. No fork: the
 * build tool's PID, signals and exit status are the guest's. argv[0]
 * only labels the record "via":"run".
 *
 * Without binfmt_misc a guest's own exec of another foreign program fails
 * ("Exec format error"): a watcher traces the execs of the guest and says
 * so, once, pointing at `binfmt-shim exec` (loader/runwatch.c). It is a
 * separate process that traces this one, so the PID, the signals and the
 * exit status stay the guest's.
 *
 * Called as go_<goos>_<goarch>_exec (a link to this program) it is the
 * same command: loader/main.c.
 *
 * What the host runs itself (its own arch, a #! script) is executed as
 * is: a build tool hands every test to the runner, native or not.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rootless.h"
#include "runwatch.h"

#define SHIM_RUN_ARGV0 "binfmt-shim run"	/* shim/kernel.c */

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: %s run [--] FILE [ARGS]\n\n"
		"Run one foreign program through the shim, with no binfmt_misc at all:\n"
		"the runner hook of go test (go_linux_<goarch>_exec, see '%s env'),\n"
		"cargo (CARGO_TARGET_<TRIPLE>_RUNNER), ctest (CMAKE_CROSSCOMPILING_EMULATOR)\n"
		"and meson (exe_wrapper). Everything after FILE is the program's.\n"
		"Exit status: the program's, or 126 with the shim's diagnostic.\n"
		"Records: $BINFMT_SHIM_LOG, else the per-user file (see '%s exec --help'),\n"
		"and the system record as the shim always writes it.\n"
		"A program that starts another foreign program needs binfmt_misc: use\n"
		"'%s exec -- CMD' for those; run says so when it happens (it watches\n"
		"the program's execs with ptrace; BINFMT_SHIM_RUN_WATCH=0 turns that off).\n",
		prog_name, prog_name, prog_name, prog_name);
}

/* Whether the host kernel runs FILE itself: an ELF of the host's arch
 * (or its compat family, which the kernel may run), or a #! script. */
static bool host_runs(const char *file)
{
	struct probe *p = calloc(1, sizeof(*p));
	bool yes = false;

	if (!p)
		return false;
	if (probe_file(file, p) == 0) {
		if (p->is_elf && p->elf_err == 0 && p->ei.arch)
			yes = p->ei.arch == arch_host();
		else if (p->head_len >= 2 && p->head[0] == '#' && p->head[1] == '!')
			yes = true;
	}
	free(p);
	return yes;
}

int cmd_run(const struct cli *c)
{
	char shim[PATH_MAX], log[PATH_MAX];
	char **argv = c->args + 1;
	int n = c->nargs - 1, i;
	char **sargv;

	if (n >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		run_usage(stdout);
		return EXIT_OK;
	}
	if (n >= 1 && !strcmp(argv[0], "--")) {
		argv++;
		n--;
	}
	if (n < 1) {
		run_usage(stderr);
		return EXIT_USAGE;
	}
	if (host_runs(argv[0])) {
		execv(argv[0], argv);
		err_msg("run: %s: %s", T(argv[0]), strerror(errno));
		return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
	}
	if (default_shim(shim, sizeof(shim)) < 0) {
		err_msg("run: no shim at %s; install it (make install)", shim);
		return EXIT_CANNOT_RUN;
	}
	if ((!getenv("BINFMT_SHIM_LOG") || !*getenv("BINFMT_SHIM_LOG")) &&
	    user_log_default(log, sizeof(log)) == 0)
		setenv("BINFMT_SHIM_LOG", log, 1);
	sargv = calloc((size_t)n + 2, sizeof(*sargv));
	if (!sargv)
		return EXIT_CANNOT_RUN;
	sargv[0] = SHIM_RUN_ARGV0;
	for (i = 0; i < n; i++)
		sargv[i + 1] = argv[i];
	fflush(stdout);
	run_watch(argv[0]);
	execv(shim, sargv);
	err_msg("run: %s: %s", T(shim), strerror(errno));
	free(sargv);
	return EXIT_CANNOT_RUN;
}
