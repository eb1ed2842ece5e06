/*
 * R1 — Inventory. On a host scan only the asset's own declaration can be
 * judged; a network device found by vigie discover is judged on whether
 * anyone manages it (an enrolled host or a declared asset). Stale agents
 * need the server (later).
 */
#include "util/common.h"

#include "core/rules.h"
#include "core/rules/common.h"
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

/* The name a device's findings carry: its display name, else its key. */
static const char *
device_subject(const struct vg_device_info *dv)
{
	return !blank(dv->name) ? dv->name : vg_rule_str(dv->key);
}

/*
 * inventory.unmanaged_device: a device seen on the network that no
 * enrolled host and no declared asset accounts for. The evidence is what
 * discovery knows of it, enough to find it on the network.
 */
static enum vg_rc
check_unmanaged_device(const struct vg_check *c, const struct vg_facts *f,
		       const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_device_info *dv = &f->device;
	json_t *ev;

	/* An empty managed_by names nobody: missing data must not pass. */
	if (!vg_facts_is_device(f) || !blank(dv->managed_by))
		return VG_OK;
	ev = json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:o}", "key",
		       vg_rule_str_json(dv->key), "mac",
		       vg_rule_str_json(dv->mac), "ips",
		       vg_rule_str_json(dv->ips), "vendor",
		       vg_rule_str_json(dv->vendor), "category",
		       vg_rule_str_json(dv->category), "confidence",
		       dv->confidence, "sensor", vg_rule_str_json(dv->sensor),
		       "first_seen", vg_rule_time_or_null_json(dv->first_seen),
		       "last_seen", vg_rule_time_or_null_json(dv->last_seen));
	return vg_rule_report(c, p, r, device_subject(dv), ev);
}

/* Judged on device facts only (core/rules.c runs them apart). */
const struct vg_check vg_checks_r1_device[] = {
	{"inventory.unmanaged_device", 1, VG_SEV_HIGH,
	 N_("Declare this device with `vigie assets import` (name, MAC or "
	    "IP, category, owner, site, criticality) or enrol it with a "
	    "vigie agent; if no one knows it, find it and take it off the "
	    "network."),
	 check_unmanaged_device},
};
const size_t vg_checks_r1_device_count = VG_ARRAY_LEN(vg_checks_r1_device);
