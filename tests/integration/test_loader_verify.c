// SPDX-License-Identifier: GPL-2.0
/*
 * The tiny hand-assembled programs (loader/tiny.c), one for every arch of
 * the table, first under qemu-<arch>-static directly (the line they write,
 * the status they exit with), then `binfmt-shim verify` through the whole
 * chain (binfmt_misc -> shim -> qemu) in a private instance, and real
 * cross-compiled binaries after `register --all`.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "arch.h"
#include "elf.h"
#include "test_loader.h"

/* The programs are pure data built by loader/tiny.c: compile it in. */
#include "../../loader/tiny.c"

static struct cli_result r;

static int have_qemu(const char *arch, char *path, size_t len)
{
	snprintf(path, len, "/usr/bin/qemu-%s-static", arch);
	return tl_have(path);
}

static const char *write_tiny(const char *arch)
{
	static char path[256];
	uint8_t buf[TINY_MAX];
	int n = tiny_build(arch, buf, sizeof(buf)), fd;

	if (n < 0)
		return NULL;
	snprintf(path, sizeof(path), "/tmp/bshim-tiny-%s.%d", arch, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return NULL;
	close(fd);
	return path;
}

/* Every arch of the table has a program, and it is the ELF its arch row
 * says: probe it with lib/elf. */
/*
 * Tests that run every arch's emulator (35 of them) once or more: from a
 * cold cache on a busy 2-core machine they took 12 to 17 s each with a
 * load average of 10, near the harness's default 30 s. Their deadline
 * only guards against a hang.
 */
FIXTURE(all_arches) {
	int unused;
};

FIXTURE_SETUP(all_arches)
{
}

FIXTURE_TEARDOWN(all_arches)
{
}

TEST(tiny_programs_are_what_the_arch_table_says)
{
	size_t i, listed = 0;

	for (i = 0; i < arch_count; i++) {
		const char *a = arch_table[i].name;
		uint8_t buf[TINY_MAX];
		struct bshim_mem mem;
		struct elf_info ei;
		int n = tiny_build(a, buf, sizeof(buf));

		ASSERT_LT(0, n) TH_LOG("no tiny program for %s", a);
		mem.buf = buf;
		mem.len = (size_t)n;
		ASSERT_EQ(0, elf_probe(buf, (size_t)n, bshim_mem_read, &mem, &ei))
			TH_LOG("%s: %s", a, elf_reason_str(ei.reason));
		ASSERT_NE(NULL, ei.arch) TH_LOG("%s", a);
		EXPECT_STREQ(a, ei.arch->name);
		EXPECT_EQ(ELF_LINK_STATIC, ei.link);
		EXPECT_EQ(2, ei.type);
	}
	while (tiny_arches[listed])
		listed++;
	EXPECT_EQ(arch_count, listed);
	EXPECT_EQ(-ENOENT, tiny_build("vax", NULL, 0));
}

/* Each program writes its line and exits with the first byte of its
 * argv[0], under the qemu-<arch>-static of qemu-user-static. */
TEST_F_TIMEOUT(all_arches, tiny_programs_run_under_qemu_directly, 600)
{
	char qemu[128], out[256], err[1024];
	size_t i, ran = 0, missing = 0;

	for (i = 0; i < arch_count; i++) {
		const char *a = arch_table[i].name, *p;
		char *argv1[] = { qemu, "-0", "*tiny", NULL, NULL };
		char *argv2[] = { qemu, "-0", "Etiny", NULL, NULL };
		int st;

		if (!have_qemu(a, qemu, sizeof(qemu))) {
			TH_LOG("no %s: not run", qemu);
			missing++;
			continue;
		}
		p = write_tiny(a);
		ASSERT_NE(NULL, p);
		argv1[3] = argv2[3] = (char *)p;
		st = tl_run(argv1, NULL, 0, out, sizeof(out), err, sizeof(err));
		ASSERT_TRUE(WIFEXITED(st)) TH_LOG("%s: %s", a, err);
		EXPECT_EQ('*', WEXITSTATUS(st)) TH_LOG("%s: %s", a, err);
		EXPECT_STREQ(TINY_LINE, out) TH_LOG("%s", a);
		st = tl_run(argv2, NULL, 0, out, sizeof(out), err, sizeof(err));
		ASSERT_TRUE(WIFEXITED(st));
		EXPECT_EQ('E', WEXITSTATUS(st)) TH_LOG("%s", a);
		EXPECT_STREQ(TINY_LINE, out) TH_LOG("%s", a);
		unlink(p);
		ran++;
	}
	if (!ran)
		SKIP(return, "qemu-user-static is not installed");
	TH_LOG("%zu arches run under qemu, %zu without an emulator", ran, missing);
}

/* register --all skips i386 exactly when the host runs it itself. */
TEST(register_all_skips_compat_arch_by_capability)
{
	char state[64], line[512], out[64], err[256];
	const char *p;
	int st, native;

	CLI_OR_SKIP();
	if (strcmp(arch_host()->name, "x86_64"))
		SKIP(return, "the i386 compat test is for x86_64 hosts");
	p = write_tiny("i386");
	ASSERT_NE(NULL, p);
	{
		char *argv[] = { (char *)p, NULL };

		/* Before any private instance: the host's own answer. No
		 * i386 entry exists in this test's parent namespace. */
		st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));
	}
	unlink(p);
	native = WIFEXITED(st) && WEXITSTATUS(st) == '/';
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--all", "--dry-run", "--shim",
			     "/bin/busybox", NULL));
	cli_line(r.out, native ? "skip      i386" : "add       i386", line, sizeof(line));
	EXPECT_NE('\0', line[0]) TH_LOG("native=%d\n%s", native, r.out);
	cli_line(r.out, "skip      x86_64", line, sizeof(line));
	EXPECT_NE('\0', line[0]);
	cli_line(r.out, "add       aarch64 ", line, sizeof(line));
	EXPECT_NE('\0', line[0]);
}

