/*
 * The device table as vigie.devices/1 JSON (docs/internals/discover.md):
 * per device its identity, the structured views of DICOM, HL7 and DHCP
 * that the evidence holds, its category with the reasons, and the
 * evidence itself. Devices keyed by an address that ARP or DHCP later
 * bound to a MAC are listed under that MAC's device.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/devices_private.h"
#include "discover/oui.h"
#include "util/text.h"
#include "util/banned.h"

static json_t *
time_json(int64_t us)
{
	char buf[21];

	vg_format_time(us / 1000000, buf);
	return json_string(buf);
}

/* Append s to array a unless there (arrays here are short). */
static void
add_unique(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	if (s == NULL)
		return;
	json_array_foreach(a, i,
			   v) if (strcmp(json_string_value(v), s) == 0) return;
	(void)json_array_append_new(a, json_string(s));
}

/* Set key of o to s when s is not NULL and key not yet set. */
static void
set_once(json_t *o, const char *key, const char *s)
{
	if (s != NULL && json_object_get(o, key) == NULL)
		(void)json_object_set_new(o, key, json_string(s));
}

/* Put a non-empty array or object under key, else drop it. */
static void
set_if_any(json_t *o, const char *key, json_t *v)
{
	if ((json_is_array(v) && json_array_size(v) > 0) ||
	    (json_is_object(v) && json_object_size(v) > 0))
		(void)json_object_set_new(o, key, v);
	else
		json_decref(v);
}

static json_t *
evidence_json(const struct vg_evidence *e)
{
	json_t *o = json_object(), *detail = json_array();
	size_t i;

	(void)json_object_set_new(o, "source",
				  json_string(vg_proto_name(e->proto)));
	(void)json_object_set_new(o, "attribute",
				  json_string(vg_attr_name(e->attr)));
	(void)json_object_set_new(o, "value", json_string(e->f[0]));
	for (i = 1; i < VG_OBS_FIELDS; i++)
		(void)json_array_append_new(
			detail, e->f[i] ? json_string(e->f[i]) : json_null());
	while (json_array_size(detail) > 0 &&
	       json_is_null(
		       json_array_get(detail, json_array_size(detail) - 1)))
		(void)json_array_remove(detail, json_array_size(detail) - 1);
	set_if_any(o, "detail", detail);
	(void)json_object_set_new(o, "weight", json_integer(e->weight));
	(void)json_object_set_new(o, "count", json_integer(e->count));
	(void)json_object_set_new(o, "first_seen", time_json(e->first_us));
	(void)json_object_set_new(o, "last_seen", time_json(e->last_us));
	return o;
}

/* The HL7 application entry (application, facility) of apps, made. */
static json_t *
hl7_app(json_t *apps, const char *app, const char *facility)
{
	json_t *o;
	size_t i;

	json_array_foreach(apps, i, o)
	{
		const char *a = json_string_value(
				   json_object_get(o, "application")),
			   *f = json_string_value(
				   json_object_get(o, "facility"));

		if (strcmp(a, app) == 0 &&
		    ((f == NULL && facility == NULL) ||
		     (f != NULL && facility != NULL &&
		      strcmp(f, facility) == 0)))
			return o;
	}
	o = json_object();
	(void)json_object_set_new(o, "application", json_string(app));
	(void)json_object_set_new(
		o, "facility", facility ? json_string(facility) : json_null());
	(void)json_object_set_new(o, "messages", json_array());
	(void)json_object_set_new(o, "version", json_null());
	(void)json_array_append_new(apps, o);
	return o;
}

/* The views of one device's evidence (fields filled from it). */
struct views {
	json_t *hostnames, *services, *ae, *roles, *sops, *impl, *apps, *hl7sw,
		*dhcp, *logins, *models, *software, *vendors, *bacnet, *modbus,
		*agents, *servers, *sni;
};

