/* The JSON report: one "vigie.scan/1" document. */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/facts_json.h"
#include "core/report_json.h"
#include "util/text.h"
#include "util/banned.h"

static json_t *
host_json(const struct vg_facts *f)
{
	char when[21];

	vg_format_time(f->collected_at, when);
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s}", "hostname",
			 f->os.hostname, "os", f->os.id, "version",
			 f->os.version_id, "pretty_name", f->os.pretty_name,
			 "root", f->root, "collected_at", when);
}

bool
vg_output_json(FILE *fp, const struct vg_facts *f, const struct vg_report *r,
	       bool with_facts)
{
	json_t *doc, *facts = NULL;
	bool ok = false;

	doc = json_pack("{s:s, s:o}", "schema", "vigie.scan/1", "host",
			host_json(f));
	if (doc == NULL)
		return false;
	if (with_facts) {
		if ((facts = vg_facts_to_json(f)) == NULL ||
		    json_object_set_new(doc, "facts", facts) != 0)
			goto done;
	}
	if (vg_report_to_json(r, doc, true) != VG_OK)
		goto done;
	ok = json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
		fputc('\n', fp) != EOF && fflush(fp) == 0;
done:
	json_decref(doc);
	return ok;
}
