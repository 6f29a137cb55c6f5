/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the loader CLI tests: run build/binfmt-shim with arguments,
 * capture its output and exit status, inside the private binfmt_misc
 * instance the test made with tl_private_binfmt().
 */
#ifndef BSHIM_TEST_LOADER_H
#define BSHIM_TEST_LOADER_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#define CLI_OUT_MAX (256 * 1024)

struct cli_result {
	int status;			/* exit status, -1: did not exit */
	char out[CLI_OUT_MAX];
	char err[16384];
};

/* Path of the CLI; "" when it is not built. */
static inline const char *cli_path(void)
{
	static char path[4096];

	tl_build("binfmt-shim", path, sizeof(path));
	return tl_have(path) ? path : "";
}

/* Run the CLI with the NULL-terminated arguments. */
static inline int cli_run(struct cli_result *r, ...)
{
	char *argv[64];
	const char *a;
	va_list ap;
	int n = 0, st;

	argv[n++] = (char *)cli_path();
	va_start(ap, r);
	while ((a = va_arg(ap, const char *)) && n < 63)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	st = tl_run(argv, NULL, 0, r->out, sizeof(r->out), r->err, sizeof(r->err));
	r->status = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return r->status;
}

/* A private state dir for register --replace, so tests never touch /run.
 * In the private /var/tmp (a tmpfs tl_private_binfmt mounted: call it
 * after PRIVATE_OR_SKIP), so it goes with the test's namespace and
 * nothing is left on the host. */
static inline void cli_private_state(char *dir, size_t len)
{
	snprintf(dir, len, "/var/tmp/bshim-test-state.XXXXXX");
	if (mkdtemp(dir))
		setenv("BINFMT_SHIM_STATE_DIR", dir, 1);
}

/* The line of out that starts with prefix, copied into buf ("" if none). */
static inline const char *cli_line(const char *out, const char *prefix,
				   char *buf, size_t len)
{
	const char *p = out;
	size_t pl = strlen(prefix);

	buf[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, prefix, pl)) {
			snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
			return buf;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return buf;
}

/* Whether the live table has an entry of that name. */
static inline int bm_has(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), BINFMT_MNT "/%s", name);
	return access(path, F_OK) == 0;
}

/* "enabled" / "disabled" / "" of a live entry. */
static inline const char *bm_state(const char *name, char *buf, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), BINFMT_MNT "/%s", name);
	if (tl_read_file(path, buf, len) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

#define CLI_OR_SKIP()							\
	do {								\
		if (!cli_path()[0])					\
			SKIP(return, "build/binfmt-shim is not built "	\
			     "(make build/binfmt-shim)");		\
	} while (0)

#define PRIVATE_OR_SKIP()						\
	do {								\
		char why_[256];						\
		if (tl_private_binfmt(why_, sizeof(why_)) < 0)		\
			SKIP(return, "%s", why_);			\
	} while (0)

#endif
