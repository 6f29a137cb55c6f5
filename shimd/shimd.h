/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binfmt-shimd, the audit collector (docs/binfmt-shimd.8). One thread, one
 * io_uring: multishot accept on the shim socket, a multishot recvmsg per
 * connection from a ring of provided buffers (one message each,
 * lib/shimmsg.h), a poll per tracked pidfd,
 * batched writes of JSON Lines, fsync by count or time, signals through a
 * signalfd. The folders of the design are the processes; in here the files
 * are the concerns:
 *   main.c     options -> run -> exit code
 *   loop.c     the ring, its completions, start-up and shutdown
 *   conn.c     connections: receive, one message each, its checks, answer
 *   vouch.c    what the kernel vouches for, and the exec record
 *   exitwatch.c the pidfds: exit status (PIDFD_GET_INFO), exit records
 *   hash.c     --sha256: each binary hashed in the ring, a "hash" record
 *   sink.c     the output: JSON Lines file, journald, RFC 5424 syslog
 *   procwatch.c the process-event connector: foreign execs in containers
 *   confine.c  the io_uring restrictions and the seccomp allowlist
 */
#ifndef BSHIMD_SHIMD_H
#define BSHIMD_SHIMD_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "config.h"
#include "json.h"
#include "shimmsg.h"

/* The shim's defaults (lib/config.h): the collector serves the same. */
#define SHIMD_SOCKET_DEFAULT CONFIG_SOCKET_DEFAULT
#define SHIMD_LOG_DEFAULT CONFIG_LOG_DEFAULT

/* Bounds: what a flood of clients can make the daemon hold. */
#define SHIMD_CONNS_MAX 256		/* open connections */
#define SHIMD_CONNS_PER_UID 64		/* a quarter: one user cannot take all */
#define SHIMD_OBUF_MAX (4u << 20)	/* records waiting for the disk */
/*
 * One output record. A real shim's record is at most SHIMMSG_RECORD_MAX
 * with each caller-controlled field at most SHIMD_FIELD_MAX bytes after
 * escaping (shim/record.c), and the collector re-emits it no longer
 * (lib/json.h escapes no byte the shim left raw). What it moves to
 * "claimed" (time, pid, uid, gid, arch, machine) it replaces at the top
 * by a value no longer than a number or a QEMU name, so the claims cost
 * nothing net; it adds "verified" (under 512 bytes: numbers, an arch
 * name, a fixed probe_error), the time, id and flags (under 256): 4096
 * bytes hold that with room (tests/integration/test_shimd_trust.c sends
 * the largest such record). A record that still does not fit (a client
 * that sent raw DEL bytes, each re-emitted as \u007f) is refused and
 * counted ("record too large"), never cut.
 */
#define SHIMD_FIELD_MAX 4096
#define SHIMD_REC_MAX (SHIMMSG_RECORD_MAX + 4096)
/* One journald or syslog datagram: the record, the indexed fields (path
 * and arch at most SHIMD_FIELD_MAX each, sink_net.c cuts longer ones)
 * and the header. */
#define SHIMD_DGRAM_MAX (SHIMD_REC_MAX + 2 * SHIMD_FIELD_MAX + 2048)
#define SHIMD_FDS_MAX 4			/* SCM_RIGHTS slots read; more is a flood */
/* A run whose parent has not reaped it this long after its exit gets its
 * exit record with status "unknown". */
#define SHIMD_REAP_WAIT_MS 10000

enum sink_kind { SINK_FILE, SINK_JOURNALD, SINK_SYSLOG };

struct shimd_opts {
	bool foreground;
	const char *socket_path;
	const char *log_path;
	enum sink_kind sink;
	const char *sink_target;	/* journald/syslog socket path */
	unsigned fsync_every;		/* records; 0: never by count */
	unsigned fsync_ms;		/* 0: never by time */
	bool seccomp;
	bool sha256;			/* hash each binary (hash.c) */
	uint64_t hash_max_size;		/* bytes; a larger file is not hashed */
	unsigned hash_max_ms;		/* one file's hash may take this long */
	const char *selftest_syscall;	/* tests: call it once confined */
	const char *pinned_dir;		/* procwatch.c: the pinned files */
	bool proc_events;		/* procwatch.c: watch containers' execs */
	unsigned proc_rcvbuf;		/* tests: its receive buffer (0: 8 MiB) */
	bool no_pidfd_exit;		/* tests: act as if without PIDFD_INFO_EXIT */
};

/* Tags in the low bits of a ring's user_data (objects are 8-aligned).
 * Tag 0 is a hash read (hash.c) when the pointer is not NULL; every other
 * untagged operation (link timeouts, cancels, reopen) carries NULL. */
enum op_tag {
	OP_ACCEPT = 1, OP_RECV, OP_POLL, OP_WRITE, OP_FSYNC,
	OP_LOOP,		/* the signalfd read, the tick: told by address */
	OP_PROBE,		/* conn.c: a head read, or its link timeout */
};
#define OP_TAG_MASK 7ull

