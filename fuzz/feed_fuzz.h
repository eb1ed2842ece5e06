/*
 * Shared by the feed fuzz targets (fuzz_feed_*.c): a sink whose warn
 * callback checks the message, and the length checks of feed.h's
 * contract. Header-only: fuzz targets link no support file.
 */
#ifndef VG_FUZZ_FEED_FUZZ_H
#define VG_FUZZ_FEED_FUZZ_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/feed.h"

/* Every warning is a non-empty message. */
static inline void
feed_fuzz_warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (msg == NULL || msg[0] == '\0')
		abort();
}

/* A cleared sink checking warnings, ctx for the record callback. */
static inline void
feed_fuzz_sink(struct vg_feed_sink *sink, void *ctx)
{
	memset(sink, 0, sizeof(*sink));
	sink->warn = feed_fuzz_warn;
	sink->ctx = ctx;
}

/* s is NULL or shorter than max bytes. */
static inline bool
feed_fuzz_short(const char *s, size_t max)
{
	return s == NULL || strlen(s) < max;
}

#endif