static void
view_evidence(struct views *v, const struct vg_evidence *e)
{
	char buf[VG_DEV_MAX_TEXT * 2 + 2];
	json_t *o;

	switch ((enum vg_attr)e->attr) {
	case VG_ATTR_HOSTNAME:
		add_unique(v->hostnames, e->f[0]);
		if (e->proto == VG_PROTO_DHCP)
			set_once(v->dhcp, "hostname", e->f[0]);
		break;
	case VG_ATTR_VENDOR_CLASS:
		set_once(v->dhcp, "vendor_class", e->f[0]);
		break;
	case VG_ATTR_CLIENT_ID:
		set_once(v->dhcp, "client_id", e->f[0]);
		break;
	case VG_ATTR_DHCP_FP:
		set_once(v->dhcp, "options", e->f[0]);
		set_once(v->dhcp, "parameter_request_list", e->f[1]);
		break;
	case VG_ATTR_SERVICE:
		(void)snprintf(buf, sizeof(buf), "%s%s%s", e->f[0],
			       e->f[1] ? "/" : "", e->f[1] ? e->f[1] : "");
		add_unique(v->services, buf);
		break;
	case VG_ATTR_DICOM_AE:
		add_unique(v->ae, e->f[0]);
		break;
	case VG_ATTR_DICOM_ROLE:
		add_unique(v->roles, e->f[0]);
		break;
	case VG_ATTR_DICOM_SOP:
		add_unique(v->sops, e->f[1] ? e->f[1] : e->f[0]);
		break;
	case VG_ATTR_DICOM_IMPL:
		set_once(v->impl, "class_uid", e->f[0]);
		set_once(v->impl, "version_name", e->f[1]);
		break;
	case VG_ATTR_HL7_APP:
		o = hl7_app(v->apps, e->f[0], e->f[1]);
		add_unique(json_object_get(o, "messages"), e->f[2]);
		if (e->f[3] != NULL)
			(void)json_object_set_new(o, "version",
						  json_string(e->f[3]));
		break;
	case VG_ATTR_HL7_SOFTWARE:
		o = json_object();
		set_once(o, "vendor", e->f[0]);
		set_once(o, "version", e->f[1]);
		set_once(o, "product", e->f[2]);
		(void)json_array_append_new(v->hl7sw, o);
		break;
	case VG_ATTR_CLEARTEXT_LOGIN:
		o = json_object();
		set_once(o, "protocol", e->f[0]);
		set_once(o, "user", e->f[1]);
		(void)json_array_append_new(v->logins, o);
		break;
	case VG_ATTR_MODEL:
		add_unique(v->models, e->f[0]);
		break;
	case VG_ATTR_SOFTWARE:
		add_unique(v->software, e->f[0]);
		break;
	case VG_ATTR_VENDOR:
		add_unique(v->vendors, e->f[0]);
		break;
	case VG_ATTR_USER_AGENT:
		add_unique(v->agents, e->f[0]);
		break;
	case VG_ATTR_SERVER:
		add_unique(v->servers, e->f[0]);
		break;
	case VG_ATTR_TLS_SNI:
		add_unique(v->sni, e->f[0]);
		break;
	case VG_ATTR_BACNET_DEVICE:
		set_once(v->bacnet, "device_instance", e->f[0]);
		set_once(v->bacnet, "vendor_id", e->f[1]);
		break;
	case VG_ATTR_MODBUS_ID:
		set_once(v->modbus, "vendor", e->f[0]);
		set_once(v->modbus, "product_code", e->f[1]);
		set_once(v->modbus, "revision", e->f[2]);
		add_unique(v->vendors, e->f[0]);
		break;
	case VG_ATTR_IP:
	case VG_ATTR_COUNT:
		break;
	}
}

