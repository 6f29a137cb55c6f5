// SPDX-License-Identifier: GPL-2.0
/*
 * Exec latency of a foreign program, three ways side by side in one run
 * (make bench; measured, never asserted):
 *
 *   direct    Debian's own qemu-aarch64 entry (/usr/lib/binfmt.d, flags
 *             OPF), qemu registered directly;
 *   shim      the entry `binfmt-shim register` makes by default (the
 *             pinned file: the shim with qemu-aarch64-static appended,
 *             flags FP), mapped hand-off, the system record to the file
 *             log;
 *   collector the same entry with the system record to binfmt-shimd's
 *             socket ([log] socket), the daemon running.
 *
 * For two guests: the 132-byte aarch64 program (the cheapest guest there
 * is, where the shim's share is largest) and the static C hello fixture
 * (gcc, glibc); each on the host (a private binfmt_misc instance, as the
 * tests) and inside a container: a new mount + PID namespace chrooted
 * into a root holding only a static busybox and the two programs, /proc
 * mounted, no emulator and no binfmt-shim file. The variants rotate
 * within every round so machine noise hits all alike; medians, p10/p90,
 * the ratio of the medians to direct and the median of the per-round
 * ratios, and the page faults per exec (ru_minflt of the whole process:
 * shim, emulator and guest).
 *
 * The variants differ only in the system config (/etc/binfmt-shim/
 * shim.conf of the private overlay /etc, rewritten between runs), as on a
 * real host: no BINFMT_SHIM_* in the environment. Inside the container
 * the shim reads the container's /etc (none) and writes no record
 * (docs/design.md): the two shim variants take the same path there.
 *
 *   bench_exec ROUNDS          the table
 *   bench_exec --trace         each cell once, a marker write(-1, "cell
 *                              ...") before it: scripts/bench runs this
 *                              under strace -f and counts each guest's
 *                              syscalls from its execve
 *
 * The daemon is started before this process enters its private
 * namespace, at nice -10, as dist/binfmt-shimd.service runs it.
 */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "shimdenv.h"
#include "binfmt.h"
#include "tcontainer.h"

enum { DIRECT, SHIM, COLLECTOR, NVAR };
enum { HOST, CONTAINER, NPLACE };
enum { TINY, HELLO, NPROG };

static const char *const var_name[NVAR] = { "direct qemu", "shim, file log", "shim + collector" };
static const char *const place_name[NPLACE] = { "host", "container" };
static const char *const prog_name[NPROG] = { "132-byte", "C hello" };
/* Inside the container's root. */
static const char *const prog_in[NPROG] = { "/fx/tiny", "/fx/hello" };

struct result {
	double ms;		/* wall clock, fork to wait4 */
	double cpu;		/* CPU time of the exec'd process, all threads (ms) */
	long minflt;
	int status;
};

static char prog_host[NPROG][512];
static char conf[NVAR][512];
static const char *qemu_entry, *shim_entry = "binfmt-shim-aarch64";

static int devnull = -1;

/* fork + exec + wait4 of prog, timed; stdout and stderr to /dev/null. */
static struct result run_once(const char *prog)
{
	char *argv[] = { (char *)prog, "exit", "0", NULL };
	struct result r = { 0, 0, 0, -1 };
	struct rusage ru;
	double t0 = sd_now();
	pid_t pid = fork();

	if (pid == 0) {
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(prog, argv);
		_exit(127);
	}
	if (pid > 0 && wait4(pid, &r.status, 0, &ru) == pid) {
		r.ms = (sd_now() - t0) * 1e3;
		r.minflt = ru.ru_minflt;
		/* The sum is the scheduler's precise runtime (the split
		 * between user and system is what is sampled). */
		r.cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	}
	return r;
}

/* The container: this child unshares mount + PID namespaces; its child,
 * PID 1 there, mounts /proc, chroots and serves requests (a program
 * index) with a timed run each. */
static int ctr_req = -1, ctr_res = -1;
static pid_t ctr_pid;

