// SPDX-License-Identifier: GPL-2.0
/*
 * register / unregister: a plan against the live table (add, replace,
 * keep, skip, conflict), printed by --dry-run and carried out otherwise.
 * Running it twice changes nothing the second time: an entry that is
 * already there, identical and not shadowed, is kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootorder.h"
#include "jout.h"
#include "loader.h"
#include "pinfile.h"

enum act { ACT_ADD, ACT_REPLACE, ACT_KEEP, ACT_SKIP, ACT_CONFLICT,
	   ACT_DISABLE, ACT_REMOVE, ACT_ENABLE };

static const char *const act_names[] = {
	[ACT_ADD] = "add", [ACT_REPLACE] = "replace", [ACT_KEEP] = "keep",
	[ACT_SKIP] = "skip", [ACT_CONFLICT] = "conflict",
	[ACT_DISABLE] = "disable", [ACT_REMOVE] = "remove",
	[ACT_ENABLE] = "enable",
};

struct item {
	enum act act;
	const struct arch *a;
	char name[BINFMT_NAME_MAX + 1];		/* the entry acted on */
	char detail[4096];
	struct binfmt_entry ent;		/* ACT_ADD / ACT_REPLACE */
	int err;				/* result when carried out */
};

struct plan {
	struct item *it;
	size_t n, cap;
};

static struct item *plan_add(struct plan *p, enum act act, const struct arch *a,
			     const char *name)
{
	struct item *it;

	if (p->n == p->cap) {
		struct item *ni = realloc(p->it, (p->cap = p->cap ? p->cap * 2 : 64) *
					  sizeof(*ni));
		if (!ni) {
			err_msg("out of memory");
			exit(EXIT_USAGE);
		}
		p->it = ni;
	}
	it = &p->it[p->n++];
	memset(it, 0, sizeof(*it));
	it->act = act;
	it->a = a;
	snprintf(it->name, sizeof(it->name), "%s", name);
	return it;
}

int our_entries(const struct arch *a, const char *shim, const char *flags,
		struct binfmt_entry *out, size_t max)
{
	return binfmt_entries_for_arch(a, shim, flags, out, max);
}

static bool same_entry(const struct binfmt_entry *x, const struct binfmt_entry *y)
{
	return x->is_extension == y->is_extension && x->offset == y->offset &&
	       x->magic_len == y->magic_len &&
	       !memcmp(x->magic, y->magic, x->magic_len) &&
	       !memcmp(x->mask, y->mask, x->magic_len) &&
	       !strcmp(x->interpreter, y->interpreter) &&
	       !strcmp(x->flags, y->flags);
}

/* What differs between the live entry and ours, in words. */
static void describe_change(const struct binfmt_entry *live,
			    const struct binfmt_entry *e, char *buf, size_t len)
{
	int n = 0;

	buf[0] = '\0';
	if (strcmp(live->interpreter, e->interpreter))
		n += snprintf(buf + n, len - (size_t)n, "interpreter %s -> %s",
			      live->interpreter, e->interpreter);
	if (strcmp(live->flags, e->flags) && n < (int)len)
		n += snprintf(buf + n, len - (size_t)n, "%sflags %s -> %s",
			      n ? ", " : "", live->flags[0] ? live->flags : "-",
			      e->flags[0] ? e->flags : "-");
	if (!n)
		snprintf(buf, len, "magic/mask differ (an older binfmt-shim?)");
}

static int live_index(const struct bm_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return (int)i;
	return -1;
}

/*
 * Why a is skipped, "" when it is registered. A compat arch whose test
 * cannot be made (no private namespace and an entry already takes it) is
 * skipped by --all, so a working native i386 is never intercepted, and
 * registered when named.
 */
static void native_reason(const struct arch *a, bool named, char *buf, size_t len)
{
	int r;

	buf[0] = '\0';
	if (a == arch_host()) {
		snprintf(buf, len, "the host's own architecture");
		return;
	}
	if (!arch_is_host_family(a))
		return;
	r = native_test(a);
	if (r == 1)
		snprintf(buf, len, "native: the host ran a tiny %s program itself",
			 a->name);
	else if (r < 0 && !named)
		snprintf(buf, len, "cannot tell whether the host runs %s natively "
			 "(%s); name it to register it anyway", a->name,
			 strerror(-r));
	else if (r < 0)
		warn_msg("could not test whether the host runs %s natively (%s); "
			 "registering it as asked", a->name, strerror(-r));
}

