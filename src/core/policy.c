#include "util/common.h"

#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/facts.h"
#include "core/policy.h"
#include "core/rules.h"
#include "util/buf.h"
#include "util/root.h"
#include "util/text.h"
#include "util/banned.h"

static const char *const default_generic_names[] = {
	"accueil", "urgences",    "secretariat", "infirmier", "infirmiere",
	"interne", "stagiaire",   "test",        "guest",     "invite",
	"user",    "utilisateur", "poste",       "admin2",    "formation",
	"consult", "bloc",        "pharmacie",   "labo",      "radio",
};

static const char *const default_admin_groups[] = {"sudo", "wheel", "admin"};

static void
name_list_release(struct vg_name_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static enum vg_rc
name_list_add(struct vg_name_list *l, const char *s, size_t n)
{
	char **items;
	char *copy;

	if (l->n >= VG_POLICY_MAX_NAMES)
		return VG_ERR_LIMIT;
	if ((copy = strndup(s, n)) == NULL)
		return VG_ERR_NOMEM;
	if ((items = reallocarray(l->items, l->n + 1, sizeof(*items))) ==
	    NULL) {
		free(copy);
		return VG_ERR_NOMEM;
	}
	l->items = items;
	l->items[l->n++] = copy;
	return VG_OK;
}

static enum vg_rc
name_list_set_defaults(struct vg_name_list *l, const char *const *names,
		       size_t n)
{
	size_t i;
	enum vg_rc rc;

	for (i = 0; i < n; i++)
		if ((rc = name_list_add(l, names[i], strlen(names[i]))) !=
		    VG_OK)
			return rc;
	return VG_OK;
}

bool
vg_name_list_has(const struct vg_name_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->items[i], name) == 0)
			return true;
	return false;
}

enum vg_rc
vg_policy_init(struct vg_policy *p, struct vg_err *err)
{
	enum vg_rc rc;

	memset(p, 0, sizeof(*p));
	p->dormant_days = 90;
	p->max_admins = 3;
	p->min_password_length = 12;
	p->backup_min_criticality = 3;
	p->backup_max_age_hours = 26;
	p->restore_test_days = 180;
	p->stale_lists_days = 7;
	p->stale_agent_days = 3;
	p->awareness_days = 365;
	p->exercise_days = 365;
	p->incident_report_hours = 24;
	rc = name_list_set_defaults(&p->generic_names, default_generic_names,
				    VG_ARRAY_LEN(default_generic_names));
	if (rc == VG_OK)
		rc = name_list_set_defaults(&p->admin_groups,
					    default_admin_groups,
					    VG_ARRAY_LEN(default_admin_groups));
	if (rc != VG_OK) {
		vg_policy_release(p);
		return vg_err_set(err, rc, "out of memory");
	}
	return VG_OK;
}

static void
backup_decl_release(struct vg_backup_decl *b)
{
	free(b->name);
	free(b->path);
}

static void
contact_decl_release(struct vg_contact_decl *c)
{
	free(c->name);
	free(c->email);
	free(c->webhook);
}

static void
smtp_decl_release(struct vg_smtp_decl *m)
{
	free(m->url);
	free(m->from);
	free(m->user);
	free(m->password_file);
}

static void
establishment_decl_release(struct vg_establishment_decl *e)
{
	free(e->name);
	free(e->finess_ej);
	free(e->finess_et);
	free(e->category);
	free(e->region);
	free(e->declarant);
	free(e->declarant_function);
	free(e->declarant_email);
	free(e->declarant_phone);
	free(e->dpo_email);
}

void
vg_policy_release(struct vg_policy *p)
{
	size_t i;

	name_list_release(&p->generic_names);
	name_list_release(&p->admin_groups);
	name_list_release(&p->org_domains);
	for (i = 0; i < p->n_overrides; i++)
		free(p->overrides[i].check);
	free(p->overrides);
	free(p->asset.name);
	free(p->asset.site);
	free(p->asset.owner);
	free(p->asset.category);
	for (i = 0; i < p->n_backups; i++)
		backup_decl_release(&p->backups[i]);
	free(p->backups);
	for (i = 0; i < p->n_contacts; i++)
		contact_decl_release(&p->contacts[i]);
	free(p->contacts);
	smtp_decl_release(&p->smtp);
	establishment_decl_release(&p->establishment);
	for (i = 0; i < p->n_eol; i++) {
		free(p->eol[i].os_id);
		free(p->eol[i].version);
	}
	free(p->eol);
	memset(p, 0, sizeof(*p));
}

