// SPDX-License-Identifier: GPL-2.0
/*
 * Exec latency, shim vs direct qemu, in one process, alternating.
 *
 * In a private binfmt_misc instance, registers Debian's own qemu-aarch64
 * entry (from /usr/lib/binfmt.d/qemu-aarch64.conf, F flag) and
 * binfmt-shim-aarch64 (FP, file log), then for each round enables one,
 * times fork + exec + wait of a trivial static aarch64 program, enables
 * the other and times again; the order flips every round so neither side
 * always runs second. Prints medians, p10/p90 and the ratio shim/direct.
 *
 *   bench_exec SHIM BINARY [ROUNDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "binfmt.h"
#include "testlib.h"

static double run_once(const char *bin)
{
	struct timespec a, b;
	int st;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)bin, "exit", "0", NULL };

		execv(bin, argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench: %s exited with status 0x%x\n", bin, st);
		exit(2);
	}
	return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double pct(double *v, int n, int p)
{
	return v[(n - 1) * p / 100];
}

int main(int argc, char **argv)
{
	const char *shim, *bin;
	char why[256], text[2048], line[BINFMT_REGISTER_MAX + 1];
	struct binfmt_entry deb, ours;
	double *t[2];
	int rounds, i, k;
	long n;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_exec SHIM BINARY [ROUNDS]\n");
		return 2;
	}
	shim = argv[1];
	bin = argv[2];
	rounds = argc > 3 ? atoi(argv[3]) : 200;
	if (rounds < 10)
		rounds = 10;
	n = tl_read_file("/usr/lib/binfmt.d/qemu-aarch64.conf", text, sizeof(text));
	if (n <= 0 || binfmt_parse_register(strtok(text, "\n"), &deb)) {
		fprintf(stderr, "bench: cannot read Debian's qemu-aarch64 entry "
			"(apt-get install qemu-user-static)\n");
		return 2;
	}
	if (tl_private_binfmt(why, sizeof(why))) {
		fprintf(stderr, "bench: %s\n", why);
		return 2;
	}
	binfmt_format_register(&deb, line, sizeof(line));
	if (tl_register(line)) {
		fprintf(stderr, "bench: cannot register %s\n", deb.name);
		return 2;
	}
	binfmt_entry_for_arch(arch_by_name("aarch64"), shim, "FP", &ours);
	binfmt_format_register(&ours, line, sizeof(line));
	if (tl_register(line)) {
		fprintf(stderr, "bench: cannot register %s\n", ours.name);
		return 2;
	}
	t[0] = calloc((size_t)rounds, sizeof(double));
	t[1] = calloc((size_t)rounds, sizeof(double));
	for (i = -10; i < rounds; i++) {	/* 10 warm-up rounds */
		for (k = 0; k < 2; k++) {
			int which = (i + k) & 1;	/* flip the order each round */
			double ms;

			tl_binfmt_enable(deb.name, which == 0);
			tl_binfmt_enable(ours.name, which == 1);
			ms = run_once(bin);
			if (i >= 0)
				t[which][i] = ms;
		}
	}
	qsort(t[0], (size_t)rounds, sizeof(double), cmp);
	qsort(t[1], (size_t)rounds, sizeof(double), cmp);
	printf("exec latency of a static aarch64 program, %d alternating rounds:\n", rounds);
	printf("  %-34s median %.3f ms  p10 %.3f  p90 %.3f\n", "direct qemu (Debian's entry, F)",
	       pct(t[0], rounds, 50), pct(t[0], rounds, 10), pct(t[0], rounds, 90));
	printf("  %-34s median %.3f ms  p10 %.3f  p90 %.3f\n", "through the shim (FP, file log)",
	       pct(t[1], rounds, 50), pct(t[1], rounds, 10), pct(t[1], rounds, 90));
	printf("  ratio shim/direct (medians): %.3f (goal <= 1.03)\n",
	       pct(t[1], rounds, 50) / pct(t[0], rounds, 50));
	return 0;
}
