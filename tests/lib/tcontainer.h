/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pieces of a test container: what the container tests and the exec
 * bench build to run foreign programs where no emulator and no
 * binfmt-shim file exist (README "Containers"). A root directory holding
 * only a static busybox (and what the caller copies in), entered in a
 * new mount (+ PID) namespace by chroot or pivot_root, with /proc
 * mounted or not; the command's output read back through pipes.
 * The callers keep their own fork/namespace choreography (each reports
 * other things back); these are the steps they share.
 */
#ifndef BSHIM_TCONTAINER_H
#define BSHIM_TCONTAINER_H

#include <stddef.h>
#include <sys/types.h>

/*
 * scripts/run-tests runs the shim's tests again with the rig switch
 * BINFMT_SHIM_HANDOFF=execve exported. A shim inside a container reads
 * the container's shim.conf, so for the switch to count there the
 * container gets the rig's one ([users] override = yes, tc_rig_config),
 * and the host's /usr/bin bound in for the runs with /proc: an execve of
 * the emulator needs it inside, as before the emulator was pinned.
 * True when that pass is on.
 */
int tc_forced_execve(void);

/* What a container test needs on the host: /usr/bin/qemu-<arch>-static
 * for arches[0..n) (the comparison) and /bin/busybox (the container's
 * userland). 0, or 1 with why[] saying what to install (SKIP with it). */
int tc_missing(const char *const arches[], size_t n, char *why, size_t len);

/* Copy the host file src to root/dst (root "" for a full path dst) with
 * mode (chmod'ed after, so setuid bits stand). 0 or -errno. */
int tc_copy_in(const char *root, const char *src, const char *dst, mode_t mode);

/* Make the directories dirs[0..n) below root (which exists; mode 0755),
 * then /bin/busybox from the host's /bin/busybox and /bin/sh -> busybox
 * (dirs must include /bin). 0 or -errno. */
int tc_make_root(const char *root, const char *const dirs[], size_t n);

/* Write TL_RIG_CONFIG to root/etc/binfmt-shim/shim.conf (the directory
 * exists). 0 or -errno. */
int tc_rig_config(const char *root);

/* In the container's first process, after unshare(CLONE_NEWNS[|NEWPID]):
 * make every mount private (nothing propagates back to the caller), then
 * when proc is set mount a proc of its own at root/proc (for the PID
 * namespace the caller is in). 0 or -errno. */
int tc_private_proc(const char *root, int proc);

/* Make root the process's root: chroot, or (pivot) pivot_root as
 * container runtimes do, the old root detached. root must be a mount
 * point for pivot_root. 0 or -errno. */
int tc_enter_root(const char *root, int pivot);

/* Write s to the existing file path (a uid_map, a binfmt_misc entry).
 * 0 or -errno. */
int tc_write_str(const char *path, const char *s);

/* The command's stdin, stdout and stderr: three pipes, [0] the read end. */
struct tc_stdio {
	int in[2], out[2], err[2];
};

/* Make the pipes (O_CLOEXEC). 0 or -errno. */
int tc_stdio_open(struct tc_stdio *p);

/* In the forked child: close the caller's ends. A write end of stdin
 * held there would keep the command's read from ever seeing EOF. */
void tc_stdio_child(struct tc_stdio *p);

/* In the command, before execv: the pipes become fds 0, 1 and 2. */
void tc_stdio_dup(const struct tc_stdio *p);

/* In the caller: close the command's ends, write in (if any) to its
 * stdin and close that, then read stdout and stderr to EOF into out and
 * err (tc_drain). */
void tc_stdio_collect(struct tc_stdio *p, const char *in, char *out, size_t outlen,
		      char *err, size_t errlen);

/* Read fd to EOF into buf (at most len - 1 bytes kept, NUL-terminated;
 * the rest read and dropped so the writer never blocks), then close it. */
void tc_drain(int fd, char *buf, size_t len);

#endif
