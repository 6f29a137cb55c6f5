/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running commands as an ordinary user, for the tests of what works
 * without root (binfmt-shim exec, run, the runner hooks). The tests run as
 * real root; this drops to AU_UID, a uid that owns nothing on the host,
 * with setpriv(1) after the test has made the shim's system paths private
 * (tl_private_system in a mount namespace of its own).
 */
#ifndef BSHIM_ASUSER_H
#define BSHIM_ASUSER_H

#include <stddef.h>

#define AU_UID 4242
/* Where au_setup binds the build for AU_UID (BSHIM_BUILD points there). */
#define AU_BUILD "/var/tmp/bshim-build"

struct asuser {
	char dir[64];		/* the user's HOME and working directory */
	char syslog[128];	/* the system record's file ([log] path) */
	char userlog[160];	/* the per-user copy exec and run default to */
};

/* Private /var/log, /var/tmp, /etc with a system config whose record goes
 * to u->syslog (socket none); a fresh directory owned by AU_UID as HOME
 * and cwd. 0; 1 with why[] for a SKIP (not root, no setpriv); -errno. */
int au_setup(struct asuser *u, char *why, size_t whylen);
void au_teardown(struct asuser *u);

/* Copy src into u->dir as name, owned by AU_UID, mode 0755. 0 or -1. */
int au_copy(struct asuser *u, const char *src, const char *name);

/* sh -c script as AU_UID (no supplementary groups), in u->dir, with this
 * process's environment. Returns the wait status, or -errno. */
int au_sh(const char *script, char *out, size_t outlen, char *err, size_t errlen);

/* Whether AU_UID may have a private binfmt_misc here (binfmt-shim exec
 * --check): 0, or 1 with its diagnostic in why[] for a SKIP. */
int au_need_ns(const char *cli, char *why, size_t whylen);

#endif
