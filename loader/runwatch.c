// SPDX-License-Identifier: GPL-2.0
/*
 * The watch of `binfmt-shim run` for nested foreign execs.
 *
 * qemu-user runs a guest's execve as a host execve of the same path
 * (linux-user/syscall.c, do_execve: safe_execve on the guest's strings).
 * With no binfmt_misc entry for the target's arch the kernel finds no
 * handler and the guest sees ENOEXEC, "Exec format error", which says
 * nothing about why. The watch notices exactly that case and says it once
 * on the failing process's stderr:
 *
 *   binfmt-shim run: ./t ran the foreign aarch64 binary ./helper, which
 *   the kernel cannot run without binfmt_misc (nested exec): run the
 *   whole build under `binfmt-shim exec -- ...` instead
 *
 * How, cheaply: a seccomp filter on this process (inherited by all it
 * starts) answers SECCOMP_RET_TRACE for execve and execveat only and
 * SECCOMP_RET_ALLOW for everything else, so the tracer is woken at an
 * exec and at no other syscall (the way strace --seccomp-bpf works). At
 * that stop it keeps the arguments (PTRACE_GET_SYSCALL_INFO) and asks for
 * the syscall-exit stop (PTRACE_SYSCALL); there, -ENOEXEC on an ELF whose
 * arch the host cannot run is the nested exec. A successful exec ends in
 * PTRACE_EVENT_EXEC instead and is let go. The first execs (run -> shim ->
 * qemu) are host programs and succeed, so they are never reported.
 *
 * Who traces: not run itself but a grandchild of it ("the watcher"),
 * which seizes run (PTRACE_SEIZE) before run execs the shim. So run keeps
 * its PID and becomes the shim and then qemu as before: the build tool's
 * wait, its signals and the terminal's reach the guest directly, and the
 * exit status is the guest's, with nothing to forward. The watcher is a
 * session of its own (setsid: no terminal signal reaches it), ignores
 * the catchable signals, holds none of run's files (stdio is /dev/null;
 * the diagnostic is written to the failing process's own fd 2, fetched
 * with pidfd_getfd), and exits when the last traced process has.
 *
 * What the watch costs and changes (docs/cross-runners.md has the figure):
 *  - every process and thread the guest starts is traced too
 *    (PTRACE_O_TRACEFORK/VFORK/CLONE), because a task under a RET_TRACE
 *    filter without a tracer gets ENOSYS from every exec (seccomp(2));
 *    each fork, exec and signal is one round trip through the watcher;
 *  - a program under the watch cannot be ptraced by another (a native
 *    strace or gdb the guest starts); BINFMT_SHIM_RUN_WATCH=0 turns the
 *    watch off;
 *  - a filter needs CAP_SYS_ADMIN or no_new_privs (seccomp(2)); without
 *    the capability run sets no_new_privs, so a set-user-ID program the
 *    guest starts gets no privileges, which being traced by an
 *    unprivileged watcher already implies (ptrace(2), execve under
 *    ptrace);
 *  - if the watcher is killed (SIGKILL), later execs in the guest fail
 *    with ENOSYS: the filter outlives its tracer.
 * Where ptrace is refused (Yama ptrace_scope 2 or 3, run already traced,
 * a container's profile) or the filter cannot be installed, run goes on
 * without the watch and says nothing: the guest runs exactly as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader.h"
#include "runwatch.h"

/* The filter checks the arch of the syscall (seccomp(2): a filter that
 * does not can be bypassed through another ABI); only the host's own is
 * watched, and on hosts not listed here there is no watch. */
#if defined(__x86_64__)
#define WATCH_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define WATCH_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define WATCH_ARCH AUDIT_ARCH_I386
#elif defined(__riscv) && __riscv_xlen == 64
#define WATCH_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WATCH_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define WATCH_ARCH AUDIT_ARCH_S390X
#endif

#define WATCH_OPTS (PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK | \
		    PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACESYSGOOD)

#ifdef WATCH_ARCH

/* A task between the seccomp stop of its exec and the exit stop. */
struct pending {
	pid_t tid;
	bool execveat;
	uint64_t dirfd, path, flags;
};

struct watch {
	const char *guest;
	bool said;
	struct pending *p;
	size_t n, cap;
};

static struct pending *pending_find(struct watch *w, pid_t tid)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->p[i].tid == tid)
			return &w->p[i];
	return NULL;
}

static void pending_drop(struct watch *w, pid_t tid)
{
	struct pending *e = pending_find(w, tid);

	if (e)
		*e = w->p[--w->n];
}

static void pending_add(struct watch *w, const struct pending *e)
{
	struct pending *q;

	pending_drop(w, e->tid);
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;

		q = realloc(w->p, cap * sizeof(*q));
		if (!q)
			return;		/* this exec goes unwatched */
		w->p = q;
		w->cap = cap;
	}
	w->p[w->n++] = *e;
}

