// SPDX-License-Identifier: GPL-2.0
/*
 * INI parser for the shim's configuration. Pure: the shim reads the file,
 * this parses the bytes. Syntax: "[section]", "key = value", comments
 * start with '#' or ';' (whole line, or after whitespace in a value), blank
 * lines ignored, keys and section names case-sensitive, values trimmed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/*
 * Reset without touching the per-arch array (~33 KiB): the shim runs this
 * on every exec, and each page it writes is a page fault. A section is
 * cleared when it is first used (arch_section).
 */
void config_init(struct shim_config *c)
{
	c->log_path[0] = '\0';
	memcpy(c->socket, CONFIG_SOCKET_DEFAULT, sizeof(CONFIG_SOCKET_DEFAULT));
	c->socket_set = false;
	c->deny_on_log_failure = false;
	c->on_failure_set = false;
	c->users_override = false;
	c->users_set = false;
	c->narchs = 0;
	c->nerrors = 0;
}

__attribute__((format(printf, 3, 4)))
static void add_error(struct shim_config *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (c->nerrors < CONFIG_MAX_ERRORS) {
		c->errors[c->nerrors].line = line;
		va_start(ap, fmt);
		vsnprintf(c->errors[c->nerrors].msg,
			  sizeof(c->errors[c->nerrors].msg), fmt, ap);
		va_end(ap);
	}
	c->nerrors++;
}

/* Quote at most 40 bytes of the offending text. */
#define SHOWN(s, n) (int)((n) < 40 ? (n) : 40), (s)

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Trim [*s, *e) of blanks on both ends. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

static int eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static int set_string(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

/* Values that are paths must be absolute: the shim runs with the caller's
 * cwd, so a relative path would mean something else in every directory. */
static int set_path(char *dst, const char *v, size_t n)
{
	if (n == 0 || v[0] != '/')
		return -EINVAL;
	if (memchr(v, '\0', n))
		return -EINVAL;
	return set_string(dst, CONFIG_PATH_MAX, v, n);
}

static struct config_arch *arch_section(struct shim_config *c,
					const struct arch *a)
{
	size_t i;

	for (i = 0; i < c->narchs; i++)
		if (c->archs[i].arch == a)
			return &c->archs[i];
	if (c->narchs == CONFIG_MAX_ARCHS)
		return NULL;
	memset(&c->archs[c->narchs], 0, sizeof(c->archs[0]));
	c->archs[c->narchs].arch = a;
	return &c->archs[c->narchs++];
}

enum section { SEC_NONE, SEC_LOG, SEC_USERS, SEC_ARCH, SEC_UNKNOWN };

struct parse_state {
	enum section sec;
	struct config_arch *arch;
};

static int parse_section(struct shim_config *c, struct parse_state *st,
			 unsigned line, const char *s, const char *e)
{
	char name[64];
	const struct arch *a;
	size_t n;

	st->sec = SEC_UNKNOWN;
	st->arch = NULL;
	if (e == s || e[-1] != ']') {
		add_error(c, line, "section header without ']': %.*s", SHOWN(s, (size_t)(e - s)));
		return -EINVAL;
	}
	s++;
	e--;
	trim(&s, &e);
	n = (size_t)(e - s);
	if (eq(s, n, "log")) {
		st->sec = SEC_LOG;
		return 0;
	}
	if (eq(s, n, "users")) {
		st->sec = SEC_USERS;
		return 0;
	}
	if (n > 5 && memcmp(s, "arch.", 5) == 0 && n - 5 < sizeof(name)) {
		memcpy(name, s + 5, n - 5);
		name[n - 5] = '\0';
		a = arch_by_name(name);
		if (!a) {
			add_error(c, line, "unknown architecture in [arch.%.40s]", name);
			return -EINVAL;
		}
		st->arch = arch_section(c, a);
		st->sec = st->arch ? SEC_ARCH : SEC_UNKNOWN;
		return 0;
	}
	add_error(c, line, "unknown section [%.*s]", SHOWN(s, n));
	return -EINVAL;
}

static int parse_kv(struct shim_config *c, struct parse_state *st,
		    unsigned line, const char *s, const char *e)
{
	const char *eqp = memchr(s, '=', (size_t)(e - s));
	const char *ks = s, *ke, *vs, *ve, *p;
	size_t kn, vn;
	int err = 0;

	if (!eqp) {
		add_error(c, line, "expected 'key = value': %.*s", SHOWN(s, (size_t)(e - s)));
		return -EINVAL;
	}
	ke = eqp;
	vs = eqp + 1;
	ve = e;
	trim(&ks, &ke);
	/* An inline comment needs whitespace before it, so paths keep '#'. */
	for (p = vs; p < ve; p++)
		if ((*p == '#' || *p == ';') && p > vs && is_space(p[-1])) {
			ve = p;
			break;
		}
	trim(&vs, &ve);
	kn = (size_t)(ke - ks);
	vn = (size_t)(ve - vs);

	switch (st->sec) {
	case SEC_NONE:
		add_error(c, line, "key outside any section: %.*s", SHOWN(ks, kn));
		return -EINVAL;
	case SEC_UNKNOWN:
		return -EINVAL;	/* the section header was reported */
	case SEC_LOG:
		if (eq(ks, kn, "path")) {
			err = set_path(c->log_path, vs, vn);
		} else if (eq(ks, kn, "socket")) {
			c->socket_set = true;
			if (eq(vs, vn, "none"))
				c->socket[0] = '\0';
			else if ((err = set_path(c->socket, vs, vn)))
				c->socket[0] = '\0';	/* a bad path is no socket */
		} else if (eq(ks, kn, "on_failure")) {
			c->on_failure_set = true;
			if (eq(vs, vn, "allow"))
				c->deny_on_log_failure = false;
			else if (eq(vs, vn, "deny"))
				c->deny_on_log_failure = true;
			else
				err = -EINVAL;
		} else {
			add_error(c, line, "unknown key '%.*s' in [log]", SHOWN(ks, kn));
			return -EINVAL;
		}
		break;
	case SEC_USERS:
		if (!eq(ks, kn, "override")) {
			add_error(c, line, "unknown key '%.*s' in [users]", SHOWN(ks, kn));
			return -EINVAL;
		}
		/* Anything but "yes" keeps the safe default. */
		c->users_set = true;
		c->users_override = eq(vs, vn, "yes");
		if (!c->users_override && !eq(vs, vn, "no"))
			err = -EINVAL;
		break;
	case SEC_ARCH:
		if (eq(ks, kn, "emulator"))
			err = set_path(st->arch->emulator, vs, vn);
		else if (eq(ks, kn, "sysroot"))
			err = set_path(st->arch->sysroot, vs, vn);
		else if (eq(ks, kn, "policy")) {
			st->arch->policy_line = line;
			if (eq(vs, vn, "allow")) {
				st->arch->policy = POLICY_ALLOW;
			} else {
				/* Anything but "allow" fails closed. */
				st->arch->policy = POLICY_DENY;
				if (!eq(vs, vn, "deny"))
					err = -EINVAL;
			}
		} else {
			add_error(c, line, "unknown key '%.*s' in an [arch.*] section", SHOWN(ks, kn));
			return -EINVAL;
		}
		break;
	}
	if (err == -ENAMETOOLONG)
		add_error(c, line, "value of '%.*s' is too long", SHOWN(ks, kn));
	else if (err)
		add_error(c, line, "invalid value for '%.*s' (paths must be absolute; "
			  "policy and on_failure take allow or deny, override yes or no)", SHOWN(ks, kn));
	return err ? -EINVAL : 0;
}

int config_parse(struct shim_config *c, const char *text, size_t len)
{
	struct parse_state st = { .sec = SEC_NONE };
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int ret = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = nl ? nl : end;

		line++;
		p = nl ? nl + 1 : end;
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (memchr(s, '\0', (size_t)(e - s))) {
			add_error(c, line, "NUL byte in the line");
			ret = -EINVAL;
			continue;
		}
		if (*s == '[') {
			if (parse_section(c, &st, line, s, e))
				ret = -EINVAL;
		} else if (parse_kv(c, &st, line, s, e)) {
			ret = -EINVAL;
		}
	}
	return ret;
}