static inline void *shimd_tag(void *p, enum op_tag t)
{
	return (void *)((uintptr_t)p | t);
}

struct conn {
	int fd;
	struct ucred peer;		/* SO_PEERCRED at accept */
	uint64_t t_accept_ns;		/* CLOCK_MONOTONIC */
	struct conn *next_ack;		/* in a batch waiting for its write */
	bool in_use;
	bool armed;			/* its multishot recvmsg is in the ring */
	bool starved;			/* that ended on -ENOBUFS: start again */
	bool got_msg;			/* its one message came */
	bool answered;			/* answered, or given up on */
	bool probing;			/* its binary's head is read in the ring */
};

/* A run whose end we wait for. */
struct watch {
	int pidfd;
	pid_t pid;
	uid_t uid;
	char id[48];
	uint64_t t0_ns;			/* exec record, CLOCK_MONOTONIC */
	uint64_t texit_ns;		/* POLLIN seen */
	bool exited;
	/* The exit status from the process-event connector (exitwatch.c,
	 * exitwatch_proc_exit): events of its tgid from t_alive_ns on
	 * (CLOCK_MONOTONIC, a time the process was known to exist), until
	 * a new process takes its pid. */
	uint64_t t_alive_ns;
	unsigned long long cn_drops0;	/* shimd.cn_drops when tracking began */
	int cn_status;
	bool cn_known, cn_closed;
	bool awaiting;			/* ended: its exit event is still queued */
};

/* Fields a structured sink (journald) indexes, next to the JSON text. */
struct rec_fields {
	const char *event, *id, *arch, *path;
	long long pid, uid;
};

struct shimd {
	struct shimd_opts o;
	struct io_uring ring;
	int listen_fd;
	bool socket_activated;
	int sig_fd;
	char sig_buf[128];
	bool stopping;
	bool accept_armed;
	unsigned inflight;		/* ops that still hold a buffer or fd */

	struct conn conns[SHIMD_CONNS_MAX];
	unsigned nconns;

	/* Record ids: "<start µs, hex>-<seq>", unique across restarts. */
	char id_prefix[24];
	uint64_t seq;

	/* Exit status through PIDFD_GET_INFO (Linux >= 6.15). */
	bool have_pidfd_exit;
	unsigned nwatch;
	/* From the fd budget (loop.c, shimd_budget): tracked runs, in all
	 * and per uid. */
	unsigned long nofile;		/* RLIMIT_NOFILE, soft, once raised */
	unsigned watch_max, watch_per_uid;

	/* accept(2) out of fds (EMFILE, ENFILE): paused, then tried again
	 * after accept_backoff_ms (loop.c). */
	bool accept_paused;
	unsigned accept_backoff_ms;
	unsigned long long n_accept_emfile;

	/* The output (sink.c). */
	int log_fd;
	bool reopen;			/* SIGHUP seen */
	char *fill, *flight;		/* double buffer */
	size_t fill_len, flight_len, flight_off;
	struct conn *fill_acks, *flight_acks;
	unsigned fill_recs, flight_recs;	/* records without an ack */
	bool writing, syncing;
	unsigned unsynced;
	/* A write failed (a full disk): records no shim waits for stay in
	 * the buffer until the next tick, so the loop does not spin. */
	bool full;
	bool need_nl;			/* a failed write left a cut line */
	/* The counts carried by "lost"/"rejected" records in each buffer:
	 * a failed write gives them back to the counters. */
	unsigned long long fill_nlost, fill_nrej, flight_nlost, flight_nrej;
	unsigned long long fill_nunid, flight_nunid;
	unsigned fill_notes, flight_notes;
	int net_fd;			/* journald / syslog datagram socket */

	/* Counted and reported in the log itself. */
	unsigned long long lost;
	char lost_reason[96];
	unsigned long long rejected;
	char rejected_reason[96];
	long long rejected_uid;
	/* procwatch.c: exec events whose process was gone before it could
	 * be identified (foreign or not: unknown). */
	unsigned long long unidentified;
	/* procwatch.c: process events the kernel dropped for us, in all. */
	unsigned long long cn_drops;

	unsigned long long n_exec, n_exit;
	unsigned long long n_container;		/* procwatch.c: exec records */
	unsigned long long n_probe_async;	/* heads read in the ring */
	unsigned long long n_hash, n_hash_failed, n_hash_skipped;
};

/* What the collector itself established about a message (vouch.c). */
struct verified {
	struct ucred cred;
	bool have_file;
	struct stat st;
	const struct arch *arch;
	bool have_machine;
	unsigned machine;
	const char *probe_error;	/* why arch/machine are not verified */
};

/* loop.c */
int shimd_run(struct shimd *d);
struct io_uring_sqe *shimd_sqe(struct shimd *d);
uint64_t shimd_now_ns(void);
void shimd_rfc3339(char *buf, size_t len);
void shimd_next_id(struct shimd *d, char *buf, size_t len);
/* Open w on buf with the head of a record of the collector's own:
 * {"v":1,"time":<now>,"event":event[,"id":id] (docs/log-format.md). */
