// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt_misc entries: generated from the arch table, formatted as and
 * parsed from register strings and /proc status files, and matched the
 * way the kernel matches them (fs/binfmt_misc.c). Pure: no I/O, no
 * allocation.
 */
#include <errno.h>
#include <string.h>

#include "binfmt.h"
#include "hexdigit.h"

/* ELF header offsets (elf.h, System V ABI "ELF Header"). */
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define EV_CURRENT	1
#define E_TYPE		16
#define E_MACHINE	18
#define ET_EXEC		2
#define E_FLAGS32	36	/* Elf32_Ehdr.e_flags */
#define E_FLAGS64	48	/* Elf64_Ehdr.e_flags */
#define ELFDATA2LSB	1

/* The order entry_status() prints the flags in. */
static const char flag_order[] = "POCF";

/* Delimiters format_register may use: none is '\\', 'x' or a hex digit,
 * which scanarg() would read as part of an escape. */
static const char delims[] = ":|#!,;@%^~";

static int norm_flags(const char *in, char *out)
{
	bool set[4] = { false, false, false, false };
	const char *p;
	int i, n = 0;

	for (p = in; p && *p; p++) {
		const char *f = strchr(flag_order, *p);

		if (!f)
			return -EINVAL;
		set[f - flag_order] = true;
		if (*p == 'C')		/* C implies O (check_special_flags) */
			set[1] = true;
	}
	for (i = 0; i < 4; i++)
		if (set[i])
			out[n++] = flag_order[i];
	out[n] = '\0';
	return 0;
}

static void put_be_le(uint8_t *magic, uint8_t *mask, unsigned off,
		      unsigned width, uint32_t val, uint32_t msk, bool lsb)
{
	unsigned i;

	for (i = 0; i < width; i++) {
		unsigned shift = 8 * (lsb ? i : width - 1 - i);

		mask[off + i] = (uint8_t)(msk >> shift);
		magic[off + i] = (uint8_t)(val >> shift) & mask[off + i];
	}
}

static bool same_machine(const struct arch *a, const struct arch *b)
{
	return a->machine == b->machine ||
	       (a->machine_alt && a->machine_alt == b->machine_alt);
}

/*
 * The e_flags test of row a: its own flags test plus, for every earlier
 * row of the same class, data and machine (which arch_by_elf() tries
 * first), the opposite of that row's one-bit test.
 */
static int flags_test(const struct arch *a, uint32_t *mask, uint32_t *value)
{
	size_t i;

	*mask = a->flags_mask;
	*value = a->flags_value & a->flags_mask;
	for (i = 0; i < arch_count; i++) {
		const struct arch *b = &arch_table[i];

		if (b == a || strcmp(b->name, a->name) == 0)
			break;
		if (b->elf_class != a->elf_class || b->elf_data != a->elf_data ||
		    !same_machine(a, b))
			continue;
		/* A catch-all before a would shadow it completely. */
		if (!b->flags_mask)
			return -ENOTSUP;
		/* Already told apart by a's own test. */
		if ((*mask & b->flags_mask) == b->flags_mask &&
		    (*value & b->flags_mask) != b->flags_value)
			continue;
		/* Only a single bit can be excluded with one mask. */
		if (b->flags_mask & (b->flags_mask - 1) || (*mask & b->flags_mask))
			return -ENOTSUP;
		*mask |= b->flags_mask;
		*value |= ~b->flags_value & b->flags_mask;
	}
	return 0;
}