enum vg_severity
vg_policy_severity(const struct vg_policy *p, const char *check,
		   enum vg_severity def)
{
	size_t i;

	for (i = 0; i < p->n_overrides; i++)
		if (strcmp(p->overrides[i].check, check) == 0)
			return p->overrides[i].severity;
	return def;
}

/* The integer settings of [policy], with their accepted range. */
static const struct {
	const char *key;
	size_t offset;
	int min, max;
} int_settings[] = {
	{"dormant_days", offsetof(struct vg_policy, dormant_days), 1, 36500},
	{"max_admins", offsetof(struct vg_policy, max_admins), 0, 100000},
	{"min_password_length", offsetof(struct vg_policy, min_password_length),
	 1, 1024},
	{"backup_min_criticality",
	 offsetof(struct vg_policy, backup_min_criticality), 1, 5},
	{"backup_max_age_hours",
	 offsetof(struct vg_policy, backup_max_age_hours), 1, 876000},
	{"restore_test_days", offsetof(struct vg_policy, restore_test_days), 1,
	 36500},
	{"stale_lists_days", offsetof(struct vg_policy, stale_lists_days), 1,
	 36500},
	{"stale_agent_days", offsetof(struct vg_policy, stale_agent_days), 1,
	 36500},
	{"awareness_days", offsetof(struct vg_policy, awareness_days), 1,
	 36500},
	{"exercise_days", offsetof(struct vg_policy, exercise_days), 1, 36500},
	/* a year at most: past that "sans délai" means nothing */
	{"incident_report_hours",
	 offsetof(struct vg_policy, incident_report_hours), 1, 8760},
};

/* Stable names of enum vg_contact_role, in its order. */
static const char *const contact_role_names[VG_CONTACT_ROLE_COUNT] = {
	"hierarchy",
	"rssi",
	"oncall",
	"management",
};

const char *
vg_contact_role_name(enum vg_contact_role r)
{
	if ((unsigned)r >= VG_CONTACT_ROLE_COUNT)
		return "unknown";
	return contact_role_names[r];
}

bool
vg_contact_role_parse(const char *s, enum vg_contact_role *out)
{
	size_t i;

	for (i = 0; i < VG_CONTACT_ROLE_COUNT; i++) {
		if (strcmp(s, contact_role_names[i]) == 0) {
			*out = (enum vg_contact_role)i;
			return true;
		}
	}
	return false;
}

/* Parser state shared by the inih callbacks. */
struct policy_parse {
	struct vg_policy *p;
	const char *name;
	const char *buf, *pos, *end;
	int lineno;
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
	enum vg_rc rc; /* VG_ERR_NOMEM stops the parse */
	/* Lists given in the file replace the defaults, once each. */
	bool seen_generic, seen_admin_groups, seen_org_domains;
};

