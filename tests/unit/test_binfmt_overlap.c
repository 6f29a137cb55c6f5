// SPDX-License-Identifier: GPL-2.0
/*
 * The pure helpers register and status share (lib/binfmt.c, lib/arch.c):
 * whether two entries can match one file, magic and mask as hex, and the
 * ELF header of an arch that the generated entries must match.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "binfmt.h"

static void magic_entry(struct binfmt_entry *e, unsigned off, const char *magic,
			const char *mask)
{
	memset(e, 0, sizeof(*e));
	e->offset = off;
	e->magic_len = (unsigned)strlen(magic);
	memcpy(e->magic, magic, e->magic_len);
	memcpy(e->mask, mask, e->magic_len);
	e->has_mask = true;
}

TEST(overlap_magic)
{
	struct binfmt_entry a, b;

	magic_entry(&a, 0, "ABCD", "\xff\xff\xff\xff");
	magic_entry(&b, 0, "ABCE", "\xff\xff\xff\xff");
	EXPECT_FALSE(entries_overlap(&a, &b));
	/* A mask bit neither tests: some file matches both. */
	magic_entry(&b, 0, "ABCE", "\xff\xff\xff\xf8");
	EXPECT_TRUE(entries_overlap(&a, &b));
	EXPECT_TRUE(entries_overlap(&b, &a));
	/* Disjoint ranges never conflict. */
	magic_entry(&b, 4, "ZZ", "\xff\xff");
	EXPECT_TRUE(entries_overlap(&a, &b));
	/* Shifted: b's first byte is a's third. */
	magic_entry(&b, 2, "CD", "\xff\xff");
	EXPECT_TRUE(entries_overlap(&a, &b));
	magic_entry(&b, 2, "XD", "\xff\xff");
	EXPECT_FALSE(entries_overlap(&a, &b));
	EXPECT_TRUE(entries_overlap(&a, &a));
}

TEST(overlap_extension)
{
	struct binfmt_entry a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.is_extension = b.is_extension = true;
	strcpy(a.extension, "exe");
	strcpy(b.extension, "exe");
	EXPECT_TRUE(entries_overlap(&a, &b));
	strcpy(b.extension, "com");
	EXPECT_FALSE(entries_overlap(&a, &b));
	magic_entry(&b, 0, "MZ", "\xff\xff");
	EXPECT_FALSE(entries_overlap(&a, &b));
	EXPECT_FALSE(entries_overlap(&b, &a));
}

TEST(hex)
{
	const uint8_t b[] = { 0x7f, 'E', 0x00, 0xff, 0xa5 };
	char buf[11];

	EXPECT_EQ(10, hex_bytes(b, sizeof(b), buf, sizeof(buf)));
	EXPECT_STREQ("7f4500ffa5", buf);
	EXPECT_EQ(-ENOSPC, hex_bytes(b, sizeof(b), buf, 10));
	EXPECT_EQ(0, hex_bytes(b, 0, buf, 1));
	EXPECT_STREQ("", buf);
}

/* Every arch's sample header, EXEC or DYN, is matched by the entries
 * generated for that arch. */
TEST(arch_sample_matches_own_entries)
{
	struct binfmt_entry e[BINFMT_ENTRIES_MAX];
	unsigned type;
	uint8_t h[64];
	size_t i;
	int n, k;

	EXPECT_EQ(0, arch_sample(&arch_table[0], 2, h, 63));
	for (i = 0; i < arch_count; i++) {
		n = binfmt_entries_for_arch(&arch_table[i], "/s", "F", e,
					    BINFMT_ENTRIES_MAX);
		ASSERT_GT(n, 0);
		for (type = 2; type <= 3; type++) {
			bool hit = false;

			ASSERT_EQ(64, arch_sample(&arch_table[i], type, h, sizeof(h)));
			EXPECT_EQ(0, memcmp(h, "\x7f" "ELF", 4));
			EXPECT_EQ(arch_table[i].elf_class, h[4]);
			EXPECT_EQ(arch_table[i].elf_data, h[5]);
			for (k = 0; k < n; k++)
				hit |= binfmt_entry_matches(&e[k], "x", h, sizeof(h));
			EXPECT_TRUE(hit) TH_LOG("%s type %u", arch_table[i].name, type);
		}
	}
}

TEST_HARNESS_MAIN
