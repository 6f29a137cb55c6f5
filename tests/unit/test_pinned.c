// SPDX-License-Identifier: GPL-2.0
/*
 * lib/pinned.c (the pinned file's trailer and the checks on its values)
 * and lib/loadplan.c (how the shim maps an emulator): round trips, each
 * rejection by table, and the plans of real programs: Debian's qemu-aarch64-static (static-pie) and
 * the host's /bin/busybox (static, fixed address) must be mappable, a
 * dynamically linked program must not (the shim execs it instead).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "loadplan.h"
#include "pinned.h"
#include "testlib.h"

static void sample(struct pinned_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->shim_size = 100000;
	pi->emu_offset = pinned_emu_offset(pi->shim_size);
	pi->emu_size = 12345678;
	pi->emu_dev = 0x803;
	pi->emu_ino = 4242;
	pi->emu_mtime = 1700000000;
	pi->emu_st_size = 12345678;
	pi->root_dev = 0x801;
	pi->root_ino = 2;
	strcpy(pi->arch, "aarch64");
	strcpy(pi->emu_path, "/usr/bin/qemu-aarch64-static");
}

static uint64_t file_size(const struct pinned_info *pi)
{
	return pi->emu_offset + pi->emu_size + PINNED_TRAILER_SIZE;
}

TEST(trailer_round_trip)
{
	unsigned char t[PINNED_TRAILER_SIZE + 7];
	struct pinned_info in, out;

	sample(&in);
	EXPECT_EQ(131072u, in.emu_offset);	/* 100000 up to 64 KiB */
	/* The buffer may hold more than the trailer: the last 512 count. */
	memset(t, 0xee, sizeof(t));
	ASSERT_EQ(0, pinned_format(&in, t + 7));
	ASSERT_EQ(0, pinned_parse(t, sizeof(t), file_size(&in), &out));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
}

TEST(no_trailer_is_a_plain_shim)
{
	unsigned char t[PINNED_TRAILER_SIZE] = { 0 };
	struct pinned_info out;

	EXPECT_EQ(-ENOENT, pinned_parse(t, sizeof(t), 1 << 20, &out));
	EXPECT_EQ(-ENOENT, pinned_parse(t, 100, 1 << 20, &out));
	EXPECT_EQ(-ENOENT, pinned_parse(NULL, 0, 0, &out));
}

/* Each field that does not describe the file: -EINVAL. */
TEST(trailers_that_lie_are_refused)
{
	static const struct {
		const char *what;
		int off;		/* byte to change, -1: the size */
		unsigned char val;
		int64_t size_delta;
	} cases[] = {
		{ "version", 8, 2, 0 },
		{ "trailer size", 13, 0, 0 },
		{ "shim size 0", -2, 0, 0 },
		{ "offset not aligned", 24, 1, 0 },
		{ "file one byte longer", -1, 0, 1 },
		{ "file one byte shorter", -1, 0, -1 },
		{ "arch not terminated", -3, 0, 0 },
		{ "path not absolute", 128, 'u', 0 },
		{ "empty path", 128, 0, 0 },
	};
	unsigned char t[PINNED_TRAILER_SIZE];
	struct pinned_info in, out;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sample(&in);
		ASSERT_EQ(0, pinned_format(&in, t));
		if (cases[i].off >= 0)
			t[cases[i].off] = cases[i].val;
		else if (cases[i].off == -2)
			memset(t + 16, 0, 8);
		else if (cases[i].off == -3)
			memset(t + 96, 'a', 32);
		EXPECT_EQ(-EINVAL, pinned_parse(t, sizeof(t),
						file_size(&in) + (uint64_t)cases[i].size_delta, &out))
			TH_LOG("%s", cases[i].what);
	}
	/* An offset before the shim's end: the emulator would overlap it. */
	sample(&in);
	in.emu_offset = 65536;
	EXPECT_EQ(-EINVAL, pinned_format(&in, t));
	/* A relative path, an empty arch. */
	sample(&in);
	strcpy(in.emu_path, "usr/bin/qemu-aarch64-static");
	EXPECT_EQ(-EINVAL, pinned_format(&in, t));
	sample(&in);
	in.arch[0] = '\0';
	EXPECT_EQ(-EINVAL, pinned_format(&in, t));
}

/* The owner and mode the shim accepts, and the overflow uid only where
 * the caller says a user namespace may show root's file so. */
TEST(only_roots_file_writable_by_no_one_else_passes)
{
	static const struct { uint32_t uid, mode; bool overflow_ok, ok; } t[] = {
		{ 0, 0100755, false, true },
		{ 0, 0100555, false, true },
		{ 0, 0104755, false, true },
		{ 0, 0100775, false, false },	/* group-writable */
		{ 0, 0100757, false, false },	/* writable by others */
		{ 1000, 0100755, false, false },
		{ 1000, 0100755, true, false },
		{ PINNED_OVERFLOW_UID, 0100755, false, false },
		{ PINNED_OVERFLOW_UID, 0100755, true, true },
		{ PINNED_OVERFLOW_UID, 0100775, true, false },
		{ 65535, 0100755, true, false },
	};
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		EXPECT_EQ(t[k].ok, pinned_owner_ok(t[k].uid, t[k].mode, t[k].overflow_ok))
			TH_LOG("uid %u mode %o overflow_ok %d", t[k].uid, t[k].mode,
			       t[k].overflow_ok);
}

