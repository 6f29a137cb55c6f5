// SPDX-License-Identifier: GPL-2.0
/*
 * explain FILE...: what a file is (every lib/ probe), which live entry the
 * kernel would pick for it (binfmt_match: the kernel's own order and
 * rules), whether the host runs it natively, the emulator and sysroot the
 * shim would choose (lib/route.c, the shim's own routing), and a verdict
 * with its reason and the fix.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "hostfix.h"
#include "jout.h"
#include "loader.h"
#include "pinstat.h"

enum verdict { V_NATIVE, V_EMULATED, V_NO_HANDLER, V_BROKEN };
static const char *const verdict_names[] = {
	"native", "emulated", "no-handler", "broken",
};

#define EXPL_TEXT 2048

struct expl {
	struct probe p;
	const struct arch *arch;	/* ELF arch, NULL otherwise */
	const struct binfmt_entry *handler;
	bool runs_natively;
	char emulator[1024], sysroot[1024];
	enum verdict v;
	char reason[EXPL_TEXT], fix[EXPL_TEXT];
	bool term;			/* text output: fields escaped (D) */
	bool ctr_ok;			/* the handler works in containers */
	char ctr_why[1200];
};

/* The GOARCH of the host, for "GOARCH=<host> go test" fixes. */
static const char *host_goarch(void)
{
	static const struct { const char *qemu, *go; } map[] = {
		{ "x86_64", "amd64" }, { "i386", "386" }, { "aarch64", "arm64" },
		{ "arm", "arm" }, { "riscv64", "riscv64" }, { "s390x", "s390x" },
		{ "ppc64le", "ppc64le" }, { "ppc64", "ppc64" },
		{ "loongarch64", "loong64" }, { "mips64el", "mips64le" },
		{ "mipsel", "mipsle" }, { "mips", "mips" }, { "mips64", "mips64" },
	};
	const struct arch *h = arch_host();
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].qemu, h->name))
			return map[i].go;
	return h->name;
}

/* A reason or a fix (both EXPL_TEXT bytes), formatted; it may truncate
 * on purpose: they are bounded. */
static void __attribute__((format(printf, 2, 3)))
set_text(char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(field, EXPL_TEXT, fmt, ap);
	va_end(ap);
}

/* A field from outside (the file, its name, a binfmt_misc entry, the
 * config) as it goes into a reason or a fix: escaped for the text output
 * (termout.c), as it is for JSON (the writer escapes it). */
static const char *shown(const struct expl *x, const char *str)
{
	return x->term ? T(str) : str;
}

/* The ELF fields as a fix shows them: the loader path escaped for the
 * text output (shown()), as is for JSON. */
static const struct elf_info *shown_elf(const struct expl *x)
{
	static struct elf_info elf;

	if (!x->term)
		return &x->p.ei;
	elf = x->p.ei;
	snprintf(elf.interp, sizeof(elf.interp), "%s", T(x->p.ei.interp));
	return &elf;
}

/* A foreign ELF the shim (one of our entries) would run. */
static void explain_ours(struct expl *x, const struct shim_config *cfg,
			 const char *cfgpath)
{
	struct route r;
	int err;

	memset(&r, 0, sizeof(r));
	err = route_emulator(x->arch, cfg, route_stat_host, NULL, &r);
	if (r.denied) {
		x->v = V_BROKEN;
		set_text(x->reason, "the shim's policy denies %s binaries (%s line %u)",
			 x->arch->name, shown(x, cfgpath), r.policy_line);
		set_text(x->fix, "set policy = allow in [arch.%s] of %s", x->arch->name,
			 shown(x, cfgpath));
		return;
	}
	if (err) {
		x->v = V_BROKEN;
		if (r.emulator_configured && err == -ENOENT)
			set_text(x->reason, "the configured emulator %s does not exist "
				 "(emulator = in [arch.%s] of %s)", shown(x, r.emulator),
				 x->arch->name, shown(x, cfgpath));
		else
			set_text(x->reason, "no emulator for %s: tried %s", x->arch->name,
				 shown(x, r.searched));
		if (x->term)
			snprintf(r.emulator, sizeof(r.emulator), "%s", T(r.emulator));
		hostfix_no_emulator(x->arch, &r, shown(x, cfgpath), route_stat_host, NULL,
				    x->fix, sizeof(x->fix));
		return;
	}
	snprintf(x->emulator, sizeof(x->emulator), "%s", r.emulator);
	if (x->p.ei.has_interp) {
		err = route_sysroot(x->arch, &x->p.ei, cfg, route_stat_host, NULL, &r);
		if (err) {
			x->v = V_BROKEN;
			set_text(x->reason, "it is dynamically linked and its loader %s is in "
				 "no sysroot (tried %s)", shown(x, x->p.ei.interp),
				 shown(x, r.sysroot_searched));
			hostfix_no_sysroot(x->arch, shown_elf(x), shown(x, cfgpath),
					   route_stat_host, NULL, x->fix, sizeof(x->fix));
			return;
		}
		snprintf(x->sysroot, sizeof(x->sysroot), "%s", r.sysroot);
	}
	x->v = V_EMULATED;
	set_text(x->reason, "the kernel runs it through %s, which hands it to %s%s%s",
		 shown(x, x->handler->name), shown(x, x->emulator),
		 x->sysroot[0] ? " -L " : "", shown(x, x->sysroot));
	set_text(x->fix, "%s", "");
}

