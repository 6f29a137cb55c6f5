/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_SYSLOG5424_H
#define BSHIM_SYSLOG5424_H

/*
 * One RFC 5424 syslog message, built into a buffer (binfmt-shimd's
 * --sink syslog, shimd/sink_net.c). Pure: no I/O, no clock, no allocation;
 * unit-tested (tests/unit/test_syslog5424.c) and fuzzed
 * (tests/fuzz/fuzz_syslog5424.c), because several of its strings come
 * from a client: an event name, an architecture a shim claimed.
 *
 *   <PRI>1 SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
 *
 * RFC 5424 section 6 is applied exactly:
 *   - TIMESTAMP, HOSTNAME (1*255), APP-NAME (1*48), PROCID (1*128) and
 *     MSGID (1*32) are PRINTUSASCII (%d33-126), so no space can end a
 *     field early; a value that is empty, too long or holds any other
 *     byte is written as the NILVALUE "-" instead, never cut or altered
 *     (a cut MSGID would be a different, valid-looking event);
 *   - SD-ID and PARAM-NAME are SD-NAME: 1*32 PRINTUSASCII except '=',
 *     SP, ']' and '"' (6.3.2, 6.3.3). They are the caller's constants:
 *     one that is not an SD-NAME is an error (-EINVAL), not escaped;
 *   - PARAM-VALUE must be UTF-8 with '"', '\' and ']' escaped by a '\'
 *     (6.3.3). Each byte that is not part of valid UTF-8 (RFC 3629:
 *     no overlong forms, no surrogates, nothing above U+10FFFF), and
 *     each control character (C0, DEL: a relay that frames messages by
 *     newline, RFC 6587 3.4.2, would split the message on one), is
 *     written as U+FFFD. A value is cut at SYSLOG5424_VALUE_MAX bytes
 *     of output, at a character boundary and never inside an escape;
 *     an empty or NULL value leaves the parameter out;
 *   - MSG is written as given (MSG-ANY), one trailing '\n' dropped.
 */
#include <stddef.h>

#define SYSLOG5424_VALUE_MAX 256	/* one PARAM-VALUE, escaped */

struct syslog5424_param {
	const char *name;		/* an SD-NAME */
	const char *value;		/* NUL-terminated bytes; NULL: left out */
};

struct syslog5424 {
	int pri;			/* facility * 8 + severity, 0..191 */
	const char *timestamp;		/* RFC 3339, or NULL */
	const char *hostname, *app_name, *procid, *msgid;
	const char *sd_id;		/* NULL: no structured data ("-") */
	const struct syslog5424_param *params;
	size_t nparams;
	const char *msg;		/* NULL: no MSG */
	size_t msg_len;
};

/* The message into buf; its length, -ENOSPC when it does not fit cap
 * (buf is then not a message), -EINVAL for a pri out of range or an
 * SD-ID or PARAM-NAME that is not an SD-NAME. No NUL is added. */
int syslog5424_format(const struct syslog5424 *m, char *buf, size_t cap);

/* Whether s is 1..max PRINTUSASCII bytes (a header field as is). */
int syslog5424_header_ok(const char *s, size_t max);

#endif
