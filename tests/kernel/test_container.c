// SPDX-License-Identifier: GPL-2.0
/*
 * The mapped hand-off from a pinned file, and a container, on an older
 * kernel than the host's: inside the VM that scripts/vmtest boots
 * (Debian's 6.1). The VM is a throwaway machine, so `binfmt-shim register`
 * uses its one global binfmt_misc instance, as on a real host:
 *   - register pins qemu-aarch64-static with the shim
 *     (/var/lib/binfmt-shim/pinned/aarch64) and registers that file with F;
 *   - a static aarch64 program runs through it with the right output and
 *     exit status, the record says "handoff":"mapped", and the running
 *     emulator's process holds nothing of the shim's image (the parts of
 *     6.1 this needs: /proc/self/exe of an F entry is the pinned file,
 *     private file mappings at an offset, munmap of the shim's own image);
 *   - a container (new mount + pid namespace, chrooted into a root holding
 *     only busybox and the program, /proc mounted, no emulator, no
 *     binfmt-shim file) runs it the same way;
 *   - MAP_FIXED_NOREPLACE refuses a range in use (a non-PIE emulator's
 *     reservation needs it);
 *   - the collector (binfmt-shimd, started before the container) writes
 *     an exec record for that container exec, which no shim can send it.
 *     A collector that does not watch exec events SKIPs this case; how
 *     that is told is collector_watches_execs() below.
 *
 * Static, run as root by tests/kernel/init. Files it needs (scripts/vmtest
 * puts them where `make install` and Debian's packages would):
 *   /usr/local/bin/binfmt-shim             the CLI, linked statically
 *   /usr/local/libexec/binfmt-shim/shim    the shim (static musl)
 *   /usr/bin/qemu-aarch64-static           Debian's emulator
 *   /bin/binfmt-shimd                      the collector, linked statically
 *   /bin/busybox                           busybox-static
 *   /fixtures/c/aarch64-linux-gnu-static   tests/fixtures/hello.c, cross-built
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "klog.h"
#include "pinned.h"
#include "vmlib.h"

#define BINFMT_DIR	"/proc/sys/fs/binfmt_misc"
#define ENTRY		BINFMT_DIR "/binfmt-shim-aarch64"
#define CLI		"/usr/local/bin/binfmt-shim"
#define SHIM		"/usr/local/libexec/binfmt-shim/shim"
#define QEMU		"/usr/bin/qemu-aarch64-static"
#define SHIMD		"/bin/binfmt-shimd"
#define BUSYBOX		"/bin/busybox"
#define HELLO		"/fixtures/c/aarch64-linux-gnu-static"
#define PINNED		"/var/lib/binfmt-shim/pinned/aarch64"
#define SYSCONF		"/etc/binfmt-shim/shim.conf"
#define DIR_		"/tmp/pinned"
#define LOG		DIR_ "/exec.jsonl"
#define SOCK		DIR_ "/shimd.sock"
#define COLLECTED	DIR_ "/collector.jsonl"
#define ROOT		DIR_ "/ctr"
/* The program's path inside the container. */
#define CTR_HELLO	"/fx/hello-aarch64"
/* The system config: records to a file of the test's, no collector (the
 * collector's case gets its records from the kernel, not from a shim). */
#define CONF		"[log]\npath = " LOG "\nsocket = none\n"
/* include/uapi/linux/netlink.h, include/uapi/linux/connector.h */
#define NETLINK_CONNECTOR_	11
#define CN_IDX_PROC_		1
/* The hang guard of every wait below; the waits end on events. */
#define DEADLINE_MS	60000
/* The harness's own guard (its default is 30 s): above DEADLINE_MS, so a
 * wait that ends by its deadline still reports what it saw. A foreign
 * exec under qemu-user under TCG takes about a second. */
#define TEST_S		180

FIXTURE(pinned) {
	pid_t shimd;
	int shimd_err;
	int registered;
	char out[8192], err[8192];
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read fd to EOF into buf (NUL-terminated), then close it. */
static void drain(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
}

/* A started command: its stdin's write end, stdout and stderr read ends,
 * and where its wait status comes from. */
struct cmd {
	pid_t pid;		/* the process the caller waits for */
	int in, out, err;
	int status_fd;		/* container: the raw status, from its PID 1 */
	pid_t init;		/* container: its PID 1, as the host sees it */
};

static int pipes(int o[2], int e[2], int i[2])
{
	return pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC) || pipe2(i, O_CLOEXEC) ? -errno : 0;
}

