// SPDX-License-Identifier: GPL-2.0
/*
 * --sha256: the SHA-256 of each binary the shims send, read in the ring
 * after the exec record is written, so no shim ever waits for it.
 *
 * conn.c hands over the binary fd once the exec record is queued (the
 * shim's answer depends on that record only). The fd waits in a FIFO of
 * HASH_QUEUE_MAX; HASH_ACTIVE files at a time, oldest first, are read with
 * IORING_OP_READ in HASH_CHUNK pieces into one buffer each, and each piece
 * is fed to lib/sha256 when its read completes. A page-cached binary (the
 * kernel has just read it for the exec) completes inline; anything else
 * goes to an io-wq worker, and the loop does not wait. The digest itself
 * is paced (HASH_DUTY): after a chunk that took t to hash, the next waits
 * 3t in an IORING_OP_TIMEOUT, so hashing never keeps the loop busy. At the end of the
 * file a "hash" record with the exec record's id follows:
 *   {"v":1,"time":..,"event":"hash","id":..,"sha256":"<hex>","size":N,...}
 * or, with "error" in place of "sha256", when a read failed, when the file
 * no longer has the size fstat gave at the exec (it was rewritten while we
 * read it), or when it was never hashed: the queue was full (a flood; a
 * uid may hold a quarter of it, like the connections) or the collector
 * stopped before it was done. "size" is always the size fstat gave at the
 * exec (the exec record's verified.size), never the bytes read so far: a
 * record that stopped part way must not read as the hash of a smaller
 * file. Memory: HASH_ACTIVE buffers and a fixed queue, whatever comes.
 *
 * The ring's user_data of a read is the slot's address with tag 0
 * (shimd.h: every other untagged operation carries NULL).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "shimd.h"

#define HASH_QUEUE_MAX 256		/* files waiting (one fd each) */
#define HASH_QUEUE_PER_UID (HASH_QUEUE_MAX / 4)
#define HASH_ACTIVE 4			/* files read at once */
#define HASH_CHUNK (64u << 10)		/* one read */
/* Hashing takes at most 1 of every HASH_DUTY ms of the loop's time: the
 * digest is CPU work in the one thread (about 0.3 ms per chunk), and a
 * thread that never sleeps loses its place to the shims and guests when
 * the scheduler picks who runs next, so shims would miss their 5 ms. */
#define HASH_DUTY 4

struct hash_job {
	int fd;
	pid_t pid;
	uid_t uid;
	int64_t size;			/* fstat at the exec record */
	char id[48];
};

/* Bounds, so no client can hold the slots (docs/binfmt-shimd.8): a file
 * over --hash-max-size is not read at all, one still being read
 * --hash-max-ms after it started is given up, and a uid holds at most
 * HASH_ACTIVE / 2 slots (next_job). Four 1 TiB
 * sparse files (reads of zeros, paced) once held every slot for over a
 * day. */
#define HASH_SLOTS_PER_UID (HASH_ACTIVE / 2)

struct hash_slot {
	struct hash_job j;
	struct sha256 ctx;
	uint64_t off;
	unsigned char *buf;		/* HASH_CHUNK */
	int pending;			/* bytes read, waiting for their turn */
	uint64_t t0_ns;			/* reading started (CLOCK_MONOTONIC) */
	uint64_t read_ns;		/* the read in flight was submitted */
	uint64_t cancel_ns;		/* the stop cancelled it (stop_why) */
	bool busy, reading, pausing;
	bool over_time;			/* cancelled by hash_tick */
	const char *stop_why;		/* cancelled by the stop: its record's error */
	/* The pause's timeout: its own user_data (tag 0), the slot's is
	 * the read's. */
	struct __kernel_timespec ts __attribute__((aligned(8)));
} __attribute__((aligned(8)));

static struct hash_job queue[HASH_QUEUE_MAX];
static unsigned q_head, q_len;
static struct hash_slot slots[HASH_ACTIVE];
static uint64_t next_ok_ns;		/* no hashing before (CLOCK_MONOTONIC) */

