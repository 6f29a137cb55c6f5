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
/* Print it (retrying with a bigger buffer is the caller's loop:
 * returns -ENOSPC when it did not fit). */
int jdoc_print(struct jdoc *d, FILE *f);
void jdoc_free(struct jdoc *d);

#endif
