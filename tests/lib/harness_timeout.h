/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest harness kills a test after TEST_TIMEOUT_DEFAULT (30 s).
 * For our tests that deadline is only a guard against a hang, never a
 * speed goal (those are `make bench`'s). From a cold page cache on a
 * 2-core machine whose cores are both busy, tests that start real
 * emulators took longer than 30 s: a riscv64 `go test` binary under
 * qemu, fingerprint over all 35 emulators five times. So every test
 * gets a guard of 10 min; the few that need more say so with
 * TEST_F_TIMEOUT. Include right after kselftest_harness.h.
 */
#ifndef BSHIM_HARNESS_TIMEOUT_H
#define BSHIM_HARNESS_TIMEOUT_H

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 600

#endif
