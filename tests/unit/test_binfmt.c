// SPDX-License-Identifier: GPL-2.0
/*
 * lib/binfmt.c without the kernel: generated magic/mask, register strings
 * (round trip, escapes, what create_entry() refuses), status text, and the
 * kernel's matching rules. Data tables: bytes in, fields out.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "binfmt.h"

#define SHIM "/usr/libexec/binfmt-shim/shim"

static void put16(uint8_t *p, uint16_t v, bool lsb)
{
	p[lsb ? 0 : 1] = (uint8_t)v;
	p[lsb ? 1 : 0] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v, bool lsb)
{
	int i;

	for (i = 0; i < 4; i++)
		p[lsb ? i : 3 - i] = (uint8_t)(v >> (8 * i));
}

/* A hand-made ELF header (what binfmt_misc sees of a file). */
static size_t ehdr(uint8_t *b, unsigned cls, unsigned data, unsigned type,
		   unsigned machine, uint32_t flags, unsigned osabi)
{
	bool lsb = data == 1;

	memset(b, 0, BINFMT_BUF_SIZE);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = (uint8_t)cls;
	b[5] = (uint8_t)data;
	b[6] = 1;
	b[7] = (uint8_t)osabi;
	put16(b + 16, (uint16_t)type, lsb);
	put16(b + 18, (uint16_t)machine, lsb);
	put32(b + 20, 1, lsb);
	put32(b + (cls == 1 ? 36 : 48), flags, lsb);
	return cls == 1 ? 52 : 64;
}

/* Every entry of ours, in table order. */
static size_t all_ours(struct binfmt_entry *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < arch_count; i++) {
		int k = binfmt_entries_for_arch(&arch_table[i], SHIM, "FP",
						out + n, max - n);
		if (k < 0)
			return 0;
		n += (size_t)k;
	}
	return n;
}

static void unhex(const char *s, uint8_t *out, size_t *len)
{
	static const char x[] = "0123456789abcdef";

	for (*len = 0; s[0] && s[1]; s += 2)
		out[(*len)++] = (uint8_t)((strchr(x, s[0]) - x) << 4 |
					  (strchr(x, s[1]) - x));
}

struct gen_case {
	const char *arch, *magic, *mask;	/* hex */
};

TEST(generated_magic_and_mask)
{
	/* e_type low byte masked 0xfe (2 and 3), OSABI/ABIVERSION/PAD out,
	 * e_flags ABI2 (0x20) clear for o32 and set for n32. */
	static const struct gen_case cases[] = {
		{ "aarch64",
		  "7f454c460201010000000000000000000200b700",
		  "ffffffffffffff000000000000000000feffffff" },
		{ "s390x",
		  "7f454c460202010000000000000000000002" "0016",
		  "ffffffffffffff000000000000000000fffe" "ffff" },
		{ "arm",
		  "7f454c460101010000000000000000000200" "2800",
		  "ffffffffffffff000000000000000000feff" "ffff" },
		{ "mips",
		  "7f454c46010201000000000000000000000200080000000000000000000000000000000000000000",
		  "ffffffffffffff000000000000000000fffeffff0000000000000000000000000000000000000020" },
		{ "mipsn32",
		  "7f454c46010201000000000000000000000200080000000000000000000000000000000000000020",
		  "ffffffffffffff000000000000000000fffeffff0000000000000000000000000000000000000020" },
		{ "mipsel",
		  "7f454c460101010000000000000000000200080000000000000000000000000000000000" "00",
		  "ffffffffffffff000000000000000000feffffff00000000000000000000000000000000" "20" },
		{ "mipsn32el",
		  "7f454c460101010000000000000000000200080000000000000000000000000000000000" "20",
		  "ffffffffffffff000000000000000000feffffff00000000000000000000000000000000" "20" },
		{ "mips64",
		  "7f454c460202010000000000000000000002" "0008",
		  "ffffffffffffff000000000000000000fffe" "ffff" },
		{ "microblaze",
		  "7f454c460102010000000000000000000002" "00bd",
		  "ffffffffffffff000000000000000000fffe" "ffff" },
		{ "alpha",
		  "7f454c460201010000000000000000000200" "2690",
		  "ffffffffffffff000000000000000000feff" "ffff" },
	};
	struct binfmt_entry e;
	uint8_t want[BINFMT_MAGIC_MAX], wmask[BINFMT_MAGIC_MAX];
	size_t i, n, m;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name(cases[i].arch),
						   SHIM, "FP", &e));
		unhex(cases[i].magic, want, &n);
		unhex(cases[i].mask, wmask, &m);
		ASSERT_EQ(n, m);
		EXPECT_EQ(n, e.magic_len) TH_LOG("%s", cases[i].arch);
		EXPECT_EQ(0, memcmp(want, e.magic, n)) TH_LOG("%s magic", cases[i].arch);
		EXPECT_EQ(0, memcmp(wmask, e.mask, n)) TH_LOG("%s mask", cases[i].arch);
		EXPECT_EQ(0u, e.offset);
		EXPECT_TRUE(e.has_mask);
		EXPECT_TRUE(e.enabled);
		EXPECT_STREQ("PF", e.flags);
	}
}

