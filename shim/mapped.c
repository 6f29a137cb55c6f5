// SPDX-License-Identifier: GPL-2.0
/*
 * The mapped hand-off: the shim loads the emulator into its own process,
 * as binfmt_elf would for an execve of it, and jumps to its entry. No
 * second execve: the emulator may come from the file the kernel pinned
 * for the F flag (the shim with the emulator appended, lib/pinned.h),
 * reached through /proc/self/exe, so a container needs no emulator of its
 * own.
 *
 * What an execve of the emulator would have given it, and how:
 *   - its PT_LOAD segments, private file mappings at a base the kernel
 *     picks (ET_DYN, as Debian's static-pie qemu-*-static are) with the
 *     bss zeroed: lib/loadplan.c checks the headers first;
 *   - a stack with argc, argv, envp and the auxv of the emulator's image
 *     (AT_PHDR, AT_PHENT, AT_PHNUM, AT_ENTRY, AT_BASE 0, AT_EXECFN, fresh
 *     AT_RANDOM bytes); what describes the process, not the image
 *     (AT_HWCAP*, AT_SYSINFO_EHDR, AT_PAGESZ, AT_CLKTCK, AT_UID..AT_EGID,
 *     AT_SECURE, AT_PLATFORM, AT_MINSIGSTKSZ, ...) is the kernel's own.
 *     The frame is built on the process's stack below the shim's frames,
 *     so the emulator runs on [stack] as after an execve, and the
 *     kernel's argument strings (/proc/<pid>/cmdline, environ) stay;
 *   - AT_FLAGS 0 (qemu reads its P bit from there: linux-user/main.c,
 *     preserve_argv0) and AT_EXECFD only for the fd the kernel opened for
 *     the O or C flag: qemu then loads the guest from that file, as it
 *     would registered directly with those flags, and a secure exec needs
 *     no /proc/self/fd path;
 *   - no other fd of the shim's (they are all O_CLOEXEC, closed here);
 *   - signal dispositions and mask: the shim was started by an execve and
 *     installs no handler, so they already are what an execve leaves;
 *   - no restartable-sequences area: a glibc-built shim registered one
 *     for the thread (rseq(2); musl registers none), which an execve
 *     would drop; the emulator's libc registers its own and fails
 *     (EINVAL) if the shim's is still there, so it is unregistered here;
 *   - nothing of the shim's image: shim/tramp.c unmaps it on the way.
 * What differs from an execve (docs/binfmt-shim.8, HAND-OFF):
 * /proc/<pid>/exe stays the registered interpreter, the comm stays the
 * guest's name, and the brk area follows the shim's image, not the
 * emulator's (moving it needs CAP_SYS_RESOURCE, prctl PR_SET_MM; qemu's
 * malloc grows it with brk(2) from wherever it is).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#ifdef __GLIBC__
#include <sys/rseq.h>	/* a glibc-built shim (no musl-gcc): rseq_leave() */
#endif
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

/* HOST_MACHINE, HOST_DATA: lib/pinned.h. */

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif
#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 1
#endif

const char *shim_handoff_name(enum shim_handoff h)
{
	return h == HANDOFF_MAPPED ? "mapped" : h == HANDOFF_EXECVE ? "execve" : NULL;
}

/* The emulator's first bytes are read once: its ELF header and program
 * headers (a dozen for qemu-*-static: 736 bytes) are served from there,
 * not with a pread each (lib/loadplan.c reads them one by one). */
#define REGION_HEAD 2048

struct region {
	int fd;
	uint64_t base, size;
	size_t head_len;
	unsigned char head[REGION_HEAD];
};

static long region_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct region *r = ctx;
	ssize_t n;

	if (off >= r->size)
		return 0;
	if (len > r->size - off)
		len = (size_t)(r->size - off);
	if (off + len <= r->head_len) {
		memcpy(buf, r->head + off, len);
		return (long)len;
	}
	do
		n = pread(r->fd, buf, len, (off_t)(r->base + off));
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (long)n;
}

/*
 * Early, before anything is recorded: whether this shim runs from a pinned
 * file (its trailer, its owner and mode) and whether its "/" is the one
 * `register` ran in. The fd stays open for the mapping.
 */
