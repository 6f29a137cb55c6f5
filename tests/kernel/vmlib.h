/* SPDX-License-Identifier: GPL-2.0 */
/* What the VM test programs do to the module and to exec: load, unload,
 * parameters, hand-made files, execs with a chosen comm and uid. */
#ifndef BSHIM_VMLIB_H
#define BSHIM_VMLIB_H

#include <stddef.h>
#include <sys/types.h>

#define MOD_NAME	"binfmt_shim"
#define PARAMS		"/sys/module/binfmt_shim/parameters/"

/* $BSHIM_KO, default /lib/modules/binfmt_shim.ko (the initramfs). */
const char *ko_path(void);

/* finit_module / delete_module (retried while busy): 0 or -errno. An
 * already loaded module counts as loaded. */
int mod_load(const char *args);
int mod_unload(void);
int mod_reload(const char *args);

/* /sys/module/binfmt_shim/parameters/<name>: value or -1 / 0 or -errno. */
long param_get(const char *name);
int param_set(const char *name, const char *val);

/*
 * An ELF header and nothing else (128 bytes into b, returned): e_phentsize
 * 0, so even a host-family header fails in load_elf_phdrs() with ENOEXEC
 * (fs/binfmt_elf.c).
 */
size_t make_elf(unsigned char *b, int cls, int data, int type, int machine,
		unsigned int flags);
/* Write a file with that mode (replacing any): 0 or -errno. */
int put_file(const char *path, const void *buf, size_t len, int mode);
int put_elf(const char *path, int cls, int data, int type, int machine,
	    unsigned int flags);

struct exec_res {
	int err;	/* errno of execve, 0 when it ran */
	int status;	/* wait status */
	pid_t pid;
};

/* fork, set comm (and uid unless 0), execve with stdout/stderr to
 * /dev/null, wait. */
struct exec_res run_argv(const char *path, char *const argv[],
			 const char *comm, uid_t uid);
struct exec_res run_exec(const char *path, const char *comm, uid_t uid);

/* active_objs of a /proc/slabinfo cache, -1 if unknown. */
long slab_active(const char *cache);

#endif
