// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in emulator for tests/integration/test_shim_mapped.c: a host
 * static-pie program configured as `emulator =` for an arch, so the test
 * sees what the shim's hand-off gave the emulator, which a real qemu does
 * not print. One "key=value" line each:
 *   argv[i]          its argv (the shim's -0 argv0 -- path args)
 *   aux.<name>       getauxval of what describes the process (HWCAP, ...)
 *   kaux.<name>      the same entry of /proc/self/auxv: the auxv the kernel
 *                    gave this process's last execve (the shim's, when
 *                    the hand-off was mapped)
 *   phdr_ok entry_ok AT_PHDR / AT_ENTRY point into this image
 *   base execfd flags execfn random_differs
 *   fds              the open fds besides 0 1 2, "-" for none
 *   sigblk sigign sigcgt   from /proc/self/status
 *   brk_ok malloc_ok sbrk(1 MiB) and a 256 MiB malloc touched
 *   rseq             whether its libc could register its rseq(2) area:
 *                    "registered", "failed" (another was still
 *                    registered for the thread) or "off"
 * Then it exits with FAKE_EMU_EXIT (default 0).
 */
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/rseq.h>
#include <unistd.h>

extern const Elf64_Ehdr __ehdr_start;
extern void _start(void);

static const struct {
	unsigned long type;
	const char *name;
} kinds[] = {
	{ AT_HWCAP, "hwcap" }, { AT_HWCAP2, "hwcap2" }, { AT_PAGESZ, "pagesz" },
	{ AT_CLKTCK, "clktck" }, { AT_UID, "uid" }, { AT_EUID, "euid" },
	{ AT_GID, "gid" }, { AT_EGID, "egid" }, { AT_SECURE, "secure" },
	{ AT_SYSINFO_EHDR, "sysinfo_ehdr" },
#ifdef AT_MINSIGSTKSZ
	{ AT_MINSIGSTKSZ, "minsigstksz" },
#endif
};

/* The auxv as it was handed over on the stack (getauxval may return
 * libc's adjusted copy: glibc's x86 AT_HWCAP is its own). */
static unsigned long *entry_auxv;

static unsigned long aux(unsigned long type)
{
	unsigned long *a;

	for (a = entry_auxv; a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

/* glibc's own rseq area: cpu_id is -1 before registration, -2 when the
 * kernel refused it, the cpu once registered. */
static const char *rseq_state(void)
{
	const struct rseq *r;

	if (!__rseq_size)
		return "off";
	r = (const struct rseq *)((const char *)__builtin_thread_pointer() + __rseq_offset);
	return (int32_t)r->cpu_id >= 0 ? "registered" : "failed";
}

static unsigned long kernel_aux(unsigned long type)
{
	unsigned long v[2 * 64];
	int fd = open("/proc/self/auxv", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, v, sizeof(v));
	size_t i;

	if (fd >= 0)
		close(fd);
	for (i = 0; n > 0 && i + 1 < (size_t)n / sizeof(v[0]); i += 2)
		if (v[i] == type)
			return v[i + 1];
	return (unsigned long)-1;
}

static void status_line(const char *key, const char *label)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key))) {
			char *v = line + strlen(key);

			while (*v == ' ' || *v == '\t')
				v++;
			printf("%s=%s", label, v);
		}
	if (f)
		fclose(f);
}

int main(int argc, char **argv, char **envp)
{
	const Elf64_Phdr *ph = (const void *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
	unsigned long rnd, krnd = kernel_aux(AT_RANDOM);
	const char *execfn, *plat;
	char *big;
	struct dirent *d;
	DIR *dir;
	size_t i;
	int nfd = 0;
	void *b0;
	char **e = envp;

	while (*e)
		e++;
	entry_auxv = (unsigned long *)(e + 1);
	rnd = aux(AT_RANDOM);
	execfn = (const char *)aux(AT_EXECFN);
	plat = (const char *)aux(AT_PLATFORM);
	for (i = 0; i < (size_t)argc; i++)
		printf("argv[%zu]=%s\n", i, argv[i]);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		printf("aux.%s=%#lx\n", kinds[i].name, aux(kinds[i].type));
		printf("kaux.%s=%#lx\n", kinds[i].name, kernel_aux(kinds[i].type));
	}
	printf("platform=%s\n", plat ? plat : "(none)");
	printf("phdr_ok=%d\n", aux(AT_PHDR) == (unsigned long)ph);
	printf("phent_ok=%d\n", aux(AT_PHENT) == sizeof(Elf64_Phdr));
	printf("phnum_ok=%d\n", aux(AT_PHNUM) == __ehdr_start.e_phnum);
	printf("entry_ok=%d\n", aux(AT_ENTRY) == (unsigned long)&_start);
	printf("base=%#lx\n", aux(AT_BASE));
	printf("flags=%#lx\n", aux(AT_FLAGS));
	printf("execfd=%ld\n", aux(AT_EXECFD) ? (long)aux(AT_EXECFD) : -1L);
	printf("execfn=%s\n", execfn ? execfn : "(none)");
	printf("random_differs=%d\n", rnd && krnd != (unsigned long)-1 &&
	       memcmp((void *)rnd, (void *)krnd, 16) != 0 ? 1 :
	       krnd == (unsigned long)-1 ? -1 : rnd == krnd ? 2 : 0);
	printf("fds=");
	dir = opendir("/proc/self/fd");
	while (dir && (d = readdir(dir))) {
		int fd = atoi(d->d_name);

		if (d->d_name[0] == '.' || fd <= 2 || fd == dirfd(dir))
			continue;
		printf("%s%d", nfd++ ? "," : "", fd);
	}
	if (dir)
		closedir(dir);
	printf("%s\n", nfd ? "" : "-");
	status_line("SigBlk:", "sigblk");
	status_line("SigIgn:", "sigign");
	status_line("SigCgt:", "sigcgt");
	b0 = sbrk(0);
	printf("brk_ok=%d\n", sbrk(1 << 20) == b0 && sbrk(0) == (char *)b0 + (1 << 20));
	big = malloc(256u << 20);
	if (big)
		memset(big, 1, 256u << 20);
	printf("malloc_ok=%d\n", big != NULL && big[(256u << 20) - 1] == 1);
	printf("rseq=%s\n", rseq_state());
	fflush(stdout);
	return getenv("FAKE_EMU_EXIT") ? atoi(getenv("FAKE_EMU_EXIT")) : 0;
}