/*
 * SIGTERM. A hash record that says "collector stopped" for a binary the
 * disk was still reading is a hole in the audit log, and the cold page
 * cache of a fresh machine makes the reads slow just when the service is
 * restarted. So the stop does not cut the hashes short: the reads in
 * flight go on, then the queue, oldest first, unpaced (the socket is
 * gone, no shim waits for an answer any more), for at most HASH_STOP_MS.
 * What is not done by then is reported "skipped: collector stopped (...)"
 * and its read cancelled. A read on a hung file system (a FUSE server
 * that does not answer) would only hold the stop until then: one that has
 * not completed STOP_STALL_NS after it was submitted is cancelled at
 * once. A cancelled read that still does not end (io-wq cannot always
 * interrupt it) is given up STOP_WAIT_NS after the cancel; its slot stays
 * out of use. So hashing adds at most HASH_STOP_MS + STOP_WAIT_NS to the
 * stop, well inside the 10 s systemd gives it (TimeoutStopSec in
 * dist/binfmt-shimd.service), which the output's last write and fdatasync
 * also need.
 */
#define HASH_STOP_MS 3000
#define STOP_STALL_NS (1000 * 1000 * 1000ull)
#define STOP_WAIT_NS (1000 * 1000 * 1000ull)
#define STOP_TICK_MS 100		/* how often the stop checks these */
static uint64_t stop_ns;		/* SIGTERM came (CLOCK_MONOTONIC) */
static bool stop_expired;		/* HASH_STOP_MS after it */
static bool stop_armed;			/* the stop tick is in the ring */
static struct __kernel_timespec stop_ts __attribute__((aligned(8)));

#define STR_(x) #x
#define STR(x) STR_(x)
static const char why_stop_late[] = "skipped: collector stopped (not done "
				    STR(HASH_STOP_MS) " ms after SIGTERM)";
static const char why_stop_stall[] = "skipped: collector stopped (a read did not "
				     "complete in 1 s)";
static const char why_stop_gone[] = "skipped: collector stopped (the read did not end)";
static void arm_stop_tick(struct shimd *d);
static void stop_tick(struct shimd *d);

int hash_init(struct shimd *d)
{
	unsigned i;

	if (!d->o.sha256)
		return 0;
	for (i = 0; i < HASH_ACTIVE; i++) {
		slots[i].buf = malloc(HASH_CHUNK);
		if (!slots[i].buf)
			return -ENOMEM;
	}
	return 0;
}

/* "size" is the file's size at the exec (j->size), whatever was read:
 * the digest, when there is one, is of exactly that many bytes. */
static void put_record(struct shimd *d, const struct hash_job *j, const char *hex,
		       const char *error)
{
	struct rec_fields f = { .event = "hash", .id = j->id, .pid = j->pid, .uid = j->uid };
	char rec[512];
	struct json_writer w;
	int len;

	shimd_record_begin(&w, rec, sizeof(rec), "hash", j->id);
	if (hex)
		jw_kv_string(&w, "sha256", hex);
	if (j->size >= 0)
		jw_kv_int(&w, "size", j->size);
	if (error)
		jw_kv_string(&w, "error", error);
	jw_kv_string(&w, "source", "collector");
	jw_object_end(&w);
	len = jw_finish(&w);
	if (len < 0 || sink_put(d, rec, (size_t)len, &f, NULL) < 0)
		sink_count_lost(d, 1, "hash record: the output is too far behind");
}

static void skip(struct shimd *d, struct hash_job *j, const char *why)
{
	close(j->fd);
	put_record(d, j, NULL, why);
	d->n_hash_skipped++;
}

