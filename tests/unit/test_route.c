// SPDX-License-Identifier: GPL-2.0
/* Emulator and sysroot choice over a table of paths standing for the
 * file system: the same code the shim runs with stat(2). */
#include <string.h>

#include "kselftest_harness.h"

#include "route.h"

struct fake_fs {
	const char *const *exec;	/* executable files */
	const char *const *files;	/* plain files */
};

static int in(const char *const *list, const char *path)
{
	for (; list && *list; list++)
		if (strcmp(*list, path) == 0)
			return 1;
	return 0;
}

static enum route_stat fake_stat(void *ctx, const char *path)
{
	const struct fake_fs *fs = ctx;

	if (in(fs->exec, path))
		return ROUTE_EXECUTABLE;
	return in(fs->files, path) ? ROUTE_FILE : ROUTE_MISSING;
}

static struct elf_info dyn(const char *arch, const char *interp, enum elf_float fl)
{
	struct elf_info ei;

	memset(&ei, 0, sizeof(ei));
	ei.arch = arch_by_name(arch);
	ei.has_interp = interp != NULL;
	if (interp)
		strcpy(ei.interp, interp);
	ei.float_abi = fl;
	return ei;
}

TEST(emulator_search_order)
{
	static const char *const both[] = {
		"/usr/local/bin/qemu-aarch64-static", "/usr/bin/qemu-aarch64", NULL };
	static const char *const plain[] = { "/usr/bin/qemu-riscv64", NULL };
	struct fake_fs fs = { .exec = both };
	struct route r;

	ASSERT_EQ(0, route_emulator(arch_by_name("aarch64"), NULL, fake_stat, &fs, &r));
	EXPECT_STREQ("/usr/local/bin/qemu-aarch64-static", r.emulator);
	fs.exec = plain;
	ASSERT_EQ(0, route_emulator(arch_by_name("riscv64"), NULL, fake_stat, &fs, &r));
	EXPECT_STREQ("/usr/bin/qemu-riscv64", r.emulator);
	EXPECT_EQ(-ENOENT, route_emulator(arch_by_name("s390x"), NULL, fake_stat, &fs, &r));
	EXPECT_STREQ("", r.emulator);
	EXPECT_NE(NULL, strstr(r.searched, "/usr/bin/qemu-s390x-static"));
	EXPECT_NE(NULL, strstr(r.searched, "/usr/libexec/qemu-binfmt/qemu-s390x"));
}

TEST(configured_emulator_is_authoritative)
{
	static const char *const exec[] = { "/usr/bin/qemu-aarch64-static", NULL };
	static const char *const files[] = { "/opt/qemu-noexec", NULL };
	struct fake_fs fs = { .exec = exec, .files = files };
	struct shim_config c;
	struct route r;
	const char *t1 = "[arch.arm64]\nemulator = /opt/missing\n";
	const char *t2 = "[arch.arm64]\nemulator = /opt/qemu-noexec\n";

	config_init(&c);
	ASSERT_EQ(0, config_parse(&c, t1, strlen(t1)));
	/* Configured but missing: no silent fall-back to the default. */
	EXPECT_EQ(-ENOENT, route_emulator(arch_by_name("aarch64"), &c, fake_stat, &fs, &r));
	EXPECT_TRUE(r.emulator_configured);
	EXPECT_STREQ("/opt/missing", r.emulator);
	config_init(&c);
	ASSERT_EQ(0, config_parse(&c, t2, strlen(t2)));
	EXPECT_EQ(-EACCES, route_emulator(arch_by_name("aarch64"), &c, fake_stat, &fs, &r));
}

TEST(policy_deny_is_reported)
{
	static const char *const exec[] = { "/usr/bin/qemu-mips-static", NULL };
	struct fake_fs fs = { .exec = exec };
	struct shim_config c;
	struct route r;
	const char *t = "\n[arch.mips]\npolicy = deny\n";

	config_init(&c);
	ASSERT_EQ(0, config_parse(&c, t, strlen(t)));
	route_emulator(arch_by_name("mips"), &c, fake_stat, &fs, &r);
	EXPECT_TRUE(r.denied);
	EXPECT_EQ(3, r.policy_line);
	route_emulator(arch_by_name("mipsel"), &c, fake_stat, &fs, &r);
	EXPECT_FALSE(r.denied);
}

