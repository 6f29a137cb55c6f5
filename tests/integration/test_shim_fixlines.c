// SPDX-License-Identifier: GPL-2.0
/*
 * Every fix line against the host it runs on. This host has what a
 * newcomer's fix would tell them to install (qemu-user-static, the Debian
 * cross libcs): each diagnostic is made here, by the shim through a
 * private binfmt_misc and by `binfmt-shim explain`, and its fix must not
 * be to install what is installed. Where the package is missing the test
 * SKIPs: the state it checks is not there (tests/unit/test_hostfix.c
 * covers both states over a table of paths). Also: explain of a script
 * whose interpreter env cannot find, and the record of a truncated ELF
 * file, which names the arch its header said.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimenv.h"
#include "test_loader.h"
#include "testlib.h"

static const char *const arches[] = { "aarch64", "arm", "i386", NULL };

FIXTURE(fix) {
	bool skipped;
	struct shimenv e;
	char out[4096], err[8192];
};

static struct cli_result r;

FIXTURE_SETUP(fix)
{
	char why[256];
	int rc;

	self->skipped = true;
	rc = se_setup(&self->e, "FP", arches, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	if (!cli_path()[0])
		SKIP(return, "build/binfmt-shim is not built");
	self->skipped = false;
}

FIXTURE_TEARDOWN(fix)
{
	se_teardown(&self->e);
}

#define NEED(path, pkg)							\
	do {								\
		if (!tl_have(path))					\
			SKIP(return, "%s is not installed here: this test "	\
			     "checks the fix where it is (apt-get install %s)", \
			     path, pkg);				\
	} while (0)

/* Run the binary through the kernel (and the shim): exit 126, stderr. */
static int run126(FIXTURE_DATA(fix) *self, const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
			sizeof(self->err));

	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The "  fix:" line of a diagnostic or an explain, into buf. */
static const char *fix_line(const char *text, char *buf, size_t len)
{
	const char *p = strstr(text, "  fix:");

	buf[0] = '\0';
	if (p)
		snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

/* A copy of a fixture with its PT_INTERP renamed in place. */
static int patched(FIXTURE_DATA(fix) *self, const char *fixture, const char *from,
		   const char *to, char *path, size_t len)
{
	char src[512], *buf, *p;
	long n;
	FILE *f;
	int rc = -1;

	tl_fixture(fixture, src, sizeof(src));
	if (!tl_have(src) || !se_copy(&self->e, src, "noloader", path, len))
		return -1;
	f = fopen(path, "r+");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	buf = malloc((size_t)n);
	rewind(f);
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n &&
	    (p = memmem(buf, (size_t)n, from, strlen(from) + 1))) {
		memcpy(p, to, strlen(to) + 1);
		rewind(f);
		rc = fwrite(buf, 1, (size_t)n, f) == (size_t)n ? 0 : -1;
	}
	free(buf);
	fclose(f);
	return rc;
}

/* The loader is in no package: the cross libc is installed, naming it
 * again would not help. */
TEST_F(fix, loader_no_sysroot_provides)
{
	char path[512], line[2048];

	if (self->skipped)
		return;
	NEED("/var/lib/dpkg/info/libc6-arm64-cross.list", "libc6-arm64-cross");
	/* Same length as /lib/ld-linux-aarch64.so.1. */
	ASSERT_EQ(0, patched(self, "c/aarch64-linux-gnu-dynamic",
			     "/lib/ld-linux-aarch64.so.1", "/lib/ld-nowhere-arm64.so.1",
			     path, sizeof(path))) TH_LOG("fixture missing: make fixtures");
	EXPECT_EQ(126, run126(self, path)) TH_LOG("%s", self->err);
	fix_line(self->err, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "apt-get install libc6-arm64-cross")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "the installed libc6-arm64-cross has no such "
			       "loader")) TH_LOG("%s", line);
	/* The reason names the loader, and that no sysroot here has it. */
	EXPECT_NE(NULL, strstr(self->err, "its loader /lib/ld-nowhere-arm64.so.1 is neither "
			       "on this host nor in a sysroot")) TH_LOG("%s", self->err);
	EXPECT_NE(NULL, strstr(line, "relink")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "set sysroot = ")) TH_LOG("%s", line);

	EXPECT_EQ(1, cli_run(&r, "explain", path, NULL)) TH_LOG("%s", r.out);
	fix_line(r.out, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "apt-get install libc6-arm64-cross")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "relink")) TH_LOG("%s", r.out);
}

