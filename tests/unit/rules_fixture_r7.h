/*
 * Helpers for the unit tests of rules R5-R7: facts with a fixed "now",
 * a default policy, running one check of a rule table and looking at the
 * report. Everything is static inline so each test uses what it needs.
 */
#ifndef VG_TEST_RULES_FIXTURE_R7_H
#define VG_TEST_RULES_FIXTURE_R7_H

#include <stdlib.h>
#include <string.h>

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "core/rules.h"
#include "support.h"
#include "util/text.h"

/* Unix time of an ISO date (asserts it parses). */
static inline int64_t
fx_date(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(vg_parse_date(iso, &t), VG_OK);
	return t;
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
	struct vg_err err = {0};

	vg_facts_init(&x->f);
	x->f.collected_at = fx_date(now);
	assert_int_equal(vg_policy_init(&x->p, &err), VG_OK);
	vg_report_init(&x->r);
}

static inline void
fx_release(struct fx *x)
{
	vg_report_release(&x->r);
	vg_policy_release(&x->p);
	vg_facts_release(&x->f);
}

/* Start a new report (keeping facts and policy). */
static inline void
fx_reset_report(struct fx *x)
{
	vg_report_release(&x->r);
	vg_report_init(&x->r);
}

/* Append an org_domains entry to the policy. */
static inline void
fx_org_domain(struct vg_policy *p, const char *d)
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
fx_eol(struct vg_policy *p, const char *id, const char *version,
       const char *date)
{
	struct vg_eol_entry *e = reallocarray(p->eol, p->n_eol + 1, sizeof(*e));

	assert_non_null(e);
	p->eol = e;
	e = &p->eol[p->n_eol++];
	assert_non_null(e->os_id = strdup(id));
	assert_non_null(e->version = strdup(version));
	e->eol = fx_date(date);
	p->eol_loaded = true;
}

/* Run check id of table tab on x; asserts it exists and returns VG_OK. */
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

/* Findings of check id in the report. */
static inline size_t
fx_count(const struct vg_report *r, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i].check, id) == 0)
			n++;
	return n;
}

/* The finding of check id about subject, or NULL. */
static inline const struct vg_finding *
fx_finding(const struct vg_report *r, const char *id, const char *subject)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i].check, id) == 0 &&
		    strcmp(r->findings[i].subject, subject) == 0)
			return &r->findings[i];
	return NULL;
}

/* The not-evaluated reason recorded for check id, or NULL. */
static inline const char *
fx_not_evaluated(const struct vg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n_not_evaluated; i++)
		if (strcmp(r->not_evaluated[i].check, id) == 0)
			return r->not_evaluated[i].reason;
	return NULL;
}

/* A string member of a finding's evidence, or NULL. */
static inline const char *
fx_ev_str(const struct vg_finding *fd, const char *key)
{
	return json_string_value(json_object_get(fd->evidence, key));
}

static inline json_int_t
fx_ev_int(const struct vg_finding *fd, const char *key)
{
	json_t *v = json_object_get(fd->evidence, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* Assert check id was not evaluated with a reason containing needle, and
 * produced no finding. */
static inline void
fx_assert_not_evaluated(const struct fx *x, const char *id, const char *needle)
{
	const char *why = fx_not_evaluated(&x->r, id);

	assert_non_null(why);
	if (strstr(why, needle) == NULL)
		fail_msg("reason '%s' lacks '%s'", why, needle);
	assert_int_equal(fx_count(&x->r, id), 0);
}

#endif