static const char *shim_path(void)
{
	static char path[4096];

	tl_build("shim", path, sizeof(path));
	return tl_have(path) ? path : NULL;
}

#define SHIM_OR_SKIP()							\
	do {								\
		if (!shim_path())					\
			SKIP(return, "build/shim is not built (make "	\
			     "build/shim): verify needs the shim");	\
	} while (0)

static char logfile[128];

/* After tl_private_binfmt: a private /tmp (verify's temporary files, the
 * state dir, the rig's log), so nothing is left on the host. */
static void private_tmp_log(char *state, size_t len)
{
	if (tl_private_tmp() < 0)
		fprintf(stderr, "# no private /tmp: %s\n", strerror(errno));
	cli_private_state(state, len);
	snprintf(logfile, sizeof(logfile), "/tmp/bshim-verify-log.%d.jsonl",
		 (int)getpid());
	setenv("BINFMT_SHIM_LOG", logfile, 1);
}

/* The summary line of verify's text output: passed and failed counts
 * of the runs on the host, -1 each when there is none. The first two
 * numbers count the runs in a container too. */
static void summary(const char *out, int *passed, int *failed)
{
	const char *p = strstr(out, "\nverify: ");
	int all[2];

	*passed = *failed = -1;
	if (p && sscanf(p, "\nverify: %d passed, %d failed (on the host %d passed, %d failed;",
			&all[0], &all[1], passed, failed) != 4)
		*passed = *failed = -1;
}

/* Every arch register --all registers passes, each with its line, its
 * argv[0] both ways and its record, and the summary counts them. */
