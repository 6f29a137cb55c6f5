// SPDX-License-Identifier: GPL-2.0
/*
 * verify: prove the chain for each registered arch by running its tiny
 * program (loader/tiny.c) from a memfd with execveat: the kernel picks the
 * binfmt_misc entry, runs the shim, the shim records and hands off to
 * qemu, the program writes TINY_LINE and exits with the first byte of its
 * argv[0]. The runs carry BINFMT_SHIM_VERIFY=1, so their records, wherever
 * the system config sends them, say "verify": true; the caller's copy
 * (BINFMT_SHIM_LOG, ours) says where the system record went. The runner
 * is loader/tinyrun.c.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jout.h"
#include "loader.h"
#include "throwaway.h"
#include "tiny.h"

extern char **environ;

/* Where the system record goes, as the shim will see it (the system
 * config with the caller's layered on: load_shim_config). */
struct vsinks {
	struct shim_config cfg;
	char cfgpath[4096];
	bool collector;		/* a socket is configured explicitly */
};

struct vresult {
	const struct arch *a;
	char entry[BINFMT_NAME_MAX + 1];
	char flags[8];
	int status;			/* exit status, -1 when none */
	int expect;
	int status2, expect2;		/* second run (P only) */
	const char *output;		/* "ok", "FAIL", "n/a": the line */
	const char *argv0_result;	/* "ok", "FAIL", "n/a" */
	const char *record;		/* "ok", "missing", "wrong", ... */
	const char *sink;		/* where the system record went, or NULL */
	bool ok;
	int tries;			/* runs of the program (late collector) */
	char why[1024];
	struct {			/* the run in a throwaway container */
		int status, expect;
		const char *output;	/* "ok", "FAIL", "n/a" */
		const char *result;	/* "ok", "FAIL", "skip" */
		char why[1400];
	} ctr;
};

static const char *jstr(json_t *r, const char *k)
{
	const char *v = json_string_value(json_object_get(r, k));

	return v ? v : "";
}

/* A rig's config ([users] override = yes) with a collector: our
 * BINFMT_SHIM_LOG is the log file, which gets only what the collector
 * did not take. */
static bool rig_collector(const struct vsinks *k)
{
	return k->cfg.users_override && k->cfg.socket[0];
}

/* The record r of our run: "ok" (*sink says where the system record
 * went) or what is wrong with it, in why[]. */
static const char *judge_record(const struct vsinks *k, json_t *r, const char *logpath,
				const char *argv0, const struct arch *a,
				const char **sink, char *why, size_t len)
{
	const char *ra0, *rarch, *sys, *cerr, *res = "ok";

	ra0 = json_string_value(json_object_get(r, "argv0"));
	rarch = json_string_value(json_object_get(r, "arch"));
	why[0] = '\0';
	/* The copy says where the system record went; without the
	 * override our file is only ever a copy. */
	sys = !strcmp(jstr(r, "sink"), "user") ? jstr(r, "system_sink") : jstr(r, "sink");
	cerr = jstr(r, "collector_error");
	if (!rarch || strcmp(rarch, a->name)) {
		snprintf(why, len, "record says arch %s, expected %s",
			 rarch ? rarch : "null", a->name);
		res = "wrong";
	} else if (argv0 && (!ra0 || strncmp(ra0, argv0, strlen(argv0)))) {
		snprintf(why, len, "record says argv0 %s, expected %s",
			 ra0 ? ra0 : "null", argv0);
		res = "wrong";
	} else if (!json_is_true(json_object_get(r, "verify"))) {
		snprintf(why, len, "the record is not marked \"verify\": true: "
			 "the registered shim is older than this %s; install "
			 "both from one build", prog_name);
		res = "wrong";
	} else if (!sys[0]) {
		snprintf(why, len, "the system record went nowhere: %s",
			 jstr(r, "sink_error")[0] ? jstr(r, "sink_error") :
			 "no destination took it");
		res = "lost";
	} else if (k->collector && strcmp(sys, "collector")) {
		snprintf(why, len, "the collector at %s did not take the record "
			 "(%s); it went to %s instead", k->cfg.socket,
			 cerr[0] ? cerr : "no reason given",
			 strcmp(sys, "file") ? sys :
			 config_log_path(&k->cfg, logpath));
		res = strstr(cerr, "no answer in time") ? "late" : "fallback";
	} else {
		*sink = !strcmp(sys, "collector") ? "collector" :
			!strcmp(sys, "file") ? "file" :
			!strcmp(sys, "syslog") ? "syslog" : "other";
	}
	return res;
}

