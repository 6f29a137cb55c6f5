// SPDX-License-Identifier: GPL-2.0
/*
 * status: every live binfmt_misc entry, ours and others, with what the
 * kernel would do with it; arches: the arch table as this host sees it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "jout.h"
#include "loader.h"
#include "pinstat.h"

struct estat {
	bool present;			/* the interpreter exists */
	bool is_static;
	char interp_why[1024];		/* why it is not usable, "" if it is */
	bool matches[64];		/* by arch index: matches its ELF files */
	bool wins[64];			/* and is the one the kernel picks */
	char broken[1200];		/* ours only: why it is broken */
	struct pin_state pin;		/* its interpreter as a pinned file */
	size_t *overlaps;		/* the other entries some file matches too */
	size_t noverlaps;
};

/* Which arches each entry matches, which entry wins for each arch. */
static void analyse(const struct bm_table *t, struct estat *st)
{
	static const unsigned types[] = { 2, 3 };	/* ET_EXEC, ET_DYN */
	uint8_t hdr[64];
	size_t i, a, k;

	for (i = 0; i < t->n; i++) {
		const struct binfmt_entry *e = &t->e[i];

		st[i].present = access(e->interpreter, F_OK) == 0;
		st[i].is_static = check_static_exec(e->interpreter, st[i].interp_why,
						    sizeof(st[i].interp_why)) == 0;
		pin_inspect(e->interpreter, &st[i].pin);
	}
	for (a = 0; a < arch_count && a < 64; a++) {
		for (k = 0; k < 2; k++) {
			int w;

			arch_sample(&arch_table[a], types[k], hdr, sizeof(hdr));
			for (i = 0; i < t->n; i++)
				if (binfmt_entry_matches(&t->e[i], NULL, hdr, sizeof(hdr)))
					st[i].matches[a] = true;
			w = binfmt_match(t->e, t->n, NULL, hdr, sizeof(hdr));
			if (w >= 0)
				st[w].wins[a] = true;
		}
	}
	for (i = 0; i < t->n; i++) {
		const struct binfmt_entry *e = &t->e[i];
		size_t n = 0;

		if (!binfmt_is_ours(e->name))
			continue;
		if (!st[i].present)
			n += snprintf(st[i].broken + n, sizeof(st[i].broken) - n,
				      "interpreter %s is missing; ", e->interpreter);
		else if (strchr(e->flags, 'F') && !st[i].is_static)
			n += snprintf(st[i].broken + n, sizeof(st[i].broken) - n,
				      "%s; ", st[i].interp_why);
		else if (st[i].pin.bad[0])
			n += snprintf(st[i].broken + n, sizeof(st[i].broken) - n,
				      "its pinned file %s is %s; ", e->interpreter,
				      st[i].pin.bad);
		for (a = 0; a < arch_count && a < 64 && n < 600; a++) {
			int w;
			uint8_t h[64];

			if (!st[i].matches[a] || st[i].wins[a] || !e->enabled)
				continue;
			arch_sample(&arch_table[a], 2, h, sizeof(h));
			w = binfmt_match(t->e, t->n, NULL, h, sizeof(h));
			n += snprintf(st[i].broken + n, sizeof(st[i].broken) - n,
				      "shadowed by %s for %s; ",
				      w >= 0 ? t->e[w].name : "?", arch_table[a].name);
		}
		if (n >= 2 && n < sizeof(st[i].broken))
			st[i].broken[n - 2] = '\0';
	}
}

static void arch_list(const bool *m, char *buf, size_t len)
{
	size_t a, n = 0;

	buf[0] = '\0';
	for (a = 0; a < arch_count && a < 64; a++)
		if (m[a] && n + 20 < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      arch_table[a].name);
}

static void json_arches(struct json_writer *w, const char *key, const bool *m)
{
	size_t a;

	jw_key(w, key);
	jw_array_begin(w);
	for (a = 0; a < arch_count && a < 64; a++)
		if (m[a])
			jw_string(w, arch_table[a].name);
	jw_array_end(w);
}

/*
 * Everything status reports, gathered once (status_gather); the text and
 * the JSON output both print from it (status_text, status_json), so they
 * cannot disagree.
 */
