/*
 * Helpers shared by the rule files (core/rules/r*.c), private to them:
 * whether an account can log in, and small evidence builders. Everything
 * is static inline so the header needs no entry in the build list.
 */
#ifndef VG_CORE_RULES_COMMON_H
#define VG_CORE_RULES_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts.h"
#include "util/text.h"

#define VG_DAY_SECONDS INT64_C(86400)

/* s, or "" for a NULL string (subjects and sort keys). */
static inline const char *
vg_rule_str(const char *s)
{
	return s != NULL ? s : "";
}

/*
 * True when shell lets a user run commands. Per passwd(5) an empty shell
 * field means /bin/sh, so NULL and "" are interactive. The shells that
 * only refuse or run one action are recognised by their base name, so
 * /sbin/nologin, /usr/sbin/nologin and /usr/bin/false are all caught.
 */
static inline bool
vg_rule_shell_interactive(const char *shell)
{
	static const char *const refusing[] = {
		"nologin", "false", "true", "sync", "shutdown", "halt",
	};
	const char *base;
	size_t i;

	if (shell == NULL || *shell == '\0')
		return true;
	base = strrchr(shell, '/');
	base = base != NULL ? base + 1 : shell;
	for (i = 0; i < sizeof(refusing) / sizeof(refusing[0]); i++)
		if (strcmp(base, refusing[i]) == 0)
			return false;
	return true;
}

/* True when the password opens a session: a hash, or no password at all. */
static inline bool
vg_rule_pw_usable(enum vg_pw_state pw)
{
	return pw == VG_PW_HASH || pw == VG_PW_EMPTY;
}

/* The password state as evidence shows it. */
static inline const char *
vg_rule_pw_name(enum vg_pw_state pw)
{
	switch (pw) {
	case VG_PW_EMPTY:
		return "empty";
	case VG_PW_LOCKED:
		return "locked";
	case VG_PW_HASH:
		return "hash";
	case VG_PW_UNKNOWN:
		break;
	}
	return "unknown";
}

/*
 * RULES.md "can log in": an interactive shell and either a usable
 * password or an authorized_keys file.
 *
 * VG_PW_UNKNOWN is judged by the shadow source: when shadow was collected
 * the account has no shadow entry, and pam_unix refuses a password it
 * cannot find, so the password is not usable. When shadow was NOT
 * collected (an unprivileged scan) the password may well be usable, and
 * we count the account as able to log in: a score must not improve
 * because data is missing. Evidence shows "password":"unknown" then.
 */
static inline bool
vg_rule_can_log_in(const struct vg_facts *f, const struct vg_account *a)
{
	bool pw;

	if (!vg_rule_shell_interactive(a->shell))
		return false;
	pw = vg_rule_pw_usable(a->pw) ||
		(a->pw == VG_PW_UNKNOWN &&
		 !f->sources[VG_SRC_SHADOW].collected);
	return pw || a->authorized_keys;
}

/*
 * A time as evidence: "YYYY-MM-DDTHH:MM:SSZ", "never" for VG_TIME_NEVER,
 * JSON null when unknown. NULL on no memory.
 */
static inline json_t *
vg_rule_time_json(int64_t t)
{
	char buf[21];

	if (t == VG_TIME_UNKNOWN || t < 0)
		return json_null();
	if (t == VG_TIME_NEVER)
		return json_string("never");
	vg_format_time(t, buf);
	return json_string(buf);
}

/* s as a JSON string, or null; NULL on no memory (or invalid UTF-8). */
static inline json_t *
vg_rule_str_json(const char *s)
{
	json_t *j;
	char *copy;
	size_t i;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	/* Facts come from files: keep the evidence, with any non-ASCII
	 * byte of a string that is not UTF-8 shown as '?'. */
	if ((copy = strdup(s)) == NULL)
		return NULL;
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

#endif
