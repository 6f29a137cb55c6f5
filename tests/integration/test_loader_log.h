/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the binfmt-shim log tests (test_loader_log.c,
 * test_loader_log_io.c): a log with every record kind, record makers,
 * files in a temp dir, and the --json output read back with jansson.
 */
#ifndef BSHIM_TEST_LOADER_LOG_H
#define BSHIM_TEST_LOADER_LOG_H

#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>

#include "test_loader.h"

static struct cli_result r;

/*
 * Every record kind, in the order a log would have them. The runs, by
 * start: 101 shim exec (no collector: unrecorded), 102 collector exec that
 * a signal kills (its client claims uid 4242, the kernel says 0), 103
 * deny, 104 fail (uid 65534), 105 exits 0, 106 exits 3, 107 still running,
 * 108 ends with the status unknown. Not runs: a partial line, the
 * collector's lost and rejected notices, a v2 record, an exit for no
 * exec, a JSON array.
 */
static const char log_all[] =
"{\"v\":1,\"time\":\"2026-11-27T10:00:00.000001Z\",\"event\":\"exec\",\"pid\":101,\"ppid\":1,\"uid\":0,\"gid\":0,\"cwd\":\"/src\",\"path\":\"/src/pkg.test\",\"argv0\":\"pkg.test\",\"argc\":1,\"format\":\"elf\",\"arch\":\"aarch64\",\"host_arch\":\"x86_64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"sysroot\":null,\"decision\":\"run\",\"reason_code\":\"ok\",\"reason\":\"emulated\",\"sink\":\"file\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:01:00Z\",\"event\":\"exec\",\"id\":\"c1\",\"source\":\"collector\",\"pid\":102,\"uid\":4242,\"gid\":4242,\"path\":\"/src/crash\",\"arch\":\"riscv64\",\"emulator\":\"/usr/bin/qemu-riscv64-static\",\"decision\":\"run\",\"reason_code\":\"ok\",\"verified\":{\"pid\":102,\"uid\":0,\"gid\":0,\"dev\":2049,\"ino\":77,\"size\":1000,\"mtime\":1,\"arch\":\"riscv64\",\"machine\":243},\"claimed\":{\"uid\":4242}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:02:00Z\",\"event\":\"deny\",\"pid\":103,\"uid\":0,\"gid\":0,\"path\":\"/x/denied.bin\",\"arch\":\"arm\",\"emulator\":null,\"decision\":\"deny\",\"reason_code\":\"policy-deny\",\"reason\":\"policy\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:03:00Z\",\"event\":\"fail\",\"pid\":104,\"uid\":65534,\"gid\":65534,\"path\":\"/x/noemu\",\"arch\":\"s390x\",\"emulator\":null,\"decision\":\"fail\",\"reason_code\":\"no-emulator\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:04:00Z\",\"event\":\"exit\",\"id\":\"c1\",\"pid\":102,\"exit_code\":null,\"signal\":11,\"core_dumped\":true,\"duration_ms\":1234.5,\"status\":\"known\",\"source\":\"collector\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:0\n"
"{\"v\":1,\"event\":\"lost\",\"count\":3,\"reason\":\"disk full\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:05:00Z\",\"event\":\"exec\",\"id\":\"c2\",\"source\":\"collector\",\"pid\":105,\"uid\":0,\"gid\":0,\"path\":\"/src/ok.test\",\"arch\":\"aarch64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"decision\":\"run\",\"verified\":{\"pid\":105,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:06:00Z\",\"event\":\"exec\",\"id\":\"c3\",\"source\":\"collector\",\"pid\":106,\"uid\":0,\"gid\":0,\"path\":\"/src/fail.test\",\"arch\":\"arm\",\"emulator\":\"/usr/bin/qemu-arm-static\",\"decision\":\"run\",\"verified\":{\"pid\":106,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:07:00Z\",\"event\":\"exit\",\"id\":\"c3\",\"pid\":106,\"exit_code\":3,\"signal\":null,\"core_dumped\":false,\"duration_ms\":20,\"status\":\"known\",\"source\":\"collector\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:08:00Z\",\"event\":\"exit\",\"id\":\"c2\",\"pid\":105,\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"duration_ms\":5,\"status\":\"known\",\"source\":\"collector\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:09:00Z\",\"event\":\"exec\",\"id\":\"c4\",\"source\":\"collector\",\"pid\":107,\"uid\":0,\"gid\":0,\"path\":\"/src/long.test\",\"arch\":\"aarch64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"decision\":\"run\",\"verified\":{\"pid\":107,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:10:00Z\",\"event\":\"exec\",\"id\":\"c5\",\"source\":\"collector\",\"pid\":108,\"uid\":0,\"gid\":0,\"path\":\"/src/old-kernel\",\"arch\":\"aarch64\",\"emulator\":\"/usr/bin/qemu-aarch64-static\",\"decision\":\"run\",\"verified\":{\"pid\":108,\"uid\":0,\"gid\":0}}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:11:00Z\",\"event\":\"exit\",\"id\":\"c5\",\"pid\":108,\"exit_code\":null,\"signal\":null,\"core_dumped\":false,\"duration_ms\":7,\"status\":\"unknown\",\"source\":\"collector\"}\n"
"{\"v\":2,\"time\":\"2026-11-27T10:12:00Z\",\"event\":\"exec\",\"pid\":109,\"path\":\"/future\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:13:00Z\",\"event\":\"exit\",\"id\":\"nope\",\"pid\":1,\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"duration_ms\":1,\"status\":\"known\",\"source\":\"collector\"}\n"
"[1,2]\n"
"{\"v\":1,\"time\":\"2026-11-27T10:14:00Z\",\"event\":\"rejected\",\"count\":2,\"reason\":\"pidfd names another process\",\"uid\":1000,\"source\":\"collector\"}\n";

