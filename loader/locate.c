// SPDX-License-Identifier: GPL-2.0
/* Finding what the shim runs with, the way the shim finds it: the shim
 * beside this CLI, and the emulators of the default search (lib/route.c)
 * on this file system. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "route.h"

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int default_shim(char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	/* Installed: $PREFIX/bin/binfmt-shim -> $PREFIX/libexec/binfmt-shim/shim */
	snprintf(buf, len, "%s/../libexec/binfmt-shim/shim", self);
	if (is_file(buf)) {
		char real[PATH_MAX];

		if (realpath(buf, real))
			snprintf(buf, len, "%s", real);
		return 0;
	}
	/* In the tree: build/binfmt-shim beside build/shim. */
	snprintf(buf, len, "%s/shim", self);
	if (is_file(buf))
		return 0;
	snprintf(buf, len, "%s/../libexec/binfmt-shim/shim", self);
	return -ENOENT;
}

enum route_stat route_stat_host(void *ctx, const char *path)
{
	struct stat st;

	(void)ctx;
	if (stat(path, &st) < 0)
		return ROUTE_MISSING;
	if (!S_ISREG(st.st_mode))
		return ROUTE_OTHER;
	return access(path, X_OK) == 0 ? ROUTE_EXECUTABLE : ROUTE_FILE;
}

/* The shim's default emulator search (lib/route.c), no config. */
int find_emulator(const struct arch *a, char *buf, size_t len)
{
	struct route r;
	int err = route_emulator(a, NULL, route_stat_host, NULL, &r);

	snprintf(buf, len, "%s", err ? "" : r.emulator);
	return err;
}
