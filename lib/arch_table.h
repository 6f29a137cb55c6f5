/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of architectures. Included by lib/arch.c (userspace) and by
 * kernel/classify.c (in the kernel module binfmt_shim.ko, and in the fuzz
 * target fuzz_kclassify), each with its own ARCH() macro, so it may use
 * nothing but integer and string literals.
 *
 * ARCH(name, class, data, machine, machine_alt, flags_mask, flags_value,
 *      family, debian, triplets, aliases)
 *
 *   name         QEMU linux-user target name: the canonical name everywhere.
 *                Every target of Debian 12's qemu-user-static is here
 *                (dpkg -L qemu-user-static | grep bin/qemu-).
 *   class        ELFCLASS32 (1) or ELFCLASS64 (2)             (elf.h)
 *   data         ELFDATA2LSB (1) or ELFDATA2MSB (2)           (elf.h)
 *   machine      e_machine, EM_* from elf.h
 *   machine_alt  a second e_machine some toolchains still emit (0: none);
 *                EM_MICROBLAZE_OLD 0xbaab is what QEMU's own binfmt entry
 *                for microblaze matches (scripts/qemu-binfmt-conf.sh).
 *   flags_mask / flags_value
 *                e_flags & mask == value selects this row when one machine
 *                number covers several targets. MIPS n32 is EF_MIPS_ABI2
 *                (0x20, elf.h); QEMU's qemu-mipsn32 entry tests that bit.
 *                Rows with a flags test come before the catch-all row of the
 *                same machine, class and data.
 *   family       native-compat family: a host of one member may run the
 *                others natively (x86_64 runs i386 when IA32 emulation is
 *                on, aarch64 may run arm); "" for none. Only a capability
 *                test decides whether it really does.
 *   debian       Debian architecture names, comma separated (first is the
 *                default): libc6-<debian>-cross is the cross sysroot package.
 *   triplets     Debian multiarch triplets, comma separated: the cross
 *                sysroot lives in /usr/<triplet>.
 *   aliases      other names accepted for the target: GOARCH, Debian,
 *                Docker platform, uname -m; comma separated, no spaces.
 */

ARCH(aarch64,     2, 1, 183, 0,      0, 0,       "arm",  "arm64", "aarch64-linux-gnu",
     "arm64,linux/arm64,linux/arm64/v8,arm64/v8,armv8")
ARCH(aarch64_be,  2, 2, 183, 0,      0, 0,       "armbe", "", "aarch64_be-linux-gnu",
     "arm64be,aarch64be")
ARCH(alpha,       2, 1, 0x9026, 0,   0, 0,       "",     "alpha", "alpha-linux-gnu",
     "alpha64")
ARCH(arm,         1, 1, 40,  0,      0, 0,       "arm",  "armhf,armel",
     "arm-linux-gnueabihf,arm-linux-gnueabi",
     "armhf,armel,armv7l,armv7,armv6l,armv5tel,linux/arm,linux/arm/v7,linux/arm/v6,linux/arm/v5,arm/v7,arm/v6,arm/v5")
ARCH(armeb,       1, 2, 40,  0,      0, 0,       "armbe", "", "armeb-linux-gnueabi",
     "armbe,armv7b")
ARCH(cris,        1, 1, 76,  0,      0, 0,       "",     "", "",
     "crisv32")
ARCH(hexagon,     1, 1, 164, 0,      0, 0,       "",     "", "hexagon-linux-musl",
     "qdsp6")
ARCH(hppa,        1, 2, 15,  0,      0, 0,       "",     "hppa", "hppa-linux-gnu",
     "parisc,parisc32")
ARCH(i386,        1, 1, 3,   0,      0, 0,       "x86",  "i386", "i686-linux-gnu",
     "386,i486,i586,i686,x86,ia32,linux/386,linux/i386")
ARCH(loongarch64, 2, 1, 258, 0,      0, 0,       "",     "loong64", "loongarch64-linux-gnu",
     "loong64,la64,linux/loong64")
