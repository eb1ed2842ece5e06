/*
 * The policy: thresholds and declarations from vigie.conf (RULES.md gives
 * the defaults). Read with inih; an unknown key or a bad value is a
 * warning naming the file and line, and the default stays.
 */
#ifndef VG_CORE_POLICY_H
#define VG_CORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/severity.h"
#include "util/err.h"

#define VG_POLICY_MAX_NAMES 256   /* entries of one list setting */
#define VG_POLICY_MAX_BACKUPS 256 /* [backup "..."] sections */
#define VG_POLICY_MAX_OVERRIDES 256
#define VG_POLICY_MAX_CONTACTS 64 /* [contact "..."] sections */

struct vg_name_list {
	char **items;
	size_t n;
};

struct vg_backup_decl {
	char *name;
	char *path;
	bool offline;
	int64_t restore_tested; /* Unix time, or VG_TIME_NEVER (0) */
};

struct vg_asset_decl {
	char *name, *site, *owner, *category;
	int criticality; /* 0 when not declared */
	bool declared;   /* an [asset] section exists */
};

struct vg_severity_override {
	char *check;
	enum vg_severity severity;
};

/* One end-of-life row (data/eol.csv): id, version, end of support. */
struct vg_eol_entry {
	char *os_id;
	char *version;
	int64_t eol; /* Unix time of the end of security support */
};

/*
 * The alert chain (rule R10): who is told when an incident opens or its
 * status changes. [contact "Name"] with role = hierarchy | rssi |
 * oncall | management, and email = and/or webhook = (an https:// or, on
 * a loopback address, http:// URL).
 */
enum vg_contact_role {
	VG_CONTACT_HIERARCHY = 0,
	VG_CONTACT_RSSI,
	VG_CONTACT_ONCALL,
	VG_CONTACT_MANAGEMENT,
	VG_CONTACT_ROLE_COUNT
};

struct vg_contact_decl {
	char *name;
	enum vg_contact_role role;
	char *email;   /* or NULL */
	char *webhook; /* or NULL */
};

/* [smtp]: url = smtp://host:587 (STARTTLS) or smtps://host:465; from =;
 * user = and password_file = (read when sending, never stored here);
 * starttls = required (default) | optional. */
struct vg_smtp_decl {
	char *url, *from, *user, *password_file;
	bool starttls_optional;
};

/* [establishment]: what the incident report names (FINESS numbers of
 * the legal entity and of the site, the declarant). */
struct vg_establishment_decl {
	char *name, *finess_ej, *finess_et, *category, *region;
	char *declarant, *declarant_function, *declarant_email,
		*declarant_phone;
	char *dpo_email; /* the data protection officer, for the CNIL */
};

struct vg_policy {
	/* [policy] thresholds */
	int dormant_days;
	int max_admins;
	int min_password_length;
	int backup_min_criticality;
	int backup_max_age_hours;
	int restore_test_days;
	int stale_lists_days;
	int stale_agent_days;
	int awareness_days;
	int exercise_days;
	/* hours after detection past which a serious incident not yet
	 * reported to the national portal is overdue ("sans délai") */
	int incident_report_hours;
	struct vg_name_list generic_names;
	struct vg_name_list admin_groups;
	struct vg_name_list org_domains;
	/* [severity] check = level */
	struct vg_severity_override *overrides;
	size_t n_overrides;
	/* [asset] and [backup "name"] */
	struct vg_asset_decl asset;
	struct vg_backup_decl *backups;
	size_t n_backups;
	/* [contact "..."], [smtp], [establishment] (rule R10) */
	struct vg_contact_decl *contacts;
	size_t n_contacts;
	struct vg_smtp_decl smtp;
	struct vg_establishment_decl establishment;
	/* end-of-life table, loaded by vg_policy_load_eol */
	struct vg_eol_entry *eol;
	size_t n_eol;
	bool eol_loaded;
};

/* The default policy of RULES.md. */
enum vg_rc vg_policy_init(struct vg_policy *p, struct vg_err *err);
void vg_policy_release(struct vg_policy *p);

/*
 * Read path over the defaults. A missing file is VG_ERR_NOTFOUND (the
 * caller decides whether that matters); bad lines are passed to warn
 * ("file:line: message") and skipped.
 */
enum vg_rc vg_policy_load(struct vg_policy *p, const char *path,
			  void (*warn)(void *ctx, const char *msg), void *ctx,
			  struct vg_err *err);
/* Same, from a buffer (for tests and fuzzing); name is used in messages. */
enum vg_rc vg_policy_parse(struct vg_policy *p, const char *name,
			   const char *buf, size_t len,
			   void (*warn)(void *ctx, const char *msg), void *ctx,
			   struct vg_err *err);

/* Read the end-of-life CSV "os_id,version,YYYY-MM-DD" (# comments). */
enum vg_rc vg_policy_load_eol(struct vg_policy *p, const char *path,
			      void (*warn)(void *ctx, const char *msg),
			      void *ctx, struct vg_err *err);
enum vg_rc vg_policy_parse_eol(struct vg_policy *p, const char *name,
			       const char *buf, size_t len,
			       void (*warn)(void *ctx, const char *msg),
			       void *ctx, struct vg_err *err);

/* The severity of check under this policy (override or def). */
enum vg_severity vg_policy_severity(const struct vg_policy *p,
				    const char *check, enum vg_severity def);
/* A contact role's stable name ("hierarchy", "rssi", "oncall",
 * "management") and its parse (false when unknown). */
const char *vg_contact_role_name(enum vg_contact_role r);
bool vg_contact_role_parse(const char *s, enum vg_contact_role *out);

/* True when the n bytes at host name this machine: localhost, an
 * address of 127.0.0.0/8 or [::1] (as a URL writes it, in brackets). */
bool vg_host_is_loopback(const char *host, size_t n);

/* True when name is in list (case-insensitive). */
bool vg_name_list_has(const struct vg_name_list *l, const char *name);

#endif
