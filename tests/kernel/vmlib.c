// SPDX-License-Identifier: GPL-2.0
/* What the VM test programs do to the module and to exec (see vmlib.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "klog.h"
#include "vmlib.h"

const char *ko_path(void)
{
	const char *p = getenv("BSHIM_KO");

	return p ? p : "/lib/modules/binfmt_shim.ko";
}

int mod_load(const char *args)
{
	int fd = open(ko_path(), O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, args, 0);
	ret = ret && errno != EEXIST ? -errno : 0;
	close(fd);
	return ret;
}

/* rmmod, retried while an exec holds a reference (EAGAIN/EBUSY). */
int mod_unload(void)
{
	int i;

	for (i = 0; i < 5000; i++) {
		if (!syscall(SYS_delete_module, MOD_NAME, O_NONBLOCK) ||
		    errno == ENOENT)
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			return -errno;
		usleep(1000);
	}
	return -EBUSY;
}

int mod_reload(const char *args)
{
	int ret = mod_unload();

	return ret ? ret : mod_load(args);
}

long param_get(const char *name)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), PARAMS "%s", name);
	if (kl_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

int param_set(const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), PARAMS "%s", name);
	return kl_write_file(path, val, strlen(val));
}

/* An ELF header and nothing else: e_phentsize 0, so even a host-family
 * header fails in load_elf_phdrs() with ENOEXEC (fs/binfmt_elf.c). */
size_t make_elf(unsigned char *b, int cls, int data, int type,
		       int machine, unsigned int flags)
{
	int be = data == 2, i;
	size_t foff = cls == 2 ? 48 : 36, size = cls == 2 ? 64 : 52;

	memset(b, 0, 128);
	memcpy(b, "\177ELF", 4);
	b[4] = cls;
	b[5] = data;
	b[6] = 1;				/* EI_VERSION */
	b[16 + be] = type & 0xff;
	b[17 - be] = type >> 8;
	b[18 + be] = machine & 0xff;
	b[19 - be] = machine >> 8;
	b[be ? 23 : 20] = 1;			/* e_version */
	for (i = 0; i < 4; i++)
		b[foff + (be ? 3 - i : i)] = flags >> (8 * i);
	b[foff + 4 + be] = size;		/* e_ehsize */
	return 128;
}

int put_file(const char *path, const void *buf, size_t len, int mode)
{
	int fd, ret = 0;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len)
		ret = -EIO;
	close(fd);
	return ret ? ret : (chmod(path, mode) ? -errno : 0);
}

int put_elf(const char *path, int cls, int data, int type, int machine,
		   unsigned int flags)
{
	unsigned char b[128];

	return put_file(path, b, make_elf(b, cls, data, type, machine, flags),
			0755);
}


/* fork, set comm (and uid), execve; stdout/stderr to /dev/null. */
struct exec_res run_argv(const char *path, char *const argv[],
				const char *comm, uid_t uid)
{
	struct exec_res r = { .err = -1 };
	int pfd[2], e, null;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC))
		return r;
	r.pid = fork();
	if (r.pid == 0) {
		null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		prctl(PR_SET_NAME, comm);
		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(125);
		execv(path, argv);
		e = errno;
		n = write(pfd[1], &e, sizeof(e));
		_exit(n == sizeof(e) ? 127 : 126);
	}
	close(pfd[1]);
	n = read(pfd[0], &e, sizeof(e));
	close(pfd[0]);
	waitpid(r.pid, &r.status, 0);
	r.err = n == sizeof(e) ? e : 0;
	return r;
}

struct exec_res run_exec(const char *path, const char *comm, uid_t uid)
{
	char *const argv[] = { (char *)path, NULL };

	return run_argv(path, argv, comm, uid);
}

long slab_active(const char *cache)
{
	char buf[1 << 16], *p;
	size_t n = strlen(cache);

	if (kl_read_file("/proc/slabinfo", buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, cache, n) && p[n] == ' ')
			return strtol(p + n, NULL, 10);
	return -1;
}
