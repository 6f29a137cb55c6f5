// SPDX-License-Identifier: GPL-2.0
/*
 * The Go build-info probe: which Go version built a binary, and for which
 * GOOS/GOARCH/GOARM/GOAMD64 with which CGO_ENABLED. Go binaries are the
 * usual foreign test binaries (`GOARCH=arm64 go test` execs pkg.test), and
 * these fields let a diagnostic say "built by go1.19.8 for linux/arm64".
 *
 * The blob, as the Go linker writes it (cmd/link/internal/ld/data.go
 * buildinfo, read back by debug/buildinfo/buildinfo.go in Go 1.18+):
 *
 *   0   14 bytes  magic "\xff Go buildinf:"
 *   14  1 byte    pointer size (4 or 8)
 *   15  1 byte    flags: bit 0 big-endian, bit 1 strings are inline
 *   16  16 bytes  two pointers (pre-1.18 format) or zero, padding to 32
 *   32  uvarint length + bytes: runtime.buildVersion ("go1.19.8")
 *       uvarint length + bytes: runtime.modinfo
 *
 * Before Go 1.18 (flag bit 1 clear) the two pointers at 16 address Go
 * string headers elsewhere in the image; following them needs the
 * program's virtual address map, so that format is only recognised.
 *
 * modinfo is framed by two 16-byte sentinels (cmd/go/internal/modload
 * infoStart/infoEnd) around text lines "path\t<pkg>", "mod\t...",
 * "dep\t...", "build\t<key>=<value>" (runtime/debug BuildInfo.String,
 * which quotes values containing spaces, tabs, quotes or newlines).
 *
 * Pure: bytes come from the caller's bshim_read_fn through a small window,
 * so no allocation and no big buffer; every length is checked against the
 * blob and the reader, and the amount read is capped.
 */
#include <errno.h>
#include <string.h>

#include "goinfo.h"

#define HDR_SIZE	32	/* debug/buildinfo buildInfoSize */
#define BLOB_ALIGN	16	/* debug/buildinfo buildInfoAlign */
#define FLAG_BIG_ENDIAN	0x1
#define FLAG_INLINE	0x2
#define SENTINEL_LEN	16	/* modload infoStart / infoEnd */
#define VARINT_MAX	10	/* encoding/binary MaxVarintLen64 */

/*
 * Caps on untrusted sizes. modinfo lists every dependency module with its
 * checksum (~100 bytes each): a few KiB for most programs, tens of KiB for
 * the largest (kubectl-sized). 1 MiB bounds the bytes a hostile length can
 * make us read. Lines longer than LINE_MAX are skipped: every line we use
 * ("path\t" + a package path, "build\tGOOS=...") is far shorter.
 */
#define MODINFO_MAX	(1u << 20)
#define LINE_MAX_	512
#define WIN_SIZE	512
#define SCAN_CHUNK	4096	/* a multiple of BLOB_ALIGN */

/* A read window over [base, base + len) of the reader's space. */
struct win {
	bshim_read_fn rd;
	void *ctx;
	uint64_t base, len;
	uint64_t wpos;		/* window start, relative to base */
	size_t wlen;		/* valid bytes in w[] */
	int err;		/* reader error, -errno */
	uint8_t w[WIN_SIZE];
};

/* Byte at pos (relative), or -1 past the end, on a short read or error. */
static int win_byte(struct win *g, uint64_t pos)
{
	long r;
	size_t n;

	if (pos >= g->len)
		return -1;
	if (pos < g->wpos || pos - g->wpos >= g->wlen) {
		n = g->len - pos < WIN_SIZE ? (size_t)(g->len - pos) : WIN_SIZE;
		if (g->base > UINT64_MAX - pos)
			return -1;
		r = g->rd(g->ctx, g->base + pos, g->w, n);
		g->wpos = pos;
		g->wlen = 0;
		if (r < 0) {
			g->err = (int)r;
			return -1;
		}
		g->wlen = (size_t)r > n ? n : (size_t)r;
		if (g->wlen == 0)
			return -1;
	}
	return g->w[pos - g->wpos];
}

/* encoding/binary Uvarint: 7 bits per byte, low first, at most 10 bytes,
 * the 10th byte at most 1. Returns the bytes used, or -1. */
