// SPDX-License-Identifier: GPL-2.0
/*
 * The collector's cost, measured (make bench; never asserted):
 *
 *   1. exec latency of an aarch64 program registered directly with qemu
 *      (Debian's entry, F) vs through the shim with the collector ([log]
 *      socket) and with the file log, alternating, medians; goal <= 1.05.
 *      Twice: a real static C program (the cross-compiled hello fixture),
 *      the measure of the goal, then a hand-made 132-byte program, the
 *      cheapest guest there is, where the shim's share is largest;
 *   2. storm throughput, 32 parallel callers, the shim with the collector
 *      vs the shim with its file log; goal >= 0.95; and the records
 *      counted: every run has its exec and exit record (zero lost).
 *
 * The daemon is started before this process enters its private
 * namespace, at nice -10, as dist/binfmt-shimd.service runs it.
 *
 *   bench_shimd ROUNDS STORM_EXECS
 *
 * ROUNDS 0 leaves part 1 out: make bench measures the latency with
 * bench_exec (the pinned shim, the host and a container, side by side).
 */
#include <errno.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "shimdenv.h"
#include "binfmt.h"

static double run_once(const char *bin)
{
	double t0 = sd_now();
	int st = sd_exec(bin, NULL, NULL);

	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench: %s exited with status 0x%x\n", bin, st);
		exit(2);
	}
	return (sd_now() - t0) * 1e3;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static int write_conf(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -EIO : 0;
}

static size_t count(const char *path, const char *event)
{
	static json_t *r[200000];
	size_t n = sd_read(path, r, sizeof(r) / sizeof(r[0])), k = sd_count(r, n, event);

	se_log_free(r, n);
	return k;
}

/* Fork + exec + wait of guest, rotating direct qemu / shim + collector /
 * shim + file log, medians and p90 of each; ratios to direct. */
static void latency(const struct binfmt_entry *deb, const struct binfmt_entry *ours,
		    const char *guest, const char *what, int rounds,
		    const char *conf_c, const char *conf_f)
{
	static const char *const name[3] = {
		"direct qemu (Debian's entry, F)", "shim + collector (FP, [log] socket)",
		"shim + file log (FP)",
	};
	double *t[3];
	int i, k;

	for (k = 0; k < 3; k++)
		t[k] = calloc((size_t)rounds, sizeof(double));
	for (i = -10; i < rounds; i++) {
		for (k = 0; k < 3; k++) {
			int which = (i + k) % 3;
			double ms;

			tl_binfmt_enable(deb->name, which == 0);
			tl_binfmt_enable(ours->name, which != 0);
			setenv("BINFMT_SHIM_CONFIG", which == 2 ? conf_f : conf_c, 1);
			ms = run_once(guest);
			if (i >= 0)
				t[which][i] = ms;
		}
	}
	printf("exec latency of %s, %d alternating rounds:\n", what, rounds);
	for (k = 0; k < 3; k++) {
		qsort(t[k], (size_t)rounds, sizeof(double), cmp);
		printf("  %-38s median %.3f ms  p90 %.3f\n", name[k],
		       t[k][rounds / 2], t[k][rounds * 9 / 10]);
	}
	printf("  ratio collector/direct (medians): %.3f (goal <= 1.05); file/direct %.3f\n",
	       t[1][rounds / 2] / t[0][rounds / 2], t[2][rounds / 2] / t[0][rounds / 2]);
	for (k = 0; k < 3; k++)
		free(t[k]);
}