static void submit_read(struct shimd *d, struct hash_slot *s)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	io_uring_prep_read(sqe, s->j.fd, s->buf, HASH_CHUNK, s->off);
	/* Straight to an io-wq worker: the ring's inline attempt at a read
	 * on a hung FUSE mount waits in readahead inside io_uring_enter()
	 * (measured on 6.18, tests/lib/stallfs.h), which would stall the
	 * loop. */
	sqe->flags |= IOSQE_ASYNC;
	io_uring_sqe_set_data(sqe, s);		/* tag 0: a hash read */
	s->reading = true;
	s->read_ns = shimd_now_ns();
	d->inflight++;
}

static void cancel_read(struct shimd *d, struct hash_slot *s)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)s, 0);
	io_uring_sqe_set_data(sqe, NULL);
}

static unsigned active_of(uid_t uid)
{
	unsigned i, n = 0;

	for (i = 0; i < HASH_ACTIVE; i++)
		n += slots[i].busy && slots[i].j.uid == uid;
	return n;
}

/* The next job for a free slot: the oldest whose uid holds fewer than
 * HASH_SLOTS_PER_UID slots, taken out of the queue; false when every
 * waiting job's uid holds that many. A slot is then left free even if
 * no other uid waits yet: a uid that came first would otherwise hold
 * every slot for as long as its files take when another comes. The
 * pacing (HASH_DUTY) is shared by all slots, so this costs one uid no
 * throughput, only parallel reads. */
static bool next_job(struct hash_job *out)
{
	unsigned i, k;

	for (i = 0; i < q_len; i++)
		if (active_of(queue[(q_head + i) % HASH_QUEUE_MAX].uid) < HASH_SLOTS_PER_UID)
			break;
	if (i == q_len)
		return false;
	*out = queue[(q_head + i) % HASH_QUEUE_MAX];
	/* Close the gap: the jobs before it move up one. */
	for (k = i; k > 0; k--)
		queue[(q_head + k) % HASH_QUEUE_MAX] = queue[(q_head + k - 1) % HASH_QUEUE_MAX];
	q_head = (q_head + 1) % HASH_QUEUE_MAX;
	q_len--;
	return true;
}

/* Into the free slots, oldest first within each uid's share. A slot
 * given up on at the stop keeps its read (the read still owns the
 * buffer, and its completion names the slot): never reused. */
static void start_more(struct shimd *d)
{
	unsigned i;

	for (i = 0; i < HASH_ACTIVE && q_len && !stop_expired; i++) {
		struct hash_slot *s = &slots[i];

		if (s->busy || s->reading || s->pausing)
			continue;
		if (!next_job(&s->j))
			break;
		s->busy = true;
		s->over_time = false;
		s->stop_why = NULL;
		s->off = 0;
		s->pending = 0;
		s->t0_ns = shimd_now_ns();
		sha256_init(&s->ctx);
		submit_read(d, s);
	}
}

static bool over_time(const struct shimd *d, const struct hash_slot *s)
{
	return s->over_time ||
	       shimd_now_ns() - s->t0_ns > (uint64_t)d->o.hash_max_ms * 1000000u;
}

static void why_over_time(const struct shimd *d, char *why, size_t len)
{
	snprintf(why, len, "skipped: over the time limit (%u ms, --hash-max-ms)",
		 d->o.hash_max_ms);
}

void hash_add(struct shimd *d, int fd, pid_t pid, uid_t uid, int64_t size, const char *id)
{
	struct hash_job j = { .fd = fd, .pid = pid, .uid = uid, .size = size };
	unsigned i, mine = 0;

	if (!d->o.sha256) {
		close(fd);
		return;
	}
	snprintf(j.id, sizeof(j.id), "%s", id);
	for (i = 0; i < q_len; i++)
		mine += queue[(q_head + i) % HASH_QUEUE_MAX].uid == uid;
	/* A message accepted before the stop, received after it, is hashed
	 * like the rest while there is time. */
	if (stop_expired) {
		skip(d, &j, why_stop_late);
		return;
	}
	if (size < 0 || (uint64_t)size > d->o.hash_max_size) {
		char why[128];

		/* Never a digest of part of the file as if it were all. */
		snprintf(why, sizeof(why), "skipped: over the size limit (%llu bytes, "
			 "--hash-max-size)", (unsigned long long)d->o.hash_max_size);
		j.size = size;
		skip(d, &j, why);
		return;
	}
	if (q_len == HASH_QUEUE_MAX || mine >= HASH_QUEUE_PER_UID) {
		skip(d, &j, "skipped: hash queue full");
		return;
	}
	queue[(q_head + q_len) % HASH_QUEUE_MAX] = j;
	q_len++;
	start_more(d);
	if (d->stopping)
		arm_stop_tick(d);	/* its bound holds for this one too */
}

