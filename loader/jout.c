// SPDX-License-Identifier: GPL-2.0
/* The heap JSON document every --json output is written into (jout.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jout.h"

/* Big enough for every document we print (status of ~100 entries). */
#define JDOC_CAP (4u << 20)

void jdoc_init(struct jdoc *d)
{
	jdoc_init_cap(d, JDOC_CAP);
}

void jdoc_init_cap(struct jdoc *d, size_t cap)
{
	d->cap = cap;
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

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void jout_json(struct json_writer *w, json_t *v, bool sorted)
{
	const char **keys, *k;
	json_t *m;
	size_t i = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		keys = malloc((json_object_size(v) + 1) * sizeof(*keys));
		if (!keys) {
			w->error = true;	/* out of memory: no document */
			return;
		}
		json_object_foreach(v, k, m)
			keys[i++] = k;
		if (sorted)
			qsort(keys, i, sizeof(*keys), cmp_key);
		jw_object_begin(w);
		for (i = 0; i < json_object_size(v); i++) {
			jw_key(w, keys[i]);
			jout_json(w, json_object_get(v, keys[i]), sorted);
		}
		jw_object_end(w);
		free(keys);
		break;
	case JSON_ARRAY:
		jw_array_begin(w);
		json_array_foreach(v, i, m)
			jout_json(w, m, sorted);
		jw_array_end(w);
		break;
	case JSON_STRING:
		jw_string_n(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: jw_int(w, json_integer_value(v)); break;
	case JSON_REAL: jw_double(w, json_real_value(v)); break;
	case JSON_TRUE: jw_bool(w, true); break;
	case JSON_FALSE: jw_bool(w, false); break;
	case JSON_NULL: jw_null(w); break;
	}
}
