// SPDX-License-Identifier: GPL-2.0
/* Fix lines checked against the host: see hostfix.h. Pure. */
#include <stdio.h>
#include <string.h>

#include "hostfix.h"

bool hostfix_deb_installed(const char *pkg, route_stat_fn st, void *ctx)
{
	char path[128];

	/* dpkg keeps the file list of every installed package there
	 * (dpkg(1), FILES: /var/lib/dpkg/info). */
	if (snprintf(path, sizeof(path), "/var/lib/dpkg/info/%s.list", pkg) >=
	    (int)sizeof(path))
		return false;
	return st(ctx, path) != ROUTE_MISSING;
}

/* The triplet of the Debian arch deb in a's lists (same position). */
static bool triplet_of(const struct arch *a, const char *deb, char *buf, size_t len)
{
	char item[32];
	unsigned i;

	for (i = 0; arch_list_item(a->debian, i, item, sizeof(item)) >= 0; i++)
		if (!strcmp(item, deb))
			return arch_list_item(a->triplets, i, buf, len) >= 0;
	return false;
}

void hostfix_no_sysroot(const struct arch *a, const struct elf_info *ei,
			const char *cfg, route_stat_fn st, void *ctx,
			char *buf, size_t len)
{
	char pkg[48], deb[32], trip[64] = "", root[80] = "";
	bool installed;
	size_t n;

	route_libc_package(a, ei, pkg, sizeof(pkg));
	if (!pkg[0]) {
		snprintf(buf, len, "set sysroot = /path/to/%s/root (a tree that has "
			 "%.512s) in [arch.%s] of %s, or link the program statically",
			 a->name, ei->interp, a->name, cfg);
		return;
	}
	/* "libc6-<deb>-cross" */
	n = strlen(pkg);
	snprintf(deb, sizeof(deb), "%.*s", n > 12 ? (int)(n - 12) : 0, pkg + 6);
	if (triplet_of(a, deb, trip, sizeof(trip)))
		snprintf(root, sizeof(root), "/usr/%s", trip);
	installed = hostfix_deb_installed(pkg, st, ctx) ||
		    (root[0] && st(ctx, root) == ROUTE_OTHER);
	if (!installed) {
		snprintf(buf, len, "apt-get install %s, or set sysroot = /path in "
			 "[arch.%s] of %s", pkg, a->name, cfg);
		return;
	}
	/* The reason names the loader and the sysroots tried; the fix says
	 * why installing is no answer, and what is. */
	snprintf(buf, len, "the installed %s has no such loader: relink the program "
		 "against one it has (ls %s/lib/ld-*), or set sysroot = /path in "
		 "[arch.%s] of %s to a tree that has it", pkg,
		 root[0] ? root : "/usr/<triplet>", a->name, cfg);
}

/* How to get a qemu-<a>: the package, or when it is installed and has no
 * such target, QEMU built with it. */
static void install_advice(const struct arch *a, route_stat_fn st, void *ctx,
			   char *buf, size_t len)
{
	if (hostfix_deb_installed("qemu-user-static", st, ctx) ||
	    hostfix_deb_installed("qemu-user", st, ctx))
		snprintf(buf, len, "qemu-user-static is installed but has no "
			 "qemu-%s: build QEMU with that target (./configure "
			 "--target-list=%s-linux-user --static)", a->name, a->name);
	else
		snprintf(buf, len, "apt-get install qemu-user-static");
}

void hostfix_no_emulator(const struct arch *a, const struct route *r,
			 const char *cfg, route_stat_fn st, void *ctx,
			 char *buf, size_t len)
{
	char how[192];
	struct route def;

	if (r->emulator_configured) {
		memset(&def, 0, sizeof(def));
		if (route_emulator(a, NULL, st, ctx, &def) == 0) {
			snprintf(buf, len, "install an emulator at %s, or remove "
				 "emulator = from [arch.%s] of %s to use the installed "
				 "%s", r->emulator, a->name, cfg, def.emulator);
			return;
		}
		install_advice(a, st, ctx, how, sizeof(how));
		snprintf(buf, len, "install an emulator at %s, or set emulator = in "
			 "[arch.%s] of %s to one that exists (%s)", r->emulator,
			 a->name, cfg, how);
		return;
	}
	install_advice(a, st, ctx, how, sizeof(how));
	snprintf(buf, len, "%s, or set emulator = /path/to/qemu-%s in [arch.%s] of %s",
		 how, a->name, a->name, cfg);
}
