// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim: the admin CLI. main() is parse_args() -> run() -> exit
 * status (the shape of systemd's src/binfmt/binfmt.c). Every subcommand is
 * one row of the table below: its options, argument counts and help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "loader.h"
#include "rootless.h"

const char *prog_name = "binfmt-shim";

static const struct subcmd subcmds[] = {
	{ "arches", cmd_arches, OPT_JSON, 0, 0, "arches [--json]",
	  "The arch table: name, aliases, QEMU target, magic, mask and\n"
	  "whether this host runs the arch natively (capability test).\n" },
	{ "register", cmd_register,
	  OPT_JSON | OPT_ALL | OPT_FLAGS | OPT_SHIM | OPT_DRY_RUN | OPT_REPLACE,
	  0, -1,
	  "register [ARCH... | --all] [--flags FLAGS] [--shim PATH] [--dry-run] [--replace] [--json]",
	  "Register binfmt-shim-<arch> entries in the binfmt_misc instance this\n"
	  "process sees (mounting it, or this user namespace's own, if needed).\n"
	  "  --all         every arch the host does not run natively\n"
	  "  --flags FLAGS any of F, P, O, C (C implies O): replaces the default\n"
	  "                FP; +FLAGS adds to it, -FLAGS removes (+C gives POCF)\n"
	  "  --shim PATH   the interpreter (default: installed beside this program)\n"
	  "  --dry-run     print the plan (add/replace/keep/skip/conflict), change nothing\n"
	  "  --replace     disable other entries that match the same files\n"
	  "                (unregister re-enables them)\n" },
	{ "unregister", cmd_unregister, OPT_JSON | OPT_ALL | OPT_DRY_RUN, 0, -1,
	  "unregister [ARCH... | --all] [--dry-run] [--json]",
	  "Remove binfmt-shim-* entries (all of them with --all or no ARCH) and\n"
	  "re-enable the entries `register --replace` disabled; delete their\n"
	  "pinned files and the lines of persist's binfmt.d file that name them.\n"
	  "With --all, when no entry is left and register had mounted\n"
	  "binfmt_misc, unmount it.\n"
	  "  --all         every binfmt-shim-* entry (the default without ARCH)\n"
	  "  --dry-run     print the plan, change nothing\n" },
	{ "status", cmd_status, OPT_JSON, 0, 0, "status [--json]",
	  "Every live binfmt_misc entry, ours and others: enabled, interpreter\n"
	  "(present, static), flags, the arches it matches, overlaps and the\n"
	  "entry the kernel picks; the log sink and whether the execs of users\n"
	  "other than root are recorded anywhere (the collector, a log they may\n"
	  "write, syslog); for each entry whether it works in containers, and\n"
	  "for a pinned file its real disk cost and whether its emulator is\n"
	  "stale. Exit 1 when one of ours is broken or stale, or those execs\n"
	  "are recorded nowhere.\n" },
	{ "explain", cmd_explain, OPT_JSON, 1, -1, "explain [--json] FILE...",
	  "What each file is, which entry the kernel would pick, whether the host\n"
	  "runs it natively, the emulator and sysroot the shim would use, and the\n"
	  "verdict native | emulated | no-handler | broken, with a reason and a fix;\n"
	  "whether that entry runs it in containers too.\n"
	  "Exit 1 when a file cannot run here.\n" },
	{ "fingerprint", cmd_fingerprint, OPT_JSON | OPT_COMPARE, 0, 0,
	  "fingerprint [--json] [--compare BASELINE.json]",
	  "The host's environment: arch, OS, bits, kernel, page size, libc,\n"
	  "container, binfmt_misc, emulators, compat arches, Go.\n"
	  "  --compare FILE  compare with a baseline; exit 1 when arch, OS, bits,\n"
	  "                  emulator coverage or emulator versions differ, 2 when\n"
	  "                  FILE is not a baseline (with --json: both as JSON)\n" },
	{ "verify", cmd_verify, OPT_JSON, 0, -1, "verify [--json] [ARCH...]",
	  "Prove the chain for each registered arch (or the ones named): run a\n"
	  "tiny program for it made in memory, check its exit status, the argv[0]\n"
	  "round trip (P flag) and that the shim wrote a record; then run it\n"
	  "again in a throwaway container (empty root, /proc, new mount and PID\n"
	  "namespaces). Exit 1 when any run fails.\n" },
	{ "persist", cmd_persist, OPT_PRINT | OPT_OUTPUT, 0, 0,
	  "persist [--print] [--output FILE]",
	  "Write a binfmt.d file (systemd-binfmt format) for the live\n"
	  "binfmt-shim-* entries, default /etc/binfmt.d/zz-binfmt-shim.conf.\n"
	  "  --print       write it to stdout instead\n"
	  "  --output FILE write it to FILE instead\n" },
	{ "log", cmd_log, OPT_ARGV, 0, -1,
	  "log [--file PATH]... [--rotated] [--since T] [--until T] [--arch A]\n"
	  "      [--uid U] [--path P] [--verdict V] [--follow] [--stats] [--json]",
	  "The runs in the log, one row each: time, user, arch, emulator, exit,\n"
	  "duration, path; the collector's exec and exit records joined by id.\n"
	  "  --file PATH    read PATH (repeatable; '-' is stdin, *.gz through gzip);\n"
	  "                 default: $BINFMT_SHIM_LOG, [log] path of the config,\n"
	  "                 the per-user file of exec and run when it exists,\n"
	  "                 " CONFIG_LOG_DEFAULT "\n"
	  "  --rotated      also read PATH.N[.gz] ... PATH.1[.gz] first (logrotate)\n"
	  "  --since T, --until T\n"
	  "                 runs started from/until T: RFC 3339 (2026-11-27T10:30Z,\n"
	  "                 2026-11-27; UTC unless an offset is given) or a span\n"
	  "                 back from now (90s, 30m, 1h, 2d, 1w)\n"
	  "  --arch A       QEMU name or alias (arm64, linux/arm64, armhf)\n"
	  "  --uid U        user number or name\n"
	  "  --path P       substring of the path, or a glob (*.test) of the path\n"
	  "                 or of its file name\n"
	  "  --verdict V    run, deny, fail (the shim's decision) or ok, nonzero,\n"
	  "                 signal, running, unknown, unrecorded (how it ended)\n"
	  "                 Repeat a filter for either value; different filters\n"
	  "                 must all match.\n"
	  "  --follow       keep reading as the log grows and across rotation\n"
	  "                 (tail -F); runs show when they end; Ctrl-C stops\n"
	  "  --stats        counts by outcome, decision, arch; the failures\n"
	  "                 first; the most-run binaries\n"
	  "  --json         JSON Lines, one run each (with --stats: one object)\n"
	  "  --window N     runs held back for their exit, in start order\n"
	  "                 (default 10000; memory stays bounded)\n" },
	{ "exec", cmd_exec, OPT_ARGV, 0, -1,
	  "exec [--arch A]... [--log PATH] [--config FILE] -- CMD [ARGS]",
	  "Run CMD and all it starts in a user namespace of your own whose private\n"
	  "binfmt_misc has the shim for every foreign arch: no root, the host\n"
	  "untouched. Records: --log, else ~/" CONFIG_USER_STATE_HOME "/" CONFIG_USER_LOG_NAME ".\n"
	  "'exec --help' for the options.\n" },
	{ "run", cmd_run, OPT_ARGV, 1, -1, "run FILE [ARGS]",
	  "Run one foreign program through the shim with no binfmt_misc: the\n"
	  "runner hook of go test, cargo, ctest and meson (docs/cross-runners.md).\n" },
	{ "env", cmd_env, OPT_ARGV, 0, -1, "env [--goarches]",
	  "Print the shell line that puts the go_linux_<goarch>_exec runner hooks\n"
	  "on PATH: eval \"$(binfmt-shim env)\".\n"
	  "  --goarches    the GOARCH names that get a hook, one a line\n" },
};
#define NSUBCMDS (sizeof(subcmds) / sizeof(subcmds[0]))

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "all", no_argument, NULL, 'a' },
	{ "flags", required_argument, NULL, 'f' },
	{ "shim", required_argument, NULL, 's' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "replace", no_argument, NULL, 'r' },
	{ "compare", required_argument, NULL, 'c' },
	{ "print", no_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* getopt character -> OPT_* bit. */
static const struct { int ch; unsigned bit; } opt_bits[] = {
	{ 'j', OPT_JSON }, { 'a', OPT_ALL }, { 'f', OPT_FLAGS },
	{ 's', OPT_SHIM }, { 'n', OPT_DRY_RUN }, { 'r', OPT_REPLACE },
	{ 'c', OPT_COMPARE }, { 'p', OPT_PRINT }, { 'o', OPT_OUTPUT },
};

/* One line on stderr. Fields that came from outside are escaped where
 * they are put in (T()); the whole message goes through the escaper
 * once more, so no control byte reaches the terminal even from a field
 * that was not. */
static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char msg[16384];
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		n = 0;
	fprintf(stderr, "%s: %s", prog_name, kind);
	t_text(stderr, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	fputc('\n', stderr);
}

void err_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void warn_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void note_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", prog_name);
	for (i = 0; i < NSUBCMDS; i++)
		fprintf(f, "  %s\n", subcmds[i].synopsis);
	fprintf(f, "\n'%s COMMAND --help' or '%s help COMMAND' for details;\n"
		"'%s --version' for the version; man binfmt-shim(8).\n"
		"Exit status: 0 ok, 1 a check failed, 2 usage or system error.\n",
		prog_name, prog_name, prog_name);
}