static json_t *
device_json(const struct vg_device *dev, struct vg_oui *oui)
{
	char mac[VG_ADDR_TEXT], ip[VG_ADDR_TEXT];
	const char *vendor = dev->has_mac && oui != NULL
		? vg_oui_lookup(oui, dev->mac)
		: NULL;
	json_t *o = json_object(), *ips = json_array(), *ev = json_array(),
	       *reasons = json_array(), *dicom = json_object(),
	       *hl7 = json_object();
	struct views v;
	struct vg_class c;
	size_t i;

	v.hostnames = json_array();
	v.services = json_array();
	v.ae = json_array();
	v.roles = json_array();
	v.sops = json_array();
	v.impl = json_object();
	v.apps = json_array();
	v.hl7sw = json_array();
	v.dhcp = json_object();
	v.logins = json_array();
	v.models = json_array();
	v.software = json_array();
	v.vendors = json_array();
	v.bacnet = json_object();
	v.modbus = json_object();
	v.agents = json_array();
	v.servers = json_array();
	v.sni = json_array();
	for (i = 0; i < dev->n_ev; i++) {
		view_evidence(&v, &dev->ev[i]);
		(void)json_array_append_new(ev, evidence_json(&dev->ev[i]));
	}
	if (dev->has_mac) {
		vg_device_key_text(dev, mac);
		(void)json_object_set_new(o, "mac", json_string(mac));
	} else
		(void)json_object_set_new(o, "mac", json_null());
	for (i = 0; i < dev->n_ips; i++) {
		vg_device_addr_text(&dev->ips[i], ip);
		(void)json_array_append_new(ips, json_string(ip));
	}
	(void)json_object_set_new(o, "ips", ips);
	(void)json_object_set_new(o, "vendor",
				  vendor ? json_string(vendor) : json_null());
	(void)json_object_set_new(o, "hostnames", v.hostnames);
	vg_classify(dev, vendor, &c);
	(void)json_object_set_new(o, "category",
				  json_string(vg_category_name(c.category)));
	(void)json_object_set_new(o, "confidence", json_integer(c.confidence));
	for (i = 0; i < c.n_reasons; i++)
		(void)json_array_append_new(reasons, json_string(c.reasons[i]));
	(void)json_object_set_new(o, "reasons", reasons);
	(void)json_object_set_new(o, "first_seen", time_json(dev->first_us));
	(void)json_object_set_new(o, "last_seen", time_json(dev->last_us));
	(void)json_object_set_new(o, "packets",
				  json_integer((json_int_t)dev->packets));
	(void)json_object_set_new(o, "services", v.services);
	set_if_any(o, "models", v.models);
	set_if_any(o, "software", v.software);
	set_if_any(o, "vendors_claimed", v.vendors);
	set_if_any(o, "user_agents", v.agents);
	set_if_any(o, "servers", v.servers);
	set_if_any(o, "tls_server_names", v.sni);
	set_if_any(dicom, "ae_titles", v.ae);
	set_if_any(dicom, "roles", v.roles);
	set_if_any(dicom, "sop_classes", v.sops);
	set_if_any(dicom, "implementation", v.impl);
	set_if_any(o, "dicom", dicom);
	set_if_any(hl7, "applications", v.apps);
	set_if_any(hl7, "software", v.hl7sw);
	set_if_any(o, "hl7", hl7);
	set_if_any(o, "dhcp", v.dhcp);
	set_if_any(o, "bacnet", v.bacnet);
	set_if_any(o, "modbus", v.modbus);
	set_if_any(o, "cleartext_logins", v.logins);
	(void)json_object_set_new(o, "evidence", ev);
	return o;
}

/* Order: devices with a MAC first by MAC, then by address. */
static int
dev_cmp(const void *a, const void *b)
{
	const struct vg_device *x = *(const struct vg_device *const *)a,
			       *y = *(const struct vg_device *const *)b;

	if (x->has_mac != y->has_mac)
		return x->has_mac ? -1 : 1;
	if (x->has_mac)
		return memcmp(x->mac, y->mac, 6);
	if (x->key_ip.family != y->key_ip.family)
		return x->key_ip.family < y->key_ip.family ? -1 : 1;
	return memcmp(x->key_ip.b, y->key_ip.b, 16);
}

json_t *
vg_devices_to_json(struct vg_devices *d, struct vg_oui *oui)
{
	size_t i, j, n = vg_devices_n(d);
	struct vg_device **order;
	json_t *a;

	if ((a = json_array()) == NULL)
		return NULL;
	if (n == 0)
		return a;
	if ((order = calloc(n, sizeof(*order))) == NULL) {
		json_decref(a);
		return NULL;
	}
	vg_devices_merge_bound(d);
	for (i = j = 0; i < n; i++)
		if (!vg_devices_at(d, i)->merged)
			order[j++] = vg_devices_at(d, i);
	n = j;
	qsort(order, n, sizeof(*order), dev_cmp);
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, device_json(order[i], oui)) != 0) {
			json_decref(a);
			a = NULL;
			break;
		}
	free(order);
	return a;
}
