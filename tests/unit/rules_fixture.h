/*
 * Facts built by hand for the rule tests (test_rules_r*.c): small
 * builders that copy strings into the facts' arena, and a runner that
 * evaluates ONE check by id. Include after support.h. Every helper fails
 * the test (cmocka assert) rather than returning an error.
 *
 * Typical use:
 *
 *	struct vg_facts f;
 *	struct vg_policy p;
 *	struct vg_report r;
 *
 *	vg_fixture_init(&f, &p, NOW);
 *	vg_facts_collected(&f, VG_SRC_PASSWD);
 *	vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash",
 *			   VG_PW_HASH, "sha512");
 *	vg_fixture_eval(&f, &p, "accounts.generic", &r);
 *	assert_int_equal(vg_fixture_count(&r, "accounts.generic"), 0);
 *	vg_fixture_release(&f, &p, &r);
 *
 * The tests of R5-R7 keep facts, policy and one report together in a
 * struct fx (fx_init / fx_run / fx_release, at the end of this file) and
 * run a check through their rule's own table.
 */
#ifndef VG_TEST_RULES_FIXTURE_H
#define VG_TEST_RULES_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "core/rules.h"
#include "util/text.h"

/*
 * A byte that is not UTF-8 (Latin-1 "é"), and what evidence shows for
 * it: U+FFFD. Concatenate them as separate literals ("ex" VG_FIXTURE_BAD
 * "mple"), or a following hex digit would join the escape.
 */
#define VG_FIXTURE_BAD "\xe9"
#define VG_FIXTURE_FFFD "\xef\xbf\xbd"

/* 2024-06-01T00:00:00Z: "now" of most fixtures. */
#define VG_FIXTURE_NOW INT64_C(1717200000)
#define VG_FIXTURE_DAY INT64_C(86400)

/* Empty facts collected at now, and the default policy. */
static inline void
vg_fixture_init(struct vg_facts *f, struct vg_policy *p, int64_t now)
{
	struct vg_err err;

	vg_facts_init(f);
	f->collected_at = now;
	assert_int_equal(vg_policy_init(p, &err), VG_OK);
}

/* Mark every source collected (then un-collect one with
 * vg_facts_not_collected to test "not evaluated"). */
static inline void
vg_fixture_collect_all(struct vg_facts *f)
{
	int s;

	for (s = 0; s < VG_SRC_COUNT; s++)
		vg_facts_collected(f, (enum vg_source)s);
}

/* An account; last_login/last_change stay UNKNOWN, set them after. */
static inline struct vg_account *
vg_fixture_account(struct vg_facts *f, const char *name, int64_t uid,
		   int64_t gid, const char *shell, enum vg_pw_state pw,
		   const char *scheme)
{
	struct vg_account *a = vg_facts_add_account(f);

	assert_non_null(a);
	a->name = vg_facts_str(f, name);
	a->uid = uid;
	a->gid = gid;
	a->shell = vg_facts_str(f, shell);
	a->home = vg_facts_str(f, "/home/x");
	a->pw = pw;
	a->scheme = vg_facts_str(f, scheme);
	return a;
}

/* Split a comma-separated list into arena strings; *n set. "" or NULL
 * gives none. */
static inline const char **
vg_fixture_split(struct vg_facts *f, const char *csv, size_t *n)
{
	const char **items, *p, *comma;
	size_t cap = 1, i = 0;

	*n = 0;
	if (csv == NULL || *csv == '\0')
		return NULL;
	for (p = csv; *p != '\0'; p++)
		cap += *p == ',';
	items = vg_arena_alloc(&f->arena, cap * sizeof(*items));
	assert_non_null(items);
	for (p = csv;; p = comma + 1) {
		comma = strchr(p, ',');
		items[i] = vg_facts_strn(
			f, p, comma != NULL ? (size_t)(comma - p) : strlen(p));
		assert_non_null(items[i]);
		i++;
		if (comma == NULL)
			break;
	}
	*n = i;
	return items;
}

