// SPDX-License-Identifier: GPL-2.0
/* The collector tests' helpers (shimdenv.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shimdenv.h"

double sd_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ELF64 LSB AArch64 ET_EXEC, one PT_LOAD at 0x400000, code at 0x78:
 * mov x0, #0; mov x8, #93 (exit); svc #0. */
int sd_write_tiny(const char *path)
{
	unsigned char b[0x78 + 12] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	static const uint32_t code[3] = { 0xd2800000, 0xd2800ba8, 0xd4000001 };
	uint64_t entry = 0x400078, vaddr = 0x400000, size = sizeof(b), align = 0x1000;
	uint64_t phoff = 64;
	uint32_t one = 1, flags = 5;
	uint16_t v16;
	int fd;

	v16 = 2; memcpy(b + 16, &v16, 2);		/* e_type ET_EXEC */
	v16 = 183; memcpy(b + 18, &v16, 2);		/* e_machine EM_AARCH64 */
	memcpy(b + 20, &one, 4);			/* e_version */
	memcpy(b + 24, &entry, 8);
	memcpy(b + 32, &phoff, 8);
	v16 = 64; memcpy(b + 52, &v16, 2);		/* e_ehsize */
	v16 = 56; memcpy(b + 54, &v16, 2);		/* e_phentsize */
	v16 = 1; memcpy(b + 56, &v16, 2);		/* e_phnum */
	memcpy(b + 64, &one, 4);			/* p_type PT_LOAD */
	memcpy(b + 68, &flags, 4);			/* PF_R | PF_X */
	memcpy(b + 80, &vaddr, 8);
	memcpy(b + 88, &vaddr, 8);
	memcpy(b + 96, &size, 8);
	memcpy(b + 104, &size, 8);
	memcpy(b + 112, &align, 8);
	memcpy(b + 0x78, code, sizeof(code));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return -errno;
	/* fsync: its page clean, so the collector's RWF_NOWAIT read of it
	 * never meets it locked for writeback (and then the 2 ms probe). */
	if (write(fd, b, sizeof(b)) != (ssize_t)sizeof(b) || fsync(fd) < 0) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* A process that waits for an argv on a pipe, renices and execs it. */
int sd_prelaunch(struct shimd_env *s, int k)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	s->launcher[k] = fork();
	if (s->launcher[k] < 0)
		return -errno;
	if (s->launcher[k] == 0) {
		static char buf[8192];
		char *argv[40], *q;
		ssize_t n, got = 0;
		uint32_t want = 0;
		int a = 0, fd;

		/* Length first: other children may hold the pipe's write end,
		 * so EOF cannot mark the end. */
		close(p[1]);
		if (read(p[0], &want, 4) != 4 || want >= sizeof(buf))
			_exit(0);
		while (got < (ssize_t)want &&
		       (n = read(p[0], buf + got, want - (size_t)got)) > 0)
			got += n;
		if (got != (ssize_t)want)
			_exit(0);
		buf[got] = '\0';
		for (q = buf; q < buf + got && a < 39; q += strlen(q) + 1)
			argv[a++] = q;
		argv[a] = NULL;
		/* argv[0] is the stderr file, the rest the command. */
		fd = open(argv[0], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		if (setpriority(PRIO_PROCESS, 0, -10) < 0)
			dprintf(2, "launcher: cannot renice: %s\n", strerror(errno));
		execv(argv[1], argv + 1);
		_exit(127);
	}
	close(p[0]);
	s->launch_fd[k] = p[1];
	return 0;
}

/* Start the daemon with extra arguments (NULL-terminated list). */
int sd_start_args(struct shimd_env *s, const char *const *extra)
{
	long from;
	char bin[512];
	char *argv[32];
	int n = 0, i, fd;

	tl_build("binfmt-shimd", bin, sizeof(bin));
	argv[n++] = bin;
	argv[n++] = "-f";
	argv[n++] = "--socket";
	argv[n++] = s->sock;
	argv[n++] = "--log";
	argv[n++] = s->out;
	for (i = 0; extra && extra[i] && n < 30; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	{
		struct stat est;

		from = stat(s->err, &est) == 0 ? (long)est.st_size : 0;
	}
	for (i = 0; i < 2 && !s->launcher[i]; i++)
		;
	if (i < 2) {
		/* Hand the command to a launcher: it becomes the daemon. */
		static char cmd[8192];
		uint32_t len = 0;
		int k;

		len += (uint32_t)snprintf(cmd + len, sizeof(cmd) - len, "%s", s->err) + 1;
		for (k = 0; k < n && len < sizeof(cmd) - 512; k++)
			len += (uint32_t)snprintf(cmd + len, sizeof(cmd) - len, "%s", argv[k]) + 1;
		(void)!write(s->launch_fd[i], &len, 4);
		(void)!write(s->launch_fd[i], cmd, len);
		close(s->launch_fd[i]);
		s->dpid = s->launcher[i];
		s->launcher[i] = 0;
	} else {
		s->dpid = fork();
	}
	if (s->dpid < 0)
		return -errno;
	if (s->dpid == 0) {
		struct rlimit rl = { s->nofile, s->nofile };

		fd = open(s->err, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		if (s->nofile && setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(126);
		execv(bin, argv);
		_exit(127);
	}
	/* Ready when its start-up line is in its stderr: the daemon prints it
	 * once everything is set up and it accepts. No probing connection,
	 * which would hold one of its fds for a moment. The file may hold
	 * the lines of earlier starts: only what comes after "from" counts.
	 * 6000 x 5 ms: a guard against a hang only, since a cold start on a
	 * busy machine may take seconds. */
	for (i = 0; i < 6000; i++) {
		static char text[65536];
		long got = tl_read_file(s->err, text, sizeof(text));

		if (got > from && strstr(text + from, "binfmt-shimd: listening on"))
			return 0;
		if (waitpid(s->dpid, &s->dstatus, WNOHANG) == s->dpid) {
			s->dpid = 0;
			return -ECHILD;
		}
		usleep(5000);
	}
	return -ETIMEDOUT;
}

int sd_start(struct shimd_env *s)
{
	return sd_start_args(s, NULL);
}

/* Signal the daemon and reap it: its wait status. */
int sd_stop(struct shimd_env *s, int sig)
{
	int st = -1;

	if (s->dpid <= 0)
		return -1;
	kill(s->dpid, sig);
	waitpid(s->dpid, &st, 0);
	s->dpid = 0;
	return st;
}

int sd_need_built(struct shimd_env *s, char *why, size_t whylen)
{
	char bin[512];

	tl_build("binfmt-shimd", bin, sizeof(bin));
	if (!tl_have(bin)) {
		snprintf(why, whylen, "%.200s is missing: run make", bin);
		return -ENOENT;
	}
	tl_fixture("c/aarch64-linux-gnu-static", s->hello, sizeof(s->hello));
	if (!tl_have(s->hello)) {
		snprintf(why, whylen, "%.200s missing: run make fixtures", s->hello);
		return -ENOENT;
	}
	return 0;
}

/* Setup: 0, 1 (SKIP, why says so) or -errno. boost: start the daemon
 * (twice at most) through launchers at nice -10, for the storms. */
int sd_setup_ex(struct shimd_env *s, int boost, char *why, size_t whylen)
{
	static const char *const arches[] = { "aarch64", "riscv64", NULL };
	char conf[1024];
	int rc, k;

	memset(s, 0, sizeof(*s));
	for (k = 0; boost && k < 2; k++)
		if ((rc = sd_prelaunch(s, k)) < 0)
			return rc;
	rc = se_setup(&s->e, "FP", arches, why, whylen);
	if (rc)
		return rc;
	if ((rc = sd_need_built(s, why, whylen)))
		return rc;
	snprintf(s->sock, sizeof(s->sock), "%.128s/shimd.sock", s->e.dir);
	snprintf(s->out, sizeof(s->out), "%.128s/collector.jsonl", s->e.dir);
	snprintf(s->err, sizeof(s->err), "%.128s/shimd.err", s->e.dir);
	snprintf(s->tiny, sizeof(s->tiny), "%.128s/tiny", s->e.dir);
	if ((rc = sd_write_tiny(s->tiny)) < 0) {
		snprintf(why, whylen, "writing %s: %s", s->tiny, strerror(-rc));
		return rc;
	}
	snprintf(conf, sizeof(conf), "[log]\nsocket = %s\n", s->sock);
	return se_config(&s->e, conf);
}

int sd_setup(struct shimd_env *s, char *why, size_t whylen)
{
	return sd_setup_ex(s, 0, why, whylen);
}

void sd_teardown(struct shimd_env *s)
{
	int k;

	if (s->dpid > 0)
		sd_stop(s, SIGKILL);
	for (k = 0; k < 2; k++)
		if (s->launcher[k] > 0) {
			close(s->launch_fd[k]);	/* it exits without a command */
			kill(s->launcher[k], SIGKILL);
			waitpid(s->launcher[k], NULL, 0);
		}
	se_teardown(&s->e);
}

/* Parse every line of path; returns the count (unparseable lines are NULL). */
size_t sd_read(const char *path, json_t **recs, size_t max)
{
	return se_read_jsonl(path, recs, max);
}

/*
 * Records shims wrote to their own log because the collector answered too
 * late (timing: make bench measures it) are allowed; any other fallback
 * means the collector refused or failed. Returns how many fell back for
 * another reason than lateness, and logs the late ones.
 */
size_t sd_fallbacks_not_late(const char *shim_log)
{
	static json_t *r[4096];
	size_t n = sd_read(shim_log, r, sizeof(r) / sizeof(r[0])), i, bad = 0;

	for (i = 0; i < n; i++)
		if (!r[i] || !strstr(se_str(r[i], "collector_error"), "no answer in time"))
			bad++;
	if (n)
		fprintf(stderr, "# %zu shim(s) fell back, %zu of them for being late\n",
			n, n - bad);
	se_log_free(r, n);
	return bad;
}

/* Count the records of an event in recs (NULL lines count as "bad"). */
size_t sd_count(json_t **recs, size_t n, const char *event)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += recs[i] ? !strcmp(se_str(recs[i], "event"), event) : !strcmp(event, "bad");
	return k;
}

/* The exit record of an exec id, NULL when none. */
json_t *sd_exit_of(json_t **recs, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (recs[i] && !strcmp(se_str(recs[i], "event"), "exit") &&
		    !strcmp(se_str(recs[i], "id"), id))
			return recs[i];
	return NULL;
}

/* Run prog with args through binfmt_misc: its wait status. posix_spawn
 * (vfork underneath): a fork of the ASan-built test costs more than the
 * exec being measured. */
int sd_exec(const char *prog, const char *a1, const char *a2)
{
	char *argv[] = { (char *)prog, (char *)a1, (char *)a2, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* callers processes each exec prog n times (exit 0 expected); returns
 * the number of runs that did not exit 0. */
int sd_storm(const char *prog, int callers, int total)
{
	int c, bad = 0, st;
	pid_t *pids = calloc((size_t)callers, sizeof(pid_t));

	for (c = 0; c < callers; c++) {
		int mine = total / callers + (c < total % callers);

		pids[c] = fork();
		if (pids[c] == 0) {
			int i, fails = 0;

			for (i = 0; i < mine; i++) {
				st = sd_exec(prog, NULL, NULL);
				fails += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
			}
			_exit(fails > 255 ? 255 : fails);
		}
	}
	for (c = 0; c < callers; c++) {
		waitpid(pids[c], &st, 0);
		bad += WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
	}
	free(pids);
	return bad;
}

/*
 * The collector vouches for a binary's arch only when it reads the head
 * from the page cache (RWF_NOWAIT) or within PROBE_WAIT_MS (2 ms) in the
 * ring; a test that asserts the verified arch of a file it sends by hand
 * (not exec'd, so perhaps not cached after a drop_caches) reads the head
 * first, so the record does not depend on how fast a cold disk is.
 * Returns fd.
 */
int sd_warm_fd(int fd)
{
	char head[4096];

	if (fd >= 0)
		(void)!pread(fd, head, sizeof(head), 0);
	return fd;
}

/* Open fds of a process. */
int sd_fd_count(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The collector releases fds on its own time (a connection's last
 * completion, an exit record): wait until pid holds at most n, polling
 * /proc every 5 ms; the deadline only guards against a hang (a leak).
 * Returns the last count. */
int sd_fd_wait_le(pid_t pid, int n, int deadline_ms)
{
	double end = sd_now() + deadline_ms / 1000.0;
	int c;

	while ((c = sd_fd_count(pid)) > n && sd_now() < end)
		usleep(5000);
	return c;
}

/*
 * The raw client: connect, send hdr+body with the fds and (when cred is
 * non-NULL) explicit credentials, wait up to 2 s for the answer. Returns
 * the answer byte, 0 on EOF, or -errno.
 */
int sd_send_raw(const char *sock, const void *msg, size_t len,
		const int *fds, int nfds, const struct ucred *cred)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char ctl[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(253 * sizeof(int))];
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct pollfd p;
	struct cmsghdr *c;
	size_t used = 0;
	int fd, err;
	char a;

	memset(ctl, 0, sizeof(ctl));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", sock);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	c = CMSG_FIRSTHDR(&mh);
	if (cred) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(*cred));
		memcpy(CMSG_DATA(c), cred, sizeof(*cred));
		used += CMSG_SPACE(sizeof(*cred));
		c = CMSG_NXTHDR(&mh, c);
	}
	if (nfds) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
		used += CMSG_SPACE((size_t)nfds * sizeof(int));
	}
	mh.msg_controllen = used;
	if (!used)
		mh.msg_control = NULL;
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	p.fd = fd;
	p.events = POLLIN;
	/* The collector answers every message (or closes): the deadline
	 * only guards against a hang. 2 s was once too short for a 64 KiB
	 * record on a machine busy with two builds. */
	if (poll(&p, 1, 30000) <= 0) {
		close(fd);
		return -ETIMEDOUT;
	}
	err = (int)recv(fd, &a, 1, 0);
	close(fd);
	return err == 1 ? (unsigned char)a : err == 0 ? 0 : -errno;
}

/* A message: header with flags, then the body text. */
size_t sd_msg(char *buf, size_t cap, uint16_t flags, const char *body)
{
	size_t n = strlen(body);

	if (SHIMMSG_HDR_SIZE + n > cap)
		return 0;
	shimmsg_header(buf, flags);
	memcpy(buf + SHIMMSG_HDR_SIZE, body, n);
	return SHIMMSG_HDR_SIZE + n;
}

int sd_pidfd_self(void)
{
	return (int)syscall(434 /* pidfd_open */, getpid(), 0);
}

/*
 * As a shim sends: the message msg (built by sd_msg) with fds, and a
 * pidfd of the sender after them (the collector refuses a message
 * without one); SHIMMSG_F_PIDFD is set in msg's header here.
 */
int sd_send_pidfd(const char *sock, void *msg, size_t len, const int *fds, int nfds)
{
	struct shimmsg_hdr h;
	int all[8], k, a;

	if (nfds > 7 || len < SHIMMSG_HDR_SIZE)
		return -EINVAL;
	memcpy(&h, msg, sizeof(h));
	shimmsg_header(msg, (uint16_t)(h.flags | SHIMMSG_F_PIDFD));
	for (k = 0; k < nfds; k++)
		all[k] = fds[k];
	all[nfds] = sd_pidfd_self();
	if (all[nfds] < 0)
		return -errno;
	a = sd_send_raw(sock, msg, len, all, nfds + 1, NULL);
	close(all[nfds]);
	return a;
}
