// SPDX-License-Identifier: GPL-2.0
/* The shim's INI config: text in, fields and errors (with lines) out. */
#include <string.h>

#include "kselftest_harness.h"

#include "config.h"

static int parse(struct shim_config *c, const char *text)
{
	config_init(c);
	return config_parse(c, text, strlen(text));
}

TEST(full_example)
{
	struct shim_config c;
	const struct config_arch *a;

	ASSERT_EQ(0, parse(&c,
		"# binfmt-shim\n"
		"[log]\n"
		"path = /var/log/binfmt-shim/exec.jsonl   # inline comment\n"
		"on_failure = deny\n"
		"socket=/run/binfmt-shim/shimd.sock\n"
		"\n"
		"[arch.aarch64]\n"
		"emulator = /usr/bin/qemu-aarch64-static\n"
		"sysroot = /usr/aarch64-linux-gnu\n"
		"policy = allow\n"
		"[arch.armhf]\r\n"
		"  policy\t=\tdeny  \r\n"));
	EXPECT_STREQ("/var/log/binfmt-shim/exec.jsonl", c.log_path);
	EXPECT_STREQ("/run/binfmt-shim/shimd.sock", c.socket);
	EXPECT_TRUE(c.deny_on_log_failure);
	ASSERT_EQ(2, c.narchs);
	a = config_for_arch(&c, arch_by_name("aarch64"));
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("/usr/bin/qemu-aarch64-static", a->emulator);
	EXPECT_STREQ("/usr/aarch64-linux-gnu", a->sysroot);
	EXPECT_EQ(POLICY_ALLOW, a->policy);
	a = config_for_arch(&c, arch_by_name("arm"));	/* via alias armhf */
	ASSERT_NE(NULL, a);
	EXPECT_EQ(POLICY_DENY, a->policy);
	EXPECT_EQ(12, a->policy_line);
	EXPECT_EQ(NULL, config_for_arch(&c, arch_by_name("s390x")));
}

TEST(empty_and_comments_only)
{
	struct shim_config c;

	EXPECT_EQ(0, parse(&c, ""));
	EXPECT_EQ(0, parse(&c, "# nothing\n; still nothing\n\n   \n"));
	EXPECT_EQ(0, c.narchs);
	EXPECT_STREQ("", c.log_path);
	EXPECT_FALSE(c.deny_on_log_failure);
}

TEST(hash_inside_a_path_is_kept)
{
	struct shim_config c;

	ASSERT_EQ(0, parse(&c, "[log]\npath = /var/log/a#b.jsonl\n"));
	EXPECT_STREQ("/var/log/a#b.jsonl", c.log_path);
}

struct bad_case {
	const char *text;
	unsigned line;
	const char *msg_part;
};

/* Every error names its line; the parse goes on past it. */
TEST(errors_name_the_line)
{
	static const struct bad_case cases[] = {
		{ "[log]\npth = /x\n", 2, "unknown key 'pth' in [log]" },
		{ "path = /x\n", 1, "key outside any section" },
		{ "[log\n", 1, "without ']'" },
		{ "[logs]\n", 1, "unknown section [logs]" },
		{ "[arch.vax]\n", 1, "unknown architecture in [arch.vax]" },
		{ "[log]\npath = relative/x\n", 2, "invalid value for 'path'" },
		{ "[log]\non_failure = maybe\n", 2, "invalid value for 'on_failure'" },
		{ "[arch.s390x]\n\nemulator\n", 3, "expected 'key = value'" },
		{ "[arch.s390x]\nemulatr = /x\n", 2, "unknown key 'emulatr'" },
		{ "[arch.s390x]\npolicy = yes\n", 2, "invalid value for 'policy'" },
	};
	struct shim_config c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(-EINVAL, parse(&c, cases[i].text)) TH_LOG("case %zu", i);
		ASSERT_EQ(1, c.nerrors) TH_LOG("case %zu", i);
		EXPECT_EQ(cases[i].line, c.errors[0].line) TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(c.errors[0].msg, cases[i].msg_part))
			TH_LOG("case %zu: %s", i, c.errors[0].msg);
	}
}

TEST(bad_policy_fails_closed)
{
	struct shim_config c;
	const struct config_arch *a;

	EXPECT_EQ(-EINVAL, parse(&c, "[arch.riscv64]\npolicy = alow\n"));
	a = config_for_arch(&c, arch_by_name("riscv64"));
	ASSERT_NE(NULL, a);
	EXPECT_EQ(POLICY_DENY, a->policy);
}

TEST(a_bad_line_keeps_the_rest)
{
	struct shim_config c;
	const struct config_arch *a;

	EXPECT_EQ(-EINVAL, parse(&c, "[arch.mips]\nbogus\npolicy = deny\n[log]\npath = /l\n"));
	EXPECT_EQ(1, c.nerrors);
	a = config_for_arch(&c, arch_by_name("mips"));
	ASSERT_NE(NULL, a);
	EXPECT_EQ(POLICY_DENY, a->policy);
	EXPECT_STREQ("/l", c.log_path);
}

TEST(long_values_and_many_errors)
{
	static char text[4096];
	struct shim_config c;
	int i, n;

	n = snprintf(text, sizeof(text), "[log]\npath = /");
	for (i = 0; i < CONFIG_PATH_MAX; i++)
		text[n++] = 'a';
	text[n++] = '\n';
	for (i = 0; i < 10; i++)
		n += snprintf(text + n, sizeof(text) - n, "junk%d\n", i);
	EXPECT_EQ(-EINVAL, config_parse((config_init(&c), &c), text, (size_t)n));
	EXPECT_EQ(11, c.nerrors);
	EXPECT_NE(NULL, strstr(c.errors[0].msg, "too long"));
	EXPECT_STREQ("", c.log_path);
}

TEST(nul_and_no_final_newline)
{
	static const char text[] = "[log]\npath = /a\0b\n[arch.arm]\npolicy = deny";
	struct shim_config c;

	config_init(&c);
	EXPECT_EQ(-EINVAL, config_parse(&c, text, sizeof(text) - 1));
	EXPECT_EQ(2, c.errors[0].line);
	ASSERT_NE(NULL, config_for_arch(&c, arch_by_name("arm")));
	EXPECT_EQ(POLICY_DENY, config_for_arch(&c, arch_by_name("arm"))->policy);
}

TEST_HARNESS_MAIN
