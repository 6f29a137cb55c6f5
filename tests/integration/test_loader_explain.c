// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim explain (verdicts for real cross-compiled and Go binaries, a
 * truncated ELF, scripts) and fingerprint --compare against doctored
 * baselines. Registrations only in private binfmt_misc instances.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "test_loader.h"

static struct cli_result r;

/* "verdict":"X" of the JSON explain output. */
static int has_kv(const char *json, const char *key, const char *val)
{
	char pat[256];

	if (val)
		snprintf(pat, sizeof(pat), "\"%s\":\"%s\"", key, val);
	else
		snprintf(pat, sizeof(pat), "\"%s\":null", key);
	return strstr(json, pat) != NULL;
}

static const char *fixture(const char *name)
{
	static char buf[8][4096];
	static int i;

	i = (i + 1) % 8;
	return tl_fixture(name, buf[i], sizeof(buf[i]));
}

#define FIXTURE_OR_SKIP(p)						\
	do {								\
		if (!tl_have(p))					\
			SKIP(return, "fixture %s missing: run "		\
			     "scripts/fixtures build/fixtures", p);	\
	} while (0)

static const char *shim_or_busybox(void)
{
	static char path[4096];

	tl_build("shim", path, sizeof(path));
	return tl_have(path) ? path : "/bin/busybox";
}

/*
 * The temp dir of the files below: one per run of this program, named
 * after the harness's pid. Each test is a child that leaves with _exit(),
 * so the harness itself removes it when it exits (explain_tmp_cleanup).
 */
static void explain_tmp(char *dir, size_t len, pid_t harness)
{
	snprintf(dir, len, "/tmp/bshim-explain.%d", (int)harness);
}

__attribute__((destructor)) static void explain_tmp_cleanup(void)
{
	char dir[64], cmd[128];
	struct stat st;

	explain_tmp(dir, sizeof(dir), getpid());
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", dir);
}

/* Write a file with the given bytes and mode into the temp dir. */
static const char *make_file(const char *name, const void *data, size_t len,
			     mode_t mode)
{
	static char dir[64], path[8][256];
	static int i;
	struct stat st;
	int fd;

	if (!dir[0]) {
		explain_tmp(dir, sizeof(dir), getppid());
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return "";
		/* Ours, not something planted under that name. */
		if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
			return "";
	}
	i = (i + 1) % 8;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	fd = open(path[i], O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		return "";
	close(fd);
	chmod(path[i], mode);
	return path[i];
}

TEST(native_host_binary)
{
	const char *f = fixture("c/x86_64-linux-gnu-dynamic");

	CLI_OR_SKIP();
	FIXTURE_OR_SKIP(f);
	PRIVATE_OR_SKIP();
	ASSERT_EQ(0, cli_run(&r, "explain", "--json", f, NULL)) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_kv(r.out, "verdict", "native")) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_kv(r.out, "format", "elf"));
	EXPECT_TRUE(has_kv(r.out, "arch", "x86_64"));
	EXPECT_TRUE(has_kv(r.out, "host_arch", "x86_64"));
	EXPECT_TRUE(has_kv(r.out, "handler", NULL));
	EXPECT_TRUE(has_kv(r.out, "interp", "/lib64/ld-linux-x86-64.so.2"));
	EXPECT_TRUE(has_kv(r.out, "class", "ELF64"));
}

