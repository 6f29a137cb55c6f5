/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a program on a pseudo-terminal, the way a user sees it: its stdout
 * and stderr are the pty's slave (isatty() is true, it is its controlling
 * terminal), and the test reads every byte it wrote from the master. For
 * the terminal-safety tests: what reached the terminal, byte for byte.
 */
#ifndef BSHIM_PTYRUN_H
#define BSHIM_PTYRUN_H

#include <stddef.h>

/*
 * Run argv (execvp) with stdin from /dev/null and stdout and stderr on a
 * new pty whose output processing is off (no OPOST: "\n" stays "\n"), so
 * out[] holds exactly the bytes written. out is NUL-terminated, truncated
 * to its size; *got (may be NULL) is the length. Gives up after 120 s
 * (the program is killed). Returns the raw wait status, or -errno.
 */
int pty_run(char *const argv[], char *out, size_t outlen, size_t *got);

/*
 * The first byte of s[0..n) a terminal would act on rather than show:
 * C0 controls other than tab and newline, DEL, any byte 80..9f (a raw C1
 * control, or part of U+0080..U+009F in UTF-8: C2 80..C2 9F). Its offset,
 * or -1 when there is none. The tests' legitimate text is ASCII or
 * characters without such bytes, so this is strict on purpose.
 */
long pty_first_control(const char *s, size_t n);

#endif