struct status {
	struct bm_table t;
	struct estat *st;		/* by entry, as t.e */
	char cfgpath[1024];
	int cfgrc;			/* load_shim_config's: 0, -ENOENT, else errors */
	char sink[1200];		/* where the shim's records go */
	struct sink_check sc;
	bool collector_up;		/* a collector socket, and it listens */
	char finding[1024];		/* sink_finding's, "" when none */
	struct pin_totals pins;
	size_t broken;			/* our entries with a reason in broken[] */
};

/* Which other entries each one overlaps (some file matches both), in
 * table order. 0 or -ENOMEM. */
static int find_overlaps(const struct bm_table *t, struct estat *st)
{
	size_t i, j, n;

	for (i = 0; i < t->n; i++) {
		for (n = 0, j = 0; j < t->n; j++)
			n += j != i && entries_overlap(&t->e[j], &t->e[i]);
		st[i].overlaps = calloc(n + 1, sizeof(*st[i].overlaps));
		if (!st[i].overlaps)
			return -ENOMEM;
		for (j = 0; j < t->n; j++)
			if (j != i && entries_overlap(&t->e[j], &t->e[i]))
				st[i].overlaps[st[i].noverlaps++] = j;
	}
	return 0;
}

static void status_free(struct status *s)
{
	size_t i;

	for (i = 0; s->st && i < s->t.n; i++)
		free(s->st[i].overlaps);
	free(s->st);
	bm_table_free(&s->t);
}

/* -1 when gathered, else the exit status (the error said). */
static int status_gather(struct status *s)
{
	struct shim_config cfg;
	size_t i;
	int err;

	memset(s, 0, sizeof(*s));
	err = bm_read_table(&s->t);
	if (err) {
		err_msg("status: reading " BM_DIR ": %s", strerror(-err));
		return EXIT_USAGE;
	}
	s->st = calloc(s->t.n + 1, sizeof(*s->st));
	if (!s->st) {
		bm_table_free(&s->t);
		return EXIT_USAGE;
	}
	analyse(&s->t, s->st);
	s->cfgrc = load_shim_config(&cfg, s->cfgpath, sizeof(s->cfgpath));
	log_sink(&cfg, s->sink, sizeof(s->sink));
	sink_check(&cfg, &s->sc);
	sink_finding(&s->sc, s->cfgpath, s->finding, sizeof(s->finding));
	s->collector_up = s->sc.socket[0] && !s->sc.sock_err;
	for (i = 0; i < s->t.n; i++) {
		s->broken += s->st[i].broken[0] != '\0';
		pin_totals_add(&s->pins, &s->t.e[i], &s->st[i].pin);
	}
	if (find_overlaps(&s->t, s->st) < 0) {
		status_free(s);
		return EXIT_USAGE;
	}
	return -1;
}

static void json_entry(struct json_writer *w, const struct status *s, size_t i)
{
	const struct binfmt_entry *e = &s->t.e[i];
	const struct estat *st = &s->st[i];
	size_t j;

	jw_object_begin(w);
	jw_kv_string(w, "name", e->name);
	jw_kv_bool(w, "ours", binfmt_is_ours(e->name));
	jw_kv_bool(w, "enabled", e->enabled);
	jw_kv_uint(w, "order", s->t.n - i);
	jw_kv_string(w, "interpreter", e->interpreter);
	jw_kv_bool(w, "interpreter_present", st->present);
	jw_kv_bool(w, "interpreter_static", st->is_static);
	jw_kv_string(w, "flags", e->flags);
	json_arches(w, "matches", st->matches);
	json_arches(w, "wins", st->wins);
	jw_key(w, "overlaps");
	jw_array_begin(w);
	for (j = 0; j < st->noverlaps; j++)
		jw_string(w, s->t.e[st->overlaps[j]].name);
	jw_array_end(w);
	jw_kv_string(w, "broken", st->broken[0] ? st->broken : NULL);
	pin_status_json(w, e, &st->pin);
	jw_object_end(w);
}

