// SPDX-License-Identifier: GPL-2.0
/*
 * The pinned files (loader/pinned.c, loader/pinstat.c) as the CLI reports
 * and manages them:
 *   - register and status print their real disk cost: on tmpfs and on the
 *     build tree's file system (ext4 here) exactly the allocated blocks
 *     (st_blocks * 512); on XFS and btrfs loop images, where register
 *     clones the emulator (FICLONERANGE), the extents FIEMAP says are
 *     shared are not counted, and the cost is the shim's size, not the
 *     emulator's;
 *   - an upgraded emulator makes status name the stale arch and exit 1;
 *     register pins the new one, status is 0 again and the shim's record
 *     no longer says "emulator_stale";
 *   - a pinned file writable by its group or by others: the shim refuses
 *     to map it and says why (its diagnostic in a chroot, "pinned_refused"
 *     in its record on the host), status flags it, register rewrites it;
 *   - unregister deletes the pinned files and drops the lines of persist's
 *     binfmt.d file that name them (they would fail at the next boot);
 *   - status and explain say whether each entry works in containers;
 *     verify runs each tiny program in a throwaway container too.
 * Everything runs in a private user + mount namespace with a private
 * binfmt_misc (tl_private_binfmt), pinned files in its private /var/tmp.
 */
#include <fcntl.h>
#include <jansson.h>
#include <linux/loop.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "arch.h"
#include "binfmt.h"
#include "test_loader.h"
#include "test_sink.h"

#define QEMU "/usr/bin/qemu-aarch64-static"

static struct cli_result r;

