// SPDX-License-Identifier: GPL-2.0
/*
 * The collector's records of foreign execs in containers (shimd/procwatch.c).
 * A shim in a container reaches no host file and no host socket; the
 * collector learns of its execs from the kernel's process-event connector,
 * which needs CAP_NET_ADMIN in the host's user namespace and a listener
 * in the host's pid namespace. So the collector is started by a launcher
 * forked before the test enters its private user + mount namespace
 * (tl_private_binfmt), in a mount namespace of the test's own whose /tmp
 * is a private tmpfs both share: the pinned files `register` writes there
 * (BINFMT_SHIM_PINNED_DIR) are the ones the collector is told to watch.
 * The container: new mount + pid namespaces, chrooted into a root with a
 * static busybox and the fixtures, /proc mounted, no emulator. Every
 * field of a record is checked against what the test made or read itself
 * (namespace inodes of /proc/<pid>/ns, the cgroup it created, the pids).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "arch.h"
#include "binfmt.h"
#include "pinned.h"
#include "procinfo.h"
#include "shimdenv.h"
#include "tcontainer.h"

#define TOP "/tmp/t"
#define PINNED TOP "/pinned"
#define ROOT TOP "/root"
#define DEADLINE_S 120		/* only against a hang: a cold start on a busy machine */

FIXTURE(ctr) {
	struct shimd_env s;
	uid_t host_uid;
	char cg[256];		/* the cgroup made for the container, "" when none */
	char cg_path[256];	/* its path as /proc/<pid>/cgroup names it */
	pid_t chowner;		/* a helper in the host's user namespace */
	int chown_fd[2];
	char out[16384], err[16384];
	json_t *r[4096];
	size_t n;
};

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t k;

	if (fd < 0)
		return -errno;
	k = write(fd, text, strlen(text));
	close(fd);
	return k == (ssize_t)strlen(text) ? 0 : -EIO;
}

/*
 * Remove the container's cgroup once the test has ended, even when it
 * ended in the middle: whatever still runs in it is killed first, and
 * waited for through its pidfd.
 */
static void cgroup_remove(const char *cg)
{
	char procs[300], text[4096], *p;
	int tries;

	if (!cg[0])
		return;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	for (tries = 0; tries < 100 && rmdir(cg) < 0 && errno == EBUSY; tries++) {
		if (tl_read_file(procs, text, sizeof(text)) <= 0)
			continue;
		for (p = text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
			int fd = (int)syscall(434 /* pidfd_open */, atoi(p), 0);
			struct pollfd pf = { .fd = fd, .events = POLLIN };

			if (fd < 0)
				continue;
			syscall(424 /* pidfd_send_signal */, fd, SIGKILL, NULL, 0);
			(void)poll(&pf, 1, 10000);
			close(fd);
		}
	}
}

/*
 * A helper forked while still in the host's user namespace: it chowns the
 * path it is sent to uid 4242 (a user), which the test's own namespace, with
 * one uid mapped, cannot. Answers one byte: 0 or errno.
 */
static int chowner_start(FIXTURE_DATA(ctr) *self)
{
	int req[2], ans[2];

	if (pipe2(req, O_CLOEXEC) || pipe2(ans, O_CLOEXEC))
		return -errno;
	self->chowner = fork();
	if (self->chowner < 0)
		return -errno;
	if (self->chowner == 0) {
		char path[256];
		ssize_t k;
		char a;

		close(req[1]);
		close(ans[0]);
		while ((k = read(req[0], path, sizeof(path) - 1)) > 0) {
			path[k] = '\0';
			a = chown(path, 4242, 4242) < 0 ? (char)errno : 0;
			(void)!write(ans[1], &a, 1);
		}
		/* The test has ended, however: its cgroup goes too. */
		cgroup_remove(self->cg);
		_exit(0);
	}
	close(req[0]);
	close(ans[1]);
	self->chown_fd[0] = ans[0];
	self->chown_fd[1] = req[1];
	return 0;
}

static int chown_user(FIXTURE_DATA(ctr) *self, const char *path)
{
	char a;

	if (write(self->chown_fd[1], path, strlen(path)) != (ssize_t)strlen(path) ||
	    read(self->chown_fd[0], &a, 1) != 1)
		return -EIO;
	return -a;
}

/*
 * A cgroup of the test's own for the container, in the hierarchy whose
 * line the collector reports (lib/procinfo.h): the unified one on a
 * cgroup v2 host, else name=systemd's. "" when neither can be made here
 * (the test then expects what it reads itself).
 */
