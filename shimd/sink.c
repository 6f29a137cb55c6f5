// SPDX-License-Identifier: GPL-2.0
/*
 * The output. The default is the JSON Lines file: records collect in a
 * buffer while the previous batch is being written (two buffers of
 * SHIMD_OBUF_MAX, so a slow disk holds at most that much), each batch is
 * one io_uring write on an O_APPEND descriptor, and the shims of a batch
 * get their answer when it is written: a failed write answers 'R', so
 * those shims log the record themselves and nothing is lost. Records
 * with no shim waiting (exit, lost, rejected) that cannot be written are
 * counted and reported by a "lost" record. fsync after every N records
 * or T ms (--fsync-every, --fsync-ms). SIGHUP reopens the file between
 * two writes (logrotate renames, then signals).
 *
 * journald and syslog take one datagram per record (sink_net.c); the shim
 * is answered when the datagram is accepted by the socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shimd.h"
#include "sink_net.h"

static int open_log(struct shimd *d)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY;
	char dir[4096], *p;
	int fd;

	fd = open(d->o.log_path, flags, 0640);
	if (fd < 0 && errno == ENOENT) {
		snprintf(dir, sizeof(dir), "%s", d->o.log_path);
		p = strrchr(dir, '/');
		if (p && p != dir) {
			*p = '\0';
			mkdir(dir, 0750);
		}
		fd = open(d->o.log_path, flags, 0640);
	}
	if (fd < 0) {
		fd = -errno;
		fprintf(stderr, "binfmt-shimd: %s: %s\n", d->o.log_path, strerror(errno));
	}
	return fd;
}

int sink_open(struct shimd *d)
{
	int fd;

	d->fill = malloc(SHIMD_OBUF_MAX);
	d->flight = malloc(SHIMD_OBUF_MAX);
	if (!d->fill || !d->flight)
		return -ENOMEM;
	d->log_fd = -1;
	d->net_fd = -1;
	if (d->o.sink != SINK_FILE)
		return sink_net_open(d);
	fd = open_log(d);
	if (fd < 0)
		return fd;
	d->log_fd = fd;
	return 0;
}

void sink_reopen(struct shimd *d)
{
	if (d->o.sink == SINK_FILE)
		d->reopen = true;	/* done in sink_kick, between writes */
}

static void do_reopen(struct shimd *d)
{
	struct io_uring_sqe *sqe;
	int fd;

	d->reopen = false;
	fd = open_log(d);
	if (fd < 0)
		return;			/* keep writing to the old file */
	/* The old file: fdatasync, then close, in the ring, so the loop never
	 * waits for the disk. */
	sqe = shimd_sqe(d);
	io_uring_prep_fsync(sqe, d->log_fd, IORING_FSYNC_DATASYNC);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data(sqe, NULL);
	sqe = shimd_sqe(d);
	io_uring_prep_close(sqe, d->log_fd);
	io_uring_sqe_set_data(sqe, NULL);
	d->log_fd = fd;
	d->unsynced = 0;
}

void sink_count_lost(struct shimd *d, unsigned n, const char *reason)
{
	d->lost += n;
	snprintf(d->lost_reason, sizeof(d->lost_reason), "%s", reason);
}

void sink_count_rejected(struct shimd *d, long long uid, const char *reason)
{
	d->rejected++;
	d->rejected_uid = uid;
	snprintf(d->rejected_reason, sizeof(d->rejected_reason), "%s", reason);
}

/* "lost" and "rejected": counts, reported in the log itself. A notice
 * whose write fails gives its count back (answer_batch). */
static void put_notice(struct shimd *d, const char *event, unsigned long long *count,
		       const char *reason, long long uid)
{
	unsigned long long *back = count == &d->lost ? &d->fill_nlost :
				   count == &d->rejected ? &d->fill_nrej : &d->fill_nunid;
	char rec[512];
	struct rec_fields f = { .event = event, .id = "", .pid = -1, .uid = uid };
	struct json_writer w;
	int len;

	if (!*count)
		return;
	shimd_record_begin(&w, rec, sizeof(rec), event, NULL);
	jw_kv_uint(&w, "count", *count);
	jw_kv_string(&w, "reason", reason);
	if (uid >= 0)
		jw_kv_int(&w, "uid", uid);	/* the last offender */
	jw_kv_string(&w, "source", "collector");
	jw_object_end(&w);
	len = jw_finish(&w);
	if (len > 0 && sink_put(d, rec, (size_t)len, &f, NULL) == 0) {
		if (d->o.sink == SINK_FILE) {
			*back += *count;
			d->fill_notes++;
		}
		*count = 0;
	}
}

