// SPDX-License-Identifier: GPL-2.0
/*
 * `binfmt-shim log --stats`: counts by outcome, decision, arch, failure
 * reason and binary, failures first, as text or one JSON object. Each
 * tally holds a bounded number of distinct keys; what comes after it is
 * full is counted as "other" and the report says so.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jout.h"
#include "loader.h"
#include "logrec.h"

/* Distinct keys kept per tally: arches are few, binaries may be many. */
#define TALLY_ARCH_MAX 256
#define TALLY_REASON_MAX 1024
#define TALLY_BIN_MAX 65536
/* Rows of the text report's lists. */
#define TOP_N 10

static void tally_init(struct log_tally *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
}

void log_stats_init(struct log_stats *st)
{
	memset(st, 0, sizeof(*st));
	tally_init(&st->arch, TALLY_ARCH_MAX);
	tally_init(&st->reason, TALLY_REASON_MAX);
	tally_init(&st->bin, TALLY_BIN_MAX);
}

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a, as in logjoin.c */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int tally_grow(struct log_tally *t)
{
	size_t ns = t->nslot ? 2 * t->nslot : 64, i, j;
	size_t *slot = calloc(ns, sizeof(*slot));
	struct log_tally_item *v;

	if (!slot)
		return -ENOMEM;
	v = realloc(t->v, ns / 2 * sizeof(*v));
	if (!v) {
		free(slot);
		return -ENOMEM;
	}
	t->v = v;
	for (i = 0; i < t->n; i++) {
		j = hash(v[i].key, v[i].len) & (ns - 1);
		while (slot[j])
			j = (j + 1) & (ns - 1);
		slot[j] = i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = ns;
	return 0;
}

/* The item for key (added when new), NULL when the tally is full. */
static struct log_tally_item *tally_get(struct log_tally *t, const char *key,
					size_t len)
{
	struct log_tally_item *it;
	size_t j;

	if (t->nslot) {
		j = hash(key, len) & (t->nslot - 1);
		for (; t->slot[j]; j = (j + 1) & (t->nslot - 1)) {
			it = &t->v[t->slot[j] - 1];
			if (it->len == len && !memcmp(it->key, key, len))
				return it;
		}
	}
	if (t->n >= t->max)
		return NULL;
	/* Keep the table at most half full. */
	if (2 * (t->n + 1) > t->nslot && tally_grow(t) < 0)
		return NULL;
	it = &t->v[t->n];
	memset(it, 0, sizeof(*it));
	it->key = malloc(len + 1);
	if (!it->key)
		return NULL;
	memcpy(it->key, key, len);
	it->key[len] = '\0';
	it->len = len;
	j = hash(key, len) & (t->nslot - 1);
	while (t->slot[j])
		j = (j + 1) & (t->nslot - 1);
	t->slot[j] = ++t->n;
	return it;
}

static void tally_add(struct log_tally *t, const char *key, size_t len,
		      bool failed, const struct log_str *example)
{
	struct log_tally_item *it = tally_get(t, key, len);

	if (!it) {
		t->other++;
		return;
	}
	it->n++;
	it->failed += failed;
	if (example && example->s && !it->example) {
		it->example = malloc(example->len + 1);
		if (it->example) {
			memcpy(it->example, example->s, example->len + 1);
			it->example_len = example->len;
		}
	}
}

/*
 * The binary a run names, as one key: "./prog" run in /a and in /b are two
 * binaries. A relative path is joined to the record's cwd (the shim's
 * getcwd(), which has no symlinks in it) and "." segments and repeated
 * slashes go; ".." stays (after a symlink in the path itself, dropping it
 * would name another file). Without a cwd the path stays as typed.
 * Returns a malloc'd key and its length in *len, NULL when out of memory.
 */
static char *binary_key(const struct log_rec *r, size_t *len)
{
	const struct log_str *p = &r->path, *cwd = &r->cwd;
	bool join = p->len && p->s[0] != '/' && cwd->s && cwd->len && cwd->s[0] == '/';
	size_t n = (join ? cwd->len + 1 : 0) + p->len, i, o = 0, seg;
	char *src = malloc(n + 1), *key = malloc(n + 1);

	if (!src || !key) {
		free(src);
		free(key);
		return NULL;
	}
	if (join) {
		memcpy(src, cwd->s, cwd->len);
		src[cwd->len] = '/';
	}
	memcpy(src + (join ? cwd->len + 1 : 0), p->s, p->len);
	for (i = 0; i < n; i += seg) {
		if (src[i] == '/') {
			if (!o || key[o - 1] != '/')
				key[o++] = '/';
			seg = 1;
			continue;
		}
		seg = 0;
		while (i + seg < n && src[i + seg] != '/')
			seg++;
		if (seg == 1 && src[i] == '.' && (join || p->s[0] == '/' || o))
			continue;	/* "/./" is "/" */
		memcpy(key + o, src + i, seg);
		o += seg;
	}
	/* "/a/b/" of "/a/b/." : no trailing slash but for "/" itself. */
	if (o > 1 && key[o - 1] == '/' && (n == 0 || src[n - 1] != '/'))
		o--;
	key[o] = '\0';
	free(src);
	*len = o;
	return key;
}

static bool is_failure(enum log_outcome o)
{
	return o == LO_NONZERO || o == LO_SIGNAL || o == LO_DENIED || o == LO_FAILED;
}

void log_stats_add(struct log_stats *st, const struct log_run *run)
{
	const struct log_rec *r = &run->rec;
	enum log_outcome o = log_run_outcome(run);
	bool failed = is_failure(o);
	char key[96];
	int n;

	st->runs++;
	st->outcome[o]++;
	if (r->arch.s)
		tally_add(&st->arch, r->arch.s, r->arch.len, failed, NULL);
	else
		tally_add(&st->arch, "-", 1, failed, NULL);
	if (r->path.s) {
		size_t klen;
		char *k = binary_key(r, &klen);

		if (k)
			tally_add(&st->bin, k, klen, failed, NULL);
		else
			st->bin.other++;
		free(k);
	}
	if (!failed)
		return;
	/* Why it failed: the shim's reason code, the exit status or signal. */
	if (o == LO_NONZERO)
		n = snprintf(key, sizeof(key), "nonzero exit %d", run->exit.exit_code);
	else if (o == LO_SIGNAL && sigabbrev_np(run->exit.signal))
		n = snprintf(key, sizeof(key), "signal SIG%s%s",
			     sigabbrev_np(run->exit.signal),
			     run->exit.core_dumped ? " (core dumped)" : "");
	else if (o == LO_SIGNAL)
		n = snprintf(key, sizeof(key), "signal %d%s", run->exit.signal,
			     run->exit.core_dumped ? " (core dumped)" : "");
	else
		n = snprintf(key, sizeof(key), "%s %.60s", log_outcome_names[o],
			     r->reason_code.s ? r->reason_code.s : "?");
	tally_add(&st->reason, key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1,
		  true, &r->path);
}

static void tally_free(struct log_tally *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].example);
	}
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

