// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's help against its parsers, for every subcommand: each option a
 * command accepts is described in its --help, each option described (or in
 * the synopsis) is accepted, none is described twice; `help CMD` is
 * `CMD --help`; --version prints the VERSION file's version.
 *
 * Nothing here lists the options: the commands come from `binfmt-shim
 * --help`, the candidate options from every help text and from the getopt
 * tables of the .c files in loader/, and whether a command accepts one is asked of the
 * command itself: `CMD --opt[=VALUE] --help` reaches the help only when
 * the parser took the option (an unknown one, or one the command does not
 * take, is a usage error first). So a new option or a new command that
 * drifts from its help fails here without editing this file.
 */
#include <ctype.h>
#include <dirent.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "test_loader.h"

#define MAX_OPTS 256
#define MAX_CMDS 64

struct optset {
	char name[MAX_OPTS][32];
	bool has_arg[MAX_OPTS];		/* takes a value in some getopt table */
	size_t n;
};

static struct cli_result r;

static int set_find(const struct optset *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return (int)i;
	return -1;
}

static int set_add(struct optset *s, const char *name, size_t len)
{
	char buf[32];
	int k;

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	k = set_find(s, buf);
	if (k >= 0 || s->n == MAX_OPTS)
		return k;
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", buf);
	return (int)s->n++;
}

/* Every "--word" in text[0..len) (not a bare "--"), into s. */
static void scan_opts(struct optset *s, const char *text, size_t len)
{
	size_t i, j;

	for (i = 0; i + 2 < len; i++) {
		if (text[i] != '-' || text[i + 1] != '-' || (i && text[i - 1] == '-'))
			continue;
		if (!islower((unsigned char)text[i + 2]))
			continue;
		for (j = i + 2; j < len && (islower((unsigned char)text[j]) ||
					    isdigit((unsigned char)text[j]) || text[j] == '-'); j++)
			;
		set_add(s, text + i + 2, j - i - 2);
		i = j;
	}
}

/*
 * The options a help text describes: on a line that starts with spaces
 * and "--", the "--word"s before the description (which begins after two
 * spaces). dup[] gets one that is described on two lines.
 */
static void described(const char *help, struct optset *s, char *dup, size_t duplen)
{
	const char *line = help, *end, *p, *head_end;

	dup[0] = '\0';
	for (; *line; line = *end ? end + 1 : end) {
		struct optset one = { .n = 0 };
		size_t i;

		end = line + strcspn(line, "\n");
		for (p = line; p < end && *p == ' '; p++)
			;
		if (p == line || end - p < 3 || p[0] != '-' || p[1] != '-')
			continue;
		head_end = strstr(p, "  ");
		if (!head_end || head_end > end)
			head_end = end;
		scan_opts(&one, p, (size_t)(head_end - p));
		for (i = 0; i < one.n; i++) {
			if (set_find(s, one.name[i]) >= 0 && !dup[0])
				snprintf(dup, duplen, "--%s", one.name[i]);
			set_add(s, one.name[i], strlen(one.name[i]));
		}
	}
}

/* The synopsis: from "usage:" to the first empty line. */
static void synopsis(const char *help, struct optset *s)
{
	const char *end = strstr(help, "\n\n");

	scan_opts(s, help, end ? (size_t)(end - help) : strlen(help));
}

/* The long options of every getopt table in loader/: lines such as
 * { "file", required_argument, NULL, LOPT_FILE }. */
static void source_opts(struct optset *s)
{
	static char text[256 * 1024];
	char path[4096];
	struct dirent *d;
	DIR *dir;

	dir = opendir(BSHIM_TOP "/loader");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		const char *p;
		size_t n = strlen(d->d_name);

		if (n < 3 || strcmp(d->d_name + n - 2, ".c"))
			continue;
		snprintf(path, sizeof(path), BSHIM_TOP "/loader/%s", d->d_name);
		if (tl_read_file(path, text, sizeof(text)) < 0)
			continue;
		for (p = text; (p = strstr(p, "{ \"")); p++) {
			const char *q = p + 3, *e = strchr(q, '"');
			int k;

			if (!e || strncmp(e, "\", ", 3))
				continue;
			if (strncmp(e + 3, "no_argument", 11) &&
			    strncmp(e + 3, "required_argument", 17) &&
			    strncmp(e + 3, "optional_argument", 17))
				continue;
			k = set_add(s, q, (size_t)(e - q));
			if (k >= 0 && !strncmp(e + 3, "required_argument", 17))
				s->has_arg[k] = true;
		}
	}
	closedir(dir);
}

