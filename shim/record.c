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
#include <limits.h>
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

/*
 * Every string field is capped by its escaped size, so a record always
 * fits what every destination takes: the collector's message and the
 * file's one write (RECORD_MAX), and a syslog datagram, which rsyslog by
 * default cuts at 8 KiB ($MaxMessageSize, "8k"). Paths and words the
 * caller controls (cwd, path, argv0, interp, reason, fix) may take
 * FIELD_MAX each, everything else FIELD_SMALL; a capped field is marked
 * with "<key>_truncated": true. Worst case: 6 * 4096 + 8 * 512 plus the
 * fixed keys, under 32 KiB; for syslog a sixth of that.
 */
#define FIELD_MAX 4096
#define FIELD_SMALL 512
#define SYSLOG_DIVISOR 6
#define RECORD_MAX (64 * 1024)

/* The per-uid count of execs whose system record went nowhere, carried
 * by that uid's next record that gets through ("unrecorded_before"):
 * one byte appended per loss, in a file only that uid can own. */
#define UNRECORDED_FMT "/var/tmp/binfmt-shim-unrecorded.%u"

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
	[WHY_NO_PROC] = "no-proc",
	[WHY_PINNED_NO_PROC] = "no-proc-for-pinned",
	[WHY_PINNED_BAD] = "pinned-file-bad",
};

/* One record's caps: FIELD_MAX and FIELD_SMALL, or a sixth for syslog. */
struct caps {
	size_t big, small;
};

static void kv_capped(struct json_writer *w, const char *k, const char *v, size_t cap)
{
	size_t n = v ? strlen(v) : 0, take;

	jw_key(w, k);
	if (!v) {
		jw_null(w);
		return;
	}
	take = jw_escaped_prefix(v, n, cap);
	jw_string_n(w, v, take);
	if (take < n) {
		char tk[32];

		snprintf(tk, sizeof(tk), "%s_truncated", k);
		jw_kv_bool(w, tk, true);
	}
}

static void kv_str_or_null(struct json_writer *w, const char *k, const char *v, size_t cap)
{
	if (v && *v)
		kv_capped(w, k, v, cap);
	else
		jw_kv_null(w, k);
}

static void rfc3339(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	logscan_format_time(ts.tv_sec, ts.tv_nsec, buf, len);
}

static void elf_object(struct json_writer *w, const struct shim *s, const struct caps *c)
{
	const struct elf_info *e = &s->elf;

	jw_key(w, "elf");
	if (s->fmt.format == FMT_ELF && s->elf_rc < 0 && s->fmt.elf.machine) {
		/* A corrupt or truncated file: what its header did say, as
		 * the diagnostic names it (lib/format.c read these). */
		jw_object_begin(w);
		jw_kv_string(w, "class", elf_class_str(s->fmt.elf.elf_class));
		jw_kv_string(w, "data", elf_data_str(s->fmt.elf.elf_data));
		jw_kv_uint(w, "machine", s->fmt.elf.machine);
		jw_kv_string(w, "machine_name", elf_machine_str(s->fmt.elf.machine));
		jw_kv_bool(w, "partial", true);
		jw_object_end(w);
		return;
	}
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
	kv_str_or_null(w, "interp", e->has_interp ? e->interp : NULL, c->big);
	jw_kv_string(w, "link", elf_link_str(e->link));
	kv_str_or_null(w, "abi", e->abi, c->small);
	jw_object_end(w);
}

/* The Go fields are bounded by struct go_info (32 bytes at most). */
static void go_object(struct json_writer *w, const struct shim *s, const struct caps *c)
{
	if (!s->go.found)
		return;
	jw_key(w, "go");
	jw_object_begin(w);
	kv_str_or_null(w, "version", s->go.version, c->small);
	kv_str_or_null(w, "goos", s->go.goos, c->small);
	kv_str_or_null(w, "goarch", s->go.goarch, c->small);
	if (s->go.goarm[0])
		kv_capped(w, "goarm", s->go.goarm, c->small);
	if (s->go.cgo[0])
		kv_capped(w, "cgo", s->go.cgo, c->small);
	if (s->go_inferred)
		jw_kv_bool(w, "inferred", true);
	jw_object_end(w);
}

