/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_JSON_H
#define BSHIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A bounded JSON writer into a caller's buffer: no allocation. Once the
 * buffer would overflow, every further call is a no-op and jw_finish()
 * reports -ENOSPC and leaves an empty string in the buffer, so a caller
 * never emits a partial record. Two bytes of the buffer are kept for the
 * '\n' and NUL that jw_finish() appends.
 *
 * Misuse (a value where a key is due, a key outside an object, a second
 * top-level value, unbalanced ends, nesting deeper than JSON_MAX_DEPTH - 1)
 * makes the writer stop too; jw_finish() then returns -EINVAL.
 *
 * Strings (the escape policy, also in docs/log-format.md):
 *   - '"' and '\\' are written as \" and \\;
 *   - the control bytes \b \f \n \r \t as those short escapes, every other
 *     byte < 0x20 as \u00XX (lower-case hex), DEL (0x7f) as \u007f;
 *   - valid UTF-8 (RFC 3629: shortest form, no surrogates D800-DFFF,
 *     at most U+10FFFF) is copied as is;
 *   - every byte that is not part of valid UTF-8 (overlong forms, encoded
 *     surrogates, > U+10FFFF, stray continuation bytes, truncated
 *     sequences, 0xC0, 0xC1, 0xF5-0xFF) is written as \u00XX with the
 *     byte's value, one escape per byte, never U+FFFD.
 * A decoder therefore sees U+0080..U+00FF for such bytes; the original
 * bytes can be recovered from the record text, because a \u0080-\u00ff
 * escape is only ever written for a byte of invalid UTF-8 (valid text in
 * that range is copied as its two UTF-8 bytes). The output is always
 * valid UTF-8 and valid JSON, and contains no raw control byte.
 */
#define JSON_MAX_DEPTH 16

struct json_writer {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
	bool error;			/* misuse: jw_finish() -> -EINVAL */
	int depth;			/* open objects and arrays */
	bool first[JSON_MAX_DEPTH];	/* no member written yet at this depth */
	bool is_array[JSON_MAX_DEPTH];	/* the container at this depth */
	bool after_key;			/* a key was written, a value is due */
	unsigned indent;		/* 0: one line; else jw_set_indent() */
};

void jw_init(struct json_writer *w, char *buf, size_t cap);

/*
 * Lay the document out for people, as jansson's json_dumps(doc,
 * JSON_INDENT(indent)) does, so that an output first written with jansson
 * keeps its bytes: every member on a line of its own, indented by `indent`
 * spaces a level; ": " after a key; an empty object or array stays "{}"
 * or "[]". Its strings follow jansson too: a control byte that has no
 * short escape is \u00XX in upper-case hex, and DEL (valid JSON) is
 * copied as is. Invalid UTF-8 (which jansson refuses to hold) is still
 * \u00XX, one escape per byte. Call it right after jw_init(), before
 * anything is written (later: misuse); 0 is the one-line default.
 */
void jw_set_indent(struct json_writer *w, unsigned indent);

void jw_object_begin(struct json_writer *w);	/* { */
void jw_object_end(struct json_writer *w);	/* } */
void jw_array_begin(struct json_writer *w);	/* [ */
void jw_array_end(struct json_writer *w);	/* ] */
void jw_key(struct json_writer *w, const char *key);

/* Values: after json_key inside an object, or as array elements. */
void jw_string(struct json_writer *w, const char *s);	/* NULL -> null */
void jw_string_n(struct json_writer *w, const char *s, size_t n);
void jw_int(struct json_writer *w, int64_t v);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* A number token as given, e.g. "-1.5e-7": it must match RFC 8259's
 * grammar (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), else misuse. */
void jw_number(struct json_writer *w, const char *tok, size_t n);
/* A double as jansson writes a real: "%.17g", with ".0" added when that
 * gives neither '.' nor 'e', no '+' or leading zeros in the exponent
 * ("1e20", "9.9999999999999995e-8", "-0.0"), '.' whatever the locale.
 * NaN and infinities have no JSON form: misuse. */
void jw_double(struct json_writer *w, double v);

/* Key + value shorthands. */
void jw_kv_string(struct json_writer *w, const char *k, const char *s);
void jw_kv_int(struct json_writer *w, const char *k, int64_t v);
void jw_kv_uint(struct json_writer *w, const char *k, uint64_t v);
void jw_kv_bool(struct json_writer *w, const char *k, bool v);
void jw_kv_null(struct json_writer *w, const char *k);

/*
 * Close the document: append '\n' (JSON Lines) and NUL-terminate. Returns
 * the length without the NUL, or -ENOSPC on overflow, -EINVAL when objects
 * or arrays are left open, nothing was written, or the writer was misused;
 * on error the buffer holds "" (when cap > 0).
 */
int jw_finish(struct json_writer *w);

/* Escape s[0..n) as a JSON string body (no quotes) into out, by the policy
 * above, NUL-terminated; returns the escaped length, or -ENOSPC (out then
 * holds "" when cap > 0). For callers building text by hand. */
int jw_escape(const char *s, size_t n, char *out, size_t cap);

/* The longest prefix of s[0..n), in bytes, whose escaped form (the
 * policy above, without quotes) takes at most max bytes; the cut falls
 * between characters, never inside an escape or a UTF-8 sequence. For
 * capping a field by what it costs in the record, not by its raw size. */
size_t jw_escaped_prefix(const char *s, size_t n, size_t max);

/* The length of the valid UTF-8 sequence at s[0..n), 0 if s[0] does not
 * start one (the rule the escaper uses). */
size_t jw_utf8_len(const uint8_t *s, size_t n);

#endif