TEST(foreign_without_handler_then_emulated_by_ours)
{
	const char *f = fixture("c/aarch64-linux-gnu-static");
	const char *d = fixture("c/arm-linux-gnueabihf-dynamic");
	char state[64];

	CLI_OR_SKIP();
	FIXTURE_OR_SKIP(f);
	FIXTURE_OR_SKIP(d);
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	EXPECT_EQ(1, cli_run(&r, "explain", "--json", f, NULL));
	EXPECT_TRUE(has_kv(r.out, "verdict", "no-handler")) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_kv(r.out, "fix", "binfmt-shim register aarch64"));

	if (!tl_have("/usr/bin/qemu-aarch64-static") || !tl_have("/usr/bin/qemu-arm-static"))
		SKIP(return, "qemu-user-static is not installed");
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", shim_or_busybox(),
			     "aarch64", "arm", NULL));
	ASSERT_EQ(0, cli_run(&r, "explain", "--json", f, NULL)) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_kv(r.out, "verdict", "emulated"));
	EXPECT_TRUE(has_kv(r.out, "name", "binfmt-shim-aarch64"));
	EXPECT_TRUE(has_kv(r.out, "emulator", "/usr/bin/qemu-aarch64-static"));
	/* Dynamic armhf: the shim's sysroot search finds Debian's cross libc. */
	if (!tl_have("/usr/arm-linux-gnueabihf/lib/ld-linux-armhf.so.3"))
		SKIP(return, "libc6-armhf-cross is not installed");
	ASSERT_EQ(0, cli_run(&r, "explain", "--json", d, NULL)) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_kv(r.out, "verdict", "emulated"));
	EXPECT_TRUE(has_kv(r.out, "sysroot", "/usr/arm-linux-gnueabihf"));
	EXPECT_TRUE(has_kv(r.out, "abi", "eabi5 hard-float")) TH_LOG("%s", r.out);
}

TEST(broken_when_the_emulator_is_configured_away)
{
	const char *f = fixture("c/riscv64-linux-gnu-static");
	const char *cfg;
	char state[64];
	static const char conf[] = "[arch.riscv64]\nemulator = /nonexistent/qemu-riscv64\n";

	CLI_OR_SKIP();
	FIXTURE_OR_SKIP(f);
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	cfg = make_file("shim.conf", conf, sizeof(conf) - 1, 0644);
	setenv("BINFMT_SHIM_CONFIG", cfg, 1);
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", shim_or_busybox(),
			     "riscv64", NULL));
	EXPECT_EQ(1, cli_run(&r, "explain", f, NULL));
	EXPECT_NE(NULL, strstr(r.out, "verdict:  broken: the configured emulator "
			       "/nonexistent/qemu-riscv64 does not exist")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "[arch.riscv64]"));
	unsetenv("BINFMT_SHIM_CONFIG");
}

/* Cut inside its ELF header: no-handler while no entry matches (the
 * kernel fails the exec before anyone reads the header), broken once the
 * shim's entry takes it (the shim refuses it as corrupt). */
TEST(truncated_elf_is_broken)
{
	const char *f = fixture("c/aarch64-linux-gnu-static");
	char head[40];
	const char *t;
	int fd;

	CLI_OR_SKIP();
	FIXTURE_OR_SKIP(f);
	PRIVATE_OR_SKIP();
	fd = open(f, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(head), read(fd, head, sizeof(head)));
	close(fd);
	t = make_file("truncated", head, sizeof(head), 0755);
	EXPECT_EQ(1, cli_run(&r, "explain", "--json", t, NULL));
	EXPECT_TRUE(has_kv(r.out, "verdict", "no-handler")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "damaged ELF"));
	if (!tl_have("/usr/bin/qemu-aarch64-static"))
		SKIP(return, "qemu-user-static is not installed");
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", shim_or_busybox(),
			     "aarch64", NULL));
	EXPECT_EQ(1, cli_run(&r, "explain", "--json", t, NULL));
	EXPECT_TRUE(has_kv(r.out, "verdict", "broken")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "damaged ELF"));
	EXPECT_NE(NULL, strstr(r.out, "\"fix\":\"rebuild"));
}

