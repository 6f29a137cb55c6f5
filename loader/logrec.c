// SPDX-License-Identifier: GPL-2.0
/*
 * `binfmt-shim log`: one line of the log into a struct log_rec, parsed
 * with jansson. The line is untrusted (anyone who can write the log file,
 * a disk that filled up mid-line): every value is type-checked and a line
 * that is not a record we know is refused, never half-used.
 *
 * Only jansson's readers are used (json_string_value/_length, json_is_*),
 * never json_string() or json_null(): lib/json.h's writer once had those
 * names, and whichever definition the linker met first would have won.
 * The writer is jw_* now; tests/integration/test_loader_log.c checks the
 * names bind to jansson and that nulls read back as nulls.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "logrec.h"
#include "logscan.h"

const char *const log_outcome_names[LO_COUNT] = {
	[LO_OK] = "ok",
	[LO_NONZERO] = "nonzero",
	[LO_SIGNAL] = "signal",
	[LO_RUNNING] = "running",
	[LO_UNKNOWN] = "unknown",
	[LO_UNRECORDED] = "unrecorded",
	[LO_DENIED] = "denied",
	[LO_FAILED] = "failed",
};

static const struct {
	const char *name;
	enum log_event ev;
} events[] = {
	{ "exec", LE_EXEC }, { "deny", LE_DENY }, { "fail", LE_FAIL },
	{ "exit", LE_EXIT }, { "lost", LE_LOST }, { "rejected", LE_REJECTED },
	{ "hash", LE_HASH },
};

/* A string value as a heap copy with its marked bytes restored; absent,
 * null or not a string: left NULL. 0 or -ENOMEM. */
static int get_str(json_t *o, const char *key, struct log_str *out, bool unmark)
{
	json_t *v = json_object_get(o, key);
	size_t n;

	out->s = NULL;
	out->len = 0;
	if (!json_is_string(v))
		return 0;
	n = json_string_length(v);
	out->s = malloc(n + 1);
	if (!out->s)
		return -ENOMEM;
	memcpy(out->s, json_string_value(v), n);
	out->s[n] = '\0';
	out->len = unmark ? logscan_unmark(out->s, n) : n;
	return 0;
}

/* An integer value, dflt when absent or not an integer. */
static long long get_int(json_t *o, const char *key, long long dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

/* A short string into buf ("" when absent, not a string or too long). */
static void get_small(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (json_is_string(v) && json_string_length(v) < len &&
	    !memchr(json_string_value(v), '\0', json_string_length(v)))
		memcpy(buf, json_string_value(v), json_string_length(v) + 1);
}

static int parse_run(json_t *o, struct log_rec *r)
{
	json_t *ver = json_object_get(o, "verified");
	int err = 0;

	r->pid = get_int(o, "pid", -1);
	r->uid = get_int(o, "uid", -1);
	r->gid = get_int(o, "gid", -1);
	err |= get_str(o, "path", &r->path, r->marked);
	err |= get_str(o, "argv0", &r->argv0, r->marked);
	err |= get_str(o, "cwd", &r->cwd, r->marked);
	err |= get_str(o, "emulator", &r->emulator, r->marked);
	err |= get_str(o, "arch", &r->arch, r->marked);
	err |= get_str(o, "decision", &r->decision, r->marked);
	err |= get_str(o, "reason_code", &r->reason_code, r->marked);
	err |= get_str(o, "reason", &r->reason, r->marked);
	/* What the kernel vouches for (the collector) wins over the claim. */
	if (json_is_object(ver)) {
		struct log_str a;

		r->verified = true;
		r->pid = get_int(ver, "pid", r->pid);
		r->uid = get_int(ver, "uid", r->uid);
		r->gid = get_int(ver, "gid", r->gid);
		err |= get_str(ver, "arch", &a, r->marked);
		if (a.s) {
			free(r->arch.s);
			r->arch = a;
		}
	}
	/* The pid the shim saw (another pid namespace than the collector's
	 * shows as "claimed"). */
	r->shim_pid = get_int(json_object_get(o, "claimed"), "pid", get_int(o, "pid", -1));
	/* Execs of this uid no destination took before this one (the shim's
	 * count, docs/log-format.md). */
	r->unrecorded = get_int(o, "unrecorded_before", 0);
	if (r->unrecorded < 0)
		r->unrecorded = 0;
	return err ? -ENOMEM : 0;
}

static void parse_exit(json_t *o, struct log_rec *r)
{
	json_t *v;
	char status[16];

	r->pid = get_int(o, "pid", -1);
	v = json_object_get(o, "exit_code");
	if (json_is_integer(v)) {
		r->has_code = true;
		r->exit_code = (int)json_integer_value(v);
	}
	v = json_object_get(o, "signal");
	if (json_is_integer(v)) {
		r->has_signal = true;
		r->signal = (int)json_integer_value(v);
	}
	r->core_dumped = json_is_true(json_object_get(o, "core_dumped"));
	v = json_object_get(o, "duration_ms");
	if (json_is_number(v)) {
		r->has_duration = true;
		r->duration_ms = json_number_value(v);
	}
	get_small(o, "status", status, sizeof(status));
	/* "known" unless it says otherwise or carries no status at all. */
	r->status_known = strcmp(status, "unknown") &&
			  (r->has_code || r->has_signal);
}

/* "v":1 and an event this reader knows: 0, else -EPROTO. */
static int parse_event(json_t *o, struct log_rec *r)
{
	json_t *ev;
	size_t i;

	if (get_int(o, "v", 0) != 1)
		return -EPROTO;
	ev = json_object_get(o, "event");
	if (!json_is_string(ev))
		return -EPROTO;
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (!strcmp(json_string_value(ev), events[i].name)) {
			r->event = events[i].ev;
			return 0;
		}
	}
	return -EPROTO;
}

