/*
 * The device table: observations merged into devices, one per MAC (per
 * IP when only routed traffic is seen), each with its addresses, names,
 * services, first and last sighting, and the evidence list that the
 * classifier (classify.c) turns into a category with a confidence.
 *
 * Bounded: at most limits.max_devices devices (new senders beyond are
 * counted, not kept), at most VG_DEV_MAX_PER_ATTR distinct values per
 * attribute and VG_DEV_MAX_EVIDENCE evidence items per device, text cut
 * at VG_DEV_MAX_TEXT bytes and made printable UTF-8.
 */
#ifndef VG_DISCOVER_DEVICES_H
#define VG_DISCOVER_DEVICES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "discover/discover.h"

struct vg_devices;
struct vg_oui;

#define VG_DEV_MAX_DEVICES 65536
#define VG_DEV_MAX_EVIDENCE 256 /* evidence items kept per device */
#define VG_DEV_MAX_PER_ATTR 32  /* distinct values of one attribute */
#define VG_DEV_MAX_IPS 16       /* addresses listed per device */
#define VG_DEV_MAX_TEXT 256     /* bytes of one value */
/* A MAC sending from more addresses than this is a router: traffic it
 * forwards is put on devices keyed by IP. */
#define VG_DEV_ROUTER_IPS 8

struct vg_dev_stats {
	uint64_t devices_dropped;  /* senders not kept: max_devices reached */
	uint64_t evidence_dropped; /* observations past the per-device caps */
};

/* An empty table for at most max_devices devices (0: the default).
 * Caller frees with vg_devices_free. NULL on no memory. */
struct vg_devices *vg_devices_new(size_t max_devices);

/* NULL-safe. */
void vg_devices_free(struct vg_devices *d);

/*
 * Only local addresses name devices: an address known without a MAC
 * gets a device, and a MAC device lists an address, only when it is
 * private (RFC 1918, RFC 6598), link-local, loopback or IPv6 unique-local
 * -- the rest of the internet is not the establishment's inventory --
 * or inside a network added here ("192.0.2.0/24", "2001:db8::/32"), for
 * establishments numbered in public space. At most VG_DEV_MAX_NETS;
 * VG_ERR_PARSE for a malformed network, VG_ERR_LIMIT past the maximum.
 */
#define VG_DEV_MAX_NETS 64
enum vg_rc vg_devices_add_local_net(struct vg_devices *d, const char *cidr);

/* Note pkt's sender: its device is created or touched (last seen). */
void vg_devices_packet(struct vg_devices *d, const struct vg_packet *pkt);

/* A sink merging observations into d. */
struct vg_obs_sink vg_devices_sink(struct vg_devices *d);

size_t vg_devices_count(const struct vg_devices *d);
const struct vg_dev_stats *vg_devices_stats(const struct vg_devices *d);

/* An asset the establishment knows: an enrolled host or a declared one. */
struct vg_known_asset {
	const char *kind; /* "host" or "asset" */
	const char *name; /* matched against the device's host names */
	const char *mac;  /* "aa:bb:cc:dd:ee:ff" or NULL */
	const char *ip;   /* an address in text form or NULL */
};

/*
 * The entry of known[0..n_known) that is the device with this MAC, one
 * of these comma-separated addresses or one of these host names (first
 * label, any case); NULL when none is.
 */
const struct vg_known_asset *vg_device_known(const char *mac, const char *ips,
					     const char *const *names,
					     size_t n_names,
					     const struct vg_known_asset *known,
					     size_t n_known);

struct vg_facts;
/* Set f->device.managed_by ("kind name", or NULL) from known, by the
 * device facts' MAC, addresses and name (a server judging a sensor's
 * report knows what the sensor did not). */
void vg_device_facts_manage(struct vg_facts *f,
			    const struct vg_known_asset *known, size_t n_known);

/*
 * Merge before, the facts recorded earlier for the same device (same
 * key; otherwise nothing is done), into now, this run's: first seen the
 * earlier, last seen the later, the addresses' union (now's first, at
 * most VG_DEV_MAX_IPS), now's name unless it has none but the key, now's
 * MAC and vendor unless absent, the evidence's union (one item per
 * source, attribute, value and detail, counts summed, times widened,
 * the larger weight; at most VG_MAX_DEVICE_EVIDENCE) and the cleartext
 * logins' union; collected_at the later. What is taken from before is copied
 * into now's arena. Category, managed_by and sensor stay now's: the caller
 * judges after.
 */
void vg_device_facts_merge(struct vg_facts *now, const struct vg_facts *before);

/* Called with each device's facts; what it returns other than VG_OK
 * stops the walk and is returned. */
typedef enum vg_rc (*vg_device_facts_fn)(void *ctx, struct vg_facts *f);

/*
 * Each device (device_facts.c) as facts of the "device" source: key,
 * addresses, name, vendor (from oui, may be NULL), category, sensor, the
 * cleartext logins seen, and managed_by "host NAME" / "asset NAME" when
 * one of known[0..n) has its MAC, one of its addresses or one of its
 * host names (first label, any case), else NULL. The facts live for the
 * call only.
 */
enum vg_rc vg_devices_each_facts(struct vg_devices *d, struct vg_oui *oui,
				 const char *sensor,
				 const struct vg_known_asset *known,
				 size_t n_known, vg_device_facts_fn fn,
				 void *ctx);

/*
 * The devices as the "devices" array of vigie.devices/1 (see
 * docs/internals/discover.md), classified, vendors from oui (may be
 * NULL), sorted by MAC then IP. NULL on no memory.
 */
json_t *vg_devices_to_json(struct vg_devices *d, struct vg_oui *oui);

#endif
