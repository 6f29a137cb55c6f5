// SPDX-License-Identifier: GPL-2.0
/*
 * `binfmt-shim log`: read the JSON Lines log of the shim and the collector
 * (docs/log-format.md), join exec and exit records, filter, and show a
 * table, JSON Lines or statistics; --follow keeps reading like tail -F.
 *
 * This file: the options, the input files (plain, rotated, gzip'd through
 * gzip -dc), the line reader and the follow loop. logrec.c parses a line,
 * logjoin.c joins and prints, logstats.c counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "loader.h"
#include "rootless.h"
#include "logrec.h"
#include "logscan.h"

/* A record is at most a few times the shim's 4096-byte string cap; a line
 * longer than this is not one of ours and is skipped in bounded memory. */
#define LOG_LINE_MAX (1u << 20)
#define READ_CHUNK (64u << 10)
/* Runs held back for their exit record (--window). */
#define WINDOW_DEFAULT 10000
#define WINDOW_MAX 10000000
/* --follow polls the files this often (tail -F does once a second). */
#define FOLLOW_POLL_MS 200
#define MAX_FILES 256

struct src {
	char path[PATH_MAX];
	int fd;
	pid_t child;			/* gzip -dc, 0: none */
	bool gz;			/* read through gzip -dc */
	bool follow;			/* a regular file we keep reading */
	dev_t dev;
	ino_t ino;
	off_t off;
	char *buf;
	size_t start, end;
	bool skipping;			/* inside an over-long line */
	unsigned long long lineno;
};

