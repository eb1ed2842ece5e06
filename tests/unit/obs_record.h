/*
 * Discover test support, compiled into every unit test. First a
 * recording observation sink for the discover decoders' unit tests:
 * each observation becomes one line
 *     "<about> <proto> <attr> <v0>|<v1>|<v2>|<v3>"
 * with about "src", "dst" or the MAC "aa:bb:cc:dd:ee:ff", trailing empty
 * fields and their bars left out, an IP (VG_ATTR_IP) as v0 in its usual
 * text form, and bytes outside printable ASCII as \xNN.
 */
#ifndef VG_TEST_OBS_RECORD_H
#define VG_TEST_OBS_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "discover/discover.h"

struct vg_obs_rec {
	char **lines;
	size_t n, cap;
};

void vg_obs_rec_init(struct vg_obs_rec *r);
void vg_obs_rec_release(struct vg_obs_rec *r);
/* A sink appending to r. */
struct vg_obs_sink vg_obs_rec_sink(struct vg_obs_rec *r);
/* True when r holds exactly line; prints every line when it does not. */
bool vg_obs_rec_has(const struct vg_obs_rec *r, const char *line);
/* How many lines start with prefix. */
size_t vg_obs_rec_count(const struct vg_obs_rec *r, const char *prefix);

/*
 * A reader of the classic pcap fixtures (the .pcap files in
 * tests/fixtures/discover, Ethernet link, either byte order) that hands out the
 * IPv4 TCP segments, in file order, as vg_packet values. It asserts (cmocka) on
 * a file that cannot be read or a record that overruns the file; other
 * frames are skipped.
 */
struct vg_test_pcap {
	uint8_t *file;
	size_t size, off;
	bool swap;
};

void vg_test_pcap_open(struct vg_test_pcap *pc, const char *path);
/*
 * The next TCP segment: kind, IPv4 src and dst, ports, seq, tcp_flags
 * and payload (into the file buffer, valid until close). False at the
 * end of the file.
 */
bool vg_test_pcap_next_tcp(struct vg_test_pcap *pc, struct vg_packet *pkt);
void vg_test_pcap_close(struct vg_test_pcap *pc);

#endif