/* The entry named name in status --json (a new reference), or NULL. */
static json_t *status_entry(const char *json, const char *name)
{
	json_t *doc = json_loads(json, 0, NULL), *e, *found = NULL;
	size_t i;

	json_array_foreach(json_object_get(doc, "entries"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")) ?: "", name))
			found = json_incref(e);
	json_decref(doc);
	return found;
}

static long long jint(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static const char *jstr2(json_t *o, const char *a, const char *b)
{
	const char *v = json_string_value(json_object_get(json_object_get(o, a), b));

	return v ? v : "";
}

static int jtrue(json_t *o, const char *a, const char *b)
{
	return json_is_true(json_object_get(json_object_get(o, a), b));
}

/* The private namespace with a collector stand-in (status then has no
 * finding about unrecorded execs: its exit status is ours to test). */
static int setup(char *state, size_t len, char *why, size_t wlen, bool tmp)
{
	int rc;

	if (!cli_path()[0]) {
		snprintf(why, wlen, "build/binfmt-shim is not built");
		return 1;
	}
	if (!tl_have(QEMU)) {
		snprintf(why, wlen, QEMU " missing: apt-get install qemu-user-static");
		return 1;
	}
	rc = tl_private_binfmt(why, wlen);
	if (rc < 0)
		return 1;
	if (tmp && tl_private_tmp() < 0)
		return -1;
	cli_private_state(state, len);
	return sink_fake_collector(state) < 0 ? -1 : 0;
}

#define STATE_OR_SKIP_TMP(state, tmp)					\
	do {								\
		char why_[256];						\
		int rc_ = setup(state, sizeof(state), why_, sizeof(why_), tmp); \
		SETUP_OR_SKIP(rc_, why_);				\
	} while (0)
#define STATE_OR_SKIP(state) STATE_OR_SKIP_TMP(state, true)

static const char *pinned_path(const char *arch)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/%s", getenv("BINFMT_SHIM_PINNED_DIR"), arch);
	return p;
}

/* ---- disk cost, per file system ---------------------------------- */

FIXTURE(cost) {
	char dir[256];		/* a pinned dir to remove on teardown, or "" */
	char state[64];
};

FIXTURE_VARIANT(cost) {
	const char *fs;		/* "tmpfs", "disk" (the build tree's), "xfs", "btrfs" */
	const char *mkfs;
};

FIXTURE_VARIANT_ADD(cost, tmpfs) { .fs = "tmpfs" };
FIXTURE_VARIANT_ADD(cost, disk) { .fs = "disk" };
FIXTURE_VARIANT_ADD(cost, xfs) { .fs = "xfs", .mkfs = "/usr/sbin/mkfs.xfs" };
FIXTURE_VARIANT_ADD(cost, btrfs) { .fs = "btrfs", .mkfs = "/usr/sbin/mkfs.btrfs" };

/*
 * As real root, before the user namespace: a private mount namespace with
 * a tmpfs on /tmp holding an image of fs, made by mkfs, attached to a loop
 * device that clears itself when its mount goes (with this namespace),
 * mounted on /tmp/fs; qemu copied there and bound over its path, so that
 * register finds the emulator on the file system it pins to, as on a host
 * whose / is btrfs or XFS. 0, or 1 with why[] for a SKIP.
 */
static int loop_fs(const char *fs, const char *mkfs, char *why, size_t len)
{
	struct loop_config lc = { .info = { .lo_flags = LO_FLAGS_AUTOCLEAR } };
	char *mk[] = { (char *)mkfs, "-q", "/tmp/img", NULL };
	char *cp[] = { "/bin/cp", QEMU, "/tmp/fs/qemu-aarch64-static", NULL };
	char dev[64], out[4096];
	int ctl, n, lfd = -1, ifd, st, k;

	if (!tl_have(mkfs)) {
		snprintf(why, len, "%s missing: scripts/deps installs it", mkfs);
		return 1;
	}
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(why, len, "a private mount namespace: %s", strerror(errno));
		return 1;
	}
	if (tl_private_tmp() < 0 || mkdir("/tmp/fs", 0755) < 0)
		return -1;
	/* XFS wants 300 MiB at least; sparse, on the tmpfs. */
	ifd = open("/tmp/img", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ifd < 0 || ftruncate(ifd, 320 << 20) < 0)
		return -1;
	close(ifd);
	st = tl_run(mk, NULL, 0, out, sizeof(out), out, sizeof(out));
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len, "%s failed: %.200s", mkfs, out);
		return -1;
	}
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	ifd = open("/tmp/img", O_RDWR | O_CLOEXEC);
	if (ctl < 0 || ifd < 0) {
		snprintf(why, len, "no loop device (needs real root): %s", strerror(errno));
		return 1;
	}
	lc.fd = (unsigned)ifd;
	/* Another test may take the same free device first (EBUSY): ask
	 * again, a few times. */
	for (k = 0; k < 8; k++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			snprintf(why, len, "no loop device (needs real root): %s", strerror(errno));
			return 1;
		}
		snprintf(dev, sizeof(dev), "/dev/loop%d", n);
		lfd = open(dev, O_RDWR | O_CLOEXEC);
		if (lfd >= 0 && ioctl(lfd, LOOP_CONFIGURE, &lc) == 0)
			break;
		snprintf(why, len, "attaching %s: %s", dev, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		lfd = -1;
		if (errno != EBUSY)
			break;
	}
	close(ctl);
	close(ifd);
	if (lfd < 0)
		return 1;
	if (mount(dev, "/tmp/fs", fs, 0, NULL) < 0) {
		snprintf(why, len, "mounting %s on %s: %s", fs, dev, strerror(errno));
		close(lfd);
		return 1;
	}
	close(lfd);	/* autoclear: detached when the mount goes */
	st = tl_run(cp, NULL, 0, NULL, 0, NULL, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) ||
	    mount("/tmp/fs/qemu-aarch64-static", QEMU, NULL, MS_BIND, NULL) < 0)
		return -1;
	return 0;
}

FIXTURE_SETUP(cost)
{
	char why[512];
	int rc;

	self->dir[0] = '\0';
	if (variant->mkfs) {
		rc = loop_fs(variant->fs, variant->mkfs, why, sizeof(why));
		SETUP_OR_SKIP(rc, why);
	}
	/* The loop file system's /tmp stays (a new tmpfs would hide it). */
	STATE_OR_SKIP_TMP(self->state, !variant->mkfs);
	if (!strcmp(variant->fs, "disk")) {
		/* The build tree's file system (ext4 on this machine); removed
		 * on teardown. */
		snprintf(self->dir, sizeof(self->dir), "%s/build/pinned-test.XXXXXX", BSHIM_TOP);
		ASSERT_NE(NULL, mkdtemp(self->dir));
		setenv("BINFMT_SHIM_PINNED_DIR", self->dir, 1);
	} else if (variant->mkfs) {
		setenv("BINFMT_SHIM_PINNED_DIR", "/tmp/fs/pinned", 1);
	}
}

