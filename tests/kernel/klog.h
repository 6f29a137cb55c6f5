/* SPDX-License-Identifier: GPL-2.0 */
/* Reading binfmt_shim's lines back from the kernel log (/dev/kmsg). */
#ifndef BSHIM_KLOG_H
#define BSHIM_KLOG_H

#include <stddef.h>
#include <sys/types.h>

/* The line format, docs/binfmt_shim.4. */
#define KL_PREFIX	"binfmt_shim: exec failed: "
#define KL_LINE_MAX	1024

struct kl_fields {
	char path[512];
	long pid;
	char comm[64];
	long uid;
	char format[16];
	char arch[32];
	char host[32];
	char hint[320];
};

/* /dev/kmsg, non-blocking, positioned after the last record: fd or -1. */
int kl_open(void);

/*
 * Read every record logged since kl_open() (or the last call) and copy the
 * message text of those starting with prefix into lines[]. Returns how
 * many matched (may exceed max; only max are copied).
 */
int kl_collect(int fd, const char *prefix, char lines[][KL_LINE_MAX], int max);

/* Split one "exec failed" line into its fields: 0, or -1 if malformed. */
int kl_parse(const char *line, struct kl_fields *f);

/* Small file helpers: length read (NUL-terminated) / 0 written, or -errno.
 * The reader is the CLI's own (loader/files.c, built in by scripts/vmtest
 * as the Makefile links it into the host's tests). */
long read_small(const char *path, char *buf, size_t len);
static inline long kl_read_file(const char *path, char *buf, size_t len)
{
	return read_small(path, buf, len);
}
int kl_write_file(const char *path, const char *buf, size_t len);

#endif
