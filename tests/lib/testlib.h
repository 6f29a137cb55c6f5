/* SPDX-License-Identifier: GPL-2.0 */
/* Shared helpers for the test programs: private binfmt_misc namespaces,
 * fixture paths, running commands. */
#ifndef BSHIM_TESTLIB_H
#define BSHIM_TESTLIB_H

#include <stddef.h>
#include <sys/types.h>

#define BINFMT_MNT "/proc/sys/fs/binfmt_misc"

/*
 * Move the calling process into a new user + mount namespace (root inside,
 * mapped to the caller's uid/gid), make mounts private and mount a private
 * binfmt_misc instance at BINFMT_MNT (Linux >= 6.7), and make the shim's
 * system paths private (tl_private_system, with TL_RIG_CONFIG). Call it from inside a
 * TEST (the harness forks each test, so nothing leaks). Returns 0, or
 * -errno with why[] saying what failed, for a SKIP with the reason.
 */
int tl_private_binfmt(char *why, size_t whylen);

/*
 * The system config tl_private_binfmt writes: the rig switch that lets the
 * tests' BINFMT_SHIM_CONFIG and BINFMT_SHIM_LOG replace the system
 * settings (docs/binfmt-shim.conf.5, [users]), and no collector socket
 * unless a test's own config names one. Tests of the defaults write their
 * own with tl_system_config().
 */
#define TL_RIG_CONFIG "[users]\noverride = yes\n[log]\nsocket = none\n"

/* Private /var/log, /var/tmp and /etc (an overlay) in this mount
 * namespace, with config (may be NULL) as /etc/binfmt-shim/shim.conf.
 * tl_private_binfmt calls it; tests of tl_full_userns call it themselves.
 * 0 or -errno with why[] set. */
int tl_private_system(const char *config, char *why, size_t whylen);

/* A private tmpfs on /tmp (in a private mount namespace), with the tree
 * under test bound back in when it lives in /tmp itself, as a CI clone
 * may. 0 or -errno. */
int tl_private_tmp(void);

/* Replace /etc/binfmt-shim/shim.conf (after tl_private_system). */
int tl_system_config(const char *text);

/*
 * Like tl_private_binfmt's first half, but with uids and gids 0..65535
 * mapped onto the same host ids (a helper still in the parent namespace
 * writes the maps), for tests that need a second uid: setuid files, per-uid
 * fairness. Only real root may map them: -EPERM then, why[] says so.
 * Mounts nothing. 0 or -errno.
 */
int tl_full_userns(char *why, size_t whylen);

/*
 * In a fixture's setup or a test (kselftest_harness.h), after a set-up
 * that returns 0, 1 with why[] for a SKIP (no namespaces, a missing
 * tool), or -errno with why[] on a real failure: SKIP or fail with why,
 * as CLI_OR_SKIP (tests/integration/test_loader.h) does for the CLI.
 */
#define SETUP_OR_SKIP(rc, why)						\
	do {								\
		if ((rc) > 0)						\
			SKIP(return, "%s", why);			\
		ASSERT_EQ(0, rc) TH_LOG("%s", why);			\
	} while (0)

/* Write a registration string to BINFMT_MNT/register. 0 or -errno. */
int tl_register(const char *line);

/* Enable (1) or disable (0) the entry BINFMT_MNT/name. 0 or -errno. */
int tl_binfmt_enable(const char *name, int on);

/* $BSHIM_FIXTURES/name (default <top>/build/fixtures/name) into buf;
 * returns buf. tl_have() tells whether it exists. */
const char *tl_fixture(const char *name, char *buf, size_t len);
int tl_have(const char *path);

/* <top>/build/<name>: built programs (shim, binfmt-shim, binfmt-shimd). */
const char *tl_build(const char *name, char *buf, size_t len);

/*
 * Run argv with stdin from in (may be NULL), capture stdout and stderr
 * into out/err (NUL-terminated, truncated to their size; may be NULL).
 * Returns the raw wait status, or -errno.
 */
int tl_run(char *const argv[], const char *in, size_t inlen,
	   char *out, size_t outlen, char *err, size_t errlen);

/* Same, but execs path with argv as given (argv[0] may differ). */
int tl_runv(const char *path, char *const argv[], const char *in, size_t inlen,
	    char *out, size_t outlen, char *err, size_t errlen);

/* Read a whole (small) file into buf, NUL-terminated; length or -errno:
 * the CLI's own reader (loader/files.c, linked into every test). */
long read_small(const char *path, char *buf, size_t len);
static inline long tl_read_file(const char *path, char *buf, size_t len)
{
	return read_small(path, buf, len);
}

#endif
