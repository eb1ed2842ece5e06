/*
 * R10 — Incident reflexes: isolate the infected host, alert the chain of
 * command, report without delay. What a host's judgement can tell of
 * them: whether the policy names an alert chain vigie can reach, whether
 * the agent could isolate this host (nft present), and whether a
 * serious incident naming it is past the national portal's deadline
 * without a report. The incidents come from the store (a derived
 * source, like the vulnerabilities): a host judged without a store has
 * that check not evaluated.
 */
#include "util/common.h"

#include <stdio.h>

#include "core/rules.h"
#include "core/rules/common.h"
#include "util/banned.h"

#define HOUR INT64_C(3600)

/* A contact who can be told: a webhook, or an e-mail with a mail server
 * to send it through. */
static bool
reachable(const struct vg_contact_decl *k, const struct vg_policy *p)
{
	if (k->webhook != NULL && *k->webhook != '\0')
		return true;
	return k->email != NULL && *k->email != '\0' && p->smtp.url != NULL &&
		*p->smtp.url != '\0';
}

/*
 * incident.no_contacts: nobody of the chain that must act at once
 * (hierarchy, security officer, on-call) can be reached. Management
 * alone is not a chain: it is told, it does not isolate.
 */
static enum vg_rc
check_no_contacts(const struct vg_check *c, const struct vg_facts *f,
		  const struct vg_policy *p, struct vg_report *r)
{
	size_t i, chain = 0;
	json_t *ev;

	for (i = 0; i < p->n_contacts; i++)
		if (p->contacts[i].role != VG_CONTACT_MANAGEMENT &&
		    reachable(&p->contacts[i], p))
			chain++;
	if (chain > 0)
		return VG_OK;
	ev = json_pack("{s:I, s:I, s:b}", "contacts", (json_int_t)p->n_contacts,
		       "reachable", (json_int_t)chain, "smtp",
		       p->smtp.url != NULL && *p->smtp.url != '\0');
	return vg_rule_report(c, p, r, vg_rule_host_subject(f), ev);
}

/* incident.isolation_unavailable: no nft for the agent to isolate with. */
static enum vg_rc
check_isolation(const struct vg_check *c, const struct vg_facts *f,
		const struct vg_policy *p, struct vg_report *r)
{
	if (!vg_check_needs(c, f, VG_SRC_ISOLATION, r) || f->isolation.nft)
		return VG_OK;
	return vg_rule_report(c, p, r, vg_rule_host_subject(f),
			      json_pack("{s:b}", "nft", 0));
}

/*
 * incident.report_overdue: per serious incident naming the host, not
 * closed (the source lists only those), past detection plus the
 * policy's incident_report_hours with no report to the portal.
 */
static enum vg_rc
check_overdue(const struct vg_check *c, const struct vg_facts *f,
	      const struct vg_policy *p, struct vg_report *r)
{
	char subject[32];
	enum vg_rc rc;
	int64_t due;
	size_t i;

	if (!vg_check_needs(c, f, VG_SRC_INCIDENTS, r) ||
	    !vg_rule_needs_now(c, f, r))
		return VG_OK;
	for (i = 0; i < f->n_incidents; i++) {
		const struct vg_incident_ref *inc = &f->incidents[i];

		if (!inc->serious || inc->detected_at < 0 ||
		    inc->reported_ans_at > 0)
			continue;
		due = inc->detected_at + p->incident_report_hours * HOUR;
		if (f->collected_at <= due)
			continue;
		(void)snprintf(subject, sizeof(subject), "incident %lld",
			       (long long)inc->id);
		rc = vg_rule_report(
			c, p, r, subject,
			json_pack("{s:I, s:o, s:o, s:o, s:i}", "incident",
				  (json_int_t)inc->id, "title",
				  vg_rule_str_json(inc->title), "detected_at",
				  vg_rule_time_or_null_json(inc->detected_at),
				  "deadline", vg_rule_time_or_null_json(due),
				  "incident_report_hours",
				  p->incident_report_hours));
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

const struct vg_check vg_checks_r10[] = {
	{"incident.no_contacts", 10, VG_SEV_HIGH,
	 N_("Declare the alert chain in vigie.conf: [contact \"name\"] "
	    "sections with a role (hierarchy, rssi, oncall) and an e-mail "
	    "(with an [smtp] server) or a webhook."),
	 check_no_contacts},
	{"incident.isolation_unavailable", 10, VG_SEV_MEDIUM,
	 N_("Install nftables (apt install nftables, dnf install nftables) "
	    "so that the agent can isolate this host in one action."),
	 check_isolation},
	{"incident.report_overdue", 10, VG_SEV_HIGH,
	 N_("Report the incident on the national portal "
	    "(signalement.social-sante.gouv.fr) now, then record it: "
	    "vigie incident status ID --reported-ans --ref REF."),
	 check_overdue},
};
const size_t vg_checks_r10_count = VG_ARRAY_LEN(vg_checks_r10);
