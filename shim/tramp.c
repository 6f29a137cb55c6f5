// SPDX-License-Identifier: GPL-2.0
/*
 * Leaving the shim after the mapped hand-off (shim/mapped.c): a small
 * page of its own holds a copy of the code below and a list of the
 * shim's PT_LOAD ranges; the code unmaps them, switches to the
 * emulator's stack and jumps to its entry. So the emulator runs in a
 * process that holds nothing of the shim but that one page, as after an
 * execve (the shim's resident .bss and text are freed, and
 * /proc/<pid>/maps shows the emulator's image, the stack, the vDSO, the
 * trampoline page).
 *
 * The code must not touch the shim's memory once the first munmap ran:
 * it reads only its own page and registers. Nothing else of the shim is
 * still used by then: the emulator's frame is on the stack, its strings
 * on the stack or in the frame (shim/mapped.c).
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "shim.h"

#if defined(__x86_64__) || defined(__aarch64__)

/* Data layout after the code, 8-aligned: n, n x {addr, len}, sp, entry. */
#if defined(__x86_64__)
/* munmap is 11 on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl). */
__asm__(".pushsection .text.bshim_tramp,\"ax\",@progbits\n"
	".globl bshim_tramp_start\n"
	".hidden bshim_tramp_start\n"
	"bshim_tramp_start:\n"
	"	mov (%rdi), %r12\n"
	"	lea 8(%rdi), %r13\n"
	"1:	test %r12, %r12\n"
	"	jz 2f\n"
	"	mov (%r13), %rdi\n"
	"	mov 8(%r13), %rsi\n"
	"	mov $11, %eax\n"
	"	syscall\n"
	"	add $16, %r13\n"
	"	dec %r12\n"
	"	jmp 1b\n"
	"2:	mov (%r13), %rsp\n"
	"	mov 8(%r13), %rax\n"
	"	xor %edx, %edx\n"
	"	xor %ebp, %ebp\n"
	"	jmp *%rax\n"
	".globl bshim_tramp_end\n"
	".hidden bshim_tramp_end\n"
	"bshim_tramp_end:\n"
	".popsection\n");
#else
/* munmap is 215 in the generic table (include/uapi/asm-generic/unistd.h). */
__asm__(".pushsection .text.bshim_tramp,\"ax\",%progbits\n"
	".globl bshim_tramp_start\n"
	".hidden bshim_tramp_start\n"
	"bshim_tramp_start:\n"
	"	ldr x19, [x0]\n"
	"	add x20, x0, #8\n"
	"1:	cbz x19, 2f\n"
	"	ldr x0, [x20]\n"
	"	ldr x1, [x20, #8]\n"
	"	mov x8, #215\n"
	"	svc #0\n"
	"	add x20, x20, #16\n"
	"	sub x19, x19, #1\n"
	"	b 1b\n"
	"2:	ldr x9, [x20]\n"
	"	ldr x10, [x20, #8]\n"
	"	mov sp, x9\n"
	"	mov x0, #0\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	br x10\n"
	".globl bshim_tramp_end\n"
	".hidden bshim_tramp_end\n"
	"bshim_tramp_end:\n"
	".popsection\n");
#endif

extern const char bshim_tramp_start[], bshim_tramp_end[];
/* The linker's symbol for the shim's own ELF header (its first byte). */
extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));

void *shim_tramp_prepare(uintptr_t sp, uintptr_t entry)
{
	const Elf64_Phdr *ph = (const void *)((const char *)&__ehdr_start +
					      __ehdr_start.e_phoff);
	size_t code = (size_t)(bshim_tramp_end - bshim_tramp_start);
	uintptr_t page = (uintptr_t)getauxval(AT_PAGESZ);
	uintptr_t base = (uintptr_t)&__ehdr_start, lo = UINTPTR_MAX, hi = 0;
	uint64_t *d;
	unsigned i;
	void *t;

	/* The shim's image, from its lowest PT_LOAD page to its highest:
	 * one range (the gaps between segments are unmapped already). For
	 * a static PIE the first PT_LOAD is at vaddr 0, so the header's
	 * address is the load bias. */
	for (i = 0; i < __ehdr_start.e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr < lo)
			lo = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > hi)
			hi = ph[i].p_vaddr + ph[i].p_memsz;
	}
	if (lo != 0 || !hi || code + 8 * 5 > page)
		return NULL;	/* not the static PIE we were built as */
	t = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	memcpy(t, bshim_tramp_start, code);
	d = (uint64_t *)(((uintptr_t)t + code + 7) & ~(uintptr_t)7);
	d[0] = 1;
	d[1] = base;
	d[2] = (hi + page - 1) & ~(page - 1);
	d[3] = sp;
	d[4] = entry;
	if (mprotect(t, page, PROT_READ | PROT_EXEC) < 0) {
		munmap(t, page);
		return NULL;
	}
	__builtin___clear_cache((char *)t, (char *)t + code);
	return t;
}

void shim_tramp_jump(void *t)
{
	size_t code = (size_t)(bshim_tramp_end - bshim_tramp_start);
	uintptr_t data = ((uintptr_t)t + code + 7) & ~(uintptr_t)7;

	((void (*)(uintptr_t))t)(data);
	__builtin_unreachable();
}

#else

void *shim_tramp_prepare(uintptr_t sp, uintptr_t entry)
{
	(void)sp;
	(void)entry;
	return NULL;
}

void shim_tramp_jump(void *t)
{
	(void)t;
	__builtin_unreachable();
}

#endif
