#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_agent.h"
#include "cli/cmd_assets.h"
#include "cli/cmd_discover.h"
#include "cli/cmd_export.h"
#include "cli/cmd_server.h"
#include "cli/cmd_vuln.h"
#include "cli/incident_cli.h"
#include "util/log.h"
#include "util/banned.h"

static const struct vg_command commands[] = {
	{"scan", N_("audit this host (or --root DIR) and show findings"),
	 vg_cmd_scan},
	{"facts", N_("print the facts document without judging"), vg_cmd_facts},
	{"evaluate", N_("judge a facts document from a file"), vg_cmd_evaluate},
	{"history", N_("list recorded scans and their scores"), vg_cmd_history},
	{"findings", N_("show the findings of the last recorded scan"),
	 vg_cmd_findings},
	{"serve", N_("run the HTTPS server that receives agents' reports"),
	 vg_cmd_serve},
	{"user", N_("manage console users (user add)"), vg_cmd_user},
	{"token", N_("create one-time agent enrolment tokens"), vg_cmd_token},
	{"apikey", N_("create API keys for integrations"), vg_cmd_apikey},
	{"agent", N_("enrol with a server, then collect and send reports"),
	 vg_cmd_agent},
	{"export", N_("export an asset for another tool (export glpi)"),
	 vg_cmd_export},
	{"discover", N_("inventory devices passively from network traffic"),
	 vg_cmd_discover},
	{"assets", N_("declare the establishment's assets (assets import)"),
	 vg_cmd_assets},
	{"vuln", N_("known vulnerabilities: import feeds, match packages"),
	 vg_cmd_vuln},
	{"incident", N_("record and report a security incident"),
	 vg_cmd_incident},
};

static void
main_usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
		_("usage: vigie COMMAND [OPTIONS]\n\n"
		  "Measure a host's cyber-hygiene against the ten rules "
		  "of the health\ncampaign, and explain every gap.\n\n"
		  "Commands:\n"));
	for (i = 0; i < VG_ARRAY_LEN(commands); i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name,
			_(commands[i].summary));
	fprintf(fp,
		_("\n`vigie COMMAND --help` describes a command; "
		  "see also vigie(1).\n"));
}

int
main(int argc, char **argv)
{
	size_t i;

	vg_i18n_init();
	vg_log_init("vigie", VG_LOG_WARN);
	if (argc < 2) {
		main_usage(stderr);
		return VG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_usage(stdout);
		return VG_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("vigie %s\n", VG_VERSION);
		return VG_EXIT_OK;
	}
	for (i = 0; i < VG_ARRAY_LEN(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	log_errx(_("unknown command '%s' (see `vigie --help`)"), argv[1]);
	return VG_EXIT_USAGE;
}