static void status_json(const struct status *s)
{
	struct jdoc d;
	size_t i;

	jdoc_init(&d);
	jw_object_begin(&d.w);
	jw_kv_bool(&d.w, "mounted", s->t.mounted);
	jw_kv_bool(&d.w, "enabled", s->t.enabled);
	jw_kv_string(&d.w, "config", s->cfgpath);
	jw_kv_string(&d.w, "config_status", s->cfgrc == 0 ? "ok" :
		     s->cfgrc == -ENOENT ? "absent (defaults)" : "has errors");
	jw_kv_string(&d.w, "log", s->sink);
	jw_key(&d.w, "collector");
	jw_object_begin(&d.w);
	jw_kv_string(&d.w, "socket", s->sc.socket[0] ? s->sc.socket : NULL);
	jw_kv_bool(&d.w, "listening", s->collector_up);
	jw_kv_bool(&d.w, "open_to_all_users", s->sc.sock_others);
	jw_object_end(&d.w);
	jw_kv_string(&d.w, "other_users_recorded_in", s->sc.where);
	/* A shim in a container reaches no host log: only a running
	 * collector records those execs (binfmt-shimd(8)). */
	jw_kv_bool(&d.w, "container_execs_recorded", s->collector_up);
	jw_kv_uint(&d.w, "broken", s->broken);
	pin_totals_json(&d.w, &s->pins);
	jw_key(&d.w, "findings");
	jw_array_begin(&d.w);
	if (s->finding[0])
		jw_string(&d.w, s->finding);
	jw_array_end(&d.w);
	jw_key(&d.w, "entries");
	jw_array_begin(&d.w);
	for (i = s->t.n; i-- > 0;)
		json_entry(&d.w, s, i);
	jw_array_end(&d.w);
	jw_object_end(&d.w);
	jdoc_print(&d, stdout);
	jdoc_free(&d);
}

/* Names, paths and flags are the entries' own bytes (any user namespace
 * may register its own): T(). */
static void text_entry(const struct status *s, size_t i)
{
	const struct binfmt_entry *e = &s->t.e[i];
	const struct estat *st = &s->st[i];
	char list[1024];
	size_t j;

	printf("\n%s%s: %s, flags %s\n", T(e->name),
	       binfmt_is_ours(e->name) ? " (ours)" : "",
	       e->enabled ? "enabled" : "disabled",
	       e->flags[0] ? T(e->flags) : "-");
	printf("  interpreter %s (%s%s)\n", T(e->interpreter),
	       st->present ? "present" : "MISSING",
	       !st->present ? "" : st->is_static ? ", static" : ", not static");
	arch_list(st->matches, list, sizeof(list));
	printf("  matches     %s\n", list[0] ? list : "no ELF arch");
	arch_list(st->wins, list, sizeof(list));
	printf("  picked for  %s\n", list[0] ? list : "nothing");
	for (j = 0; j < st->noverlaps; j++)
		printf(j ? ", %s" : "  overlaps    %s", T(s->t.e[st->overlaps[j]].name));
	if (st->noverlaps)
		putchar('\n');
	pin_status_text(e, &st->pin);
	if (st->broken[0])
		printf("  BROKEN      %s\n", T(st->broken));
}

/* The shim's config, where records go, the pinned files and what to fix. */
static void text_footer(const struct status *s)
{
	const struct sink_check *sc = &s->sc;

	printf("\nshim config: %s (%s)\nshim log:    %s\n", T(s->cfgpath),
	       s->cfgrc == 0 ? "ok" : s->cfgrc == -ENOENT ? "absent: defaults" :
	       "has errors: the shim reports them", T(s->sink));
	if (sc->socket[0])
		printf("collector:   %s (%s)\n", T(sc->socket),
		       sc->sock_err ? strerror(-sc->sock_err) : sc->sock_others ?
		       "listening" : "listening, but closed to other users");
	else
		printf("collector:   none configured\n");
	printf("other users: recorded in %s\n", sc->where ? sc->where : "NOTHING");
	printf("containers:  %s\n", s->collector_up ?
	       "execs inside containers and chroots are recorded by the collector" :
	       "execs inside containers and chroots are UNRECORDED until the "
	       "collector (binfmt-shimd) runs");
	pin_totals_text(&s->pins);
	if (s->finding[0])
		printf("\n%s\n", T(s->finding));
	if (s->broken)
		printf("\n%zu of our entries are broken: '%s register "
		       "--replace ARCH...' re-registers them and disables "
		       "the entries that shadow them\n", s->broken, prog_name);
}

