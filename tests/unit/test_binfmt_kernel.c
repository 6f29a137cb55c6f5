// SPDX-License-Identifier: GPL-2.0
/*
 * lib/binfmt.c against the real kernel, in a private binfmt_misc instance
 * (never the host's): what we generate is what the kernel stores, our
 * parser accepts and refuses what create_entry() does, and the entry the
 * kernel runs for a file is the one binfmt_match() predicts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "binfmt.h"
#include "testlib.h"

#define MAX_ENTRIES 128

static int read_status(const char *name, struct binfmt_entry *out)
{
	char path[512], text[4096];
	long n;

	snprintf(path, sizeof(path), "%s/%s", BINFMT_MNT, name);
	n = tl_read_file(path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	return binfmt_parse_status(name, text, (size_t)n, out);
}

static int write_status(const char *name, const char *what)
{
	char path[512];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", BINFMT_MNT, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, what, strlen(what)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Field by field: what the kernel shows equals what we meant. */
static bool same_entry(struct __test_metadata *_metadata,
		       const struct binfmt_entry *want,
		       const struct binfmt_entry *got)
{
	EXPECT_STREQ(want->name, got->name);
	EXPECT_EQ(want->enabled, got->enabled);
	EXPECT_EQ(want->is_extension, got->is_extension);
	EXPECT_STREQ(want->interpreter, got->interpreter);
	EXPECT_STREQ(want->flags, got->flags) TH_LOG("%s", want->name);
	EXPECT_STREQ(want->extension, got->extension);
	EXPECT_EQ(want->offset, got->offset);
	EXPECT_EQ(want->has_mask, got->has_mask) TH_LOG("%s", want->name);
	EXPECT_EQ(want->magic_len, got->magic_len) TH_LOG("%s", want->name);
	if (want->magic_len != got->magic_len)
		return false;
	EXPECT_EQ(0, memcmp(want->magic, got->magic, want->magic_len))
		TH_LOG("%s magic", want->name);
	EXPECT_EQ(0, memcmp(want->mask, got->mask, want->magic_len))
		TH_LOG("%s mask", want->name);
	return _metadata->passed;
}

FIXTURE(gen) {
	char why[256];
};

FIXTURE_VARIANT(gen) {
	const char *flags;
};

FIXTURE_VARIANT_ADD(gen, fp) { .flags = "FP" };
FIXTURE_VARIANT_ADD(gen, none) { .flags = "" };
FIXTURE_VARIANT_ADD(gen, all) { .flags = "FCP" };	/* C: kernel shows OC */

FIXTURE_SETUP(gen)
{
}

FIXTURE_TEARDOWN(gen)
{
}

/* Every entry we generate, for every arch, registers, and the kernel's
 * status file parses back to exactly the generated entry. */
TEST_F(gen, kernel_view_equals_generated)
{
	static struct binfmt_entry ours[BINFMT_ENTRIES_MAX], got;
	char line[BINFMT_REGISTER_MAX + 1];
	size_t i, total = 0;
	int n, k;

	if (tl_private_binfmt(self->why, sizeof(self->why)))
		SKIP(return, "%s", self->why);
	for (i = 0; i < arch_count; i++) {
		n = binfmt_entries_for_arch(&arch_table[i], "/bin/true",
					    variant->flags, ours, BINFMT_ENTRIES_MAX);
		ASSERT_LT(0, n) TH_LOG("%s", arch_table[i].name);
		for (k = 0; k < n; k++) {
			ASSERT_LT(0, binfmt_format_register(&ours[k], line, sizeof(line)));
			ASSERT_EQ(0, tl_register(line)) TH_LOG("%s", line);
			ASSERT_EQ(0, read_status(ours[k].name, &got));
			same_entry(_metadata, &ours[k], &got);
			total++;
		}
	}
	TH_LOG("%zu entries registered and read back (flags \"%s\")",
	       total, variant->flags);
}

struct raw_case {
	const char *line;	/* registered exactly like this */
	bool ok;		/* the kernel accepts it */
};

/*
 * Raw register strings: binfmt_parse_register() accepts exactly what the
 * kernel accepts, and reads it as the kernel does (compared through the
 * status file). No flag letter as delimiter here: older kernels scan past
 * their buffer on that (create_entry() refuses it since).
 */