/* A group with supplementary members "alice,bob" ("" for none). */
static inline struct vg_group *
vg_fixture_group(struct vg_facts *f, const char *name, int64_t gid,
		 const char *members)
{
	struct vg_group *g = vg_facts_add_group(f);

	assert_non_null(g);
	g->name = vg_facts_str(f, name);
	g->gid = gid;
	g->members = vg_fixture_split(f, members, &g->n_members);
	return g;
}

/*
 * A sudoers rule. users is a comma-separated list of entries as the
 * collector stores them, aliases already expanded: "!" marks a negated
 * entry and "@ALIAS" at the end names the User_Alias it came through,
 * e.g. "alice,%ops@OPS,!eve@OPS,#0,ALL". text is users as given.
 */
static inline struct vg_sudo_rule *
vg_fixture_sudo_rule(struct vg_facts *f, const char *file, int line,
		     const char *users, bool runas_root, bool all_commands,
		     bool nopasswd)
{
	struct vg_sudo_rule *rule = vg_facts_add_sudo_rule(f);
	const char **items, *s, *at;
	size_t i;

	assert_non_null(rule);
	rule->file = vg_facts_str(f, file);
	rule->line = line;
	rule->runas_root = runas_root;
	rule->all_commands = all_commands;
	rule->nopasswd = nopasswd;
	rule->text = vg_facts_str(f, users);
	items = vg_fixture_split(f, users, &rule->n_users);
	if (rule->n_users == 0)
		return rule;
	rule->users =
		vg_arena_alloc(&f->arena, rule->n_users * sizeof(*rule->users));
	assert_non_null(rule->users);
	for (i = 0; i < rule->n_users; i++) {
		s = items[i];
		if ((rule->users[i].negated = (*s == '!')))
			s++;
		if ((at = strchr(s, '@')) != NULL) {
			rule->users[i].alias = vg_facts_str(f, at + 1);
			rule->users[i].name =
				vg_facts_strn(f, s, (size_t)(at - s));
		} else {
			rule->users[i].name = vg_facts_str(f, s);
		}
		assert_non_null(rule->users[i].name);
	}
	return rule;
}

/* A cleartext remote service. */
static inline struct vg_service *
vg_fixture_service(struct vg_facts *f, const char *protocol, const char *via,
		   const char *detail)
{
	struct vg_service *s = vg_facts_add_service(f);

	assert_non_null(s);
	s->protocol = vg_facts_str(f, protocol);
	s->via = vg_facts_str(f, via);
	s->detail = vg_facts_str(f, detail);
	return s;
}

/* Override the severity of check in p, as [severity] in vigie.conf. */
static inline void
vg_fixture_override(struct vg_policy *p, const char *check,
		    enum vg_severity sev)
{
	struct vg_severity_override *o;

	o = reallocarray(p->overrides, p->n_overrides + 1, sizeof(*o));
	assert_non_null(o);
	p->overrides = o;
	o[p->n_overrides].check = strdup(check);
	assert_non_null(o[p->n_overrides].check);
	o[p->n_overrides].severity = sev;
	p->n_overrides++;
}

/* Evaluate the ONE check id over f and p into r (initialised here);
 * the check must exist and must not fail. */
static inline struct vg_report *
vg_fixture_eval(const struct vg_facts *f, const struct vg_policy *p,
		const char *id, struct vg_report *r)
{
	const struct vg_check *c = vg_rules_find(id);

	assert_non_null(c);
	vg_report_init(r);
	assert_int_equal(c->run(c, f, p, r), VG_OK);
	return r;
}

/* The number of findings of check id in r. */
static inline size_t
vg_fixture_count(const struct vg_report *r, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_findings; i++)
		n += strcmp(r->findings[i].check, id) == 0;
	return n;
}

/* The finding of check id about subject, or NULL. */
static inline const struct vg_finding *
vg_fixture_finding(const struct vg_report *r, const char *id,
		   const char *subject)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i].check, id) == 0 &&
		    strcmp(r->findings[i].subject, subject) == 0)
			return &r->findings[i];
	return NULL;
}

