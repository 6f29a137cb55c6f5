// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/json.c. The input is a little program for the
 * writer (begin/end, keys, strings of arbitrary bytes, numbers) run into a
 * buffer whose size the input picks. Invariants (a trap on violation):
 *   - success: the output is one line of strictly valid JSON (checked by
 *     the independent validator below: RFC 8259 grammar, UTF-8 per RFC
 *     3629, no raw control byte), and a bigger buffer gives the same text;
 *   - failure: the buffer holds "", nothing past cap was written, and
 *     -ENOSPC only when the record really does not fit;
 *   - jw_escape: a valid string body from which the bytes come back;
 *   - the same program in the indented layout (jw_set_indent): it fails
 *     when the one-line run fails, and when it succeeds its whitespace is
 *     only line breaks with the indent of their level (after '{' '[' ',',
 *     before a non-empty '}' ']') and one space after ':', and without it
 *     (and with jansson's escapes mapped back) it is the one-line text;
 *   - jw_double: a finite double is written as a number that reads back
 *     as the same double (sign of zero included); NaN and infinities are
 *     misuse.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BIG 65536

/* ---- an independent strict validator (no whitespace: we emit none) ---- */

struct val {
	const uint8_t *p, *end;
	int depth;
};

/* One UTF-8 scalar value, RFC 3629; its length or 0. */
static size_t utf8(const uint8_t *p, const uint8_t *end)
{
	uint32_t cp, min;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2; cp = p[0] & 0x1f; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3; cp = p[0] & 0x0f; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4; cp = p[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int hexd(int c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A string body up to (not including) the closing quote; the decoded
 * bytes, under our policy (\u00XX -> byte XX), go to out if not NULL. */
static bool v_body(struct val *v, uint8_t *out, size_t *olen)
{
	size_t o = 0, n;

	while (v->p < v->end && *v->p != '"') {
		uint8_t c = *v->p;

		if (c < 0x20 || c == 0x7f)
			return false;	/* we never emit a raw DEL either */
		if (c == '\\') {
			static const char simple[] = "\"\\/bfnrt";
			static const char value[] = "\"\\/\b\f\n\r\t";
			const char *s;

			if (v->end - v->p < 2)
				return false;
			if (v->p[1] == 'u') {
				int i, x = 0;

				if (v->end - v->p < 6)
					return false;
				for (i = 2; i < 6; i++) {
					if (hexd(v->p[i]) < 0)
						return false;
					x = x << 4 | hexd(v->p[i]);
				}
				if (x > 0xff)
					return false;	/* not in our policy */
				if (out)
					out[o++] = (uint8_t)x;
				v->p += 6;
				continue;
			}
			s = strchr(simple, v->p[1]);
			if (!s || !v->p[1])
				return false;
			if (out)
				out[o++] = (uint8_t)value[s - simple];
			v->p += 2;
			continue;
		}
		n = utf8(v->p, v->end);
		if (!n)
			return false;
		if (out)
			memcpy(out + o, v->p, n);
		o += n;
		v->p += n;
	}
	if (olen)
		*olen = o;
	return true;
}

static bool v_value(struct val *v);

static bool v_string(struct val *v)
{
	if (v->p >= v->end || *v->p++ != '"')
		return false;
	if (!v_body(v, NULL, NULL) || v->p >= v->end)
		return false;
	v->p++;
	return true;
}

static bool v_lit(struct val *v, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(v->end - v->p) < n || memcmp(v->p, s, n))
		return false;
	v->p += n;
	return true;
}

static bool v_digits(struct val *v)
{
	const uint8_t *start = v->p;

	while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
		v->p++;
	return v->p > start;
}

static bool v_number(struct val *v)
{
	if (v->p < v->end && *v->p == '-')
		v->p++;
	if (v->p >= v->end || *v->p < '0' || *v->p > '9')
		return false;
	if (*v->p == '0')
		v->p++;
	else
		v_digits(v);
	if (v->p < v->end && *v->p == '.') {
		v->p++;
		if (!v_digits(v))
			return false;
	}
	if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
		v->p++;
		if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
			v->p++;
		if (!v_digits(v))
			return false;
	}
	return true;
}

static bool v_container(struct val *v, uint8_t close, bool object)
{
	bool first = true;

	if (++v->depth > 64)
		return false;
	v->p++;
	for (;;) {
		if (v->p >= v->end)
			return false;
		if (*v->p == close) {
			v->p++;
			v->depth--;
			return true;
		}
		if (!first && *v->p++ != ',')
			return false;
		first = false;
		if (object && (!v_string(v) || v->p >= v->end || *v->p++ != ':'))
			return false;
		if (!v_value(v))
			return false;
	}
}

static bool v_value(struct val *v)
{
	if (v->p >= v->end)
		return false;
	switch (*v->p) {
	case '{': return v_container(v, '}', true);
	case '[': return v_container(v, ']', false);
	case '"': return v_string(v);
	case 't': return v_lit(v, "true");
	case 'f': return v_lit(v, "false");
	case 'n': return v_lit(v, "null");
	default:  return v_number(v);
	}
}

/* ---- the writer program ---- */

struct prog {
	const uint8_t *p, *end;
};

static size_t take(struct prog *g, const uint8_t **out, size_t max)
{
	size_t n;

	*out = g->p;
	if (g->p >= g->end)
		return 0;
	n = *g->p++ % (max + 1);
	if (n > (size_t)(g->end - g->p))
		n = (size_t)(g->end - g->p);
	*out = g->p;
	g->p += n;
	return n;
}

static uint64_t take64(struct prog *g)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8 && g->p < g->end; i++)
		v = v << 8 | *g->p++;
	return v;
}