static int win_uvarint(struct win *g, uint64_t pos, uint64_t *v)
{
	uint64_t x = 0;
	int i, c;

	for (i = 0; i < VARINT_MAX; i++) {
		c = win_byte(g, pos + (uint64_t)i);
		if (c < 0)
			return -1;
		if (i == VARINT_MAX - 1 && c > 1)
			return -1;		/* overflows 64 bits */
		x |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return -1;
}

/* A length-prefixed string at *pos: its start and length, *pos moved past
 * it. The bytes must all lie inside the blob. 0 or -1. */
static int win_string(struct win *g, uint64_t *pos, uint64_t *start, uint64_t *len)
{
	uint64_t n;
	int used = win_uvarint(g, *pos, &n);

	if (used < 0)
		return -1;
	*start = *pos + (uint64_t)used;
	if (*start > g->len || n > g->len - *start)
		return -1;
	*len = n;
	*pos = *start + n;
	return 0;
}

/* Copy a field value into dst with control bytes as '?' (these strings
 * reach terminals and logs). Returns false if it does not fit. */
static bool put_field(char *dst, size_t dlen, const char *s, size_t n)
{
	size_t i;

	if (n >= dlen)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
	return true;
}

/*
 * The build settings we report, by key. Values of these keys never need
 * quoting in practice; a quoted one ("...") is accepted when it contains
 * no escapes, anything else is left empty rather than guessed.
 */
#define FIELD(f) offsetof(struct go_info, f), sizeof(((struct go_info *)0)->f)
static const struct {
	const char *line;	/* "build\t" + key + "=" */
	size_t off, size;
} settings[] = {
	{ "build\tGOOS=", FIELD(goos) },
	{ "build\tGOARCH=", FIELD(goarch) },
	{ "build\tGOARM=", FIELD(goarm) },
	{ "build\tGOAMD64=", FIELD(goamd64) },
	{ "build\tCGO_ENABLED=", FIELD(cgo) },
};

static void parse_line(const char *l, size_t n, struct go_info *out)
{
	static const char path[] = "path\t";
	size_t i, k;

	if (n > sizeof(path) - 1 && !memcmp(l, path, sizeof(path) - 1)) {
		k = sizeof(path) - 1;
		/* Longer than the field: keep the first part, it is a name. */
		put_field(out->path, sizeof(out->path), l + k,
			  n - k < sizeof(out->path) ? n - k : sizeof(out->path) - 1);
		return;
	}
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const char *v;
		size_t vn;

		k = strlen(settings[i].line);
		if (n < k || memcmp(l, settings[i].line, k))
			continue;
		v = l + k;
		vn = n - k;
		if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"' &&
		    !memchr(v, '\\', vn)) {
			v++;
			vn -= 2;
		} else if (vn && (v[0] == '"' || v[0] == '`')) {
			return;
		}
		put_field((char *)out + settings[i].off, settings[i].size, v, vn);
		return;
	}
}

/* Stream the modinfo text [start, start + len) line by line. */
static int parse_modinfo(struct win *g, uint64_t start, uint64_t len,
			 struct go_info *out)
{
	char line[LINE_MAX_];
	size_t n = 0;
	bool skip = false;
	uint64_t i;
	int c;

	for (i = 0; i < len; i++) {
		c = win_byte(g, start + i);
		if (c < 0)
			return -EINVAL;
		if (c == '\n') {
			if (!skip)
				parse_line(line, n, out);
			n = 0;
			skip = false;
		} else if (n < sizeof(line)) {
			line[n++] = (char)c;
		} else {
			skip = true;
		}
	}
	/* runtime/debug ParseBuildInfo ignores an unterminated last line. */
	return 0;
}

static int parse_blob(struct win *g, struct go_info *out)
{
	uint8_t hdr[HDR_SIZE];
	uint64_t pos = HDR_SIZE, vs, vn, ms, mn;
	size_t i;
	int c;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < HDR_SIZE; i++) {
		c = win_byte(g, i);
		if (c < 0)
			break;
		hdr[i] = (uint8_t)c;
	}
	if (g->err)
		return g->err;
	if (i < GO_BUILDINFO_MAGIC_LEN ||
	    memcmp(hdr, GO_BUILDINFO_MAGIC, GO_BUILDINFO_MAGIC_LEN))
		return -ENOENT;
	if (i < HDR_SIZE)
		return -EINVAL;			/* truncated header */
	if (hdr[14] != 4 && hdr[14] != 8)
		return -EINVAL;			/* pointer size */
	if (!(hdr[15] & FLAG_INLINE)) {
		if (hdr[15] & ~FLAG_BIG_ENDIAN)
			return -EINVAL;
		out->found = true;
		out->old_format = true;
		return 0;
	}

	if (win_string(g, &pos, &vs, &vn) || vn == 0)
		return -EINVAL;			/* Go: no version, not a Go exe */
	if (win_string(g, &pos, &ms, &mn))
		return -EINVAL;
	/* Both strings must be really there: a reader over a file of
	 * unknown size (the scan) finds the end only by reading it. */
	if (win_byte(g, vs + vn - 1) < 0 ||
	    (mn && win_byte(g, ms + mn - 1) < 0))
		return g->err ? g->err : -EINVAL;
	/* The version: truncated to the field if a devel build is longer. */
	{
		char v[sizeof(out->version)];
		size_t k = vn < sizeof(v) - 1 ? (size_t)vn : sizeof(v) - 1;

		for (i = 0; i < k; i++) {
			c = win_byte(g, vs + i);
			if (c < 0)
				return -EINVAL;
			v[i] = (char)c;
		}
		put_field(out->version, sizeof(out->version), v, k);
	}
	/* Framed as debug/buildinfo checks it: both sentinels, and the
	 * text's last newline just before the end sentinel. Unframed or
	 * empty modinfo (GOPATH builds) simply has no settings. */
	if (mn > MODINFO_MAX)
		return -EINVAL;
	if (mn >= 2 * SENTINEL_LEN + 1 &&
	    win_byte(g, ms + mn - SENTINEL_LEN - 1) == '\n') {
		c = parse_modinfo(g, ms + SENTINEL_LEN, mn - 2 * SENTINEL_LEN, out);
		if (c)
			return c;
	}
	if (g->err)
		return g->err;
	out->found = true;
	return 0;
}