static void notices(struct shimd *d)
{
	if (d->full)
		return;			/* until the next tick */
	put_notice(d, "lost", &d->lost, d->lost_reason, -1);
	put_notice(d, "rejected", &d->rejected, d->rejected_reason, d->rejected_uid);
	/* procwatch.c: not "lost", since most such processes were native
	 * ones: an upper bound, not a count of records that are missing. */
	put_notice(d, "unidentified", &d->unidentified, SHIMD_UNIDENTIFIED_REASON, -1);
}

int sink_put(struct shimd *d, const char *rec, size_t len,
	     const struct rec_fields *f, struct conn *c)
{
	if (d->o.sink != SINK_FILE) {
		if (sink_net_send(d, rec, len, f) < 0)
			return -EIO;
		if (c)
			conn_ack(d, c, true);
		return 0;
	}
	/* One byte kept for the newline that may end a cut line. */
	if (len > SHIMD_OBUF_MAX - 1 - d->fill_len)
		return -ENOSPC;
	memcpy(d->fill + d->fill_len, rec, len);
	d->fill_len += len;
	if (c) {
		c->next_ack = d->fill_acks;
		d->fill_acks = c;
	}
	d->fill_recs++;
	return 0;
}

static void submit_write(struct shimd *d)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	/* Offset -1: the file position, i.e. the end with O_APPEND. */
	io_uring_prep_write(sqe, d->log_fd, d->flight + d->flight_off,
			    (unsigned)(d->flight_len - d->flight_off), (uint64_t)-1);
	io_uring_sqe_set_data(sqe, (void *)((uintptr_t)&d->flight | OP_WRITE));
	d->writing = true;
}

static void submit_fsync(struct shimd *d)
{
	struct io_uring_sqe *sqe = shimd_sqe(d);

	io_uring_prep_fsync(sqe, d->log_fd, IORING_FSYNC_DATASYNC);
	io_uring_sqe_set_data(sqe, (void *)((uintptr_t)&d->log_fd | OP_FSYNC));
	d->syncing = true;
	d->unsynced = 0;
}

/*
 * A batch goes to the page cache in this turn of the loop when that
 * cannot block (RWF_NOWAIT), so its shims are answered without a round
 * trip through an io-wq worker: under load that hand-off alone made
 * shims miss their 5 ms. File systems without non-blocking buffered
 * writes (ext4 answers EOPNOTSUPP) get a plain write(2) as long as writes
 * stay fast; one that takes over SLOW_WRITE_NS sends the next
 * SLOW_BACKOFF_NS of batches through the ring, so a slow disk stalls
 * the loop once, not for every batch. Returns whether it wrote.
 */
#define SLOW_WRITE_NS (2 * 1000 * 1000ull)
#define SLOW_BACKOFF_NS (10 * 1000 * 1000 * 1000ull)

static bool write_inline(struct shimd *d)
{
	static bool no_nowait;
	static uint64_t ring_until;
	struct iovec iov = { .iov_base = d->flight, .iov_len = d->flight_len };
	uint64_t t0 = shimd_now_ns();
	ssize_t n = -1;

	if (!no_nowait) {
		n = pwritev2(d->log_fd, &iov, 1, -1, RWF_NOWAIT);
		if (n < 0 && errno == EOPNOTSUPP)
			no_nowait = true;
	}
	if (n < 0 && no_nowait && t0 >= ring_until) {
		n = write(d->log_fd, d->flight, d->flight_len);
		if (shimd_now_ns() - t0 > SLOW_WRITE_NS)
			ring_until = shimd_now_ns() + SLOW_BACKOFF_NS;
	}
	if (n <= 0)
		return false;
	d->writing = true;
	sink_write_done(d, (int)n);
	return true;
}

void sink_kick(struct shimd *d)
{
	char *t;

	if (d->o.sink != SINK_FILE) {
		notices(d);
		return;
	}
	if (d->writing)
		return;
	if (d->reopen && !d->syncing)
		do_reopen(d);
	notices(d);
	/* After a failed write only shims waiting for their answer make
	 * us try again before the next tick. */
	if (!d->fill_len || (d->full && !d->fill_acks))
		return;
	t = d->flight;
	d->flight = d->fill;
	d->fill = t;
	d->flight_len = d->fill_len;
	d->flight_off = 0;
	d->flight_acks = d->fill_acks;
	d->flight_recs = d->fill_recs;
	d->flight_nlost = d->fill_nlost;
	d->flight_nrej = d->fill_nrej;
	d->flight_nunid = d->fill_nunid;
	d->flight_notes = d->fill_notes;
	d->fill_len = 0;
	d->fill_acks = NULL;
	d->fill_recs = 0;
	d->fill_nlost = d->fill_nrej = d->fill_nunid = 0;
	d->fill_notes = 0;
	if (d->need_nl) {
		memmove(d->flight + 1, d->flight, d->flight_len);
		d->flight[0] = '\n';
		d->flight_len++;
	}
	if (write_inline(d))
		return;
	submit_write(d);
}

