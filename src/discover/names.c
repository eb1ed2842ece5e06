/* The names of protocols and attributes, as the JSON output spells them. */
#include "util/common.h"

#include "discover/discover.h"
#include "util/banned.h"

static const char *const proto_names[VG_PROTO_COUNT] = {
	[VG_PROTO_ARP] = "arp",       [VG_PROTO_DHCP] = "dhcp",
	[VG_PROTO_DICOM] = "dicom",   [VG_PROTO_HL7] = "hl7",
	[VG_PROTO_MDNS] = "mdns",     [VG_PROTO_SSDP] = "ssdp",
	[VG_PROTO_LLDP] = "lldp",     [VG_PROTO_CDP] = "cdp",
	[VG_PROTO_NBNS] = "nbns",     [VG_PROTO_BACNET] = "bacnet",
	[VG_PROTO_MODBUS] = "modbus", [VG_PROTO_HTTP] = "http",
	[VG_PROTO_TLS] = "tls",       [VG_PROTO_TELNET] = "telnet",
	[VG_PROTO_FTP] = "ftp",
};

static const char *const attr_names[VG_ATTR_COUNT] = {
	[VG_ATTR_IP] = "ip",
	[VG_ATTR_HOSTNAME] = "hostname",
	[VG_ATTR_VENDOR_CLASS] = "vendor_class",
	[VG_ATTR_CLIENT_ID] = "client_id",
	[VG_ATTR_DHCP_FP] = "dhcp_fingerprint",
	[VG_ATTR_VENDOR] = "vendor",
	[VG_ATTR_MODEL] = "model",
	[VG_ATTR_SOFTWARE] = "software",
	[VG_ATTR_SERVICE] = "service",
	[VG_ATTR_USER_AGENT] = "user_agent",
	[VG_ATTR_SERVER] = "server",
	[VG_ATTR_TLS_SNI] = "tls_sni",
	[VG_ATTR_DICOM_AE] = "dicom_ae",
	[VG_ATTR_DICOM_ROLE] = "dicom_role",
	[VG_ATTR_DICOM_SOP] = "dicom_sop",
	[VG_ATTR_DICOM_IMPL] = "dicom_implementation",
	[VG_ATTR_HL7_APP] = "hl7_application",
	[VG_ATTR_HL7_SOFTWARE] = "hl7_software",
	[VG_ATTR_CLEARTEXT_LOGIN] = "cleartext_login",
	[VG_ATTR_BACNET_DEVICE] = "bacnet_device",
	[VG_ATTR_MODBUS_ID] = "modbus_id",
};

const char *
vg_proto_name(enum vg_proto p)
{
	return (unsigned)p < VG_PROTO_COUNT ? proto_names[p] : NULL;
}

const char *
vg_attr_name(enum vg_attr a)
{
	return (unsigned)a < VG_ATTR_COUNT ? attr_names[a] : NULL;
}
