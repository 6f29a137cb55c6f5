// SPDX-License-Identifier: GPL-2.0
/*
 * Every refusal of the shim, compared against golden text: one diagnostic
 * on stderr naming the file and what it is, the host, the reason and the
 * fix; exit status 126; and one record whose fields say the same.
 * The binaries are real cross-compiled fixtures (some patched or cut, for
 * the cases no compiler produces) run through a private binfmt_misc.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "shimenv.h"
#include "testlib.h"

static const char *const arches[] = { "aarch64", "arm", "i386", NULL };

FIXTURE(diag) {
	struct shimenv e;
	char bin[512];
	char out[4096], err[8192];
};

FIXTURE_SETUP(diag)
{
	char why[256], src[512];
	int rc = se_setup(&self->e, "FP", arches, why, sizeof(why));

	SETUP_OR_SKIP(rc, why);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
	ASSERT_NE(NULL, se_copy(&self->e, src, "hello", self->bin, sizeof(self->bin)));
}

FIXTURE_TEARDOWN(diag)
{
	se_teardown(&self->e);
}

/* Run path, expect exit 126, the golden stderr and one matching record. */
static void expect_refusal(struct __test_metadata *_metadata, FIXTURE_DATA(diag) *self,
			   const char *path, const char *golden,
			   const char *event, const char *code)
{
	char *argv[] = { (char *)path, "exit", "0", NULL };
	json_t *recs[4];
	size_t n;
	int st;

	st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
		    sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(126, WEXITSTATUS(st));
	EXPECT_STREQ(golden, self->err);
	EXPECT_STREQ("", self->out);
	n = se_log(&self->e, recs, 4);
	ASSERT_EQ(1, n);
	ASSERT_NE(NULL, recs[0]);
	EXPECT_STREQ(event, se_str(recs[0], "event"));
	EXPECT_STREQ(event, se_str(recs[0], "decision"));
	EXPECT_STREQ(code, se_str(recs[0], "reason_code"));
	EXPECT_STREQ(path, se_str(recs[0], "path"));
	EXPECT_NE(NULL, strstr(self->err, se_str(recs[0], "reason")));
	EXPECT_NE(NULL, strstr(self->err, se_str(recs[0], "fix")));
	se_log_free(recs, n);
}

TEST_F(diag, no_emulator)
{
	char golden[4096];

	ASSERT_EQ(0, se_config(&self->e, "[arch.aarch64]\nemulator = /nonexistent/qemu-aarch64\n"));
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: the configured emulator /nonexistent/qemu-aarch64 "
		"does not exist (emulator = in [arch.aarch64] of %s)\n"
		"  file:   ELF 64-bit LSB AArch64, statically linked\n"
		"  host:   x86_64\n"
		"  fix:    install an emulator at /nonexistent/qemu-aarch64, or remove "
		"emulator = from [arch.aarch64] of %s to use the installed "
		"/usr/bin/qemu-aarch64-static\n",
		self->bin, self->e.conf, self->e.conf);
	/* se_setup made sure that qemu-aarch64-static is installed. */
	expect_refusal(_metadata, self, self->bin, golden, "fail", "no-emulator");
}

TEST_F(diag, emulator_not_executable)
{
	char golden[4096], qemu[512];

	snprintf(qemu, sizeof(qemu), "%s/qemu-noexec", self->e.dir);
	ASSERT_EQ(0, close(open(qemu, O_WRONLY | O_CREAT, 0644)));
	snprintf(golden, sizeof(golden), "[arch.arm64]\nemulator = %s\n", qemu);
	ASSERT_EQ(0, se_config(&self->e, golden));
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: the emulator %s exists but cannot be "
		"executed: Permission denied\n"
		"  file:   ELF 64-bit LSB AArch64, statically linked\n"
		"  host:   x86_64\n"
		"  fix:    chmod +x %s (and check that its file system is not mounted "
		"noexec), or set emulator = in [arch.aarch64] of %s\n",
		self->bin, qemu, qemu, self->e.conf);
	expect_refusal(_metadata, self, self->bin, golden, "fail", "emulator-not-executable");
}

TEST_F(diag, policy_deny_names_the_rule)
{
	char golden[4096];

	ASSERT_EQ(0, se_config(&self->e, "# site policy\n[arch.aarch64]\npolicy = deny\n"));
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: policy = deny for aarch64 (%s:3)\n"
		"  file:   ELF 64-bit LSB AArch64, statically linked\n"
		"  host:   x86_64\n"
		"  fix:    set policy = allow in [arch.aarch64] of %s\n",
		self->bin, self->e.conf, self->e.conf);
	expect_refusal(_metadata, self, self->bin, golden, "deny", "policy-deny");
}

/* A dynamic armhf binary whose loader no sysroot has: a real binary with
 * its PT_INTERP renamed in place (same length). */
