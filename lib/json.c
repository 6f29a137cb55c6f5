// SPDX-License-Identifier: GPL-2.0
/*
 * The bounded JSON writer of the log records (lib/json.h has the escape
 * policy). Pure: no I/O, no allocation; of stdio only snprintf, for
 * jw_double's "%.17g". Safe in the static shim.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

/* Bytes jw_finish() appends: '\n' and NUL. */
#define JSON_TAIL 2

/* Where escaped text goes: buf[0..lim) is usable. */
struct sink {
	char *buf;
	size_t lim;
	size_t len;
	bool full;
};

static void sink_put(struct sink *s, const char *p, size_t n)
{
	if (s->full || !n)		/* !n: buf may be NULL when cap is 0 */
		return;
	if (n > s->lim - s->len) {
		s->full = true;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

size_t jw_utf8_len(const uint8_t *s, size_t n)
{
	/* RFC 3629 section 4, "UTF8-octets": the second byte's range
	 * depends on the first, the rest are 80..BF. */
	static const struct {
		uint8_t lo, hi;		/* first byte range */
		uint8_t len;
		uint8_t lo2, hi2;	/* second byte range */
	} rows[] = {
		{ 0x00, 0x7f, 1, 0, 0 },
		{ 0xc2, 0xdf, 2, 0x80, 0xbf },
		{ 0xe0, 0xe0, 3, 0xa0, 0xbf },	/* no overlong */
		{ 0xe1, 0xec, 3, 0x80, 0xbf },
		{ 0xed, 0xed, 3, 0x80, 0x9f },	/* no surrogates */
		{ 0xee, 0xef, 3, 0x80, 0xbf },
		{ 0xf0, 0xf0, 4, 0x90, 0xbf },	/* no overlong */
		{ 0xf1, 0xf3, 4, 0x80, 0xbf },
		{ 0xf4, 0xf4, 4, 0x80, 0x8f },	/* <= U+10FFFF */
	};
	size_t i, k;

	if (!n)
		return 0;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (s[0] < rows[i].lo || s[0] > rows[i].hi)
			continue;
		if (rows[i].len == 1)
			return 1;
		if (n < rows[i].len || s[1] < rows[i].lo2 || s[1] > rows[i].hi2)
			return 0;
		for (k = 2; k < rows[i].len; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		return rows[i].len;
	}
	return 0;
}

/* upper: jansson's escapes (jw_set_indent): upper-case hex, DEL as is. */
static void escape_into(struct sink *o, const char *str, size_t n, bool upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0, run;

	while (i < n && !o->full) {
		char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
		uint8_t c = s[i];
		size_t u;

		/* Copy the longest run of bytes that need no escape. */
		for (run = i; run < n; run += u) {
			c = s[run];
			if (c < 0x20 || c == '"' || c == '\\' || (c == 0x7f && !upper))
				break;
			u = jw_utf8_len(s + run, n - run);
			if (!u)
				break;
		}
		sink_put(o, str + i, run - i);
		if ((i = run) >= n)
			break;
		c = s[i++];
		switch (c) {
		case '"':  sink_put(o, "\\\"", 2); continue;
		case '\\': sink_put(o, "\\\\", 2); continue;
		case '\b': sink_put(o, "\\b", 2); continue;
		case '\f': sink_put(o, "\\f", 2); continue;
		case '\n': sink_put(o, "\\n", 2); continue;
		case '\r': sink_put(o, "\\r", 2); continue;
		case '\t': sink_put(o, "\\t", 2); continue;
		}
		/* Other control bytes, DEL, and bytes of invalid UTF-8. */
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		sink_put(o, esc, 6);
	}
}

size_t jw_escaped_prefix(const char *s, size_t n, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, out = 0, u, cost;

	while (i < n) {
		uint8_t c = p[i];

		u = 1;
		if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' ||
		    c == '\r' || c == '\t')
			cost = 2;
		else if (c < 0x20 || c == 0x7f)
			cost = 6;
		else if ((u = jw_utf8_len(p + i, n - i)))
			cost = u;
		else
			cost = 6, u = 1;	/* a byte of invalid UTF-8: \u00XX */
		if (cost > max - out)
			break;
		out += cost;
		i += u;
	}
	return i;
}

int jw_escape(const char *s, size_t n, char *out, size_t cap)
{
	struct sink o = { out, cap ? cap - 1 : 0, 0, false };

	escape_into(&o, s, n, false);
	if (o.full || !cap) {
		if (cap)
			out[0] = '\0';
		return -ENOSPC;
	}
	out[o.len] = '\0';
	return (int)o.len;
}

void jw_init(struct json_writer *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	w->first[0] = true;
	if (cap < JSON_TAIL)
		w->overflow = true;
	if (cap)
		buf[0] = '\0';
}

static bool stopped(const struct json_writer *w)
{
	return w->overflow || w->error;
}

void jw_set_indent(struct json_writer *w, unsigned indent)
{
	if (w->len || !w->first[0])
		w->error = true;	/* too late: something was written */
	else
		w->indent = indent;
}

static void put(struct json_writer *w, const char *p, size_t n)
{
	if (stopped(w))
		return;
	if (n > w->cap - JSON_TAIL - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_string(struct json_writer *w, const char *s, size_t n)
{
	struct sink o;

	put(w, "\"", 1);
	if (stopped(w))
		return;
	/* After the opening quote: the sink starts where put() left off. */
	o = (struct sink){ w->buf, w->cap - JSON_TAIL, w->len, false };
	escape_into(&o, s, n, w->indent > 0);
	w->len = o.len;
	w->overflow = o.full;
	put(w, "\"", 1);
}

/* In the indented layout: a line break and the indent of the current
 * depth (levels). */
static void newline(struct json_writer *w, int levels)
{
	static const char spaces[] = "                                ";
	size_t n;

	if (!w->indent)
		return;
	put(w, "\n", 1);
	for (n = (size_t)levels * w->indent; n; n -= n < 32 ? n : 32)
		put(w, spaces, n < 32 ? n : 32);
}

/* Separator and state checks before a value; false: write nothing. */
static bool value_begin(struct json_writer *w)
{
	int d = w->depth;

	if (stopped(w))
		return false;
	if (d == 0) {
		if (!w->first[0])
			w->error = true;	/* a second top-level value */
		w->first[0] = false;
	} else if (w->is_array[d]) {
		if (!w->first[d])
			put(w, ",", 1);
		w->first[d] = false;
		newline(w, d);
	} else {
		if (!w->after_key)
			w->error = true;	/* a value where a key is due */
		w->after_key = false;
	}
	return !stopped(w);
}

static void begin(struct json_writer *w, bool array)
{
	if (!value_begin(w))
		return;
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		w->error = true;
		return;
	}
	put(w, array ? "[" : "{", 1);
	w->depth++;
	w->first[w->depth] = true;
	w->is_array[w->depth] = array;
}

static void end(struct json_writer *w, bool array)
{
	if (stopped(w))
		return;
	if (!w->depth || w->is_array[w->depth] != array || w->after_key) {
		w->error = true;
		return;
	}
	if (!w->first[w->depth])
		newline(w, w->depth - 1);
	put(w, array ? "]" : "}", 1);
	w->depth--;
}

void jw_object_begin(struct json_writer *w) { begin(w, false); }
void jw_object_end(struct json_writer *w) { end(w, false); }
void jw_array_begin(struct json_writer *w) { begin(w, true); }
void jw_array_end(struct json_writer *w) { end(w, true); }

void jw_key(struct json_writer *w, const char *key)
{
	int d = w->depth;

	if (stopped(w))
		return;
	if (!d || w->is_array[d] || w->after_key || !key) {
		w->error = true;
		return;
	}
	if (!w->first[d])
		put(w, ",", 1);
	w->first[d] = false;
	newline(w, d);
	put_string(w, key, strlen(key));
	put(w, w->indent ? ": " : ":", w->indent ? 2 : 1);
	w->after_key = true;
}

void jw_string_n(struct json_writer *w, const char *s, size_t n)
{
	if (!s) {
		jw_null(w);
		return;
	}
	if (value_begin(w))
		put_string(w, s, n);
}

void jw_string(struct json_writer *w, const char *s)
{
	jw_string_n(w, s, s ? strlen(s) : 0);
}

static void put_u64(struct json_writer *w, uint64_t v, bool neg)
{
	char d[21];
	int i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		d[--i] = '-';
	put(w, d + i, sizeof(d) - i);
}

void jw_int(struct json_writer *w, int64_t v)
{
	if (value_begin(w))
		put_u64(w, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void jw_uint(struct json_writer *w, uint64_t v)
{
	if (value_begin(w))
		put_u64(w, v, false);
}

/* The length of the RFC 8259 number at s[0..n), 0 if none starts there:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static size_t number_len(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

void jw_number(struct json_writer *w, const char *tok, size_t n)
{
	if (stopped(w))
		return;
	if (!tok || !n || number_len(tok, n) != n) {
		w->error = true;
		return;
	}
	if (value_begin(w))
		put(w, tok, n);
}

void jw_double(struct json_writer *w, double v)
{
	char t[40], *e;
	size_t n, i;

	if (stopped(w))
		return;
	if (!isfinite(v)) {
		w->error = true;
		return;
	}
	n = (size_t)snprintf(t, sizeof(t) - 2, "%.17g", v);
	/* The locale's decimal point, whatever it is, becomes '.'. */
	for (i = 0; i < n; i++)
		if (!(t[i] >= '0' && t[i] <= '9') && t[i] != '-' && t[i] != '+' &&
		    t[i] != 'e')
			t[i] = '.';
	if (!memchr(t, '.', n) && !memchr(t, 'e', n)) {
		memcpy(t + n, ".0", 3);
		n += 2;
	}
	e = memchr(t, 'e', n);
	if (e) {	/* "e+020" -> "e20", "e-08" -> "e-8" */
		char *from = e + 1, *to = e + 1;

		if (*from == '+')
			from++;
		else if (*from == '-')
			from++, to++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, (size_t)(t + n - from) + 1);
		n = strlen(t);
	}
	jw_number(w, t, n);
}

void jw_bool(struct json_writer *w, bool v)
{
	if (value_begin(w))
		put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct json_writer *w)
{
	if (value_begin(w))
		put(w, "null", 4);
}

void jw_kv_string(struct json_writer *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_string(w, s);
}

void jw_kv_int(struct json_writer *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void jw_kv_uint(struct json_writer *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_uint(w, v);
}

void jw_kv_bool(struct json_writer *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void jw_kv_null(struct json_writer *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}

int jw_finish(struct json_writer *w)
{
	int err = 0;

	if (w->overflow)
		err = -ENOSPC;
	else if (w->error || w->depth || w->first[0] || w->after_key)
		err = -EINVAL;
	if (err) {
		w->len = 0;
		if (w->cap)
			w->buf[0] = '\0';
		return err;
	}
	/* JSON_TAIL bytes were kept free for this. */
	w->buf[w->len++] = '\n';
	w->buf[w->len] = '\0';
	return (int)w->len;
}