static void cgroup_make(FIXTURE_DATA(ctr) *self)
{
	static const char *const bases[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/systemd" };
	char probe[300];
	size_t k;

	self->cg[0] = self->cg_path[0] = '\0';
	for (k = 0; k < 2; k++) {
		snprintf(probe, sizeof(probe), "%s/cgroup.%s", bases[k],
			 k ? "procs" : "controllers");
		if (access(probe, F_OK))
			continue;
		snprintf(self->cg, sizeof(self->cg), "%s/bshim-ctr.%d", bases[k], (int)getpid());
		if (mkdir(self->cg, 0755) == 0) {
			snprintf(self->cg_path, sizeof(self->cg_path), "/bshim-ctr.%d",
				 (int)getpid());
			return;
		}
		self->cg[0] = '\0';
	}
}

FIXTURE_SETUP(ctr)
{
	static const char *const dirs[] = { TOP, PINNED, ROOT, ROOT "/bin", ROOT "/fx",
					    ROOT "/proc" };
	char why[256], src[512], cli[512], shim[512];
	char *reg[] = { cli, "register", "--shim", shim, "aarch64", NULL };
	size_t k;
	int rc, st;

	memset(&self->s, 0, sizeof(self->s));
	self->chowner = 0;
	self->n = 0;
	self->host_uid = getuid();
	if (!tl_have("/usr/bin/qemu-aarch64-static"))
		SKIP(return, "qemu-aarch64-static missing: apt-get install qemu-user-static");
	if (!tl_have("/bin/busybox"))
		SKIP(return, "/bin/busybox missing: apt-get install busybox-static");
	if (geteuid() != 0)
		SKIP(return, "the process-event connector needs root (CAP_NET_ADMIN in the "
			     "host's user namespace)");
	tl_build("binfmt-shimd", src, sizeof(src));
	ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make", src);
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_TRUE(tl_have(src)) TH_LOG("%s missing: run make fixtures", src);
	/* A mount namespace of the test's own with a private /tmp: the
	 * collector's files and the pinned files leave nothing on the host. */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, tl_private_tmp());
	for (k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		ASSERT_EQ(0, mkdir(dirs[k], 0755)) TH_LOG("%s: %s", dirs[k], strerror(errno));
	snprintf(self->s.sock, sizeof(self->s.sock), TOP "/shimd.sock");
	snprintf(self->s.out, sizeof(self->s.out), TOP "/collector.jsonl");
	snprintf(self->s.err, sizeof(self->s.err), TOP "/shimd.err");
	/* Still in the host's user namespace: the collector's launcher, the
	 * chown helper and the container's cgroup. */
	ASSERT_EQ(0, sd_prelaunch(&self->s, 0));
	cgroup_make(self);
	ASSERT_EQ(0, chowner_start(self));
	rc = tl_private_binfmt(why, sizeof(why));
	if (rc == -EPERM || rc == -EINVAL || rc == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rc) TH_LOG("%s", why);
	ASSERT_EQ(0, setenv("BINFMT_SHIM_PINNED_DIR", PINNED, 1));
	/* The container's root: busybox and the fixtures, nothing else. */
	ASSERT_EQ(0, tc_copy_in("", "/bin/busybox", ROOT "/bin/busybox", 0755));
	ASSERT_EQ(0, symlink("busybox", ROOT "/bin/sh"));
	tl_fixture("c/aarch64-linux-gnu-static", src, sizeof(src));
	ASSERT_EQ(0, tc_copy_in("", src, ROOT "/fx/hello", 0755));
	ASSERT_EQ(0, sd_write_tiny(ROOT "/fx/tiny"));
	/* The shim with qemu pinned, registered with the default flags. */
	tl_build("binfmt-shim", cli, sizeof(cli));
	tl_build("shim", shim, sizeof(shim));
	st = tl_run(reg, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", self->err);
	ASSERT_TRUE(tl_have(PINNED "/aarch64"));
}

FIXTURE_TEARDOWN(ctr)
{
	if (self->s.dpid > 0)
		sd_stop(&self->s, SIGKILL);
	if (self->s.launcher[0] > 0) {
		close(self->s.launch_fd[0]);
		kill(self->s.launcher[0], SIGKILL);
		waitpid(self->s.launcher[0], NULL, 0);
	}
	if (self->chowner > 0) {
		close(self->chown_fd[1]);
		waitpid(self->chowner, NULL, 0);
	}
	se_log_free(self->r, self->n);
}

/* Start the collector; 1 when the kernel would not give it the events
 * (then the test SKIPs with why). */
static int start(FIXTURE_DATA(ctr) *self, const char *const *extra, char *why, size_t len)
{
	static const char *const base[] = { "--pinned-dir", PINNED };
	const char *args[16];
	char text[8192];
	int n = 0, rc;

	args[n++] = base[0];
	args[n++] = base[1];
	while (extra && *extra && n < 14)
		args[n++] = *extra++;
	args[n] = NULL;
	rc = sd_start_args(&self->s, args);
	if (rc < 0) {
		snprintf(why, len, "collector did not start: %s", strerror(-rc));
		return rc;
	}
	tl_read_file(self->s.err, text, sizeof(text));
	/* Off only where the kernel will not give the events (no
	 * CAP_NET_ADMIN, not the host's namespaces, no CONFIG_PROC_EVENTS):
	 * the collector says so and why. Anything else is a failure. */
	if (strstr(text, "process events: off")) {
		snprintf(why, len, "%.240s", strstr(text, "process events: off"));
		return 1;
	}
	if (!strstr(text, "process events: recording")) {
		snprintf(why, len, "the collector does not watch process events: %.200s", text);
		return -EPROTO;
	}
	return 0;
}

/* A container running argv: its pid 1 (host pid) and the command's
 * stdin; wait with ctr_wait. */
struct ctr {
	pid_t outer, init;
	int in, out, status;
};

/* ctr_start: the command's stdout and stderr start full, so its first
 * write blocks until the test reads (ctr_wait). */
static bool ctr_full_output;

static void fill_pipe(int fd)
{
	static char chunk[4096];
	int fl = fcntl(fd, F_GETFL);

	memset(chunk, '.', sizeof(chunk));	/* text: the diagnostic after it is found */
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (write(fd, chunk, sizeof(chunk)) > 0)
		;
	while (write(fd, chunk, 1) > 0)
		;
	fcntl(fd, F_SETFL, fl);
}

static int ctr_start(const char *cg, char *const argv[], struct ctr *c)
{
	int i[2], o[2], s[2], p[2];

	if (pipe2(i, O_CLOEXEC) || pipe2(o, O_CLOEXEC) || pipe2(s, O_CLOEXEC) ||
	    pipe2(p, O_CLOEXEC))
		return -errno;
	c->outer = fork();
	if (c->outer < 0)
		return -errno;
	if (c->outer == 0) {
		char procs[300];
		pid_t init, cmd;
		int st = 0, raw = -1;

		close(i[1]);
		close(o[0]);
		close(s[0]);
		close(p[0]);
		if (cg[0]) {
			snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
			if (tc_write_str(procs, "0"))
				_exit(119);
		}
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0)
			_exit(120);
		init = fork();
		if (init < 0)
			_exit(121);
		if (init) {
			(void)!write(p[1], &init, sizeof(init));
			waitpid(init, &st, 0);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 122);
		}
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", ROOT "/proc", "proc", MS_NOSUID | MS_NODEV, NULL) < 0 ||
		    chroot(ROOT) < 0 || chdir("/") < 0)
			_exit(123);
		cmd = fork();
		if (cmd == 0) {
			dup2(i[0], 0);
			dup2(o[1], 1);
			dup2(o[1], 2);
			if (ctr_full_output)
				fill_pipe(1);
			execv(argv[0], argv);
			_exit(127);
		}
		close(o[1]);
		close(i[0]);
		if (cmd < 0 || waitpid(cmd, &raw, 0) != cmd)
			_exit(124);
		(void)!write(s[1], &raw, sizeof(raw));
		_exit(0);
	}
	close(i[0]);
	close(o[1]);
	close(s[1]);
	close(p[1]);
	if (read(p[0], &c->init, sizeof(c->init)) != (ssize_t)sizeof(c->init))
		c->init = -1;
	close(p[0]);
	c->in = i[1];
	c->out = o[0];
	c->status = s[0];
	return c->init > 0 ? 0 : -ECHILD;
}

