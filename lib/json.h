/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_JSON_H
#define BSHIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A bounded JSON writer into a caller's buffer: no allocation. Once the
 * buffer would overflow, every further call is a no-op and json_finish()
 * reports -ENOSPC, so a caller never emits a partial record.
 *
 * Strings: every byte < 0x20, '"' and '\\' is escaped (\n, \t, ... or
 * \u00XX); DEL is written as \u007f; valid UTF-8 is copied as is; each byte
 * that is not part of valid UTF-8 (overlong forms, surrogates, > U+10FFFF,
 * truncated sequences) is written as \u00XX with the byte's value, so the
 * original bytes can be recovered (docs/log-format.md).
 */
#define JSON_MAX_DEPTH 16

struct json_writer {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no member written yet at this depth */
	bool after_key;			/* a key was written, a value is due */
};

void json_init(struct json_writer *w, char *buf, size_t cap);

void json_object_begin(struct json_writer *w);	/* { */
void json_object_end(struct json_writer *w);	/* } */
void json_array_begin(struct json_writer *w);	/* [ */
void json_array_end(struct json_writer *w);	/* ] */
void json_key(struct json_writer *w, const char *key);

/* Values: after json_key inside an object, or as array elements. */
void json_string(struct json_writer *w, const char *s);	/* NULL -> null */
void json_string_n(struct json_writer *w, const char *s, size_t n);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Key + value shorthands. */
void json_kv_string(struct json_writer *w, const char *k, const char *s);
void json_kv_int(struct json_writer *w, const char *k, int64_t v);
void json_kv_uint(struct json_writer *w, const char *k, uint64_t v);
void json_kv_bool(struct json_writer *w, const char *k, bool v);
void json_kv_null(struct json_writer *w, const char *k);

/*
 * Close the document: append '\n' (JSON Lines) and NUL-terminate. Returns
 * the length without the NUL, or -ENOSPC on overflow, -EINVAL when objects
 * or arrays are left open.
 */
int json_finish(struct json_writer *w);

/* Escape s[0..n) as a JSON string body (no quotes) into out; returns the
 * escaped length or -ENOSPC. For callers building text by hand. */
int json_escape(const char *s, size_t n, char *out, size_t cap);

#endif
