// SPDX-License-Identifier: GPL-2.0
/*
 * `binfmt-shim log`: exec and exit records joined by the collector's id,
 * filtered, and shown as table rows, JSON Lines or statistics.
 *
 * Memory stays bounded however long the log: runs wait in a queue in the
 * order they started, and leave it as soon as they are complete and every
 * older run has left (so the table is in start order); with --follow they
 * leave as soon as they end. Only runs that may still get an exit record
 * (a collector exec) are held; when more than `window` runs are held, the
 * oldest is shown without its exit and the count is reported.
 */
#include <errno.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jout.h"
#include "loader.h"
#include "logrec.h"
#include "logscan.h"

struct log_node {
	struct log_run run;
	struct log_node *prev, *next;	/* the queue */
	struct log_node *hnext;		/* the pending-key hash chain */
	char key[LOG_ID_MAX + 64];	/* the collector's id, or late_key() */
	bool pending;			/* in the hash, waiting for: */
	bool need_exit, need_hash;	/*   its exit, its hash record, */
	bool late;			/*   or (a late copy) its collector twin */
};

/* FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/), 64-bit. */
static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int log_view_init(struct log_view *v)
{
	size_t n = 1024;

	/* Twice the window, a power of two: chains stay short. */
	while (n < 2 * v->window && n < (1u << 24))
		n <<= 1;
	v->hash = calloc(n, sizeof(*v->hash));
	if (!v->hash)
		return -ENOMEM;
	v->nhash = n;
	log_stats_init(&v->stats);
	return 0;
}

static struct log_node **hash_slot(struct log_view *v, const char *key)
{
	struct log_node **p = &v->hash[fnv1a(key, strlen(key)) & (v->nhash - 1)];

	while (*p && strcmp((*p)->key, key))
		p = &(*p)->hnext;
	return p;
}

/* A shim's late copy and the collector's record of the same exec share
 * the shim's pid and the shim's clock: "time" of its copy, claimed.time
 * of the collector's (docs/log-format.md). */
static const char *late_key(const struct log_rec *r, char *buf, size_t len)
{
	snprintf(buf, len, "late:%lld:%s", r->shim_pid, r->shim_time);
	return buf;
}

static bool recent_has(const struct log_view *v, uint64_t h)
{
	size_t i, n = v->nrecent < LOG_RECENT ? v->nrecent : LOG_RECENT;

	for (i = 0; i < n; i++)
		if (v->recent[i] == h)
			return true;
	return false;
}

static void unpend(struct log_view *v, struct log_node *n)
{
	struct log_node **p;

	if (!n->pending)
		return;
	p = hash_slot(v, n->key);
	if (*p == n)
		*p = n->hnext;
	n->pending = false;
	n->hnext = NULL;
}

