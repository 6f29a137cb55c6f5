// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the kernel module's classifier (kernel/classify.c),
 * compiled unchanged in userspace. In the kernel it reads bprm->buf, the
 * first BINPRM_BUF_SIZE (256) bytes of any file anyone tries to exec, so
 * it must never read out of bounds, and what it writes into the log line
 * must stay one line. Invariants (a trap on violation):
 *   - every read stays inside len (ASan);
 *   - arch= and hint= are NUL-terminated, non-empty, printable ASCII
 *     (the input never reaches the log raw);
 *   - "\177ELF" is always format elf, and the reduced table agrees with
 *     lib/arch.c's arch_by_elf();
 *   - bshim_crlf_interp() returns a "#!" interpreter name ending in CR
 *     that fits its buffer, or 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/classify.c"
#include "arch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BINPRM_BUF_SIZE 256	/* include/uapi/linux/binfmts.h */

static void printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == 0 || n == cap)
		abort();
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static void check(const uint8_t *buf, size_t len, const struct bshim_host *h)
{
	struct bshim_verdict v;
	enum bshim_fmt f;

	memset(&v, 0x5a, sizeof(v));
	f = bshim_classify(buf, len, h, &v);
	if (f != v.fmt || f >= BSHIM_FMT_SCRIPT)
		abort();
	printable(v.arch, sizeof(v.arch));
	printable(v.hint, sizeof(v.hint));
	if (len >= 4 && !memcmp(buf, "\177ELF", 4) && f != BSHIM_FMT_ELF)
		abort();
	if (strcmp(bshim_fmt_name(f), "unknown") == 0 && f != BSHIM_FMT_UNKNOWN)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "x86_64", "aarch64", "s390x", "arm" };
	size_t len = size < BINPRM_BUF_SIZE ? size : BINPRM_BUF_SIZE, i;
	char interp[64];
	size_t n;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		const struct arch *a = arch_by_name(hosts[i]);
		struct bshim_host h;

		h.arch = bshim_arch_by_elf(a->elf_class, a->elf_data, a->machine, 0);
		if (!h.arch || strcmp(h.arch->name, a->name))
			abort();
		h.compat32 = i & 1;
		check(data, len, &h);
	}

	/* The reduced kernel table and lib/arch.c agree on every header. */
	if (len >= 52 && !memcmp(data, "\177ELF", 4)) {
		bool be = data[5] == 2;
		unsigned int m = rd16(data + 18, be);
		unsigned int fl = rd32(data + (data[4] == 2 && len >= 52 ? 48 : 36), be);
		const struct bshim_karch *k = bshim_arch_by_elf(data[4], data[5], m, fl);
		const struct arch *u = arch_by_elf(data[4], data[5], m, fl);

		if (!k != !u || (k && strcmp(k->name, u->name)))
			abort();
	}

	n = bshim_crlf_interp(data, len, interp, sizeof(interp));
	if (n) {
		if (n >= sizeof(interp) || strlen(interp) != n ||
		    interp[n - 1] != '\r' || data[0] != '#' || data[1] != '!')
			abort();
	}
	return 0;
}
