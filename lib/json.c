// SPDX-License-Identifier: GPL-2.0
/*
 * The bounded JSON writer of the log records (lib/json.h has the escape
 * policy). Pure: no I/O, no allocation, no stdio; safe in the static shim.
 */
#include <errno.h>
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

static void escape_into(struct sink *o, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0, run;

	while (i < n && !o->full) {
		char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
		uint8_t c = s[i];
		size_t u;

		/* Copy the longest run of bytes that need no escape. */
		for (run = i; run < n; run += u) {
			c = s[run];
			if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
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

	escape_into(&o, s, n);
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
	escape_into(&o, s, n);
	w->len = o.len;
	w->overflow = o.full;
	put(w, "\"", 1);
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
	put_string(w, key, strlen(key));
	put(w, ":", 1);
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
