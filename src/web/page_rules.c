/*
 * GET /rules/{RN} (every role): one rule of the campaign, each of its
 * checks with its default severity, what fires it and its remediation,
 * from the check catalogue itself (core/rules.h), so the page never
 * disagrees with what the rules do.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "core/rules.h"
#include "core/severity.h"
#include "web/html.h"
#include "web/http.h"
#include "util/text.h"
#include "util/banned.h"

/* What fires each check (RULES.md), by id. The catalogue's table has
 * the remediation but not this sentence. */
static const char *const fires_when[][2] = {
	{"inventory.unmanaged_device",
	 N_("a device seen on the network is neither an enrolled host nor a "
	    "declared asset")},
	{"inventory.incomplete",
	 N_("an asset has no owner, category or criticality")},
	{"inventory.stale_agent",
	 N_("an enrolled host has not reported for several days")},
	{"accounts.dormant",
	 N_("an account that can log in has not logged in for a long time")},
	{"accounts.generic",
	 N_("an account that can log in has a shared-role name (accueil, "
	    "urgences, stagiaire...)")},
	{"accounts.system_shell",
	 N_("a system account has an interactive shell and a usable "
	    "password")},
	{"access.cleartext_remote",
	 N_("telnet, rsh/rlogin/rexec or FTP is installed as a listening "
	    "service")},
	{"admin.excess",
	 N_("the host has more administrators than the policy allows")},
	{"admin.nopasswd_all",
	 N_("a sudoers rule grants ALL commands with NOPASSWD")},
	{"admin.uid0_duplicate", N_("an account other than root has uid 0")},
	{"admin.ssh_root_login", N_("sshd lets root log in with a password")},
	{"password.empty", N_("an account's password field is empty")},
	{"password.weak_hash",
	 N_("a usable password hash uses DES, MD5 or an unknown scheme")},
	{"password.shared", N_("two or more accounts carry the same hash")},
	{"password.policy_weak",
	 N_("password quality checks are absent or allow short passwords")},
	{"password.no_lockout",
	 N_("no lockout after failed authentications (pam_faillock)")},
	{"password.cleartext_protocol",
	 N_("a login to a network device was seen in clear on the network "
	    "(telnet, FTP, HTTP basic authentication)")},
	{"backup.none", N_("a critical asset has no backup job")},
	{"backup.stale", N_("a backup job's last success is too old")},
	{"backup.no_offline_copy",
	 N_("a backup job has no offline or immutable copy")},
	{"backup.restore_untested",
	 N_("no restore test was recorded recently")},
	{"data.personal_cloud_client",
	 N_("a personal cloud sync client is installed or its folder "
	    "exists")},
	{"data.mail_forward_external",
	 N_("a user's mail is forwarded outside the establishment")},
	{"data.health_identifiers_exposed",
	 N_("health identifiers are found in an exposed location")},
	{"updates.pending_security",
	 N_("a security update is available and not installed")},
	{"updates.pending", N_("other upgradable packages")},
	{"updates.vulnerable_package",
	 N_("an installed version is affected by a known CVE")},
	{"updates.eol_os",
	 N_("the OS release is past its end of security support")},
	{"updates.no_auto_updates", N_("no automatic security updates")},
	{"updates.stale_lists", N_("package lists were not refreshed")},
	{"updates.reboot_required", N_("a reboot is pending")},
};

static const char *
fires_of(const char *id)
{
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(fires_when); i++)
		if (strcmp(fires_when[i][0], id) == 0)
			return _(fires_when[i][1]);
	return NULL;
}

struct rule_walk {
	struct vg_html *h;
	int rule;
	size_t shown;
};

static void
check_section(const struct vg_check *c, void *arg)
{
	struct rule_walk *w = arg;
	struct vg_html *h = w->h;
	const char *fires;

	if (c->rule != w->rule)
		return;
	w->shown++;
	vg_html_raw(h, "<section class=\"check\" data-check=\"");
	vg_html_attr(h, c->id);
	vg_html_raw(h, "\"><h2><code>");
	vg_html_text(h, c->id);
	vg_html_raw(h, "</code> ");
	vg_html_severity(h, vg_severity_name(c->severity));
	vg_html_raw(h, "</h2><dl><dt>");
	vg_html_text(h, _("Fires when"));
	vg_html_raw(h, "</dt><dd class=\"fires\">");
	if ((fires = fires_of(c->id)) != NULL)
		vg_html_text(h, fires);
	else
		vg_html_raw(h, "—");
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("Remediation"));
	vg_html_raw(h, "</dt><dd class=\"remediation\">");
	if (c->remediation != NULL)
		vg_html_text(h, _(c->remediation));
	else
		vg_html_raw(h, "—");
	vg_html_raw(h, "</dd></dl></section>");
}

/* Links to the ten rules, the current one marked. */
static void
rules_nav(struct vg_html *h, int rule)
{
	int i;

	vg_html_raw(h, "<nav class=\"rules-nav\">");
	for (i = 1; i <= VG_RULE_COUNT; i++) {
		vg_html_raw(h, "<a href=\"/rules/R");
		vg_html_int(h, i);
		vg_html_raw(h, i == rule ? "\" class=\"active\">R" : "\">R");
		vg_html_int(h, i);
		vg_html_raw(h, "</a>");
	}
	vg_html_raw(h, "</nav>");
}

void
vg_page_rule(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	     struct vg_http_response *resp)
{
	struct rule_walk w;
	struct vg_html h;
	const char *s;
	char title[128];
	int64_t n;

	s = req->n_params > 0 ? req->params[0] : "";
	if (s[0] == 'R' || s[0] == 'r')
		s++;
	if (vg_parse_intz(s, 1, VG_RULE_COUNT, &n) != VG_OK) {
		vg_html_error_page(ctx, resp, 404, _("no such rule"));
		return;
	}
	(void)snprintf(title, sizeof(title), "R%d — %s", (int)n,
		       vg_html_rule_name((int)n));
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, title, VG_NAV_RULES);
	rules_nav(&h, (int)n);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, title);
	vg_html_raw(&h, "</h1>");
	w.h = &h;
	w.rule = (int)n;
	w.shown = 0;
	vg_rules_foreach(check_section, &w);
	if (w.shown == 0) {
		vg_html_raw(&h, "<p class=\"card muted\">");
		vg_html_text(&h,
			     _("No check of this rule runs on hosts yet: it "
			       "is assessed from the establishment's "
			       "declarations."));
		vg_html_raw(&h, "</p>");
	}
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
}
