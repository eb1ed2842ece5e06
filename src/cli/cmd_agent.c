/*
 * vigie agent: `enroll` once with a server, then `run` (as a service,
 * or --once from cron). The agent library does the work; this file reads
 * options, loads the policy (the agent module does not parse vigie.conf
 * itself) and turns results into messages and exit statuses.
 */
#include "util/common.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/isolation_state.h"
#include "cli/cli.h"
#include "cli/cmd_agent.h"
#include "core/policy.h"
#include "respond/isolate.h"
#include "util/log.h"
#include "util/root.h"
#include "util/banned.h"

static const char agent_usage[] =
	N_("vigie agent enroll|run|release [OPTIONS]");
static const char agent_help[] = N_(
	"Send this host's facts to a vigie server.\n\n"
	"  enroll    exchange a one-time token for this agent's credentials\n"
	"  run       collect and send reports on a schedule\n"
	"  release   lift this host's network isolation (--local, at the "
	"machine)\n\n"
	"`vigie agent SUBCOMMAND --help` lists its options.\n");

static const char release_usage[] =
	N_("vigie agent release --local [--state-dir DIR]");
static const char release_help[] =
	N_("Break-glass: lift the network isolation of this host without the "
	   "server.\nDeletes the nftables table inet vigie_isolation and the "
	   "agent's isolation\nrecord, so that a restart does not apply it "
	   "again. Needs root.\n\n"
	   "  --local           required: says the release is done here, not "
	   "through\n"
	   "                    the server (`vigie incident release` there)\n"
	   "  --state-dir DIR   the agent's state directory (see `enroll "
	   "--help`)\n\n"
	   "Exit status: 0 released (or was not isolated), 1 failure, 2 usage "
	   "error.\n");

static const char enroll_usage[] =
	N_("vigie agent enroll --server URL --token TOKEN [--fingerprint PIN]"
	   "\n                          [--state-dir DIR]");
static const char enroll_help[] = N_(
	"Enrol this host with a vigie server, once.\n\n"
	"  --server URL        the server, e.g. https://vigie.example:8443\n"
	"  --token TOKEN       one-time token from `vigie token create`\n"
	"  --fingerprint PIN   the server's key pin (sha256//...) printed by\n"
	"                      `vigie serve`; without it the system's CAs\n"
	"                      must trust the server's certificate\n"
	"  --state-dir DIR     where the credentials and the spool live\n"
	"                      (default: /var/lib/vigie/agent as root, else\n"
	"                      $XDG_STATE_HOME/vigie/agent)\n\n"
	"Exit status: 0 enrolled, 1 failure, 2 usage error.\n");

static const char run_usage[] =
	N_("vigie agent run [--once] [--interval TIME] [--state-dir DIR]\n"
	   "                       [--root DIR] [--config FILE] [-v]");
static const char run_help[] = N_(
	"Collect this host's facts on a schedule and send them to the "
	"server.\nEach report is kept on disk until the server has it.\n\n"
	"  --once            one collection and one upload attempt, then "
	"exit\n"
	"  --interval TIME   time between collections: 90s, 15m, 1h (default)"
	",\n"
	"                    1d; at least 60 seconds\n"
	"  --state-dir DIR   credentials and spool (see `enroll --help`)\n"
	"  --root DIR        collect from the system mounted at DIR\n"
	"  --config FILE     policy file for [asset] and [backup] (default:\n"
	"                    ROOT/etc/vigie/vigie.conf if present; read at "
	"start)\n"
	"  -v, --verbose     log each report spooled and delivered\n\n"
	"Exit status: 0 done (with --once: every report delivered), 1 "
	"failure\n(with --once: reports remain in the spool), 2 usage "
	"error.\n");

/* Usage error: one line, then the usage. */
static int
usage_error(const char *usage, const char *fmt, const char *arg)
{
	log_errx(fmt, arg);
	vg_usage(stderr, _(usage), NULL);
	return VG_EXIT_USAGE;
}

static int
exit_for(enum vg_rc rc)
{
	if (rc == VG_OK)
		return VG_EXIT_OK;
	return rc == VG_ERR_USAGE ? VG_EXIT_USAGE : VG_EXIT_FAILURE;
}

static const char *
state_dir_or_default(const char *dir)
{
	if (dir != NULL)
		return dir;
	return vg_agent_default_state_dir();
}

