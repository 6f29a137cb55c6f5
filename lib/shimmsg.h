/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_SHIMMSG_H
#define BSHIM_SHIMMSG_H

/*
 * The message the shim sends to the collector (binfmt-shimd) over its
 * SOCK_SEQPACKET socket, one message per connection:
 *
 *   8-byte header   magic "BSHM", version, flags (host byte order: both
 *                   ends run on the same machine)
 *   record          the shim's JSON record (docs/log-format.md), one
 *                   object, an optional trailing '\n'
 *   ancillary data  SCM_CREDENTIALS (the kernel checks them) and
 *                   SCM_RIGHTS: the binary's fd when SHIMMSG_F_BINFD, then
 *                   a pidfd of the shim when SHIMMSG_F_PIDFD, in that order
 *
 * The collector answers with one byte, SHIMMSG_ACK_OK once the record is
 * written, SHIMMSG_ACK_REJECT when it refuses the message; no answer in
 * time means "fall back" to the shim.
 *
 * The record is untrusted (any local user can connect), so it is parsed
 * here, in pure code with a fuzz target (tests/fuzz/fuzz_shimmsg.c), into
 * a flat table of members that the collector re-emits with lib/json.h
 * after it has put the kernel's word in place of the client's. The grammar
 * is the subset of JSON the shim writes, and nothing more:
 *
 *   - one object at the top; member values are null, true, false,
 *     integers (no fraction or exponent, int64 range), strings, and
 *     objects of those scalars (depth 2); no arrays;
 *   - keys are 1..SHIMMSG_KEY_MAX bytes of [A-Za-z0-9_], unique within
 *     their object; the collector's own keys (id, source, verified,
 *     claimed, hash_follows, file_verified, exit_tracked) are refused
 *     at the top;
 *   - "v" is the integer 1 and "event" a string;
 *   - strings are decoded: \u0080..\u00ff become the single byte of that
 *     value, the inverse of lib/json.h's policy for bytes of invalid
 *     UTF-8, so a path with such bytes is written back exactly; other
 *     \u escapes become UTF-8, surrogate pairs included; a lone
 *     surrogate, a raw control byte or invalid UTF-8 is refused;
 *   - at most SHIMMSG_MEMBERS_MAX members in all.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define SHIMMSG_MAGIC 0x4d485342u	/* "BSHM" as a little-endian u32 */
#define SHIMMSG_VERSION 1
#define SHIMMSG_HDR_SIZE 8
/* The shim caps its record at 64 KiB (RECORD_MAX in shim/record.c). */
#define SHIMMSG_RECORD_MAX (64 * 1024)
#define SHIMMSG_MAX (SHIMMSG_HDR_SIZE + SHIMMSG_RECORD_MAX)
#define SHIMMSG_MEMBERS_MAX 128
#define SHIMMSG_KEY_MAX 64

#define SHIMMSG_F_BINFD 0x1	/* the first SCM_RIGHTS fd is the binary */
#define SHIMMSG_F_PIDFD 0x2	/* then a pidfd of the sender */
#define SHIMMSG_F_ALL (SHIMMSG_F_BINFD | SHIMMSG_F_PIDFD)

#define SHIMMSG_ACK_OK 'A'
#define SHIMMSG_ACK_REJECT 'R'

struct shimmsg_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t flags;
};

enum shimmsg_type {
	SHIMMSG_NULL = 0,
	SHIMMSG_BOOL,
	SHIMMSG_INT,
	SHIMMSG_STRING,
	SHIMMSG_OBJECT,
};

struct shimmsg_member {
	const char *key;	/* NUL-terminated, inside shimmsg.text */
	enum shimmsg_type type;
	int parent;		/* -1: top level; else the object's index */
	bool b;
	int64_t i;
	const char *s;		/* decoded bytes, NUL-terminated; s_len is */
	size_t s_len;		/* authoritative (\u0000 decodes to a NUL) */
};

struct shimmsg {
	uint16_t version;
	uint16_t flags;		/* SHIMMSG_F_* */
	size_t n;		/* members in m[], in document order */
	struct shimmsg_member m[SHIMMSG_MEMBERS_MAX];
	/* Decoded keys and strings: never longer than their source text,
	 * plus one NUL each. */
	char text[SHIMMSG_RECORD_MAX + 2 * SHIMMSG_MEMBERS_MAX];
	size_t text_len;
};

/*
 * Parse a whole message (header + record). Returns 0; -EMSGSIZE when len
 * exceeds SHIMMSG_MAX; -EPROTONOSUPPORT for another version; -EINVAL for
 * anything else that is not a message by the rules above (out->n is then
 * meaningless). Pure: no allocation, no I/O; reads only buf[0..len).
 */
int shimmsg_parse(const void *buf, size_t len, struct shimmsg *out);

/* Write the 8-byte header into buf; returns SHIMMSG_HDR_SIZE. */
int shimmsg_header(void *buf, uint16_t flags);

/* Index of key in the object at parent (-1: top level), or -1. */
int shimmsg_find(const struct shimmsg *m, int parent, const char *key);

/* The string value of a top-level key, NULL when absent or not a string. */
const char *shimmsg_str(const struct shimmsg *m, const char *key);

/* Write member idx's value (an object with its members) to w. */
void shimmsg_emit_value(const struct shimmsg *m, int idx, struct json_writer *w);

#endif