static double take_double(struct prog *g)
{
	uint64_t bits = take64(g);
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

static int run(const uint8_t *data, size_t size, char *buf, size_t cap, unsigned indent)
{
	struct prog g = { data, data + size };
	struct json_writer w;
	char key[64];
	const uint8_t *s = NULL;
	size_t n;

	jw_init(&w, buf, cap);
	if (indent)
		jw_set_indent(&w, indent);
	while (g.p < g.end) {
		switch (*g.p++ % 14) {
		case 0: jw_object_begin(&w); break;
		case 1: jw_object_end(&w); break;
		case 2: jw_array_begin(&w); break;
		case 3: jw_array_end(&w); break;
		case 4:
			n = take(&g, &s, sizeof(key) - 1);
			memcpy(key, s, n);
			key[n] = '\0';
			jw_key(&w, key);
			break;
		case 5:
			n = take(&g, &s, 255);
			jw_string_n(&w, (const char *)s, n);
			break;
		case 6: jw_int(&w, (int64_t)take64(&g)); break;
		case 7: jw_uint(&w, take64(&g)); break;
		case 8: jw_bool(&w, g.p < g.end && (*g.p++ & 1)); break;
		case 9: jw_null(&w); break;
		case 10: jw_string(&w, NULL); break;
		case 11:
			n = take(&g, &s, sizeof(key) - 1);
			memcpy(key, s, n);
			key[n] = '\0';
			jw_kv_string(&w, key, key);
			break;
		case 12:
			n = take(&g, &s, 31);
			jw_number(&w, (const char *)s, n);
			break;
		case 13: jw_double(&w, take_double(&g)); break;
		}
	}
	return jw_finish(&w);
}

/* The indented text in[0..n) back to one line in out (BIG bytes), its
 * layout checked on the way (see the top); its length, or -1. */
static int squeeze(const char *in, size_t n, unsigned indent, char *out)
{
	size_t i = 0, o = 0, k;
	int depth = 0;
	bool str = false, nl = false;	/* nl: a line break came just before */

	while (i < n && o + 6 < BIG) {
		char c = in[i++], prev = o ? out[o - 1] : 0;

		if (str) {
			if (c == 0x7f) {
				memcpy(out + o, "\\u007f", 6);
				o += 6;
				continue;
			}
			str = c != '"';
			out[o++] = c;
			if (c == '\\' && i < n && in[i] == 'u' && i + 5 <= n) {
				for (k = 0; k < 5; k++, i++)	/* u and 4 hex digits */
					out[o++] = (char)(in[i] >= 'A' && in[i] <= 'F' ?
							  in[i] - 'A' + 'a' : in[i]);
			} else if (c == '\\' && i < n) {
				out[o++] = in[i++];
			}
			continue;
		}
		if (c == '\n') {
			for (k = 0; i < n && in[i] == ' '; i++)
				k++;
			if (i >= n)
				return -1;
			if (in[i] == '}' || in[i] == ']') {
				if (k != (size_t)(depth - 1) * indent || strchr("{[,:", prev))
					return -1;
			} else if (k != (size_t)depth * indent || !prev || !strchr("{[,", prev)) {
				return -1;
			}
			nl = true;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r')
			return -1;	/* the one space after ':' is taken below */
		if (!nl && (prev == ',' || prev == '{' || prev == '[') && c != '}' && c != ']')
			return -1;	/* a member not on a line of its own */
		if (!nl && (c == '}' || c == ']') && prev != (c == '}' ? '{' : '['))
			return -1;	/* a non-empty container closed on its line */
		nl = false;
		out[o++] = c;
		str = c == '"';
		depth += (c == '{' || c == '[') - (c == '}' || c == ']');
		if (c == ':') {
			if (i + 1 >= n || in[i] != ' ' || in[i + 1] == ' ')
				return -1;
			i++;
		}
	}
	return i == n ? (int)o : -1;
}

/* The same program laid out with an indent of 1 to 4. */
static void check_indented(const uint8_t *data, size_t size, int rb, const char *big)
{
	static char pretty[BIG], flat[BIG];
	unsigned indent = 1 + data[0] % 4;
	int rp = run(data + 2, size - 2, pretty, sizeof(pretty), indent), rf;

	if (rb < 0 && rp >= 0)
		__builtin_trap();	/* misuse must be misuse in any layout */
	if (rb >= 0 && rp == -EINVAL)
		__builtin_trap();
	if (rp < 0)
		return;
	rf = squeeze(pretty, (size_t)rp - 1, indent, flat);
	if (rf != rb - 1 || memcmp(flat, big, (size_t)rf))
		__builtin_trap();
	if (pretty[rp - 1] != '\n')
		__builtin_trap();
}

/* One double alone: a number that reads back as itself. */
static void check_double(const uint8_t *data, size_t size)
{
	struct prog g = { data, data + size };
	double d = take_double(&g), back;
	struct json_writer w;
	char buf[64], *end;
	int r;

	jw_init(&w, buf, sizeof(buf));
	jw_double(&w, d);
	r = jw_finish(&w);
	if (!isfinite(d)) {
		if (r != -EINVAL)
			__builtin_trap();
		return;
	}
	if (r < 2)
		__builtin_trap();
	back = strtod(buf, &end);
	if (end != buf + r - 1 || back != d || signbit(back) != signbit(d))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char small[BIG + 16], big[BIG], esc[BIG];
	static uint8_t back[BIG];
	struct val v;
	size_t cap, olen;
	int r, rb;

	if (size < 2 || size > 4096)
		return 0;
	cap = ((size_t)data[0] << 8 | data[1]) % 2048;
	memset(small, 'Z', cap + 16);
	r = run(data + 2, size - 2, cap ? small : NULL, cap, 0);
	rb = run(data + 2, size - 2, big, sizeof(big), 0);
	if (memchr(small + cap, 'Z', 16) != small + cap)
		__builtin_trap();	/* wrote past cap */
	if (rb >= 0) {
		/* One line of valid JSON, no NUL inside. */
		if ((size_t)rb != strlen(big) || big[rb - 1] != '\n' ||
		    memchr(big, '\n', (size_t)rb - 1))
			__builtin_trap();
		v = (struct val){ (const uint8_t *)big, (const uint8_t *)big + rb - 1, 0 };
		if (!v_value(&v) || v.p != v.end)
			__builtin_trap();
	}
	if (r >= 0) {
		if (r != rb || strcmp(small, big))
			__builtin_trap();
	} else {
		if (cap && small[0])
			__builtin_trap();	/* a partial record */
		if (r == -ENOSPC && rb >= 0 && (size_t)rb + 1 <= cap)
			__builtin_trap();	/* it did fit */
		if (r == -EINVAL && rb != -EINVAL)
			__builtin_trap();
	}
	check_indented(data, size, rb, big);
	check_double(data, size);

	/* jw_escape over the raw bytes: a valid body, bytes recoverable. */
	r = jw_escape((const char *)data, size, esc, sizeof(esc));
	if (r < 0)
		__builtin_trap();	/* 6 * 4096 < BIG */
	v = (struct val){ (const uint8_t *)esc, (const uint8_t *)esc + r, 0 };
	if (!v_body(&v, back, &olen) || v.p != v.end || olen != size ||
	    memcmp(back, data, size))
		__builtin_trap();

	/* jw_escaped_prefix, for caps up to the whole escape: the prefix
	 * escapes to at most the cap; its escape is a prefix of the whole
	 * one (the cut falls between characters); it is the longest such cut
	 * (no character escapes to more than 6 bytes, so 6 more bytes of cap
	 * always take at least one more). */
	{
		size_t lim, take;
		int rp;

		for (lim = 0; lim <= (size_t)r; lim += 1 + lim / 8) {
			take = jw_escaped_prefix((const char *)data, size, lim);
			if (take > size)
				__builtin_trap();
			rp = jw_escape((const char *)data, take, (char *)back, sizeof(back));
			if (rp < 0 || (size_t)rp > lim || memcmp(back, esc, (size_t)rp))
				__builtin_trap();
			if (take < size &&
			    jw_escaped_prefix((const char *)data, size, lim + 6) <= take)
				__builtin_trap();
		}
		if (jw_escaped_prefix((const char *)data, size, (size_t)r) != size)
			__builtin_trap();
	}
	return 0;
}
