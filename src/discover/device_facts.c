/*
 * Each discovered device as a facts document of its own (the "device"
 * source of core/facts.h), so the rules judge it like any asset: R1
 * inventory.unmanaged_device when it is neither an enrolled host nor a
 * declared asset, R4 password.cleartext_protocol for the logins seen in
 * clear. Whether it is managed is decided here, against the inventory
 * the caller read from its store.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/facts.h"
#include "discover/devices_private.h"
#include "discover/oui.h"
#include "util/buf.h"
#include "util/banned.h"

#define FACTS_MAX_IPS_TEXT 1024 /* the comma-joined addresses */

/* The first label of a name ("pump-7.icu.example" -> "pump-7"). */
static size_t
first_label(const char *s)
{
	const char *dot = strchr(s, '.');

	return dot != NULL ? (size_t)(dot - s) : strlen(s);
}

static bool
same_host(const char *a, const char *b)
{
	size_t n = first_label(a);

	return n > 0 && n == first_label(b) && strncasecmp(a, b, n) == 0;
}

/* The device's evidence value of attr (any protocol), i-th of them. */
static const char *
evidence_value(const struct vg_device *dev, enum vg_attr attr, size_t nth)
{
	size_t i;

	for (i = 0; i < dev->n_ev; i++)
		if (dev->ev[i].attr == attr && nth-- == 0)
			return dev->ev[i].f[0];
	return NULL;
}

/* managed_by "kind name" of k. */
static void
set_managed(struct vg_facts *f, const struct vg_known_asset *k)
{
	char by[VG_DEV_MAX_TEXT + 16];

	(void)snprintf(by, sizeof(by), "%s %s", k->kind,
		       k->name != NULL ? k->name : "?");
	f->device.managed_by = vg_facts_str(f, by);
}

/* Is address ip one of the comma-separated ips? */
static bool
has_ip(const char *ips, const char *ip)
{
	size_t n = strlen(ip);
	const char *p = ips;

	while ((p = strstr(p, ip)) != NULL) {
		if ((p == ips || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

const struct vg_known_asset *
vg_device_known(const char *mac, const char *ips, const char *const *names,
		size_t n_names, const struct vg_known_asset *known,
		size_t n_known)
{
	const struct vg_known_asset *k;
	size_t i, j;

	for (i = 0; i < n_known; i++) {
		k = &known[i];
		if (k->mac != NULL && mac != NULL &&
		    strcasecmp(k->mac, mac) == 0)
			return k;
		if (k->ip != NULL && ips != NULL && has_ip(ips, k->ip))
			return k;
		for (j = 0; k->name != NULL && j < n_names; j++)
			if (names[j] != NULL && same_host(names[j], k->name))
				return k;
	}
	return NULL;
}

void
vg_device_facts_manage(struct vg_facts *f, const struct vg_known_asset *known,
		       size_t n_known)
{
	const char *name = f->device.name;
	const struct vg_known_asset *k = vg_device_known(
		f->device.mac, f->device.ips, &name, 1, known, n_known);

	f->device.managed_by = NULL;
	if (k != NULL)
		set_managed(f, k);
}

/* The best display name: a host name, else an AE title, else NULL. */
static const char *
display_name(const struct vg_device *dev)
{
	const char *n = evidence_value(dev, VG_ATTR_HOSTNAME, 0);

	return n != NULL ? n : evidence_value(dev, VG_ATTR_DICOM_AE, 0);
}

static void
fill(struct vg_facts *f, const struct vg_device *dev, const char *vendor,
     const char *sensor, const struct vg_known_asset *known, size_t n_known)
{
	const char *names[VG_DEV_MAX_PER_ATTR];
	const struct vg_known_asset *k;
	struct vg_device_info *di = &f->device;
	char key[VG_ADDR_TEXT];
	size_t n_names;
	struct vg_class c;
	struct vg_buf ips;
	size_t i;

	vg_buf_init(&ips, FACTS_MAX_IPS_TEXT);
	for (i = 0; i < dev->n_ips; i++) {
		vg_device_addr_text(&dev->ips[i], key);
		if ((i > 0 && vg_buf_addc(&ips, ',') != VG_OK) ||
		    vg_buf_adds(&ips, key) != VG_OK)
			break;
	}
	vg_device_key_text(dev, key);
	vg_classify(dev, vendor, &c);
	f->collected_at = dev->last_us / 1000000;
	di->key = vg_facts_str(f, key);
	di->mac = dev->has_mac ? di->key : NULL;
	di->ips = ips.len > 0 ? vg_facts_str(f, vg_buf_str(&ips)) : NULL;
	di->name = vg_facts_str(f, display_name(dev) ? display_name(dev) : key);
	di->vendor = vg_facts_str(f, vendor);
	di->category = vg_facts_str(f, vg_category_name(c.category));
	di->confidence = c.confidence;
	di->sensor = vg_facts_str(f, sensor);
	di->first_seen = dev->first_us / 1000000;
	di->last_seen = dev->last_us / 1000000;
	for (n_names = 0; n_names < VG_ARRAY_LEN(names) &&
	     (names[n_names] =
		      evidence_value(dev, VG_ATTR_HOSTNAME, n_names)) != NULL;
	     n_names++)
		;
	di->managed_by = NULL;
	if ((k = vg_device_known(di->mac, di->ips, names, n_names, known,
				 n_known)) != NULL)
		set_managed(f, k);
	for (i = 0; i < dev->n_ev; i++) {
		const struct vg_evidence *e = &dev->ev[i];
		struct vg_device_login *l;

		if (e->attr != VG_ATTR_CLEARTEXT_LOGIN ||
		    (l = vg_facts_add_device_login(f)) == NULL)
			continue;
		l->protocol = vg_facts_str(f, e->f[0]);
		l->user = vg_facts_str(f, e->f[1]);
	}
	/* The asset's category, so the store's lists filter devices by it
	 * like any asset. */
	f->asset.category = di->category;
	f->os.hostname = di->key;
	vg_facts_collected(f, VG_SRC_DEVICE);
	vg_buf_release(&ips);
}

enum vg_rc
vg_devices_each_facts(struct vg_devices *d, struct vg_oui *oui,
		      const char *sensor, const struct vg_known_asset *known,
		      size_t n_known, vg_device_facts_fn fn, void *ctx)
{
	enum vg_rc rc = VG_OK;
	struct vg_facts f;
	size_t i;

	vg_devices_merge_bound(d);
	for (i = 0; i < vg_devices_n(d) && rc == VG_OK; i++) {
		const struct vg_device *dev = vg_devices_at(d, i);

		if (dev->merged)
			continue;
		vg_facts_init(&f);
		fill(&f, dev,
		     dev->has_mac && oui != NULL ? vg_oui_lookup(oui, dev->mac)
						 : NULL,
		     sensor, known, n_known);
		rc = fn(ctx, &f);
		vg_facts_release(&f);
	}
	return rc;
}
