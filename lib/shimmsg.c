// SPDX-License-Identifier: GPL-2.0
/*
 * The shim -> collector message (lib/shimmsg.h has the format and the
 * grammar). Pure: no I/O, no allocation; every byte read is inside the
 * caller's buffer. The parser is a small recursive descent over the JSON
 * subset the shim writes (RFC 8259 for the tokens), bounded in depth by
 * the grammar (2) and in work by the message size.
 */
#include <errno.h>
#include <string.h>

#include "hexdigit.h"
#include "shimmsg.h"

/* The keys the collector adds itself: a client may not pre-set them. */
static const char *const reserved_keys[] = {
	"id", "source", "verified", "claimed",
	"hash_follows", "file_verified", "exit_tracked",
};

struct parser {
	const uint8_t *p, *end;
	struct shimmsg *out;
};

static void skip_ws(struct parser *ps)
{
	/* RFC 8259 section 2: ws = space, tab, LF, CR */
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(struct parser *ps, uint32_t *cp)
{
	int i, v;

	if (ps->end - ps->p < 4)
		return -EINVAL;
	*cp = 0;
	for (i = 0; i < 4; i++) {
		v = hex_digit(ps->p[i]);
		if (v < 0)
			return -EINVAL;
		*cp = *cp << 4 | (uint32_t)v;
	}
	ps->p += 4;
	return 0;
}

static void put_utf8(char **o, uint32_t cp)
{
	uint8_t *q = (uint8_t *)*o;

	if (cp < 0x80) {
		*q++ = (uint8_t)cp;
	} else if (cp < 0x800) {
		*q++ = (uint8_t)(0xc0 | cp >> 6);
		*q++ = (uint8_t)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*q++ = (uint8_t)(0xe0 | cp >> 12);
		*q++ = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		*q++ = (uint8_t)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (uint8_t)(0xf0 | cp >> 18);
		*q++ = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		*q++ = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		*q++ = (uint8_t)(0x80 | (cp & 0x3f));
	}
	*o = (char *)q;
}

/* One escape after the backslash. Every escape is at least as long in
 * the source as its decoding (\uXXXX is 6 bytes for at most 3; a pair is
 * 12 for 4), so the output never outgrows the input. */
static int unescape(struct parser *ps, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	uint32_t cp, lo;
	uint8_t c;

	if (ps->p >= ps->end)
		return -EINVAL;
	c = *ps->p++;
	if (c && (k = strchr(from, c))) {
		*(*o)++ = to[k - from];
		return 0;
	}
	if (c != 'u' || hex4(ps, &cp) < 0)
		return -EINVAL;
	if (cp >= 0x80 && cp <= 0xff) {
		/* lib/json.h writes a byte of invalid UTF-8 as \u00XX: give the
		 * byte back. */
		*(*o)++ = (char)cp;
		return 0;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return -EINVAL;			/* lone low surrogate */
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u')
			return -EINVAL;
		ps->p += 2;
		if (hex4(ps, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return -EINVAL;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(o, cp);
	return 0;
}

/* A string at ps->p (the opening quote), decoded into out->text. */
static int string(struct parser *ps, const char **s, size_t *len)
{
	struct shimmsg *m = ps->out;
	char *start = m->text + m->text_len, *o = start;
	size_t n;

	if (ps->p >= ps->end || *ps->p != '"')
		return -EINVAL;
	ps->p++;
	while (ps->p < ps->end && *ps->p != '"') {
		uint8_t c = *ps->p;

		if (c < 0x20)
			return -EINVAL;		/* raw control byte */
		if (c == '\\') {
			ps->p++;
			if (unescape(ps, &o) < 0)
				return -EINVAL;
			continue;
		}
		n = jw_utf8_len(ps->p, (size_t)(ps->end - ps->p));
		if (!n)
			return -EINVAL;
		memcpy(o, ps->p, n);
		o += n;
		ps->p += n;
	}
	if (ps->p >= ps->end)
		return -EINVAL;			/* unterminated */
	ps->p++;
	*o++ = '\0';
	*s = start;
	*len = (size_t)(o - start - 1);
	m->text_len += (size_t)(o - start);
	return 0;
}

static int integer(struct parser *ps, int64_t *v)
{
	bool neg = false;
	uint64_t acc = 0, lim;
	int digits = 0;

	if (ps->p < ps->end && *ps->p == '-') {
		neg = true;
		ps->p++;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (ps->p < ps->end && *ps->p == '0' && ps->end - ps->p > 1 &&
	    ps->p[1] >= '0' && ps->p[1] <= '9')
		return -EINVAL;			/* leading zero */
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		unsigned d = (unsigned)(*ps->p++ - '0');

		if (acc > (lim - d) / 10)
			return -EINVAL;		/* outside int64 */
		acc = acc * 10 + d;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E'))
		return -EINVAL;			/* the shim writes no fractions */
	*v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return 0;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return false;
	ps->p += n;
	return true;
}

static bool key_ok(const char *k, size_t n)
{
	size_t i;

	if (!n || n > SHIMMSG_KEY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

int shimmsg_find(const struct shimmsg *m, int parent, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->m[i].parent == parent && !strcmp(m->m[i].key, key))
			return (int)i;
	return -1;
}

static int object(struct parser *ps, int parent, int depth);

static int value(struct parser *ps, int idx, int depth)
{
	struct shimmsg_member *mb = &ps->out->m[idx];

	if (ps->p >= ps->end)
		return -EINVAL;
	switch (*ps->p) {
	case '"':
		mb->type = SHIMMSG_STRING;
		return string(ps, &mb->s, &mb->s_len);
	case '{':
		if (depth >= 2)
			return -EINVAL;
		mb->type = SHIMMSG_OBJECT;
		return object(ps, idx, depth + 1);
	case 'n':
		mb->type = SHIMMSG_NULL;
		return literal(ps, "null") ? 0 : -EINVAL;
	case 't':
	case 'f':
		mb->type = SHIMMSG_BOOL;
		mb->b = *ps->p == 't';
		return literal(ps, mb->b ? "true" : "false") ? 0 : -EINVAL;
	default:
		mb->type = SHIMMSG_INT;
		return integer(ps, &mb->i);
	}
}

/* An object at ps->p; its members get parent as their parent. */
static int object(struct parser *ps, int parent, int depth)
{
	struct shimmsg *m = ps->out;
	bool first = true;

	ps->p++;			/* '{' */
	for (;;) {
		struct shimmsg_member *mb;
		size_t klen;
		int idx, err;

		skip_ws(ps);
		if (ps->p >= ps->end)
			return -EINVAL;
		if (*ps->p == '}' && first) {
			ps->p++;
			return 0;
		}
		if (m->n >= SHIMMSG_MEMBERS_MAX)
			return -EINVAL;
		idx = (int)m->n;
		mb = &m->m[idx];
		memset(mb, 0, sizeof(*mb));
		mb->parent = parent;
		if ((err = string(ps, &mb->key, &klen)) < 0)
			return err;
		if (!key_ok(mb->key, klen) || shimmsg_find(m, parent, mb->key) >= 0)
			return -EINVAL;
		m->n++;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':')
			return -EINVAL;
		ps->p++;
		skip_ws(ps);
		if ((err = value(ps, idx, depth)) < 0)
			return err;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return -EINVAL;
		if (*ps->p == '}') {
			ps->p++;
			return 0;
		}
		if (*ps->p != ',')
			return -EINVAL;
		ps->p++;
		first = false;
	}
}

int shimmsg_header(void *buf, uint16_t flags)
{
	struct shimmsg_hdr h = {
		.magic = SHIMMSG_MAGIC, .version = SHIMMSG_VERSION, .flags = flags,
	};

	memcpy(buf, &h, sizeof(h));
	return SHIMMSG_HDR_SIZE;
}

int shimmsg_parse(const void *buf, size_t len, struct shimmsg *out)
{
	struct parser ps;
	struct shimmsg_hdr h;
	size_t i;
	int v, ev, err;

	out->n = 0;
	out->text_len = 0;
	if (len > SHIMMSG_MAX)
		return -EMSGSIZE;
	if (!buf || len < SHIMMSG_HDR_SIZE)
		return -EINVAL;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != SHIMMSG_MAGIC)
		return -EINVAL;
	if (h.version != SHIMMSG_VERSION)
		return -EPROTONOSUPPORT;
	if (h.flags & ~SHIMMSG_F_ALL)
		return -EINVAL;
	out->version = h.version;
	out->flags = h.flags;
	ps.p = (const uint8_t *)buf + SHIMMSG_HDR_SIZE;
	ps.end = (const uint8_t *)buf + len;
	ps.out = out;
	skip_ws(&ps);
	if (ps.p >= ps.end || *ps.p != '{')
		return -EINVAL;
	if ((err = object(&ps, -1, 1)) < 0)
		return err;
	skip_ws(&ps);
	if (ps.p != ps.end)
		return -EINVAL;			/* a second value, or junk */
	for (i = 0; i < sizeof(reserved_keys) / sizeof(reserved_keys[0]); i++)
		if (shimmsg_find(out, -1, reserved_keys[i]) >= 0)
			return -EINVAL;
	v = shimmsg_find(out, -1, "v");
	ev = shimmsg_find(out, -1, "event");
	if (v < 0 || out->m[v].type != SHIMMSG_INT || out->m[v].i != 1 ||
	    ev < 0 || out->m[ev].type != SHIMMSG_STRING)
		return -EINVAL;
	return 0;
}

const char *shimmsg_str(const struct shimmsg *m, const char *key)
{
	int i = shimmsg_find(m, -1, key);

	return i >= 0 && m->m[i].type == SHIMMSG_STRING ? m->m[i].s : NULL;
}

void shimmsg_emit_value(const struct shimmsg *m, int idx, struct json_writer *w)
{
	const struct shimmsg_member *mb = &m->m[idx];
	size_t i;

	switch (mb->type) {
	case SHIMMSG_NULL:
		jw_null(w);
		break;
	case SHIMMSG_BOOL:
		jw_bool(w, mb->b);
		break;
	case SHIMMSG_INT:
		jw_int(w, mb->i);
		break;
	case SHIMMSG_STRING:
		jw_string_n(w, mb->s, mb->s_len);
		break;
	case SHIMMSG_OBJECT:
		jw_object_begin(w);
		/* Members follow their object in document order. */
		for (i = (size_t)idx + 1; i < m->n; i++) {
			if (m->m[i].parent != idx)
				continue;
			jw_key(w, m->m[i].key);
			shimmsg_emit_value(m, (int)i, w);
		}
		jw_object_end(w);
		break;
	}
}