static void std_fds(int i, int o, int e)
{
	dup2(i, 0);
	dup2(o, 1);
	dup2(e, 2);
}

/* argv on the host, stdio on pipes. */
static int host_start(char *const argv[], struct cmd *c)
{
	int o[2], e[2], i[2];

	memset(c, 0, sizeof(*c));
	c->status_fd = -1;
	if (pipes(o, e, i))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		std_fds(i[0], o[1], e[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(i[0]);
	close(o[1]);
	close(e[1]);
	c->in = i[1];
	c->out = o[0];
	c->err = e[0];
	return 0;
}

/*
 * argv in a container of ROOT: a new mount + PID namespace, a PID 1 that
 * mounts /proc there, chroots and waits for the command (PID 2: PID 1
 * ignores its own default-action signals), then passes its raw wait
 * status up a pipe. c->init is that PID 1 as the host sees it.
 */
static int ctr_start(char *const argv[], struct cmd *c)
{
	int o[2], e[2], i[2], s[2], p[2];

	memset(c, 0, sizeof(*c));
	if (pipes(o, e, i) || pipe2(s, O_CLOEXEC) || pipe2(p, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		pid_t init, cmd;
		int st = 0, raw;

		close(i[1]);
		close(o[0]);
		close(e[0]);
		close(s[0]);
		close(p[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0)
			_exit(120);
		init = fork();
		if (init < 0)
			_exit(121);
		if (init) {
			(void)!write(p[1], &init, sizeof(init));
			close(p[1]);
			waitpid(init, &st, 0);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 122);
		}
		close(p[1]);
		/* The initramfs's root is private already; a real host's
		 * shared root would otherwise get the /proc mount below. */
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
		if (mount("proc", ROOT "/proc", "proc", MS_NOSUID | MS_NODEV, NULL) < 0 ||
		    chroot(ROOT) < 0 || chdir("/") < 0)
			_exit(123);
		cmd = fork();
		if (cmd == 0) {
			std_fds(i[0], o[1], e[1]);
			execv(argv[0], argv);
			_exit(127);
		}
		close(i[0]);
		close(o[1]);
		close(e[1]);
		if (cmd < 0 || waitpid(cmd, &raw, 0) != cmd)
			_exit(124);
		(void)!write(s[1], &raw, sizeof(raw));
		_exit(0);
	}
	close(i[0]);
	close(o[1]);
	close(e[1]);
	close(s[1]);
	close(p[1]);
	c->in = i[1];
	c->out = o[0];
	c->err = e[0];
	c->status_fd = s[0];
	if (read(p[0], &c->init, sizeof(c->init)) != (ssize_t)sizeof(c->init))
		c->init = -1;
	close(p[0]);
	return 0;
}

/* Close stdin (after in, if any), collect stdout and stderr, and return
 * the command's raw wait status, or -errno. */
static int cmd_finish(struct cmd *c, const char *in, char *out, size_t olen, char *err,
		      size_t elen)
{
	int st = -1, raw;

	if (in)
		(void)!write(c->in, in, strlen(in));
	close(c->in);
	drain(c->out, out, olen);
	drain(c->err, err, elen);
	if (c->status_fd < 0)
		return waitpid(c->pid, &st, 0) == c->pid ? st : -ECHILD;
	if (read(c->status_fd, &raw, sizeof(raw)) != (ssize_t)sizeof(raw))
		raw = -ECHILD;
	close(c->status_fd);
	waitpid(c->pid, &st, 0);
	return raw;
}

#define HOST_RUN(self, in, ...) ({						\
	char *const _argv[] = { __VA_ARGS__, NULL };				\
	struct cmd _c;								\
	host_start(_argv, &_c) ? -1 : cmd_finish(&_c, in, (self)->out,		\
		sizeof((self)->out), (self)->err, sizeof((self)->err));	\
})
#define CTR_RUN(self, in, ...) ({						\
	char *const _argv[] = { __VA_ARGS__, NULL };				\
	struct cmd _c;								\
	ctr_start(_argv, &_c) ? -1 : cmd_finish(&_c, in, (self)->out,		\
		sizeof((self)->out), (self)->err, sizeof((self)->err));	\
})

