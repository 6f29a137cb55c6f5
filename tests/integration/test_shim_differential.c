// SPDX-License-Identifier: GPL-2.0
/*
 * The shim against direct qemu, on mutated real binaries.
 *
 * The shim is a second ELF parser in front of qemu: whatever it refuses
 * that Debian's qemu-user-static (registered directly, flag F) would run
 * is a regression users blame on binfmt-shim. This test takes the
 * cross-built fixtures (build/fixtures/c/<triplet>-{static,dynamic,
 * dynamic-nopie,static-pie}, scripts/fixtures.d/10-cross.sh), mutates
 * their ELF and program headers one field at a time (0, 1, all ones, off
 * by one both ways, a random value, the top bit) plus the structural cases
 * that matter (a duplicate PT_INTERP, PT_INTERP after PT_LOAD, odd or
 * short e_ehsize/e_phentsize, overlapping and unaligned PT_LOAD, a note
 * out of range, e_shoff garbage, truncations, more program headers than
 * the kernel takes), all generated at run time from a seed, and runs
 * every file "hello exit N" twice in one private binfmt_misc instance:
 *
 *   direct: entries with our magic/mask (lib/binfmt.c, so both runs are
 *           matched by the kernel alike) and interpreter
 *           /usr/bin/qemu-<arch>-static, flag F; QEMU_LD_PREFIX names
 *           the Debian cross sysroot (what /etc/qemu-binfmt/<arch> does
 *           on a Debian host);
 *   shim:   the shim's own entries (flag F), the direct ones removed.
 *
 * and `binfmt-shim explain --json` on it while the shim's entries are
 * live. Each case lands in one class (counted in the TH_LOG summary):
 *
 *   same-run          qemu ran the program to its own exit N; the shim
 *                     gave the same status and stdout
 *   same-guest-end    qemu ran the guest, which ended otherwise (a fault,
 *                     ld.so's error): the shim the same
 *   same-qemu-hang    direct qemu outlived its deadline, and so did the
 *                     shim's run, which handed the file to the same qemu
 *   qemu-reads-out-of-bounds  e_phoff + table size, or PT_INTERP's
 *                     p_offset + p_filesz, wraps in qemu's abi_ulong: qemu
 *                     then reads its 1 KiB header buffer out of bounds
 *                     (undefined behaviour, the guest if it starts dies);
 *                     the shim says "out of range"
 *   qemu-nondeterministic  the shim handed it to qemu and the results
 *                     differ, but reruns (RERUNS each way) show qemu's own
 *                     result varying, or matching the shim's
 *   both-refuse-qemu  qemu refused it; the shim handed it to qemu, which
 *                     said the same (same status and output)
 *   both-refuse-shim  qemu refused it; the shim refused it itself with a
 *                     reason that maps to qemu's message (table below)
 *   both-no-handler   no entry matches: execve fails with ENOEXEC both ways
 *   FAIL shim-refuses-qemu-runs
 *   FAIL differ       status or stdout differ, or the shim's reason does
 *                     not map to qemu's message
 *   FAIL crash-hang   a run outlived its deadline (killed) other than
 *                     above, or the shim's run died by a signal while
 *                     direct qemu's did not
 *   FAIL explain      explain's verdict is not the shim's: "emulated"
 *                     when the shim hands off, "broken" when it refuses
 *                     (with the same ELF reason for a corrupt file),
 *                     "no-handler" when the kernel finds no entry
 *
 * qemu's refusals (linux-user/elfload.c and main.c of QEMU 7.2): the
 * loader prints "<file>: <message>" on stderr and exits 255; loader_exec
 * failures print "Error while loading <file>: <strerror>" on stdout and
 * exit 1; a guest fault is "qemu: uncaught target signal N" and death by
 * that signal. The shim's reasons each qemu message maps to:
 *
 *   "Invalid ELF image for this architecture"  corrupt-elf: ELF header
 *          size / program header entry size (elf_check_ehdr wants both
 *          exactly the class's size)
 *   "Multiple PT_INTERP entries"               corrupt-elf: more than one
 *          PT_INTERP
 *   "Invalid PT_INTERP entry"                  corrupt-elf: interpreter
 *          path not NUL-terminated
 *   "Incomplete read of file header", "Error reading file header"
 *          corrupt-elf: program headers out of range, interpreter path
 *          out of range / too long, truncated header, read error (pread
 *          refuses an offset past INT64_MAX for both)
 *   "Could not open '<interp>'" for a path read past the file (qemu's
 *          buffer holds zeros there, or its sum wrapped): corrupt-elf:
 *          interpreter path out of range
 *   "Could not open '<interp>'", "<interp>: No such file or directory",
 *   "File name too long"
 *          no-sysroot, or corrupt-elf interpreter path too long
 *   exit 1 and nothing printed (the file ends inside its ELF header)
 *          corrupt-elf: truncated ELF header
 *   a message about another file than the binary (qemu could not load
 *          the interpreter it found through QEMU_LD_PREFIX): no-sysroot
 *   qemu itself died by a signal without "uncaught target signal" (it
 *          crashed on the header, e.g. reading PT_INTERP of size 0, or
 *          with SIGBUS on a segment past the end of the file): any
 *          refusal of the shim (qemu gives no reason to compare)
 *
 * BSHIM_DIFF_CASES (default 240: the make check sample) and
 * BSHIM_DIFF_SEED choose the corpus; `make differential` runs 3000.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "binfmt.h"
#include "shimenv.h"
#include "testlib.h"

#define DEFAULT_CASES 240
#define DEFAULT_SEED 0x5eed2024u
#define RUN_DEADLINE_MS 10000	/* a hang guard only: runs take ~0.1 s */
#define CAP 1024		/* captured stdout/stderr kept per run */

/* ---- deterministic PRNG (splitmix64) ---- */
static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- the base binaries ---- */
struct base {
	char name[96];		/* "aarch64-linux-gnu-static" */
	char sysroot[64];	/* /usr/<triplet> */
	unsigned char *b;
	size_t len;
	int cls, msb;
	uint64_t phoff;
	unsigned phnum, esz;
	int interp, first_load, second_load, note, spare;	/* phdr indexes, -1 */
};

static const char *const triplets[] = {
	"aarch64-linux-gnu", "arm-linux-gnueabihf", "arm-linux-gnueabi",
	"riscv64-linux-gnu", "s390x-linux-gnu", "powerpc64le-linux-gnu",
	"mips-linux-gnu", "mipsel-linux-gnu",
};
static const char *const kinds[] = { "static", "dynamic", "dynamic-nopie", "static-pie" };
#define MAX_BASES 40