static void policy_warn(struct policy_parse *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
policy_warn(struct policy_parse *st, const char *fmt, ...)
{
	char msg[768], line[1024];
	va_list ap;

	if (st->warn == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)snprintf(line, sizeof(line), "%s:%d: %s", st->name, st->lineno,
		       msg);
	st->warn(st->ctx, line);
}

/*
 * Check one raw line the way inih will read it, so that every bad line
 * gets its own warning (inih reports only the first) and is then skipped.
 * Also notes an [asset] header, which declares the asset even when empty.
 */
static bool
policy_line_ok(struct policy_parse *st, const char *s, size_t n)
{
	bool continuation = n > 0 && (s[0] == ' ' || s[0] == '\t');

	vg_trim(&s, &n);
	if (n > 0 && s[n - 1] == '\n')
		n--;
	vg_trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return true;
	if (s[0] == '[') {
		if (s[n - 1] != ']') {
			policy_warn(st, _("section header without ']'"));
			return false;
		}
		if (vg_streqn("[asset]", s, n))
			st->p->asset.declared = true;
		return true;
	}
	if (memchr(s, '=', n) != NULL || memchr(s, ':', n) != NULL ||
	    continuation)
		return true;
	policy_warn(st, _("not a section, setting or comment"));
	return false;
}

/*
 * inih reader over a buffer, like fgets. It counts lines so that the
 * handler can name the line of a bad value (Debian's inih is built
 * without INI_HANDLER_LINENO), and turns a line too long for inih into an
 * empty one with a warning rather than letting inih split it.
 */
static char *
policy_reader(char *str, int num, void *stream)
{
	struct policy_parse *st = stream;
	const char *nl;
	size_t n, take;

	if (st->pos >= st->end || num < 2)
		return NULL;
	nl = memchr(st->pos, '\n', (size_t)(st->end - st->pos));
	n = nl ? (size_t)(nl - st->pos) + 1 : (size_t)(st->end - st->pos);
	st->lineno++;
	take = n;
	if (take > (size_t)num - 1 || vg_has_nul(st->pos, n)) {
		policy_warn(st, _("line too long or not text, ignored"));
		take = 0;
	} else if (!policy_line_ok(st, st->pos, n)) {
		take = 0;
	}
	memcpy(str, st->pos, take);
	str[take] = '\0';
	st->pos += n;
	return str;
}

/* Replace *dst with a copy of src. */
static bool
policy_set_str(struct policy_parse *st, char **dst, const char *src)
{
	char *copy = strdup(src);

	if (copy == NULL) {
		st->rc = VG_ERR_NOMEM;
		return false;
	}
	free(*dst);
	*dst = copy;
	return true;
}

/* Parse "a, b c" into l (replacing its contents the first time). */
static void
policy_set_list(struct policy_parse *st, struct vg_name_list *l, bool *seen,
		const char *value)
{
	const char *s = value, *e;
	size_t n;
	enum vg_rc rc;

	if (!*seen) {
		name_list_release(l);
		*seen = true;
	}
	while (*s != '\0') {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		e = s;
		while (*e != '\0' && *e != ' ' && *e != '\t' && *e != ',')
			e++;
		n = (size_t)(e - s);
		if (n > 0 && (rc = name_list_add(l, s, n)) != VG_OK) {
			if (rc == VG_ERR_NOMEM) {
				st->rc = rc;
				return;
			}
			policy_warn(st,
				    _("too many names, the rest is "
				      "ignored"));
			return;
		}
		s = e;
	}
}

static void
policy_set_int(struct policy_parse *st, int *dst, const char *key,
	       const char *value, int min, int max)
{
	int64_t v;

	if (vg_parse_intz(value, min, max, &v) != VG_OK) {
		policy_warn(st,
			    _("%s: expected a whole number from %d to %d, "
			      "got '%s'"),
			    key, min, max, value);
		return;
	}
	*dst = (int)v;
}

static int
policy_key_policy(struct policy_parse *st, const char *key, const char *value)
{
	struct vg_policy *p = st->p;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(int_settings); i++) {
		if (strcmp(key, int_settings[i].key) == 0) {
			policy_set_int(
				st, (int *)((char *)p + int_settings[i].offset),
				key, value, int_settings[i].min,
				int_settings[i].max);
			return 1;
		}
	}
	if (strcmp(key, "generic_names") == 0)
		policy_set_list(st, &p->generic_names, &st->seen_generic,
				value);
	else if (strcmp(key, "admin_groups") == 0)
		policy_set_list(st, &p->admin_groups, &st->seen_admin_groups,
				value);
	else if (strcmp(key, "org_domains") == 0)
		policy_set_list(st, &p->org_domains, &st->seen_org_domains,
				value);
	else
		policy_warn(st, _("unknown setting '%s' in [policy]"), key);
	return 1;
}

