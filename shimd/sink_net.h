/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIMD_SINK_NET_H
#define BSHIMD_SINK_NET_H

#include <stddef.h>

#include "shimd.h"

#define JOURNALD_SOCKET "/run/systemd/journal/socket"
#define SYSLOG_SOCKET "/dev/log"

int sink_net_open(struct shimd *d);
/* One record as one datagram; 0 or -errno (never blocks). */
int sink_net_send(struct shimd *d, const char *rec, size_t len,
		  const struct rec_fields *f);
void sink_net_close(struct shimd *d);

/* The datagrams, built into buf; their length or -ENOSPC. Exposed for
 * the tests' reading of the formats. */
int journald_format(const char *rec, size_t len, const struct rec_fields *f,
		    char *buf, size_t cap);
int shimd_syslog_format(const char *rec, size_t len, const struct rec_fields *f,
			const char *host, int procid, char *buf, size_t cap);

#endif