static void merge_arch(struct shim_config *sys, const struct config_arch *u)
{
	struct config_arch *a = arch_section(sys, u->arch);

	if (!a)
		return;		/* every slot taken: the system's sections stay */
	if (u->emulator[0] && (sys->users_override || !a->emulator[0])) {
		memcpy(a->emulator, u->emulator, sizeof(a->emulator));
		a->emulator_user = true;
	}
	if (u->sysroot[0] && (sys->users_override || !a->sysroot[0]))
		memcpy(a->sysroot, u->sysroot, sizeof(a->sysroot));
	/* A deny always adds; an allow only replaces where allowed. */
	if (u->policy_line && (u->policy == POLICY_DENY || sys->users_override)) {
		a->policy = u->policy;
		a->policy_line = u->policy_line;
		a->policy_user = true;
	}
}

void config_merge(struct shim_config *sys, const struct shim_config *user)
{
	size_t i;

	if (sys->users_override) {
		if (user->log_path[0])
			memcpy(sys->log_path, user->log_path, sizeof(sys->log_path));
		if (user->socket_set) {
			memcpy(sys->socket, user->socket, sizeof(sys->socket));
			sys->socket_set = true;
		}
		if (user->on_failure_set)
			sys->deny_on_log_failure = user->deny_on_log_failure;
	} else if (user->deny_on_log_failure) {
		sys->deny_on_log_failure = true;
	}
	for (i = 0; i < user->narchs; i++)
		merge_arch(sys, &user->archs[i]);
}

const char *config_log_path(const struct shim_config *c, const char *env_log)
{
	if (c->users_override && env_log && *env_log)
		return env_log;
	return c->log_path[0] ? c->log_path : CONFIG_LOG_DEFAULT;
}

const char *config_user_log(const char *env_log, const struct shim_config *user)
{
	if (env_log && *env_log)
		return env_log;
	return user && user->log_path[0] ? user->log_path : NULL;
}

const struct config_arch *config_for_arch(const struct shim_config *c,
					  const struct arch *a)
{
	size_t i;

	for (i = 0; i < c->narchs; i++)
		if (c->archs[i].arch == a)
			return &c->archs[i];
	return NULL;
}