/* Add the items for one arch; returns -errno on a table error. */
static int plan_arch(struct plan *p, const struct bm_table *t, const struct arch *a,
		     const char *shim, const char *flags, bool named)
{
	struct binfmt_entry ents[BINFMT_ENTRIES_MAX];
	char why[256];
	int n, k;
	size_t i;

	native_reason(a, named, why, sizeof(why));
	if (why[0]) {
		snprintf(plan_add(p, ACT_SKIP, a, "")->detail,
			 sizeof(p->it[0].detail), "%s", why);
		return 0;
	}
	n = our_entries(a, shim, flags, ents, BINFMT_ENTRIES_MAX);
	if (n < 0)
		return n;
	for (k = 0; k < n; k++) {
		const struct binfmt_entry *e = &ents[k];
		int li = live_index(t, e->name);
		int newest_other = -1;
		struct item *it;

		/* Others' enabled entries that match the same files. */
		for (i = 0; i < t->n; i++)
			if (!binfmt_is_ours(t->e[i].name) && t->e[i].enabled &&
			    entries_overlap(&t->e[i], e))
				newest_other = (int)i;
		if (li < 0) {
			it = plan_add(p, ACT_ADD, a, e->name);
			snprintf(it->detail, sizeof(it->detail),
				 "interpreter %s flags %s", e->interpreter,
				 e->flags[0] ? e->flags : "-");
		} else if (!same_entry(&t->e[li], e)) {
			it = plan_add(p, ACT_REPLACE, a, e->name);
			describe_change(&t->e[li], e, it->detail, sizeof(it->detail));
		} else if (!t->e[li].enabled) {
			it = plan_add(p, ACT_REPLACE, a, e->name);
			snprintf(it->detail, sizeof(it->detail),
				 "it is disabled");
		} else if (newest_other > li) {
			it = plan_add(p, ACT_REPLACE, a, e->name);
			snprintf(it->detail, sizeof(it->detail),
				 "shadowed by %s, registered later: registering "
				 "again makes ours the one the kernel picks",
				 t->e[newest_other].name);
		} else {
			it = plan_add(p, ACT_KEEP, a, e->name);
			snprintf(it->detail, sizeof(it->detail), "up to date");
		}
		it->ent = *e;
		for (i = 0; i < t->n; i++) {
			if (binfmt_is_ours(t->e[i].name) || !t->e[i].enabled ||
			    !entries_overlap(&t->e[i], e))
				continue;
			it = plan_add(p, ACT_CONFLICT, a, t->e[i].name);
			snprintf(it->detail, sizeof(it->detail),
				 "%s (interpreter %s) matches the same files; the "
				 "kernel picks %s (the most recently registered)",
				 t->e[i].name, t->e[i].interpreter, e->name);
		}
	}
	return 0;
}

static void print_plan(const struct plan *p, bool json, bool dry_run,
		       bool replace, const char *note, const char *flags,
		       const char *flags_how)
{
	struct jdoc d;
	size_t i;

	if (!json) {
		if (flags)
			printf("flags: %s (%s)\n", flags[0] ? flags : "none", flags_how);
		for (i = 0; i < p->n; i++) {
			const struct item *it = &p->it[i];
			const char *extra = "";

			if (it->act == ACT_CONFLICT)
				extra = replace ? (dry_run ? "; --replace will disable it" :
						   "; disabled it (unregister re-enables it)") :
					"; --replace disables it";
			printf("%-9s %-12s %-28s %s%s%s%s\n", act_names[it->act],
			       it->a ? it->a->name : "-",
			       it->name[0] ? it->name : "-", it->detail, extra,
			       it->err ? ": FAILED: " : "",
			       it->err ? strerror(-it->err) : "");
		}
		if (dry_run)
			printf("(dry run: nothing was changed)\n");
		return;
	}
	jdoc_init(&d);
	jw_object_begin(&d.w);
	jw_kv_bool(&d.w, "dry_run", dry_run);
	jw_kv_string(&d.w, "note", note && note[0] ? note : NULL);
	if (flags)
		jw_kv_string(&d.w, "flags", flags);
	jw_key(&d.w, "actions");
	jw_array_begin(&d.w);
	for (i = 0; i < p->n; i++) {
		const struct item *it = &p->it[i];

		jw_object_begin(&d.w);
		jw_kv_string(&d.w, "action", act_names[it->act]);
		jw_kv_string(&d.w, "arch", it->a ? it->a->name : NULL);
		jw_kv_string(&d.w, "name", it->name[0] ? it->name : NULL);
		jw_kv_string(&d.w, "detail", it->detail);
		if (it->err)
			jw_kv_string(&d.w, "error", strerror(-it->err));
		else
			jw_kv_null(&d.w, "error");
		jw_object_end(&d.w);
	}
	jw_array_end(&d.w);
	jw_object_end(&d.w);
	if (jdoc_print(&d, stdout) < 0)
		err_msg("the JSON output did not fit");
	jdoc_free(&d);
}

