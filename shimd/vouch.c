// SPDX-License-Identifier: GPL-2.0
/*
 * What the collector vouches for, and the exec record built from it.
 *
 * Nothing the client says is taken on its word where the kernel can say
 * it instead: pid, uid and gid come from the credentials the kernel
 * attached (conn.c); dev, inode, size and mtime from statx of the fd the
 * client sent (AT_STATX_DONT_SYNC: what the kernel has, with no round
 * trip to a network or FUSE server); arch and e_machine from our own
 * elf_probe of the file's head; the time from the collector's clock. The
 * record keeps the client's other fields; the verified values win in
 * "time", "pid", "uid", "gid", "arch" and "elf"."machine", and "claimed"
 * keeps what the client said where it differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "elf.h"
#include "json.h"
#include "shimd.h"

static void kv_ntime(struct json_writer *w, const char *k, const struct timespec *ts)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts->tv_nsec);
	jw_kv_string(w, k, buf);
}

/* Our own reading of the binary, part 1: its attributes, from what the
 * kernel has (AT_STATX_DONT_SYNC: no revalidation round trip). */
int vouch_stat(int fd, struct verified *v)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &sx) < 0 ||
	    !S_ISREG(sx.stx_mode))
		return -EBADF;
	memset(&v->st, 0, sizeof(v->st));
	v->st.st_mode = sx.stx_mode;
	v->st.st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	v->st.st_ino = (ino_t)sx.stx_ino;
	v->st.st_size = (off_t)sx.stx_size;
	v->st.st_mtim.tv_sec = sx.stx_mtime.tv_sec;
	v->st.st_mtim.tv_nsec = sx.stx_mtime.tv_nsec;
	v->have_file = true;
	return 0;
}

/* Part 2: arch and e_machine from the head. */
void vouch_head(const unsigned char *head, long n, struct verified *v)
{
	struct elf_info ei;

	if (n <= 0)
		return;
	/* No reader past the head: the header fields are all we need. */
	if (elf_probe(head, (size_t)n, NULL, NULL, &ei) == 0 || ei.machine) {
		v->have_machine = ei.elf_class != 0;
		v->machine = ei.machine;
		v->arch = ei.arch;
	}
}

static bool claim_differs_int(const struct shimmsg *m, int idx, long long want)
{
	return idx >= 0 && (m->m[idx].type != SHIMMSG_INT || m->m[idx].i != want);
}

static bool claim_differs_str(const struct shimmsg *m, int idx, const char *want)
{
	if (idx < 0)
		return false;
	if (!want)
		return m->m[idx].type != SHIMMSG_NULL;
	return m->m[idx].type != SHIMMSG_STRING || strcmp(m->m[idx].s, want);
}

static void emit_elf(const struct shimmsg *m, int e, const struct verified *v,
		     struct json_writer *w)
{
	size_t i;

	if (m->m[e].type != SHIMMSG_OBJECT || !v->have_machine) {
		shimmsg_emit_value(m, e, w);
		return;
	}
	jw_object_begin(w);
	for (i = (size_t)e + 1; i < m->n; i++) {
		if (m->m[i].parent != e)
			continue;
		jw_key(w, m->m[i].key);
		if (!strcmp(m->m[i].key, "machine"))
			jw_uint(w, v->machine);
		else
			shimmsg_emit_value(m, (int)i, w);
	}
	jw_object_end(w);
}

/* The client's members the collector checks: where they are in its
 * message (-1: absent), and which say other than what it vouches for. */
struct claims {
	int pid, uid, gid, arch, elf, machine, time, v;
	bool dpid, duid, dgid, darch, dmach, dtime;
	const char *arch_name;		/* ours: NULL when no QEMU target runs it */
	char now[64];			/* the collector's clock */
};

static void gather_claims(const struct shimmsg *m, const struct verified *v, struct claims *c)
{
	c->arch_name = v->arch ? v->arch->name : NULL;
	c->pid = shimmsg_find(m, -1, "pid");
	c->uid = shimmsg_find(m, -1, "uid");
	c->gid = shimmsg_find(m, -1, "gid");
	c->arch = shimmsg_find(m, -1, "arch");
	c->elf = shimmsg_find(m, -1, "elf");
	c->time = shimmsg_find(m, -1, "time");
	c->v = shimmsg_find(m, -1, "v");
	c->machine = -1;
	if (c->elf >= 0 && m->m[c->elf].type == SHIMMSG_OBJECT)
		c->machine = shimmsg_find(m, c->elf, "machine");
	c->dpid = claim_differs_int(m, c->pid, v->cred.pid);
	c->duid = claim_differs_int(m, c->uid, v->cred.uid);
	c->dgid = claim_differs_int(m, c->gid, v->cred.gid);
	/* The time is the collector's clock: a client's own "time" could
	 * put its run anywhere in the log (a reader sorts and filters by
	 * it). The shim's stays under "claimed". */
	shimd_rfc3339(c->now, sizeof(c->now));
	c->dtime = claim_differs_str(m, c->time, c->now);
	c->darch = c->dmach = false;
	if (v->have_file) {
		c->darch = claim_differs_str(m, c->arch, c->arch_name);
		c->dmach = v->have_machine && claim_differs_int(m, c->machine, v->machine);
	}
}