int main(int argc, char **argv)
{
	static struct shimd_env s;
	char why[256], text[2048], line[BINFMT_REGISTER_MAX + 1], shim[512];
	char conf_c[256], conf_f[256], flog[256], real[512];
	struct binfmt_entry deb, ours;
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	int storm = argc > 2 ? atoi(argv[2]) : 2000;
	double rate[2] = { 0, 0 }, t0;
	int i, bad;
	long n;

	if (rounds > 0 && rounds < 10)
		rounds = 10;
	snprintf(s.e.dir, sizeof(s.e.dir), "/tmp/binfmt-shimd-bench.XXXXXX");
	if (!mkdtemp(s.e.dir))
		return 2;
	snprintf(s.sock, sizeof(s.sock), "%.128s/shimd.sock", s.e.dir);
	snprintf(s.out, sizeof(s.out), "%.128s/collector.jsonl", s.e.dir);
	snprintf(s.err, sizeof(s.err), "%.128s/shimd.err", s.e.dir);
	snprintf(s.tiny, sizeof(s.tiny), "%.128s/tiny", s.e.dir);
	snprintf(flog, sizeof(flog), "%.128s/shim.jsonl", s.e.dir);
	snprintf(conf_c, sizeof(conf_c), "%.128s/collector.conf", s.e.dir);
	snprintf(conf_f, sizeof(conf_f), "%.128s/file.conf", s.e.dir);
	snprintf(text, sizeof(text), "[log]\nsocket = %s\n", s.sock);
	if (sd_write_tiny(s.tiny) || write_conf(conf_c, text) || write_conf(conf_f, "[log]\n"))
		return 2;
	setenv("BINFMT_SHIM_LOG", flog, 1);
	sd_prelaunch(&s, 0);
	n = tl_read_file("/usr/lib/binfmt.d/qemu-aarch64.conf", text, sizeof(text));
	if (n <= 0 || binfmt_parse_register(strtok(text, "\n"), &deb)) {
		fprintf(stderr, "bench: no Debian qemu-aarch64 entry (qemu-user-static)\n");
		return 2;
	}
	if (tl_private_binfmt(why, sizeof(why))) {
		fprintf(stderr, "bench: %s\n", why);
		return 2;
	}
	tl_build("shim", shim, sizeof(shim));
	binfmt_format_register(&deb, line, sizeof(line));
	if (tl_register(line))
		return 2;
	binfmt_entry_for_arch(arch_by_name("aarch64"), shim, "FP", &ours);
	binfmt_format_register(&ours, line, sizeof(line));
	if (tl_register(line))
		return 2;
	if (sd_start(&s)) {
		fprintf(stderr, "bench: binfmt-shimd did not start (see %s)\n", s.err);
		return 2;
	}

	/* 1. latency, rotating direct qemu, shim + collector, shim + file:
	 * a real guest first (the goal's measure), then the cheapest one. */
	tl_fixture("c/aarch64-linux-gnu-static", real, sizeof(real));
	if (access(real, X_OK)) {
		fprintf(stderr, "bench: %s missing: run scripts/fixtures\n", real);
		return 2;
	}
	if (rounds > 0) {
		latency(&deb, &ours, real, "a static C program (gcc, glibc), 'hello'",
			rounds, conf_c, conf_f);
		latency(&deb, &ours, s.tiny, "a hand-made 132-byte program (worst case)",
			rounds, conf_c, conf_f);
	}

	/* 2. storms: collector, file, collector, file; the better of each. */
	tl_binfmt_enable(deb.name, 0);
	tl_binfmt_enable(ours.name, 1);
	/* Fresh files: the daemon reopens its log on SIGHUP (after the last
	 * latency run's exit record is in). */
	usleep(200000);
	unlink(s.out);
	unlink(flog);
	kill(s.dpid, SIGHUP);
	usleep(200000);
	for (i = 0; i < 4; i++) {
		setenv("BINFMT_SHIM_CONFIG", i & 1 ? conf_f : conf_c, 1);
		t0 = sd_now();
		bad = sd_storm(s.tiny, 32, storm);
		t0 = (double)storm / (sd_now() - t0);
		if (bad)
			fprintf(stderr, "bench: %d runs failed\n", bad);
		if (t0 > rate[i & 1])
			rate[i & 1] = t0;
	}
	sd_stop(&s, SIGTERM);
	printf("storm of %d execs from 32 callers, twice each, best run:\n", storm);
	printf("  %-38s %.0f execs/s\n", "shim + collector", rate[0]);
	printf("  %-38s %.0f execs/s\n", "shim + file log", rate[1]);
	printf("  ratio collector/file: %.3f (goal >= 0.95)\n", rate[1] ? rate[0] / rate[1] : 0);
	printf("  collector: %zu exec, %zu exit records for %d runs; %zu lost records\n",
	       count(s.out, "exec"), count(s.out, "exit"), 2 * storm, count(s.out, "lost"));
	/* The file runs' records, plus any shim that missed its 5 ms. */
	printf("  shims' own log: %zu records for %d file-log runs (%zd fallback copies)\n",
	       count(flog, "exec"), 2 * storm, (ssize_t)count(flog, "exec") - 2 * storm);
	snprintf(text, sizeof(text), "rm -rf '%s'", s.e.dir);
	return system(text) ? 1 : 0;
}
