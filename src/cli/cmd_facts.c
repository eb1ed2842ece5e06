/* vigie facts: print the facts document without judging it. */
#include "util/common.h"

#include <stdio.h>

#include "cli/cli.h"
#include "core/facts_json.h"
#include "util/log.h"
#include "util/banned.h"

static const struct vg_command_help facts_help = {
	"facts",
	N_("vigie facts [--root DIR] [--config FILE]"),
	N_("Collect the facts of this host (or of the root filesystem DIR) "
	   "and print them\nas one JSON document (vigie.facts/1), without "
	   "judging them. `vigie evaluate`\njudges such a document, here or "
	   "on another machine.\n\n"
	   "  --root DIR         collect from the system mounted at DIR\n"
	   "  --config FILE      policy file, for the declared asset and "
	   "backups\n"),
	VG_OPT_ROOT | VG_OPT_CONFIG,
	0,
	0,
};

int
vg_cmd_facts(int argc, char **argv)
{
	struct vg_options o;
	struct vg_policy p;
	struct vg_facts f;
	json_t *doc;
	int status, first;

	if ((status = vg_parse_options(&facts_help, argc, argv, &o, &first)) >=
	    0)
		return status;
	if ((status = vg_collect_root(&o, &p, &f)) >= 0)
		return status;
	vg_print_warnings(&f);
	status = VG_EXIT_FAILURE;
	if ((doc = vg_facts_to_json(&f)) == NULL) {
		log_errx(_("out of memory"));
		goto done;
	}
	if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ==
		    0 &&
	    fputc('\n', stdout) != EOF && fflush(stdout) == 0)
		status = VG_EXIT_OK;
	else
		log_errx(_("cannot write the facts document"));
	json_decref(doc);
done:
	vg_facts_release(&f);
	vg_policy_release(&p);
	return status;
}
