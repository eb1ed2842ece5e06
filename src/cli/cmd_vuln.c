/*
 * vigie vuln: known vulnerabilities (issue "Known vulnerabilities").
 *
 *   update   import the feeds into the store, from files (hospitals
 *            without internet access) or HTTPS URLs (conditional
 *            requests: an unchanged feed is not downloaded again)
 *   check    match this host's packages against the store's data and
 *            print the vulnerable ones (vuln/match.h)
 *   list     the updates.vulnerable_package findings of every asset
 *
 * This file holds the usage and the table of verbs; update is in
 * vuln_update.c, check and list in vuln_check.c.
 */
#include "util/common.h"

#include "cli/cli.h"
#include "cli/cmd_vuln.h"
#include "cli/vuln_cli.h"
#include "util/banned.h"

/*
 * The usage of every vuln command. Each command is a row of verbs[]
 * below with its line here.
 */
static const char vuln_usage[] =
	N_("vigie vuln update [--debian-json FILE|URL] [--debsecan FILE|URL] "
	   "[--osv DIR|ZIP]\n"
	   "                         [--kev FILE|URL] [--epss FILE|URL] "
	   "[--db FILE]\n"
	   "       vigie vuln check [--root DIR] [--format text|json] "
	   "[--db FILE]\n"
	   "       vigie vuln list [--db FILE] [--cve ID] [--kev] "
	   "[--format text|json]");

/* The verbs, by name (vuln_cli.h). */
static const struct vg_verb verbs[] = {
	{"update", vg_vuln_update},
	{"check", vg_vuln_check},
	{"list", vg_vuln_list},
};

static const char vuln_help[] =
	N_("Known vulnerabilities of the installed packages "
	   "(`vigie vuln COMMAND\n--help` describes each "
	   "command).\n");

int
vg_cmd_vuln(int argc, char **argv)
{
	return vg_run_verb("vuln", verbs, VG_ARRAY_LEN(verbs), vuln_usage,
			   vuln_help, argc, argv);
}
