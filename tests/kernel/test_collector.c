// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shimd on an older kernel, for real: inside the VM that
 * scripts/vmtest boots (Debian's 6.1), which has multishot accept and
 * recvmsg, provided buffer rings and pidfds, but no PIDFD_GET_INFO
 * (Linux 6.15). The collector must start there (seccomp, the restricted
 * ring), take the shim's records, and write each run's exit record with
 * its end time and its exit status from the kernel's process events
 * (PROC_EVENT_EXIT, shimd/exitwatch.c); with the connector off,
 * "status":"unknown", the exit status left null (docs/log-format.md).
 *
 * Static, run as root by tests/kernel/init. Files it needs:
 *   /bin/binfmt-shimd            the collector, linked statically
 *   /bin/shim                    the shim (static musl)
 *   /bin/qemu-aarch64-static     Debian's emulator
 *   /fixtures/c/aarch64-linux-gnu-static  a real cross-compiled program
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "klog.h"
#include "shimmsg.h"
#include "vmlib.h"

#define BINFMT_DIR	"/proc/sys/fs/binfmt_misc"
#define SHIMD		"/bin/binfmt-shimd"
#define SHIM		"/bin/shim"
#define QEMU		"/bin/qemu-aarch64-static"
#define HELLO		"/fixtures/c/aarch64-linux-gnu-static"
#define DIR_		"/tmp/collector"
#define SOCK		DIR_ "/shimd.sock"
#define OUT		DIR_ "/collector.jsonl"
#define ERR		DIR_ "/shimd.err"
#define CONF		DIR_ "/shim.conf"
#define OWN_LOG		DIR_ "/shim.jsonl"
#define RIG		"[users]\noverride = yes\n[log]\nsocket = none\n"
#define ENTRY		"bshim-collector-aarch64"

/* The shim's aarch64 entry (lib/arch_table.h: ELF64 LSB, e_machine 183). */
static const char reg[] = ":" ENTRY ":M::"
	"\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:"
	"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:"
	SHIM ":FP";

FIXTURE(collector) {
	pid_t dpid;
	int registered;
};

static int connectable(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = SOCK };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), ok;

	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* Lines of path holding every needle (NULL-terminated list). */
static int count_lines(const char *path, const char *const *needles)
{
	static char text[1 << 16];
	char *line, *save = NULL;
	int n = 0, k, ok;

	if (kl_read_file(path, text, sizeof(text)) <= 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		for (ok = 1, k = 0; needles[k] && ok; k++)
			ok = strstr(line, needles[k]) != NULL;
		n += ok;
	}
	return n;
}

/* A file into the test's log, when an expectation fails. */
static void dump(struct __test_metadata *_metadata, const char *path)
{
	static char text[8192];

	TH_LOG("%s: %s", path, kl_read_file(path, text, sizeof(text)) >= 0 ? text :
	       "(cannot read)");
}