/*
 * The record of pid in logpath, checked field by field: "ok" (and *sink
 * set), "missing", "wrong", "broken", "lost" (no destination took the
 * system record), "fallback" (the configured collector did not take it),
 * "late" (the collector answered after the shim stopped waiting, which a
 * busy host may do once: the caller runs again).
 *
 * verify points BINFMT_SHIM_LOG at its own file. On a host (no [users]
 * override) that file gets the caller's copy ("sink": "user"), whose
 * "system_sink" says where the system record went, whatever the config
 * names: collector, file or syslog. In a rig with the override the
 * variable replaces the log file itself, so the file holds the system
 * record when it went to the file, and nothing when the collector took
 * it (the shim tries the collector first, and the file, ours, cannot
 * refuse it).
 */
static const char *check_record(const struct vsinks *k, const char *logpath,
				pid_t pid, const char *argv0, const struct arch *a,
				const char **sink, char *why, size_t len)
{
	char line[16384];
	const char *res = "missing";
	FILE *f = fopen(logpath, "re");

	*sink = NULL;
	if (!f && errno == ENOENT && rig_collector(k)) {
		*sink = "collector";
		return "ok";
	}
	if (!f) {
		snprintf(why, len, "no record in %s: the shim wrote no copy for "
			 "BINFMT_SHIM_LOG", logpath);
		return "missing";
	}
	snprintf(why, len, "no record with pid %d in %s", (int)pid, logpath);
	while (fgets(line, sizeof(line), f)) {
		json_error_t je;
		json_t *r = json_loads(line, 0, &je);

		if (!r) {
			snprintf(why, len, "unparseable record: %s", je.text);
			res = "broken";
			continue;
		}
		if (json_integer_value(json_object_get(r, "pid")) != pid) {
			json_decref(r);
			continue;
		}
		res = judge_record(k, r, logpath, argv0, a, sink, why, len);
		json_decref(r);
		break;
	}
	fclose(f);
	if (!strcmp(res, "missing") && rig_collector(k)) {
		/* The collector took it: not a miss, so no "no record" reason
		 * (it showed on passing arches whenever another run had made
		 * the file). */
		why[0] = '\0';
		*sink = "collector";
		return "ok";
	}
	return res;
}

static int exit_of(int status)
{
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* What the program wrote, for a reason: TINY_LINE or quoted bytes. */
static void say_output(char *buf, size_t len, const char *out)
{
	size_t i, n = 0;

	for (i = 0; out[i] && n + 5 < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", c);
	}
	buf[n] = '\0';
}

/* The shim's own reason for refusing pid, from its record in logpath
 * (a "fail" or "deny" record: no emulator, a policy...); "" if none. */
static void refusal_reason(const char *logpath, pid_t pid, char *buf, size_t len)
{
	char line[16384];
	FILE *f = fopen(logpath, "re");

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		json_t *r = json_loads(line, 0, NULL);

		if (r && json_integer_value(json_object_get(r, "pid")) == pid &&
		    strcmp(jstr(r, "event"), "exec"))
			snprintf(buf, len, "%s (%s)", jstr(r, "reason"),
				 jstr(r, "reason_code"));
		json_decref(r);
	}
	if (f)
		fclose(f);
}

/* One run: exit status expected and the line on stdout. false with
 * v->why set when not. */
static bool run_once(struct vresult *v, const char *logpath, const char *argv0,
		     char *const env[], int expect, int *statusp, pid_t *pidp)
{
	char out[256], err[256], said[128], reason[700];
	int status;

	status = tiny_capture(v->a, argv0, env, out, sizeof(out), err, sizeof(err), pidp);
	*statusp = exit_of(status);
	if (*statusp < 0) {
		snprintf(v->why, sizeof(v->why), "%s", err[0] ? err :
			 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
			 "did not exit");
		return false;
	}
	if (*statusp == 126 || *statusp == 127) {
		refusal_reason(logpath, *pidp, reason, sizeof(reason));
		if (reason[0])
			snprintf(v->why, sizeof(v->why), "exit %d: the shim did not "
				 "run it: %s", *statusp, reason);
		else
			snprintf(v->why, sizeof(v->why), "exit %d: the shim refused "
				 "or could not run it (its diagnostic went to stderr; "
				 "'%s explain' and the log say more)", *statusp,
				 prog_name);
		return false;
	}
	v->output = strcmp(out, TINY_LINE) ? "FAIL" : "ok";
	if (strcmp(out, TINY_LINE)) {
		say_output(said, sizeof(said), out);
		snprintf(v->why, sizeof(v->why), "wrote \"%s\" to stdout, expected "
			 "\"binfmt-shim: ok\\n\"", said);
		return false;
	}
	if (*statusp != expect) {
		snprintf(v->why, sizeof(v->why), "exit status %d, expected %d%s",
			 *statusp, expect,
			 *statusp == '/' ? " (argv[0] was not preserved: P flag?)" : "");
		return false;
	}
	return true;
}

