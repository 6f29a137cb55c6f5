// SPDX-License-Identifier: GPL-2.0
/*
 * verify: prove the chain for each registered arch by running its tiny
 * program (loader/tiny.c) from a memfd with execveat: the kernel picks the
 * binfmt_misc entry, runs the shim, the shim records and hands off to
 * qemu, the program exits with the first byte of its argv[0]. Also the
 * native capability test `register --all` uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "tiny.h"

/* MFD_EXEC (Linux 6.3, include/uapi/linux/memfd.h): ask for an
 * executable memfd where vm.memfd_noexec would default to noexec. */
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* How long one tiny program may take, emulator start-up included. */
#define RUN_TIMEOUT_MS 20000

extern char **environ;

bool tiny_have(const struct arch *a)
{
	uint8_t buf[TINY_MAX];

	return tiny_build(a->name, buf, sizeof(buf)) > 0;
}

/*
 * The program in a memfd, not close-on-exec: binfmt_misc refuses an
 * execveat of a close-on-exec fd unless the entry has O (the path
 * /dev/fd/N would be gone in the interpreter, BINPRM_FLAGS_PATH_INACCESSIBLE).
 */
static int tiny_memfd(const struct arch *a)
{
	uint8_t buf[TINY_MAX];
	int n = tiny_build(a->name, buf, sizeof(buf)), fd;

	if (n < 0)
		return n;
	fd = memfd_create("binfmt-shim-tiny", MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("binfmt-shim-tiny", 0);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* waitpid with a deadline; kills the child when it passes. */
static int wait_deadline(pid_t pid, int ms)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int status, waited = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (waited >= ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&ts, NULL);
		waited += 5;
	}
}

/* Child side: exec the memfd; report the exec errno through the pipe. */
static void __attribute__((noreturn)) child_exec(int fd, int errpipe,
						 const char *argv0, char **envp)
{
	char *argv[] = { (char *)argv0, NULL };
	int e;

	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

int tiny_run(const struct arch *a, const char *argv0, char *const env[],
	     char *err, size_t errlen, pid_t *pidp)
{
	char **envp;
	size_t ne = 0, nenv = 0, i;
	int fd, pfd[2], status, e = 0;
	pid_t pid;

	err[0] = '\0';
	fd = tiny_memfd(a);
	if (fd < 0) {
		snprintf(err, errlen, "memfd: %s", strerror(-fd));
		return fd;
	}
	while (environ && environ[ne])
		ne++;
	while (env && env[nenv])
		nenv++;
	envp = calloc(ne + nenv + 1, sizeof(*envp));
	if (!envp || pipe2(pfd, O_CLOEXEC) < 0) {
		free(envp);
		close(fd);
		return -ENOMEM;
	}
	/* Ours first: getenv() returns the first match. */
	for (i = 0; i < nenv; i++)
		envp[i] = env[i];
	for (i = 0; i < ne; i++)
		envp[nenv + i] = environ[i];
	pid = fork();
	if (pid == 0)
		child_exec(fd, pfd[1], argv0, envp);
	close(pfd[1]);
	close(fd);
	free(envp);
	if (pid < 0) {
		close(pfd[0]);
		return -errno;
	}
	if (pidp)
		*pidp = pid;
	status = wait_deadline(pid, RUN_TIMEOUT_MS);
	if (read(pfd[0], &e, sizeof(e)) == sizeof(e) && e) {
		snprintf(err, errlen, "execveat: %s", strerror(e));
		status = -e;
	} else if (status == -ETIMEDOUT) {
		snprintf(err, errlen, "timed out after %d ms", RUN_TIMEOUT_MS);
	}
	close(pfd[0]);
	return status == 0 ? 0 : status;
}

static int write_str(const char *path, const char *s)
{
	return write_all_file(path, s, strlen(s));
}

/*
 * Without a private namespace: exec the program here, which proves
 * something only when no live entry would take it. -EBUSY otherwise.
 */
static int native_test_plain(const struct arch *a)
{
	uint8_t buf[TINY_MAX];
	struct bm_table t;
	char err[256];
	int n = tiny_build(a->name, buf, sizeof(buf)), w, st;

	if (n < 0)
		return n;
	if (bm_read_table(&t) < 0)
		return -EBUSY;
	w = t.enabled ? binfmt_match(t.e, t.n, "/dev/fd/3", buf, (size_t)n) : -1;
	bm_table_free(&t);
	if (w >= 0)
		return -EBUSY;
	st = tiny_run(a, "*native", NULL, err, sizeof(err), NULL);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == '*';
}

/*
 * In a child: a new user namespace whose binfmt_misc instance exists and
 * is empty (fsopen + FSCONFIG_CMD_CREATE creates it, Linux >= 6.7), so no
 * handler can run the program for us; then exec it. Exit 42 ('*') means
 * the host ran it itself.
 */
int native_test(const struct arch *a)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int fd, status;
	pid_t pid;

	fd = tiny_memfd(a);
	if (fd < 0)
		return fd;
	pid = fork();
	if (pid == 0) {
		char map[64], *argv[] = { "*native", NULL };
		int fs;

		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			_exit(200);
		write_str("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_str("/proc/self/uid_map", map))
			_exit(201);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_str("/proc/self/gid_map", map))
			_exit(201);
		fs = fsopen("binfmt_misc", 0);
		if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			_exit(202);
		syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		_exit(errno == ENOEXEC ? 203 : 204);
	}
	close(fd);
	if (pid < 0)
		return -errno;
	status = wait_deadline(pid, RUN_TIMEOUT_MS);
	if (status < 0)
		return status;
	if (WIFEXITED(status) && WEXITSTATUS(status) == '*')
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 200 &&
	    WEXITSTATUS(status) <= 202)
		return native_test_plain(a);	/* no private namespace here */
	return 0;			/* ENOEXEC, a signal: not native */
}