static int
policy_key_severity(struct policy_parse *st, const char *key, const char *value)
{
	struct vg_severity_override *o;
	enum vg_severity sev;
	size_t i;

	if (!vg_severity_parse(value, &sev)) {
		policy_warn(st,
			    _("%s: unknown severity '%s' (low, medium, "
			      "high, critical)"),
			    key, value);
		return 1;
	}
	for (i = 0; i < st->p->n_overrides; i++) {
		if (strcmp(st->p->overrides[i].check, key) == 0) {
			st->p->overrides[i].severity = sev;
			return 1;
		}
	}
	if (st->p->n_overrides >= VG_POLICY_MAX_OVERRIDES) {
		policy_warn(st, _("too many severity overrides"));
		return 1;
	}
	o = reallocarray(st->p->overrides, st->p->n_overrides + 1, sizeof(*o));
	if (o == NULL) {
		st->rc = VG_ERR_NOMEM;
		return 0;
	}
	st->p->overrides = o;
	o = &o[st->p->n_overrides];
	if ((o->check = strdup(key)) == NULL) {
		st->rc = VG_ERR_NOMEM;
		return 0;
	}
	o->severity = sev;
	st->p->n_overrides++;
	return 1;
}

static int
policy_key_asset(struct policy_parse *st, const char *key, const char *value)
{
	struct vg_asset_decl *a = &st->p->asset;
	int64_t v;

	if (strcmp(key, "name") == 0)
		policy_set_str(st, &a->name, value);
	else if (strcmp(key, "site") == 0)
		policy_set_str(st, &a->site, value);
	else if (strcmp(key, "owner") == 0)
		policy_set_str(st, &a->owner, value);
	else if (strcmp(key, "category") == 0)
		policy_set_str(st, &a->category, value);
	else if (strcmp(key, "criticality") == 0) {
		if (vg_parse_intz(value, 1, 4, &v) != VG_OK)
			policy_warn(st,
				    _("criticality: expected 1 to 4, got "
				      "'%s'"),
				    value);
		else
			a->criticality = (int)v;
	} else
		policy_warn(st, _("unknown setting '%s' in [asset]"), key);
	return st->rc == VG_OK;
}

/* The [backup "name"] section called name, created on first use. */
static struct vg_backup_decl *
policy_backup(struct policy_parse *st, const char *name)
{
	struct vg_backup_decl *b;
	size_t i;

	for (i = 0; i < st->p->n_backups; i++)
		if (strcmp(st->p->backups[i].name, name) == 0)
			return &st->p->backups[i];
	if (st->p->n_backups >= VG_POLICY_MAX_BACKUPS) {
		policy_warn(st, _("too many backup sections"));
		return NULL;
	}
	b = reallocarray(st->p->backups, st->p->n_backups + 1, sizeof(*b));
	if (b == NULL) {
		st->rc = VG_ERR_NOMEM;
		return NULL;
	}
	st->p->backups = b;
	b = &b[st->p->n_backups];
	memset(b, 0, sizeof(*b));
	if ((b->name = strdup(name)) == NULL) {
		st->rc = VG_ERR_NOMEM;
		return NULL;
	}
	st->p->n_backups++;
	return b;
}

static int
policy_key_backup(struct policy_parse *st, const char *job, const char *key,
		  const char *value)
{
	struct vg_backup_decl *b;
	bool yes;

	if ((b = policy_backup(st, job)) == NULL)
		return st->rc == VG_OK;
	if (strcmp(key, "path") == 0) {
		if (value[0] != '/')
			policy_warn(st, _("path: '%s' is not absolute"), value);
		else
			policy_set_str(st, &b->path, value);
	} else if (strcmp(key, "offline") == 0) {
		if (vg_parse_bool(value, &yes) != VG_OK)
			policy_warn(st,
				    _("offline: expected yes or no, got "
				      "'%s'"),
				    value);
		else
			b->offline = yes;
	} else if (strcmp(key, "restore_tested") == 0) {
		if (vg_parse_date(value, &b->restore_tested) != VG_OK)
			policy_warn(st,
				    _("restore_tested: expected a date "
				      "YYYY-MM-DD, got '%s'"),
				    value);
	} else
		policy_warn(st, _("unknown setting '%s' in [backup \"%s\"]"),
			    key, job);
	return st->rc == VG_OK;
}

