// SPDX-License-Identifier: GPL-2.0
/*
 * Words for the user: the reason and the fix (also written to the record)
 * and the diagnostic on stderr. Each failure names the file and what it
 * is, the host, the precise reason and one concrete fix.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

#define R(...) snprintf(s->reason, sizeof(s->reason), __VA_ARGS__)
#define F(...) snprintf(s->fix, sizeof(s->fix), __VA_ARGS__)

static const char *host_name(void)
{
	return arch_host() ? arch_host()->name : "unknown";
}

static void not_elf(struct shim *s)
{
	const char *goarch = arch_goarch(arch_host());

	switch (s->fmt.format) {
	case FMT_MACHO:
		R("not a Linux program: %s, built for macOS (GOOS=darwin)", s->describe);
		F("rebuild it for Linux: GOOS=linux GOARCH=%s", goarch ? goarch : "<arch>");
		break;
	case FMT_PE:
		R("not a Linux program: %s, a Windows program", s->describe);
		F("rebuild it for Linux (GOOS=linux GOARCH=%s), or run it with wine",
		  goarch ? goarch : "<arch>");
		break;
	default:
		R("not an ELF file: %s", s->describe);
		F("check the file with: binfmt-shim explain %s", s->path);
		break;
	}
}

static void compat_off(struct shim *s)
{
	if (strcmp(s->arch->family, "x86") == 0) {
		R("an %s binary: this %s host should run it natively, but the kernel "
		  "refused it (IA32 emulation is off or not built in) and no "
		  "qemu-%s is installed", s->arch->name, host_name(), s->arch->name);
		F("boot with ia32_emulation=1 (CONFIG_IA32_EMULATION=y), or "
		  "apt-get install qemu-user-static");
	} else {
		R("an %s binary: this %s host may run it natively, but the kernel "
		  "refused it (no 32-bit compat support) and no qemu-%s is installed",
		  s->arch->name, host_name(), s->arch->name);
		F("use a kernel with CONFIG_COMPAT=y on a CPU with 32-bit support, or "
		  "apt-get install qemu-user-static");
	}
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

void shim_explain(struct shim *s)
{
	/* The file a fix should name: the system's, or the caller's where
	 * the system lets it replace the settings ([users] override). */
	const char *cfg = s->cfg.users_override && s->uconfig_path ? s->uconfig_path
								    : s->config_path;
	const char *name = s->arch ? s->arch->name : "?";
	char pkg[48];

	switch (s->why) {
	case WHY_NONE:
		R("%s", s->route.needs_sysroot ? "emulated, loader from the sysroot"
					       : "emulated");
		break;
	case WHY_USAGE:
		R("no binary given: the shim is started by the kernel through binfmt_misc");
		F("register it: binfmt-shim register");
		break;
	case WHY_UNREADABLE:
		R("cannot read the binary: %s", strerror(s->err));
		F(s->err == EACCES ? "an execute-only file: register with the O flag "
				 "(binfmt-shim register --flags FPO), so the kernel opens it"
			       : "check the path and its permissions");
		break;
	case WHY_NOT_ELF:
		not_elf(s);
		break;
	case WHY_CORRUPT:
		R("a corrupt ELF file: %s", elf_reason_str(s->elf.reason));
		F("the file is damaged (a truncated copy or download?): rebuild or fetch it again");
		break;
	case WHY_NO_TARGET:
		if (s->elf.x32) {
			R("an x32 binary (ILP32 on x86-64): QEMU has no x32 target");
			F("run it on a kernel with CONFIG_X86_X32_ABI=y, or rebuild it for x86_64");
		} else {
			R("no QEMU target runs ELF machine %u (%s)", s->elf.machine,
			  elf_machine_str(s->elf.machine));
			F("rebuild it for %s", host_name());
		}
		break;
	case WHY_HOST_ARCH:
		R("built for this host's own architecture (%s), but the kernel's ELF "
		  "loader refused it", host_name());
		F("inspect it: binfmt-shim explain %s", s->path);
		break;
	case WHY_COMPAT_OFF:
		compat_off(s);
		break;
	case WHY_DENIED:
		R("policy = deny for %s (%s:%u)", name,
		  s->route.policy_user ? s->uconfig_path : cfg, s->route.policy_line);
		F("set policy = allow in [arch.%s] of %s", name, cfg);
		break;
	case WHY_NO_EMULATOR:
		if (s->route.emulator_configured)
			R("the configured emulator %s does not exist (emulator = in "
			  "[arch.%s] of %s)", s->route.emulator, name, cfg);
		else
			R("no qemu-%s emulator is installed (looked for %s)", name,
			  s->route.searched);
		F("apt-get install qemu-user-static, or set emulator = /path/to/qemu-%s "
		  "in [arch.%s] of %s", name, name, cfg);
		go_hint(s);
		break;
	case WHY_EMULATOR_OUTSIDE:
		R("the emulator %s exists outside this chroot or container but not "
		  "inside it (the F flag pins only the shim)", s->host_emulator);
		F("bind it in: mount --bind %s <root>%s (or copy it in), or set "
		  "emulator = in [arch.%s] of %s", s->host_emulator, s->host_emulator,
		  name, cfg);
		break;
	case WHY_EMULATOR_NOEXEC:
		R("the emulator %s exists but cannot be executed: %s", s->route.emulator,
		  strerror(s->err));
		F("chmod +x %s (and check that its file system is not mounted noexec), "
		  "or set emulator = in [arch.%s] of %s", s->route.emulator, name, cfg);
		break;
	case WHY_NO_SYSROOT:
		route_libc_package(s->arch, &s->elf, pkg, sizeof(pkg));
		/* The full path is in the record; 512 bytes say enough here. */
		R("dynamically linked: its loader %.512s is neither on this host nor "
		  "in a sysroot (looked in %s)", s->elf.interp, s->route.sysroot_searched);
		if (pkg[0])
			F("apt-get install %s, or set sysroot = /path in [arch.%s] of %s",
			  pkg, name, cfg);
		else
			F("set sysroot = /path/to/%s/root in [arch.%s] of %s", name, name, cfg);
		go_hint(s);
		break;
	case WHY_LOG_FAILED:
		R("no record could be written (%s) and [log] on_failure = deny",
		  s->sink_error);
		F("make %s writable for this user, or start a syslog daemon on "
		  "/dev/log, or set on_failure = allow in %s", s->log_path, cfg);
		break;
	case WHY_NO_PROC:
		R("a setuid or setgid %s binary (a secure exec) is handed to the emulator "
		  "only by the file the kernel opened, as /proc/self/fd/%d, and /proc "
		  "is not mounted here", name, s->fd);
		F("mount /proc in this chroot or container (mount -t proc proc /proc)");
		break;
	}
}