TEST(generated_names_flags_and_alt_machine)
{
	struct binfmt_entry e[BINFMT_ENTRIES_MAX];
	const struct arch *mb = arch_by_name("microblaze");
	size_t i;

	EXPECT_EQ(2, binfmt_entries_for_arch(mb, SHIM, "P", e, 2));
	EXPECT_STREQ("binfmt-shim-microblaze", e[0].name);
	EXPECT_STREQ("binfmt-shim-microblaze-alt", e[1].name);
	EXPECT_EQ(0xba, e[1].magic[18]);	/* big-endian 0xbaab */
	EXPECT_EQ(0xab, e[1].magic[19]);
	EXPECT_EQ(mb, binfmt_arch_of(e[0].name));
	EXPECT_EQ(mb, binfmt_arch_of(e[1].name));
	EXPECT_EQ(-ENOSPC, binfmt_entries_for_arch(mb, SHIM, "P", e, 1));
	EXPECT_EQ(NULL, binfmt_arch_of("binfmt-shim-aarch64-alt"));
	EXPECT_EQ(NULL, binfmt_arch_of("binfmt-shim-"));
	EXPECT_EQ(NULL, binfmt_arch_of("qemu-aarch64"));
	EXPECT_EQ(NULL, binfmt_arch_of("binfmt-shim-microblazeel-x"));
	EXPECT_EQ(arch_by_name("microblazeel"), binfmt_arch_of("binfmt-shim-microblazeel-alt"));
	EXPECT_TRUE(binfmt_is_ours("binfmt-shim-arm"));
	EXPECT_FALSE(binfmt_is_ours("qemu-arm"));

	/* Flags: validated, normalised to the kernel's order, C implies O. */
	ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name("arm"), SHIM, "FCP", e));
	EXPECT_STREQ("POCF", e[0].flags);
	ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name("arm"), SHIM, NULL, e));
	EXPECT_STREQ("", e[0].flags);
	EXPECT_EQ(-EINVAL, binfmt_entry_for_arch(arch_by_name("arm"), SHIM, "FX", e));
	EXPECT_EQ(-EINVAL, binfmt_entry_for_arch(arch_by_name("arm"), "", "F", e));
	EXPECT_EQ(-EINVAL, binfmt_entry_for_arch(arch_by_name("arm"), "/a\nb", "F", e));
	EXPECT_EQ(-EINVAL, binfmt_entry_for_arch(NULL, SHIM, "F", e));

	/* Every arch: one entry, two with machine_alt; names map back. */
	for (i = 0; i < arch_count; i++) {
		int n = binfmt_entries_for_arch(&arch_table[i], SHIM, "FP", e, 2);

		EXPECT_EQ(arch_table[i].machine_alt ? 2 : 1, n);
		while (n-- > 0)
			EXPECT_EQ(&arch_table[i], binfmt_arch_of(e[n].name));
	}
}

