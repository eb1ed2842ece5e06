/*
 * Helpers shared by the rule files (core/rules/r*.c), private to them:
 * whether an account can log in, what a check needs, the subject of a
 * finding about the host, and small evidence builders. Everything
 * is static inline so the header needs no entry in the build list.
 */
#ifndef VG_CORE_RULES_COMMON_H
#define VG_CORE_RULES_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts.h"
#include "core/json_util.h"
#include "core/rules.h"
#include "util/i18n.h"
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
	/* An expired account (shadow field 8, `usermod -e 1`) is how
	 * administrators disable one: nobody logs in with it. */
	if (a->expires != VG_TIME_UNKNOWN && f->collected_at > 0 &&
	    a->expires <= f->collected_at)
		return false;
	pw = vg_rule_pw_usable(a->pw) ||
		(a->pw == VG_PW_UNKNOWN &&
		 !f->sources[VG_SRC_SHADOW].collected);
	return pw || a->authorized_keys;
}

/*
 * Report ev (a new reference, or NULL when building it ran out of
 * memory) as a finding of c about subject: json_pack's result goes here
 * unchecked.
 */
static inline enum vg_rc
vg_rule_report(const struct vg_check *c, const struct vg_policy *p,
	       struct vg_report *r, const char *subject, json_t *ev)
{
	if (ev == NULL)
		return VG_ERR_NOMEM;
	return vg_check_report(c, p, r, subject, ev);
}

/* Checks on passwords judge the shadow state of the passwd accounts. */
static inline bool
vg_rule_needs_accounts(const struct vg_check *c, const struct vg_facts *f,
		       struct vg_report *r)
{
	return vg_check_needs(c, f, VG_SRC_PASSWD, r) &&
		vg_check_needs(c, f, VG_SRC_SHADOW, r);
}

/*
 * Checks that age something need "now" (the facts' collection time).
 * Facts with no collection time cannot be judged on age: record the
 * check as not evaluated.
 */
static inline bool
vg_rule_needs_now(const struct vg_check *c, const struct vg_facts *f,
		  struct vg_report *r)
{
	if (f->collected_at > 0)
		return true;
	(void)vg_report_not_evaluated(r, c->rule, c->id,
				      _("collection time unknown"));
	return false;
}

/* The name findings about the whole host carry. */
static inline const char *
vg_rule_host_subject(const struct vg_facts *f)
{
	if (f->asset.name != NULL && *f->asset.name != '\0')
		return f->asset.name;
	if (f->os.hostname != NULL && *f->os.hostname != '\0')
		return f->os.hostname;
	return "host";
}

/*
 * A time as evidence: "YYYY-MM-DDTHH:MM:SSZ", or JSON null when never
 * and when unknown alike (ages of backups and releases). NULL on no
 * memory.
 */
static inline json_t *
vg_rule_time_or_null_json(int64_t t)
{
	char buf[21];

	if (t <= 0)
		return json_null();
	vg_format_time(t, buf);
	return json_string(buf);
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

/*
 * s as a JSON string, or null. Facts come from files: a string that is
 * not UTF-8 keeps its evidence with each invalid byte as U+FFFD, as in
 * the subject of the same finding (vg_json_str). NULL on no memory.
 */
static inline json_t *
vg_rule_str_json(const char *s)
{
	return s != NULL ? vg_json_str(s) : json_null();
}

/*
 * A language-neutral subject naming the members of a JSON array (strings,
 * or objects with a "name"): "alice, bob, carol +4" with at most max
 * names, total being how many there are in all (the array may hold only
 * the first ones). Subjects identify a finding from one scan to the
 * next, so they hold names, never translated prose.
 */
static inline void
vg_rule_names_subject(const json_t *items, size_t total, size_t max, char *out,
		      size_t outlen)
{
	size_t i, n = json_array_size(items), used = 0;
	const json_t *v;
	const char *name;
	int w;

	out[0] = '\0';
	for (i = 0; i < n && i < max; i++) {
		v = json_array_get(items, i);
		name = json_is_object(v)
			? json_string_value(json_object_get(v, "name"))
			: json_string_value(v);
		w = snprintf(out + used, outlen - used, "%s%s",
			     i > 0 ? ", " : "", name != NULL ? name : "?");
		if (w < 0 || (size_t)w >= outlen - used)
			break;
		used += (size_t)w;
	}
	if (total > i && used < outlen)
		(void)snprintf(out + used, outlen - used, " +%zu", total - i);
}

#endif
