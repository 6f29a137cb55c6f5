// SPDX-License-Identifier: GPL-2.0
/*
 * Words for the user: the reason and the fix (also written to the record)
 * and the diagnostic on stderr. Each failure names the file and what it
 * is, the host, the precise reason and one concrete fix.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfix.h"
#include "shim.h"
#include "termsafe.h"

/* The record's reason and the diagnostic's fix: which one say() writes. */
enum sentence { REASON, FIX };

static void __attribute__((format(printf, 3, 4)))
say(struct shim *s, enum sentence which, const char *fmt, ...)
{
	char *buf = which == REASON ? s->reason : s->fix;
	size_t cap = which == REASON ? sizeof(s->reason) : sizeof(s->fix);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}

/* The config file a fix names: the system's, or the caller's where the
 * system lets it replace the settings ([users] override). */
static const char *fix_file(const struct shim *s)
{
	return s->cfg.users_override && s->uconfig_path ? s->uconfig_path : s->config_path;
}

/* The config file that has the emulator = line, else the one a fix names. */
static const char *emulator_file(const struct shim *s)
{
	return s->route.emulator_configured && s->route.emulator_user ?
	       s->uconfig_path : fix_file(s);
}

static const char *arch_name(const struct shim *s)
{
	return s->arch ? s->arch->name : "?";
}

static const char *host_name(void)
{
	return arch_host() ? arch_host()->name : "unknown";
}

static void go_hint(struct shim *s)
{
	const char *goarch = arch_goarch(arch_host());
	size_t n = strlen(s->fix);

	if (!s->go.found || !goarch)
		return;
	snprintf(s->fix + n, sizeof(s->fix) - n,
		 "; or build the Go binary for this host: GOARCH=%s go test "
		 "(go env GOARCH shows what go builds for by default)", goarch);
}

/*
 * The reason (and, for a failure, the fix) for each shim_why, in its
 * order: one function each, called from the table below.
 */
static void emulated(struct shim *s)
{
	say(s, REASON, "%s", s->route.needs_sysroot ? "emulated, loader from the sysroot"
						    : "emulated");
}

static void usage(struct shim *s)
{
	say(s, REASON, "no binary given: the shim is started by the kernel through binfmt_misc");
	say(s, FIX, "register it: binfmt-shim register");
}

static void unreadable(struct shim *s)
{
	say(s, REASON, "cannot read the binary: %s", strerror(s->err));
	say(s, FIX, "%s", s->err == EACCES ? "an execute-only file: register with the O flag "
					     "(binfmt-shim register --flags FPO), so the kernel opens it"
					   : "check the path and its permissions");
}

static void not_elf(struct shim *s)
{
	const char *goarch = arch_goarch(arch_host());

	switch (s->fmt.format) {
	case FMT_MACHO:
		say(s, REASON, "not a Linux program: %s, built for macOS (GOOS=darwin)", s->describe);
		say(s, FIX, "rebuild it for Linux: GOOS=linux GOARCH=%s", goarch ? goarch : "<arch>");
		break;
	case FMT_PE:
		say(s, REASON, "not a Linux program: %s, a Windows program", s->describe);
		say(s, FIX, "rebuild it for Linux (GOOS=linux GOARCH=%s), or run it with wine",
		    goarch ? goarch : "<arch>");
		break;
	default:
		say(s, REASON, "not an ELF file: %s", s->describe);
		say(s, FIX, "check the file with: binfmt-shim explain %s", s->path);
		break;
	}
}

static void corrupt(struct shim *s)
{
	say(s, REASON, "a corrupt ELF file: %s", elf_reason_str(s->elf.reason));
	say(s, FIX, "the file is damaged (a truncated copy or download?): rebuild or fetch it again");
}

static void no_target(struct shim *s)
{
	if (s->elf.x32) {
		say(s, REASON, "an x32 binary (ILP32 on x86-64): QEMU has no x32 target");
		say(s, FIX, "run it on a kernel with CONFIG_X86_X32_ABI=y, or rebuild it for x86_64");
	} else {
		say(s, REASON, "no QEMU target runs ELF machine %u (%s)", s->elf.machine,
		    elf_machine_str(s->elf.machine));
		say(s, FIX, "rebuild it for %s", host_name());
	}
}

static void host_arch(struct shim *s)
{
	say(s, REASON, "built for this host's own architecture (%s), but the kernel's ELF "
	    "loader refused it", host_name());
	say(s, FIX, "inspect it: binfmt-shim explain %s", s->path);
}

static void compat_off(struct shim *s)
{
	char emu[64];
	size_t n;

	if (s->route.emulator_configured)
		snprintf(emu, sizeof(emu), "the configured emulator does not exist");
	else
		snprintf(emu, sizeof(emu), "no qemu-%s is installed", s->arch->name);
	if (strcmp(s->arch->family, "x86") == 0) {
		say(s, REASON, "an %s binary: this %s host should run it natively, but the kernel "
		    "refused it (IA32 emulation is off or not built in) and %s",
		    s->arch->name, host_name(), emu);
		say(s, FIX, "boot with ia32_emulation=1 (CONFIG_IA32_EMULATION=y), or ");
	} else {
		say(s, REASON, "an %s binary: this %s host may run it natively, but the kernel "
		    "refused it (no 32-bit compat support) and %s", s->arch->name,
		    host_name(), emu);
		say(s, FIX, "use a kernel with CONFIG_COMPAT=y on a CPU with 32-bit support, or ");
	}
	n = strlen(s->fix);
	hostfix_no_emulator(s->arch, &s->route, emulator_file(s), shim_fs_stat, NULL,
			    s->fix + n, sizeof(s->fix) - n);
}