/* The kernel asks binfmt_misc before anyone reads past the first bytes:
 * a damaged file no entry matches fails with ENOEXEC, as any other
 * unmatched file does, and the shim never sees it. */
static void explain_damaged(struct expl *x, const struct bm_table *t)
{
	if (!x->handler) {
		x->v = V_NO_HANDLER;
		set_text(x->reason, "a damaged ELF file (%s) that no %sbinfmt_misc entry "
			 "matches: exec fails with 'exec format error'",
			 elf_reason_str(x->p.ei.reason), t->n ? "enabled " : "");
	} else {
		x->v = V_BROKEN;
		set_text(x->reason, "a damaged ELF file: %s", elf_reason_str(x->p.ei.reason));
	}
	set_text(x->fix, "rebuild or download it again (was it truncated? "
		 "'readelf -lh %s' shows the header)", shown(x, x->p.path));
}

/* An ELF of the host's own arch (or one it runs natively) that no entry
 * takes: the kernel runs it, if its loader is there. */
static void explain_native(struct expl *x)
{
	char deb[32] = "", pkg[2][48];

	if (!x->p.ei.has_interp || access(x->p.ei.interp, F_OK) == 0) {
		x->v = V_NATIVE;
		set_text(x->reason, "the host (%s) runs %s binaries itself", arch_host()->name,
			 x->arch->name);
		return;
	}
	arch_list_item(x->arch->debian, 0, deb, sizeof(deb));
	/* libc6:i386 (multiarch) or libc6-i386 (amd64's multilib package) */
	snprintf(pkg[0], sizeof(pkg[0]), "libc6:%s", deb);
	snprintf(pkg[1], sizeof(pkg[1]), "libc6-%s", deb);
	x->v = V_BROKEN;
	set_text(x->reason, "the host runs %s natively, but the loader %s "
		 "is missing", x->arch->name, shown(x, x->p.ei.interp));
	if (hostfix_deb_installed(pkg[0], route_stat_host, NULL) ||
	    hostfix_deb_installed(pkg[1], route_stat_host, NULL))
		set_text(x->fix, "%s is no loader the host's %s C library "
			 "provides (%s is installed): relink the program "
			 "against its own loader, or link it statically",
			 shown(x, x->p.ei.interp), x->arch->name,
			 hostfix_deb_installed(pkg[0], route_stat_host, NULL) ?
			 pkg[0] : pkg[1]);
	else
		set_text(x->fix, "install the %s C library (Debian: apt-get "
			 "install %s), or link it statically", x->arch->name,
			 deb[0] ? pkg[0] : "libc6");
}

/* A foreign ELF no entry matches. */
static void explain_unhandled(struct expl *x, const struct bm_table *t)
{
	const struct arch *h = arch_host();

	x->v = V_NO_HANDLER;
	set_text(x->reason, "the host (%s) cannot run %s binaries itself and no "
		 "%sbinfmt_misc entry matches it: exec fails with 'exec format "
		 "error'", h->name, x->arch->name, t->n ? "enabled " : "");
	if (x->p.is_go)
		set_text(x->fix, "%s register %s (or build for this host: "
			 "GOARCH=%s go test)", prog_name, x->arch->name, host_goarch());
	else
		set_text(x->fix, "%s register %s", prog_name, x->arch->name);
	if (arch_is_host_family(x->arch) && x->arch != h)
		set_text(x->reason, "%s is in the host's (%s) family, but the host "
			 "does not run it natively (IA32/compat emulation off?) "
			 "and no entry matches it", x->arch->name, h->name);
}