static void answer_batch(struct shimd *d, bool ok)
{
	struct conn *c = d->flight_acks, *next;
	unsigned acked = 0;

	for (; c; c = next) {
		next = c->next_ack;
		conn_ack(d, c, ok);
		acked++;
	}
	d->flight_acks = NULL;
	if (ok)
		return;
	/* The shims that were answered 'R' log their records themselves;
	 * the notices' counts go back to their counters; the rest (exit,
	 * hash records) are lost. */
	d->lost += d->flight_nlost;
	d->rejected += d->flight_nrej;
	d->unidentified += d->flight_nunid;
	if (d->flight_recs > acked + d->flight_notes)
		sink_count_lost(d, d->flight_recs - acked - d->flight_notes,
				"write to the log failed");
}

/*
 * A write that failed after part of the batch went to disk (a full file
 * system takes what fits) left a cut line at the end of the file. Cut it
 * off: the bytes after the batch's last complete record are the file's
 * last (a shim appending meanwhile would have met the same full disk).
 * Where that fails, the next batch starts with a newline instead, so at
 * least the records after it are whole lines.
 */
static void uncut(struct shimd *d)
{
	const char *nl = memrchr(d->flight, '\n', d->flight_off);
	size_t cut = nl ? d->flight_off - (size_t)(nl + 1 - d->flight) : d->flight_off;
	struct stat st;

	if (fstat(d->log_fd, &st) == 0 && (uint64_t)st.st_size >= cut &&
	    ftruncate(d->log_fd, st.st_size - (off_t)cut) == 0)
		return;
	d->need_nl = true;
}

void sink_write_done(struct shimd *d, int res)
{
	if (res == -EAGAIN || res == -EINTR) {
		submit_write(d);
		return;
	}
	if (res <= 0) {
		/* Part of the batch may be on disk, ending in a cut line: the
		 * next batch that is written starts with a newline, so the
		 * next record starts on its own line (readers skip the cut
		 * one). The next try waits for the tick unless shims wait. */
		if (d->flight_off && d->flight[d->flight_off - 1] != '\n')
			uncut(d);
		if (!d->full)
			fprintf(stderr, "binfmt-shimd: write %s: %s\n", d->o.log_path,
				strerror(res ? -res : ENOSPC));
		d->full = true;
		answer_batch(d, false);
		d->writing = false;
		return;
	}
	if (d->need_nl && d->flight_off == 0)
		d->need_nl = false;	/* the newline went first */
	d->flight_off += (size_t)res;
	if (d->flight_off < d->flight_len) {
		submit_write(d);
		return;
	}
	if (d->full)
		fprintf(stderr, "binfmt-shimd: write %s: space again\n", d->o.log_path);
	d->full = false;
	d->unsynced += d->flight_recs;
	answer_batch(d, true);
	d->writing = false;
	if (d->o.fsync_every && d->unsynced >= d->o.fsync_every && !d->syncing)
		submit_fsync(d);
}

void sink_fsync_done(struct shimd *d, int res)
{
	d->syncing = false;
	if (res < 0)
		fprintf(stderr, "binfmt-shimd: fsync %s: %s\n", d->o.log_path, strerror(-res));
}

void sink_tick(struct shimd *d)
{
	d->full = false;		/* try the disk again */
	if (d->o.sink == SINK_FILE && d->o.fsync_ms && d->unsynced && !d->syncing)
		submit_fsync(d);
}

/* Stopping on a full disk does not wait for space: sink_close() tries
 * once more and says on stderr what it could not write. */
bool sink_idle(const struct shimd *d)
{
	return !d->writing && !d->syncing &&
	       (d->full || (!d->fill_len && !d->lost && !d->rejected));
}

void sink_close(struct shimd *d)
{
	size_t off = 0;
	ssize_t n;

	notices(d);
	if (d->o.sink != SINK_FILE) {
		sink_net_close(d);
		return;
	}
	/* The loop has drained; what is left (the last notices) goes now. */
	d->full = false;
	notices(d);
	if (d->need_nl && d->fill_len && write(d->log_fd, "\n", 1) != 1)
		off = d->fill_len;
	while (off < d->fill_len) {
		n = write(d->log_fd, d->fill + off, d->fill_len - off);
		if (n <= 0) {
			fprintf(stderr, "binfmt-shimd: write %s: %s: %zu bytes of records "
				"not written at exit\n", d->o.log_path,
				strerror(n < 0 ? errno : ENOSPC), d->fill_len - off);
			break;
		}
		off += (size_t)n;
	}
	fdatasync(d->log_fd);
	close(d->log_fd);
}