/* Each header of each row is matched by exactly its own row's entry
 * (the one arch_by_elf picks), ET_EXEC and ET_DYN, any OS ABI;
 * ET_REL and ET_CORE by none. */
TEST(every_header_matches_exactly_its_own_entry)
{
	static struct binfmt_entry ours[2 * 64];
	static const unsigned osabis[] = { 0, 3, 9, 255 };
	static const uint32_t flags[] = { 0, 0x20, 0x70001007, 0x80000027, 0x5 };
	uint8_t b[BINFMT_BUF_SIZE];
	size_t n = all_ours(ours, ARRAY_SIZE(ours)), i, o, f, checked = 0;
	unsigned type, alt;

	ASSERT_LT(arch_count, n);
	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];

		for (alt = 0; alt < 2; alt++)
		for (type = 1; type <= 4; type++)
		for (o = 0; o < ARRAY_SIZE(osabis); o++)
		for (f = 0; f < ARRAY_SIZE(flags); f++) {
			unsigned m = alt ? a->machine_alt : a->machine;
			size_t len, k, hits = 0;
			const struct arch *want;
			int idx = -1;

			if (!m)
				continue;
			len = ehdr(b, a->elf_class, a->elf_data, type, m,
				   flags[f], osabis[o]);
			want = arch_by_elf(a->elf_class, a->elf_data, m, flags[f]);
			for (k = 0; k < n; k++)
				if (binfmt_entry_matches(&ours[k], "x", b, len)) {
					hits++;
					idx = (int)k;
				}
			checked++;
			if (type == 1 || type == 4) {
				EXPECT_EQ(0u, hits) TH_LOG("%s type %u", a->name, type);
				continue;
			}
			ASSERT_EQ(1u, hits) TH_LOG("%s m %u flags %#x", a->name, m, flags[f]);
			EXPECT_EQ(want, binfmt_arch_of(ours[idx].name))
				TH_LOG("%s flags %#x -> %s", a->name, flags[f], ours[idx].name);
		}
	}
	TH_LOG("%zu entries, %zu headers checked", n, checked);
}

TEST(register_string_round_trip)
{
	static struct binfmt_entry ours[2 * 64];
	static const char *const lines[] = {
		":qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF",
		":DOSWin:M::MZ::/usr/bin/wine:",
		":python3.11:M::\\xa7\\x0d\\x0d\\x0a::/usr/bin/python3.11:",
		":Java:E::class::/usr/bin/javawrapper:",
		":off:M:128:AB\\x00:\\xff\\x0f\\xff:/bin/sh:C",
		"|colon:name|M||\\x3a:|\\xff\\xff|/opt/a:b|F",
	};
	struct binfmt_entry a, b;
	char buf[BINFMT_REGISTER_MAX + 1];
	size_t n = all_ours(ours, ARRAY_SIZE(ours)), i;
	int len;

	for (i = 0; i < n + ARRAY_SIZE(lines); i++) {
		if (i < n) {
			a = ours[i];
		} else {
			ASSERT_EQ(0, binfmt_parse_register(lines[i - n], &a))
				TH_LOG("%s", lines[i - n]);
		}
		len = binfmt_format_register(&a, buf, sizeof(buf));
		ASSERT_LT(0, len) TH_LOG("%s", a.name);
		EXPECT_EQ((size_t)len, strlen(buf));
		ASSERT_EQ(0, binfmt_parse_register(buf, &b)) TH_LOG("%s", buf);
		EXPECT_STREQ(a.name, b.name);
		EXPECT_STREQ(a.interpreter, b.interpreter);
		EXPECT_STREQ(a.flags, b.flags);
		EXPECT_EQ(a.is_extension, b.is_extension);
		EXPECT_EQ(a.has_mask, b.has_mask);
		EXPECT_EQ(a.offset, b.offset);
		EXPECT_STREQ(a.extension, b.extension);
		ASSERT_EQ(a.magic_len, b.magic_len);
		EXPECT_EQ(0, memcmp(a.magic, b.magic, a.magic_len));
		EXPECT_EQ(0, memcmp(a.mask, b.mask, a.magic_len));
	}
	/* The one for aarch64, byte for byte. */
	ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name("arm64"), SHIM, "PF", &a));
	len = binfmt_format_register(&a, buf, sizeof(buf));
	EXPECT_STREQ(":binfmt-shim-aarch64:M::"
		"\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:"
		"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xfe\\xff\\xff\\xff:"
		SHIM ":PF", buf);
	/* Too small a buffer: nothing, -ENOSPC, at every size. */
	for (i = 0; i < (size_t)len + 1; i++) {
		char small[512];

		memset(small, 'z', sizeof(small));
		EXPECT_EQ(-ENOSPC, binfmt_format_register(&a, small, i));
		if (i)
			EXPECT_EQ('\0', small[0]);
	}
	/* Every delimiter taken: refused. */
	strcpy(a.interpreter, "/x:|#!,;@%^~");
	EXPECT_EQ(-EINVAL, binfmt_format_register(&a, buf, sizeof(buf)));
}

