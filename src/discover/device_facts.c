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
/* Host names matched against the inventory: the displayed one and those
 * of the evidence (a merged device may have heard many). */
#define FACTS_MAX_NAMES 65

/* Equal strings, NULL equal only to NULL. */
static bool
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

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
	const char *names[FACTS_MAX_NAMES];
	const struct vg_known_asset *k;
	size_t i, n = 0;

	/* Every host name heard (the evidence, merged over time), not
	 * only the one displayed. */
	names[n++] = f->device.name;
	for (i = 0; i < f->n_device_evidence && n < FACTS_MAX_NAMES; i++)
		if (same_str(f->device_evidence[i].attribute,
			     vg_attr_name(VG_ATTR_HOSTNAME)) &&
		    f->device_evidence[i].value != NULL)
			names[n++] = f->device_evidence[i].value;
	k = vg_device_known(f->device.mac, f->device.ips, names, n, known,
			    n_known);
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

/* The fields after the value, joined with " | " (empty ones kept as
 * "" between others, trailing ones dropped); NULL when none. */
static const char *
evidence_detail(struct vg_facts *f, const struct vg_evidence *e)
{
	char detail[(VG_DEV_MAX_TEXT + 3) * VG_OBS_FIELDS];
	size_t i, last = 0, len = 0;
	int n;

	for (i = 1; i < VG_OBS_FIELDS; i++)
		if (e->f[i] != NULL)
			last = i;
	if (last == 0)
		return NULL;
	detail[0] = '\0';
	for (i = 1; i <= last; i++) {
		n = snprintf(detail + len, sizeof(detail) - len, "%s%s",
			     i > 1 ? " | " : "", e->f[i] ? e->f[i] : "");
		if (n < 0 || (size_t)n >= sizeof(detail) - len)
			break;
		len += (size_t)n;
	}
	return vg_facts_str(f, detail);
}

/* The device's evidence list, as it is (already distinct), in f. */
static void
fill_evidence(struct vg_facts *f, const struct vg_device *dev)
{
	struct vg_device_evidence *de;
	const char *src, *attr;
	size_t i;

	for (i = 0; i < dev->n_ev; i++) {
		const struct vg_evidence *e = &dev->ev[i];

		if ((de = vg_facts_add_device_evidence(f)) == NULL)
			return;
		src = vg_proto_name(e->proto);
		attr = vg_attr_name(e->attr);
		de->source = vg_facts_str(f, src != NULL ? src : "?");
		de->attribute = vg_facts_str(f, attr != NULL ? attr : "?");
		de->value = vg_facts_str(f, e->f[0]);
		de->detail = evidence_detail(f, e);
		de->weight = e->weight;
		de->count = e->count;
		de->first_seen = e->first_us / 1000000;
		de->last_seen = e->last_us / 1000000;
	}
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
	fill_evidence(f, dev);
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

/* ---------------------------------------------------------------- */
/* Merging a device's facts with those recorded before              */
/* ---------------------------------------------------------------- */

/* The earlier (later when latest) of two times, UNKNOWN (< 0) losing. */
static int64_t
pick_time(int64_t a, int64_t b, bool latest)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return (latest ? a > b : a < b) ? a : b;
}

/* now's string, else (NULL or empty) a copy of before's. */
static const char *
keep_or(struct vg_facts *now, const char *mine, const char *theirs)
{
	if (mine != NULL && *mine != '\0')
		return mine;
	return theirs != NULL ? vg_facts_str(now, theirs) : mine;
}

/* The addresses of now, then those of before not among them, at most
 * VG_DEV_MAX_IPS and FACTS_MAX_IPS_TEXT bytes. */
static void
merge_ips(struct vg_facts *now, const char *before)
{
	const char *mine = now->device.ips, *p, *comma;
	char ip[VG_ADDR_TEXT];
	struct vg_buf b;
	size_t n_ips = 0, n;

	if (before == NULL || *before == '\0')
		return;
	vg_buf_init(&b, FACTS_MAX_IPS_TEXT);
	/* Count now's addresses; they all stay, first. */
	if (mine != NULL && *mine != '\0') {
		if (vg_buf_adds(&b, mine) != VG_OK)
			goto done;
		for (n_ips = 1, p = mine; (p = strchr(p, ',')) != NULL; p++)
			n_ips++;
	}
	for (p = before; *p != '\0' && n_ips < VG_DEV_MAX_IPS; p = comma) {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		comma = comma != NULL ? comma + 1 : p + n;
		if (n == 0 || n >= sizeof(ip))
			continue; /* not an address this code wrote */
		memcpy(ip, p, n);
		ip[n] = '\0';
		if (b.len > 0 && has_ip(vg_buf_str(&b), ip))
			continue;
		if ((b.len > 0 && vg_buf_addc(&b, ',') != VG_OK) ||
		    vg_buf_adds(&b, ip) != VG_OK)
			break;
		n_ips++;
	}
	if (b.len > 0 && !same_str(vg_buf_str(&b), mine))
		now->device.ips = vg_facts_str(now, vg_buf_str(&b));
done:
	vg_buf_release(&b);
}