/* The configured emulator is missing; qemu-user-static's is installed. */
TEST_F(fix, configured_emulator_missing)
{
	char src[512], path[512], line[2048], want[1024];

	if (self->skipped)
		return;
	NEED("/usr/bin/qemu-aarch64-static", "qemu-user-static");
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_NE(NULL, se_copy(&self->e, src, "hello", path, sizeof(path)));
	ASSERT_EQ(0, se_config(&self->e, "[arch.aarch64]\nemulator = /opt/none/qemu-aarch64\n"));
	snprintf(want, sizeof(want), "install an emulator at /opt/none/qemu-aarch64, or "
		 "remove emulator = from [arch.aarch64] of %s to use the installed "
		 "/usr/bin/qemu-aarch64-static", self->e.conf);
	EXPECT_EQ(126, run126(self, path)) TH_LOG("%s", self->err);
	fix_line(self->err, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "apt-get install qemu-user-static")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, want)) TH_LOG("%s", line);

	EXPECT_EQ(1, cli_run(&r, "explain", path, NULL)) TH_LOG("%s", r.out);
	fix_line(r.out, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "apt-get install qemu-user-static")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, want)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "the configured emulator /opt/none/qemu-aarch64 "
			       "does not exist")) TH_LOG("%s", r.out);
}

/* i386 refused natively with a configured emulator that is missing (run
 * by hand: this host runs i386 itself). */
TEST_F(fix, compat_configured_emulator_missing)
{
	static const unsigned char hdr[52] = {
		0x7f, 'E', 'L', 'F', 1, 1, 1, 0, [16] = 2, 0, 3, 0, 1, 0, 0, 0,
		[40] = 52, 0, 32, 0, 0, 0,
	};
	char path[512], line[2048];
	char *argv[] = { self->e.shim, path, NULL };
	int fd, st;

	if (self->skipped)
		return;
	NEED("/usr/bin/qemu-i386-static", "qemu-user-static");
	snprintf(path, sizeof(path), "%s/i386", self->e.dir);
	fd = open(path, O_WRONLY | O_CREAT, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(52, write(fd, hdr, sizeof(hdr)));
	close(fd);
	ASSERT_EQ(0, se_config(&self->e, "[arch.i386]\nemulator = /nonexistent/qemu-i386\n"));
	st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(126, WEXITSTATUS(st));
	fix_line(self->err, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "apt-get install qemu-user-static")) TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "to use the installed /usr/bin/qemu-i386-static"))
		TH_LOG("%s", line);
	EXPECT_EQ(NULL, strstr(self->err, "no qemu-i386 is installed")) TH_LOG("%s", self->err);
}

/* explain: a script whose interpreter is missing runs with exit 127;
 * explain says so and exits 1. */
TEST_F(fix, explain_script_interpreter_missing)
{
	static const struct { const char *line; bool broken; const char *says; } cases[] = {
		{ "#!/usr/bin/env bshim-no-such-python9\n", true,
		  "which finds no bshim-no-such-python9 in PATH" },
		{ "#!/usr/bin/env -S FOO=1 bshim-no-such-python9 -u\n", true,
		  "which finds no bshim-no-such-python9 in PATH" },
		{ "#!/usr/bin/env /no/such/interp\n", true, "/no/such/interp is missing" },
		{ "#!/no/such/interp\n", true, "interpreter /no/such/interp is missing" },
		{ "#!/usr/bin/env sh\n", false, "runs /usr/bin/env sh" },
	};
	char path[512];
	size_t i;

	if (self->skipped)
		return;
	if (!tl_have("/usr/bin/env"))
		SKIP(return, "no /usr/bin/env here");
	snprintf(path, sizeof(path), "%s/script", self->e.dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
		char *argv[] = { path, NULL };
		int st;

		ASSERT_LE(0, fd);
		ASSERT_EQ((ssize_t)strlen(cases[i].line),
			  write(fd, cases[i].line, strlen(cases[i].line)));
		close(fd);
		/* What running it does, the ground truth. */
		st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
			    sizeof(self->err));
		ASSERT_TRUE(WIFEXITED(st));
		EXPECT_EQ(cases[i].broken, WEXITSTATUS(st) == 127 || st < 0)
			TH_LOG("case %zu exits %d", i, WEXITSTATUS(st));
		EXPECT_EQ(cases[i].broken ? 1 : 0, cli_run(&r, "explain", path, NULL))
			TH_LOG("case %zu: %s", i, r.out);
		EXPECT_NE(NULL, strstr(r.out, cases[i].broken ? "verdict:  broken" :
				       "verdict:  native")) TH_LOG("case %zu: %s", i, r.out);
		EXPECT_NE(NULL, strstr(r.out, cases[i].says))
			TH_LOG("case %zu: %s", i, r.out);
	}
}

