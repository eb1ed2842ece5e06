/*
 * Fuzz target: the Debian tracker JSON parser (vg_feed_debian_json).
 * Every record must honour feed.h: strings within the limits, a fixed
 * version exactly when the status is FIXED.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "vuln/feed.h"
#include "feed_fuzz.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vg_rc
on_rec(void *ctx, const struct vg_vuln_rec *r)
{
	size_t *n = ctx;

	if (r->id == NULL || r->package == NULL || r->release == NULL ||
	    strlen(r->id) > VG_FEED_MAX_ID ||
	    strlen(r->package) > VG_FEED_MAX_NAME ||
	    strlen(r->release) > VG_FEED_MAX_NAME ||
	    (r->status == VG_VULN_FIXED) != (r->fixed_version != NULL) ||
	    !feed_fuzz_short(r->fixed_version, VG_FEED_MAX_VERSION + 1) ||
	    !feed_fuzz_short(r->description, VG_FEED_MAX_TEXT + 1))
		abort();
	(*n)++;
	return VG_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_feed_sink sink;
	struct vg_err err;
	size_t n = 0;

	feed_fuzz_sink(&sink, &n);
	sink.rec = on_rec;
	(void)vg_feed_debian_json((const char *)data, size, "fuzz.json", &sink,
				  &err);
	return 0;
}
