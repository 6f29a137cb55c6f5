// SPDX-License-Identifier: GPL-2.0
/*
 * Nothing an unprivileged user controls reaches the terminal as a control:
 * binfmt-shim log (table, --stats, the collector's lost/rejected notices),
 * explain, status, verify and the shim's own diagnostic run on a pty
 * (tests/lib/ptyrun.h: the program believes it writes to a terminal) with
 * hostile records, file names, PT_INTERP strings and binfmt_misc entries,
 * and every byte they write is checked: no C0 control but tab and
 * newline, no DEL, no byte 80..9f (raw C1, or U+0080..U+009F in UTF-8).
 * Each test also finds the escaped form, so a row that was never printed
 * cannot pass. And status names the execs of other users that would be
 * recorded nowhere, with and without a real collector listening.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "../unit/elf_img.h"
#include "ptyrun.h"
#include "termsafe.h"
#include "test_loader.h"
#include "shimdenv.h"
#include "test_sink.h"

#define TTY_OUT_MAX (256 * 1024)

struct tty {
	int status;			/* exit status, -1: did not exit */
	size_t len;
	char out[TTY_OUT_MAX];		/* stdout and stderr, as the terminal got them */
};
static struct tty t;
static struct cli_result reg;

/* Run argv on a pty, colours off (NO_COLOR: the table's own SGR codes are
 * the program's layout, not data; without them every ESC is a leak). */
static int tty_runv(struct tty *r, char *const argv[])
{
	int st;

	setenv("NO_COLOR", "1", 1);
	st = pty_run(argv, r->out, sizeof(r->out), &r->len);
	r->status = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return r->status;
}

