// SPDX-License-Identifier: GPL-2.0
/* /proc text of a process: see lib/procinfo.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "procinfo.h"

/* The value of the line "key:" (key without the colon): from after the
 * colon to the end of the line. */
static int field(const char *text, size_t len, const char *key, const char **val,
		 size_t *vlen)
{
	size_t klen = strlen(key), i = 0, end;

	while (i < len) {
		for (end = i; end < len && text[end] != '\n'; end++)
			;
		if (end - i > klen && !memcmp(text + i, key, klen) && text[i + klen] == ':') {
			*val = text + i + klen + 1;
			*vlen = end - i - klen - 1;
			return 0;
		}
		i = end + 1;
	}
	return -ENOENT;
}

/* A decimal number at *p (after blanks), below 2^62. */
static int number(const char **p, const char *end, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *q = *p;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end || *q < '0' || *q > '9')
		return -EINVAL;
	while (q < end && *q >= '0' && *q <= '9') {
		if (v > (UINT64_C(1) << 62) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned)(*q++ - '0');
	}
	*p = q;
	*out = v;
	return 0;
}

int procinfo_nspid(const char *status, size_t len, long long *pids, int max)
{
	const char *v, *end;
	size_t vlen;
	unsigned long long x;
	int n = 0;

	if (field(status, len, "NSpid", &v, &vlen) < 0)
		return -ENOENT;
	end = v + vlen;
	for (;;) {
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v == end)
			break;
		if (number(&v, end, &x) < 0 || (v < end && *v != ' ' && *v != '\t'))
			return -EINVAL;
		if (n < max)
			pids[n] = (long long)x;
		n++;
	}
	if (!n)
		return -EINVAL;
	return n < max ? n : max;
}

int procinfo_id(const char *status, size_t len, const char *key, unsigned long long *id)
{
	const char *v;
	size_t vlen;

	if (field(status, len, key, &v, &vlen) < 0)
		return -ENOENT;
	if (number(&v, v + vlen, id) < 0 || *id > UINT32_MAX)
		return -EINVAL;
	return 0;
}

int procinfo_cgroup(const char *text, size_t len, const char **path, size_t *plen)
{
	/* Candidates in the order of preference: the unified hierarchy's,
	 * name=systemd's, then any other; each first when its path is not
	 * "/" (a hybrid host keeps the unified line at "/" while the v1
	 * lines name the container), then at all. */
	const char *cand[3] = { NULL, NULL, NULL }, *other = NULL;
	size_t clen[3] = { 0, 0, 0 }, olen = 0, i = 0, end, c1, c2, k;

	while (i < len) {
		for (end = i; end < len && text[end] != '\n'; end++)
			;
		/* hierarchy-ID:controller-list:cgroup-path; the path may hold
		 * colons, the first two fields cannot. */
		for (c1 = i; c1 < end && text[c1] != ':'; c1++)
			;
		for (c2 = c1 + 1; c2 < end && text[c2] != ':'; c2++)
			;
		if (c1 > i && c1 < end && c2 < end) {
			const char *p = text + c2 + 1;
			size_t n = end - c2 - 1;
			bool root = n == 1 && *p == '/';

			k = c1 - i == 1 && text[i] == '0' && c2 == c1 + 1 ? 0 :
			    c2 - c1 - 1 == 12 && !memcmp(text + c1 + 1, "name=systemd", 12) ? 1 : 2;
			if (!cand[k] || (k == 2 && !root && clen[k] == 1 && *cand[k] == '/')) {
				cand[k] = p;
				clen[k] = n;
			}
			if (!other && !root) {
				other = p;
				olen = n;
			}
		}
		i = end + 1;
	}
	for (k = 0; k < 2; k++)
		if (cand[k] && !(clen[k] == 1 && *cand[k] == '/')) {
			*path = cand[k];
			*plen = clen[k];
			return 0;
		}
	if (other) {
		*path = other;
		*plen = olen;
		return 0;
	}
	for (k = 0; k < 3; k++)
		if (cand[k]) {
			*path = cand[k];
			*plen = clen[k];
			return 0;
		}
	return -ENOENT;
}

int procinfo_arg(const char *cmdline, size_t len, unsigned n, const char **arg, size_t *alen)
{
	size_t i = 0, end;
	unsigned k = 0;

	while (i < len) {
		const char *z = memchr(cmdline + i, '\0', len - i);

		end = z ? (size_t)(z - cmdline) : len;
		if (k++ == n) {
			*arg = cmdline + i;
			*alen = end - i;
			return 0;
		}
		i = end + 1;
	}
	return -ENOENT;
}

unsigned procinfo_argc(const char *cmdline, size_t len)
{
	size_t i;
	unsigned n = 0;

	/* One per NUL, and one for a last string the read cut. */
	for (i = 0; i < len; i++)
		n += cmdline[i] == '\0';
	return n + (len && cmdline[len - 1] != '\0');
}
