/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The admin CLI `binfmt-shim`: what the subcommands share. main.c parses
 * the command line into struct cli and dispatches; each subcommand prints
 * its own output and returns the exit status (EXIT_OK, EXIT_CHECK,
 * EXIT_USAGE); helpers return -errno and never print, unless named
 * *_print or documented otherwise.
 */
#ifndef BSHIM_LOADER_H
#define BSHIM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "arch.h"
#include "binfmt.h"
#include "elf.h"
#include "format.h"
#include "goinfo.h"
#include "route.h"

/* Exit status of every subcommand: 0 ok, 1 a check failed, 2 usage or
 * system error. */
enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2 };

#define BM_DIR "/proc/sys/fs/binfmt_misc"

/* Options, one bit each: the subcommand table says which it accepts. */
enum {
	OPT_JSON	= 1 << 0,
	OPT_ALL		= 1 << 1,
	OPT_FLAGS	= 1 << 2,
	OPT_SHIM	= 1 << 3,
	OPT_DRY_RUN	= 1 << 4,
	OPT_REPLACE	= 1 << 5,
	OPT_COMPARE	= 1 << 6,
	OPT_PRINT	= 1 << 7,
	OPT_OUTPUT	= 1 << 8,
	OPT_ARGV	= 1 << 9,	/* parses its own options (log) */
};

struct cli {
	const struct subcmd *cmd;
	unsigned opts;			/* OPT_* given */
	const char *flags;		/* --flags, default "FP" */
	const char *shim;		/* --shim */
	const char *compare;		/* --compare */
	const char *output;		/* persist --output */
	char **args;			/* positional arguments */
	int nargs;
};

struct subcmd {
	const char *name;
	int (*run)(const struct cli *c);
	unsigned allowed;		/* OPT_* it accepts */
	int min_args, max_args;		/* -1: unlimited */
	const char *synopsis;
	const char *help;
};

/* main.c */
extern const char *prog_name;
/* A subcommand's help: its synopsis and text, and --json when it takes it. */
void cmd_usage(const struct subcmd *s, FILE *f);
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * termout.c: untrusted strings on a terminal, through lib/termsafe.c.
 * t_put: one field, nothing passes (no tab, no newline). t_text: text
 * made of the program's words and fields already escaped (a backslash
 * stays, controls do not). t_pad: a field in a table column, cut at max
 * columns (0: never) and padded to width, counting the escaped text.
 * T: a field escaped for a printf argument, valid for the next 7 calls.
 */
void t_put(FILE *f, const char *s, size_t len);
void t_puts(FILE *f, const char *s);
void t_text(FILE *f, const char *s, size_t len);
void t_pad(FILE *f, const char *s, size_t len, size_t width, size_t max);
const char *T(const char *s);

/* Subcommands. */
int cmd_arches(const struct cli *c);
int cmd_register(const struct cli *c);
int cmd_unregister(const struct cli *c);
int cmd_status(const struct cli *c);
int cmd_explain(const struct cli *c);
int cmd_fingerprint(const struct cli *c);
int cmd_verify(const struct cli *c);
int cmd_persist(const struct cli *c);
int cmd_log(const struct cli *c);		/* args = its argv, from "log" */

/* procfs.c: the binfmt_misc instance this process sees. */
struct bm_table {
	struct binfmt_entry *e;		/* registration order, oldest first */
	size_t n;
	bool mounted;
	bool enabled;			/* the global "status" switch */
};

bool bm_mounted(void);
int bm_read_table(struct bm_table *t);
void bm_table_free(struct bm_table *t);
const struct binfmt_entry *bm_find(const struct bm_table *t, const char *name);
int bm_write_register(const struct binfmt_entry *e);
int bm_entry_ctl(const char *name, const char *what);	/* "0" "1" "-1" */
/*
 * Make sure a binfmt_misc instance of this process's own user namespace is
 * mounted at BM_DIR: mount it when absent, mount our own over a foreign
 * one. note[] says what was done ("" when nothing). 0 or -errno.
 */
int bm_ensure_own(char *note, size_t len);