struct vresult {
	const struct arch *a;
	char entry[BINFMT_NAME_MAX + 1];
	char flags[8];
	int status;			/* exit status, -1 when none */
	int expect;
	int status2, expect2;		/* second run (P only) */
	const char *argv0_result;	/* "ok", "FAIL", "n/a" */
	const char *record;		/* "ok", "missing", "wrong", ... */
	bool ok, skipped;
	char why[1024];
};

/* The record the shim wrote for pid, checked field by field. */
static const char *check_record(const char *logpath, pid_t pid,
				const char *argv0, const struct arch *a,
				char *why, size_t len)
{
	char line[16384];
	const char *res = "missing";
	FILE *f = fopen(logpath, "re");

	if (!f) {
		snprintf(why, len, "no log file %s: the shim wrote no record "
			 "(does it honour BINFMT_SHIM_LOG?)", logpath);
		return "missing";
	}
	snprintf(why, len, "no record with pid %d in %s", (int)pid, logpath);
	while (fgets(line, sizeof(line), f)) {
		json_error_t je;
		json_t *r = json_loads(line, 0, &je);
		const char *ra0, *rarch;

		if (!r) {
			snprintf(why, len, "unparseable record: %s", je.text);
			res = "broken";
			continue;
		}
		if (json_integer_value(json_object_get(r, "pid")) != pid) {
			json_decref(r);
			continue;
		}
		ra0 = json_string_value(json_object_get(r, "argv0"));
		rarch = json_string_value(json_object_get(r, "arch"));
		res = "ok";
		why[0] = '\0';
		if (!rarch || strcmp(rarch, a->name)) {
			snprintf(why, len, "record says arch %s, expected %s",
				 rarch ? rarch : "null", a->name);
			res = "wrong";
		} else if (argv0 && (!ra0 || strncmp(ra0, argv0, strlen(argv0)))) {
			snprintf(why, len, "record says argv0 %s, expected %s",
				 ra0 ? ra0 : "null", argv0);
			res = "wrong";
		}
		json_decref(r);
		break;
	}
	fclose(f);
	return res;
}

