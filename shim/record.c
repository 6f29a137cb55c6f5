// SPDX-License-Identifier: GPL-2.0
/*
 * One JSON line per exec attempt (docs/log-format.md, schema v1), written
 * with a single write(2) on an O_APPEND descriptor so that concurrent shims
 * never interleave: for a regular file the kernel takes the inode lock for
 * the whole write, so each record lands whole. When the file cannot take
 * it, the record goes to syslog (/dev/log) and says so. Nothing here may
 * block for long: every open and send is non-blocking.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "logscan.h"
#include "shim.h"

/* Caller-controlled strings are capped so a record always fits one write:
 * argv0 can be as long as the kernel's argument limit. */
#define FIELD_MAX 4096
#define RECORD_MAX (64 * 1024)

static const char *const event_names[] = {
	[EV_EXEC] = "exec", [EV_DENY] = "deny", [EV_FAIL] = "fail",
};
static const char *const decision_names[] = {
	[EV_EXEC] = "run", [EV_DENY] = "deny", [EV_FAIL] = "fail",
};
static const char *const why_names[] = {
	[WHY_NONE] = "ok", [WHY_USAGE] = "usage", [WHY_UNREADABLE] = "unreadable",
	[WHY_NOT_ELF] = "not-elf", [WHY_CORRUPT] = "corrupt-elf",
	[WHY_NO_TARGET] = "no-qemu-target", [WHY_HOST_ARCH] = "host-arch-refused",
	[WHY_COMPAT_OFF] = "native-compat-off", [WHY_DENIED] = "policy-deny",
	[WHY_NO_EMULATOR] = "no-emulator",
	[WHY_EMULATOR_OUTSIDE] = "emulator-outside-root",
	[WHY_EMULATOR_NOEXEC] = "emulator-not-executable",
	[WHY_NO_SYSROOT] = "no-sysroot", [WHY_LOG_FAILED] = "log-failed",
};

static void kv_capped(struct json_writer *w, const char *k, const char *v)
{
	size_t n = v ? strnlen(v, FIELD_MAX + 1) : 0;

	jw_key(w, k);
	if (!v)
		jw_null(w);
	else
		jw_string_n(w, v, n > FIELD_MAX ? FIELD_MAX : n);
	if (n > FIELD_MAX) {
		char tk[32];

		snprintf(tk, sizeof(tk), "%s_truncated", k);
		jw_kv_bool(w, tk, true);
	}
}

static void kv_str_or_null(struct json_writer *w, const char *k, const char *v)
{
	if (v && *v)
		jw_kv_string(w, k, v);
	else
		jw_kv_null(w, k);
}

static void rfc3339(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	logscan_format_time(ts.tv_sec, ts.tv_nsec, buf, len);
}

static void elf_object(struct json_writer *w, const struct shim *s)
{
	const struct elf_info *e = &s->elf;

	jw_key(w, "elf");
	if (s->fmt.format != FMT_ELF || s->elf_rc < 0) {
		jw_null(w);
		return;
	}
	jw_object_begin(w);
	jw_kv_string(w, "class", elf_class_str(e->elf_class));
	jw_kv_string(w, "data", elf_data_str(e->elf_data));
	jw_kv_uint(w, "machine", e->machine);
	jw_kv_string(w, "machine_name", elf_machine_str(e->machine));
	jw_kv_string(w, "type", elf_type_str(e->type));
	jw_kv_uint(w, "flags", e->flags);
	kv_str_or_null(w, "interp", e->has_interp ? e->interp : NULL);
	jw_kv_string(w, "link", elf_link_str(e->link));
	kv_str_or_null(w, "abi", e->abi);
	jw_object_end(w);
}

static void go_object(struct json_writer *w, const struct shim *s)
{
	if (!s->go.found)
		return;
	jw_key(w, "go");
	jw_object_begin(w);
	kv_str_or_null(w, "version", s->go.version);
	kv_str_or_null(w, "goos", s->go.goos);
	kv_str_or_null(w, "goarch", s->go.goarch);
	if (s->go.goarm[0])
		jw_kv_string(w, "goarm", s->go.goarm);
	if (s->go.cgo[0])
		jw_kv_string(w, "cgo", s->go.cgo);
	if (s->go_inferred)
		jw_kv_bool(w, "inferred", true);
	jw_object_end(w);
}

