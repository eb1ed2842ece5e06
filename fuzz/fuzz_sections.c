/*
 * Fuzz target: sections by reference. The same bytes as a spooled
 * report (agent/sections.h: its frames, and the body rebuilt from
 * them), as a server's answer (the acknowledged digests), and as a
 * report's facts whose members may be references or sections (each
 * reference parsed, each array decoded into the server's cache).
 */
#include "util/common.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "agent/sections.h"
#include "core/sections.h"
#include "util/buf.h"
#include "core/section_cache.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define D1                                                                     \
	"blake2b:0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab" \
	"cdef"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char d[VG_SECTION_DIGEST_MAX];
	struct vg_section_entry *e;
	struct vg_agent_acked acked;
	struct vg_err err;
	struct vg_buf body;
	json_t *doc, *v;
	int i;

	memset(&acked, 0, sizeof(acked));
	(void)vg_agent_acked_add(&acked, D1);
	vg_buf_init(&body, 1u << 22);
	(void)vg_agent_report_body((const char *)data, size, &acked, &body);
	(void)vg_agent_report_body((const char *)data, size, NULL, &body);
	vg_buf_release(&body);
	(void)vg_agent_acked_from_answer(&acked, (const char *)data, size);

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
			 NULL);
	if (json_is_object(json_object_get(doc, "facts")))
		v = json_object_get(doc, "facts");
	else
		v = doc;
	for (i = 0; json_is_object(v) && i < VG_SECTION_COUNT; i++) {
		json_t *m = json_object_get(v, vg_section_name(i));

		if (vg_section_is_ref(m)) {
			(void)vg_section_ref_get(m, d);
			continue;
		}
		if (!json_is_array(m))
			continue;
		vg_section_digest("x", 1, d);
		vg_err_clear(&err);
		if (vg_section_cache_add(d, (enum vg_section)i, m, &e, &err) ==
		    VG_OK)
			vg_section_entry_unref(e);
	}
	json_decref(doc);
	vg_section_cache_clear();
	return 0;
}
