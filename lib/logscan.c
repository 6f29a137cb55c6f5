// SPDX-License-Identifier: GPL-2.0
/*
 * Byte-level helpers for reading the JSON Lines log (see logscan.h): the
 * raw-byte escapes of docs/log-format.md, RFC 3339 times and spans.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hexdigit.h"
#include "logscan.h"

/* The value of the 4 hex digits at s, -1 if they are not hex. */
static long hex4(const char *s)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		d = hex_digit(s[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * Whether the line already holds a code point of the marked range:
 * U+10FF80..U+10FFFF is F4 8F BE 80 .. F4 8F BF BF in UTF-8 (RFC 3629),
 * or the surrogate pair \uDBFF\uDF80..\uDBFF\uDFFF in a JSON escape
 * (RFC 8259 section 7). Any \uDBFF is treated as a clash: cheap and safe.
 */
static bool has_marked(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		if ((unsigned char)s[i] == 0xf4 && (unsigned char)s[i + 1] == 0x8f &&
		    ((unsigned char)s[i + 2] == 0xbe || (unsigned char)s[i + 2] == 0xbf))
			return true;
		if (s[i] == '\\' && s[i + 1] == 'u' && i + 6 <= len &&
		    hex4(s + i + 2) == 0xdbff)
			return true;
	}
	return false;
}

int logscan_mark(char *line, size_t len, size_t *newlen)
{
	bool in_str = false;
	size_t r = 0, w = 0;
	long v;

	*newlen = len;
	if (has_marked(line, len))
		return -EEXIST;
	while (r < len) {
		char c = line[r];

		if (!in_str) {
			if (c == '"')
				in_str = true;
			line[w++] = line[r++];
			continue;
		}
		if (c == '"') {
			in_str = false;
			line[w++] = line[r++];
			continue;
		}
		if (c != '\\' || r + 1 >= len) {
			line[w++] = line[r++];
			continue;
		}
		/* An escape: \X, or \uXXXX which may be a raw byte. */
		if (line[r + 1] == 'u' && r + 6 <= len &&
		    (v = hex4(line + r + 2)) >= 0x80 && v <= 0xff) {
			unsigned cp = LOGSCAN_MARK_BASE + (unsigned)(v - 0x80);

			line[w++] = (char)(0xf0 | (cp >> 18));
			line[w++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			line[w++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			line[w++] = (char)(0x80 | (cp & 0x3f));
			r += 6;
			continue;
		}
		line[w++] = line[r++];
		line[w++] = line[r++];
	}
	*newlen = w;
	return 0;
}

size_t logscan_unmark(char *s, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		const unsigned char *u = (const unsigned char *)s + r;

		if (r + 4 <= len && u[0] == 0xf4 && u[1] == 0x8f &&
		    (u[2] == 0xbe || u[2] == 0xbf) && (u[3] & 0xc0) == 0x80) {
			s[w++] = (char)(0x80 + ((u[2] - 0xbe) << 6) + (u[3] - 0x80));
			r += 4;
			continue;
		}
		s[w++] = s[r++];
	}
	if (w < len)
		s[w] = '\0';
	return w;
}

/* n decimal digits at s, -1 if any is not a digit. */
static long digits(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(long y, long m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil,
 * http://howardhinnant.github.io/date_algorithms.html). */
static int64_t days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, long *y, long *m, long *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (long)(doy - (153 * mp + 2) / 5 + 1);
	*m = (long)(mp < 10 ? mp + 3 : mp - 9);
	*y = (long)(yoe + era * 400 + (*m <= 2));
}

int logscan_time(const char *s, size_t n, int64_t *us)
{
	long y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, oh, om;
	size_t p = 10, fd = 0;
	int64_t t;

	/* YYYY-MM-DD */
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return -EINVAL;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo))
		return -EINVAL;
	if (p < n && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
		/* HH:MM[:SS[.frac]] */
		if (n < p + 6 || s[p + 3] != ':')
			return -EINVAL;
		h = digits(s + p + 1, 2);
		mi = digits(s + p + 4, 2);
		p += 6;
		if (p < n && s[p] == ':') {
			if (n < p + 3 || (sec = digits(s + p + 1, 2)) < 0)
				return -EINVAL;
			p += 3;
			if (p < n && s[p] == '.') {
				p++;
				while (p < n && s[p] >= '0' && s[p] <= '9') {
					if (fd < 6) {
						frac = frac * 10 + (s[p] - '0');
						fd++;
					}
					p++;
				}
				if (!fd)
					return -EINVAL;
				while (fd < 6) {
					frac *= 10;
					fd++;
				}
			}
		}
		/* 60: a leap second (RFC 3339 section 5.7), folded into :59. */
		if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec > 60)
			return -EINVAL;
		if (sec == 60)
			sec = 59;
	}
	t = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
	if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
		p++;
	} else if (p < n && (s[p] == '+' || s[p] == '-')) {
		if (n < p + 6 || s[p + 3] != ':')
			return -EINVAL;
		oh = digits(s + p + 1, 2);
		om = digits(s + p + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -EINVAL;
		t += (s[p] == '+' ? -1 : 1) * (oh * 3600 + om * 60);
		p += 6;
	}
	if (p != n || t < 0)
		return -EINVAL;
	*us = t * 1000000 + frac;
	return 0;
}

int logscan_span(const char *s, int64_t *us)
{
	/* 100 years: far beyond any log, far below INT64_MAX microseconds. */
	const int64_t max = 100LL * 366 * 86400 * 1000000;
	int64_t total = 0, v, unit;
	bool any = false;

	while (*s) {
		v = 0;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s++ - '0');
			if (v > max)
				return -EINVAL;
		}
		switch (*s++) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return -EINVAL;
		}
		if (v > max / (unit * 1000000))
			return -EINVAL;
		total += v * unit * 1000000;
		if (total > max)
			return -EINVAL;
		any = true;
	}
	if (!any)
		return -EINVAL;
	*us = total;
	return 0;
}

int logscan_fmt_time(int64_t us, char sep, char *buf, size_t len)
{
	int64_t s, days, rem;
	long y, m, d;
	int n;

	if (us < 0)
		return -EINVAL;
	s = us / 1000000;
	days = s / 86400;
	rem = s % 86400;
	civil_from_days(days, &y, &m, &d);
	if (y > 9999)
		return -EINVAL;
	n = snprintf(buf, len, "%04ld-%02ld-%02ld%c%02d:%02d:%02d", y, m, d, sep,
		     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

int logscan_format_time(int64_t sec, long nsec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;
	int n;

	if (nsec < 0 || nsec > 999999999 || !gmtime_r(&t, &tm))
		return -EINVAL;
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, nsec / 1000);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}
