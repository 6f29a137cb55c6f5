// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for lib/syslog5424.c, which binfmt-shimd's syslog sink
 * feeds with strings a client chose (the event, a claimed arch). The
 * input is split at NUL bytes into MSGID, HOSTNAME, and the values of
 * "id" and "arch"; the message is formatted, then read back by a strict
 * reader of RFC 5424's grammar (section 6) written here. Any input must
 * give: the five header fields each 1*N PRINTUSASCII or "-", exactly one
 * SD-ELEMENT holding only the parameters given, in order, with
 * PARAM-VALUEs that are UTF-8 without controls, and '"', '\' and ']'
 * only escaped; a header field that was valid is kept as it was. Also
 * built with gcc + ASan as build/asan/tests/replay/fuzz_syslog5424,
 * which replays tests/fuzz/corpus/fuzz_syslog5424/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "syslog5424.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPARTS 4

static const char *header_field(const char *p, const char *end, size_t max, const char *want)
{
	const char *q = p;

	while (q < end && *q != ' ') {
		if (*q < 33 || *q > 126)
			abort();
		q++;
	}
	if (q == p || (size_t)(q - p) > max || q == end)
		abort();
	if (want && syslog5424_header_ok(want, max) &&
	    ((size_t)(q - p) != strlen(want) || memcmp(p, want, strlen(want))))
		abort();
	if (want && !syslog5424_header_ok(want, max) && (q - p != 1 || *p != '-'))
		abort();
	return q + 1;
}

/* One PARAM-VALUE after its opening quote: up to the closing quote. */
static const char *param_value(const char *p, const char *end)
{
	size_t used = 0, u;

	while (p < end && *p != '"') {
		if (*p == '\\') {
			if (p + 1 >= end || (p[1] != '"' && p[1] != '\\' && p[1] != ']'))
				abort();	/* we never write another escape */
			p += 2;
			used += 2;
			continue;
		}
		if (*p == ']')
			abort();		/* unescaped */
		u = jw_utf8_len((const uint8_t *)p, (size_t)(end - p));
		if (!u || (unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
		p += u;
		used += u;
	}
	if (p >= end || used > SYSLOG5424_VALUE_MAX)
		abort();
	return p + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "id", "uid", "arch" };
	char *parts[NPARTS], *copy, buf[8192];
	struct syslog5424_param p[3];
	struct syslog5424 m = { 0 };
	const char *q, *end;
	size_t i, k = 0, off = 0, nexp = 0;
	int n;

	if (size > 4096)
		return 0;
	copy = malloc(size + NPARTS + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(copy + size, 0, NPARTS + 1);
	for (i = 0; i < NPARTS; i++) {
		parts[i] = copy + off;
		off += strlen(copy + off) + 1;
		if (off > size)
			off = size;
	}
	p[0].name = names[0];
	p[0].value = parts[2];
	p[1].name = names[1];
	p[1].value = "1000";
	p[2].name = names[2];
	p[2].value = parts[3];
	m.pri = 86;
	m.timestamp = "2026-11-27T10:30:38.627537Z";
	m.hostname = parts[1];
	m.app_name = "binfmt-shimd";
	m.procid = "42";
	m.msgid = parts[0];
	m.sd_id = "binfmt-shim@32473";
	m.params = p;
	m.nparams = 3;
	m.msg = "{}";
	m.msg_len = 2;
	n = syslog5424_format(&m, buf, sizeof(buf));
	if (n < 0)
		abort();		/* 3 values of 256 fit 8 KiB */
	end = buf + n;
	if (memcmp(buf, "<86>1 ", 6))
		abort();
	q = header_field(buf + 6, end, 32, NULL);
	q = header_field(q, end, 255, m.hostname);
	q = header_field(q, end, 48, m.app_name);
	q = header_field(q, end, 128, m.procid);
	q = header_field(q, end, 32, m.msgid);
	if (end - q < 19 || memcmp(q, "[binfmt-shim@32473", 18))
		abort();
	q += 18;
	for (i = 0; i < 3; i++)
		nexp += p[i].value[0] != '\0';
	while (q < end && *q == ' ') {
		size_t len;

		q++;
		while (k < 3 && !p[k].value[0])
			k++;
		if (k == 3)
			abort();	/* a parameter we did not give */
		len = strlen(names[k]);
		if ((size_t)(end - q) < len + 2 || memcmp(q, names[k], len) || q[len] != '=' ||
		    q[len + 1] != '"')
			abort();
		q = param_value(q + len + 2, end);
		k++;
		nexp--;
	}
	if (nexp || end - q != 4 || memcmp(q, "] {}", 4))
		abort();	/* one element, then the MSG */
	free(copy);
	return 0;
}
