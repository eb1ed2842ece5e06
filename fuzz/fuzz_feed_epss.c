/*
 * Fuzz target: the FIRST EPSS CSV (vg_feed_epss). Every row handed out
 * is checked against feed.h: a CVE id, both numbers within 0..1.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "vuln/feed.h"
#include "feed_fuzz.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vg_rc
check_epss(void *ctx, const struct vg_epss_rec *r)
{
	(void)ctx;
	if (r->cve == NULL || strncmp(r->cve, "CVE-", 4) != 0 ||
	    !(r->epss >= 0 && r->epss <= 1) ||
	    !(r->percentile >= 0 && r->percentile <= 1) ||
	    !feed_fuzz_short(r->model, VG_FEED_MAX_NAME))
		abort();
	return VG_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_feed_sink sink;
	struct vg_err err;

	feed_fuzz_sink(&sink, NULL);
	sink.epss = check_epss;
	(void)vg_feed_epss((const char *)data, size, "fuzz", &sink, &err);
	return 0;
}
