// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for lib/procinfo.c: the /proc text the collector reads
 * of a process in a container (status, cgroup, cmdline), which the
 * process partly chooses. Every result must lie inside the input. Also
 * built with gcc + ASan as build/asan/tests/replay/fuzz_procinfo, which
 * replays tests/fuzz/corpus/fuzz_procinfo/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "procinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data, *p;
	long long pids[PROCINFO_NSPID_MAX];
	unsigned long long id;
	unsigned argc, k;
	size_t n;
	int r, i;

	r = procinfo_nspid(t, size, pids, PROCINFO_NSPID_MAX);
	if (r == 0 || r > PROCINFO_NSPID_MAX)
		abort();
	for (i = 0; i < r; i++)
		if (pids[i] < 0)
			abort();
	if (procinfo_id(t, size, "Uid", &id) == 0 && id > UINT32_MAX)
		abort();
	if (procinfo_cgroup(t, size, &p, &n) == 0 && (p < t || p + n > t + size))
		abort();
	argc = procinfo_argc(t, size);
	for (k = 0; k < argc; k++)
		if (procinfo_arg(t, size, k, &p, &n) < 0 || p < t || p + n > t + size)
			abort();
	if (procinfo_arg(t, size, argc, &p, &n) == 0)
		abort();
	return 0;
}
