/*
 * Fuzz the facts decoder on raw bytes: it must refuse or accept without
 * crashing, leaking or reading out of bounds; what it accepts must
 * encode again (the store writes what the server decoded).
 */
#include "util/common.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/facts_json.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_facts f;
	struct vg_err err;
	json_t *again;

	vg_facts_init(&f);
	if (vg_facts_parse(&f, (const char *)data, size, &err) == VG_OK) {
		/* Accepted input must be encodable, or the codec is wrong. */
		if ((again = vg_facts_to_json(&f)) == NULL)
			abort();
		json_decref(again);
	}
	vg_facts_release(&f);
	return 0;
}
