// SPDX-License-Identifier: GPL-2.0
/*
 * Replay driver for the fuzz targets, built with gcc + ASan/UBSan by
 * `make check`: runs LLVMFuzzerTestOneInput over every file of
 * tests/fuzz/corpus/<target>/ (seeds and every crash ever found, kept as
 * regression inputs) or over the files given as arguments, and reports in
 * the kselftest TAP format so scripts/run-tests counts it. A crash aborts
 * the program, which the runner counts as a failure.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	static uint8_t buf[1 << 20];	/* inputs are capped at 1 MiB */
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char dir[4096], path[8192];
	int pass = 0, fail = 0, i;
	struct dirent *de;
	DIR *d;

	printf("TAP version 13\n");
	if (argc > 1) {
		printf("1..%d\n", argc - 1);
		for (i = 1; i < argc; i++) {
			int ok = run_file(argv[i]) == 0;

			printf("%s %d %s\n", ok ? "ok" : "not ok", i, argv[i]);
			ok ? pass++ : fail++;
		}
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", BSHIM_TOP, base);
	d = opendir(dir);
	if (!d) {
		printf("not ok 1 %s: %s\n", dir, strerror(errno));
		fail++;
		goto out;
	}
	while ((de = readdir(d))) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (run_file(path) == 0)
			pass++;
		else
			fail++;
	}
	closedir(d);
	printf("%s 1 %s: %d corpus inputs replayed\n",
	       fail || !pass ? "not ok" : "ok", base, pass);
	if (!pass)
		fail++;
	pass = fail ? 0 : 1;
out:
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       pass, fail);
	return fail ? 1 : 0;
}
