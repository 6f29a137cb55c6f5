// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 5424 messages (lib/syslog5424.h says which rule of section 6 each
 * part follows). Every field is checked or escaped here, in one place,
 * so no string a client sent can add a header field or a structured-data
 * element: a space in a header field, or a '"' or ']' in a value, would.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "syslog5424.h"

struct out {
	char *buf;
	size_t cap, off;
	int err;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->err || n > o->cap - o->off) {
		o->err = -ENOSPC;
		return;
	}
	memcpy(o->buf + o->off, p, n);
	o->off += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* PRINTUSASCII = %d33-126 (section 6). */
static int printusascii(unsigned char c)
{
	return c >= 33 && c <= 126;
}

int syslog5424_header_ok(const char *s, size_t max)
{
	size_t i;

	if (!s || !*s)
		return 0;
	for (i = 0; s[i]; i++)
		if (i >= max || !printusascii((unsigned char)s[i]))
			return 0;
	return 1;
}

/* SD-NAME = 1*32PRINTUSASCII except '=', SP, ']', %d34 (section 6.3). */
static int sd_name_ok(const char *s)
{
	size_t i;

	if (!syslog5424_header_ok(s, 32))
		return 0;
	for (i = 0; s[i]; i++)
		if (s[i] == '=' || s[i] == ']' || s[i] == '"')
			return 0;
	return 1;
}

static void header(struct out *o, const char *s, size_t max)
{
	put(o, " ", 1);
	puts_(o, syslog5424_header_ok(s, max) ? s : "-");
}

/* PARAM-VALUE (6.3.3): UTF-8, '"' '\' ']' escaped; see the header for
 * U+FFFD and the cut. */
static void param_value(struct out *o, const char *v)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const uint8_t *s = (const uint8_t *)v;
	size_t n = strlen(v), i = 0, used = 0, u, w;
	const char *p;
	char esc[2];

	while (i < n) {
		u = jw_utf8_len(s + i, n - i);
		if (!u || s[i] < 0x20 || s[i] == 0x7f ||
		    (u == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0)) {	/* C1 */
			p = fffd;
			w = 3;
			u = u ? u : 1;
		} else if (s[i] == '"' || s[i] == '\\' || s[i] == ']') {
			esc[0] = '\\';
			esc[1] = (char)s[i];
			p = esc;
			w = 2;
		} else {
			p = (const char *)s + i;
			w = u;
		}
		if (used + w > SYSLOG5424_VALUE_MAX)
			break;
		put(o, p, w);
		used += w;
		i += u;
	}
}

int syslog5424_format(const struct syslog5424 *m, char *buf, size_t cap)
{
	struct out o = { .buf = buf, .cap = cap };
	char pri[16];
	size_t i;

	if (m->pri < 0 || m->pri > 191)
		return -EINVAL;
	if (m->sd_id && !sd_name_ok(m->sd_id))
		return -EINVAL;
	for (i = 0; m->sd_id && i < m->nparams; i++)
		if (!sd_name_ok(m->params[i].name))
			return -EINVAL;
	/* PRI and VERSION "1" (6.2.1, 6.2.2). */
	snprintf(pri, sizeof(pri), "<%d>1", m->pri);
	puts_(&o, pri);
	/* TIMESTAMP is at most 32 characters of RFC 3339 with a 6-digit
	 * fraction (6.2.3, TIME-SECFRAC = 1*6DIGIT). */
	header(&o, m->timestamp, 32);
	header(&o, m->hostname, 255);
	header(&o, m->app_name, 48);
	header(&o, m->procid, 128);
	header(&o, m->msgid, 32);
	put(&o, " ", 1);
	if (!m->sd_id) {
		put(&o, "-", 1);
	} else {
		put(&o, "[", 1);
		puts_(&o, m->sd_id);
		for (i = 0; i < m->nparams; i++) {
			if (!m->params[i].value || !*m->params[i].value)
				continue;
			put(&o, " ", 1);
			puts_(&o, m->params[i].name);
			put(&o, "=\"", 2);
			param_value(&o, m->params[i].value);
			put(&o, "\"", 1);
		}
		put(&o, "]", 1);
	}
	if (m->msg) {
		size_t len = m->msg_len;

		if (len && m->msg[len - 1] == '\n')
			len--;
		put(&o, " ", 1);
		put(&o, m->msg, len);
	}
	return o.err ? o.err : (int)o.off;
}
