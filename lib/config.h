/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_CONFIG_H
#define BSHIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "arch.h"

/*
 * The shim's configuration (docs/binfmt-shim.conf.5): INI text, parsed
 * without allocation into fixed buffers. A bad line never stops the parse:
 * it is skipped (its key keeps its default) and reported, so a typo in one
 * key never silently discards a deny policy elsewhere in the file.
 */
#define CONFIG_PATH_MAX 256
#define CONFIG_MAX_ERRORS 4
#define CONFIG_MAX_ARCHS 64

enum config_policy {
	POLICY_DEFAULT = 0,	/* not set: allow */
	POLICY_ALLOW,
	POLICY_DENY,
};

struct config_arch {
	const struct arch *arch;
	char emulator[CONFIG_PATH_MAX];	/* "" : search the defaults */
	char sysroot[CONFIG_PATH_MAX];	/* "" : search the defaults */
	enum config_policy policy;
	unsigned policy_line;		/* line of the policy key, 0: none */
};

struct config_error {
	unsigned line;
	char msg[160];
};

struct shim_config {
	char log_path[CONFIG_PATH_MAX];	/* "" : the default */
	char socket[CONFIG_PATH_MAX];	/* collector socket, "" : none */
	bool deny_on_log_failure;	/* [log] on_failure = deny */
	size_t narchs;
	size_t nerrors;			/* may exceed CONFIG_MAX_ERRORS */
	struct config_error errors[CONFIG_MAX_ERRORS];
	/* Last: 33 KiB of which a config touches only the sections it has
	 * (the shim keeps this in .bss, where untouched pages cost nothing). */
	struct config_arch archs[CONFIG_MAX_ARCHS];
};

/* Defaults: everything empty/allow. */
void config_init(struct shim_config *c);

/*
 * Parse text[0..len). Returns 0 when every line was understood, or
 * -EINVAL when some were skipped (c->errors says which and why; the rest
 * of the file still applies).
 */
int config_parse(struct shim_config *c, const char *text, size_t len);

/* The section for an arch, NULL when the file has none. */
const struct config_arch *config_for_arch(const struct shim_config *c,
					  const struct arch *a);

#endif
