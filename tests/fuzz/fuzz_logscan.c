// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/logscan.c, the byte-level half of reading the log
 * (`binfmt-shim log`; jansson does the JSON). Checks, for any input:
 *   - logscan_mark over the raw bytes stays inside them and never grows;
 *   - the round trip the reader relies on: bytes written as a JSON string
 *     by the shim's own escaper (jw_escape), marked, unescaped and
 *     unmarked, are the bytes again (unless they hold the marked range,
 *     which mark must then refuse with -EEXIST);
 *   - logscan_time / logscan_span accept or refuse without crashing, and
 *     an accepted time prints and parses back to the same second.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "logscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

/* JSON string body -> bytes, for the escapes jw_escape writes (short ones
 * and \u00XX); everything else is copied. Returns the length. */
static size_t unescape(const char *s, size_t n, char *out)
{
	size_t i = 0, w = 0;

	while (i < n) {
		if (s[i] != '\\' || i + 1 >= n) {
			out[w++] = s[i++];
			continue;
		}
		switch (s[i + 1]) {
		case 'b': out[w++] = '\b'; i += 2; break;
		case 'f': out[w++] = '\f'; i += 2; break;
		case 'n': out[w++] = '\n'; i += 2; break;
		case 'r': out[w++] = '\r'; i += 2; break;
		case 't': out[w++] = '\t'; i += 2; break;
		case 'u':
			if (i + 6 > n)
				__builtin_trap();
			out[w++] = (char)strtol((char[]){ s[i + 2], s[i + 3], s[i + 4],
							  s[i + 5], 0 }, NULL, 16);
			i += 6;
			break;
		default: out[w++] = s[i + 1]; i += 2; break;
		}
	}
	return w;
}

static void round_trip(const uint8_t *data, size_t size)
{
	static char esc[6 * CAP + 3], back[6 * CAP + 3];
	size_t n, len, m;
	int e, rc;

	if (size > CAP)
		size = CAP;
	e = jw_escape((const char *)data, size, esc + 1, sizeof(esc) - 2);
	if (e < 0)
		__builtin_trap();
	esc[0] = '"';
	esc[e + 1] = '"';
	len = (size_t)e + 2;
	rc = logscan_mark(esc, len, &n);
	if (rc == -EEXIST)
		return;		/* the bytes hold U+10FF80.. themselves */
	if (rc || n > len || esc[0] != '"' || esc[n - 1] != '"')
		__builtin_trap();
	m = unescape(esc + 1, n - 2, back);
	m = logscan_unmark(back, m);
	if (m != size || memcmp(back, data, size))
		__builtin_trap();
}

static void times(const uint8_t *data, size_t size)
{
	char s[64], out[32];
	int64_t us, us2;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	memcpy(s, data, n);
	s[n] = '\0';
	if (logscan_time(s, n, &us) == 0) {
		if (us < 0)
			__builtin_trap();
		if (logscan_fmt_time(us, 'T', out, sizeof(out)) >= 0) {
			if (logscan_time(out, strlen(out), &us2) < 0 ||
			    us2 != us / 1000000 * 1000000)
				__builtin_trap();
		}
	}
	if (logscan_span(s, &us) == 0 && us < 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1 << 16];
	size_t n, cp = size < sizeof(buf) ? size : sizeof(buf);

	memcpy(buf, data, cp);
	if (logscan_mark(buf, cp, &n) == 0 && n > cp)
		__builtin_trap();
	logscan_unmark(buf, n);
	round_trip(data, size);
	times(data, size);
	return 0;
}
