// SPDX-License-Identifier: GPL-2.0
/* The two log-path rules (lib/config.c): where the shim writes the system
 * record, and the caller's own copy. The shim, the CLI and the collector
 * all take their defaults from here. */
#include <string.h>

#include "kselftest_harness.h"

#include "config.h"

static void parse(struct shim_config *c, const char *text)
{
	config_init(c);
	config_parse(c, text, strlen(text));
}

TEST(system_log_default)
{
	struct shim_config c;

	config_init(&c);
	EXPECT_STREQ("/var/log/binfmt-shim/exec.jsonl", CONFIG_LOG_DEFAULT);
	EXPECT_STREQ(CONFIG_LOG_DEFAULT, config_log_path(&c, NULL));
	EXPECT_STREQ(CONFIG_LOG_DEFAULT, config_log_path(&c, ""));
	/* Without [users] override the environment never moves it. */
	EXPECT_STREQ(CONFIG_LOG_DEFAULT, config_log_path(&c, "/tmp/mine"));
}

TEST(system_log_config_then_env)
{
	struct shim_config c;

	parse(&c, "[log]\npath = /srv/exec.jsonl\n");
	EXPECT_STREQ("/srv/exec.jsonl", config_log_path(&c, NULL));
	EXPECT_STREQ("/srv/exec.jsonl", config_log_path(&c, "/tmp/mine"));
	parse(&c, "[log]\npath = /srv/exec.jsonl\n[users]\noverride = yes\n");
	EXPECT_STREQ("/tmp/mine", config_log_path(&c, "/tmp/mine"));
	EXPECT_STREQ("/srv/exec.jsonl", config_log_path(&c, ""));
	parse(&c, "[users]\noverride = yes\n");
	EXPECT_STREQ(CONFIG_LOG_DEFAULT, config_log_path(&c, NULL));
}

TEST(user_log)
{
	struct shim_config u;

	config_init(&u);
	EXPECT_EQ(NULL, config_user_log(NULL, NULL));
	EXPECT_EQ(NULL, config_user_log("", NULL));
	EXPECT_EQ(NULL, config_user_log(NULL, &u));
	EXPECT_STREQ("/tmp/e", config_user_log("/tmp/e", NULL));
	parse(&u, "[log]\npath = /home/u/copy.jsonl\n");
	EXPECT_STREQ("/home/u/copy.jsonl", config_user_log(NULL, &u));
	EXPECT_STREQ("/home/u/copy.jsonl", config_user_log("", &u));
	EXPECT_STREQ("/tmp/e", config_user_log("/tmp/e", &u));
}

TEST_HARNESS_MAIN
