/*
 * R4 — Passwords. Empty, weak or shared password hashes (facts carry the
 * scheme and a sharing group, never the hash) and the PAM password
 * quality and lockout policy; on a network device, passwords seen
 * crossing the network in clear (facts carry the protocol and user).
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules.h"
#include "core/rules/common.h"
#include "util/banned.h"

/* Accounts named in a password.shared subject; the rest are counted. */
#define R4_SUBJECT_NAMES 10
/* Room for the subject: ten names of a usual length and the count. */
#define R4_MAX_SUBJECT 1024
/* Accounts listed in a password.shared evidence; count stays exact. */
#define R4_MAX_SHARED_LISTED 1000
/* User names listed in a password.cleartext_protocol evidence. */
#define R4_MAX_LOGIN_USERS 100

/* Hash schemes RULES.md accepts; any other scheme, or none, is weak. */
static const char *const strong_schemes[] = {
	"sha256", "sha512", "bcrypt", "scrypt", "yescrypt", "gost-yescrypt",
};

/* password.empty: an account logs in with no password. */
static enum vg_rc
check_empty(const struct vg_check *c, const struct vg_facts *f,
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
		if (a->pw != VG_PW_EMPTY)
			continue;
		ev = json_pack("{s:s, s:I, s:o, s:b}", "password", "empty",
			       "uid", (json_int_t)a->uid, "shell",
			       vg_rule_str_json(a->shell), "interactive",
			       vg_rule_shell_interactive(a->shell));
		if ((rc = vg_rule_report(c, p, r, vg_rule_str(a->name), ev)) !=
		    VG_OK)
			return rc;
	}
	return VG_OK;
}

static bool
scheme_strong(const char *scheme)
{
	size_t i;

	if (scheme == NULL)
		return false;
	for (i = 0; i < VG_ARRAY_LEN(strong_schemes); i++)
		if (strcmp(scheme, strong_schemes[i]) == 0)
			return true;
	return false;
}

/*
 * password.weak_hash: a usable hash with a scheme outside the accepted
 * list (des, md5, bsdi, sunmd5, unknown, or a name this version does not
 * know). Locked hashes cannot be used and are not judged.
 */
static enum vg_rc
check_weak_hash(const struct vg_check *c, const struct vg_facts *f,
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
		if (a->pw != VG_PW_HASH || scheme_strong(a->scheme))
			continue;
		ev = json_pack("{s:o}", "scheme",
			       vg_rule_str_json(a->scheme != NULL ? a->scheme
								  : "unknown"));
		if ((rc = vg_rule_report(c, p, r, vg_rule_str(a->name), ev)) !=
		    VG_OK)
			return rc;
	}
	return VG_OK;
}

/* Order account indexes by sharing group, then name. */
static int
shared_cmp(const void *x, const void *y, void *ctx)
{
	const struct vg_account *acc = ctx;
	const struct vg_account *a = &acc[*(const size_t *)x];
	const struct vg_account *b = &acc[*(const size_t *)y];

	if (a->shared_group != b->shared_group)
		return a->shared_group < b->shared_group ? -1 : 1;
	return strcmp(vg_rule_str(a->name), vg_rule_str(b->name));
}

/*
 * Report the accounts ix[0..n), which share one hash. A hostile facts
 * document may put every account in one group: the subject names the
 * first R4_SUBJECT_NAMES ("a, b, c +19997", as admin.excess does) and
 * the evidence lists the first R4_MAX_SHARED_LISTED with the exact count,
 * so the cost stays linear in n.
 */
static enum vg_rc
report_shared(const struct vg_check *c, const struct vg_facts *f,
	      const struct vg_policy *p, struct vg_report *r, const size_t *ix,
	      size_t n)
{
	char subject[R4_MAX_SUBJECT];
	json_t *names, *ev;
	size_t i;

	if ((names = json_array()) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < n && i < R4_MAX_SHARED_LISTED; i++)
		if (json_array_append_new(names,
					  vg_rule_str_json(vg_rule_str(
						  f->accounts[ix[i]].name))) !=
		    0) {
			json_decref(names);
			return VG_ERR_NOMEM;
		}
	vg_rule_names_subject(names, n, R4_SUBJECT_NAMES, subject,
			      sizeof(subject));
	ev = json_pack("{s:o, s:I, s:b}", "accounts", names, "count",
		       (json_int_t)n, "truncated", n > R4_MAX_SHARED_LISTED);
	return vg_rule_report(c, p, r, subject, ev);
}

