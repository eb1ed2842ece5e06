/*
 * R7 — Updates. Pending upgrades from the apt lists, the OS release's end
 * of support (data/eol.csv, loaded into the policy), automatic updates,
 * list freshness and pending reboots, and the packages affected by known
 * vulnerabilities (derived by vuln/match.h from the local feeds).
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/evidence_cache.h"
#include "core/rules.h"
#include "core/rules/common.h"
#include "core/vulns.h"
#include "util/text.h"
#include "util/banned.h"

/*
 * Names listed in the one updates.pending finding: a host with hundreds
 * of pending upgrades gets one finding, not hundreds; the count is exact.
 */
#define R7_MAX_PENDING_LISTED 50
/* A not-evaluated reason naming an OS release (longer ids truncated). */
#define R7_MAX_REASON 256

/* updates.pending_security: one finding per upgrade from a security suite. */
static enum vg_rc
check_pending_security(const struct vg_check *c, const struct vg_facts *f,
		       const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_upgrade *u;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!vg_check_needs(c, f, VG_SRC_APT, r))
		return VG_OK;
	for (i = 0; i < f->n_upgrades; i++) {
		u = &f->upgrades[i];
		if (!u->security)
			continue;
		ev = json_pack("{s:o, s:o, s:o}", "installed",
			       vg_rule_str_json(u->installed), "candidate",
			       vg_rule_str_json(u->candidate), "suite",
			       vg_rule_str_json(u->suite));
		if ((rc = vg_rule_report(c, p, r, u->name, ev)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/*
 * updates.pending: ONE finding for all the other upgrades, subject
 * "curl, git, vim, xz-utils, zip +43", the first R7_MAX_PENDING_LISTED
 * names and the count in the evidence.
 */
static enum vg_rc
check_pending(const struct vg_check *c, const struct vg_facts *f,
	      const struct vg_policy *p, struct vg_report *r)
{
	char subject[256];
	json_t *names, *ev;
	size_t i, count = 0;

	if (!vg_check_needs(c, f, VG_SRC_APT, r))
		return VG_OK;
	if ((names = json_array()) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < f->n_upgrades; i++) {
		if (f->upgrades[i].security)
			continue;
		if (count++ >= R7_MAX_PENDING_LISTED)
			continue;
		if (json_array_append_new(names,
					  vg_rule_str_json(vg_rule_str(
						  f->upgrades[i].name))) != 0) {
			json_decref(names);
			return VG_ERR_NOMEM;
		}
	}
	if (count == 0) {
		json_decref(names);
		return VG_OK;
	}
	ev = json_pack("{s:I, s:o, s:b}", "count", (json_int_t)count,
		       "packages", names, "truncated",
		       count > R7_MAX_PENDING_LISTED);
	if (ev == NULL)
		return VG_ERR_NOMEM;
	vg_rule_names_subject(names, count, 5, subject, sizeof(subject));
	return vg_check_report(c, p, r, subject, ev);
}

/*
 * The severity of a vulnerable package (RULES.md R7): critical when an
 * id is in CISA's known-exploited list, then by Debian urgency, CVSS
 * base score and EPSS probability, the highest signal deciding.
 */
static enum vg_severity
vuln_severity(const struct vg_vuln_pkg *v)
{
	if (v->n_kev > 0)
		return VG_SEV_CRITICAL;
	if (v->urgency == VG_URG_HIGH || v->cvss >= 7.0 || v->epss >= 0.1)
		return VG_SEV_HIGH;
	if (v->urgency == VG_URG_MEDIUM || v->cvss >= 4.0)
		return VG_SEV_MEDIUM;
	return VG_SEV_LOW;
}

/* A score as evidence: null when unknown. */
static json_t *
score_json(double v)
{
	return v >= 0 ? json_real(v) : json_null();
}

/* A comma-joined list as a JSON array of strings (NULL: empty). */
static json_t *
list_json(const char *s)
{
	json_t *a = json_array();
	char *item;
	size_t n;
	int bad;

	while (a != NULL && s != NULL && *s != '\0') {
		n = strcspn(s, ",");
		if (n > 0) {
			if ((item = strndup(s, n)) == NULL) {
				json_decref(a);
				return NULL;
			}
			bad = json_array_append_new(a, vg_json_str(item));
			free(item);
			if (bad) {
				json_decref(a);
				return NULL;
			}
		}
		s += n + (s[n] == ',');
	}
	return a;
}

static void
key_str(crypto_generichash_state *h, const char *s)
{
	/* With its NUL, so fields cannot run together; NULL as one byte
	 * 1, told apart from "". */
	if (s != NULL)
		(void)crypto_generichash_update(h, (const unsigned char *)s,
						strlen(s) + 1);
	else
		(void)crypto_generichash_update(h, (const unsigned char *)"\1",
						1);
}

/* The digest of everything v's evidence is made of (its cache key). */
static void
vuln_evidence_key(const struct vg_vuln_pkg *v,
		  unsigned char key[VG_EVIDENCE_KEY_LEN])
{
	crypto_generichash_state h;
	int64_t nums[4] = {(int64_t)v->n_ids, (int64_t)v->n_kev,
			   (int64_t)v->status, (int64_t)v->urgency};
	double scores[2] = {v->epss, v->cvss};
	unsigned char flag = v->ransomware ? 1 : 0;

	(void)crypto_generichash_init(&h, NULL, 0, VG_EVIDENCE_KEY_LEN);
	/* What makes the evidence a vulnerable package's (the cache is
	 * shared with other evidences some day). */
	key_str(&h, "updates.vulnerable_package");
	key_str(&h, v->ids);
	key_str(&h, v->fixed_version);
	key_str(&h, v->kev_ids);
	key_str(&h, v->binaries);
	(void)crypto_generichash_update(&h, (const unsigned char *)nums,
					sizeof(nums));
	(void)crypto_generichash_update(&h, (const unsigned char *)scores,
					sizeof(scores));
	(void)crypto_generichash_update(&h, &flag, 1);
	(void)crypto_generichash_final(&h, key, VG_EVIDENCE_KEY_LEN);
}

/*
 * updates.vulnerable_package: one finding per installed source package
 * affected by known vulnerabilities, its ids and signals as evidence.
 * A package whose entries are all of urgency "unimportant" (Debian's
 * triage: no security impact in this release) raises none, unless an id
 * is known to be exploited.
 */
static enum vg_rc
check_vulnerable_package(const struct vg_check *c, const struct vg_facts *f,
			 const struct vg_policy *p, struct vg_report *r)
{
	unsigned char key[VG_EVIDENCE_KEY_LEN];
	const struct vg_vuln_pkg *v;
	char subject[R7_MAX_REASON];
	const char *urg;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!vg_check_needs(c, f, VG_SRC_VULNS, r))
		return VG_OK;
	for (i = 0; i < f->n_vuln_pkgs; i++) {
		v = &f->vuln_pkgs[i];
		if (v->n_ids == 0 ||
		    (v->urgency == VG_URG_UNIMPORTANT && v->n_kev == 0))
			continue;
		urg = vg_urgency_name(v->urgency);
		/* Built once for every host with the same package. */
		vuln_evidence_key(v, key);
		if ((ev = vg_evidence_cache_get(key)) != NULL)
			goto add;
		ev = json_pack("{s:o, s:I, s:s, s:o, s:o, s:I, s:b, s:o, s:o, "
			       "s:s, s:o}",
			       "ids", list_json(v->ids), "n_ids",
			       (json_int_t)v->n_ids, "status",
			       vg_vuln_pkg_status_name(v->status) != NULL
				       ? vg_vuln_pkg_status_name(v->status)
				       : "undetermined",
			       "fixed_version",
			       vg_rule_str_json(v->fixed_version), "kev_ids",
			       list_json(v->kev_ids), "n_kev",
			       (json_int_t)v->n_kev, "ransomware",
			       v->ransomware, "epss", score_json(v->epss),
			       "cvss", score_json(v->cvss), "urgency",
			       urg != NULL ? urg : "unknown", "binaries",
			       vg_rule_str_json(v->binaries));
		if (ev == NULL)
			return VG_ERR_NOMEM;
		vg_evidence_cache_put(key, ev);
	add:
		(void)snprintf(subject, sizeof(subject), "%s %s",
			       vg_rule_str(v->package),
			       vg_rule_str(v->version));
		rc = vg_report_add(
			r, c->rule, c->id,
			vg_policy_severity(p, c->id, vuln_severity(v)), subject,
			ev, c->remediation);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* The leading digits-and-letters before the first '.' of a version. */
static size_t
major_len(const char *v)
{
	const char *dot = strchr(v, '.');

	return dot != NULL ? (size_t)(dot - v) : strlen(v);
}

/*
 * True when eol rows of os_id compare major versions only ("8.9" is
 * release 8): Debian's point releases and the RHEL family's minor
 * releases share their major release's support. Ubuntu and unknown ids
 * compare VERSION_ID exactly.
 */
static bool
major_only(const char *id, size_t n)
{
	static const char *const ids[] = {"debian", "rhel", "rocky",
					  "almalinux", "centos"};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(ids); i++)
		if (strlen(ids[i]) == n && strncasecmp(ids[i], id, n) == 0)
			return true;
	return false;
}

/* The eol row for OS id [id, id + n) at version, or NULL. */
static const struct vg_eol_entry *
eol_find(const struct vg_policy *p, const char *id, size_t n,
	 const char *version)
{
	const struct vg_eol_entry *e;
	bool major = major_only(id, n);
	size_t i, vn = major ? major_len(version) : strlen(version);

	for (i = 0; i < p->n_eol; i++) {
		e = &p->eol[i];
		if (e->os_id == NULL || e->version == NULL ||
		    strlen(e->os_id) != n || strncasecmp(e->os_id, id, n) != 0)
			continue;
		if ((major ? major_len(e->version) : strlen(e->version)) ==
			    vn &&
		    strncmp(e->version, version, vn) == 0)
			return e;
	}
	return NULL;
}

/*
 * The eol row for the host: its ID first, then each word of ID_LIKE in
 * order (a Raspbian 12 is a Debian 12). NULL when none matches.
 */
static const struct vg_eol_entry *
eol_lookup(const struct vg_policy *p, const struct vg_os *os)
{
	const struct vg_eol_entry *e;
	const char *s, *w;
	size_t n;

	if (os->id != NULL && *os->id != '\0' &&
	    (e = eol_find(p, os->id, strlen(os->id), os->version_id)) != NULL)
		return e;
	for (s = os->id_like; s != NULL && *s != '\0'; s = w + n) {
		w = s + strspn(s, " \t");
		n = strcspn(w, " \t");
		if (n > 0 && (e = eol_find(p, w, n, os->version_id)) != NULL)
			return e;
	}
	return NULL;
}

/*
 * updates.eol_os: the release is past the end of its security support.
 * Not evaluated without the table, without a VERSION_ID (a rolling or
 * testing release) or when the table has no row for the release.
 */
static enum vg_rc
check_eol_os(const struct vg_check *c, const struct vg_facts *f,
	     const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_os *os = &f->os;
	const struct vg_eol_entry *e = NULL;
	char reason[R7_MAX_REASON], subject[R7_MAX_REASON];
	json_t *ev;

	if (!vg_check_needs(c, f, VG_SRC_OS, r))
		return VG_OK;
	if (!p->eol_loaded) {
		(void)vg_report_not_evaluated(r, c->rule, c->id,
					      _("end-of-life table not "
						"loaded"));
		return VG_OK;
	}
	if (!vg_rule_needs_now(c, f, r))
		return VG_OK;
	if (os->version_id != NULL && *os->version_id != '\0')
		e = eol_lookup(p, os);
	if (e == NULL) {
		(void)snprintf(reason, sizeof(reason),
			       _("no end-of-life data for %s %s"),
			       os->id != NULL ? os->id : "?",
			       os->version_id != NULL ? os->version_id : "?");
		(void)vg_report_not_evaluated(r, c->rule, c->id, reason);
		return VG_OK;
	}
	if (f->collected_at <= e->eol)
		return VG_OK;
	ev = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "id",
		       vg_rule_str_json(os->id), "version_id",
		       vg_rule_str_json(os->version_id), "pretty_name",
		       vg_rule_str_json(os->pretty_name), "eol_os_id",
		       vg_rule_str_json(e->os_id), "eol_version",
		       vg_rule_str_json(e->version), "end_of_support",
		       vg_rule_time_or_null_json(e->eol));
	if (ev == NULL)
		return VG_ERR_NOMEM;
	if (os->pretty_name != NULL && *os->pretty_name != '\0')
		(void)snprintf(subject, sizeof(subject), "%s", os->pretty_name);
	else
		(void)snprintf(subject, sizeof(subject), "%s %s",
			       os->id != NULL ? os->id : e->os_id,
			       os->version_id);
	return vg_check_report(c, p, r, subject, ev);
}

/* updates.no_auto_updates: no automatic security updates configured. */
static enum vg_rc
check_no_auto_updates(const struct vg_check *c, const struct vg_facts *f,
		      const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_auto_updates *a = &f->auto_updates;
	json_t *ev;

	if (!vg_check_needs(c, f, VG_SRC_AUTO_UPDATES, r) || a->enabled)
		return VG_OK;
	ev = json_pack("{s:b, s:o, s:o}", "enabled", 0, "mechanism",
		       vg_rule_str_json(a->mechanism), "detail",
		       vg_rule_str_json(a->detail));
	return vg_rule_report(c, p, r, vg_rule_host_subject(f), ev);
}

/*
 * updates.stale_lists: the newest list is older than stale_lists_days, or
 * its date is unknown (no list read: the host never refreshed them).
 */
static enum vg_rc
check_stale_lists(const struct vg_check *c, const struct vg_facts *f,
		  const struct vg_policy *p, struct vg_report *r)
{
	const int64_t t = f->apt.lists_updated;
	json_t *ev;

	if (!vg_check_needs(c, f, VG_SRC_APT, r) || !vg_rule_needs_now(c, f, r))
		return VG_OK;
	if (t > 0 &&
	    f->collected_at - t <=
		    (int64_t)p->stale_lists_days * VG_DAY_SECONDS)
		return VG_OK;
	ev = json_pack(
		"{s:o, s:I, s:i, s:I}", "lists_updated",
		vg_rule_time_or_null_json(t), "age_days",
		(json_int_t)(t > 0 ? (f->collected_at - t) / VG_DAY_SECONDS
				   : -1),
		"stale_lists_days", p->stale_lists_days, "lists",
		(json_int_t)f->apt.n_lists);
	return vg_rule_report(c, p, r, "apt lists", ev);
}

/*
 * updates.reboot_required: the reboot-required flag, or a running kernel
 * that is not the newest installed (the collector picks the newest; a
 * different release running means the newest is not booted yet).
 */
static enum vg_rc
check_reboot_required(const struct vg_check *c, const struct vg_facts *f,
		      const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_kernel *k = &f->kernel;
	bool newer;
	json_t *ev, *why;

	if (!vg_check_needs(c, f, VG_SRC_KERNEL, r))
		return VG_OK;
	newer = k->running != NULL && k->newest_installed != NULL &&
		strcmp(k->running, k->newest_installed) != 0;
	if (!k->reboot_flag && !newer)
		return VG_OK;
	if ((why = json_array()) == NULL)
		return VG_ERR_NOMEM;
	if ((k->reboot_flag &&
	     json_array_append_new(why, json_string("reboot-required flag")) !=
		     0) ||
	    (newer &&
	     json_array_append_new(
		     why, json_string("newer kernel installed")) != 0)) {
		json_decref(why);
		return VG_ERR_NOMEM;
	}
	ev = json_pack("{s:o, s:b, s:o, s:o, s:o}", "reasons", why,
		       "reboot_flag", k->reboot_flag, "reboot_packages",
		       vg_rule_str_json(k->reboot_packages), "running",
		       vg_rule_str_json(k->running), "newest_installed",
		       vg_rule_str_json(k->newest_installed));
	return vg_rule_report(c, p, r, vg_rule_host_subject(f), ev);
}

const struct vg_check vg_checks_r7[] = {
	{"updates.pending_security", 7, VG_SEV_HIGH,
	 N_("Install the pending security update (apt-get upgrade) and "
	    "restart the services that use it."),
	 check_pending_security},
	{"updates.pending", 7, VG_SEV_LOW,
	 N_("Install the pending updates during the next maintenance "
	    "window."),
	 check_pending},
	{"updates.vulnerable_package", 7, VG_SEV_HIGH,
	 N_("Upgrade the package to the fixed version (apt-get install "
	    "--only-upgrade followed by its binary packages), a package with "
	    "a CVE in the known-exploited list first; without a fix, "
	    "restrict its exposure until one is published."),
	 check_vulnerable_package},
	{"updates.eol_os", 7, VG_SEV_HIGH,
	 N_("Upgrade to a release of the distribution that still receives "
	    "security updates, or isolate the host until it is replaced."),
	 check_eol_os},
	{"updates.no_auto_updates", 7, VG_SEV_LOW,
	 N_("Enable automatic security updates (unattended-upgrades or "
	    "dnf-automatic)."),
	 check_no_auto_updates},
	{"updates.stale_lists", 7, VG_SEV_LOW,
	 N_("Refresh the package lists regularly (apt-get update, or "
	    "enable the apt daily timer) and check the repositories are "
	    "reachable."),
	 check_stale_lists},
	{"updates.reboot_required", 7, VG_SEV_MEDIUM,
	 N_("Reboot the host in the next maintenance window so the updated "
	    "kernel and libraries are in use."),
	 check_reboot_required},
};
const size_t vg_checks_r7_count = VG_ARRAY_LEN(vg_checks_r7);
