/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4, section 6.2), written from the standard: pure, no
 * I/O, no allocation. Feed any number of bytes in any pieces with
 * sha256_update(), then sha256_final(). Used by binfmt-shimd to hash the
 * binaries it records (--sha256).
 */
#ifndef BSHIM_SHA256_H
#define BSHIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64		/* FIPS 180-4 1: 512-bit blocks */
#define SHA256_HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

struct sha256 {
	uint32_t h[8];			/* H(i), FIPS 180-4 6.2.2 */
	uint64_t len;			/* bytes so far; the message is < 2^64 bits */
	uint8_t buf[SHA256_BLOCK_SIZE];	/* a partial block */
	unsigned nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Pads, writes the digest (big-endian words, FIPS 180-4 6.2.2 step 4). */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_SIZE]);
/* One call for a whole buffer. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);
/* Lower-case hex with a NUL, as sha256sum(1) prints it. */
void sha256_hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[SHA256_HEX_SIZE]);

#endif