TEST_F(diag, dynamic_without_sysroot)
{
	char src[512], path[512], golden[4096], fix[1024], *buf;
	FILE *f;
	long len;
	char *p;

	tl_fixture("c/arm-linux-gnueabihf-dynamic", src, sizeof(src));
	ASSERT_NE(NULL, se_copy(&self->e, src, "armhf-noloader", path, sizeof(path)));
	f = fopen(path, "r+");
	ASSERT_NE(NULL, f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	buf = malloc((size_t)len);
	ASSERT_NE(NULL, buf);
	rewind(f);
	ASSERT_EQ((size_t)len, fread(buf, 1, (size_t)len, f));
	p = memmem(buf, (size_t)len, "/lib/ld-linux-armhf.so.3", 24);
	ASSERT_NE(NULL, p);
	memcpy(p, "/lib/ld-bshim-none.so.3", 24);
	rewind(f);
	ASSERT_EQ((size_t)len, fwrite(buf, 1, (size_t)len, f));
	fclose(f);
	free(buf);
	/* The fix names the cross libc only where it is not installed. */
	if (tl_have("/var/lib/dpkg/info/libc6-armhf-cross.list") ||
	    tl_have("/usr/arm-linux-gnueabihf"))
		snprintf(fix, sizeof(fix), "the installed libc6-armhf-cross has no such "
			 "loader: relink the program against one it has (ls "
			 "/usr/arm-linux-gnueabihf/lib/ld-*), or set sysroot = /path in "
			 "[arch.arm] of %s to a tree that has it", self->e.conf);
	else
		snprintf(fix, sizeof(fix), "apt-get install libc6-armhf-cross, or set "
			 "sysroot = /path in [arch.arm] of %s", self->e.conf);
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: dynamically linked: its loader "
		"/lib/ld-bshim-none.so.3 is neither on this host nor in a sysroot "
		"(looked in /usr/arm-linux-gnueabihf, /usr/arm-linux-gnueabi, "
		"/etc/qemu-binfmt/arm, /usr/gnemul/qemu-arm)\n"
		"  file:   ELF 32-bit LSB ARM EABI5 hard-float, dynamically linked, "
		"interpreter /lib/ld-bshim-none.so.3\n"
		"  host:   x86_64\n"
		"  fix:    %s\n",
		path, fix);
	expect_refusal(_metadata, self, path, golden, "fail", "no-sysroot");
}

TEST_F(diag, truncated_elf)
{
	char golden[4096], path[512];

	/* Cut inside the ELF header: qemu exits 1 without a word. (Cut in
	 * the program headers of its first KiB, qemu reads zeros past the
	 * end, and the shim leaves the file to qemu: lib/elf.c.) */
	snprintf(path, sizeof(path), "%s/truncated", self->e.dir);
	ASSERT_EQ(0, truncate(self->bin, 40));
	ASSERT_EQ(0, rename(self->bin, path));
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: a corrupt ELF file: truncated ELF header\n"
		"  file:   ELF 64-bit LSB AArch64, 40 bytes read (truncated ELF header)\n"
		"  host:   x86_64\n"
		"  fix:    the file is damaged (a truncated copy or download?): rebuild or "
		"fetch it again\n", path);
	expect_refusal(_metadata, self, path, golden, "fail", "corrupt-elf");
}

TEST_F(diag, go_binary_names_goos_goarch)
{
	char src[512], path[512], golden[4096], ver[64] = "";
	json_t *recs[2];

	tl_fixture("go/linux-arm64", src, sizeof(src));
	ASSERT_TRUE(tl_have(src));
	tl_fixture("go/go-version", golden, sizeof(golden));
	ASSERT_LT(0, tl_read_file(golden, ver, sizeof(ver)));
	ver[strcspn(ver, "\n")] = '\0';
	ASSERT_NE(NULL, se_copy(&self->e, src, "pkg.test", path, sizeof(path)));
	ASSERT_EQ(0, se_config(&self->e, "[arch.aarch64]\nemulator = /nonexistent/qemu-aarch64\n"));
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: the configured emulator /nonexistent/qemu-aarch64 "
		"does not exist (emulator = in [arch.aarch64] of %s)\n"
		"  file:   ELF 64-bit LSB AArch64, statically linked\n"
		"  go:     %s, GOOS=linux GOARCH=arm64\n"
		"  host:   x86_64\n"
		"  fix:    install an emulator at /nonexistent/qemu-aarch64, or remove "
		"emulator = from [arch.aarch64] of %s to use the installed "
		"/usr/bin/qemu-aarch64-static; or build the Go binary "
		"for this host: GOARCH=amd64 go test (go env GOARCH shows what go builds "
		"for by default)\n",
		path, self->e.conf, ver, self->e.conf);
	expect_refusal(_metadata, self, path, golden, "fail", "no-emulator");
	ASSERT_EQ(1, se_log(&self->e, recs, 2));
	EXPECT_STREQ(ver, se_str(recs[0], "go.version"));
	EXPECT_STREQ("linux", se_str(recs[0], "go.goos"));
	EXPECT_STREQ("arm64", se_str(recs[0], "go.goarch"));
	se_log_free(recs, 1);
}

