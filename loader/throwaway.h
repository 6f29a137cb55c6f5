/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A throwaway container for `verify`: a new mount and PID namespace whose
 * root is an empty tmpfs holding only one program, with /proc mounted, as
 * a Docker or podman container without an emulator or a binfmt-shim file
 * of its own would be (loader/throwaway.c).
 */
#ifndef BSHIM_LOADER_THROWAWAY_H
#define BSHIM_LOADER_THROWAWAY_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* Where the program lies inside the container. */
#define THROWAWAY_PROG "/prog"

/* throwaway_run: "/" is not a mount point here (see below). */
#define THROWAWAY_NOT_A_MOUNT (-EXDEV)

/*
 * Run the program img (n bytes) as THROWAWAY_PROG inside a new container
 * with argv { argv0 } and envp; its stdout (up to outlen - 1 bytes) in
 * out, its stderr is ours. mnt is an empty directory the container's
 * tmpfs is mounted on (in the container's own mount namespace only).
 * The program's wait status, or -errno with err[] saying what failed:
 * -EPERM when no container can be made here (no CAP_SYS_ADMIN and no
 * user namespace), THROWAWAY_NOT_A_MOUNT when "/" is not a mount point
 * (a chroot: the container's mounts could not be kept from reaching the
 * host's, so none is made), -ETIMEDOUT after ms.
 */
int throwaway_run(const uint8_t *img, size_t n, const char *mnt, const char *argv0,
		  char *const envp[], int ms, char *out, size_t outlen,
		  char *err, size_t errlen);

#endif