static int copy_file(const char *src, const char *dst, int mode)
{
	static char buf[1 << 16];
	int in = open(src, O_RDONLY | O_CLOEXEC), out, ret = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	close(in);
	close(out);
	return ret;
}

/* Lines of path holding every needle (NULL-terminated); the last such
 * line into last (when given). */
static int count_lines(const char *path, const char *const *needles, char *last, size_t llen)
{
	static char text[1 << 17];
	char *line, *save = NULL;
	int n = 0, k, ok;

	if (kl_read_file(path, text, sizeof(text)) <= 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		for (ok = 1, k = 0; needles[k] && ok; k++)
			ok = strstr(line, needles[k]) != NULL;
		if (ok && last)
			snprintf(last, llen, "%s", line);
		n += ok;
	}
	return n;
}

static void dump(struct __test_metadata *_metadata, const char *path)
{
	static char text[8192];

	TH_LOG("%s: %s", path, kl_read_file(path, text, sizeof(text)) >= 0 ? text :
	       "(cannot read)");
}

/* Wait until path has a line holding every needle: inotify on the file,
 * DEADLINE_MS only against a hang. 1 when it came. */
static int wait_lines(const char *path, const char *const *needles, int n, char *last,
		      size_t llen);

static int wait_line(const char *path, const char *const *needles, char *last, size_t llen)
{
	return wait_lines(path, needles, 1, last, llen);
}

/* The same for n such lines (the last of them into last). */
static int wait_lines(const char *path, const char *const *needles, int n, char *last,
		      size_t llen)
{
	char ev[4096];
	long end = now_ms() + DEADLINE_MS;
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), found = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0 || inotify_add_watch(fd, path, IN_MODIFY | IN_CLOSE_WRITE) < 0) {
		if (fd >= 0)
			close(fd);
		return count_lines(path, needles, last, llen) >= n;
	}
	/* Checked after the watch is set: a line written before it counts. */
	while (!(found = count_lines(path, needles, last, llen) >= n) && now_ms() < end) {
		if (poll(&p, 1, (int)(end - now_ms())) > 0)
			while (read(fd, ev, sizeof(ev)) > 0)
				;
	}
	close(fd);
	return found;
}

/*
 * Whether this build of the collector watches exec events (the kernel's
 * process-event connector, PROC_EVENT_EXEC), told at run time two ways,
 * either is enough:
 *   1. `binfmt-shimd --help` mentions it: "PROC_EVENT", "exec event" or
 *      "process-event connector" (any case);
 *   2. the running collector (pid) holds a NETLINK_CONNECTOR socket bound
 *      to the CN_IDX_PROC group: one of its /proc/<pid>/fd links is
 *      socket:[ino] and /proc/<pid>/net/netlink has that inode with
 *      Eth 11 and group bit 1 (what subscribing to the connector makes).
 * why gets which one said so.
 */