/* The NUL-terminated string at addr in tid's memory: its length, or -1. */
static ssize_t read_string(pid_t tid, uint64_t addr, char *buf, size_t len)
{
	char mem[64];
	ssize_t n;
	int fd;

	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)tid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* A short read stops at an unmapped page; the NUL must be in it. */
	n = pread(fd, buf, len - 1, (off_t)addr);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	n = (ssize_t)strlen(buf);
	return (size_t)n < len - 1 ? n : -1;
}

/* The file the failed exec named, seen from the task: its root for an
 * absolute path, its cwd or dirfd for a relative one. */
static void task_path(pid_t tid, const struct pending *e, const char *path, char *buf,
		      size_t len)
{
	int dirfd = (int)e->dirfd;

	if (e->execveat && !*path && (e->flags & AT_EMPTY_PATH))
		snprintf(buf, len, "/proc/%d/fd/%d", (int)tid, dirfd);
	else if (path[0] == '/')
		snprintf(buf, len, "/proc/%d/root%s", (int)tid, path);
	else if (!e->execveat || dirfd == AT_FDCWD)
		snprintf(buf, len, "/proc/%d/cwd/%s", (int)tid, path);
	else
		snprintf(buf, len, "/proc/%d/fd/%d/%s", (int)tid, dirfd, path);
}

/* The arch of an ELF the host cannot run itself, NULL for anything else. */
static const struct arch *foreign_elf(const char *file)
{
	const struct arch *a = NULL;
	struct probe *p;
	char self[64];
	struct stat st;
	int fd;

	/* O_NONBLOCK: never hang on a FIFO put there since. */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (p && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && probe_file(self, p) == 0 &&
	    p->is_elf && p->elf_err == 0 && p->ei.arch && p->ei.arch != arch_host())
		a = p->ei.arch;
	free(p);
	close(fd);
	return a;
}

/* The diagnostic, on the failing task's own stderr (where the guest's
 * "Exec format error" goes too). */
static void say(struct watch *w, pid_t tid, const char *path, const struct arch *a)
{
	int pidfd, fd = -1;

	pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
	if (pidfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, 2, 0);
		close(pidfd);
	}
	if (fd < 0) {
		char p[64];

		/* Before Linux 5.6: a new open of the same file. */
		snprintf(p, sizeof(p), "/proc/%d/fd/2", (int)tid);
		fd = open(p, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0)
		return;
	dup2(fd, 2);
	close(fd);
	fprintf(stderr, "%s run: %s ran the foreign %s binary %s, which the kernel "
		"cannot run without binfmt_misc (nested exec): run the whole build "
		"under `%s exec -- ...` instead\n", prog_name, T(w->guest), a->name,
		T(path), prog_name);
	fflush(stderr);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
	w->said = true;
}

/* The exit stop of a watched exec. */
static void exec_returned(struct watch *w, pid_t tid)
{
	struct __ptrace_syscall_info si;
	struct pending *e = pending_find(w, tid);
	char path[PATH_MAX], file[PATH_MAX + 64];
	const struct arch *a;

	if (!e)
		return;
	if (!w->said && ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(si), &si) > 0 &&
	    si.op == PTRACE_SYSCALL_INFO_EXIT && si.exit.is_error &&
	    si.exit.rval == -ENOEXEC &&
	    read_string(tid, e->path, path, sizeof(path)) >= 0) {
		task_path(tid, e, path, file, sizeof(file));
		a = foreign_elf(file);
		if (a)
			say(w, tid, path, a);
	}
	pending_drop(w, tid);
}

/* The seccomp stop of an exec: keep its arguments, stop again at its
 * exit. execve(path, argv, envp), execveat(dirfd, path, argv, envp, flags). */
static int exec_entered(struct watch *w, pid_t tid)
{
	struct __ptrace_syscall_info si;
	struct pending e = { .tid = tid };

	if (w->said || ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(si), &si) <= 0 ||
	    si.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return PTRACE_CONT;
	e.execveat = si.seccomp.nr == __NR_execveat;
	e.dirfd = e.execveat ? si.seccomp.args[0] : (uint64_t)AT_FDCWD;
	e.path = e.execveat ? si.seccomp.args[1] : si.seccomp.args[0];
	e.flags = e.execveat ? si.seccomp.args[4] : 0;
	pending_add(w, &e);
	return PTRACE_SYSCALL;
}