static uint64_t getn(const unsigned char *p, unsigned w, int msb)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < w; i++)
		v |= (uint64_t)p[msb ? w - 1 - i : i] << (8 * i);
	return v;
}

static void putn(unsigned char *p, unsigned w, int msb, uint64_t v)
{
	unsigned i;

	for (i = 0; i < w; i++)
		p[msb ? w - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_GNU_STACK 0x6474e551u

static unsigned ptype(const struct base *bs, const unsigned char *img, unsigned i)
{
	return (unsigned)getn(img + bs->phoff + (uint64_t)i * bs->esz, 4, bs->msb);
}

static int load_base(struct base *bs, const char *path)
{
	struct stat st;
	unsigned i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	bs->len = (size_t)st.st_size;
	bs->b = malloc(bs->len);
	if (!bs->b || read(fd, bs->b, bs->len) != (ssize_t)bs->len) {
		close(fd);
		return -1;
	}
	close(fd);
	bs->cls = bs->b[4];
	bs->msb = bs->b[5] == 2;
	bs->esz = bs->cls == 2 ? 56 : 32;
	bs->phoff = getn(bs->b + (bs->cls == 2 ? 32 : 28), bs->cls == 2 ? 8 : 4, bs->msb);
	bs->phnum = (unsigned)getn(bs->b + (bs->cls == 2 ? 56 : 44), 2, bs->msb);
	bs->interp = bs->first_load = bs->second_load = bs->note = bs->spare = -1;
	for (i = 0; i < bs->phnum; i++) {
		unsigned t = ptype(bs, bs->b, i);

		if (t == PT_INTERP && bs->interp < 0)
			bs->interp = (int)i;
		else if (t == PT_LOAD && bs->first_load < 0)
			bs->first_load = (int)i;
		else if (t == PT_LOAD && bs->second_load < 0)
			bs->second_load = (int)i;
		else if (t == PT_NOTE && bs->note < 0)
			bs->note = (int)i;
		else if (t == PT_GNU_STACK)
			bs->spare = (int)i;	/* harmless to overwrite */
	}
	return 0;
}

/* ---- mutations ---- */
enum {
	V_ZERO, V_ONE, V_MAX, V_DEC, V_INC, V_RAND, V_TOP, V_COUNT
};

enum skind {
	S_DUP_INTERP,		/* a copy of PT_INTERP over GNU_STACK (after the loads) */
	S_DUP_INTERP_OTHER,	/* the same, pointing into the middle of the path */
	S_INTERP_AFTER_LOAD,	/* PT_INTERP moved right after the first PT_LOAD */
	S_NOTE_TO_INTERP,	/* PT_NOTE retyped as PT_INTERP */
	S_STACK_TO_INTERP0,	/* GNU_STACK retyped PT_INTERP of size 0 */
	S_EHSIZE_SHORT,		/* class size - 1 */
	S_EHSIZE_ZERO,
	S_EHSIZE_LONG,		/* class size + 1 (odd) */
	S_EHSIZE_MAX,
	S_PHENTSIZE_ODD,	/* class size + 1 */
	S_PHENTSIZE_SHORT,	/* class size - 1 */
	S_PHENTSIZE_DOUBLE,
	S_LOAD_OVERLAP,		/* second PT_LOAD at the first one's address */
	S_LOAD_UNALIGNED,	/* second PT_LOAD: vaddr + 1 (offset incongruent) */
	S_LOAD_ALIGN_ODD,	/* p_align 3 */
	S_LOAD_OFFSET_EOF,	/* second PT_LOAD's p_offset at the end of the file */
	S_NOTE_OUT_OF_RANGE,	/* PT_NOTE past the end of the file */
	S_NOTE_HUGE,		/* PT_NOTE p_filesz all ones */
	S_SHOFF_GARBAGE,
	S_SHOFF_EOF,
	S_PHNUM_KERNEL_MAX,	/* more program headers than the kernel's 64 KiB */
	S_PHNUM_PLUS_ONE,
	S_TRUNC_IDENT,		/* the file cut after 16 bytes */
	S_TRUNC_HEADER,		/* inside the ELF header */
	S_TRUNC_PHDRS,		/* inside the program headers */
	S_TRUNC_INTERP,		/* inside the PT_INTERP path */
	S_COUNT
};

struct mut {
	uint16_t base;
	uint8_t structural;	/* 1: kind is an enum skind */
	uint8_t kind;		/* field index or skind */
	uint8_t val;		/* V_* */
	int16_t phdr;		/* phdr index, -1: ELF header field */
	uint64_t rnd;
};

/* ELF header fields: offset and width for the class (gABI Elf32_Ehdr /
 * Elf64_Ehdr). */
struct field {
	const char *name;
	unsigned off32, w32, off64, w64;
};

static const struct field ehdr_fields[] = {
	{ "EI_CLASS", 4, 1, 4, 1 }, { "EI_DATA", 5, 1, 5, 1 },
	{ "EI_VERSION", 6, 1, 6, 1 }, { "EI_OSABI", 7, 1, 7, 1 },
	{ "EI_ABIVERSION", 8, 1, 8, 1 }, { "EI_PAD", 9, 1, 9, 1 },
	{ "e_type", 16, 2, 16, 2 }, { "e_machine", 18, 2, 18, 2 },
	{ "e_version", 20, 4, 20, 4 }, { "e_entry", 24, 4, 24, 8 },
	{ "e_phoff", 28, 4, 32, 8 }, { "e_shoff", 32, 4, 40, 8 },
	{ "e_flags", 36, 4, 48, 4 }, { "e_ehsize", 40, 2, 52, 2 },
	{ "e_phentsize", 42, 2, 54, 2 }, { "e_phnum", 44, 2, 56, 2 },
	{ "e_shentsize", 46, 2, 58, 2 }, { "e_shnum", 48, 2, 60, 2 },
	{ "e_shstrndx", 50, 2, 62, 2 },
};

static const struct field phdr_fields[] = {
	{ "p_type", 0, 4, 0, 4 }, { "p_offset", 4, 4, 8, 8 },
	{ "p_vaddr", 8, 4, 16, 8 }, { "p_paddr", 12, 4, 24, 8 },
	{ "p_filesz", 16, 4, 32, 8 }, { "p_memsz", 20, 4, 40, 8 },
	{ "p_flags", 24, 4, 4, 4 }, { "p_align", 28, 4, 48, 8 },
};

#define NEF (sizeof(ehdr_fields) / sizeof(ehdr_fields[0]))
#define NPF (sizeof(phdr_fields) / sizeof(phdr_fields[0]))

static const char *const vnames[] = { "0", "1", "max", "-1", "+1", "rand", "top" };
static const char *const snames[] = {
	"dup PT_INTERP", "dup PT_INTERP other path", "PT_INTERP after PT_LOAD",
	"PT_NOTE as PT_INTERP", "PT_INTERP size 0", "e_ehsize short",
	"e_ehsize 0", "e_ehsize +1", "e_ehsize max", "e_phentsize odd",
	"e_phentsize short", "e_phentsize double", "PT_LOAD overlap",
	"PT_LOAD unaligned", "PT_LOAD p_align 3", "PT_LOAD offset EOF",
	"PT_NOTE out of range", "PT_NOTE huge", "e_shoff garbage", "e_shoff EOF",
	"e_phnum past 64 KiB", "e_phnum + 1", "cut at 16", "cut in header",
	"cut in phdrs", "cut in interp",
};

static uint64_t vapply(unsigned v, uint64_t orig, unsigned w, uint64_t rnd)
{
	uint64_t mask = w == 8 ? UINT64_MAX : (1ull << (8 * w)) - 1;

	switch (v) {
	case V_ZERO: return 0;
	case V_ONE: return 1;
	case V_MAX: return mask;
	case V_DEC: return (orig - 1) & mask;
	case V_INC: return (orig + 1) & mask;
	case V_RAND: return rnd & mask;
	default: return orig ^ (1ull << (8 * w - 1));
	}
}

static void describe(const struct base *bases, const struct mut *m, char *buf, size_t len)
{
	const struct base *bs = &bases[m->base];

	if (m->structural)
		snprintf(buf, len, "%s: %s", bs->name, snames[m->kind]);
	else if (m->phdr < 0)
		snprintf(buf, len, "%s: %s = %s", bs->name, ehdr_fields[m->kind].name,
			 vnames[m->val]);
	else
		snprintf(buf, len, "%s: phdr[%d] (type %#x) %s = %s", bs->name, m->phdr,
			 ptype(bs, bs->b, (unsigned)m->phdr), phdr_fields[m->kind].name,
			 vnames[m->val]);
}

/* Whether a structural kind applies to this base. */
static bool applies(const struct base *bs, unsigned k)
{
	switch (k) {
	case S_DUP_INTERP: case S_DUP_INTERP_OTHER:
		return bs->interp >= 0 && bs->spare >= 0;
	case S_INTERP_AFTER_LOAD: case S_TRUNC_INTERP:
		return bs->interp >= 0 && bs->first_load > bs->interp;
	case S_NOTE_TO_INTERP: case S_NOTE_OUT_OF_RANGE: case S_NOTE_HUGE:
		return bs->note >= 0;
	case S_STACK_TO_INTERP0:
		return bs->spare >= 0;
	case S_LOAD_OVERLAP: case S_LOAD_UNALIGNED: case S_LOAD_ALIGN_ODD:
	case S_LOAD_OFFSET_EOF:
		return bs->second_load >= 0;
	default:
		return true;
	}
}

/* Build the mutated image of m into out (bs->len + slack); its length. */
static size_t mutate(const struct base *bs, const struct mut *m, unsigned char *img)
{
	int is64 = bs->cls == 2, msb = bs->msb;
	unsigned w = is64 ? 8 : 4, hsize = is64 ? 64 : 52;
	size_t len = bs->len;
	unsigned char *ph = img + bs->phoff;
	const struct field *f;

	memcpy(img, bs->b, bs->len);
#define PH(i) (ph + (size_t)(i) * bs->esz)
#define PF(i, k) (PH(i) + (is64 ? phdr_fields[k].off64 : phdr_fields[k].off32))
#define EF(k) (img + (is64 ? ehdr_fields[k].off64 : ehdr_fields[k].off32))
	if (!m->structural) {
		unsigned char *p;

		f = m->phdr < 0 ? &ehdr_fields[m->kind] : &phdr_fields[m->kind];
		p = m->phdr < 0 ? EF(m->kind) : PF(m->phdr, m->kind);
		w = is64 ? f->w64 : f->w32;
		putn(p, w, msb, vapply(m->val, getn(p, w, msb), w, m->rnd));
		return len;
	}
	switch (m->kind) {
	case S_DUP_INTERP:
		memcpy(PH(bs->spare), PH(bs->interp), bs->esz);
		break;
	case S_DUP_INTERP_OTHER:
		memcpy(PH(bs->spare), PH(bs->interp), bs->esz);
		/* "/lib/ld-..." + 4: "/ld-...", still NUL-terminated */
		putn(PF(bs->spare, 1), w, msb, getn(PF(bs->spare, 1), w, msb) + 4);
		putn(PF(bs->spare, 4), w, msb, getn(PF(bs->spare, 4), w, msb) - 4);
		break;
	case S_INTERP_AFTER_LOAD: {
		unsigned char tmp[56];

		/* interp, ..., load  ->  ..., load, interp */
		memcpy(tmp, PH(bs->interp), bs->esz);
		memmove(PH(bs->interp), PH(bs->interp + 1),
			(size_t)(bs->first_load - bs->interp) * bs->esz);
		memcpy(PH(bs->first_load), tmp, bs->esz);
		break;
	}
	case S_NOTE_TO_INTERP:
		putn(PH(bs->note), 4, msb, PT_INTERP);
		break;
	case S_STACK_TO_INTERP0:
		putn(PH(bs->spare), 4, msb, PT_INTERP);
		putn(PF(bs->spare, 4), w, msb, 0);
		break;
	case S_EHSIZE_SHORT: case S_EHSIZE_ZERO: case S_EHSIZE_LONG: case S_EHSIZE_MAX: {
		static const int d[] = { -1, 0, 1, 0 };
		unsigned k = m->kind - S_EHSIZE_SHORT;

		putn(EF(13), 2, msb, k == 1 ? 0 : k == 3 ? 0xffff : hsize + d[k]);
		break;
	}
	case S_PHENTSIZE_ODD:
		putn(EF(14), 2, msb, bs->esz + 1);
		break;
	case S_PHENTSIZE_SHORT:
		putn(EF(14), 2, msb, bs->esz - 1);
		break;
	case S_PHENTSIZE_DOUBLE:
		putn(EF(14), 2, msb, bs->esz * 2);
		break;
	case S_LOAD_OVERLAP:
		putn(PF(bs->second_load, 2), w, msb, getn(PF(bs->first_load, 2), w, msb));
		break;
	case S_LOAD_UNALIGNED:
		putn(PF(bs->second_load, 2), w, msb, getn(PF(bs->second_load, 2), w, msb) + 1);
		break;
	case S_LOAD_ALIGN_ODD:
		putn(PF(bs->second_load, 7), w, msb, 3);
		break;
	case S_LOAD_OFFSET_EOF:
		putn(PF(bs->second_load, 1), w, msb, bs->len);
		break;
	case S_NOTE_OUT_OF_RANGE:
		putn(PF(bs->note, 1), w, msb, bs->len + 4096);
		break;
	case S_NOTE_HUGE:
		putn(PF(bs->note, 4), w, msb, is64 ? UINT64_MAX : UINT32_MAX);
		break;
	case S_SHOFF_GARBAGE:
		putn(EF(11), w, msb, m->rnd);
		break;
	case S_SHOFF_EOF:
		putn(EF(11), w, msb, bs->len);
		break;
	case S_PHNUM_KERNEL_MAX:
		putn(EF(15), 2, msb, 65536 / bs->esz + 1);
		break;
	case S_PHNUM_PLUS_ONE:
		putn(EF(15), 2, msb, bs->phnum + 1);
		break;
	case S_TRUNC_IDENT:
		len = 16;
		break;
	case S_TRUNC_HEADER:
		len = hsize - 1;
		break;
	case S_TRUNC_PHDRS:
		len = bs->phoff + (size_t)bs->phnum * bs->esz - 1;
		break;
	case S_TRUNC_INTERP:
		len = getn(PF(bs->interp, 1), w, msb) + 2;
		break;
	}
#undef PH
#undef PF
#undef EF
	return len;
}

/* Every mutation of every base: structural ones first (seeded shuffle),
 * then the field ones (seeded shuffle); the run takes a quarter of its
 * cases from the first list, the rest from the second. */
static struct mut *corpus(const struct base *bases, size_t nb, size_t want, size_t *n)
{
	size_t cap = 1 << 16, ns = 0, nf = 0, i, b, take;
	struct mut *s = calloc(cap, sizeof(*s)), *f = calloc(cap, sizeof(*f)), *out;

	for (b = 0; b < nb; b++) {
		const struct base *bs = &bases[b];
		unsigned k, v, p;

		for (k = 0; k < S_COUNT; k++)
			if (applies(bs, k) && ns < cap)
				s[ns++] = (struct mut){ .base = (uint16_t)b, .structural = 1,
							.kind = (uint8_t)k, .phdr = -1,
							.rnd = rng() };
		for (k = 0; k < NEF; k++)
			for (v = 0; v < V_COUNT && nf < cap; v++)
				f[nf++] = (struct mut){ .base = (uint16_t)b, .kind = (uint8_t)k,
							.val = (uint8_t)v, .phdr = -1,
							.rnd = rng() };
		for (p = 0; p < bs->phnum; p++)
			for (k = 0; k < NPF; k++)
				for (v = 0; v < V_COUNT && nf < cap; v++)
					f[nf++] = (struct mut){ .base = (uint16_t)b,
						.kind = (uint8_t)k, .val = (uint8_t)v,
						.phdr = (int16_t)p, .rnd = rng() };
	}
	for (i = ns; i > 1; i--) {
		size_t j = rng() % i;
		struct mut t = s[i - 1];

		s[i - 1] = s[j];
		s[j] = t;
	}
	for (i = nf; i > 1; i--) {
		size_t j = rng() % i;
		struct mut t = f[i - 1];

		f[i - 1] = f[j];
		f[j] = t;
	}
	take = want / 4 < ns ? want / 4 : ns;
	if (want - take > nf)
		want = take + nf;
	out = calloc(want, sizeof(*out));
	memcpy(out, s, take * sizeof(*out));
	memcpy(out + take, f, (want - take) * sizeof(*out));
	free(s);
	free(f);
	*n = want;
	return out;
}

/* ---- running ---- */
struct result {
	int status;		/* wait status */
	int exec_errno;		/* execve failed with this */
	bool timed_out;
	char out[CAP], err[CAP];
};

struct job {
	pid_t pid;
	int pidfd, errpipe;
	struct timespec deadline;
	char outp[256], errp[256];
	bool keep_out;		/* leave stdout's file for the caller to read whole */
	struct result *r;
};

static long ms_left(const struct timespec *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (d->tv_sec - now.tv_sec) * 1000 + (d->tv_nsec - now.tv_nsec) / 1000000;
}

/* Start argv with stdout/stderr into files under dir; env additions
 * ("NAME=value" or "NAME" to unset) applied in the child. */
static int start(struct job *j, const char *dir, const char *tag, char *const argv[],
		 const char *const *env, struct result *r)
{
	int p[2];

	memset(r, 0, sizeof(*r));
	j->r = r;
	snprintf(j->outp, sizeof(j->outp), "%s/%s.out", dir, tag);
	snprintf(j->errp, sizeof(j->errp), "%s/%s.err", dir, tag);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	j->pid = fork();
	if (j->pid < 0)
		return -errno;
	if (j->pid == 0) {
		int o = open(j->outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(j->errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_RDONLY);
		int err;

		setpgid(0, 0);
		if (o < 0 || e < 0 || nul < 0)
			_exit(120);
		dup2(nul, 0);
		dup2(o, 1);
		dup2(e, 2);
		if (chdir(dir) < 0)
			_exit(121);
		for (; env && *env; env++) {
			const char *eq = strchr(*env, '=');

			if (eq) {
				char name[64];

				snprintf(name, sizeof(name), "%.*s", (int)(eq - *env), *env);
				setenv(name, eq + 1, 1);
			} else {
				unsetenv(*env);
			}
		}
		execv(argv[0], argv);
		err = errno;
		if (write(p[1], &err, sizeof(err)) < 0)
			_exit(122);
		_exit(127);
	}
	close(p[1]);
	j->errpipe = p[0];
	setpgid(j->pid, j->pid);	/* either side may win: both set it */
	j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
	if (j->pidfd < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &j->deadline);
	j->deadline.tv_sec += RUN_DEADLINE_MS / 1000;
	return 0;
}

static void slurp(const char *path, char *buf, size_t len, bool keep)
{
	long n = tl_read_file(path, buf, len);

	if (n < 0)
		buf[0] = '\0';
	if (!keep)
		unlink(path);
}

/* The job's process has ended (or is killed now, past its deadline). */
static void finish(struct job *j, bool kill_it)
{
	int err = 0;

	if (kill_it) {
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		j->r->timed_out = true;
	}
	waitpid(j->pid, &j->r->status, 0);
	if (read(j->errpipe, &err, sizeof(err)) == (ssize_t)sizeof(err))
		j->r->exec_errno = err;
	close(j->errpipe);
	close(j->pidfd);
	slurp(j->outp, j->r->out, sizeof(j->r->out), j->keep_out);
	slurp(j->errp, j->r->err, sizeof(j->r->err), false);
	j->keep_out = false;
	j->pid = 0;
}

/* Wait until one of the running jobs ends; returns its index. */
static int wait_one(struct job *jobs, int n)
{
	for (;;) {
		struct pollfd pf[8];
		int idx[8], k = 0, i;
		long t = RUN_DEADLINE_MS;

		for (i = 0; i < n; i++) {
			long left;

			if (!jobs[i].pid)
				continue;
			left = ms_left(&jobs[i].deadline);
			if (left <= 0) {
				finish(&jobs[i], true);
				return i;
			}
			if (left < t)
				t = left;
			pf[k].fd = jobs[i].pidfd;
			pf[k].events = POLLIN;
			idx[k++] = i;
		}
		if (!k)
			return -1;
		if (poll(pf, (nfds_t)k, (int)t) < 0 && errno != EINTR)
			return -1;
		for (i = 0; i < k; i++)
			if (pf[i].revents) {
				finish(&jobs[idx[i]], false);
				return idx[i];
			}
	}
}

/* ---- classification ---- */
enum cls {
	C_SAME_RUN, C_SAME_GUEST, C_SAME_HANG, C_QEMU_WRAPS, C_QEMU_NONDET,
	C_BOTH_REFUSE_QEMU, C_BOTH_REFUSE_SHIM,
	C_BOTH_NO_HANDLER, C_FAIL_SHIM_REFUSES, C_FAIL_DIFFER, C_FAIL_CRASH_HANG,
	C_FAIL_EXPLAIN, C_COUNT
};
static const char *const cls_names[] = {
	"same-run", "same-guest-end", "same-qemu-hang", "qemu-reads-out-of-bounds",
	"qemu-nondeterministic", "both-refuse-qemu", "both-refuse-shim",
	"both-no-handler", "FAIL shim-refuses-qemu-runs", "FAIL differ",
	"FAIL crash-hang", "FAIL explain",
};

struct outcome {
	struct result direct, shim, explain;
	char path[256];
	char reason_code[32], reason[512];	/* the shim's record */
	char emulator[128];
	char verdict[32], ereason[512];		/* explain */
	bool qemu_wraps;	/* an offset + size qemu computes wraps */
	bool nondet;		/* reruns: qemu's own result varies */
};

/* What qemu said when its loader refused the file, NULL when the guest ran
 * (or qemu crashed without a word: *crashed then). */
static const char *qemu_refusal(const struct result *d, int n, bool *crashed)
{
	static const char *const msgs[] = {
		"Invalid ELF image for this architecture", "Multiple PT_INTERP entries",
		"Invalid PT_INTERP entry", "Incomplete read of file header",
		"Error while loading", "Error mapping file", "PT_GNU_PROPERTY",
		"Could not open", "Error reading file header",
		"Unable to", "No such file or directory", "File name too long",
		"Cannot allocate memory", "Invalid argument", "Exec format error",
		"Permission denied", "Bad address",
	};
	size_t i;

	*crashed = false;
	if (WIFEXITED(d->status) && WEXITSTATUS(d->status) == n)
		return NULL;
	if (strstr(d->err, "uncaught target signal"))
		return NULL;
	if (WIFEXITED(d->status) && (WEXITSTATUS(d->status) == 255 ||
				     WEXITSTATUS(d->status) == 1))
		for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
			if (strstr(d->err, msgs[i]) || strstr(d->out, msgs[i]))
				return msgs[i];
	if (WIFSIGNALED(d->status)) {
		*crashed = true;
		return "qemu crashed";
	}
	/* A file that ends inside its ELF header: qemu exits 1 without a
	 * word (main.c reads e_flags first, then the loader finds no
	 * header). */
	if (WIFEXITED(d->status) && WEXITSTATUS(d->status) == 1 && !d->out[0] &&
	    !d->err[0])
		return "silent exit 1";
	return NULL;	/* ld.so or the guest itself ended it */
}

/* Does the shim's reason say what qemu said? (the table in the header) */
static bool reason_maps(const char *qmsg, bool crashed, const char *code, const char *reason,
			const struct result *d, const char *bin)
{
	static const struct { const char *qemu, *code, *reason; } map[] = {
		{ "Invalid ELF image for this architecture", "corrupt-elf", "ELF header size" },
		{ "Invalid ELF image for this architecture", "corrupt-elf", "program header entry size" },
		{ "Multiple PT_INTERP entries", "corrupt-elf", "more than one PT_INTERP" },
		{ "Invalid PT_INTERP entry", "corrupt-elf", "not NUL-terminated" },
		{ "Incomplete read of file header", "corrupt-elf", "out of range" },
		{ "Incomplete read of file header", "corrupt-elf", "truncated" },
		{ "Incomplete read of file header", "corrupt-elf", "too long" },
		{ "Error while loading", "corrupt-elf", "truncated" },
		{ "No such file or directory", "no-sysroot", "" },
		{ "Could not open", "no-sysroot", "" },
		{ "Could not open", "corrupt-elf", "interpreter path" },
		{ "Error reading file header", "corrupt-elf", "out of range" },
		{ "Error reading file header", "corrupt-elf", "read error" },
		{ "silent exit 1", "corrupt-elf", "truncated" },
		{ "File name too long", "no-sysroot", "" },
		{ "File name too long", "corrupt-elf", "too long" },
	};
	size_t i;

	/* qemu died without a word: any reason the shim gives is more */
	if (crashed)
		return true;
	/* qemu failed on the interpreter (its message names another file):
	 * the shim found no usable one in its sysroots */
	if (!strcmp(code, "no-sysroot") && d->err[0] && !strstr(d->err, bin))
		return true;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(qmsg, map[i].qemu) && !strcmp(code, map[i].code) &&
		    strstr(reason, map[i].reason))
			return true;
	return false;
}

/* snprintf that truncates on purpose: the reasons are for the log. */
static void __attribute__((format(printf, 3, 4)))
say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static enum cls classify(const struct outcome *o, int n, char *why, size_t whylen)
{
	const struct result *d = &o->direct, *s = &o->shim;
	bool refused = o->reason_code[0] && strcmp(o->reason_code, "ok");
	bool crashed;
	const char *q;
	const char *want;

	why[0] = '\0';
	/* qemu's own hang (a mutated segment it loops on): the shim's run of
	 * the same file hangs the same way, through the same qemu. */
	if (d->timed_out && s->timed_out && !o->explain.timed_out &&
	    !strcmp(o->reason_code, "ok"))
		return C_SAME_HANG;
	if (d->timed_out || s->timed_out || o->explain.timed_out) {
		say(why, whylen, "timed out: direct %d shim %d explain %d",
			 d->timed_out, s->timed_out, o->explain.timed_out);
		return C_FAIL_CRASH_HANG;
	}
	/* explain's verdict against what the shim did */
	if (s->exec_errno)
		want = "no-handler";
	else if (refused)
		want = "broken";
	else
		want = "emulated";
	if (strcmp(o->verdict, want)) {
		say(why, whylen, "explain says %s (%s), the shim %s (%s %s)",
			 o->verdict, o->ereason, want, o->reason_code, o->reason);
		return C_FAIL_EXPLAIN;
	}
	if (refused && !strcmp(o->reason_code, "corrupt-elf")) {
		const char *colon = strrchr(o->reason, ':');

		if (colon && !strstr(o->ereason, colon + 2)) {
			say(why, whylen, "explain: %s; shim: %s", o->ereason, o->reason);
			return C_FAIL_EXPLAIN;
		}
	}
	if (d->exec_errno || s->exec_errno) {
		if (d->exec_errno == s->exec_errno)
			return C_BOTH_NO_HANDLER;
		say(why, whylen, "execve: direct %s, shim %s", strerror(d->exec_errno),
			 strerror(s->exec_errno));
		return d->exec_errno ? C_FAIL_DIFFER : C_FAIL_SHIM_REFUSES;
	}
	q = qemu_refusal(d, n, &crashed);
	if (o->nondet)
		return C_QEMU_NONDET;
	/* qemu's sum wrapped and it read its header buffer out of bounds:
	 * whatever it did then is not a program running */
	if (refused && o->qemu_wraps && strstr(o->reason, "out of range") &&
	    !(WIFEXITED(d->status) && WEXITSTATUS(d->status) == n))
		return C_QEMU_WRAPS;
	if (refused) {
		if (!q) {
			say(why, whylen, "qemu ran it (status %#x, stdout '%.100s', stderr "
			    "'%.200s'), the shim: %s: %s", d->status, d->out, d->err,
			    o->reason_code, o->reason);
			return C_FAIL_SHIM_REFUSES;
		}
		if (reason_maps(q, crashed, o->reason_code, o->reason, d, o->path))
			return C_BOTH_REFUSE_SHIM;
		say(why, whylen, "qemu: %s (status %#x: %.200s%.200s), the shim: %s: %s",
			 q, d->status, d->err, d->out, o->reason_code, o->reason);
		return C_FAIL_DIFFER;
	}
	if (WIFSIGNALED(s->status) && !WIFSIGNALED(d->status)) {
		say(why, whylen, "the shim's run died by signal %d, direct status %#x",
			 WTERMSIG(s->status), d->status);
		return C_FAIL_CRASH_HANG;
	}
	if (s->status != d->status || strcmp(s->out, d->out)) {
		say(why, whylen, "status %#x vs %#x, stdout '%.100s' vs '%.100s', "
			 "stderr '%.200s' vs '%.200s'", d->status, s->status, d->out, s->out,
			 d->err, s->err);
		return C_FAIL_DIFFER;
	}
	if (q)
		return C_BOTH_REFUSE_QEMU;
	return WIFEXITED(d->status) && WEXITSTATUS(d->status) == n ? C_SAME_RUN
								   : C_SAME_GUEST;
}

/* ---- the test ---- */
static const char *shim_entry_names[64];
static size_t n_shim_entries;

static int register_all(const char *shim, bool qemu, char *why, size_t whylen)
{
	size_t i;
	int k, n, err;

	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];
		struct binfmt_entry ent[BINFMT_ENTRIES_MAX];
		char interp[128], line[BINFMT_REGISTER_MAX + 1];

		if (a == arch_host() || arch_is_host_family(a))
			continue;
		snprintf(interp, sizeof(interp), "/usr/bin/qemu-%s-static", a->name);
		if (!tl_have(interp))
			continue;
		n = binfmt_entries_for_arch(a, qemu ? interp : shim, "F", ent,
					    BINFMT_ENTRIES_MAX);
		if (n < 0) {
			say(why, whylen, "%s: %s", a->name, strerror(-n));
			return n;
		}
		for (k = 0; k < n; k++) {
			if (qemu) {
				char name[BINFMT_NAME_MAX + 1];

				snprintf(name, sizeof(name), "qemu-%s",
					 ent[k].name + strlen(BINFMT_OUR_PREFIX));
				snprintf(ent[k].name, sizeof(ent[k].name), "%s", name);
			} else if (n_shim_entries < 64) {
				shim_entry_names[n_shim_entries++] = strdup(ent[k].name);
			}
			if (binfmt_format_register(&ent[k], line, sizeof(line)) < 0)
				return -ENOSPC;
			if ((err = tl_register(line))) {
				say(why, whylen, "register %s: %s", ent[k].name,
					 strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

/* Remove every qemu-* entry (write -1, as for any binfmt_misc entry). */
static int remove_qemu_entries(void)
{
	size_t i;

	for (i = 0; i < arch_count; i++) {
		char path[512];
		const struct arch *a = &arch_table[i];
		const char *sfx[] = { "", BINFMT_ALT_SUFFIX };
		int k, fd;

		for (k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), BINFMT_MNT "/qemu-%s%s", a->name, sfx[k]);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (write(fd, "-1", 2) != 2) {
				close(fd);
				return -errno;
			}
			close(fd);
		}
	}
	return 0;
}

static size_t env_size(const char *name, size_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

/*
 * Whether qemu's own arithmetic wraps on this file: it adds e_phoff to the
 * table size, and p_offset to p_filesz of PT_INTERP, in the target's
 * abi_ulong (32 or 64 bits) and, when the sum looks small, reads from its
 * 1 KiB header buffer at the unwrapped offset: out of its bounds.
 */
static bool qemu_wraps(const struct base *bs, const unsigned char *img, size_t len)
{
	int is64 = bs->cls == 2, msb = bs->msb;
	unsigned w = is64 ? 8 : 4;
	uint64_t mask = is64 ? UINT64_MAX : UINT32_MAX;
	uint64_t phoff = getn(img + (is64 ? 32 : 28), w, msb);
	uint64_t phnum = getn(img + (is64 ? 56 : 44), 2, msb), i;
	uint64_t size = phnum * bs->esz;

	if (len < (is64 ? 64u : 52u))
		return false;
	if (((phoff + size) & mask) < phoff)
		return true;
	for (i = 0; i < phnum && phoff + (i + 1) * bs->esz <= len; i++) {
		const unsigned char *p = img + phoff + i * bs->esz;
		uint64_t off = getn(p + (is64 ? 8 : 4), w, msb);
		uint64_t fsz = getn(p + (is64 ? 32 : 16), w, msb);

		if (getn(p, 4, msb) == PT_INTERP && ((off + fsz) & mask) < off)
			return true;
	}
	return false;
}

/* Write case i's file; its path into path. */
static int write_case(const struct base *bases, const struct mut *m, const char *dir,
		      size_t i, unsigned char *img, char *path, size_t plen,
		      struct outcome *o)
{
	size_t len = mutate(&bases[m->base], m, img);
	int fd;

	snprintf(path, plen, "%s/c%zu", dir, i);
	snprintf(o->path, sizeof(o->path), "%s", path);
	o->qemu_wraps = qemu_wraps(&bases[m->base], img, len);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return -errno;
	if (write(fd, img, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/*
 * A difference where the shim handed the file to qemu: run it again,
 * RERUNS times each way, one run at a time: direct as the kernel starts it
 * under flag F (the emulator, the file, its arguments), and through the
 * shim. When qemu's own result varies (qemu-mipsel, for one, crashes on
 * some runs of a file whose e_shoff is 0, registered directly or not), or
 * a direct run ends as the shim's did, the difference is qemu's.
 */
#define RERUNS 4

static bool qemu_nondeterministic(const struct base *bases, const struct mut *m,
				  struct outcome *o, const char *dir, size_t i,
				  unsigned char *img)
{
	const struct base *bs = &bases[m->base];
	int ds[RERUNS + 1], ss[RERUNS + 1], k, a, b;
	char path[256], nstr[16], prefix[96], tag[32];
	const char *denv[] = { prefix, NULL }, *senv[] = { "QEMU_LD_PREFIX", NULL };
	struct outcome tmp;
	struct result r;
	struct job j;
	bool varies = false, met = false;

	if (write_case(bases, m, dir, i, img, path, sizeof(path), &tmp))
		return false;
	snprintf(nstr, sizeof(nstr), "%zu", 3 + i % 97);
	snprintf(prefix, sizeof(prefix), "QEMU_LD_PREFIX=%s", bs->sysroot);
	ds[0] = o->direct.status;
	ss[0] = o->shim.status;
	for (k = 1; k <= RERUNS; k++) {
		char *dargv[] = { o->emulator, path, "exit", nstr, NULL };
		char *sargv[] = { path, "exit", nstr, NULL };

		memset(&j, 0, sizeof(j));
		snprintf(tag, sizeof(tag), "c%zu.r", i);
		if (start(&j, dir, tag, dargv, denv, &r) || wait_one(&j, 1) < 0)
			return false;
		ds[k] = r.timed_out ? -1 : r.status;
		if (start(&j, dir, tag, sargv, senv, &r) || wait_one(&j, 1) < 0)
			return false;
		ss[k] = r.timed_out ? -1 : r.status;
	}
	unlink(path);
	for (a = 0; a <= RERUNS; a++)
		for (b = 0; b <= RERUNS; b++) {
			varies |= ds[a] != ds[b];
			met |= ds[a] == ss[b];
		}
	return varies || met;
}

FIXTURE(diff) {
	struct shimenv e;
	struct base bases[MAX_BASES];
	size_t nb;
};

FIXTURE_SETUP(diff)
{
	char why[256], src[512], name[128];
	size_t t, k;
	int rc;

	memset(self->bases, 0, sizeof(self->bases));
	self->nb = 0;
	for (t = 0; t < sizeof(triplets) / sizeof(triplets[0]); t++)
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			struct base *bs = &self->bases[self->nb];

			snprintf(name, sizeof(name), "c/%s-%s", triplets[t], kinds[k]);
			tl_fixture(name, src, sizeof(src));
			if (!tl_have(src))
				continue;
			ASSERT_EQ(0, load_base(bs, src)) TH_LOG("%s", src);
			snprintf(bs->name, sizeof(bs->name), "%s-%s", triplets[t], kinds[k]);
			snprintf(bs->sysroot, sizeof(bs->sysroot), "/usr/%s", triplets[t]);
			self->nb++;
		}
	if (self->nb == 0)
		SKIP(return, "no cross-built fixtures: run make fixtures");
	rc = se_setup(&self->e, "F", (const char *const[]){ "aarch64", NULL }, why,
		      sizeof(why));
	SETUP_OR_SKIP(rc, why);
}

FIXTURE_TEARDOWN(diff)
{
	size_t i;

	for (i = 0; i < self->nb; i++)
		free(self->bases[i].b);
	se_teardown(&self->e);
}

TEST_F_TIMEOUT(diff, shim_runs_what_direct_qemu_runs, 3 * 3600)
{
	size_t want = env_size("BSHIM_DIFF_CASES", DEFAULT_CASES), n, i, next;
	unsigned seed = (unsigned)env_size("BSHIM_DIFF_SEED", DEFAULT_SEED);
	unsigned counts[C_COUNT] = { 0 };
	struct job jobs[2];
	size_t slot_case[2];
	int slot_stage[2];
	int npar = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	struct outcome *o;
	struct mut *ms;
	unsigned char *img;
	char why[256], cli[512];
	size_t maxlen = 0;
	unsigned logged[C_COUNT] = { 0 };
	bool verbose = env_size("BSHIM_DIFF_VERBOSE", 0);
	json_t *recs;
	struct timespec t0;
	int phase, c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rng_state = seed;
	ms = corpus(self->bases, self->nb, want, &n);
	ASSERT_NE(NULL, ms);
	o = calloc(n, sizeof(*o));
	ASSERT_NE(NULL, o);
	for (i = 0; i < self->nb; i++)
		if (self->bases[i].len > maxlen)
			maxlen = self->bases[i].len;
	img = malloc(maxlen);
	ASSERT_NE(NULL, img);
	tl_build("binfmt-shim", cli, sizeof(cli));
	ASSERT_TRUE(tl_have(cli)) TH_LOG("%s missing: run make", cli);

	/* se_setup registered the shim for aarch64 only: remove it, register
	 * the shim for every foreign arch with a qemu (switched off for the
	 * direct phase), then the direct qemu entries. */
	c = open(BINFMT_MNT "/binfmt-shim-aarch64", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, c);
	ASSERT_EQ(2, write(c, "-1", 2));
	close(c);
	ASSERT_EQ(0, register_all(self->e.shim, false, why, sizeof(why))) TH_LOG("%s", why);
	for (i = 0; i < n_shim_entries; i++)
		ASSERT_EQ(0, tl_binfmt_enable(shim_entry_names[i], 0));
	ASSERT_EQ(0, register_all(self->e.shim, true, why, sizeof(why))) TH_LOG("%s", why);
	TH_LOG("%zu cases from %zu fixtures, seed %#x, %d in parallel", n, self->nb, seed,
	       npar);

	for (phase = 0; phase < 2; phase++) {
		if (phase == 1) {
			ASSERT_EQ(0, remove_qemu_entries());
			for (i = 0; i < n_shim_entries; i++)
				ASSERT_EQ(0, tl_binfmt_enable(shim_entry_names[i], 1));
		}
		memset(jobs, 0, sizeof(jobs));
		next = 0;
		for (;;) {
			int s;

			/* fill free slots */
			for (s = 0; s < npar && next < n; s++) {
				char path[256], nstr[16], tag[32];
				const struct base *bs;

				if (jobs[s].pid)
					continue;
				i = next++;
				bs = &self->bases[ms[i].base];
				ASSERT_EQ(0, write_case(self->bases, &ms[i], self->e.dir, i, img,
							path, sizeof(path), &o[i]));
				snprintf(nstr, sizeof(nstr), "%zu", 3 + i % 97);
				snprintf(tag, sizeof(tag), "c%zu.%d", i, phase);
				{
					char *argv[] = { path, "exit", nstr, NULL };
					char prefix[96];
					const char *denv[] = { prefix, NULL };
					const char *senv[] = { "QEMU_LD_PREFIX", NULL };

					snprintf(prefix, sizeof(prefix), "QEMU_LD_PREFIX=%s",
						 bs->sysroot);
					ASSERT_EQ(0, start(&jobs[s], self->e.dir, tag, argv,
							   phase ? senv : denv,
							   phase ? &o[i].shim : &o[i].direct));
				}
				slot_case[s] = i;
				slot_stage[s] = 0;
			}
			s = wait_one(jobs, npar);
			if (s < 0)
				break;
			i = slot_case[s];
			if (phase == 1 && slot_stage[s] == 0) {
				/* the shim ran: now explain, on the same file */
				char path[256], tag[32];
				char *argv[] = { cli, "explain", "--json", path, NULL };

				snprintf(path, sizeof(path), "%s/c%zu", self->e.dir, i);
				snprintf(tag, sizeof(tag), "c%zu.x", i);
				ASSERT_EQ(0, start(&jobs[s], self->e.dir, tag, argv, NULL,
						   &o[i].explain));
				jobs[s].keep_out = true;
				slot_stage[s] = 1;
				continue;
			}
			{
				char path[256];

				snprintf(path, sizeof(path), "%s/c%zu", self->e.dir, i);
				unlink(path);
			}
		}
	}

	/* The shim's records: reason_code and reason by path. */
	{
		static json_t *r[1 << 15];
		size_t nr = se_log(&self->e, r, sizeof(r) / sizeof(r[0])), k;

		for (k = 0; k < nr; k++) {
			const char *p = se_str(r[k], "path"), *base = strrchr(p, '/');

			if (!base || base[1] != 'c')
				continue;
			i = strtoul(base + 2, NULL, 10);
			if (i >= n)
				continue;
			snprintf(o[i].reason_code, sizeof(o[i].reason_code), "%s",
				 se_str(r[k], "reason_code"));
			snprintf(o[i].reason, sizeof(o[i].reason), "%s", se_str(r[k], "reason"));
			snprintf(o[i].emulator, sizeof(o[i].emulator), "%s",
				 se_str(r[k], "emulator"));
		}
		se_log_free(r, nr);
	}
	for (i = 0; i < n; i++) {
		json_error_t jerr;
		char d[256];
		enum cls k;

		/* The whole of explain's answer, from its file: the copy in
		 * o[i].explain.out is cut at CAP, and explain --json says more
		 * than that (an entry's "containers", the fix lines). */
		snprintf(d, sizeof(d), "%s/c%zu.x.out", self->e.dir, i);
		recs = json_load_file(d, 0, &jerr);
		unlink(d);
		snprintf(o[i].verdict, sizeof(o[i].verdict), "%s", se_str(recs, "verdict"));
		if (recs)
			snprintf(o[i].ereason, sizeof(o[i].ereason), "%s", se_str(recs, "reason"));
		else
			snprintf(o[i].ereason, sizeof(o[i].ereason),
				 "explain --json is not JSON: %s", jerr.text);
		json_decref(recs);
		k = classify(&o[i], (int)(3 + i % 97), why, sizeof(why));
		if ((k == C_FAIL_DIFFER || k == C_FAIL_CRASH_HANG) &&
		    !strcmp(o[i].reason_code, "ok") && o[i].emulator[0] &&
		    !o[i].direct.timed_out && !o[i].shim.timed_out) {
			o[i].nondet = qemu_nondeterministic(self->bases, &ms[i], &o[i],
							    self->e.dir, i, img);
			if (o[i].nondet)
				k = classify(&o[i], (int)(3 + i % 97), why, sizeof(why));
		}
		counts[k]++;
		if (k >= C_FAIL_SHIM_REFUSES || verbose) {
			describe(self->bases, &ms[i], d, sizeof(d));
			if (logged[k]++ < 30 || verbose)
				TH_LOG("case %zu %s: %s%s%s", i, d, cls_names[k],
				       why[0] ? ": " : "", why);
		}
	}
	for (c = 0; c < C_COUNT; c++)
		TH_LOG("%-28s %u", cls_names[c], counts[c]);
	{
		struct timespec t1;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		TH_LOG("%zu cases in %.1f s", n,
		       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	free(img);
	free(o);
	free(ms);
	EXPECT_EQ(0, counts[C_FAIL_SHIM_REFUSES]);
	EXPECT_EQ(0, counts[C_FAIL_DIFFER]);
	EXPECT_EQ(0, counts[C_FAIL_CRASH_HANG]);
	EXPECT_EQ(0, counts[C_FAIL_EXPLAIN]);
}

TEST_HARNESS_MAIN
