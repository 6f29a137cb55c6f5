/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector with more than one real uid sending: a user namespace
 * that maps 65536 uids (tl_full_userns: only real root can), a private
 * mount namespace with the test's directory on a tmpfs of its own (so
 * sparse 1 TiB files cost nothing, and nothing is left on the host), and
 * build/binfmt-shimd started on a socket there. Children become() the
 * uids and talk to the socket with the raw client of shimdenv.h. No
 * binfmt_misc is needed: the messages are crafted, not a shim's.
 */
#ifndef BSHIM_TEST_SHIMD_UIDS_H
#define BSHIM_TEST_SHIMD_UIDS_H

#include <grp.h>
#include <sched.h>
#include <sys/mount.h>

#include "shimdenv.h"

#define UID_A 2001	/* the attacker */
#define UID_B 2002	/* everyone else */

/* 0, 1 (SKIP: why says so) or -errno. */
static inline int su_setup(struct shimd_env *s, char *why, size_t whylen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if (geteuid() != 0) {
		snprintf(why, whylen, "needs real root to map a second uid");
		return 1;
	}
	if ((rc = sd_need_built(s, why, whylen)))
		return rc;
	snprintf(s->e.dir, sizeof(s->e.dir), "/tmp/bshim-uids.XXXXXX");
	if (!mkdtemp(s->e.dir))
		return -errno;
	rc = tl_full_userns(why, whylen);
	if (rc)
		return rc == -EPERM ? 1 : rc;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", s->e.dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")) {
		snprintf(why, whylen, "a private tmpfs: %s", strerror(errno));
		return -errno;
	}
	snprintf(s->sock, sizeof(s->sock), "%.128s/shimd.sock", s->e.dir);
	snprintf(s->out, sizeof(s->out), "%.128s/collector.jsonl", s->e.dir);
	snprintf(s->err, sizeof(s->err), "%.128s/shimd.err", s->e.dir);
	/* A copy every uid can open (the fixtures dir may not be). */
	snprintf(s->tiny, sizeof(s->tiny), "%.128s/tiny", s->e.dir);
	return sd_write_tiny(s->tiny);
}

static inline void su_teardown(struct shimd_env *s)
{
	if (s->dpid > 0)
		sd_stop(s, SIGKILL);
	if (s->e.dir[0]) {
		umount2(s->e.dir, MNT_DETACH);
		rmdir(s->e.dir);
	}
}

static inline int su_become(uid_t uid)
{
	return setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid) ? -1 : 0;
}

/* One message from this process: body with the binary's fd (binfd >= 0)
 * and our pidfd, as a shim sends. */
static inline int su_send(const char *sock, const char *body, int binfd)
{
	static char msg[SHIMMSG_MAX];
	size_t len = sd_msg(msg, sizeof(msg), binfd >= 0 ? SHIMMSG_F_BINFD : 0, body);

	if (!len)
		return -EMSGSIZE;
	return sd_send_pidfd(sock, msg, len, &binfd, binfd >= 0);
}

/* Wait (deadline ms, a guard against hangs only) until pred holds for
 * the collector's log; returns whether it did. */
static inline int su_wait_log(const char *out, int (*pred)(json_t **r, size_t n, void *arg),
			      void *arg, int deadline_ms)
{
	static json_t *r[8192];
	double end = sd_now() + deadline_ms / 1000.0;
	size_t n;
	int ok;

	do {
		n = sd_read(out, r, sizeof(r) / sizeof(r[0]));
		ok = pred(r, n, arg);
		se_log_free(r, n);
		if (ok)
			return 1;
		usleep(10000);
	} while (sd_now() < end);
	return 0;
}

/* The CPU time (utime + stime, in clock ticks) a process has used. */
static inline long long su_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

#endif
