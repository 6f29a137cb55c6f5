// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/binfmt.c parsers and matcher. The input is split
 * at NUL bytes: every part but the last is a register string (binfmt.d
 * lines are untrusted text); the last is a file's first bytes and, up to
 * its first '\n', its name. The whole input is also fed to the status
 * parser. Invariants (a trap on violation):
 *   - what parses formats, and parses back to the same entry;
 *   - an entry rendered the way entry_status() renders it parses back to
 *     the same entry;
 *   - binfmt_match() returns the newest enabled matching entry;
 *   - entries of one kind that match one file overlap (entries_overlap),
 *     symmetrically.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "binfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 8

static bool same(const struct binfmt_entry *a, const struct binfmt_entry *b)
{
	return !strcmp(a->name, b->name) && a->enabled == b->enabled &&
	       a->is_extension == b->is_extension &&
	       !strcmp(a->interpreter, b->interpreter) &&
	       !strcmp(a->flags, b->flags) && !strcmp(a->extension, b->extension) &&
	       a->offset == b->offset && a->magic_len == b->magic_len &&
	       !memcmp(a->magic, b->magic, a->magic_len) &&
	       !memcmp(a->mask, b->mask, a->magic_len) &&
	       (a->is_extension || a->has_mask == b->has_mask);
}

/* entry_status() of fs/binfmt_misc.c, in userspace. */
static size_t status_text(const struct binfmt_entry *e, char *p, size_t cap)
{
	size_t n, i;

	n = (size_t)snprintf(p, cap, "%s\ninterpreter %s\nflags: %s\n",
			     e->enabled ? "enabled" : "disabled",
			     e->interpreter, e->flags);
	if (e->is_extension)
		return n + (size_t)snprintf(p + n, cap - n, "extension .%s\n",
					    e->extension);
	n += (size_t)snprintf(p + n, cap - n, "offset %u\nmagic ", e->offset);
	for (i = 0; i < e->magic_len; i++)
		n += (size_t)snprintf(p + n, cap - n, "%02x", e->magic[i]);
	if (e->has_mask) {
		n += (size_t)snprintf(p + n, cap - n, "\nmask ");
		for (i = 0; i < e->magic_len; i++)
			n += (size_t)snprintf(p + n, cap - n, "%02x", e->mask[i]);
	}
	return n + (size_t)snprintf(p + n, cap - n, "\n");
}

static void check_entry(const struct binfmt_entry *e)
{
	static struct binfmt_entry back;
	static char line[BINFMT_REGISTER_MAX + 1], text[8192];
	int len = binfmt_format_register(e, line, sizeof(line));
	size_t n;

	/* The only refusals: a field with every delimiter or a newline,
	 * or a string over the kernel's limit. */
	if (len >= 0) {
		if (binfmt_parse_register(line, &back) || !same(e, &back))
			__builtin_trap();
	}
	if (strchr(e->interpreter, '\n') || strchr(e->extension, '\n'))
		return;
	n = status_text(e, text, sizeof(text));
	if (n >= sizeof(text))
		return;
	if (binfmt_parse_status(e->name, text, n, &back) || !same(e, &back))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct binfmt_entry e[MAX_PARTS], tmp;
	static char buf[BINFMT_REGISTER_MAX * 2 + 1];
	const uint8_t *file;
	const char *part, *nl;
	char name[256];
	size_t n = 0, flen, i;
	int idx;

	if (size > BINFMT_REGISTER_MAX * 2)
		return 0;
	binfmt_parse_status("fuzz", (const char *)data, size, &tmp);
	memcpy(buf, data, size);
	buf[size] = '\0';

	/* Register strings: the NUL-separated parts before the last. */
	part = buf;
	while (n < MAX_PARTS) {
		const char *end = memchr(part, '\0', (size_t)(buf + size - part) + 1);

		if (end == buf + size)
			break;
		if (!binfmt_parse_register(part, &e[n])) {
			check_entry(&e[n]);
			/* Vary the enabled state from the input. */
			e[n].enabled = !(part[0] & 1);
			n++;
		}
		part = end + 1;
	}
	if (n == 0 && !binfmt_parse_register(buf, &tmp))
		check_entry(&tmp);

	/* The last part: "<name>\n<bytes>" or just bytes. */
	nl = memchr(part, '\n', (size_t)(buf + size - part));
	name[0] = '\0';
	if (nl && (size_t)(nl - part) < sizeof(name)) {
		memcpy(name, part, (size_t)(nl - part));
		name[nl - part] = '\0';
		part = nl + 1;
	}
	file = (const uint8_t *)part;
	flen = (size_t)(buf + size - part);
	idx = binfmt_match(e, n, name, file, flen);
	if (idx < -1 || idx >= (int)n)
		__builtin_trap();
	for (i = n; i-- > 0;) {
		bool m = e[i].enabled && binfmt_entry_matches(&e[i], name, file, flen);

		if ((int)i > idx && m)
			__builtin_trap();	/* a newer match was skipped */
		if ((int)i == idx && !m)
			__builtin_trap();
	}
	/* Two entries of one kind (magic or extension) that both match this
	 * file overlap (entries_overlap), and overlap is symmetric. */
	for (i = 0; i < n; i++) {
		bool mi = binfmt_entry_matches(&e[i], name, file, flen);
		size_t j;

		for (j = 0; j < n; j++) {
			bool o = entries_overlap(&e[i], &e[j]);

			if (o != entries_overlap(&e[j], &e[i]))
				__builtin_trap();
			if (mi && e[i].is_extension == e[j].is_extension && !o &&
			    binfmt_entry_matches(&e[j], name, file, flen))
				__builtin_trap();
		}
	}
	/* Our own generated entries survive the same checks. */
	if (size && data[0] < arch_count &&
	    binfmt_entry_for_arch(&arch_table[data[0]], "/s", "PF", &tmp) == 0)
		check_entry(&tmp);
	return 0;
}