void shim_pinned_open(struct shim *s)
{
	unsigned char t[PINNED_TRAILER_SIZE];
	struct shim_emu *e = &s->emu;
	struct stat st, root;
	int fd, rc;

	fd = shim_open("/proc/self/exe", O_RDONLY | O_NOCTTY, 0);
	if (fd < 0) {
		e->proc_err = errno;
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < PINNED_TRAILER_SIZE ||
	    pread(fd, t, sizeof(t), st.st_size - PINNED_TRAILER_SIZE) != (ssize_t)sizeof(t))
		goto plain;
	rc = pinned_parse(t, sizeof(t), (uint64_t)st.st_size, &e->pin);
	if (rc == -ENOENT)
		goto plain;
	if (rc < 0) {
		snprintf(e->pinned_error, sizeof(e->pinned_error),
			 "its trailer does not describe the file (%lld bytes)",
			 (long long)st.st_size);
		goto plain;
	}
	e->have_trailer = true;
	if (e->pin.root_ino && stat("/", &root) == 0 &&
	    pinned_other_root(&e->pin, (uint64_t)root.st_dev, (uint64_t)root.st_ino))
		e->foreign_root = true;
	/* Every user's foreign execs (and setuid ones, with C) run the code
	 * in this file: only root may be able to change it (inside a user
	 * namespace that does not map the host's root, its files show the
	 * overflow uid). */
	if (!pinned_owner_ok((uint32_t)st.st_uid, (uint32_t)st.st_mode, true)) {
		snprintf(e->pinned_error, sizeof(e->pinned_error),
			 "it is owned by uid %u with mode %04o: it must be root's "
			 "and writable by no one else", (unsigned)st.st_uid,
			 (unsigned)(st.st_mode & 07777));
		goto plain;
	}
	e->fd = fd;
	return;
plain:
	close(fd);
}

/* At routing: the pinned emulator is used for this binary when it is
 * for its arch. */
void shim_pinned_probe(struct shim *s)
{
	struct shim_emu *e = &s->emu;

	if (e->fd < 0)
		return;
	if (!s->arch || strcmp(e->pin.arch, s->arch->name)) {
		snprintf(e->pinned_error, sizeof(e->pinned_error),
			 "it carries the emulator for %s, not %s", e->pin.arch,
			 s->arch ? s->arch->name : "?");
		close(e->fd);
		e->fd = -1;
		return;
	}
	e->pinned = true;
	e->base = e->pin.emu_offset;
	e->size = e->pin.emu_size;
	/* On the host, one stat says whether the emulator was replaced since
	 * it was pinned (a package upgrade): the record says so, and
	 * `binfmt-shim register` pins the new one. */
	if (!e->foreign_root) {
		struct stat st;

		e->stale = stat(e->pin.emu_path, &st) < 0 ||
			   pinned_changed(&e->pin, (uint64_t)st.st_dev, (uint64_t)st.st_ino,
					  (uint64_t)st.st_size, (uint64_t)st.st_mtime);
	}
}

/* The test rig's switch: [users] override = yes lets the environment
 * choose the execve hand-off (tests run the old path with it). Nowhere
 * else is it read: a user cannot change how the system's shim works. */
static bool forced_execve(const struct shim *s)
{
	const char *v;

	if (s->secure || !s->cfg.users_override)
		return false;
	v = getenv("BINFMT_SHIM_HANDOFF");
	return v && !strcmp(v, "execve");
}

static void use_execve(struct shim *s, const char *why)
{
	s->emu.handoff = HANDOFF_EXECVE;
	snprintf(s->emu.why, sizeof(s->emu.why), "%s", why);
}