/* The command's raw wait status (its output into out). */
static int ctr_wait(struct ctr *c, char *out, size_t len)
{
	size_t got = 0;
	ssize_t k;
	int raw = -1, st;

	if (c->in >= 0)
		close(c->in);
	c->in = -1;
	/* All of it, keeping the last len - 1 bytes: a writer must never
	 * wait for a reader that stopped. */
	for (;;) {
		if (got + 1 == len) {
			memmove(out, out + len / 2, got - len / 2);
			got -= len / 2;
		}
		k = read(c->out, out + got, len - 1 - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	out[got] = '\0';
	close(c->out);
	if (read(c->status, &raw, sizeof(raw)) != (ssize_t)sizeof(raw))
		raw = -ECHILD;
	close(c->status);
	waitpid(c->outer, &st, 0);
	return raw;
}

static bool from_connector(json_t *r)
{
	return r && !strcmp(se_str(r, "event"), "exec") &&
	       !strcmp(se_str(r, "origin"), "proc-connector");
}

/* Re-read the collector's log. */
static void reread(FIXTURE_DATA(ctr) *self)
{
	se_log_free(self->r, self->n);
	self->n = sd_read(self->s.out, self->r, sizeof(self->r) / sizeof(self->r[0]));
}

typedef bool (*log_pred)(FIXTURE_DATA(ctr) *self, const void *arg);

/*
 * Wait until pred holds over the collector's log: re-read on every change
 * inotify reports in its directory. The deadline only guards a hang.
 */
static bool wait_log(FIXTURE_DATA(ctr) *self, log_pred pred, const void *arg)
{
	double end = sd_now() + DEADLINE_S;
	char ev[4096];
	struct pollfd p;
	bool ok;
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd < 0 || inotify_add_watch(fd, TOP, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)
		return false;
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		reread(self);
		ok = pred(self, arg);
		if (ok || sd_now() > end)
			break;
		(void)poll(&p, 1, (int)((end - sd_now()) * 1000) + 1);
		while (read(fd, ev, sizeof(ev)) > 0)
			;
	}
	close(fd);
	return ok;
}

static json_t *exec_in_pidns(FIXTURE_DATA(ctr) *self, ino_t pidns)
{
	size_t i;

	for (i = 0; i < self->n; i++)
		if (from_connector(self->r[i]) &&
		    (ino_t)se_int(self->r[i], "container.pid_ns") == pidns)
			return self->r[i];
	return NULL;
}

static bool has_exec_in(FIXTURE_DATA(ctr) *self, const void *arg)
{
	return exec_in_pidns(self, *(const ino_t *)arg) != NULL;
}

static json_t *exit_of(FIXTURE_DATA(ctr) *self, const char *id)
{
	return sd_exit_of(self->r, self->n, id);
}

static bool has_exit_of(FIXTURE_DATA(ctr) *self, const void *arg)
{
	return exit_of(self, arg) != NULL;
}

static size_t n_connector(FIXTURE_DATA(ctr) *self, const char *path)
{
	size_t i, k = 0;

	for (i = 0; i < self->n; i++)
		k += from_connector(self->r[i]) && (!path || !strcmp(se_str(self->r[i], "path"), path));
	return k;
}

static bool n_connector_at_least(FIXTURE_DATA(ctr) *self, const void *arg)
{
	return n_connector(self, NULL) >= *(const size_t *)arg;
}

/* The sum of the counts of one kind of notice ("lost", "unidentified"). */
static unsigned long long notices(FIXTURE_DATA(ctr) *self, const char *event)
{
	unsigned long long k = 0;
	size_t i;

	for (i = 0; i < self->n; i++)
		if (self->r[i] && !strcmp(se_str(self->r[i], "event"), event))
			k += (unsigned long long)se_int(self->r[i], "count");
	return k;
}

static ino_t ns_ino(pid_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

TEST_F_TIMEOUT(ctr, a_container_exec_has_its_exec_and_exit_records, 600)
{
	char *cat[] = { "/fx/hello", "cat", NULL };
	char *seven[] = { "/fx/hello", "exit", "7", NULL };
	char why[300], cgtext[4096], id[64], want_cg[512];
	const char *cgp;
	size_t cglen;
	struct ctr c;
	json_t *e, *x, *nspid;
	pid_t host;
	ino_t mnt, pidns, user;
	int rc, st;
	size_t before;

	rc = start(self, NULL, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	ASSERT_EQ(0, ctr_start(self->cg, cat, &c));
	/* What the test made: the container's namespaces, read from its pid
	 * 1 (the command shares them), and its cgroup. */
	mnt = ns_ino(c.init, "mnt");
	pidns = ns_ino(c.init, "pid");
	user = ns_ino(c.init, "user");
	ASSERT_NE(0, mnt);
	EXPECT_NE(ns_ino(getpid(), "pid"), pidns);
	EXPECT_NE(ns_ino(getpid(), "mnt"), mnt);
	ASSERT_TRUE(wait_log(self, has_exec_in, &pidns)) TH_LOG("no record of the container");
	e = exec_in_pidns(self, pidns);
	host = (pid_t)se_int(e, "pid");
	/* The command blocks in cat: the test reads its pids itself. */
	{
		char path[64], text[4096];
		long long ns[PROCINFO_NSPID_MAX];
		unsigned long long ppid;
		long k;

		snprintf(path, sizeof(path), "/proc/%d/status", (int)host);
		k = tl_read_file(path, text, sizeof(text));
		ASSERT_LT(0, k);
		ASSERT_EQ(0, procinfo_id(text, (size_t)k, "PPid", &ppid));
		EXPECT_EQ(c.init, (pid_t)ppid);	/* the container's pid 1 started it */
		ASSERT_EQ(2, procinfo_nspid(text, (size_t)k, ns, PROCINFO_NSPID_MAX));
		EXPECT_EQ(host, ns[0]);
		EXPECT_EQ(2, ns[1]);
		EXPECT_EQ(mnt, ns_ino(host, "mnt"));
		EXPECT_EQ(user, ns_ino(host, "user"));
		EXPECT_EQ(ppid, (unsigned long long)se_int(e, "ppid"));
	}
	if (self->cg[0]) {
		snprintf(want_cg, sizeof(want_cg), "%s", self->cg_path);
	} else {
		char path[64];
		long k;

		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)host);
		k = tl_read_file(path, cgtext, sizeof(cgtext));
		ASSERT_LT(0, k);
		ASSERT_EQ(0, procinfo_cgroup(cgtext, (size_t)k, &cgp, &cglen));
		snprintf(want_cg, sizeof(want_cg), "%.*s", (int)cglen, cgp);
		TH_LOG("no cgroup of the test's own here: expecting %s", want_cg);
	}
	EXPECT_STREQ("/fx/hello", se_str(e, "path"));	/* as the container sees it */
	EXPECT_STREQ(PINNED "/aarch64", se_str(e, "interpreter"));
	EXPECT_STREQ("aarch64", se_str(e, "arch"));
	EXPECT_EQ(self->host_uid, se_int(e, "uid"));
	EXPECT_EQ(2, se_int(e, "container.pid"));	/* pid 2 of its pid namespace */
	nspid = json_object_get(json_object_get(e, "container"), "nspid");
	ASSERT_EQ(2, json_array_size(nspid));
	EXPECT_EQ(host, json_integer_value(json_array_get(nspid, 0)));
	EXPECT_EQ(2, json_integer_value(json_array_get(nspid, 1)));
	EXPECT_EQ((long long)mnt, se_int(e, "container.mnt_ns"));
	EXPECT_EQ((long long)pidns, se_int(e, "container.pid_ns"));
	EXPECT_EQ((long long)user, se_int(e, "container.user_ns"));
	EXPECT_STREQ(want_cg, se_str(e, "container.cgroup"));
	EXPECT_STREQ("collector", se_str(e, "source"));
	EXPECT_EQ(true, json_is_true(json_object_get(e, "exit_tracked")));
	snprintf(id, sizeof(id), "%s", se_str(e, "id"));
	/* Its end: stdin closes, it exits 0. */
	st = ctr_wait(&c, self->out, sizeof(self->out));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->out);
	ASSERT_TRUE(wait_log(self, has_exit_of, id));
	x = exit_of(self, id);
	EXPECT_EQ(host, se_int(x, "pid"));
	if (!strcmp(se_str(x, "status"), "known")) {
		EXPECT_EQ(0, se_int(x, "exit_code"));
	}
	/* A second run exits 7: its exit record says so. */
	before = n_connector(self, NULL) + 1;
	ASSERT_EQ(0, ctr_start(self->cg, seven, &c));
	st = ctr_wait(&c, self->out, sizeof(self->out));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7) TH_LOG("0x%x %s", st, self->out);
	ASSERT_TRUE(wait_log(self, n_connector_at_least, &before));
	EXPECT_EQ(2, n_connector(self, "/fx/hello"));
	{
		size_t i;

		for (i = self->n; i-- > 0;)
			if (from_connector(self->r[i]))
				break;
		snprintf(id, sizeof(id), "%s", se_str(self->r[i], "id"));
	}
	ASSERT_TRUE(wait_log(self, has_exit_of, id));
	x = exit_of(self, id);
	if (!strcmp(se_str(x, "status"), "known")) {
		EXPECT_EQ(7, se_int(x, "exit_code"));
	} else {
		TH_LOG("no exit status from this kernel (PIDFD_INFO_EXIT is 6.15)");
	}
}