static int explain_errno(const char *what, int err)
{
	if (err == -EPERM || err == -EACCES)
		err_msg("%s: %s; changing the host's binfmt_misc needs root "
			"(CAP_SYS_ADMIN in the user namespace that owns the "
			"instance); without root, '%s exec -- CMD' runs CMD with a "
			"private binfmt_misc of its own and '%s run FILE' runs one "
			"program (docs/cross-runners.md)", what, strerror(-err),
			prog_name, prog_name);
	else
		err_msg("%s: %s", what, strerror(-err));
	return EXIT_USAGE;
}

/*
 * register mounts binfmt_misc when nobody had (or mounts this user
 * namespace's own over another's); unregister --all unmounts it again once
 * no entry is left, and only that mount: the marker beside the --replace
 * state names it by its mount ID (statx STATX_MNT_ID_UNIQUE, never given
 * to another mount; STATX_MNT_ID before Linux 6.8), so a mount made by
 * anyone else, or by a register in another namespace, is never touched.
 */
static int mount_marker(char *buf, size_t len)
{
	char *slash;
	int err = state_path(buf, len);

	if (err)
		return err;
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + sizeof("/mounted") > len)
		return -ENAMETOOLONG;
	strcpy(slash, "/mounted");
	return 0;
}

/* The 64-bit mount ID that is never reused (Linux 6.8, statx(2)); the
 * value is not in every libc's headers yet. */
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

/* The mount at BM_DIR as "u<unique id>", or "<id>" on kernels before 6.8,
 * whose IDs a later mount may get again. */
static int bm_mnt_id(char *buf, size_t len)
{
	struct statx stx;

	if (statx(AT_FDCWD, BM_DIR, AT_NO_AUTOMOUNT,
		  STATX_MNT_ID | STATX_MNT_ID_UNIQUE, &stx) < 0)
		return -errno;
	if (stx.stx_mask & STATX_MNT_ID_UNIQUE)
		snprintf(buf, len, "u%llu", (unsigned long long)stx.stx_mnt_id);
	else if (stx.stx_mask & STATX_MNT_ID)
		snprintf(buf, len, "%llu", (unsigned long long)stx.stx_mnt_id);
	else
		return -EOPNOTSUPP;
	return 0;
}

static void remember_mount(void)
{
	char path[PATH_MAX], dir[PATH_MAX], line[40], id[32];
	bool ok = false;
	int n, fd;

	if (bm_mnt_id(id, sizeof(id)) || mount_marker(path, sizeof(path)))
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	n = snprintf(line, sizeof(line), "%s\n", id);
	fd = mkdir_p(dir, 0755) ? -1 :
	     open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd >= 0) {
		ok = write(fd, line, (size_t)n) == n;
		ok = !close(fd) && ok;
	}
	if (!ok)
		warn_msg("could not note that register mounted binfmt_misc (%s): "
			 "unregister --all will leave it mounted", path);
}

/* After unregister --all: unmount what register mounted, when empty. */
static void forget_mount(bool json)
{
	char path[PATH_MAX], line[40] = "", id[32];
	struct bm_table t = { 0 };
	bool empty;

	if (mount_marker(path, sizeof(path)) ||
	    read_small(path, line, sizeof(line)) <= 0)
		return;
	line[strcspn(line, "\n")] = '\0';
	if (bm_mnt_id(id, sizeof(id)) || strcmp(id, line)) {
		/* Not the mount register made (gone, or another namespace's
		 * marker): never ours to unmount. A stale marker of this
		 * namespace is dropped when the mount it names is gone. */
		if (!bm_mounted())
			unlink(path);
		return;
	}
	empty = bm_read_table(&t) == 0 && t.n == 0;
	bm_table_free(&t);
	if (!empty)
		return;
	if (umount2(BM_DIR, UMOUNT_NOFOLLOW) < 0) {
		warn_msg("unmounting binfmt_misc at " BM_DIR ", which register "
			 "mounted: %s", strerror(errno));
		return;
	}
	unlink(path);
	if (!json)
		printf("unmounted binfmt_misc at " BM_DIR " (register mounted it; "
		       "no entry is left)\n");
}

