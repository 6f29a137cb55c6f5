// SPDX-License-Identifier: GPL-2.0
/* Emulator and sysroot choice. Pure: the file system is the caller's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "route.h"

const char *const route_emulator_dirs[] = {
	"/usr/bin", "/usr/local/bin", "/usr/libexec/qemu-binfmt", NULL,
};

/* Append "item" to a ", "-separated human list, truncating quietly. */
static void list_add(char *list, size_t cap, const char *item)
{
	size_t n = strlen(list);

	if (n && n + 2 < cap) {
		memcpy(list + n, ", ", 3);
		n += 2;
	}
	snprintf(list + n, cap - n, "%s", item);
}

int route_emulator(const struct arch *a, const struct shim_config *cfg,
		   route_stat_fn st, void *ctx, struct route *r)
{
	const struct config_arch *ca = cfg ? config_for_arch(cfg, a) : NULL;
	static const char *const suffix[] = { "-static", "" };
	char cand[ROUTE_PATH_MAX];
	size_t d, s;

	r->emulator[0] = '\0';
	r->searched[0] = '\0';
	r->emulator_configured = false;
	r->emulator_user = false;
	r->denied = ca && ca->policy == POLICY_DENY;
	r->policy_line = ca ? ca->policy_line : 0;
	r->policy_user = ca && ca->policy_user;

	if (ca && ca->emulator[0]) {
		r->emulator_configured = true;
		r->emulator_user = ca->emulator_user;
		snprintf(r->emulator, sizeof(r->emulator), "%s", ca->emulator);
		list_add(r->searched, sizeof(r->searched), ca->emulator);
		r->emulator_stat = st(ctx, ca->emulator);
		if (r->emulator_stat == ROUTE_EXECUTABLE)
			return 0;
		return r->emulator_stat == ROUTE_MISSING ? -ENOENT : -EACCES;
	}
	for (s = 0; s < 2; s++) {
		for (d = 0; route_emulator_dirs[d]; d++) {
			snprintf(cand, sizeof(cand), "%s/qemu-%s%s",
				 route_emulator_dirs[d], a->name, suffix[s]);
			list_add(r->searched, sizeof(r->searched), cand);
			if (st(ctx, cand) == ROUTE_EXECUTABLE) {
				snprintf(r->emulator, sizeof(r->emulator), "%s", cand);
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* Does root + interp exist? Builds the joined path in buf. */
static int has_interp(route_stat_fn st, void *ctx, const char *root,
		      const char *interp, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s", root, interp);

	if (n < 0 || (size_t)n >= len)
		return 0;
	return st(ctx, buf) != ROUTE_MISSING;
}

/* ARM binaries: try the triplet matching the float ABI first, so an armel
 * binary never gets the armhf sysroot when both are installed. */
static unsigned arm_float_first(const struct arch *a, const struct elf_info *ei)
{
	if (strcmp(a->name, "arm") == 0 && ei->float_abi == ELF_FLOAT_SOFT)
		return 1;	/* arm-linux-gnueabi is the second triplet */
	return 0;
}

int route_sysroot(const struct arch *a, const struct elf_info *ei,
		  const struct shim_config *cfg, route_stat_fn st, void *ctx,
		  struct route *r)
{
	const struct config_arch *ca = cfg ? config_for_arch(cfg, a) : NULL;
	char root[ROUTE_PATH_MAX], path[ROUTE_PATH_MAX * 2], trip[64];
	unsigned first = arm_float_first(a, ei), i, k;

	r->sysroot[0] = '\0';
	r->sysroot_searched[0] = '\0';
	r->sysroot_configured = false;
	r->needs_sysroot = false;
	if (!ei->has_interp || !ei->interp[0])
		return 0;
	if (st(ctx, ei->interp) != ROUTE_MISSING)
		return 0;	/* the host has it (multiarch): no -L needed */
	r->needs_sysroot = true;

	if (ca && ca->sysroot[0]) {
		r->sysroot_configured = true;
		list_add(r->sysroot_searched, sizeof(r->sysroot_searched), ca->sysroot);
		if (has_interp(st, ctx, ca->sysroot, ei->interp, path, sizeof(path))) {
			snprintf(r->sysroot, sizeof(r->sysroot), "%s", ca->sysroot);
			return 0;
		}
	}
	for (k = 0; arch_list_item(a->triplets, k, trip, sizeof(trip)) >= 0; k++)
		;
	for (i = 0; i < k; i++) {
		unsigned idx = (i + first) % k;

		arch_list_item(a->triplets, idx, trip, sizeof(trip));
		snprintf(root, sizeof(root), "/usr/%s", trip);
		list_add(r->sysroot_searched, sizeof(r->sysroot_searched), root);
		if (has_interp(st, ctx, root, ei->interp, path, sizeof(path)))
			goto found;
	}
	snprintf(root, sizeof(root), "/etc/qemu-binfmt/%s", a->name);
	list_add(r->sysroot_searched, sizeof(r->sysroot_searched), root);
	if (has_interp(st, ctx, root, ei->interp, path, sizeof(path)))
		goto found;
	snprintf(root, sizeof(root), "/usr/gnemul/qemu-%s", a->name);
	list_add(r->sysroot_searched, sizeof(r->sysroot_searched), root);
	if (has_interp(st, ctx, root, ei->interp, path, sizeof(path)))
		goto found;
	return -ENOENT;
found:
	snprintf(r->sysroot, sizeof(r->sysroot), "%s", root);
	return 0;
}

void route_libc_package(const struct arch *a, const struct elf_info *ei,
			char *buf, size_t len)
{
	char deb[32];
	unsigned idx = arm_float_first(a, ei);

	if (arch_list_item(a->debian, idx, deb, sizeof(deb)) < 0 &&
	    arch_list_item(a->debian, 0, deb, sizeof(deb)) < 0) {
		if (len)
			buf[0] = '\0';
		return;
	}
	snprintf(buf, len, "libc6-%s-cross", deb);
}