/* Someone else's entry, e.g. Debian's qemu-aarch64: it runs the file,
 * if a dynamic one's loader is on the host or in qemu's prefix. */
static void explain_theirs(struct expl *x)
{
	char pfx[512], path[sizeof(pfx) + ELF_INTERP_MAX];

	snprintf(x->emulator, sizeof(x->emulator), "%s", x->handler->interpreter);
	x->v = V_EMULATED;
	set_text(x->reason, "the kernel runs it with %s (entry %s)",
		 shown(x, x->handler->interpreter), shown(x, x->handler->name));
	if (!x->p.ei.has_interp || access(x->p.ei.interp, F_OK) == 0)
		return;
	snprintf(pfx, sizeof(pfx), "/etc/qemu-binfmt/%s", x->arch->name);
	snprintf(path, sizeof(path), "%s%s", pfx, x->p.ei.interp);
	if (access(path, F_OK) == 0) {
		snprintf(x->sysroot, sizeof(x->sysroot), "%s", pfx);
		return;
	}
	x->v = V_BROKEN;
	set_text(x->reason, "the entry %s runs it with %s, but its loader %s "
		 "is neither on the host nor in %s", shown(x, x->handler->name),
		 shown(x, x->handler->interpreter), shown(x, x->p.ei.interp),
		 shown(x, pfx));
	set_text(x->fix, "%s register --replace %s (the shim finds the "
		 "Debian cross sysroots), or link it statically",
		 prog_name, x->arch->name);
}

static void explain_elf(struct expl *x, const struct bm_table *t,
			const struct shim_config *cfg, const char *cfgpath)
{
	const struct arch *h = arch_host();

	if (x->p.elf_err) {
		explain_damaged(x, t);
		return;
	}
	x->arch = x->p.ei.arch;
	if (!x->arch) {
		x->v = V_NO_HANDLER;
		set_text(x->reason, "no QEMU target runs %s (e_machine %u)",
			 elf_machine_str(x->p.ei.machine), x->p.ei.machine);
		set_text(x->fix, "build it for this host (%s)%s%s", h->name,
			 x->p.is_go ? "; for Go: GOARCH=" : "",
			 x->p.is_go ? host_goarch() : "");
		return;
	}
	if (x->arch == h || (arch_is_host_family(x->arch) && native_test(x->arch) == 1))
		x->runs_natively = true;
	if (x->runs_natively && !x->handler)
		explain_native(x);
	else if (!x->handler)
		explain_unhandled(x, t);
	else if (access(x->handler->interpreter, F_OK) < 0 &&
		 !strchr(x->handler->flags, 'F')) {
		x->v = V_BROKEN;
		set_text(x->reason, "the entry %s picks it, but its interpreter %s is "
			 "missing", shown(x, x->handler->name),
			 shown(x, x->handler->interpreter));
		set_text(x->fix, "%s register --replace %s", prog_name, x->arch->name);
	} else if (binfmt_is_ours(x->handler->name)) {
		explain_ours(x, cfg, cfgpath);
	} else {
		explain_theirs(x);
	}
}

/*
 * The program a "#!/usr/bin/env ARG" script runs: the kernel passes the
 * rest of the #! line to env as one argument, so without -S the name is
 * all of it; with -S (--split-string) it is the first word that is not
 * NAME=VALUE (env(1)). cmd[] is "" when env's options say something else.
 */
static void env_command(const char *arg, char *cmd, size_t len)
{
	const char *p = arg;
	size_t w;

	cmd[0] = '\0';
	if (!strncmp(p, "-S", 2) || !strncmp(p, "--split-string", 14)) {
		p += p[1] == 'S' ? 2 : 14;
		if (*p == '=')
			p++;
		for (;;) {
			p += strspn(p, " \t");
			w = strcspn(p, " \t");
			if (!w)
				return;
			if (memchr(p, '=', w) == NULL)
				break;
			p += w;
		}
		if (*p == '-')
			return;
		snprintf(cmd, len, "%.*s", (int)w, p);
		return;
	}
	if (*p == '-')
		return;		/* other options: env decides, not this */
	snprintf(cmd, len, "%s", p);
}

/* Whether execvp(3) would find cmd, as env runs it: PATH (unset: glibc's
 * default /bin:/usr/bin), an empty entry being the current directory. */