TEST(scripts_crlf_missing_interpreter_and_fine)
{
	static const char crlf[] = "#!/bin/sh\r\necho hi\r\n";
	static const char missing[] = "#!/nonexistent/python9\nprint(1)\n";
	static const char fine[] = "#!/bin/sh -e\necho hi\n";
	const char *p;

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	p = make_file("crlf.sh", crlf, sizeof(crlf) - 1, 0755);
	EXPECT_EQ(1, cli_run(&r, "explain", "--json", p, NULL));
	EXPECT_TRUE(has_kv(r.out, "format", "script"));
	EXPECT_TRUE(has_kv(r.out, "verdict", "broken"));
	EXPECT_NE(NULL, strstr(r.out, "CRLF")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "dos2unix"));

	p = make_file("missing.py", missing, sizeof(missing) - 1, 0755);
	EXPECT_EQ(1, cli_run(&r, "explain", "--json", p, NULL));
	EXPECT_TRUE(has_kv(r.out, "verdict", "broken"));
	EXPECT_NE(NULL, strstr(r.out, "/nonexistent/python9 is missing")) TH_LOG("%s", r.out);

	p = make_file("fine.sh", fine, sizeof(fine) - 1, 0755);
	EXPECT_EQ(0, cli_run(&r, "explain", "--json", p, NULL));
	EXPECT_TRUE(has_kv(r.out, "verdict", "native")) TH_LOG("%s", r.out);

	/* Not executable: broken, chmod +x. */
	p = make_file("noexec.sh", fine, sizeof(fine) - 1, 0644);
	EXPECT_EQ(1, cli_run(&r, "explain", p, NULL));
	EXPECT_NE(NULL, strstr(r.out, "chmod +x")) TH_LOG("%s", r.out);
}

struct go_case { const char *fixture, *format, *goos, *text; };

TEST(go_binaries_for_linux_darwin_windows)
{
	static const struct go_case cases[] = {
		{ "go/darwin-arm64", "macho", "darwin", "built for macOS" },
		{ "go/darwin-amd64", "macho", "darwin", "GOOS=darwin" },
		{ "go/windows-amd64.exe", "pe", "windows", "a Windows program" },
		{ "go/linux-riscv64", "elf", "linux", "GOARCH=amd64 go test" },
	};
	size_t i;

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *f = fixture(cases[i].fixture);

		if (!tl_have(f)) {
			TH_LOG("fixture %s missing", f);
			continue;
		}
		EXPECT_EQ(1, cli_run(&r, "explain", "--json", f, NULL));
		EXPECT_TRUE(has_kv(r.out, "format", cases[i].format)) TH_LOG("%s", r.out);
		EXPECT_TRUE(has_kv(r.out, "goos", cases[i].goos)) TH_LOG("%s", r.out);
		EXPECT_TRUE(has_kv(r.out, "verdict", "no-handler"));
		EXPECT_NE(NULL, strstr(r.out, cases[i].text)) TH_LOG("%s", r.out);
	}
	if (!tl_have(fixture("go/darwin-arm64")))
		SKIP(return, "Go fixtures missing: run scripts/fixtures build/fixtures");
}

TEST(several_files_give_an_array_and_text_mode_works)
{
	const char *a = fixture("c/x86_64-linux-gnu-static");
	const char *b = fixture("c/s390x-linux-gnu-static");

	CLI_OR_SKIP();
	FIXTURE_OR_SKIP(a);
	FIXTURE_OR_SKIP(b);
	PRIVATE_OR_SKIP();
	EXPECT_EQ(1, cli_run(&r, "explain", "--json", a, b, NULL));
	EXPECT_EQ('[', r.out[0]);
	EXPECT_EQ(1, cli_run(&r, "explain", a, b, "/nonexistent", NULL));
	EXPECT_NE(NULL, strstr(r.out, "verdict:  native"));
	EXPECT_NE(NULL, strstr(r.out, "verdict:  no-handler"));
	EXPECT_NE(NULL, strstr(r.out, "cannot read it"));
}

/* Replace the first occurrence of from by to in s (s has room). */
static int replace(char *s, size_t cap, const char *from, const char *to)
{
	char *p = strstr(s, from);
	size_t fl = strlen(from), tl = strlen(to), rest;

	if (!p || strlen(s) - fl + tl + 1 > cap)
		return -1;
	rest = strlen(p + fl);
	memmove(p + tl, p + fl, rest + 1);
	memcpy(p, to, tl);
	return 0;
}

