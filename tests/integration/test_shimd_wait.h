/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waiting for what the collector writes on its own time. Its exit and
 * hash records follow the exec record asynchronously (a pidfd's poll, a
 * hash read on a cold disk), so a test that stops the collector right
 * after its last exec and then counts them races the stop. It waits for
 * them instead: woken by inotify each time the log's directory changes
 * (a write, a rename by a SIGHUP test), the deadline only guards against
 * a hang. Include after shimdenv.h.
 */
#ifndef BSHIM_TEST_SHIMD_WAIT_H
#define BSHIM_TEST_SHIMD_WAIT_H

#include <limits.h>
#include <poll.h>
#include <sys/inotify.h>

#include "shimdenv.h"

/* Until pred holds for the records in path (parsed whole each time);
 * 1 when it did, 0 after deadline_ms. */
static inline int sd_wait_log(const char *path, int (*pred)(json_t **r, size_t n, void *arg),
			      void *arg, int deadline_ms)
{
	static json_t *r[32768];	/* a storm test's 5000 runs: 10000 records */
	char dir[PATH_MAX], *slash, ev[4096];
	double end = sd_now() + deadline_ms / 1000.0;
	int ifd, ok = 0, left;
	size_t n;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	/* Watched before the first look: a write in between still wakes us. */
	if (ifd >= 0 && inotify_add_watch(ifd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO |
					  IN_CLOSE_WRITE) < 0) {
		close(ifd);
		ifd = -1;
	}
	for (;;) {
		struct pollfd p = { .fd = ifd, .events = POLLIN };

		n = sd_read(path, r, sizeof(r) / sizeof(r[0]));
		ok = pred(r, n, arg);
		se_log_free(r, n);
		left = (int)((end - sd_now()) * 1000);
		if (ok || left <= 0)
			break;
		/* Without inotify (no watch left), look again every 50 ms. */
		if (ifd < 0)
			poll(NULL, 0, left < 50 ? left : 50);
		else if (poll(&p, 1, left) > 0)
			while (read(ifd, ev, sizeof(ev)) > 0)
				;
	}
	if (ifd >= 0)
		close(ifd);
	return ok;
}

struct sd_count_arg {
	const char *event;
	size_t want;
};

static inline int sd_has_count(json_t **r, size_t n, void *arg)
{
	const struct sd_count_arg *a = arg;

	return sd_count(r, n, a->event) >= a->want;
}

/* Until path holds at least want records of event: 1, or 0 after
 * deadline_ms. */
static inline int sd_wait_count(const char *path, const char *event, size_t want,
				int deadline_ms)
{
	struct sd_count_arg a = { event, want };

	return sd_wait_log(path, sd_has_count, &a, deadline_ms);
}

#endif