/* What the stale check and the other-root check compare. */
TEST(a_replaced_emulator_and_another_root_are_told)
{
	struct pinned_info pi;

	sample(&pi);
	EXPECT_EQ(NULL, pinned_changed(&pi, pi.emu_dev, pi.emu_ino, pi.emu_st_size,
				       pi.emu_mtime));
	EXPECT_STREQ("another file", pinned_changed(&pi, pi.emu_dev + 1, pi.emu_ino,
						     pi.emu_st_size, pi.emu_mtime));
	EXPECT_STREQ("another file", pinned_changed(&pi, pi.emu_dev, pi.emu_ino + 1,
						     pi.emu_st_size + 1, pi.emu_mtime));
	EXPECT_STREQ("another size", pinned_changed(&pi, pi.emu_dev, pi.emu_ino,
						     pi.emu_st_size - 1, pi.emu_mtime + 1));
	EXPECT_STREQ("another mtime", pinned_changed(&pi, pi.emu_dev, pi.emu_ino,
						      pi.emu_st_size, pi.emu_mtime + 1));
	EXPECT_FALSE(pinned_other_root(&pi, pi.root_dev, pi.root_ino));
	EXPECT_TRUE(pinned_other_root(&pi, pi.root_dev + 1, pi.root_ino));
	EXPECT_TRUE(pinned_other_root(&pi, pi.root_dev, pi.root_ino + 1));
	/* A trailer that does not say which root: never another. */
	pi.root_ino = 0;
	EXPECT_FALSE(pinned_other_root(&pi, pi.root_dev + 1, 77));
}

/* The host identity the emulator is mapped for is this host's: the byte
 * order the CPU uses, and the machine uname(2) names (where the shim maps
 * at all). */
TEST(host_data_and_machine_are_this_hosts)
{
	const uint16_t one = 1;
	struct utsname u;

	EXPECT_EQ(*(const unsigned char *)&one ? ELFDATA2LSB : ELFDATA2MSB, HOST_DATA);
	ASSERT_EQ(0, uname(&u));
#ifdef HOST_MACHINE
	EXPECT_EQ(!strcmp(u.machine, "x86_64") ? EM_X86_64 :
		  !strcmp(u.machine, "aarch64") ? EM_AARCH64 : -1, HOST_MACHINE)
		TH_LOG("%s", u.machine);
#else
	EXPECT_TRUE(strcmp(u.machine, "x86_64") && strcmp(u.machine, "aarch64"));
#endif
}

/* A whole file in memory, read through lib/reader.c. */
struct file {
	void *buf;
	size_t len;
	struct bshim_mem mem;
};

static int load(const char *path, struct file *f)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	f->len = (size_t)st.st_size;
	f->buf = mmap(NULL, f->len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f->buf == MAP_FAILED)
		return -1;
	f->mem.buf = f->buf;
	f->mem.len = f->len;
	return 0;
}

static int plan(struct file *f, struct load_plan *p)
{
	return load_plan_make(bshim_mem_read, &f->mem, f->len, ELFCLASS64, ELFDATA2LSB,
			      EM_X86_64, 4096, p);
}

TEST(qemu_static_pie_is_mappable)
{
	struct load_plan p;
	struct file f;
	unsigned i;

	if (load("/usr/bin/qemu-aarch64-static", &f) < 0)
		SKIP(return, "/usr/bin/qemu-aarch64-static missing: apt-get install qemu-user-static");
#ifndef __x86_64__
	SKIP(return, "the plan is checked for an x86_64 host");
#endif
	ASSERT_EQ(0, plan(&f, &p)) TH_LOG("%s", load_why_str(p.why));
	EXPECT_TRUE(p.pie);
	EXPECT_EQ(0u, p.lo);
	EXPECT_LE(4u, p.nseg);
	EXPECT_EQ(sizeof(Elf64_Phdr), p.phent);
	for (i = 0; i + 1 < p.nseg; i++)
		EXPECT_LT(p.seg[i].vaddr, p.seg[i + 1].vaddr);
	EXPECT_EQ(((Elf64_Ehdr *)f.buf)->e_entry, p.entry);
	munmap(f.buf, f.len);
}

TEST(static_fixed_address_is_mappable_dynamic_is_not)
{
	struct load_plan p;
	struct file f;

#ifndef __x86_64__
	SKIP(return, "the plan is checked for an x86_64 host");
#endif
	if (load("/bin/busybox", &f) == 0) {
		ASSERT_EQ(0, plan(&f, &p)) TH_LOG("%s", load_why_str(p.why));
		EXPECT_FALSE(p.pie);
		EXPECT_LE(0x10000u, p.lo);
		munmap(f.buf, f.len);
	}
	ASSERT_EQ(0, load("/bin/sh", &f));
	EXPECT_EQ(-ENOEXEC, plan(&f, &p));
	EXPECT_EQ(LOAD_DYNAMIC, p.why);
	munmap(f.buf, f.len);
}

