/*
 * Fuzz target: the debsecan feed parser (vg_feed_debsecan), on the bytes
 * as an inflated feed and as a zlib stream. Every record must honour
 * feed.h's limits; the extra's versions must be non-empty strings.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "vuln/feed.h"
#include "feed_fuzz.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vg_rc
on_row(void *ctx, const struct vg_vuln_rec *r,
       const struct vg_debsecan_extra *x)
{
	size_t *n = ctx, i;

	if (r->id == NULL || r->package == NULL ||
	    strlen(r->id) > VG_FEED_MAX_ID || strlen(r->id) == 0 ||
	    strlen(r->package) > VG_FEED_MAX_NAME ||
	    (r->status == VG_VULN_FIXED) != (r->fixed_version != NULL) ||
	    x->unstable_fixed == NULL ||
	    strlen(x->unstable_fixed) > VG_FEED_MAX_VERSION ||
	    !feed_fuzz_short(r->description, VG_FEED_MAX_TEXT + 1))
		abort();
	for (i = 0; i < x->n_other_versions; i++)
		if (strlen(x->other_versions[i]) == 0 ||
		    strlen(x->other_versions[i]) > VG_FEED_MAX_VERSION)
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
	sink.debsecan = on_row;
	(void)vg_feed_debsecan((const char *)data, size, true, "bullseye",
			       "fuzz", &sink, &err);
	(void)vg_feed_debsecan((const char *)data, size, false, NULL, "fuzz",
			       &sink, &err);
	return 0;
}
