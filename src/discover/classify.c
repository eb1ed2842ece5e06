/*
 * A device's category from its evidence (passive-discovery.md §6): each
 * rule of the tables below that matches adds its weight to a category;
 * weights combine as independent evidence (1 - product of (1 - w)), and
 * the category with the highest combined confidence wins, with the
 * reasons that made it. Medical roles seen in DICOM and HL7 outweigh a
 * vendor guessed from the MAC.
 */
#include "util/common.h"

#include <string.h>
#include <strings.h>

#include "discover/devices_private.h"
#include "util/banned.h"

static const char *const category_names[VG_CAT_COUNT] = {
	[VG_CAT_UNKNOWN] = "unknown",
	[VG_CAT_BIOMEDICAL] = "biomedical",
	[VG_CAT_BUILDING] = "building-management",
	[VG_CAT_PRINTER] = "printer",
	[VG_CAT_IOT] = "iot",
	[VG_CAT_NETWORK] = "network",
	[VG_CAT_WORKSTATION] = "workstation",
	[VG_CAT_SERVER] = "server",
};

const char *
vg_category_name(enum vg_category c)
{
	return (unsigned)c < VG_CAT_COUNT ? category_names[c] : "unknown";
}

/*
 * Evidence rules: an observation of proto (or any, -1) and attr whose
 * field `field` contains `needle` (case-insensitive; NULL: any value).
 */
struct ev_rule {
	int proto;
	enum vg_attr attr;
	int field;
	const char *needle;
	enum vg_category category;
	int weight;
	const char *reason;
};

static const struct ev_rule ev_rules[] = {
	{VG_PROTO_DICOM, VG_ATTR_DICOM_ROLE, 0, VG_DICOM_ROLE_MODALITY,
	 VG_CAT_BIOMEDICAL, 90, N_("sends images as a DICOM modality")},
	{VG_PROTO_DICOM, VG_ATTR_DICOM_ROLE, 0, VG_DICOM_ROLE_WORKLIST_USER,
	 VG_CAT_BIOMEDICAL, 80, N_("queries a DICOM modality worklist")},
	{VG_PROTO_DICOM, VG_ATTR_DICOM_ROLE, 0, VG_DICOM_ROLE_ARCHIVE,
	 VG_CAT_SERVER, 90, N_("stores DICOM images (PACS or archive)")},
	{VG_PROTO_DICOM, VG_ATTR_DICOM_ROLE, 0, VG_DICOM_ROLE_WORKLIST,
	 VG_CAT_SERVER, 90, N_("provides a DICOM worklist (RIS)")},
	{VG_PROTO_DICOM, VG_ATTR_DICOM_ROLE, 0, VG_DICOM_ROLE_QUERY,
	 VG_CAT_SERVER, 80, N_("answers DICOM queries")},
	{VG_PROTO_DICOM, VG_ATTR_DICOM_ROLE, 0, VG_DICOM_ROLE_VIEWER,
	 VG_CAT_WORKSTATION, 70, N_("views DICOM studies")},
	{VG_PROTO_DICOM, VG_ATTR_DICOM_ROLE, 0, VG_DICOM_ROLE_PRINTER,
	 VG_CAT_BIOMEDICAL, 80, N_("prints DICOM film")},
	{VG_PROTO_DICOM, VG_ATTR_DICOM_SOP, 2, NULL, VG_CAT_BIOMEDICAL, 60,
	 N_("proposes a modality's DICOM image storage")},
	{VG_PROTO_DICOM, VG_ATTR_SERVICE, 0, "dicom", VG_CAT_SERVER, 50,
	 N_("accepts DICOM associations")},
	{VG_PROTO_HL7, VG_ATTR_HL7_SOFTWARE, 0, NULL, VG_CAT_BIOMEDICAL, 40,
	 N_("names its HL7 software")},
	{VG_PROTO_HL7, VG_ATTR_SERVICE, 0, "hl7", VG_CAT_SERVER, 70,
	 N_("receives HL7 messages (interface engine or HIS)")},
	{VG_PROTO_HL7, VG_ATTR_HL7_APP, 2, "ORU", VG_CAT_BIOMEDICAL, 50,
	 N_("sends HL7 results")},
	{VG_PROTO_BACNET, VG_ATTR_BACNET_DEVICE, 0, NULL, VG_CAT_BUILDING, 90,
	 N_("announces itself as a BACnet device")},
	{VG_PROTO_MODBUS, VG_ATTR_MODBUS_ID, 0, NULL, VG_CAT_BUILDING, 80,
	 N_("identifies itself over Modbus/TCP")},
	{VG_PROTO_MDNS, VG_ATTR_SERVICE, 0, "_ipp", VG_CAT_PRINTER, 80,
	 N_("advertises printing (IPP)")},
	{VG_PROTO_MDNS, VG_ATTR_SERVICE, 0, "_printer", VG_CAT_PRINTER, 80,
	 N_("advertises printing (LPD)")},
	{VG_PROTO_MDNS, VG_ATTR_SERVICE, 0, "_pdl-datastream", VG_CAT_PRINTER,
	 80, N_("advertises printing (raw)")},
	{VG_PROTO_MDNS, VG_ATTR_SERVICE, 0, "_googlecast", VG_CAT_IOT, 70,
	 N_("advertises casting")},
	{VG_PROTO_MDNS, VG_ATTR_SERVICE, 0, "_airplay", VG_CAT_IOT, 60,
	 N_("advertises AirPlay")},
	{VG_PROTO_SSDP, VG_ATTR_SERVER, 0, NULL, VG_CAT_IOT, 40,
	 N_("announces UPnP services")},
	{VG_PROTO_LLDP, VG_ATTR_SOFTWARE, 0, "switch", VG_CAT_NETWORK, 80,
	 N_("describes itself as a switch (LLDP)")},
	{VG_PROTO_LLDP, VG_ATTR_SOFTWARE, 0, "router", VG_CAT_NETWORK, 80,
	 N_("describes itself as a router (LLDP)")},
	{VG_PROTO_LLDP, VG_ATTR_SOFTWARE, 0, NULL, VG_CAT_NETWORK, 50,
	 N_("announces itself with LLDP")},
	{VG_PROTO_CDP, VG_ATTR_SOFTWARE, 0, NULL, VG_CAT_NETWORK, 70,
	 N_("announces itself with CDP")},
	{VG_PROTO_NBNS, VG_ATTR_HOSTNAME, 0, NULL, VG_CAT_WORKSTATION, 40,
	 N_("registers a Windows (NetBIOS) name")},
	{VG_PROTO_DHCP, VG_ATTR_VENDOR_CLASS, 0, "MSFT", VG_CAT_WORKSTATION, 60,
	 N_("DHCP client of Windows")},
	{VG_PROTO_DHCP, VG_ATTR_SERVICE, 0, "dhcp-server", VG_CAT_SERVER, 70,
	 N_("answers DHCP requests")},
	{VG_PROTO_HTTP, VG_ATTR_USER_AGENT, 0, "Windows NT", VG_CAT_WORKSTATION,
	 50, N_("browses with a Windows user agent")},
	{VG_PROTO_HTTP, VG_ATTR_USER_AGENT, 0, "Macintosh", VG_CAT_WORKSTATION,
	 50, N_("browses with a macOS user agent")},
	{VG_PROTO_HTTP, VG_ATTR_SERVER, 0, NULL, VG_CAT_SERVER, 30,
	 N_("serves HTTP")},
	{-1, VG_ATTR_SERVICE, 0, "ftp", VG_CAT_SERVER, 40, N_("serves FTP")},
};

