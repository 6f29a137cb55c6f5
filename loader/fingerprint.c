// SPDX-License-Identifier: GPL-2.0
/*
 * fingerprint: the host's environment as one JSON object (the baseline a
 * pipeline keeps), and --compare against a baseline: a side-by-side table,
 * exit 1 when arch, OS, bits, emulator coverage or versions differ. Written
 * with jw_* in jansson's indented layout (the bytes it had when jansson
 * wrote it); read with jansson: the baseline (untrusted input from
 * elsewhere), and this host's own document, so that both columns of the
 * table come from one reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostfix.h"
#include "jout.h"
#include "loader.h"

#define FINGERPRINT_V 1

/* Whether s is UTF-8. jansson held only UTF-8 text: a field that was not
 * was left out (an entry with such a field, all of it), and still is. */
static bool utf8_ok(const char *s)
{
	size_t n = strlen(s), u;

	for (; n; s += u, n -= u)
		if (!(u = jw_utf8_len((const uint8_t *)s, n)))
			return false;
	return true;
}

static void kv_text(struct json_writer *w, const char *k, const char *s)
{
	if (utf8_ok(s))
		jw_kv_string(w, k, s);
}

/* One key of /etc/os-release (os-release(5)), unquoted, "" if absent. */
static void os_release(const char *key, char *buf, size_t len)
{
	static char text[8192];
	static bool loaded;
	size_t klen = strlen(key);
	char *line;

	buf[0] = '\0';
	if (!loaded) {
		if (read_small("/etc/os-release", text, sizeof(text)) < 0 &&
		    read_small("/usr/lib/os-release", text, sizeof(text)) < 0)
			text[0] = '\0';
		loaded = true;
	}
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t n;
		const char *v;

		if (strncmp(line, key, klen) || line[klen] != '=')
			continue;
		v = line + klen + 1;
		n = strcspn(v, "\n");
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v++;
			n -= 2;
		}
		snprintf(buf, len, "%.*s", (int)n, v);
		return;
	}
}

/* Which container runtime, if any: the markers the runtimes leave. */
static const char *container_kind(void)
{
	static char env[64];
	char map[256];
	const char *e = getenv("container");

	if (access("/.dockerenv", F_OK) == 0)
		return "docker";
	if (access("/run/.containerenv", F_OK) == 0)
		return "podman";
	if (e && *e) {
		snprintf(env, sizeof(env), "%s", e);
		return env;
	}
	/* The initial user namespace maps the whole uid range to itself. */
	if (read_small("/proc/self/uid_map", map, sizeof(map)) > 0 &&
	    !strstr(map, "4294967295"))
		return "user-namespace";
	return "none";
}

