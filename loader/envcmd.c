// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim env: the shell line that puts the runner hooks on PATH.
 * Go runs go_$GOOS_$GOARCH_exec from PATH for go run / go test of a
 * foreign GOARCH (cmd/go, "go help run": "If the -exec flag is not given,
 * GOOS or GOARCH is different from the system default, and a program
 * named go_$GOOS_$GOARCH_exec can be found on the current search path").
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "rootless.h"

int cmd_env(const struct cli *c)
{
	char dir[PATH_MAX], log[PATH_MAX];

	bool goarches = false;

	for (int i = 1; i < c->nargs; i++) {
		if (!strcmp(c->args[i], "--help") || !strcmp(c->args[i], "-h")) {
			cmd_usage(c->cmd, stdout);
			return EXIT_OK;
		}
		if (strcmp(c->args[i], "--goarches")) {
			err_msg("env: unexpected argument '%s'; usage: %s env [--goarches]",
				T(c->args[i]), prog_name);
			return EXIT_USAGE;
		}
		goarches = true;
	}
	if (goarches) {
		for (size_t i = 0; i < arch_count; i++)
			if (arch_goarch(&arch_table[i]))
				printf("%s\n", arch_goarch(&arch_table[i]));
		return EXIT_OK;
	}
	if (hooks_dir(dir, sizeof(dir)) < 0) {
		err_msg("env: the runner hooks are not installed (make install puts "
			"them in LIBEXECDIR/binfmt-shim/go-exec)");
		return EXIT_CHECK;
	}
	/* Single quotes: the line is for eval; a quote in the path is closed,
	 * escaped and reopened. */
	fputs("export PATH='", stdout);
	for (const char *p = dir; *p; p++)
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			fputc(*p, stdout);
	fputs("':\"$PATH\"\n", stdout);
	if (user_log_default(log, sizeof(log)) == 0) {
		fputs("# records of exec and run: ", stdout);
		t_puts(stdout, log);
		fputs(" (binfmt-shim log)\n", stdout);
	}
	return EXIT_OK;
}
