// SPDX-License-Identifier: GPL-2.0
/*
 * Why a private binfmt_misc cannot be had here. The kernel says only
 * EPERM (or ENOSPC, EINVAL) at unshare(2) or mount(2); the cause is in
 * settings the caller reads beforehand. The checks, in the kernel's order:
 *   - Debian's and Ubuntu's kernel.unprivileged_userns_clone = 0 refuses
 *     CLONE_NEWUSER to a caller without CAP_SYS_ADMIN (EPERM, the Debian
 *     patch "add sysctl to disallow unprivileged CLONE_NEWUSER");
 *   - user.max_user_namespaces: a count limit, ENOSPC when reached, and 0
 *     refuses every new one (kernel/ucount.c, inc_user_namespaces);
 *   - create_user_ns() refuses a chrooted process: "if
 *     (current_chrooted()) goto fail" with EPERM (kernel/user_namespace.c);
 *   - a seccomp filter decides before any of that (Docker's default
 *     profile answers EPERM to unshare/clone with CLONE_NEWUSER). That a
 *     process has a filter says little (systemd services, sandboxes, any
 *     runtime may have one for other syscalls); whether it is the filter
 *     that refuses is probed (unshare_filtered, loader/nsprobe.c);
 *   - Ubuntu's AppArmor kernel.apparmor_restrict_unprivileged_userns = 1
 *     lets unshare succeed but confines the namespace to a profile with no
 *     capabilities, so the mount (or the unshare, on older releases) is
 *     refused with EPERM or EACCES;
 *   - binfmt_misc is mountable in a user namespace since Linux 6.7
 *     (commit 21ca59b365c0 "binfmt_misc: enable sandboxed mounts"); before
 *     that the mount fails with EPERM.
 * When several hold, the one named is the one the kernel hit first.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nscause.h"

static const char *const names[] = {
	[NS_CAUSE_OTHER] = "other",
	[NS_CAUSE_OLD_KERNEL] = "old-kernel",
	[NS_CAUSE_USERNS_CLONE] = "unprivileged-userns-clone",
	[NS_CAUSE_MAX_USERNS] = "max-user-namespaces",
	[NS_CAUSE_APPARMOR] = "apparmor",
	[NS_CAUSE_CHROOT] = "chroot",
	[NS_CAUSE_SECCOMP] = "seccomp",
	[NS_CAUSE_NO_USERNS] = "no-user-namespaces",
	[NS_CAUSE_NO_BINFMT] = "no-binfmt-misc",
};

const char *ns_cause_name(enum ns_cause c)
{
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "other";
}

static bool old_kernel(const struct ns_facts *f)
{
	return f->kmajor && (f->kmajor < 6 || (f->kmajor == 6 && f->kminor < 7));
}

static bool denied(int err)
{
	return err == EPERM || err == EACCES;
}

enum ns_cause ns_cause(const struct ns_facts *f)
{
	switch (f->step) {
	case NS_STEP_UNSHARE:
		/* Only the count limit answers ENOSPC (inc_user_namespaces).
		 * user.max_user_namespaces = 0 with EPERM means something
		 * earlier refused: raising the limit would not help. */
		if (f->err == ENOSPC)
			return NS_CAUSE_MAX_USERNS;
		if (f->err == EINVAL)
			return NS_CAUSE_NO_USERNS;
		if (f->err == ENOSYS && f->seccomp == 2)
			return NS_CAUSE_SECCOMP;
		if (!denied(f->err))
			return NS_CAUSE_OTHER;
		/* Debian's sysctl may refuse before the flags are checked
		 * (its patch to ksys_unshare), so the probe cannot tell it
		 * from a filter: the sysctl, which can be read, is named. */
		if (f->userns_clone == 0 && !f->privileged)
			return NS_CAUSE_USERNS_CLONE;
		/* A filter runs at syscall entry, before everything else. */
		if (f->unshare_filtered == 1)
			return NS_CAUSE_SECCOMP;
		if (f->chrooted == 1)
			return NS_CAUSE_CHROOT;
		if (f->apparmor_restrict == 1)
			return NS_CAUSE_APPARMOR;
		/* Unprobed: a filter is the likeliest of what is left. */
		if (f->seccomp == 2 && f->unshare_filtered == -1)
			return NS_CAUSE_SECCOMP;
		return NS_CAUSE_OTHER;
	case NS_STEP_MAP:
		if (denied(f->err) && f->apparmor_restrict == 1)
			return NS_CAUSE_APPARMOR;
		return NS_CAUSE_OTHER;
	case NS_STEP_MOUNT:
		if (denied(f->err) && f->apparmor_restrict == 1 && !old_kernel(f))
			return NS_CAUSE_APPARMOR;
		if (old_kernel(f) && (denied(f->err) || f->err == EINVAL))
			return NS_CAUSE_OLD_KERNEL;
		if (f->err == ENODEV)
			return NS_CAUSE_NO_BINFMT;
		if (denied(f->err) && f->seccomp == 2)
			return NS_CAUSE_SECCOMP;
		return NS_CAUSE_OTHER;
	}
	return NS_CAUSE_OTHER;
}

