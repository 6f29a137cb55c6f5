// SPDX-License-Identifier: GPL-2.0
/*
 * How binfmt_misc starts the interpreter (fs/binfmt_misc.c,
 * load_misc_binary):
 *   argv = [ interpreter, path, argv0 (P flag only), args... ]
 * Without P the kernel removed the caller's argv[0] (remove_arg_zero), so
 * the path stands in for it. Since Linux 5.12 the P flag is also visible
 * as AT_FLAGS bit 0 (AT_FLAGS_PRESERVE_ARGV0, include/uapi/linux/binfmts.h),
 * which is the only way to tell "P, argv0 = X" from "no P, argv[1] = X".
 * With O (and C, which implies it) the kernel opened the binary and passes
 * the fd as AT_EXECFD.
 */
#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

#ifndef AT_FLAGS_PRESERVE_ARGV0
#define AT_FLAGS_PRESERVE_ARGV0 1
#endif

/*
 * What a secure exec's emulator must not get from the caller, who is less
 * privileged than the process now is:
 *   - QEMU_*: qemu-user reads its options from these (linux-user/main.c,
 *     the QEMU_* names of arg_table: QEMU_LD_PREFIX, QEMU_LOG,
 *     QEMU_LOG_FILENAME, QEMU_STRACE, QEMU_GDB, QEMU_SET_ENV, ...), and
 *     the emulator would act on them with the binary's credentials;
 *   - what glibc's loader treats as unsafe for setuid programs
 *     (UNSECURE_ENVVARS in sysdeps/generic/unsecvars.h, glibc 2.36):
 *     GCONV_PATH GETCONF_DIR GLIBC_TUNABLES HOSTALIASES LD_AUDIT LD_DEBUG
 *     LD_DEBUG_OUTPUT LD_DYNAMIC_WEAK LD_HWCAP_MASK LD_LIBRARY_PATH
 *     LD_ORIGIN_PATH LD_PRELOAD LD_PROFILE LD_SHOW_AUXV LD_USE_LOAD_BIAS
 *     LOCALDOMAIN LOCPATH MALLOC_TRACE NIS_PATH NLSPATH RESOLV_HOST_CONF
 *     RES_OPTIONS TMPDIR TZDIR. The emulator is a static program that does
 *     not scrub for the guest, and the guest's own loader sees AT_SECURE
 *     only if the emulator passes it on, so the shim removes them; every
 *     LD_*, MALLOC_* and GLIBC_* goes, a superset of glibc's list.
 */
static const char *const unsafe_prefix[] = { "QEMU_", "LD_", "MALLOC_", "GLIBC_" };
static const char *const unsafe_name[] = {
	"GCONV_PATH", "GETCONF_DIR", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH",
	"NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR",
};

static int unsafe(const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv), i;

	for (i = 0; i < sizeof(unsafe_prefix) / sizeof(unsafe_prefix[0]); i++)
		if (!strncmp(kv, unsafe_prefix[i], strlen(unsafe_prefix[i])))
			return 1;
	for (i = 0; i < sizeof(unsafe_name) / sizeof(unsafe_name[0]); i++)
		if (strlen(unsafe_name[i]) == n && !memcmp(kv, unsafe_name[i], n))
			return 1;
	return 0;
}

char **shim_guest_env(const struct shim *s)
{
	extern char **environ;
	char **out;
	size_t n = 0, k = 0;

	if (!s->secure || !environ)
		return environ;
	while (environ[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (n = 0; environ[n]; n++)
		if (!unsafe(environ[n]))
			out[k++] = environ[n];
	out[k] = NULL;
	return out;
}

int shim_open(const char *path, int flags, unsigned mode)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC | O_LARGEFILE, mode);
}

/*
 * "via": `binfmt-shim run` execs the shim with argv[0] = SHIM_RUN_ARGV0
 * (the kernel's argv[0] is the registered interpreter, a path, and the
 * shim reads nothing else from it); `binfmt-shim exec` puts
 * BINFMT_SHIM_VIA=exec in the environment of the whole build. Both are the
 * caller's word and only label the record: they never change what runs
 * or where the record goes, and a secure exec ignores them. A kernel start
 * is recognisable only as such (AT_FLAGS P bit, AT_EXECFD), so a "run"
 * label on one of those is not believed.
 */
#define SHIM_RUN_ARGV0 "binfmt-shim run"

static const char *via(const struct shim *s, char **argv)
{
	const char *e;

	if (s->secure)
		return "binfmt";
	if (argv[0] && !strcmp(argv[0], SHIM_RUN_ARGV0) && !s->preserve_argv0 &&
	    s->execfd < 0)
		return "run";
	e = getenv("BINFMT_SHIM_VIA");
	return e && !strcmp(e, "exec") ? "exec" : "binfmt";
}

void shim_parse_args(struct shim *s, int argc, char **argv)
{
	char **p = argv + argc + 1;
	unsigned long v;

	s->argc = argc;
	s->argv = argv;
	/* The auxv follows envp's NULL on the stack the kernel built
	 * (create_elf_tables): the mapped hand-off copies it. */
	while (*p)
		p++;
	s->auxv = (unsigned long *)(p + 1);
	s->execfd = -1;
	s->fd = -1;
	s->emu.fd = -1;
	s->secure = getauxval(AT_SECURE) != 0;
	s->preserve_argv0 = (getauxval(AT_FLAGS) & AT_FLAGS_PRESERVE_ARGV0) != 0;
	s->uid = (unsigned)getauxval(AT_UID);
	s->euid = (unsigned)getauxval(AT_EUID);
	s->gid = (unsigned)getauxval(AT_GID);
	s->pid = (int)getpid();
	s->ppid = (int)getppid();

	/* getauxval returns 0 both for "absent" and for fd 0: errno tells. */
	errno = 0;
	v = getauxval(AT_EXECFD);
	if (errno == 0 && v <= (unsigned long)INT32_MAX)
		s->execfd = (int)v;
	s->via = via(s, argv);

	if (argc < 2) {
		/* Nothing to hand off: a refusal, not a run (it was planned
		 * and recorded as one, and said "/proc is not mounted"). */
		s->why = WHY_USAGE;
		s->event = EV_FAIL;
		return;
	}
	s->path = argv[1];
	if (s->preserve_argv0 && argc >= 3) {
		s->argv0 = argv[2];
		s->guest_args = argv + 3;
		s->guest_argc = argc - 3;
	} else {
		s->preserve_argv0 = false;
		s->argv0 = argv[1];
		s->guest_args = argv + 2;
		s->guest_argc = argc - 2;
	}
	/* The emulator must not inherit the kernel's fd. */
	if (s->execfd >= 0)
		fcntl(s->execfd, F_SETFD, FD_CLOEXEC);
}
