/* SPDX-License-Identifier: GPL-2.0 */
/* A private binfmt_misc instance with the shim registered, a temporary
 * log and config, and the log read back as parsed JSON (jansson). */
#ifndef BSHIM_SHIMENV_H
#define BSHIM_SHIMENV_H

#include <jansson.h>
#include <stddef.h>

struct shimenv {
	char dir[128];		/* temporary directory, removed on teardown */
	char log[192];		/* BINFMT_SHIM_LOG */
	char conf[192];		/* BINFMT_SHIM_CONFIG */
	char shim[512];		/* the built shim */
};

/*
 * Enter a private binfmt_misc namespace and register the shim for each
 * arch (NULL-terminated QEMU names) with flags. Returns 0; 1 with why[]
 * set when the test must SKIP (no namespaces, no qemu); -errno with why[]
 * on a real failure.
 */
int se_setup(struct shimenv *e, const char *flags, const char *const *arches,
	     char *why, size_t whylen);
void se_teardown(struct shimenv *e);

/* Write the config file the shim reads. 0 or -errno. */
int se_config(struct shimenv *e, const char *text);

/* Parse every line of the log; records[i] are owned by the caller
 * (json_decref). Returns the number of lines; a line that is not a JSON
 * object is returned as NULL in records[]. */
size_t se_log(struct shimenv *e, json_t **records, size_t max);
/* The same for any JSON Lines file. */
size_t se_read_jsonl(const char *path, json_t **records, size_t max);
void se_log_free(json_t **records, size_t n);

/* Copy a fixture into e->dir under name (mode 0755); returns the path. */
const char *se_copy(struct shimenv *e, const char *src, const char *name,
		    char *buf, size_t len);

/* json_string_value of a top-level or "a.b" key, "" when absent/null. */
const char *se_str(json_t *rec, const char *key);
long long se_int(json_t *rec, const char *key);

#endif