/* The id of the newest exec record from the connector ("" if none). */
static const char *last_connector_id(FIXTURE_DATA(ctr) *self)
{
	size_t i;

	for (i = self->n; i-- > 0;)
		if (from_connector(self->r[i]))
			return se_str(self->r[i], "id");
	return "";
}

/*
 * Kernels before 6.15 have no PIDFD_INFO_EXIT (Debian 12's 6.1): the exit
 * status comes from the connector's PROC_EVENT_EXIT. --no-pidfd-exit-info
 * takes that path here: a run exiting 7 and one killed by SIGTERM get
 * their statuses, not "unknown".
 */
TEST_F_TIMEOUT(ctr, without_pidfd_exit_info_the_status_comes_from_the_connector, 600)
{
	static const char *const old_kernel[] = { "--no-pidfd-exit-info", NULL };
	char *cat[] = { "/fx/hello", "cat", NULL };
	char *seven[] = { "/fx/hello", "exit", "7", NULL };
	char why[300], id[64];
	struct ctr c;
	json_t *e, *x;
	pid_t host;
	size_t before;
	bool got;
	int rc, st;

	rc = start(self, old_kernel, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	/* Exits 7. */
	before = n_connector(self, NULL) + 1;
	ASSERT_EQ(0, ctr_start(self->cg, seven, &c));
	st = ctr_wait(&c, self->out, sizeof(self->out));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7) TH_LOG("0x%x %s", st, self->out);
	ASSERT_TRUE(wait_log(self, n_connector_at_least, &before));
	snprintf(id, sizeof(id), "%s", last_connector_id(self));
	ASSERT_TRUE(wait_log(self, has_exit_of, id));
	x = exit_of(self, id);
	EXPECT_STREQ("known", se_str(x, "status"));
	EXPECT_EQ(7, se_int(x, "exit_code"));
	EXPECT_TRUE(json_is_null(json_object_get(x, "signal")));
	/* Killed by SIGTERM while it blocks in cat. Its record is told by
	 * count: the first container's pid namespace inode may be reused. */
	before = n_connector(self, NULL) + 1;
	ASSERT_EQ(0, ctr_start(self->cg, cat, &c));
	got = wait_log(self, n_connector_at_least, &before);
	host = 0;
	if (got) {
		size_t i;

		for (i = self->n; i-- > 0;)
			if (from_connector(self->r[i]))
				break;
		e = self->r[i];
		host = (pid_t)se_int(e, "pid");
		snprintf(id, sizeof(id), "%s", se_str(e, "id"));
		EXPECT_EQ(ns_ino(c.init, "pid"), (ino_t)se_int(e, "container.pid_ns"));
	}
	/* Not found: stdin closes, cat ends, the test fails below. */
	EXPECT_TRUE(host > 0 && kill(host, SIGTERM) == 0);
	st = ctr_wait(&c, self->out, sizeof(self->out));
	ASSERT_TRUE(got) TH_LOG("no record of the container");
	ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) TH_LOG("0x%x %s", st, self->out);
	ASSERT_TRUE(wait_log(self, has_exit_of, id));
	x = exit_of(self, id);
	EXPECT_EQ(host, se_int(x, "pid"));
	EXPECT_STREQ("known", se_str(x, "status"));
	EXPECT_EQ(SIGTERM, se_int(x, "signal"));
	EXPECT_TRUE(json_is_null(json_object_get(x, "exit_code")));
	EXPECT_EQ(false, json_is_true(json_object_get(x, "core_dumped")));
}