static void denied(struct shim *s)
{
	const char *cfg = fix_file(s), *name = arch_name(s);

	say(s, REASON, "policy = deny for %s (%s:%u)", name,
	    s->route.policy_user ? s->uconfig_path : cfg, s->route.policy_line);
	if (s->route.policy_user && !s->cfg.users_override)
		say(s, FIX, "remove policy = deny from [arch.%s] of %s", name, s->uconfig_path);
	else
		say(s, FIX, "set policy = allow in [arch.%s] of %s", name, cfg);
}

static void no_emulator(struct shim *s)
{
	if (s->route.emulator_configured)
		say(s, REASON, "the configured emulator %s does not exist (emulator = in "
		    "[arch.%s] of %s)", s->route.emulator, arch_name(s),
		    s->route.emulator_user ? s->uconfig_path : fix_file(s));
	else
		say(s, REASON, "no qemu-%s emulator is installed (looked for %s)", arch_name(s),
		    s->route.searched);
	hostfix_no_emulator(s->arch, &s->route, emulator_file(s), shim_fs_stat,
			    NULL, s->fix, sizeof(s->fix));
	go_hint(s);
}

static void emulator_outside(struct shim *s)
{
	say(s, REASON, "the emulator %s exists outside this chroot or container but not "
	    "inside it (the F flag pins only the shim)", s->host_emulator);
	say(s, FIX, "bind it in: mount --bind %s <root>%s (or copy it in), or set "
	    "emulator = in [arch.%s] of %s", s->host_emulator, s->host_emulator,
	    arch_name(s), fix_file(s));
}

static void emulator_noexec(struct shim *s)
{
	if (s->emu.map_err && s->err == ENOENT) {
		/* The pinned emulator could not be mapped, and its host
		 * path, the fallback, is not there (a container). */
		say(s, REASON, "the emulator pinned with the shim could not be mapped (%s), and "
		    "%s, which the shim would exec instead, is %s",
		    strerror(s->emu.map_err), s->route.emulator,
		    s->emu.foreign_root ? "not in this chroot or container" : "missing");
		say(s, FIX, "%sbind the host's emulator in: mount --bind %s <root>%s",
		    s->emu.map_err == ENOMEM ? "raise the address-space limit "
		    "(ulimit -v) the emulator runs under, or " : "",
		    s->route.emulator, s->route.emulator);
		return;
	}
	say(s, REASON, "the emulator %s exists but cannot be executed: %s", s->route.emulator,
	    strerror(s->err));
	say(s, FIX, "chmod +x %s (and check that its file system is not mounted noexec), "
	    "or set emulator = in [arch.%s] of %s", s->route.emulator, arch_name(s),
	    fix_file(s));
}

static void no_sysroot(struct shim *s)
{
	/* The full path is in the record; 512 bytes say enough here. */
	say(s, REASON, "dynamically linked: its loader %.512s is neither on this host nor "
	    "in a sysroot (looked in %s)", s->elf.interp, s->route.sysroot_searched);
	hostfix_no_sysroot(s->arch, &s->elf, fix_file(s), shim_fs_stat, NULL, s->fix,
			   sizeof(s->fix));
	go_hint(s);
}

static void log_failed(struct shim *s)
{
	say(s, REASON, "no record could be written (%s) and [log] on_failure = deny",
	    s->sink_error);
	/* Never "make the log writable": a log every user may write is a
	 * log every user may forge or truncate. The collector's socket is
	 * open to all and it vouches for the sender. */
	say(s, FIX, "run the collector, whose socket every user may use: "
	    "systemctl enable --now binfmt-shimd.socket (and [log] socket "
	    "in %s must not be none); or set on_failure = allow there", fix_file(s));
}

static void no_proc(struct shim *s)
{
	say(s, REASON, "a setuid or setgid %s binary (a secure exec) is handed to the emulator "
	    "only by the file the kernel opened, as /proc/self/fd/%d, and /proc "
	    "is not mounted here", arch_name(s), s->fd);
	say(s, FIX, "mount /proc in this chroot or container (mount -t proc proc /proc)");
}

static void pinned_no_proc(struct shim *s)
{
	const char *name = arch_name(s);

	say(s, REASON, "no qemu-%s here, and /proc is not mounted, so the shim cannot read "
	    "the emulator that `binfmt-shim register` pins with it "
	    "(/proc/self/exe: %s)", name, strerror(s->err));
	say(s, FIX, "mount /proc in this chroot or container (mount -t proc proc /proc), "
	    "or bind the host's emulator in: mount --bind /usr/bin/qemu-%s-static "
	    "<root>/usr/bin/qemu-%s-static", name, name);
}

