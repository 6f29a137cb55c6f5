// SPDX-License-Identifier: GPL-2.0
/*
 * Our generated entries against Debian's qemu-user-static ones
 * (/usr/lib/binfmt.d/qemu-*.conf): every ELF header a Debian entry
 * matches, apart from the host's own family, is matched by exactly one
 * of ours, for the QEMU target the Debian entries send it to when they
 * are all registered as systemd-binfmt does (files sorted by name, the
 * last registered tried first). Pure matching, no kernel needed: the
 * kernel's rules are checked in test_binfmt_kernel.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"

#include "binfmt.h"

#define CONF_GLOB "/usr/lib/binfmt.d/qemu-*.conf"
#define MAX_DEB 128
#define MAX_OURS 128

struct deb {
	struct binfmt_entry e[MAX_DEB];
	char file[MAX_DEB][64];
	size_t n;
};

/* Load every entry line of the files in systemd-binfmt's order:
 * sorted by file name, lines in file order; '#' and ';' start comments. */
static int load_debian(struct deb *d, char *why, size_t whylen)
{
	char line[BINFMT_REGISTER_MAX + 2];
	glob_t g;
	size_t i;
	int err = 0;

	d->n = 0;
	if (glob(CONF_GLOB, 0, NULL, &g)) {
		snprintf(why, whylen, "no %s (qemu-user-static not installed)", CONF_GLOB);
		return -ENOENT;
	}
	for (i = 0; i < g.gl_pathc && !err; i++) {
		FILE *f = fopen(g.gl_pathv[i], "re");

		if (!f) {
			err = -errno;
			snprintf(why, whylen, "%s: %s", g.gl_pathv[i], strerror(errno));
			break;
		}
		while (fgets(line, sizeof(line), f)) {
			size_t n = strlen(line);

			while (n && isspace((unsigned char)line[n - 1]))
				line[--n] = '\0';
			if (!n || line[0] == '#' || line[0] == ';')
				continue;
			if (d->n == MAX_DEB ||
			    (err = binfmt_parse_register(line, &d->e[d->n]))) {
				snprintf(why, whylen, "%s: cannot parse: %s",
					 g.gl_pathv[i], line);
				err = err ? err : -E2BIG;
				break;
			}
			snprintf(d->file[d->n], sizeof(d->file[0]), "%s",
				 strrchr(g.gl_pathv[i], '/') + 1);
			d->n++;
		}
		fclose(f);
	}
	globfree(&g);
	return err;
}

/* The QEMU target of a Debian entry: its name is "qemu-<target>". */
static const struct arch *deb_target(const struct binfmt_entry *e)
{
	return strncmp(e->name, "qemu-", 5) ? NULL : arch_by_name(e->name + 5);
}

static size_t all_ours(struct binfmt_entry *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < arch_count; i++) {
		int k = binfmt_entries_for_arch(&arch_table[i],
						"/usr/libexec/binfmt-shim/shim",
						"FP", out + n, max - n);
		if (k < 0)
			return 0;
		n += (size_t)k;
	}
	return n;
}

static size_t ehdr(uint8_t *b, const struct arch *a, unsigned type,
		   unsigned machine, uint32_t flags, unsigned osabi,
		   unsigned abiver)
{
	bool lsb = a->elf_data == 1;
	unsigned fo = a->elf_class == 1 ? 36 : 48, i;

	memset(b, 0, BINFMT_BUF_SIZE);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = a->elf_class;
	b[5] = a->elf_data;
	b[6] = 1;
	b[7] = (uint8_t)osabi;
	b[8] = (uint8_t)abiver;
	b[lsb ? 16 : 17] = (uint8_t)type;
	b[lsb ? 18 : 19] = (uint8_t)machine;
	b[lsb ? 19 : 18] = (uint8_t)(machine >> 8);
	b[lsb ? 20 : 23] = 1;	/* e_version */
	for (i = 0; i < 4; i++)
		b[fo + (lsb ? i : 3 - i)] = (uint8_t)(flags >> (8 * i));
	return a->elf_class == 1 ? 52 : 64;
}

TEST(debian_entries_parse_and_round_trip)
{
	static struct deb d;
	struct binfmt_entry back;
	char why[512], line[BINFMT_REGISTER_MAX + 1];
	size_t i;

	if (load_debian(&d, why, sizeof(why)) == -ENOENT)
		SKIP(return, "%s", why);
	ASSERT_LT(0u, d.n) TH_LOG("%s", why);
	for (i = 0; i < d.n; i++) {
		const struct binfmt_entry *e = &d.e[i];

		EXPECT_NE(NULL, deb_target(e)) TH_LOG("%s: no arch for %s", d.file[i], e->name);
		EXPECT_FALSE(binfmt_is_ours(e->name));
		EXPECT_FALSE(e->is_extension);
		EXPECT_EQ(0u, e->offset);
		EXPECT_LE(20u, e->magic_len);
		ASSERT_LT(0, binfmt_format_register(e, line, sizeof(line)));
		ASSERT_EQ(0, binfmt_parse_register(line, &back));
		EXPECT_EQ(e->magic_len, back.magic_len);
		EXPECT_EQ(0, memcmp(e->magic, back.magic, e->magic_len));
		EXPECT_EQ(0, memcmp(e->mask, back.mask, e->magic_len));
		EXPECT_STREQ(e->flags, back.flags);
	}
	TH_LOG("%zu Debian entries parsed", d.n);
}

