/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `binfmt-shim log`: the records of the log (docs/log-format.md and the
 * collector's exec/exit/lost records) as plain C, and the runs they join
 * into. Neither jansson nor lib/json.h is included here: logrec.c parses
 * with jansson, logjoin.c and logstats.c write with lib/json.h (jw_*).
 */
#ifndef BSHIM_LOADER_LOGREC_H
#define BSHIM_LOADER_LOGREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "lost" and "rejected" are the collector's notices: a count and a reason;
 * "hash" is its SHA-256 of an exec's binary (binfmt-shimd --sha256). */
enum log_event { LE_EXEC, LE_DENY, LE_FAIL, LE_EXIT, LE_LOST, LE_REJECTED, LE_HASH };

/* What a run came to, one word each (also the --verdict names). */
enum log_outcome {
	LO_OK,		/* exited 0 */
	LO_NONZERO,	/* exited with another status */
	LO_SIGNAL,	/* killed by a signal */
	LO_RUNNING,	/* collector exec, no exit record (yet) */
	LO_UNKNOWN,	/* exit record with "status":"unknown" (kernel < 6.15) */
	LO_UNRECORDED,	/* shim-only record: nobody watched the end */
	LO_DENIED,	/* "deny" record */
	LO_FAILED,	/* "fail" record */
	LO_COUNT
};
extern const char *const log_outcome_names[LO_COUNT];

#define LOG_ID_MAX 128
#define LOG_TIME_MAX 40

/*
 * One line of the log. Strings are heap copies (log_rec_free); paths keep
 * the original bytes, also those that are not UTF-8 (lib/logscan.h), so
 * they carry a length and may even hold NUL.
 */
struct log_str {
	char *s;	/* NUL-terminated, NULL when absent or JSON null */
	size_t len;
};

struct log_rec {
	enum log_event event;
	bool marked;			/* raw-byte escapes were marked */
	char time[LOG_TIME_MAX];	/* as written, "" when absent */
	/* The shim's own clock: claimed.time of a collector's record (whose
	 * "time" is the collector's), else "time". */
	char shim_time[LOG_TIME_MAX];
	int64_t time_us;		/* -1 when absent or unparsable */
	char id[LOG_ID_MAX];		/* collector id, "" when absent */
	char sha256[65];		/* hex digest: hash records, and runs they joined */
	bool collector;			/* "source":"collector" */
	bool hash_follows;		/* the collector will write a "hash" record */
	bool late_copy;			/* a shim's own record: the collector was late */
	bool verified;			/* has a "verified" object */
	long long pid, uid, gid;	/* -1 when absent */
	long long shim_pid;		/* the shim's own: claimed.pid, else pid */
	long long unrecorded;		/* "unrecorded_before", 0 when absent */
	struct log_str path, argv0, cwd, emulator, arch, decision,
		       reason_code, reason;
	/* exit */
	bool has_code, has_signal, core_dumped, has_duration, status_known;
	int exit_code, signal;
	double duration_ms;
	/* lost, rejected */
	long long lost_count;
	struct log_str lost_reason;
};

/* Parse one line (without its '\n'; line is modified in place).
 * 0; -EINVAL when it is not a JSON object, -EPROTO when it is an object
 * but not a record we know (no or another "v", unknown "event"). */
int log_rec_parse(char *line, size_t len, struct log_rec *r);
void log_rec_free(struct log_rec *r);

/* A run: an exec/deny/fail record and, for a collector exec, its exit. */
struct log_run {
	struct log_rec rec;
	bool has_exit;
	struct log_rec exit;
	bool window_cut;		/* printed before its exit came */
};
enum log_outcome log_run_outcome(const struct log_run *run);

/* --stats: counts by outcome, decision, arch, failure reason and
 * binary, each table bounded (logstats.c). */
struct log_tally_item {
	char *key;			/* NUL-terminated copy */
	size_t len;
	unsigned long long n, failed;
	char *example;			/* a path, for failure reasons */
	size_t example_len;
};
struct log_tally {
	struct log_tally_item *v;
	size_t n, max;
	size_t *slot;			/* open addressing: index + 1, 0 free */
	size_t nslot;
	unsigned long long other;	/* counted after the table was full */
};
struct log_stats {
	unsigned long long runs;
	unsigned long long outcome[LO_COUNT];
	struct log_tally arch, reason, bin;
};

/* The reader's counters, reported at the end and in --stats. */
struct log_counts {
	unsigned long long lines, runs, shown;
	unsigned long long bad_lines;	/* not JSON objects */
	unsigned long long unknown;	/* objects that are no record we know */
	unsigned long long long_lines;	/* longer than LOG_LINE_MAX */
	unsigned long long lost;	/* sum of the collector's "lost" counts */
	unsigned long long rejected;	/* sum of its "rejected" counts */
	char rejected_reason[128];	/* the last one's reason */
	unsigned long long orphan_exits;	/* no exec record for the id */
	unsigned long long window_cut;	/* runs shown before their exit came */
	unsigned long long late_merged;	/* shims' late copies of collector records */
	unsigned long long unrecorded;	/* sum of the runs' "unrecorded_before" */
	char first_bad[512];		/* "FILE:LINE" of the first bad line */
	char lost_reason[128];		/* the last lost record's reason */
};

/* --since/--until/--arch/--uid/--path/--verdict: AND across options, OR
 * within one (each may be repeated). */
#define LOG_FILTER_MAX 16
struct log_filter {
	int64_t since, until;		/* -1: none */
	const char *arch[LOG_FILTER_MAX];
	size_t narch;
	long long uid[LOG_FILTER_MAX];
	size_t nuid;
	const char *path[LOG_FILTER_MAX];
	size_t npath;
	unsigned events;		/* 1 << LE_*: run deny fail */
	unsigned outcomes;		/* 1 << LO_* */
};

enum log_mode { LM_TABLE, LM_JSON, LM_STATS };

struct log_node;

/* The join of exec and exit records by id, in bounded memory. */
struct log_view {
	enum log_mode mode;
	bool json;		/* --stats --json */
	bool follow;		/* show runs as they end, not in start order */
	bool color;
	size_t window;		/* at most this many runs held back */
	FILE *out;
	struct log_filter filter;
	struct log_counts counts;
	struct log_stats stats;
	/* the queue, oldest first, and the pending ids */
	struct log_node *head, *tail;
	size_t qlen;
	struct log_node **hash;
	size_t nhash;
	/* Keys (pid, time) of the latest collector runs: a shim's late copy
	 * of one of them, written after it, is dropped (logjoin.c). */
#define LOG_RECENT 4096
	uint64_t recent[LOG_RECENT];
	size_t nrecent;
	size_t nlate;		/* late copies held, waiting for their twin */
	bool header_done;
};

/* logjoin.c */
int log_view_init(struct log_view *v);
/* Take one record (ownership of its strings passes to the view). */
void log_view_rec(struct log_view *v, struct log_rec *r);
/* The end of the input: show what is held back (pending runs as
 * "running") unless drop, then free the queue. */
void log_view_end(struct log_view *v, bool drop);
bool log_filter_match(const struct log_filter *f, const struct log_run *run);

/* logstats.c */
void log_stats_init(struct log_stats *st);
void log_stats_add(struct log_stats *st, const struct log_run *run);
void log_stats_free(struct log_stats *st);
int log_stats_print(const struct log_stats *st, const struct log_counts *k,
		    bool json, FILE *f);

#endif