FIXTURE_TEARDOWN(cost)
{
	char cmd[512];

	if (self->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", self->dir);
		if (system(cmd))
			fprintf(stderr, "# could not remove %s\n", self->dir);
	}
}

TEST_F(cost, register_and_status_print_the_real_disk_cost)
{
	const char *pin = pinned_path("aarch64");
	struct stat st, est;
	json_t *e;
	long long disk, shared;
	bool clones;

	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	/* The build tree may be on btrfs or XFS too, with /usr/bin. */
	clones = variant->mkfs || strstr(r.err, "the emulator cloned");
	ASSERT_EQ(0, stat(pin, &st)) TH_LOG("%s: %s", pin, strerror(errno));
	ASSERT_EQ(0, stat(QEMU, &est));
	/* register's note: the cost, and how the emulator got there. */
	EXPECT_NE(NULL, strstr(r.err, " on disk")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, clones ? "the emulator cloned" : "the emulator copied"))
		TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "status", "--json", NULL)) TH_LOG("%s%s", r.out, r.err);
	e = status_entry(r.out, "binfmt-shim-aarch64");
	ASSERT_NE(NULL, e) TH_LOG("%s", r.out);
	disk = jint(e, "pinned", "disk_bytes");
	shared = jint(e, "pinned", "shared_bytes");
	EXPECT_EQ((long long)st.st_blocks * 512, jint(e, "pinned", "allocated_bytes"));
	if (!clones) {
		/* Nothing shared: the cost is what the file allocates. */
		EXPECT_EQ(0, shared);
		EXPECT_EQ((long long)st.st_blocks * 512, disk);
		EXPECT_LE((long long)est.st_size, disk);
		if (!strcmp(variant->fs, "tmpfs"))
			EXPECT_STREQ("tmpfs", jstr2(e, "pinned", "fs"));
	} else {
		/* The emulator's extents are the emulator's: all but its
		 * unaligned tail are shared, and what is left is about the
		 * shim (~0.5 MiB), far below the emulator's 12 MiB. */
		if (variant->mkfs)
			EXPECT_STREQ(variant->fs, jstr2(e, "pinned", "fs"));
		EXPECT_LE((long long)est.st_size - 65536, shared) TH_LOG("shared %lld", shared);
		EXPECT_GT(2 << 20, disk) TH_LOG("disk %lld", disk);
	}
	/* The figures, for the record (stderr: the harness's child exits
	 * without flushing a piped stdout). */
	fprintf(stderr, "# %s: pinned file %lld bytes, allocated %lld, shared %lld, cost %lld\n",
		       variant->fs, (long long)st.st_size, (long long)st.st_blocks * 512,
		       shared, disk);
	json_decref(e);
	/* The text says the same, and the total. */
	EXPECT_EQ(0, cli_run(&r, "status", NULL));
	EXPECT_NE(NULL, strstr(r.out, "  pinned      " QEMU " with the shim; ")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "pinned:      1 file, ")) TH_LOG("%s", r.out);
	if (clones)
		EXPECT_NE(NULL, strstr(r.out, "shared with the emulator")) TH_LOG("%s", r.out);
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL)) TH_LOG("%s", r.err);
}

/* ---- an upgraded emulator ---------------------------------------- */

/* Run bin (the aarch64 hello) through the shim with the rig's file log
 * only; its record (a new reference), NULL when it did not run. */
static json_t *hello_record(const char *bin)
{
	char log[] = "/var/tmp/bshim-pinned-log.jsonl", out[256], err[4096];
	char *argv[] = { (char *)bin, NULL };
	char *conf = getenv("BINFMT_SHIM_CONFIG") ? strdup(getenv("BINFMT_SHIM_CONFIG")) : NULL;
	json_t *last = NULL;
	FILE *f;
	char line[16384];
	int st;

	unlink(log);
	unsetenv("BINFMT_SHIM_CONFIG");
	setenv("BINFMT_SHIM_LOG", log, 1);
	st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));
	if (conf)
		setenv("BINFMT_SHIM_CONFIG", conf, 1);
	free(conf);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "# hello: 0x%x %s\n", st, err);
		return NULL;
	}
	f = fopen(log, "r");
	while (f && fgets(line, sizeof(line), f)) {
		json_decref(last);
		last = json_loads(line, 0, NULL);
	}
	if (f)
		fclose(f);
	return last;
}

