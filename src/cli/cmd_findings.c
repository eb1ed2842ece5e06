/* vigie findings: show the last recorded scan again. */
#include "util/common.h"

#include <jansson.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/facts_json.h"
#include "core/report_json.h"
#include "store/store.h"
#include "util/log.h"
#include "util/banned.h"

static const struct vg_command_help findings_help = {
	"findings",
	N_("vigie findings [--db FILE] [--format text|json] "
	   "[--fail-on SEVERITY] [-v]"),
	N_("Show the findings of the last scan recorded in the store, in the "
	   "same formats\nas `vigie scan`.\n\n"
	   "  --db FILE          the store (default: /var/lib/vigie/vigie.db "
	   "as root,\n"
	   "                     else $XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --format FMT       text (default) or json (vigie.scan/1)\n"
	   "  --fail-on SEV      exit 3 when a finding is at least SEV\n"
	   "  -v, --verbose      show each finding's evidence\n"),
	VG_OPT_DB | VG_OPT_FORMAT | VG_OPT_FAIL_ON | VG_OPT_VERBOSE,
	0,
	0,
};

int
vg_cmd_findings(int argc, char **argv)
{
	struct vg_store *s = NULL;
	struct vg_options o;
	struct vg_report r;
	struct vg_facts f;
	struct vg_err err;
	json_t *scan = NULL;
	int status, first;
	enum vg_rc rc;

	if ((status = vg_parse_options(&findings_help, argc, argv, &o,
				       &first)) >= 0)
		return status;
	vg_err_clear(&err);
	vg_facts_init(&f);
	vg_report_init(&r);
	status = VG_EXIT_FAILURE;
	/* Reading must not create an empty store as a side effect. */
	if (access(o.db, F_OK) == -1)
		rc = VG_ERR_NOTFOUND;
	else if ((rc = vg_store_open_sqlite(&s, o.db, &err)) == VG_OK)
		rc = vg_store_last_scan(s, &scan, &err);
	if (rc == VG_ERR_NOTFOUND) {
		log_errx(_("no scan recorded in '%s': run `vigie scan` first"),
			 o.db);
		goto done;
	}
	if (rc == VG_OK)
		rc = vg_facts_from_json(&f, json_object_get(scan, "facts"),
					&err);
	if (rc == VG_OK)
		rc = vg_report_from_json(&r, scan, &err);
	if (rc != VG_OK) {
		log_errx("%s: %s", o.db, err.msg);
		goto done;
	}
	status = vg_show_report(&o, &f, &r) ? vg_exit_for(&r, &o)
					    : VG_EXIT_FAILURE;
done:
	json_decref(scan);
	vg_report_release(&r);
	vg_facts_release(&f);
	vg_store_free(s);
	return status;
}
