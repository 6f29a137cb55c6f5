// SPDX-License-Identifier: GPL-2.0
/*
 * Every string the CLI shows that did not come from its own words goes
 * through lib/termsafe.c (control bytes, C1, invalid UTF-8 and bidi
 * controls as visible escapes: docs/binfmt-shim.8, "TERMINAL OUTPUT").
 * These are the ways the subcommands call it: a field straight to a
 * stream, a field padded to a table column, a field as a printf argument,
 * and the last net under every message (main.c's vmsg).
 */
#include <stdio.h>
#include <string.h>

#include "loader.h"
#include "termsafe.h"

static void file_put(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, ctx);
}

void t_put(FILE *f, const char *s, size_t len)
{
	ts_escape_cb(s, len, 0, 0, file_put, f, NULL);
}

void t_puts(FILE *f, const char *s)
{
	t_put(f, s ? s : "(null)", s ? strlen(s) : 6);
}

void t_text(FILE *f, const char *s, size_t len)
{
	ts_escape_cb(s, len, TS_BS, 0, file_put, f, NULL);
}

void t_pad(FILE *f, const char *s, size_t len, size_t width, size_t max)
{
	size_t cols;

	ts_escape_cb(s, len, 0, max, file_put, f, &cols);
	for (; cols < width; cols++)
		fputc(' ', f);
}

/* T(): T_RING fields alive at once, each shown up to T_FIELD_MAX input
 * bytes (paths are PATH_MAX; a longer field ends in "..."). */
#define T_RING 8
#define T_FIELD_MAX 4096

struct tbuf {
	char *p;
	size_t len;
};

static void tbuf_put(void *ctx, const char *s, size_t n)
{
	struct tbuf *b = ctx;

	memcpy(b->p + b->len, s, n);
	b->len += n;
}

const char *T(const char *s)
{
	static char ring[T_RING][TS_GROWTH * T_FIELD_MAX + 4];
	static unsigned next;
	struct tbuf b = { ring[next++ % T_RING], 0 };
	size_t len;

	if (!s)
		return "(null)";
	len = strnlen(s, T_FIELD_MAX + 1);
	/* TS_GROWTH bytes per input byte: T_FIELD_MAX bytes always fit. */
	ts_escape_cb(s, len > T_FIELD_MAX ? T_FIELD_MAX : len, 0, 0, tbuf_put, &b, NULL);
	if (len > T_FIELD_MAX) {
		memcpy(b.p + b.len, "...", 3);
		b.len += 3;
	}
	b.p[b.len] = '\0';
	return b.p;
}