ARCH(m68k,        1, 2, 4,   0,      0, 0,       "",     "m68k", "m68k-linux-gnu",
     "68k,m68000")
ARCH(microblaze,  1, 2, 189, 0xbaab, 0, 0,       "",     "", "microblaze-linux-gnu",
     "mb")
ARCH(microblazeel, 1, 1, 189, 0xbaab, 0, 0,      "",     "", "microblazeel-linux-gnu",
     "mbel")
ARCH(mipsn32,     1, 2, 8,   0,      0x20, 0x20, "",     "mipsn32", "mips64-linux-gnuabin32",
     "mipsn32eb,mips64n32")
ARCH(mipsn32el,   1, 1, 8,   0,      0x20, 0x20, "",     "mipsn32el", "mips64el-linux-gnuabin32",
     "mips64eln32")
ARCH(mips,        1, 2, 8,   0,      0, 0,       "",     "mips", "mips-linux-gnu",
     "mipseb,mips32,linux/mips")
ARCH(mipsel,      1, 1, 8,   0,      0, 0,       "",     "mipsel", "mipsel-linux-gnu",
     "mipsle,mips32el,linux/mipsle")
ARCH(mips64,      2, 2, 8,   0,      0, 0,       "",     "mips64", "mips64-linux-gnuabi64",
     "mips64eb,linux/mips64")
ARCH(mips64el,    2, 1, 8,   0,      0, 0,       "",     "mips64el", "mips64el-linux-gnuabi64",
     "mips64le,linux/mips64le")
ARCH(nios2,       1, 1, 113, 0,      0, 0,       "",     "", "nios2-linux-gnu",
     "nios")
ARCH(or1k,        1, 2, 92,  0,      0, 0,       "",     "", "or1k-linux-gnu",
     "openrisc")
ARCH(ppc,         1, 2, 20,  0,      0, 0,       "",     "powerpc", "powerpc-linux-gnu",
     "powerpc,ppc32,linux/ppc")
ARCH(ppc64,       2, 2, 21,  0,      0, 0,       "",     "ppc64", "powerpc64-linux-gnu",
     "powerpc64,ppc64be,linux/ppc64")
ARCH(ppc64le,     2, 1, 21,  0,      0, 0,       "",     "ppc64el", "powerpc64le-linux-gnu",
     "ppc64el,powerpc64le,linux/ppc64le")
ARCH(riscv32,     1, 1, 243, 0,      0, 0,       "",     "riscv32", "riscv32-linux-gnu",
     "rv32")
ARCH(riscv64,     2, 1, 243, 0,      0, 0,       "",     "riscv64", "riscv64-linux-gnu",
     "rv64,linux/riscv64")
ARCH(s390x,       2, 2, 22,  0,      0, 0,       "",     "s390x", "s390x-linux-gnu",
     "s390,linux/s390x")
ARCH(sh4,         1, 1, 42,  0,      0, 0,       "",     "sh4", "sh4-linux-gnu",
     "sh,superh")
ARCH(sh4eb,       1, 2, 42,  0,      0, 0,       "",     "", "sh4eb-linux-gnu",
     "sheb")
ARCH(sparc,       1, 2, 2,   0,      0, 0,       "",     "sparc", "sparc-linux-gnu",
     "sparc32")
ARCH(sparc32plus, 1, 2, 18,  0,      0, 0,       "",     "", "sparc-linux-gnu",
     "sparcv8plus,sparcv9-32")
ARCH(sparc64,     2, 2, 43,  0,      0, 0,       "",     "sparc64", "sparc64-linux-gnu",
     "sparcv9")
ARCH(x86_64,      2, 1, 62,  0,      0, 0,       "x86",  "amd64", "x86_64-linux-gnu",
     "amd64,x64,x86-64,linux/amd64,linux/amd64/v2,linux/amd64/v3")
ARCH(xtensa,      1, 1, 94,  0,      0, 0,       "",     "", "xtensa-linux-gnu",
     "xtensael")
ARCH(xtensaeb,    1, 2, 94,  0,      0, 0,       "",     "", "xtensaeb-linux-gnu",
     "")