TEST_F_TIMEOUT(all_arches, verify_passes_every_registered_arch, 600)
{
	char state[64], qemu[128], line[1024], word[64];
	size_t i, lines = 0;
	int passed, failed;

	CLI_OR_SKIP();
	SHIM_OR_SKIP();
	if (!have_qemu("aarch64", qemu, sizeof(qemu)))
		SKIP(return, "qemu-user-static is not installed");
	PRIVATE_OR_SKIP();
	private_tmp_log(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--all", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "verify", NULL)) TH_LOG("%s%s", r.out, r.err);
	EXPECT_EQ(NULL, strstr(r.out, "skip")) TH_LOG("%s", r.out);
	for (i = 0; i < arch_count; i++) {
		const char *a = arch_table[i].name;

		snprintf(word, sizeof(word), "%-12s ", a);
		cli_line(r.out, word, line, sizeof(line));
		if (!line[0]) {
			/* Only a native arch of this host is left out. */
			EXPECT_TRUE(arch_is_host_family(&arch_table[i]))
				TH_LOG("%s missing:\n%s", a, r.out);
			continue;
		}
		lines++;
		if (!have_qemu(a, qemu, sizeof(qemu))) {
			/* No emulator: a failure that says so, never a skip. */
			EXPECT_NE(NULL, strstr(line, "FAIL: ")) TH_LOG("%s", line);
			continue;
		}
		/* P flag: 42 ('*') both ways, the line, argv0 and the record
		 * (in the file, as the rig's config has no collector). */
		EXPECT_NE(NULL, strstr(line, " 42/42   ok     ok     file      ok"))
			TH_LOG("%s", line);
	}
	EXPECT_LE(30, lines);
	summary(r.out, &passed, &failed);
	EXPECT_EQ((int)lines, passed + failed) TH_LOG("%s", r.out);
	EXPECT_EQ(0, failed) TH_LOG("%s", r.out);
	/* JSON says the same, with the counts. */
	ASSERT_EQ(0, cli_run(&r, "verify", "--json", "aarch64", "hppa", "xtensaeb", NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"ok\":true")) TH_LOG("%s", r.out);
	/* Each arch twice: on the host and in a container. */
	EXPECT_NE(NULL, strstr(r.out, "\"passed\":6,\"failed\":0")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"output\":\"ok\"")) TH_LOG("%s", r.out);
	unlink(logfile);
}

