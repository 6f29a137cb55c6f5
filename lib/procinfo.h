/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the collector reads of a process in a container, from the text of
 * its /proc files (shimd/procwatch.c reads them; the unit test and the
 * fuzzer pass bytes). Pure: no I/O (lib/ convention). The bytes are the
 * kernel's, but a process chooses some of them (its command line, a
 * cgroup's name): nothing here trusts a length, a terminator or a digit.
 */
#ifndef BSHIM_PROCINFO_H
#define BSHIM_PROCINFO_H

#include <stddef.h>

/* Pid namespaces nested deeper than this are cut (the kernel allows 32). */
#define PROCINFO_NSPID_MAX 33

/*
 * The "NSpid:" line of /proc/<pid>/status: the process's pid in each pid
 * namespace from the reader's down to its own (proc(5)). Fills pids[0..]
 * (at most max), returns how many, -ENOENT when there is no such line
 * (kernels before 4.1), -EINVAL when it is not a list of decimal pids.
 */
int procinfo_nspid(const char *status, size_t len, long long *pids, int max);

/*
 * The first (real) id of the "Uid:" or "Gid:" line (key without the
 * colon), in the reader's user namespace. 0, -ENOENT, or -EINVAL.
 */
int procinfo_id(const char *status, size_t len, const char *key, unsigned long long *id);

/*
 * The cgroup path of /proc/<pid>/cgroup, where docker, podman and systemd
 * name a container: the unified hierarchy's line ("0::<path>", cgroup
 * v2), else name=systemd's, else the first other line's, each taken only
 * when its path is not "/" (a hybrid host keeps the unified line at "/"
 * while the v1 lines name the container); all "/": "/". *path points into text (not NUL-terminated);
 * returns 0, or -ENOENT when no line has the three fields.
 */
int procinfo_cgroup(const char *text, size_t len, const char **path, size_t *plen);

/*
 * The n-th string of /proc/<pid>/cmdline (NUL-separated; the last may
 * lack its NUL when the read was cut). 0, or -ENOENT when there are not
 * that many. procinfo_argc counts them.
 */
int procinfo_arg(const char *cmdline, size_t len, unsigned n, const char **arg, size_t *alen);
unsigned procinfo_argc(const char *cmdline, size_t len);

#endif