/* The subcommands, from the first word of each line under "commands:". */
static size_t commands(const char *usage, char cmds[][32])
{
	const char *p = strstr(usage, "commands:\n"), *end;
	size_t n = 0, w;

	if (!p)
		return 0;
	for (p = strchr(p, '\n') + 1; *p == ' ' && n < MAX_CMDS; p = end + 1) {
		end = p + strcspn(p, "\n");
		while (*p == ' ')
			p++;
		w = strcspn(p, " \n");
		if (w && w < 32 && islower((unsigned char)*p))
			snprintf(cmds[n++], 32, "%.*s", (int)w, p);
		if (!*end)
			break;
	}
	return n;
}

/* What differs, one line each, for one EXPECT at the end. */
static char problems[16384];

static void __attribute__((format(printf, 2, 3)))
drift(const char *cmd, const char *fmt, ...)
{
	size_t n = strlen(problems);
	va_list ap;

	n += (size_t)snprintf(problems + n, sizeof(problems) - n, "\n%s: ", cmd);
	if (n >= sizeof(problems))
		return;
	va_start(ap, fmt);
	vsnprintf(problems + n, sizeof(problems) - n, fmt, ap);
	va_end(ap);
}

static bool shows_usage(const struct cli_result *res)
{
	return res->status == 0 && !strncmp(res->out, "usage:", 6);
}

/* The parsers' words for an option they do not take (main.c, log.c,
 * exec.c, envcmd.c): no other value is tried then. Only a shortcut: an
 * option is taken only when the help is reached after it. */
static bool refused(const struct cli_result *res)
{
	return strstr(res->err, "unknown option") || strstr(res->err, "does not take") ||
	       strstr(res->err, "unexpected argument");
}

/* Whether cmd takes --opt: the help must be reached after it. A value
 * one parser refuses (a time, a number, an arch name) is followed by the
 * next one. */
static bool accepts(const char *cmd, const char *opt, bool has_arg)
{
	static const char *const values[] = { "aarch64", "1h", "run", "1", NULL };
	char arg[64];
	size_t i;

	if (has_arg) {
		for (i = 0; values[i]; i++) {
			snprintf(arg, sizeof(arg), "--%s=%s", opt, values[i]);
			cli_run(&r, cmd, arg, "--help", NULL);
			if (shows_usage(&r))
				return true;
			if (refused(&r))
				return false;
		}
		return false;
	}
	snprintf(arg, sizeof(arg), "--%s", opt);
	cli_run(&r, cmd, arg, "--help", NULL);
	return shows_usage(&r);
}

/* Some 600 runs of the CLI: longer than the harness's 30 s default on a
 * busy machine. */
FIXTURE(help) {
	char dir[64];
};

FIXTURE_SETUP(help)
{
	self->dir[0] = '\0';
}

FIXTURE_TEARDOWN(help)
{
	if (self->dir[0]) {
		char log[sizeof(self->dir) + 32];

		(void)!chdir("/");
		/* what `run` recorded under XDG_STATE_HOME, if it did */
		snprintf(log, sizeof(log), "%s/binfmt-shim/exec.jsonl", self->dir);
		unlink(log);
		snprintf(log, sizeof(log), "%s/binfmt-shim", self->dir);
		rmdir(log);
		rmdir(self->dir);
	}
}