static void finish(struct shimd *d, struct hash_slot *s, const char *error)
{
	uint8_t dg[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];

	close(s->j.fd);
	if (error) {
		put_record(d, &s->j, NULL, error);
		d->n_hash_failed++;
	} else {
		d->n_hash++;
		sha256_final(&s->ctx, dg);
		sha256_hex(dg, hex);
		put_record(d, &s->j, hex, NULL);
	}
	s->busy = false;
}

static void pause_until(struct shimd *d, struct hash_slot *s, uint64_t now)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);
	uint64_t ns = next_ok_ns - now;

	s->ts.tv_sec = (long long)(ns / 1000000000u);
	s->ts.tv_nsec = (long long)(ns % 1000000000u);
	io_uring_prep_timeout(sqe, &s->ts, 0, 0);
	io_uring_sqe_set_data(sqe, &s->ts);	/* tag 0: a hash pause */
	s->pausing = true;
	d->inflight++;
}

/* The chunk in the buffer: hash it now, or after the pause (none once
 * stopping: no shim is waiting for the loop then). */
static bool digest(struct shimd *d, struct hash_slot *s)
{
	uint64_t t0 = shimd_now_ns(), t1;

	if (t0 < next_ok_ns && !d->stopping) {
		pause_until(d, s, t0);
		return false;
	}
	sha256_update(&s->ctx, s->buf, (size_t)s->pending);
	s->off += (uint64_t)s->pending;
	s->pending = 0;
	t1 = shimd_now_ns();
	next_ok_ns = t1 + (t1 - t0) * (HASH_DUTY - 1);
	return true;
}

static void read_done(struct shimd *d, struct hash_slot *s, int res);

void hash_read_done(struct shimd *d, void *p, int res)
{
	unsigned i;

	if (p == &stop_ts) {
		stop_armed = false;
		stop_tick(d);
		return;
	}
	for (i = 0; i < HASH_ACTIVE; i++) {
		struct hash_slot *s = &slots[i];

		if (p == &s->ts) {		/* the pause is over */
			s->pausing = false;
			d->inflight--;
			if (!s->busy)
				return;		/* ended by the stop: reported */
			if (over_time(d, s)) {
				char why[96];

				why_over_time(d, why, sizeof(why));
				finish(d, s, why);
				start_more(d);
			} else if (digest(d, s)) {
				submit_read(d, s);
			}
			return;
		}
		if (p == s) {
			read_done(d, s, res);
			return;
		}
	}
}

static void read_done(struct shimd *d, struct hash_slot *s, int res)
{
	char why[96];

	s->reading = false;
	d->inflight--;
	if (!s->busy)
		return;			/* given up on at the stop: reported */
	if (s->stop_why) {		/* the stop cancelled it */
		finish(d, s, s->stop_why);
		start_more(d);
		return;
	}
	/* Not again after hash_tick's cancel: a FUSE read it interrupted
	 * ends -EINTR, and read again it would hang again. */
	if ((res == -EAGAIN || res == -EINTR) && !s->over_time) {
		submit_read(d, s);
		return;
	}
	if (over_time(d, s)) {
		why_over_time(d, why, sizeof(why));
		finish(d, s, why);
	} else if (res < 0) {
		snprintf(why, sizeof(why), "read: %s", strerror(-res));
		finish(d, s, why);
	} else if (res > 0 && s->off + (uint64_t)res <= (uint64_t)s->j.size) {
		s->pending = res;
		if (digest(d, s))
			submit_read(d, s);
		return;
	} else if (s->off != (uint64_t)s->j.size || res > 0) {
		/* Shorter or longer than at the exec: not what ran. */
		snprintf(why, sizeof(why), "the file changed size (%lld bytes at the exec)",
			 (long long)s->j.size);
		finish(d, s, why);
	} else {
		finish(d, s, NULL);
	}
	start_more(d);
}

