/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PIDFD_GET_INFO ioctl ABI, from include/uapi/linux/pidfd.h (Linux
 * 6.13; PIDFD_INFO_EXIT and exit_code since 6.15), defined here because
 * Debian 12's headers (6.1) lack it. The kernel accepts any size from
 * PIDFD_INFO_SIZE_VER0 (64) on, taken from the ioctl number, so this
 * 64-byte layout works on every kernel that has the ioctl. exit_code is a
 * wait(2) status; it is filled once the process has been reaped.
 */
#ifndef BSHIMD_PIDFD_ABI_H
#define BSHIMD_PIDFD_ABI_H

#include <stdint.h>
#include <sys/ioctl.h>

#ifndef PIDFD_INFO_PID
#define PIDFD_INFO_PID		(1UL << 0)
#define PIDFD_INFO_CREDS	(1UL << 1)
#define PIDFD_INFO_CGROUPID	(1UL << 2)
#endif
#ifndef PIDFD_INFO_EXIT
#define PIDFD_INFO_EXIT		(1UL << 3)
#endif

struct pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid;
	uint32_t tgid;
	uint32_t ppid;
	uint32_t ruid;
	uint32_t rgid;
	uint32_t euid;
	uint32_t egid;
	uint32_t suid;
	uint32_t sgid;
	uint32_t fsuid;
	uint32_t fsgid;
	int32_t exit_code;
};

#ifndef PIDFS_IOCTL_MAGIC
#define PIDFS_IOCTL_MAGIC 0xFF
#endif
#undef PIDFD_GET_INFO
#define PIDFD_GET_INFO _IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info)

#endif