/* The record's "emulator_stale": 1 true, 0 absent, -1 no record or the
 * pinned emulator did not run. */
static int hello_stale(const char *bin)
{
	json_t *last = hello_record(bin);
	int stale = -1;

	if (last && !strcmp(json_string_value(json_object_get(last, "emulator_from")) ?: "",
			    "pinned"))
		stale = json_is_true(json_object_get(last, "emulator_stale"));
	json_decref(last);
	return stale;
}

TEST(an_upgraded_emulator_is_stale_in_status_until_register_pins_it)
{
	char state[64], src[512], bin[] = "/var/tmp/bshim-hello";
	char *cp[] = { "/bin/cp", QEMU, "/var/tmp/qemu-new", NULL };
	char *cpb[] = { "/bin/cp", src, bin, NULL };
	struct timespec later[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };
	json_t *e;
	int st;

	STATE_OR_SKIP(state);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	if (!tl_have(src))
		SKIP(return, "%s missing: run make fixtures", src);
	/* The installed emulator, replaceable in this namespace only. */
	st = tl_run(cp, NULL, 0, NULL, 0, NULL, 0);
	ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	st = tl_run(cpb, NULL, 0, NULL, 0, NULL, 0);
	ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	ASSERT_EQ(0, mount("/var/tmp/qemu-new", QEMU, NULL, MS_BIND, NULL)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "STALE"));
	EXPECT_EQ(0, hello_stale(bin));

	/* "apt upgrade": another mtime on the emulator at its path. */
	ASSERT_EQ(0, utimensat(AT_FDCWD, "/var/tmp/qemu-new", later, 0));
	EXPECT_EQ(1, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "  STALE       " QEMU " changed since it was pinned"))
		TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "register aarch64' pins the new one")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "1 pinned emulator is stale")) TH_LOG("%s", r.out);
	EXPECT_EQ(1, cli_run(&r, "status", "--json", NULL));
	e = status_entry(r.out, "binfmt-shim-aarch64");
	ASSERT_NE(NULL, e) TH_LOG("%s", r.out);
	EXPECT_TRUE(jtrue(e, "pinned", "stale"));
	EXPECT_STREQ("aarch64", jstr2(e, "pinned", "arch"));
	json_decref(e);
	EXPECT_EQ(1, hello_stale(bin));

	/* register refreshes it: the entry is registered again with the
	 * new file, and nothing is stale any more. */
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "replace ")) TH_LOG("%s", r.out);
	EXPECT_EQ(0, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "STALE"));
	EXPECT_EQ(0, hello_stale(bin));
}

/* ---- a pinned file others may write ------------------------------ */

/* Run path inside a chroot of dir (new mount namespace, the host's /proc
 * bound on dir/proc: a new proc needs a PID namespace of this user
 * namespace's): the wait status, stderr in err. */