/* i386 on x86_64 reaches the shim only when the kernel refused to run it
 * natively; with no emulator either, the diagnostic says so. Run by hand
 * (the kernel runs i386 natively on this host). */
TEST_F(diag, native_compat_off)
{
	static const unsigned char hdr[52] = {
		0x7f, 'E', 'L', 'F', 1, 1, 1, 0, [16] = 2, 0, 3, 0, 1, 0, 0, 0,
		[40] = 52, 0, 32, 0, 0, 0,
	};
	char path[512], golden[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/i386", self->e.dir);
	fd = open(path, O_WRONLY | O_CREAT, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(52, write(fd, hdr, sizeof(hdr)));
	close(fd);
	if (!tl_have("/usr/bin/qemu-i386-static"))
		SKIP(return, "/usr/bin/qemu-i386-static missing (apt-get install "
		     "qemu-user-static): the fix names it");
	ASSERT_EQ(0, se_config(&self->e, "[arch.i386]\nemulator = /nonexistent/qemu-i386\n"));
	{
		char *argv[] = { self->e.shim, path, NULL };
		int st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err,
				sizeof(self->err));

		ASSERT_TRUE(WIFEXITED(st));
		EXPECT_EQ(126, WEXITSTATUS(st));
	}
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: an i386 binary: this x86_64 host should run "
		"it natively, but the kernel refused it (IA32 emulation is off or not "
		"built in) and the configured emulator does not exist\n"
		"  file:   ELF 32-bit LSB Intel 80386\n"
		"  host:   x86_64\n"
		"  fix:    boot with ia32_emulation=1 (CONFIG_IA32_EMULATION=y), or "
		"install an emulator at /nonexistent/qemu-i386, or remove emulator = "
		"from [arch.i386] of %s to use the installed /usr/bin/qemu-i386-static\n",
		path, self->e.conf);
	EXPECT_STREQ(golden, self->err);
}

TEST_F(diag, macos_binary_run_by_hand)
{
	char src[512], golden[4096];
	char *argv[] = { self->e.shim, src, NULL };
	int st;

	tl_fixture("go/darwin-arm64", src, sizeof(src));
	ASSERT_TRUE(tl_have(src));
	st = tl_run(argv, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(126, WEXITSTATUS(st));
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run %s: not a Linux program: Mach-O 64-bit arm64 "
		"executable (a macOS binary), built for macOS (GOOS=darwin)\n"
		"  file:   Mach-O 64-bit arm64 executable (a macOS binary)\n"
		"  host:   x86_64\n"
		"  fix:    rebuild it for Linux: GOOS=linux GOARCH=amd64\n", src);
	EXPECT_STREQ(golden, self->err);
}

/*
 * The F flag pins the shim but not the emulator: in a chroot without
 * qemu, the shim finds it in its parent's root and names the bind mount.
 */
TEST_F(diag, emulator_outside_the_chroot)
{
	char root[512], dst[600], golden[4096];
	int pfd[2], st;
	size_t k;
	pid_t pid;
	ssize_t n;

	snprintf(root, sizeof(root), "%s/chroot", self->e.dir);
	ASSERT_EQ(0, mkdir(root, 0755));
	snprintf(dst, sizeof(dst), "%s/hello", root);
	ASSERT_EQ(0, rename(self->bin, dst));
	/* Build chroots (sbuild, mock, pbuilder) mount /proc inside. */
	snprintf(dst, sizeof(dst), "%s/proc", root);
	ASSERT_EQ(0, mkdir(dst, 0755));
	ASSERT_EQ(0, mount("/proc", dst, NULL, MS_BIND | MS_REC, NULL));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = { "/hello", NULL };

		dup2(pfd[1], 2);
		if (chroot(root) || chdir("/"))
			_exit(99);
		/* No log path exists inside: the record goes to syslog or is
		 * lost; this test is about the diagnostic. */
		execv("/hello", argv);
		_exit(98);
	}
	close(pfd[1]);
	for (k = 0; (n = read(pfd[0], self->err + k, sizeof(self->err) - 1 - k)) > 0;)
		k += (size_t)n;
	self->err[k] = '\0';
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, umount2(dst, MNT_DETACH));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(126, WEXITSTATUS(st));
	snprintf(golden, sizeof(golden),
		"binfmt-shim: cannot run /hello: the emulator /usr/bin/qemu-aarch64-static "
		"exists outside this chroot or container but not inside it (the F flag pins "
		"only the shim)\n"
		"  file:   ELF 64-bit LSB AArch64, statically linked\n"
		"  host:   x86_64\n"
		"  fix:    bind it in: mount --bind /usr/bin/qemu-aarch64-static "
		"<root>/usr/bin/qemu-aarch64-static (or copy it in), or set emulator = in "
		"[arch.aarch64] of /etc/binfmt-shim/shim.conf\n");
	/* Inside the chroot there is no system config, so no [users]
	 * override: the fix names the chroot's own system file. */
	EXPECT_STREQ(golden, self->err);
}

TEST_HARNESS_MAIN
