/*
 * The device table (devices.h): devices in one array, found by an open
 * addressing hash on their key (a MAC, or an IP address for devices seen
 * only through a router), plus a second hash binding IP addresses to the
 * MACs that ARP and DHCP say own them. Every packet touches its sender,
 * so the lookup is the hot path: no allocation there once a device
 * exists.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/devices_private.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

/* A hash key: kind 1 = MAC (6 bytes), 4 or 6 = IP address. */
struct dkey {
	uint8_t kind;
	uint8_t b[16];
};

struct slot {
	struct dkey key;
	uint32_t val; /* device index + 1, or binding MAC index + 1; 0 empty */
};

struct table {
	struct slot *s;
	size_t cap, n; /* cap a power of two */
};

struct net {
	struct vg_addr a;
	unsigned bits;
};

struct vg_devices {
	struct net nets[VG_DEV_MAX_NETS]; /* local networks added */
	size_t n_nets;
	struct vg_device *dev;
	size_t n, cap, max;
	struct table by_key;  /* key -> device */
	struct table binding; /* IP -> MAC device (ARP, DHCP) */
	struct vg_dev_stats stats;
};

static uint64_t
key_hash(const struct dkey *k)
{
	uint64_t h = 1469598103934665603ULL ^ k->kind;
	size_t i, n = k->kind == 1 ? 6 : k->kind == 4 ? 4 : 16;

	for (i = 0; i < n; i++) {
		h ^= k->b[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static bool
key_eq(const struct dkey *a, const struct dkey *b)
{
	return a->kind == b->kind && memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

static struct slot *
table_find(struct table *t, const struct dkey *k)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = key_hash(k) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (t->s[i].val == 0)
			return &t->s[i];
		if (key_eq(&t->s[i].key, k))
			return &t->s[i];
	}
}

/* Room for one more key (load at most 1/2). */
static bool
table_reserve(struct table *t)
{
	struct table nt;
	size_t i;

	if ((t->n + 1) * 2 <= t->cap)
		return true;
	nt.cap = t->cap ? t->cap * 2 : 256;
	nt.n = t->n;
	if ((nt.s = calloc(nt.cap, sizeof(*nt.s))) == NULL)
		return false;
	for (i = 0; i < t->cap; i++)
		if (t->s[i].val != 0)
			*table_find(&nt, &t->s[i].key) = t->s[i];
	free(t->s);
	*t = nt;
	return true;
}

static void
key_mac(struct dkey *k, const uint8_t mac[6])
{
	memset(k, 0, sizeof(*k));
	k->kind = 1;
	memcpy(k->b, mac, 6);
}

static void
key_ip(struct dkey *k, const struct vg_addr *a)
{
	memset(k, 0, sizeof(*k));
	k->kind = a->family;
	memcpy(k->b, a->b, a->family == 4 ? 4 : 16);
}

/* A MAC that names one device: unicast, not all zero (loopback). */
static bool
mac_usable(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return (mac[0] & 1) == 0 && memcmp(mac, zero, 6) != 0;
}

/* An address that names one device: not unspecified, multicast or
 * broadcast. */
static bool
ip_usable(const struct vg_addr *a)
{
	static const uint8_t zero[16];

	if (a->family == 4)
		return memcmp(a->b, zero, 4) != 0 && a->b[0] < 224;
	if (a->family == 6)
		return memcmp(a->b, zero, 16) != 0 && a->b[0] != 0xff;
	return false;
}

/* The first bits of a and b agree. */
static bool
prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	return rest == 0 ||
		((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* A local address (devices.h): private, link-local, or added. */
static bool
ip_local(const struct vg_devices *d, const struct vg_addr *a)
{
	static const struct {
		uint8_t family, bits, b[4];
	} builtin[] = {
		{4, 8, {10}},       {4, 12, {172, 16}},    {4, 16, {192, 168}},
		{4, 10, {100, 64}}, {4, 16, {169, 254}},   {4, 8, {127}},
		{6, 7, {0xfc}},     {6, 10, {0xfe, 0x80}},
	};
	static const uint8_t loop6[16] = {[15] = 1};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(builtin); i++)
		if (a->family == builtin[i].family &&
		    prefix_eq(a->b, builtin[i].b, builtin[i].bits))
			return true;
	if (a->family == 6 && memcmp(a->b, loop6, 16) == 0)
		return true;
	for (i = 0; i < d->n_nets; i++)
		if (a->family == d->nets[i].a.family &&
		    prefix_eq(a->b, d->nets[i].a.b, d->nets[i].bits))
			return true;
	return false;
}

enum vg_rc
vg_devices_add_local_net(struct vg_devices *d, const char *cidr)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(cidr, '/');
	struct net n;
	int64_t bits;
	size_t len = slash ? (size_t)(slash - cidr) : strlen(cidr);

	if (d->n_nets >= VG_DEV_MAX_NETS)
		return VG_ERR_LIMIT;
	if (len == 0 || len >= sizeof(host))
		return VG_ERR_PARSE;
	memcpy(host, cidr, len);
	host[len] = '\0';
	memset(&n, 0, sizeof(n));
	if (inet_pton(AF_INET, host, n.a.b) == 1)
		n.a.family = 4;
	else if (inet_pton(AF_INET6, host, n.a.b) == 1)
		n.a.family = 6;
	else
		return VG_ERR_PARSE;
	bits = n.a.family == 4 ? 32 : 128;
	if (slash != NULL &&
	    vg_parse_intz(slash + 1, 0, n.a.family == 4 ? 32 : 128, &bits) !=
		    VG_OK)
		return VG_ERR_PARSE;
	n.bits = (unsigned)bits;
	d->nets[d->n_nets++] = n;
	return VG_OK;
}

struct vg_devices *
vg_devices_new(size_t max_devices)
{
	struct vg_devices *d = calloc(1, sizeof(*d));

	if (d != NULL)
		d->max = max_devices > 0 ? max_devices : VG_DEV_MAX_DEVICES;
	return d;
}

static void
evidence_release(struct vg_evidence *e)
{
	size_t i;

	for (i = 0; i < VG_OBS_FIELDS; i++)
		free(e->f[i]);
}

void
vg_devices_free(struct vg_devices *d)
{
	size_t i, j;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		for (j = 0; j < d->dev[i].n_ev; j++)
			evidence_release(&d->dev[i].ev[j]);
		free(d->dev[i].ev);
	}
	free(d->dev);
	free(d->by_key.s);
	free(d->binding.s);
	free(d);
}

/* The device of key k, created when create; NULL if none or full. */
static struct vg_device *
device_of(struct vg_devices *d, const struct dkey *k, bool create)
{
	struct vg_device *dev;
	struct slot *s;

	if ((s = table_find(&d->by_key, k)) != NULL && s->val != 0)
		return &d->dev[s->val - 1];
	if (!create)
		return NULL;
	if (d->n >= d->max) {
		d->stats.devices_dropped++;
		return NULL;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct vg_device *nd = reallocarray(d->dev, cap, sizeof(*nd));

		if (nd == NULL)
			return NULL;
		d->dev = nd;
		d->cap = cap;
	}
	if (!table_reserve(&d->by_key))
		return NULL;
	dev = &d->dev[d->n];
	memset(dev, 0, sizeof(*dev));
	if (k->kind == 1) {
		dev->has_mac = true;
		memcpy(dev->mac, k->b, 6);
	} else {
		dev->key_ip.family = k->kind;
		memcpy(dev->key_ip.b, k->b, 16);
	}
	s = table_find(&d->by_key, k);
	s->key = *k;
	s->val = (uint32_t)++d->n;
	d->by_key.n++;
	return dev;
}

static void
add_ip(struct vg_device *dev, const struct vg_addr *a)
{
	size_t i;

	for (i = 0; i < dev->n_ips; i++)
		if (dev->ips[i].family == a->family &&
		    memcmp(dev->ips[i].b, a->b, 16) == 0)
			return;
	if (dev->n_ips < VG_DEV_MAX_IPS)
		dev->ips[dev->n_ips++] = *a;
	else
		dev->ips_full = true;
	/* A MAC behind which many addresses speak forwards for them. */
	if (dev->n_ips > VG_DEV_ROUTER_IPS)
		dev->router = true;
}

/*
 * The device an endpoint (mac, ip) of a packet stands for: the MAC an
 * address is bound to, else the MAC itself unless it is a router's,
 * else the address. What is observed of an internet address (observe)
 * is no one's here: its MAC is the gateway's.
 */
static struct vg_device *
resolve(struct vg_devices *d, bool has_mac, const uint8_t mac[6],
	const struct vg_addr *ip, bool observe)
{
	bool local = ip_usable(ip) && ip_local(d, ip);
	struct vg_device *dev = NULL;
	struct dkey k;
	struct slot *s;

	if (observe && ip_usable(ip) && !local)
		return NULL;
	if (local) {
		key_ip(&k, ip);
		s = table_find(&d->binding, &k);
		if (s != NULL && s->val != 0)
			return &d->dev[s->val - 1];
	}
	if (has_mac && mac_usable(mac)) {
		key_mac(&k, mac);
		dev = device_of(d, &k, true);
		if (dev == NULL || !dev->router || !local) {
			if (dev != NULL && local && !dev->router)
				add_ip(dev, ip);
			return dev;
		}
	}
	if (!local)
		return NULL;
	key_ip(&k, ip);
	dev = device_of(d, &k, true);
	if (dev != NULL && dev->n_ips == 0)
		add_ip(dev, ip);
	return dev;
}

static void
touch(struct vg_device *dev, int64_t ts)
{
	if (dev->packets == 0 || ts < dev->first_us)
		dev->first_us = ts;
	if (dev->packets == 0 || ts > dev->last_us)
		dev->last_us = ts;
	dev->packets++;
}

void
vg_devices_packet(struct vg_devices *d, const struct vg_packet *pkt)
{
	struct vg_device *dev;

	dev = resolve(d, pkt->has_mac, pkt->src_mac, &pkt->src, false);
	if (dev != NULL)
		touch(dev, pkt->ts_us);
}

/* Bind address a to the device of mac (ARP, DHCP ACK). */
static void
bind_ip(struct vg_devices *d, struct vg_device *dev, const struct vg_addr *a)
{
	struct dkey k;
	struct slot *s;

	if (!ip_usable(a) || !ip_local(d, a) || !dev->has_mac)
		return;
	add_ip(dev, a);
	key_ip(&k, a);
	if (!table_reserve(&d->binding))
		return;
	s = table_find(&d->binding, &k);
	if (s->val == 0)
		d->binding.n++;
	s->key = k;
	s->val = (uint32_t)(dev - d->dev) + 1;
}

/*
 * Copy t into a fresh string, cut at VG_DEV_MAX_TEXT bytes on a
 * character boundary, control bytes and invalid UTF-8 as '?'; NULL when
 * empty (or no memory: the value is then simply not kept).
 */
static char *
clean_text(struct vg_text t)
{
	size_t i = 0, o = 0, n = t.n, len;
	char *s;

	if (t.p == NULL || n == 0)
		return NULL;
	if (n > VG_DEV_MAX_TEXT)
		n = VG_DEV_MAX_TEXT;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	while (i < n) {
		unsigned char c = (unsigned char)t.p[i];

		len = vg_utf8_seq(t.p + i, n - i);
		if (len > 1) {
			memcpy(s + o, t.p + i, len);
			o += len;
			i += len;
			continue;
		}
		s[o++] = c >= 0x20 && c != 0x7f && len == 1 ? (char)c : '?';
		i++;
	}
	/* Trailing spaces pad AE titles and NetBIOS names: not content. */
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	if (o == 0) {
		free(s);
		return NULL;
	}
	return s;
}

static bool
same_fields(const struct vg_evidence *e, char *const f[VG_OBS_FIELDS])
{
	size_t i;

	for (i = 0; i < VG_OBS_FIELDS; i++)
		if ((e->f[i] == NULL) != (f[i] == NULL) ||
		    (f[i] != NULL && strcmp(e->f[i], f[i]) != 0))
			return false;
	return true;
}

/* Record o on dev, seen count times from first_us to last_us: counted
 * with an equal one seen before, else kept within the caps. */
static void
add_evidence(struct vg_devices *d, struct vg_device *dev,
	     const struct vg_obs *o, int64_t first_us, int64_t last_us,
	     uint32_t count)
{
	char *f[VG_OBS_FIELDS];
	struct vg_evidence *e;
	size_t i, same_attr = 0;

	for (i = 0; i < VG_OBS_FIELDS; i++)
		f[i] = clean_text(o->v[i]);
	if (f[0] == NULL)
		goto drop;
	for (i = 0; i < dev->n_ev; i++) {
		e = &dev->ev[i];
		if (e->proto != o->proto || e->attr != o->attr)
			continue;
		same_attr++;
		if (same_fields(e, f)) {
			e->count = e->count > UINT32_MAX - count
				? UINT32_MAX
				: e->count + count;
			if (first_us < e->first_us)
				e->first_us = first_us;
			if (last_us > e->last_us)
				e->last_us = last_us;
			goto drop_quiet;
		}
	}
	if (same_attr >= VG_DEV_MAX_PER_ATTR ||
	    dev->n_ev >= VG_DEV_MAX_EVIDENCE)
		goto drop;
	if (dev->n_ev == dev->cap_ev) {
		size_t cap = dev->cap_ev ? dev->cap_ev * 2u : 8u;
		struct vg_evidence *ne;

		if (cap > VG_DEV_MAX_EVIDENCE)
			cap = VG_DEV_MAX_EVIDENCE;
		if ((ne = reallocarray(dev->ev, cap, sizeof(*ne))) == NULL)
			goto drop;
		dev->ev = ne;
		dev->cap_ev = (uint16_t)cap;
	}
	e = &dev->ev[dev->n_ev++];
	memset(e, 0, sizeof(*e));
	e->proto = (uint8_t)o->proto;
	e->attr = (uint8_t)o->attr;
	e->weight = o->weight > 100 ? 100 : o->weight;
	e->count = count;
	e->first_us = first_us;
	e->last_us = last_us;
	memcpy(e->f, f, sizeof(f));
	return;
drop:
	d->stats.evidence_dropped++;
drop_quiet:
	for (i = 0; i < VG_OBS_FIELDS; i++)
		free(f[i]);
}

static void
on_obs(void *ctx, const struct vg_packet *pkt, const struct vg_obs *o)
{
	struct vg_devices *d = ctx;
	struct vg_device *dev;
	struct dkey k;

	if ((unsigned)o->proto >= VG_PROTO_COUNT ||
	    (unsigned)o->attr >= VG_ATTR_COUNT)
		return;
	switch (o->about) {
	case VG_ABOUT_SRC:
		dev = resolve(d, pkt->has_mac, pkt->src_mac, &pkt->src, true);
		break;
	case VG_ABOUT_DST:
		dev = resolve(d, pkt->has_mac, pkt->dst_mac, &pkt->dst, true);
		break;
	case VG_ABOUT_MAC:
		if (!mac_usable(o->mac))
			return;
		key_mac(&k, o->mac);
		dev = device_of(d, &k, true);
		break;
	default:
		return;
	}
	if (dev == NULL)
		return;
	if (dev->packets == 0)
		touch(dev, pkt->ts_us);
	if (o->attr == VG_ATTR_IP) {
		bind_ip(d, dev, &o->ip);
		return;
	}
	add_evidence(d, dev, o, pkt->ts_us, pkt->ts_us, 1);
}

struct vg_obs_sink
vg_devices_sink(struct vg_devices *d)
{
	struct vg_obs_sink s = {on_obs, d};
	return s;
}

size_t
vg_devices_count(const struct vg_devices *d)
{
	return d->n;
}

const struct vg_dev_stats *
vg_devices_stats(const struct vg_devices *d)
{
	return &d->stats;
}

size_t
vg_devices_n(const struct vg_devices *d)
{
	return d->n;
}

struct vg_device *
vg_devices_at(struct vg_devices *d, size_t i)
{
	return i < d->n ? &d->dev[i] : NULL;
}

/* Move from's sightings and evidence into to (within to's caps). */
static void
merge_into(struct vg_devices *d, struct vg_device *to, struct vg_device *from)
{
	size_t i;

	if (from->packets > 0) {
		if (to->packets == 0 || from->first_us < to->first_us)
			to->first_us = from->first_us;
		if (to->packets == 0 || from->last_us > to->last_us)
			to->last_us = from->last_us;
		to->packets += from->packets;
	}
	for (i = 0; i < from->n_ev; i++) {
		struct vg_evidence *e = &from->ev[i];
		struct vg_obs o;
		size_t j;

		/* Re-added with its sightings (count, first and last), so
		 * the caps of to apply. */
		memset(&o, 0, sizeof(o));
		o.proto = e->proto;
		o.attr = e->attr;
		o.weight = e->weight;
		for (j = 0; j < VG_OBS_FIELDS; j++)
			o.v[j] = vg_text_of(e->f[j],
					    e->f[j] ? strlen(e->f[j]) : 0);
		add_evidence(d, to, &o, e->first_us, e->last_us, e->count);
		evidence_release(e);
	}
	free(from->ev);
	from->ev = NULL;
	from->n_ev = from->cap_ev = 0;
	from->merged = true;
}

void
vg_devices_merge_bound(struct vg_devices *d)
{
	struct dkey k;
	struct slot *s;
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct vg_device *dev = &d->dev[i];

		if (dev->has_mac || dev->merged)
			continue;
		key_ip(&k, &dev->key_ip);
		s = table_find(&d->binding, &k);
		if (s != NULL && s->val != 0 && &d->dev[s->val - 1] != dev)
			merge_into(d, &d->dev[s->val - 1], dev);
	}
}

void
vg_device_addr_text(const struct vg_addr *a, char out[VG_ADDR_TEXT])
{
	out[0] = '\0';
	(void)inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->b, out,
			VG_ADDR_TEXT);
}

void
vg_device_key_text(const struct vg_device *dev, char out[VG_ADDR_TEXT])
{
	if (!dev->has_mac) {
		vg_device_addr_text(&dev->key_ip, out);
		return;
	}
	(void)snprintf(out, VG_ADDR_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x",
		       dev->mac[0], dev->mac[1], dev->mac[2], dev->mac[3],
		       dev->mac[4], dev->mac[5]);
}