static int chroot_run(const char *dir, const char *path, char *err, size_t len)
{
	int e[2], st;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	if (pipe2(e, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		char procdir[512], *argv[] = { (char *)path, NULL };

		snprintf(procdir, sizeof(procdir), "%s/proc", dir);
		/* The program's output is not the test's (and the chroot has
		 * no /dev/null). */
		dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), 1);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount("/proc", procdir, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    chroot(dir) < 0 || chdir("/") < 0)
			_exit(120);
		dup2(e[1], 2);
		execv(path, argv);
		_exit(127);
	}
	close(e[1]);
	while (got + 1 < len && (n = read(e[0], err + got, len - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(e[0]);
	waitpid(pid, &st, 0);
	return st;
}

TEST(a_pinned_file_others_may_write_is_refused_and_flagged)
{
	static const unsigned modes[] = { 0775, 0757 };
	char state[64], src[512], err[8192];
	char *cpb[] = { "/bin/cp", src, "/var/tmp/ctr/hello", NULL };
	json_t *rec;
	const char *pin;
	json_t *e;
	size_t k;
	int st;

	STATE_OR_SKIP(state);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	if (!tl_have(src))
		SKIP(return, "%s missing: run make fixtures", src);
	ASSERT_EQ(0, mkdir("/var/tmp/ctr", 0755));
	ASSERT_EQ(0, mkdir("/var/tmp/ctr/proc", 0755));
	st = tl_run(cpb, NULL, 0, NULL, 0, NULL, 0);
	ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	pin = pinned_path("aarch64");
	/* As register leaves it: runs in the chroot, status is happy. */
	st = chroot_run("/var/tmp/ctr", "/hello", err, sizeof(err));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, err);
	EXPECT_EQ(0, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
	for (k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
		ASSERT_EQ(0, chmod(pin, modes[k]));
		/* The shim maps nothing from it and says why. Inside the
		 * chroot there is no emulator by path to fall back on. */
		st = chroot_run("/var/tmp/ctr", "/hello", err, sizeof(err));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 126) TH_LOG("0x%x %s", st, err);
		EXPECT_NE(NULL, strstr(err, "writable by no one else")) TH_LOG("%s", err);
		/* On the host the emulator by its path runs instead, and the
		 * record says why the pinned one did not. */
		rec = hello_record("/var/tmp/ctr/hello");
		ASSERT_NE(NULL, rec);
		EXPECT_STREQ("path", json_string_value(json_object_get(rec, "emulator_from")));
		EXPECT_NE(NULL, strstr(json_string_value(json_object_get(rec, "pinned_refused")) ?: "",
				       "writable by no one else"));
		json_decref(rec);
		/* status flags it, and it works in no container. */
		EXPECT_EQ(1, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
		EXPECT_NE(NULL, strstr(r.out, "BROKEN      its pinned file ")) TH_LOG("%s", r.out);
		EXPECT_NE(NULL, strstr(r.out, "the shim refuses it")) TH_LOG("%s", r.out);
		EXPECT_NE(NULL, strstr(r.out, "  containers  no: its pinned file fails its checks"))
			TH_LOG("%s", r.out);
		EXPECT_EQ(1, cli_run(&r, "status", "--json", NULL));
		e = status_entry(r.out, "binfmt-shim-aarch64");
		ASSERT_NE(NULL, e);
		EXPECT_NE(NULL, strstr(jstr2(e, "pinned", "refused"), "mode 0")) TH_LOG("%s", r.out);
		EXPECT_FALSE(jtrue(e, "containers", "works"));
		json_decref(e);
	}
	/* register writes it again as it must be. */
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
}

/* ---- unregister and persist -------------------------------------- */

TEST(unregister_deletes_the_pinned_files_and_the_boot_lines_naming_them)
{
	char state[64], text[8192];
	const char *boot = "/etc/binfmt.d/zz-binfmt-shim.conf";
	char pin[512];
	struct stat st;

	STATE_OR_SKIP(state);
	if (!tl_have("/usr/bin/qemu-riscv64-static"))
		SKIP(return, "no qemu-riscv64-static");
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", "riscv64", NULL)) TH_LOG("%s", r.err);
	ASSERT_EQ(0, cli_run(&r, "persist", NULL)) TH_LOG("%s", r.err);
	ASSERT_LT(0, tl_read_file(boot, text, sizeof(text)));
	snprintf(pin, sizeof(pin), "%s", pinned_path("aarch64"));
	ASSERT_NE(NULL, strstr(text, pin)) TH_LOG("%s", text);

	/* One arch: its file and its boot line go, the other's stay. */
	ASSERT_EQ(0, cli_run(&r, "unregister", "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(-1, stat(pin, &st));
	EXPECT_NE(NULL, strstr(r.err, "dropped binfmt-shim-aarch64 from " "/etc/binfmt.d/zz-binfmt-shim.conf"))
		TH_LOG("%s", r.err);
	ASSERT_LT(0, tl_read_file(boot, text, sizeof(text)));
	EXPECT_EQ(NULL, strstr(text, pin)) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, pinned_path("riscv64"))) TH_LOG("%s", text);
	EXPECT_EQ(0, strncmp(text, "# binfmt-shim registrations, written by", 39));
	/* Every line left is one the kernel accepts: registering them
	 * all, as systemd-binfmt does at boot, fails none. */
	ASSERT_EQ(0, cli_run(&r, "unregister", "--dry-run", NULL));
	EXPECT_NE(NULL, strstr(r.err, "would drop binfmt-shim-riscv64")) TH_LOG("%s", r.err);
	ASSERT_EQ(0, stat(pinned_path("riscv64"), &st));
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL)) TH_LOG("%s", r.err);
	ASSERT_LT(0, tl_read_file(boot, text, sizeof(text)));
	EXPECT_EQ(NULL, strstr(text, "\n:")) TH_LOG("%s", text);
	/* Nothing of register's is left: no file, no directory. */
	EXPECT_EQ(-1, stat(getenv("BINFMT_SHIM_PINNED_DIR"), &st));
}