static bool in_path(const char *cmd, char *searched, size_t slen)
{
	const char *path = getenv("PATH"), *p, *e;
	char cand[4096];

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0;
	if (!path)
		path = "/bin:/usr/bin";
	snprintf(searched, slen, "%s", path);
	for (p = path;; p = e + 1) {
		e = strchrnul(p, ':');
		snprintf(cand, sizeof(cand), "%.*s%s%s", (int)(e - p), p,
			 e > p ? "/" : "", cmd);
		if (access(cand, X_OK) == 0)
			return true;
		if (!*e)
			return false;
	}
}

/* A "#!/usr/bin/env PROG" script whose PROG env will not find. */
static void explain_env_script(struct expl *x)
{
	const struct format_info *fi = &x->p.fi;
	char cmd[512], searched[4096] = "";

	env_command(fi->script.arg, cmd, sizeof(cmd));
	if (!cmd[0] || in_path(cmd, searched, sizeof(searched)))
		return;
	x->v = V_BROKEN;
	if (strchr(cmd, '/'))
		set_text(x->reason, "a script for %s, whose program %s is "
			 "missing: running it fails (exit 127)",
			 shown(x, fi->script.interp), shown(x, cmd));
	else
		set_text(x->reason, "a script for %s, which finds no %s in "
			 "PATH (%s): running it fails (exit 127)",
			 shown(x, fi->script.interp), shown(x, cmd), shown(x, searched));
	set_text(x->fix, "install %s, or change the #! line of %s",
		 shown(x, cmd), shown(x, x->p.path));
}

/* A #! script: the kernel runs its interpreter, if it can. */
static void explain_script(struct expl *x)
{
	const struct format_info *fi = &x->p.fi;
	const char *base;

	if (fi->script.crlf) {
		x->v = V_BROKEN;
		set_text(x->reason, "its #! line ends in CRLF (Windows line endings): "
			 "the kernel looks for the interpreter '%s\\r', which "
			 "does not exist", shown(x, fi->script.interp));
		set_text(x->fix, "sed -i 's/\\r$//' %s (or dos2unix %s)", shown(x, x->p.path),
			 shown(x, x->p.path));
		return;
	}
	if (access(fi->script.interp, X_OK) < 0) {
		x->v = V_BROKEN;
		set_text(x->reason, "a script whose interpreter %s is %s",
			 shown(x, fi->script.interp), access(fi->script.interp, F_OK) < 0 ?
			 "missing" : "not executable");
		set_text(x->fix, "install %s, or change the #! line of %s",
			 shown(x, fi->script.interp), shown(x, x->p.path));
		return;
	}
	x->v = V_NATIVE;
	set_text(x->reason, "a script: the kernel runs %s%s%s with it",
		 shown(x, fi->script.interp), fi->script.arg[0] ? " " : "",
		 shown(x, fi->script.arg));
	base = strrchr(fi->script.interp, '/');
	base = base ? base + 1 : fi->script.interp;
	if (!strcmp(base, "env"))
		explain_env_script(x);
}

static void explain_other(struct expl *x)
{
	const struct format_info *fi = &x->p.fi;
	const char *go = x->p.is_go ? x->p.gi.goos : "";

	if (x->handler) {
		x->v = V_EMULATED;
		snprintf(x->emulator, sizeof(x->emulator), "%s", x->handler->interpreter);
		set_text(x->reason, "the kernel runs it with %s (entry %s)",
			 shown(x, x->handler->interpreter), shown(x, x->handler->name));
		return;
	}
	x->v = V_NO_HANDLER;
	switch (fi->format) {
	case FMT_MACHO:
		set_text(x->reason, "%s: built for macOS%s%s%s, Linux cannot run it",
			 shown(x, x->p.desc), x->p.is_go ? " (GOOS=" : "", shown(x, go),
			 x->p.is_go ? ")" : "");
		set_text(x->fix, "build it for Linux%s%s", x->p.is_go ? ": GOOS=linux GOARCH=" : "",
			 x->p.is_go ? host_goarch() : "");
		break;
	case FMT_PE:
		set_text(x->reason, "%s%s%s%s, Linux cannot run it", shown(x, x->p.desc),
			 x->p.is_go ? " built with GOOS=" : "", shown(x, go),
			 x->p.is_go ? "" : "");
		set_text(x->fix, "build it for Linux%s%s, or run it with wine",
			 x->p.is_go ? ": GOOS=linux GOARCH=" : "",
			 x->p.is_go ? host_goarch() : "");
		break;
	case FMT_SCRIPT:
		explain_script(x);
		break;
	case FMT_JAVA:
		set_text(x->reason, "%s: a Java class file, not a program the kernel runs",
			 shown(x, x->p.desc));
		set_text(x->fix, "run it with java, or register a Java handler");
		break;
	case FMT_WASM:
		set_text(x->reason, "%s: a WebAssembly module", shown(x, x->p.desc));
		set_text(x->fix, "run it with a WebAssembly runtime (wasmtime, ...)");
		break;
	default:
		set_text(x->reason, "not a format the kernel runs (starts with %02x %02x "
			 "%02x %02x)", x->p.head[0], x->p.head[1], x->p.head[2],
			 x->p.head[3]);
		set_text(x->fix, "check what produced it: 'file %s'", shown(x, x->p.path));
		break;
	}
}

