/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Foreign programs without root: `exec` (a whole command in a user
 * namespace with a private binfmt_misc), `run` (one program, no
 * binfmt_misc: the build tools' runner hooks) and `env` (the PATH line for
 * the hooks).
 */
#ifndef BSHIM_ROOTLESS_H
#define BSHIM_ROOTLESS_H

#include <stddef.h>

#include "loader.h"

/* exit statuses of exec and run's own failures, as env(1) and
 * chroot(1) use them: 125 the command itself failed, 126 found but not
 * runnable, 127 not found. Otherwise the command's own status. */
enum { EXIT_EXEC_FAILED = 125, EXIT_CANNOT_RUN = 126, EXIT_NOT_FOUND = 127 };

int cmd_exec(const struct cli *c);	/* args = its argv, from "exec" */
int cmd_run(const struct cli *c);	/* args = its argv, from "run" */
int cmd_env(const struct cli *c);

/*
 * The per-user record file exec and run write when the caller names none:
 * $XDG_STATE_HOME/binfmt-shim/exec.jsonl, else
 * $HOME/.local/state/binfmt-shim/exec.jsonl (XDG Base Directory spec: state
 * data). `binfmt-shim log` reads it by default when it exists. 0 or -ENOENT
 * (no HOME).
 */
int user_log_default(char *buf, size_t len);

/* The directory with the go_linux_<goarch>_exec hooks:
 * ../libexec/binfmt-shim/go-exec beside this program. 0 or -ENOENT. */
int hooks_dir(char *buf, size_t len);

#endif
