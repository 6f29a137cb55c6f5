// SPDX-License-Identifier: GPL-2.0
/* qemu registered directly, to compare the shim with (qemudirect.h). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "binfmt.h"
#include "qemudirect.h"
#include "tcontainer.h"
#include "testlib.h"

int qd_register(const char *arch, const char *flags)
{
	struct binfmt_entry ent[4];
	char line[BINFMT_REGISTER_MAX + 1], qemu[64], path[128];
	int n, i, err;

	snprintf(qemu, sizeof(qemu), "/usr/bin/qemu-%s-static", arch);
	n = binfmt_entries_for_arch(arch_by_name(arch), qemu, flags, ent, 4);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		snprintf(ent[i].name, sizeof(ent[i].name), "qemu-%s%s", arch, i ? "-2" : "");
		snprintf(path, sizeof(path), BINFMT_MNT "/%.64s", ent[i].name);
		if (access(path, F_OK) == 0 && (err = tc_write_str(path, "-1")))
			return err;
		if (binfmt_format_register(&ent[i], line, sizeof(line)) < 0)
			return -ENOSPC;
		if ((err = tl_register(line)))
			return err;
	}
	return 0;
}

int qd_choose(const char *const arches[], size_t n, int shim)
{
	char name[64];
	size_t a;
	int err;

	for (a = 0; a < n; a++) {
		snprintf(name, sizeof(name), "binfmt-shim-%s", arches[a]);
		if ((err = tl_binfmt_enable(name, shim)))
			return err;
		snprintf(name, sizeof(name), "qemu-%s", arches[a]);
		if ((err = tl_binfmt_enable(name, !shim)))
			return err;
	}
	return 0;
}