static int exit_of(int status)
{
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void verify_one(const struct bm_table *t, const struct binfmt_entry *e,
		       const char *tmpdir, struct vresult *v)
{
	char argv0[64], logpath[4200], env0[4300], err[256];
	char *env[] = { env0, NULL };
	uint8_t buf[TINY_MAX];
	bool p_flag = strchr(e->flags, 'P') != NULL;
	int n, win, status;
	pid_t pid = 0, pid2 = 0;

	snprintf(v->entry, sizeof(v->entry), "%s", e->name);
	snprintf(v->flags, sizeof(v->flags), "%s", e->flags);
	v->status = v->status2 = v->expect2 = -1;
	v->argv0_result = "n/a";
	v->record = "n/a";
	n = tiny_build(v->a->name, buf, sizeof(buf));
	if (n < 0) {
		v->skipped = true;
		snprintf(v->why, sizeof(v->why), "no tiny program for %s",
			 v->a->name);
		return;
	}
	win = binfmt_match(t->e, t->n, "/dev/fd/3", buf, (size_t)n);
	if (win < 0 || strcmp(t->e[win].name, e->name)) {
		snprintf(v->why, sizeof(v->why), "the kernel picks %s, not %s%s",
			 win < 0 ? "no entry" : t->e[win].name, e->name,
			 win < 0 ? " (is it disabled?)" :
			 "; register --replace disables the other entry");
		return;
	}
	snprintf(logpath, sizeof(logpath), "%s/%s.jsonl", tmpdir, v->a->name);
	snprintf(env0, sizeof(env0), "BINFMT_SHIM_LOG=%s", logpath);
	/* '*' (42) with P; without P the guest's argv[0] is the path the
	 * kernel passed, /dev/fd/N: '/' (47). */
	snprintf(argv0, sizeof(argv0), "*bshim-verify-%s", v->a->name);
	v->expect = p_flag ? '*' : '/';
	status = tiny_run(v->a, argv0, env, err, sizeof(err), &pid);
	v->status = exit_of(status);
	if (v->status < 0) {
		snprintf(v->why, sizeof(v->why), "%s", err[0] ? err :
			 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
			 "did not exit");
		return;
	}
	if (v->status == 126 || v->status == 127) {
		snprintf(v->why, sizeof(v->why), "exit %d: the shim refused or "
			 "could not run it (its diagnostic went to stderr; "
			 "'%s explain' and the log say more)", v->status, prog_name);
		return;
	}
	if (p_flag) {
		/* A second argv[0] proves the status is the program's own. */
		snprintf(argv0, sizeof(argv0), "Ebshim-verify-%s", v->a->name);
		v->expect2 = 'E';
		v->status2 = exit_of(tiny_run(v->a, argv0, env, err, sizeof(err),
					      &pid2));
		v->argv0_result = v->status == v->expect && v->status2 == v->expect2 ?
				  "ok" : "FAIL";
	}
	if (v->status != v->expect) {
		snprintf(v->why, sizeof(v->why), "exit status %d, expected %d%s",
			 v->status, v->expect,
			 v->status == '/' ? " (argv[0] was not preserved: P flag?)" : "");
		return;
	}
	if (p_flag && v->status2 != v->expect2) {
		snprintf(v->why, sizeof(v->why), "second run: exit status %d, "
			 "expected %d", v->status2, v->expect2);
		return;
	}
	v->record = check_record(logpath, pid, p_flag ? "*bshim-verify-" : NULL,
				 v->a, v->why, sizeof(v->why));
	if (strcmp(v->record, "ok"))
		return;
	if (p_flag) {
		v->record = check_record(logpath, pid2, argv0, v->a, v->why,
					 sizeof(v->why));
		if (strcmp(v->record, "ok"))
			return;
	}
	v->ok = true;
}

int cmd_verify(const struct cli *c)
{
	bool json = c->opts & OPT_JSON, *sel = calloc(arch_count, sizeof(bool));
	struct vresult *res = calloc(2 * arch_count + 1, sizeof(*res));
	char tmpdir[] = "/tmp/binfmt-shim-verify.XXXXXX", path[4300];
	struct bm_table t = { 0 };
	size_t i, k, nres = 0, failed = 0;
	int rc = EXIT_USAGE, err;

	if (!sel || !res || select_arches(c, sel))
		goto out;
	err = bm_read_table(&t);
	if (err || !t.mounted) {
		err_msg("verify: %s " BM_DIR "%s; register first ('%s register --all')",
			err ? strerror(-err) : "binfmt_misc is not mounted at",
			err ? "" : "", prog_name);
		goto out;
	}
	if (!mkdtemp(tmpdir)) {
		err_msg("verify: mkdtemp: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < arch_count; i++) {
		const struct arch *a = &arch_table[i];
		bool found = false;

		for (k = 0; k < t.n; k++) {
			if (binfmt_arch_of(t.e[k].name) != a ||
			    strstr(t.e[k].name + strlen(BINFMT_OUR_PREFIX) + strlen(a->name),
				   BINFMT_ALT_SUFFIX))
				continue;
			if (!c->nargs || sel[i]) {
				res[nres].a = a;
				verify_one(&t, &t.e[k], tmpdir, &res[nres]);
				nres++;
			}
			found = true;
		}
		if (!found && c->nargs && sel[i]) {
			res[nres].a = a;
			res[nres].status = res[nres].status2 = -1;
			res[nres].argv0_result = res[nres].record = "n/a";
			snprintf(res[nres].why, sizeof(res[nres].why),
				 "not registered: run '%s register %s'", prog_name,
				 a->name);
			nres++;
		}
	}
	for (i = 0; i < nres; i++)
		failed += !res[i].ok && !res[i].skipped;
	if (json) {
		json_t *doc = json_object(), *arr = json_array();
		char *text;

		json_object_set_new(doc, "ok", json_boolean(!failed));
		for (i = 0; i < nres; i++) {
			struct vresult *v = &res[i];

			json_array_append_new(arr, json_pack(
				"{s:s, s:s?, s:s, s:i, s:i, s:s, s:s, s:s, s:s?}",
				"arch", v->a->name,
				"entry", v->entry[0] ? v->entry : NULL,
				"flags", v->flags, "exit", v->status,
				"expected", v->expect, "argv0", v->argv0_result,
				"record", v->record,
				"result", v->skipped ? "skip" : v->ok ? "ok" : "FAIL",
				"reason", v->why[0] ? v->why : NULL));
		}
		json_object_set_new(doc, "arches", arr);
		text = json_dumps(doc, JSON_COMPACT);
		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(doc);
	} else {
		printf("%-12s %-28s %-5s %-9s %-6s %-7s %s\n", "ARCH", "ENTRY",
		       "FLAGS", "EXIT", "ARGV0", "RECORD", "RESULT");
		for (i = 0; i < nres; i++) {
			struct vresult *v = &res[i];
			char ex[16];

			if (v->status >= 0)
				snprintf(ex, sizeof(ex), "%d/%d", v->status, v->expect);
			else
				snprintf(ex, sizeof(ex), "-");
			/* The entry's name and flags, and a reason that may
			 * quote another entry or the record: escaped. */
			printf("%-12s ", v->a->name);
			t_pad(stdout, v->entry[0] ? v->entry : "-",
			      v->entry[0] ? strlen(v->entry) : 1, 28, 0);
			putchar(' ');
			t_pad(stdout, v->flags[0] ? v->flags : "-",
			      v->flags[0] ? strlen(v->flags) : 1, 5, 0);
			printf(" %-9s %-6s %-7s %s%s%s\n", ex, v->argv0_result, v->record,
			       v->skipped ? "skip" : v->ok ? "ok" : "FAIL",
			       v->why[0] ? ": " : "", T(v->why));
		}
		if (!nres)
			printf("no binfmt-shim-* entries to verify: run '%s register "
			       "--all' first\n", prog_name);
	}
	rc = failed || !nres ? EXIT_CHECK : EXIT_OK;
	for (i = 0; i < arch_count; i++) {
		snprintf(path, sizeof(path), "%s/%s.jsonl", tmpdir, arch_table[i].name);
		unlink(path);
	}
	rmdir(tmpdir);
out:
	bm_table_free(&t);
	free(res);
	free(sel);
	return rc;
}