void log_stats_free(struct log_stats *st)
{
	tally_free(&st->arch);
	tally_free(&st->reason);
	tally_free(&st->bin);
}

/* Most first; equal counts: more failures first, then by name. */
static int by_count(const void *a, const void *b)
{
	const struct log_tally_item *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (x->failed != y->failed)
		return x->failed < y->failed ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void tally_sort(const struct log_tally *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), by_count);
}

/* Failures first, then the order of enum log_outcome. */
static const enum log_outcome outcome_order[LO_COUNT] = {
	LO_FAILED, LO_DENIED, LO_SIGNAL, LO_NONZERO,
	LO_OK, LO_RUNNING, LO_UNKNOWN, LO_UNRECORDED,
};

static void print_text(const struct log_stats *st, const struct log_counts *k, FILE *f)
{
	unsigned long long fails = st->outcome[LO_FAILED] + st->outcome[LO_DENIED] +
				   st->outcome[LO_SIGNAL] + st->outcome[LO_NONZERO];
	size_t i;

	fprintf(f, "runs: %llu, failed: %llu", st->runs, fails);
	if (k->lost)
		fprintf(f, ", lost by the collector: %llu", k->lost);
	if (k->unrecorded)
		fprintf(f, ", recorded nowhere: %llu", k->unrecorded);
	fputc('\n', f);
	if (st->reason.n || st->reason.other) {
		fprintf(f, "\nfailures:\n  %7s  %-36s %s\n", "COUNT", "WHY", "EXAMPLE");
		for (i = 0; i < st->reason.n && i < TOP_N; i++) {
			fprintf(f, "  %7llu  ", st->reason.v[i].n);
			/* The reason code is the record's: escaped, and
			 * its column counted on the escaped text. */
			t_pad(f, st->reason.v[i].key, st->reason.v[i].len, 36, 0);
			fputc(' ', f);
			if (st->reason.v[i].example)
				t_put(f, st->reason.v[i].example,
				      st->reason.v[i].example_len);
			fputc('\n', f);
		}
		if (st->reason.n > TOP_N)
			fprintf(f, "  (%zu more reasons: --stats --json lists them all)\n",
				st->reason.n - TOP_N);
	}
	fprintf(f, "\nby outcome:\n");
	for (i = 0; i < LO_COUNT; i++)
		if (st->outcome[outcome_order[i]])
			fprintf(f, "  %7llu  %s\n", st->outcome[outcome_order[i]],
				log_outcome_names[outcome_order[i]]);
	fprintf(f, "\nby decision:\n");
	fprintf(f, "  %7llu  run\n", st->runs - st->outcome[LO_DENIED] -
		st->outcome[LO_FAILED]);
	fprintf(f, "  %7llu  deny\n", st->outcome[LO_DENIED]);
	fprintf(f, "  %7llu  fail\n", st->outcome[LO_FAILED]);
	fprintf(f, "\nby arch:\n  %7s  %7s  %s\n", "RUNS", "FAILED", "ARCH");
	for (i = 0; i < st->arch.n; i++) {
		fprintf(f, "  %7llu  %7llu  ", st->arch.v[i].n, st->arch.v[i].failed);
		t_put(f, st->arch.v[i].key, st->arch.v[i].len);
		fputc('\n', f);
	}
	fprintf(f, "\nmost-run binaries:\n  %7s  %7s  %s\n", "RUNS", "FAILED", "PATH");
	for (i = 0; i < st->bin.n && i < TOP_N; i++) {
		fprintf(f, "  %7llu  %7llu  ", st->bin.v[i].n, st->bin.v[i].failed);
		t_put(f, st->bin.v[i].key, st->bin.v[i].len);
		fputc('\n', f);
	}
	if (st->bin.other)
		fprintf(f, "  (%llu runs of binaries past the first %d distinct ones "
			"are not counted by path)\n", st->bin.other, TALLY_BIN_MAX);
}

