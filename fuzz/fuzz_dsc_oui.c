/*
 * Fuzz target: vg_oui_add_csv on arbitrary bytes, then lookups of MACs
 * taken from the input and of fixed ones, reading every byte of each
 * name found so the sanitizers see a bad pool offset.
 */
#include "util/common.h"

#include <string.h>

#include "discover/oui.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Count the warnings and read each one to its NUL. */
static void
touch_warning(void *ctx, const char *msg)
{
	volatile size_t *sum = ctx;

	*sum += strlen(msg);
}

static void
touch_lookup(struct vg_oui *o, const uint8_t mac[6], volatile size_t *sum)
{
	const char *name = vg_oui_lookup(o, mac);

	if (name != NULL)
		*sum += strlen(name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t fixed[][6] = {
		{0x00, 0x00, 0x0c, 0x01, 0x02, 0x03},
		{0x70, 0xb3, 0xd5, 0x12, 0x3f, 0xff},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		{0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	};
	volatile size_t sum = 0;
	struct vg_oui *o;
	uint8_t mac[6];
	size_t i;

	if ((o = vg_oui_new()) == NULL)
		return 0;
	(void)vg_oui_add_csv(o, (const char *)data, size, "fuzz", touch_warning,
			     (void *)&sum, NULL);
	for (i = 0; i < VG_ARRAY_LEN(fixed); i++)
		touch_lookup(o, fixed[i], &sum);
	/* MACs from the input hit registered prefixes now and then. */
	for (i = 0; i + 6 <= size && i < 64; i += 6) {
		memcpy(mac, data + i, 6);
		touch_lookup(o, mac, &sum);
	}
	/* A second add after lookups: the table must re-sort. */
	(void)vg_oui_add_csv(o, (const char *)data, size / 2, "half", NULL,
			     NULL, NULL);
	touch_lookup(o, fixed[0], &sum);
	vg_oui_free(o);
	return 0;
}
