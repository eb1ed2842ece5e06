/*
 * Fuzz target: one OSV record (vg_feed_osv). Every record handed out is
 * checked against the contract of feed.h: strings within their limits, a
 * known release, a fixed version exactly when the status is FIXED.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "vuln/feed.h"
#include "feed_fuzz.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vg_rc
check_rec(void *ctx, const struct vg_vuln_rec *r)
{
	(void)ctx;
	if (r->id == NULL || strlen(r->id) >= VG_FEED_MAX_ID ||
	    r->package == NULL || strlen(r->package) >= VG_FEED_MAX_NAME ||
	    r->release == NULL ||
	    (r->status == VG_VULN_FIXED) != (r->fixed_version != NULL) ||
	    !feed_fuzz_short(r->fixed_version, VG_FEED_MAX_VERSION) ||
	    !feed_fuzz_short(r->introduced, VG_FEED_MAX_VERSION) ||
	    !feed_fuzz_short(r->last_affected, VG_FEED_MAX_VERSION) ||
	    !feed_fuzz_short(r->description, VG_FEED_MAX_TEXT) || r->cvss > 10)
		abort();
	return VG_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_feed_sink sink;
	struct vg_err err;

	feed_fuzz_sink(&sink, NULL);
	sink.rec = check_rec;
	(void)vg_feed_osv((const char *)data, size, "fuzz", &sink, &err);
	/* The codename table on the same bytes, as a C string. */
	if (size < 256) {
		char eco[256];

		memcpy(eco, data, size);
		eco[size] = '\0';
		(void)vg_release_codename(eco);
	}
	return 0;
}