static int build(const struct shim *s, const char *sink, char *buf, size_t cap)
{
	char now[64], cwd[FIELD_MAX + 1];
	struct json_writer w;
	int ev = s->event;

	rfc3339(now, sizeof(now));
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	jw_init(&w, buf, cap);
	jw_object_begin(&w);
	jw_kv_int(&w, "v", 1);
	jw_kv_string(&w, "time", now);
	jw_kv_string(&w, "event", event_names[ev]);
	jw_kv_int(&w, "pid", s->pid);
	jw_kv_int(&w, "ppid", s->ppid);
	jw_kv_uint(&w, "uid", s->uid);
	jw_kv_uint(&w, "gid", s->gid);
	if (s->euid != s->uid)
		jw_kv_uint(&w, "euid", s->euid);
	kv_str_or_null(&w, "cwd", cwd);
	kv_capped(&w, "path", s->path);
	kv_capped(&w, "argv0", s->argv0);
	jw_kv_int(&w, "argc", s->path ? s->guest_argc + 1 : 0);
	jw_kv_string(&w, "format", format_name(s->fmt.format));
	kv_str_or_null(&w, "arch", s->arch ? s->arch->name : NULL);
	jw_kv_string(&w, "host_arch", arch_host() ? arch_host()->name : "unknown");
	elf_object(&w, s);
	go_object(&w, s);
	kv_str_or_null(&w, "emulator", s->route.emulator);
	kv_str_or_null(&w, "sysroot", s->route.sysroot);
	jw_kv_string(&w, "decision", decision_names[ev]);
	jw_kv_string(&w, "reason_code", why_names[s->why]);
	jw_kv_string(&w, "reason", s->reason);
	if (s->why != WHY_NONE)
		jw_kv_string(&w, "fix", s->fix);
	jw_key(&w, "binfmt");
	jw_object_begin(&w);
	jw_kv_bool(&w, "preserve_argv0", s->preserve_argv0);
	jw_kv_bool(&w, "execfd", s->execfd >= 0);
	jw_kv_bool(&w, "secure", s->secure);
	jw_object_end(&w);
	if (s->config_rc != 0 && s->config_rc != -ENOENT) {
		jw_kv_string(&w, "config", s->config_path);
		jw_kv_uint(&w, "config_errors", s->config_rc == -EINVAL ? s->cfg.nerrors : 1);
	}
	jw_kv_string(&w, "sink", sink);
	if (s->sink_error[0])
		jw_kv_string(&w, "sink_error", s->sink_error);
	if (s->collector_error[0])
		jw_kv_string(&w, "collector_error", s->collector_error);
	jw_object_end(&w);
	return jw_finish(&w);
}

/* mkdir -p of the log's directory (0755), best effort. */
static void make_parent(const char *path)
{
	char dir[CONFIG_PATH_MAX];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	mkdir(dir, 0755);
}

static int write_file(struct shim *s, const char *rec, size_t len)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	ssize_t n;
	int fd, err = 0;

	fd = shim_open(s->log_path, flags, 0640);
	if (fd < 0 && errno == ENOENT) {
		make_parent(s->log_path);
		fd = shim_open(s->log_path, flags, 0640);
	}
	if (fd < 0) {
		err = errno;
		snprintf(s->sink_error, sizeof(s->sink_error), "%s: %s",
			 s->log_path, strerror(err));
		return -err;
	}
	n = write(fd, rec, len);
	if (n != (ssize_t)len) {
		err = n < 0 ? errno : ENOSPC;
		/* A short write (disk full mid-record) leaves a partial line:
		 * end it, so the next record starts on a line of its own and a
		 * reader can count the damaged one. */
		if (n > 0)
			(void)!write(fd, "\n", 1);
		snprintf(s->sink_error, sizeof(s->sink_error), "%s: %s%s",
			 s->log_path, n > 0 ? "short write: " : "", strerror(err));
	}
	close(fd);
	return -err;
}

/* RFC 3164 framing on /dev/log, facility authpriv (10), severity info (6):
 * PRI = 10 * 8 + 6 = 86. Non-blocking: a stuck syslog daemon drops it. */
static int write_syslog(const char *rec, size_t len)
{
	static char msg[RECORD_MAX + 64];
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int fd, n, err = 0;

	n = snprintf(msg, sizeof(msg), "<86>binfmt-shim[%d]: %.*s", (int)getpid(),
		     (int)(len && rec[len - 1] == '\n' ? len - 1 : len), rec);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -EMSGSIZE;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = -errno;
	close(fd);
	return err;
}

void shim_record(struct shim *s)
{
	static char rec[RECORD_MAX];
	size_t n;
	int len, err;

	/* The collector first: it vouches for the record and tracks the run. */
	if (s->cfg.socket[0]) {
		len = build(s, "collector", rec, sizeof(rec));
		if (len >= 0 && shim_collector_send(s, rec, (size_t)len) == 0) {
			s->logged = true;
			return;
		}
	}
	len = build(s, "file", rec, sizeof(rec));
	if (len < 0) {
		/* Cannot happen with the field caps; keep a record anyway. */
		snprintf(s->sink_error, sizeof(s->sink_error), "record too large");
	} else if (write_file(s, rec, (size_t)len) == 0) {
		s->logged = true;
		return;
	}
	len = build(s, "syslog", rec, sizeof(rec));
	if (len < 0)
		return;
	err = write_syslog(rec, (size_t)len);
	if (err == 0) {
		s->logged = true;
		return;
	}
	n = strlen(s->sink_error);
	snprintf(s->sink_error + n, sizeof(s->sink_error) - n, "; syslog: %s",
		 strerror(-err));
}
