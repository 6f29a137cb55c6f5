/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned file: the static shim with an emulator appended, one per
 * arch, made by `binfmt-shim register` and registered as the entry's
 * interpreter. With the F flag the kernel keeps that one file open, so the
 * shim finds its emulator through /proc/self/exe even inside a container
 * where no emulator path exists.
 *
 *   [ shim ELF ][ hole up to PINNED_ALIGN ][ emulator ELF ][ trailer ]
 *
 * The trailer is the file's last PINNED_TRAILER_SIZE bytes, little-endian:
 *   0   8  magic "BSHIMPIN"
 *   8   4  version (1)
 *   12  4  trailer size (512)
 *   16  8  shim size (bytes of the shim at offset 0)
 *   24  8  emulator offset (a multiple of PINNED_ALIGN)
 *   32  8  emulator size
 *   40  8  the emulator's st_dev when it was pinned
 *   48  8  its st_ino
 *   56  8  its st_mtime (seconds)
 *   64  8  its st_size (what stale detection compares)
 *   72  8  st_dev of the root ("/") `register` ran in, 0: unknown
 *   80  8  its st_ino: a shim whose "/" is another runs in a chroot or
 *          container, where the host's log file is not the one it sees
 *   88  8  reserved, zero
 *   96  32 arch (QEMU target name), NUL-terminated
 *   128 376 the emulator's path on the host, NUL-terminated
 *   504 8  magic "BSHIMEND"
 * Pure: no I/O (lib/ convention); the shim and the CLI read the bytes.
 */
#ifndef BSHIM_PINNED_H
#define BSHIM_PINNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PINNED_TRAILER_SIZE 512
#define PINNED_VERSION 1
/* The emulator's offset: 64 KiB, the largest page size of the hosts we
 * build for (arm64 and ppc64le kernels with 64 KiB pages), so its
 * segments can be mmap'd from the file at their own page offsets. */
#define PINNED_ALIGN 65536u
#define PINNED_ARCH_MAX 32
#define PINNED_PATH_MAX 376

struct pinned_info {
	uint64_t shim_size;
	uint64_t emu_offset;
	uint64_t emu_size;
	uint64_t emu_dev, emu_ino, emu_mtime, emu_st_size;
	uint64_t root_dev, root_ino;
	char arch[PINNED_ARCH_MAX];
	char emu_path[PINNED_PATH_MAX];
};

/*
 * Parse the trailer: buf holds the last len bytes of a file of file_size
 * bytes (len >= PINNED_TRAILER_SIZE; only the last 512 are read).
 * 0, or -ENOENT (no trailer: a plain shim), or -EINVAL (a trailer that
 * does not describe this file: offsets, sizes or strings out of range).
 */
int pinned_parse(const void *buf, size_t len, uint64_t file_size, struct pinned_info *out);

/* Serialise in into out (PINNED_TRAILER_SIZE bytes). 0, or -EINVAL when
 * a string does not fit or the offset is not aligned. */
int pinned_format(const struct pinned_info *in, void *out);

/* The emulator's offset for a shim of shim_size bytes. */
uint64_t pinned_emu_offset(uint64_t shim_size);

/*
 * The checks the shim makes on its pinned file (shim/mapped.c) and the
 * CLI reports ahead of it (loader/pinstat.c), on values the caller read.
 */

/* The file runs for every user's foreign execs (and setuid ones with
 * the C flag): only root may be able to change it. True when owner uid
 * and mode say so: root's, writable by no group and no other. With
 * overflow_ok, uid 65534 counts as root's too: the kernel's
 * DEFAULT_OVERFLOWUID (include/linux/highuid.h), how a file of the
 * host's root looks inside a user namespace that does not map it. */
#define PINNED_OVERFLOW_UID 65534u
bool pinned_owner_ok(uint32_t uid, uint32_t mode, bool overflow_ok);

/* True when the root ("/") the caller sees (its st_dev, st_ino) is not
 * the one `register` ran in: a chroot or container, where the emulator's
 * host path is not the one pinned. False when the trailer does not say
 * (root_ino 0). */
bool pinned_other_root(const struct pinned_info *pi, uint64_t dev, uint64_t ino);

/* Whether the emulator at pi->emu_path, as stat(2) saw it now, is still
 * the one pinned (a package upgrade replaces it): NULL when it is, else
 * what differs: "another file" (st_dev, st_ino), "another size",
 * "another mtime". */
const char *pinned_changed(const struct pinned_info *pi, uint64_t dev, uint64_t ino,
			   uint64_t size, uint64_t mtime);

/*
 * The host a pinned emulator is mapped on: the ELF machine and data
 * encoding lib/loadplan.c must accept for it (the users include <elf.h>).
 * HOST_MACHINE is undefined on hosts the shim maps nothing on: there it
 * hands off by execve only.
 */
#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_DATA ELFDATA2LSB
#else
#define HOST_DATA ELFDATA2MSB
#endif

#endif