FIXTURE_SETUP(collector)
{
	/* The emulator is in /bin here, not in a directory the shim searches. */
	static const char conf[] = "[log]\nsocket = " SOCK "\n"
				   "[arch.aarch64]\nemulator = " QEMU "\n";
	int i, fd;

	self->dpid = 0;
	self->registered = 0;
	if (access(BINFMT_DIR "/register", W_OK))
		SKIP(return, "no binfmt_misc at " BINFMT_DIR);
	if (access(SHIMD, X_OK) || access(SHIM, X_OK))
		SKIP(return, "no %s or %s (scripts/vmtest builds them)", SHIMD, SHIM);
	if (access(QEMU, X_OK))
		SKIP(return, "no %s (package qemu-user-static on the host)", QEMU);
	if (access(HELLO, R_OK))
		SKIP(return, "no %s (scripts/fixtures)", HELLO);
	chmod(HELLO, 0755);
	mkdir(DIR_, 0755);
	unlink(OUT);
	unlink(OWN_LOG);
	ASSERT_EQ(0, put_file(CONF, conf, sizeof(conf) - 1, 0644));
	/* The VM's own system config: the rig switch, so the settings above
	 * are the shim's (docs/binfmt-shim.conf.5, [users]). */
	mkdir("/etc", 0755);
	mkdir("/etc/binfmt-shim", 0755);
	ASSERT_EQ(0, put_file("/etc/binfmt-shim/shim.conf", RIG, sizeof(RIG) - 1, 0644));
	setenv("BINFMT_SHIM_CONFIG", CONF, 1);
	setenv("BINFMT_SHIM_LOG", OWN_LOG, 1);
	self->dpid = fork();
	ASSERT_LE(0, self->dpid);
	if (self->dpid == 0) {
		fd = open(ERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execl(SHIMD, SHIMD, "-f", "--socket", SOCK, "--log", OUT, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1000 && !connectable(); i++) {
		int st;

		if (waitpid(self->dpid, &st, WNOHANG) == self->dpid) {
			self->dpid = 0;
			dump(_metadata, ERR);
			ASSERT_TRUE(0) TH_LOG("binfmt-shimd exited with 0x%x", st);
		}
		usleep(10000);
	}
	ASSERT_TRUE(connectable()) TH_LOG("binfmt-shimd does not listen on " SOCK);
	ASSERT_EQ(0, kl_write_file(BINFMT_DIR "/register", reg, sizeof(reg) - 1));
	self->registered = 1;
}

FIXTURE_TEARDOWN(collector)
{
	if (self->registered)
		kl_write_file(BINFMT_DIR "/" ENTRY, "-1", 2);
	if (self->dpid > 0) {
		kill(self->dpid, SIGKILL);
		waitpid(self->dpid, NULL, 0);
	}
}

TEST_F(collector, exit_records_without_pidfd_get_info_have_the_connectors_status)
{
	static const char *const exec_rec[] = {
		"\"event\":\"exec\"", "\"source\":\"collector\"", "\"arch\":\"aarch64\"",
		"\"verified\":{", NULL,
	};
	static const char *const exit_unknown[] = {
		"\"event\":\"exit\"", "\"status\":\"unknown\"", "\"exit_code\":null",
		"\"signal\":null", "\"duration_ms\":", NULL,
	};
	static const char *const exit_3[] = {
		"\"event\":\"exit\"", "\"status\":\"known\"", "\"exit_code\":3,",
		"\"signal\":null", "\"duration_ms\":", NULL,
	};
	static const char *const exit_term[] = {
		"\"event\":\"exit\"", "\"status\":\"known\"", "\"exit_code\":null",
		"\"signal\":15,", "\"duration_ms\":", NULL,
	};
	static const char *const exit_any[] = { "\"event\":\"exit\"", NULL };
	static char err[8192];
	char *const argv_exit[] = { (char *)HELLO, "exit", "3", NULL };
	char *const argv_sig[] = { (char *)HELLO, "signal", "15", NULL };
	struct exec_res r;
	struct utsname u;
	int st, i;

	uname(&u);
	TH_LOG("kernel %s", u.release);
	r = run_argv(HELLO, argv_exit, "bshim-coll", 0);
	ASSERT_EQ(0, r.err);
	EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3) {
		TH_LOG("status 0x%x", r.status);
		dump(_metadata, OWN_LOG);
	}
	r = run_argv(HELLO, argv_sig, "bshim-coll", 0);
	ASSERT_EQ(0, r.err);
	EXPECT_TRUE(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM)
		TH_LOG("status 0x%x", r.status);
	/* Both exit records, then a clean stop. */
	for (i = 0; i < 500 && count_lines(OUT, exit_any) < 2; i++)
		usleep(20000);
	kill(self->dpid, SIGTERM);
	ASSERT_EQ(self->dpid, waitpid(self->dpid, &st, 0));
	self->dpid = 0;
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status 0x%x", st);
	EXPECT_EQ(2, count_lines(OUT, exec_rec)) {
		dump(_metadata, OUT);
		dump(_metadata, ERR);
		dump(_metadata, OWN_LOG);
	}
	/* The connector is there unless the kernel lacks it (the collector
	 * said why at start): then the statuses are unknown. */
	if (kl_read_file(ERR, err, sizeof(err)) > 0 && strstr(err, "process events: off")) {
		TH_LOG("no process events: %s", strstr(err, "process events: off"));
		EXPECT_EQ(2, count_lines(OUT, exit_unknown));
	} else {
		EXPECT_EQ(1, count_lines(OUT, exit_3)) dump(_metadata, OUT);
		EXPECT_EQ(1, count_lines(OUT, exit_term)) dump(_metadata, OUT);
	}
	EXPECT_EQ(2, count_lines(OUT, exit_any));
}

/* One message with the given fd as the pidfd; the one-byte answer, or -1.
 * A "fail" (a binary the shim could not open): the one event a shim sends
 * without the binary's fd. */
static int send_with_pidfd(int pidfd)
{
	static const char body[] = "{\"v\":1,\"event\":\"fail\",\"path\":\"/x\",\"arch\":\"aarch64\"}";
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = SOCK };
	char buf[SHIMMSG_HDR_SIZE + sizeof(body)], a = 0;
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct pollfd p;
	int fd;

	shimmsg_header(buf, SHIMMSG_F_PIDFD);
	memcpy(buf + SHIMMSG_HDR_SIZE, body, sizeof(body));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pidfd, sizeof(int));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    sendmsg(fd, &mh, 0) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 10000) != 1 || recv(fd, &a, 1, 0) != 1)
		a = -1;
	close(fd);
	return a;
}

/* Without PIDFD_GET_INFO the collector reads the pidfd's pid from
 * /proc/self/fdinfo: a pidfd of another process than the sender is
 * refused there too, one of the sender itself is taken. */
TEST_F(collector, a_pidfd_of_another_process_is_refused)
{
	static const char *const rejected[] = {
		"\"event\":\"rejected\"", "pidfd is not the sender's", NULL,
	};
	static const char *const taken[] = {
		"\"event\":\"fail\"", "\"source\":\"collector\"", "\"path\":\"/x\"",
		"\"file_verified\":false", NULL,
	};
	int other = (int)syscall(SYS_pidfd_open, 1, 0);
	int mine = (int)syscall(SYS_pidfd_open, getpid(), 0), st;

	ASSERT_LE(0, other);
	ASSERT_LE(0, mine);
	EXPECT_EQ(SHIMMSG_ACK_REJECT, send_with_pidfd(other));
	EXPECT_EQ(SHIMMSG_ACK_OK, send_with_pidfd(mine));
	close(other);
	close(mine);
	kill(self->dpid, SIGTERM);
	ASSERT_EQ(self->dpid, waitpid(self->dpid, &st, 0));
	self->dpid = 0;
	EXPECT_EQ(1, count_lines(OUT, rejected)) dump(_metadata, OUT);
	EXPECT_EQ(1, count_lines(OUT, taken)) dump(_metadata, OUT);
}

TEST_HARNESS_MAIN
