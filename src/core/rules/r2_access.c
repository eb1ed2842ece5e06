/*
 * R2 — Access rights. Accounts that can log in but should not (dormant,
 * generic role names, system accounts with a shell) and cleartext remote
 * login services. "Can log in" is vg_rule_can_log_in (rules/common.h).
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/rules.h"
#include "core/rules/common.h"
#include "util/banned.h"

/* System accounts are below this uid (Debian and RHEL UID_MIN). */
#define SYSTEM_UID_MAX 1000

/*
 * accounts.dormant: an account that can log in and whose newest login,
 * or its last password change when it never logged in, is older than
 * dormant_days.
 *
 * Decisions where the facts are incomplete:
 * - last_login unknown (the login records do not cover the account): no
 *   finding, nothing proves the account unused;
 * - never logged in and last_change unknown: a finding ("days": null),
 *   since an account nobody ever used but which can log in is exactly
 *   what the check hunts and its age cannot clear it;
 * - a time in the future (clock skew): no finding.
 */
static enum vg_rc
check_dormant(const struct vg_check *c, const struct vg_facts *f,
	      const struct vg_policy *p, struct vg_report *r)
{
	const int64_t now = f->collected_at;
	const struct vg_account *a;
	int64_t limit, since;
	json_t *ev, *days;
	enum vg_rc rc;
	size_t i;

	if (!vg_check_needs(c, f, VG_SRC_PASSWD, r) ||
	    !vg_check_needs(c, f, VG_SRC_LOGINS, r))
		return VG_OK;
	if (now < 0) {
		(void)vg_report_not_evaluated(r, c->rule, c->id,
					      _("collection time unknown"));
		return VG_OK;
	}
	limit = (p->dormant_days > 0 ? p->dormant_days : 0) * VG_DAY_SECONDS;
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		if (!vg_rule_can_log_in(f, a))
			continue;
		if (a->last_login > 0)
			since = a->last_login;
		else if (a->last_login == VG_TIME_NEVER)
			since = a->last_change; /* may be UNKNOWN */
		else
			continue;
		if (since >= 0 && (since > now || now - since <= limit))
			continue;
		days = since >= 0 ? json_integer((now - since) / VG_DAY_SECONDS)
				  : json_null();
		ev = json_pack("{s:o, s:o, s:o, s:i, s:s}", "last_login",
			       vg_rule_time_json(a->last_login), "last_change",
			       vg_rule_time_json(a->last_change), "days", days,
			       "dormant_days", p->dormant_days, "password",
			       vg_rule_pw_name(a->pw));
		if ((rc = vg_rule_report(c, p, r, vg_rule_str(a->name), ev)) !=
		    VG_OK)
			return rc;
	}
	return VG_OK;
}

/*
 * The entry of generic_names that name is, ignoring case and a trailing
 * number ("accueil2", "urgences01", "poste-3"), or NULL.
 */