/* What any record may carry: its time and the shim's, the collector's
 * id, its source. */
static void parse_head(json_t *o, struct log_rec *r)
{
	json_t *cl = json_object_get(o, "claimed");
	char src[16];

	get_small(o, "time", r->time, sizeof(r->time));
	if (json_is_object(cl) && json_is_string(json_object_get(cl, "time")))
		get_small(cl, "time", r->shim_time, sizeof(r->shim_time));
	else
		memcpy(r->shim_time, r->time, sizeof(r->time));
	if (r->time[0] && logscan_time(r->time, strlen(r->time), &r->time_us) < 0)
		r->time_us = -1;
	get_small(o, "id", r->id, sizeof(r->id));
	get_small(o, "source", src, sizeof(src));
	r->collector = !strcmp(src, "collector");
}

/* An exec, deny or fail record: the run, and what is still to come
 * about it (a hash record; a collector record this copy duplicates). */
static int parse_exec(json_t *o, struct log_rec *r)
{
	int err = parse_run(o, r);

	r->hash_follows = r->collector &&
			  json_is_true(json_object_get(o, "hash_follows"));
	if (!r->collector) {
		char ce[160];

		get_small(o, "collector_error", ce, sizeof(ce));
		r->late_copy = strstr(ce, "no answer in time") != NULL;
	}
	return err;
}

/* The fields of r->event's kind: 0, -EPROTO or -ENOMEM. */
static int parse_body(json_t *o, struct log_rec *r)
{
	int err = 0;

	switch (r->event) {
	case LE_EXEC:
	case LE_DENY:
	case LE_FAIL:
		return parse_exec(o, r);
	case LE_EXIT:
		/* An exit that names no exec is of no use to anyone. */
		if (!r->id[0])
			err = -EPROTO;
		parse_exit(o, r);
		return err;
	case LE_HASH:
		/* A digest for no exec is of no use; one with "error" instead
		 * of a digest is a record all the same (nothing to join). */
		if (!r->id[0])
			err = -EPROTO;
		get_small(o, "sha256", r->sha256, sizeof(r->sha256));
		if (strlen(r->sha256) != 64)
			r->sha256[0] = '\0';
		return err;
	case LE_LOST:
	case LE_REJECTED:
		r->lost_count = get_int(o, "count", 0);
		if (r->lost_count < 0)
			r->lost_count = 0;
		return get_str(o, "reason", &r->lost_reason, r->marked);
	}
	return 0;
}

int log_rec_parse(char *line, size_t len, struct log_rec *r)
{
	json_error_t je;
	json_t *o;
	size_t n;
	int err;

	memset(r, 0, sizeof(*r));
	r->time_us = -1;
	r->pid = r->uid = r->gid = -1;
	r->marked = logscan_mark(line, len, &n) == 0;
	o = json_loadb(line, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return -EINVAL;
	}
	err = parse_event(o, r);
	if (!err) {
		parse_head(o, r);
		err = parse_body(o, r);
	}
	json_decref(o);
	if (err)
		log_rec_free(r);
	return err;
}

void log_rec_free(struct log_rec *r)
{
	struct log_str *s[] = {
		&r->path, &r->argv0, &r->cwd, &r->emulator, &r->arch,
		&r->decision, &r->reason_code, &r->reason, &r->lost_reason,
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		free(s[i]->s);
		s[i]->s = NULL;
		s[i]->len = 0;
	}
}

enum log_outcome log_run_outcome(const struct log_run *run)
{
	const struct log_rec *x = &run->exit;

	if (run->rec.event == LE_DENY)
		return LO_DENIED;
	if (run->rec.event == LE_FAIL)
		return LO_FAILED;
	if (!run->has_exit)
		return run->rec.id[0] && run->rec.collector ? LO_RUNNING :
		       LO_UNRECORDED;
	if (!x->status_known)
		return LO_UNKNOWN;
	if (x->has_signal)
		return LO_SIGNAL;
	return x->exit_code == 0 ? LO_OK : LO_NONZERO;
}