/*
 * password.shared: two or more accounts carry the same hash; one finding
 * per sharing group, subject the sorted account names. Sorting groups
 * the accounts in O(n log n).
 */
static enum vg_rc
check_shared(const struct vg_check *c, const struct vg_facts *f,
	     const struct vg_policy *p, struct vg_report *r)
{
	enum vg_rc rc = VG_OK;
	size_t *ix, n = 0, i, start;

	if (!vg_rule_needs_accounts(c, f, r))
		return VG_OK;
	if ((ix = reallocarray(NULL, f->n_accounts + 1, sizeof(*ix))) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < f->n_accounts; i++)
		if (f->accounts[i].shared_group > 0)
			ix[n++] = i;
	qsort_r(ix, n, sizeof(*ix), shared_cmp, f->accounts);
	for (start = 0, i = 1; i <= n && rc == VG_OK; i++) {
		if (i < n &&
		    f->accounts[ix[i]].shared_group ==
			    f->accounts[ix[start]].shared_group)
			continue;
		/* A group of one is not sharing (inconsistent facts). */
		if (i - start >= 2)
			rc = report_shared(c, f, p, r, ix + start, i - start);
		start = i;
	}
	free(ix);
	return rc;
}

/* The subject of a PAM finding: the password stack read. */
static const char *
pam_subject(const struct vg_pam *pam)
{
	return pam->file != NULL && *pam->file != '\0' ? pam->file : "pam";
}

/*
 * password.policy_weak: no password quality module, or one allowing
 * passwords shorter than min_password_length. min_length is the
 * module's effective value (the collector applies the module's default);
 * -1 with a module present means the facts do not say, and both modules'
 * defaults (pam_pwquality minlen=8, pam_passwdqc min=...,8,7) are below
 * any sensible minimum, so it fires too, with "min_length": null.
 */
static enum vg_rc
check_policy_weak(const struct vg_check *c, const struct vg_facts *f,
		  const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_pam *pam = &f->pam;
	json_t *ev;

	if (!vg_check_needs(c, f, VG_SRC_PAM, r))
		return VG_OK;
	if (pam->quality_module != NULL && pam->min_length >= 0 &&
	    pam->min_length >= p->min_password_length)
		return VG_OK;
	ev = json_pack("{s:o, s:o, s:i, s:o}", "quality_module",
		       vg_rule_str_json(pam->quality_module), "min_length",
		       pam->min_length >= 0 ? json_integer(pam->min_length)
					    : json_null(),
		       "required", p->min_password_length, "file",
		       vg_rule_str_json(pam->file));
	return vg_rule_report(c, p, r, pam_subject(pam), ev);
}

/* password.no_lockout: no pam_faillock or pam_tally2 on authentication. */
static enum vg_rc
check_no_lockout(const struct vg_check *c, const struct vg_facts *f,
		 const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_pam *pam = &f->pam;
	json_t *ev;

	if (!vg_check_needs(c, f, VG_SRC_PAM, r))
		return VG_OK;
	if (pam->lockout_module != NULL && *pam->lockout_module != '\0')
		return VG_OK;
	ev = json_pack("{s:n, s:o}", "lockout_module", "file",
		       vg_rule_str_json(pam->file));
	return vg_rule_report(c, p, r, pam_subject(pam), ev);
}

/* Order login indexes by protocol, then user (no user first). */
static int
login_cmp(const void *x, const void *y, void *ctx)
{
	const struct vg_device_login *l = ctx;
	const struct vg_device_login *a = &l[*(const size_t *)x];
	const struct vg_device_login *b = &l[*(const size_t *)y];
	int c;

	if ((c = strcmp(vg_rule_str(a->protocol), vg_rule_str(b->protocol))) !=
	    0)
		return c;
	if (a->user == NULL || b->user == NULL)
		return (a->user != NULL) - (b->user != NULL);
	return strcmp(a->user, b->user);
}

