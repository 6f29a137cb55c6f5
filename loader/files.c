// SPDX-License-Identifier: GPL-2.0
/* Small files whole: read one, write one in one write(2) (binfmt_misc
 * takes a registration so), make a directory with its parents, free a
 * list of names read from a directory or the state file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

long read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	close(fd);
	return (long)used;
}

int write_all_file(const char *path, const char *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t w;
	int err;

	if (fd < 0)
		return -errno;
	/* binfmt_misc takes a registration in one write(2). */
	w = write(fd, s, n);
	err = w < 0 ? -errno : (size_t)w == n ? 0 : -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int mkdir_p(const char *dir, unsigned mode)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

void free_list(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
