// SPDX-License-Identifier: GPL-2.0
/*
 * The tiny programs, one for every architecture of lib/arch_table.h: each
 * writes TINY_LINE to stdout with the write system call, then loads
 * argv[0] from the initial stack (the System V ABI process entry layout:
 * argc, then the argv pointers, one word each, above the stack pointer),
 * loads its first byte and makes the exit system call with it. So the
 * output proves that the program ran and reached the kernel's (qemu's)
 * system call layer, and the exit status which argv[0] it got.
 *
 * Debian has cross assemblers for few of these targets and the build
 * must not need them, so the machine code is written out here as bytes.
 * Each entry names the instructions, the system call instruction, the
 * numbers and the registers it uses and where they are defined: the
 * kernel's syscall table for the architecture (arch/<arch>/kernel/
 * syscalls/syscall.tbl or the generic include/uapi/asm-generic/unistd.h,
 * write 64 and exit 93, that the newer ports share) and the
 * architecture's system call convention (syscall(2), "Architecture
 * calling conventions"). Where GNU as or llvm-mc knows the target the
 * bytes were assembled with it and compared; the others were encoded by
 * hand from the instruction set manual and checked in qemu's own
 * disassembly (qemu-<arch>-static -d in_asm). Every program runs under
 * the qemu-<arch>-static of Debian's qemu-user-static in
 * tests/integration/test_loader_verify.c, output and status checked.
 *
 * Layout: ELF header, one PT_LOAD program header, TINY_LINE (16 bytes),
 * then the code, loaded at TINY_BASE, so the line's address is a
 * constant: 0x400054 in an ELF32 file (52 + 32 bytes of headers),
 * 0x400078 in an ELF64 one (64 + 56). A program that needs a literal
 * puts it before its first instruction (entry).
 */
#include <errno.h>
#include <string.h>

#include "tiny.h"

/* A 32-bit instruction word in the target's byte order. */
#define LE(x) ((x) & 0xff), (((x) >> 8) & 0xff), (((x) >> 16) & 0xff), \
	      (((x) >> 24) & 0xff)
#define BE(x) (((x) >> 24) & 0xff), (((x) >> 16) & 0xff), \
	      (((x) >> 8) & 0xff), ((x) & 0xff)
/* A 16-bit instruction unit. */
#define LE16(x) ((x) & 0xff), (((x) >> 8) & 0xff)
#define BE16(x) (((x) >> 8) & 0xff), ((x) & 0xff)

#define TINY_CODE_MAX 64

struct tiny {
	const char *arch;
	uint8_t elf_class;	/* 1: ELF32, 2: ELF64 */
	uint8_t elf_data;	/* 1: LSB, 2: MSB */
	uint16_t machine;	/* EM_* (elf.h) */
	uint32_t flags;		/* e_flags */
	uint8_t entry;		/* first instruction, from the start of code */
	uint8_t code_len;
	uint8_t code[TINY_CODE_MAX];
};