/* The client's top-level members in its order, the verified values in
 * place ("v" and "time" are written before them). */
static void write_members(struct json_writer *w, const struct shimmsg *m,
			  const struct verified *v, const struct claims *c)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		int k = (int)i;

		if (m->m[i].parent != -1 || k == c->time || k == c->v)
			continue;
		jw_key(w, m->m[i].key);
		if (k == c->pid)
			jw_int(w, v->cred.pid);
		else if (k == c->uid)
			jw_uint(w, v->cred.uid);
		else if (k == c->gid)
			jw_uint(w, v->cred.gid);
		else if (k == c->arch && v->have_file)
			c->arch_name ? jw_string(w, c->arch_name) : jw_null(w);
		else if (k == c->elf)
			emit_elf(m, c->elf, v, w);
		else
			shimmsg_emit_value(m, k, w);
	}
}

/* "verified": what the kernel and our own reading of the file say. */
static void write_verified(struct json_writer *w, const struct verified *v,
			   const struct claims *c)
{
	char dev[32];

	jw_key(w, "verified");
	jw_object_begin(w);
	jw_kv_int(w, "pid", v->cred.pid);
	jw_kv_uint(w, "uid", v->cred.uid);
	jw_kv_uint(w, "gid", v->cred.gid);
	if (v->have_file) {
		snprintf(dev, sizeof(dev), "%u:%u", major(v->st.st_dev), minor(v->st.st_dev));
		jw_kv_string(w, "dev", dev);
		jw_kv_uint(w, "ino", (uint64_t)v->st.st_ino);
		jw_kv_int(w, "size", (int64_t)v->st.st_size);
		kv_ntime(w, "mtime", &v->st.st_mtim);
		c->arch_name ? jw_kv_string(w, "arch", c->arch_name) : jw_kv_null(w, "arch");
		if (v->have_machine)
			jw_kv_uint(w, "machine", v->machine);
		else
			jw_kv_null(w, "machine");
		if (v->probe_error)
			jw_kv_string(w, "probe_error", v->probe_error);
	}
	jw_object_end(w);
}

/* "claimed": what the client said where it differs; absent when nothing
 * does. */
static void write_claimed(struct json_writer *w, const struct shimmsg *m,
			  const struct claims *c)
{
	const struct { bool differs; const char *key; int idx; } claims[] = {
		{ c->dtime, "time", c->time }, { c->dpid, "pid", c->pid },
		{ c->duid, "uid", c->uid }, { c->dgid, "gid", c->gid },
		{ c->darch, "arch", c->arch }, { c->dmach, "machine", c->machine },
	};
	size_t i;

	if (!c->dpid && !c->duid && !c->dgid && !c->darch && !c->dmach && !c->dtime)
		return;
	jw_key(w, "claimed");
	jw_object_begin(w);
	for (i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		if (!claims[i].differs)
			continue;
		jw_key(w, claims[i].key);
		shimmsg_emit_value(m, claims[i].idx, w);
	}
	jw_object_end(w);
}

/* The exec (or deny/fail) record: the client's members in its order with
 * the verified values in place, then id, source, verified, claimed. */
int vouch_record(const struct shimmsg *m, const struct verified *v, const char *id,
		 bool hash_follows, int exit_tracked, char *out, size_t cap)
{
	struct json_writer w;
	struct claims c;

	gather_claims(m, v, &c);
	jw_init(&w, out, cap);
	jw_object_begin(&w);
	/* "v" (the parser has checked it is 1) and "time" first, as in
	 * every record. */
	jw_kv_int(&w, "v", 1);
	jw_kv_string(&w, "time", c.now);
	write_members(&w, m, v, &c);
	if (c.pid < 0)
		jw_kv_int(&w, "pid", v->cred.pid);
	if (c.uid < 0)
		jw_kv_uint(&w, "uid", v->cred.uid);
	if (c.gid < 0)
		jw_kv_uint(&w, "gid", v->cred.gid);
	jw_kv_string(&w, "id", id);
	jw_kv_string(&w, "source", "collector");
	if (hash_follows)
		jw_kv_bool(&w, "hash_follows", true);
	/* Whether "verified" describes the file: false when the shim sent
	 * no binary fd (a deny or fail for a file it could not open), and
	 * then path, arch, elf and the rest are the client's word only. */
	jw_kv_bool(&w, "file_verified", v->have_file);
	if (exit_tracked >= 0)
		jw_kv_bool(&w, "exit_tracked", exit_tracked);
	write_verified(&w, v, &c);
	write_claimed(&w, m, &c);
	jw_object_end(&w);
	return jw_finish(&w);
}
