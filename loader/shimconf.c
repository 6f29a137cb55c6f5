// SPDX-License-Identifier: GPL-2.0
/* The shim's config as the shim reads it (shim/decide.c), and where it
 * writes its records (lib/config.c's rule), for status, explain, verify
 * and log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "loader.h"

/* The settings the shim works with, read as it reads them
 * (shim/decide.c): the system file, with the caller's BINFMT_SHIM_CONFIG
 * layered on it by config_merge. path gets the file a fix should name. */
int load_config_file(const char *path, struct shim_config *cfg)
{
	static char text[64 * 1024 + 1];
	long n;
	int rc;

	config_init(cfg);
	n = read_small(path, text, sizeof(text));
	rc = n < 0 ? (int)n : config_parse(cfg, text, (size_t)n);
	if (rc < 0 && rc != -EINVAL)
		config_init(cfg);	/* unreadable: all defaults, as the shim */
	return rc;
}

int load_shim_config(struct shim_config *cfg, char *path, size_t len)
{
	static struct shim_config user;
	const char *p = getenv("BINFMT_SHIM_CONFIG");
	int rc, urc;

	snprintf(path, len, "%s", CONFIG_FILE_DEFAULT);
	rc = load_config_file(path, cfg);
	if (!p || !*p)
		return rc;
	urc = load_config_file(p, &user);
	config_merge(cfg, &user);
	if (cfg->users_override) {
		snprintf(path, len, "%s", p);
		return urc;
	}
	return rc;
}

void log_sink(const struct shim_config *cfg, char *buf, size_t len)
{
	const char *e = getenv("BINFMT_SHIM_LOG"), *p = config_log_path(cfg, e);

	snprintf(buf, len, "%s%s", p, p == e ? " (BINFMT_SHIM_LOG)" : "");
}
