/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_SHIM_H
#define BSHIM_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "elf.h"
#include "format.h"
#include "goinfo.h"
#include "loadplan.h"
#include "pinned.h"
#include "route.h"

/* Defaults: lib/config.h (CONFIG_FILE_DEFAULT, CONFIG_LOG_DEFAULT,
 * CONFIG_SOCKET_DEFAULT), documented in docs/binfmt-shim.conf.5. */
#define SHIM_CONFIG_MAX (64 * 1024)	/* a config larger than this is an error */
#define SHIM_HEAD_SIZE 4096		/* first read of the binary */

enum shim_event { EV_EXEC, EV_DENY, EV_FAIL };

/* Why the shim will not run a binary: selects the diagnostic. */
enum shim_why {
	WHY_NONE = 0,
	WHY_USAGE,		/* run by hand without a binary */
	WHY_UNREADABLE,		/* cannot open or read the binary */
	WHY_NOT_ELF,		/* Mach-O, PE, script, ... */
	WHY_CORRUPT,		/* truncated or hostile ELF */
	WHY_NO_TARGET,		/* e_machine no QEMU target runs (x32, ...) */
	WHY_HOST_ARCH,		/* the host's own arch: the kernel refused it */
	WHY_COMPAT_OFF,		/* i386 on x86_64 with IA32 emulation off */
	WHY_DENIED,		/* policy = deny */
	WHY_NO_EMULATOR,
	WHY_EMULATOR_OUTSIDE,	/* on the host, not in this chroot/container */
	WHY_EMULATOR_NOEXEC,	/* exists, cannot be executed */
	WHY_NO_SYSROOT,		/* dynamic, loader in no sysroot */
	WHY_LOG_FAILED,		/* on_failure = deny and no record written */
	WHY_NO_PROC,		/* secure exec, /proc/self/fd not reachable */
	WHY_PINNED_NO_PROC,	/* no emulator here, and no /proc to read the
				 * one the registration may carry */
	WHY_PINNED_BAD,		/* the pinned file fails its checks */
};

/* How the emulator gets the process (shim/mapped.c). */
enum shim_handoff { HANDOFF_NONE = 0, HANDOFF_MAPPED, HANDOFF_EXECVE };

struct shim_emu {
	enum shim_handoff handoff;
	char why[160];		/* why execve, not mapped ("" when mapped) */
	/* The pinned file this shim runs from, when it is one
	 * (/proc/self/exe has a trailer for this arch). */
	bool pinned;
	bool have_trailer;	/* /proc/self/exe is a pinned file (any arch) */
	/* Its "/" is not the one register ran in: a chroot or container,
	 * where the host's log file and syslog are not reachable. */
	bool foreign_root;
	/* The emulator at pin.emu_path is no longer the one pinned (qemu
	 * was upgraded, register not run again): the pinned one still runs. */
	bool stale;
	int proc_err;		/* errno of opening /proc/self/exe, 0: fine */
	int map_err;		/* errno of a mapped hand-off that failed */
	char pinned_error[160];	/* why the pinned file was not used */
	struct pinned_info pin;
	/* What is mapped: fd (the pinned file, or the emulator's path
	 * opened), at base within it, size bytes. */
	int fd;
	uint64_t base, size;
	struct load_plan plan;
};

struct shim {
	/* What the kernel passed (argv, auxv). */
	int argc;
	char **argv;
	const char *path;	/* argv[1]: the binary as exec'd */
	const char *argv0;	/* P: the caller's argv[0]; else path */
	char **guest_args;	/* the guest's argv[1..] */
	int guest_argc;
	bool preserve_argv0;	/* AT_FLAGS_PRESERVE_ARGV0 */
	int execfd;		/* AT_EXECFD (O/C flag), -1 when absent */
	bool secure;		/* AT_SECURE */
	/* How the shim was reached, for the record's "via": "binfmt" (the
	 * kernel, through a registration), "exec" (the kernel, inside
	 * `binfmt-shim exec`), "run" (`binfmt-shim run`, no kernel). A label
	 * only: nothing else depends on it (shim/kernel.c). */
	const char *via;
	/* BINFMT_SHIM_VERIFY=1: a test run of `binfmt-shim verify`, marked
	 * "verify": true in its records. A label too, never for a secure
	 * exec, and it changes nothing else: the run is recorded as any. */
	bool verify_run;
	/* Who runs it: the ids from auxv (AT_UID, AT_EUID, AT_GID), read
	 * once; the record may be built three times (collector, file, syslog). */
	int pid, ppid;
	unsigned uid, euid, gid;
	unsigned long *auxv;	/* the kernel's auxv, after envp */

