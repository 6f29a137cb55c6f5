/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_LOGSCAN_H
#define BSHIM_LOGSCAN_H

#include <stddef.h>
#include <stdint.h>

/*
 * The byte-level helpers `binfmt-shim log` needs around the JSON parser
 * (jansson does the parsing): keeping the bytes of paths that are not
 * UTF-8, and the times of records and of --since/--until. Pure: no I/O,
 * no allocation.
 *
 * The shim writes each byte of invalid UTF-8 as \u00XX (XX 80..ff) and
 * never escapes valid text in that range (docs/log-format.md), so the
 * escape itself says "a raw byte". A JSON parser turns it into U+00XX and
 * loses that. logscan_mark() rewrites such escapes, inside strings only,
 * into the code points U+10FF80..U+10FFFF (Supplementary Private Use
 * Area-B, as 4 raw UTF-8 bytes, shorter than the 6-byte escape), which the
 * parser keeps as they are; logscan_unmark() turns them back into the
 * bytes. A line that already holds code points of that range (raw, or as
 * a \uDBFF surrogate escape) is left alone: then -EEXIST, and the parser
 * shows those bytes as U+00XX, never as the wrong bytes.
 */
#define LOGSCAN_MARK_BASE 0x10ff80u

/* Rewrite line[0..len) in place; *newlen is its new length. 0, or
 * -EEXIST when the line was left as it was (*newlen = len). */
int logscan_mark(char *line, size_t len, size_t *newlen);

/* Turn every marked code point of s[0..len) back into its byte, in place;
 * returns the new length (s is NUL-terminated when len < its size: the
 * caller passes a terminated string and gets one back). */
size_t logscan_unmark(char *s, size_t len);

/*
 * RFC 3339 time s[0..n) into microseconds since the epoch (UTC):
 * YYYY-MM-DD, optionally followed by 'T', 't' or ' ' and HH:MM[:SS[.frac]],
 * optionally followed by 'Z', 'z' or +HH:MM / -HH:MM (no zone: UTC).
 * Fractions beyond microseconds are cut. Years 1970..9999. 0 or -EINVAL.
 */
int logscan_time(const char *s, size_t n, int64_t *us);

/* The other way, as every record's "time" is written: seconds and
 * nanoseconds since the epoch as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (27 bytes).
 * Returns the length, or -ENOSPC / -EINVAL. */
int logscan_format_time(int64_t sec, long nsec, char *buf, size_t len);

/* A span like "90s", "30m", "1h", "2d", "1w", "1h30m" (no sign, units
 * s m h d w, at most 100 years) in microseconds. 0 or -EINVAL. */
int logscan_span(const char *s, int64_t *us);

/* "2026-11-27 10:30:38" (UTC, 20 bytes with the NUL); -ENOSPC or -EINVAL
 * when it does not fit or the time is outside 1970..9999. */
int logscan_fmt_time(int64_t us, char sep, char *buf, size_t len);

#endif
