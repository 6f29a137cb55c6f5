# SPDX-License-Identifier: GPL-2.0
#
# The one entry point: all check demo bench fuzz kmod vmtest install uninstall clean.
# CFLAGS/LDFLAGS are the user's; what the project needs is appended with
# override, so a user's CFLAGS=-O0 never drops a warning or -MMD.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DOCDIR     ?= $(PREFIX)/share/doc/binfmt-shim
# Compiled into the shim (its default config path), so it is a build-time
# setting, unlike PREFIX and DESTDIR which only matter at install time.
SYSCONFDIR ?= /etc
DESTDIR    ?=

BUILD  ?= build
# Always the top-level build dir: the harness headers and fixtures are
# shared by the normal and the sanitizer build.
TOP    := build
KSFT   := $(TOP)/ksft
FIXDIR := $(TOP)/fixtures

CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
# The language and warnings of every C file, the shim's included.
WARN_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wformat=2 -Wshadow \
	-Wmissing-prototypes -Werror=implicit-function-declaration -iquote lib
override CFLAGS += $(WARN_CFLAGS) -MMD -MP -DSYSCONFDIR='"$(SYSCONFDIR)"'

# The one version of the project (VERSION, also dist/dkms.conf's
# PACKAGE_VERSION): compiled into the two programs that print it with
# --version, which rebuild when it changes.
VERSION := $(shell cat VERSION 2>/dev/null || echo unknown)
$(BUILD)/loader/main.o $(BUILD)/shimd/main.o: override CFLAGS += -DBSHIM_VERSION='"$(VERSION)"'
$(BUILD)/loader/main.o $(BUILD)/shimd/main.o: VERSION

ifeq ($(SAN),1)
override CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
override LDFLAGS += -fsanitize=address,undefined
endif

ifneq ($(V),1)
Q  = @
qp = @printf '  %-8s %s\n' $(1) $(2);
else
Q  =
qp =
endif

# The shim must be static: musl where available (small), else glibc -static.
SHIMCC := $(shell command -v musl-gcc 2>/dev/null || echo $(CC))
SHIM_CFLAGS := -O2 -g $(WARN_CFLAGS) -DSYSCONFDIR='"$(SYSCONFDIR)"' \
	-ffunction-sections -fdata-sections
# Static PIE: the kernel then puts the shim, and its brk, where it puts a
# static-pie emulator's (high, randomised), so the emulator the shim maps
# (shim/mapped.c) grows its malloc heap there too, not in the low
# addresses a non-PIE guest wants (qemu's guest brk over a low host heap
# crashed qemu). musl-gcc's specs have no static-pie start files: its
# rcrt1.o (self-relocating) is named here, next to its specs file.
MUSL_SPECS := $(shell sed -n 's/.*-specs "\(.*\)".*/\1/p' $(SHIMCC) 2>/dev/null)
ifneq ($(MUSL_SPECS),)
MUSL_LIB := $(patsubst %/,%,$(dir $(MUSL_SPECS)))
SHIM_CFLAGS += -fPIE
SHIM_LDFLAGS := -nostartfiles -Wl,-static -Wl,-pie -Wl,--no-dynamic-linker -Wl,-z,text \
	-Wl,--gc-sections
