// SPDX-License-Identifier: GPL-2.0
/* Programs run on a pseudo-terminal (ptyrun.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ptyrun.h"

#define PTY_DEADLINE_MS 120000

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pty_run(char *const argv[], char *out, size_t outlen, size_t *got)
{
	struct termios tio;
	long long end = now_ms() + PTY_DEADLINE_MS;
	size_t used = 0;
	int master, slave, st, err = 0;
	char sink[4096], *name;
	pid_t pid;
	ssize_t n;

	out[0] = '\0';
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (grantpt(master) < 0 || unlockpt(master) < 0 || !(name = ptsname(master))) {
		err = -errno;
		close(master);
		return err;
	}
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0 || tcgetattr(slave, &tio) < 0) {
		err = -errno;
		goto out;
	}
	/* The bytes as written: no "\n" -> "\r\n" on the way out. */
	tio.c_oflag &= ~(tcflag_t)OPOST;
	if (tcsetattr(slave, TCSANOW, &tio) < 0) {
		err = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(slave);
	slave = -1;
	/* Read until the last holder of the slave closes it (EIO), the
	 * deadline only guards against a hang. */
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		long long left = end - now_ms();

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!p.revents)
			continue;
		if (used + 1 < outlen)
			n = read(master, out + used, outlen - 1 - used);
		else
			n = read(master, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* EIO: every slave fd is closed */
		if (used + 1 < outlen)
			used += (size_t)n;
	}
	out[used] = '\0';
	if (got)
		*got = used;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			err = -errno;
			goto out;
		}
	close(master);
	return st;
out:
	if (slave >= 0)
		close(slave);
	close(master);
	return err;
}

long pty_first_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ||
		    (c >= 0x80 && c <= 0x9f))
			return (long)i;
	}
	return -1;
}