static int collector_watches_execs(pid_t pid, char *why, size_t wlen)
{
	static const char *const words[] = {
		"proc_event", "exec event", "process-event connector",
		"process event connector",
	};
	static char help[8192], nl[16384];
	char *const argv[] = { SHIMD, "--help", NULL };
	char path[64], link[64], err[256], *line, *save = NULL;
	unsigned long long inos[64];
	int n = 0, k;
	struct dirent *d;
	struct cmd c;
	size_t w;
	DIR *dir;

	if (!host_start(argv, &c)) {
		cmd_finish(&c, NULL, help, sizeof(help), err, sizeof(err));
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (strcasestr(help, words[w])) {
				snprintf(why, wlen, "binfmt-shimd --help mentions \"%s\"",
					 words[w]);
				return 1;
			}
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	while (dir && (d = readdir(dir)) && n < 64) {
		char fd[PATH_MAX];
		ssize_t len;

		snprintf(fd, sizeof(fd), "%s/%s", path, d->d_name);
		len = readlink(fd, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%llu]", &inos[n]) == 1)
			n++;
	}
	if (dir)
		closedir(dir);
	snprintf(path, sizeof(path), "/proc/%d/net/netlink", (int)pid);
	if (kl_read_file(path, nl, sizeof(nl)) <= 0)
		return 0;
	/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
	 * (net/netlink/af_netlink.c, netlink_seq_show) */
	for (line = strtok_r(nl, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long ino;
		unsigned eth, groups;
		char sk[32];
		int npid;

		if (sscanf(line, "%31s %u %d %x %*s %*s %*s %*s %*s %llu", sk, &eth, &npid,
			   &groups, &ino) != 5 || eth != NETLINK_CONNECTOR_ ||
		    !(groups & CN_IDX_PROC_))
			continue;
		for (k = 0; k < n; k++)
			if (inos[k] == ino) {
				snprintf(why, wlen, "binfmt-shimd holds a process-event "
					 "connector socket (socket:[%llu])", ino);
				return 1;
			}
	}
	return 0;
}

FIXTURE_SETUP(pinned)
{
	static const char *const dirs[] = { ROOT, ROOT "/bin", ROOT "/fx", ROOT "/proc" };
	char *const reg[] = { CLI, "register", "aarch64", NULL };
	struct cmd c;
	size_t k;
	int st;

	self->shimd = 0;
	self->shimd_err = -1;
	self->registered = 0;
	if (access(BINFMT_DIR "/register", W_OK))
		SKIP(return, "no binfmt_misc at " BINFMT_DIR);
	if (access(CLI, X_OK) || access(SHIM, X_OK) || access(SHIMD, X_OK))
		SKIP(return, "no %s, %s or %s (scripts/vmtest builds them)", CLI, SHIM, SHIMD);
	if (access(QEMU, X_OK))
		SKIP(return, "no %s (package qemu-user-static on the host)", QEMU);
	if (access(HELLO, R_OK))
		SKIP(return, "no %s (scripts/fixtures)", HELLO);
	ASSERT_EQ(0, chmod(HELLO, 0755));
	/* A fresh state: this test's files, its system config. */
	ASSERT_EQ(0, system("rm -rf " DIR_ " /var/lib/binfmt-shim"));
	mkdir("/etc", 0755);
	mkdir("/etc/binfmt-shim", 0755);
	ASSERT_EQ(0, put_file(SYSCONF, CONF, sizeof(CONF) - 1, 0644));
	ASSERT_EQ(0, mkdir(DIR_, 0755));
	for (k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		ASSERT_EQ(0, mkdir(dirs[k], 0755)) TH_LOG("%s", dirs[k]);
	ASSERT_EQ(0, copy_file(BUSYBOX, ROOT "/bin/busybox", 0755));
	ASSERT_EQ(0, symlink("busybox", ROOT "/bin/sh"));
	ASSERT_EQ(0, copy_file(HELLO, ROOT CTR_HELLO, 0755));
	/* The VM's global binfmt_misc: a throwaway machine. */
	ASSERT_EQ(0, host_start(reg, &c));
	st = cmd_finish(&c, NULL, self->out, sizeof(self->out), self->err, sizeof(self->err));
	self->registered = 1;
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("register: 0x%x\n%s%s", st, self->out, self->err);
}

FIXTURE_TEARDOWN(pinned)
{
	char *const unreg[] = { CLI, "unregister", "aarch64", NULL };
	struct cmd c;

	if (self->shimd > 0) {
		kill(self->shimd, SIGKILL);
		waitpid(self->shimd, NULL, 0);
	}
	if (self->shimd_err >= 0)
		close(self->shimd_err);
	if (self->registered && !host_start(unreg, &c))
		cmd_finish(&c, NULL, self->out, sizeof(self->out), self->err, sizeof(self->err));
	unlink(SYSCONF);
}

/* What register made: the pinned file (the shim, then the emulator at
 * its offset, the trailer naming both) and an F entry for it. */
TEST_F(pinned, register_pins_the_emulator_with_the_shim)
{
	static char entry[4096];
	unsigned char t[PINNED_TRAILER_SIZE];
	struct pinned_info pi;
	struct stat ps, ss, qs;
	char *flags;
	int fd;

	ASSERT_EQ(0, stat(PINNED, &ps)) TH_LOG("register said: %s%s", self->out, self->err);
	ASSERT_EQ(0, stat(SHIM, &ss));
	ASSERT_EQ(0, stat(QEMU, &qs));
	EXPECT_EQ(0u, ps.st_uid);
	EXPECT_EQ(0755u, ps.st_mode & 07777);
	fd = open(PINNED, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(t), pread(fd, t, sizeof(t), ps.st_size - (off_t)sizeof(t)));
	close(fd);
	ASSERT_EQ(0, pinned_parse(t, sizeof(t), (uint64_t)ps.st_size, &pi));
	EXPECT_STREQ("aarch64", pi.arch);
	EXPECT_STREQ(QEMU, pi.emu_path);
	EXPECT_EQ((uint64_t)ss.st_size, pi.shim_size);
	EXPECT_EQ((uint64_t)qs.st_size, pi.emu_size);
	ASSERT_LT(0, kl_read_file(ENTRY, entry, sizeof(entry)));
	EXPECT_NE(NULL, strstr(entry, "enabled\n")) TH_LOG("%s", entry);
	EXPECT_NE(NULL, strstr(entry, "interpreter " PINNED "\n")) TH_LOG("%s", entry);
	flags = strstr(entry, "flags: ");
	ASSERT_NE(NULL, flags) TH_LOG("%s", entry);
	EXPECT_NE(NULL, memchr(flags, 'F', strcspn(flags, "\n"))) TH_LOG("%s", entry);
}

/* On the host: the mapped hand-off, right output and status, the record
 * says so, and the shim's image is gone from the running emulator. */
TEST_F_TIMEOUT(pinned, the_mapped_hand_off_runs_the_program, TEST_S)
{
	static const char *const mapped[] = {
		"\"event\":\"exec\"", "\"handoff\":\"mapped\"", "\"emulator_from\":\"pinned\"",
		HELLO, NULL,
	};
	static const char *const any_exec[] = { "\"event\":\"exec\"", NULL };
	static char maps[1 << 16];
	char *const cat[] = { HELLO, "cat", NULL };
	char path[64], exe[PATH_MAX], *line, *save = NULL, last[4096] = "";
	unsigned char t[PINNED_TRAILER_SIZE];
	unsigned long long lo, hi, off;
	struct pinned_info pi;
	struct stat ps;
	struct cmd c;
	int st, fd, n, of_pinned = 0;
	ssize_t len;

	/* Which AT_RANDOM the shim gave the emulator: its own getrandom
	 * bytes, or (no entropy yet this early in a VM's life) the
	 * kernel's, changed (shim/mapped.c). Either works; the log says. */
	TH_LOG("getrandom(GRND_NONBLOCK) %s",
	       getrandom(t, 16, GRND_NONBLOCK) == 16 ? "has entropy" : strerror(errno));
	st = HOST_RUN(self, NULL, HELLO, "argv", "a b", "", "c");
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		TH_LOG("0x%x: %s", st, self->err);
		dump(_metadata, LOG);
	}
	EXPECT_STREQ("argv[0]=" HELLO "\nargv[1]=argv\nargv[2]=a b\nargv[3]=\nargv[4]=c\n",
		     self->out);
	EXPECT_STREQ("", self->err);
	st = HOST_RUN(self, NULL, HELLO, "exit", "7");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7) TH_LOG("0x%x %s", st, self->err);
	st = HOST_RUN(self, NULL, HELLO, "signal", "15");
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) TH_LOG("0x%x %s", st, self->err);
	/* Every one of the three runs was mapped from the pinned file. */
	n = count_lines(LOG, mapped, last, sizeof(last));
	EXPECT_EQ(3, n) {
		TH_LOG("%d exec records of %d say mapped", n, count_lines(LOG, any_exec, NULL, 0));
		dump(_metadata, LOG);
	}
	EXPECT_EQ(NULL, strstr(last, "handoff_why")) TH_LOG("%s", last);

	/* A running one (cat waits on stdin): /proc/<pid>/exe is the pinned
	 * file, and every mapping of it is the emulator's part (the shim's
	 * image, mapped from offset 0 by the kernel, was unmapped). */
	ASSERT_EQ(0, stat(PINNED, &ps));
	fd = open(PINNED, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(t), pread(fd, t, sizeof(t), ps.st_size - (off_t)sizeof(t)));
	close(fd);
	ASSERT_EQ(0, pinned_parse(t, sizeof(t), (uint64_t)ps.st_size, &pi));
	ASSERT_EQ(0, host_start(cat, &c));
	/* Its first output line says the emulator is running the guest. */
	ASSERT_EQ(6, write(c.in, "ready\n", 6));
	{
		struct pollfd p = { .fd = c.out, .events = POLLIN };
		char b[8] = "";

		ASSERT_EQ(1, poll(&p, 1, DEADLINE_MS)) TH_LOG("no echo from cat");
		ASSERT_EQ(6, read(c.out, b, 6));
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)c.pid);
	len = readlink(path, exe, sizeof(exe) - 1);
	ASSERT_LT(0, len);
	exe[len] = '\0';
	EXPECT_STREQ(PINNED, exe);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)c.pid);
	ASSERT_LT(0, kl_read_file(path, maps, sizeof(maps)));
	for (line = strtok_r(maps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, PINNED))
			continue;
		ASSERT_EQ(3, sscanf(line, "%llx-%llx %*s %llx", &lo, &hi, &off)) TH_LOG("%s", line);
		of_pinned++;
		EXPECT_LE(pi.emu_offset, off) TH_LOG("the shim's image is still mapped: %s", line);
	}
	EXPECT_LT(0, of_pinned) TH_LOG("no mapping of " PINNED);
	st = cmd_finish(&c, NULL, self->out, sizeof(self->out), self->err, sizeof(self->err));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
}