static bool stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Until the last traced task is gone (ptrace(2) for each kind of stop). */
static void watch_loop(struct watch *w)
{
	int st;
	pid_t tid;

	while ((tid = waitpid(-1, &st, __WALL)) != -1 || errno == EINTR) {
		int sig, event, req = PTRACE_CONT;
		unsigned long msg;

		if (tid == -1)
			continue;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			pending_drop(w, tid);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		event = st >> 16;
		if (sig == (SIGTRAP | 0x80)) {
			exec_returned(w, tid);
			sig = 0;
		} else if (event == PTRACE_EVENT_SECCOMP) {
			req = exec_entered(w, tid);
			sig = 0;
		} else if (event == PTRACE_EVENT_EXEC) {
			/* It ran: a thread that execs takes the leader's tid. */
			if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0)
				pending_drop(w, (pid_t)msg);
			pending_drop(w, tid);
			sig = 0;
		} else if (event == PTRACE_EVENT_STOP) {
			/* group-stop: stay stopped, but let SIGCONT through. */
			if (stop_signal(sig)) {
				ptrace(PTRACE_LISTEN, tid, 0, 0);
				continue;
			}
			sig = 0;	/* a new task's first stop */
		} else if (event) {
			sig = 0;	/* fork, vfork, clone */
		}
		/* Otherwise a signal for the task: deliver it as it was. ESRCH:
		 * it died meanwhile, its exit is the next report. */
		ptrace(req, tid, 0, (void *)(long)sig);
	}
}

/* The watcher: a grandchild of run, reparented to init (or a subreaper)
 * once its parent exits. tracee: run. go/ready: the handshake. */
static __attribute__((noreturn)) void watcher(pid_t tracee, int go, int ready,
					       const char *guest)
{
	static const int quiet[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
				     SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2 };
	struct watch w = { .guest = guest };
	pid_t me = getpid();
	sigset_t all;
	char c = 0;
	int fd;

	setsid();
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		signal(quiet[i], SIG_IGN);
	/* A tracer that ignores SIGCHLD would not see its tracees end. */
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_NAME, "bshim-run-watch");
	/* None of the build's files: a reader waiting for EOF on run's
	 * stdout must not wait for the watcher. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 ||
	    dup2(go, 3) < 0 || dup2(ready, 4) < 0)
		_exit(1);
	if (close_range(5, ~0U, 0) < 0)
		for (int i = 5; i < 1024; i++)
			close(i);
	if (write(4, &me, sizeof(me)) != sizeof(me) || read(3, &c, 1) != 1)
		_exit(1);
	c = ptrace(PTRACE_SEIZE, tracee, 0, (void *)(long)WATCH_OPTS) == 0;
	if (write(4, &c, 1) != 1 || !c)
		_exit(1);
	close(3);
	close(4);
	watch_loop(&w);
	_exit(0);
}

static int read_all(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* SECCOMP_RET_TRACE for execve and execveat of the host's ABI.
 * SPEC_ALLOW: the filter is a watch, not a sandbox, so it must not turn
 * on the Speculative Store Bypass mitigation that a filter otherwise
 * brings where the kernel runs with spec_store_bypass_disable=seccomp
 * (seccomp(2), SECCOMP_FILTER_FLAG_SPEC_ALLOW): that would slow the
 * emulator's own code. */
static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, WATCH_ARCH, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	unsigned flags = SECCOMP_FILTER_FLAG_SPEC_ALLOW;

	for (;;) {
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) == 0)
			return 0;
		if (errno == EINVAL && flags) {
			flags = 0;		/* before Linux 4.17 */
			continue;
		}
		/* Without CAP_SYS_ADMIN a filter needs no_new_privs
		 * (seccomp(2)); once set, EACCES again is final. */
		if (errno != EACCES || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -1;
	}
}

bool run_watch(const char *guest)
{
	const char *off = getenv("BINFMT_SHIM_RUN_WATCH");
	int go[2], ready[2], st;
	pid_t self = getpid(), mid, tracer;
	bool on = false;
	char ok = 0;

	if (off && !strcmp(off, "0"))
		return false;
	if (pipe2(go, O_CLOEXEC) < 0)
		return false;
	if (pipe2(ready, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return false;
	}
	fflush(NULL);
	mid = fork();
	if (mid == 0) {
		if (fork() == 0)
			watcher(self, go[0], ready[1], guest);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (mid < 0)
		goto out;
	while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	if (read_all(ready[0], &tracer, sizeof(tracer)))
		goto out;
	/* Yama's ptrace_scope 1 lets a process trace only its descendants
	 * unless the tracee names its tracer; EINVAL without Yama. */
	prctl(PR_SET_PTRACER, (unsigned long)tracer, 0, 0, 0);
	if (write(go[1], "g", 1) != 1 || read_all(ready[0], &ok, 1) || !ok)
		goto out;
	if (install_filter() < 0) {
		/* Its death detaches us: the run goes on unwatched. */
		kill(tracer, SIGKILL);
		goto out;
	}
	on = true;
out:
	close(go[1]);
	close(ready[0]);
	return on;
}

#else

bool run_watch(const char *guest)
{
	(void)guest;
	return false;
}

#endif