static void status_text(const struct status *s)
{
	size_t i;

	if (!s->t.mounted) {
		printf("binfmt_misc: not mounted at " BM_DIR
		       " ('%s register' mounts it)\n", prog_name);
	} else {
		printf("binfmt_misc: %s, %zu entr%s (the kernel tries them top "
		       "down)\n", s->t.enabled ? "enabled" : "DISABLED", s->t.n,
		       s->t.n == 1 ? "y" : "ies");
		for (i = s->t.n; i-- > 0;)
			text_entry(s, i);
	}
	text_footer(s);
}

int cmd_status(const struct cli *c)
{
	struct status s;
	int rc;

	rc = status_gather(&s);
	if (rc >= 0)
		return rc;
	if (c->opts & OPT_JSON)
		status_json(&s);
	else
		status_text(&s);
	rc = s.broken || s.finding[0] || s.pins.stale ? EXIT_CHECK : EXIT_OK;
	status_free(&s);
	return rc;
}

/* "host", "native", "foreign", or "compat-off" (family member that did
 * not run), "untested" (family member, no private namespace). */
static const char *native_word(const struct arch *a)
{
	int r;

	if (a == arch_host())
		return "host";
	if (!arch_is_host_family(a))
		return "foreign";
	r = native_test(a);
	return r == 1 ? "native" : r == 0 ? "foreign" : "untested";
}

int cmd_arches(const struct cli *c)
{
	struct binfmt_entry ents[BINFMT_ENTRIES_MAX];
	char magic[2 * BINFMT_BUF_SIZE + 1], mask[2 * BINFMT_BUF_SIZE + 1];
	char emu[1024];
	bool json = c->opts & OPT_JSON;
	struct jdoc d;
	size_t i;
	int n, k;

	if (json) {
		jdoc_init(&d);
		jw_array_begin(&d.w);
	} else {
		printf("%-13s %-8s %-34s %s\n", "NAME", "HERE", "EMULATOR", "ALIASES");
	}
	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];
		const char *here = native_word(a);

		find_emulator(a, emu, sizeof(emu));
		n = binfmt_entries_for_arch(a, "/shim", "", ents, BINFMT_ENTRIES_MAX);
		if (!json) {
			printf("%-13s %-8s %-34s %s\n", a->name, here,
			       emu[0] ? emu : "(none)", a->aliases);
			for (k = 0; k < n; k++) {
				hex_bytes(ents[k].magic, ents[k].magic_len, magic, sizeof(magic));
				hex_bytes(ents[k].mask, ents[k].magic_len, mask, sizeof(mask));
				printf("  %s magic %s\n  %*s mask  %s\n", ents[k].name,
				       magic, (int)strlen(ents[k].name), "", mask);
			}
			continue;
		}
		jw_object_begin(&d.w);
		jw_kv_string(&d.w, "name", a->name);
		jw_kv_string(&d.w, "qemu", a->name);
		jw_key(&d.w, "aliases");
		jw_array_begin(&d.w);
		{
			char item[64];
			unsigned j;

			for (j = 0; arch_list_item(a->aliases, j, item, sizeof(item)) >= 0; j++)
				jw_string(&d.w, item);
		}
		jw_array_end(&d.w);
		jw_kv_string(&d.w, "here", here);
		jw_kv_string(&d.w, "emulator", emu[0] ? emu : NULL);
		jw_key(&d.w, "entries");
		jw_array_begin(&d.w);
		for (k = 0; k < n; k++) {
			hex_bytes(ents[k].magic, ents[k].magic_len, magic, sizeof(magic));
			hex_bytes(ents[k].mask, ents[k].magic_len, mask, sizeof(mask));
			jw_object_begin(&d.w);
			jw_kv_string(&d.w, "name", ents[k].name);
			jw_kv_uint(&d.w, "offset", ents[k].offset);
			jw_kv_string(&d.w, "magic", magic);
			jw_kv_string(&d.w, "mask", mask);
			jw_object_end(&d.w);
		}
		jw_array_end(&d.w);
		jw_object_end(&d.w);
	}
	if (json) {
		jw_array_end(&d.w);
		jdoc_print(&d, stdout);
		jdoc_free(&d);
	}
	return EXIT_OK;
}