/* Carry out the plan; returns the number of failures. */
static int execute(struct plan *p, bool replace)
{
	int fails = 0;
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct item *it = &p->it[i];

		switch (it->act) {
		case ACT_REPLACE:
			it->err = bm_entry_ctl(it->name, "-1");
			if (it->err == -ENOENT)
				it->err = 0;
			if (!it->err)
				it->err = bm_write_register(&it->ent);
			break;
		case ACT_ADD:
			it->err = bm_write_register(&it->ent);
			break;
		case ACT_CONFLICT:
			if (!replace)
				break;
			it->err = state_add(it->name);
			if (!it->err)
				it->err = bm_entry_ctl(it->name, "0");
			break;
		default:
			break;
		}
		fails += it->err != 0;
	}
	return fails;
}

#define DEFAULT_FLAGS "PF"	/* in the order the kernel prints them */

/*
 * --flags: "FPO" (letters alone) replaces the default FP; "+C" adds to it
 * and "-P" takes from it ("+O-P" both). C implies O, as the kernel has it
 * (check_special_flags in fs/binfmt_misc.c). out[] gets the result in the
 * kernel's order (P O C F), the way status and the plan show flags.
 */
static int resolve_flags(const char *arg, char *out, size_t len)
{
	bool on[4] = { false, false, false, false };	/* P O C F */
	static const char order[] = "POCF";
	bool relative = arg[0] == '+' || arg[0] == '-';
	int sign = 1;
	const char *f, *k;
	size_t n = 0;

	if (relative)
		for (f = DEFAULT_FLAGS; *f; f++)
			on[strchr(order, *f) - order] = true;
	for (f = arg; *f; f++) {
		if (relative && (*f == '+' || *f == '-')) {
			sign = *f == '+' ? 1 : 0;
			continue;
		}
		k = strchr(order, *f);
		if (!k || !*f) {
			err_msg("register: unknown flag '%c' in --flags %s; use any "
				"of F (fix binary), P (preserve argv[0]), O (open "
				"binary), C (credentials); FLAGS replaces the default "
				DEFAULT_FLAGS ", +FLAGS adds to it, -FLAGS removes", *f, arg);
			return -EINVAL;
		}
		on[k - order] = sign;
	}
	if (on[2])
		on[1] = true;
	for (k = order; *k; k++)
		if (on[k - order] && n + 1 < len)
			out[n++] = *k;
	out[n] = '\0';
	return 0;
}

/* Warn about C. */
static int check_flags(const char *flags)
{
	if (strchr(flags, 'C'))
		warn_msg("flag C makes the kernel run the shim with the binary's "
			 "setuid/setgid credentials (and implies O): every setuid "
			 "foreign binary then runs the shim and the emulator as "
			 "its owner. The shim hands the emulator only the file the "
			 "kernel opened and drops the caller's QEMU_*, LD_* and other "
			 "unsafe variables, but the emulator and the system config "
			 "are trusted with those credentials: see SECURITY in "
			 "binfmt-shim(8)");
	return 0;
}

/*
 * The interpreter for a: its pinned file (the shim with the host's
 * emulator appended, loader/pinned.c) when there is an emulator to pin,
 * else the shim itself. *rebuilt: the file changed, so the entry must be
 * registered again for the kernel to open the new one. Compat arches of
 * the host's family are pinned only when the host was seen not to run
 * them (IA32 emulation off): otherwise they are skipped as native, or
 * untested, and their emulator is the host's CPU. verify's container run
 * found i386 without its emulator there.
 */
