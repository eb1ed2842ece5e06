/*
 * The device table: a device known first by its address only (a cooked
 * capture: no MAC) is merged into the MAC device that ARP binds the
 * address to, its evidence keeping every sighting.
 */
#include "util/common.h"

#include <jansson.h>
#include <string.h>

#include "support.h"
#include "discover/devices.h"
#include "util/banned.h"

static void
packet_from(struct vg_packet *pkt, bool has_mac, int64_t ts)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts_us = ts;
	pkt->has_mac = has_mac;
	pkt->src_mac[0] = 0x00;
	pkt->src_mac[1] = 0x09;
	pkt->src_mac[2] = 0x5c;
	pkt->src_mac[5] = 0x07;
	pkt->kind = VG_PKT_UDP;
	pkt->src.family = 4;
	pkt->src.b[0] = 10;
	pkt->src.b[3] = 57;
}

static void
hostname(const struct vg_obs_sink *sink, const struct vg_packet *pkt)
{
	struct vg_obs o;

	memset(&o, 0, sizeof(o));
	o.about = VG_ABOUT_SRC;
	o.proto = VG_PROTO_NBNS;
	o.attr = VG_ATTR_HOSTNAME;
	o.v[0] = vg_text_of("PUMP-7", 6);
	o.weight = 60;
	vg_obs_emit(sink, pkt, &o);
}

static void
test_merge_keeps_sightings(void **state)
{
	struct vg_devices *d = vg_devices_new(0);
	struct vg_obs_sink sink = vg_devices_sink(d);
	struct vg_packet pkt;
	struct vg_obs bind;
	json_t *a, *dev, *ev;
	size_t i;

	(void)state;
	assert_non_null(d);
	/* Three sightings by address only (seconds 1, 2, 3). */
	for (i = 1; i <= 3; i++) {
		packet_from(&pkt, false, (int64_t)i * 1000000);
		vg_devices_packet(d, &pkt);
		hostname(&sink, &pkt);
	}
	/* ARP binds 10.0.0.57 to the MAC. */
	packet_from(&pkt, true, 9000000);
	memset(&bind, 0, sizeof(bind));
	bind.about = VG_ABOUT_MAC;
	memcpy(bind.mac, pkt.src_mac, 6);
	bind.ip = pkt.src;
	bind.proto = VG_PROTO_ARP;
	bind.attr = VG_ATTR_IP;
	vg_obs_emit(&sink, &pkt, &bind);
	assert_int_equal(vg_devices_count(d), 2);

	a = vg_devices_to_json(d, NULL);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 1); /* merged into the MAC */
	dev = json_array_get(a, 0);
	assert_string_equal(json_string_value(json_object_get(dev, "mac")),
			    "00:09:5c:00:00:07");
	/* Three by address, one by the ARP frame that named the MAC. */
	assert_int_equal(json_integer_value(json_object_get(dev, "packets")),
			 4);
	ev = json_array_get(json_object_get(dev, "evidence"), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "value")),
			    "PUMP-7");
	assert_int_equal(json_integer_value(json_object_get(ev, "count")), 3);
	assert_string_equal(
		json_string_value(json_object_get(ev, "first_seen")),
		"1970-01-01T00:00:01Z");
	assert_string_equal(json_string_value(json_object_get(ev, "last_seen")),
			    "1970-01-01T00:00:03Z");
	json_decref(a);
	vg_devices_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_keeps_sightings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
