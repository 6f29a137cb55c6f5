// SPDX-License-Identifier: GPL-2.0
/*
 * lib/sha256: the NIST test vectors (FIPS 180-4 examples, "SHA-256"
 * in csrc.nist.gov/projects/cryptographic-standards-and-guidelines/
 * example-values: "abc", the 448-bit and 896-bit messages, one million
 * 'a'; the empty message from the NIST CAVP SHA256ShortMsg set), the
 * same digests however the input is cut into pieces, and sha256sum(1) of
 * real fixture binaries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "sha256.h"
#include "testlib.h"

static const struct {
	const char *msg;
	size_t repeat;		/* msg that many times */
	const char *hex;
} vectors[] = {
	{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void digest_hex(const void *p, size_t n, char hex[SHA256_HEX_SIZE])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256(p, n, d);
	sha256_hex(d, hex);
}

TEST(nist_vectors)
{
	char hex[SHA256_HEX_SIZE];
	size_t i, k, len;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct sha256 s;
		uint8_t d[SHA256_DIGEST_SIZE];

		len = strlen(vectors[i].msg);
		sha256_init(&s);
		for (k = 0; k < vectors[i].repeat; k++)
			sha256_update(&s, vectors[i].msg, len);
		sha256_final(&s, d);
		sha256_hex(d, hex);
		EXPECT_STREQ(vectors[i].hex, hex) TH_LOG("vector %zu", i);
	}
}

/* The million a's in one buffer, and cut at every length from 1 to 200
 * (each split crosses block boundaries differently), give one digest. */
TEST(any_split_gives_the_same_digest)
{
	static const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char hex[SHA256_HEX_SIZE], *buf = malloc(1000000);
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t step, off, n;

	ASSERT_NE(NULL, buf);
	memset(buf, 'a', 1000000);
	digest_hex(buf, 1000000, hex);
	EXPECT_STREQ(want, hex);
	for (step = 1; step <= 200; step += 1 + step / 16) {
		struct sha256 s;

		sha256_init(&s);
		for (off = 0; off < 1000000; off += n) {
			n = 1000000 - off < step ? 1000000 - off : step;
			sha256_update(&s, buf + off, n);
		}
		sha256_final(&s, d);
		sha256_hex(d, hex);
		EXPECT_STREQ(want, hex) TH_LOG("pieces of %zu", step);
	}
	free(buf);
}

/* Messages of 0..130 bytes cross the padding's edge (55/56/63/64
 * bytes): against sha256sum(1) of the same bytes. */
TEST(padding_edges_match_sha256sum)
{
	char cmd[512], line[128], hex[SHA256_HEX_SIZE], path[] = "/tmp/bshim-sha.XXXXXX";
	unsigned char msg[131];
	size_t len;
	int fd;
	FILE *p;

	if (system("command -v sha256sum >/dev/null 2>&1"))
		SKIP(return, "sha256sum missing (coreutils)");
	for (len = 0; len < sizeof(msg); len++)
		msg[len] = (unsigned char)(len * 37 + 11);
	for (len = 0; len <= 130; len += len < 50 || len > 70 ? 13 : 1) {
		fd = mkstemp(path);
		ASSERT_LE(0, fd);
		ASSERT_EQ((ssize_t)len, write(fd, msg, len));
		close(fd);
		snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
		p = popen(cmd, "r");
		ASSERT_NE(NULL, p);
		ASSERT_NE(NULL, fgets(line, sizeof(line), p));
		pclose(p);
		unlink(path);
		strcpy(path, "/tmp/bshim-sha.XXXXXX");
		digest_hex(msg, len, hex);
		EXPECT_EQ(0, strncmp(line, hex, 64)) TH_LOG("%zu bytes: %.64s vs %s", len, line, hex);
	}
}

/* Real binaries, fed in 64 KiB reads as the collector does. */
TEST(fixtures_match_sha256sum)
{
	static const char *const names[] = {
		"c/aarch64-linux-gnu-static", "c/riscv64-linux-gnu-static",
		"c/arm-linux-gnueabihf-dynamic", "c/s390x-linux-gnu-static",
	};
	static char buf[65536];
	char path[512], cmd[700], line[128], hex[SHA256_HEX_SIZE];
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i, n;
	int checked = 0;
	FILE *f, *p;

	if (system("command -v sha256sum >/dev/null 2>&1"))
		SKIP(return, "sha256sum missing (coreutils)");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct sha256 s;

		tl_fixture(names[i], path, sizeof(path));
		if (!tl_have(path))
			continue;
		f = fopen(path, "rb");
		ASSERT_NE(NULL, f);
		sha256_init(&s);
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			sha256_update(&s, buf, n);
		fclose(f);
		sha256_final(&s, d);
		sha256_hex(d, hex);
		snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
		p = popen(cmd, "r");
		ASSERT_NE(NULL, p);
		ASSERT_NE(NULL, fgets(line, sizeof(line), p));
		pclose(p);
		EXPECT_EQ(0, strncmp(line, hex, 64)) TH_LOG("%s: %.64s vs %s", names[i], line, hex);
		checked++;
	}
	if (!checked)
		SKIP(return, "no fixtures: run make fixtures");
}

TEST_HARNESS_MAIN
