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

#endif
