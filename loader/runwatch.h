/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The watch of `binfmt-shim run` for nested foreign execs: a guest that
 * execs another foreign program gets "Exec format error" without
 * binfmt_misc, and the watch says why, once. loader/runwatch.c.
 */
#ifndef BSHIM_RUNWATCH_H
#define BSHIM_RUNWATCH_H

#include <stdbool.h>

/*
 * Put this process, which is about to exec the shim for guest (the FILE
 * given to run, named in the diagnostic), and everything it starts under
 * the watch. Call it last before the execve. false: no watch here (ptrace
 * refused, no seccomp, BINFMT_SHIM_RUN_WATCH=0, an arch without a filter)
 * and nothing changed; the run goes on without it, silently.
 */
bool run_watch(const char *guest);

#endif
