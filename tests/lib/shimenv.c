// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binfmt.h"
#include "shimenv.h"
#include "testlib.h"

/*
 * Remove dir (made by this process) once this process has ended, however
 * it ended: the harness runs no teardown after a setup that failed or
 * skipped, nor after a test it killed, and its test processes leave by
 * _exit (no atexit). A grandchild forked here, still in the host's
 * namespaces (no wait() of the test ever meets it), waits for the end of
 * a pipe whose write end only this process holds (O_CLOEXEC: no exec'd
 * program keeps it), then removes dir unless it is already gone or is no
 * longer the directory made here (a later test's of the same name).
 */
static void remove_at_exit(const char *dir)
{
	struct stat made, now;
	int p[2], null;
	pid_t pid;

	if (stat(dir, &made) < 0 || pipe2(p, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		close(p[1]);
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		while (read(p[0], &(char){ 0 }, 1) != 0 && errno == EINTR)
			;
		if (stat(dir, &now) == 0 && now.st_dev == made.st_dev &&
		    now.st_ino == made.st_ino)
			execl("/bin/rm", "rm", "-rf", "--one-file-system", dir, (char *)NULL);
		_exit(0);
	}
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	else
		close(p[1]);
	/* p[1] stays open until this process ends. */
}

int se_setup(struct shimenv *e, const char *flags, const char *const *arches,
	     char *why, size_t whylen)
{
	struct binfmt_entry ent[4];
	char line[BINFMT_REGISTER_MAX + 1], qemu[64];
	int n, i, err;

	memset(e, 0, sizeof(*e));
	tl_build("shim", e->shim, sizeof(e->shim));
	if (!tl_have(e->shim)) {
		snprintf(why, whylen, "%s is missing: run make", e->shim);
		return -ENOENT;
	}
	snprintf(qemu, sizeof(qemu), "/usr/bin/qemu-%s-static", arches[0]);
	if (!tl_have(qemu)) {
		snprintf(why, whylen, "%s missing: apt-get install qemu-user-static", qemu);
		return 1;
	}
	snprintf(e->dir, sizeof(e->dir), "/tmp/bshim-test.XXXXXX");
	if (!mkdtemp(e->dir)) {
		snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
		return -errno;
	}
	remove_at_exit(e->dir);
	snprintf(e->log, sizeof(e->log), "%s/log/exec.jsonl", e->dir);
	snprintf(e->conf, sizeof(e->conf), "%s/shim.conf", e->dir);
	setenv("BINFMT_SHIM_LOG", e->log, 1);
	setenv("BINFMT_SHIM_CONFIG", e->conf, 1);
	if ((err = tl_private_binfmt(why, whylen)))
		return err == -EPERM || err == -EINVAL || err == -ENODEV ? 1 : err;
	for (; *arches; arches++) {
		n = binfmt_entries_for_arch(arch_by_name(*arches), e->shim, flags,
					    ent, 4);
		if (n < 0) {
			snprintf(why, whylen, "no entry for %s: %s", *arches, strerror(-n));
			return n;
		}
		for (i = 0; i < n; i++) {
			if (binfmt_format_register(&ent[i], line, sizeof(line)) < 0)
				return -ENOSPC;
			if ((err = tl_register(line))) {
				snprintf(why, whylen, "register %s: %s", ent[i].name,
					 strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

void se_teardown(struct shimenv *e)
{
	char cmd[256];

	if (!e->dir[0])
		return;
	/* --one-file-system: never descend into a mount a test made
	 * (a chroot's /proc), whatever happened to the test. */
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", e->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", e->dir);
}

int se_config(struct shimenv *e, const char *text)
{
	int fd = open(e->conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

size_t se_log(struct shimenv *e, json_t **records, size_t max)
{
	return se_read_jsonl(e->log, records, max);
}

size_t se_read_jsonl(const char *path, json_t **records, size_t max)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	if (!f)
		return 0;
	while ((len = getline(&line, &cap, f)) >= 0 && n < max) {
		json_error_t jerr;
		json_t *j = json_loadb(line, (size_t)len, 0, &jerr);

		if (j && !json_is_object(j)) {
			json_decref(j);
			j = NULL;
		}
		records[n++] = j;
	}
	free(line);
	fclose(f);
	return n;
}

void se_log_free(json_t **records, size_t n)
{
	while (n--)
		json_decref(records[n]);
}

const char *se_copy(struct shimenv *e, const char *src, const char *name,
		    char *buf, size_t len)
{
	char cmd[1024];

	snprintf(buf, len, "%s/%s", e->dir, name);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 755 '%s'", src, buf, buf);
	return system(cmd) == 0 ? buf : NULL;
}

static json_t *lookup(json_t *rec, const char *key)
{
	const char *dot = strchr(key, '.');
	char head[64];

	if (!rec)
		return NULL;
	if (!dot)
		return json_object_get(rec, key);
	snprintf(head, sizeof(head), "%.*s", (int)(dot - key), key);
	return lookup(json_object_get(rec, head), dot + 1);
}

const char *se_str(json_t *rec, const char *key)
{
	const char *v = json_string_value(lookup(rec, key));

	return v ? v : "";
}

long long se_int(json_t *rec, const char *key)
{
	json_t *v = lookup(rec, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}
