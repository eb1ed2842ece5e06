/*
 * Fuzz target: the CISA KEV catalogue (vg_feed_kev). Every entry handed
 * out is checked against feed.h: a CVE id, texts within their limits.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "vuln/feed.h"
#include "feed_fuzz.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vg_rc
check_kev(void *ctx, const struct vg_kev_rec *r)
{
	(void)ctx;
	if (r->cve == NULL || strncmp(r->cve, "CVE-", 4) != 0 ||
	    strlen(r->cve) >= VG_FEED_MAX_ID || r->vendor == NULL ||
	    strlen(r->vendor) >= VG_FEED_MAX_NAME || r->product == NULL ||
	    strlen(r->product) >= VG_FEED_MAX_NAME || r->name == NULL ||
	    strlen(r->name) >= VG_FEED_MAX_TEXT || r->date_added < -1 ||
	    r->due_date < -1)
		abort();
	return VG_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_feed_sink sink;
	struct vg_err err;

	feed_fuzz_sink(&sink, NULL);
	sink.kev = check_kev;
	(void)vg_feed_kev((const char *)data, size, "fuzz", &sink, &err);
	return 0;
}