/* In a container with no emulator and no binfmt-shim file, /proc mounted. */
TEST_F_TIMEOUT(pinned, a_container_runs_the_program_through_the_pinned_shim, TEST_S)
{
	int st;

	ASSERT_NE(0, access(ROOT "/usr/bin/qemu-aarch64-static", F_OK));
	st = CTR_RUN(self, NULL, CTR_HELLO, "argv", "x", "y z");
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x: %s", st, self->err);
	EXPECT_STREQ("argv[0]=" CTR_HELLO "\nargv[1]=argv\nargv[2]=x\nargv[3]=y z\n", self->out);
	EXPECT_STREQ("", self->err);
	st = CTR_RUN(self, NULL, CTR_HELLO, "exit", "5");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 5) TH_LOG("0x%x %s", st, self->err);
	st = CTR_RUN(self, NULL, CTR_HELLO, "pid");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	EXPECT_STREQ("2\n", self->out);		/* PID 2 of the container */
	/* Seen from the host while it runs (cat, echoing): /proc/<pid>/exe
	 * is the pinned file by its host path, which is how a watcher on the
	 * host tells that a container's process is ours. */
	{
		char *const cat[] = { CTR_HELLO, "cat", NULL };
		char path[96], kids[256], exe[PATH_MAX], b[8] = "";
		struct pollfd p;
		struct cmd c;
		ssize_t len;
		int pid = 0;

		ASSERT_EQ(0, ctr_start(cat, &c));
		ASSERT_LT(0, c.init);
		ASSERT_EQ(6, write(c.in, "ready\n", 6));
		p.fd = c.out;
		p.events = POLLIN;
		ASSERT_EQ(1, poll(&p, 1, DEADLINE_MS)) TH_LOG("no echo from cat");
		ASSERT_EQ(6, read(c.out, b, 6));
		/* The container's PID 1 has one child: the program. */
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)c.init,
			 (int)c.init);
		ASSERT_LT(0, kl_read_file(path, kids, sizeof(kids)));
		ASSERT_EQ(1, sscanf(kids, "%d", &pid)) TH_LOG("%s: %s", path, kids);
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		len = readlink(path, exe, sizeof(exe) - 1);
		ASSERT_LT(0, len);
		exe[len] = '\0';
		EXPECT_STREQ(PINNED, exe);
		/* The rest of stdin, then EOF: the guest's own exit. */
		st = cmd_finish(&c, "one\ntwo\n", self->out, sizeof(self->out), self->err,
				sizeof(self->err));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
		EXPECT_STREQ("one\ntwo\n", self->out);
	}
	/* A busybox shell of the container starting it. */
	st = CTR_RUN(self, NULL, "/bin/sh", "-c", CTR_HELLO " arch; echo status $?");
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	EXPECT_STREQ("aarch64\nstatus 0\n", self->out);
	/* No record in the container's files. */
	EXPECT_NE(0, access(ROOT "/var", F_OK));
	EXPECT_NE(0, access(ROOT DIR_, F_OK));
}

