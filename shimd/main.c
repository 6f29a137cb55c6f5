// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shimd: the audit collector of binfmt-shim (docs/binfmt-shimd.8).
 * main() is parse_args() -> run() -> exit code; everything else is in
 * the files shimd.h lists.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shimd.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
	fprintf(f,
		"usage: binfmt-shimd [-f] [--socket PATH] [--log PATH]\n"
		"                    [--sink file|journald|syslog] [--sink-socket PATH]\n"
		"                    [--fsync-every N] [--fsync-ms T] [--sha256]\n"
		"                    [--hash-max-size N] [--hash-max-ms T] [--no-seccomp]\n"
		"                    [--pinned-dir DIR] [--no-proc-events]\n"
		"  -f, --foreground    stay in the foreground (systemd runs it so too)\n"
		"  --socket PATH       listen here (default " SHIMD_SOCKET_DEFAULT ")\n"
		"  --log PATH          JSON Lines output (default " SHIMD_LOG_DEFAULT ")\n"
		"  --sink KIND         file (default), journald (native protocol),\n"
		"                      syslog (RFC 5424 on /dev/log)\n"
		"  --sink-socket PATH  the journald or syslog socket to send to\n"
		"  --fsync-every N     fdatasync after N records (default 100; 0: never)\n"
		"  --fsync-ms T        and at least every T ms (default 1000; 0: never)\n"
		"  --sha256            a \"hash\" record with the SHA-256 of each binary,\n"
		"                      read after its exec record (never delays a shim)\n"
		"  --hash-max-size N   do not hash files over N bytes (K, M, G, T: KiB...;\n"
		"                      default 1G)\n"
		"  --hash-max-ms T     give up on a file still being hashed after T ms\n"
		"                      (default 60000)\n"
		"  --pinned-dir DIR    the pinned files of binfmt-shim register (default\n"
		"                      " SHIMD_PINNED_DIR_DEFAULT ")\n"
		"  --no-proc-events    do not record foreign execs in containers (the\n"
		"                      process-event connector)\n"
		"  --no-seccomp        do not confine (debugging)\n"
		"  --version           print the version and exit\n");
}

static int number(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > 1000000000ul)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* A size in bytes, with an optional K, M, G or T (powers of 1024). */
static int size_arg(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	if (*end) {
		if (end[1] || !(u = strchr(units, *end)))
			return -EINVAL;
		if (v > (UINT64_MAX >> (10 * (u - units + 1))))
			return -EINVAL;
		v <<= 10 * (u - units + 1);
	}
	*out = v;
	return 0;
}

enum {
	O_SINK = 256, O_SINK_SOCKET, O_EVERY, O_MS, O_NOSEC, O_SHA256, O_SELFTEST, O_HASH_SIZE,
	O_HASH_MS, O_VERSION, O_PINNED_DIR, O_NO_PROC_EVENTS, O_PROC_RCVBUF, O_NO_PIDFD_EXIT
};

static const struct option opts[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "socket", required_argument, NULL, 's' },
	{ "log", required_argument, NULL, 'l' },
	{ "sink", required_argument, NULL, O_SINK },
	{ "sink-socket", required_argument, NULL, O_SINK_SOCKET },
	{ "fsync-every", required_argument, NULL, O_EVERY },
	{ "fsync-ms", required_argument, NULL, O_MS },
	{ "no-seccomp", no_argument, NULL, O_NOSEC },
	{ "sha256", no_argument, NULL, O_SHA256 },
	{ "hash-max-size", required_argument, NULL, O_HASH_SIZE },
	{ "hash-max-ms", required_argument, NULL, O_HASH_MS },
	{ "selftest-syscall", required_argument, NULL, O_SELFTEST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "pinned-dir", required_argument, NULL, O_PINNED_DIR },
	{ "no-proc-events", no_argument, NULL, O_NO_PROC_EVENTS },
	{ "proc-events-rcvbuf", required_argument, NULL, O_PROC_RCVBUF },
	{ "no-pidfd-exit-info", no_argument, NULL, O_NO_PIDFD_EXIT },
	{ 0 },
};