/*
 * fingerprint runs each of the 35 emulators once (--version), and this
 * test runs it five times: from a cold cache on a busy 2-core machine
 * that took over the harness's default 30 s. The deadline only guards
 * against a hang.
 */
FIXTURE(fp) {
	int unused;
};

FIXTURE_SETUP(fp)
{
}

FIXTURE_TEARDOWN(fp)
{
}

TEST_F_TIMEOUT(fp, fingerprint_compare_against_doctored_baselines, 600)
{
	static char base[CLI_OUT_MAX], doc[CLI_OUT_MAX];
	const char *p;

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	ASSERT_EQ(0, cli_run(&r, "fingerprint", "--json", NULL)) TH_LOG("%s", r.err);
	memcpy(base, r.out, sizeof(base));
	ASSERT_NE(NULL, strstr(base, "\"arch\": \"x86_64\""));

	/* Itself: same, exit 0. */
	p = make_file("same.json", base, strlen(base), 0644);
	EXPECT_EQ(0, cli_run(&r, "fingerprint", "--compare", p, NULL)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "OK: arch, OS, bits"));

	/* Another kernel only: shown, not a failure. */
	memcpy(doc, base, sizeof(doc));
	ASSERT_EQ(0, replace(doc, sizeof(doc), "\"kernel\": \"", "\"kernel\": \"0.0-other-"));
	p = make_file("kernel.json", doc, strlen(doc), 0644);
	EXPECT_EQ(0, cli_run(&r, "fingerprint", "--compare", p, NULL)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(cli_line(r.out, "kernel ", doc, sizeof(doc)), "differs"));

	/* Another arch: NO, exit 1. */
	memcpy(doc, base, sizeof(doc));
	ASSERT_EQ(0, replace(doc, sizeof(doc), "\"arch\": \"x86_64\"", "\"arch\": \"aarch64\""));
	p = make_file("arch.json", doc, strlen(doc), 0644);
	EXPECT_EQ(1, cli_run(&r, "fingerprint", "--compare", p, NULL));
	EXPECT_NE(NULL, strstr(r.out, "MISMATCH"));
	EXPECT_NE(NULL, strstr(cli_line(r.out, "arch ", doc, sizeof(doc)), "NO"));

	/* Bits. */
	memcpy(doc, base, sizeof(doc));
	ASSERT_EQ(0, replace(doc, sizeof(doc), "\"bits\": 64", "\"bits\": 32"));
	p = make_file("bits.json", doc, strlen(doc), 0644);
	EXPECT_EQ(1, cli_run(&r, "fingerprint", "--compare", p, NULL));

	/* An emulator the baseline had and this host lacks. */
	memcpy(doc, base, sizeof(doc));
	ASSERT_EQ(0, replace(doc, sizeof(doc), "\"emulators\": {",
			     "\"emulators\": {\"vax\": {\"path\": \"/usr/bin/qemu-vax\", "
			     "\"version\": \"9\"}, "));
	p = make_file("emu.json", doc, strlen(doc), 0644);
	EXPECT_EQ(1, cli_run(&r, "fingerprint", "--compare", p, NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "missing here"));
	EXPECT_NE(NULL, strstr(r.out, "vax"));
	/* --json with --compare: both documents, same exit status. */
	EXPECT_EQ(1, cli_run(&r, "fingerprint", "--json", "--compare", p, NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"baseline\""));

	/* Not JSON: a usage/system error, exit 2, says how to make one. */
	p = make_file("bad.json", "{\"arch\": ", 9, 0644);
	EXPECT_EQ(2, cli_run(&r, "fingerprint", "--compare", p, NULL));
	EXPECT_NE(NULL, strstr(r.err, "fingerprint --json")) TH_LOG("%s", r.err);
}

TEST_HARNESS_MAIN