void cmd_usage(const struct subcmd *s, FILE *f)
{
	fprintf(f, "usage: %s %s\n\n%s", prog_name, s->synopsis, s->help);
	if (s->allowed & OPT_JSON)
		fprintf(f, "  --json        machine-readable output\n");
}

static const struct subcmd *find_subcmd(const char *name)
{
	size_t i;

	for (i = 0; i < NSUBCMDS; i++)
		if (strcmp(subcmds[i].name, name) == 0)
			return &subcmds[i];
	return NULL;
}

static const char *opt_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof(opt_bits) / sizeof(opt_bits[0]); i++)
		if (opt_bits[i].bit == bit)
			return long_opts[i].name;
	return "?";
}

/* Returns -1 to go on, else the exit status (help or a usage error). */
int select_arches(const struct cli *c, bool *sel)
{
	const struct arch *a;
	int i;

	memset(sel, 0, arch_count * sizeof(*sel));
	if (c->opts & OPT_ALL) {
		memset(sel, 1, arch_count * sizeof(*sel));
		return 0;
	}
	for (i = 0; i < c->nargs; i++) {
		a = arch_by_name(c->args[i]);
		if (!a) {
			err_msg("%s: unknown arch '%s'; '%s arches' lists the names "
				"and aliases", c->cmd->name, c->args[i], prog_name);
			return -EINVAL;
		}
		sel[a - arch_table] = true;
	}
	return 0;
}