/* An i386 program whose loader is missing, on an x86_64 host whose i386
 * C library is installed: explain does not send the user to install it. */
TEST_F(fix, explain_native_loader_missing)
{
	static const char interp[] = "/lib/ld-nowhere.so.2";
	unsigned char img[84 + sizeof(interp)] = {
		0x7f, 'E', 'L', 'F', 1, 1, 1, 0,
		[16] = 2, 0, 3, 0, 1, 0, 0, 0,		/* EXEC, EM_386, version */
		[24] = 0x00, 0x10, 0, 0,		/* e_entry */
		[28] = 52, 0, 0, 0,			/* e_phoff */
		[40] = 52, 0, 32, 0, 1, 0, 40, 0,	/* ehsize, phentsize, phnum */
		[52] = 3, 0, 0, 0,			/* PT_INTERP */
		[56] = 84, 0, 0, 0,			/* p_offset */
		[68] = sizeof(interp), 0, 0, 0,		/* p_filesz */
		[72] = sizeof(interp), 0, 0, 0,		/* p_memsz */
		[76] = 4, 0, 0, 0, 1, 0, 0, 0,		/* R, align 1 */
	};
	char path[512], line[2048];
	int fd;

	if (self->skipped)
		return;
	if (!tl_have("/var/lib/dpkg/info/libc6-i386.list") &&
	    !tl_have("/var/lib/dpkg/info/libc6:i386.list"))
		SKIP(return, "no i386 C library is installed here: this test checks "
		     "the fix where it is (apt-get install libc6-i386)");
	memcpy(img + 84, interp, sizeof(interp));
	snprintf(path, sizeof(path), "%s/i386-dyn", self->e.dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(img), write(fd, img, sizeof(img)));
	close(fd);
	EXPECT_EQ(1, cli_run(&r, "explain", path, NULL)) TH_LOG("%s", r.out);
	if (strstr(r.out, "(foreign)"))
		SKIP(return, "this host does not run i386 natively (IA32 emulation "
		     "off): the loader is not the shim's to find then");
	fix_line(r.out, line, sizeof(line));
	EXPECT_EQ(NULL, strstr(line, "install the i386 C library")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(line, "apt-get")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(line, "/lib/ld-nowhere.so.2 is no loader the host's i386 "
			       "C library provides")) TH_LOG("%s", r.out);
}

/* A truncated ELF file: the record names the arch the header said, as
 * the diagnostic does. */
TEST_F(fix, truncated_record_has_the_header_arch)
{
	char src[512], path[512];
	json_t *recs[2];
	size_t n;

	if (self->skipped)
		return;
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_NE(NULL, se_copy(&self->e, src, "truncated", path, sizeof(path)));
	ASSERT_EQ(0, truncate(path, 40));
	EXPECT_EQ(126, run126(self, path)) TH_LOG("%s", self->err);
	EXPECT_NE(NULL, strstr(self->err, "AArch64")) TH_LOG("%s", self->err);
	n = se_log(&self->e, recs, 2);
	ASSERT_EQ(1, n);
	ASSERT_NE(NULL, recs[0]);
	EXPECT_STREQ("corrupt-elf", se_str(recs[0], "reason_code"));
	EXPECT_STREQ("aarch64", se_str(recs[0], "arch"));
	EXPECT_EQ(183, se_int(recs[0], "elf.machine"));
	EXPECT_STREQ("ELF64", se_str(recs[0], "elf.class"));
	se_log_free(recs, n);
}

TEST_HARNESS_MAIN
