// SPDX-License-Identifier: GPL-2.0
/*
 * fingerprint --compare against baselines a pipeline may really hold: the
 * same emulators at another QEMU version (a gate: they behave differently),
 * files that are no baseline at all (an empty object used to compare equal
 * to every host), and a baseline whose binfmt_misc table is long (the
 * table row stays readable; what differs is listed below it). Baselines
 * are this host's own fingerprint, doctored with jansson.
 */
#include <jansson.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "test_loader.h"

static struct cli_result r;

/* This host's fingerprint, parsed. */
static json_t *here(struct __test_metadata *_metadata)
{
	json_t *fp;

	if (cli_run(&r, "fingerprint", "--json", NULL) != 0)
		return NULL;
	fp = json_loads(r.out, 0, NULL);
	EXPECT_TRUE(json_is_object(fp)) TH_LOG("%s", r.out);
	return fp;
}

/* Write doc (or text when doc is NULL) to dir/name; the path. */
static const char *put(const char *dir, const char *name, json_t *doc, const char *text)
{
	static char path[8][256];
	static int k;
	FILE *f;

	k = (k + 1) % 8;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	f = fopen(path[k], "w");
	if (!f)
		return path[k];
	if (doc)
		json_dumpf(doc, f, JSON_INDENT(2));
	else
		fputs(text, f);
	fclose(f);
	return path[k];
}

FIXTURE(fp) {
	char dir[64];
	bool made;
	json_t *fp;
};

FIXTURE_SETUP(fp)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/bshim-fp.XXXXXX");
	self->made = false;
	self->fp = NULL;
	if (!cli_path()[0])
		SKIP(return, "build/binfmt-shim is not built (make build/binfmt-shim)");
	PRIVATE_OR_SKIP();
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->made = true;
	self->fp = here(_metadata);
	ASSERT_NE(NULL, self->fp);
}

FIXTURE_TEARDOWN(fp)
{
	char cmd[128];

	json_decref(self->fp);
	if (self->made) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
		(void)!system(cmd);
	}
}

TEST_F(fp, another_emulator_version_is_a_mismatch)
{
	json_t *emus, *base;
	const char *arch, *ver, *p;
	char line[256], want[256];
	json_t *e;

	if (!self->fp)
		return;
	emus = json_object_get(self->fp, "emulators");
	if (!json_object_size(emus))
		SKIP(return, "no emulator installed: apt-get install qemu-user-static");
	base = json_deep_copy(self->fp);
	const char *k, *found = NULL;

	json_object_foreach(json_object_get(base, "emulators"), k, e) {
		ver = json_string_value(json_object_get(e, "version"));
		if (!found && ver && ver[0])
			found = k;
	}
	ASSERT_NE(NULL, found) TH_LOG("no emulator printed a version");
	arch = found;
	ver = json_string_value(json_object_get(json_object_get(emus, arch), "version"));
	snprintf(want, sizeof(want), "%s 1.0.0-baseline -> %s", arch, ver);
	json_object_set_new(json_object_get(json_object_get(base, "emulators"), arch),
			    "version", json_string("1.0.0-baseline"));
	p = put(self->dir, "older.json", base, NULL);
	EXPECT_EQ(1, cli_run(&r, "fingerprint", "--compare", p, NULL)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(cli_line(r.out, "emulators ", line, sizeof(line)), "NO"))
		TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "MISMATCH")) TH_LOG("%s", r.out);
	/* The same versions: no mismatch. */
	p = put(self->dir, "same.json", self->fp, NULL);
	EXPECT_EQ(0, cli_run(&r, "fingerprint", "--compare", p, NULL)) TH_LOG("%s", r.out);
	json_decref(base);
}

