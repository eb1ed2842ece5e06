/*
 * A report in JSON: "findings", "not_evaluated" and "scores" members.
 * The encoder writes what the rules found; the decoder reads a stored
 * scan back, checking every member as the facts decoder does (a store
 * file may be old, damaged or tampered with).
 *
 * struct vg_finding keeps its check id as a static pointer. A known id
 * maps to the catalogue's own string; an id this vigie does not know (a
 * newer vigie wrote it) is interned in a small process-wide table that
 * lives until exit, bounded by REPORT_MAX_INTERNED.
 */
#include "util/common.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_util.h"
#include "core/report_json.h"
#include "core/rules.h"
#include "util/text.h"
#include "util/banned.h"

/* Distinct unknown check ids kept per process: a bound on what hostile
 * stored data can pin in memory. */
#define REPORT_MAX_INTERNED 1024
/* Longest check id ("admin.nopasswd_all" is 18). */
#define REPORT_MAX_CHECK_ID 128
/* Longest subject or reason string. */
#define REPORT_MAX_STRING (1u << 20)
/* Longest path in an error message ("report.findings[123].evidence"). */
#define REPORT_MAX_PATH 96

#define TRY(expr)                                                              \
	do {                                                                   \
		if ((rc = (expr)) != VG_OK)                                    \
			return rc;                                             \
	} while (0)

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static char *interned[REPORT_MAX_INTERNED];
static size_t n_interned;

/* ---------------------------------------------------------------- */
/* Encoder                                                          */
/* ---------------------------------------------------------------- */

static json_t *
rule_json(int rule)
{
	char name[16];

	(void)snprintf(name, sizeof(name), "R%d", rule);
	return json_string(name);
}

static json_t *
score_json(int score)
{
	return score < 0 ? json_null() : json_integer(score);
}

static int
put(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

static int
enc_finding(const struct vg_finding *fd, json_t *a, bool translate)
{
	json_t *o, *ev;
	int bad = 0;

	if ((o = json_object()) == NULL || json_array_append_new(a, o) != 0)
		return -1;
	/* A copy: the report keeps its own evidence untouched. */
	ev = fd->evidence != NULL ? json_deep_copy(fd->evidence)
				  : json_object();
	bad |= put(o, "rule", rule_json(fd->rule));
	bad |= put(o, "check", vg_json_str(fd->check != NULL ? fd->check : ""));
	bad |= put(o, "severity", json_string(vg_severity_name(fd->severity)));
	bad |= put(o, "subject",
		   vg_json_str(fd->subject != NULL ? fd->subject : ""));
	bad |= put(o, "evidence", ev);
	if (fd->remediation != NULL)
		bad |= put(o, "remediation",
			   vg_json_str(translate ? _(fd->remediation)
						 : fd->remediation));
	return bad ? -1 : 0;
}

static int
enc_not_evaluated(const struct vg_not_evaluated *ne, json_t *a)
{
	json_t *o;
	int bad = 0;

	if ((o = json_object()) == NULL || json_array_append_new(a, o) != 0)
		return -1;
	bad |= put(o, "rule", rule_json(ne->rule));
	bad |= put(o, "check", vg_json_str(ne->check != NULL ? ne->check : ""));
	bad |= put(o, "reason",
		   vg_json_str(ne->reason != NULL ? ne->reason : ""));
	return bad ? -1 : 0;
}

enum vg_rc
vg_report_to_json(const struct vg_report *r, json_t *obj, bool translate)
{
	json_t *fa, *na, *sc;
	char key[8];
	size_t i;
	int k, bad = 0;

	fa = json_array();
	na = json_array();
	sc = json_object();
	bad |= put(obj, "findings", fa);
	bad |= put(obj, "not_evaluated", na);
	bad |= put(obj, "scores", sc);
	if (bad)
		return VG_ERR_NOMEM;
	for (i = 0; i < r->n_findings; i++)
		if (enc_finding(&r->findings[i], fa, translate) != 0)
			return VG_ERR_NOMEM;
	for (i = 0; i < r->n_not_evaluated; i++)
		if (enc_not_evaluated(&r->not_evaluated[i], na) != 0)
			return VG_ERR_NOMEM;
	for (k = 1; k <= VG_RULE_COUNT; k++) {
		(void)snprintf(key, sizeof(key), "R%d", k);
		bad |= put(sc, key, score_json(r->scores[k]));
	}
	bad |= put(sc, "overall", score_json(r->overall));
	return bad ? VG_ERR_NOMEM : VG_OK;
}

/* ---------------------------------------------------------------- */
/* Decoder                                                          */
/* ---------------------------------------------------------------- */

static enum vg_rc
dec_fail(struct vg_err *err, enum vg_rc rc, const char *path, const char *key,
	 const char *what)
{
	if (key != NULL)
		return vg_err_set(err, rc, "%s.%s: %s", path, key, what);
	return vg_err_set(err, rc, "%s: %s", path, what);
}

/* A check id is short and made of [a-z0-9._-]: it names, never says. */
static bool
check_id_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > REPORT_MAX_CHECK_ID)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/*
 * The static string for check id s: the catalogue's, or an interned
 * copy. NULL when the intern table is full or memory runs out.
 */