static int ctr_start(const char *root)
{
	int req[2], res[2];

	if (pipe2(req, O_CLOEXEC) || pipe2(res, O_CLOEXEC))
		return -errno;
	ctr_pid = fork();
	if (ctr_pid < 0)
		return -errno;
	if (ctr_pid == 0) {
		pid_t init;
		int st, k;

		close(req[1]);
		close(res[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0)
			_exit(120);
		init = fork();
		if (init) {
			waitpid(init, &st, 0);
			_exit(0);
		}
		if (tc_private_proc(root, 1) < 0 || tc_enter_root(root, 0) < 0)
			_exit(123);
		while (read(req[0], &k, sizeof(k)) == (ssize_t)sizeof(k)) {
			struct result r = run_once(prog_in[k]);

			if (write(res[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
				break;
		}
		_exit(0);
	}
	close(req[0]);
	close(res[1]);
	ctr_req = req[1];
	ctr_res = res[0];
	return 0;
}

static struct result ctr_run(int k)
{
	struct result r = { 0, 0, 0, -1 };

	if (write(ctr_req, &k, sizeof(k)) != (ssize_t)sizeof(k) ||
	    read(ctr_res, &r, sizeof(r)) != (ssize_t)sizeof(r))
		r.status = -1;
	return r;
}

static struct result cell(int v, int p, int k)
{
	struct result r;

	tl_binfmt_enable(qemu_entry, v == DIRECT);
	tl_binfmt_enable(shim_entry, v != DIRECT);
	if (v != DIRECT)
		tl_system_config(conf[v]);
	r = p == HOST ? run_once(prog_host[k]) : ctr_run(k);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status)) {
		fprintf(stderr, "bench: %s, %s, %s: wait status 0x%x\n", prog_name[k],
			place_name[p], var_name[v], r.status);
		exit(2);
	}
	return r;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The container's root in the private /var/tmp: busybox and the guests
 * (tests/lib/tcontainer.c). */
static int make_root(char *root, size_t len)
{
	static const char *const dirs[] = { "/bin", "/fx", "/proc", "/tmp" };
	int k, err;

	snprintf(root, len, "/var/tmp/bench-ctr.XXXXXX");
	if (!mkdtemp(root) || chmod(root, 0755))
		return -errno;
	if ((err = tc_make_root(root, dirs, sizeof(dirs) / sizeof(dirs[0]))))
		return err;
	for (k = 0; k < NPROG; k++)
		if (tc_copy_in(root, prog_host[k], prog_in[k], 0755))
			return -EIO;
	return 0;
}

enum { WALL, CPU, FAULTS, NMETRIC };
static double *m[NMETRIC][NPROG][NPLACE][NVAR];

/* Median of the per-round ratios of metric x, variant v to direct. */
static double paired(double *q, int x, int k, int p, int v, int rounds)
{
	int i;

	for (i = 0; i < rounds; i++)
		q[i] = m[x][k][p][v][i] / m[x][k][p][DIRECT][i];
	return median(q, rounds);
}

static void table(int rounds)
{
	double *q = calloc((size_t)rounds, sizeof(double));
	int k, p, v;

	printf("exec latency, %d rounds (the variants rotate within each round; ratios against\n"
	       "direct qemu in the same rounds: of the medians, and the median of the per-round ones)\n",
	       rounds);
	printf("  %-9s %-10s %-17s %9s %7s %7s %6s %6s %8s %6s %6s\n", "", "", "",
	       "wall ms", "p10", "p90", "ratio", "paired", "cpu ms", "ratio", "faults");
	for (k = 0; k < NPROG; k++)
		for (p = 0; p < NPLACE; p++)
			for (v = 0; v < NVAR; v++) {
				double pw = v == DIRECT ? 1 : paired(q, WALL, k, p, v, rounds);
				double *w = m[WALL][k][p][v];

				/* After the paired ratios: median() sorts. */
				printf("  %-9s %-10s %-17s %9.3f %7.3f %7.3f %6.3f %6.3f %8.3f %6.3f %6.0f\n",
				       prog_name[k], place_name[p], var_name[v], median(w, rounds),
				       w[(rounds - 1) / 10], w[(rounds - 1) * 9 / 10],
				       median(w, rounds) / median(m[WALL][k][p][DIRECT], rounds), pw,
				       median(m[CPU][k][p][v], rounds),
				       median(m[CPU][k][p][v], rounds) /
				       median(m[CPU][k][p][DIRECT], rounds),
				       median(m[FAULTS][k][p][v], rounds));
			}
	printf("  goal: wall ratio <= 1.010 with the file log, <= 1.020 with the collector\n");
	free(q);
}

int main(int argc, char **argv)
{
	static struct shimd_env s;
	static struct binfmt_entry deb;
	char why[256], text[2048], line[BINFMT_REGISTER_MAX + 1], root[128];
	char cli[512], shim[512], out[4096], err[4096], pindir[512];
	char *reg[] = { cli, "register", "--shim", shim, "aarch64", NULL };
	int trace = argc > 1 && !strcmp(argv[1], "--trace");
	int rounds = !trace && argc > 1 ? atoi(argv[1]) : 300;
	int i, k, p, v, x, st;
	long n;

	if (rounds < 10)
		rounds = 10;
	snprintf(s.e.dir, sizeof(s.e.dir), "/tmp/binfmt-shim-bench.XXXXXX");
	if (!mkdtemp(s.e.dir))
		return 2;
	snprintf(s.sock, sizeof(s.sock), "%.128s/shimd.sock", s.e.dir);
	snprintf(s.out, sizeof(s.out), "%.128s/collector.jsonl", s.e.dir);
	snprintf(s.err, sizeof(s.err), "%.128s/shimd.err", s.e.dir);
	snprintf(prog_host[TINY], sizeof(prog_host[TINY]), "%.128s/tiny", s.e.dir);
	if (sd_write_tiny(prog_host[TINY]))
		return 2;
	tl_fixture("c/aarch64-linux-gnu-static", prog_host[HELLO], sizeof(prog_host[HELLO]));
	if (access(prog_host[HELLO], X_OK)) {
		fprintf(stderr, "bench: %s missing: run scripts/fixtures\n", prog_host[HELLO]);
		return 2;
	}
	snprintf(conf[SHIM], sizeof(conf[SHIM]), "[log]\nsocket = none\n");
	snprintf(conf[COLLECTOR], sizeof(conf[COLLECTOR]), "[log]\nsocket = %s\n", s.sock);
	sd_prelaunch(&s, 0);

	n = tl_read_file("/usr/lib/binfmt.d/qemu-aarch64.conf", text, sizeof(text));
	if (n <= 0 || binfmt_parse_register(strtok(text, "\n"), &deb)) {
		fprintf(stderr, "bench: no Debian qemu-aarch64 entry (qemu-user-static)\n");
		return 2;
	}
	qemu_entry = deb.name;
	if (tl_private_binfmt(why, sizeof(why))) {
		fprintf(stderr, "bench: %s\n", why);
		return 2;
	}
	/* The system config decides, as on a host: nothing from the caller. */
	unsetenv("BINFMT_SHIM_CONFIG");
	unsetenv("BINFMT_SHIM_LOG");
	tl_system_config(conf[SHIM]);
	binfmt_format_register(&deb, line, sizeof(line));
	if (tl_register(line)) {
		fprintf(stderr, "bench: cannot register %s\n", deb.name);
		return 2;
	}
	tl_build("binfmt-shim", cli, sizeof(cli));
	tl_build("shim", shim, sizeof(shim));
	/* The pinned file on a disk file system, as /var/lib/binfmt-shim/
	 * pinned is on a host and qemu is in /usr/bin: in the rig's private
	 * /var/tmp (a tmpfs) the emulator's pages fault in one by one where
	 * a disk file system's page cache maps them many at a time (about 20
	 * faults more per exec, measured). Removed at the end. */
	tl_build("bench/pinned", pindir, sizeof(pindir));
	mkdir(pindir, 0755);
	setenv("BINFMT_SHIM_PINNED_DIR", pindir, 1);
	st = tl_run(reg, NULL, 0, out, sizeof(out), err, sizeof(err));
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench: binfmt-shim register: 0x%x\n%s%s", st, out, err);
		return 2;
	}
	if (make_root(root, sizeof(root))) {
		fprintf(stderr, "bench: cannot build the container's root in %s "
			"(busybox-static?)\n", root);
		return 2;
	}
	if (sd_start(&s)) {
		fprintf(stderr, "bench: binfmt-shimd did not start (see %s)\n", s.err);
		return 2;
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0 || ctr_start(root))
		return 2;

	if (trace) {
		/* One unmarked run first: the first record makes the log's
		 * directory, which no later exec repeats. */
		cell(SHIM, HOST, TINY);
		for (k = 0; k < NPROG; k++)
			for (p = 0; p < NPLACE; p++)
				for (v = 0; v < NVAR; v++) {
					snprintf(line, sizeof(line), "cell %s|%s|%s|%s",
						 prog_name[k], place_name[p], var_name[v],
						 p == HOST ? prog_host[k] : prog_in[k]);
					(void)!write(-1, line, strlen(line));
					cell(v, p, k);
				}
	} else {
		for (k = 0; k < NPROG; k++)
			for (p = 0; p < NPLACE; p++)
				for (v = 0; v < NVAR; v++)
					for (x = 0; x < NMETRIC; x++)
						m[x][k][p][v] = calloc((size_t)rounds,
								       sizeof(double));
		for (i = -10; i < rounds; i++)	/* 10 warm-up rounds */
			for (k = 0; k < NPROG; k++)
				for (p = 0; p < NPLACE; p++)
					for (v = 0; v < NVAR; v++) {
						int w = (v + i + 10) % NVAR;
						struct result r = cell(w, p, k);

						if (i < 0)
							continue;
						m[WALL][k][p][w][i] = r.ms;
						m[CPU][k][p][w][i] = r.cpu;
						m[FAULTS][k][p][w][i] = (double)r.minflt;
					}
		table(rounds);
	}
	close(ctr_req);
	waitpid(ctr_pid, &st, 0);
	sd_stop(&s, SIGTERM);
	snprintf(text, sizeof(text), "rm -rf '%s' '%s'", s.e.dir, pindir);
	return system(text) ? 1 : 0;
}