static void json_tally(struct json_writer *w, const char *name,
		       const struct log_tally *t, size_t max)
{
	size_t i;

	jw_key(w, name);
	jw_array_begin(w);
	for (i = 0; i < t->n && i < max; i++) {
		jw_object_begin(w);
		jw_key(w, "key");
		jw_string_n(w, t->v[i].key, t->v[i].len);
		jw_kv_uint(w, "count", t->v[i].n);
		jw_kv_uint(w, "failed", t->v[i].failed);
		if (t->v[i].example) {
			jw_key(w, "example");
			jw_string_n(w, t->v[i].example, t->v[i].example_len);
		}
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_kv_uint(w, "other", t->other);
}

/* Top entries of the binaries in JSON: the rest is in "other". */
#define JSON_TOP_BINS 100

static int print_json(const struct log_stats *st, const struct log_counts *k, FILE *f)
{
	struct json_writer *w;
	struct jdoc d;
	size_t i;
	int err;

	jdoc_init(&d);
	w = &d.w;
	jw_object_begin(w);
	jw_kv_uint(w, "runs", st->runs);
	jw_key(w, "by_outcome");
	jw_object_begin(w);
	for (i = 0; i < LO_COUNT; i++)
		jw_kv_uint(w, log_outcome_names[outcome_order[i]],
			     st->outcome[outcome_order[i]]);
	jw_object_end(w);
	jw_key(w, "by_decision");
	jw_object_begin(w);
	jw_kv_uint(w, "run", st->runs - st->outcome[LO_DENIED] - st->outcome[LO_FAILED]);
	jw_kv_uint(w, "deny", st->outcome[LO_DENIED]);
	jw_kv_uint(w, "fail", st->outcome[LO_FAILED]);
	jw_object_end(w);
	jw_key(w, "failures");
	jw_object_begin(w);
	json_tally(w, "reasons", &st->reason, st->reason.n);
	jw_object_end(w);
	jw_key(w, "by_arch");
	jw_object_begin(w);
	json_tally(w, "arches", &st->arch, st->arch.n);
	jw_object_end(w);
	jw_key(w, "binaries");
	jw_object_begin(w);
	json_tally(w, "top", &st->bin, JSON_TOP_BINS);
	jw_kv_uint(w, "distinct", st->bin.n);
	jw_object_end(w);
	jw_key(w, "input");
	jw_object_begin(w);
	jw_kv_uint(w, "lines", k->lines);
	jw_kv_uint(w, "bad_lines", k->bad_lines);
	jw_kv_uint(w, "unknown_records", k->unknown);
	jw_kv_uint(w, "long_lines", k->long_lines);
	jw_kv_uint(w, "lost", k->lost);
	jw_kv_uint(w, "rejected", k->rejected);
	jw_kv_uint(w, "orphan_exits", k->orphan_exits);
	jw_kv_uint(w, "window_cut", k->window_cut);
	jw_kv_uint(w, "late_copies_merged", k->late_merged);
	jw_kv_uint(w, "unrecorded", k->unrecorded);
	jw_object_end(w);
	jw_object_end(w);
	err = jdoc_print(&d, f);
	jdoc_free(&d);
	return err;
}

int log_stats_print(const struct log_stats *st, const struct log_counts *k,
		    bool json, FILE *f)
{
	tally_sort(&st->arch);
	tally_sort(&st->reason);
	tally_sort(&st->bin);
	if (json)
		return print_json(st, k, f);
	print_text(st, k, f);
	return 0;
}