/* Vendors (the MAC's organisation, or one the device names) that make
 * one kind of device; "generic" makers (Intel, Realtek) are absent. */
struct vendor_rule {
	const char *needle;
	enum vg_category category;
	int weight;
};

static const struct vendor_rule vendor_rules[] = {
	{"GE Healthcare", VG_CAT_BIOMEDICAL, 60},
	{"GE Medical", VG_CAT_BIOMEDICAL, 60},
	{"Philips Medical", VG_CAT_BIOMEDICAL, 60},
	{"Patient Monitoring", VG_CAT_BIOMEDICAL, 60},
	{"Siemens Healthcare", VG_CAT_BIOMEDICAL, 60},
	{"Siemens Healthineers", VG_CAT_BIOMEDICAL, 60},
	{"B. Braun", VG_CAT_BIOMEDICAL, 60},
	{"B.Braun", VG_CAT_BIOMEDICAL, 60},
	{"BBraun", VG_CAT_BIOMEDICAL, 60},
	{"Baxter", VG_CAT_BIOMEDICAL, 60},
	{"Draeger", VG_CAT_BIOMEDICAL, 60},
	{"Dräger", VG_CAT_BIOMEDICAL, 60},
	{"Mindray", VG_CAT_BIOMEDICAL, 60},
	{"Fresenius", VG_CAT_BIOMEDICAL, 60},
	{"CareFusion", VG_CAT_BIOMEDICAL, 60},
	{"Becton", VG_CAT_BIOMEDICAL, 50},
	{"Hill-Rom", VG_CAT_BIOMEDICAL, 60},
	{"Nihon Kohden", VG_CAT_BIOMEDICAL, 60},
	{"Spacelabs", VG_CAT_BIOMEDICAL, 60},
	{"Masimo", VG_CAT_BIOMEDICAL, 60},
	{"Welch Allyn", VG_CAT_BIOMEDICAL, 60},
	{"Medtronic", VG_CAT_BIOMEDICAL, 60},
	{"ICU Medical", VG_CAT_BIOMEDICAL, 60},
	{"Carestream", VG_CAT_BIOMEDICAL, 60},
	{"Agfa", VG_CAT_BIOMEDICAL, 40},
	{"Roche Diagnostics", VG_CAT_BIOMEDICAL, 60},
	{"Sysmex", VG_CAT_BIOMEDICAL, 60},
	{"Beckman Coulter", VG_CAT_BIOMEDICAL, 60},
	{"Johnson Controls", VG_CAT_BUILDING, 60},
	{"Honeywell", VG_CAT_BUILDING, 40},
	{"Schneider Electric", VG_CAT_BUILDING, 50},
	{"Trane", VG_CAT_BUILDING, 60},
	{"Carrier", VG_CAT_BUILDING, 40},
	{"Distech", VG_CAT_BUILDING, 60},
	{"Tridium", VG_CAT_BUILDING, 60},
	{"Delta Controls", VG_CAT_BUILDING, 60},
	{"Siemens Building", VG_CAT_BUILDING, 60},
	{"WAGO", VG_CAT_BUILDING, 50},
	{"Brother", VG_CAT_PRINTER, 50},
	{"Canon", VG_CAT_PRINTER, 40},
	{"Seiko Epson", VG_CAT_PRINTER, 50},
	{"Lexmark", VG_CAT_PRINTER, 60},
	{"Kyocera", VG_CAT_PRINTER, 50},
	{"Xerox", VG_CAT_PRINTER, 60},
	{"Ricoh", VG_CAT_PRINTER, 50},
	{"Konica Minolta", VG_CAT_PRINTER, 50},
	{"Zebra", VG_CAT_PRINTER, 50},
	{"Espressif", VG_CAT_IOT, 60},
	{"Tuya", VG_CAT_IOT, 60},
	{"Raspberry Pi", VG_CAT_IOT, 40},
	{"Hikvision", VG_CAT_IOT, 60},
	{"Dahua", VG_CAT_IOT, 60},
	{"Axis Communications", VG_CAT_IOT, 60},
	{"Cisco", VG_CAT_NETWORK, 40},
	{"Juniper", VG_CAT_NETWORK, 50},
	{"Aruba", VG_CAT_NETWORK, 40},
	{"Ubiquiti", VG_CAT_NETWORK, 40},
	{"Fortinet", VG_CAT_NETWORK, 50},
	{"Polycom", VG_CAT_IOT, 50},
	{"Yealink", VG_CAT_IOT, 50},
};

