// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt-shim register / unregister / status / persist / usage errors, each
 * test in its own private binfmt_misc instance (tl_private_binfmt).
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "harness_timeout.h"

#include "arch.h"
#include "binfmt.h"
#include "test_loader.h"
#include "test_sink.h"

static struct cli_result r;

/* A static interpreter for entries with F: our shim when built, else
 * busybox (static in Debian's busybox-static). The register tests never
 * exec through the entry, so any static ELF will do. */
static const char *static_interp(void)
{
	static char path[4096];

	tl_build("shim", path, sizeof(path));
	if (tl_have(path))
		return path;
	return "/bin/busybox";
}

TEST(register_then_again_changes_nothing)
{
	char state[64], line[512];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", "riscv64", "linux/s390x", NULL))
		TH_LOG("%s%s", r.out, r.err);
	EXPECT_NE(NULL, strstr(cli_line(r.out, "add ", line, sizeof(line)),
			       "binfmt-shim-aarch64"));
	EXPECT_TRUE(bm_has("binfmt-shim-aarch64"));
	EXPECT_TRUE(bm_has("binfmt-shim-riscv64"));
	EXPECT_TRUE(bm_has("binfmt-shim-s390x"));	/* alias linux/s390x */
	EXPECT_FALSE(bm_has("binfmt-shim-arm"));

	/* Second run: every entry kept, nothing added or replaced. */
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", "riscv64", "s390x", NULL));
	EXPECT_EQ(NULL, strstr(r.out, "add "));
	EXPECT_EQ(NULL, strstr(r.out, "replace "));
	EXPECT_NE(NULL, strstr(r.out, "keep      aarch64"));
	EXPECT_NE(NULL, strstr(r.out, "keep      s390x"));

	/* Different flags: a replace, then kept again. */
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "--flags", "F", "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.out, "replace   aarch64"));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "--flags", "F", "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.out, "keep      aarch64"));

	/* unregister twice: the second run has nothing to do. */
	ASSERT_EQ(0, cli_run(&r, "unregister", "aarch64", NULL));
	EXPECT_FALSE(bm_has("binfmt-shim-aarch64"));
	EXPECT_TRUE(bm_has("binfmt-shim-riscv64"));
	ASSERT_EQ(0, cli_run(&r, "unregister", NULL));
	EXPECT_FALSE(bm_has("binfmt-shim-riscv64"));
	EXPECT_FALSE(bm_has("binfmt-shim-s390x"));
	ASSERT_EQ(0, cli_run(&r, "unregister", NULL));
	EXPECT_NE(NULL, strstr(r.out, "nothing to do"));
}