/* Corruptions of qemu's headers, each refused with its reason. */
TEST(broken_headers_are_refused)
{
	struct load_plan p;
	struct file f;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	unsigned i, first_load = 0;

	if (load("/usr/bin/qemu-aarch64-static", &f) < 0)
		SKIP(return, "/usr/bin/qemu-aarch64-static missing");
#ifndef __x86_64__
	SKIP(return, "the plan is checked for an x86_64 host");
#endif
	eh = f.buf;
	ph = (Elf64_Phdr *)((char *)f.buf + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			first_load = i;
			break;
		}
	/* Another host's machine. */
	eh->e_machine = EM_AARCH64;
	EXPECT_EQ(-ENOEXEC, plan(&f, &p));
	EXPECT_EQ(LOAD_WRONG_HOST, p.why);
	eh->e_machine = EM_X86_64;
	/* A segment whose offset and address disagree modulo the page. */
	ph[first_load + 1].p_offset += 8;
	EXPECT_EQ(-ENOEXEC, plan(&f, &p));
	EXPECT_EQ(LOAD_BAD_SEGMENT, p.why);
	ph[first_load + 1].p_offset -= 8;
	/* A segment past the end of the file. */
	ph[first_load + 1].p_filesz = f.len;
	EXPECT_EQ(-ENOEXEC, plan(&f, &p));
	EXPECT_EQ(LOAD_BAD_SEGMENT, p.why);
	ph[first_load + 1].p_filesz = ph[first_load + 1].p_memsz;
	ASSERT_EQ(0, plan(&f, &p));
	/* An entry outside every executable segment. */
	eh->e_entry = 8;
	EXPECT_EQ(-ENOEXEC, plan(&f, &p));
	EXPECT_EQ(LOAD_NO_ENTRY, p.why);
	/* Program headers out of the file. */
	eh->e_phoff = f.len;
	EXPECT_EQ(-ENOEXEC, plan(&f, &p));
	EXPECT_EQ(LOAD_BAD_PHDRS, p.why);
	munmap(f.buf, f.len);
}

/*
 * qemu's PT_GNU_RELRO: planned for the prefault, page-aligned inward and
 * inside the file part of its writable segment; a RELRO header that
 * points anywhere else plans nothing.
 */
TEST(relro_is_planned_only_inside_a_writable_segments_file_part)
{
	struct load_plan p;
	struct file f;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph, *r = NULL;
	unsigned i, w = 0;
	bool in = false;

	if (load("/usr/bin/qemu-aarch64-static", &f) < 0)
		SKIP(return, "/usr/bin/qemu-aarch64-static missing");
#ifndef __x86_64__
	SKIP(return, "the plan is checked for an x86_64 host");
#endif
	eh = f.buf;
	ph = (Elf64_Phdr *)((char *)f.buf + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_GNU_RELRO)
			r = &ph[i];
	ASSERT_NE(NULL, r) TH_LOG("qemu-aarch64-static has no PT_GNU_RELRO");
	ASSERT_EQ(0, plan(&f, &p));
	EXPECT_LT(p.relro_lo, p.relro_hi);
	EXPECT_EQ(0u, p.relro_lo % 4096);
	EXPECT_EQ(0u, p.relro_hi % 4096);
	EXPECT_LE(r->p_vaddr, p.relro_lo);
	EXPECT_GE(r->p_vaddr + r->p_memsz, p.relro_hi);
	EXPECT_GT(4096u, r->p_vaddr + r->p_memsz - p.relro_hi);
	for (i = 0; i < p.nseg; i++)
		if ((p.seg[i].prot & PROT_WRITE) && p.relro_lo >= p.seg[i].vaddr &&
		    p.relro_hi <= p.seg[i].vaddr + p.seg[i].filesz) {
			in = true;
			w = i;
		}
	EXPECT_TRUE(in);
	/* Reaching past the segment's file part (into its bss): nothing. */
	r->p_memsz = p.seg[w].vaddr + p.seg[w].memsz - r->p_vaddr;
	ASSERT_EQ(0, plan(&f, &p));
	EXPECT_EQ(0u, p.relro_lo);
	EXPECT_EQ(0u, p.relro_hi);
	/* In the read-only text: nothing. */
	r->p_vaddr = p.seg[0].vaddr;
	r->p_memsz = 8192;
	ASSERT_EQ(0, plan(&f, &p));
	EXPECT_EQ(0u, p.relro_hi);
	/* Less than a page: nothing; wrapping round: nothing. */
	r->p_vaddr = p.seg[w].vaddr + 1;
	r->p_memsz = 4000;
	ASSERT_EQ(0, plan(&f, &p));
	EXPECT_EQ(0u, p.relro_hi);
	r->p_vaddr = UINT64_MAX - 10;
	ASSERT_EQ(0, plan(&f, &p));
	EXPECT_EQ(0u, p.relro_hi);
	munmap(f.buf, f.len);
}

TEST_HARNESS_MAIN
