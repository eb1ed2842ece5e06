/*
 * R1 — Inventory. On a host scan only the asset's own declaration can be
 * judged; unmanaged devices and stale agents need the server (later).
 */
#include "util/common.h"

#include "core/rules.h"
#include "util/banned.h"

static bool
blank(const char *s)
{
	return s == NULL || *s == '\0';
}

/* inventory.incomplete: the asset lacks an owner, category or criticality. */
static enum vg_rc
check_incomplete(const struct vg_check *c, const struct vg_facts *f,
		 const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_asset *a = &f->asset;
	json_t *ev, *missing;

	if (!vg_check_needs(c, f, VG_SRC_ASSET, r))
		return VG_OK;
	if ((missing = json_array()) == NULL)
		return VG_ERR_NOMEM;
	if (blank(a->owner))
		json_array_append_new(missing, json_string("owner"));
	if (blank(a->category))
		json_array_append_new(missing, json_string("category"));
	if (a->criticality < 1 || a->criticality > 4)
		json_array_append_new(missing, json_string("criticality"));
	if (json_array_size(missing) == 0) {
		json_decref(missing);
		return VG_OK;
	}
	ev = json_pack("{s:o}", "missing", missing);
	return vg_check_report(c, p, r,
			       blank(a->name) ? f->os.hostname : a->name, ev);
}

const struct vg_check vg_checks_r1[] = {
	{"inventory.incomplete", 1, VG_SEV_LOW,
	 N_("Declare the asset's owner, category and criticality (1-4) in "
	    "the [asset] section of vigie.conf."),
	 check_incomplete},
};
const size_t vg_checks_r1_count = VG_ARRAY_LEN(vg_checks_r1);
