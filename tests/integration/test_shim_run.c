// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's hand-off, end to end: a private binfmt_misc instance with the
 * shim registered (for each flag combination), real cross-compiled
 * binaries, real qemu-user-static. What the caller sees must be the
 * guest's: output, input, exit status, death by signal, argv[0], PID.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimenv.h"
#include "testlib.h"

static const char *const arches[] = {
	"aarch64", "arm", "riscv64", "s390x", "ppc64le", "mips", "mipsel", NULL,
};

FIXTURE(run) {
	struct shimenv e;
	char bin[512];
};

FIXTURE_VARIANT(run) {
	const char *flags;
	int preserve_argv0;
	int execfd;
};

FIXTURE_VARIANT_ADD(run, FP) { .flags = "FP", .preserve_argv0 = 1 };
FIXTURE_VARIANT_ADD(run, F) { .flags = "F" };
FIXTURE_VARIANT_ADD(run, FPO) { .flags = "FPO", .preserve_argv0 = 1, .execfd = 1 };
FIXTURE_VARIANT_ADD(run, FOC) { .flags = "FOC", .execfd = 1 };
FIXTURE_VARIANT_ADD(run, P) { .flags = "P", .preserve_argv0 = 1 };
FIXTURE_VARIANT_ADD(run, none) { .flags = "" };
FIXTURE_VARIANT_ADD(run, O) { .flags = "O", .execfd = 1 };
FIXTURE_VARIANT_ADD(run, PO) { .flags = "PO", .preserve_argv0 = 1, .execfd = 1 };
FIXTURE_VARIANT_ADD(run, FPOC) { .flags = "FPOC", .preserve_argv0 = 1, .execfd = 1 };

FIXTURE_SETUP(run)
{
	char why[256], src[512];
	int rc = se_setup(&self->e, variant->flags, arches, why, sizeof(why));

	SETUP_OR_SKIP(rc, why);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
	ASSERT_NE(NULL, se_copy(&self->e, src, "hello", self->bin, sizeof(self->bin)));
}

FIXTURE_TEARDOWN(run)
{
	se_teardown(&self->e);
}

TEST_F(run, exit_status_is_the_guests)
{
	char *argv[] = { self->bin, "exit", "7", NULL };
	int st = tl_run(argv, NULL, 0, NULL, 0, NULL, 0);

	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(7, WEXITSTATUS(st));
}

TEST_F(run, death_by_signal_is_seen_by_the_caller)
{
	char *argv[] = { self->bin, "signal", "15", NULL };
	int st = tl_run(argv, NULL, 0, NULL, 0, NULL, 0);

	ASSERT_TRUE(WIFSIGNALED(st)) TH_LOG("status 0x%x", st);
	EXPECT_EQ(SIGTERM, WTERMSIG(st));
}

TEST_F(run, argv0_preserved_with_P_else_the_path)
{
	char *argv[] = { "custom-name", "argv0", NULL };
	char out[4096], want[600];
	int st = tl_runv(self->bin, argv, NULL, 0, out, sizeof(out), NULL, 0);

	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
	snprintf(want, sizeof(want), "%s\n",
		 variant->preserve_argv0 ? "custom-name" : self->bin);
	EXPECT_STREQ(want, out);
}

TEST_F(run, arguments_pass_verbatim)
{
	char *argv[] = { self->bin, "argv", "", "two words", "-0", "--help", "-L", NULL };
	char out[4096];
	int st = tl_run(argv, NULL, 0, out, sizeof(out), NULL, 0);

	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(out, "argv[1]=argv\nargv[2]=\nargv[3]=two words\n"
				    "argv[4]=-0\nargv[5]=--help\nargv[6]=-L\n")) TH_LOG("%s", out);
}

/* 5,000 arguments: more than the shim's static argv holds (256), so the
 * emulator's argv comes from the heap; every one must arrive, in order. */
TEST_F(run, thousands_of_arguments_pass_verbatim)
{
	enum { N = 5000 };
	static char *argv[N + 3];
	static char words[N][16], out[256 * 1024], want[64];
	int st, i;

	argv[0] = self->bin;
	argv[1] = "argv";
	for (i = 0; i < N; i++) {
		snprintf(words[i], sizeof(words[i]), "w%d", i);
		argv[i + 2] = words[i];
	}
	argv[N + 2] = NULL;
	st = tl_run(argv, NULL, 0, out, sizeof(out), NULL, 0);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(out, "argv[2]=w0\nargv[3]=w1\n")) TH_LOG("%.200s", out);
	snprintf(want, sizeof(want), "argv[%d]=w%d\n", N + 1, N - 1);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("no %s", want);
	snprintf(want, sizeof(want), "argv[%d]=", N + 2);
	EXPECT_EQ(NULL, strstr(out, want));
}