TEST(register_mounts_binfmt_misc_when_absent)
{
	char why[256], state[64];
	int fd;

	CLI_OR_SKIP();
	/* A namespace with binfmt_misc unmounted at the mount point. */
	if (tl_private_binfmt(why, sizeof(why)) < 0)
		SKIP(return, "%s", why);
	if (umount2(BINFMT_MNT, MNT_DETACH) < 0)
		SKIP(return, "cannot unmount the private instance");
	/* Still a binfmt_misc underneath (the host's)? Then not absent. */
	fd = open(BINFMT_MNT "/status", O_RDONLY);
	if (fd >= 0) {
		close(fd);
		SKIP(return, "the host's binfmt_misc is mounted underneath");
	}
	cli_private_state(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "riscv64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "mounted binfmt_misc"));
	EXPECT_TRUE(bm_has("binfmt-shim-riscv64"));
}

TEST(register_mounts_own_instance_over_a_foreign_one)
{
	char why[256], state[64];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	/* The instance mounted now belongs to this namespace; a nested
	 * user namespace sees it as another namespace's. */
	if (tl_private_binfmt(why, sizeof(why)) < 0)
		SKIP(return, "no nested namespace: %s", why);
	/* tl_private_binfmt mounted the nested one's own: make the parent's
	 * visible again by unmounting it. */
	ASSERT_EQ(0, umount2(BINFMT_MNT, MNT_DETACH));
	cli_private_state(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "riscv64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "belongs to another user namespace"))
		TH_LOG("%s", r.err);
	EXPECT_TRUE(bm_has("binfmt-shim-riscv64"));
}

TEST(dry_run_prints_the_plan_and_changes_nothing)
{
	char state[64], line[1024];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	/* A private /tmp: the state, config and socket leave nothing. */
	ASSERT_EQ(0, tl_private_tmp());
	cli_private_state(state, sizeof(state));
	/* status exits 1 when other users' execs go unrecorded. */
	ASSERT_LE(0, sink_fake_collector(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", NULL));
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--shim",
			     static_interp(), "aarch64", "arm64", "mips",
			     "x86_64", NULL)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(cli_line(r.out, "keep ", line, sizeof(line)),
			       "binfmt-shim-aarch64"));
	EXPECT_NE(NULL, strstr(cli_line(r.out, "add ", line, sizeof(line)),
			       "binfmt-shim-mips"));
	EXPECT_NE(NULL, strstr(cli_line(r.out, "skip ", line, sizeof(line)),
			       "x86_64")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "dry run"));
	EXPECT_FALSE(bm_has("binfmt-shim-mips"));

	/* A flag change shows as replace, still without changing it. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--flags", "FPO",
			     "--shim", static_interp(), "aarch64", NULL));
	EXPECT_NE(NULL, strstr(cli_line(r.out, "replace ", line, sizeof(line)),
			       "flags PF -> POF")) TH_LOG("%s", r.out);
	EXPECT_EQ(0, cli_run(&r, "status", "--json", NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"flags\":\"PF\""));

	/* JSON plan. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--json", "--shim",
			     static_interp(), "mips", NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"action\":\"add\",\"arch\":\"mips\""))
		TH_LOG("%s", r.out);
}

/* Debian's own line, as qemu-user-static installs it. */
static int qemu_aarch64_line(char *buf, size_t len)
{
	long n = tl_read_file("/usr/lib/binfmt.d/qemu-aarch64.conf", buf, len);

	if (n <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

TEST(conflict_with_debian_qemu_entry_and_replace)
{
	char state[64], line[2048], st[64];

	CLI_OR_SKIP();
	if (qemu_aarch64_line(line, sizeof(line)) < 0)
		SKIP(return, "no /usr/lib/binfmt.d/qemu-aarch64.conf (qemu-user-static)");
	PRIVATE_OR_SKIP();
	ASSERT_EQ(0, tl_private_tmp());
	cli_private_state(state, sizeof(state));
	ASSERT_LE(0, sink_fake_collector(state));
	ASSERT_EQ(0, tl_register(line));

	/* Before: reported, ours will win (registered later), nothing
	 * disabled. */
	ASSERT_EQ(0, cli_run(&r, "register", "--dry-run", "--shim",
			     static_interp(), "aarch64", NULL));
	cli_line(r.out, "conflict ", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "qemu-aarch64")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(line, "kernel picks binfmt-shim-aarch64"));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", NULL));
	EXPECT_STREQ("enabled", bm_state("qemu-aarch64", st, sizeof(st)));
	ASSERT_EQ(0, cli_run(&r, "status", NULL));
	EXPECT_NE(NULL, strstr(r.out, "overlaps    qemu-aarch64"));

	/* --replace: qemu-aarch64 disabled and remembered. */
	ASSERT_EQ(0, cli_run(&r, "register", "--replace", "--shim",
			     static_interp(), "aarch64", NULL));
	EXPECT_STREQ("disabled", bm_state("qemu-aarch64", st, sizeof(st)));
	snprintf(line, sizeof(line), "%s/replaced", state);
	EXPECT_LT(0, tl_read_file(line, line, sizeof(line)));
	EXPECT_NE(NULL, strstr(line, "qemu-aarch64"));
	/* After: no conflict left, nothing changes on a second run. */
	ASSERT_EQ(0, cli_run(&r, "register", "--replace", "--shim",
			     static_interp(), "aarch64", NULL));
	EXPECT_EQ(NULL, strstr(r.out, "conflict"));
	EXPECT_NE(NULL, strstr(r.out, "keep "));

	/* unregister re-enables it. */
	ASSERT_EQ(0, cli_run(&r, "unregister", "--all", NULL));
	EXPECT_NE(NULL, strstr(r.out, "enable    -            qemu-aarch64"))
		TH_LOG("%s", r.out);
	EXPECT_STREQ("enabled", bm_state("qemu-aarch64", st, sizeof(st)));
	EXPECT_FALSE(bm_has("binfmt-shim-aarch64"));
}

TEST(shadowed_entry_is_broken_and_reregistered)
{
	char state[64], line[2048];

	CLI_OR_SKIP();
	if (qemu_aarch64_line(line, sizeof(line)) < 0)
		SKIP(return, "no /usr/lib/binfmt.d/qemu-aarch64.conf");
	PRIVATE_OR_SKIP();
	ASSERT_EQ(0, tl_private_tmp());
	cli_private_state(state, sizeof(state));
	ASSERT_LE(0, sink_fake_collector(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", NULL));
	ASSERT_EQ(0, tl_register(line));	/* registered later: wins */
	EXPECT_EQ(1, cli_run(&r, "status", NULL));
	EXPECT_NE(NULL, strstr(r.out, "shadowed by qemu-aarch64")) TH_LOG("%s", r.out);
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", NULL));
	EXPECT_NE(NULL, strstr(r.out, "replace   aarch64")) TH_LOG("%s", r.out);
	EXPECT_EQ(0, cli_run(&r, "status", NULL)) TH_LOG("%s", r.out);
}

TEST(status_exit_1_when_interpreter_missing)
{
	char state[64];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	/* Without F the kernel takes any path; the CLI warns. */
	ASSERT_EQ(0, cli_run(&r, "register", "--flags", "P", "--shim",
			     "/nonexistent/shim", "riscv64", NULL));
	EXPECT_NE(NULL, strstr(r.err, "not executable"));
	EXPECT_EQ(1, cli_run(&r, "status", NULL));
	EXPECT_NE(NULL, strstr(r.out, "MISSING"));
	EXPECT_NE(NULL, strstr(r.out, "BROKEN"));
	EXPECT_EQ(1, cli_run(&r, "status", "--json", NULL));
	EXPECT_NE(NULL, strstr(r.out, "\"broken\":1"));
}

TEST(refuses_dynamic_interpreter_with_F)
{
	char state[64];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	EXPECT_EQ(2, cli_run(&r, "register", "--shim", "/bin/true", "riscv64", NULL));
	EXPECT_NE(NULL, strstr(r.err, "dynamically linked")) TH_LOG("%s", r.err);
	EXPECT_FALSE(bm_has("binfmt-shim-riscv64"));
	EXPECT_EQ(2, cli_run(&r, "register", "--shim", "relative/shim", "riscv64", NULL));
	EXPECT_NE(NULL, strstr(r.err, "absolute"));
}

TEST(flags_validation_and_C_warning)
{
	char state[64];

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	EXPECT_EQ(2, cli_run(&r, "register", "--flags", "FX", "riscv64", NULL));
	EXPECT_NE(NULL, strstr(r.err, "unknown flag 'X'"));
	ASSERT_EQ(0, cli_run(&r, "register", "--flags", "FC", "--shim",
			     static_interp(), "riscv64", NULL));
	EXPECT_NE(NULL, strstr(r.err, "setuid"));
	EXPECT_NE(NULL, strstr(r.out, "flags OCF")) TH_LOG("%s", r.out);
}

TEST(usage_errors_exit_2_with_a_message)
{
	static const char *const cases[][4] = {
		{ NULL },
		{ "frobnicate", NULL },
		{ "register", NULL },			/* no arch, no --all */
		{ "register", "vax", NULL },		/* unknown arch */
		{ "register", "--all", "aarch64", NULL },
		{ "status", "extra", NULL },
		{ "explain", NULL },
		{ "status", "--bogus", NULL },
		{ "persist", "--replace", NULL },	/* not its option */
		{ "fingerprint", "--compare", NULL },	/* missing value */
	};
	size_t i;

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_run(&r, cases[i][0], cases[i][0] ? cases[i][1] : NULL,
			cases[i][0] && cases[i][1] ? cases[i][2] : NULL, NULL);
		EXPECT_EQ(2, r.status) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_LT(20, (int)strlen(r.err)) TH_LOG("case %zu: no message", i);
	}
	/* --help everywhere, exit 0. */
	EXPECT_EQ(0, cli_run(&r, "--help", NULL));
	EXPECT_NE(NULL, strstr(r.out, "register"));
	EXPECT_EQ(0, cli_run(&r, "register", "--help", NULL));
	EXPECT_NE(NULL, strstr(r.out, "--dry-run"));
	EXPECT_EQ(0, cli_run(&r, "verify", "--help", NULL));
	EXPECT_EQ(0, cli_run(&r, "persist", "--help", NULL));
}

/* echo -1 > BINFMT_MNT/name: the entry is gone, as after a reboot. */
static int remove_entry(const char *name)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), BINFMT_MNT "/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "-1", 2) != 2)
		err = -errno;
	close(fd);
	return err;
}

TEST(persist_prints_what_the_kernel_accepts)
{
	char state[64], path[] = "/tmp/bshim-persist.XXXXXX", file[128];
	static char printed[8192];
	char text[8192], *line;
	int n = 0;

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	cli_private_state(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", "mips", NULL));
	ASSERT_EQ(0, cli_run(&r, "persist", "--print", NULL));
	memcpy(printed, r.out, sizeof(printed) - 1);
	ASSERT_NE(NULL, mkdtemp(path));
	snprintf(file, sizeof(file), "%s/binfmt-shim.conf", path);
	ASSERT_EQ(0, cli_run(&r, "persist", "--output", file, NULL)) TH_LOG("%s", r.err);
	ASSERT_LT(0, tl_read_file(file, text, sizeof(text)));
	EXPECT_STREQ(printed, text);
	EXPECT_NE(NULL, strstr(r.out, "wrote "));
	/* Drop the kernel's entries as a reboot does (unregister would also
	 * delete the pinned files the lines name, loader/pinned.c), then feed
	 * the file back line by line, as systemd-binfmt does at boot: the
	 * same entries come back. */
	ASSERT_EQ(0, remove_entry("binfmt-shim-aarch64"));
	ASSERT_EQ(0, remove_entry("binfmt-shim-mips"));
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || line[0] == ';')
			continue;
		EXPECT_EQ(0, tl_register(line)) TH_LOG("%s", line);
		n++;
	}
	EXPECT_EQ(2, n);
	EXPECT_TRUE(bm_has("binfmt-shim-aarch64"));
	EXPECT_TRUE(bm_has("binfmt-shim-mips"));
	/* And register sees them as its own, unchanged. */
	ASSERT_EQ(0, cli_run(&r, "register", "--shim", static_interp(),
			     "aarch64", "mips", NULL));
	EXPECT_EQ(NULL, strstr(r.out, "add "));
	EXPECT_EQ(NULL, strstr(r.out, "replace "));
	unlink(file);
	rmdir(path);
}

/*
 * The coverage rule: for every /usr/lib/binfmt.d/qemu-*.conf, every
 * ELF header that entry matches is matched by exactly one binfmt-shim-*
 * entry, the one for the same QEMU target. Headers are sampled: the bits
 * Debian's mask leaves free set from a fixed pseudo-random sequence.
 */
TEST(every_debian_qemu_header_has_exactly_one_of_ours)
{
	struct binfmt_entry *ours = calloc(128, sizeof(*ours)), q;
	char state[64], text[4096], path[512], conf[4096];
	uint32_t seed = 12345;
	size_t nours = 0, i, nconf = 0;
	FILE *ls;

	CLI_OR_SKIP();
	PRIVATE_OR_SKIP();
	ASSERT_NE(NULL, ours);
	cli_private_state(state, sizeof(state));
	ASSERT_EQ(0, cli_run(&r, "register", "--all", "--shim", static_interp(),
			     NULL)) TH_LOG("%s", r.err);
	/* Our live entries, as the kernel reports them. */
	ls = popen("ls " BINFMT_MNT, "r");
	ASSERT_NE(NULL, ls);
	while (fgets(path, sizeof(path), ls) && nours < 128) {
		char full[sizeof(path) + 32];
		long n;

		path[strcspn(path, "\n")] = '\0';
		if (!binfmt_is_ours(path))
			continue;
		snprintf(full, sizeof(full), BINFMT_MNT "/%s", path);
		n = tl_read_file(full, text, sizeof(text));
		ASSERT_LT(0, n);
		ASSERT_EQ(0, binfmt_parse_status(path, text, (size_t)n, &ours[nours]));
		nours++;
	}
	pclose(ls);
	ASSERT_LT(20, nours);

	ls = popen("ls /usr/lib/binfmt.d/qemu-*.conf 2>/dev/null", "r");
	ASSERT_NE(NULL, ls);
	while (fgets(path, sizeof(path), ls)) {
		const char *target;
		const struct arch *ta;
		int v;

		path[strcspn(path, "\n")] = '\0';
		ASSERT_LT(0, tl_read_file(path, conf, sizeof(conf)));
		conf[strcspn(conf, "\n")] = '\0';
		ASSERT_EQ(0, binfmt_parse_register(conf, &q)) TH_LOG("%s", path);
		target = q.name + strlen("qemu-");
		ta = arch_by_name(target);
		ASSERT_NE(NULL, ta) TH_LOG("%s", target);
		if (arch_is_host_family(ta))
			continue;
		nconf++;
		for (v = 0; v < 64; v++) {
			uint8_t hdr[BINFMT_BUF_SIZE] = { 0 };
			size_t k, hits = 0;
			const struct binfmt_entry *hit = NULL;

			for (k = 0; k < q.magic_len; k++) {
				seed = seed * 1103515245u + 12345u;
				hdr[q.offset + k] = (q.magic[k] & q.mask[k]) |
					((v ? (uint8_t)(seed >> 16) : 0) & ~q.mask[k]);
			}
			/* Some Debian masks leave e_machine's high byte free
			 * (qemu-ppc64le): keep the real machine number there,
			 * a header with another e_machine is not this arch's. */
			hdr[18] = q.magic[18 - q.offset];
			hdr[19] = q.magic[19 - q.offset];
			ASSERT_TRUE(binfmt_entry_matches(&q, NULL, hdr, sizeof(hdr)));
			for (i = 0; i < nours; i++)
				if (binfmt_entry_matches(&ours[i], NULL, hdr, sizeof(hdr))) {
					hits++;
					hit = &ours[i];
				}
			EXPECT_EQ(1, hits) TH_LOG("%s variant %d: %zu of ours match",
						  q.name, v, hits);
			if (hit)
				EXPECT_EQ(ta, binfmt_arch_of(hit->name))
					TH_LOG("%s matched by %s", q.name, hit->name);
		}
	}
	pclose(ls);
	EXPECT_LT(20, nconf);
	free(ours);
}

TEST_HARNESS_MAIN