/*
 * The name of a `word "name"` section into out; false when section is
 * not of that form.
 */
static bool
quoted_section_name(const char *section, const char *word, char *out,
		    size_t outlen)
{
	const char *q, *e;
	size_t n, wlen = strlen(word);

	if (strncmp(section, word, wlen) != 0)
		return false;
	q = section + wlen;
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q != '"' || (e = strchr(q + 1, '"')) == NULL || e[1] != '\0')
		return false;
	n = (size_t)(e - q - 1);
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, q + 1, n);
	out[n] = '\0';
	return true;
}

/*
 * The shape of an e-mail address: one '@' neither first nor last, and
 * none of the bytes that would name a second recipient or break a mail
 * header (space, control, <>,;"()). Delivery is the only real proof.
 */
static bool
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	const unsigned char *u;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@'))
		return false;
	for (u = (const unsigned char *)s; *u != '\0'; u++)
		if (*u <= ' ' || *u == 0x7f || strchr("<>,;\"()\\", *u))
			return false;
	return true;
}

bool
vg_host_is_loopback(const char *host, size_t n)
{
	size_t i;

	if (vg_strcaseeqn("localhost", host, n) || vg_streqn("[::1]", host, n))
		return true;
	if (n < 4 || !vg_streqn("127.", host, 4))
		return false;
	for (i = 4; i < n; i++)
		if (!(host[i] == '.' || (host[i] >= '0' && host[i] <= '9')))
			return false;
	return true;
}

/*
 * A webhook URL: https://, or http:// to a loopback host only (alerts
 * name patients' care: never in clear text over a network). No space
 * or control byte, a host present.
 */
static bool
webhook_ok(const char *s)
{
	const unsigned char *u;
	const char *host, *e;
	bool tls;

	for (u = (const unsigned char *)s; *u != '\0'; u++)
		if (*u <= ' ' || *u == 0x7f)
			return false;
	if (strncasecmp(s, "https://", 8) == 0) {
		tls = true;
		host = s + 8;
	} else if (strncasecmp(s, "http://", 7) == 0) {
		tls = false;
		host = s + 7;
	} else {
		return false;
	}
	/* The authority ends at the path, query or fragment; any
	 * userinfo before an '@' is not the host. */
	e = host + strcspn(host, "/?#");
	for (const char *a = host; a < e; a++)
		if (*a == '@')
			host = a + 1;
	if (host[0] == '[') {
		const char *rb = memchr(host, ']', (size_t)(e - host));

		if (rb == NULL)
			return false;
		e = rb + 1;
	} else {
		const char *colon = memchr(host, ':', (size_t)(e - host));

		if (colon != NULL)
			e = colon;
	}
	if (e == host)
		return false;
	return tls || vg_host_is_loopback(host, (size_t)(e - host));
}

/* An SMTP server URL: smtp:// (STARTTLS) or smtps:// (TLS at once). */
static bool
smtp_url_ok(const char *s)
{
	const unsigned char *u;

	for (u = (const unsigned char *)s; *u != '\0'; u++)
		if (*u <= ' ' || *u == 0x7f)
			return false;
	return (strncasecmp(s, "smtp://", 7) == 0 && s[7] != '\0') ||
		(strncasecmp(s, "smtps://", 8) == 0 && s[8] != '\0');
}

/*
 * A FINESS number (french-health-context.md §4.3): 9 characters, digits
 * but for the second, which may be a capital letter (2A, 2B for
 * Corsica), as the ANS schema's [0-9][0-9A-Z][0-9]{7}.
 */
static bool
finess_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 9)
		return false;
	for (i = 0; i < 9; i++) {
		bool digit = s[i] >= '0' && s[i] <= '9';

		if (!digit && !(i == 1 && s[i] >= 'A' && s[i] <= 'Z'))
			return false;
	}
	return true;
}