/* "7.2.11" from "qemu-aarch64 version 7.2.11 (Debian ...)". */
/* Run argv (PATH search), capture its stdout and stderr; its exit status. */
static int run_capture(char *const argv[], char *out, size_t len)
{
	int pfd[2], status, devnull;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + used, len - 1 - used)) > 0) {
		used += (size_t)n;
		if (used + 1 >= len)
			break;
	}
	out[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void qemu_version(const char *emu, char *buf, size_t len)
{
	char out[512], *v;
	char *argv[] = { (char *)emu, "--version", NULL };

	buf[0] = '\0';
	if (run_capture(argv, out, sizeof(out)) != 0)
		return;
	v = strstr(out, "version ");
	if (!v)
		return;
	v += 8;
	snprintf(buf, len, "%.*s", (int)strcspn(v, " \n"), v);
}

/* "go": GOHOSTARCH, GOARCH, GOHOSTOS and the version, null without go. */
static void write_go(struct json_writer *w)
{
	char out[512], ver[256], *nl;
	char *argv[] = { "go", "env", "GOHOSTARCH", "GOARCH", "GOHOSTOS", NULL };
	char *vargv[] = { "go", "version", NULL };

	jw_key(w, "go");
	if (run_capture(argv, out, sizeof(out)) != 0) {
		jw_null(w);
		return;
	}
	jw_object_begin(w);
	nl = strtok(out, "\n");
	kv_text(w, "GOHOSTARCH", nl ? nl : "");
	nl = strtok(NULL, "\n");
	kv_text(w, "GOARCH", nl ? nl : "");
	nl = strtok(NULL, "\n");
	kv_text(w, "GOHOSTOS", nl ? nl : "");
	/* "go version go1.19.8 linux/amd64" */
	if (run_capture(vargv, ver, sizeof(ver)) == 0 && !strncmp(ver, "go version ", 11)) {
		char *v = ver + 11;

		v[strcspn(v, " \n")] = '\0';
		kv_text(w, "version", v);
	}
	jw_object_end(w);
}

/* "binfmt_misc": whether it is mounted and enabled, and its entries. */
static void write_binfmt(struct json_writer *w)
{
	struct bm_table t;
	bool read = bm_read_table(&t) == 0;	/* t's flags hold either way */
	size_t i;

	jw_key(w, "binfmt_misc");
	jw_object_begin(w);
	jw_kv_bool(w, "mounted", t.mounted);
	jw_kv_bool(w, "enabled", t.enabled);
	jw_key(w, "entries");
	jw_array_begin(w);
	for (i = read ? t.n : 0; i-- > 0;) {
		if (!utf8_ok(t.e[i].name) || !utf8_ok(t.e[i].interpreter))
			continue;
		jw_object_begin(w);
		jw_kv_string(w, "name", t.e[i].name);
		jw_kv_bool(w, "enabled", t.e[i].enabled);
		jw_kv_string(w, "interpreter", t.e[i].interpreter);
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_object_end(w);
	if (read)
		bm_table_free(&t);
}

/* "emulators" (arch -> path and version) and "native_compat". */
static void write_emulators(struct json_writer *w)
{
	char emu[1024], v[64];
	size_t i;

	jw_key(w, "emulators");
	jw_object_begin(w);
	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];

		if (find_emulator(a, emu, sizeof(emu)) == 0) {
			qemu_version(emu, v, sizeof(v));
			if (utf8_ok(emu) && utf8_ok(v)) {
				jw_key(w, a->name);
				jw_object_begin(w);
				jw_kv_string(w, "path", emu);
				jw_kv_string(w, "version", v);
				jw_object_end(w);
			}
		}
	}
	jw_object_end(w);
	jw_key(w, "native_compat");
	jw_array_begin(w);
	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];

		if (a != arch_host() && arch_is_host_family(a) && native_test(a) == 1)
			jw_string(w, a->name);
	}
	jw_array_end(w);
}

/* This host's fingerprint, as one JSON object. */
static void write_fingerprint(struct json_writer *w)
{
	struct utsname u;
	char id[128], ver[128], buf[512];

	uname(&u);
	jw_object_begin(w);
	jw_kv_int(w, "v", FINGERPRINT_V);
	kv_text(w, "arch", arch_host()->name);
	kv_text(w, "machine", u.machine);
	os_release("ID", id, sizeof(id));
	os_release("VERSION_ID", ver, sizeof(ver));
	snprintf(buf, sizeof(buf), "%s%s%s", id[0] ? id : "unknown",
		 ver[0] ? " " : "", ver);
	kv_text(w, "os", buf);
	os_release("PRETTY_NAME", buf, sizeof(buf));
	kv_text(w, "os_pretty", buf);
	jw_kv_int(w, "bits", (int64_t)sizeof(long) * 8);
	kv_text(w, "kernel", u.release);
	jw_kv_int(w, "page_size", sysconf(_SC_PAGESIZE));
	snprintf(buf, sizeof(buf), "glibc %s", gnu_get_libc_version());
	kv_text(w, "libc", buf);
	kv_text(w, "container", container_kind());
	write_binfmt(w);
	write_emulators(w);
	write_go(w);
	jw_object_end(w);
}

/* A field of fp in words, for the table ("" when absent). */
static void field_text(json_t *fp, const char *field, char *buf, size_t len)
{
	json_t *v;
	size_t n = 0, i;
	const char *k;

	buf[0] = '\0';
	if (!strcmp(field, "emulators")) {
		json_object_foreach(json_object_get(fp, field), k, v)
			if (n + strlen(k) + 2 < len)
				n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", k);
		return;
	}
	if (!strcmp(field, "binfmt_misc")) {
		json_t *e = json_object_get(json_object_get(fp, field), "entries");

		json_array_foreach(e, i, v) {
			const char *nm = json_string_value(json_object_get(v, "name"));

			if (nm && n + strlen(nm) + 2 < len)
				n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", nm);
		}
		return;
	}
	if (!strcmp(field, "native_compat")) {
		json_array_foreach(json_object_get(fp, field), i, v)
			if (json_is_string(v) && n + 20 < len)
				n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      json_string_value(v));
		return;
	}
	if (!strcmp(field, "go")) {
		json_t *g = json_object_get(fp, field);

		if (json_is_object(g))
			snprintf(buf, len, "%s GOARCH=%s",
				 json_string_value(json_object_get(g, "version")) ?: "go",
				 json_string_value(json_object_get(g, "GOARCH")) ?: "");
		return;
	}
	v = json_object_get(fp, field);
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
}

