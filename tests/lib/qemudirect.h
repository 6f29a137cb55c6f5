/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The yardstick the container tests compare the shim with: qemu
 * registered directly, as Debian's qemu-user-static does, next to the
 * shim's entries in the same private binfmt_misc instance, one or the
 * other enabled at a time (tl_private_binfmt first).
 */
#ifndef BSHIM_QEMUDIRECT_H
#define BSHIM_QEMUDIRECT_H

#include <stddef.h>

/* Register /usr/bin/qemu-<arch>-static for arch with flags under the name
 * qemu-<arch> (and qemu-<arch>-2 for an arch with a second magic). An
 * entry of that name is replaced. 0 or -errno. */
int qd_register(const char *arch, const char *flags);

/* Enable the shim's entries binfmt-shim-<arch> (shim = 1) or qemu's
 * qemu-<arch> (shim = 0) for arches[0..n), and disable the others.
 * 0 or -errno. */
int qd_choose(const char *const arches[], size_t n, int shim);

#endif
