/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_ARCH_H
#define BSHIM_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* One row of lib/arch_table.h; see there for what each field means. */
struct arch {
	const char *name;	/* QEMU target name */
	uint8_t elf_class;	/* ELFCLASS32 / ELFCLASS64 */
	uint8_t elf_data;	/* ELFDATA2LSB / ELFDATA2MSB */
	uint16_t machine;
	uint16_t machine_alt;	/* 0: none */
	uint32_t flags_mask;
	uint32_t flags_value;
	const char *family;	/* "" : none */
	const char *debian;	/* comma separated */
	const char *triplets;	/* comma separated */
	const char *aliases;	/* comma separated */
};

extern const struct arch arch_table[];
extern const size_t arch_count;

/* By QEMU name or any alias, ASCII case-insensitive. NULL if unknown. */
const struct arch *arch_by_name(const char *name);

/* The first 64 bytes of an ELF file of arch a with this e_type (2 EXEC,
 * 3 DYN): what binfmt_misc sees of it. 64, or 0 when len < 64. */
size_t arch_sample(const struct arch *a, unsigned type, uint8_t *buf, size_t len);

/* The row an ELF header belongs to, NULL if no QEMU target runs it. */
const struct arch *arch_by_elf(unsigned elf_class, unsigned elf_data,
			       unsigned machine, uint32_t flags);

/* The architecture this code was compiled for (compile-time, never NULL
 * on the hosts we build for). */
const struct arch *arch_host(void);

/* The GOARCH that builds for a, NULL when Go has none. */
const char *arch_goarch(const struct arch *a);

/* Same non-empty family as the host: the host may run it natively. */
int arch_is_host_family(const struct arch *a);

/*
 * Iterate a comma separated list field (aliases, triplets, debian):
 * copies item number idx into buf; returns its length, or -1 past the end
 * or when buf is too small.
 */
int arch_list_item(const char *list, unsigned idx, char *buf, size_t len);

#endif