struct esc_case {
	const char *line;
	unsigned offset;
	const char *magic;	/* hex of the decoded bytes */
	const char *mask;	/* hex, NULL: none */
	const char *interp, *flags;
};

TEST(register_escapes_and_fields)
{
	static const struct esc_case cases[] = {
		{ ":a:M::\\x7fELF::/bin/i:", 0, "7f454c46", NULL, "/bin/i", "" },
		{ ":a:M::\\xAB\\xcD:\\xFf\\x0F:/i:", 0, "abcd", "ff0f", "/i", "" },
		/* \x with one digit left over is refused by scanarg, but a
		 * backslash before anything else is kept with it. */
		{ ":a:M::\\a\\\\::/i:", 0, "5c615c5c", NULL, "/i", "" },
		{ ":a:M::\\\\x41::/i:", 0, "5c5c783431", NULL, "/i", "" },
		{ ":a:M::\\x00\\x00::/i:", 0, "0000", NULL, "/i", "" },
		{ ":a:M:+3:ab::/i:", 3, "6162", NULL, "/i", "" },
		{ ":a:M:-0:ab::/i:", 0, "6162", NULL, "/i", "" },
		{ ":a:M:007:ab::/i:", 7, "6162", NULL, "/i", "" },
		{ ":a:M:254:ab::/i:", 254, "6162", NULL, "/i", "" },
		{ ":a:M::ab::/i:FOP\n", 0, "6162", NULL, "/i", "POF" },
		{ ":a:M::ab::/i:C", 0, "6162", NULL, "/i", "OC" },
		{ ":a:M::ab::/i:PPFF", 0, "6162", NULL, "/i", "PF" },
		{ "xaxMxx\\x78x\\xffx/ix", 0, "78", "ff", "/i", "" },
		{ "#a b#M##\\x3a:#::#/usr/bin/x y#F", 0, "3a3a", "3a3a", "/usr/bin/x y", "F" },
	};
	uint8_t want[BINFMT_MAGIC_MAX];
	struct binfmt_entry e;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, binfmt_parse_register(cases[i].line, &e))
			TH_LOG("case %zu: %s", i, cases[i].line);
		EXPECT_FALSE(e.is_extension);
		EXPECT_TRUE(e.enabled);
		EXPECT_EQ(cases[i].offset, e.offset) TH_LOG("case %zu", i);
		unhex(cases[i].magic, want, &n);
		EXPECT_EQ(n, e.magic_len) TH_LOG("case %zu", i);
		EXPECT_EQ(0, memcmp(want, e.magic, n)) TH_LOG("case %zu", i);
		EXPECT_EQ(cases[i].mask != NULL, e.has_mask);
		if (cases[i].mask) {
			unhex(cases[i].mask, want, &n);
			EXPECT_EQ(0, memcmp(want, e.mask, n)) TH_LOG("case %zu", i);
		} else {
			memset(want, 0xff, n);
			EXPECT_EQ(0, memcmp(want, e.mask, n)) TH_LOG("case %zu", i);
		}
		EXPECT_STREQ(cases[i].interp, e.interpreter);
		EXPECT_STREQ(cases[i].flags, e.flags);
	}
	ASSERT_EQ(0, binfmt_parse_register(":py:E:junk:py:junk:/usr/bin/python3:", &e));
	EXPECT_TRUE(e.is_extension);
	EXPECT_STREQ("py", e.extension);
	EXPECT_EQ(0u, e.magic_len);
}