/* Start the collector; 0 once it says it is listening (its last word
 * before its loop), with its pid in self->shimd. */
static int start_collector(struct __test_metadata *_metadata, FIXTURE_DATA(pinned) *self)
{
	char buf[4096];
	size_t got = 0;
	long end = now_ms() + DEADLINE_MS;
	int e[2];
	ssize_t n;

	if (pipe2(e, O_CLOEXEC))
		return -errno;
	self->shimd = fork();
	if (self->shimd < 0)
		return -errno;
	if (self->shimd == 0) {
		dup2(e[1], 2);
		execl(SHIMD, SHIMD, "-f", "--socket", SOCK, "--log", COLLECTED, (char *)NULL);
		_exit(127);
	}
	close(e[1]);
	self->shimd_err = e[0];
	while (got + 1 < sizeof(buf) && now_ms() < end) {
		struct pollfd p = { .fd = e[0], .events = POLLIN };

		if (poll(&p, 1, (int)(end - now_ms())) <= 0)
			break;
		n = read(e[0], buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "binfmt-shimd: listening on"))
			return 0;
	}
	buf[got] = '\0';
	TH_LOG("binfmt-shimd did not start: %s", buf);
	return -EIO;
}

/*
 * The collector's watch of container execs: started before the container,
 * it writes an exec record for the program the container ran, with the
 * path the container sees and the container's pid namespace. The program
 * (cat) keeps running until the record is there, so the watch is tested,
 * not its race with a quick exit. Its exit record has its exit status
 * (and a second run's, killed by SIGTERM, its signal): a kernel before
 * 6.15 has no PIDFD_INFO_EXIT, the status comes from the connector's
 * PROC_EVENT_EXIT (shimd/exitwatch.c).
 */