/* The [contact "name"] section called name, created on first use. */
static struct vg_contact_decl *
policy_contact(struct policy_parse *st, const char *name)
{
	struct vg_contact_decl *c;
	size_t i;

	for (i = 0; i < st->p->n_contacts; i++)
		if (strcmp(st->p->contacts[i].name, name) == 0)
			return &st->p->contacts[i];
	if (st->p->n_contacts >= VG_POLICY_MAX_CONTACTS) {
		policy_warn(st, _("too many contact sections (at most %d)"),
			    VG_POLICY_MAX_CONTACTS);
		return NULL;
	}
	c = reallocarray(st->p->contacts, st->p->n_contacts + 1, sizeof(*c));
	if (c == NULL) {
		st->rc = VG_ERR_NOMEM;
		return NULL;
	}
	st->p->contacts = c;
	c = &c[st->p->n_contacts];
	memset(c, 0, sizeof(*c));
	if ((c->name = strdup(name)) == NULL) {
		st->rc = VG_ERR_NOMEM;
		return NULL;
	}
	st->p->n_contacts++;
	return c;
}

static int
policy_key_contact(struct policy_parse *st, const char *name, const char *key,
		   const char *value)
{
	struct vg_contact_decl *c;
	enum vg_contact_role role;

	if ((c = policy_contact(st, name)) == NULL)
		return st->rc == VG_OK;
	if (strcmp(key, "role") == 0) {
		if (!vg_contact_role_parse(value, &role))
			policy_warn(st,
				    _("role: unknown role '%s' (hierarchy, "
				      "rssi, oncall, management)"),
				    value);
		else
			c->role = role;
	} else if (strcmp(key, "email") == 0) {
		if (!email_ok(value))
			policy_warn(st,
				    _("email: '%s' is not an e-mail "
				      "address"),
				    value);
		else
			policy_set_str(st, &c->email, value);
	} else if (strcmp(key, "webhook") == 0) {
		if (!webhook_ok(value))
			policy_warn(st,
				    _("webhook: '%s' is not an https:// URL "
				      "(http:// only to a loopback host)"),
				    value);
		else
			policy_set_str(st, &c->webhook, value);
	} else
		policy_warn(st, _("unknown setting '%s' in [contact \"%s\"]"),
			    key, name);
	return st->rc == VG_OK;
}

static int
policy_key_smtp(struct policy_parse *st, const char *key, const char *value)
{
	struct vg_smtp_decl *m = &st->p->smtp;

	if (strcmp(key, "url") == 0) {
		if (!smtp_url_ok(value))
			policy_warn(st,
				    _("url: '%s' is not an smtp:// or "
				      "smtps:// URL"),
				    value);
		else
			policy_set_str(st, &m->url, value);
	} else if (strcmp(key, "from") == 0) {
		if (!email_ok(value))
			policy_warn(st,
				    _("from: '%s' is not an e-mail address"),
				    value);
		else
			policy_set_str(st, &m->from, value);
	} else if (strcmp(key, "user") == 0) {
		policy_set_str(st, &m->user, value);
	} else if (strcmp(key, "password_file") == 0) {
		if (value[0] != '/')
			policy_warn(st,
				    _("password_file: '%s' is not absolute"),
				    value);
		else
			policy_set_str(st, &m->password_file, value);
	} else if (strcmp(key, "starttls") == 0) {
		if (strcmp(value, "required") == 0)
			m->starttls_optional = false;
		else if (strcmp(value, "optional") == 0)
			m->starttls_optional = true;
		else
			policy_warn(st,
				    _("starttls: expected required or "
				      "optional, got '%s'"),
				    value);
	} else
		policy_warn(st, _("unknown setting '%s' in [smtp]"), key);
	return st->rc == VG_OK;
}