TEST(verify_without_P_sees_the_path_as_argv0)
{
	char state[64], line[1024];

	CLI_OR_SKIP();
	SHIM_OR_SKIP();
	if (!tl_have("/usr/bin/qemu-riscv64-static"))
		SKIP(return, "no qemu-riscv64-static");
	PRIVATE_OR_SKIP();
	private_tmp_log(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--flags", "F", "riscv64", NULL));
	ASSERT_EQ(0, cli_run(&r, "verify", "riscv64", NULL)) TH_LOG("%s", r.out);
	cli_line(r.out, "riscv64 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " 47/47   ok     n/a    file      ok")) TH_LOG("%s", line);
	/* In the container too: the path the kernel passes is the
	 * program's there, "/prog". */
	EXPECT_NE(NULL, strstr(r.out, "\nverify: 2 passed, 0 failed (")) TH_LOG("%s", r.out);
	unlink(logfile);
}

TEST(verify_fails_when_shadowed_or_not_registered)
{
	char state[64], line[2048];
	long n;

	CLI_OR_SKIP();
	SHIM_OR_SKIP();
	n = tl_read_file("/usr/lib/binfmt.d/qemu-aarch64.conf", line, sizeof(line));
	if (n <= 0)
		SKIP(return, "no /usr/lib/binfmt.d/qemu-aarch64.conf");
	line[strcspn(line, "\n")] = '\0';
	PRIVATE_OR_SKIP();
	private_tmp_log(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL));
	ASSERT_EQ(0, tl_register(line));
	EXPECT_EQ(1, cli_run(&r, "verify", "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.out, "the kernel picks qemu-aarch64")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "FAIL"));
	/* Not run in a container either: the kernel picks the other. */
	EXPECT_NE(NULL, strstr(r.out, "\nverify: 0 passed, 1 failed (")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "1 not run)")) TH_LOG("%s", r.out);
	EXPECT_EQ(1, cli_run(&r, "verify", "s390x", NULL));
	EXPECT_NE(NULL, strstr(r.out, "not registered")) TH_LOG("%s", r.out);
	EXPECT_EQ(1, cli_run(&r, "verify", "--json", "s390x", NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"passed\":0,\"failed\":1")) TH_LOG("%s", r.out);
	/* --replace fixes it. */
	ASSERT_EQ(0, cli_run(&r, "register", "--replace", "aarch64", NULL));
	EXPECT_EQ(0, cli_run(&r, "verify", "aarch64", NULL)) TH_LOG("%s", r.out);
	unlink(logfile);
}

/* An arch whose emulator is missing is a failure with the shim's reason,
 * not a skip and not a pass. */
TEST(verify_fails_with_the_reason_when_the_emulator_is_missing)
{
	char state[64], line[2048];

	CLI_OR_SKIP();
	SHIM_OR_SKIP();
	PRIVATE_OR_SKIP();
	private_tmp_log(state, sizeof(state));
	ASSERT_EQ(0, tl_system_config(TL_RIG_CONFIG "[arch.nios2]\n"
				      "emulator = /nonexistent/qemu-nios2-static\n"));
	ASSERT_EQ(0, cli_run(&r, "register", "nios2", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(1, cli_run(&r, "verify", "nios2", NULL)) TH_LOG("%s", r.out);
	cli_line(r.out, "nios2 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "FAIL: exit 126: the shim did not run it: "))
		TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "/nonexistent/qemu-nios2-static")) TH_LOG("%s", line);
	/* (In a container the system config is not there: what runs there
	 * is the emulator register pinned, when one was installed.) */
	EXPECT_NE(NULL, strstr(r.out, "(on the host 0 passed, 1 failed;")) TH_LOG("%s", r.out);
	unlink(logfile);
}

/* The "done when": real static and dynamic binaries for each. */
TEST_F_TIMEOUT(all_arches, real_binaries_run_after_register_all, 600)
{
	static const struct { const char *triplet, *arch, *says; } bins[] = {
		{ "aarch64-linux-gnu", "aarch64", "aarch64" },
		{ "arm-linux-gnueabihf", "arm", "arm-hardfloat" },
		{ "arm-linux-gnueabi", "arm", "arm-softfloat" },
		{ "riscv64-linux-gnu", "riscv64", "riscv64" },
		{ "s390x-linux-gnu", "s390x", "s390x" },
		{ "powerpc64le-linux-gnu", "ppc64le", "ppc64le" },
		{ "mips-linux-gnu", "mips", "mips" },
		{ "mipsel-linux-gnu", "mipsel", "mipsel" },
	};
	static const char *const kinds[] = { "static", "dynamic" };
	char state[64], path[4096], name[128], qemu[128], out[256], err[4096];
	size_t i, k, ran = 0;

	CLI_OR_SKIP();
	SHIM_OR_SKIP();
	PRIVATE_OR_SKIP();
	private_tmp_log(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--all", NULL)) TH_LOG("%s", r.err);
	for (i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		if (!have_qemu(bins[i].arch, qemu, sizeof(qemu)))
			continue;
		for (k = 0; k < 2; k++) {
			char *argv[] = { path, "arch", NULL };
			char *argv2[] = { path, "exit", "7", NULL };
			int st;

			snprintf(name, sizeof(name), "c/%s-%s", bins[i].triplet, kinds[k]);
			tl_fixture(name, path, sizeof(path));
			if (!tl_have(path)) {
				TH_LOG("fixture %s missing", path);
				continue;
			}
			st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));
			EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
				TH_LOG("%s: status %#x: %s", name, st, err);
			EXPECT_EQ(0, strncmp(out, bins[i].says, strlen(bins[i].says)))
				TH_LOG("%s said '%s'", name, out);
			st = tl_run(argv2, NULL, 0, out, sizeof(out), err, sizeof(err));
			EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7) TH_LOG("%s", name);
			ran++;
		}
	}
	if (!ran)
		SKIP(return, "no fixtures or no qemu: run scripts/fixtures build/fixtures");
	EXPECT_EQ(0, cli_run(&r, "verify", NULL)) TH_LOG("%s", r.out);
	unlink(logfile);
}

TEST_HARNESS_MAIN