/* A pinned file left without an entry (an interrupted register, an older
 * binfmt-shim's unregister) goes with unregister --all. */
TEST(unregister_all_deletes_pinned_files_no_entry_names)
{
	char state[64];
	struct stat st;

	STATE_OR_SKIP(state);
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	/* The entry goes, the file stays: what an interrupted run leaves. */
	{
		int fd = open(BINFMT_MNT "/binfmt-shim-aarch64", O_WRONLY | O_CLOEXEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(2, write(fd, "-1", 2));
		close(fd);
	}
	ASSERT_FALSE(bm_has("binfmt-shim-aarch64"));
	ASSERT_EQ(0, stat(pinned_path("aarch64"), &st));
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(-1, stat(pinned_path("aarch64"), &st));
	EXPECT_EQ(-1, stat(getenv("BINFMT_SHIM_PINNED_DIR"), &st));
}

/* ---- containers: status, explain, verify ------------------------- */

/* Register line for arch's entry with the interpreter and flags given,
 * under another name when name is set (someone else's entry). */
static int reg_raw(const char *arch, const char *name, const char *interp, const char *flags)
{
	struct binfmt_entry ent[4];
	char line[BINFMT_REGISTER_MAX + 1];
	int n = binfmt_entries_for_arch(arch_by_name(arch), interp, flags, ent, 4);

	if (n < 1)
		return -EINVAL;
	if (name)
		snprintf(ent[0].name, sizeof(ent[0].name), "%s", name);
	if (binfmt_format_register(&ent[0], line, sizeof(line)) < 0)
		return -ENOSPC;
	return tl_register(line);
}

TEST(status_and_explain_say_whether_each_entry_works_in_containers)
{
	static const struct { const char *name, *yes; } want[] = {
		{ "binfmt-shim-aarch64", "yes: the kernel keeps" },
		{ "binfmt-shim-riscv64", "no: the kernel keeps the shim open (flag F), but the shim finds" },
		{ "binfmt-shim-s390x", "no: no flag F" },
		{ "qemu-mips", "yes: flag F: the kernel opened" },
		{ "qemu-ppc64le", "no: no flag F: the kernel opens" },
	};
	char state[64], shim[512], line[2048], src[512], word[64];
	json_t *e;
	size_t k;

	STATE_OR_SKIP(state);
	tl_build("shim", shim, sizeof(shim));
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	ASSERT_EQ(0, cli_run(&r, "register", "--flags", "P", "s390x", NULL)) TH_LOG("%s", r.err);
	ASSERT_EQ(0, reg_raw("riscv64", NULL, shim, "F"));		/* a plain shim */
	ASSERT_EQ(0, reg_raw("mips", "qemu-mips", "/usr/bin/qemu-mips-static", "F"));
	ASSERT_EQ(0, reg_raw("ppc64le", "qemu-ppc64le", "/usr/bin/qemu-ppc64le-static", ""));
	ASSERT_EQ(0, cli_run(&r, "status", "--json", NULL)) TH_LOG("%s", r.out);
	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		e = status_entry(r.out, want[k].name);
		ASSERT_NE(NULL, e) TH_LOG("%s", want[k].name);
		EXPECT_EQ(!strncmp(want[k].yes, "yes", 3), jtrue(e, "containers", "works"))
			TH_LOG("%s", want[k].name);
		EXPECT_LT(10, (int)strlen(jstr2(e, "containers", "why")));
		json_decref(e);
	}
	ASSERT_EQ(0, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		const char *at = strstr(r.out, want[k].name);

		snprintf(word, sizeof(word), "  containers  %s", want[k].yes);
		ASSERT_NE(NULL, at);
		cli_line(strstr(at, "  containers  "), "  containers  ", line, sizeof(line));
		EXPECT_EQ(0, strncmp(line, word, strlen(word))) TH_LOG("%s: %s", want[k].name, line);
	}
	/* explain names the entry the kernel picks and the same answer. */
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	if (tl_have(src)) {
		EXPECT_EQ(0, cli_run(&r, "explain", src, NULL)) TH_LOG("%s", r.out);
		EXPECT_NE(NULL, strstr(r.out, "\n  containers: yes: the kernel keeps ")) TH_LOG("%s", r.out);
		EXPECT_EQ(0, cli_run(&r, "explain", "--json", src, NULL));
		EXPECT_NE(NULL, strstr(r.out, "\"containers\":{\"works\":true,")) TH_LOG("%s", r.out);
	}
	tl_fixture("c/riscv64-linux-gnu-static", src, sizeof(src));
	if (tl_have(src)) {
		cli_run(&r, "explain", src, NULL);
		EXPECT_NE(NULL, strstr(r.out, "\n  containers: no: ")) TH_LOG("%s", r.out);
	}
}

