// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/termsafe.c, the escaper between untrusted text
 * and the terminal. Input: one byte of flags and column limit, then the
 * text. Checks, for any input:
 *   - the output is valid UTF-8 and holds no C0 control (tab and newline
 *     only when the flags let them through), no DEL, no C1 (neither a raw
 *     byte 80..9f nor U+0080..U+009F) and no bidi control or separator;
 *   - it is at most TS_GROWTH bytes per input byte;
 *   - without TS_BS it reads back to exactly the input (every escape is
 *     unambiguous);
 *   - a column limit stops before a piece: the output is a prefix of the
 *     unlimited one, no wider than the limit, and ts_cols agrees;
 *   - a small buffer holds a prefix of the full output, never a cut escape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "termsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

struct sink {
	char buf[TS_GROWTH * CAP + 1];
	size_t len;
};

static void put(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;

	if (k->len + n > sizeof(k->buf) - 1)
		__builtin_trap();
	memcpy(k->buf + k->len, s, n);
	k->len += n;
}

/* The next code point of s[0..n), -1 when the bytes are not UTF-8. Strict
 * (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF. */
static long next_cp(const uint8_t *s, size_t n, size_t *len)
{
	size_t k, need;
	long c;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, c = s[0] & 0x07;
	else
		return -1;
	if (n < need)
		return -1;
	for (k = 1; k < need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[k] & 0x3f);
	}
	if ((need == 3 && c < 0x800) || (need == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return -1;
	*len = need;
	return c;
}

static void check_safe(const char *o, size_t n, unsigned flags)
{
	const uint8_t *u = (const uint8_t *)o;
	size_t i = 0, k;
	long c;

	while (i < n) {
		c = next_cp(u + i, n - i, &k);
		if (c < 0)
			__builtin_trap();
		if ((c < 0x20 && !(c == '\t' && (flags & TS_TAB)) &&
		     !(c == '\n' && (flags & TS_NL))) ||
		    (c >= 0x7f && c <= 0x9f) || c == 0x61c || c == 0x200e || c == 0x200f ||
		    (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			__builtin_trap();
		i += k;
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The escapes back into bytes; -1 on an escape the escaper never writes. */
static long unescape(const char *s, size_t n, uint8_t *out)
{
	size_t i = 0, w = 0;
	long c;

	while (i < n) {
		if (s[i] != '\\') {
			out[w++] = (uint8_t)s[i++];
			continue;
		}
		if (i + 1 < n && s[i + 1] == '\\') {
			out[w++] = '\\';
			i += 2;
		} else if (i + 3 < n && s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 &&
			   hexval(s[i + 3]) >= 0) {
			out[w++] = (uint8_t)(hexval(s[i + 2]) << 4 | hexval(s[i + 3]));
			i += 4;
		} else if (i + 5 < n && s[i + 1] == 'u') {
			c = strtol((char[]){ s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0 },
				   NULL, 16);
			if (c >= 0x800) {
				out[w++] = (uint8_t)(0xe0 | c >> 12);
				out[w++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
			} else {
				out[w++] = (uint8_t)(0xc0 | c >> 6);
			}
			out[w++] = (uint8_t)(0x80 | (c & 0x3f));
			i += 6;
		} else {
			return -1;
		}
	}
	return (long)w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sink full, lim;
	static uint8_t back[TS_GROWTH * CAP + 1];
	static char small[64];
	unsigned flags;
	size_t max, used, cols, n, cap;
	long m;

	if (!size)
		return 0;
	flags = data[0] & (TS_TAB | TS_NL | TS_BS);
	max = data[0] >> 3;		/* 0..31 columns, 0: no limit */
	data++;
	size--;
	if (size > CAP)
		size = CAP;

	full.len = 0;
	used = ts_escape_cb((const char *)data, size, flags, 0, put, &full, &cols);
	if (used != size || full.len > TS_GROWTH * size ||
	    cols != ts_cols(full.buf, full.len))
		__builtin_trap();
	check_safe(full.buf, full.len, flags);
	if (!(flags & TS_BS)) {
		m = unescape(full.buf, full.len, back);
		if (m != (long)size || memcmp(back, data, size))
			__builtin_trap();
	}

	lim.len = 0;
	used = ts_escape_cb((const char *)data, size, flags, max, put, &lim, &cols);
	if (used > size || lim.len > full.len || memcmp(lim.buf, full.buf, lim.len) ||
	    cols != ts_cols(lim.buf, lim.len) || (max && cols > max))
		__builtin_trap();
	if (max && used < size && cols + 6 <= max)
		__builtin_trap();	/* stopped although the next piece fit */

	cap = 1 + (size % sizeof(small));
	n = ts_escape((const char *)data, size, flags, small, cap);
	if (n >= cap || small[n] || n > full.len || memcmp(small, full.buf, n))
		__builtin_trap();
	check_safe(small, n, flags);
	if (!(flags & TS_BS)) {
		m = unescape(small, n, back);
		if (m < 0 || m > (long)size || memcmp(back, data, (size_t)m))
			__builtin_trap();
	}
	return 0;
}
