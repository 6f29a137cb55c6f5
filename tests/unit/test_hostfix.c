// SPDX-License-Identifier: GPL-2.0
/*
 * The fix lines against host states (lib/hostfix.c), over a table of paths
 * standing for the file system: with the package a fix would name
 * installed, it is never named; without it, it is.
 */
#include <string.h>

#include "kselftest_harness.h"

#include "hostfix.h"

struct fake_fs {
	const char *const *exec;	/* executable files */
	const char *const *files;	/* plain files */
	const char *const *dirs;	/* directories */
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
	if (in(fs->dirs, path))
		return ROUTE_OTHER;
	return in(fs->files, path) ? ROUTE_FILE : ROUTE_MISSING;
}

static struct elf_info dyn(const char *arch, const char *interp, enum elf_float fl)
{
	struct elf_info ei;

	memset(&ei, 0, sizeof(ei));
	ei.arch = arch_by_name(arch);
	ei.has_interp = true;
	strcpy(ei.interp, interp);
	ei.float_abi = fl;
	return ei;
}

static const char *const dpkg_cross[] = {
	"/var/lib/dpkg/info/libc6-arm64-cross.list",
	"/var/lib/dpkg/info/libc6-armhf-cross.list", NULL,
};
static const char *const sysroots[] = { "/usr/aarch64-linux-gnu", "/usr/arm-linux-gnueabi", NULL };

TEST(no_sysroot_package_missing_is_named)
{
	struct fake_fs fs = { 0 };
	struct elf_info ei = dyn("aarch64", "/lib/ld-linux-aarch64.so.1", ELF_FLOAT_UNKNOWN);
	char fix[2048];

	hostfix_no_sysroot(ei.arch, &ei, "/etc/b.conf", fake_stat, &fs, fix, sizeof(fix));
	EXPECT_STREQ("apt-get install libc6-arm64-cross, or set sysroot = /path in "
		     "[arch.aarch64] of /etc/b.conf", fix);
}

/* Installed by dpkg's word, or by its sysroot being there: never named. */
TEST(no_sysroot_package_installed_is_not_named)
{
	struct fake_fs by_dpkg = { .files = dpkg_cross };
	struct fake_fs by_dir = { .dirs = sysroots };
	struct elf_info ei = dyn("aarch64", "/lib/ld-nowhere.so.1", ELF_FLOAT_UNKNOWN);
	struct elf_info soft = dyn("arm", "/lib/ld-nowhere.so.3", ELF_FLOAT_SOFT);
	struct elf_info hard = dyn("arm", "/lib/ld-nowhere.so.3", ELF_FLOAT_HARD);
	char fix[2048];

	hostfix_no_sysroot(ei.arch, &ei, "/etc/b.conf", fake_stat, &by_dpkg, fix, sizeof(fix));
	EXPECT_STREQ("the installed libc6-arm64-cross has no such loader: relink the "
		     "program against one it has (ls /usr/aarch64-linux-gnu/lib/ld-*), or "
		     "set sysroot = /path in [arch.aarch64] of /etc/b.conf to a tree that "
		     "has it", fix);
	hostfix_no_sysroot(ei.arch, &ei, "/etc/b.conf", fake_stat, &by_dir, fix, sizeof(fix));
	EXPECT_EQ(NULL, strstr(fix, "apt-get")) TH_LOG("%s", fix);
	EXPECT_NE(NULL, strstr(fix, "relink"));
	/* armel: its own package and sysroot, not armhf's. */
	hostfix_no_sysroot(soft.arch, &soft, "/etc/b.conf", fake_stat, &by_dir, fix,
			   sizeof(fix));
	EXPECT_NE(NULL, strstr(fix, "the installed libc6-armel-cross has no such loader: "
			       "relink the program against one it has (ls "
			       "/usr/arm-linux-gnueabi/lib/ld-*)")) TH_LOG("%s", fix);
	hostfix_no_sysroot(hard.arch, &hard, "/etc/b.conf", fake_stat, &by_dir, fix,
			   sizeof(fix));
	EXPECT_STREQ("apt-get install libc6-armhf-cross, or set sysroot = /path in "
		     "[arch.arm] of /etc/b.conf", fix);
	hostfix_no_sysroot(hard.arch, &hard, "/etc/b.conf", fake_stat, &by_dpkg, fix,
			   sizeof(fix));
	EXPECT_NE(NULL, strstr(fix, "the installed libc6-armhf-cross has")) TH_LOG("%s", fix);
}

