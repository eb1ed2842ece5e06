/*
 * Fuzz the incident decoder (respond/incident_json.h) on raw bytes read
 * as JSON, as the CLI, the console and the export read an incident back
 * from the store: refuse or accept without crashing or leaking; what it
 * accepts must encode again and decode to the same fields.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "respond/incident_json.h"
#include "util/banned.h"

/* Deeper documents are refused by jansson itself (JSON_PARSER_MAX_DEPTH);
 * an incident is flat, so no limit of ours is needed here. */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Equal optional texts. */
static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
		(a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_incident inc, back;
	struct vg_err err;
	json_t *o, *again;

	o = json_loadb((const char *)data, size,
		       JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (o == NULL)
		return 0;
	if (vg_incident_from_json(o, &inc, &err) == VG_OK) {
		/* Accepted input encodes, and decodes to the same. */
		if ((again = vg_incident_to_json(&inc)) == NULL ||
		    vg_incident_from_json(again, &back, &err) != VG_OK ||
		    back.id != inc.id || back.type != inc.type ||
		    back.status != inc.status || back.persons != inc.persons ||
		    back.detected_at != inc.detected_at ||
		    !same(back.title, inc.title) ||
		    !same(back.perimeter, inc.perimeter) ||
		    !same(back.cnil_ref, inc.cnil_ref))
			abort();
		json_decref(again);
	}
	json_decref(o);
	return 0;
}