static void pin_arch(const struct arch *a, const char *shim, bool dry, bool json,
		     char *interp, size_t len, bool *rebuilt)
{
	char emu[4096], path[4200], detail[1024];
	int rc;

	*rebuilt = false;
	snprintf(interp, len, "%s", shim);
	if (a == arch_host() || (arch_is_host_family(a) && native_test(a) != 0) ||
	    find_emulator(a, emu, sizeof(emu)) < 0)
		return;
	rc = pinned_make(a, shim, emu, dry, path, sizeof(path), detail, sizeof(detail));
	if (!json)
		note_msg("%s: %s%s", a->name, detail,
			 rc < 0 ? "; registering the shim alone, which runs the emulator "
				  "by its path" : "");
	if (rc < 0)
		return;
	snprintf(interp, len, "%s", path);
	*rebuilt = rc == 1;
}

/* A rebuilt pinned file: an entry kept as "up to date" is registered
 * again, or the kernel would keep running the old file it holds open. */
static void replace_kept(struct plan *p, size_t from)
{
	size_t i;

	for (i = from; i < p->n; i++)
		if (p->it[i].act == ACT_KEEP) {
			p->it[i].act = ACT_REPLACE;
			snprintf(p->it[i].detail, sizeof(p->it[i].detail),
				 "its pinned file was rebuilt");
		}
}

/* What register was asked for, resolved: the flags, how they came
 * about (in words), the shim, and the note about the mount. */
struct reg_opts {
	bool dry, json, replace;
	char shim[4096], note[512], flags[8], how[128];
};

/* The flags from the command line: 0, or -1 with the error printed. */
static int reg_flags(const struct cli *c, struct reg_opts *o)
{
	if (resolve_flags(c->opts & OPT_FLAGS ? c->flags : DEFAULT_FLAGS, o->flags,
			  sizeof(o->flags)) || check_flags(o->flags))
		return -1;
	if (!(c->opts & OPT_FLAGS))
		snprintf(o->how, sizeof(o->how), "the default; --flags +C adds to it, "
			 "--flags C replaces it");
	else if (c->flags[0] == '+' || c->flags[0] == '-')
		snprintf(o->how, sizeof(o->how), "the default " DEFAULT_FLAGS " with %s",
			 T(c->flags));
	else
		snprintf(o->how, sizeof(o->how), "--flags %s replaces the default "
			 DEFAULT_FLAGS "; --flags +%s adds to it", T(c->flags),
			 T(c->flags));
	return 0;
}

/* The shim from the command line, else beside this program, checked
 * against the flags: 0, or -1 with the error printed. */
static int reg_shim(const struct cli *c, struct reg_opts *o)
{
	char why[512];

	if (c->shim) {
		snprintf(o->shim, sizeof(o->shim), "%s", c->shim);
	} else if (default_shim(o->shim, sizeof(o->shim)) < 0) {
		err_msg("register: no shim at %s; build it (make build/shim), "
			"install it (make install) or pass --shim PATH", o->shim);
		return -1;
	}
	if (strchr(o->flags, 'F')) {
		if (check_static_exec(o->shim, why, sizeof(why)) < 0) {
			err_msg("register: refusing the interpreter: %s", why);
			return -1;
		}
	} else if (access(o->shim, X_OK) < 0) {
		warn_msg("%s is not executable here: the kernel will fail every "
			 "exec through it", o->shim);
	}
	return 0;
}

/* Our own binfmt_misc at BM_DIR (only said, with --dry-run): EXIT_OK,
 * or the exit status with the error printed. */
static int reg_mount(struct reg_opts *o)
{
	bool was_mounted = bm_mounted();
	int err;

	if (o->dry) {
		if (!was_mounted) {
			snprintf(o->note, sizeof(o->note), "binfmt_misc is not "
				 "mounted at " BM_DIR ": register mounts it");
			note_msg("%s", o->note);
		}
		return EXIT_OK;
	}
	err = bm_ensure_own(o->note, sizeof(o->note));
	if (err)
		return explain_errno(was_mounted ?
				     "register: cannot use the binfmt_misc mounted at "
				     BM_DIR : "register: cannot mount binfmt_misc at "
				     BM_DIR, err);
	if (o->note[0]) {
		note_msg("%s", o->note);
		remember_mount();
	}
	return EXIT_OK;
}

/* The plan for the selected arches against the live table t: 0, or -1
 * with the error printed. */