TEST_F(fp, what_is_no_baseline_is_refused)
{
	static const char *const docs[] = {
		"{}\n",
		"[]\n",
		"{\"v\": 1}\n",
		"{\"v\": 1, \"arch\": \"x86_64\", \"os\": \"debian 12\", \"bits\": 64}\n",
		"{\"v\": 1, \"arch\": \"x86_64\", \"os\": \"debian 12\", \"bits\": 64, "
		"\"emulators\": []}\n",
		"{\"v\": \"1\", \"arch\": \"x86_64\", \"os\": \"debian 12\", \"bits\": 64, "
		"\"emulators\": {}}\n",
		"{\"v\": 99, \"arch\": \"x86_64\", \"os\": \"debian 12\", \"bits\": 64, "
		"\"emulators\": {}}\n",
		"{\"v\": 1, \"arch\": \"x86_64\", \"os\": \"debian 12\", \"bits\": 64, "
		"\"emulators\": {\"aarch64\": 7}}\n",
	};
	size_t i;

	if (!self->fp)
		return;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		const char *p = put(self->dir, "not.json", NULL, docs[i]);

		EXPECT_EQ(2, cli_run(&r, "fingerprint", "--compare", p, NULL))
			TH_LOG("case %zu (%s): %s", i, docs[i], r.out);
		EXPECT_NE(NULL, strstr(r.err, "not a fingerprint baseline"))
			TH_LOG("case %zu: %s", i, r.err);
		EXPECT_STREQ("", r.out);
	}
}

TEST_F(fp, long_rows_are_summarised_and_differences_listed)
{
	json_t *base, *ents;
	const char *p, *line, *end;
	char name[64];
	int i;

	if (!self->fp)
		return;
	base = json_deep_copy(self->fp);
	ents = json_array();
	for (i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "qemu-target-number-%02d", i);
		json_array_append_new(ents, json_pack("{s:s, s:b, s:s}", "name", name,
						      "enabled", 1, "interpreter",
						      "/usr/libexec/qemu-binfmt/x"));
	}
	json_object_set_new(json_object_get(base, "binfmt_misc"), "entries", ents);
	p = put(self->dir, "long.json", base, NULL);
	EXPECT_EQ(0, cli_run(&r, "fingerprint", "--compare", p, NULL)) TH_LOG("%s", r.out);
	for (line = r.out; *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		EXPECT_GE(100, end - line) TH_LOG("%.*s", (int)(end - line), line);
	}
	EXPECT_NE(NULL, strstr(r.out, "60 entries")) TH_LOG("%s", r.out);
	/* Every name that differs is still there, below the table. */
	EXPECT_NE(NULL, strstr(r.out, "qemu-target-number-00")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "qemu-target-number-59")) TH_LOG("%s", r.out);
	json_decref(base);
}

/* An emulator of the baseline missing here, where qemu-user-static is
 * installed: installing it again is no fix. */
TEST_F(fp, missing_emulator_fix_is_checked_against_the_host)
{
	json_t *base;
	const char *p;
	char line[512];

	if (!self->fp)
		return;
	base = json_deep_copy(self->fp);
	json_object_set_new(json_object_get(base, "emulators"), "vax",
			    json_pack("{s:s, s:s}", "path", "/usr/bin/qemu-vax-static",
				      "version", "9.0"));
	p = put(self->dir, "vax.json", base, NULL);
	EXPECT_EQ(1, cli_run(&r, "fingerprint", "--compare", p, NULL)) TH_LOG("%s", r.out);
	cli_line(r.out, "MISMATCH", line, sizeof(line));
	EXPECT_NE(NULL, strstr(r.out, "vax")) TH_LOG("%s", r.out);
	if (tl_have("/var/lib/dpkg/info/qemu-user-static.list")) {
		EXPECT_EQ(NULL, strstr(line, "apt-get install qemu-user-static"))
			TH_LOG("%s", line);
		EXPECT_NE(NULL, strstr(line, "qemu-user-static is installed")) TH_LOG("%s", line);
	} else {
		EXPECT_NE(NULL, strstr(line, "apt-get install qemu-user-static"))
			TH_LOG("%s", line);
	}
	json_decref(base);
}

TEST_HARNESS_MAIN