static int make_entry(const struct arch *a, uint16_t machine,
		      const char *suffix, const char *interp,
		      const char *flags, struct binfmt_entry *e)
{
	bool lsb = a->elf_data == ELFDATA2LSB;
	size_t nlen = strlen(BINFMT_OUR_PREFIX), alen = strlen(a->name);
	uint32_t fmask, fval;
	unsigned i;
	int err;

	memset(e, 0, sizeof(*e));
	if (nlen + alen + strlen(suffix) > BINFMT_NAME_MAX)
		return -EINVAL;
	memcpy(e->name, BINFMT_OUR_PREFIX, nlen);
	memcpy(e->name + nlen, a->name, alen);
	strcpy(e->name + nlen + alen, suffix);
	strcpy(e->interpreter, interp);
	if ((err = norm_flags(flags, e->flags)))
		return err;
	if ((err = flags_test(a, &fmask, &fval)))
		return err;
	e->enabled = true;
	e->has_mask = true;

	/* e_ident: \x7fELF, class, data, version; OSABI, ABIVERSION and
	 * EI_PAD stay masked out (see binfmt.h). */
	memcpy(e->magic, "\x7f" "ELF", 4);
	memset(e->mask, 0xff, 4);
	e->magic[EI_CLASS] = a->elf_class;
	e->magic[EI_DATA] = a->elf_data;
	e->magic[EI_VERSION] = EV_CURRENT;
	e->mask[EI_CLASS] = e->mask[EI_DATA] = e->mask[EI_VERSION] = 0xff;
	/* e_type ET_EXEC (2) or ET_DYN (3): ignore bit 0. */
	put_be_le(e->magic, e->mask, E_TYPE, 2, ET_EXEC, 0xfffe, lsb);
	put_be_le(e->magic, e->mask, E_MACHINE, 2, machine, 0xffff, lsb);
	if (fmask)
		put_be_le(e->magic, e->mask,
			  a->elf_class == 1 ? E_FLAGS32 : E_FLAGS64, 4,
			  fval, fmask, lsb);
	for (i = BINFMT_BUF_SIZE; i > 0 && !e->mask[i - 1]; i--)
		;
	e->magic_len = i;
	return 0;
}

int binfmt_entries_for_arch(const struct arch *a, const char *interpreter,
			    const char *flags, struct binfmt_entry *out,
			    size_t max)
{
	size_t n = a && a->machine_alt ? 2 : 1;
	int err;

	if (!a || !interpreter || !*interpreter ||
	    strlen(interpreter) >= BINFMT_INTERP_MAX || strchr(interpreter, '\n'))
		return -EINVAL;
	if (max < n)
		return -ENOSPC;
	if ((err = make_entry(a, a->machine, "", interpreter, flags, &out[0])))
		return err;
	if (n > 1 && (err = make_entry(a, a->machine_alt, BINFMT_ALT_SUFFIX,
				       interpreter, flags, &out[1])))
		return err;
	return (int)n;
}

int binfmt_entry_for_arch(const struct arch *a, const char *interpreter,
			  const char *flags, struct binfmt_entry *out)
{
	struct binfmt_entry tmp[BINFMT_ENTRIES_MAX];
	int n = binfmt_entries_for_arch(a, interpreter, flags, tmp,
					BINFMT_ENTRIES_MAX);

	if (n < 0)
		return n;
	*out = tmp[0];
	return 0;
}

const struct arch *binfmt_arch_of(const char *name)
{
	size_t plen = strlen(BINFMT_OUR_PREFIX), slen = strlen(BINFMT_ALT_SUFFIX);
	size_t i;

	if (!binfmt_is_ours(name))
		return NULL;
	name += plen;
	for (i = 0; i < arch_count; i++) {
		const char *an = arch_table[i].name;
		size_t alen = strlen(an);

		if (strncmp(name, an, alen))
			continue;
		if (name[alen] == '\0')
			return &arch_table[i];
		if (arch_table[i].machine_alt &&
		    strncmp(name + alen, BINFMT_ALT_SUFFIX, slen) == 0 &&
		    name[alen + slen] == '\0')
			return &arch_table[i];
	}
	return NULL;
}

bool binfmt_is_ours(const char *name)
{
	return name && strncmp(name, BINFMT_OUR_PREFIX,
			       strlen(BINFMT_OUR_PREFIX)) == 0;
}

/* ---- register strings ---- */

/* A name the kernel accepts for a dentry (create_entry()). */
static bool name_ok(const char *s)
{
	return s[0] && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/');
}

struct outbuf {
	char *buf;
	size_t len, cap;
};

static void out_s(struct outbuf *o, const char *s, size_t n)
{
	if (o->len + n < o->cap)
		memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_hex(struct outbuf *o, const uint8_t *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', 0, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		esc[2] = hex[b[i] >> 4];
		esc[3] = hex[b[i] & 15];
		out_s(o, esc, 4);
	}
}

static void out_u(struct outbuf *o, unsigned v)
{
	char d[12];
	int i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_s(o, d + i, sizeof(d) - i);
}