TEST(verify_runs_each_arch_on_the_host_and_in_a_container)
{
	char state[64], shim[512], line[1024];
	json_t *doc, *a, *c;

	STATE_OR_SKIP(state);
	if (!tl_have("/usr/bin/qemu-riscv64-static"))
		SKIP(return, "no qemu-riscv64-static");
	/* The rig's log, not the collector stand-in that never answers. */
	unsetenv("BINFMT_SHIM_CONFIG");
	setenv("BINFMT_SHIM_LOG", "/var/tmp/bshim-verify-log.jsonl", 1);
	tl_build("shim", shim, sizeof(shim));
	ASSERT_EQ(0, cli_run(&r, "register", "aarch64", NULL)) TH_LOG("%s", r.err);
	ASSERT_EQ(0, cli_run(&r, "verify", "aarch64", NULL)) TH_LOG("%s%s", r.out, r.err);
	cli_line(r.out, "               in a container", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " 42/42   ok     n/a    -         ok")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\nverify: 2 passed, 0 failed (on the host 1 passed, 0 failed; "
			       "in a container 1 passed, 0 failed)\n")) TH_LOG("%s", r.out);
	/* The plain shim with F runs on the host, not in a container: the
	 * emulator it finds by its path is not there. */
	ASSERT_EQ(0, reg_raw("riscv64", NULL, shim, "PF"));
	EXPECT_EQ(1, cli_run(&r, "verify", "riscv64", NULL)) TH_LOG("%s", r.out);
	cli_line(r.out, "riscv64 ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " 42/42   ok     ok     file      ok")) TH_LOG("%s", r.out);
	cli_line(r.out, "               in a container", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "FAIL: exit 126 in a container")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\nverify: 1 passed, 1 failed")) TH_LOG("%s", r.out);
	/* --json: both results per arch, both counted. */
	EXPECT_EQ(1, cli_run(&r, "verify", "--json", "aarch64", "riscv64", NULL));
	doc = json_loads(r.out, 0, NULL);
	ASSERT_NE(NULL, doc) TH_LOG("%s", r.out);
	EXPECT_EQ(3, json_integer_value(json_object_get(doc, "passed")));
	EXPECT_EQ(1, json_integer_value(json_object_get(doc, "failed")));
	EXPECT_EQ(2, jint(doc, "host", "passed"));
	EXPECT_EQ(1, jint(doc, "container", "passed"));
	EXPECT_EQ(1, jint(doc, "container", "failed"));
	a = json_array_get(json_object_get(doc, "arches"), 0);
	c = json_object_get(a, "container");
	EXPECT_STREQ("ok", json_string_value(json_object_get(c, "result")));
	EXPECT_EQ(42, json_integer_value(json_object_get(c, "exit")));
	a = json_array_get(json_object_get(doc, "arches"), 1);
	EXPECT_STREQ("FAIL", json_string_value(json_object_get(json_object_get(a, "container"),
								"result")));
	json_decref(doc);
	/* Without F, not run in a container (and not a failure). */
	ASSERT_EQ(0, cli_run(&r, "register", "--flags", "P", "aarch64", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, cli_run(&r, "verify", "aarch64", NULL)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "skip: not run: without flag F")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "in a container 0 passed, 0 failed, 1 not run)")) TH_LOG("%s", r.out);
}

TEST_HARNESS_MAIN
