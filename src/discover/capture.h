/*
 * Reading packets with libpcap, live or from a pcap/pcapng file, and
 * feeding the pipeline: vg_packet_decode, the device table, vg_dispatch.
 *
 * Listen only: the capture handle is never used to send (no
 * pcap_inject, no pcap_sendpacket anywhere in vigie). Once the handle is
 * open, a process running as root drops to an unprivileged user with no
 * capabilities and no way back (no_new_privs) before it decodes a byte.
 */
#ifndef VG_DISCOVER_CAPTURE_H
#define VG_DISCOVER_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "discover/devices.h"
#include "discover/dispatch.h"
#include "discover/flow.h"

#define VG_CAPTURE_SNAPLEN 65535
#define VG_CAPTURE_USER "vigie"      /* dropped to when root ... */
#define VG_CAPTURE_FALLBACK "nobody" /* ... or this if there is none */

struct vg_capture_opts {
	const char *iface;  /* live capture on this interface, or */
	const char *file;   /* read this pcap or pcapng file ("-": stdin) */
	int64_t duration_s; /* live: stop after this long (0: until a signal) */
	const char *user; /* NULL: VG_CAPTURE_USER, else VG_CAPTURE_FALLBACK */
	bool progress;    /* a progress line on stderr (a terminal) */
};

struct vg_capture_stats {
	uint64_t packets, bytes;
	uint64_t malformed;    /* frames vg_packet_decode refused */
	uint64_t truncated;    /* frames cut short by the capture */
	uint64_t kernel_drops; /* live: dropped by the kernel (ps_drop) */
	uint64_t iface_drops;  /* live: dropped by the interface */
	char dropped_to[64];   /* the user the decoding ran as, if dropped */
};

struct vg_pipeline {
	struct vg_devices *devices;
	struct vg_flows *flows;
	struct vg_dispatch_stats dispatch;
	struct vg_capture_stats capture;
};

/*
 * Open the capture (o->iface or o->file), drop privileges when root,
 * then read until the file ends, the duration passes or
 * vg_capture_stop() is called (from a signal handler). VG_ERR_IO (cannot
 * open, or a read error: what was read is kept in p), VG_ERR_USAGE (an
 * unknown link type) or VG_ERR_NOMEM.
 */
enum vg_rc vg_capture_run(const struct vg_capture_opts *o,
			  struct vg_pipeline *p, struct vg_err *err);

/* Ask a running capture to stop (async-signal-safe). */
void vg_capture_stop(void);

/*
 * Drop from root to user (see VG_CAPTURE_USER): supplementary groups,
 * gid, uid, every capability, and set no_new_privs; checks that root
 * cannot be regained. A process that is not root only sheds its
 * capabilities. *dropped_to gets the user name ("" if not root).
 */
enum vg_rc vg_capture_drop_privileges(const char *user, char *dropped_to,
				      size_t len, struct vg_err *err);

#endif
