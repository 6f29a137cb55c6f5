// SPDX-License-Identifier: GPL-2.0
/* The arch table: names, aliases, ELF look-up, uniqueness. */
#include <string.h>

#include "kselftest_harness.h"

#include "arch.h"

/* Every QEMU linux-user target of Debian 12's qemu-user-static
 * (dpkg -L qemu-user-static | grep 'bin/qemu-.*-static'). */
static const char *const debian_targets[] = {
	"aarch64", "aarch64_be", "alpha", "arm", "armeb", "cris", "hexagon",
	"hppa", "i386", "loongarch64", "m68k", "microblaze", "microblazeel",
	"mips", "mipsel", "mipsn32", "mipsn32el", "mips64", "mips64el",
	"nios2", "or1k", "ppc", "ppc64", "ppc64le", "riscv32", "riscv64",
	"s390x", "sh4", "sh4eb", "sparc", "sparc32plus", "sparc64", "x86_64",
	"xtensa", "xtensaeb",
};

TEST(every_debian_target_is_in_the_table)
{
	size_t i;

	for (i = 0; i < sizeof(debian_targets) / sizeof(debian_targets[0]); i++) {
		const struct arch *a = arch_by_name(debian_targets[i]);

		ASSERT_NE(NULL, a) TH_LOG("missing %s", debian_targets[i]);
		EXPECT_STREQ(debian_targets[i], a->name);
	}
	EXPECT_EQ(sizeof(debian_targets) / sizeof(debian_targets[0]), arch_count);
}

TEST(names_and_aliases_are_unique)
{
	char item[64];
	size_t i, j;
	unsigned k;

	for (i = 0; i < arch_count; i++) {
		for (j = 0; j < arch_count; j++)
			if (i != j)
				EXPECT_NE(0, strcmp(arch_table[i].name, arch_table[j].name));
		/* Every alias resolves back to its own row. */
		for (k = 0; arch_list_item(arch_table[i].aliases, k, item, sizeof(item)) >= 0; k++)
			EXPECT_EQ(&arch_table[i], arch_by_name(item))
				TH_LOG("alias %s of %s", item, arch_table[i].name);
	}
}

struct alias_case { const char *in, *want; };

TEST(aliases_from_go_debian_docker)
{
	static const struct alias_case cases[] = {
		{ "arm64", "aarch64" }, { "ARM64", "aarch64" },
		{ "linux/arm64/v8", "aarch64" }, { "amd64", "x86_64" },
		{ "386", "i386" }, { "armhf", "arm" }, { "armel", "arm" },
		{ "linux/arm/v7", "arm" }, { "loong64", "loongarch64" },
		{ "mips64le", "mips64el" }, { "mipsle", "mipsel" },
		{ "ppc64el", "ppc64le" }, { "linux/s390x", "s390x" },
		{ "riscv64", "riscv64" }, { "powerpc", "ppc" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct arch *a = arch_by_name(cases[i].in);

		ASSERT_NE(NULL, a) TH_LOG("%s", cases[i].in);
		EXPECT_STREQ(cases[i].want, a->name) TH_LOG("%s", cases[i].in);
	}
	EXPECT_EQ(NULL, arch_by_name("vax"));
	EXPECT_EQ(NULL, arch_by_name(""));
	EXPECT_EQ(NULL, arch_by_name("arm64x"));
	EXPECT_EQ(NULL, arch_by_name("arm6"));
}

struct elf_case { unsigned cls, data, machine; uint32_t flags; const char *want; };

TEST(by_elf_header_fields)
{
	static const struct elf_case cases[] = {
		{ 2, 1, 183, 0, "aarch64" }, { 2, 2, 183, 0, "aarch64_be" },
		{ 1, 1, 40, 0x05000400, "arm" }, { 1, 2, 40, 0, "armeb" },
		{ 1, 2, 8, 0x70001007, "mips" }, { 1, 1, 8, 0x70001007, "mipsel" },
		{ 1, 2, 8, 0x20, "mipsn32" }, { 1, 1, 8, 0x80000027, "mipsn32el" },
		{ 2, 1, 8, 0x80000007, "mips64el" }, { 2, 2, 8, 0, "mips64" },
		{ 2, 1, 21, 2, "ppc64le" }, { 2, 2, 21, 1, "ppc64" },
		{ 1, 2, 20, 0, "ppc" }, { 2, 2, 22, 0, "s390x" },
		{ 2, 1, 243, 5, "riscv64" }, { 1, 1, 243, 0, "riscv32" },
		{ 1, 1, 3, 0, "i386" }, { 2, 1, 62, 0, "x86_64" },
		{ 2, 1, 258, 0, "loongarch64" }, { 1, 2, 18, 0, "sparc32plus" },
		{ 2, 2, 43, 0, "sparc64" }, { 1, 2, 189, 0, "microblaze" },
		{ 1, 2, 0xbaab, 0, "microblaze" }, { 1, 1, 189, 0, "microblazeel" },
		{ 2, 1, 0x9026, 0, "alpha" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct arch *a = arch_by_elf(cases[i].cls, cases[i].data,
						   cases[i].machine, cases[i].flags);

		ASSERT_NE(NULL, a) TH_LOG("case %zu", i);
		EXPECT_STREQ(cases[i].want, a->name) TH_LOG("case %zu", i);
	}
	/* x32 (ELFCLASS32 + EM_X86_64) has no QEMU target. */
	EXPECT_EQ(NULL, arch_by_elf(1, 1, 62, 0));
	EXPECT_EQ(NULL, arch_by_elf(2, 1, 0xffff, 0));
}

TEST(host_and_families)
{
	const struct arch *h = arch_host();

	ASSERT_NE(NULL, h);
	EXPECT_TRUE(arch_is_host_family(h));
#if defined(__x86_64__)
	EXPECT_STREQ("x86_64", h->name);
	EXPECT_TRUE(arch_is_host_family(arch_by_name("i386")));
	EXPECT_FALSE(arch_is_host_family(arch_by_name("aarch64")));
	EXPECT_FALSE(arch_is_host_family(arch_by_name("cris")));
#endif
}

TEST(list_items)
{
	char buf[8];

	EXPECT_EQ(5, arch_list_item("armhf,armel", 0, buf, sizeof(buf)));
	EXPECT_STREQ("armhf", buf);
	EXPECT_EQ(5, arch_list_item("armhf,armel", 1, buf, sizeof(buf)));
	EXPECT_STREQ("armel", buf);
	EXPECT_EQ(-1, arch_list_item("armhf,armel", 2, buf, sizeof(buf)));
	EXPECT_EQ(-1, arch_list_item("", 0, buf, sizeof(buf)));
	EXPECT_EQ(-1, arch_list_item("muchtoolongforbuf", 0, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
