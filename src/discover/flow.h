/*
 * The TCP flow table: per connection, in-order reassembly of each
 * direction (bounded) and the stream decoders of discover.h run over it.
 *
 * Bounded by construction: at most limits.max_flows connections (the
 * least recently seen is evicted), at most limits.reasm_cap bytes kept
 * per direction until a decoder has identified it, at most
 * limits.ooo_max out-of-order segments queued per direction (then the
 * gap is declared lost and the direction given up). Counters of what was
 * dropped go to struct vg_flow_stats.
 */
#ifndef VG_DISCOVER_FLOW_H
#define VG_DISCOVER_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "discover/discover.h"

struct vg_flows;

struct vg_flow_limits {
	size_t max_flows; /* connections tracked at once */
	size_t reasm_cap; /* bytes buffered per direction */
	size_t ooo_max;   /* out-of-order segments queued per direction */
	int64_t idle_us;  /* a connection idle this long is forgotten */
};

/* Defaults: 65536 flows, 64 KiB, 8 segments, 10 minutes. */
#define VG_FLOW_MAX_FLOWS 65536
#define VG_FLOW_REASM_CAP (64u * 1024u)
#define VG_FLOW_OOO_MAX 8
#define VG_FLOW_IDLE_US (600LL * 1000000LL)

struct vg_flow_stats {
	uint64_t flows;       /* connections seen */
	uint64_t evicted;     /* dropped for max_flows */
	uint64_t expired;     /* forgotten after idle_us */
	uint64_t capped;      /* directions given up at reasm_cap */
	uint64_t gaps;        /* directions given up at a lost segment */
	uint64_t ooo_dropped; /* out-of-order segments dropped */
	uint64_t identified[VG_PROTO_COUNT]; /* directions bound to a decoder */
};

/*
 * A flow table running decoders[0..n) (usually vg_stream_decoders) on
 * every new direction, in order. lim NULL means the defaults. Caller
 * frees with vg_flows_free. VG_ERR_NOMEM or VG_ERR_USAGE (a zero limit).
 */
enum vg_rc vg_flows_new(struct vg_flows **out, const struct vg_flow_limits *lim,
			const struct vg_stream_decoder *decoders, size_t n);

/* NULL-safe. */
void vg_flows_free(struct vg_flows *fl);

/*
 * One TCP segment (pkt->kind == VG_PKT_TCP): track the connection,
 * reassemble, run the decoders, which emit into sink. Never fails: what
 * cannot be kept is counted in the stats.
 */
void vg_flows_segment(struct vg_flows *fl, const struct vg_packet *pkt,
		      const struct vg_obs_sink *sink);

/* Connections tracked now. */
size_t vg_flows_count(const struct vg_flows *fl);

const struct vg_flow_stats *vg_flows_stats(const struct vg_flows *fl);

#endif
