/*
 * Helpers shared by the discover decoders (decoder-internal, not part of
 * the discover.h contract): building and emitting an observation,
 * decimal numbers as observation text, cutting text to a cap. Each
 * decoder keeps its own limits and weights; these only remove the
 * boilerplate every decoder used to repeat.
 */
#ifndef VG_DISCOVER_DECODE_UTIL_H
#define VG_DISCOVER_DECODE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "discover/discover.h"

/* Room for any uint32_t in decimal and its NUL. */
#define VG_DSC_NUM_BUF sizeof("4294967295")

/* A vg_text over p[0..n) cut to at most max bytes. */
static inline struct vg_text
vg_dsc_cut(const void *p, size_t n, size_t max)
{
	return vg_text_of((const char *)p, n > max ? max : n);
}

/* A vg_text over the NUL-terminated s (empty for NULL). */
static inline struct vg_text
vg_dsc_str(const char *s)
{
	return vg_text_of(s, s != NULL ? strlen(s) : 0);
}

/* v in decimal, written into buf: the text lives as long as buf. */
static inline struct vg_text
vg_dsc_decimal(char buf[VG_DSC_NUM_BUF], uint32_t v)
{
	int k = snprintf(buf, VG_DSC_NUM_BUF, "%lu", (unsigned long)v);

	return vg_text_of(buf, k > 0 ? (size_t)k : 0);
}

/*
 * Emit one observation about the packet's sender or receiver with the
 * fields v[0..nv) (nv at most VG_OBS_FIELDS; the others stay empty).
 */
static inline void
vg_dsc_emit(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
	    enum vg_about about, enum vg_proto proto, enum vg_attr attr,
	    uint8_t weight, const struct vg_text *v, size_t nv)
{
	struct vg_obs o;

	memset(&o, 0, sizeof(o));
	o.about = about;
	o.proto = proto;
	o.attr = attr;
	o.weight = weight;
	if (nv > VG_OBS_FIELDS)
		nv = VG_OBS_FIELDS;
	if (nv > 0)
		memcpy(o.v, v, nv * sizeof(*v));
	vg_obs_emit(sink, pkt, &o);
}

/* vg_dsc_emit with the two fields v0 and v1 (v1 may be empty). */
static inline void
vg_dsc_emit2(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
	     enum vg_about about, enum vg_proto proto, enum vg_attr attr,
	     uint8_t weight, struct vg_text v0, struct vg_text v1)
{
	struct vg_text v[2] = {v0, v1};

	vg_dsc_emit(sink, pkt, about, proto, attr, weight, v, 2);
}

/* VG_ATTR_SERVICE: v0 the service name, v1 the port in decimal. */
static inline void
vg_dsc_emit_service(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
		    enum vg_about about, enum vg_proto proto, const char *name,
		    uint16_t port, uint8_t weight)
{
	char buf[VG_DSC_NUM_BUF];

	vg_dsc_emit2(sink, pkt, about, proto, VG_ATTR_SERVICE, weight,
		     vg_dsc_str(name), vg_dsc_decimal(buf, port));
}

#endif
