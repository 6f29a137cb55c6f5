// SPDX-License-Identifier: GPL-2.0
/*
 * The tiny programs: each one loads argv[0] from the initial stack (the
 * System V ABI process entry layout: the stack pointer points at argc, the
 * argv pointers follow, one word each), loads its first byte and makes the
 * exit system call with it. So the exit status proves both that the
 * program ran and which argv[0] it got. Encodings were checked against
 * each architecture's manual and by running every program under
 * qemu-<arch>-static (tests/integration/test_loader_verify.c).
 */
#include <errno.h>
#include <string.h>

#include "tiny.h"

/* A 32-bit instruction word in the target's byte order. */
#define LE(x) ((x) & 0xff), (((x) >> 8) & 0xff), (((x) >> 16) & 0xff), \
	      (((x) >> 24) & 0xff)
#define BE(x) (((x) >> 24) & 0xff), (((x) >> 16) & 0xff), \
	      (((x) >> 8) & 0xff), ((x) & 0xff)

struct tiny {
	const char *arch;
	uint8_t elf_class;	/* 1: ELF32, 2: ELF64 */
	uint8_t elf_data;	/* 1: LSB, 2: MSB */
	uint16_t machine;	/* EM_* (elf.h) */
	uint32_t flags;		/* e_flags */
	uint8_t code[32];
	uint8_t code_len;
};

static const struct tiny tinies[] = {
	/* ldr x1,[sp,#8]; ldrb w0,[x1]; mov x8,#93 (exit); svc #0 */
	{ "aarch64", 2, 1, 183, 0,
	  { LE(0xf94007e1), LE(0x39400020), LE(0xd2800ba8), LE(0xd4000001) }, 16 },
	/* ldr r1,[sp,#4]; ldrb r0,[r1]; mov r7,#1 (exit); svc #0.
	 * e_flags EF_ARM_EABI_VER5 (0x05000000). */
	{ "arm", 1, 1, 40, 0x05000000,
	  { LE(0xe59d1004), LE(0xe5d10000), LE(0xe3a07001), LE(0xef000000) }, 16 },
	/* ld a1,8(sp); lbu a0,0(a1); li a7,93 (exit); ecall.
	 * e_flags EF_RISCV_FLOAT_ABI_DOUBLE (0x4), no RVC needed. */
	{ "riscv64", 2, 1, 243, 0x4,
	  { LE(0x00813583), LE(0x0005c503), LE(0x05d00893), LE(0x00000073) }, 16 },
	/* lg %r2,8(%r15); llgc %r2,0(%r2); svc 1 (exit, number in the insn) */
	{ "s390x", 2, 2, 22, 0,
	  { 0xe3, 0x20, 0xf0, 0x08, 0x00, 0x04, 0xe3, 0x20, 0x20, 0x00, 0x00,
	    0x90, 0x0a, 0x01 }, 14 },
	/* ld r4,8(r1); lbz r3,0(r4); li r0,1 (exit); sc.
	 * e_flags 2: ELFv2, whose e_entry is code, not a descriptor. */
	{ "ppc64le", 2, 1, 21, 2,
	  { LE(0xe8810008), LE(0x88640000), LE(0x38000001), LE(0x44000002) }, 16 },
	/* lw a1,4(sp); nop (load delay); lbu a0,0(a1); li v0,4001 (o32
	 * exit); syscall. e_flags EF_MIPS_ABI_O32 (0x1000). */
	{ "mips", 1, 2, 8, 0x1000,
	  { BE(0x8fa50004), BE(0x00000000), BE(0x90a40000), BE(0x24020fa1),
	    BE(0x0000000c) }, 20 },
	{ "mipsel", 1, 1, 8, 0x1000,
	  { LE(0x8fa50004), LE(0x00000000), LE(0x90a40000), LE(0x24020fa1),
	    LE(0x0000000c) }, 20 },
	/* ld a1,8(sp); nop; lbu a0,0(a1); li v0,5058 (n64 exit); syscall.
	 * e_flags EF_MIPS_ARCH_64R2 (0x80000000). */
	{ "mips64el", 2, 1, 8, 0x80000000,
	  { LE(0xdfa50008), LE(0x00000000), LE(0x90a40000), LE(0x240213c2),
	    LE(0x0000000c) }, 20 },
	{ "mips64", 2, 2, 8, 0x80000000,
	  { BE(0xdfa50008), BE(0x00000000), BE(0x90a40000), BE(0x240213c2),
	    BE(0x0000000c) }, 20 },
	/* ld.d a1,sp,8; ld.bu a0,a1,0; ori a7,zero,93 (exit); syscall 0.
	 * e_flags 0x43: EF_LOONGARCH_OBJABI_V1 | ABI double-float. */
	{ "loongarch64", 2, 1, 258, 0x43,
	  { LE(0x28c02065), LE(0x2a0000a4), LE(0x0381740b), LE(0x002b0000) }, 16 },
	/* mov 4(%esp),%ebx; movzbl (%ebx),%ebx; mov $1,%eax (exit);
	 * int $0x80 */
	{ "i386", 1, 1, 3, 0,
	  { 0x8b, 0x5c, 0x24, 0x04, 0x0f, 0xb6, 0x1b, 0xb8, 0x01, 0x00, 0x00,
	    0x00, 0xcd, 0x80 }, 14 },
	/* mov 8(%rsp),%rdi; movzbl (%rdi),%edi; mov $60,%eax (exit);
	 * syscall */
	{ "x86_64", 2, 1, 62, 0,
	  { 0x48, 0x8b, 0x7c, 0x24, 0x08, 0x0f, 0xb6, 0x3f, 0xb8, 0x3c, 0x00,
	    0x00, 0x00, 0x0f, 0x05 }, 15 },
};

