// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asuser.h"
#include "testlib.h"

int au_setup(struct asuser *u, char *why, size_t whylen)
{
	char conf[256];
	int err;

	if (geteuid() != 0) {
		snprintf(why, whylen, "needs real root to run a second, unprivileged uid");
		return 1;
	}
	if (!tl_have("/usr/bin/setpriv")) {
		snprintf(why, whylen, "setpriv missing: apt-get install util-linux");
		return 1;
	}
	if (unshare(CLONE_NEWNS) < 0) {
		err = -errno;
		snprintf(why, whylen, "a private mount namespace: %s", strerror(errno));
		return err;
	}
	/* EINVAL: / is not a mount point (a chroot into a directory); the
	 * test's mounts could then propagate to the host's: do not try. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(why, whylen, "cannot make the mounts private (/ is not a mount "
			 "point: a chroot?): %s", strerror(errno));
		return 1;
	}
	snprintf(u->dir, sizeof(u->dir), "/tmp/bshim-user.XXXXXX");
	if (!mkdtemp(u->dir))
		return -errno;
	if (chown(u->dir, AU_UID, AU_UID) < 0 || chmod(u->dir, 0755) < 0)
		return -errno;
	snprintf(u->syslog, sizeof(u->syslog), "%s/system.jsonl", u->dir);
	snprintf(u->userlog, sizeof(u->userlog), "%s/.local/state/binfmt-shim/exec.jsonl",
		 u->dir);
	snprintf(conf, sizeof(conf), "[log]\npath = %s\nsocket = none\n", u->syslog);
	err = tl_private_system(conf, why, whylen);
	if (err)
		return err;
	/* The tree under test may sit below a directory only root may enter
	 * (/root, a 0700 mktemp directory of a CI clone): the unprivileged
	 * uid reaches the build through a bind mount in the private /var/tmp,
	 * and tl_build() names it there from now on. */
	{
		const char *b = getenv("BSHIM_BUILD");
		char build[PATH_MAX];

		snprintf(build, sizeof(build), "%s", b && *b ? b : BSHIM_TOP "/build");
		if (mkdir(AU_BUILD, 0755) < 0 ||
		    mount(build, AU_BUILD, NULL, MS_BIND | MS_REC, NULL) < 0) {
			err = -errno;
			snprintf(why, whylen, "binding %s to %s: %s", build, AU_BUILD,
				 strerror(errno));
			return err;
		}
		setenv("BSHIM_BUILD", AU_BUILD, 1);
	}
	setenv("HOME", u->dir, 1);
	unsetenv("XDG_STATE_HOME");
	unsetenv("BINFMT_SHIM_LOG");
	unsetenv("BINFMT_SHIM_CONFIG");
	unsetenv("BINFMT_SHIM_VIA");
	return chdir(u->dir) < 0 ? -errno : 0;
}

void au_teardown(struct asuser *u)
{
	char cmd[128];

	if (!u->dir[0] || strncmp(u->dir, "/tmp/bshim-user.", 16))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", u->dir);
	(void)!system(cmd);
}

int au_copy(struct asuser *u, const char *src, const char *name)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/%s' && chown %d:%d '%s/%s' && chmod 755 '%s/%s'",
		 src, u->dir, name, AU_UID, AU_UID, u->dir, name, u->dir, name);
	return system(cmd) == 0 ? 0 : -1;
}

int au_sh(const char *script, char *out, size_t outlen, char *err, size_t errlen)
{
	char uid[32], gid[32];
	char *argv[] = { "/usr/bin/setpriv", uid, gid, "--clear-groups", "--",
			 "/bin/sh", "-c", (char *)script, NULL };

	snprintf(uid, sizeof(uid), "--reuid=%d", AU_UID);
	snprintf(gid, sizeof(gid), "--regid=%d", AU_UID);
	return tl_run(argv, NULL, 0, out, outlen, err, errlen);
}

int au_need_ns(const char *cli, char *why, size_t whylen)
{
	char script[1024];
	int st;

	snprintf(script, sizeof(script), "'%s' exec --check", cli);
	st = au_sh(script, NULL, 0, why, whylen);
	return st == 0 ? 0 : 1;
}