int binfmt_format_register(const struct binfmt_entry *e, char *buf, size_t len)
{
	struct outbuf o = { buf, 0, len };
	const char *d;
	char del, flags[8];

	if (!name_ok(e->name) || strlen(e->name) > BINFMT_NAME_MAX ||
	    !e->interpreter[0] || strchr(e->name, '\n') ||
	    strchr(e->interpreter, '\n') || norm_flags(e->flags, flags))
		return -EINVAL;
	if (e->is_extension) {
		if (!e->extension[0] || strchr(e->extension, '/') ||
		    strchr(e->extension, '\n'))
			return -EINVAL;
	} else if (!e->magic_len || e->magic_len > BINFMT_BUF_SIZE ||
		   e->offset > BINFMT_BUF_SIZE - e->magic_len) {
		return -EINVAL;
	}
	for (d = delims; *d; d++)
		if (!strchr(e->name, *d) && !strchr(e->interpreter, *d) &&
		    !(e->is_extension && strchr(e->extension, *d)))
			break;
	if (!*d)
		return -EINVAL;
	del = *d;

	out_s(&o, &del, 1);
	out_s(&o, e->name, strlen(e->name));
	out_s(&o, &del, 1);
	out_s(&o, e->is_extension ? "E" : "M", 1);
	out_s(&o, &del, 1);
	if (e->is_extension) {
		out_s(&o, &del, 1);
		out_s(&o, e->extension, strlen(e->extension));
		out_s(&o, &del, 1);
	} else {
		if (e->offset)
			out_u(&o, e->offset);
		out_s(&o, &del, 1);
		out_hex(&o, e->magic, e->magic_len);
		out_s(&o, &del, 1);
		if (e->has_mask)
			out_hex(&o, e->mask, e->magic_len);
	}
	out_s(&o, &del, 1);
	out_s(&o, e->interpreter, strlen(e->interpreter));
	out_s(&o, &del, 1);
	out_s(&o, flags, strlen(flags));
	if (o.len > BINFMT_REGISTER_MAX || o.len >= len) {
		if (len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	buf[o.len] = '\0';
	return (int)o.len;
}

/* scanarg() of fs/binfmt_misc.c: the field up to del, stepping over
 * \xHH (which must have two hex digits); NUL-terminates it. */
static char *scanarg(char *s, char del)
{
	char c;

	while ((c = *s++) != del) {
		if (c == '\\' && *s == 'x') {
			s++;
			if (hex_digit(*s++) < 0)
				return NULL;
			if (hex_digit(*s++) < 0)
				return NULL;
		}
	}
	s[-1] = '\0';
	return s;
}

/* string_unescape_inplace(s, UNESCAPE_HEX) of lib/string_helpers.c:
 * \x with one or two hex digits is a byte; any other backslash is kept
 * with what follows it. Returns the decoded length. */
static size_t unescape_hex(char *s)
{
	char *src = s, *dst = s;

	while (*src) {
		if (src[0] == '\\' && src[1] != '\0') {
			src++;
			if (src[0] == 'x' && hex_digit(src[1]) >= 0) {
				int v = hex_digit(src[1]);

				src += 2;
				if (hex_digit(*src) >= 0)
					v = v << 4 | hex_digit(*src++);
				*dst++ = (char)v;
				continue;
			}
			*dst++ = '\\';
		}
		*dst++ = *src++;
	}
	return (size_t)(dst - s);
}

/* kstrtoint(s, 10) >= 0: [+|-]digits[\n]; -0 is 0. */
static int parse_offset(const char *s, unsigned *out)
{
	bool neg = false;
	unsigned long v = 0;
	const char *d;

	if (*s == '-') {
		neg = true;
		s++;
	} else if (*s == '+') {
		s++;
	}
	for (d = s; *d >= '0' && *d <= '9'; d++) {
		v = v * 10 + (unsigned)(*d - '0');
		if (v > 0x7fffffffUL)
			return -EINVAL;	/* -ERANGE in the kernel */
	}
	if (d == s)
		return -EINVAL;
	if (*d == '\n')
		d++;
	if (*d || (neg && v))
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int binfmt_parse_register(const char *line, struct binfmt_entry *out)
{
	char buf[BINFMT_REGISTER_MAX + 8 + 1];
	char *p, *s, *name, *magic, *mask = NULL, *interp, *flags;
	size_t count, size = 0;
	unsigned offset = 0;
	bool is_magic;
	char del;

	if (!line)
		return -EINVAL;
	count = strnlen(line, BINFMT_REGISTER_MAX + 1);
	if (count < BINFMT_REGISTER_MIN || count > BINFMT_REGISTER_MAX)
		return -EINVAL;
	memcpy(buf, line, count);
	del = buf[0];
	/* A flag letter as delimiter would let the flags scan run through
	 * the padding (create_entry() refuses it). */
	if (strchr(flag_order, del))
		return -EINVAL;
	/* Pad with the delimiter like create_entry(), so a missing field
	 * reads as an empty one. */
	memset(buf + count, del, 8);
	buf[count + 8] = '\0';

	name = p = buf + 1;
	if (!(p = strchr(p, del)))
		return -EINVAL;
	*p++ = '\0';
	if (!name_ok(name))
		return -EINVAL;

	switch (*p++) {
	case 'E':
		is_magic = false;
		break;
	case 'M':
		is_magic = true;
		break;
	default:
		return -EINVAL;
	}
	if (*p++ != del)
		return -EINVAL;

	if (is_magic) {
		if (!(s = strchr(p, del)))
			return -EINVAL;
		*s = '\0';
		if (p != s && parse_offset(p, &offset))
			return -EINVAL;
		magic = p = s + 1;
		if (!(p = scanarg(p, del)) || !magic[0])
			return -EINVAL;
		mask = p;
		if (!(p = scanarg(p, del)))
			return -EINVAL;
		if (!mask[0])
			mask = NULL;
		size = unescape_hex(magic);
		if (mask && unescape_hex(mask) != size)
			return -EINVAL;
		if (size > BINFMT_BUF_SIZE || BINFMT_BUF_SIZE - size < offset)
			return -EINVAL;
	} else {
		if (!(p = strchr(p, del)))		/* offset: ignored */
			return -EINVAL;
		*p++ = '\0';
		magic = p;				/* the extension */
		if (!(p = strchr(p, del)))
			return -EINVAL;
		*p++ = '\0';
		if (!magic[0] || strchr(magic, '/'))
			return -EINVAL;
		if (!(p = strchr(p, del)))		/* mask: ignored */
			return -EINVAL;
		*p++ = '\0';
	}

	interp = p;
	if (!(p = strchr(p, del)))
		return -EINVAL;
	*p++ = '\0';
	if (!interp[0])
		return -EINVAL;
	flags = p;
	while (*p && strchr(flag_order, *p))
		p++;
	s = p;
	if (*p == '\n')
		p++;
	if (p != buf + count)
		return -EINVAL;
	*s = '\0';

	/* Valid for the kernel; now what we can hold. */
	if (strlen(name) > BINFMT_NAME_MAX ||
	    strlen(interp) >= BINFMT_INTERP_MAX ||
	    (!is_magic && strlen(magic) >= BINFMT_MAGIC_MAX))
		return -ENAMETOOLONG;
	memset(out, 0, sizeof(*out));
	strcpy(out->name, name);
	strcpy(out->interpreter, interp);
	norm_flags(flags, out->flags);
	out->enabled = true;
	out->is_extension = !is_magic;
	if (is_magic) {
		out->offset = offset;
		out->magic_len = size;
		memcpy(out->magic, magic, size);
		out->has_mask = mask != NULL;
		if (mask)
			memcpy(out->mask, mask, size);
		else
			memset(out->mask, 0xff, size);
	} else {
		strcpy(out->extension, magic);
	}
	return 0;
}

/* ---- /proc/sys/fs/binfmt_misc/<name> ---- */

struct cursor {
	const char *p, *end;
};

/* The next line without its '\n' (the last may lack one); false at end. */
static bool next_line(struct cursor *c, const char **line, size_t *len)
{
	const char *nl;

	if (c->p >= c->end)
		return false;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	*line = c->p;
	*len = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
	c->p = nl ? nl + 1 : c->end;
	return true;
}

/* line == "<key><rest>": the rest, or NULL. */
static const char *after(const char *line, size_t len, const char *key,
			 size_t *rest)
{
	size_t k = strlen(key);

	if (len < k || memcmp(line, key, k))
		return NULL;
	*rest = len - k;
	return line + k;
}

static int parse_hex(const char *s, size_t n, uint8_t *out, size_t max)
{
	size_t i;

	if (!n || n % 2 || n / 2 > max)
		return -EINVAL;
	for (i = 0; i < n; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

int binfmt_parse_status(const char *name, const char *text, size_t len,
			struct binfmt_entry *out)
{
	struct cursor c = { text, text + len };
	const char *l, *v;
	size_t ll, vl, i;
	unsigned off = 0;
	char nm[BINFMT_NAME_MAX + 1];
	int n;

	if (!name || !name_ok(name) || strlen(name) > BINFMT_NAME_MAX ||
	    memchr(text, '\0', len))
		return -EINVAL;
	strcpy(nm, name);		/* name may be out->name */
	memset(out, 0, sizeof(*out));
	strcpy(out->name, nm);

	if (!next_line(&c, &l, &ll))
		return -EINVAL;
	if (ll == 7 && !memcmp(l, "enabled", 7))
		out->enabled = true;
	else if (!(ll == 8 && !memcmp(l, "disabled", 8)))
		return -EINVAL;

	if (!next_line(&c, &l, &ll) ||
	    !(v = after(l, ll, "interpreter ", &vl)) || !vl ||
	    vl >= BINFMT_INTERP_MAX)
		return -EINVAL;
	memcpy(out->interpreter, v, vl);

	if (!next_line(&c, &l, &ll) || !(v = after(l, ll, "flags: ", &vl)) ||
	    vl >= sizeof(out->flags))
		return -EINVAL;
	for (i = 0; i < vl; i++)
		if (!strchr(flag_order, v[i]) || !v[i])
			return -EINVAL;
	memcpy(out->flags, v, vl);
	if (norm_flags(out->flags, out->flags))
		return -EINVAL;

	if (!next_line(&c, &l, &ll))
		return -EINVAL;
	if ((v = after(l, ll, "extension .", &vl))) {
		if (!vl || vl >= BINFMT_MAGIC_MAX || memchr(v, '/', vl))
			return -EINVAL;
		out->is_extension = true;
		memcpy(out->extension, v, vl);
		return next_line(&c, &l, &ll) ? -EINVAL : 0;
	}
	if (!(v = after(l, ll, "offset ", &vl)) || !vl || vl > 3)
		return -EINVAL;
	for (i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EINVAL;
		off = off * 10 + (unsigned)(v[i] - '0');
	}
	out->offset = off;

	if (!next_line(&c, &l, &ll) || !(v = after(l, ll, "magic ", &vl)) ||
	    (n = parse_hex(v, vl, out->magic, BINFMT_MAGIC_MAX)) < 0)
		return -EINVAL;
	out->magic_len = (size_t)n;
	if (out->offset > BINFMT_BUF_SIZE - out->magic_len)
		return -EINVAL;
	memset(out->mask, 0xff, out->magic_len);
	if (next_line(&c, &l, &ll)) {
		if (!(v = after(l, ll, "mask ", &vl)) ||
		    parse_hex(v, vl, out->mask, BINFMT_MAGIC_MAX) != n)
			return -EINVAL;
		out->has_mask = true;
		if (next_line(&c, &l, &ll))
			return -EINVAL;
	}
	return 0;
}

/* ---- matching ---- */

bool binfmt_entry_matches(const struct binfmt_entry *e, const char *filename,
			  const uint8_t *buf, size_t len)
{
	size_t j;

	if (e->is_extension) {
		const char *dot = filename ? strrchr(filename, '.') : NULL;

		return dot && strcmp(e->extension, dot + 1) == 0;
	}
	if (e->magic_len > BINFMT_BUF_SIZE ||
	    e->offset > BINFMT_BUF_SIZE - e->magic_len)
		return false;
	if (len > BINFMT_BUF_SIZE)
		len = BINFMT_BUF_SIZE;
	for (j = 0; j < e->magic_len; j++) {
		size_t at = e->offset + j;
		uint8_t b = at < len && buf ? buf[at] : 0;

		if ((b ^ e->magic[j]) & e->mask[j])
			return false;
	}
	return true;
}

int binfmt_match(const struct binfmt_entry *entries, size_t n,
		 const char *filename, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = n; i-- > 0;)
		if (entries[i].enabled &&
		    binfmt_entry_matches(&entries[i], filename, buf, len))
			return (int)i;
	return -1;
}

bool entries_overlap(const struct binfmt_entry *x, const struct binfmt_entry *y)
{
	unsigned p, lo, hi;

	/* The kernel compares (byte & mask) with the masked magic bit by bit:
	 * some file matches both exactly when every bit both masks test has
	 * the same value in both. */
	if (x->is_extension || y->is_extension)
		return x->is_extension && y->is_extension &&
		       !strcmp(x->extension, y->extension);
	lo = x->offset > y->offset ? x->offset : y->offset;
	hi = x->offset + x->magic_len < y->offset + y->magic_len ?
	     x->offset + x->magic_len : y->offset + y->magic_len;
	for (p = lo; p < hi; p++) {
		uint8_t both = x->mask[p - x->offset] & y->mask[p - y->offset];

		if ((x->magic[p - x->offset] & both) != (y->magic[p - y->offset] & both))
			return false;
	}
	return true;
}

int hex_bytes(const uint8_t *b, size_t n, char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (len < 2 * n + 1)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		buf[2 * i] = digits[b[i] >> 4];
		buf[2 * i + 1] = digits[b[i] & 15];
	}
	buf[2 * n] = '\0';
	return (int)(2 * n);
}