/* The reason check id was not evaluated, or NULL when it was. */
static inline const char *
vg_fixture_not_evaluated(const struct vg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n_not_evaluated; i++)
		if (strcmp(r->not_evaluated[i].check, id) == 0)
			return r->not_evaluated[i].reason;
	return NULL;
}

/* True when the JSON array arr holds the string s. */
static inline bool
vg_fixture_json_has(const json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (json_is_string(json_array_get(arr, i)) &&
		    strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
			return true;
	return false;
}

/* Unix time of an ISO date "YYYY-MM-DD" (asserts it parses). */
static inline int64_t
vg_fixture_date(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(vg_parse_date(iso, &t), VG_OK);
	return t;
}

/* Append an org_domains entry to the policy. */
static inline void
vg_fixture_org_domain(struct vg_policy *p, const char *d)
{
	char **items = reallocarray(p->org_domains.items, p->org_domains.n + 1,
				    sizeof(*items));

	assert_non_null(items);
	p->org_domains.items = items;
	assert_non_null(items[p->org_domains.n] = strdup(d));
	p->org_domains.n++;
}

/* Append an end-of-life row (date "YYYY-MM-DD") and mark the table loaded. */
static inline void
vg_fixture_eol(struct vg_policy *p, const char *id, const char *version,
	       const char *date)
{
	struct vg_eol_entry *e = reallocarray(p->eol, p->n_eol + 1, sizeof(*e));

	assert_non_null(e);
	p->eol = e;
	e = &p->eol[p->n_eol++];
	assert_non_null(e->os_id = strdup(id));
	assert_non_null(e->version = strdup(version));
	e->eol = vg_fixture_date(date);
	p->eol_loaded = true;
}

/* A string member of a finding's evidence, or NULL. */
static inline const char *
vg_fixture_ev_str(const struct vg_finding *fd, const char *key)
{
	return json_string_value(json_object_get(fd->evidence, key));
}

/* An integer member of a finding's evidence (asserts it is one). */
static inline json_int_t
vg_fixture_ev_int(const struct vg_finding *fd, const char *key)
{
	json_t *v = json_object_get(fd->evidence, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* Release what vg_fixture_init and vg_fixture_eval made. */
static inline void
vg_fixture_release(struct vg_facts *f, struct vg_policy *p, struct vg_report *r)
{
	if (r != NULL)
		vg_report_release(r);
	vg_policy_release(p);
	vg_facts_release(f);
}

/* Everything a rule test needs, set up and torn down together. */
struct fx {
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
};

/* Empty facts collected at "now" (an ISO date), default policy. */
static inline void
fx_init(struct fx *x, const char *now)
{
	vg_fixture_init(&x->f, &x->p, vg_fixture_date(now));
	vg_report_init(&x->r);
}

static inline void
fx_release(struct fx *x)
{
	vg_fixture_release(&x->f, &x->p, &x->r);
}

/* Start a new report (keeping facts and policy). */
static inline void
fx_reset_report(struct fx *x)
{
	vg_report_release(&x->r);
	vg_report_init(&x->r);
}

/*
 * Run check id of the rule table tab (n checks) on x, adding to x->r;
 * asserts the check is in that table and returns VG_OK.
 */
static inline void
fx_run(struct fx *x, const struct vg_check *tab, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i].id, id) == 0) {
			assert_int_equal(
				tab[i].run(&tab[i], &x->f, &x->p, &x->r),
				VG_OK);
			return;
		}
	fail_msg("no check %s", id);
}

/* Assert check id was not evaluated with a reason containing needle, and
 * produced no finding. */
static inline void
fx_assert_not_evaluated(const struct fx *x, const char *id, const char *needle)
{
	const char *why = vg_fixture_not_evaluated(&x->r, id);

	assert_non_null(why);
	if (strstr(why, needle) == NULL)
		fail_msg("reason '%s' lacks '%s'", why, needle);
	assert_int_equal(vg_fixture_count(&x->r, id), 0);
}

#endif
