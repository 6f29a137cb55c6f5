// SPDX-License-Identifier: GPL-2.0
/* The heap JSON document every --json output is written into (jout.h). */
#include <stdio.h>
#include <stdlib.h>

#include "jout.h"

/* Big enough for every document we print (status of ~100 entries). */
#define JDOC_CAP (4u << 20)

void jdoc_init(struct jdoc *d)
{
	d->cap = JDOC_CAP;
	d->buf = malloc(d->cap);
	jw_init(&d->w, d->buf ? d->buf : (char *)"", d->buf ? d->cap : 0);
}

int jdoc_print(struct jdoc *d, FILE *f)
{
	int n = jw_finish(&d->w);

	if (n < 0)
		return n;
	fwrite(d->buf, 1, (size_t)n, f);
	return 0;
}

void jdoc_free(struct jdoc *d)
{
	free(d->buf);
	d->buf = NULL;
}
