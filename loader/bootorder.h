/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bootorder.c: what systemd-binfmt registers at boot, in its order, and
 * whether the entries persist writes will be the ones the kernel picks.
 */
#ifndef BSHIM_BOOTORDER_H
#define BSHIM_BOOTORDER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The binfmt.d directories systemd-binfmt reads, highest precedence
 * first: a file name in an earlier one hides the same name in a later
 * one (binfmt.d(5); CONF_PATHS("binfmt.d") in systemd's path-lookup.h,
 * as Debian 12's systemd-binfmt lists them). NULL-terminated.
 */
extern const char *const boot_dirs[];

/* Whether path is a file directly in one of boot_dirs; its index. */
bool boot_dir_of(const char *path, size_t *dir);

/*
 * Replay systemd-binfmt over the binfmt.d directories as if ours_text
 * were the file ours_path (which replaces whatever is there), and warn
 * (warn_msg, one line each) about every entry of another file that the
 * kernel would try before one of ours after a reboot, and about a file
 * that hides ours_path. ours_path outside the directories is replayed as
 * BOOT_DEFAULT_PATH. Returns the number of warnings, or -errno.
 */
int boot_order_warn(const char *ours_path, const char *ours_text);

/*
 * Where persist writes by default, and the name it used before. The new
 * name sorts after every qemu-*.conf (and after every name that starts
 * with a letter other than z): systemd-binfmt applies the files in the
 * order of their names, and binfmt_misc tries the entry registered last
 * first, so the last file wins. See binfmt-shim(8), persist.
 */
#define BOOT_DEFAULT_PATH "/etc/binfmt.d/zz-binfmt-shim.conf"
#define BOOT_OLD_PATH "/etc/binfmt.d/binfmt-shim.conf"

#endif