static long mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct bshim_mem *m = ctx;

	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = (size_t)(m->len - off);
	memcpy(buf, (const uint8_t *)m->buf + off, len);
	return (long)len;
}

int go_parse_buildinfo(const void *buf, size_t len, struct go_info *out)
{
	struct bshim_mem m = { buf, len };
	struct win g = { .rd = mem_read, .ctx = &m, .len = len };

	if (!out || (!buf && len))
		return -EINVAL;
	return parse_blob(&g, out);
}

static int parse_at(bshim_read_fn rd, void *ctx, uint64_t off, uint64_t len,
		    struct go_info *out)
{
	struct win g = { .rd = rd, .ctx = ctx, .base = off, .len = len };

	if (g.len > HDR_SIZE + 2 * VARINT_MAX + 2 * (uint64_t)MODINFO_MAX)
		g.len = HDR_SIZE + 2 * VARINT_MAX + 2 * (uint64_t)MODINFO_MAX;
	return parse_blob(&g, out);
}

/*
 * Look for the magic at every BLOB_ALIGN offset of [0, limit): the linker
 * aligns the blob (and the section or segment start it sits at) to 16, so
 * its file offset is 16-aligned too. A candidate that does not parse (the
 * magic also appears in the rodata of programs that link debug/buildinfo,
 * such as the go command) does not stop the scan.
 */
static int scan(bshim_read_fn rd, void *ctx, uint64_t limit, struct go_info *out)
{
	uint8_t chunk[SCAN_CHUNK];
	uint64_t off;
	size_t i, n;
	long r;
	int ret = -ENOENT, err;

	for (off = 0; off < limit; off += SCAN_CHUNK) {
		n = limit - off < SCAN_CHUNK ? (size_t)(limit - off) : SCAN_CHUNK;
		r = rd(ctx, off, chunk, n);
		if (r < 0)
			return (int)r;
		n = (size_t)r < n ? (size_t)r : n;
		for (i = 0; i + GO_BUILDINFO_MAGIC_LEN <= n; i += BLOB_ALIGN) {
			if (memcmp(chunk + i, GO_BUILDINFO_MAGIC,
				   GO_BUILDINFO_MAGIC_LEN))
				continue;
			err = parse_at(rd, ctx, off + i, UINT64_MAX - (off + i), out);
			if (err == 0)
				return 0;
			ret = -EINVAL;
		}
		if (n < SCAN_CHUNK)
			break;		/* end of file */
	}
	memset(out, 0, sizeof(*out));
	return ret;
}

int go_probe_scan(bshim_read_fn rd, void *ctx, uint64_t file_size,
		  uint64_t max_scan, struct go_info *out)
{
	if (!rd || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	return scan(rd, ctx, file_size < max_scan ? file_size : max_scan, out);
}

/* Without section headers, how far into an ELF file the scan may look.
 * The blob opens the data segment, after text and rodata: a few MiB into
 * ordinary Go programs, tens of MiB into the biggest. */
#define ELF_SCAN_MAX	(32u << 20)

int go_probe_elf(const struct elf_info *ei, bshim_read_fn rd, void *ctx,
		 struct go_info *out)
{
	uint64_t off, size;
	int err;

	if (!ei || !rd || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	err = elf_find_section(ei, rd, ctx, ".go.buildinfo", &off, &size);
	if (err == 0) {
		err = parse_at(rd, ctx, off, size, out);
		return err == -ENOENT ? -EINVAL : err;
	}
	/* Section headers without the section: not Go (no scan, which
	 * could trip over the magic in some C program's rodata). */
	if (err == -ENOENT && ei->shoff != 0)
		return -ENOENT;
	/* No section headers (sstrip), or ones we cannot read: scan. */
	return scan(rd, ctx, ELF_SCAN_MAX, out);
}
