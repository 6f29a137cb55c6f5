// SPDX-License-Identifier: GPL-2.0
/* Where exec and run keep a user's records, and where the runner hooks
 * are installed: one home for each, read by exec, run, env and log. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "rootless.h"

int user_log_default(char *buf, size_t len)
{
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	/* The spec says a relative $XDG_STATE_HOME is invalid: ignore it. */
	if (x && x[0] == '/')
		snprintf(buf, len, "%s/" CONFIG_USER_LOG_NAME, x);
	else if (h && h[0] == '/')
		snprintf(buf, len, "%s/" CONFIG_USER_STATE_HOME "/" CONFIG_USER_LOG_NAME, h);
	else
		return -ENOENT;
	return 0;
}

int hooks_dir(char *buf, size_t len)
{
	char self[PATH_MAX], real[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	/* Installed: $PREFIX/bin -> $PREFIX/libexec/binfmt-shim/go-exec;
	 * in the tree: build/go-exec (make hooks). */
	snprintf(buf, len, "%s/../libexec/binfmt-shim/go-exec", self);
	if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s/go-exec", self);
	if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOENT;
	if (realpath(buf, real))
		snprintf(buf, len, "%s", real);
	return 0;
}