static const char *
intern_check(const char *s, const struct vg_check **known)
{
	const char *out = NULL;
	size_t i;

	if ((*known = vg_rules_find(s)) != NULL)
		return (*known)->id;
	(void)pthread_mutex_lock(&intern_lock);
	for (i = 0; i < n_interned; i++)
		if (strcmp(interned[i], s) == 0)
			out = interned[i];
	if (out == NULL && n_interned < REPORT_MAX_INTERNED &&
	    (interned[n_interned] = strdup(s)) != NULL)
		out = interned[n_interned++];
	(void)pthread_mutex_unlock(&intern_lock);
	return out;
}

/* "R1".."R10" into *rule. */
static enum vg_rc
dec_rule(const json_t *o, const char *p, int *rule, struct vg_err *err)
{
	const char *s;
	int64_t v;

	s = json_string_value(json_object_get(o, "rule"));
	if (s == NULL || s[0] != 'R' || s[1] == '0' ||
	    vg_parse_intz(s + 1, 1, VG_RULE_COUNT, &v) != VG_OK)
		return dec_fail(err, VG_ERR_PARSE, p, "rule",
				_("expected \"R1\" to \"R10\""));
	*rule = (int)v;
	return VG_OK;
}

/* The check member: a static id, and its catalogue entry if known. */
static enum vg_rc
dec_check(const json_t *o, const char *p, const char **check,
	  const struct vg_check **known, struct vg_err *err)
{
	json_t *v = json_object_get(o, "check");

	if (!json_is_string(v) ||
	    !check_id_valid(json_string_value(v), json_string_length(v)))
		return dec_fail(err, VG_ERR_PARSE, p, "check",
				_("expected a check id"));
	if ((*check = intern_check(json_string_value(v), known)) == NULL)
		return dec_fail(err, VG_ERR_LIMIT, p, "check",
				_("too many unknown check ids"));
	return VG_OK;
}

/* A string member that must be present, without NUL, bounded. */
static enum vg_rc
dec_text(const json_t *o, const char *p, const char *key, const char **out,
	 struct vg_err *err)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return dec_fail(err, VG_ERR_PARSE, p, key,
				_("expected a string"));
	if (json_string_length(v) > REPORT_MAX_STRING)
		return dec_fail(err, VG_ERR_LIMIT, p, key,
				_("string too long"));
	if (memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
		return dec_fail(err, VG_ERR_PARSE, p, key,
				_("string holds a NUL byte"));
	*out = json_string_value(v);
	return VG_OK;
}

/* An array member (absent: empty) of at most VG_MAX_ITEMS. */
static enum vg_rc
dec_array(const json_t *obj, const char *key, json_t **out, struct vg_err *err)
{
	*out = json_object_get(obj, key);
	if (*out == NULL || json_is_null(*out))
		return VG_OK;
	if (!json_is_array(*out))
		return dec_fail(err, VG_ERR_PARSE, "report", key,
				_("expected an array"));
	if (json_array_size(*out) > VG_MAX_ITEMS)
		return dec_fail(err, VG_ERR_LIMIT, "report", key,
				_("too many items"));
	return VG_OK;
}

static enum vg_rc
dec_finding(struct vg_report *r, const json_t *o, const char *p,
	    struct vg_err *err)
{
	const struct vg_check *known;
	const char *check, *subject;
	enum vg_severity sev;
	json_t *ev, *v;
	enum vg_rc rc;
	int rule;