/* Whether the entry the kernel picks runs it inside a container or
 * chroot too (loader/pinstat.c): the F flag, and for ours a pinned file. */
static void explain_container(struct expl *x)
{
	struct pin_state *ps;

	if (!x->handler)
		return;
	ps = malloc(sizeof(*ps));
	if (!ps)
		return;
	pin_inspect(x->handler->interpreter, ps);
	x->ctr_ok = pin_container_ok(x->handler, ps, x->ctr_why, sizeof(x->ctr_why));
	free(ps);
}

static void explain_one(const char *path, const struct bm_table *t,
			const struct shim_config *cfg, const char *cfgpath,
			struct expl *x, bool term)
{
	struct stat st;
	int w;

	memset(x, 0, sizeof(*x));
	x->term = term;
	if (probe_file(path, &x->p) < 0) {
		x->v = V_BROKEN;
		set_text(x->reason, "cannot read it: %s", strerror(-x->p.err));
		set_text(x->fix, "check the path and its permissions");
		return;
	}
	w = t->enabled ? binfmt_match(t->e, t->n, path, x->p.head, x->p.head_len) : -1;
	x->handler = w >= 0 ? &t->e[w] : NULL;
	if (x->p.is_elf)
		explain_elf(x, t, cfg, cfgpath);
	else
		explain_other(x);
	explain_container(x);
	if (x->v <= V_EMULATED && stat(path, &st) == 0 &&
	    !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
		x->v = V_BROKEN;
		set_text(x->reason, "it is not executable (mode %03o)", st.st_mode & 0777);
		set_text(x->fix, "chmod +x %s", shown(x, path));
	}
}

/* Every field escaped (T); reason and fix hold escaped fields already
 * (D) and go through the escaper once more as a net (t_text). */
static void print_text(const struct expl *x)
{
	printf("%s\n  what:     %s\n", T(x->p.path),
	       x->p.desc[0] ? T(x->p.desc) : "unreadable");
	if (x->p.is_go)
		printf("  go:       %s GOOS=%s GOARCH=%s\n", T(x->p.gi.version),
		       T(x->p.gi.goos), T(x->p.gi.goarch));
	printf("  host:     %s%s\n", arch_host()->name,
	       x->arch ? (x->runs_natively ? " (runs it natively)" : " (foreign)") : "");
	if (x->handler)
		printf("  handler:  %s (%s, flags %s)\n", T(x->handler->name),
		       T(x->handler->interpreter),
		       x->handler->flags[0] ? T(x->handler->flags) : "-");
	else
		printf("  handler:  none\n");
	if (x->handler && x->ctr_why[0])
		printf("  containers: %s: %s\n", x->ctr_ok ? "yes" : "no", T(x->ctr_why));
	if (x->emulator[0])
		printf("  emulator: %s%s%s\n", T(x->emulator),
		       x->sysroot[0] ? "  sysroot: " : "", T(x->sysroot));
	printf("  verdict:  %s: ", verdict_names[x->v]);
	t_text(stdout, x->reason, strlen(x->reason));
	putchar('\n');
	if (x->fix[0]) {
		printf("  fix:      ");
		t_text(stdout, x->fix, strlen(x->fix));
		putchar('\n');
	}
}

