// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the shim's config parser over arbitrary bytes. The
 * config is root's file, but a parser that cannot crash is cheap. */
#include <stdint.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct shim_config c;
	size_t i;

	config_init(&c);
	config_parse(&c, (const char *)data, size);
	/* Every string the parser filled is terminated inside its buffer. */
	if (!memchr(c.log_path, '\0', sizeof(c.log_path)) ||
	    !memchr(c.socket, '\0', sizeof(c.socket)))
		__builtin_trap();
	for (i = 0; i < c.narchs; i++)
		if (!c.archs[i].arch ||
		    !memchr(c.archs[i].emulator, '\0', CONFIG_PATH_MAX) ||
		    !memchr(c.archs[i].sysroot, '\0', CONFIG_PATH_MAX))
			__builtin_trap();
	for (i = 0; i < c.nerrors && i < CONFIG_MAX_ERRORS; i++)
		if (!memchr(c.errors[i].msg, '\0', sizeof(c.errors[i].msg)))
			__builtin_trap();
	return 0;
}