TEST_F(run, one_mebibyte_through_stdin_and_stdout)
{
	size_t len = 1 << 20, i;
	char *in = malloc(len), *out = malloc(len + 1);
	char *argv[] = { self->bin, "cat", NULL };
	int st;

	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	for (i = 0; i < len; i++)
		in[i] = (char)(i * 131 + (i >> 11));
	st = tl_run(argv, in, len, out, len + 1, NULL, 0);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, memcmp(in, out, len));
	free(in);
	free(out);
}

TEST_F(run, stderr_passes_through)
{
	char *argv[] = { self->bin, "no-such-command", NULL };
	char out[256], err[256];
	int st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));

	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(2, WEXITSTATUS(st));
	EXPECT_STREQ("", out);
	EXPECT_NE(NULL, strstr(err, "usage")) TH_LOG("stderr: %s", err);
}

TEST_F(run, pid_is_kept_across_the_hand_off)
{
	char *argv[] = { self->bin, "pid", NULL };
	char out[64];
	int pfd[2], st;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(pfd[1], 1);
		execv(self->bin, argv);
		_exit(127);
	}
	close(pfd[1]);
	memset(out, 0, sizeof(out));
	ASSERT_LT(0, read(pfd[0], out, sizeof(out) - 1));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(pid, atoi(out));
}

TEST_F(run, record_says_how_the_kernel_called)
{
	char *argv[] = { self->bin, "exit", "0", NULL };
	json_t *recs[4];
	size_t n;

	ASSERT_EQ(0, WEXITSTATUS(tl_run(argv, NULL, 0, NULL, 0, NULL, 0)));
	n = se_log(&self->e, recs, 4);
	ASSERT_EQ(1, n);
	ASSERT_NE(NULL, recs[0]);
	EXPECT_STREQ("exec", se_str(recs[0], "event"));
	EXPECT_EQ(variant->preserve_argv0,
		  json_is_true(json_object_get(json_object_get(recs[0], "binfmt"),
					       "preserve_argv0")));
	EXPECT_EQ(variant->execfd,
		  json_is_true(json_object_get(json_object_get(recs[0], "binfmt"),
					       "execfd")));
	EXPECT_STREQ("aarch64", se_str(recs[0], "arch"));
	se_log_free(recs, n);
}

/* Every static and dynamic fixture of every registered arch runs, the
 * dynamic ones through Debian's cross sysroots (/usr/<triplet>). */
TEST_F(run, static_and_dynamic_for_every_arch)
{
	static const char *const triplets[][2] = {
		{ "aarch64-linux-gnu", "aarch64" },
		{ "arm-linux-gnueabihf", "arm-hardfloat" },
		{ "arm-linux-gnueabi", "arm-softfloat" },
		{ "riscv64-linux-gnu", "riscv64" },
		{ "s390x-linux-gnu", "s390x" },
		{ "powerpc64le-linux-gnu", "ppc64le" },
		{ "mips-linux-gnu", "mips" },
		{ "mipsel-linux-gnu", "mipsel" },
	};
	static const char *const kinds[] = { "static", "dynamic" };
	char src[512], name[128], path[512], out[256];
	size_t t, k;

	for (t = 0; t < sizeof(triplets) / sizeof(triplets[0]); t++)
		for (k = 0; k < 2; k++) {
			char *argv[] = { path, "arch", NULL };
			int st;

			snprintf(name, sizeof(name), "c/%s-%s", triplets[t][0], kinds[k]);
			tl_fixture(name, src, sizeof(src));
			if (!tl_have(src)) {
				TH_LOG("%s missing", src);
				EXPECT_TRUE(0);
				continue;
			}
			snprintf(name, sizeof(name), "%s-%s", triplets[t][0], kinds[k]);
			ASSERT_NE(NULL, se_copy(&self->e, src, name, path, sizeof(path)));
			st = tl_run(argv, NULL, 0, out, sizeof(out), NULL, 0);
			EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
				TH_LOG("%s: status 0x%x", name, st);
			EXPECT_EQ(0, strncmp(out, triplets[t][1], strlen(triplets[t][1])))
				TH_LOG("%s printed %s", name, out);
		}
}

TEST_HARNESS_MAIN