static const char *step_name(enum ns_step s)
{
	return s == NS_STEP_UNSHARE ? "a new user namespace (unshare)" :
	       s == NS_STEP_MAP ? "mapping the caller's uid and gid in it" :
	       "mounting a binfmt_misc instance of its own";
}

void ns_explain(const struct ns_facts *f, enum ns_cause c, char *cause, size_t clen,
		char *fix, size_t flen)
{
	const char *why = strerror(f->err);
	int n;

	switch (c) {
	case NS_CAUSE_OLD_KERNEL:
		snprintf(cause, clen, "this kernel is Linux %u.%u; a user namespace may "
			 "mount a binfmt_misc instance of its own only since Linux 6.7 "
			 "(mount: %s)", f->kmajor, f->kminor, why);
		snprintf(fix, flen, "boot Linux 6.7 or newer, or ask root to register "
			 "the shim host-wide: binfmt-shim register --all");
		break;
	case NS_CAUSE_USERNS_CLONE:
		snprintf(cause, clen, "kernel.unprivileged_userns_clone = 0: the kernel "
			 "refuses new user namespaces to users without CAP_SYS_ADMIN "
			 "(unshare: %s)", why);
		snprintf(fix, flen, "as root: sysctl -w kernel.unprivileged_userns_clone=1 "
			 "(and the same line in /etc/sysctl.d/ to keep it)");
		break;
	case NS_CAUSE_MAX_USERNS:
		if (f->max_userns == 0)
			snprintf(cause, clen, "user.max_user_namespaces = 0: no user "
				 "namespace may be created (unshare: %s)", why);
		else if (f->max_userns > 0)
			snprintf(cause, clen, "the limit user.max_user_namespaces = %ld is "
				 "reached (unshare: %s)", f->max_userns, why);
		else
			snprintf(cause, clen, "the limit user.max_user_namespaces is "
				 "reached (unshare: %s)", why);
		snprintf(fix, flen, "as root: sysctl -w user.max_user_namespaces=15000 "
			 "(and the same line in /etc/sysctl.d/ to keep it; inside a "
			 "container, on the host or in the container's own namespace)");
		break;
	case NS_CAUSE_APPARMOR:
		snprintf(cause, clen, "AppArmor restricts unprivileged user namespaces "
			 "(kernel.apparmor_restrict_unprivileged_userns = 1): %s was "
			 "refused: %s", step_name(f->step), why);
		snprintf(fix, flen, "as root: sysctl -w "
			 "kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor "
			 "profile for binfmt-shim that allows 'userns,'");
		break;
	case NS_CAUSE_CHROOT:
		snprintf(cause, clen, "this process is in a chroot, and the kernel refuses "
			 "a new user namespace to a chrooted process (unshare: %s)", why);
		snprintf(fix, flen, "run it outside the chroot, or in a container with a "
			 "mount namespace of its own instead of chroot (unshare -m, "
			 "systemd-nspawn, bwrap)");
		break;
	case NS_CAUSE_SECCOMP:
		snprintf(cause, clen, "a seccomp filter refuses it (a container's profile: "
			 "Docker's default one refuses unshare of a user namespace): %s "
			 "failed: %s", step_name(f->step), why);
		snprintf(fix, flen, "run the container with a profile that allows unshare "
			 "with CLONE_NEWUSER (docker run --security-opt "
			 "seccomp=unconfined, or a copy of the default profile that does)");
		break;
	case NS_CAUSE_NO_USERNS:
		snprintf(cause, clen, "this kernel has no user namespaces "
			 "(CONFIG_USER_NS is off; unshare: %s)", why);
		snprintf(fix, flen, "boot a kernel built with CONFIG_USER_NS=y, or ask "
			 "root to register the shim host-wide: binfmt-shim register --all");
		break;
	case NS_CAUSE_NO_BINFMT:
		snprintf(cause, clen, "this kernel has no binfmt_misc (mount: %s)", why);
		snprintf(fix, flen, "boot a kernel built with CONFIG_BINFMT_MISC, or load "
			 "it: modprobe binfmt_misc (as root)");
		break;
	default:
		snprintf(cause, clen, "%s failed: %s", step_name(f->step), why);
		snprintf(fix, flen, "check the kernel's user namespace settings "
			 "(sysctl user.max_user_namespaces) and any security module or "
			 "container profile that confines this process");
		break;
	}
	/* Fixing the first cause would only uncover this one. */
	if (c != NS_CAUSE_OLD_KERNEL && old_kernel(f) && f->step != NS_STEP_MOUNT) {
		n = snprintf(NULL, 0, "%s", fix);
		if (n >= 0 && (size_t)n + 1 < flen)
			snprintf(fix + n, flen - (size_t)n, "; then, for the private "
				 "binfmt_misc, Linux 6.7 or newer (this is %u.%u)",
				 f->kmajor, f->kminor);
	}
}
