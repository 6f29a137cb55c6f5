// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/sha256.c, which binfmt-shimd --sha256 feeds with
 * the bytes of any binary a user runs, in whatever pieces the reads
 * return. For any input: the digest of the whole buffer equals the digest
 * of the same bytes fed in pieces whose lengths come from the input's
 * first bytes (0 to 255, so pieces start and end anywhere in a 64-byte
 * block, and empty updates happen), and sha256_hex prints 64 lower-case
 * hex digits.
 */
#include <stdint.h>
#include <string.h>

#include "sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t whole[SHA256_DIGEST_SIZE], pieces[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	struct sha256 s;
	size_t nsplit, off = 0, k = 0, n;
	unsigned i;

	if (!size)
		return 0;
	nsplit = data[0] % 8 + 1;		/* piece lengths that follow */
	if (size < 1 + nsplit)
		return 0;
	sha256(data, size, whole);
	sha256_init(&s);
	while (off < size) {
		n = data[1 + k % nsplit];
		if (!n && ++k % nsplit == 0)
			n = 1;			/* all lengths 0: still progress */
		if (n > size - off)
			n = size - off;
		sha256_update(&s, data + off, n);
		off += n;
		k += n != 0;
	}
	sha256_final(&s, pieces);
	if (memcmp(whole, pieces, sizeof(whole)))
		__builtin_trap();
	sha256_hex(whole, hex);
	if (strlen(hex) != 64)
		__builtin_trap();
	for (i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			__builtin_trap();
	return 0;
}