const char *const tiny_arches[] = {
	"aarch64", "arm", "riscv64", "s390x", "ppc64le", "mips", "mipsel",
	"mips64el", "mips64", "loongarch64", "i386", "x86_64", NULL,
};

/* Load address: 4 MiB, above any vm.mmap_min_addr and aligned for 64 KiB
 * pages (ppc64le, loongarch64 may use them). */
#define TINY_BASE 0x400000u
#define TINY_ALIGN 0x10000u

static void put(uint8_t *p, unsigned width, uint64_t v, int msb)
{
	unsigned i;

	for (i = 0; i < width; i++)
		p[msb ? width - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

int tiny_build(const char *arch, uint8_t *buf, size_t len)
{
	const struct tiny *t = NULL;
	unsigned ehsize, phsize, total;
	uint64_t entry;
	uint8_t *ph;
	size_t i;
	int msb;

	for (i = 0; i < sizeof(tinies) / sizeof(tinies[0]); i++)
		if (!strcmp(tinies[i].arch, arch))
			t = &tinies[i];
	if (!t)
		return -ENOENT;
	/* sizeof(Elf32_Ehdr) 52, Elf64_Ehdr 64; Elf32_Phdr 32, Elf64_Phdr 56 */
	ehsize = t->elf_class == 2 ? 64 : 52;
	phsize = t->elf_class == 2 ? 56 : 32;
	total = ehsize + phsize + t->code_len;
	if (len < total)
		return -ENOSPC;
	msb = t->elf_data == 2;
	entry = TINY_BASE + ehsize + phsize;
	memset(buf, 0, total);
	memcpy(buf, "\x7f" "ELF", 4);
	buf[4] = t->elf_class;
	buf[5] = t->elf_data;
	buf[6] = 1;				/* EV_CURRENT */
	put(buf + 16, 2, 2, msb);		/* e_type ET_EXEC */
	put(buf + 18, 2, t->machine, msb);
	put(buf + 20, 4, 1, msb);		/* e_version */
	if (t->elf_class == 2) {
		put(buf + 24, 8, entry, msb);
		put(buf + 32, 8, ehsize, msb);	/* e_phoff */
		put(buf + 48, 4, t->flags, msb);
		put(buf + 52, 2, ehsize, msb);
		put(buf + 54, 2, phsize, msb);
		put(buf + 56, 2, 1, msb);	/* e_phnum */
		put(buf + 58, 2, 64, msb);	/* e_shentsize */
		ph = buf + ehsize;
		put(ph + 0, 4, 1, msb);		/* PT_LOAD */
		put(ph + 4, 4, 5, msb);		/* PF_R | PF_X */
		put(ph + 8, 8, 0, msb);		/* p_offset */
		put(ph + 16, 8, TINY_BASE, msb);	/* p_vaddr */
		put(ph + 24, 8, TINY_BASE, msb);	/* p_paddr */
		put(ph + 32, 8, total, msb);	/* p_filesz */
		put(ph + 40, 8, total, msb);	/* p_memsz */
		put(ph + 48, 8, TINY_ALIGN, msb);
	} else {
		put(buf + 24, 4, entry, msb);
		put(buf + 28, 4, ehsize, msb);	/* e_phoff */
		put(buf + 36, 4, t->flags, msb);
		put(buf + 40, 2, ehsize, msb);
		put(buf + 42, 2, phsize, msb);
		put(buf + 44, 2, 1, msb);	/* e_phnum */
		put(buf + 46, 2, 40, msb);	/* e_shentsize */
		ph = buf + ehsize;
		put(ph + 0, 4, 1, msb);		/* PT_LOAD */
		put(ph + 4, 4, 0, msb);		/* p_offset */
		put(ph + 8, 4, TINY_BASE, msb);	/* p_vaddr */
		put(ph + 12, 4, TINY_BASE, msb);	/* p_paddr */
		put(ph + 16, 4, total, msb);	/* p_filesz */
		put(ph + 20, 4, total, msb);	/* p_memsz */
		put(ph + 24, 4, 5, msb);	/* PF_R | PF_X */
		put(ph + 28, 4, TINY_ALIGN, msb);
	}
	memcpy(buf + ehsize + phsize, t->code, t->code_len);
	return (int)total;
}
