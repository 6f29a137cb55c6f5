// SPDX-License-Identifier: GPL-2.0
/* Why no private binfmt_misc: facts in, the cause and its fix out, one
 * row per case (lib/nscause.c). The causes a test cannot make true on this
 * host (an old kernel, Debian's sysctl, AppArmor) are decided here; the
 * others are also made true in tests/integration/test_rootless_refused.c. */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "nscause.h"

struct row {
	const char *name;
	struct ns_facts f;
	enum ns_cause want;
	const char *in_cause, *in_fix;	/* substrings of the sentences */
};

/* Each row starts from OK and overrides what it is about: on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"

/* A 6.18 host with every switch at its permissive default. */
#define OK .kmajor = 6, .kminor = 18, .userns_clone = -1, .max_userns = 96362, \
	   .apparmor_restrict = -1, .chrooted = 0, .seccomp = 0, .unshare_filtered = 0

static const struct row rows[] = {
	{ "old kernel: the mount is refused",
	  { OK, .kminor = 1, .step = NS_STEP_MOUNT, .err = EPERM },
	  NS_CAUSE_OLD_KERNEL, "Linux 6.1", "Linux 6.7 or newer" },
	{ "old kernel 5.15",
	  { OK, .kmajor = 5, .kminor = 15, .step = NS_STEP_MOUNT, .err = EPERM },
	  NS_CAUSE_OLD_KERNEL, "Linux 5.15", "register --all" },
	{ "Debian's sysctl",
	  { OK, .userns_clone = 0, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_USERNS_CLONE, "kernel.unprivileged_userns_clone = 0",
	  "sysctl -w kernel.unprivileged_userns_clone=1" },
	{ "Debian's sysctl does not apply to root",
	  { OK, .userns_clone = 0, .privileged = true, .step = NS_STEP_UNSHARE,
	    .err = EPERM }, NS_CAUSE_OTHER, "unshare", "" },
	{ "Debian's sysctl, on an old kernel: both said",
	  { OK, .kminor = 1, .userns_clone = 0, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_USERNS_CLONE, "unprivileged_userns_clone", "Linux 6.7 or newer (this is 6.1)" },
	{ "max_user_namespaces = 0",
	  { OK, .max_userns = 0, .step = NS_STEP_UNSHARE, .err = ENOSPC },
	  NS_CAUSE_MAX_USERNS, "user.max_user_namespaces = 0",
	  "sysctl -w user.max_user_namespaces=15000" },
	{ "max_user_namespaces reached",
	  { OK, .max_userns = 5, .step = NS_STEP_UNSHARE, .err = ENOSPC },
	  NS_CAUSE_MAX_USERNS, "limit user.max_user_namespaces = 5 is reached",
	  "user.max_user_namespaces=" },
	{ "max_user_namespaces reached, the limit unreadable",
	  { OK, .max_userns = -1, .step = NS_STEP_UNSHARE, .err = ENOSPC },
	  NS_CAUSE_MAX_USERNS, "the limit user.max_user_namespaces is reached",
	  "user.max_user_namespaces=" },
	{ "max_user_namespaces = 0, but a filter refused first (EPERM, not ENOSPC)",
	  { OK, .max_userns = 0, .seccomp = 2, .unshare_filtered = 1,
	    .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_SECCOMP, "seccomp filter", "seccomp=unconfined" },
	{ "AppArmor refuses the unshare",
	  { OK, .apparmor_restrict = 1, .step = NS_STEP_UNSHARE, .err = EACCES },
	  NS_CAUSE_APPARMOR, "apparmor_restrict_unprivileged_userns = 1",
	  "apparmor_restrict_unprivileged_userns=0" },
	{ "AppArmor lets the unshare through, refuses the mount",
	  { OK, .apparmor_restrict = 1, .step = NS_STEP_MOUNT, .err = EPERM },
	  NS_CAUSE_APPARMOR, "mounting a binfmt_misc", "'userns,'" },
	{ "AppArmor switch off: a mount refusal on 6.18 is something else",
	  { OK, .apparmor_restrict = 0, .step = NS_STEP_MOUNT, .err = EPERM },
	  NS_CAUSE_OTHER, "mounting", "" },
	{ "chroot",
	  { OK, .chrooted = 1, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_CHROOT, "chroot", "outside the chroot" },
	{ "chroot in a seccomp'd service: the chroot is the kernel's reason",
	  { OK, .chrooted = 1, .seccomp = 2, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_CHROOT, "chroot", "" },
	{ "chroot, and a filter that refuses unshare: the filter came first",
	  { OK, .chrooted = 1, .seccomp = 2, .unshare_filtered = 1, .step = NS_STEP_UNSHARE,
	    .err = EPERM }, NS_CAUSE_SECCOMP, "seccomp filter", "" },
	{ "chroot, filter not probed: the chroot is what is known",
	  { OK, .chrooted = 1, .seccomp = 2, .unshare_filtered = -1, .step = NS_STEP_UNSHARE,
	    .err = EPERM }, NS_CAUSE_CHROOT, "chroot", "" },
	{ "Docker's default profile",
	  { OK, .seccomp = 2, .unshare_filtered = 1, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_SECCOMP, "seccomp filter", "seccomp=unconfined" },
	{ "a filter, not probed: the likeliest cause",
	  { OK, .seccomp = 2, .unshare_filtered = -1, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_SECCOMP, "seccomp filter", "" },
	{ "a filter that lets unshare through is not the cause",
	  { OK, .seccomp = 2, .unshare_filtered = 0, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_OTHER, "Operation not permitted", "" },
	{ "a filter answering ENOSYS",
	  { OK, .seccomp = 2, .step = NS_STEP_UNSHARE, .err = ENOSYS },
	  NS_CAUSE_SECCOMP, "seccomp", "" },
	{ "no CONFIG_USER_NS",
	  { OK, .step = NS_STEP_UNSHARE, .err = EINVAL },
	  NS_CAUSE_NO_USERNS, "CONFIG_USER_NS", "CONFIG_USER_NS=y" },
	{ "no CONFIG_BINFMT_MISC",
	  { OK, .step = NS_STEP_MOUNT, .err = ENODEV },
	  NS_CAUSE_NO_BINFMT, "no binfmt_misc", "modprobe binfmt_misc" },
	{ "EPERM and nothing known explains it",
	  { OK, .step = NS_STEP_UNSHARE, .err = EPERM },
	  NS_CAUSE_OTHER, "Operation not permitted", "" },
	{ "unknown facts never decide",
	  { .kmajor = 0, .userns_clone = -1, .max_userns = -1, .apparmor_restrict = -1,
	    .chrooted = -1, .seccomp = -1, .unshare_filtered = -1, .step = NS_STEP_UNSHARE,
	    .err = EPERM },
	  NS_CAUSE_OTHER, "unshare", "" },
};

TEST(decision_table)
{
	char cause[512], fix[512];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		enum ns_cause got = ns_cause(&r->f);

		EXPECT_STREQ(ns_cause_name(r->want), ns_cause_name(got))
			TH_LOG("row '%s'", r->name);
		ns_explain(&r->f, got, cause, sizeof(cause), fix, sizeof(fix));
		EXPECT_NE(NULL, strstr(cause, r->in_cause))
			TH_LOG("row '%s': cause '%s'", r->name, cause);
		EXPECT_NE(NULL, strstr(fix, r->in_fix))
			TH_LOG("row '%s': fix '%s'", r->name, fix);
	}
}

/* The sentences are cut to the buffer, never past it. */
TEST(small_buffers)
{
	struct ns_facts f = { OK, .chrooted = 1, .step = NS_STEP_UNSHARE, .err = EPERM };
	char cause[16], fix[8];

	memset(cause, 'x', sizeof(cause));
	memset(fix, 'x', sizeof(fix));
	ns_explain(&f, ns_cause(&f), cause, sizeof(cause), fix, sizeof(fix));
	EXPECT_EQ(15, strlen(cause));
	EXPECT_EQ(7, strlen(fix));
}

TEST_HARNESS_MAIN