static int reg_plan(const struct cli *c, const bool *sel, const struct bm_table *t,
		    const struct reg_opts *o, struct plan *p)
{
	size_t i;
	int err;

	for (i = 0; i < arch_count; i++) {
		char interp[4200];
		size_t first = p->n;
		bool rebuilt;

		if (!sel[i])
			continue;
		pin_arch(&arch_table[i], o->shim, o->dry, o->json, interp,
			 sizeof(interp), &rebuilt);
		err = plan_arch(p, t, &arch_table[i], interp, o->flags,
				!(c->opts & OPT_ALL));
		if (err) {
			err_msg("register: cannot build the entry for %s: %s",
				arch_table[i].name, strerror(-err));
			return -1;
		}
		if (rebuilt)
			replace_kept(p, first);
	}
	return 0;
}

int cmd_register(const struct cli *c)
{
	static struct reg_opts o;
	bool *sel = calloc(arch_count, sizeof(*sel));
	struct bm_table t = { 0 };
	struct plan p = { 0 };
	int rc = EXIT_USAGE, err, fails;

	memset(&o, 0, sizeof(o));
	o.dry = c->opts & OPT_DRY_RUN;
	o.json = c->opts & OPT_JSON;
	o.replace = c->opts & OPT_REPLACE;
	if (!sel)
		return EXIT_USAGE;
	if (!c->nargs && !(c->opts & OPT_ALL)) {
		err_msg("register: name the arches (e.g. 'register aarch64 riscv64') "
			"or use --all; '%s arches' lists them", prog_name);
		goto out;
	}
	if (reg_flags(c, &o) || select_arches(c, sel) || reg_shim(c, &o))
		goto out;
	rc = reg_mount(&o);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	err = bm_read_table(&t);
	if (err) {
		rc = explain_errno("register: reading " BM_DIR, err);
		goto out;
	}
	if (reg_plan(c, sel, &t, &o, &p))
		goto out;
	fails = o.dry ? 0 : execute(&p, o.replace);
	print_plan(&p, o.json, o.dry, o.replace, o.note, o.flags, o.how);
	if (fails) {
		err_msg("register: %d change(s) failed (see above); '%s status' "
			"shows the live table", fails, prog_name);
		goto out;
	}
	rc = EXIT_OK;
out:
	bm_table_free(&t);
	free(p.it);
	free(sel);
	return rc;
}

/* Whether a removed entry of ours overlaps the other entry e. */
static bool overlaps_any(const struct bm_table *t, const bool *removed,
			 const struct binfmt_entry *e)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (removed[i] && entries_overlap(&t->e[i], e))
			return true;
	return false;
}

/*
 * The pinned files of the removed entries (loader/pinned.c), and the
 * lines of persist's binfmt.d file that register them: with F the kernel
 * opens the interpreter as it registers it, so such a line would fail at
 * the next boot. Unregister means "not any more", at boot too; what is
 * dropped is said.
 */
static void remove_pinned(const struct bm_table *t, const bool *removed, bool everything,
			  bool dry)
{
	char path[4200], where[1024];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct arch *a = binfmt_arch_of(t->e[i].name);
		int rc = 0;

		if (!removed[i] || !a)
			continue;
		/* Only the lines of the files deleted here: a line naming the
		 * installed shim still works at boot, and stays. */
		snprintf(path, sizeof(path), "%s/%s", pinned_dir(), a->name);
		if (!strcmp(t->e[i].interpreter, path))
			rc = pinned_unpersist(path, dry, where, sizeof(where));
		if (rc > 0)
			note_msg("%s %s from %s: it registered %s at boot, which unregister "
				 "deletes ('%s register %s' and '%s persist' bring both back)",
				 dry ? "would drop" : "dropped", t->e[i].name, where,
				 t->e[i].interpreter, prog_name, a->name, prog_name);
		else if (rc < 0)
			warn_msg("%s still registers %s at boot, which unregister deletes; "
				 "the line will fail: run '%s persist' (%s)", BOOT_DEFAULT_PATH,
				 t->e[i].interpreter, prog_name, strerror(-rc));
		if (!dry)
			(void)pinned_remove(a);
	}
	if (everything && !dry) {
		struct bm_table now = { 0 };

		if (bm_read_table(&now) == 0)
			pinned_cleanup(&now);
		bm_table_free(&now);
	}
}

/* Our entries (all, or the selected arches') to remove: marked in
 * removed[] and planned. */
