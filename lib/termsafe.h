/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_TERMSAFE_H
#define BSHIM_TERMSAFE_H

#include <stddef.h>

/*
 * Text from untrusted places (log records any user's shim may have
 * written, file names, an ELF's PT_INTERP, binfmt_misc entries) made safe
 * to show on a terminal. Every string the CLI and the shim's diagnostic
 * print goes through here. Pure: no I/O, no allocation.
 *
 * Escaped, so the terminal never acts on them:
 *   - C0 controls 00..1f and DEL 7f              as \xNN (tab and newline
 *     only when the caller lets them through: TS_TAB, TS_NL)
 *   - bytes that are not part of valid UTF-8     as \xNN (among them the
 *     raw C1 bytes 80..9f that 8-bit terminals read as CSI, OSC, ...)
 *   - the C1 code points U+0080..U+009F (UTF-8 C2 80..C2 9F), which UTF-8
 *     terminals read as controls                as \u0080..\u009f
 *   - the bidirectional formatting characters U+061C, U+200E, U+200F,
 *     U+202A..U+202E, U+2066..U+2069 (Unicode UAX #9; they reorder what
 *     the terminal shows, "Trojan Source", CVE-2021-42574) and the line
 *     and paragraph separators U+2028, U+2029     as \uNNNN
 *   - a backslash                                as \\ (unless TS_BS), so
 *     every escape reads back to exactly one input: \xNN is always the
 *     byte NN, \uNNNN always that code point.
 * Everything else (printable ASCII, other valid UTF-8) is copied.
 * Hex digits are lowercase. Each input byte gives at most TS_GROWTH
 * output bytes.
 */

/* What may pass unescaped. */
#define TS_TAB	0x1u	/* tab: only where the program's own layout allows it */
#define TS_NL	0x2u	/* newline: only in multi-line text */
#define TS_BS	0x4u	/* backslash as it is: text whose data was already
			 * escaped (a message made of the program's words and
			 * escaped fields goes through once more, as a net) */

/* Longest output for one input byte: \xNN for one byte. */
#define TS_GROWTH 4

/* Where the output goes, in pieces: each piece is one whole escape or
 * one whole character (never cut). */
typedef void (*ts_put_fn)(void *ctx, const char *s, size_t n);

/*
 * Escape s[0..len) and hand it to put. With max_cols > 0, stop before the
 * first piece that would make the output wider than max_cols columns (one
 * column per character or escape byte: see ts_cols). Returns how many
 * input bytes were escaped (len unless max_cols stopped it); *cols (may
 * be NULL) gets the columns written.
 */
size_t ts_escape_cb(const char *s, size_t len, unsigned flags, size_t max_cols,
		    ts_put_fn put, void *ctx, size_t *cols);

/*
 * The same into out[0..cap): at most cap - 1 bytes and a NUL (cap > 0),
 * stopping before the first piece that does not fit (an escape is never
 * cut). Returns the output length. TS_GROWTH * len + 1 bytes always fit.
 */
size_t ts_escape(const char *s, size_t len, unsigned flags, char *out, size_t cap);

/*
 * Columns text written by ts_escape takes: one per character (UTF-8
 * continuation bytes count none). A wide (CJK) character counts one,
 * a combining mark one: tables may be off by those, never by an escape.
 */
size_t ts_cols(const char *s, size_t len);

#endif
