// SPDX-License-Identifier: GPL-2.0
/*
 * Text made safe for a terminal (lib/termsafe.h says what is escaped and
 * why). One piece at a time: a byte or a UTF-8 character in, its escape
 * or itself out. Pure: no I/O, no allocation.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "termsafe.h"

static const char hex[] = "0123456789abcdef";

/*
 * The length of the valid UTF-8 character at s[0..n), 0 when s[0] starts
 * none. RFC 3629 section 4 ("UTF8-octets"): the second byte's range
 * depends on the first (no overlong forms, no surrogates, nothing past
 * U+10FFFF); the others are 80..BF.
 */
static size_t utf8_len(const uint8_t *s, size_t n, uint32_t *cp)
{
	static const struct {
		uint8_t lo, hi, len, lo2, hi2;
	} rows[] = {
		{ 0xc2, 0xdf, 2, 0x80, 0xbf },
		{ 0xe0, 0xe0, 3, 0xa0, 0xbf },
		{ 0xe1, 0xec, 3, 0x80, 0xbf },
		{ 0xed, 0xed, 3, 0x80, 0x9f },
		{ 0xee, 0xef, 3, 0x80, 0xbf },
		{ 0xf0, 0xf0, 4, 0x90, 0xbf },
		{ 0xf1, 0xf3, 4, 0x80, 0xbf },
		{ 0xf4, 0xf4, 4, 0x80, 0x8f },
	};
	size_t i, k;
	uint32_t c;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (s[0] < rows[i].lo || s[0] > rows[i].hi)
			continue;
		if (n < rows[i].len || s[1] < rows[i].lo2 || s[1] > rows[i].hi2)
			return 0;
		for (k = 2; k < rows[i].len; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		/* The lead byte keeps 7 - len bits, each other byte 6. */
		c = s[0] & (0x7fu >> rows[i].len);
		for (k = 1; k < rows[i].len; k++)
			c = c << 6 | (s[k] & 0x3fu);
		*cp = c;
		return rows[i].len;
	}
	return 0;
}

/* Code points a terminal acts on rather than shows (termsafe.h). */
static bool cp_escaped(uint32_t c)
{
	static const struct { uint32_t lo, hi; } ranges[] = {
		{ 0x0080, 0x009f },	/* C1 controls (ECMA-48 section 5.3) */
		{ 0x061c, 0x061c },	/* ARABIC LETTER MARK */
		{ 0x200e, 0x200f },	/* LRM, RLM */
		{ 0x2028, 0x202e },	/* LS, PS; LRE, RLE, PDF, LRO, RLO */
		{ 0x2066, 0x2069 },	/* LRI, RLI, FSI, PDI */
	};
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (c >= ranges[i].lo && c <= ranges[i].hi)
			return true;
	return false;
}

/*
 * The piece at s[0..n) (n > 0) into out[0..8): returns the input bytes it
 * takes; *olen the output bytes, *cols the columns.
 */
static size_t piece(const uint8_t *s, size_t n, unsigned flags, char *out,
		    size_t *olen, size_t *cols)
{
	uint8_t c = s[0];
	uint32_t cp;
	size_t k;

	*cols = 1;
	if (c < 0x80) {
		if ((c == '\t' && (flags & TS_TAB)) || (c == '\n' && (flags & TS_NL)) ||
		    (c >= 0x20 && c < 0x7f && (c != '\\' || (flags & TS_BS)))) {
			out[0] = (char)c;
			*olen = 1;
			*cols = c == '\n' ? 0 : 1;
			return 1;
		}
		if (c == '\\') {
			memcpy(out, "\\\\", 2);
			*olen = *cols = 2;
			return 1;
		}
	} else if ((k = utf8_len(s, n, &cp)) > 0) {
		if (!cp_escaped(cp)) {
			memcpy(out, s, k);
			*olen = k;
			return k;
		}
		out[0] = '\\';
		out[1] = 'u';
		out[2] = hex[cp >> 12 & 15];
		out[3] = hex[cp >> 8 & 15];
		out[4] = hex[cp >> 4 & 15];
		out[5] = hex[cp & 15];
		*olen = *cols = 6;
		return k;
	}
	/* A control byte, DEL, or a byte of invalid UTF-8. */
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	*olen = *cols = 4;
	return 1;
}

size_t ts_escape_cb(const char *s, size_t len, unsigned flags, size_t max_cols,
		    ts_put_fn put, void *ctx, size_t *cols)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = 0, used = 0, k, olen, w;
	char out[8];

	while (i < len) {
		k = piece(u + i, len - i, flags, out, &olen, &w);
		if (max_cols && used + w > max_cols)
			break;
		put(ctx, out, olen);
		used += w;
		i += k;
	}
	if (cols)
		*cols = used;
	return i;
}

struct bufsink {
	char *out;
	size_t cap, len;
	bool full;
};

static void buf_put(void *ctx, const char *s, size_t n)
{
	struct bufsink *b = ctx;

	if (b->full || b->len + n >= b->cap) {
		b->full = true;	/* later pieces may be shorter: keep order */
		return;
	}
	memcpy(b->out + b->len, s, n);
	b->len += n;
}

size_t ts_escape(const char *s, size_t len, unsigned flags, char *out, size_t cap)
{
	struct bufsink b = { out, cap, 0, false };

	if (!cap)
		return 0;
	ts_escape_cb(s, len, flags, 0, buf_put, &b, NULL);
	out[b.len] = '\0';
	return b.len;
}

size_t ts_cols(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((uint8_t)s[i] & 0xc0) != 0x80 && s[i] != '\n';
	return n;
}