	/* Configuration (cfg itself is the last member: see there): the
	 * system file, and the caller's (BINFMT_SHIM_CONFIG) layered on it
	 * by config_merge. */
	const char *config_path;
	int config_rc;		/* 0, -ENOENT (defaults) or -errno */
	const char *uconfig_path;	/* NULL: none */
	int uconfig_rc;
	const char *log_path;	/* the system record's file */
	const char *user_log;	/* the caller's copy, NULL: none */

	/* The binary. */
	int fd;
	uint8_t head[SHIM_HEAD_SIZE];
	size_t head_len;
	struct format_info fmt;
	struct elf_info elf;
	int elf_rc;
	struct go_info go;
	bool go_inferred;	/* goos/goarch from the ELF header, not the build info */
	const struct arch *arch;
	char describe[256];	/* "ELF 64-bit LSB AArch64, ..." */

	/* Routing. */
	struct route route;
	struct shim_emu emu;
	char host_emulator[ROUTE_PATH_MAX];	/* WHY_EMULATOR_OUTSIDE */

	/* Outcome. */
	enum shim_event event;
	enum shim_why why;
	int err;		/* errno of the failure, when one */
	char reason[2048];	/* one sentence, also in the record */
	char fix[2048];		/* the command or setting that fixes it */

	/* Logging. */
	char sink_error[160];	/* why the file sink failed, "" if it did not */
	char collector_error[160];	/* why the collector did not take it */
	bool logged;		/* some sink took the record */
	const char *system_sink;	/* which: "collector", "file", "syslog" */
	bool warned_unrecorded;	/* the stderr warning is said once */

	/* Last, so the hot members above share few pages. */
	struct shim_config cfg;
	struct shim_config ucfg;	/* the caller's file, as parsed */
};

/* shim/kernel.c: argv and auxv as binfmt_misc lays them out. */
void shim_parse_args(struct shim *s, int argc, char **argv);

/* shim/kernel.c: the environment the emulator gets. Under AT_SECURE the
 * variables that would steer the emulator or the guest's loader are left
 * out; otherwise it is environ as is. */
char **shim_guest_env(const struct shim *s);

/* shim/kernel.c: open(2) with O_CLOEXEC, one system call (musl's open()
 * adds an fcntl for kernels older than 2.6.23). -1 and errno on failure. */
int shim_open(const char *path, int flags, unsigned mode);

/* shim/decide.c: config, probe, route; sets event/why/reason/fix. */
void shim_load_config(struct shim *s);
void shim_probe(struct shim *s);
void shim_route(struct shim *s);
/* What the file system has at path, for lib/route.h and lib/hostfix.h:
 * stat and access, as the kernel's exec would see it. */
enum route_stat shim_fs_stat(void *ctx, const char *path);

/* shim/mapped.c: find the emulator pinned with this shim (before
 * routing), choose the hand-off (after it), and carry out a mapped one:
 * returns only on failure, -errno, with nothing of the process changed
 * that an execve fallback would mind. */
void shim_pinned_open(struct shim *s);
void shim_pinned_probe(struct shim *s);
void shim_handoff_plan(struct shim *s);
int shim_handoff_mapped(struct shim *s, char **argv, char **envp);
const char *shim_handoff_name(enum shim_handoff h);

/* shim/tramp.c: a page that unmaps the shim's image, switches to sp and
 * jumps to entry; NULL when it cannot be made (the shim then stays). */
void *shim_tramp_prepare(uintptr_t sp, uintptr_t entry);
void shim_tramp_jump(void *t) __attribute__((noreturn));

/* shim/record.c: one JSON line to the log (file, else syslog). */
void shim_record(struct shim *s);

/* shim/collector.c: the record to binfmt-shimd ([log] socket) with the
 * binary's fd and a pidfd; 0 once it answered, else -errno with
 * collector_error set. */
int shim_collector_send(struct shim *s, const char *rec, size_t len);

/* shim/diag.c: the diagnostic on stderr. */
void shim_explain(struct shim *s);
void shim_diagnose(const struct shim *s);
void shim_warn_config(const struct shim *s);

#endif