/* How often a run whose record the collector took too late is repeated:
 * a host busy enough to starve the collector for 5 ms once is not a
 * broken chain; one that does it every time is. */
#define LATE_TRIES 5

/*
 * The same program in a throwaway container (loader/throwaway.c): an
 * empty root on a tmpfs with only the program and /proc, so neither the
 * emulator nor the shim can be found by a path. Only what the kernel
 * keeps open for the F flag reaches it: the pinned file runs it, a plain
 * shim finds no emulator, an entry without F no interpreter. The shim
 * writes no record there (its "/" is not the host's): the record of a
 * container's exec is the collector's, not checked here.
 */
static void verify_container(const struct binfmt_entry *e, const char *tmpdir,
			     const char *argv0, char *const env[], struct vresult *v)
{
	char mnt[4200], out[256], err[512], said[128];
	uint8_t buf[TINY_MAX];
	size_t ne = 0, nenv = 0, i;
	char **envp;
	int n, rc;

	v->ctr.status = -1;
	v->ctr.expect = v->expect;
	v->ctr.output = "n/a";
	v->ctr.result = "FAIL";
	v->ctr.why[0] = '\0';
	if (!strchr(e->flags, 'F')) {
		v->ctr.result = "skip";
		snprintf(v->ctr.why, sizeof(v->ctr.why), "not run: without flag F the "
			 "kernel opens %s at each exec, which a container does not have",
			 e->interpreter);
		return;
	}
	n = tiny_build(v->a->name, buf, sizeof(buf));
	while (environ && environ[ne])
		ne++;
	while (env[nenv])
		nenv++;
	envp = calloc(ne + nenv + 1, sizeof(*envp));
	snprintf(mnt, sizeof(mnt), "%s/ctr-%s", tmpdir, v->a->name);
	if (n < 0 || !envp || (mkdir(mnt, 0755) < 0 && errno != EEXIST)) {
		snprintf(v->ctr.why, sizeof(v->ctr.why), "cannot prepare the container: %s",
			 strerror(n < 0 ? -n : errno));
		free(envp);
		return;
	}
	for (i = 0; i < nenv; i++)
		envp[i] = env[i];
	for (i = 0; i < ne; i++)
		envp[nenv + i] = environ[i];
	rc = throwaway_run(buf, (size_t)n, mnt, argv0, envp, TINY_TIMEOUT_MS, out,
			   sizeof(out), err, sizeof(err));
	free(envp);
	rmdir(mnt);
	if (rc == THROWAWAY_NOT_A_MOUNT) {
		v->ctr.result = "skip";
		snprintf(v->ctr.why, sizeof(v->ctr.why), "not run: %s; run verify outside "
			 "the chroot", err);
		return;
	}
	if (rc == -EPERM) {
		v->ctr.result = "skip";
		snprintf(v->ctr.why, sizeof(v->ctr.why), "no container can be made here "
			 "(%s): run verify as root", err);
		return;
	}
	v->ctr.status = exit_of(rc);
	if (rc < 0 || v->ctr.status < 0) {
		snprintf(v->ctr.why, sizeof(v->ctr.why), "in a container: %s", rc < 0 ? err :
			 WIFSIGNALED(rc) ? strsignal(WTERMSIG(rc)) : "did not exit");
		return;
	}
	if (v->ctr.status == 126 || v->ctr.status == 127) {
		snprintf(v->ctr.why, sizeof(v->ctr.why), "exit %d in a container: the shim "
			 "did not run it there (its diagnostic went to stderr)", v->ctr.status);
		return;
	}
	v->ctr.output = strcmp(out, TINY_LINE) ? "FAIL" : "ok";
	if (strcmp(out, TINY_LINE)) {
		say_output(said, sizeof(said), out);
		snprintf(v->ctr.why, sizeof(v->ctr.why), "in a container: wrote \"%s\" to "
			 "stdout, expected \"binfmt-shim: ok\\n\"", said);
		return;
	}
	if (v->ctr.status != v->ctr.expect) {
		snprintf(v->ctr.why, sizeof(v->ctr.why), "in a container: exit status %d, "
			 "expected %d", v->ctr.status, v->ctr.expect);
		return;
	}
	v->ctr.result = "ok";
}

