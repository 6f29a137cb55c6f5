// SPDX-License-Identifier: GPL-2.0
/* The pinned file's trailer (lib/pinned.h): parse and format, and the
 * checks on the file's values; no I/O. */
#include <errno.h>
#include <string.h>

#include "pinned.h"

static const char magic_head[8] = { 'B', 'S', 'H', 'I', 'M', 'P', 'I', 'N' };
static const char magic_tail[8] = { 'B', 'S', 'H', 'I', 'M', 'E', 'N', 'D' };

enum {
	OFF_VERSION = 8, OFF_SIZE = 12, OFF_SHIM = 16, OFF_EMU_OFF = 24,
	OFF_EMU_SIZE = 32, OFF_DEV = 40, OFF_INO = 48, OFF_MTIME = 56,
	OFF_STSIZE = 64, OFF_ROOT_DEV = 72, OFF_ROOT_INO = 80, OFF_ARCH = 96, OFF_PATH = 128, OFF_TAIL = 504,
};

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

/* A NUL-terminated string inside field[0..len), copied into out. */
static int get_str(const unsigned char *field, size_t len, char *out)
{
	const unsigned char *nul = memchr(field, '\0', len);

	if (!nul || nul == field)
		return -EINVAL;
	memcpy(out, field, (size_t)(nul - field) + 1);
	return 0;
}

uint64_t pinned_emu_offset(uint64_t shim_size)
{
	return (shim_size + PINNED_ALIGN - 1) & ~(uint64_t)(PINNED_ALIGN - 1);
}

int pinned_parse(const void *buf, size_t len, uint64_t file_size, struct pinned_info *out)
{
	const unsigned char *t;
	uint64_t end;

	memset(out, 0, sizeof(*out));
	if (!buf || len < PINNED_TRAILER_SIZE || file_size < PINNED_TRAILER_SIZE)
		return -ENOENT;
	t = (const unsigned char *)buf + len - PINNED_TRAILER_SIZE;
	if (memcmp(t, magic_head, 8) || memcmp(t + OFF_TAIL, magic_tail, 8))
		return -ENOENT;
	if (get32(t + OFF_VERSION) != PINNED_VERSION ||
	    get32(t + OFF_SIZE) != PINNED_TRAILER_SIZE)
		return -EINVAL;
	out->shim_size = get64(t + OFF_SHIM);
	out->emu_offset = get64(t + OFF_EMU_OFF);
	out->emu_size = get64(t + OFF_EMU_SIZE);
	out->emu_dev = get64(t + OFF_DEV);
	out->emu_ino = get64(t + OFF_INO);
	out->emu_mtime = get64(t + OFF_MTIME);
	out->emu_st_size = get64(t + OFF_STSIZE);
	out->root_dev = get64(t + OFF_ROOT_DEV);
	out->root_ino = get64(t + OFF_ROOT_INO);
	/* The layout must describe exactly this file: the shim first, the
	 * emulator at an aligned offset past it, the trailer last. */
	if (!out->shim_size || !out->emu_size || out->emu_offset % PINNED_ALIGN ||
	    out->emu_offset < out->shim_size)
		return -EINVAL;
	end = out->emu_offset + out->emu_size;
	if (end < out->emu_offset || end > UINT64_MAX - PINNED_TRAILER_SIZE ||
	    end + PINNED_TRAILER_SIZE != file_size)
		return -EINVAL;
	if (get_str(t + OFF_ARCH, PINNED_ARCH_MAX, out->arch) ||
	    get_str(t + OFF_PATH, PINNED_PATH_MAX, out->emu_path) ||
	    out->emu_path[0] != '/')
		return -EINVAL;
	return 0;
}

int pinned_format(const struct pinned_info *in, void *out)
{
	unsigned char *t = out;
	size_t la = strlen(in->arch), lp = strlen(in->emu_path);

	if (!la || la >= PINNED_ARCH_MAX || !lp || lp >= PINNED_PATH_MAX ||
	    in->emu_path[0] != '/' || in->emu_offset % PINNED_ALIGN ||
	    in->emu_offset < in->shim_size || !in->emu_size || !in->shim_size)
		return -EINVAL;
	memset(t, 0, PINNED_TRAILER_SIZE);
	memcpy(t, magic_head, 8);
	put32(t + OFF_VERSION, PINNED_VERSION);
	put32(t + OFF_SIZE, PINNED_TRAILER_SIZE);
	put64(t + OFF_SHIM, in->shim_size);
	put64(t + OFF_EMU_OFF, in->emu_offset);
	put64(t + OFF_EMU_SIZE, in->emu_size);
	put64(t + OFF_DEV, in->emu_dev);
	put64(t + OFF_INO, in->emu_ino);
	put64(t + OFF_MTIME, in->emu_mtime);
	put64(t + OFF_STSIZE, in->emu_st_size);
	put64(t + OFF_ROOT_DEV, in->root_dev);
	put64(t + OFF_ROOT_INO, in->root_ino);
	memcpy(t + OFF_ARCH, in->arch, la);
	memcpy(t + OFF_PATH, in->emu_path, lp);
	memcpy(t + OFF_TAIL, magic_tail, 8);
	return 0;
}

bool pinned_owner_ok(uint32_t uid, uint32_t mode, bool overflow_ok)
{
	if (uid != 0 && !(overflow_ok && uid == PINNED_OVERFLOW_UID))
		return false;
	return !(mode & 022);
}

bool pinned_other_root(const struct pinned_info *pi, uint64_t dev, uint64_t ino)
{
	return pi->root_ino && (dev != pi->root_dev || ino != pi->root_ino);
}

const char *pinned_changed(const struct pinned_info *pi, uint64_t dev, uint64_t ino,
			   uint64_t size, uint64_t mtime)
{
	if (dev != pi->emu_dev || ino != pi->emu_ino)
		return "another file";
	if (size != pi->emu_st_size)
		return "another size";
	if (mtime != pi->emu_mtime)
		return "another mtime";
	return NULL;
}