void shim_handoff_plan(struct shim *s)
{
	struct shim_emu *e = &s->emu;
	struct statvfs sv;
	struct stat st;
	struct region r;
	char why[160];

	if (s->event != EV_EXEC)
		return;
	if (forced_execve(s)) {
		use_execve(s, "BINFMT_SHIM_HANDOFF=execve ([users] override = yes)");
		return;
	}
#ifndef HOST_MACHINE
	use_execve(s, "the shim maps emulators only on x86_64 and aarch64 hosts");
	return;
#else
	if (!e->pinned) {
		e->fd = shim_open(s->route.emulator, O_RDONLY | O_NOCTTY, 0);
		if (e->fd < 0 || fstat(e->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			snprintf(why, sizeof(why), "cannot open the emulator to map it: %s",
				 strerror(errno));
			use_execve(s, why);
			return;
		}
		e->base = 0;
		e->size = (uint64_t)st.st_size;
	}
	/* mmap(PROT_EXEC) of a noexec mount fails: say so before the record
	 * promises a mapped hand-off (execve fails there too, and says why). */
	if (fstatvfs(e->fd, &sv) == 0 && (sv.f_flag & ST_NOEXEC)) {
		use_execve(s, "the emulator is on a noexec mount");
		return;
	}
	r.fd = e->fd;
	r.base = e->base;
	r.size = e->size;
	r.head_len = 0;
	{
		ssize_t n = pread(r.fd, r.head, sizeof(r.head), (off_t)r.base);

		/* Past the emulator's end is never served from here. */
		if (n > 0)
			r.head_len = (uint64_t)n < r.size ? (size_t)n : (size_t)r.size;
	}
	if (load_plan_make(region_read, &r, e->size, ELFCLASS64, HOST_DATA, HOST_MACHINE,
			   (uint64_t)getauxval(AT_PAGESZ), &e->plan) < 0) {
		snprintf(why, sizeof(why), "the emulator cannot be mapped: %s",
			 load_why_str(e->plan.why));
		if (e->pinned && access(s->route.emulator, X_OK) < 0) {
			/* Nothing to execve instead. */
			s->event = EV_FAIL;
			s->why = WHY_PINNED_BAD;
			snprintf(e->pinned_error, sizeof(e->pinned_error), "%s", why);
			return;
		}
		use_execve(s, why);
		return;
	}
	e->handoff = HANDOFF_MAPPED;
	e->why[0] = '\0';
#endif
}

#ifdef HOST_MACHINE
/* Map every PT_LOAD of the plan; returns the load bias, or 0 with errno
 * (a bias of 0 is a fixed-address executable: *ok says which). */
/*
 * A static-pie emulator (Debian's qemu-*-static) relocates itself first
 * thing, writing every page of its PT_GNU_RELRO: 388 pages for
 * qemu-aarch64-static 7.2, each a copy-on-write fault of its own, 40 %
 * of all the page faults of a short guest's run. One MADV_POPULATE_WRITE
 * makes the same copies in one call (docs/performance.md). It is only a
 * prefault: where the kernel has no such advice (before 5.14) or memory
 * is short, the faults simply happen as they would have.
 */
static void prefault_relro(const struct load_plan *p, uintptr_t bias)
{
	if (p->relro_hi > p->relro_lo)
		madvise((void *)(uintptr_t)(p->relro_lo + bias),
			(size_t)(p->relro_hi - p->relro_lo), MADV_POPULATE_WRITE);
}

static uintptr_t map_image(const struct shim_emu *e, uint64_t page, bool *ok)
{
	const struct load_plan *p = &e->plan;
	uint64_t span = p->hi - p->lo, extra = p->align > page ? p->align - page : 0;
	uintptr_t res, base, bias;
	unsigned i;
	void *m;

	*ok = false;
	m = mmap(p->pie ? NULL : (void *)(uintptr_t)p->lo, span + extra, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		 (p->pie ? 0 : MAP_FIXED_NOREPLACE), -1, 0);
	if (m == MAP_FAILED)
		return 0;
	res = (uintptr_t)m;
	base = p->pie ? (res + (uintptr_t)p->align - 1) & ~(uintptr_t)(p->align - 1) : res;
	/* The slack the alignment left: unmapped, as binfmt_elf leaves it. */
	if (base > res)
		munmap((void *)res, base - res);
	if (res + span + extra > base + span)
		munmap((void *)(base + span), res + span + extra - (base + span));
	bias = p->pie ? base - (uintptr_t)p->lo : 0;
	for (i = 0; i < p->nseg; i++) {
		const struct load_seg *sg = &p->seg[i];
		uintptr_t start = (uintptr_t)(sg->vaddr & ~(page - 1)) + bias;
		uintptr_t fend = (uintptr_t)(sg->vaddr + sg->filesz) + bias;
		uintptr_t mend = (uintptr_t)(sg->vaddr + sg->memsz) + bias;
		uintptr_t fpage = (fend + page - 1) & ~(uintptr_t)(page - 1);
		uint64_t off = e->base + (sg->offset & ~(page - 1));

		if (sg->filesz &&
		    mmap((void *)start, fend - start, sg->prot, MAP_PRIVATE | MAP_FIXED,
			 e->fd, (off_t)off) == MAP_FAILED)
			goto fail;
		if (sg->memsz <= sg->filesz)
			continue;
		/* bss: the rest of the file's last page is zeroed (it holds
		 * the bytes that follow in the file), whole pages past it are
		 * anonymous (binfmt_elf: padzero, then vm_brk_flags). */
		if (sg->filesz && fend < fpage) {
			if (!(sg->prot & PROT_WRITE) &&
			    mprotect((void *)(fpage - page), page, sg->prot | PROT_WRITE) < 0)
				goto fail;
			memset((void *)fend, 0, (mend < fpage ? mend : fpage) - fend);
			if (!(sg->prot & PROT_WRITE) &&
			    mprotect((void *)(fpage - page), page, sg->prot) < 0)
				goto fail;
		}
		if (!sg->filesz)
			fpage = start;
		if (mend > fpage &&
		    mmap((void *)fpage, mend - fpage, sg->prot,
			 MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
			goto fail;
	}
	/* The reservation between segments: unmapped too. */
	for (i = 0; i + 1 < p->nseg; i++) {
		uintptr_t a = (uintptr_t)((p->seg[i].vaddr + p->seg[i].memsz + page - 1) &
					  ~(page - 1)) + bias;
		uintptr_t b = (uintptr_t)(p->seg[i + 1].vaddr & ~(page - 1)) + bias;

		if (b > a)
			munmap((void *)a, b - a);
	}
	prefault_relro(p, bias);
	*ok = true;
	return bias;
fail:
	i = errno;
	munmap((void *)base, span);
	errno = (int)i;
	return 0;
}

/* Switch to the new stack and enter the emulator as the kernel does
 * (start_thread): the first argument register 0, so libc registers no
 * rtld_fini, and a zero frame pointer ends backtraces. */
static void __attribute__((noreturn, noinline)) enter(uintptr_t sp, uintptr_t entry)
{
#if defined(__x86_64__)
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "xor %%edx, %%edx\n\t"
			 "jmp *%1\n\t"
			 : : "S"(sp), "a"(entry) : "memory");
#elif defined(__aarch64__)
	register uintptr_t r_sp __asm__("x9") = sp;
	register uintptr_t r_entry __asm__("x10") = entry;

	__asm__ volatile("mov sp, %0\n\t"
			 "mov x0, #0\n\t"
			 "mov x29, #0\n\t"
			 "mov x30, #0\n\t"
			 "br %1\n\t"
			 : : "r"(r_sp), "r"(r_entry) : "memory");
#endif
	__builtin_unreachable();
}

/* What the emulator's stack frame holds: counted before it is built. */
struct frame_counts {
	size_t argc, nenv, naux, strbytes;
};

static void count_frame(const struct shim *s, char **argv, char **envp,
			struct frame_counts *n)
{
	unsigned long *av;

	n->argc = n->nenv = n->naux = n->strbytes = 0;
	while (argv[n->argc])
		n->strbytes += strlen(argv[n->argc++]) + 1;
	while (envp && envp[n->nenv])
		n->nenv++;
	for (av = s->auxv; av && av[0] != AT_NULL; av += 2)
		n->naux++;
}

/* One auxv entry at w; the word after it. */
static inline uintptr_t *aux(uintptr_t *w, uintptr_t type, uintptr_t val)
{
	w[0] = type;
	w[1] = val;
	return w + 2;
}

/* The frame an execve of the emulator would have left at frame: argc,
 * argv (its strings copied to strs, after AT_RANDOM's 16 bytes), NULL,
 * envp, NULL, the auxv (the kernel's, with the image's own entries in
 * place of its), AT_NULL. */
static void build_frame(const struct shim *s, char **argv, char **envp,
			const struct frame_counts *n, uintptr_t *frame, unsigned char *strs,
			uintptr_t bias, int pass_fd)
{
	const struct shim_emu *e = &s->emu;
	uintptr_t *w = frame;
	char *execfn = NULL;
	unsigned long *av;
	size_t i, k = 0;

	if (syscall(SYS_getrandom, strs, 16, GRND_NONBLOCK) != 16) {
		/* No entropy yet (early boot): the kernel's bytes. */
		memcpy(strs, (const void *)getauxval(AT_RANDOM), 16);
		strs[0] ^= 0x5a;
	}
	*w++ = n->argc;
	for (i = 0; i < n->argc; i++) {
		char *dst = (char *)strs + 16 + k;
		size_t len = strlen(argv[i]) + 1;

		memcpy(dst, argv[i], len);
		if (!i)
			execfn = dst;
		*w++ = (uintptr_t)dst;
		k += len;
	}
	*w++ = 0;
	for (i = 0; i < n->nenv; i++)
		*w++ = (uintptr_t)envp[i];
	*w++ = 0;
	for (av = s->auxv; av && av[0] != AT_NULL; av += 2) {
		switch (av[0]) {
		case AT_PHDR: case AT_PHENT: case AT_PHNUM: case AT_ENTRY:
		case AT_BASE: case AT_FLAGS: case AT_EXECFD: case AT_RANDOM:
		case AT_EXECFN:
			continue;	/* the emulator's own, below */
		default:
			w = aux(w, av[0], av[1]);
		}
	}
	w = aux(w, AT_PHDR, bias + e->plan.phdr);
	w = aux(w, AT_PHENT, e->plan.phent);
	w = aux(w, AT_PHNUM, e->plan.phnum);
	w = aux(w, AT_BASE, 0);
	w = aux(w, AT_FLAGS, 0);
	w = aux(w, AT_ENTRY, bias + e->plan.entry);
	w = aux(w, AT_RANDOM, (uintptr_t)strs);
	w = aux(w, AT_EXECFN, (uintptr_t)execfn);
	if (pass_fd > 0)
		w = aux(w, AT_EXECFD, (uintptr_t)pass_fd);
	aux(w, AT_NULL, 0);
}

/*
 * Drop the thread's rseq(2) registration, as an execve does. glibc
 * registers its area with the kernel's struct rseq length (32), and
 * __rseq_size says only how much of it is in use (20 in glibc 2.36):
 * the unregistration must give the length registered, so try both.
 */
static void rseq_leave(void)
{
#if defined(__GLIBC__) && defined(RSEQ_SIG)
	struct rseq *r;

	if (!__rseq_size)
		return;		/* registration failed or was turned off */
	r = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
	if (syscall(SYS_rseq, r, sizeof(*r), RSEQ_FLAG_UNREGISTER, RSEQ_SIG) &&
	    __rseq_size != sizeof(*r))
		syscall(SYS_rseq, r, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
#endif
}

/* The point of no return: the fds go, and the emulator starts on frame,
 * through the page that unmaps the shim on the way out (shim/tramp.c);
 * without it the shim's image just stays. */
static void __attribute__((noreturn)) leave(const struct shim *s, int pass_fd,
					    uintptr_t frame, uintptr_t entry)
{
	void *tramp = shim_tramp_prepare(frame, entry);

	close(s->emu.fd);
	if (s->fd >= 0 && s->fd != pass_fd)
		close(s->fd);
	if (s->execfd >= 0 && s->execfd != pass_fd)
		close(s->execfd);
	if (pass_fd > 0)
		fcntl(pass_fd, F_SETFD, 0);	/* as the kernel installs it */
	rseq_leave();
	if (tramp)
		shim_tramp_jump(tramp);
	enter(frame, entry);
}
#endif

int shim_handoff_mapped(struct shim *s, char **argv, char **envp)
{
#ifndef HOST_MACHINE
	(void)s; (void)argv; (void)envp;
	return -ENOSYS;
#else
	struct shim_emu *e = &s->emu;
	uint64_t page = (uint64_t)getauxval(AT_PAGESZ);
	int pass_fd = s->execfd >= 0 ? s->execfd : s->secure ? s->fd : -1;
	struct frame_counts n;
	uintptr_t bias;
	bool ok;

	count_frame(s, argv, envp, &n);
	/* qemu takes 0 for "no AT_EXECFD" (getauxval): never pass fd 0. */
	if (pass_fd == 0) {
		pass_fd = fcntl(0, F_DUPFD, 3);
		if (pass_fd < 0)
			return -errno;
	}
	bias = map_image(e, page, &ok);
	if (!ok)
		return -errno;
	{
		/* argc, argv, NULL, envp, NULL, auxv (the kernel's entries,
		 * plus AT_EXECFD and the ones we force, twice over at most),
		 * AT_NULL; then AT_RANDOM's 16 bytes and the argv strings.
		 * On this function's stack, which the emulator then runs on. */
		size_t nwords = 1 + n.argc + 1 + n.nenv + 1 + 2 * (n.naux + 12) + 2;
		uintptr_t frame[nwords + 4 + (n.strbytes + 16 + 15) / sizeof(uintptr_t)]
			__attribute__((aligned(16)));

		build_frame(s, argv, envp, &n, frame, (unsigned char *)(frame + nwords + 2),
			    bias, pass_fd);
		leave(s, pass_fd, (uintptr_t)frame, bias + e->plan.entry);
	}
#endif
}