/*
 * Report the logins ix[0..n) of one protocol, sorted by user: the
 * distinct user names, the first R4_MAX_LOGIN_USERS listed and all
 * counted.
 */
static enum vg_rc
report_cleartext(const struct vg_check *c, const struct vg_facts *f,
		 const struct vg_policy *p, struct vg_report *r,
		 const size_t *ix, size_t n)
{
	const struct vg_device_login *l = f->device_logins;
	const char *user, *prev = NULL;
	size_t i, count = 0;
	json_t *users, *ev;

	if ((users = json_array()) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		/* Sorted: a repeated name follows its first. */
		if ((user = l[ix[i]].user) == NULL ||
		    (prev != NULL && strcmp(prev, user) == 0))
			continue;
		prev = user;
		if (count++ >= R4_MAX_LOGIN_USERS)
			continue;
		if (json_array_append_new(users, vg_rule_str_json(user)) != 0) {
			json_decref(users);
			return VG_ERR_NOMEM;
		}
	}
	ev = json_pack("{s:o, s:I, s:b}", "users", users, "count",
		       (json_int_t)count, "truncated",
		       count > R4_MAX_LOGIN_USERS);
	return vg_rule_report(c, p, r, vg_rule_str(l[ix[0]].protocol), ev);
}

/*
 * password.cleartext_protocol: logins to the device were seen in clear
 * (telnet, FTP, HTTP basic); one finding per protocol. Sorting groups
 * the logins by protocol and their users in O(n log n).
 */
static enum vg_rc
check_cleartext_protocol(const struct vg_check *c, const struct vg_facts *f,
			 const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_device_login *l = f->device_logins;
	size_t *ix, n = f->n_device_logins, i, start;
	enum vg_rc rc = VG_OK;

	if (!vg_facts_is_device(f) || n == 0)
		return VG_OK;
	if ((ix = reallocarray(NULL, n, sizeof(*ix))) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof(*ix), login_cmp, f->device_logins);
	for (start = 0, i = 1; i <= n && rc == VG_OK; i++) {
		if (i < n &&
		    strcmp(vg_rule_str(l[ix[i]].protocol),
			   vg_rule_str(l[ix[start]].protocol)) == 0)
			continue;
		rc = report_cleartext(c, f, p, r, ix + start, i - start);
		start = i;
	}
	free(ix);
	return rc;
}

const struct vg_check vg_checks_r4[] = {
	{"password.empty", 4, VG_SEV_CRITICAL,
	 N_("Set a password on the account (passwd) or lock it (usermod "
	    "-L); never leave the password field empty."),
	 check_empty},
	{"password.weak_hash", 4, VG_SEV_HIGH,
	 N_("Set ENCRYPT_METHOD SHA512 or YESCRYPT in /etc/login.defs and "
	    "have the user change the password so it is hashed again."),
	 check_weak_hash},
	{"password.shared", 4, VG_SEV_HIGH,
	 N_("Give each account its own password: have all but one of these "
	    "accounts change theirs (passwd -e forces it at next login)."),
	 check_shared},
	{"password.policy_weak", 4, VG_SEV_MEDIUM,
	 N_("Enable pam_pwquality with minlen set to at least "
	    "min_password_length (12) in the PAM password stack."),
	 check_policy_weak},
	{"password.no_lockout", 4, VG_SEV_LOW,
	 N_("Enable pam_faillock (deny=5 unlock_time=900) in the PAM auth "
	    "stack to lock accounts after repeated failures."),
	 check_no_lockout},
};
const size_t vg_checks_r4_count = VG_ARRAY_LEN(vg_checks_r4);

/*
 * Judged on device facts only (core/rules.c runs them apart). The
 * remediation is one text for every finding: the protocol to replace is
 * the finding's subject.
 */
const struct vg_check vg_checks_r4_device[] = {
	{"password.cleartext_protocol", 4, VG_SEV_HIGH,
	 N_("Replace this cleartext protocol with an encrypted protocol "
	    "(SSH, SFTP, HTTPS) on this device, or isolate it on a "
	    "dedicated network; change the passwords that crossed the "
	    "network in clear."),
	 check_cleartext_protocol},
};
const size_t vg_checks_r4_device_count = VG_ARRAY_LEN(vg_checks_r4_device);
