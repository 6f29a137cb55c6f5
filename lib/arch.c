// SPDX-License-Identifier: GPL-2.0
/* The arch table and its look-ups. Pure: no I/O, no allocation. */
#include <string.h>

#include "arch.h"

#define ARCH(n, c, d, m, malt, fm, fv, fam, deb, trip, al)                    \
	{ .name = #n, .elf_class = c, .elf_data = d, .machine = m,            \
	  .machine_alt = malt, .flags_mask = fm, .flags_value = fv,           \
	  .family = fam, .debian = deb, .triplets = trip, .aliases = al },

const struct arch arch_table[] = {
#include "arch_table.h"
};
#undef ARCH

const size_t arch_count = sizeof(arch_table) / sizeof(arch_table[0]);

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++)
		if (a[i] == '\0' || lower((unsigned char)a[i]) !=
				    lower((unsigned char)b[i]))
			return 0;
	return a[i] == '\0';
}

static int list_has(const char *list, const char *name)
{
	const char *p = list, *comma;

	while (*p) {
		comma = strchr(p, ',');
		if (name_eq(name, p, comma ? (size_t)(comma - p) : strlen(p)))
			return 1;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

const struct arch *arch_by_name(const char *name)
{
	size_t i;

	if (!name || !*name)
		return NULL;
	for (i = 0; i < arch_count; i++)
		if (name_eq(name, arch_table[i].name, strlen(arch_table[i].name)))
			return &arch_table[i];
	for (i = 0; i < arch_count; i++)
		if (list_has(arch_table[i].aliases, name))
			return &arch_table[i];
	return NULL;
}

const struct arch *arch_by_elf(unsigned elf_class, unsigned elf_data,
			       unsigned machine, uint32_t flags)
{
	size_t i;

	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];

		if (a->elf_class != elf_class || a->elf_data != elf_data)
			continue;
		if (a->machine != machine &&
		    !(a->machine_alt && a->machine_alt == machine))
			continue;
		if ((flags & a->flags_mask) != a->flags_value)
			continue;
		return a;
	}
	return NULL;
}

const struct arch *arch_host(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	static const char host[] = "x86_64";	/* x32 userland, x86_64 kernel */
#elif defined(__x86_64__)
	static const char host[] = "x86_64";
#elif defined(__i386__)
	static const char host[] = "i386";
#elif defined(__aarch64__) && defined(__AARCH64EB__)
	static const char host[] = "aarch64_be";
#elif defined(__aarch64__)
	static const char host[] = "aarch64";
#elif defined(__arm__) && defined(__ARMEB__)
	static const char host[] = "armeb";
#elif defined(__arm__)
	static const char host[] = "arm";
#elif defined(__riscv) && __riscv_xlen == 64
	static const char host[] = "riscv64";
#elif defined(__riscv)
	static const char host[] = "riscv32";
#elif defined(__s390x__)
	static const char host[] = "s390x";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	static const char host[] = "ppc64le";
#elif defined(__powerpc64__)
	static const char host[] = "ppc64";
#elif defined(__powerpc__)
	static const char host[] = "ppc";
#elif defined(__loongarch64)
	static const char host[] = "loongarch64";
#elif defined(__mips__) && defined(_ABIN32) && defined(__MIPSEL__)
	static const char host[] = "mipsn32el";
#elif defined(__mips__) && defined(_ABIN32)
	static const char host[] = "mipsn32";
#elif defined(__mips64) && defined(__MIPSEL__)
	static const char host[] = "mips64el";
#elif defined(__mips64)
	static const char host[] = "mips64";
#elif defined(__mips__) && defined(__MIPSEL__)
	static const char host[] = "mipsel";
#elif defined(__mips__)
	static const char host[] = "mips";
#elif defined(__sparc__) && defined(__arch64__)
	static const char host[] = "sparc64";
#elif defined(__m68k__)
	static const char host[] = "m68k";
#elif defined(__alpha__)
	static const char host[] = "alpha";
#elif defined(__hppa__)
	static const char host[] = "hppa";
#elif defined(__sh__) && defined(__BIG_ENDIAN__)
	static const char host[] = "sh4eb";
#elif defined(__sh__)
	static const char host[] = "sh4";
#else
#error "host architecture missing from arch_host(): add it and its table row"
#endif
	return arch_by_name(host);
}

const char *arch_goarch(const struct arch *a)
{
	/* Go's names (go tool dist list); the rest have no linux port. */
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "i386", "386" }, { "aarch64", "arm64" },
		{ "arm", "arm" }, { "riscv64", "riscv64" }, { "s390x", "s390x" },
		{ "ppc64le", "ppc64le" }, { "ppc64", "ppc64" }, { "mips", "mips" },
		{ "mipsel", "mipsle" }, { "mips64", "mips64" },
		{ "mips64el", "mips64le" }, { "loongarch64", "loong64" },
	};
	size_t i;

	for (i = 0; a && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(a->name, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

int arch_is_host_family(const struct arch *a)
{
	const struct arch *h = arch_host();

	if (!a || !h)
		return 0;
	if (a == h)
		return 1;
	return a->family[0] && strcmp(a->family, h->family) == 0;
}

int arch_list_item(const char *list, unsigned idx, char *buf, size_t len)
{
	const char *p = list, *end;
	size_t n;

	while (idx--) {
		p = strchr(p, ',');
		if (!p)
			return -1;
		p++;
	}
	if (!*p)
		return -1;
	end = strchr(p, ',');
	n = end ? (size_t)(end - p) : strlen(p);
	if (n + 1 > len)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return (int)n;
}

size_t arch_sample(const struct arch *a, unsigned type, uint8_t *buf, size_t len)
{
	int msb = a->elf_data == 2;
	unsigned foff = a->elf_class == 2 ? 48 : 36;	/* e_flags, elf.h */
	size_t i;

	if (len < 64)
		return 0;
	memset(buf, 0, 64);
	memcpy(buf, "\x7f" "ELF", 4);
	buf[4] = a->elf_class;
	buf[5] = a->elf_data;
	buf[6] = 1;
	for (i = 0; i < 2; i++) {
		buf[16 + (msb ? 1 - i : i)] = (uint8_t)(type >> (8 * i));
		buf[18 + (msb ? 1 - i : i)] = (uint8_t)(a->machine >> (8 * i));
	}
	for (i = 0; i < 4; i++)
		buf[foff + (msb ? 3 - i : i)] = (uint8_t)(a->flags_value >> (8 * i));
	return 64;
}