SHIM_CRT0 := $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $(shell $(CC) -print-file-name=crtbeginS.o)
SHIM_CRT1 := $(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o
else
SHIM_CFLAGS += -fPIE
SHIM_LDFLAGS := -static-pie -Wl,--gc-sections
endif

LIB_SRC   := $(wildcard lib/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/libbshim.a
SHIM_SRC  := $(wildcard shim/*.c)
LOADER_SRC := $(wildcard loader/*.c)
LOADER_OBJ := $(LOADER_SRC:%.c=$(BUILD)/%.o)
SHIMD_SRC  := $(wildcard shimd/*.c)
SHIMD_OBJ  := $(SHIMD_SRC:%.c=$(BUILD)/%.o)

PROGS :=
ifneq ($(SHIM_SRC),)
PROGS += $(BUILD)/shim
endif
ifneq ($(LOADER_SRC),)
PROGS += $(BUILD)/binfmt-shim
endif
ifneq ($(SHIMD_SRC),)
PROGS += $(BUILD)/binfmt-shimd
endif

# Test programs: one executable per tests/{unit,integration}/*.c, each
# linked with lib/ and the harness from linux-source.
TEST_SRC  := $(wildcard tests/unit/*.c tests/integration/*.c)
TEST_BIN  := $(TEST_SRC:%.c=$(BUILD)/%)
TEST_LIBS  += -ljansson
# The harness defines FIXTURE_SETUP/TEARDOWN functions without prototypes.
TEST_CFLAGS = -Wno-missing-prototypes -isystem $(KSFT) -Itests/lib -DBSHIM_TOP='"$(CURDIR)"'
# Shared test helpers (namespaces, fixtures paths) live in tests/lib/.
TESTLIB_SRC := $(wildcard tests/lib/*.c)
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(BUILD)/%.o)
TESTLIB_H   := $(wildcard tests/lib/*.h)
# The cause of a refused namespace (the tests' SKIP reason) is the one
# binfmt-shim exec gives: its I/O half is linked in, not written twice.
TESTLIB_OBJ += $(BUILD)/loader/nsprobe.o
# Likewise the CLI's small-file reader (tl_read_file: testlib.h).
TESTLIB_OBJ += $(BUILD)/loader/files.o
# test_json checks the CLI's writer of jansson documents (loader/jout.c)
# against jansson's own dump.
TEST_EXTRA_test_json := $(BUILD)/loader/jout.o
$(BUILD)/tests/unit/test_json: $(TEST_EXTRA_test_json)
# Fuzz targets and their gcc+sanitizer replay build (used by make check).
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(TOP)/fuzz/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/replay/%)
# Targets beyond lib/: their extra sources and libraries. The log reader
# (`binfmt-shim log`) parses lines any user's shim may have written.
FUZZ_EXTRA_fuzz_logjoin := loader/logrec.c loader/logjoin.c loader/logstats.c loader/jout.c \
	loader/termout.c
FUZZ_LIBS_fuzz_logjoin := -ljansson
$(BUILD)/tests/replay/fuzz_logjoin $(TOP)/fuzz/fuzz_logjoin: $(FUZZ_EXTRA_fuzz_logjoin) \
	$(wildcard loader/*.h)

.PHONY: all check check-repeat tests deps fixtures fuzz kmod vmtest demo bench install \
	uninstall clean ksft-headers differential deb check-deb same-output
.DEFAULT_GOAL := all

all: $(PROGS) $(if $(LOADER_SRC),$(BUILD)/go-exec/.stamp)

# Go's runner hooks (go_linux_<goarch>_exec, one per GOARCH the arch table
# emulates): links to binfmt-shim, which called by such a name is
# `binfmt-shim run` (docs/cross-runners.md). In the tree they point at
# build/binfmt-shim; make install links them to $(BINDIR)/binfmt-shim.
$(BUILD)/go-exec/.stamp: $(BUILD)/binfmt-shim
	@mkdir -p $(@D)
	$(call qp,HOOKS,$(@D))for g in $$($(BUILD)/binfmt-shim env --goarches); do \
		ln -sfn ../binfmt-shim $(@D)/go_linux_$${g}_exec; done && touch $@

deps:
	$(Q)scripts/deps

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(call qp,CC,$@)$(CC) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	$(call qp,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# The static shim, linked whole: $(call shim_link,EXTRA_CFLAGS).
shim_link = $(call qp,SHIMCC,$@)$(SHIMCC) $(SHIM_CFLAGS) $(1) $(SHIM_LDFLAGS) -o $@ \
	$(SHIM_CRT0) $(SHIM_SRC) $(LIB_SRC) $(SHIM_CRT1)
# Which compiler built the shim: a tree built before musl-tools was
# installed would otherwise keep its glibc shim until make clean.
SHIMCC_STAMP := $(BUILD)/shimcc.stamp
$(shell mkdir -p $(BUILD); [ "$$(cat $(SHIMCC_STAMP) 2>/dev/null)" = "$(SHIMCC)" ] || \
	echo "$(SHIMCC)" >$(SHIMCC_STAMP))
$(BUILD)/shim: $(SHIM_SRC) $(LIB_SRC) $(wildcard lib/*.h shim/*.h) $(SHIMCC_STAMP)
	@mkdir -p $(@D)
	$(call shim_link)

# jansson parses fingerprint baselines and shim records in the loader.
LOADER_LIBS ?= -ljansson
$(BUILD)/binfmt-shim: $(LOADER_OBJ) $(LIB_A)
	$(call qp,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LOADER_LIBS)

$(BUILD)/binfmt-shimd: $(SHIMD_OBJ) $(LIB_A)
	$(call qp,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -luring -lseccomp

# The kselftest harness comes from Debian's linux-source-6.1 tarball,
# extracted once; never committed.
ksft-headers: $(KSFT)/kselftest_harness.h
$(KSFT)/kselftest_harness.h: scripts/ksft-headers
	$(Q)scripts/ksft-headers $(KSFT)

$(TESTLIB_OBJ): $(BUILD)/%.o: %.c $(TESTLIB_H) $(KSFT)/kselftest_harness.h
	@mkdir -p $(@D)
	$(call qp,CC,$@)$(CC) $(CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIB_A) $(TESTLIB_OBJ) $(TESTLIB_H) $(KSFT)/kselftest_harness.h
	@mkdir -p $(@D)
	$(call qp,CC,$@)$(CC) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(TESTLIB_OBJ) $(TEST_EXTRA_$(@F)) $(LIB_A) $(TEST_LIBS)

$(BUILD)/tests/replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(LIB_A)
	@mkdir -p $(@D)
	$(call qp,CC,$@)$(CC) $(CFLAGS) -DBSHIM_TOP='"$(CURDIR)"' -Iloader $(LDFLAGS) -o $@ $< \
		tests/fuzz/replay.c $(FUZZ_EXTRA_$*) $(LIB_A) $(FUZZ_LIBS_$*)

# Stand-in emulators for test_shim_mapped: a static PIE the shim maps, and
# the same program linked dynamically, which it must execve. Always in
# $(TOP): the tests find them there, as they find the shim.
HELPER_BIN := $(TOP)/tests/helpers/fake_emu $(TOP)/tests/helpers/fake_emu_dyn
$(TOP)/tests/helpers/fake_emu: tests/helpers/fake_emu.c
	@mkdir -p $(@D)
	$(call qp,CC,$@)$(CC) -O2 -Wall -Wextra -fPIE -static-pie -o $@ $<
$(TOP)/tests/helpers/fake_emu_dyn: tests/helpers/fake_emu.c
	@mkdir -p $(@D)
	$(call qp,CC,$@)$(CC) -O2 -Wall -Wextra -o $@ $<

tests: $(TEST_BIN) $(REPLAY_BIN) $(HELPER_BIN)

# Real foreign binaries, built by Debian's cross compilers and go build.
fixtures:
	$(Q)scripts/fixtures $(FIXDIR)

# make check: install what is missing, build warning-free, build the tests
# under ASan+UBSan in a separate tree, run every test program and print one
# summary line.
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory BUILD=$(TOP)/asan SAN=1 tests
	$(Q)$(MAKE) --no-print-directory fixtures
	@# Where namespaces are refused, the cause and fix once; the tests
	@# that need one SKIP with the same reason, the others still run.
	$(Q)$(TOP)/binfmt-shim exec --check || echo "make check: the tests that need a namespace will SKIP" >&2
	$(Q)BSHIM_BUILD=$(CURDIR)/$(TOP) BSHIM_FIXTURES=$(CURDIR)/$(FIXDIR) \
		scripts/run-tests $(TOP)/asan

# Five make check runs from fresh clones, cold cache, two of them on a
# loaded machine (scripts/check-repeat). Not part of make check.
check-repeat:
	$(Q)scripts/check-repeat

# The shim against direct qemu on the full mutated corpus (3000 cases,
# a few minutes; tests/integration/test_shim_differential.c). make check
# runs a 240-case sample of the same corpus. BSHIM_DIFF_CASES and
# BSHIM_DIFF_SEED choose another corpus, BSHIM_DIFF_VERBOSE=1 logs every case.
differential: all $(BUILD)/tests/integration/test_shim_differential
	$(Q)if [ -z "$$BSHIM_FIXTURES" ]; then $(MAKE) --no-print-directory fixtures; fi
	$(Q)BSHIM_BUILD=$(CURDIR)/$(BUILD) \
		BSHIM_FIXTURES=$${BSHIM_FIXTURES:-$(CURDIR)/$(FIXDIR)} \
		BSHIM_DIFF_CASES=$${BSHIM_DIFF_CASES:-3000} \
		$(BUILD)/tests/integration/test_shim_differential

# The CLI's output (help, status, explain over every fixture, verify, log
# of tests/shape/exec.jsonl), byte for byte, of BASE and HEAD, each built in
# a scratch worktree and run in one private namespace
# (tests/shape/same-output). For a change that must not change behaviour;
# a few minutes, so not part of make check.
BASE ?= main
same-output:
	$(Q)tests/shape/same-output $(BASE) $(HEAD)

FUZZCC ?= clang
fuzz: $(FUZZ_BIN)
$(TOP)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(call qp,FUZZ,$@)$(FUZZCC) -g -O1 -std=gnu11 -D_GNU_SOURCE -iquote lib \
		-Iloader -DSYSCONFDIR='"$(SYSCONFDIR)"' -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_EXTRA_$*) \
		$(LIB_SRC) $(FUZZ_LIBS_$*)

kmod:
	$(Q)scripts/kmod

vmtest: deps
	$(Q)scripts/vmtest

demo: deps all
	$(Q)scripts/demo

# The benchmark tools: the latency driver (bench_exec), the collector's
# latency and storm throughput (bench_shimd), each from tests/bench/ as a
# test program is built, and a shim that stops just before the execve, so
# callgrind can count the shim's own instructions.
BENCH_BIN := $(TOP)/bench/bench_exec $(TOP)/bench/shim-noexec $(TOP)/bench/bench_shimd
$(TOP)/bench/%: tests/bench/%.c $(TESTLIB_H) $(LIB_A) $(TESTLIB_OBJ)
	@mkdir -p $(@D)
	$(call qp,CC,$@)$(CC) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(TESTLIB_OBJ) $(LIB_A) $(TEST_LIBS)
$(TOP)/bench/shim-noexec: $(SHIM_SRC) $(LIB_SRC) $(wildcard lib/*.h shim/*.h) $(SHIMCC_STAMP)
	@mkdir -p $(@D)
	$(call shim_link,-DSHIM_BENCH_NOEXEC)

bench: deps all $(BENCH_BIN)
	$(Q)scripts/bench

# The Debian packages (debian/), into build/deb/. dpkg-buildpackage writes
# its output beside the tree it builds, so it builds a copy of the tree's
# files (tracked and new, not ignored: no build/, no objects) made fresh
# under build/deb/src: from a clean tree by construction.
DEB_VERSION = $(shell cat VERSION)
DEB_SRC     = $(TOP)/deb/src/binfmt-shim-$(DEB_VERSION)
deb:
	$(Q)rm -rf $(TOP)/deb && mkdir -p $(DEB_SRC)
	$(call qp,COPY,$(DEB_SRC))if git rev-parse --show-toplevel >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB_SRC); \
	else \
		tar --exclude=./$(TOP) --exclude=./.git -cf - . | tar -xf - -C $(DEB_SRC); \
	fi
	$(call qp,DPKG,$(TOP)/deb)cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b \
		>../build.log 2>&1 || { tail -n 40 ../build.log >&2; exit 1; }
	$(Q)mv $(TOP)/deb/src/*.deb $(TOP)/deb/src/*.changes $(TOP)/deb/src/*.buildinfo $(TOP)/deb/ && ls $(TOP)/deb/*.deb

# Install, upgrade, remove and purge the packages in a throwaway Debian 12
# root (debootstrap, cached in build/deb-root.tar), binfmt-shim verify in a
# private binfmt_misc: tests/deb/chroot-test; the module built by DKMS from
# binfmt-shim-dkms for every installed kernel's headers, and the kernel VM
# test on it (tests/deb/dkms-build, vmtest-dkms). A few minutes: CI runs
# it after make check (.ci/run).
check-deb: deps deb
	$(Q)tests/deb/chroot-test $(TOP)/deb && tests/deb/dkms-build $(TOP)/deb && \
		tests/deb/vmtest-dkms $(TOP)/deb

# The directories install makes, parents included, are listed in
# INSTALL_DIRS_LIST (without DESTDIR), so that uninstall removes those,
# once empty, and never one that was there before.
INSTALL_DIRS := $(BINDIR) $(SBINDIR) $(LIBEXECDIR)/binfmt-shim/go-exec \
	$(MANDIR)/man4 $(MANDIR)/man5 $(MANDIR)/man8 $(UNITDIR) \
	$(SYSCONFDIR)/logrotate.d $(DOCDIR)
INSTALL_DIRS_LIST := $(LIBEXECDIR)/binfmt-shim/installed-dirs
# The installed man pages cite the installed files, not the tree's.
MAN_SED := -e 's|/usr/local/share/doc/binfmt-shim|$(DOCDIR)|g' \
	-e 's|/usr/local/lib/systemd/system|$(UNITDIR)|g'

install: all
	@# DESTDIR itself (a packager's staging dir) is not one of ours to list.
	@$(if $(DESTDIR),mkdir -p "$(DESTDIR)")
	@made=; for d in $(INSTALL_DIRS); do p=; \
		for c in $$(echo "$$d" | tr / ' '); do p="$$p/$$c"; \
			[ -d "$(DESTDIR)$$p" ] && continue; \
			mkdir -m 755 "$(DESTDIR)$$p" || exit 1; made="$$made $$p"; \
		done; done; \
	for p in $$made; do echo "$$p"; done >>"$(DESTDIR)$(INSTALL_DIRS_LIST)"
	$(if $(wildcard $(BUILD)/shim),install -m 755 $(BUILD)/shim $(DESTDIR)$(LIBEXECDIR)/binfmt-shim/shim)
	$(if $(wildcard $(BUILD)/binfmt-shim),install -m 755 $(BUILD)/binfmt-shim $(DESTDIR)$(BINDIR)/binfmt-shim)
	$(if $(wildcard $(BUILD)/binfmt-shim),for g in $$($(BUILD)/binfmt-shim env --goarches); do \
		ln -sfn $(BINDIR)/binfmt-shim $(DESTDIR)$(LIBEXECDIR)/binfmt-shim/go-exec/go_linux_$${g}_exec; done)
	$(if $(wildcard $(BUILD)/binfmt-shimd),install -m 755 $(BUILD)/binfmt-shimd $(DESTDIR)$(SBINDIR)/binfmt-shimd)
	$(foreach m,$(wildcard docs/*.4),sed $(MAN_SED) $(m) >$(DESTDIR)$(MANDIR)/man4/$(notdir $(m)) && \
		chmod 644 $(DESTDIR)$(MANDIR)/man4/$(notdir $(m));)
	$(foreach m,$(wildcard docs/*.5),sed $(MAN_SED) $(m) >$(DESTDIR)$(MANDIR)/man5/$(notdir $(m)) && \
		chmod 644 $(DESTDIR)$(MANDIR)/man5/$(notdir $(m));)
	$(foreach m,$(wildcard docs/*.8),sed $(MAN_SED) $(m) >$(DESTDIR)$(MANDIR)/man8/$(notdir $(m)) && \
		chmod 644 $(DESTDIR)$(MANDIR)/man8/$(notdir $(m));)
	install -m 644 README.md $(wildcard docs/*.md) $(DESTDIR)$(DOCDIR)/
	sed 's|/usr/local/sbin/binfmt-shimd|$(SBINDIR)/binfmt-shimd|' dist/binfmt-shimd.service \
		>$(DESTDIR)$(UNITDIR)/binfmt-shimd.service && \
		chmod 644 $(DESTDIR)$(UNITDIR)/binfmt-shimd.service
	install -m 644 dist/binfmt-shimd.socket $(DESTDIR)$(UNITDIR)/
	install -m 644 dist/binfmt-shim.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/binfmt-shim

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/binfmt-shim $(DESTDIR)$(SBINDIR)/binfmt-shimd \
		$(DESTDIR)$(LIBEXECDIR)/binfmt-shim/shim \
		$(DESTDIR)$(LIBEXECDIR)/binfmt-shim/go-exec/go_linux_*_exec
	rm -f $(DESTDIR)$(UNITDIR)/binfmt-shimd.service $(DESTDIR)$(UNITDIR)/binfmt-shimd.socket \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/binfmt-shim
	$(foreach m,$(notdir $(wildcard docs/*.4)),rm -f $(DESTDIR)$(MANDIR)/man4/$(m);)
	$(foreach m,$(notdir $(wildcard docs/*.5)),rm -f $(DESTDIR)$(MANDIR)/man5/$(m);)
	$(foreach m,$(notdir $(wildcard docs/*.8)),rm -f $(DESTDIR)$(MANDIR)/man8/$(m);)
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(wildcard docs/*.md)))
	@# Deepest first (a parent sorts before its children); rmdir leaves
	@# a directory something else was put in. Ours, even without a list
	@# (an install before it was kept): the doc and libexec directories.
	@dirs=$$(cat "$(DESTDIR)$(INSTALL_DIRS_LIST)" 2>/dev/null; \
		echo $(DOCDIR) $(LIBEXECDIR)/binfmt-shim $(LIBEXECDIR)/binfmt-shim/go-exec | tr ' ' '\n'); \
	rm -f "$(DESTDIR)$(INSTALL_DIRS_LIST)"; \
	for d in $$(echo "$$dirs" | sort -ru); do rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done

clean:
	rm -rf $(TOP)/asan $(TOP)/lib $(TOP)/loader $(TOP)/shimd $(TOP)/tests \
		$(TOP)/shim $(TOP)/binfmt-shim $(TOP)/binfmt-shimd $(TOP)/libbshim.a $(TOP)/go-exec \
		$(TOP)/fuzz $(FIXDIR)
	$(if $(wildcard kernel/Makefile),$(MAKE) -C kernel clean)

# Not build/deb: the package's copy of the tree has its own build/, and
# debhelper's staging dirs have etc/init.d, a directory named *.d.
-include $(shell find $(BUILD) -path $(TOP)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