TEST(parser_agrees_with_create_entry)
{
	static const struct raw_case cases[] = {
		{ ":r0:M::\\x7fELF::/bin/i:", true },
		{ ":r1:M::\\xAB\\xcD:\\xFf\\x0F:/i:", true },
		{ ":r2:M::\\a\\\\::/i:", true },
		{ ":r3:M::\\\\x41::/i:", true },
		{ ":r4:M::\\x00\\x00::/i:", true },
		{ ":r5:M:+3:ab::/i:", true },
		{ ":r6:M:-0:ab::/i:", true },
		{ ":r7:M:007:ab::/i:", true },
		{ ":r8:M:254:ab::/i:", true },
		{ ":r9:M::ab::/i:POC\n", true },
		{ ":r10:M::ab::/i:C", true },
		{ ":r11:M::ab::/i:PPOO", true },
		{ "xr12xMxx\\x78x\\xffx/ix", true },
		{ "#r 13#M##\\x3a:#::#/usr/bin/x y#", true },
		{ ":r14:E::py::/usr/bin/python3:", true },
		{ ":r15:E:junk:py:junk:/usr/bin/python3:P", true },
		{ ":r16:M:12:\\x7f\\x45:\\xfe\\x0f:/i:O", true },
		{ ":b0:M::x::", false },
		{ "::M::ab::/bin/i:", false },
		{ ":..:M::ab::/bin/i:", false },
		{ ":b2:X::ab::/bin/i:", false },
		{ ":b3:MM::ab::/bin/i:", false },
		{ ":b4:M::::/bin/i:", false },
		{ ":b5:M::ab:::", false },
		{ ":b6:M::ab::/bin/i", false },
		{ ":b7:M::ab::/bin/i:X", false },
		{ ":b8:M::ab::/bin/i:P:", false },
		{ ":b9:M::ab::/bin/i:P\n\n", false },
		{ ":b10:M::\\x7g::/bin/i:", false },
		{ ":b11:M::\\x7:::/bin/i:", false },
		{ ":b12:M::ab:\\xff:/bin/i:", false },
		{ ":b13:M:255:ab::/bin/i:", false },
		{ ":b14:M:-1:ab::/bin/i:", false },
		{ ":b15:M:0x10:ab::/bin/i:", false },
		{ ":b16:M:99999999999:ab::/bin/i:", false },
		{ ":b17:E::py/x::/bin/i:", false },
		{ ":b18:E::py:/bin/i:", false },
	};
	struct binfmt_entry mine, kern;
	char why[256];
	size_t i;

	if (tl_private_binfmt(why, sizeof(why)))
		SKIP(return, "%s", why);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int kr = tl_register(cases[i].line);
		int ur = binfmt_parse_register(cases[i].line, &mine);

		EXPECT_EQ(cases[i].ok ? 0 : -EINVAL, kr) TH_LOG("kernel: %s", cases[i].line);
		EXPECT_EQ(kr, ur) TH_LOG("ours: %s", cases[i].line);
		if (kr || ur)
			continue;
		ASSERT_EQ(0, read_status(mine.name, &kern)) TH_LOG("%s", mine.name);
		same_entry(_metadata, &mine, &kern);
	}
}

static int write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static size_t ehdr(uint8_t *b, const struct arch *a, unsigned type,
		   unsigned machine, uint32_t flags)
{
	bool lsb = a->elf_data == 1;
	unsigned fo = a->elf_class == 1 ? 36 : 48, i;

	memset(b, 0, BINFMT_BUF_SIZE);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = a->elf_class;
	b[5] = a->elf_data;
	b[6] = 1;
	b[lsb ? 16 : 17] = (uint8_t)type;
	b[lsb ? 18 : 19] = (uint8_t)machine;
	b[lsb ? 19 : 18] = (uint8_t)(machine >> 8);
	for (i = 0; i < 4; i++)
		b[fo + (lsb ? i : 3 - i)] = (uint8_t)(flags >> (8 * i));
	return a->elf_class == 1 ? 52 : 64;
}

struct live {
	struct binfmt_entry e[MAX_ENTRIES];
	size_t n;
};

/* The kernel's view of the live entries, in registration order. */
static int reload(struct live *l)
{
	size_t i;
	int err;

	for (i = 0; i < l->n; i++)
		if ((err = read_status(l->e[i].name, &l->e[i])))
			return err;
	return 0;
}

/* Register e with a script interpreter that prints e's name. */
static int add(struct live *l, const char *dir, struct binfmt_entry *e)
{
	char script[BINFMT_INTERP_MAX + 64], line[BINFMT_REGISTER_MAX + 1];
	int err;

	snprintf(e->interpreter, sizeof(e->interpreter), "%s/%s", dir, e->name);
	snprintf(script, sizeof(script), "#!/bin/sh\necho %s\n", e->name);
	if ((err = write_file(e->interpreter, script, strlen(script), 0755)))
		return err;
	if ((err = binfmt_format_register(e, line, sizeof(line))) < 0)
		return err;
	if ((err = tl_register(line)))
		return err;
	l->e[l->n++] = *e;
	return 0;
}