/* What one record says beyond struct shim, gathered before it is written
 * (each destination's record is built afresh: its own time and caps). */
struct rec_facts {
	struct caps c;
	char now[64], cwd[PATH_MAX + 1];
	/* The binary's arch; for a corrupt ELF file, its header's. */
	const struct arch *arch;
	const char *sink;
	unsigned long long unrecorded;
};

static void gather(const struct shim *s, const char *sink, unsigned long long unrecorded,
		   struct rec_facts *f)
{
	bool syslog = !strcmp(sink, "syslog");

	f->c.big = syslog ? FIELD_MAX / SYSLOG_DIVISOR : FIELD_MAX;
	f->c.small = syslog ? FIELD_SMALL / SYSLOG_DIVISOR : FIELD_SMALL;
	f->sink = sink;
	f->unrecorded = unrecorded;
	rfc3339(f->now, sizeof(f->now));
	if (!getcwd(f->cwd, sizeof(f->cwd)))
		f->cwd[0] = '\0';
	f->arch = s->arch;
	if (!f->arch && s->fmt.format == FMT_ELF && s->elf_rc < 0 && s->fmt.elf.machine)
		f->arch = arch_by_elf(s->fmt.elf.elf_class, s->fmt.elf.elf_data,
				      s->fmt.elf.machine, 0);
}

/* Who ran what: the process and the binary. */
static void write_exec(struct json_writer *w, const struct shim *s, const struct rec_facts *f)
{
	jw_kv_int(w, "v", 1);
	jw_kv_string(w, "time", f->now);
	jw_kv_string(w, "event", event_names[s->event]);
	jw_kv_int(w, "pid", s->pid);
	jw_kv_int(w, "ppid", s->ppid);
	jw_kv_uint(w, "uid", s->uid);
	jw_kv_uint(w, "gid", s->gid);
	if (s->euid != s->uid)
		jw_kv_uint(w, "euid", s->euid);
	kv_str_or_null(w, "cwd", f->cwd, f->c.big);
	kv_capped(w, "path", s->path, f->c.big);
	kv_capped(w, "argv0", s->argv0, f->c.big);
	jw_kv_int(w, "argc", s->path ? s->guest_argc + 1 : 0);
	jw_kv_string(w, "format", format_name(s->fmt.format));
	jw_key(w, "arch");
	f->arch ? jw_string(w, f->arch->name) : jw_null(w);
	jw_kv_string(w, "host_arch", arch_host() ? arch_host()->name : "unknown");
	elf_object(w, s, &f->c);
	go_object(w, s, &f->c);
}

/* What the shim decided, and how the emulator got the process
 * (shim/mapped.c). */
static void write_decision(struct json_writer *w, const struct shim *s,
			   const struct rec_facts *f)
{
	kv_str_or_null(w, "emulator", s->route.emulator, f->c.small);
	kv_str_or_null(w, "sysroot", s->route.sysroot, f->c.small);
	jw_kv_string(w, "decision", decision_names[s->event]);
	jw_kv_string(w, "reason_code", why_names[s->why]);
	kv_capped(w, "reason", s->reason, f->c.big);
	if (s->why != WHY_NONE)
		kv_capped(w, "fix", s->fix, f->c.big);
	jw_key(w, "binfmt");
	jw_object_begin(w);
	jw_kv_bool(w, "preserve_argv0", s->preserve_argv0);
	jw_kv_bool(w, "execfd", s->execfd >= 0);
	jw_kv_bool(w, "secure", s->secure);
	jw_object_end(w);
	jw_kv_string(w, "via", s->via ? s->via : "binfmt");
	if (s->verify_run)
		jw_kv_bool(w, "verify", true);
	if (!s->emu.handoff)
		return;
	jw_kv_string(w, "handoff", shim_handoff_name(s->emu.handoff));
	jw_kv_string(w, "emulator_from", s->emu.pinned ? "pinned" : "path");
	if (s->emu.why[0])
		kv_capped(w, "handoff_why", s->emu.why, f->c.small);
	if (s->emu.pinned && s->emu.stale)
		jw_kv_bool(w, "emulator_stale", true);
	/* The registered interpreter carries an emulator the shim would not
	 * map (its owner or mode, its trailer): said, as the emulator found
	 * by its path ran instead. */
	if (!s->emu.pinned && s->emu.pinned_error[0])
		kv_capped(w, "pinned_refused", s->emu.pinned_error, f->c.small);
}