static int
cmd_enroll(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"server", required_argument, NULL, 's'},
		{"token", required_argument, NULL, 't'},
		{"fingerprint", required_argument, NULL, 'p'},
		{"state-dir", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *server = NULL, *token = NULL, *pin = NULL, *dir = NULL;
	struct vg_err err;
	enum vg_rc rc;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			server = optarg;
			break;
		case 't':
			token = optarg;
			break;
		case 'p':
			pin = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			vg_usage(stdout, _(enroll_usage), _(enroll_help));
			return VG_EXIT_OK;
		default:
			return usage_error(enroll_usage,
					   _("agent enroll: unknown option or "
					     "missing value: '%s'"),
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(enroll_usage,
				   _("agent enroll: unexpected operand '%s'"),
				   argv[optind]);
	if (server == NULL || token == NULL)
		return usage_error(enroll_usage, "%s",
				   server == NULL
					   ? _("agent enroll: --server is "
					       "required")
					   : _("agent enroll: --token is "
					       "required"));
	if ((dir = state_dir_or_default(dir)) == NULL)
		return usage_error(enroll_usage, "%s",
				   _("agent enroll: no HOME: give "
				     "--state-dir"));
	vg_err_clear(&err);
	rc = vg_agent_enroll(dir, server, token, pin, &err);
	if (rc != VG_OK) {
		log_errx("%s", err.msg);
		return exit_for(rc);
	}
	printf(_("enrolled with %s; credentials in %s/agent.json\n"), server,
	       dir);
	return VG_EXIT_OK;
}

/* The policy's declarations ([asset], [backup]) as vigie scan reads
 * them: --config, else the one inside the root. */
static bool
load_policy(struct vg_policy *p, const char *root_dir, const char *config)
{
	struct vg_root root;
	struct vg_err err;
	bool ok;

	vg_err_clear(&err);
	if (vg_root_open(&root, root_dir, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return false;
	}
	ok = vg_load_policy(p, &root, config);
	vg_root_close(&root);
	return ok;
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"once", no_argument, NULL, 'o'},
		{"interval", required_argument, NULL, 'i'},
		{"state-dir", required_argument, NULL, 'd'},
		{"root", required_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'c'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct vg_agent_config cfg;
	struct vg_policy policy;
	struct vg_err err;
	enum vg_rc rc;
	int ch;

	memset(&cfg, 0, sizeof(cfg));
	cfg.root = "/";
	cfg.interval = 3600;
	vg_err_clear(&err);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			cfg.once = true;
			break;
		case 'i':
			if (vg_agent_parse_interval(optarg, &cfg.interval,
						    &err) != VG_OK)
				return usage_error(run_usage, "agent run: %s",
						   err.msg);
			break;
		case 'd':
			cfg.state_dir = optarg;
			break;
		case 'r':
			cfg.root = optarg;
			break;
		case 'c':
			cfg.config = optarg;
			break;
		case 'v':
			vg_log_level = VG_LOG_INFO;
			break;
		case 'h':
			vg_usage(stdout, _(run_usage), _(run_help));
			return VG_EXIT_OK;
		default:
			return usage_error(run_usage,
					   _("agent run: unknown option or "
					     "missing value: '%s'"),
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(run_usage,
				   _("agent run: unexpected operand '%s'"),
				   argv[optind]);
	if ((cfg.state_dir = state_dir_or_default(cfg.state_dir)) == NULL)
		return usage_error(run_usage, "%s",
				   _("agent run: no HOME: give --state-dir"));
	if (!load_policy(&policy, cfg.root, cfg.config))
		return VG_EXIT_FAILURE;
	cfg.policy = &policy;
	rc = vg_agent_run(&cfg, &err);
	vg_policy_release(&policy);
	if (rc != VG_OK) {
		log_errx("%s", err.msg);
		return exit_for(rc);
	}
	if (cfg.once)
		log_info(_("every report delivered"));
	return VG_EXIT_OK;
}

static int
cmd_release(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"local", no_argument, NULL, 'l'},
		{"state-dir", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct vg_isolation_state s;
	const char *dir = NULL;
	struct vg_err err;
	bool local = false, present = false, recorded;
	int ch, status = VG_EXIT_OK;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			local = true;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			vg_usage(stdout, _(release_usage), _(release_help));
			return VG_EXIT_OK;
		default:
			return usage_error(release_usage,
					   _("agent release: unknown option or "
					     "missing value: '%s'"),
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(release_usage,
				   _("agent release: unexpected operand '%s'"),
				   argv[optind]);
	if (!local)
		return usage_error(release_usage, "%s",
				   _("agent release: --local is required (the "
				     "server releases with `vigie incident "
				     "release`)"));
	if ((dir = state_dir_or_default(dir)) == NULL)
		return usage_error(release_usage, "%s",
				   _("agent release: no HOME: give "
				     "--state-dir"));
	vg_err_clear(&err);
	/* The table first: the record alone would be re-applied by
	 * nothing, but a table alone keeps the host cut off. */
	if (vg_isolate_release(&present, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return VG_EXIT_FAILURE;
	}
	printf(present ? _("deleted the nftables table inet %s\n")
		       : _("no nftables table inet %s: not isolated\n"),
	       VG_ISOLATE_TABLE);
	/* A damaged record is removed all the same. */
	recorded = vg_isolation_state_load(dir, &s, NULL) != VG_ERR_NOTFOUND;
	if (vg_isolation_state_remove(dir, &err) != VG_OK) {
		log_errx("%s", err.msg);
		status = VG_EXIT_FAILURE;
	} else if (recorded) {
		printf(_("removed the isolation record %s/%s\n"), dir,
		       VG_ISOLATION_STATE_FILE);
	} else {
		printf(_("no isolation record in %s\n"), dir);
	}
	if (status == VG_EXIT_OK && (present || recorded))
		printf("%s\n",
		       _("this host is no longer isolated; tell the "
			 "incident's handlers (the server still shows "
			 "the isolation until `vigie incident "
			 "release`)"));
	return status;
}

int
vg_cmd_agent(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {
		{"enroll", cmd_enroll},
		{"run", cmd_run},
		{"release", cmd_release},
	};
	size_t i;

	if (argc < 2) {
		vg_usage(stderr, _(agent_usage), _(agent_help));
		return VG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		vg_usage(stdout, _(agent_usage), _(agent_help));
		return VG_EXIT_OK;
	}
	for (i = 0; i < VG_ARRAY_LEN(subs); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	return usage_error(agent_usage,
			   _("agent: unknown subcommand '%s' (enroll, run or "
			     "release)"),
			   argv[1]);
}
