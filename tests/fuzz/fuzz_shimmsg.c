// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/shimmsg.c, the collector's parser of what any
 * local user may send it. The input is a whole message (8-byte header +
 * record). Invariants (a trap on violation):
 *   - a parse that fails leaves nothing the caller could misread;
 *   - a parse that succeeds yields members whose keys and strings lie
 *     inside the decoded text, parents before children, depth <= 2;
 *   - re-emitting every top-level member with lib/json.h gives a record
 *     that parses again to the same members (type, key, value, bytes),
 *     so the collector's rewrite neither loses nor invents anything.
 */
#include <errno.h>
#include <string.h>

#include "shimmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct shimmsg a, b;
static char out[2 * SHIMMSG_MAX + 64];

static void check_members(const struct shimmsg *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct shimmsg_member *mb = &m->m[i];

		if (mb->key < m->text || mb->key >= m->text + m->text_len)
			__builtin_trap();
		if (mb->parent >= (int)i || mb->parent < -1)
			__builtin_trap();
		if (mb->parent >= 0 && (m->m[mb->parent].type != SHIMMSG_OBJECT ||
					m->m[mb->parent].parent != -1))
			__builtin_trap();
		if (mb->type == SHIMMSG_STRING &&
		    (mb->s < m->text || mb->s + mb->s_len >= m->text + m->text_len ||
		     mb->s[mb->s_len] != '\0'))
			__builtin_trap();
	}
}

static void same(const struct shimmsg *x, const struct shimmsg *y)
{
	size_t i;

	if (x->n != y->n || x->flags != y->flags)
		__builtin_trap();
	for (i = 0; i < x->n; i++) {
		const struct shimmsg_member *p = &x->m[i], *q = &y->m[i];

		if (p->type != q->type || p->parent != q->parent || strcmp(p->key, q->key))
			__builtin_trap();
		if ((p->type == SHIMMSG_BOOL && p->b != q->b) ||
		    (p->type == SHIMMSG_INT && p->i != q->i) ||
		    (p->type == SHIMMSG_STRING &&
		     (p->s_len != q->s_len || memcmp(p->s, q->s, p->s_len))))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_writer w;
	size_t i;
	int len;

	if (shimmsg_parse(data, size, &a) < 0)
		return 0;
	check_members(&a);
	shimmsg_header(out, a.flags);
	jw_init(&w, out + SHIMMSG_HDR_SIZE, sizeof(out) - SHIMMSG_HDR_SIZE);
	jw_object_begin(&w);
	for (i = 0; i < a.n; i++) {
		if (a.m[i].parent != -1)
			continue;
		jw_key(&w, a.m[i].key);
		shimmsg_emit_value(&a, (int)i, &w);
	}
	jw_object_end(&w);
	len = jw_finish(&w);
	if (len < 0)
		__builtin_trap();
	/* The rewrite may be longer than SHIMMSG_MAX only by re-escaping,
	 * which never happens: decoded bytes re-encode to at most their
	 * source length. */
	if (shimmsg_parse(out, SHIMMSG_HDR_SIZE + (size_t)len, &b) < 0)
		__builtin_trap();
	same(&a, &b);
	return 0;
}
