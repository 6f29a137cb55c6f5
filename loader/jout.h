/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON output with lib/json.h's writer (jw_*). Kept out of loader.h so
 * the files that only parse with jansson need not see it.
 */
#ifndef BSHIM_LOADER_JOUT_H
#define BSHIM_LOADER_JOUT_H

#include <stdio.h>

#include "json.h"

/* A JSON document in one heap buffer, printed with jdoc_print. */
struct jdoc {
	struct json_writer w;
	char *buf;
	size_t cap;
};
void jdoc_init(struct jdoc *d);
/* The same with a buffer of cap bytes (for a document of unknown size). */
void jdoc_init_cap(struct jdoc *d, size_t cap);
/* Print it (retrying with a bigger buffer is the caller's loop:
 * returns -ENOSPC when it did not fit). */
int jdoc_print(struct jdoc *d, FILE *f);
void jdoc_free(struct jdoc *d);

/* A document jansson read (a baseline), written back with jw_*; sorted:
 * object members in key order, as JSON_SORT_KEYS had them. Nesting past
 * JSON_MAX_DEPTH, or no memory, makes the writer stop (jw_finish fails).
 * json_t is declared here, not jansson.h: most users of this header
 * never see a json_t. */
struct json_t;
void jout_json(struct json_writer *w, struct json_t *v, bool sorted);

#endif