static const char *
generic_match(const struct vg_name_list *l, const char *name)
{
	size_t n = strlen(name), k, i;

	for (k = n; k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9'; k--)
		;
	/* One separator before the number belongs to it: "poste-3". */
	if (k < n && k > 0 &&
	    (name[k - 1] == '-' || name[k - 1] == '_' || name[k - 1] == '.'))
		k--;
	for (i = 0; i < l->n; i++) {
		if (strcasecmp(l->items[i], name) == 0)
			return l->items[i];
		if (k < n && k > 0 && strlen(l->items[i]) == k &&
		    strncasecmp(l->items[i], name, k) == 0)
			return l->items[i];
	}
	return NULL;
}

/* accounts.generic: an account that can log in has a shared-role name. */
static enum vg_rc
check_generic(const struct vg_check *c, const struct vg_facts *f,
	      const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_account *a;
	const char *match;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!vg_check_needs(c, f, VG_SRC_PASSWD, r))
		return VG_OK;
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		if (a->name == NULL || !vg_rule_can_log_in(f, a) ||
		    (match = generic_match(&p->generic_names, a->name)) == NULL)
			continue;
		ev = json_pack("{s:o, s:I, s:o, s:s, s:b}", "generic_name",
			       vg_rule_str_json(match), "uid",
			       (json_int_t)a->uid, "shell",
			       vg_rule_str_json(a->shell), "password",
			       vg_rule_pw_name(a->pw), "authorized_keys",
			       a->authorized_keys);
		if ((rc = vg_rule_report(c, p, r, a->name, ev)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/*
 * accounts.system_shell: a system account (uid < 1000), other than the
 * account named root, has an interactive shell and a usable password.
 * A usable password needs the shadow file, hence both sources.
 */
static enum vg_rc
check_system_shell(const struct vg_check *c, const struct vg_facts *f,
		   const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_account *a;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!vg_rule_needs_accounts(c, f, r))
		return VG_OK;
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		if (a->uid < 0 || a->uid >= SYSTEM_UID_MAX ||
		    strcmp(vg_rule_str(a->name), "root") == 0 ||
		    !vg_rule_shell_interactive(a->shell) ||
		    !vg_rule_pw_usable(a->pw))
			continue;
		ev = json_pack("{s:I, s:o, s:s}", "uid", (json_int_t)a->uid,
			       "shell", vg_rule_str_json(a->shell), "password",
			       vg_rule_pw_name(a->pw));
		if ((rc = vg_rule_report(c, p, r, vg_rule_str(a->name), ev)) !=
		    VG_OK)
			return rc;
	}
	return VG_OK;
}

/* Order service indexes by protocol, then by position in the facts. */
static int
service_cmp(const void *x, const void *y, void *ctx)
{
	const struct vg_service *sv = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int d = strcmp(vg_rule_str(sv[i].protocol),
		       vg_rule_str(sv[j].protocol));

	if (d != 0)
		return d;
	return i < j ? -1 : i > j;
}

/* Report the services ix[0..n) which share one protocol. */
static enum vg_rc
report_protocol(const struct vg_check *c, const struct vg_facts *f,
		const struct vg_policy *p, struct vg_report *r,
		const size_t *ix, size_t n)
{
	const struct vg_service *s;
	const char *proto = vg_rule_str(f->services[ix[0]].protocol);
	json_t *ways, *w;
	size_t i;

	if ((ways = json_array()) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		s = &f->services[ix[i]];
		w = json_pack("{s:o, s:o}", "via", vg_rule_str_json(s->via),
			      "detail", vg_rule_str_json(s->detail));
		if (json_array_append_new(ways, w) != 0) {
			json_decref(ways);
			return VG_ERR_NOMEM;
		}
	}
	w = json_pack("{s:o, s:o}", "protocol", vg_rule_str_json(proto),
		      "exposed", ways);
	if (w == NULL)
		return VG_ERR_NOMEM;
	return vg_check_report(c, p, r, proto, w);
}

/*
 * access.cleartext_remote: the services collector lists only cleartext
 * login services (telnet, rsh, rlogin, rexec, ftp); one finding per
 * protocol, with every way it is exposed. Sorting keeps this linear-log
 * on a hostile facts document with many services.
 */
static enum vg_rc
check_cleartext_remote(const struct vg_check *c, const struct vg_facts *f,
		       const struct vg_policy *p, struct vg_report *r)
{
	enum vg_rc rc = VG_OK;
	size_t *ix, i, start;

	if (!vg_check_needs(c, f, VG_SRC_SERVICES, r))
		return VG_OK;
	if (f->n_services == 0)
		return VG_OK;
	if ((ix = reallocarray(NULL, f->n_services, sizeof(*ix))) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < f->n_services; i++)
		ix[i] = i;
	qsort_r(ix, f->n_services, sizeof(*ix), service_cmp, f->services);
	for (start = 0, i = 1; i <= f->n_services && rc == VG_OK; i++) {
		if (i < f->n_services &&
		    strcmp(vg_rule_str(f->services[ix[i]].protocol),
			   vg_rule_str(f->services[ix[start]].protocol)) == 0)
			continue;
		rc = report_protocol(c, f, p, r, ix + start, i - start);
		start = i;
	}
	free(ix);
	return rc;
}

const struct vg_check vg_checks_r2[] = {
	{"accounts.dormant", 2, VG_SEV_MEDIUM,
	 N_("Lock or delete the account if it is no longer used (usermod "
	    "-L, or userdel), or set an expiry date with chage -E."),
	 check_dormant},
	{"accounts.generic", 2, VG_SEV_MEDIUM,
	 N_("Replace the shared account with one named account per person, "
	    "then lock it (usermod -L) or give it a non-login shell."),
	 check_generic},
	{"accounts.system_shell", 2, VG_SEV_MEDIUM,
	 N_("Lock the system account's password (usermod -L) and set its "
	    "shell to /usr/sbin/nologin."),
	 check_system_shell},
	{"access.cleartext_remote", 2, VG_SEV_HIGH,
	 N_("Remove the cleartext service (telnet, rsh, rlogin, rexec, FTP) "
	    "and use SSH or SFTP instead."),
	 check_cleartext_remote},
};
const size_t vg_checks_r2_count = VG_ARRAY_LEN(vg_checks_r2);