/* Without the collector the container's files get nothing, nor does a
 * socket the container's own config names (the shim does not try it:
 * the host's collector records from the kernel, so a record sent too
 * would be a second one), and status says container execs are
 * unrecorded; with it, that they are recorded. */
TEST_F_TIMEOUT(ctr, without_the_collector_nothing_is_written_and_status_says_so, 600)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *hello[] = { "/fx/hello", "argv0", NULL };
	char cli[512], why[300], conf[256];
	char *status[] = { cli, "status", NULL };
	struct stat st;
	struct ctr c;
	int lfd, ws, rc;

	/* The container's own config names a socket in the container. */
	ASSERT_EQ(0, mkdir(ROOT "/etc", 0755));
	ASSERT_EQ(0, mkdir(ROOT "/etc/binfmt-shim", 0755));
	ASSERT_EQ(0, write_text(ROOT "/etc/binfmt-shim/shim.conf",
				"[log]\nsocket = /ctr.sock\npath = /var/log/exec.jsonl\n"));
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), ROOT "/ctr.sock");
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(lfd, 16));
	ASSERT_EQ(0, ctr_start("", hello, &c));
	ws = ctr_wait(&c, self->out, sizeof(self->out));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("0x%x %s", ws, self->out);
	EXPECT_EQ(-1, accept(lfd, NULL, NULL)) TH_LOG("the shim in the container connected");
	close(lfd);
	EXPECT_EQ(-1, stat(ROOT "/var", &st)) TH_LOG("the shim wrote into the container");
	EXPECT_EQ(-1, stat(ROOT "/run", &st)) TH_LOG("the shim wrote into the container");
	/* status, with the host's config naming the collector's socket. */
	snprintf(conf, sizeof(conf), "[users]\noverride = yes\n[log]\nsocket = %s\n", self->s.sock);
	ASSERT_EQ(0, tl_system_config(conf));
	tl_build("binfmt-shim", cli, sizeof(cli));
	ws = tl_run(status, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	ASSERT_TRUE(WIFEXITED(ws)) TH_LOG("0x%x", ws);
	EXPECT_NE(NULL, strstr(self->out, "containers:  execs inside containers and chroots are "
				    "UNRECORDED until the collector (binfmt-shimd) runs"))
		TH_LOG("%s", self->out);
	rc = start(self, NULL, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	ws = tl_run(status, NULL, 0, self->out, sizeof(self->out), self->err, sizeof(self->err));
	EXPECT_NE(NULL, strstr(self->out, "containers:  execs inside containers and chroots are "
				    "recorded by the collector")) TH_LOG("%s", self->out);
}

/* Storms of short foreign execs from a busybox shell in the container:
 * every exec has its record or is counted. Idle, nothing is lost; with
 * the collector stopped and a tiny receive buffer, the kernel drops
 * events and the ended processes cannot be identified: both counted. */
#define STORM 200

static void storm(struct __test_metadata *_metadata, FIXTURE_DATA(ctr) *self, int n)
{
	char loop[256];
	char *sh[] = { "/bin/sh", "-c", loop, NULL };
	struct ctr c;
	int st;

	snprintf(loop, sizeof(loop),
		 "i=0; while [ $i -lt %d ]; do /fx/tiny || exit 3; i=$((i+1)); done", n);
	ASSERT_EQ(0, ctr_start(self->cg, sh, &c));
	st = ctr_wait(&c, self->out, sizeof(self->out));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->out);
}