	if (!json_is_object(o))
		return dec_fail(err, VG_ERR_PARSE, p, NULL,
				_("expected an object"));
	TRY(dec_rule(o, p, &rule, err));
	TRY(dec_check(o, p, &check, &known, err));
	v = json_object_get(o, "severity");
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    !vg_severity_parse(json_string_value(v), &sev))
		return dec_fail(err, VG_ERR_PARSE, p, "severity",
				_("expected \"low\", \"medium\", \"high\" or "
				  "\"critical\""));
	TRY(dec_text(o, p, "subject", &subject, err));
	ev = json_object_get(o, "evidence");
	if (ev != NULL && !json_is_null(ev) && !json_is_object(ev))
		return dec_fail(err, VG_ERR_PARSE, p, "evidence",
				_("expected an object"));
	/* The stored text may be translated: take the catalogue's. */
	ev = ev != NULL && !json_is_null(ev) ? json_deep_copy(ev) : NULL;
	if ((rc = vg_report_add(r, rule, check, sev, subject, ev,
				known != NULL ? known->remediation : NULL)) !=
	    VG_OK)
		return vg_err_set(err, rc, _("report: out of memory"));
	return VG_OK;
}

static enum vg_rc
dec_not_evaluated(struct vg_report *r, const json_t *o, const char *p,
		  struct vg_err *err)
{
	const struct vg_check *known;
	const char *check, *reason;
	enum vg_rc rc;
	int rule;

	if (!json_is_object(o))
		return dec_fail(err, VG_ERR_PARSE, p, NULL,
				_("expected an object"));
	TRY(dec_rule(o, p, &rule, err));
	TRY(dec_check(o, p, &check, &known, err));
	TRY(dec_text(o, p, "reason", &reason, err));
	if ((rc = vg_report_not_evaluated(r, rule, check, reason)) != VG_OK)
		return vg_err_set(err, rc, _("report: out of memory"));
	return VG_OK;
}

/* One score: null (none) or 0..100; absent keeps VG_SCORE_NONE. */
static enum vg_rc
dec_score(const json_t *sc, const char *key, int *out, struct vg_err *err)
{
	json_t *v = json_object_get(sc, key);

	if (v == NULL || json_is_null(v))
		return VG_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 100)
		return dec_fail(err, VG_ERR_PARSE, "report.scores", key,
				_("expected an integer from 0 to 100, or "
				  "null"));
	*out = (int)json_integer_value(v);
	return VG_OK;
}

static enum vg_rc
dec_report(struct vg_report *r, const json_t *obj, struct vg_err *err)
{
	char p[REPORT_MAX_PATH], key[8];
	json_t *a, *sc;
	enum vg_rc rc;
	size_t i;
	int k;

	if (!json_is_object(obj))
		return dec_fail(err, VG_ERR_PARSE, "report", NULL,
				_("expected an object"));
	TRY(dec_array(obj, "findings", &a, err));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		(void)snprintf(p, sizeof(p), "report.findings[%zu]", i);
		TRY(dec_finding(r, json_array_get(a, i), p, err));
	}
	TRY(dec_array(obj, "not_evaluated", &a, err));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		(void)snprintf(p, sizeof(p), "report.not_evaluated[%zu]", i);
		TRY(dec_not_evaluated(r, json_array_get(a, i), p, err));
	}
	sc = json_object_get(obj, "scores");
	if (sc == NULL || json_is_null(sc))
		return VG_OK;
	if (!json_is_object(sc))
		return dec_fail(err, VG_ERR_PARSE, "report", "scores",
				_("expected an object"));
	for (k = 1; k <= VG_RULE_COUNT; k++) {
		(void)snprintf(key, sizeof(key), "R%d", k);
		TRY(dec_score(sc, key, &r->scores[k], err));
	}
	return dec_score(sc, "overall", &r->overall, err);
}

enum vg_rc
vg_report_from_json(struct vg_report *r, const json_t *obj, struct vg_err *err)
{
	enum vg_rc rc;

	/* Evidence is copied whole, so bound its nesting first. */
	if (vg_json_depth(obj, VG_MAX_JSON_DEPTH + 1) > VG_MAX_JSON_DEPTH)
		rc = vg_err_set(err, VG_ERR_LIMIT,
				_("report: nested deeper than %d levels"),
				VG_MAX_JSON_DEPTH);
	else
		rc = dec_report(r, obj, err);
	/* All or nothing: a half-read report is no report. */
	if (rc != VG_OK)
		vg_report_release(r);
	return rc;
}
