// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: `binfmt-shim log` after the bytes, i.e. what any user
 * whose shim writes to the shared log can feed it: loader/logrec.c (one
 * line -> a record, through jansson) and loader/logjoin.c + logstats.c
 * (the join of exec, exit, hash records and shims' late copies, in a
 * bounded queue with a hash of pending keys, then the table, JSON or
 * statistics). The first input byte picks the mode, --follow, the window
 * (1-16, so cuts happen) and whether the end drops what is held; the rest
 * is lines. ASan and UBSan judge: the queue's unlink/drop paths must
 * never touch a freed node or leak one.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "logrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Longer lines are skipped by the reader too (its cap is 1 MiB). */
#define LINE_MAX_FUZZ (64 * 1024)

/* The CLI's message printers (loader/main.c), quiet here. */
const char *prog_name = "binfmt-shim";

void err_msg(const char *fmt, ...)
{
	(void)fmt;
}

void warn_msg(const char *fmt, ...)
{
	(void)fmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[LINE_MAX_FUZZ + 1];
	struct log_view v;
	struct log_rec r;
	size_t i = 1, n;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	memset(&v, 0, sizeof(v));
	v.mode = (enum log_mode)(mode % 3);
	v.json = mode & 0x04;
	v.follow = mode & 0x08;
	v.window = 1 + ((mode >> 4) & 0x0f);
	v.filter.since = v.filter.until = -1;
	v.out = fopen("/dev/null", "w");
	if (!v.out || log_view_init(&v) < 0) {
		if (v.out)
			fclose(v.out);
		return 0;
	}
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);

		n = nl ? (size_t)(nl - (data + i)) : size - i;
		if (n <= LINE_MAX_FUZZ) {
			memcpy(line, data + i, n);
			line[n] = '\0';
			if (log_rec_parse(line, n, &r) == 0)
				log_view_rec(&v, &r);
		}
		i += n + 1;
	}
	log_view_end(&v, mode & 0x02 && v.mode != LM_STATS);
	if (v.mode == LM_STATS)
		log_stats_print(&v.stats, &v.counts, v.json, v.out);
	log_stats_free(&v.stats);
	fclose(v.out);
	return 0;
}