TEST(malformed_register_strings_are_refused)
{
	static char long_magic[400], long_line[BINFMT_REGISTER_MAX + 8];
	static const char *const bad[] = {
		":a:M::x::",			/* < 11 bytes */
		"Pa:M::ab::/i:",		/* a flag letter as delimiter */
		":a:M::ab::/i:",		/* ok: control, removed below */
		"::M::ab::/bin/i:",		/* empty name */
		":.:M::ab::/bin/i:",
		":..:M::ab::/bin/i:",
		":a/b:M::ab::/bin/i:",
		":a:X::ab::/bin/i:",		/* unknown type */
		":a:MM::ab::/bin/i:",
		":a:M::::/bin/i:",		/* empty magic */
		":a:M::ab:::",			/* empty interpreter */
		":a:M::ab::/bin/i",		/* no flags field */
		":a:M::ab::/bin/i:X",		/* unknown flag */
		":a:M::ab::/bin/i:PF:",		/* text after the flags */
		":a:M::ab::/bin/i:P\n\n",
		":a:M::\\x7g::/bin/i:",		/* bad hex */
		":a:M::\\x7:::/bin/i:",
		":a:M::\\x::/bin/i:",
		":a:M::ab:\\xff:/bin/i:",	/* mask shorter than magic */
		":a:M::ab:\\xff\\xff\\xff:/bin/i:",
		":a:M:255:ab::/bin/i:",		/* offset + size > 256 */
		":a:M:-1:ab::/bin/i:",
		":a:M:0x10:ab::/bin/i:",
		":a:M:1a:ab::/bin/i:",
		":a:M:99999999999:ab::/bin/i:",
		":a:E::py/x::/bin/i:",		/* '/' in an extension */
		":a:E::::/bin/i:",
		":a:E::py:/bin/i:",		/* missing field */
		":aMbcdefghij",
		long_magic,			/* 257 magic bytes */
		long_line,			/* > MAX_REGISTER_LENGTH */
	};
	struct binfmt_entry e;
	size_t i;

	memcpy(long_magic, ":a:M::", 6);
	memset(long_magic + 6, 'A', 257);
	strcpy(long_magic + 6 + 257, "::/bin/i:");
	memcpy(long_line, ":a:M::ab::/", 11);
	memset(long_line + 11, 'i', BINFMT_REGISTER_MAX - 11);
	strcpy(long_line + BINFMT_REGISTER_MAX, ":");	/* 1921 bytes */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (i == 2) {
			EXPECT_EQ(0, binfmt_parse_register(bad[i], &e));
			continue;
		}
		EXPECT_EQ(-EINVAL, binfmt_parse_register(bad[i], &e))
			TH_LOG("case %zu: %.60s", i, bad[i]);
	}
	/* 256 magic bytes at offset 0 is the limit, and allowed. */
	long_magic[6 + 256] = ':';
	strcpy(long_magic + 6 + 256, "::/bin/i:");
	ASSERT_EQ(0, binfmt_parse_register(long_magic, &e));
	EXPECT_EQ(256u, e.magic_len);
	/* Legal for the kernel, beyond what the struct holds. */
	memcpy(long_line, ":a:M::ab::/", 11);
	memset(long_line + 11, 'i', BINFMT_INTERP_MAX);
	strcpy(long_line + 11 + BINFMT_INTERP_MAX, ":");
	EXPECT_EQ(-ENAMETOOLONG, binfmt_parse_register(long_line, &e));
}

struct status_case {
	const char *text;
	int ret;
	bool enabled, ext;
	const char *interp, *flags;
	unsigned offset;
	const char *magic, *mask;	/* hex; mask NULL: none */
};