/* The text after "key": in a JSON line, a string's without its quotes
 * (into buf), "" when the key is not there. */
static const char *field(const char *line, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p;
	size_t k = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	buf[0] = '\0';
	if (!p)
		return buf;
	p += strlen(pat);
	if (*p == '"')
		p++;
	while (*p && *p != '"' && *p != ',' && *p != '}' && k + 1 < len)
		buf[k++] = *p++;
	buf[k] = '\0';
	return buf;
}

/* Wait for the exit record of the run id into line; 1 when it came. */
static int wait_exit_of(const char *id, char *line, size_t len)
{
	char want[96];
	const char *needles[] = { "\"event\":\"exit\"", want, NULL };

	snprintf(want, sizeof(want), "\"id\":\"%s\"", id);
	return wait_line(COLLECTED, needles, line, len);
}

TEST_F_TIMEOUT(pinned, the_collector_records_a_container_exec, TEST_S)
{
	char pidns_needle[48];
	const char *needles[] = { "\"event\":\"exec\"", CTR_HELLO, pidns_needle, NULL };
	char *const cat[] = { CTR_HELLO, "cat", NULL };
	char why[256], line[4096] = "", ns[64], ino[32], id[64], v[64];
	struct stat st_ns;
	struct cmd c;
	int st, got;
	pid_t host;

	ASSERT_EQ(0, start_collector(_metadata, self));
	if (!collector_watches_execs(self->shimd, why, sizeof(why)))
		SKIP(return, "the collector does not watch exec events in this build");
	TH_LOG("the collector watches exec events: %s", why);
	ASSERT_EQ(0, ctr_start(cat, &c));
	ASSERT_LT(0, c.init);
	snprintf(ns, sizeof(ns), "/proc/%d/ns/pid", (int)c.init);
	ASSERT_EQ(0, stat(ns, &st_ns));
	snprintf(pidns_needle, sizeof(pidns_needle), "\"pid_ns\":%llu",
		 (unsigned long long)st_ns.st_ino);
	got = wait_line(COLLECTED, needles, line, sizeof(line));
	st = cmd_finish(&c, "through\n", self->out, sizeof(self->out), self->err,
			sizeof(self->err));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("0x%x %s", st, self->err);
	EXPECT_STREQ("through\n", self->out);
	ASSERT_TRUE(got) {
		TH_LOG("no exec record of " CTR_HELLO " in %d s", DEADLINE_MS / 1000);
		dump(_metadata, COLLECTED);
	}
	/* Which container: its pid namespace's inode, in whatever field. */
	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)st_ns.st_ino);
	EXPECT_NE(NULL, strstr(line, ino)) TH_LOG("pid namespace %s not in %s", ino, line);
	/* How it ended: exit code 0, known. */
	field(line, "id", id, sizeof(id));
	ASSERT_NE(0, id[0]) TH_LOG("no id in %s", line);
	ASSERT_TRUE(wait_exit_of(id, line, sizeof(line))) {
		TH_LOG("no exit record of %s", id);
		dump(_metadata, COLLECTED);
	}
	TH_LOG("%s", line);
	EXPECT_STREQ("known", field(line, "status", v, sizeof(v)));
	EXPECT_STREQ("0", field(line, "exit_code", v, sizeof(v)));
	EXPECT_STREQ("null", field(line, "signal", v, sizeof(v)));
	/* A second run, killed by SIGTERM while it waits in cat. */
	ASSERT_EQ(0, ctr_start(cat, &c));
	ASSERT_LT(0, c.init);
	/* The second exec record of CTR_HELLO (a namespace's inode number is
	 * reused once the namespace is gone: not a way to tell the two). */
	needles[2] = NULL;
	got = wait_lines(COLLECTED, needles, 2, line, sizeof(line));
	host = got ? (pid_t)atoi(field(line, "pid", v, sizeof(v))) : 0;
	EXPECT_LT(0, host) TH_LOG("%s", line);
	if (host > 0)
		EXPECT_EQ(0, kill(host, SIGTERM));
	st = cmd_finish(&c, host > 0 ? NULL : "\n", self->out, sizeof(self->out), self->err,
			sizeof(self->err));
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) TH_LOG("0x%x %s", st, self->err);
	ASSERT_TRUE(got) {
		TH_LOG("no exec record of the second run in %d s", DEADLINE_MS / 1000);
		dump(_metadata, COLLECTED);
	}
	field(line, "id", id, sizeof(id));
	ASSERT_TRUE(wait_exit_of(id, line, sizeof(line))) {
		TH_LOG("no exit record of %s", id);
		dump(_metadata, COLLECTED);
	}
	TH_LOG("%s", line);
	EXPECT_STREQ("known", field(line, "status", v, sizeof(v)));
	EXPECT_STREQ("null", field(line, "exit_code", v, sizeof(v)));
	EXPECT_STREQ("15", field(line, "signal", v, sizeof(v)));
}

/*
 * What the mapped hand-off asks of the kernel beyond plain mmap: an
 * emulator that is not a PIE is reserved at its link address with
 * MAP_FIXED_NOREPLACE (shim/mapped.c, map_image), which must refuse a
 * range in use (EEXIST) rather than take the address as a hint, as
 * kernels before 4.17 did. Debian's qemu-*-static are PIEs, so the cases
 * above do not reach that branch.
 */
TEST(map_fixed_noreplace_refuses_a_range_in_use)
{
	long page = sysconf(_SC_PAGESIZE);
	void *a = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *b;

	ASSERT_NE(MAP_FAILED, a);
	b = mmap(a, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	EXPECT_EQ(MAP_FAILED, b) TH_LOG("mapped at %p over %p", b, a);
	EXPECT_EQ(EEXIST, errno);
	if (b != MAP_FAILED && b != a)
		munmap(b, (size_t)page);
	munmap(a, (size_t)page);
}

TEST_HARNESS_MAIN
