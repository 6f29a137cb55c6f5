// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim exec [--arch A]... [--log PATH] [--config FILE] -- CMD [ARGS]
 *
 * CMD, and everything it starts, runs in a new user + mount namespace
 * whose binfmt_misc instance (Linux >= 6.7: one per user namespace, see
 * fs/binfmt_misc.c load_binfmt_misc) has the shim registered for every
 * foreign arch. No root is needed and the host's registrations are not
 * touched: the instance is this namespace's, and once it exists the
 * kernel no longer consults the host's (load_binfmt_misc stops at the
 * first user namespace that has one).
 *
 * CMD sees the caller's own uid and gid, not root: files the build writes
 * belong to the caller, and `id` inside says who the caller is. That takes
 * two user namespaces:
 *   1. the first maps root onto the caller ("0 U 1") and owns the new mount
 *      namespace; there binfmt_misc is mounted and the shim registered.
 *      Mapping the caller's own uid here ("U U 1") is not enough, though
 *      the creator holds every capability in it: the instance's files
 *      belong to the namespace's root (mode 0200 for register), and with
 *      root unmapped no capability overrides that (capable_wrt_inode_uidgid
 *      wants the owner mapped), so the register write fails with EACCES;
 *   2. a child of it, sharing the mount namespace, maps "U 0 1": the
 *      caller's uid again, standing for the first one's root, which is the
 *      caller outside. The kernel keeps looking up binfmt_misc in the
 *      parent (load_binfmt_misc walks up to the first namespace that has
 *      an instance), so the registrations apply to everything CMD starts.
 * CMD holds no capability in the first namespace, so it can neither mount
 * nor unmount there; as the owner of the instance's files (it is the
 * caller) it could change the registrations, as the caller could in a
 * namespace of their own anyway: the instance is the caller's, never the
 * host's. The execve of CMD drops the capabilities of the second
 * namespace, since a non-root uid keeps none across execve
 * (capabilities(7), "Transformation of capabilities during execve").
 *
 * No fork: this process becomes CMD (execvp after the setup), so CMD has
 * our PID, the terminal, stdio and every signal sent to us, and its exit
 * status is ours.
 *
 * The shim inside reads the system config as it always does (the host's
 * /etc/binfmt-shim/shim.conf decides: docs/design.md "Who decides"), so
 * the system record goes where it says, the collector first, with the
 * caller's real uid (the mapping is the identity). --log (else the
 * caller's BINFMT_SHIM_LOG, else the per-user file) becomes
 * BINFMT_SHIM_LOG, the caller's copy; --config becomes BINFMT_SHIM_CONFIG,
 * which may only add denies. BINFMT_SHIM_VIA=exec labels the records.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "nsprobe.h"
#include "rootless.h"

struct exec_args {
	bool *sel;		/* arch_count: the arches named */
	bool named;
	const char *log, *config, *shim;
	bool check;
	char **cmd;
};

static void exec_usage(FILE *f)
{
	char log[PATH_MAX];

	if (user_log_default(log, sizeof(log)))
		snprintf(log, sizeof(log), "$HOME/" CONFIG_USER_STATE_HOME "/" CONFIG_USER_LOG_NAME);
	fprintf(f,
		"usage: %s exec [--arch A]... [--log PATH] [--config FILE] [--shim PATH] -- CMD [ARGS]\n"
		"       %s exec --check\n\n"
		"Run CMD and everything it starts in a new user + mount namespace with a\n"
		"private binfmt_misc (Linux >= 6.7) that has the shim registered for every\n"
		"foreign arch, or for the ones named. No root; the host's registrations are\n"
		"untouched; CMD runs as you (your uid and gid), with your terminal, and its\n"
		"exit status is returned (125: exec itself failed).\n"
		"  --arch A      register only A (repeatable; QEMU name or alias). Other\n"
		"                foreign arches then have no handler inside.\n"
		"  --log PATH    your copy of the records (default: $BINFMT_SHIM_LOG, else\n"
		"                %s,\n"
		"                which '%s log' reads); the system record still goes where\n"
		"                /etc/binfmt-shim/shim.conf says\n"
		"  --config FILE your config: may add denies, emulators, sysroots\n"
		"                (BINFMT_SHIM_CONFIG)\n"
		"  --shim PATH   the interpreter (default: installed beside this program)\n"
		"  --check       only test whether the namespace can be made here; say\n"
		"                why not (exit 125)\n",
		prog_name, prog_name, log, prog_name);
}

/* A path the shim can open from any directory CMD changes to. */
static const char *absolute(const char *p, char *buf, size_t len)
{
	char cwd[PATH_MAX];
	size_t n, m = strlen(p);

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return p;
	n = strlen(cwd);
	if (n + 1 + m + 1 > len)
		return p;
	memcpy(buf, cwd, n);
	buf[n] = '/';
	memcpy(buf + n + 1, p, m + 1);
	return buf;
}

