// SPDX-License-Identifier: GPL-2.0
/* Reading binfmt_shim's lines back from /dev/kmsg (see klog.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klog.h"

int kl_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* /dev/kmsg shows '\\' and unprintable bytes as \xNN: undo that in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
		    hexval(s[3]) >= 0) {
			*w++ = (char)(hexval(s[2]) << 4 | hexval(s[3]));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/*
 * Documentation/ABI/testing/dev-kmsg: one record per read(),
 * "prio,seq,usec,flags;text\n" followed by " KEY=value\n" lines, the text
 * escaped (\xNN); EPIPE when records were overwritten before we read
 * them, EAGAIN at the end.
 */
int kl_collect(int fd, const char *prefix, char lines[][KL_LINE_MAX], int max)
{
	char rec[8192], *text, *nl;
	size_t plen = strlen(prefix);
	int n = 0;
	ssize_t r;

	for (;;) {
		r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;
		if (r <= 0)
			break;
		rec[r] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		unescape(text);
		if (strncmp(text, prefix, plen))
			continue;
		if (n < max)
			snprintf(lines[n], KL_LINE_MAX, "%s", text);
		n++;
	}
	return n;
}

/* Copy from *p up to the next occurrence of sep (or the end if !sep). */
static int field(const char **p, const char *key, const char *sep,
		 char *out, size_t len)
{
	size_t klen = strlen(key), n;
	const char *end;

	if (strncmp(*p, key, klen))
		return -1;
	*p += klen;
	end = sep ? strstr(*p, sep) : *p + strlen(*p);
	if (!end)
		return -1;
	n = (size_t)(end - *p);
	if (n >= len)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p = end + (sep ? 1 : 0);
	return 0;
}

int kl_parse(const char *line, struct kl_fields *f)
{
	const char *p = line;
	char num[32];

	/* The observer's lines share the format; any prefix up to ": ". */
	p = strstr(line, ": exec failed: ");
	if (!p)
		return -1;
	p += strlen(": exec failed: ");
	/* path and comm may hold spaces: each field ends at " <next key>=". */
	if (field(&p, "path=", " pid=", f->path, sizeof(f->path)) ||
	    field(&p, "pid=", " comm=", num, sizeof(num)))
		return -1;
	f->pid = strtol(num, NULL, 10);
	if (field(&p, "comm=", " uid=", f->comm, sizeof(f->comm)) ||
	    field(&p, "uid=", " format=", num, sizeof(num)))
		return -1;
	f->uid = strtol(num, NULL, 10);
	if (field(&p, "format=", " arch=", f->format, sizeof(f->format)) ||
	    field(&p, "arch=", " host=", f->arch, sizeof(f->arch)) ||
	    field(&p, "host=", " hint=", f->host, sizeof(f->host)) ||
	    field(&p, "hint=", NULL, f->hint, sizeof(f->hint)))
		return -1;
	return 0;
}

int kl_write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}