/* The string settings of [establishment]. */
static const struct {
	const char *key;
	size_t offset;
	enum {
		EST_TEXT,
		EST_FINESS,
		EST_EMAIL
	} check;
} establishment_settings[] = {
	{"name", offsetof(struct vg_establishment_decl, name), EST_TEXT},
	{"finess_ej", offsetof(struct vg_establishment_decl, finess_ej),
	 EST_FINESS},
	{"finess_et", offsetof(struct vg_establishment_decl, finess_et),
	 EST_FINESS},
	{"category", offsetof(struct vg_establishment_decl, category),
	 EST_TEXT},
	{"region", offsetof(struct vg_establishment_decl, region), EST_TEXT},
	{"declarant", offsetof(struct vg_establishment_decl, declarant),
	 EST_TEXT},
	{"declarant_function",
	 offsetof(struct vg_establishment_decl, declarant_function), EST_TEXT},
	{"declarant_email",
	 offsetof(struct vg_establishment_decl, declarant_email), EST_EMAIL},
	{"declarant_phone",
	 offsetof(struct vg_establishment_decl, declarant_phone), EST_TEXT},
	{"dpo_email", offsetof(struct vg_establishment_decl, dpo_email),
	 EST_EMAIL},
};

/* [establishment]: what the report names. A doubtful FINESS or address
 * is kept with a warning: the report is a draft a person reviews. */
static int
policy_key_establishment(struct policy_parse *st, const char *key,
			 const char *value)
{
	size_t i;
	char **dst;

	for (i = 0; i < VG_ARRAY_LEN(establishment_settings); i++) {
		if (strcmp(key, establishment_settings[i].key) != 0)
			continue;
		dst = (char **)((char *)&st->p->establishment +
				establishment_settings[i].offset);
		if (establishment_settings[i].check == EST_FINESS &&
		    !finess_ok(value))
			policy_warn(st,
				    _("%s: '%s' is not a FINESS number (9 "
				      "digits)"),
				    key, value);
		else if (establishment_settings[i].check == EST_EMAIL &&
			 !email_ok(value))
			policy_warn(st, _("%s: '%s' is not an e-mail address"),
				    key, value);
		policy_set_str(st, dst, value);
		return st->rc == VG_OK;
	}
	policy_warn(st, _("unknown setting '%s' in [establishment]"), key);
	return 1;
}

static int
policy_handler(void *user, const char *section, const char *key,
	       const char *value)
{
	struct policy_parse *st = user;
	char job[128];

	if (st->rc != VG_OK)
		return 0;
	if (strcmp(section, "policy") == 0)
		return policy_key_policy(st, key, value);
	if (strcmp(section, "severity") == 0) {
		if (vg_rules_find(key) == NULL)
			policy_warn(st, _("unknown check '%s' in [severity]"),
				    key);
		return policy_key_severity(st, key, value);
	}
	if (strcmp(section, "asset") == 0)
		return policy_key_asset(st, key, value);
	if (quoted_section_name(section, "backup", job, sizeof(job)))
		return policy_key_backup(st, job, key, value);
	if (quoted_section_name(section, "contact", job, sizeof(job)))
		return policy_key_contact(st, job, key, value);
	if (strcmp(section, "smtp") == 0)
		return policy_key_smtp(st, key, value);
	if (strcmp(section, "establishment") == 0)
		return policy_key_establishment(st, key, value);
	if (section[0] == '\0')
		policy_warn(st, _("setting '%s' outside a section"), key);
	else
		policy_warn(st, _("unknown section [%s]"), section);
	return 1;
}

enum vg_rc
vg_policy_parse(struct vg_policy *p, const char *name, const char *buf,
		size_t len, void (*warn)(void *ctx, const char *msg), void *ctx,
		struct vg_err *err)
{
	struct policy_parse st;
	int line;

	memset(&st, 0, sizeof(st));
	st.p = p;
	st.name = name;
	st.buf = st.pos = buf;
	st.end = buf + len;
	st.warn = warn;
	st.ctx = ctx;
	line = ini_parse_stream(policy_reader, &st, policy_handler, &st);
	if (st.rc != VG_OK)
		return vg_err_set(err, st.rc, _("%s: out of memory"), name);
	if (line > 0) {
		/* inih stops at nothing; it reports the first line it could
		 * not read (no '=' or ']'): a warning, not a failure. */
		char msg[512];

		(void)snprintf(msg, sizeof(msg),
			       _("%s:%d: not a section, setting or comment"),
			       name, line);
		if (warn != NULL)
			warn(ctx, msg);
	}
	return VG_OK;
}

