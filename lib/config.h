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

/* The defaults, one home for each (docs/binfmt-shim.conf.5). SYSCONFDIR
 * is a build-time setting (Makefile). */
#define CONFIG_FILE_DEFAULT SYSCONFDIR "/binfmt-shim/shim.conf"
#define CONFIG_LOG_DEFAULT "/var/log/binfmt-shim/exec.jsonl"
/* A user's own records (exec, run): $XDG_STATE_HOME/<this>, else
 * $HOME/<CONFIG_USER_STATE_HOME>/<this> (XDG Base Directory spec). */
#define CONFIG_USER_LOG_NAME "binfmt-shim/exec.jsonl"
#define CONFIG_USER_STATE_HOME ".local/state"
/* The collector's socket (binfmt-shimd(8)): every user may connect, so it
 * is the one destination that records every user's execs. */
#define CONFIG_SOCKET_DEFAULT "/run/binfmt-shim/shimd.sock"
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
	bool policy_user;		/* the policy is the caller's (config_merge) */
	bool emulator_user;		/* so is the emulator */
};

struct config_error {
	unsigned line;
	char msg[160];
};

struct shim_config {
	char log_path[CONFIG_PATH_MAX];	/* "" : the default */
	/* The collector's socket: CONFIG_SOCKET_DEFAULT unless the file says
	 * another path, or "none" (then ""). */
	char socket[CONFIG_PATH_MAX];
	bool socket_set;		/* the file has a socket key */
	bool deny_on_log_failure;	/* [log] on_failure = deny */
	bool on_failure_set;
	/* [users] override = yes: the caller's environment and config file
	 * replace these settings instead of only adding to them. Meant for
	 * test rigs; honoured only in the system file (config_merge). */
	bool users_override;
	bool users_set;			/* the file has a [users] key */
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

/*
 * Layer a caller's config (BINFMT_SHIM_CONFIG, already parsed into user)
 * over the system's (sys). Without sys->users_override the caller may only
 * add: a deny policy, on_failure = deny, and emulator or sysroot for an arch
 * whose system section names none; everything else in user is ignored (the
 * log path and socket of a caller's file give the caller a copy of the
 * record, which is the shim's business, not this merge's). With it, every
 * key user sets replaces the system's. A [users] section in user never
 * counts. Each arch whose policy or emulator came from user gets
 * policy_user or emulator_user set, so a diagnostic names the right file.
 */
void config_merge(struct shim_config *sys, const struct shim_config *user);

/*
 * Where the shim writes the system record, the one rule for it: the
 * caller's BINFMT_SHIM_LOG (env_log; NULL or "" when unset) where the
 * system file says [users] override = yes, else [log] path of c (the
 * merged config), else CONFIG_LOG_DEFAULT.
 */
const char *config_log_path(const struct shim_config *c, const char *env_log);

/*
 * The caller's own copy of the record, the one rule for it: BINFMT_SHIM_LOG
 * (env_log; NULL or "" when unset), else [log] path of the caller's file
 * (user, NULL when BINFMT_SHIM_CONFIG is unset), else NULL: none.
 */
const char *config_user_log(const char *env_log, const struct shim_config *user);

/* The section for an arch, NULL when the file has none. */
const struct config_arch *config_for_arch(const struct shim_config *c,
					  const struct arch *a);

#endif
