/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny hand-assembled programs, one for every architecture of the arch
 * table: a minimal ELF executable (ELF header, one PT_LOAD, a few
 * instructions) that writes TINY_LINE to stdout and exits with the first
 * byte of its argv[0]. `verify` runs them through binfmt_misc to prove
 * the chain (output, exit status, argv[0] round trip), `register --all`
 * runs the host's compat arches natively to decide whether to skip them.
 * Pure: no I/O, so the tests can build and run them under qemu directly.
 */
#ifndef BSHIM_LOADER_TINY_H
#define BSHIM_LOADER_TINY_H

#include <stddef.h>
#include <stdint.h>

/* Largest program: 64-byte header + 56-byte phdr + line + code. */
#define TINY_MAX 256

/* What every program writes to stdout, 16 bytes, no NUL. */
#define TINY_LINE "binfmt-shim: ok\n"
#define TINY_LINE_LEN 16

/* The arch names (QEMU targets) that have a program, NULL-terminated. */
extern const char *const tiny_arches[];

/* Build the program for the QEMU target name into buf[TINY_MAX].
 * Returns its length, or -ENOENT when there is none for that arch. */
int tiny_build(const char *arch, uint8_t *buf, size_t len);

#endif