#define BAD(t) { t, -EINVAL, false, false, NULL, NULL, 0, NULL, NULL }

TEST(status_text)
{
	static const struct status_case cases[] = {
		{ "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"
		  "flags: POF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n"
		  "mask ffffffffffffff00fffffffffffffffffeffffff\n",
		  0, true, false, "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "POF", 0,
		  "7f454c460201010000000000000000000200b700",
		  "ffffffffffffff00fffffffffffffffffeffffff" },
		{ "disabled\ninterpreter /usr/bin/wine\nflags: \noffset 0\nmagic 4d5a\n",
		  0, false, false, "/usr/bin/wine", "", 0, "4d5a", NULL },
		{ "enabled\ninterpreter /usr/bin/x y\nflags: POCF\noffset 254\nmagic 00FF\nmask 0F0f\n",
		  0, true, false, "/usr/bin/x y", "POCF", 254, "00ff", "0f0f" },
		{ "enabled\ninterpreter /usr/bin/javawrapper\nflags: \nextension .class\n",
		  0, true, true, "/usr/bin/javawrapper", "", 0, NULL, NULL },
		{ "enabled\ninterpreter /i\nflags: F\noffset 0\nmagic 4d5a", /* no final \n */
		  0, true, false, "/i", "F", 0, "4d5a", NULL },
		BAD("enabled\n"),
		BAD("enabled"),
		BAD(""),
		BAD("on\ninterpreter /i\nflags: \noffset 0\nmagic 4d5a\n"),
		BAD("enabled\ninterpreter \nflags: \noffset 0\nmagic 4d5a\n"),
		BAD("enabled\ninterpreter /i\nflags: X\noffset 0\nmagic 4d5a\n"),
		BAD("enabled\ninterpreter /i\nflags:\noffset 0\nmagic 4d5a\n"),
		BAD("enabled\ninterpreter /i\nflags: \noffset x\nmagic 4d5a\n"),
		BAD("enabled\ninterpreter /i\nflags: \noffset 255\nmagic 4d5a\n"),
		BAD("enabled\ninterpreter /i\nflags: \noffset 0\nmagic 4d5\n"),
		BAD("enabled\ninterpreter /i\nflags: \noffset 0\nmagic 4g5a\n"),
		BAD("enabled\ninterpreter /i\nflags: \noffset 0\nmagic \n"),
		BAD("enabled\ninterpreter /i\nflags: \noffset 0\nmagic 4d5a\nmask ff\n"),
		BAD("enabled\ninterpreter /i\nflags: \noffset 0\nmagic 4d5a\nmask ffff\nx\n"),
		BAD("enabled\ninterpreter /i\nflags: \nextension .\n"),
		BAD("enabled\ninterpreter /i\nflags: \nextension .a/b\n"),
		BAD("enabled\ninterpreter /i\nflags: \nextension .py\nmore\n"),
	};
	uint8_t want[BINFMT_MAGIC_MAX];
	struct binfmt_entry e;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct status_case *c = &cases[i];
		int ret = binfmt_parse_status("qemu-x", c->text, strlen(c->text), &e);

		ASSERT_EQ(c->ret, ret) TH_LOG("case %zu", i);
		if (ret)
			continue;
		EXPECT_STREQ("qemu-x", e.name);
		EXPECT_EQ(c->enabled, e.enabled);
		EXPECT_EQ(c->ext, e.is_extension);
		EXPECT_STREQ(c->interp, e.interpreter);
		EXPECT_STREQ(c->flags, e.flags);
		EXPECT_EQ(c->offset, e.offset);
		if (c->ext) {
			EXPECT_STREQ("class", e.extension);
			continue;
		}
		unhex(c->magic, want, &n);
		EXPECT_EQ(n, e.magic_len);
		EXPECT_EQ(0, memcmp(want, e.magic, n));
		EXPECT_EQ(c->mask != NULL, e.has_mask);
		if (c->mask)
			unhex(c->mask, want, &n);
		else
			memset(want, 0xff, n);
		EXPECT_EQ(0, memcmp(want, e.mask, n)) TH_LOG("case %zu", i);
	}
	/* The name is the file's: validated like the kernel's. */
	EXPECT_EQ(-EINVAL, binfmt_parse_status("a/b", cases[0].text, strlen(cases[0].text), &e));
	EXPECT_EQ(-EINVAL, binfmt_parse_status("..", cases[0].text, strlen(cases[0].text), &e));
	EXPECT_EQ(-EINVAL, binfmt_parse_status("", cases[0].text, strlen(cases[0].text), &e));
	/* Embedded NUL. */
	EXPECT_EQ(-EINVAL, binfmt_parse_status("a", "enabled\0\n", 9, &e));
}