void shimd_record_begin(struct json_writer *w, char *buf, size_t cap, const char *event,
			const char *id);
void shimd_arm_sweep(struct shimd *d);	/* conn_sweep, soon, while conns are open */

/* conn.c */
int conn_init(struct shimd *d);		/* before the ring is restricted */
void conn_accepted(struct shimd *d, int fd);
void conn_recv_cqe(struct shimd *d, struct conn *c, const struct io_uring_cqe *cqe);
void conn_probe_cqe(struct shimd *d, void *ptr, int res);
void conn_ack(struct shimd *d, struct conn *c, bool ok);
void conn_sweep(struct shimd *d);
void conn_rearm(struct shimd *d);
unsigned long conn_fd_reserve(void);	/* fds connections and messages may hold */

/* vouch.c */
int vouch_stat(int fd, struct verified *v);	/* -EBADF: not a regular file */
void vouch_head(const unsigned char *head, long n, struct verified *v);
/* exit_tracked: -1 for deny and fail (no exit to track), else 0 or 1. */
int vouch_record(const struct shimmsg *m, const struct verified *v, const char *id,
		 bool hash_follows, int exit_tracked, char *out, size_t cap);

/* exitwatch.c */
bool exitwatch_probe_kernel(void);
int exitwatch_pidfd_pid(int pidfd, pid_t *pid);
struct watch *exitwatch_reserve(struct shimd *d, uid_t uid);
void exitwatch_unreserve(struct shimd *d, struct watch *w);
void exitwatch_add(struct shimd *d, struct watch *w, int pidfd, pid_t pid, const char *id);
void exitwatch_event(struct shimd *d, struct watch *w, int res);
unsigned exitwatch_count_uid(struct shimd *d, uid_t uid);
unsigned exitwatch_abandon(struct shimd *d);
/* procwatch.c hands over what the connector says of process ends. */
void exitwatch_proc_exit(struct shimd *d, pid_t tgid, uint32_t status, uint64_t ts_ns);
void exitwatch_proc_fork(struct shimd *d, pid_t pid, uint64_t ts_ns);
/* After a drain of the connector's queue: empty, every exit event of a
 * run that has ended has been read. */
void exitwatch_settle(struct shimd *d, bool empty);

/* hash.c: takes fd (closes it when --sha256 is off or the queue full) */
int hash_init(struct shimd *d);
void hash_add(struct shimd *d, int fd, pid_t pid, uid_t uid, int64_t size, const char *id);
void hash_read_done(struct shimd *d, void *slot, int res);
/* SIGTERM: the hashes go on for a bounded time (hash.c, HASH_STOP_MS) */
void hash_stop(struct shimd *d);
void hash_tick(struct shimd *d);
unsigned long hash_fd_reserve(const struct shimd *d);	/* the queue's and slots' fds */
bool hash_idle(struct shimd *d);	/* every hash reported: the loop may end */

/* sink.c */
int sink_open(struct shimd *d);
void sink_reopen(struct shimd *d);
/* Queue one record (JSON text with its '\n'); c is acked once it is
 * written (NULL: nothing to ack). Returns 0, or -ENOSPC when the disk is
 * that far behind (c is then the caller's to reject). */
int sink_put(struct shimd *d, const char *rec, size_t len,
	     const struct rec_fields *f, struct conn *c);
void sink_kick(struct shimd *d);
void sink_write_done(struct shimd *d, int res);
void sink_fsync_done(struct shimd *d, int res);
void sink_tick(struct shimd *d);
bool sink_idle(const struct shimd *d);
void sink_close(struct shimd *d);
void sink_count_lost(struct shimd *d, unsigned n, const char *reason);
/* uid -1: no sender known (an accept that failed) */
void sink_count_rejected(struct shimd *d, long long uid, const char *reason);

/* procwatch.c: foreign execs in containers, through the process-event
 * connector (the shim there cannot reach us). */
#define SHIMD_PINNED_DIR_DEFAULT "/var/lib/binfmt-shim/pinned"
#define SHIMD_UNIDENTIFIED_REASON "exec events whose process had ended before the collector " \
	"could look at it (an upper bound: most are native programs; a foreign exec in a " \
	"container among them has no record)"
#define SHIMD_DROPPED_REASON "process events the kernel dropped (netlink overflow): " \
	"a foreign exec in a container among them has no record"
int procwatch_init(struct shimd *d);	/* before confinement */
void procwatch_arm(struct shimd *d);
void procwatch_cqe(struct shimd *d, void *p, int res, unsigned flags);
void procwatch_tick(struct shimd *d);
void procwatch_stop(struct shimd *d);
bool procwatch_is(struct shimd *d, void *p);
bool procwatch_on(void);		/* the connector's events come */
/* Read what is queued now (up to a turn's limit): true when it is empty. */
bool procwatch_flush(struct shimd *d);

/* confine.c */
int confine_ring(struct io_uring *ring);
int confine(struct shimd *d);
void confine_selftest(const char *syscall_name);

#endif
