// SPDX-License-Identifier: GPL-2.0
/*
 * status: where the record of an exec by a user other than root lands.
 * The shim tries the collector socket, then the log file, then syslog
 * (shim/record.c), each as the user who ran the binary: the default log
 * is 0640 root, so without a listening collector (or a syslog daemon) the
 * execs of every other user are recorded nowhere, silently. A log made
 * writable for them would let each of them forge or truncate the others'
 * records: the answer is the collector, whose socket every user may use
 * and which trusts only what the kernel says about the sender.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "loader.h"

/* 0 when something accepts connections (type SOCK_SEQPACKET) or
 * datagrams (SOCK_DGRAM) at path, else -errno of the connect. */
static int probe_socket(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* Non-blocking: a full backlog says EAGAIN, and a listener it is.
	 * Closing at once leaves the collector an empty connection, which
	 * it frees without a record (shimd/conn.c). */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno != EAGAIN && errno != EINPROGRESS)
		err = -errno;
	close(fd);
	return err;
}

/* Whether users other than the owner and group may write path (connect
 * to a socket needs write permission on it, unix(7)). */
static bool others_write(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & S_IWOTH);
}

void sink_check(const struct shim_config *cfg, struct sink_check *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", cfg->socket);
	snprintf(c->log, sizeof(c->log), "%s", config_log_path(cfg, NULL));
	if (c->socket[0]) {
		c->sock_err = probe_socket(c->socket, SOCK_SEQPACKET);
		c->sock_others = others_write(c->socket);
	}
	/* A log that does not exist yet is created by the first shim, 0640
	 * and owned by whoever ran it: no place for the others either. */
	c->log_others = others_write(c->log);
	c->devlog = probe_socket("/dev/log", SOCK_DGRAM) == 0 && others_write("/dev/log");
	if (c->socket[0] && !c->sock_err && c->sock_others)
		c->where = "the collector";
	else if (c->log_others)
		c->where = "the log file";
	else if (c->devlog)
		c->where = "syslog (/dev/log)";
}

void sink_finding(const struct sink_check *c, const char *cfgpath, char *buf,
		  size_t len)
{
	char why[512];

	buf[0] = '\0';
	if (c->where)
		return;
	if (!c->socket[0])
		snprintf(why, sizeof(why), "no collector socket is configured "
			 "([log] socket in %s)", cfgpath);
	else if (!c->sock_err)
		snprintf(why, sizeof(why), "the collector socket %s is not "
			 "writable by them (systemd's binfmt-shimd.socket makes it 0666)",
			 c->socket);
	else if (c->sock_err == -ENOENT || c->sock_err == -ECONNREFUSED)
		snprintf(why, sizeof(why), "the collector socket %s is not listening",
			 c->socket);
	else
		snprintf(why, sizeof(why), "the collector socket %s: %s", c->socket,
			 strerror(-c->sock_err));
	snprintf(buf, len, "execs by users other than root are recorded nowhere: "
		 "%s, the log %s is not theirs to write and nothing takes syslog "
		 "on /dev/log (fix: systemctl enable --now binfmt-shimd.socket%s)",
		 why, c->log, c->socket[0] && !strcmp(c->socket, CONFIG_SOCKET_DEFAULT) ?
		 "" : ", with [log] socket = " CONFIG_SOCKET_DEFAULT);
}