static void arm_stop_tick(struct shimd *d)
{
	struct io_uring_sqe *sqe;

	if (stop_armed)
		return;
	sqe = shimd_sqe(d);
	stop_ts.tv_sec = 0;
	stop_ts.tv_nsec = STOP_TICK_MS * 1000000LL;
	io_uring_prep_timeout(sqe, &stop_ts, 0, 0);
	io_uring_sqe_set_data(sqe, &stop_ts);	/* tag 0: the stop tick */
	stop_armed = true;
}

static void stop_cancel(struct shimd *d, struct hash_slot *s, const char *why, uint64_t now)
{
	s->stop_why = why;
	s->cancel_ns = now;
	cancel_read(d, s);
}

/* Every STOP_TICK_MS while stopping, until every hash is reported. */
static void stop_tick(struct shimd *d)
{
	uint64_t now = shimd_now_ns();
	unsigned i;

	if (!stop_expired && now - stop_ns >= HASH_STOP_MS * 1000000ull) {
		stop_expired = true;
		while (q_len) {
			skip(d, &queue[q_head], why_stop_late);
			q_head = (q_head + 1) % HASH_QUEUE_MAX;
			q_len--;
		}
		for (i = 0; i < HASH_ACTIVE; i++) {
			struct hash_slot *s = &slots[i];

			if (!s->busy)
				continue;
			if (!s->reading)	/* pausing: its end finds it done */
				finish(d, s, why_stop_late);
			else if (!s->stop_why)
				stop_cancel(d, s, why_stop_late, now);
		}
	}
	for (i = 0; i < HASH_ACTIVE; i++) {
		struct hash_slot *s = &slots[i];

		if (!s->busy || !s->reading)
			continue;
		if (!s->stop_why && now - s->read_ns > STOP_STALL_NS)
			stop_cancel(d, s, why_stop_stall, now);
		else if (s->stop_why && now - s->cancel_ns > STOP_WAIT_NS)
			finish(d, s, why_stop_gone);	/* s->reading stays */
	}
	start_more(d);
	if (!hash_idle(d))
		arm_stop_tick(d);
}

void hash_stop(struct shimd *d)
{
	if (!d->o.sha256)
		return;
	stop_ns = shimd_now_ns();
	if (!hash_idle(d))
		arm_stop_tick(d);
}

/* Every tick: a read still going past the time bound (a file system
 * that does not answer) is cancelled; its completion writes the record.
 * Reads that complete are checked as they do (read_done). */
void hash_tick(struct shimd *d)
{
	unsigned i;

	for (i = 0; i < HASH_ACTIVE && d->o.sha256; i++) {
		struct hash_slot *s = &slots[i];

		if (!s->busy || !s->reading || s->over_time || !over_time(d, s))
			continue;
		s->over_time = true;
		cancel_read(d, s);
	}
}

unsigned long hash_fd_reserve(const struct shimd *d)
{
	return d->o.sha256 ? HASH_QUEUE_MAX + HASH_ACTIVE : 0;
}

bool hash_idle(struct shimd *d)
{
	unsigned i;

	(void)d;
	for (i = 0; i < HASH_ACTIVE; i++)
		if (slots[i].busy)
			return false;
	return q_len == 0;
}
