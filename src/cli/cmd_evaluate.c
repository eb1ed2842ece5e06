/* vigie evaluate: judge a facts document read from a file. */
#include "util/common.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/facts_json.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/root.h"
#include "util/banned.h"

static const struct vg_command_help evaluate_help = {
	"evaluate",
	N_("vigie evaluate [--config FILE] [--format text|json] "
	   "[--fail-on SEVERITY] [-v] FILE"),
	N_("Judge the facts document FILE (from `vigie facts`, here or on "
	   "another machine;\n'-' reads standard input) under this "
	   "machine's policy. Nothing is recorded.\n\n"
	   "  --config FILE      policy file (default: /etc/vigie/vigie.conf "
	   "if present)\n"
	   "  --format FMT       text (default) or json (vigie.scan/1)\n"
	   "  --fail-on SEV      exit 3 when a finding is at least SEV\n"
	   "  -v, --verbose      show each finding's evidence\n"),
	VG_OPT_CONFIG | VG_OPT_FORMAT | VG_OPT_FAIL_ON | VG_OPT_VERBOSE,
	1,
	1,
};

/* Read all of standard input, capped like a facts document. */
static enum vg_rc
read_stdin(struct vg_buf *b, struct vg_err *err)
{
	char chunk[65536];
	ssize_t n;
	enum vg_rc rc;

	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
		if (n < 0)
			return vg_err_set(err, VG_ERR_IO,
					  _("cannot read standard input"));
		if ((rc = vg_buf_add(b, chunk, (size_t)n)) != VG_OK)
			return vg_err_set(err, rc,
					  _("standard input is larger than "
					    "%u bytes"),
					  VG_MAX_JSON_DOC);
	}
	return VG_OK;
}

int
vg_cmd_evaluate(int argc, char **argv)
{
	struct vg_options o;
	struct vg_policy p;
	struct vg_facts f;
	struct vg_report r;
	struct vg_buf b;
	struct vg_err err;
	const char *path;
	int status, first;
	enum vg_rc rc;

	if ((status = vg_parse_options(&evaluate_help, argc, argv, &o,
				       &first)) >= 0)
		return status;
	path = argv[first];
	vg_err_clear(&err);
	vg_buf_init(&b, VG_MAX_JSON_DOC);
	if (strcmp(path, "-") == 0)
		rc = read_stdin(&b, &err);
	else
		rc = vg_file_read(path, VG_MAX_JSON_DOC, &b, &err);
	vg_facts_init(&f);
	if (rc == VG_OK)
		rc = vg_facts_parse(&f, vg_buf_str(&b), b.len, &err);
	vg_buf_release(&b);
	if (rc != VG_OK) {
		log_errx("%s: %s", path, err.msg);
		return VG_EXIT_FAILURE;
	}
	if (!vg_load_policy(&p, NULL, o.config)) {
		vg_facts_release(&f);
		return VG_EXIT_FAILURE;
	}
	status = VG_EXIT_FAILURE;
	if (vg_judge(&f, &p, &r)) {
		status = vg_show_report(&o, &f, &r) ? vg_exit_for(&r, &o)
						    : VG_EXIT_FAILURE;
		vg_report_release(&r);
	}
	vg_facts_release(&f);
	vg_policy_release(&p);
	return status;
}