/* The issue-4 contract, for every candidate header built from the
 * table: each row's machine numbers, ET_EXEC and ET_DYN, OS ABI SYSV and
 * GNU/Linux, ABI version 0 and 1, e_flags with and without MIPS ABI2. */
TEST(every_debian_match_is_one_of_ours_for_the_same_target)
{
	static const uint32_t flags[] = {
		0, 0x20, 0x70001007, 0x70001027, 0x80000027, 0x60000007,
		0x05000400, 0x5,
	};
	static const unsigned osabis[] = { 0, 3 };
	static struct deb d;
	static struct binfmt_entry ours[MAX_OURS];
	uint8_t b[BINFMT_BUF_SIZE];
	size_t nours = all_ours(ours, MAX_OURS), i, f, o, k;
	size_t headers = 0, deb_matched = 0, host_skipped = 0, checked = 0;
	unsigned alt, type, abiver;
	char why[512];

	if (load_debian(&d, why, sizeof(why)) == -ENOENT)
		SKIP(return, "%s", why);
	ASSERT_LT(0u, d.n) TH_LOG("%s", why);
	ASSERT_LT(0u, nours);

	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];

		for (alt = 0; alt < 2; alt++)
		for (type = 2; type <= 3; type++)
		for (o = 0; o < sizeof(osabis) / sizeof(osabis[0]); o++)
		for (abiver = 0; abiver < 2; abiver++)
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			unsigned m = alt ? a->machine_alt : a->machine;
			const struct arch *want, *got;
			size_t len, hits = 0;
			int di, oi = -1;

			if (!m)
				continue;
			len = ehdr(b, a, type, m, flags[f], osabis[o], abiver);
			headers++;
			di = binfmt_match(d.e, d.n, "/x/prog", b, len);
			if (di < 0)
				continue;
			deb_matched++;
			want = deb_target(&d.e[di]);
			ASSERT_NE(NULL, want) TH_LOG("%s", d.e[di].name);
			if (arch_is_host_family(want)) {
				host_skipped++;
				continue;
			}
			for (k = 0; k < nours; k++)
				if (binfmt_entry_matches(&ours[k], "/x/prog", b, len)) {
					hits++;
					oi = (int)k;
				}
			checked++;
			ASSERT_EQ(1u, hits)
				TH_LOG("%s machine %#x type %u flags %#x osabi %u: %s matches, ours %zu",
				       a->name, m, type, flags[f], osabis[o],
				       d.e[di].name, hits);
			got = binfmt_arch_of(ours[oi].name);
			EXPECT_EQ(want, got)
				TH_LOG("%s machine %#x flags %#x: Debian %s, ours %s",
				       a->name, m, flags[f], d.e[di].name, ours[oi].name);
		}
	}
	TH_LOG("%zu Debian entries, %zu of ours; %zu headers, %zu matched by Debian, "
	       "%zu host family skipped, %zu checked", d.n, nours, headers,
	       deb_matched, host_skipped, checked);
	EXPECT_LT(0u, checked);
}

/*
 * The other direction, as information and as a guard: a header one of
 * ours takes that a Debian entry also matches goes to the same target.
 * (Ours accept more: OS ABI, ABI version and EI_PAD are masked out.)
 */
TEST(no_header_goes_to_different_targets)
{
	static struct deb d;
	static struct binfmt_entry ours[MAX_OURS];
	uint8_t b[BINFMT_BUF_SIZE];
	size_t nours = all_ours(ours, MAX_OURS), i, both = 0, only_ours = 0;
	unsigned type, osabi;
	char why[512];

	if (load_debian(&d, why, sizeof(why)) == -ENOENT)
		SKIP(return, "%s", why);
	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];

		for (type = 2; type <= 3; type++)
		for (osabi = 0; osabi < 256; osabi += 3) {
			size_t len = ehdr(b, a, type, a->machine, a->flags_value,
					  osabi, 0);
			int oi = binfmt_match(ours, nours, "p", b, len);
			int di = binfmt_match(d.e, d.n, "p", b, len);

			ASSERT_LE(0, oi) TH_LOG("%s osabi %u", a->name, osabi);
			EXPECT_EQ(a, binfmt_arch_of(ours[oi].name));
			if (di < 0) {
				only_ours++;
				continue;
			}
			both++;
			EXPECT_EQ(a, deb_target(&d.e[di]))
				TH_LOG("%s: Debian %s", a->name, d.e[di].name);
		}
	}
	TH_LOG("%zu headers taken by both, %zu only by ours", both, only_ours);
}

TEST_HARNESS_MAIN