static bool
contains(const char *hay, const char *needle)
{
	return hay != NULL && (needle == NULL || strcasestr(hay, needle));
}

/* Add weight w (percent) for category c with reason (static text). */
static void
vote(double p[VG_CAT_COUNT],
     const char *why[VG_CAT_COUNT][VG_CLASSIFY_MAX_REASONS],
     size_t nwhy[VG_CAT_COUNT], enum vg_category c, int w, const char *reason)
{
	size_t i;

	p[c] = 1.0 - (1.0 - p[c]) * (1.0 - w / 100.0);
	for (i = 0; i < nwhy[c]; i++)
		if (why[c][i] == reason)
			return;
	if (nwhy[c] < VG_CLASSIFY_MAX_REASONS)
		why[c][nwhy[c]++] = reason;
}

void
vg_classify(const struct vg_device *dev, const char *vendor,
	    struct vg_class *out)
{
	const char *why[VG_CAT_COUNT][VG_CLASSIFY_MAX_REASONS];
	size_t nwhy[VG_CAT_COUNT] = {0}, i, j;
	double p[VG_CAT_COUNT] = {0};
	enum vg_category best = VG_CAT_UNKNOWN;
	const char *claimed = NULL;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < dev->n_ev; i++) {
		const struct vg_evidence *e = &dev->ev[i];

		if (e->attr == VG_ATTR_VENDOR || e->attr == VG_ATTR_MODBUS_ID)
			claimed = e->f[0];
		for (j = 0; j < VG_ARRAY_LEN(ev_rules); j++) {
			const struct ev_rule *r = &ev_rules[j];

			if ((r->proto >= 0 && r->proto != e->proto) ||
			    r->attr != e->attr ||
			    !contains(e->f[r->field], r->needle))
				continue;
			vote(p, why, nwhy, r->category, r->weight, r->reason);
		}
	}
	if (dev->router)
		vote(p, why, nwhy, VG_CAT_NETWORK, 70,
		     N_("forwards traffic for many addresses"));
	for (j = 0; j < VG_ARRAY_LEN(vendor_rules); j++) {
		if (contains(vendor, vendor_rules[j].needle))
			vote(p, why, nwhy, vendor_rules[j].category,
			     vendor_rules[j].weight,
			     N_("the MAC address's vendor makes such "
				"devices"));
		if (contains(claimed, vendor_rules[j].needle))
			vote(p, why, nwhy, vendor_rules[j].category,
			     vendor_rules[j].weight,
			     N_("the vendor the device names makes such "
				"devices"));
	}
	for (i = 1; i < VG_CAT_COUNT; i++)
		if (p[i] > p[best])
			best = (enum vg_category)i;
	out->category = best;
	out->confidence =
		best == VG_CAT_UNKNOWN ? 0 : (int)(p[best] * 100 + 0.5);
	for (i = 0; best != VG_CAT_UNKNOWN && i < nwhy[best]; i++)
		out->reasons[out->n_reasons++] = why[best][i];
}