TEST(no_sysroot_no_debian_package)
{
	struct fake_fs fs = { 0 };
	struct elf_info ei = dyn("aarch64_be", "/lib/ld-linux-aarch64_be.so.1",
				 ELF_FLOAT_UNKNOWN);
	char fix[2048];

	hostfix_no_sysroot(ei.arch, &ei, "/etc/b.conf", fake_stat, &fs, fix, sizeof(fix));
	EXPECT_EQ(NULL, strstr(fix, "apt-get")) TH_LOG("%s", fix);
	EXPECT_NE(NULL, strstr(fix, "set sysroot = /path/to/aarch64_be/root"));
}

static struct route configured(const char *path)
{
	struct route r;

	memset(&r, 0, sizeof(r));
	r.emulator_configured = true;
	r.emulator_stat = ROUTE_MISSING;
	snprintf(r.emulator, sizeof(r.emulator), "%s", path);
	return r;
}

TEST(configured_emulator_missing)
{
	static const char *const installed[] = { "/usr/bin/qemu-aarch64-static", NULL };
	static const char *const dpkg_qemu[] = {
		"/var/lib/dpkg/info/qemu-user-static.list", NULL };
	struct fake_fs with = { .exec = installed, .files = dpkg_qemu };
	struct fake_fs pkg_only = { .files = dpkg_qemu };
	struct fake_fs none = { 0 };
	struct route r = configured("/opt/qemu/bin/qemu-aarch64");
	const struct arch *a = arch_by_name("aarch64");
	char fix[2048];

	hostfix_no_emulator(a, &r, "/etc/b.conf", fake_stat, &with, fix, sizeof(fix));
	EXPECT_STREQ("install an emulator at /opt/qemu/bin/qemu-aarch64, or remove "
		     "emulator = from [arch.aarch64] of /etc/b.conf to use the installed "
		     "/usr/bin/qemu-aarch64-static", fix);
	/* The package is there without this target. */
	hostfix_no_emulator(a, &r, "/etc/b.conf", fake_stat, &pkg_only, fix, sizeof(fix));
	EXPECT_EQ(NULL, strstr(fix, "apt-get")) TH_LOG("%s", fix);
	EXPECT_NE(NULL, strstr(fix, "install an emulator at /opt/qemu/bin/qemu-aarch64"));
	EXPECT_NE(NULL, strstr(fix, "has no qemu-aarch64"));
	/* Nothing installed: the package is the way. */
	hostfix_no_emulator(a, &r, "/etc/b.conf", fake_stat, &none, fix, sizeof(fix));
	EXPECT_NE(NULL, strstr(fix, "apt-get install qemu-user-static")) TH_LOG("%s", fix);
}

TEST(no_emulator_at_all)
{
	static const char *const dpkg_qemu[] = {
		"/var/lib/dpkg/info/qemu-user-static.list", NULL };
	struct fake_fs pkg = { .files = dpkg_qemu };
	struct fake_fs none = { 0 };
	struct route r;
	const struct arch *a = arch_by_name("hexagon");
	char fix[2048];

	memset(&r, 0, sizeof(r));
	hostfix_no_emulator(a, &r, "/etc/b.conf", fake_stat, &none, fix, sizeof(fix));
	EXPECT_STREQ("apt-get install qemu-user-static, or set emulator = "
		     "/path/to/qemu-hexagon in [arch.hexagon] of /etc/b.conf", fix);
	hostfix_no_emulator(a, &r, "/etc/b.conf", fake_stat, &pkg, fix, sizeof(fix));
	EXPECT_EQ(NULL, strstr(fix, "apt-get")) TH_LOG("%s", fix);
	EXPECT_NE(NULL, strstr(fix, "qemu-user-static is installed but has no "
			       "qemu-hexagon")) TH_LOG("%s", fix);
}

TEST(deb_installed)
{
	static const char *const f[] = { "/var/lib/dpkg/info/libc6:i386.list", NULL };
	struct fake_fs fs = { .files = f };

	EXPECT_TRUE(hostfix_deb_installed("libc6:i386", fake_stat, &fs));
	EXPECT_FALSE(hostfix_deb_installed("libc6-i386", fake_stat, &fs));
}

TEST_HARNESS_MAIN
