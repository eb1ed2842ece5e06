#include "util/common.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/facts.h"
#include "core/policy.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

static const char *const default_generic_names[] = {
	"accueil", "urgences", "secretariat", "infirmier", "infirmiere",
	"interne", "stagiaire", "test",	      "guest",	   "invite",
	"user",	   "utilisateur", "poste",    "admin2",	   "formation",
	"consult", "bloc",	  "pharmacie", "labo",	   "radio",
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