static int parse(const struct cli *c, struct exec_args *a)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "log", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "shim", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct arch *arch;
	int ch;

	optind = 1;
	opterr = 0;
	/* "+": CMD's own options are CMD's. */
	while ((ch = getopt_long(c->nargs, c->args, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			arch = arch_by_name(optarg);
			if (!arch) {
				err_msg("exec: unknown arch '%s'; '%s arches' lists them",
					optarg, prog_name);
				return EXIT_USAGE;
			}
			a->sel[arch - arch_table] = true;
			a->named = true;
			break;
		case 'l':
			a->log = optarg;
			break;
		case 'c':
			a->config = optarg;
			break;
		case 's':
			a->shim = optarg;
			break;
		case 'k':
			a->check = true;
			break;
		case 'h':
			exec_usage(stdout);
			return EXIT_OK;
		default:
			err_msg("exec: unknown option or missing value '%s'; see '%s exec --help'",
				c->args[optind - 1], prog_name);
			return EXIT_USAGE;
		}
	}
	a->cmd = c->args + optind;
	if (!a->check && optind >= c->nargs) {
		err_msg("exec: no command; usage: %s exec [OPTIONS] -- CMD [ARGS]", prog_name);
		return EXIT_USAGE;
	}
	return -1;
}

/* Register the shim for every selected (or every foreign) arch in the
 * fresh instance. The host's own arch is never registered; one of its
 * family (i386 on x86_64) only when the host cannot run it itself, which
 * native_test tells while the instance is still empty. */
static int register_all(const struct exec_args *a, const char *shim)
{
	struct binfmt_entry ents[BINFMT_ENTRIES_MAX];
	size_t i;
	int n, k, err;

	for (i = 0; i < arch_count; i++) {
		const struct arch *arch = &arch_table[i];

		if (a->named ? !a->sel[i] : arch == arch_host())
			continue;
		if (arch == arch_host()) {
			warn_msg("exec: %s is this host's own arch: not registered", arch->name);
			continue;
		}
		if (!a->named && arch_is_host_family(arch) && native_test(arch) != 0)
			continue;	/* native, or cannot tell: the kernel runs it */
		n = our_entries(arch, shim, "FP", ents, BINFMT_ENTRIES_MAX);
		if (n < 0) {
			err_msg("exec: cannot build the entry for %s: %s", arch->name,
				strerror(-n));
			return n;
		}
		for (k = 0; k < n; k++) {
			err = bm_write_register(&ents[k]);
			if (err) {
				err_msg("exec: registering %s in the private binfmt_misc: %s",
					ents[k].name, strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

static void diagnose(const struct ns_facts *f, char *buf, size_t len)
{
	/* The program's own words, numbers and strerror: nothing from
	 * outside that the terminal escaper must see. */
	ns_diagnostic(f, buf, len);
	fprintf(stderr, "%s: exec: %s", prog_name, buf);
}

int cmd_exec(const struct cli *c)
{
	struct exec_args a = { .sel = calloc(arch_count, sizeof(bool)) };
	char shim[PATH_MAX], why[512], logbuf[PATH_MAX], abslog[PATH_MAX], abscfg[PATH_MAX];
	char diag[2048];
	struct ns_facts f;
	const char *log;
	uid_t uid = getuid();
	gid_t gid = getgid();
	int rc;

	if (!a.sel)
		return EXIT_EXEC_FAILED;
	rc = parse(c, &a);
	if (rc >= 0)
		goto out;
	rc = EXIT_EXEC_FAILED;
	if (!a.check) {
		if (a.shim)
			snprintf(shim, sizeof(shim), "%s", a.shim);
		else if (default_shim(shim, sizeof(shim)) < 0) {
			err_msg("exec: no shim at %s; install it (make install) or pass "
				"--shim PATH", shim);
			goto out;
		}
		/* F pins the file at registration: it must be a static program. */
		if (check_static_exec(shim, why, sizeof(why)) < 0) {
			err_msg("exec: refusing the interpreter %s: %s", shim, why);
			goto out;
		}
		log = a.log ? a.log : getenv("BINFMT_SHIM_LOG");
		if (!log || !*log) {
			if (user_log_default(logbuf, sizeof(logbuf))) {
				err_msg("exec: no HOME to keep your records in; pass --log PATH");
				goto out;
			}
			log = logbuf;
		}
		log = absolute(log, abslog, sizeof(abslog));
		if (a.config)
			a.config = absolute(a.config, abscfg, sizeof(abscfg));
	}
	if (ns_private_binfmt(0, 0, &f)) {
		diagnose(&f, diag, sizeof(diag));
		goto out;
	}
	if (a.check) {
		rc = EXIT_OK;
		goto out;
	}
	if (register_all(&a, shim))
		goto out;
	if (ns_be_caller(uid, gid, &f)) {
		diagnose(&f, diag, sizeof(diag));
		goto out;
	}
	if (setenv("BINFMT_SHIM_VIA", "exec", 1) || setenv("BINFMT_SHIM_LOG", log, 1) ||
	    (a.config && setenv("BINFMT_SHIM_CONFIG", a.config, 1))) {
		err_msg("exec: setting the environment: %s", strerror(errno));
		goto out;
	}
	fflush(stdout);
	execvp(a.cmd[0], a.cmd);
	rc = errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
	err_msg("exec: %s: %s", T(a.cmd[0]), strerror(errno));
out:
	free(a.sel);
	return rc;
}