static void defaults(struct shimd_opts *o)
{
	o->socket_path = SHIMD_SOCKET_DEFAULT;
	o->log_path = SHIMD_LOG_DEFAULT;
	o->sink = SINK_FILE;
	o->fsync_every = 100;
	o->fsync_ms = 1000;
	o->seccomp = true;
	o->hash_max_size = 1ull << 30;
	o->hash_max_ms = 60000;
	o->pinned_dir = SHIMD_PINNED_DIR_DEFAULT;
	o->proc_events = true;
}

static int sink_arg(const char *arg, enum sink_kind *out)
{
	static const char *const sinks[] = {
		[SINK_FILE] = "file", [SINK_JOURNALD] = "journald", [SINK_SYSLOG] = "syslog",
	};
	unsigned k;

	for (k = 0; k < 3 && strcmp(arg, sinks[k]); k++)
		;
	if (k == 3) {
		fprintf(stderr, "binfmt-shimd: --sink %s: file, journald or syslog\n", arg);
		return -EINVAL;
	}
	*out = (enum sink_kind)k;
	return 0;
}

/* An option whose value is checked: 0, or -EINVAL once said why. */
static int checked_value(struct shimd_opts *o, int c, const char *arg)
{
	const char *bad = NULL;

	switch (c) {
	case O_SINK:
		return sink_arg(arg, &o->sink);
	case O_EVERY:
	case O_MS:
		if (number(arg, c == O_EVERY ? &o->fsync_every : &o->fsync_ms) < 0)
			bad = "number";
		break;
	case O_HASH_SIZE:
		if (size_arg(arg, &o->hash_max_size) < 0)
			bad = "size";
		break;
	case O_HASH_MS:
		if (number(arg, &o->hash_max_ms) < 0 || !o->hash_max_ms)
			bad = "time";
		break;
	case O_PINNED_DIR:
		if (arg[0] != '/') {
			fprintf(stderr, "binfmt-shimd: --pinned-dir %s: an absolute path\n", arg);
			return -EINVAL;
		}
		o->pinned_dir = arg;
		break;
	case O_PROC_RCVBUF:	/* tests: a buffer the kernel overflows */
		if (number(arg, &o->proc_rcvbuf) < 0)
			bad = "size";
		break;
	}
	if (bad) {
		fprintf(stderr, "binfmt-shimd: bad %s %s\n", bad, arg);
		return -EINVAL;
	}
	return 0;
}

static int parse_args(struct shimd_opts *o, int argc, char **argv)
{
	int c;

	defaults(o);
	while ((c = getopt_long(argc, argv, "fs:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 's':
			o->socket_path = optarg;
			break;
		case 'l':
			o->log_path = optarg;
			break;
		case O_SINK:
		case O_EVERY:
		case O_MS:
		case O_HASH_SIZE:
		case O_HASH_MS:
		case O_PINNED_DIR:
		case O_PROC_RCVBUF:
			if (checked_value(o, c, optarg) < 0)
				return -EINVAL;
			break;
		case O_SINK_SOCKET:
			o->sink_target = optarg;
			break;
		case O_NOSEC:
			o->seccomp = false;
			break;
		case O_SHA256:
			o->sha256 = true;
			break;
		case O_NO_PROC_EVENTS:
			o->proc_events = false;
			break;
		case O_NO_PIDFD_EXIT:	/* tests: the path of kernels before 6.15 */
			o->no_pidfd_exit = true;
			break;
		case O_SELFTEST:
			o->selftest_syscall = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case O_VERSION:
			printf("binfmt-shimd %s\n", BSHIM_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct shimd d;

	if (parse_args(&d.o, argc, argv) < 0)
		return EXIT_USAGE;
	/* Always in the foreground: systemd (Type=simple) and the tests want
	 * it so; -f is accepted for the habit. A daemon that must detach can
	 * be started with setsid(1) or by its service manager. */
	return shimd_run(&d) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