/* Add one row of the end-of-life table. */
static enum vg_rc
eol_add(struct vg_policy *p, const char *id, size_t idlen, const char *ver,
	size_t verlen, int64_t date)
{
	struct vg_eol_entry *e;

	if (p->n_eol >= VG_POLICY_MAX_NAMES * 4)
		return VG_ERR_LIMIT;
	if ((e = reallocarray(p->eol, p->n_eol + 1, sizeof(*e))) == NULL)
		return VG_ERR_NOMEM;
	p->eol = e;
	e = &e[p->n_eol];
	e->os_id = strndup(id, idlen);
	e->version = strndup(ver, verlen);
	e->eol = date;
	if (e->os_id == NULL || e->version == NULL) {
		free(e->os_id);
		free(e->version);
		return VG_ERR_NOMEM;
	}
	p->n_eol++;
	return VG_OK;
}

enum vg_rc
vg_policy_parse_eol(struct vg_policy *p, const char *name, const char *buf,
		    size_t len, void (*warn)(void *ctx, const char *msg),
		    void *ctx, struct vg_err *err)
{
	struct vg_lines it;
	const char *line, *f[3];
	size_t n, flen[3], i;
	char date[16], msg[512];
	int64_t t;
	enum vg_rc rc;

	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		vg_trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		/* Three comma-separated fields: id, version, date. */
		for (i = 0; i < 3; i++) {
			const char *c = memchr(line, ',', n);

			f[i] = line;
			flen[i] = c != NULL && i < 2 ? (size_t)(c - line) : n;
			vg_trim(&f[i], &flen[i]);
			if (c == NULL || i == 2) {
				i++;
				break;
			}
			n -= (size_t)(c - line) + 1;
			line = c + 1;
		}
		if (i != 3 || flen[0] == 0 || flen[1] == 0 ||
		    flen[2] >= sizeof(date) || vg_has_nul(f[0], flen[0]) ||
		    vg_has_nul(f[1], flen[1])) {
			(void)snprintf(msg, sizeof(msg),
				       _("%s:%d: expected 'id,version,date'"),
				       name, it.lineno);
			if (warn != NULL)
				warn(ctx, msg);
			continue;
		}
		memcpy(date, f[2], flen[2]);
		date[flen[2]] = '\0';
		if (vg_parse_date(date, &t) != VG_OK) {
			(void)snprintf(msg, sizeof(msg),
				       _("%s:%d: bad date '%s' (YYYY-MM-DD)"),
				       name, it.lineno, date);
			if (warn != NULL)
				warn(ctx, msg);
			continue;
		}
		rc = eol_add(p, f[0], flen[0], f[1], flen[1], t);
		if (rc == VG_ERR_NOMEM)
			return vg_err_set(err, rc, _("%s: out of memory"),
					  name);
		if (rc != VG_OK)
			return vg_err_set(err, rc, _("%s: too many rows"),
					  name);
	}
	p->eol_loaded = true;
	return VG_OK;
}

enum vg_rc
vg_policy_load(struct vg_policy *p, const char *path,
	       void (*warn)(void *ctx, const char *msg), void *ctx,
	       struct vg_err *err)
{
	struct vg_buf b;
	enum vg_rc rc;

	vg_buf_init(&b, VG_MAX_CONFIG_FILE);
	if ((rc = vg_file_read(path, VG_MAX_CONFIG_FILE, &b, err)) == VG_OK)
		rc = vg_policy_parse(p, path, vg_buf_str(&b), b.len, warn, ctx,
				     err);
	vg_buf_release(&b);
	return rc;
}

enum vg_rc
vg_policy_load_eol(struct vg_policy *p, const char *path,
		   void (*warn)(void *ctx, const char *msg), void *ctx,
		   struct vg_err *err)
{
	struct vg_buf b;
	enum vg_rc rc;

	vg_buf_init(&b, VG_MAX_CONFIG_FILE);
	if ((rc = vg_file_read(path, VG_MAX_CONFIG_FILE, &b, err)) == VG_OK)
		rc = vg_policy_parse_eol(p, path, vg_buf_str(&b), b.len, warn,
					 ctx, err);
	vg_buf_release(&b);
	return rc;
}