static bool storm_done(FIXTURE_DATA(ctr) *self, const void *arg)
{
	/* Every tiny run recorded, or counted (the notices come within a
	 * turn of the loop of their cause). */
	return n_connector(self, "/fx/tiny") + notices(self, "lost") +
	       notices(self, "unidentified") >= *(const size_t *)arg;
}

TEST_F_TIMEOUT(ctr, an_exec_storm_is_recorded_or_counted, 600)
{
	char why[300];
	size_t want = STORM;
	int rc;

	rc = start(self, NULL, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	storm(_metadata, self, STORM);
	ASSERT_TRUE(wait_log(self, storm_done, &want))
		TH_LOG("%zu records, %llu lost, %llu unidentified", n_connector(self, "/fx/tiny"),
		       notices(self, "lost"), notices(self, "unidentified"));
	/* With room in the buffer the kernel drops nothing. Each exec is
	 * recorded, or, when the collector looked only after the run had
	 * ended (each runs for milliseconds under qemu; on a busy 2-core
	 * machine the collector can be that late, 4 of 200 once), counted
	 * as unidentified (a count of every such exec on the host, the
	 * tests' own too): never neither, and most are recorded. */
	EXPECT_EQ(0, notices(self, "lost"));
	EXPECT_LE(STORM, n_connector(self, "/fx/tiny") + notices(self, "unidentified"))
		TH_LOG("%zu recorded, %llu unidentified", n_connector(self, "/fx/tiny"),
		       notices(self, "unidentified"));
	EXPECT_LT(STORM / 2, n_connector(self, "/fx/tiny"));
	/* One record, for the reader of the test's output. */
	if (n_connector(self, "/fx/tiny")) {
		char *txt;
		size_t i;

		for (i = 0; i < self->n && !from_connector(self->r[i]); i++)
			;
		txt = json_dumps(self->r[i], JSON_COMPACT);
		TH_LOG("%s", txt);
		free(txt);
	}
	TH_LOG("idle: %zu of %d recorded, %llu unidentified (any exec on the host)",
	       n_connector(self, "/fx/tiny"), STORM, notices(self, "unidentified"));
}

/* Stopped with room in the buffer: the events wait, the processes end,
 * and each exec the collector can no longer identify is counted. */
TEST_F_TIMEOUT(ctr, a_storm_while_the_collector_is_stopped_is_counted_as_unidentified, 600)
{
	char why[300];
	size_t want = STORM;
	int rc;

	rc = start(self, NULL, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	ASSERT_EQ(0, kill(self->s.dpid, SIGSTOP));
	storm(_metadata, self, STORM);
	ASSERT_EQ(0, kill(self->s.dpid, SIGCONT));
	ASSERT_TRUE(wait_log(self, storm_done, &want))
		TH_LOG("%zu records, %llu lost, %llu unidentified", n_connector(self, "/fx/tiny"),
		       notices(self, "lost"), notices(self, "unidentified"));
	EXPECT_LE(STORM, n_connector(self, "/fx/tiny") + notices(self, "unidentified"));
	TH_LOG("stopped: %zu recorded, %llu lost, %llu unidentified",
	       n_connector(self, "/fx/tiny"), notices(self, "lost"),
	       notices(self, "unidentified"));
}

/* Stopped with a buffer of 4 KiB: the kernel drops the events that do
 * not fit, and the gaps in its numbering count them. */
TEST_F_TIMEOUT(ctr, a_storm_while_the_collector_is_stopped_is_counted, 600)
{
	static const char *const small[] = { "--proc-events-rcvbuf", "4096", NULL };
	char why[300];
	size_t want = STORM;
	int rc;

	rc = start(self, small, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	ASSERT_EQ(0, kill(self->s.dpid, SIGSTOP));
	storm(_metadata, self, STORM);
	ASSERT_EQ(0, kill(self->s.dpid, SIGCONT));
	ASSERT_TRUE(wait_log(self, storm_done, &want))
		TH_LOG("%zu records, %llu lost, %llu unidentified", n_connector(self, "/fx/tiny"),
		       notices(self, "lost"), notices(self, "unidentified"));
	/* A 4 KiB buffer holds a few events of the hundreds: the rest were
	 * dropped, and the gaps in the kernel's numbering count them. */
	EXPECT_LT(0, notices(self, "lost"));
	TH_LOG("stopped: %zu recorded, %llu lost, %llu unidentified",
	       n_connector(self, "/fx/tiny"), notices(self, "lost"),
	       notices(self, "unidentified"));
}

/* A user's copy of a pinned file, with a valid trailer, in the pinned
 * dir and registered: its execs are not taken for ours. The genuine
 * file's are (the control). */
TEST_F_TIMEOUT(ctr, a_forged_pinned_file_is_not_recorded, 600)
{
	struct binfmt_entry ent[4];
	char line[BINFMT_REGISTER_MAX + 1], why[300];
	char *hello[] = { "/fx/hello", "argv0", NULL };
	unsigned char t[PINNED_TRAILER_SIZE];
	struct stat st;
	struct ctr c, forged;
	size_t one = 1;
	int fd, n, rc, ws, ifd;

	/* The copy: named after another arch, its trailer saying so. */
	ASSERT_EQ(0, tc_copy_in("", PINNED "/aarch64", PINNED "/s390x", 0755));
	fd = open(PINNED "/s390x", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_EQ(sizeof(t), pread(fd, t, sizeof(t), st.st_size - PINNED_TRAILER_SIZE));
	memset(t + 96, 0, PINNED_ARCH_MAX);
	memcpy(t + 96, "s390x", 5);
	ASSERT_EQ(sizeof(t), pwrite(fd, t, sizeof(t), st.st_size - PINNED_TRAILER_SIZE));
	close(fd);
	ASSERT_EQ(0, chown_user(self, PINNED "/s390x"));
	/* Registered last for aarch64 binaries: the kernel tries it first. */
	n = binfmt_entries_for_arch(arch_by_name("aarch64"), PINNED "/s390x", "PF", ent, 4);
	ASSERT_LT(0, n);
	snprintf(ent[0].name, sizeof(ent[0].name), "forged");
	ASSERT_LE(0, binfmt_format_register(&ent[0], line, sizeof(line)));
	ASSERT_EQ(0, tl_register(line));
	rc = start(self, NULL, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	/* The forged run must still be there when the collector looks (a
	 * shim that refuses ends in a millisecond): its output starts full,
	 * so it waits in its diagnostic's write until the test reads. It has
	 * exec'd once it opens its own file (inotify), which is then its exe. */
	ifd = inotify_init1(IN_CLOEXEC);
	ASSERT_LE(0, ifd);
	ASSERT_LE(0, inotify_add_watch(ifd, PINNED "/s390x", IN_OPEN));
	ctr_full_output = true;
	ASSERT_EQ(0, ctr_start(self->cg, hello, &forged));
	ctr_full_output = false;
	for (;;) {
		struct pollfd pf = { .fd = ifd, .events = POLLIN };
		char ev[4096], path[64], text[64];
		struct stat exe;

		ASSERT_EQ(1, poll(&pf, 1, DEADLINE_S * 1000)) TH_LOG("the forged file was not run");
		ASSERT_LT(0, read(ifd, ev, sizeof(ev)));
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)forged.init,
			 (int)forged.init);
		if (tl_read_file(path, text, sizeof(text)) <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", atoi(text));
		if (stat(path, &exe) == 0 && exe.st_ino == st.st_ino)
			break;
	}
	close(ifd);
	/* The genuine one, while the forged run waits. */
	ASSERT_EQ(0, tl_binfmt_enable("forged", 0));
	ASSERT_EQ(0, ctr_start(self->cg, hello, &c));
	ws = ctr_wait(&c, self->out, sizeof(self->out));
	ASSERT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0) TH_LOG("0x%x %s", ws, self->out);
	ASSERT_TRUE(wait_log(self, n_connector_at_least, &one));
	/* The forged run's exec event was queued on the collector's socket
	 * before the genuine one's, and the socket's queue is in order: it
	 * has been handled, while the forged process was alive. */
	ws = ctr_wait(&forged, self->out, sizeof(self->out));
	/* The shim refuses it too (126): in this user namespace the file's
	 * owner is unmapped, as host root would be, so it goes by the arch
	 * in the trailer, which is not the binary's. The collector sees the
	 * real owner. */
	EXPECT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 126) TH_LOG("0x%x %s", ws,
								    self->out + strspn(self->out, "."));
	reread(self);
	EXPECT_EQ(1, n_connector(self, NULL)) TH_LOG("a forged pinned file's exec was recorded");
	{
		size_t i;

		for (i = 0; i < self->n; i++)
			if (from_connector(self->r[i]))
				EXPECT_STREQ(PINNED "/aarch64", se_str(self->r[i], "interpreter"));
	}
}

TEST_HARNESS_MAIN
