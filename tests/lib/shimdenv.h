/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the collector tests: a private binfmt_misc with the shim
 * registered for aarch64 (shimenv.h), the shim configured to send to a
 * socket in the test's directory, the real build/binfmt-shimd started on
 * it, its output read back with jansson, a raw client that can send
 * anything (lies, wrong fds, floods), and a tiny static aarch64 program
 * for the storms (qemu starts it in a few ms). shimdenv.c says how each
 * does it.
 */
#ifndef BSHIM_SHIMDENV_H
#define BSHIM_SHIMDENV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "shimenv.h"
#include "shimmsg.h"
#include "testlib.h"

struct shimd_env {
	struct shimenv e;
	char sock[160];		/* the collector's socket */
	char out[160];		/* its JSON Lines output */
	char err[160];		/* its stderr */
	char tiny[160];		/* the tiny aarch64 program */
	char hello[512];	/* the hello fixture (exit N, signal N) */
	pid_t dpid;
	int dstatus;		/* wait status when it died during start */
	/* Launchers forked before the test entered its user namespace: they
	 * exec the daemon at nice -10 in the host's namespace, as a
	 * service manager would (dist/binfmt-shimd.service: Nice=-10). */
	pid_t launcher[2];
	int launch_fd[2];
	/* When set: the daemon's RLIMIT_NOFILE, soft and hard (not through
	 * a launcher). */
	rlim_t nofile;
};

/* CLOCK_MONOTONIC in seconds. */
double sd_now(void);

/* Write the tiny static aarch64 program (exit 0) to path. 0 or -errno. */
int sd_write_tiny(const char *path);

/* Fork launcher k (0 or 1): it waits for an argv, renices, execs it. */
int sd_prelaunch(struct shimd_env *s, int k);

/* Start the daemon with extra arguments (NULL-terminated list, may be
 * NULL); 0 once it listens, -ECHILD when it died (s->dstatus), -errno. */
int sd_start_args(struct shimd_env *s, const char *const *extra);
int sd_start(struct shimd_env *s);

/* Signal the daemon and reap it: its wait status. */
int sd_stop(struct shimd_env *s, int sig);

/* build/binfmt-shimd is built and s->hello names the hello fixture:
 * 0, or -ENOENT with why[] saying what to make. */
int sd_need_built(struct shimd_env *s, char *why, size_t whylen);

/* Setup: 0, 1 (SKIP, why says so) or -errno. boost: start the daemon
 * (twice at most) through launchers at nice -10, for the storms. */
int sd_setup_ex(struct shimd_env *s, int boost, char *why, size_t whylen);
int sd_setup(struct shimd_env *s, char *why, size_t whylen);
void sd_teardown(struct shimd_env *s);

/* Parse every line of path; returns the count (unparseable lines are NULL). */
size_t sd_read(const char *path, json_t **recs, size_t max);

/* How many shims fell back to their own log for another reason than
 * answering late (those are logged). */
size_t sd_fallbacks_not_late(const char *shim_log);

/* Count the records of an event in recs (NULL lines count as "bad"). */
size_t sd_count(json_t **recs, size_t n, const char *event);

/* The exit record of an exec id, NULL when none. */
json_t *sd_exit_of(json_t **recs, size_t n, const char *id);

/* Run prog with args through binfmt_misc: its wait status, or -1. */
int sd_exec(const char *prog, const char *a1, const char *a2);

/* callers processes exec prog total times in all (exit 0 expected);
 * returns the number of runs that did not exit 0. */
int sd_storm(const char *prog, int callers, int total);

/* Read the head of fd into the page cache; returns fd. */
int sd_warm_fd(int fd);

/* Open fds of a process, -1 when unknown. */
int sd_fd_count(pid_t pid);

/* Wait until pid holds at most n fds (deadline_ms: a hang guard);
 * returns the last count. */
int sd_fd_wait_le(pid_t pid, int n, int deadline_ms);

/* Connect to sock, send msg with fds and (when cred is non-NULL) explicit
 * credentials; the answer byte, 0 on EOF, or -errno. */
int sd_send_raw(const char *sock, const void *msg, size_t len,
		const int *fds, int nfds, const struct ucred *cred);

/* A message: header with flags, then the body text. Its length, 0 when
 * it does not fit. */
size_t sd_msg(char *buf, size_t cap, uint16_t flags, const char *body);

/* pidfd_open(2) of the calling process. */
int sd_pidfd_self(void);

/* As a shim sends: msg (from sd_msg) with fds and a pidfd of the sender
 * after them. As sd_send_raw. */
int sd_send_pidfd(const char *sock, void *msg, size_t len, const int *fds, int nfds);

/*
 * The arch the collector vouches for (key "arch" or "verified.arch" of an
 * exec or deny record): want, or, when it could not read the head within
 * its probe budget (2 ms: a cold disk, a saturated CPU), no arch at all
 * and a probe_error saying why. Never another arch, never the claim.
 */
#define SD_EXPECT_VERIFIED_ARCH(rec, key, want)						\
	do {										\
		if (json_object_get(json_object_get(rec, "verified"), "probe_error")) {	\
			TH_LOG("not verified: %s", se_str(rec, "verified.probe_error"));	\
			EXPECT_STREQ("", se_str(rec, key));				\
		} else {								\
			EXPECT_STREQ(want, se_str(rec, key));				\
		}									\
	} while (0)

/* The same for the arch and the e_machine together. */
#define SD_EXPECT_VERIFIED(rec, want_arch, want_machine)					\
	do {										\
		if (json_object_get(json_object_get(rec, "verified"), "probe_error")) {	\
			TH_LOG("not verified: %s", se_str(rec, "verified.probe_error"));	\
			EXPECT_STREQ("", se_str(rec, "verified.arch"));			\
		} else {								\
			EXPECT_STREQ(want_arch, se_str(rec, "verified.arch"));		\
			EXPECT_EQ(want_machine, se_int(rec, "verified.machine"));	\
		}									\
	} while (0)

#endif