void shim_diagnose(const struct shim *s)
{
	char go[160] = "";

	if (s->go.found)
		snprintf(go, sizeof(go), "  go:     %s, GOOS=%s GOARCH=%s%s%s\n",
			 s->go.version[0] ? s->go.version : "unknown version",
			 s->go.goos[0] ? s->go.goos : "?", s->go.goarch[0] ? s->go.goarch : "?",
			 s->go.goarm[0] ? " GOARM=" : "", s->go.goarm);
	static char msg[8192];
	int n;

	/* One write, so the diagnostic never mixes with other output. */
	n = snprintf(msg, sizeof(msg), "binfmt-shim: cannot run %s: %s\n"
		     "  file:   %s\n%s"
		     "  host:   %s\n"
		     "  fix:    %s\n",
		     s->path ? s->path : "(no binary)", s->reason,
		     s->describe[0] ? s->describe : "-", go, host_name(), s->fix);
	if (n > (int)sizeof(msg) - 1)
		n = (int)sizeof(msg) - 1;
	if (n > 0)
		(void)!write(2, msg, (size_t)n);
}

static void warn_file(const char *path, int rc, const struct shim_config *c)
{
	size_t i;

	if (rc == -ENOENT || rc == 0)
		return;
	if (rc != -EINVAL) {
		dprintf(2, "binfmt-shim: %s: %s; using the defaults\n", path, strerror(-rc));
		return;
	}
	for (i = 0; i < c->nerrors && i < CONFIG_MAX_ERRORS; i++)
		dprintf(2, "binfmt-shim: %s:%u: %s; line ignored\n", path,
			c->errors[i].line, c->errors[i].msg);
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