static char tmpdir[64];

/* A file in this test's temp dir with the given bytes; returns its path. */
static inline const char *put(const char *name, const void *data, size_t len)
{
	static char path[8][256];
	static int i;
	int fd;

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/bshim-log.XXXXXX");
		if (!mkdtemp(tmpdir))
			return NULL;
	}
	i = (i + 1) % 8;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	fd = open(path[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	return path[i];
}

static inline const char *puts_(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

static inline int append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static inline void cleanup(void)
{
	char cmd[128];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", tmpdir);
	}
}

/* The JSON objects of out, one per line (NULL for a line that is not). */
static inline size_t json_lines(const char *out, json_t **v, size_t max)
{
	size_t n = 0;
	const char *p = out;

	while (*p && n < max) {
		size_t len = strcspn(p, "\n");

		v[n++] = json_loadb(p, len, 0, NULL);
		p += len;
		if (*p)
			p++;
	}
	return n;
}

static inline void json_lines_free(json_t **v, size_t n)
{
	while (n--)
		json_decref(v[n]);
}

/* The "pid"s of the --json output, comma separated, into buf. */
static inline const char *pids_of(const char *out, char *buf, size_t len)
{
	json_t *v[64];
	size_t n = json_lines(out, v, 64), i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		used += snprintf(buf + used, len - used, "%s%lld", used ? "," : "",
				 v[i] ? (long long)json_integer_value(json_object_get(v[i], "pid")) : -1LL);
	json_lines_free(v, n);
	return buf;
}

static inline const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k)) ?: "";
}

static inline long long jint(json_t *o, const char *path)
{
	char key[64], *dot;

	snprintf(key, sizeof(key), "%s", path);
	while ((dot = strchr(key, '.'))) {
		*dot = '\0';
		o = json_object_get(o, key);
		memmove(key, dot + 1, strlen(dot + 1) + 1);
	}
	return json_is_integer(json_object_get(o, key)) ?
	       (long long)json_integer_value(json_object_get(o, key)) : -1;
}

#define EXEC(pid, path, fmt_id)						\
	"{\"v\":1,\"time\":\"2026-11-27T12:00:00Z\",\"event\":\"exec\"," fmt_id \
	"\"pid\":" #pid ",\"uid\":0,\"path\":\"" path "\",\"arch\":\"aarch64\"," \
	"\"decision\":\"run\"}\n"
#define EXIT(id, code)							\
	"{\"v\":1,\"time\":\"2026-11-27T12:00:01Z\",\"event\":\"exit\",\"id\":\"" id \
	"\",\"exit_code\":" #code ",\"signal\":null,\"core_dumped\":false,"	\
	"\"duration_ms\":1,\"status\":\"known\",\"source\":\"collector\"}\n"
#define CID(id) "\"id\":\"" id "\",\"source\":\"collector\","

#endif