struct log_args {
	struct src *src;
	size_t nsrc;
	bool rotated;
	bool named;			/* --file given: no default path */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

enum {
	LOPT_FILE = 256, LOPT_SINCE, LOPT_UNTIL, LOPT_ARCH, LOPT_UID, LOPT_PATH, LOPT_VERDICT,
	LOPT_FOLLOW, LOPT_STATS, LOPT_JSON, LOPT_WINDOW, LOPT_ROTATED, LOPT_HELP,
};

static const struct option log_opts[] = {
	{ "file", required_argument, NULL, LOPT_FILE },
	{ "since", required_argument, NULL, LOPT_SINCE },
	{ "until", required_argument, NULL, LOPT_UNTIL },
	{ "arch", required_argument, NULL, LOPT_ARCH },
	{ "uid", required_argument, NULL, LOPT_UID },
	{ "path", required_argument, NULL, LOPT_PATH },
	{ "verdict", required_argument, NULL, LOPT_VERDICT },
	{ "follow", no_argument, NULL, LOPT_FOLLOW },
	{ "stats", no_argument, NULL, LOPT_STATS },
	{ "json", no_argument, NULL, LOPT_JSON },
	{ "window", required_argument, NULL, LOPT_WINDOW },
	{ "rotated", no_argument, NULL, LOPT_ROTATED },
	{ "help", no_argument, NULL, LOPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* --verdict names: a decision of the record or an outcome of the run. */
static const struct {
	const char *name;
	unsigned events, outcomes;
} verdicts[] = {
	{ "run", 1u << LE_EXEC, 0 },
	{ "deny", 1u << LE_DENY, 0 },
	{ "fail", 1u << LE_FAIL, 0 },
	{ "ok", 0, 1u << LO_OK },
	{ "nonzero", 0, 1u << LO_NONZERO },
	{ "signal", 0, 1u << LO_SIGNAL },
	{ "running", 0, 1u << LO_RUNNING },
	{ "unknown", 0, 1u << LO_UNKNOWN },
	{ "unrecorded", 0, 1u << LO_UNRECORDED },
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* RFC 3339 or a span back from now. */
static int parse_when(const char *s, int64_t *us)
{
	int64_t span;

	if (logscan_time(s, strlen(s), us) == 0)
		return 0;
	if (logscan_span(s, &span) == 0) {
		*us = now_us() - span;
		return 0;
	}
	return -EINVAL;
}

static int parse_uid(const char *s, long long *uid)
{
	struct passwd *pw;
	char *end;

	errno = 0;
	*uid = strtoll(s, &end, 10);
	if (*s && !*end && !errno && *uid >= 0 && *uid <= UINT32_MAX)
		return 0;
	pw = getpwnam(s);
	if (!pw)
		return -ENOENT;
	*uid = pw->pw_uid;
	return 0;
}

/*
 * The file to read: the caller's own copy where the caller has one
 * (BINFMT_SHIM_LOG, else [log] path of BINFMT_SHIM_CONFIG, else the
 * per-user file of exec and run when it exists), else the
 * system log the shim writes ([log] path of the system file, the default).
 */
static void default_log(char *buf, size_t len)
{
	const char *u = getenv("BINFMT_SHIM_CONFIG"), *own;
	struct shim_config cfg;
	char cpath[PATH_MAX];
	bool have_u = u && *u && load_config_file(u, &cfg) != -ENOENT;

	own = config_user_log(getenv("BINFMT_SHIM_LOG"), have_u ? &cfg : NULL);
	if (own) {
		snprintf(buf, len, "%s", own);
		return;
	}
	/* The copy `binfmt-shim exec` and `run` keep by default. */
	if (user_log_default(buf, len) == 0 && access(buf, F_OK) == 0)
		return;
	load_shim_config(&cfg, cpath, sizeof(cpath));
	snprintf(buf, len, "%s", config_log_path(&cfg, NULL));
}

static int add_src(struct log_args *a, const char *path)
{
	if (a->nsrc >= MAX_FILES) {
		err_msg("log: more than %d files; give fewer --file options", MAX_FILES);
		return -E2BIG;
	}
	memset(&a->src[a->nsrc], 0, sizeof(a->src[0]));
	snprintf(a->src[a->nsrc].path, sizeof(a->src[0].path), "%s", path);
	a->src[a->nsrc].fd = -1;
	a->nsrc++;
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* PATH.N[.gz] ... PATH.1[.gz], oldest first (logrotate's numbering), then
 * PATH itself. */
static int add_rotated(struct log_args *a, const char *path)
{
	char p[PATH_MAX + 32];
	unsigned n, last = 0;
	int err;

	for (n = 1; n < 1000; n++) {
		snprintf(p, sizeof(p), "%s.%u", path, n);
		if (exists(p))
			last = n;
		else if (snprintf(p, sizeof(p), "%s.%u.gz", path, n), exists(p))
			last = n;
		else
			break;
	}
	for (n = last; n >= 1; n--) {
		snprintf(p, sizeof(p), "%s.%u", path, n);
		if (!exists(p))
			snprintf(p, sizeof(p), "%s.%u.gz", path, n);
		err = add_src(a, p);
		if (err)
			return err;
	}
	return add_src(a, path);
}

static void usage_log(const struct cli *c, FILE *f)
{
	fprintf(f, "usage: %s %s\n\n%s", prog_name, c->cmd->synopsis, c->cmd->help);
}

/* A command line that does not parse: said once, on stderr; returns the
 * exit status, which each caller returns itself. */
static int __attribute__((format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	char msg[16384];	/* err_msg's own bound */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_msg("%s", msg);
	return EXIT_USAGE;
}

/* What the options say beyond the view: the files named, the output. */
struct log_cmdline {
	const char *files[MAX_FILES];
	size_t nfiles;
	bool json, stats;
};

/* The option handlers below return -1 to go on, else the exit status. */

static int opt_verdict(const char *arg, struct log_filter *f)
{
	size_t i;

	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (!strcmp(arg, verdicts[i].name))
			break;
	if (i == sizeof(verdicts) / sizeof(verdicts[0]))
		return bad_usage("log: --verdict '%s' is not one of run, deny, "
				 "fail, ok, nonzero, signal, running, unknown, "
				 "unrecorded", arg);
	f->events |= verdicts[i].events;
	f->outcomes |= verdicts[i].outcomes;
	return -1;
}

/* --since, --until, --arch, --uid, --path, --verdict. */
static int filter_opt(int ch, const char *arg, struct log_filter *f)
{
	const struct arch *arch;

	switch (ch) {
	case LOPT_SINCE:
	case LOPT_UNTIL:
		if (parse_when(arg, ch == LOPT_SINCE ? &f->since : &f->until) < 0)
			return bad_usage("log: --%s '%s' is neither an RFC 3339 time "
					 "(2026-11-27T10:30:00Z, 2026-11-27) nor a span "
					 "back from now (90s, 30m, 1h, 2d, 1w)",
					 ch == LOPT_SINCE ? "since" : "until", arg);
		return -1;
	case LOPT_ARCH:
		arch = arch_by_name(arg);
		if (!arch)
			return bad_usage("log: unknown arch '%s'; '%s arches' lists the "
					 "names and aliases", arg, prog_name);
		if (f->narch >= LOG_FILTER_MAX)
			return bad_usage("log: more than %d --arch options", LOG_FILTER_MAX);
		f->arch[f->narch++] = arch->name;
		return -1;
	case LOPT_UID:
		if (f->nuid >= LOG_FILTER_MAX)
			return bad_usage("log: more than %d --uid options", LOG_FILTER_MAX);
		if (parse_uid(arg, &f->uid[f->nuid]) < 0)
			return bad_usage("log: --uid '%s' is neither a number nor a user "
					 "name known here", arg);
		f->nuid++;
		return -1;
	case LOPT_PATH:
		if (f->npath >= LOG_FILTER_MAX)
			return bad_usage("log: more than %d --path options", LOG_FILTER_MAX);
		f->path[f->npath++] = arg;
		return -1;
	default:	/* LOPT_VERDICT */
		return opt_verdict(arg, f);
	}
}

/* --follow, --stats, --json, --window. */
static int output_opt(int ch, const char *arg, struct log_view *v,
		      struct log_cmdline *l)
{
	unsigned long long w;
	char *end;

	switch (ch) {
	case LOPT_FOLLOW:
		v->follow = true;
		return -1;
	case LOPT_STATS:
		l->stats = true;
		return -1;
	case LOPT_JSON:
		l->json = true;
		return -1;
	default:	/* LOPT_WINDOW */
		errno = 0;
		w = strtoull(arg, &end, 10);
		if (!*arg || *end || errno || w < 1 || w > WINDOW_MAX)
			return bad_usage("log: --window takes a number of runs, 1 to %d",
					 WINDOW_MAX);
		v->window = (size_t)w;
		return -1;
	}
}

/* One option, by its group. */
static int log_opt(const struct cli *c, int ch, struct log_args *a,
		   struct log_view *v, struct log_cmdline *l)
{
	switch (ch) {
	case 'h':
	case LOPT_HELP:
		usage_log(c, stdout);
		return EXIT_OK;
	case LOPT_FILE:
		if (l->nfiles >= MAX_FILES)
			return bad_usage("log: more than %d --file options", MAX_FILES);
		l->files[l->nfiles++] = optarg;
		return -1;
	case LOPT_ROTATED:
		a->rotated = true;
		return -1;
	case LOPT_SINCE:
	case LOPT_UNTIL:
	case LOPT_ARCH:
	case LOPT_UID:
	case LOPT_PATH:
	case LOPT_VERDICT:
		return filter_opt(ch, optarg, &v->filter);
	case LOPT_FOLLOW:
	case LOPT_STATS:
	case LOPT_JSON:
	case LOPT_WINDOW:
		return output_opt(ch, optarg, v, l);
	default:
		return bad_usage("log: unknown option or missing value '%s'; see '%s log --help'",
				 c->args[optind - 1], prog_name);
	}
}

/* The files to read, --rotated ones expanded; the default log when none
 * was named. -1 to go on, else the exit status. */
static int log_sources(struct log_args *a, struct log_cmdline *l)
{
	size_t i;
	int err;

	a->named = l->nfiles > 0;
	if (!l->nfiles) {
		static char dflt[PATH_MAX];

		default_log(dflt, sizeof(dflt));
		l->files[l->nfiles++] = dflt;
	}
	for (i = 0; i < l->nfiles; i++) {
		err = a->rotated && strcmp(l->files[i], "-") ? add_rotated(a, l->files[i]) :
			add_src(a, l->files[i]);
		if (err)
			return EXIT_USAGE;
	}
	return -1;
}

/* -1 to go on, else the exit status. */
static int parse_log_args(const struct cli *c, struct log_args *a,
			  struct log_view *v)
{
	struct log_cmdline l = { .nfiles = 0 };
	struct log_filter *f = &v->filter;
	int ch, rc;

	f->since = f->until = -1;
	v->window = WINDOW_DEFAULT;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(c->nargs, c->args, "h", log_opts, NULL)) != -1) {
		rc = log_opt(c, ch, a, v, &l);
		if (rc >= 0)
			return rc;
	}
	if (optind < c->nargs)
		return bad_usage("log: unexpected argument '%s'; name log files with --file",
				 c->args[optind]);
	if (f->since >= 0 && f->until >= 0 && f->since > f->until)
		return bad_usage("log: --since is later than --until: nothing can match");
	v->mode = l.stats ? LM_STATS : l.json ? LM_JSON : LM_TABLE;
	v->json = l.json;
	return log_sources(a, &l);
}

/* gzip -dc path, its stdout as our fd (no shell: the path is data). */
static int open_gz(struct src *s)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		execlp("gzip", "gzip", "-dc", "--", s->path, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	s->fd = pfd[0];
	s->child = pid;
	return 0;
}

/* Open now, so a missing file is an error before any output; a gzip
 * child is started only when its turn to be read comes. */
static int open_src(struct src *s, bool follow)
{
	struct stat st;

	if (!strcmp(s->path, "-")) {
		s->fd = 0;
		return 0;
	}
	if (ends_with(s->path, ".gz")) {
		s->gz = true;
		return access(s->path, R_OK) < 0 ? -errno : 0;
	}
	s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	if (fstat(s->fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	s->follow = follow && S_ISREG(st.st_mode);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
}

/* -EIO when gzip failed (what it gave was read, the rest is missing). */
static int close_src(struct src *s)
{
	int status, err = 0;

	if (s->fd > 0)
		close(s->fd);
	s->fd = -1;
	if (s->child > 0) {
		while (waitpid(s->child, &status, 0) < 0 && errno == EINTR)
			;
		/* Stopped early by a signal: gzip's SIGPIPE is ours. */
		if ((!WIFEXITED(status) || WEXITSTATUS(status)) && !stop) {
			err = -EIO;
			err_msg("log: %s: gzip -dc failed (status %d); is it a gzip "
				 "file, and is gzip installed?", s->path,
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		}
		s->child = 0;
	}
	free(s->buf);
	s->buf = NULL;
	return err;
}

static void one_line(struct log_view *v, struct src *s, char *line, size_t len)
{
	struct log_rec r;
	int err;

	s->lineno++;
	v->counts.lines++;
	err = log_rec_parse(line, len, &r);
	if (err == -EPROTO) {
		v->counts.unknown++;
		return;
	}
	if (err) {
		if (!v->counts.bad_lines++)
			snprintf(v->counts.first_bad, sizeof(v->counts.first_bad),
				 "%.480s:%llu", s->path, s->lineno);
		return;
	}
	log_view_rec(v, &r);
}

/*
 * Read what is there now and hand over every complete line. At the end of
 * the input (final) a last line without '\n' counts too; while following,
 * it waits for the rest. Returns the bytes read (0: nothing new), or
 * -errno when a read failed.
 */
static long read_src(struct log_view *v, struct src *s, bool final)
{
	long total = 0;
	ssize_t n;
	char *nl;
	int err;

	if (s->gz && s->fd < 0 && (err = open_gz(s)) < 0)
		return err;
	if (!s->buf) {
		s->buf = malloc(LOG_LINE_MAX + READ_CHUNK);
		if (!s->buf)
			return -ENOMEM;
	}
	for (;;) {
		if (s->start == s->end)
			s->start = s->end = 0;
		if (s->end + READ_CHUNK > LOG_LINE_MAX + READ_CHUNK) {
			/* Make room: move the partial line to the front. */
			memmove(s->buf, s->buf + s->start, s->end - s->start);
			s->end -= s->start;
			s->start = 0;
		}
		if (s->end - s->start >= LOG_LINE_MAX) {
			/* Too long to be a record: drop it up to its '\n'. */
			if (!s->skipping) {
				v->counts.long_lines++;
				s->lineno++;
			}
			s->skipping = true;
			s->start = s->end = 0;
		}
		n = read(s->fd, s->buf + s->end, READ_CHUNK);
		if (n < 0 && errno == EINTR && !stop)
			continue;
		if (n < 0)
			return -errno;	/* the lines before it were handed over */
		if (n == 0)
			break;
		s->off += n;
		total += n;
		s->end += (size_t)n;
		while ((nl = memchr(s->buf + s->start, '\n', s->end - s->start))) {
			size_t len = (size_t)(nl - (s->buf + s->start));

			if (s->skipping)
				s->skipping = false;
			else
				one_line(v, s, s->buf + s->start, len);
			s->start += len + 1;
		}
		if (stop)
			break;
	}
	if (final && s->end > s->start && !s->skipping)
		one_line(v, s, s->buf + s->start, s->end - s->start);
	if (final) {
		s->start = s->end = 0;
		s->skipping = false;
	}
	return total;
}

/*
 * Whether the file at s->path is another one now (logrotate's rename and
 * create: a new inode) or the same one cut short (copytruncate). The old
 * descriptor is drained first, so nothing written before the switch is
 * missed; while the path is missing (between rename and create) we wait.
 */
static void check_rotation(struct log_view *v, struct src *s)
{
	struct stat st;
	int fd;

	if (stat(s->path, &st) < 0)
		return;
	if (st.st_dev == s->dev && st.st_ino == s->ino) {
		if (st.st_size < s->off) {
			lseek(s->fd, 0, SEEK_SET);
			s->off = 0;
			s->start = s->end = 0;
			s->lineno = 0;
		}
		return;
	}
	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	read_src(v, s, true);
	close(s->fd);
	s->fd = fd;
	if (fstat(fd, &st) == 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
	}
	s->off = 0;
	s->lineno = 0;
}

static void follow_loop(struct log_view *v, struct log_args *a)
{
	struct timespec ts = { 0, FOLLOW_POLL_MS * 1000000L };
	size_t i;
	bool any;

	while (!stop) {
		any = false;
		for (i = 0; i < a->nsrc && !stop; i++) {
			if (!a->src[i].follow)
				continue;
			any = true;
			check_rotation(v, &a->src[i]);
			read_src(v, &a->src[i], false);
		}
		fflush(v->out);
		if (!any)
			break;
		nanosleep(&ts, NULL);
	}
}

static void report(const struct log_view *v)
{
	const struct log_counts *k = &v->counts;

	if (k->bad_lines)
		warn_msg("log: skipped %llu line(s) that are not JSON objects, the "
			 "first at %s (a full disk leaves such partial lines)",
			 k->bad_lines, T(k->first_bad));
	if (k->unknown)
		warn_msg("log: skipped %llu record(s) of another schema version "
			 "or an unknown event; a newer %s may read them",
			 k->unknown, prog_name);
	if (k->long_lines)
		warn_msg("log: skipped %llu line(s) longer than %u bytes",
			 k->long_lines, LOG_LINE_MAX);
	if (k->lost && !v->follow)
		warn_msg("log: the collector lost %llu record(s) (%s); see its "
			 "journal", k->lost, k->lost_reason[0] ? T(k->lost_reason) :
			 "no reason given");
	if (k->rejected && !v->follow)
		warn_msg("log: the collector rejected %llu message(s) (%s); those "
			 "shims wrote to their own log", k->rejected,
			 k->rejected_reason[0] ? T(k->rejected_reason) : "no reason given");
	if (k->unrecorded)
		warn_msg("log: at least %llu exec(s) were recorded nowhere: no collector "
			 "took them, the log was not theirs to write and no syslog "
			 "daemon listened; the record after them says so "
			 "(unrecorded_before); binfmt-shim status names the cause",
			 k->unrecorded);
	if (k->window_cut)
		warn_msg("log: %llu run(s) shown without their exit: more than %zu "
			 "runs were waiting for one (raise --window)",
			 k->window_cut, v->window);
}

int cmd_log(const struct cli *c)
{
	struct src srcs[MAX_FILES];
	struct log_args a = { .src = srcs };
	struct log_view v;
	const char *term = getenv("TERM");
	struct sigaction sa;
	size_t i;
	bool io_failed = false;
	long n;
	int rc, err;

	memset(&v, 0, sizeof(v));
	v.out = stdout;
	rc = parse_log_args(c, &a, &v);
	if (rc >= 0)
		return rc;
	for (i = 0; i < a.nsrc; i++) {
		err = open_src(&a.src[i], v.follow);
		if (err) {
			err_msg("log: cannot read %s: %s%s", a.src[i].path, strerror(-err),
				err == -ENOENT && !a.named ? "; the shim writes it once a "
				"foreign binary ran (set BINFMT_SHIM_LOG or [log] path, or "
				"name a file with --file)" :
				err == -EACCES ? "; run as root or as a member of the log's "
				"group" : "");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	v.color = v.mode == LM_TABLE && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
		  !(term && !strcmp(term, "dumb"));
	if (log_view_init(&v) < 0) {
		err_msg("log: out of memory");
		rc = EXIT_USAGE;
		goto out;
	}
	if (v.follow) {
		/* No SA_RESTART: a signal ends the read or the sleep at once. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (i = 0; i < a.nsrc && !stop; i++) {
		n = read_src(&v, &a.src[i], !a.src[i].follow);
		if (n < 0) {
			err_msg("log: reading %s: %s; what came before is shown",
				a.src[i].path, strerror((int)-n));
			io_failed = true;
		}
		if (!a.src[i].follow && close_src(&a.src[i]) < 0)
			io_failed = true;
	}
	if (v.follow)
		follow_loop(&v, &a);
	log_view_end(&v, v.follow);
	if (v.mode == LM_STATS && log_stats_print(&v.stats, &v.counts,
						  v.json, v.out) < 0)
		err_msg("log: the statistics do not fit the output buffer");
	if (v.mode != LM_STATS && !v.counts.shown && !v.follow)
		note_msg("log: no runs%s in %zu file(s)",
			 v.counts.runs ? " match" : "", a.nsrc);
	/* A file that could not be read to its end: the output is partial. */
	rc = io_failed ? EXIT_USAGE : EXIT_OK;
	report(&v);
out:
	log_stats_free(&v.stats);
	for (i = 0; i < a.nsrc; i++) {
		close_src(&a.src[i]);
		free(a.src[i].buf);
	}
	return rc;
}
