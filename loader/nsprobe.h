/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_NSPROBE_H
#define BSHIM_NSPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nscause.h"

/*
 * A user + mount namespace with a private binfmt_misc instance mounted at
 * /proc/sys/fs/binfmt_misc, and when it cannot be had, why (lib/nscause.h).
 * Shared by `binfmt-shim exec`, `exec --check` (make demo, make check) and
 * the tests' SKIP reasons (tests/lib/testlib.c). Prints nothing.
 */

/* Fill the facts for a failure of step with errno err: kernel release,
 * the sysctls, chroot, seccomp. */
void ns_gather(struct ns_facts *f, enum ns_step step, int err);

/*
 * unshare(CLONE_NEWUSER | CLONE_NEWNS), map uid and gid onto inside_uid and
 * inside_gid (one id each: the caller's own uid, or 0), make every mount
 * private and mount a fresh binfmt_misc instance of this user namespace.
 * 0, or -errno with f filled (ns_gather) for the diagnostic.
 */
int ns_private_binfmt(uid_t inside_uid, gid_t inside_gid, struct ns_facts *f);

/*
 * After ns_private_binfmt(0, 0, ...): a child user namespace (same mount
 * namespace) in which this process is uid and gid again, mapped onto the
 * root of the first one, which is the caller outside. 0 or -errno.
 */
int ns_be_caller(uid_t uid, gid_t gid, struct ns_facts *f);

/* The whole diagnostic: "cause\n  fix:    ...\n" plus the way around it
 * (binfmt-shim run), without a leading program name. */
void ns_diagnostic(const struct ns_facts *f, char *buf, size_t len);

#endif