static void unlink_node(struct log_view *v, struct log_node *n)
{
	if (n->late) {
		n->late = false;
		v->nlate--;
	}
	unpend(v, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		v->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		v->tail = n->prev;
	v->qlen--;
}

/* Waiting in the hash under key for what the flags say. */
static void pend(struct log_view *v, struct log_node *n, const char *key)
{
	struct log_node **p = hash_slot(v, key);

	if (*p)
		return;		/* a repeated key keeps the first one waiting */
	snprintf(n->key, sizeof(n->key), "%s", key);
	*p = n;
	n->pending = true;
}


/* ---- filters ---- */

static bool path_match(const char *pat, const struct log_str *p)
{
	if (!p->s)
		return false;
	if (strpbrk(pat, "*?[")) {
		const char *base = strrchr(p->s, '/');

		/* A glob without '/' may name the file alone: '*.test'. */
		return fnmatch(pat, p->s, 0) == 0 ||
		       (!strchr(pat, '/') && base && fnmatch(pat, base + 1, 0) == 0);
	}
	return memmem(p->s, p->len, pat, strlen(pat)) != NULL;
}

bool log_filter_match(const struct log_filter *f, const struct log_run *run)
{
	const struct log_rec *r = &run->rec;
	size_t i;
	bool ok;

	if ((f->since >= 0 || f->until >= 0) && r->time_us < 0)
		return false;
	if (f->since >= 0 && r->time_us < f->since)
		return false;
	if (f->until >= 0 && r->time_us > f->until)
		return false;
	if (f->narch) {
		for (ok = false, i = 0; i < f->narch && !ok; i++)
			ok = r->arch.s && !strcmp(r->arch.s, f->arch[i]);
		if (!ok)
			return false;
	}
	if (f->nuid) {
		for (ok = false, i = 0; i < f->nuid && !ok; i++)
			ok = r->uid == f->uid[i];
		if (!ok)
			return false;
	}
	if (f->npath) {
		for (ok = false, i = 0; i < f->npath && !ok; i++)
			ok = path_match(f->path[i], &r->path);
		if (!ok)
			return false;
	}
	if (f->events || f->outcomes)
		return (f->events & (1u << r->event)) ||
		       (f->outcomes & (1u << log_run_outcome(run)));
	return true;
}

/* ---- output ---- */

/* A small cache: getpwuid() goes through NSS, far too slow per row. */
static const char *user_name(long long uid, char *buf, size_t len)
{
	static struct { long long uid; char name[33]; } cache[64];
	static size_t used;
	struct passwd *pw;
	size_t i;

	if (uid < 0)
		return "-";
	for (i = 0; i < used; i++)
		if (cache[i].uid == uid)
			return cache[i].name;
	pw = uid <= UINT32_MAX ? getpwuid((uid_t)uid) : NULL;
	if (pw && strlen(pw->pw_name) < sizeof(cache[0].name))
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%lld", uid);
	i = used < 64 ? used++ : (size_t)(uid % 64);
	cache[i].uid = uid;
	snprintf(cache[i].name, sizeof(cache[i].name), "%s", buf);
	return cache[i].name;
}

static void exit_text(const struct log_run *run, char *buf, size_t len)
{
	const struct log_rec *x = &run->exit;
	const char *abbrev;

	switch (log_run_outcome(run)) {
	case LO_OK:
	case LO_NONZERO:
		snprintf(buf, len, "%d", x->exit_code);
		break;
	case LO_SIGNAL:
		abbrev = x->signal > 0 && x->signal < 65 ? sigabbrev_np(x->signal) : NULL;
		if (abbrev)
			snprintf(buf, len, "SIG%s%s", abbrev, x->core_dumped ? "+core" : "");
		else
			snprintf(buf, len, "sig%d%s", x->signal, x->core_dumped ? "+core" : "");
		break;
	case LO_RUNNING:
		snprintf(buf, len, "running");
		break;
	case LO_UNKNOWN:
		snprintf(buf, len, "ended");
		break;
	case LO_DENIED:
		snprintf(buf, len, "denied");
		break;
	case LO_FAILED:
		snprintf(buf, len, "failed");
		break;
	default:
		snprintf(buf, len, "-");
	}
}

static void duration_text(const struct log_run *run, char *buf, size_t len)
{
	double ms = run->exit.duration_ms;

	if (!run->has_exit || !run->exit.has_duration || ms < 0)
		snprintf(buf, len, "-");
	else if (ms < 1000)
		snprintf(buf, len, "%.0fms", ms);
	else if (ms < 60e3)
		snprintf(buf, len, "%.2fs", ms / 1e3);
	else if (ms < 3600e3)
		snprintf(buf, len, "%dm%02ds", (int)(ms / 60e3), (int)(ms / 1e3) % 60);
	else if (ms < 1e12)
		snprintf(buf, len, "%dh%02dm", (int)(ms / 3600e3), (int)(ms / 60e3) % 60);
	else
		snprintf(buf, len, "long");
}

/* ECMA-48 SGR colours, only ever on a terminal. */
static const char *outcome_color(enum log_outcome o)
{
	switch (o) {
	case LO_NONZERO:
	case LO_SIGNAL:
	case LO_DENIED:
	case LO_FAILED:
		return "\033[31m";	/* red */
	case LO_RUNNING:
	case LO_UNKNOWN:
		return "\033[33m";	/* yellow */
	case LO_OK:
		return "\033[32m";	/* green */
	default:
		return NULL;
	}
}

#define TABLE_FMT "%-19s  %-10s %-12s %-22s %-9s %9s  "

static void print_row(struct log_view *v, const struct log_run *run)
{
	const struct log_rec *r = &run->rec;
	char when[32], ubuf[40], ex[32], dur[24];
	const char *base, *col, *user;
	FILE *f = v->out;

	if (!v->header_done) {
		fprintf(f, TABLE_FMT "%s\n", "TIME (UTC)", "USER", "ARCH",
			"EMULATOR", "EXIT", "DURATION", "PATH");
		v->header_done = true;
	}
	if (r->time_us < 0 || logscan_fmt_time(r->time_us, ' ', when, sizeof(when)) < 0)
		snprintf(when, sizeof(when), "-");
	exit_text(run, ex, sizeof(ex));
	duration_text(run, dur, sizeof(dur));
	col = v->color ? outcome_color(log_run_outcome(run)) : NULL;
	/* Every field through the escaper (termout.c), and the columns
	 * counted on the escaped text: a record may hold any bytes. */
	fprintf(f, "%-19s  ", when);
	user = user_name(r->uid, ubuf, sizeof(ubuf));
	t_pad(f, user, strlen(user), 10, 0);
	fputc(' ', f);
	if (r->arch.s)
		t_pad(f, r->arch.s, r->arch.len, 12, 12);
	else
		t_pad(f, "-", 1, 12, 12);
	fputc(' ', f);
	if (r->emulator.s) {
		base = memrchr(r->emulator.s, '/', r->emulator.len);
		base = base ? base + 1 : r->emulator.s;
		t_pad(f, base, r->emulator.len - (size_t)(base - r->emulator.s), 22, 0);
	} else {
		t_pad(f, "-", 1, 22, 0);
	}
	fputc(' ', f);
	if (col)
		fprintf(f, "%s%-9s\033[0m", col, ex);
	else
		fprintf(f, "%-9s", ex);
	fprintf(f, " %9s  ", dur);
	if (r->path.s)
		t_put(f, r->path.s, r->path.len);
	else
		fputc('-', f);
	fputc('\n', f);
}

static void kv_str(struct json_writer *w, const char *k, const struct log_str *s)
{
	jw_key(w, k);
	if (s->s)
		jw_string_n(w, s->s, s->len);
	else
		jw_null(w);
}

static void kv_intopt(struct json_writer *w, const char *k, long long x)
{
	if (x >= 0)
		jw_kv_int(w, k, x);
	else
		jw_kv_null(w, k);
}

/* One run as one JSON line: the exec record's fields and the exit. */
static int print_json(struct log_view *v, const struct log_run *run)
{
	static char buf[256 * 1024];
	const struct log_rec *r = &run->rec, *x = &run->exit;
	struct json_writer w;
	char ubuf[40];
	int n;

	jw_init(&w, buf, sizeof(buf));
	jw_object_begin(&w);
	jw_kv_string(&w, "time", r->time[0] ? r->time : NULL);
	jw_kv_string(&w, "event", r->event == LE_EXEC ? "exec" :
		       r->event == LE_DENY ? "deny" : "fail");
	jw_kv_string(&w, "outcome", log_outcome_names[log_run_outcome(run)]);
	jw_kv_string(&w, "id", r->id[0] ? r->id : NULL);
	jw_kv_string(&w, "source", r->collector ? "collector" : "shim");
	jw_kv_bool(&w, "verified", r->verified);
	kv_intopt(&w, "pid", r->pid);
	kv_intopt(&w, "uid", r->uid);
	jw_kv_string(&w, "user", r->uid >= 0 ? user_name(r->uid, ubuf, sizeof(ubuf)) : NULL);
	kv_intopt(&w, "gid", r->gid);
	kv_str(&w, "arch", &r->arch);
	kv_str(&w, "path", &r->path);
	kv_str(&w, "argv0", &r->argv0);
	kv_str(&w, "cwd", &r->cwd);
	kv_str(&w, "emulator", &r->emulator);
	if (r->sha256[0])
		jw_kv_string(&w, "sha256", r->sha256);
	kv_str(&w, "decision", &r->decision);
	kv_str(&w, "reason_code", &r->reason_code);
	kv_str(&w, "reason", &r->reason);
	jw_key(&w, "exit");
	if (run->has_exit) {
		jw_object_begin(&w);
		jw_kv_string(&w, "time", x->time[0] ? x->time : NULL);
		jw_kv_string(&w, "status", x->status_known ? "known" : "unknown");
		if (x->has_code && !x->has_signal)
			jw_kv_int(&w, "exit_code", x->exit_code);
		else
			jw_kv_null(&w, "exit_code");
		if (x->has_signal)
			jw_kv_int(&w, "signal", x->signal);
		else
			jw_kv_null(&w, "signal");
		jw_kv_bool(&w, "core_dumped", x->core_dumped);
		/* Whole microseconds: the writer has no floats. */
		if (x->has_duration && x->duration_ms >= 0 && x->duration_ms < 1e15)
			jw_kv_uint(&w, "duration_us", (uint64_t)(x->duration_ms * 1000 + 0.5));
		else
			jw_kv_null(&w, "duration_us");
		jw_object_end(&w);
	} else {
		jw_null(&w);
	}
	jw_kv_bool(&w, "window_cut", run->window_cut);
	jw_object_end(&w);
	n = jw_finish(&w);
	if (n < 0)
		return n;
	fwrite(buf, 1, (size_t)n, v->out);
	return 0;
}

/* The run leaves the queue: shown (if it matches) and freed. */
/* Out of the queue and freed, not shown. */
static void drop_node(struct log_view *v, struct log_node *n)
{
	unlink_node(v, n);
	log_rec_free(&n->run.rec);
	if (n->run.has_exit)
		log_rec_free(&n->run.exit);
	free(n);
}

static void emit(struct log_view *v, struct log_node *n)
{
	struct log_run *run = &n->run;

	if (log_filter_match(&v->filter, run)) {
		v->counts.shown++;
		if (v->mode == LM_STATS)
			log_stats_add(&v->stats, run);
		else if (v->mode == LM_JSON && print_json(v, run) < 0)
			warn_msg("log: a run of %s too big for one JSON line, left out",
				 run->rec.path.s ? T(run->rec.path.s) : "?");
		else if (v->mode == LM_TABLE)
			print_row(v, run);
	}
	drop_node(v, n);
}

/* What a node waited for came: show it when nothing else is awaited. */
static void settle(struct log_view *v, struct log_node *n)
{
	if (n->need_exit || n->need_hash)
		return;
	unpend(v, n);
	if (v->follow || v->mode == LM_STATS)
		emit(v, n);
}

/* Show what may leave: the complete runs at the head. */
static void drain(struct log_view *v)
{
	while (v->head && !v->head->pending)
		emit(v, v->head);
	while (v->qlen > v->window && v->head) {
		if (v->head->need_exit) {
			v->head->run.window_cut = true;
			v->counts.window_cut++;
		}
		emit(v, v->head);
	}
}

/* --follow shows runs as they end; a late copy whose twin has not come
 * LATE_WAIT_US of log time later is shown as it is (its collector died
 * before writing, say). */
#define LATE_WAIT_US (5 * 1000000LL)

static void flush_late(struct log_view *v, int64_t now_us)
{
	struct log_node *n, *next;

	for (n = v->head; n && v->nlate; n = next) {
		next = n->next;
		if (n->late && n->run.rec.time_us >= 0 &&
		    now_us - n->run.rec.time_us > LATE_WAIT_US)
			emit(v, n);
	}
}

/* The collector's "lost" and "rejected" notices: counted, the last
 * reason kept, and said at once while following. */
static void take_notice(struct log_view *v, struct log_rec *r)
{
	struct log_counts *k = &v->counts;
	const char *why = r->lost_reason.s ? r->lost_reason.s : "";

	if (r->event == LE_LOST) {
		k->lost += (unsigned long long)r->lost_count;
		snprintf(k->lost_reason, sizeof(k->lost_reason), "%s", why);
		if (v->follow)
			warn_msg("log: the collector lost %lld record(s): %s",
				 r->lost_count, T(k->lost_reason));
	} else {
		k->rejected += (unsigned long long)r->lost_count;
		snprintf(k->rejected_reason, sizeof(k->rejected_reason), "%s", why);
		if (v->follow)
			warn_msg("log: the collector rejected %lld message(s): %s",
				 r->lost_count, T(k->rejected_reason));
	}
	log_rec_free(r);
}

/* A hash record joins a run still held back (its exec said
 * "hash_follows": held until the hash came); one already shown keeps its
 * digest in the log only. */
static void take_hash(struct log_view *v, struct log_rec *r)
{
	struct log_node *n = *hash_slot(v, r->id);

	if (n && !n->late) {
		if (r->sha256[0])
			memcpy(n->run.rec.sha256, r->sha256, sizeof(r->sha256));
		if (n->need_hash) {
			n->need_hash = false;
			settle(v, n);
			drain(v);
		}
	}
	log_rec_free(r);
}

/* An exit record completes the run its id names; one that names no run
 * waiting for its exit is counted, not shown. */
static void take_exit(struct log_view *v, struct log_rec *r)
{
	struct log_node *n = *hash_slot(v, r->id);

	if (!n || !n->need_exit) {
		v->counts.orphan_exits++;
		log_rec_free(r);
		return;
	}
	n->run.exit = *r;
	n->run.has_exit = true;
	n->need_exit = false;
	settle(v, n);
	drain(v);
}

/*
 * A shim's late copy of a record the collector wrote: one run with it.
 * key[] gets late_key() when r may have such a twin. True when r is a
 * copy of a run already taken: it is counted and freed, not taken again.
 */
static bool late_twin(struct log_view *v, struct log_rec *r, char *key, size_t len)
{
	struct log_node **p;

	if (!r->time[0] || !(r->late_copy || r->collector))
		return false;
	late_key(r, key, len);
	if (r->late_copy && recent_has(v, fnv1a(key, strlen(key)))) {
		v->counts.late_merged++;
		log_rec_free(r);
		return true;
	}
	if (r->collector) {
		p = hash_slot(v, key);
		if (*p && (*p)->late) {	/* the copy came first */
			v->counts.unrecorded -= (unsigned long long)(*p)->run.rec.unrecorded;
			drop_node(v, *p);
			v->counts.runs--;
			v->counts.late_merged++;
		}
		v->recent[v->nrecent++ % LOG_RECENT] = fnv1a(key, strlen(key));
	}
	return false;
}

/* A new run at the tail of the queue, waiting for what is still to come
 * about it (key: late_twin()'s). */
static void queue_run(struct log_view *v, struct log_rec *r, const char *key)
{
	struct log_node *n;

	v->counts.runs++;
	v->counts.unrecorded += (unsigned long long)r->unrecorded;
	n = calloc(1, sizeof(*n));
	if (!n) {
		log_rec_free(r);
		return;
	}
	n->run.rec = *r;
	n->prev = v->tail;
	if (v->tail)
		v->tail->next = n;
	else
		v->head = n;
	v->tail = n;
	v->qlen++;
	/* Only a collector's exec gets an exit record; a repeated id keeps
	 * the first run waiting. A late copy waits for its collector twin
	 * (or the end, or the window). */
	if (r->id[0] && r->collector && (r->event == LE_EXEC || r->hash_follows)) {
		n->need_exit = r->event == LE_EXEC;
		n->need_hash = r->hash_follows;
		pend(v, n, r->id);
		if (!n->pending)
			n->need_exit = n->need_hash = false;
	} else if (r->late_copy && r->time[0]) {
		pend(v, n, key);
		n->late = n->pending;
		v->nlate += n->late;
	}
	/* Order matters only for rows: counts take a run as soon as it is
	 * complete, so only the pending ones are held. */
	if ((v->follow || v->mode == LM_STATS) && !n->pending)
		emit(v, n);
	drain(v);
}

void log_view_rec(struct log_view *v, struct log_rec *r)
{
	char key[LOG_ID_MAX + 64];

	if (v->follow && v->nlate && r->time_us >= 0)
		flush_late(v, r->time_us);
	if (r->event == LE_LOST || r->event == LE_REJECTED)
		take_notice(v, r);
	else if (r->event == LE_HASH)
		take_hash(v, r);
	else if (r->event == LE_EXIT)
		take_exit(v, r);
	else if (!late_twin(v, r, key, sizeof(key)))	/* exec, deny, fail */
		queue_run(v, r, key);
}

void log_view_end(struct log_view *v, bool drop)
{
	while (v->head) {
		if (drop && v->mode != LM_STATS)
			drop_node(v, v->head);
		else
			emit(v, v->head);
	}
	free(v->hash);
	v->hash = NULL;
}
