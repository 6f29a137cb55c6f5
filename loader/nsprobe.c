// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O half of lib/nscause.c: make the namespace, and when the kernel
 * refuses, read what explains it. Every fact that cannot be read stays
 * "unknown" (-1), and the decision then does not lean on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nsprobe.h"

#define BINFMT_DIR "/proc/sys/fs/binfmt_misc"

static long read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static long sysctl_num(const char *path)
{
	char buf[64];

	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static int seccomp_mode(void)
{
	char buf[8192], *p;

	if (read_text("/proc/self/status", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nSeccomp:");
	return p ? atoi(p + 9) : -1;
}

/*
 * Whether / is not the root of this mount namespace (the kernel's
 * current_chrooted()). /proc/1/root is the namespace's root as PID 1 sees
 * it, readable only with ptrace rights over PID 1 (root). Otherwise
 * /proc/self/mountinfo: it lists only the mounts reachable from our root
 * (show_mountinfo skips the others), so a chroot into a plain directory
 * shows no mount at "/", and one into a bind mount shows it with a root
 * other than "/". A container's own root (pivot_root) is its namespace's
 * root, not a chroot, and shows "/" at "/".
 */
static int chrooted(void)
{
	struct stat self, init;
	char *buf, *line, *save = NULL;
	int at_root = 0;
	size_t cap = 1 << 20;

	if (stat("/", &self) == 0 && stat("/proc/1/root/.", &init) == 0)
		return self.st_dev != init.st_dev || self.st_ino != init.st_ino;
	buf = malloc(cap);
	if (!buf)
		return -1;
	if (read_text("/proc/self/mountinfo", buf, cap) <= 0) {
		free(buf);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line && !at_root;
	     line = strtok_r(NULL, "\n", &save)) {
		char root[4096], mnt[4096];

		/* id parent major:minor root mountpoint ... */
		if (sscanf(line, "%*d %*d %*s %4095s %4095s", root, mnt) == 2 &&
		    !strcmp(mnt, "/") && !strcmp(root, "/"))
			at_root = 1;
	}
	free(buf);
	return !at_root;
}

/*
 * Whether a seccomp filter refuses unshare(CLONE_NEWUSER) as such. The
 * kernel rejects a flag unshare does not know (CLONE_VFORK) with EINVAL
 * before any permission check (kernel/fork.c, ksys_unshare ->
 * check_unshare_flags), so nothing is created and only a filter, which
 * runs at syscall entry, can answer otherwise (EPERM from Docker's
 * profile, or ENOSYS, ...). 1, or 0 (also without any filter: Seccomp: 0),
 * or -1 when it cannot tell.
 */
static int unshare_filtered(int seccomp)
{
	if (seccomp == 0)
		return 0;
	if (unshare(CLONE_NEWUSER | CLONE_VFORK) == 0)
		return -1;	/* cannot happen; decide nothing on it */
	return errno == EINVAL ? 0 : 1;
}

void ns_gather(struct ns_facts *f, enum ns_step step, int err)
{
	struct utsname u;

	memset(f, 0, sizeof(*f));
	f->step = step;
	f->err = err;
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", &f->kmajor, &f->kminor);
	f->userns_clone = (int)sysctl_num("/proc/sys/kernel/unprivileged_userns_clone");
	f->max_userns = sysctl_num("/proc/sys/user/max_user_namespaces");
	f->apparmor_restrict =
		(int)sysctl_num("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	f->chrooted = chrooted();
	f->seccomp = seccomp_mode();
	f->unshare_filtered = unshare_filtered(f->seccomp);
	f->privileged = geteuid() == 0;
}

static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	err = n < 0 ? -errno : (size_t)n == strlen(s) ? 0 : -EIO;
	close(fd);
	return err;
}

static int fail(struct ns_facts *f, enum ns_step step, int err)
{
	ns_gather(f, step, -err);
	return err;
}

/* A user namespace with one id each, inside_uid and inside_gid standing
 * for the caller's uid and gid outside. 0 or -errno (f filled). */
static int userns(uid_t inside_uid, gid_t inside_gid, int flags, struct ns_facts *f)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	int err;

	if (unshare(CLONE_NEWUSER | flags) < 0)
		return fail(f, NS_STEP_UNSHARE, -errno);
	/* setgroups must be denied before an unprivileged gid_map write
	 * (user_namespaces(7)); absent before Linux 3.19. */
	err = write_text("/proc/self/setgroups", "deny");
	if (err && err != -ENOENT)
		return fail(f, NS_STEP_MAP, err);
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)inside_uid, (unsigned)uid);
	if ((err = write_text("/proc/self/uid_map", map)))
		return fail(f, NS_STEP_MAP, err);
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)inside_gid, (unsigned)gid);
	if ((err = write_text("/proc/self/gid_map", map)))
		return fail(f, NS_STEP_MAP, err);
	return 0;
}

int ns_private_binfmt(uid_t inside_uid, gid_t inside_gid, struct ns_facts *f)
{
	int err = userns(inside_uid, inside_gid, CLONE_NEWNS, f);

	if (err)
		return err;
	/* Nothing mounted here may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(f, NS_STEP_MOUNT, -errno);
	/* A new mount over whatever is there (the host's instance, or an
	 * automount point): binfmt_misc's superblock is keyed by the user
	 * namespace of the mounter, so this is a fresh, empty instance. */
	if (mount("binfmt_misc", BINFMT_DIR, "binfmt_misc",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail(f, NS_STEP_MOUNT, -errno);
	return 0;
}

int ns_be_caller(uid_t uid, gid_t gid, struct ns_facts *f)
{
	return userns(uid, gid, 0, f);
}

void ns_diagnostic(const struct ns_facts *f, char *buf, size_t len)
{
	char cause[512], fix[512];

	ns_explain(f, ns_cause(f), cause, sizeof(cause), fix, sizeof(fix));
	snprintf(buf, len, "cannot make a private binfmt_misc: %s\n"
		 "  fix:    %s\n"
		 "  or:     without a namespace, run each foreign program through "
		 "binfmt-shim run FILE [ARGS], the runner hook of go test, cargo, "
		 "ctest and meson (docs/cross-runners.md)\n", cause, fix);
}