/* The config files' errors, and where this record (and the system's) went. */
static void write_sinks(struct json_writer *w, const struct shim *s, const struct rec_facts *f)
{
	if (s->config_rc != 0 && s->config_rc != -ENOENT) {
		kv_capped(w, "config", s->config_path, f->c.small);
		jw_kv_uint(w, "config_errors", s->config_rc == -EINVAL ? s->cfg.nerrors : 1);
	}
	if (s->uconfig_path && s->uconfig_rc != 0 && s->uconfig_rc != -ENOENT) {
		kv_capped(w, "user_config", s->uconfig_path, f->c.small);
		jw_kv_uint(w, "user_config_errors",
			   s->uconfig_rc == -EINVAL ? s->ucfg.nerrors : 1);
	}
	if (f->unrecorded)
		jw_kv_uint(w, "unrecorded_before", f->unrecorded);
	jw_kv_string(w, "sink", f->sink);
	/* The caller's copy says where the system record went, which the
	 * caller cannot read: `binfmt-shim verify` reports it. */
	if (!strcmp(f->sink, "user")) {
		jw_key(w, "system_sink");
		s->system_sink ? jw_string(w, s->system_sink) : jw_null(w);
	}
	if (s->sink_error[0])
		kv_capped(w, "sink_error", s->sink_error, f->c.small);
	if (s->collector_error[0])
		kv_capped(w, "collector_error", s->collector_error, f->c.small);
}