/* probe.c: a file probed with lib/. */
struct probe {
	char path[4096];
	int err;			/* -errno opening/reading, 0 ok */
	uint64_t size;
	uint8_t head[BINFMT_BUF_SIZE];
	size_t head_len;
	struct format_info fi;
	bool is_elf;			/* fi.format == FMT_ELF */
	int elf_err;			/* elf_probe result */
	struct elf_info ei;
	bool is_go;
	struct go_info gi;
	char desc[512];			/* one line in words */
};
int probe_file(const char *path, struct probe *p);

/* Whether path is an executable ELF without PT_INTERP; why[] otherwise. */
int check_static_exec(const char *path, char *why, size_t len);

/* locate.c: what the shim runs with, found as the shim finds it.
 * The shim beside this CLI: ../libexec/binfmt-shim/shim, then ./shim. */
int default_shim(char *buf, size_t len);
/* A route_stat_fn (lib/route.h) over this file system. */
enum route_stat route_stat_host(void *ctx, const char *path);
/* The emulator the shim's default search finds, "" when none. */
int find_emulator(const struct arch *a, char *buf, size_t len);

/* files.c: small files whole, directories, lists of names. */
long read_small(const char *path, char *buf, size_t len);
int write_all_file(const char *path, const char *s, size_t n);
int mkdir_p(const char *dir, unsigned mode);
void free_list(char **names, size_t n);

/* shimconf.c: the shim's config as the shim reads it (BINFMT_SHIM_CONFIG
 * or the default path into path[]); 0, -ENOENT (defaults) or -EINVAL.
 * Its defaults and the rule for its log path are lib/config.h's. */
struct shim_config;
int load_shim_config(struct shim_config *cfg, char *path, size_t len);
/* One config file, parsed: 0, -EINVAL (some lines skipped), -errno. */
int load_config_file(const char *path, struct shim_config *cfg);
/* Where the shim writes its records, in words. */
void log_sink(const struct shim_config *cfg, char *buf, size_t len);

/* sinkcheck.c: where the record of an exec by a user other than root
 * lands (status). */
struct sink_check {
	char socket[256];		/* the collector socket, "" when none */
	int sock_err;			/* 0: listening, else -errno of a connect */
	bool sock_others;		/* other users may connect to it */
	char log[4096];			/* the log file the shim writes */
	bool log_others;		/* other users may write it */
	bool devlog;			/* /dev/log takes their datagrams */
	const char *where;		/* where their records go, NULL: nowhere */
};
void sink_check(const struct shim_config *cfg, struct sink_check *c);
/* The finding when their records go nowhere, with the fix; "" otherwise.
 * Raw fields: print it through termout.c. */
void sink_finding(const struct sink_check *c, const char *cfgpath, char *buf,
		  size_t len);

/* main.c: parse an arch list (names or aliases); --all gives every row. Fills
 * sel[arch_count] with true for the selected ones. Prints the error. */
int select_arches(const struct cli *c, bool *sel);

/* tinyrun.c: the tiny programs (tiny.c), run. */
/* How long one tiny program may take, emulator start-up included. */
#define TINY_TIMEOUT_MS 20000
bool tiny_have(const struct arch *a);
/* Whether the host runs the arch natively: executes the tiny program in a
 * namespace with an empty binfmt_misc instance (so no handler can fake
 * it). 1 native, 0 not, -errno when the test could not be made. */
int native_test(const struct arch *a);
/* Run the tiny program for a through whatever handler the kernel picks.
 * argv0 is passed as argv[0], env entries are added. The program exits
 * with the first byte of its argv[0]. Returns the wait status or -errno. */
int tiny_run(const struct arch *a, const char *argv0, char *const env[],
	     char *err, size_t errlen, pid_t *pid);
/* The same, with what it wrote to stdout (up to outlen - 1 bytes,
 * NUL-terminated) in out. Its stderr is ours: a refusing shim's
 * diagnostic reaches the user. The wait status, or -errno with err[] set. */
int tiny_capture(const struct arch *a, const char *argv0, char *const env[],
		 char *out, size_t outlen, char *err, size_t errlen, pid_t *pid);

/* persist.c: the --replace state. */
int state_path(char *buf, size_t len);
int state_add(const char *name);
int state_list(char ***names, size_t *n);
int state_clear(void);

/* register.c: the entry we would write for an arch. */
int our_entries(const struct arch *a, const char *shim, const char *flags,
		struct binfmt_entry *out, size_t max);

#endif