TEST(sysroot_search)
{
	static const char *const files[] = {
		"/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1",
		"/lib/ld-linux-riscv64-lp64d.so.1",
		"/usr/arm-linux-gnueabihf/lib/ld-linux.so.3",	/* decoy */
		"/usr/arm-linux-gnueabi/lib/ld-linux.so.3",
		"/etc/qemu-binfmt/s390x/lib/ld64.so.1",
		"/srv/root/lib/ld64.so.2",
		"/usr/powerpc64le-linux-gnu/lib/ld64.so.2",
		NULL };
	struct fake_fs fs = { .files = files };
	struct shim_config c;
	struct elf_info ei;
	struct route r;
	const char *t = "[arch.ppc64le]\nsysroot = /srv/root\n";

	ei = dyn("aarch64", "/lib/ld-linux-aarch64.so.1", ELF_FLOAT_UNKNOWN);
	ASSERT_EQ(0, route_sysroot(ei.arch, &ei, NULL, fake_stat, &fs, &r));
	EXPECT_STREQ("/usr/aarch64-linux-gnu", r.sysroot);
	EXPECT_TRUE(r.needs_sysroot);

	/* The host has the loader (multiarch): no -L. */
	ei = dyn("riscv64", "/lib/ld-linux-riscv64-lp64d.so.1", ELF_FLOAT_HARD);
	ASSERT_EQ(0, route_sysroot(ei.arch, &ei, NULL, fake_stat, &fs, &r));
	EXPECT_STREQ("", r.sysroot);
	EXPECT_FALSE(r.needs_sysroot);

	/* armel: the soft-float triplet is tried first. */
	ei = dyn("arm", "/lib/ld-linux.so.3", ELF_FLOAT_SOFT);
	ASSERT_EQ(0, route_sysroot(ei.arch, &ei, NULL, fake_stat, &fs, &r));
	EXPECT_STREQ("/usr/arm-linux-gnueabi", r.sysroot);

	ei = dyn("s390x", "/lib/ld64.so.1", ELF_FLOAT_UNKNOWN);
	ASSERT_EQ(0, route_sysroot(ei.arch, &ei, NULL, fake_stat, &fs, &r));
	EXPECT_STREQ("/etc/qemu-binfmt/s390x", r.sysroot);

	/* A configured sysroot comes first. */
	config_init(&c);
	ASSERT_EQ(0, config_parse(&c, t, strlen(t)));
	ei = dyn("ppc64le", "/lib/ld64.so.2", ELF_FLOAT_UNKNOWN);
	ASSERT_EQ(0, route_sysroot(ei.arch, &ei, &c, fake_stat, &fs, &r));
	EXPECT_STREQ("/srv/root", r.sysroot);
	EXPECT_TRUE(r.sysroot_configured);

	ei = dyn("mipsel", "/lib/ld.so.1", ELF_FLOAT_UNKNOWN);
	EXPECT_EQ(-ENOENT, route_sysroot(ei.arch, &ei, NULL, fake_stat, &fs, &r));
	EXPECT_NE(NULL, strstr(r.sysroot_searched, "/usr/mipsel-linux-gnu"));
	EXPECT_NE(NULL, strstr(r.sysroot_searched, "/usr/gnemul/qemu-mipsel"));

	/* Static binaries need nothing. */
	ei = dyn("mipsel", NULL, ELF_FLOAT_UNKNOWN);
	EXPECT_EQ(0, route_sysroot(ei.arch, &ei, NULL, fake_stat, &fs, &r));
	EXPECT_FALSE(r.needs_sysroot);
}

TEST(libc_packages)
{
	struct elf_info ei;
	char pkg[48];

	ei = dyn("arm", "/lib/ld-linux-armhf.so.3", ELF_FLOAT_HARD);
	route_libc_package(ei.arch, &ei, pkg, sizeof(pkg));
	EXPECT_STREQ("libc6-armhf-cross", pkg);
	ei = dyn("arm", "/lib/ld-linux.so.3", ELF_FLOAT_SOFT);
	route_libc_package(ei.arch, &ei, pkg, sizeof(pkg));
	EXPECT_STREQ("libc6-armel-cross", pkg);
	ei = dyn("aarch64", "/lib/ld-linux-aarch64.so.1", ELF_FLOAT_UNKNOWN);
	route_libc_package(ei.arch, &ei, pkg, sizeof(pkg));
	EXPECT_STREQ("libc6-arm64-cross", pkg);
	ei = dyn("ppc64le", "/lib/ld64.so.2", ELF_FLOAT_UNKNOWN);
	route_libc_package(ei.arch, &ei, pkg, sizeof(pkg));
	EXPECT_STREQ("libc6-ppc64el-cross", pkg);
	ei = dyn("cris", "/lib/ld.so.1", ELF_FLOAT_UNKNOWN);
	route_libc_package(ei.arch, &ei, pkg, sizeof(pkg));
	EXPECT_STREQ("", pkg);
}

TEST_HARNESS_MAIN
