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
#include "syslog5424.h"

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

static int cfield(char *buf, size_t cap, size_t *off, const char *key, const char *val)
{
	return val && *val ? field(buf, cap, off, key, val, strnlen(val, SHIMD_FIELD_MAX)) : 0;
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
	/* A client's arch and path: indexes, cut at SHIMD_FIELD_MAX (a real
	 * shim's cap); MESSAGE holds them whole. */
	err |= cfield(buf, cap, &off, "BINFMT_SHIM_ARCH", f->arch);
	err |= cfield(buf, cap, &off, "BINFMT_SHIM_PATH", f->path);
	err |= nfield(buf, cap, &off, "BINFMT_SHIM_PID", f->pid);
	err |= nfield(buf, cap, &off, "BINFMT_SHIM_UID", f->uid);
	return err ? -ENOSPC : (int)off;
}

/* The RFC 5424 datagram: every header field and PARAM-VALUE checked or
 * escaped by lib/syslog5424.c, since the event and the arch may be a
 * client's words. */
int shimd_syslog_format(const char *rec, size_t len, const struct rec_fields *f,
			const char *host, int procid, char *buf, size_t cap)
{
	char now[64], pid[32], uid[32], procid_s[32];
	struct syslog5424_param params[] = {
		{ "id", f->id }, { "uid", NULL }, { "pid", NULL }, { "arch", f->arch },
	};
	struct syslog5424 m = {
		.pri = 86, .timestamp = now, .hostname = host, .app_name = "binfmt-shimd",
		.procid = procid_s, .msgid = f->event, .sd_id = "binfmt-shim@32473",
		.params = params, .nparams = sizeof(params) / sizeof(params[0]),
		.msg = rec, .msg_len = len,
	};

	shimd_rfc3339(now, sizeof(now));
	snprintf(procid_s, sizeof(procid_s), "%d", procid);
	if (f->uid >= 0) {
		snprintf(uid, sizeof(uid), "%lld", f->uid);
		params[1].value = uid;
	}
	if (f->pid >= 0) {
		snprintf(pid, sizeof(pid), "%lld", f->pid);
		params[2].value = pid;
	}
	return syslog5424_format(&m, buf, cap);
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
	static char buf[SHIMD_DGRAM_MAX];
	int n;

	if (d->o.sink == SINK_JOURNALD)
		n = journald_format(rec, len, f, buf, sizeof(buf));
	else
		n = shimd_syslog_format(rec, len, f, hostname, (int)getpid(), buf, sizeof(buf));
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
