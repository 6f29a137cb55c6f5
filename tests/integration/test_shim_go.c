// SPDX-License-Identifier: GPL-2.0
/*
 * The case the project exists for: `GOARCH=arm64 go test` on an x86_64
 * host, with the shim registered for aarch64 in a private binfmt_misc
 * instance. go builds a foreign test binary and execs it; the kernel hands
 * it to the shim, the shim to qemu. The test passes and leaves exactly one
 * record per test binary, naming the Go build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimenv.h"
#include "testlib.h"

static const char *const arches[] = { "aarch64", "riscv64", NULL };

FIXTURE(go) {
	struct shimenv e;
	char go[64];
};

FIXTURE_SETUP(go)
{
	char why[256], cache[600];
	int rc;

	snprintf(self->go, sizeof(self->go), "/usr/bin/go");
	if (!tl_have(self->go))
		SKIP(return, "no go toolchain (apt-get install golang-go)");
	rc = se_setup(&self->e, "FP", arches, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	/* Offline and independent of the user's Go setup, as the fixture
	 * builder does; the build cache is shared with it. */
	tl_fixture("go/.cache", cache, sizeof(cache));
	setenv("GOCACHE", cache, 1);
	tl_fixture("go/.gopath", cache, sizeof(cache));
	setenv("GOPATH", cache, 1);
	setenv("GOENV", "off", 1);
	setenv("GOFLAGS", "-mod=mod -buildvcs=false", 1);
	setenv("GOPROXY", "off", 1);
	setenv("CGO_ENABLED", "0", 1);
}

FIXTURE_TEARDOWN(go)
{
	se_teardown(&self->e);
}

static void go_test(struct __test_metadata *_metadata, FIXTURE_DATA(go) *self,
		    const char *goarch, const char *arch)
{
	char *argv[] = { self->go, "test", "-count=1", "./mathx", NULL };
	char out[8192], err[8192], dir[600];
	json_t *r[8];
	size_t n;
	int st;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/go", BSHIM_TOP);
	ASSERT_EQ(0, chdir(dir));
	setenv("GOARCH", goarch, 1);
	st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("go test: %s%s", out, err);
	EXPECT_EQ(0, strncmp(out, "ok", 2)) TH_LOG("%s", out);
	n = se_log(&self->e, r, 8);
	ASSERT_EQ(1, n) TH_LOG("one test binary, one record");
	ASSERT_NE(NULL, r[0]);
	EXPECT_STREQ("exec", se_str(r[0], "event"));
	EXPECT_STREQ(arch, se_str(r[0], "arch"));
	EXPECT_NE(NULL, strstr(se_str(r[0], "path"), "mathx.test"));
	EXPECT_STREQ("linux", se_str(r[0], "go.goos"));
	EXPECT_STREQ(goarch, se_str(r[0], "go.goarch"));
	EXPECT_EQ(0, strncmp(se_str(r[0], "go.version"), "go1.", 4));
	/* go test binaries carry no build settings: taken from the ELF. */
	EXPECT_TRUE(json_is_true(json_object_get(json_object_get(r[0], "go"), "inferred")));
	se_log_free(r, n);
}

TEST_F(go, goarch_arm64_go_test_passes_and_is_recorded)
{
	go_test(_metadata, self, "arm64", "aarch64");
}

TEST_F(go, goarch_riscv64_go_test_passes_and_is_recorded)
{
	go_test(_metadata, self, "riscv64", "riscv64");
}

TEST_HARNESS_MAIN