static void pinned_bad(struct shim *s)
{
	say(s, REASON, "the registered interpreter carries an emulator for %s that cannot be "
	    "used: %s", arch_name(s), s->emu.pinned_error);
	say(s, FIX, "register again as root: binfmt-shim register %s", arch_name(s));
}

static void (*const explain[])(struct shim *s) = {
	[WHY_NONE] = emulated,			[WHY_USAGE] = usage,
	[WHY_UNREADABLE] = unreadable,		[WHY_NOT_ELF] = not_elf,
	[WHY_CORRUPT] = corrupt,		[WHY_NO_TARGET] = no_target,
	[WHY_HOST_ARCH] = host_arch,		[WHY_COMPAT_OFF] = compat_off,
	[WHY_DENIED] = denied,			[WHY_NO_EMULATOR] = no_emulator,
	[WHY_EMULATOR_OUTSIDE] = emulator_outside, [WHY_EMULATOR_NOEXEC] = emulator_noexec,
	[WHY_NO_SYSROOT] = no_sysroot,		[WHY_LOG_FAILED] = log_failed,
	[WHY_NO_PROC] = no_proc,		[WHY_PINNED_NO_PROC] = pinned_no_proc,
	[WHY_PINNED_BAD] = pinned_bad,
};

void shim_explain(struct shim *s)
{
	explain[s->why](s);
}

/* The diagnostic under construction: text appended, never past its end. */
struct diag_buf {
	char *p;
	size_t cap, len;
};

static void add(struct diag_buf *b, const char *text)
{
	size_t n = strlen(text);

	if (n > b->cap - 1 - b->len)
		n = b->cap - 1 - b->len;
	memcpy(b->p + b->len, text, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* A field: the path, the file's own bytes (its PT_INTERP, its Go build
 * info) and the sentences made with them go to a terminal escaped
 * (lib/termsafe.h), each on its one line. */
static void add_safe(struct diag_buf *b, const char *field)
{
	b->len += ts_escape(field, strlen(field), 0, b->p + b->len, b->cap - b->len);
}

void shim_diagnose(const struct shim *s)
{
	/* The worst case: every byte of path, reason and fix escaped as
	 * \xNN (lib/termsafe.h's TS_GROWTH). Only the failure path touches
	 * it, and .bss costs nothing until touched. */
	static char msg[TS_GROWTH * (PATH_MAX + sizeof(s->reason) + sizeof(s->fix) +
				     sizeof(s->describe) + 256) + 256];
	struct diag_buf b = { msg, sizeof(msg), 0 };

	add(&b, "binfmt-shim: cannot run ");
	add_safe(&b, s->path ? s->path : "(no binary)");
	add(&b, ": ");
	add_safe(&b, s->reason);
	add(&b, "\n  file:   ");
	add_safe(&b, s->describe[0] ? s->describe : "-");
	if (s->go.found) {
		add(&b, "\n  go:     ");
		add_safe(&b, s->go.version[0] ? s->go.version : "unknown version");
		add(&b, ", GOOS=");
		add_safe(&b, s->go.goos[0] ? s->go.goos : "?");
		add(&b, " GOARCH=");
		add_safe(&b, s->go.goarch[0] ? s->go.goarch : "?");
		if (s->go.goarm[0]) {
			add(&b, " GOARM=");
			add_safe(&b, s->go.goarm);
		}
	}
	add(&b, "\n  host:   ");
	add(&b, host_name());
	add(&b, "\n  fix:    ");
	add_safe(&b, s->fix);
	add(&b, "\n");
	/* One write, so the diagnostic never mixes with other output. */
	(void)!write(2, msg, b.len);
}

static void warn_file(const char *file, int rc, const struct shim_config *c)
{
	/* The config's path (BINFMT_SHIM_CONFIG) and its errors, which may
	 * quote the file: escaped like every field of the diagnostic. */
	static char path[TS_GROWTH * PATH_MAX + 1], msg[TS_GROWTH * 160 + 1];
	size_t i;

	if (rc == -ENOENT || rc == 0)
		return;
	ts_escape(file, strlen(file), 0, path, sizeof(path));
	if (rc != -EINVAL) {
		dprintf(2, "binfmt-shim: %s: %s; using the defaults\n", path, strerror(-rc));
		return;
	}
	for (i = 0; i < c->nerrors && i < CONFIG_MAX_ERRORS; i++) {
		ts_escape(c->errors[i].msg, strlen(c->errors[i].msg), 0, msg, sizeof(msg));
		dprintf(2, "binfmt-shim: %s:%u: %s; line ignored\n", path,
			c->errors[i].line, msg);
	}
	if (c->nerrors > CONFIG_MAX_ERRORS)
		dprintf(2, "binfmt-shim: %s: %zu more errors\n", path,
			c->nerrors - CONFIG_MAX_ERRORS);
}

void shim_warn_config(const struct shim *s)
{
	warn_file(s->config_path, s->config_rc, &s->cfg);
	if (s->uconfig_path)
		warn_file(s->uconfig_path, s->uconfig_rc, &s->ucfg);
}