/* The subcommand's options and arguments (argv[0] is its name) into c:
 * -1 to run it, else the exit status (the error or help printed). */
static int parse_options(int argc, char **argv, struct cli *c)
{
	int ch;
	size_t k;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_usage(c->cmd, stdout);
			return EXIT_OK;
		}
		if (ch == '?' || ch == ':') {
			err_msg("%s: unknown option or missing value '%s'; see '%s %s --help'",
				c->cmd->name, argv[optind - 1], prog_name, c->cmd->name);
			return EXIT_USAGE;
		}
		for (k = 0; k < sizeof(opt_bits) / sizeof(opt_bits[0]); k++)
			if (opt_bits[k].ch == ch)
				break;
		if (!(c->cmd->allowed & opt_bits[k].bit)) {
			err_msg("%s does not take --%s; see '%s %s --help'",
				c->cmd->name, opt_name(opt_bits[k].bit),
				prog_name, c->cmd->name);
			return EXIT_USAGE;
		}
		c->opts |= opt_bits[k].bit;
		if (ch == 'f')
			c->flags = optarg;
		else if (ch == 's')
			c->shim = optarg;
		else if (ch == 'c')
			c->compare = optarg;
		else if (ch == 'o')
			c->output = optarg;
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	if (c->nargs < c->cmd->min_args ||
	    (c->cmd->max_args >= 0 && c->nargs > c->cmd->max_args)) {
		err_msg("%s: wrong number of arguments; usage: %s %s",
			c->cmd->name, prog_name, c->cmd->synopsis);
		return EXIT_USAGE;
	}
	if ((c->opts & OPT_ALL) && c->nargs) {
		err_msg("%s: give either ARCH names or --all, not both",
			c->cmd->name);
		return EXIT_USAGE;
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct cli *c)
{
	memset(c, 0, sizeof(*c));
	c->flags = "FP";
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("%s %s\n", prog_name, BSHIM_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help") && argc >= 3) {
		/* help CMD is CMD --help: the command's own parser prints it,
		 * so the two never differ. */
		static char help_opt[] = "--help";
		static char *hargv[4];

		if (argc > 3 || !find_subcmd(argv[2])) {
			err_msg("help: %s '%s'; run '%s --help' for the list",
				argc > 3 ? "one command, not" : "unknown command",
				argc > 3 ? argv[3] : argv[2], prog_name);
			return EXIT_USAGE;
		}
		hargv[0] = argv[0];
		hargv[1] = argv[2];
		hargv[2] = help_opt;
		hargv[3] = NULL;
		argv = hargv;
		argc = 3;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	c->cmd = find_subcmd(argv[1]);
	if (!c->cmd) {
		err_msg("unknown command '%s'; run '%s --help' for the list",
			argv[1], prog_name);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	if (c->cmd->allowed & OPT_ARGV) {
		c->args = argv;
		c->nargs = argc;
		return -1;
	}
	return parse_options(argc, argv, c);
}

static int run(const struct cli *c)
{
	int rc;

	rc = c->cmd->run(c);
	if (fflush(stdout) == EOF && rc == EXIT_OK) {
		err_msg("writing the output: %s", strerror(errno));
		rc = EXIT_USAGE;
	}
	return rc;
}

/* Go's runner hook, go_<goos>_<goarch>_exec, is a link to this program
 * (make install): called by that name it is `binfmt-shim run`. */
static bool go_hook_name(const char *argv0)
{
	const char *b = strrchr(argv0, '/');
	size_t n;

	b = b ? b + 1 : argv0;
	n = strlen(b);
	return !strncmp(b, "go_", 3) && n > 8 && !strcmp(b + n - 5, "_exec");
}

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	if (argc >= 1 && go_hook_name(argv[0])) {
		memset(&c, 0, sizeof(c));
		c.cmd = find_subcmd("run");
		c.args = argv;
		c.nargs = argc;
		return run(&c);
	}
	rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		return rc;
	return run(&c);
}