/* The CLI with the NULL-terminated arguments, on a pty. */
static int tty_cli(struct tty *r, ...)
{
	char *argv[32];
	const char *a;
	va_list ap;
	int n = 0;

	argv[n++] = (char *)cli_path();
	va_start(ap, r);
	while ((a = va_arg(ap, const char *)) && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return tty_runv(r, argv);
}

/* Where the first control is, shown escaped (the test log is a terminal
 * too). */
static const char *where(const struct tty *r, long at)
{
	static char buf[512];
	size_t from = at > 40 ? (size_t)at - 40 : 0;
	size_t n = r->len - from < 80 ? r->len - from : 80;

	ts_escape(r->out + from, n, TS_NL, buf, sizeof(buf));
	return buf;
}

#define ASSERT_TTY_CLEAN(r)						\
	do {								\
		long at_ = pty_first_control((r)->out, (r)->len);	\
		ASSERT_EQ(-1, at_) TH_LOG("byte %02x at %ld: ...%s...",	\
			(unsigned char)(r)->out[at_ < 0 ? 0 : at_], at_,	\
			where((r), at_));				\
	} while (0)

/* The output, escaped, for a failure message. */
static const char *shown(const struct tty *r)
{
	static char buf[TS_GROWTH * 8192 + 1];

	ts_escape(r->out, r->len < 8192 ? r->len : 8192, TS_NL, buf, sizeof(buf));
	return buf;
}

#define EXPECT_SHOWS(r, text)						\
	EXPECT_NE(NULL, strstr((r)->out, text)) TH_LOG("no '%s' in:\n%s", text, shown(r))

/* A private user, mount and binfmt_misc namespace, /tmp a private tmpfs
 * (nothing left on the host), and dir[] a directory in it. */
#define PRIVATE_TMP_OR_SKIP(dir)					\
	do {								\
		PRIVATE_OR_SKIP();					\
		ASSERT_EQ(0, tl_private_tmp());	\
		snprintf(dir, sizeof(dir), "/tmp/bshim-tty");		\
		ASSERT_EQ(0, mkdir(dir, 0755));				\
	} while (0)

static int write_file(const char *path, const void *data, size_t len, unsigned mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/*
 * Records a user who can write to the log (or whose shim wrote it) may
 * leave: OSC and CSI sequences, backspaces over the arch, C1 controls as
 * UTF-8 (C2 9B, C2 9D) and as the shim's raw-byte escape (\u009b: the
 * byte 9b), a right-to-left override, and the same in the collector's
 * lost and rejected notices.
 */
static const char hostile_log[] =
"{\"v\":1,\"time\":\"2026-11-27T10:00:00Z\",\"event\":\"exec\",\"pid\":201,\"uid\":0,\"gid\":0,"
"\"path\":\"/tmp/\\u001b]0;owned\\u0007\\u001b[2Jevil\",\"arch\":\"arm\\b\\b\\bx86_64\","
"\"emulator\":\"/usr/bin/qemu-\\u001b[31maarch64\",\"decision\":\"run\",\"reason_code\":\"ok\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:00:01Z\",\"event\":\"exec\",\"pid\":202,\"uid\":0,\"gid\":0,"
"\"path\":\"/tmp/c1-\xc2\x9b" "31m-csi\",\"arch\":\"\xe2\x80\xae" "46hcraa\","
"\"emulator\":\"/x/q\xc2\x9d" "0;t\xc2\x9c\",\"decision\":\"run\",\"reason_code\":\"ok\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:00:02Z\",\"event\":\"exec\",\"pid\":203,\"uid\":0,\"gid\":0,"
"\"path\":\"/tmp/raw-\\u009b" "31m\",\"arch\":\"aarch64\",\"emulator\":\"/usr/bin/qemu-aarch64\","
"\"decision\":\"run\",\"reason_code\":\"ok\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:00:03Z\",\"event\":\"fail\",\"pid\":204,\"uid\":0,\"gid\":0,"
"\"path\":\"/tmp/why\\u001b[5m\",\"arch\":\"aarch64\",\"emulator\":null,\"decision\":\"fail\","
"\"reason_code\":\"\\u001b]0;pwn\\u0007x\"}\n"
"{\"v\":1,\"time\":\"2026-11-27T10:00:04Z\",\"event\":\"deny\",\"pid\":205,\"uid\":0,\"gid\":0,"
"\"path\":\"/tmp/deny\",\"arch\":\"aarch64\",\"emulator\":null,\"decision\":\"deny\","
"\"reason_code\":\"\xc2\x9b" "2J\"}\n"
"{\"v\":1,\"event\":\"lost\",\"count\":3,\"reason\":\"\\u001b[2J\\u001b]0;lost\\u0007 disk\"}\n"
"{\"v\":1,\"event\":\"rejected\",\"count\":2,\"reason\":\"\xc2\x9b" "1;31m\\u007f\",\"source\":\"collector\"}\n";

/* The display column where the PATH field of each table row starts (one
 * column per character: the escaped text is ASCII). */
static int path_columns_agree(const char *out, char *why, size_t whylen)
{
	const char *line = out, *nl, *p;
	long col = -1, c;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (strncmp(line, "TIME (UTC)", 10) && strncmp(line, "2026-", 5))
			continue;
		p = !strncmp(line, "TIME", 4) ? strstr(line, "PATH") : strstr(line, "/tmp/");
		if (!p || p > nl)
			continue;
		c = (long)ts_cols(line, (size_t)(p - line));
		if (col < 0)
			col = c;
		else if (c != col) {
			snprintf(why, whylen, "PATH at column %ld, not %ld: %.*s", c, col,
				 (int)(nl - line), line);
			return 0;
		}
	}
	snprintf(why, whylen, "no table rows");
	return col >= 0;
}

TEST(log_table_and_warnings)
{
	char dir[64], log[128], why[512];

	CLI_OR_SKIP();
	PRIVATE_TMP_OR_SKIP(dir);
	snprintf(log, sizeof(log), "%s/exec.jsonl", dir);
	ASSERT_EQ(0, write_file(log, hostile_log, sizeof(hostile_log) - 1, 0644));
	ASSERT_EQ(0, tty_cli(&t, "log", "--file", log, NULL)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "/tmp/\\x1b]0;owned\\x07\\x1b[2Jevil");
	EXPECT_SHOWS(&t, "/tmp/c1-\\u009b31m-csi");
	EXPECT_SHOWS(&t, "/tmp/raw-\\x9b31m");
	/* ARCH is cut at 12 columns, between escapes. */
	EXPECT_SHOWS(&t, " arm\\x08\\x08  ");
	EXPECT_SHOWS(&t, " \\u202e46hcra ");
	EXPECT_SHOWS(&t, " qemu-\\x1b[31maarch64 ");
	EXPECT_SHOWS(&t, " q\\u009d0;t\\u009c ");
	/* The collector's notices, on stderr. */
	EXPECT_SHOWS(&t, "lost 3 record(s) (\\x1b[2J\\x1b]0;lost\\x07 disk)");
	EXPECT_SHOWS(&t, "rejected 2 message(s) (\\u009b1;31m\\x7f)");
	/* The columns count the escaped text. */
	EXPECT_TRUE(path_columns_agree(t.out, why, sizeof(why))) TH_LOG("%s", why);
}

TEST(log_stats)
{
	char dir[64], log[128];
	const char *a, *b, *la, *lb;

	CLI_OR_SKIP();
	PRIVATE_TMP_OR_SKIP(dir);
	snprintf(log, sizeof(log), "%s/exec.jsonl", dir);
	ASSERT_EQ(0, write_file(log, hostile_log, sizeof(hostile_log) - 1, 0644));
	ASSERT_EQ(0, tty_cli(&t, "log", "--stats", "--file", log, NULL)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "failed \\x1b]0;pwn\\x07x");
	EXPECT_SHOWS(&t, "denied \\u009b2J");
	EXPECT_SHOWS(&t, "/tmp/why\\x1b[5m");
	EXPECT_SHOWS(&t, "arm\\x08\\x08\\x08x86_64");
	EXPECT_SHOWS(&t, "\\u202e46hcraa");
	/* The EXAMPLE column starts where it starts on the other row. */
	a = strstr(t.out, "failed \\x1b");
	b = strstr(t.out, "denied \\u009b");
	ASSERT_TRUE(a && b);
	for (la = a; la > t.out && la[-1] != '\n'; la--)
		;
	for (lb = b; lb > t.out && lb[-1] != '\n'; lb--)
		;
	EXPECT_EQ(strstr(a, "/tmp/why") - la, strstr(b, "/tmp/deny") - lb)
		TH_LOG("%s", shown(&t));
}

/* --json is the writer's business: never a raw C0 byte in any case. */
TEST(log_json_has_no_raw_c0)
{
	char dir[64], log[128];
	size_t i;

	CLI_OR_SKIP();
	PRIVATE_TMP_OR_SKIP(dir);
	snprintf(log, sizeof(log), "%s/exec.jsonl", dir);
	ASSERT_EQ(0, write_file(log, hostile_log, sizeof(hostile_log) - 1, 0644));
	ASSERT_EQ(0, tty_cli(&t, "log", "--json", "--file", log, NULL));
	EXPECT_SHOWS(&t, "\\u001b]0;owned\\u0007");
	for (i = 0; i < t.len; i++)
		if ((unsigned char)t.out[i] < 0x20 && t.out[i] != '\n')
			break;
	EXPECT_EQ(t.len, i) TH_LOG("raw %02x at %zu", (unsigned char)t.out[i], i);
}

/* An x86_64 ELF (the host's own: no emulator, no registration) whose
 * PT_INTERP, a loader that is not there, holds OSC, CSI and a UTF-8 C1. */
#define HOSTILE_INTERP "/lib/\x1b]0;pwned\x07\x1b[2J\xc2\x9b" "31mld.so"

static int write_hostile_elf(const char *path)
{
	struct img m;

	mk(&m, 2, 1, 3, 62, 0);			/* ELF64 LSB ET_DYN x86-64 */
	add_interp(&m, 512, HOSTILE_INTERP);
	return write_file(path, m.b, m.len, 0755);
}

TEST(explain_hostile_interp)
{
	char dir[64], elf[128];

	CLI_OR_SKIP();
	PRIVATE_TMP_OR_SKIP(dir);
	snprintf(elf, sizeof(elf), "%s/prog\x1b[8m", dir);
	ASSERT_EQ(0, write_hostile_elf(elf));
	EXPECT_EQ(1, tty_cli(&t, "explain", elf, NULL)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "/tmp/bshim-tty/prog\\x1b[8m\n");
	EXPECT_SHOWS(&t, "  verdict:  broken: the host runs x86_64 natively, but the "
		     "loader /lib/\\x1b]0;pwned\\x07\\x1b[2J\\u009b31mld.so is missing");
}

/* The shim's own diagnostic, run by hand on the same file under a hostile
 * name (the shim needs no registration to explain why it cannot run it). */
TEST(shim_diagnostic)
{
	char dir[64], elf[128], shim[512];
	char *argv[] = { shim, elf, NULL };

	tl_build("shim", shim, sizeof(shim));
	if (!tl_have(shim))
		SKIP(return, "build/shim is not built");
	PRIVATE_TMP_OR_SKIP(dir);
	snprintf(elf, sizeof(elf), "%s/x\x1b]0;t\x07-\xc2\x9b" "31m.elf", dir);
	ASSERT_EQ(0, write_hostile_elf(elf));
	EXPECT_EQ(126, tty_runv(&t, argv)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "binfmt-shim: cannot run /tmp/bshim-tty/x\\x1b]0;t\\x07-\\u009b31m.elf: ");
	EXPECT_SHOWS(&t, "\\u009b31mld.so");
	EXPECT_SHOWS(&t, "  fix:    ");
}

/* An entry anyone may register in their own user namespace's binfmt_misc:
 * its name, interpreter and magic all theirs to choose. It matches
 * e_machine 183 (EM_AARCH64, little-endian, at offset 18) and, registered
 * last, shadows ours; the host's own programs stay out of its reach. */
#define HOSTILE_ENTRY "bshim-\x1b[2J\xc2\x9b" "31m"
#define HOSTILE_REG ":" HOSTILE_ENTRY ":M:18:\\xb7\\x00::/nonexistent/\x1b]0;t\x07\xc2\x9d:"

TEST(status_and_verify_hostile_entry)
{
	char dir[64], shim[512];
	int fd;

	CLI_OR_SKIP();
	tl_build("shim", shim, sizeof(shim));
	if (!tl_have(shim))
		SKIP(return, "build/shim is not built");
	PRIVATE_TMP_OR_SKIP(dir);
	fd = sink_fake_collector(dir);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cli_run(&reg, "register", "--shim", shim, "aarch64", NULL))
		TH_LOG("%s", reg.err);
	ASSERT_EQ(0, tl_register(HOSTILE_REG));
	EXPECT_EQ(1, tty_cli(&t, "status", NULL)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "\nbshim-\\x1b[2J\\u009b31m: enabled");
	EXPECT_SHOWS(&t, "interpreter /nonexistent/\\x1b]0;t\\x07\\u009d (MISSING)");
	EXPECT_SHOWS(&t, "shadowed by bshim-\\x1b[2J\\u009b31m for aarch64");

	EXPECT_EQ(1, tty_cli(&t, "verify", "aarch64", NULL)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "the kernel picks bshim-\\x1b[2J\\u009b31m, not binfmt-shim-aarch64");
	close(fd);
}