/* Emulator arches of the baseline missing here, comma separated. */
static void missing_emulators(json_t *base, json_t *here, char *buf, size_t len)
{
	json_t *v, *h = json_object_get(here, "emulators");
	const char *k;
	size_t n = 0;

	buf[0] = '\0';
	json_object_foreach(json_object_get(base, "emulators"), k, v)
		if (!json_object_get(h, k) && n + strlen(k) + 2 < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", k);
}

/* Arches whose emulator is another version here: "aarch64 7.2.11 -> 8.2.2"
 * each, comma separated. A version either side could not tell ("") is no
 * difference. */
static void version_changes(json_t *base, json_t *here, char *buf, size_t len)
{
	json_t *v, *h = json_object_get(here, "emulators");
	const char *k, *vb, *vh;
	size_t n = 0;
	int w;

	buf[0] = '\0';
	json_object_foreach(json_object_get(base, "emulators"), k, v) {
		vb = json_string_value(json_object_get(v, "version"));
		vh = json_string_value(json_object_get(json_object_get(h, k), "version"));
		if (!vb || !vh || !vb[0] || !vh[0] || !strcmp(vb, vh))
			continue;
		w = snprintf(buf + n, len - n, "%s%s %s -> %s", n ? ", " : "", k, vb, vh);
		if (w < 0 || (size_t)w >= len - n) {
			buf[n] = '\0';
			return;
		}
		n += (size_t)w;
	}
}

/* The names of a list field (entries of binfmt_misc, emulators) in a but
 * not in b, comma separated. */
static void only_in(json_t *a, json_t *b, const char *field, char *buf, size_t len)
{
	char la[4096], lb[4096], *p, *save = NULL;
	size_t n = 0;

	field_text(a, field, la, sizeof(la));
	field_text(b, field, lb, sizeof(lb));
	buf[0] = '\0';
	for (p = strtok_r(la, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		const char *q = lb;
		size_t pl = strlen(p);
		bool found = false;

		while (!found && *q) {
			size_t ql = strcspn(q, ",");

			found = ql == pl && !strncmp(q, p, pl);
			q += ql + (q[ql] == ',');
		}
		if (!found && n + pl + 3 < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", p);
	}
}

/* "label: text" wrapped at 78 columns, continuation lines indented; the
 * text (from the baseline, untrusted) escaped. */
static void wrapped(FILE *out, const char *label, const char *text)
{
	size_t col = (size_t)fprintf(out, "  %s:", label), w;
	const char *p = text;

	while (*p) {
		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		if (!w)
			break;
		if (col + 1 + w > 78 && col > 6) {
			fputs("\n     ", out);
			col = 5;
		}
		fputc(' ', out);
		t_put(out, p, w);
		col += 1 + w;
		p += w;
	}
	fputc('\n', out);
}

static const struct { const char *field; bool gate; } compare_fields[] = {
	{ "arch", true }, { "os", true }, { "bits", true },
	{ "emulators", true }, { "kernel", false }, { "page_size", false },
	{ "libc", false }, { "container", false }, { "binfmt_misc", false },
	{ "native_compat", false }, { "go", false },
};

/* The width of the table's value columns: longer values are summarised
 * (a count) or cut, and what differs is listed in full below the table. */
#define CELL 30

/* A list field's cell: its count when the names do not fit. */
static void summarise(json_t *fp, const char *field, char *buf, size_t len)
{
	size_t n = 0;

	if (strlen(buf) <= CELL)
		return;
	if (!strcmp(field, "binfmt_misc"))
		n = json_array_size(json_object_get(json_object_get(fp, field), "entries"));
	else if (!strcmp(field, "native_compat"))
		n = json_array_size(json_object_get(fp, field));
	else
		return;
	snprintf(buf, len, "%zu %s", n, n == 1 ? "entry" : "entries");
}

/* What of a field too long for the table is only in one of the two. */
static void print_only_in(FILE *out, json_t *base, json_t *here, const char *field)
{
	char label[64], extra[4096];

	only_in(base, here, field, extra, sizeof(extra));
	if (extra[0]) {
		snprintf(label, sizeof(label), "%s only in the baseline", field);
		wrapped(out, label, extra);
	}
	only_in(here, base, field, extra, sizeof(extra));
	if (extra[0]) {
		snprintf(label, sizeof(label), "%s only here", field);
		wrapped(out, label, extra);
	}
}

/* The table on out (NULL: none); the exit status of the gate. */
static int compare(json_t *base, json_t *here, const char *path, FILE *out)
{
	char b[4096], h[4096], miss[4096], vers[4096];
	const char *diff_field[sizeof(compare_fields) / sizeof(compare_fields[0])];
	size_t ndiff = 0;
	int mismatch = 0;
	size_t i;

	missing_emulators(base, here, miss, sizeof(miss));
	version_changes(base, here, vers, sizeof(vers));
	if (out)
		fprintf(out, "%-14s %-*s %-*s %s\n", "FIELD", CELL, "BASELINE", CELL,
			"THIS HOST", "SAME?");
	for (i = 0; i < sizeof(compare_fields) / sizeof(compare_fields[0]); i++) {
		const char *f = compare_fields[i].field, *same;

		field_text(base, f, b, sizeof(b));
		field_text(here, f, h, sizeof(h));
		if (!strcmp(f, "emulators")) {
			same = miss[0] ? "NO (missing here)" :
			       vers[0] ? "NO (other versions)" :
			       strcmp(b, h) ? "yes (more here)" : "yes";
			snprintf(b, sizeof(b), "%zu arches",
				 json_object_size(json_object_get(base, f)));
			snprintf(h, sizeof(h), "%zu arches",
				 json_object_size(json_object_get(here, f)));
		} else {
			same = !strcmp(b, h) ? "yes" : compare_fields[i].gate ? "NO" :
			       "differs";
			if (strcmp(b, h) && (strlen(b) > CELL || strlen(h) > CELL))
				diff_field[ndiff++] = f;
			summarise(base, f, b, sizeof(b));
			summarise(here, f, h, sizeof(h));
		}
		if (!strncmp(same, "NO", 2))
			mismatch++;
		if (!out)
			continue;
		fprintf(out, "%-14s ", f);
		t_pad(out, b[0] ? b : "-", b[0] ? strlen(b) : 1, CELL + 1, CELL);
		t_pad(out, h[0] ? h : "-", h[0] ? strlen(h) : 1, CELL + 1, CELL);
		fprintf(out, "%s\n", same);
	}
	if (out && (miss[0] || vers[0] || ndiff))
		fputc('\n', out);
	if (out && miss[0])
		wrapped(out, "emulators missing here", miss);
	if (out && vers[0])
		wrapped(out, "emulator versions (baseline -> here)", vers);
	for (i = 0; out && i < ndiff; i++)
		print_only_in(out, base, here, diff_field[i]);
	if (mismatch) {
		/* The fix for missing emulators, checked against this host
		 * (lib/hostfix.h): the package only when it is not installed. */
		bool pkg = hostfix_deb_installed("qemu-user-static", route_stat_host, NULL);

		if (out)
			fprintf(out, "\nMISMATCH: this host differs from %s in %d gating "
				"field(s)%s%s\n", T(path), mismatch,
				!miss[0] ? "" : pkg ? "; qemu-user-static is installed "
				"and has no emulator for the missing arches: install a "
				"QEMU built with those targets" : "; install the missing "
				"emulators (apt-get install qemu-user-static)",
				vers[0] && !miss[0] ? "; the same QEMU version as the "
				"baseline's, or a new baseline" : "");
		return EXIT_CHECK;
	}
	if (out)
		fprintf(out, "\nOK: arch, OS, bits, emulator coverage and versions "
			"match %s\n", T(path));
	return EXIT_OK;
}

/* Whether doc is a fingerprint: why not in why[] ("" when it is). The
 * fields the gate compares must be there with their types: an empty
 * object would compare equal to nothing and pass for everything. */
static void baseline_check(json_t *doc, char *why, size_t len)
{
	static const struct { const char *key; json_type type; } need[] = {
		{ "v", JSON_INTEGER }, { "arch", JSON_STRING }, { "os", JSON_STRING },
		{ "bits", JSON_INTEGER }, { "emulators", JSON_OBJECT },
	};
	const char *k;
	json_t *v;
	size_t i;

	why[0] = '\0';
	if (!json_is_object(doc)) {
		snprintf(why, len, "not a JSON object");
		return;
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		v = json_object_get(doc, need[i].key);
		if (!v || json_typeof(v) != need[i].type) {
			snprintf(why, len, "no \"%s\" (%s)", need[i].key,
				 need[i].type == JSON_INTEGER ? "a number" :
				 need[i].type == JSON_STRING ? "a string" : "an object");
			return;
		}
	}
	if (json_integer_value(json_object_get(doc, "v")) != FINGERPRINT_V) {
		snprintf(why, len, "version %lld of the format, this program "
			 "reads %d", (long long)json_integer_value(json_object_get(doc, "v")),
			 FINGERPRINT_V);
		return;
	}
	json_object_foreach(json_object_get(doc, "emulators"), k, v)
		if (!json_is_object(v)) {
			snprintf(why, len, "emulator \"%.64s\" is not an object", k);
			return;
		}
}

/* This host's fingerprint read back with jansson, as the baseline is read
 * (NULL when it could not be). */
static json_t *fingerprint_read(void)
{
	struct jdoc d;
	json_t *fp = NULL;

	jdoc_init(&d);
	write_fingerprint(&d.w);
	if (jw_finish(&d.w) > 0)
		fp = json_loads(d.buf, 0, NULL);
	jdoc_free(&d);
	return fp;
}

/* --compare --json: {"baseline": ..., "host": ...}, keys sorted, in a
 * buffer that grows until the baseline fits. */
static void print_compare_json(json_t *base, json_t *here)
{
	struct jdoc d;
	size_t cap;
	int err = -ENOSPC;

	for (cap = 4u << 20; err == -ENOSPC && cap <= (1u << 30); cap *= 4) {
		jdoc_init_cap(&d, cap);
		jw_set_indent(&d.w, 2);
		jw_object_begin(&d.w);
		jw_key(&d.w, "baseline");
		jout_json(&d.w, base, true);
		jw_key(&d.w, "host");
		jout_json(&d.w, here, true);
		jw_object_end(&d.w);
		err = jdoc_print(&d, stdout);
		jdoc_free(&d);
	}
	if (err)
		err_msg("fingerprint: the JSON output could not be written: %s",
			strerror(-err));
}

/* The baseline at path, checked; NULL after saying why on stderr. */
static json_t *baseline_load(const char *path)
{
	json_error_t je;
	char why[256];
	json_t *base = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (!base) {
		err_msg("fingerprint: %s:%d: not a fingerprint baseline: %s; "
			"write one with '%s fingerprint --json > FILE'",
			T(path), je.line, T(je.text), prog_name);
		return NULL;
	}
	baseline_check(base, why, sizeof(why));
	if (why[0]) {
		err_msg("fingerprint: %s: not a fingerprint baseline: %s; "
			"write one with '%s fingerprint --json > FILE'",
			T(path), T(why), prog_name);
		json_decref(base);
		return NULL;
	}
	return base;
}

/* The fingerprint as a table of fields. */
static void print_text(json_t *fp)
{
	const char *k;
	json_t *v;
	char buf[4096];

	json_object_foreach(fp, k, v) {
		field_text(fp, k, buf, sizeof(buf));
		if (json_is_boolean(v))
			snprintf(buf, sizeof(buf), "%s", json_is_true(v) ? "yes" : "no");
		printf("%-14s %s\n", k, buf[0] ? buf : "-");
	}
}

int cmd_fingerprint(const struct cli *c)
{
	json_t *fp, *base = NULL;
	struct jdoc d;
	int rc = EXIT_OK;

	if (!c->compare && (c->opts & OPT_JSON)) {
		jdoc_init(&d);
		jw_set_indent(&d.w, 2);
		write_fingerprint(&d.w);
		if (jdoc_print(&d, stdout) < 0)
			err_msg("fingerprint: the JSON output could not be written");
		jdoc_free(&d);
		return EXIT_OK;
	}
	fp = fingerprint_read();
	if (!fp) {
		err_msg("fingerprint: this host's fingerprint could not be written");
		return EXIT_CHECK;
	}
	if (c->compare && !(base = baseline_load(c->compare))) {
		rc = EXIT_USAGE;
	} else if (c->compare && (c->opts & OPT_JSON)) {
		print_compare_json(base, fp);
		/* The gate still decides the exit status. */
		rc = compare(base, fp, c->compare, NULL);
	} else if (c->compare) {
		rc = compare(base, fp, c->compare, stdout);
	} else {
		print_text(fp);
	}
	json_decref(base);
	json_decref(fp);
	return rc;
}