static void verify_one(const struct bm_table *t, const struct binfmt_entry *e,
		       const char *tmpdir, const struct vsinks *k, struct vresult *v)
{
	char argv0[64], argv0b[64], logpath[4200], env0[4300];
	char *env[] = { env0, "BINFMT_SHIM_VERIFY=1", NULL };
	uint8_t buf[TINY_MAX];
	bool p_flag = strchr(e->flags, 'P') != NULL;
	int n, win;
	pid_t pid = 0, pid2 = 0;

	snprintf(v->entry, sizeof(v->entry), "%s", e->name);
	snprintf(v->flags, sizeof(v->flags), "%s", e->flags);
	v->status = v->status2 = v->expect2 = -1;
	v->output = v->argv0_result = v->record = "n/a";
	v->ctr.status = v->ctr.expect = -1;
	v->ctr.output = "n/a";
	v->ctr.result = "skip";
	snprintf(v->ctr.why, sizeof(v->ctr.why), "not run: the kernel does not pick "
		 "this entry");
	n = tiny_build(v->a->name, buf, sizeof(buf));
	if (n < 0) {
		snprintf(v->why, sizeof(v->why), "no tiny program for %s in this "
			 "%s: it cannot be verified", v->a->name, prog_name);
		return;
	}
	win = binfmt_match(t->e, t->n, "/dev/fd/3", buf, (size_t)n);
	if (win < 0 || strcmp(t->e[win].name, e->name)) {
		snprintf(v->why, sizeof(v->why), "the kernel picks %s, not %s%s",
			 win < 0 ? "no entry" : t->e[win].name, e->name,
			 win < 0 ? " (is it disabled?)" :
			 "; register --replace disables the other entry");
		return;
	}
	snprintf(logpath, sizeof(logpath), "%s/%s.jsonl", tmpdir, v->a->name);
	snprintf(env0, sizeof(env0), "BINFMT_SHIM_LOG=%s", logpath);
	/* '*' (42) with P; without P the guest's argv[0] is the path the
	 * kernel passed, /dev/fd/N: '/' (47). A second argv[0] proves the
	 * status is the program's own. */
	snprintf(argv0, sizeof(argv0), "*bshim-verify-%s", v->a->name);
	snprintf(argv0b, sizeof(argv0b), "Ebshim-verify-%s", v->a->name);
	v->expect = p_flag ? '*' : '/';
	/* In a container first: the host's runs may end early. */
	verify_container(e, tmpdir, argv0, env, v);
	for (v->tries = 1; v->tries <= LATE_TRIES; v->tries++) {
		v->argv0_result = "n/a";
		v->record = "n/a";
		if (!run_once(v, logpath, argv0, env, v->expect, &v->status, &pid))
			return;
		if (p_flag) {
			v->expect2 = 'E';
			if (!run_once(v, logpath, argv0b, env, v->expect2, &v->status2, &pid2)) {
				v->argv0_result = "FAIL";
				snprintf(v->why + strlen(v->why), sizeof(v->why) -
					 strlen(v->why), " (second run)");
				return;
			}
			v->argv0_result = "ok";
		}
		v->record = check_record(k, logpath, pid, p_flag ? "*bshim-verify-" : NULL,
					 v->a, &v->sink, v->why, sizeof(v->why));
		if (!strcmp(v->record, "ok") && p_flag)
			v->record = check_record(k, logpath, pid2, argv0b, v->a,
						 &v->sink, v->why, sizeof(v->why));
		if (strcmp(v->record, "late"))
			break;
	}
	if (!strcmp(v->record, "late"))
		snprintf(v->why + strlen(v->why), sizeof(v->why) - strlen(v->why),
			 ", %d times", LATE_TRIES);
	v->ok = !strcmp(v->record, "ok");
}

