/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_NSCAUSE_H
#define BSHIM_NSCAUSE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Why this process could not get a user namespace with a private
 * binfmt_misc instance, from facts a caller gathered (loader/nsprobe.c
 * reads them from /proc; the unit test passes a table). Pure: the same
 * decision for `binfmt-shim exec`, make demo and the tests' SKIP reasons.
 */

/* The step that failed. */
enum ns_step {
	NS_STEP_UNSHARE,	/* unshare(CLONE_NEWUSER | CLONE_NEWNS) */
	NS_STEP_MAP,		/* setgroups, uid_map, gid_map */
	NS_STEP_MOUNT,		/* mount binfmt_misc (Linux >= 6.7 in a user ns) */
};

struct ns_facts {
	enum ns_step step;
	int err;		/* errno of the failed step */
	unsigned kmajor, kminor;	/* uname -r */
	int userns_clone;	/* kernel.unprivileged_userns_clone (Debian, Ubuntu), -1 absent */
	long max_userns;	/* user.max_user_namespaces, -1 unreadable */
	int apparmor_restrict;	/* kernel.apparmor_restrict_unprivileged_userns, -1 absent */
	int chrooted;		/* 1, 0, -1 unknown */
	int seccomp;		/* Seccomp: of /proc/self/status (2 = filter), -1 unknown */
	int unshare_filtered;	/* 1: a seccomp filter refuses unshare(CLONE_NEWUSER) as
				 * such, 0: none does, -1 unknown (loader/nsprobe.c) */
	bool privileged;	/* euid 0: the unprivileged_userns_clone check skips it */
};

enum ns_cause {
	NS_CAUSE_OTHER = 0,	/* none of the known causes: the errno says it */
	NS_CAUSE_OLD_KERNEL,	/* binfmt_misc per user namespace needs Linux 6.7 */
	NS_CAUSE_USERNS_CLONE,	/* kernel.unprivileged_userns_clone = 0 */
	NS_CAUSE_MAX_USERNS,	/* user.max_user_namespaces = 0, or reached */
	NS_CAUSE_APPARMOR,	/* kernel.apparmor_restrict_unprivileged_userns = 1 */
	NS_CAUSE_CHROOT,	/* the kernel refuses a user ns to a chrooted process */
	NS_CAUSE_SECCOMP,	/* a seccomp filter (a container's profile) */
	NS_CAUSE_NO_USERNS,	/* a kernel without CONFIG_USER_NS */
	NS_CAUSE_NO_BINFMT,	/* a kernel without CONFIG_BINFMT_MISC */
};

enum ns_cause ns_cause(const struct ns_facts *f);

/* A stable name for the cause ("chroot", "seccomp", ...), for tests and
 * machine-readable output. */
const char *ns_cause_name(enum ns_cause c);

/*
 * The cause in one sentence and the fix in one, each NUL-terminated and
 * cut to its buffer. The fix names the setting and the command; the
 * caller adds the way around it (binfmt-shim run).
 */
void ns_explain(const struct ns_facts *f, enum ns_cause c, char *cause, size_t clen,
		char *fix, size_t flen);

#endif