/* The record for sink into buf: its length, or -ENOSPC when it does not fit. */
static int build(const struct shim *s, const char *sink, unsigned long long unrecorded,
		 char *buf, size_t cap)
{
	struct rec_facts f;
	struct json_writer w;

	gather(s, sink, unrecorded, &f);
	jw_init(&w, buf, cap);
	jw_object_begin(&w);
	write_exec(&w, s, &f);
	write_decision(&w, s, &f);
	write_sinks(&w, s, &f);
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

/* Append one record to path; 0, or -errno with the reason in err[]. */
static int write_file(const char *path, const char *rec, size_t len, char *err, size_t errlen)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	ssize_t n;
	int fd, e = 0;

	fd = shim_open(path, flags, 0640);
	if (fd < 0 && errno == ENOENT) {
		make_parent(path);
		fd = shim_open(path, flags, 0640);
	}
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	n = write(fd, rec, len);
	if (n != (ssize_t)len) {
		e = n < 0 ? errno : ENOSPC;
		/* A short write (disk full mid-record) leaves a partial line:
		 * end it, so the next record starts on a line of its own and a
		 * reader can count the damaged one. */
		if (n > 0)
			(void)!write(fd, "\n", 1);
		snprintf(err, errlen, "%s: %s%s", path, n > 0 ? "short write: " : "",
			 strerror(e));
	}
	close(fd);
	return -e;
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

/*
 * The count of this uid's execs that no destination recorded: open for
 * reading and clearing when the next record goes out, -1 when there is
 * none. Only a regular file of this uid's own, with one link, counts: a
 * file another user planted (or a link to one) is not ours to read or
 * truncate. Not for secure execs, whose credentials are not the caller's.
 */
static int unrecorded_open(const struct shim *s, int flags, char *path, size_t len)
{
	struct stat st;
	int fd;

	if (s->secure)
		return -1;
	snprintf(path, len, UNRECORDED_FMT, s->uid);
	fd = shim_open(path, flags | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != s->uid ||
	    st.st_nlink != 1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Nothing took the system record: one more byte in this uid's count. */
static void count_unrecorded(const struct shim *s)
{
	char path[64];
	int fd = unrecorded_open(s, O_WRONLY | O_APPEND | O_CREAT, path, sizeof(path));

	if (fd < 0)
		return;
	(void)!write(fd, "x", 1);
	close(fd);
}

static void system_record(struct shim *s, char *rec, size_t cap)
{
	unsigned long long unrecorded = 0;
	char path[64];
	struct stat st;
	size_t n;
	int len, err, ufd;

	s->system_sink = NULL;
	ufd = s->emu.foreign_root ? -1 : unrecorded_open(s, O_RDWR, path, sizeof(path));
	if (ufd >= 0 && fstat(ufd, &st) == 0)
		unrecorded = (unsigned long long)st.st_size;
	/* The collector first: it vouches for the record and tracks the run.
	 * Not from a chroot or container (a foreign root, shim/mapped.c): the
	 * socket there is the container's, and the host's collector records
	 * this exec from the kernel's process events (shimd/procwatch.c);
	 * sending too would record it twice. */
	if (s->cfg.socket[0] && !s->emu.foreign_root) {
		len = build(s, "collector", unrecorded, rec, cap);
		err = len < 0 ? -EMSGSIZE : shim_collector_send(s, rec, (size_t)len);
		if (!err) {
			s->logged = true;
			s->system_sink = "collector";
			goto out;
		}
		/* No collector at the default socket is the normal state of a
		 * host without one: not an error worth a field in every record. */
		if (!s->cfg.socket_set && (err == -ENOENT || err == -ECONNREFUSED))
			s->collector_error[0] = '\0';
	}
	/* In a chroot or container (shim/mapped.c: its "/" is not the one
	 * register ran in) the log path and /dev/log are the container's,
	 * not the host's: no record goes there, and no loss is counted in
	 * its /var/tmp. The host learns of the exec from the collector. */
	if (s->emu.foreign_root) {
		snprintf(s->sink_error, sizeof(s->sink_error),
			 "in a chroot or container: the host's log is not reachable");
		if (ufd >= 0)
			close(ufd);
		return;
	}
	len = build(s, "file", unrecorded, rec, cap);
	if (len < 0) {
		/* Cannot happen with the field caps; keep a record anyway. */
		snprintf(s->sink_error, sizeof(s->sink_error), "record too large");
	} else if (write_file(s->log_path, rec, (size_t)len, s->sink_error,
			      sizeof(s->sink_error)) == 0) {
		s->logged = true;
		s->system_sink = "file";
		goto out;
	}
	len = build(s, "syslog", unrecorded, rec, cap);
	err = len < 0 ? -EMSGSIZE : write_syslog(rec, (size_t)len);
	if (err == 0) {
		s->logged = true;
		s->system_sink = "syslog";
		goto out;
	}
	n = strlen(s->sink_error);
	snprintf(s->sink_error + n, sizeof(s->sink_error) - n, "; syslog: %s",
		 strerror(-err));
out:
	if (ufd >= 0) {
		/* Counted now; a loss appended since the fstat is cleared with
		 * it (the count is "at least"). */
		if (s->logged && unrecorded)
			(void)!ftruncate(ufd, 0);
		close(ufd);
	}
	if (!s->logged)
		count_unrecorded(s);
}

/*
 * The system record goes to the collector, else the log file, else
 * syslog; nothing the caller sets can take it away. A caller's copy
 * (BINFMT_SHIM_LOG, or [log] path of BINFMT_SHIM_CONFIG, when the system
 * config has no [users] override) is written as well; it does not count
 * as the record.
 */
void shim_record(struct shim *s)
{
	static char rec[RECORD_MAX];
	char err[160];
	int len;

	system_record(s, rec, sizeof(rec));
	if (!s->user_log)
		return;
	len = build(s, "user", 0, rec, sizeof(rec));
	if (len >= 0)
		(void)write_file(s->user_log, rec, (size_t)len, err, sizeof(err));
}
