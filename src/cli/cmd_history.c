/* vigie history: the recorded scans, newest first, with their scores. */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/* Scans listed at most (the store keeps them all). */
#define HISTORY_MAX 1000

static const struct vg_command_help history_help = {
	"history",
	N_("vigie history [--db FILE] [--format text|json]"),
	N_("List the scans recorded in the store, newest first, with the "
	   "score of each\nrule and the number of findings.\n\n"
	   "  --db FILE          the store (default: /var/lib/vigie/vigie.db "
	   "as root,\n"
	   "                     else $XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --format FMT       text (default) or json\n"),
	VG_OPT_DB | VG_OPT_FORMAT,
	0,
	0,
};

static void
print_score(int score)
{
	if (score == VG_SCORE_NONE)
		printf(" %4s", "-");
	else
		printf(" %4d", score);
}

static void
history_text(const struct vg_scan_summary *s, size_t n)
{
	char when[21];
	size_t i;
	int rule;

	if (n == 0) {
		printf(_("No scan recorded yet: run `vigie scan`.\n"));
		return;
	}
	printf("%6s  %-20s  %-24s %7s", _("SCAN"), _("DATE (UTC)"), _("HOST"),
	       _("OVERALL"));
	for (rule = 1; rule <= VG_RULE_COUNT; rule++)
		printf("  R%-2d", rule);
	printf("  %s\n", _("FINDINGS"));
	for (i = 0; i < n; i++) {
		vg_format_time(s[i].at, when);
		printf("%6lld  %-20s  %-24.24s", (long long)s[i].id, when,
		       s[i].host);
		printf("   ");
		print_score(s[i].overall);
		for (rule = 1; rule <= VG_RULE_COUNT; rule++)
			print_score(s[i].scores[rule]);
		printf("  %zu\n", s[i].n_findings);
	}
}

static json_t *
score_json(int score)
{
	return score == VG_SCORE_NONE ? json_null() : json_integer(score);
}

static bool
history_json(const struct vg_scan_summary *s, size_t n)
{
	json_t *doc, *scans, *scores, *scan;
	char when[21], key[8];
	size_t i;
	int rule;
	bool ok;

	doc = json_pack("{s:s, s:[]}", "schema", "vigie.history/1", "scans");
	if (doc == NULL)
		return false;
	scans = json_object_get(doc, "scans");
	for (i = 0; i < n; i++) {
		vg_format_time(s[i].at, when);
		scores = json_object();
		for (rule = 1; rule <= VG_RULE_COUNT; rule++) {
			(void)snprintf(key, sizeof(key), "R%d", rule);
			json_object_set_new(scores, key,
					    score_json(s[i].scores[rule]));
		}
		json_object_set_new(scores, "overall",
				    score_json(s[i].overall));
		scan = json_pack("{s:I, s:s, s:s, s:o, s:I}", "id",
				 (json_int_t)s[i].id, "collected_at", when,
				 "host", s[i].host, "scores", scores,
				 "findings", (json_int_t)s[i].n_findings);
		if (scan == NULL || json_array_append_new(scans, scan) != 0) {
			json_decref(doc);
			return false;
		}
	}
	ok = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ==
			0 &&
		fputc('\n', stdout) != EOF;
	json_decref(doc);
	return ok;
}

int
vg_cmd_history(int argc, char **argv)
{
	struct vg_scan_summary *scans = NULL;
	struct vg_store *s = NULL;
	struct vg_options o;
	struct vg_err err;
	size_t n = 0;
	int status, first;

	if ((status = vg_parse_options(&history_help, argc, argv, &o,
				       &first)) >= 0)
		return status;
	vg_err_clear(&err);
	/* No store yet: nothing recorded, and nothing to create. */
	if (access(o.db, F_OK) == -1)
		goto show;
	if (vg_store_open_sqlite(&s, o.db, &err) != VG_OK ||
	    vg_store_list_scans(s, HISTORY_MAX, &scans, &n, &err) != VG_OK) {
		log_errx("%s", err.msg);
		vg_store_free(s);
		return VG_EXIT_FAILURE;
	}
show:
	status = VG_EXIT_OK;
	if (o.format == VG_FORMAT_JSON) {
		if (!history_json(scans, n))
			status = VG_EXIT_FAILURE;
	} else
		history_text(scans, n);
	if (fflush(stdout) != 0)
		status = VG_EXIT_FAILURE;
	free(scans);
	vg_store_free(s);
	return status;
}