/* A file named with U+009B and U+009D, run through the real shim in a
 * private binfmt_misc, then shown by log from the shim's own record. */
TEST(shim_record_of_c1_file_name)
{
	static const char *const arches[] = { "arm", NULL };
	char why[256], src[512], bin[512];
	char *argv[] = { bin, "exit", "0", NULL };
	struct shimenv e;
	int rc, st;

	CLI_OR_SKIP();
	rc = se_setup(&e, "FP", arches, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	tl_fixture("c/arm-linux-gnueabihf-static", src, sizeof(src));
	if (!tl_have(src)) {
		se_teardown(&e);
		SKIP(return, "%s missing: run make fixtures", src);
	}
	ASSERT_NE(NULL, se_copy(&e, src, "c1-\xc2\x9b" "31m-\xc2\x9d" "0;t\xc2\x9c.bin",
				bin, sizeof(bin)));
	st = tl_runv(bin, argv, NULL, 0, NULL, 0, NULL, 0);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_EQ(0, tty_cli(&t, "log", "--file", e.log, NULL)) TH_LOG("%s", shown(&t));
	EXPECT_SHOWS(&t, "/c1-\\u009b31m-\\u009d0;t\\u009c.bin\n");
	se_teardown(&e);
	ASSERT_TTY_CLEAN(&t);
}

/* status: with the collector's socket configured but nothing listening
 * (and no syslog, a log only root may write) the execs of other users go
 * nowhere: said, with the fix, exit 1; with the real binfmt-shimd
 * listening they go to it: exit 0. */
TEST(status_other_users_recorded_nowhere)
{
	struct shimd_env s;
	struct cli_result *r = calloc(1, sizeof(*r));
	char why[256], conf[512];
	int rc;

	CLI_OR_SKIP();
	ASSERT_NE(NULL, r);
	rc = sd_setup(&s, why, sizeof(why));
	SETUP_OR_SKIP(rc, why);
	ASSERT_EQ(0, sink_hide_devlog(s.e.dir));
	snprintf(conf, sizeof(conf), "[log]\nsocket = %s\npath = %s\n", s.sock, s.e.log);
	ASSERT_EQ(0, se_config(&s.e, conf));

	EXPECT_EQ(1, tty_cli(&t, "status", NULL)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "execs by users other than root are recorded nowhere: "
		     "the collector socket ");
	EXPECT_SHOWS(&t, "/shimd.sock is not listening");
	EXPECT_SHOWS(&t, "(fix: systemctl enable --now binfmt-shimd.socket");
	EXPECT_SHOWS(&t, "other users: recorded in NOTHING");
	EXPECT_EQ(1, cli_run(r, "status", "--json", NULL));
	EXPECT_NE(NULL, strstr(r->out, "\"findings\":[\"execs by users other than root "
			       "are recorded nowhere")) TH_LOG("%s", r->out);
	EXPECT_NE(NULL, strstr(r->out, "\"other_users_recorded_in\":null"));
	EXPECT_NE(NULL, strstr(r->out, "\"listening\":false"));

	ASSERT_EQ(0, sd_start(&s)) TH_LOG("binfmt-shimd did not start");
	EXPECT_EQ(0, tty_cli(&t, "status", NULL)) TH_LOG("%s", shown(&t));
	ASSERT_TTY_CLEAN(&t);
	EXPECT_SHOWS(&t, "/shimd.sock (listening)");
	EXPECT_SHOWS(&t, "other users: recorded in the collector");
	EXPECT_EQ(NULL, strstr(t.out, "recorded nowhere"));
	EXPECT_EQ(0, cli_run(r, "status", "--json", NULL)) TH_LOG("%s", r->out);
	EXPECT_NE(NULL, strstr(r->out, "\"findings\":[]"));
	EXPECT_NE(NULL, strstr(r->out, "\"other_users_recorded_in\":\"the collector\""));

	/* No socket configured (or, once it has a default, its default
	 * path, where nothing listens here): recorded nowhere still. */
	snprintf(conf, sizeof(conf), "[log]\npath = %s\n", s.e.log);
	ASSERT_EQ(0, se_config(&s.e, conf));
	EXPECT_EQ(1, cli_run(r, "status", NULL)) TH_LOG("%s", r->out);
	EXPECT_NE(NULL, strstr(r->out, "recorded nowhere")) TH_LOG("%s", r->out);
	sd_teardown(&s);
	free(r);
}

TEST_HARNESS_MAIN