/* before's evidence into now: the same item (source, attribute, value,
 * detail) counted once with its counts summed, new ones appended while
 * there is room. */
static void
merge_evidence(struct vg_facts *now, const struct vg_facts *before)
{
	size_t i, j, n_mine = now->n_device_evidence;

	for (i = 0; i < before->n_device_evidence; i++) {
		const struct vg_device_evidence *b =
			&before->device_evidence[i];
		struct vg_device_evidence *e = NULL;

		for (j = 0; j < n_mine; j++) {
			e = &now->device_evidence[j];
			if (same_str(e->source, b->source) &&
			    same_str(e->attribute, b->attribute) &&
			    same_str(e->value, b->value) &&
			    same_str(e->detail, b->detail))
				break;
			e = NULL;
		}
		if (e == NULL) {
			/* Past the cap the older items are the ones left. */
			if ((e = vg_facts_add_device_evidence(now)) == NULL)
				return;
			e->source = vg_facts_str(now, b->source);
			e->attribute = vg_facts_str(now, b->attribute);
			e->value = vg_facts_str(now, b->value);
			e->detail = vg_facts_str(now, b->detail);
			e->weight = b->weight;
			e->count = b->count;
			e->first_seen = b->first_seen;
			e->last_seen = b->last_seen;
			continue;
		}
		/* Counts from a document are bounded, not their sum. */
		e->count = b->count > INT64_MAX - e->count
			? INT64_MAX
			: e->count + b->count;
		if (b->weight > e->weight)
			e->weight = b->weight;
		e->first_seen = pick_time(e->first_seen, b->first_seen, false);
		e->last_seen = pick_time(e->last_seen, b->last_seen, true);
	}
}

/* before's cleartext logins not already in now. */
static void
merge_logins(struct vg_facts *now, const struct vg_facts *before)
{
	size_t i, j, n_mine = now->n_device_logins;
	struct vg_device_login *l;

	for (i = 0; i < before->n_device_logins; i++) {
		const struct vg_device_login *b = &before->device_logins[i];

		for (j = 0; j < n_mine; j++)
			if (same_str(now->device_logins[j].protocol,
				     b->protocol) &&
			    same_str(now->device_logins[j].user, b->user))
				break;
		if (j < n_mine)
			continue;
		if ((l = vg_facts_add_device_login(now)) == NULL)
			return;
		l->protocol = vg_facts_str(now, b->protocol);
		l->user = vg_facts_str(now, b->user);
	}
}

void
vg_device_facts_merge(struct vg_facts *now, const struct vg_facts *before)
{
	struct vg_device_info *di = &now->device;
	const struct vg_device_info *bi = &before->device;
	bool named;

	/* Only the same device's history merges into it. */
	if (!vg_facts_is_device(now) || !vg_facts_is_device(before) ||
	    strcmp(di->key, bi->key) != 0)
		return;
	/* The merged facts describe the device as of its latest sighting:
	 * recorded, they stay the latest scan even when this capture is
	 * older than one recorded before. */
	now->collected_at =
		pick_time(now->collected_at, before->collected_at, true);
	di->first_seen = pick_time(di->first_seen, bi->first_seen, false);
	di->last_seen = pick_time(di->last_seen, bi->last_seen, true);
	merge_ips(now, bi->ips);
	/* A run that heard no name names the device by its key: a name
	 * heard before says more. */
	named = di->name != NULL && *di->name != '\0' &&
		strcmp(di->name, di->key) != 0;
	if (!named && bi->name != NULL && *bi->name != '\0')
		di->name = vg_facts_str(now, bi->name);
	di->mac = keep_or(now, di->mac, bi->mac);
	di->vendor = keep_or(now, di->vendor, bi->vendor);
	merge_evidence(now, before);
	merge_logins(now, before);
}