TEST(matching_order_disabled_and_extensions)
{
	struct binfmt_entry e[5];
	uint8_t b[BINFMT_BUF_SIZE];
	size_t len = ehdr(b, 2, 1, 3, 183, 0, 3);

	ASSERT_EQ(0, binfmt_parse_register(":old:M::\\x7fELF::/a:", &e[0]));
	ASSERT_EQ(0, binfmt_parse_register(":java:E::class::/j:", &e[1]));
	ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name("aarch64"), "/s", "F", &e[2]));
	ASSERT_EQ(0, binfmt_parse_register(":tail:M:250:\\x00\\x00:\\xff\\xff:/t:", &e[3]));
	ASSERT_EQ(0, binfmt_entry_for_arch(arch_by_name("riscv64"), "/s", "F", &e[4]));

	/* Newest first: e[2] beats e[0]; e[3] (zeros past the file's end)
	 * beats both, being newer still; e[4] does not match. */
	EXPECT_EQ(3, binfmt_match(e, 5, "/x/prog", b, len));
	EXPECT_TRUE(binfmt_entry_matches(&e[3], NULL, b, 10));
	EXPECT_FALSE(binfmt_entry_matches(&e[4], NULL, b, len));
	e[3].enabled = false;
	EXPECT_EQ(2, binfmt_match(e, 5, "/x/prog", b, len));
	e[2].enabled = false;
	EXPECT_EQ(0, binfmt_match(e, 5, "/x/prog", b, len));
	/* A disabled entry still "matches" on its own. */
	EXPECT_TRUE(binfmt_entry_matches(&e[2], "/x/prog", b, len));
	e[0].enabled = false;
	EXPECT_EQ(-1, binfmt_match(e, 5, "/x/prog", b, len));
	EXPECT_EQ(-1, binfmt_match(e, 0, "/x/prog", b, len));
	/* The file's bytes at the magic's offset decide; a short buffer
	 * reads as zeros like the kernel's bprm->buf. */
	e[3].enabled = true;
	b[250] = 1;
	EXPECT_EQ(-1, binfmt_match(e, 5, "/x/prog", b, 251));
	EXPECT_EQ(3, binfmt_match(e, 5, "/x/prog", b, 250));
	EXPECT_EQ(-1, binfmt_match(e, 5, "/x/prog", b, sizeof(b)));
	/* Extensions: after the last '.' of the path given to execve. */
	e[3].enabled = false;
	EXPECT_EQ(1, binfmt_match(e, 5, "/x/Main.class", b, 0));
	EXPECT_EQ(1, binfmt_match(e, 5, "Main.tar.class", b, 0));
	EXPECT_EQ(-1, binfmt_match(e, 5, "/x.class/Main", b, 0));
	EXPECT_EQ(-1, binfmt_match(e, 5, "/x/Main.classy", b, 0));
	EXPECT_EQ(-1, binfmt_match(e, 5, "/x/class", b, 0));
	EXPECT_EQ(-1, binfmt_match(e, 5, NULL, b, 0));
	e[1].enabled = false;
	EXPECT_EQ(-1, binfmt_match(e, 5, "/x/Main.class", b, 0));
	/* Only the first 256 bytes count. */
	e[3].enabled = true;
	e[3].offset = 254;
	b[254] = b[255] = 0;
	EXPECT_EQ(3, binfmt_match(e, 5, "p", b, sizeof(b)));
}

TEST_HARNESS_MAIN
