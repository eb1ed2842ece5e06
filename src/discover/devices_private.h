/*
 * The device table's layout, shared by devices.c (merging),
 * classify.c (categories) and devices_json.c (output) only.
 */
#ifndef VG_DISCOVER_DEVICES_PRIVATE_H
#define VG_DISCOVER_DEVICES_PRIVATE_H

#include "discover/devices.h"

/* One distinct observation: (proto, attr, fields), counted. */
struct vg_evidence {
	uint8_t proto, attr, weight;
	uint32_t count;
	int64_t first_us, last_us;
	char *f[VG_OBS_FIELDS]; /* printable UTF-8, NULL when empty */
};

struct vg_device {
	bool has_mac, router;
	bool merged; /* moved into the MAC device its address is bound to */
	uint8_t mac[6];
	struct vg_addr key_ip; /* the key when !has_mac */
	struct vg_addr ips[VG_DEV_MAX_IPS];
	uint8_t n_ips;
	bool ips_full; /* more addresses than listed */
	int64_t first_us, last_us;
	uint64_t packets;
	struct vg_evidence *ev;
	uint16_t n_ev, cap_ev;
};

/* A device's category as the classifier sees it. */
enum vg_category {
	VG_CAT_UNKNOWN = 0,
	VG_CAT_BIOMEDICAL,
	VG_CAT_BUILDING,
	VG_CAT_PRINTER,
	VG_CAT_IOT,
	VG_CAT_NETWORK,
	VG_CAT_WORKSTATION,
	VG_CAT_SERVER,
	VG_CAT_COUNT
};

#define VG_CLASSIFY_MAX_REASONS 8

struct vg_class {
	enum vg_category category;
	int confidence;                               /* percent */
	const char *reasons[VG_CLASSIFY_MAX_REASONS]; /* static, English */
	size_t n_reasons;
};

/* "biomedical", "building-management", ... */
const char *vg_category_name(enum vg_category c);

/* Classify dev (vendor: its OUI organisation or NULL) into *out. */
void vg_classify(const struct vg_device *dev, const char *vendor,
		 struct vg_class *out);

/*
 * Move devices known only by an address that ARP or DHCP later bound to
 * a MAC into that MAC's device (they are then marked merged).
 */
void vg_devices_merge_bound(struct vg_devices *d);

/* Text of an address, and of a device's key (its MAC, else its
 * address), into out[VG_ADDR_TEXT]. */
#define VG_ADDR_TEXT 46
void vg_device_addr_text(const struct vg_addr *a, char out[VG_ADDR_TEXT]);
void vg_device_key_text(const struct vg_device *dev, char out[VG_ADDR_TEXT]);

/* Internal access for devices_json.c. */
size_t vg_devices_n(const struct vg_devices *d);
struct vg_device *vg_devices_at(struct vg_devices *d, size_t i);

#endif
