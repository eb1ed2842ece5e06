/*
 * R6 — Professional data stays professional. Personal cloud sync clients
 * and mail forwarded outside the establishment's domains.
 *
 * Facts may come from an agent (untrusted JSON, up to VG_MAX_ITEMS
 * entries), so grouping sorts an index instead of comparing every pair.
 */
#include "util/common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/rules.h"
#include "core/rules/common.h"
#include "util/banned.h"

/* Items listed in one cloud finding's evidence; the rest are counted. */
#define R6_MAX_EVIDENCE_ITEMS 50
/* Longest domain name (RFC 1035); a longer one is copied truncated. */
#define R6_MAX_DOMAIN 253

static int
strcmp_null(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

/* Order cloud entries by client name, then by position (stable groups). */
static int
cmp_cloud(const void *x, const void *y)
{
	const struct vg_cloud_client *a =
		*(const struct vg_cloud_client *const *)x;
	const struct vg_cloud_client *b =
		*(const struct vg_cloud_client *const *)y;
	int d = strcmp_null(a->client, b->client);

	if (d != 0)
		return d;
	return a < b ? -1 : a > b;
}

/* Order forwards by user, then target, then position. */
static int
cmp_forward(const void *x, const void *y)
{
	const struct vg_mail_forward *a =
		*(const struct vg_mail_forward *const *)x;
	const struct vg_mail_forward *b =
		*(const struct vg_mail_forward *const *)y;
	int d = strcmp_null(a->user, b->user);

	if (d == 0)
		d = strcmp_null(a->target, b->target);
	if (d != 0)
		return d;
	return a < b ? -1 : a > b;
}

/* One finding for the entries idx[from, to) of one client. */
static enum vg_rc
report_cloud(const struct vg_check *c, const struct vg_policy *p,
	     struct vg_report *r, const struct vg_cloud_client **idx,
	     size_t from, size_t to)
{
	const char *name = idx[from]->client;
	json_t *ev, *items, *it;
	size_t i;

	if (name == NULL || *name == '\0')
		name = "unknown";
	if ((items = json_array()) == NULL)
		return VG_ERR_NOMEM;
	for (i = from; i < to && i - from < R6_MAX_EVIDENCE_ITEMS; i++) {
		it = json_pack("{s:o, s:o, s:o}", "kind",
			       vg_rule_str_json(idx[i]->kind), "path",
			       vg_rule_str_json(idx[i]->path), "user",
			       vg_rule_str_json(idx[i]->user));
		if (it == NULL || json_array_append_new(items, it) != 0) {
			json_decref(items);
			return VG_ERR_NOMEM;
		}
	}
	ev = json_pack("{s:o, s:o, s:I}", "client", vg_rule_str_json(name),
		       "items", items, "count", (json_int_t)(to - from));
	return vg_rule_report(c, p, r, name, ev);
}

/*
 * data.personal_cloud_client: one finding per client name, grouping its
 * packages, binaries and folders (first R6_MAX_EVIDENCE_ITEMS listed).
 */
static enum vg_rc
check_personal_cloud(const struct vg_check *c, const struct vg_facts *f,
		     const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_cloud_client **idx;
	enum vg_rc rc = VG_OK;
	size_t i, start;

	if (!vg_check_needs(c, f, VG_SRC_CLOUD, r) || f->n_cloud_clients == 0)
		return VG_OK;
	/* Pointers to the entries, sorted so each client's are adjacent. */
	if ((idx = reallocarray(NULL, f->n_cloud_clients, sizeof(*idx))) ==
	    NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < f->n_cloud_clients; i++)
		idx[i] = &f->cloud_clients[i];
	qsort(idx, f->n_cloud_clients, sizeof(*idx), cmp_cloud);
	for (start = 0, i = 1; i <= f->n_cloud_clients && rc == VG_OK; i++) {
		if (i < f->n_cloud_clients &&
		    strcmp_null(idx[i]->client, idx[start]->client) == 0)
			continue;
		rc = report_cloud(c, p, r, idx, start, i);
		start = i;
	}
	free(idx);
	return rc;
}

/*
 * The domain of a forward target, in [*dom, *dom + *n): after the last
 * '@', up to a closing '>', a quote, a space or a comment, without the
 * root dot. False when the target is no remote address: a pipe, a file, a
 * local user, ":include:", or an empty domain.
 */
static bool
target_domain(const char *t, const char **dom, size_t *n)
{
	const char *at;

	if (t == NULL || *t == '|' || *t == '/' || *t == ':')
		return false;
	if ((at = strrchr(t, '@')) == NULL)
		return false;
	*dom = at + 1;
	*n = strcspn(*dom, ">\"' \t(),;");
	while (*n > 0 && (*dom)[*n - 1] == '.')
		(*n)--;
	return *n > 0;
}

/* True when the domain [d, d + n) is o or a subdomain of o. */
static bool
domain_within(const char *d, size_t n, const char *o)
{
	size_t m;

	/* Accept "@chu.fr", ".chu.fr" and "chu.fr." as written in lists. */
	while (*o == '@' || *o == '.')
		o++;
	m = strlen(o);
	while (m > 0 && o[m - 1] == '.')
		m--;
	if (m == 0 || m > n)
		return false;
	if (strncasecmp(d + n - m, o, m) != 0)
		return false;
	return m == n || d[n - m - 1] == '.';
}

/* Mail for the host itself never leaves it. */
static bool
domain_local(const char *d, size_t n)
{
	return (n == 9 && strncasecmp(d, "localhost", 9) == 0) ||
		(n == 21 && strncasecmp(d, "localhost.localdomain", 21) == 0);
}

static bool
domain_internal(const struct vg_policy *p, const char *d, size_t n)
{
	size_t i;

	if (domain_local(d, n))
		return true;
	for (i = 0; i < p->org_domains.n; i++)
		if (domain_within(d, n, p->org_domains.items[i]))
			return true;
	return false;
}

/* The org_domains list as JSON, so the evidence says what was allowed. */
static json_t *
org_domains_json(const struct vg_policy *p)
{
	json_t *a;
	size_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < p->org_domains.n; i++)
		if (json_array_append_new(
			    a, vg_rule_str_json(p->org_domains.items[i])) !=
		    0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* One finding for the forward fw (count occurrences of the same pair). */
static enum vg_rc
report_forward(const struct vg_check *c, const struct vg_policy *p,
	       struct vg_report *r, const struct vg_mail_forward *fw,
	       const char *dom, size_t n, size_t count)
{
	char domain[R6_MAX_DOMAIN + 1];
	char *subject = NULL;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	/* Lower-cased for the evidence; a longer name is no real domain. */
	if (n > R6_MAX_DOMAIN)
		n = R6_MAX_DOMAIN;
	for (i = 0; i < n; i++)
		domain[i] = (char)tolower((unsigned char)dom[i]);
	domain[n] = '\0';
	ev = json_pack("{s:o, s:o, s:o, s:o, s:i, s:I, s:o}", "user",
		       vg_rule_str_json(fw->user), "target",
		       vg_rule_str_json(fw->target), "domain",
		       vg_rule_str_json(domain), "file",
		       vg_rule_str_json(fw->file), "line", fw->line,
		       "occurrences", (json_int_t)count, "org_domains",
		       org_domains_json(p));
	if (ev == NULL)
		return VG_ERR_NOMEM;
	if (asprintf(&subject, "%s -> %s", fw->user != NULL ? fw->user : "",
		     fw->target) < 0) {
		json_decref(ev);
		return VG_ERR_NOMEM;
	}
	rc = vg_check_report(c, p, r, subject, ev);
	free(subject);
	return rc;
}

/*
 * data.mail_forward_external: one finding per (user, target) whose
 * domain is neither one of org_domains nor a subdomain of one. With no
 * org_domains declared, every address with a domain fires (the
 * remediation says to declare them). The evidence names the first file
 * and line and counts repeats.
 */
static enum vg_rc
check_mail_forward(const struct vg_check *c, const struct vg_facts *f,
		   const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_mail_forward **idx, *fw;
	const char *dom = NULL;
	enum vg_rc rc = VG_OK;
	size_t i, j, n = 0;

	if (!vg_check_needs(c, f, VG_SRC_MAIL_FORWARD, r) || f->n_forwards == 0)
		return VG_OK;
	/* Pointers to the forwards, sorted so repeated pairs are adjacent. */
	if ((idx = reallocarray(NULL, f->n_forwards, sizeof(*idx))) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < f->n_forwards; i++)
		idx[i] = &f->forwards[i];
	qsort(idx, f->n_forwards, sizeof(*idx), cmp_forward);
	for (i = 0; i < f->n_forwards && rc == VG_OK; i = j) {
		fw = idx[i];
		/* idx[i, j) is one (user, target) pair. */
		for (j = i + 1; j < f->n_forwards &&
		     strcmp_null(idx[j]->user, fw->user) == 0 &&
		     strcmp_null(idx[j]->target, fw->target) == 0;
		     j++)
			;
		if (!target_domain(fw->target, &dom, &n) ||
		    domain_internal(p, dom, n))
			continue;
		rc = report_forward(c, p, r, fw, dom, n, j - i);
	}
	free(idx);
	return rc;
}

const struct vg_check vg_checks_r6[] = {
	{"data.personal_cloud_client", 6, VG_SEV_MEDIUM,
	 N_("Uninstall this personal cloud client and remove its folders; "
	    "use the establishment's approved file sharing instead."),
	 check_personal_cloud},
	{"data.mail_forward_external", 6, VG_SEV_HIGH,
	 N_("Remove this forward to an outside domain; if the domain belongs "
	    "to the establishment, list it in org_domains in vigie.conf."),
	 check_mail_forward},
};
const size_t vg_checks_r6_count = VG_ARRAY_LEN(vg_checks_r6);