/* One result in the JSON document. */
static void result_json(struct json_writer *w, const struct vresult *v)
{
	jw_object_begin(w);
	jw_kv_string(w, "arch", v->a->name);
	jw_kv_string(w, "entry", v->entry[0] ? v->entry : NULL);
	jw_kv_string(w, "flags", v->flags);
	jw_kv_int(w, "exit", v->status);
	jw_kv_int(w, "expected", v->expect);
	jw_kv_string(w, "output", v->output);
	jw_kv_string(w, "argv0", v->argv0_result);
	jw_kv_string(w, "record", v->record);
	jw_kv_string(w, "sink", v->sink);
	jw_kv_string(w, "result", v->ok ? "ok" : "FAIL");
	jw_kv_string(w, "reason", v->why[0] ? v->why : NULL);
	jw_key(w, "container");
	jw_object_begin(w);
	jw_kv_int(w, "exit", v->ctr.status);
	jw_kv_int(w, "expected", v->ctr.expect);
	jw_kv_string(w, "output", v->ctr.output);
	jw_kv_string(w, "result", v->ctr.result);
	jw_kv_string(w, "reason", v->ctr.why[0] ? v->ctr.why : NULL);
	jw_object_end(w);
	jw_object_end(w);
}

static void result_line(const struct vresult *v)
{
	char ex[16];

	if (v->status >= 0)
		snprintf(ex, sizeof(ex), "%d/%d", v->status, v->expect);
	else
		snprintf(ex, sizeof(ex), "-");
	/* The entry's name and flags, and a reason that may quote another
	 * entry or the record: escaped. */
	printf("%-12s ", v->a->name);
	t_pad(stdout, v->entry[0] ? v->entry : "-",
	      v->entry[0] ? strlen(v->entry) : 1, 28, 0);
	putchar(' ');
	t_pad(stdout, v->flags[0] ? v->flags : "-",
	      v->flags[0] ? strlen(v->flags) : 1, 5, 0);
	printf(" %-7s %-6s %-6s %-9s %s%s%s\n", ex, v->output, v->argv0_result,
	       v->ok && v->sink ? v->sink : v->record, v->ok ? "ok" : "FAIL",
	       v->why[0] ? ": " : "", T(v->why));
	/* The container's run on a line of its own, under the host's
	 * columns; its record is the collector's (RECORD "-"). */
	if (v->ctr.status >= 0)
		snprintf(ex, sizeof(ex), "%d/%d", v->ctr.status, v->ctr.expect);
	else
		snprintf(ex, sizeof(ex), "-");
	printf("%-12s %-28s %-5s %-7s %-6s %-6s %-9s %s%s%s\n", "", "  in a container", "",
	       ex, v->ctr.output, "n/a", "-", v->ctr.result,
	       v->ctr.why[0] && strcmp(v->ctr.result, "ok") ? ": " : "",
	       strcmp(v->ctr.result, "ok") ? T(v->ctr.why) : "");
}

/* What verify found: one result per entry run (or arch named and not
 * registered), and the counts both outputs print. */
struct vreport {
	struct vresult *res;
	size_t nres, failed, cpassed, cfailed, cskipped;
};

/* A named arch with no entry: a failed result that says so. */
static void not_registered(struct vresult *v, const struct arch *a)
{
	v->a = a;
	v->status = v->status2 = -1;
	v->output = v->argv0_result = v->record = "n/a";
	v->ctr.status = v->ctr.expect = -1;
	v->ctr.output = "n/a";
	v->ctr.result = "skip";
	snprintf(v->ctr.why, sizeof(v->ctr.why), "not registered");
	snprintf(v->why, sizeof(v->why), "not registered: run '%s register %s'",
		 prog_name, a->name);
}

/* Run every entry of ours (or of the arches named) into r. */
static void verify_gather(const struct cli *c, const bool *sel,
			  const struct bm_table *t, const char *tmpdir,
			  const struct vsinks *k, struct vreport *r)
{
	size_t i, j;

	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];
		bool found = false;

		for (j = 0; j < t->n; j++) {
			if (binfmt_arch_of(t->e[j].name) != a ||
			    strstr(t->e[j].name + strlen(BINFMT_OUR_PREFIX) + strlen(a->name),
				   BINFMT_ALT_SUFFIX))
				continue;
			if (!c->nargs || sel[i]) {
				r->res[r->nres].a = a;
				verify_one(t, &t->e[j], tmpdir, k, &r->res[r->nres]);
				r->nres++;
			}
			found = true;
		}
		if (!found && c->nargs && sel[i])
			not_registered(&r->res[r->nres++], a);
	}
	for (i = 0; i < r->nres; i++) {
		r->failed += !r->res[i].ok;
		r->cpassed += !strcmp(r->res[i].ctr.result, "ok");
		r->cfailed += !strcmp(r->res[i].ctr.result, "FAIL");
		r->cskipped += !strcmp(r->res[i].ctr.result, "skip");
	}
}