/* Exec a file with these bytes; the kernel's choice must be ours. */
static void check_exec(struct __test_metadata *_metadata, const char *dir,
		       struct live *l, const uint8_t *b, size_t len,
		       const char *what, size_t *ran)
{
	char path[600], out[512], err[512], want[300];
	char *argv[] = { path, NULL };
	int idx, st;

	snprintf(path, sizeof(path), "%s/prog", dir);
	ASSERT_EQ(0, write_file(path, b, len, 0755));
	ASSERT_EQ(0, reload(l));
	idx = binfmt_match(l->e, l->n, path, b, len);
	st = tl_run(argv, NULL, 0, out, sizeof(out), err, sizeof(err));
	ASSERT_LE(0, st);
	if (idx < 0) {
		/* No handler: execve fails (tl_run's child exits 127). */
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 127)
			TH_LOG("%s: ran something: %s", what, out);
		return;
	}
	snprintf(want, sizeof(want), "%s\n", l->e[idx].name);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s: %s", what, err);
	EXPECT_STREQ(want, out) TH_LOG("%s", what);
	(*ran)++;
}

/*
 * Every foreign entry of ours plus an overlapping qemu-aarch64 entry of
 * Debian's shape, registered after ours (so it wins), each with a script
 * that prints its name; exec headers of every foreign row and compare
 * what ran with binfmt_match(). Then disable entries and look again.
 * The host's own family is left out: our entry for it would take over
 * /bin/sh (binfmt_misc is tried before binfmt_elf).
 */
TEST(kernel_runs_the_entry_binfmt_match_predicts)
{
	static const uint32_t flags[] = { 0, 0x20, 0x70001007, 0x80000027 };
	static struct live l;
	static struct binfmt_entry gen[BINFMT_ENTRIES_MAX], deb;
	char why[256], dir[] = "/tmp/bshim-binfmt-XXXXXX", what[128];
	uint8_t b[BINFMT_BUF_SIZE];
	size_t i, f, ran = 0, len;
	unsigned type;
	int n, k;

	if (tl_private_binfmt(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_NE(NULL, mkdtemp(dir));
	for (i = 0; i < arch_count; i++) {
		if (arch_is_host_family(&arch_table[i]))
			continue;
		n = binfmt_entries_for_arch(&arch_table[i], "/x", "P", gen,
					    BINFMT_ENTRIES_MAX);
		ASSERT_LT(0, n);
		for (k = 0; k < n; k++)
			ASSERT_EQ(0, add(&l, dir, &gen[k]));
	}
	/* Debian's qemu-aarch64.conf, with OSABI ignored and padding
	 * required zero. Flags PF, not OPF: with O the kernel refuses a
	 * script as interpreter (exec_binprm(): a second executable with
	 * have_execfd is -ENOEXEC), whatever entry matched. */
	ASSERT_EQ(0, binfmt_parse_register(
		":qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00"
		"\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff"
		"\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff"
		":/x:PF", &deb));
	ASSERT_EQ(0, add(&l, dir, &deb));

	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];

		if (arch_is_host_family(a))
			continue;
		for (type = 2; type <= 3; type++)
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			unsigned m = f == 3 && a->machine_alt ? a->machine_alt : a->machine;

			len = ehdr(b, a, type, m, flags[f]);
			snprintf(what, sizeof(what), "%s type %u machine %#x flags %#x",
				 a->name, type, m, flags[f]);
			check_exec(_metadata, dir, &l, b, len, what, &ran);
		}
	}
	/* aarch64 with OSABI GNU/Linux, and a header the padding test of
	 * qemu-aarch64 refuses: both ours. */
	len = ehdr(b, arch_by_name("aarch64"), 3, 183, 0);
	b[7] = 3;
	check_exec(_metadata, dir, &l, b, len, "aarch64 OSABI 3", &ran);
	b[12] = 1;
	check_exec(_metadata, dir, &l, b, len, "aarch64 EI_PAD", &ran);
	EXPECT_STREQ("binfmt-shim-aarch64", l.e[binfmt_match(l.e, l.n, "p", b, len)].name);

	/* Disable qemu-aarch64: ours runs; disable ours too: nothing. */
	b[12] = 0;
	check_exec(_metadata, dir, &l, b, len, "aarch64, both enabled", &ran);
	EXPECT_STREQ("qemu-aarch64", l.e[binfmt_match(l.e, l.n, "p", b, len)].name);
	ASSERT_EQ(0, write_status("qemu-aarch64", "0"));
	check_exec(_metadata, dir, &l, b, len, "aarch64, qemu disabled", &ran);
	ASSERT_EQ(0, write_status("binfmt-shim-aarch64", "0"));
	check_exec(_metadata, dir, &l, b, len, "aarch64, both disabled", &ran);
	EXPECT_EQ(-1, binfmt_match(l.e, l.n, "p", b, len));
	ASSERT_EQ(0, write_status("qemu-aarch64", "1"));
	check_exec(_metadata, dir, &l, b, len, "aarch64, qemu re-enabled", &ran);
	TH_LOG("%zu entries live, %zu execs ran the predicted interpreter", l.n, ran);

	for (i = 0; i < l.n; i++)
		unlink(l.e[i].interpreter);
	snprintf(what, sizeof(what), "%s/prog", dir);
	unlink(what);
	rmdir(dir);
}

TEST_HARNESS_MAIN