#define TINY(arch, cls, data, machine, flags, entry, ...)		\
	{ arch, cls, data, machine, flags, entry,			\
	  sizeof((const uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }

/*
 * AArch64 (also aarch64_be: instructions are little-endian whatever the
 * data order, Arm ARM A64 "Instruction endianness"). svc #0, number in
 * x8, arguments x0-x2; asm-generic numbers.
 *   mov x0,#1; movz x1,#0x40,lsl #16; add x1,x1,#0x78; mov x2,#16;
 *   mov x8,#64 (write); svc #0; ldr x1,[sp,#8]; ldrb w0,[x1];
 *   mov x8,#93 (exit); svc #0
 */
#define A64 LE(0xd2800020), LE(0xd2a00801), LE(0x9101e021), LE(0xd2800202), \
	LE(0xd2800808), LE(0xd4000001), LE(0xf94007e1), LE(0x39400020), \
	LE(0xd2800ba8), LE(0xd4000001)

/*
 * Arm EABI: svc #0, number in r7, arguments r0-r2; write 4, exit 1
 * (arch/arm/tools/syscall.tbl). armeb is BE32 (no EF_ARM_BE8): the
 * instruction words are big-endian too. e_flags EF_ARM_EABI_VER5.
 *   mov r0,#1; mov r1,#0x400000; add r1,r1,#0x54; mov r2,#16;
 *   mov r7,#4 (write); svc #0; ldr r1,[sp,#4]; ldrb r0,[r1];
 *   mov r7,#1 (exit); svc #0
 */
#define A32(W) W(0xe3a00001), W(0xe3a01501), W(0xe2811054), W(0xe3a02010), \
	W(0xe3a07004), W(0xef000000), W(0xe59d1004), W(0xe5d10000), \
	W(0xe3a07001), W(0xef000000)

/*
 * Alpha: callsys (call_pal 0x83), number in v0 ($0), arguments a0-a2
 * ($16-$18); write 4, exit 1 (arch/alpha/kernel/syscalls/syscall.tbl).
 *   lda a0,1; ldah a1,0x40; lda a1,0x78(a1); lda a2,16; lda v0,4 (write);
 *   callsys; ldq a1,8(sp); ldbu a0,0(a1); lda v0,1 (exit); callsys
 */
#define ALPHA LE(0x221f0001), LE(0x263f0040), LE(0x22310078), LE(0x225f0010), \
	LE(0x201f0004), LE(0x00000083), LE(0xa63e0008), LE(0x2a110000), \
	LE(0x201f0001), LE(0x00000083)

/*
 * CRIS v32 (the CPU of qemu-cris): break 13, number in r9, arguments
 * r10-r12; write 4, exit 1 (arch/cris/include/uapi/asm/unistd.h, in Linux
 * until 4.17 removed the port). 16-bit instructions encoded by hand from
 * the CRIS opcode table (binutils opcodes/cris-opc.c): operand R in bits
 * 15-12, r in 3-0, size in 5-4; an immediate is [pc+], the word after.
 *   moveq 1,r10; move.d 0x400054,r11; moveq 16,r12; moveq 4,r9 (write);
 *   break 13; move.d sp,r13; addq 4,r13; move.d [r13],r13;
 *   movu.b [r13],r10; moveq 1,r9 (exit); break 13
 */
#define CRIS LE16(0xa241), LE16(0xbe6f), LE(0x00400054), LE16(0xc250), \
	LE16(0x9244), LE16(0xe93d), LE16(0xd66e), LE16(0xd204), LE16(0xda6d), \
	LE16(0xa84d), LE16(0x9241), LE16(0xe93d)

/*
 * Hexagon: trap0(#1), number in r6, arguments r0-r2 (arch/hexagon/
 * kernel/traps.c); asm-generic numbers. Each instruction its own packet
 * (end bits 11), the constant through an immext word.
 *   r0=#1; r1=##0x400054; r2=#16; r6=#64 (write); trap0(#1);
 *   r1=memw(r29+#4); r0=memub(r1+#0); r6=#93 (exit); trap0(#1)
 */
#define HEXAGON LE(0x7800c020), LE(0x00044001), LE(0x7800c281), LE(0x7800c202), \
	LE(0x7800c806), LE(0x5400c004), LE(0x919dc021), LE(0x9121c000), \
	LE(0x7800cba6), LE(0x5400c004)

/*
 * PA-RISC: be,l 0x100(%sr2,%r0) (the gateway page), number in r20 (set in
 * the delay slot), arguments r26, r25, r24; write 4, exit 1 (arch/parisc/
 * kernel/syscalls/syscall.tbl). The stack grows upwards here: the kernel
 * (start_thread, arch/parisc/include/asm/processor.h) and qemu
 * (linux-user/elfload.c, init_thread) hand argv over in r24, which the
 * program keeps in r3 (callee-saved across the call).
 *   copy r24,r3; ldi 1,r26; ldil L%0x400054,r25; ldo R%0x400054(r25),r25;
 *   ldi 16,r24; be,l 0x100(sr2,r0) / ldi 4,r20 (write); ldw 0(r3),r25;
 *   ldb 0(r25),r26; be,l 0x100(sr2,r0) / ldi 1,r20 (exit)
 */
#define HPPA BE(0x08180243), BE(0x341a0002), BE(0x23200008), BE(0x373900a8), \
	BE(0x34180020), BE(0xe4008200), BE(0x34140008), BE(0x0c601099), \
	BE(0x0f20101a), BE(0xe4008200), BE(0x34140002)

/*
 * i386: int $0x80, number in eax, arguments ebx, ecx, edx; write 4,
 * exit 1 (arch/x86/entry/syscalls/syscall_32.tbl).
 *   mov $4,%eax; mov $1,%ebx; mov $0x400054,%ecx; mov $16,%edx; int $0x80;
 *   mov 4(%esp),%ebx; movzbl (%ebx),%ebx; mov $1,%eax; int $0x80
 */
#define I386 0xb8, 0x04, 0x00, 0x00, 0x00, 0xbb, 0x01, 0x00, 0x00, 0x00, \
	0xb9, 0x54, 0x00, 0x40, 0x00, 0xba, 0x10, 0x00, 0x00, 0x00, 0xcd, 0x80, \
	0x8b, 0x5c, 0x24, 0x04, 0x0f, 0xb6, 0x1b, 0xb8, 0x01, 0x00, 0x00, 0x00, \
	0xcd, 0x80

/*
 * LoongArch64: syscall 0, number in a7, arguments a0-a2; asm-generic
 * numbers. Encoded by hand (LoongArch Reference Manual, vol. 1: 2R12
 * ori, 1RI20 lu12i.w, 2RI12 ld.d/ld.bu).
 *   ori a0,zero,1; lu12i.w a1,0x400; ori a1,a1,0x78; ori a2,zero,16;
 *   ori a7,zero,64 (write); syscall 0; ld.d a1,sp,8; ld.bu a0,a1,0;
 *   ori a7,zero,93 (exit); syscall 0
 */
#define LOONGARCH LE(0x03800404), LE(0x14008005), LE(0x0381e0a5), \
	LE(0x03804006), LE(0x0381000b), LE(0x002b0000), LE(0x28c02065), \
	LE(0x2a0000a4), LE(0x0381740b), LE(0x002b0000)

/*
 * m68k: trap #0, number in d0, arguments d1-d3; write 4, exit 1
 * (arch/m68k/kernel/syscalls/syscall.tbl).
 *   moveq #4,d0; moveq #1,d1; move.l #0x400054,d2; moveq #16,d3; trap #0;
 *   movea.l 4(sp),a0; moveq #0,d1; move.b (a0),d1; moveq #1,d0; trap #0
 */
#define M68K BE16(0x7004), BE16(0x7201), BE16(0x243c), BE16(0x0040), \
	BE16(0x0054), BE16(0x7610), BE16(0x4e40), BE16(0x206f), BE16(0x0004), \
	BE16(0x7200), BE16(0x1210), BE16(0x7001), BE16(0x4e40)

/*
 * MicroBlaze: brki r14,0x8, number in r12, arguments r5-r7; write 4,
 * exit 1 (arch/microblaze/kernel/syscalls/syscall.tbl). Encoded by hand
 * (MicroBlaze Processor Reference Guide, type B: opcode, rD, rA, imm16;
 * imm sets the upper half of the next immediate).
 *   addik r5,r0,1; imm 0x40; addik r6,r0,0x54; addik r7,r0,16;
 *   addik r12,r0,4 (write); brki r14,8; lwi r6,r1,4; lbui r5,r6,0;
 *   addik r12,r0,1 (exit); brki r14,8
 */
#define MICROBLAZE(W) W(0x30a00001), W(0xb0000040), W(0x30c00054), \
	W(0x30e00010), W(0x31800004), W(0xb9cc0008), W(0xe8c10004), \
	W(0xe0a60000), W(0x31800001), W(0xb9cc0008)

/*
 * MIPS: syscall, number in v0, arguments a0-a2 (syscall(2)). o32: write
 * 4004, exit 4001 (arch/mips/kernel/syscalls/syscall_o32.tbl, numbers
 * from 4000); n32: 6001, 6058 (syscall_n32.tbl, from 6000); n64: 5001,
 * 5058 (syscall_n64.tbl, from 5000). The nop fills the load delay slot
 * of MIPS I. ELF32 for o32 and n32 (lw at 4(sp)), ELF64 for n64.
 *   li a0,1; lui a1,0x40; ori a1,a1,<line>; li a2,16; li v0,<write>;
 *   syscall; lw/ld a1,4/8(sp); nop; lbu a0,0(a1); li v0,<exit>; syscall
 */
#define MIPS(W, line, wr, ld, ex) W(0x24040001), W(0x3c050040), \
	W(0x34a50000 | (line)), W(0x24060010), W(0x24020000 | (wr)), \
	W(0x0000000c), W(ld), W(0x00000000), W(0x90a40000), \
	W(0x24020000 | (ex)), W(0x0000000c)
#define MIPS_O32(W) MIPS(W, 0x54, 4004, 0x8fa50004, 4001)
#define MIPS_N32(W) MIPS(W, 0x54, 6001, 0x8fa50004, 6058)
#define MIPS_N64(W) MIPS(W, 0x78, 5001, 0xdfa50008, 5058)

/*
 * Nios II: trap, number in r2, arguments r4-r6 (arch/nios2/kernel/
 * entry.S); asm-generic numbers. Encoded by hand (Nios II Processor
 * Reference Guide: I-type A, B, IMM16, OP; movi is addi from r0).
 *   movi r4,1; orhi r5,r0,0x40; ori r5,r5,0x54; movi r6,16;
 *   movi r2,64 (write); trap; ldw r5,4(sp); ldbu r4,0(r5);
 *   movi r2,93 (exit); trap
 */
#define NIOS2 LE(0x01000044), LE(0x01401034), LE(0x29401514), LE(0x01800404), \
	LE(0x00801004), LE(0x003b683a), LE(0xd9400117), LE(0x29000003), \
	LE(0x00801744), LE(0x003b683a)

/*
 * OpenRISC 1000: l.sys 1, number in r11, arguments r3-r5
 * (arch/openrisc/kernel/entry.S); asm-generic numbers. Encoded by hand
 * (OpenRISC 1000 Architecture Manual, ORBIS32).
 *   l.addi r3,r0,1; l.movhi r4,0x40; l.ori r4,r4,0x54; l.addi r5,r0,16;
 *   l.addi r11,r0,64 (write); l.sys 1; l.lwz r4,4(r1); l.lbz r3,0(r4);
 *   l.addi r11,r0,93 (exit); l.sys 1
 */
#define OR1K BE(0x9c600001), BE(0x18800040), BE(0xa8840054), BE(0x9ca00010), \
	BE(0x9d600040), BE(0x20000001), BE(0x84810004), BE(0x8c640000), \
	BE(0x9d60005d), BE(0x20000001)

/*
 * PowerPC: sc, number in r0, arguments r3-r5; write 4, exit 1
 * (arch/powerpc/kernel/syscalls/syscall.tbl). argv at 4(r1) for ppc,
 * 8(r1) for the 64-bit ones, which are ELFv2 (e_flags 2): e_entry is
 * code, not a function descriptor, for ppc64 too.
 *   li r3,1; lis r4,0x40; ori r4,r4,<line>; li r5,16; li r0,4 (write); sc;
 *   lwz/ld r4,4/8(r1); lbz r3,0(r4); li r0,1 (exit); sc
 */
#define PPC(W, line, ld) W(0x38600001), W(0x3c800040), W(0x60840000 | (line)), \
	W(0x38a00010), W(0x38000004), W(0x44000002), W(ld), W(0x88640000), \
	W(0x38000001), W(0x44000002)

/*
 * RISC-V: ecall, number in a7, arguments a0-a2; asm-generic numbers.
 * RV32I/RV64I only, no compressed instructions.
 *   li a0,1; lui a1,0x400; addi a1,a1,<line>; li a2,16; li a7,64 (write);
 *   ecall; lw/ld a1,4/8(sp); lbu a0,0(a1); li a7,93 (exit); ecall
 */
#define RISCV(line, ld) LE(0x00100513), LE(0x004005b7), \
	LE(0x00058593 | ((line) << 20)), LE(0x01000613), LE(0x04000893), \
	LE(0x00000073), LE(ld), LE(0x0005c503), LE(0x05d00893), LE(0x00000073)

/*
 * s390x: svc <number> (below 256 the number is in the instruction),
 * arguments r2-r4; write 4, exit 1 (arch/s390/kernel/syscalls/
 * syscall.tbl).
 *   lghi %r2,1; llilf %r3,0x400078; lghi %r4,16; svc 4 (write);
 *   lg %r2,8(%r15); llgc %r2,0(%r2); svc 1 (exit)
 */
#define S390X 0xa7, 0x29, 0x00, 0x01, 0xc0, 0x3f, 0x00, 0x40, 0x00, 0x78, \
	0xa7, 0x49, 0x00, 0x10, 0x0a, 0x04, 0xe3, 0x20, 0xf0, 0x08, 0x00, 0x04, \
	0xe3, 0x20, 0x20, 0x00, 0x00, 0x90, 0x0a, 0x01

/*
 * SuperH (SH-4): trapa #0x10 + argument count, number in r3, arguments
 * r4-r6; write 4, exit 1 (arch/sh/kernel/syscalls/syscall.tbl). 16-bit
 * instructions; the line's address from a literal after the code
 * (mov.l @(disp,pc)).
 *   mov #4,r3; mov #1,r4; mov.l lit,r5; mov #16,r6; trapa #0x13 (write);
 *   mov.l @(4,r15),r5; mov.b @r5,r4; extu.b r4,r4; mov #1,r3;
 *   trapa #0x11 (exit); nop; nop; lit: .long 0x400054
 */
#define SH4(W16, W) W16(0xe304), W16(0xe401), W16(0xd504), W16(0xe610), \
	W16(0xc313), W16(0x55f1), W16(0x6450), W16(0x644c), W16(0xe301), \
	W16(0xc311), W16(0x0009), W16(0x0009), W(0x00400054)

/*
 * SPARC: ta 0x10 (32-bit) or ta 0x6d (64-bit), number in g1, arguments
 * o0-o2; write 4, exit 1 (arch/sparc/kernel/syscalls/syscall.tbl). argc
 * sits above the 16-word register save area: argv at sp+68 (32-bit) or
 * sp+2047+136 (64-bit, the stack bias).
 *   mov 1,%o0; sethi %hi(<line>),%o1; or %o1,%lo(<line>),%o1; mov 16,%o2;
 *   mov 4,%g1 (write); ta; ld/ldx [argv],%o1; ldub [%o1],%o0;
 *   mov 1,%g1 (exit); ta
 */
#define SPARC(line, ld, ta) BE(0x90102001), BE(0x13001000), \
	BE(0x92126000 | (line)), BE(0x94102010), BE(0x82102004), BE(ta), \
	BE(ld), BE(0xd00a4000), BE(0x82102001), BE(ta)

/*
 * x86_64: syscall, number in rax, arguments rdi, rsi, rdx; write 1,
 * exit 60 (arch/x86/entry/syscalls/syscall_64.tbl).
 *   mov $1,%eax; mov $1,%edi; mov $0x400078,%esi; mov $16,%edx; syscall;
 *   mov 8(%rsp),%rdi; movzbl (%rdi),%edi; mov $60,%eax; syscall
 */
#define X86_64 0xb8, 0x01, 0x00, 0x00, 0x00, 0xbf, 0x01, 0x00, 0x00, 0x00, \
	0xbe, 0x78, 0x00, 0x40, 0x00, 0xba, 0x10, 0x00, 0x00, 0x00, 0x0f, 0x05, \
	0x48, 0x8b, 0x7c, 0x24, 0x08, 0x0f, 0xb6, 0x3f, 0xb8, 0x3c, 0x00, 0x00, \
	0x00, 0x0f, 0x05

/*
 * Xtensa: syscall, number in a2, arguments a6, a3, a4 (in that order,
 * arch/xtensa/kernel/entry.S); write 13, exit 118 (arch/xtensa/kernel/
 * syscalls/syscall.tbl). 24-bit instructions encoded by hand (Xtensa
 * ISA Reference Manual): a big-endian core mirrors the fields of each
 * format, so xtensaeb has its own bytes. The line's address is a
 * literal before the entry, loaded with l32r.
 *   lit: .long 0x400054; l32r a3,lit; movi a6,1; movi a4,16;
 *   movi a2,13 (write); syscall; l32i a3,a1,4; l8ui a6,a3,0;
 *   movi a2,118 (exit); syscall
 */
#define XTENSA_LE LE(0x00400054), 0x31, 0xff, 0xff, 0x62, 0xa0, 0x01, \
	0x42, 0xa0, 0x10, 0x22, 0xa0, 0x0d, 0x00, 0x50, 0x00, 0x32, 0x21, 0x01, \
	0x62, 0x03, 0x00, 0x22, 0xa0, 0x76, 0x00, 0x50, 0x00
#define XTENSA_BE BE(0x00400054), 0x13, 0xff, 0xff, 0x26, 0x0a, 0x01, \
	0x24, 0x0a, 0x10, 0x22, 0x0a, 0x0d, 0x00, 0x05, 0x00, 0x23, 0x12, 0x01, \
	0x26, 0x30, 0x00, 0x22, 0x0a, 0x76, 0x00, 0x05, 0x00

static const struct tiny tinies[] = {
	TINY("aarch64", 2, 1, 183, 0, 0, A64),
	TINY("aarch64_be", 2, 2, 183, 0, 0, A64),
	/* e_flags EF_ALPHA_32BIT clear: a 64-bit address space. */
	TINY("alpha", 2, 1, 0x9026, 0, 0, ALPHA),
	TINY("arm", 1, 1, 40, 0x05000000, 0, A32(LE)),
	TINY("armeb", 1, 2, 40, 0x05000000, 0, A32(BE)),
	TINY("cris", 1, 1, 76, 0, 0, CRIS),
	/* e_flags: the v67 core qemu emulates. */
	TINY("hexagon", 1, 1, 164, 0x67, 0, HEXAGON),
	/* e_flags EFA_PARISC_1_1. */
	TINY("hppa", 1, 2, 15, 0x210, 0, HPPA),
	TINY("i386", 1, 1, 3, 0, 0, I386),
	/* e_flags 0x43: EF_LOONGARCH_OBJABI_V1 | double-float ABI. */
	TINY("loongarch64", 2, 1, 258, 0x43, 0, LOONGARCH),
	TINY("m68k", 1, 2, 4, 0, 0, M68K),
	TINY("microblaze", 1, 2, 189, 0, 0, MICROBLAZE(BE)),
	TINY("microblazeel", 1, 1, 189, 0, 0, MICROBLAZE(LE)),
	/* e_flags EF_MIPS_ARCH_64R2 | EF_MIPS_ABI2 (n32). */
	TINY("mipsn32", 1, 2, 8, 0x80000020, 0, MIPS_N32(BE)),
	TINY("mipsn32el", 1, 1, 8, 0x80000020, 0, MIPS_N32(LE)),
	/* e_flags EF_MIPS_ABI_O32. */
	TINY("mips", 1, 2, 8, 0x1000, 0, MIPS_O32(BE)),
	TINY("mipsel", 1, 1, 8, 0x1000, 0, MIPS_O32(LE)),
	/* e_flags EF_MIPS_ARCH_64R2. */
	TINY("mips64", 2, 2, 8, 0x80000000, 0, MIPS_N64(BE)),
	TINY("mips64el", 2, 1, 8, 0x80000000, 0, MIPS_N64(LE)),
	TINY("nios2", 1, 1, 113, 0, 0, NIOS2),
	TINY("or1k", 1, 2, 92, 0, 0, OR1K),
	TINY("ppc", 1, 2, 20, 0, 0, PPC(BE, 0x54, 0x80810004)),
	TINY("ppc64", 2, 2, 21, 2, 0, PPC(BE, 0x78, 0xe8810008)),
	TINY("ppc64le", 2, 1, 21, 2, 0, PPC(LE, 0x78, 0xe8810008)),
	TINY("riscv32", 1, 1, 243, 0, 0, RISCV(0x54, 0x00412583)),
	/* e_flags EF_RISCV_FLOAT_ABI_DOUBLE. */
	TINY("riscv64", 2, 1, 243, 0x4, 0, RISCV(0x78, 0x00813583)),
	TINY("s390x", 2, 2, 22, 0, 0, S390X),
	TINY("sh4", 1, 1, 42, 0, 0, SH4(LE16, LE)),
	TINY("sh4eb", 1, 2, 42, 0, 0, SH4(BE16, BE)),
	TINY("sparc", 1, 2, 2, 0, 0, SPARC(0x54, 0xd203a044, 0x91d02010)),
	/* EM_SPARC32PLUS, e_flags EF_SPARC_32PLUS: the V8+ ABI is the
	 * 32-bit one. */
	TINY("sparc32plus", 1, 2, 18, 0x100, 0,
	     SPARC(0x54, 0xd203a044, 0x91d02010)),
	TINY("sparc64", 2, 2, 43, 0, 0, SPARC(0x78, 0xd25ba887, 0x91d0206d)),
	TINY("x86_64", 2, 1, 62, 0, 0, X86_64),
	TINY("xtensa", 1, 1, 94, 0, 4, XTENSA_LE),
	TINY("xtensaeb", 1, 2, 94, 0, 4, XTENSA_BE),
};

#define NTINY (sizeof(tinies) / sizeof(tinies[0]))

const char *const tiny_arches[] = {
	"aarch64", "aarch64_be", "alpha", "arm", "armeb", "cris", "hexagon", "hppa",
	"i386", "loongarch64", "m68k", "microblaze", "microblazeel", "mipsn32",
	"mipsn32el", "mips", "mipsel", "mips64", "mips64el", "nios2", "or1k",
	"ppc", "ppc64", "ppc64le", "riscv32", "riscv64", "s390x", "sh4", "sh4eb",
	"sparc", "sparc32plus", "sparc64", "x86_64", "xtensa", "xtensaeb", NULL,
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
	unsigned ehsize, phsize, total, code;
	uint64_t entry;
	uint8_t *ph;
	size_t i;
	int msb;

	for (i = 0; i < NTINY; i++)
		if (!strcmp(tinies[i].arch, arch))
			t = &tinies[i];
	if (!t)
		return -ENOENT;
	/* sizeof(Elf32_Ehdr) 52, Elf64_Ehdr 64; Elf32_Phdr 32, Elf64_Phdr 56 */
	ehsize = t->elf_class == 2 ? 64 : 52;
	phsize = t->elf_class == 2 ? 56 : 32;
	code = ehsize + phsize + TINY_LINE_LEN;
	total = code + t->code_len;
	if (len < total)
		return -ENOSPC;
	msb = t->elf_data == 2;
	entry = TINY_BASE + code + t->entry;
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
	memcpy(buf + ehsize + phsize, TINY_LINE, TINY_LINE_LEN);
	memcpy(buf + code, t->code, t->code_len);
	return (int)total;
}