TEST_F(help, every_command_describes_exactly_the_options_it_takes)
{
	static char cmds[MAX_CMDS][32], help[CLI_OUT_MAX];
	static struct optset all, desc, syn;
	char dup[64], dir[] = "/tmp/bshim-help.XXXXXX";	/* empty, as the cwd */
	size_t ncmd, c, i;

	CLI_OR_SKIP();
	/* Probes that reach a command never get past --help; a private
	 * binfmt_misc and system paths all the same, and an empty cwd. */
	PRIVATE_OR_SKIP();
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(self->dir, sizeof(self->dir), "%s", dir);
	ASSERT_EQ(0, chdir(dir));
	/* `run` reached with an option for a binary records the failure in
	 * the caller's own log: here, not the user's ~/.local/state. */
	ASSERT_EQ(0, setenv("XDG_STATE_HOME", dir, 1));

	ASSERT_EQ(0, cli_run(&r, "--help", NULL));
	ncmd = commands(r.out, cmds);
	ASSERT_LE(10, ncmd) TH_LOG("%s", r.out);
	memset(&all, 0, sizeof(all));
	scan_opts(&all, r.out, strlen(r.out));
	source_opts(&all);
	ASSERT_LE(20, all.n);
	for (c = 0; c < ncmd; c++) {
		EXPECT_EQ(0, cli_run(&r, cmds[c], "--help", NULL))
			TH_LOG("%s --help: %s", cmds[c], r.err);
		scan_opts(&all, r.out, strlen(r.out));
	}

	for (c = 0; c < ncmd; c++) {
		if (cli_run(&r, cmds[c], "--help", NULL))
			continue;	/* said above */
		snprintf(help, sizeof(help), "%s", r.out);
		memset(&desc, 0, sizeof(desc));
		memset(&syn, 0, sizeof(syn));
		described(help, &desc, dup, sizeof(dup));
		synopsis(help, &syn);
		if (dup[0])
			drift(cmds[c], "describes %s twice", dup);
		for (i = 0; i < syn.n; i++)
			if (set_find(&desc, syn.name[i]) < 0)
				drift(cmds[c], "--%s is in the synopsis but not described",
				      syn.name[i]);
		for (i = 0; i < all.n; i++) {
			bool takes, listed = set_find(&desc, all.name[i]) >= 0;

			if (!strcmp(all.name[i], "help"))
				continue;
			takes = accepts(cmds[c], all.name[i], all.has_arg[i]);
			if (takes != listed)
				drift(cmds[c], "--%s is %s but %s in its --help", all.name[i],
				      takes ? "accepted" : "refused",
				      listed ? "described" : "not described");
		}
	}
	EXPECT_STREQ("", problems);
}

TEST(help_cmd_is_cmd_help)
{
	static char cmds[MAX_CMDS][32], want[CLI_OUT_MAX];
	size_t ncmd, c;

	CLI_OR_SKIP();
	ASSERT_EQ(0, cli_run(&r, "--help", NULL));
	ncmd = commands(r.out, cmds);
	ASSERT_LE(10, ncmd);
	for (c = 0; c < ncmd; c++) {
		ASSERT_EQ(0, cli_run(&r, cmds[c], "--help", NULL)) TH_LOG("%s", cmds[c]);
		snprintf(want, sizeof(want), "%s", r.out);
		EXPECT_EQ(0, cli_run(&r, "help", cmds[c], NULL)) TH_LOG("help %s", cmds[c]);
		EXPECT_STREQ(want, r.out) TH_LOG("help %s", cmds[c]);
	}
	EXPECT_EQ(2, cli_run(&r, "help", "no-such-command", NULL));
	EXPECT_NE(NULL, strstr(r.err, "unknown command"));
	/* help alone is the list of commands. */
	ASSERT_EQ(0, cli_run(&r, "--help", NULL));
	snprintf(want, sizeof(want), "%s", r.out);
	EXPECT_EQ(0, cli_run(&r, "help", NULL));
	EXPECT_STREQ(want, r.out);
}

TEST(version_of_both_programs_is_the_version_file)
{
	char ver[64], want[128], shimd[4096];
	char *argv[] = { shimd, "--version", NULL };
	int st;

	CLI_OR_SKIP();
	ASSERT_LT(0, tl_read_file(BSHIM_TOP "/VERSION", ver, sizeof(ver)));
	ver[strcspn(ver, "\n")] = '\0';
	ASSERT_NE('\0', ver[0]);
	snprintf(want, sizeof(want), "binfmt-shim %s\n", ver);
	EXPECT_EQ(0, cli_run(&r, "--version", NULL));
	EXPECT_STREQ(want, r.out);

	tl_build("binfmt-shimd", shimd, sizeof(shimd));
	if (!tl_have(shimd))
		SKIP(return, "build/binfmt-shimd is not built");
	st = tl_run(argv, NULL, 0, r.out, sizeof(r.out), r.err, sizeof(r.err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	snprintf(want, sizeof(want), "binfmt-shimd %s\n", ver);
	EXPECT_STREQ(want, r.out);
}

TEST_HARNESS_MAIN
