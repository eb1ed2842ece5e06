/* Fuzz vigie.conf parsing: any bytes, never a crash or a leak. */
#include "util/common.h"

#include "core/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
ignore_warning(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_policy p;
	struct vg_err err;

	if (vg_policy_init(&p, &err) != VG_OK)
		return 0;
	(void)vg_policy_parse(&p, "fuzz.conf", (const char *)data, size,
			      ignore_warning, NULL, &err);
	vg_policy_release(&p);
	if (vg_policy_init(&p, &err) != VG_OK)
		return 0;
	(void)vg_policy_parse_eol(&p, "fuzz.csv", (const char *)data, size,
				  ignore_warning, NULL, &err);
	vg_policy_release(&p);
	return 0;
}
