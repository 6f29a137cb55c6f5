// SPDX-License-Identifier: GPL-2.0
/*
 * The datagram sinks, the way fleets ship logs (docs/fleet.md):
 *
 * journald, native protocol (systemd.journal-fields(7), "Native Journal
 * Protocol" in systemd's docs): one datagram on
 * /run/systemd/journal/socket of KEY=VALUE lines; a value that holds a
 * newline is sent as KEY '\n' <64-bit little-endian length> VALUE '\n'.
 * MESSAGE is the JSON record; BINFMT_SHIM_* fields index it, so
 * `journalctl BINFMT_SHIM_EVENT=exit` or journal-remote filters need no
 * JSON parser.
 *
 * syslog, RFC 5424 over a Unix datagram socket (/dev/log; rsyslog's
 * imuxsock reads it, Vector's syslog source too):
 *   <PRI>1 TIMESTAMP HOSTNAME binfmt-shimd PROCID MSGID [SD] MSG
 * PRI = facility authpriv (10) * 8 + severity info (6) = 86 (RFC 5424
 * section 6.2.1); MSGID the event; the structured data element
 * binfmt-shim@32473 (32473 is the enterprise number RFC 5612 reserves for
 * documentation) carries id, uid, pid, arch; MSG the JSON record.
 *
 * Sends are non-blocking: a full socket fails the send, and the caller
 * answers 'R' (the shim logs the record itself) or counts it lost.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sink_net.h"

static char hostname[256] = "-";
static struct sockaddr_un target = { .sun_family = AF_UNIX };

static int put(char *buf, size_t cap, size_t *off, const void *p, size_t n)
{
	if (n > cap - *off)
		return -ENOSPC;
	memcpy(buf + *off, p, n);
	*off += n;
	return 0;
}

static int field(char *buf, size_t cap, size_t *off, const char *key,
		 const char *val, size_t n)
{
	uint64_t le = 0;
	unsigned i;
	int err = 0;

	if (!memchr(val, '\n', n)) {
		err |= put(buf, cap, off, key, strlen(key));
		err |= put(buf, cap, off, "=", 1);
		err |= put(buf, cap, off, val, n);
		return err | put(buf, cap, off, "\n", 1);
	}
	for (i = 0; i < 8; i++)
		((uint8_t *)&le)[i] = (uint8_t)((uint64_t)n >> (8 * i));
	err |= put(buf, cap, off, key, strlen(key));
	err |= put(buf, cap, off, "\n", 1);
	err |= put(buf, cap, off, &le, 8);
	err |= put(buf, cap, off, val, n);
	return err | put(buf, cap, off, "\n", 1);
}

static int sfield(char *buf, size_t cap, size_t *off, const char *key, const char *val)
{
	return val && *val ? field(buf, cap, off, key, val, strlen(val)) : 0;
}

static int nfield(char *buf, size_t cap, size_t *off, const char *key, long long v)
{
	char num[32];

	if (v < 0)
		return 0;
	snprintf(num, sizeof(num), "%lld", v);
	return sfield(buf, cap, off, key, num);
}

int journald_format(const char *rec, size_t len, const struct rec_fields *f,
		    char *buf, size_t cap)
{
	size_t off = 0;
	int err = 0;

	if (len && rec[len - 1] == '\n')
		len--;
	err |= field(buf, cap, &off, "MESSAGE", rec, len);
	err |= sfield(buf, cap, &off, "PRIORITY", "6");
	err |= sfield(buf, cap, &off, "SYSLOG_FACILITY", "10");
	err |= sfield(buf, cap, &off, "SYSLOG_IDENTIFIER", "binfmt-shimd");
	err |= sfield(buf, cap, &off, "BINFMT_SHIM_EVENT", f->event);
	err |= sfield(buf, cap, &off, "BINFMT_SHIM_ID", f->id);
	err |= sfield(buf, cap, &off, "BINFMT_SHIM_ARCH", f->arch);
	err |= sfield(buf, cap, &off, "BINFMT_SHIM_PATH", f->path);
	err |= nfield(buf, cap, &off, "BINFMT_SHIM_PID", f->pid);
	err |= nfield(buf, cap, &off, "BINFMT_SHIM_UID", f->uid);
	return err ? -ENOSPC : (int)off;
}

/* RFC 5424 section 6.3.3: '"', '\' and ']' are escaped in PARAM-VALUE. */
static int sd_param(char *buf, size_t cap, size_t *off, const char *name, const char *v)
{
	int err = 0;

	if (!v || !*v)
		return 0;
	err |= put(buf, cap, off, " ", 1);
	err |= put(buf, cap, off, name, strlen(name));
	err |= put(buf, cap, off, "=\"", 2);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			err |= put(buf, cap, off, "\\", 1);
		err |= put(buf, cap, off, v, 1);
	}
	return err | put(buf, cap, off, "\"", 1);
}

int syslog5424_format(const char *rec, size_t len, const struct rec_fields *f,
		      const char *host, int procid, char *buf, size_t cap)
{
	char head[512], now[64], num[32];
	size_t off = 0;
	int n, err = 0;

	if (len && rec[len - 1] == '\n')
		len--;
	shimd_rfc3339(now, sizeof(now));
	/* MSGID is 1*32PRINTUSASCII (section 6.2.7): the event names are. */
	n = snprintf(head, sizeof(head), "<86>1 %s %.255s binfmt-shimd %d %.32s [binfmt-shim@32473",
		     now, host && *host ? host : "-", procid,
		     f->event && *f->event ? f->event : "-");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -ENOSPC;
	err |= put(buf, cap, &off, head, (size_t)n);
	err |= sd_param(buf, cap, &off, "id", f->id);
	if (f->uid >= 0) {
		snprintf(num, sizeof(num), "%lld", f->uid);
		err |= sd_param(buf, cap, &off, "uid", num);
	}
	if (f->pid >= 0) {
		snprintf(num, sizeof(num), "%lld", f->pid);
		err |= sd_param(buf, cap, &off, "pid", num);
	}
	err |= sd_param(buf, cap, &off, "arch", f->arch);
	err |= put(buf, cap, &off, "] ", 2);
	err |= put(buf, cap, &off, rec, len);
	return err ? -ENOSPC : (int)off;
}

int sink_net_open(struct shimd *d)
{
	const char *path = d->o.sink_target ? d->o.sink_target :
			   d->o.sink == SINK_JOURNALD ? JOURNALD_SOCKET : SYSLOG_SOCKET;

	if (strlen(path) >= sizeof(target.sun_path))
		return -ENAMETOOLONG;
	memcpy(target.sun_path, path, strlen(path) + 1);
	if (gethostname(hostname, sizeof(hostname) - 1) < 0)
		snprintf(hostname, sizeof(hostname), "-");
	d->net_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return d->net_fd < 0 ? -errno : 0;
}

int sink_net_send(struct shimd *d, const char *rec, size_t len,
		  const struct rec_fields *f)
{
	static char buf[SHIMD_REC_MAX + 4096];
	int n;

	if (d->o.sink == SINK_JOURNALD)
		n = journald_format(rec, len, f, buf, sizeof(buf));
	else
		n = syslog5424_format(rec, len, f, hostname, (int)getpid(), buf, sizeof(buf));
	if (n < 0)
		return n;
	if (sendto(d->net_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (struct sockaddr *)&target, sizeof(target)) < 0)
		return -errno;
	return 0;
}

void sink_net_close(struct shimd *d)
{
	if (d->net_fd >= 0)
		close(d->net_fd);
}