static void verify_print_json(const struct vreport *r)
{
	struct jdoc d;
	struct json_writer *w = &d.w;
	size_t i;

	jdoc_init(&d);
	jw_object_begin(w);
	jw_kv_bool(w, "ok", r->nres && !r->failed && !r->cfailed);
	jw_key(w, "arches");
	jw_array_begin(w);
	for (i = 0; i < r->nres; i++)
		result_json(w, &r->res[i]);
	jw_array_end(w);
	/* Both runs of each arch: on the host and in a container. */
	jw_kv_uint(w, "passed", r->nres - r->failed + r->cpassed);
	jw_kv_uint(w, "failed", r->failed + r->cfailed);
	jw_key(w, "host");
	jw_object_begin(w);
	jw_kv_uint(w, "passed", r->nres - r->failed);
	jw_kv_uint(w, "failed", r->failed);
	jw_object_end(w);
	jw_key(w, "container");
	jw_object_begin(w);
	jw_kv_uint(w, "passed", r->cpassed);
	jw_kv_uint(w, "failed", r->cfailed);
	jw_kv_uint(w, "skipped", r->cskipped);
	jw_object_end(w);
	jw_object_end(w);
	jdoc_print(&d, stdout);
	jdoc_free(&d);
}

static void verify_print_text(const struct vreport *r)
{
	size_t i;

	printf("%-12s %-28s %-5s %-7s %-6s %-6s %-9s %s\n", "ARCH", "ENTRY",
	       "FLAGS", "EXIT", "OUTPUT", "ARGV0", "RECORD", "RESULT");
	for (i = 0; i < r->nres; i++)
		result_line(&r->res[i]);
	if (!r->nres)
		printf("no binfmt-shim-* entries to verify: run '%s register "
		       "--all' first\n", prog_name);
	printf("verify: %zu passed, %zu failed (on the host %zu passed, %zu failed; "
	       "in a container %zu passed, %zu failed%s%.0zu%s)\n",
	       r->nres - r->failed + r->cpassed, r->failed + r->cfailed,
	       r->nres - r->failed, r->failed, r->cpassed, r->cfailed,
	       r->cskipped ? ", " : "", r->cskipped, r->cskipped ? " not run" : "");
}

int cmd_verify(const struct cli *c)
{
	bool *sel = calloc(arch_count, sizeof(bool));
	struct vreport r = { .res = calloc(2 * arch_count + 1, sizeof(*r.res)) };
	char tmpdir[] = "/tmp/binfmt-shim-verify.XXXXXX", path[4300];
	static struct vsinks k;
	struct bm_table t = { 0 };
	int rc = EXIT_USAGE, err;
	size_t i;

	if (!sel || !r.res || select_arches(c, sel))
		goto out;
	err = bm_read_table(&t);
	if (err || !t.mounted) {
		err_msg("verify: %s " BM_DIR "%s; register first ('%s register --all')",
			err ? strerror(-err) : "binfmt_misc is not mounted at",
			err ? "" : "", prog_name);
		goto out;
	}
	if (!mkdtemp(tmpdir)) {
		err_msg("verify: mkdtemp: %s", strerror(errno));
		goto out;
	}
	/* The runs inherit our environment, BINFMT_SHIM_CONFIG included: the
	 * shim will read what this reads. */
	load_shim_config(&k.cfg, k.cfgpath, sizeof(k.cfgpath));
	k.collector = k.cfg.socket[0] && k.cfg.socket_set;
	verify_gather(c, sel, &t, tmpdir, &k, &r);
	if (c->opts & OPT_JSON)
		verify_print_json(&r);
	else
		verify_print_text(&r);
	rc = r.failed || r.cfailed || !r.nres ? EXIT_CHECK : EXIT_OK;
	for (i = 0; i < arch_count; i++) {
		snprintf(path, sizeof(path), "%s/%s.jsonl", tmpdir, arch_table[i].name);
		unlink(path);
	}
	rmdir(tmpdir);
out:
	bm_table_free(&t);
	free(r.res);
	free(sel);
	return rc;
}
