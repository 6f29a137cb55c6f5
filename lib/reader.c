// SPDX-License-Identifier: GPL-2.0
/*
 * The memory-backed bshim_read_fn: tests, fuzzers and callers that already
 * hold the whole file use it. Pure: no I/O, no allocation.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "elf.h"

long bshim_mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct bshim_mem *m = ctx;
	size_t n;

	if (!m || (!m->buf && m->len))
		return -EINVAL;
	if (off >= m->len)
		return 0;		/* at or past the end: nothing, like pread */
	n = m->len - (size_t)off;
	if (n > len)
		n = len;
	if (n > LONG_MAX)		/* the return type must hold the count */
		n = LONG_MAX;
	memcpy(buf, (const unsigned char *)m->buf + off, n);
	return (long)n;
}