static void print_json(struct json_writer *w, const struct expl *x)
{
	const struct elf_info *ei = &x->p.ei;
	char flags[16];

	jw_object_begin(w);
	jw_kv_string(w, "path", x->p.path);
	jw_kv_string(w, "format", x->p.err ? "unknown" : format_name(x->p.fi.format));
	jw_kv_string(w, "description", x->p.desc);
	jw_kv_string(w, "arch", x->arch ? x->arch->name : NULL);
	jw_kv_string(w, "host_arch", arch_host()->name);
	jw_kv_bool(w, "native", x->runs_natively);
	if (x->p.is_elf && !x->p.elf_err) {
		snprintf(flags, sizeof(flags), "0x%x", ei->flags);
		jw_key(w, "elf");
		jw_object_begin(w);
		jw_kv_string(w, "class", elf_class_str(ei->elf_class));
		jw_kv_string(w, "data", elf_data_str(ei->elf_data));
		jw_kv_string(w, "machine", elf_machine_str(ei->machine));
		jw_kv_string(w, "type", elf_type_str(ei->type));
		jw_kv_string(w, "flags", flags);
		jw_kv_string(w, "interp", ei->has_interp ? ei->interp : NULL);
		jw_kv_string(w, "abi", ei->abi);
		jw_kv_string(w, "link", elf_link_str(ei->link));
		jw_object_end(w);
	} else {
		jw_kv_null(w, "elf");
	}
	if (x->p.is_go) {
		jw_key(w, "go");
		jw_object_begin(w);
		jw_kv_string(w, "version", x->p.gi.version);
		jw_kv_string(w, "goos", x->p.gi.goos);
		jw_kv_string(w, "goarch", x->p.gi.goarch);
		jw_object_end(w);
	} else {
		jw_kv_null(w, "go");
	}
	if (x->handler) {
		jw_key(w, "handler");
		jw_object_begin(w);
		jw_kv_string(w, "name", x->handler->name);
		jw_kv_string(w, "interpreter", x->handler->interpreter);
		jw_kv_string(w, "flags", x->handler->flags);
		jw_object_end(w);
	} else {
		jw_kv_null(w, "handler");
	}
	if (x->handler && x->ctr_why[0]) {
		jw_key(w, "containers");
		jw_object_begin(w);
		jw_kv_bool(w, "works", x->ctr_ok);
		jw_kv_string(w, "why", x->ctr_why);
		jw_object_end(w);
	} else {
		jw_kv_null(w, "containers");
	}
	jw_kv_string(w, "emulator", x->emulator[0] ? x->emulator : NULL);
	jw_kv_string(w, "sysroot", x->sysroot[0] ? x->sysroot : NULL);
	jw_kv_string(w, "verdict", verdict_names[x->v]);
	jw_kv_string(w, "reason", x->reason);
	jw_kv_string(w, "fix", x->fix[0] ? x->fix : NULL);
	jw_object_end(w);
}

int cmd_explain(const struct cli *c)
{
	bool json = c->opts & OPT_JSON;
	struct shim_config *cfg = malloc(sizeof(*cfg));
	struct expl *x = malloc(sizeof(*x));
	char cfgpath[1024];
	struct bm_table t;
	struct jdoc d;
	int i, err, bad = 0;

	if (!cfg || !x) {
		free(cfg);
		free(x);
		return EXIT_USAGE;
	}
	err = bm_read_table(&t);
	if (err) {
		err_msg("explain: reading " BM_DIR ": %s", strerror(-err));
		free(cfg);
		free(x);
		return EXIT_USAGE;
	}
	load_shim_config(cfg, cfgpath, sizeof(cfgpath));
	if (json) {
		jdoc_init(&d);
		if (c->nargs > 1)
			jw_array_begin(&d.w);
	}
	for (i = 0; i < c->nargs; i++) {
		explain_one(c->args[i], &t, cfg, cfgpath, x, !json);
		bad += x->v >= V_NO_HANDLER;
		if (json) {
			print_json(&d.w, x);
		} else {
			if (i)
				putchar('\n');
			print_text(x);
		}
	}
	if (json) {
		if (c->nargs > 1)
			jw_array_end(&d.w);
		if (jdoc_print(&d, stdout) < 0)
			err_msg("explain: the JSON output did not fit");
		jdoc_free(&d);
	}
	if (!json && !t.mounted)
		note_msg("note: binfmt_misc is not mounted here: only native "
			 "binaries and scripts run");
	bm_table_free(&t);
	free(cfg);
	free(x);
	return bad ? EXIT_CHECK : EXIT_OK;
}
