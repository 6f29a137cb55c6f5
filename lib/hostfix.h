/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_HOSTFIX_H
#define BSHIM_HOSTFIX_H

#include <stdbool.h>
#include <stddef.h>

#include "arch.h"
#include "elf.h"
#include "route.h"

/*
 * The fix lines the shim's diagnostic (shim/diag.c) and `binfmt-shim
 * explain` (loader/explain.c) give for a missing emulator or loader, one
 * wording for both, checked against the host they run on: a fix never
 * says to install a package that is installed. Pure: what the host has
 * is asked through the caller's route_stat_fn (lib/route.h).
 *
 * A Debian package counts as installed when dpkg lists it
 * (/var/lib/dpkg/info/<package>.list, dpkg(1)'s own database) or, for a
 * cross libc, when the sysroot it installs (/usr/<triplet>) is there.
 */

/* Whether dpkg lists pkg as installed. */
bool hostfix_deb_installed(const char *pkg, route_stat_fn st, void *ctx);

/*
 * A dynamic binary whose loader ei->interp no sysroot has (route_sysroot
 * failed). The fix into buf: the cross libc package when it
 * is not installed; else that the installed one has no such loader (the
 * reason names the loader and the sysroots tried): relink, or point
 * sysroot at a tree that has it. cfg is the config file a setting goes to.
 */
void hostfix_no_sysroot(const struct arch *a, const struct elf_info *ei,
			const char *cfg, route_stat_fn st, void *ctx,
			char *buf, size_t len);

/*
 * No usable emulator for a (route_emulator failed and filled r). When the
 * config names one that does not exist: install it there, or remove the
 * line so the one the default search finds is used (named when there is
 * one). Else: apt-get install qemu-user-static when it is not installed,
 * and when it is (it has no qemu-<a>), a QEMU built with that target.
 * cfg is the file that has the emulator = line, or where one would go.
 */
void hostfix_no_emulator(const struct arch *a, const struct route *r,
			 const char *cfg, route_stat_fn st, void *ctx,
			 char *buf, size_t len);

#endif
