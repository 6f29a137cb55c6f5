/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BSHIM_HEXDIGIT_H
#define BSHIM_HEXDIGIT_H

/* The value of one hex digit, -1 for anything else. Shared by the parsers
 * of register strings, shim messages and log lines. */
static inline int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