static void unreg_plan_removals(const struct bm_table *t, const bool *sel,
				bool everything, bool *removed, struct plan *p)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct arch *a = binfmt_arch_of(t->e[i].name);

		if (!binfmt_is_ours(t->e[i].name))
			continue;
		if (!everything && !(a && sel[a - arch_table]))
			continue;
		removed[i] = true;
		plan_add(p, ACT_REMOVE, a, t->e[i].name)->detail[0] = '\0';
	}
}

/* The entries register --replace disabled (state[]): enable again those
 * the removed entries shadowed; keep[] gets the ones still shadowed. */
static void unreg_plan_enables(const struct bm_table *t, const bool *removed,
			       bool everything, char **state, size_t nstate,
			       char **keep, size_t *nkeep, struct plan *p)
{
	size_t i;

	for (i = 0; i < nstate; i++) {
		const struct binfmt_entry *e = bm_find(t, state[i]);

		if (!e)
			continue;	/* gone meanwhile: forget it */
		if (!everything && !overlaps_any(t, removed, e)) {
			keep[(*nkeep)++] = state[i];
			continue;
		}
		if (e->enabled)
			continue;
		snprintf(plan_add(p, ACT_ENABLE, NULL, e->name)->detail,
			 sizeof(p->it[0].detail), "disabled by register --replace");
	}
}

/* Carry out the plan, the pinned files and the --replace state; the
 * number of changes that failed. */
static int unreg_execute(struct plan *p, const struct bm_table *t, const bool *removed,
			 bool everything, char **keep, size_t nkeep)
{
	int fails = 0, err;
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct item *it = &p->it[i];

		it->err = bm_entry_ctl(it->name, it->act == ACT_REMOVE ? "-1" : "1");
		if (it->err == -ENOENT && it->act == ACT_REMOVE)
			it->err = 0;
		fails += it->err != 0;
	}
	remove_pinned(t, removed, everything, false);
	err = state_clear();
	for (i = 0; i < nkeep && !err; i++)
		err = state_add(keep[i]);
	if (err && err != -ENOENT)
		warn_msg("updating the --replace state: %s", strerror(-err));
	return fails;
}

int cmd_unregister(const struct cli *c)
{
	bool dry = c->opts & OPT_DRY_RUN, json = c->opts & OPT_JSON;
	bool everything = (c->opts & OPT_ALL) || !c->nargs;
	bool *sel = calloc(arch_count, sizeof(*sel)), *removed = NULL;
	struct bm_table t = { 0 };
	struct plan p = { 0 };
	char **state = NULL, **keep = NULL;
	size_t nstate = 0, nkeep = 0;
	int rc = EXIT_USAGE, err, fails = 0;

	if (!sel || select_arches(c, sel))
		goto out;
	if (!bm_mounted()) {
		note_msg("binfmt_misc is not mounted at " BM_DIR ": nothing to remove");
		rc = EXIT_OK;
		goto out;
	}
	err = bm_read_table(&t);
	if (err) {
		rc = explain_errno("unregister: reading " BM_DIR, err);
		goto out;
	}
	removed = calloc(t.n + 1, sizeof(*removed));
	if (!removed)
		goto out;
	unreg_plan_removals(&t, sel, everything, removed, &p);
	err = state_list(&state, &nstate);
	if (err && err != -ENOENT) {
		rc = explain_errno("unregister: reading the --replace state", err);
		goto out;
	}
	keep = calloc(nstate + 1, sizeof(*keep));
	if (!keep)
		goto out;
	unreg_plan_enables(&t, removed, everything, state, nstate, keep, &nkeep, &p);
	if (!dry)
		fails = unreg_execute(&p, &t, removed, everything, keep, nkeep);
	else
		remove_pinned(&t, removed, everything, true);
	print_plan(&p, json, dry, false, NULL, NULL, NULL);
	if (everything && !dry && !fails)
		forget_mount(json);
	if (!p.n && !json)
		printf("nothing to do: no binfmt-shim-* entries %s\n",
		       everything ? "are registered" : "for those arches");
	rc = fails ? EXIT_USAGE : EXIT_OK;
	if (fails)
		err_msg("unregister: %d change(s) failed (see above)", fails);
out:
	free(keep);
	free_list(state, nstate);
	free(removed);
	bm_table_free(&t);
	free(p.it);
	free(sel);
	return rc;
}
