/* vigie serve: run the HTTPS server agents report to (web/server.h). */
#include "util/common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_server.h"
#include "core/policy.h"
#include "web/auth.h"
#include "web/server.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

#define SERVE_MAX_THREADS 64

static const char serve_usage[] =
	N_("vigie serve [--listen ADDR:PORT] [--db FILE] [--config FILE]\n"
	   "                   [--state-dir DIR] [--cert FILE --key FILE] "
	   "[--no-tls]\n"
	   "                   [--user NAME] [--threads N]");
static const char serve_help[] =
	N_("Serve the API agents report to, over HTTPS. Runs until SIGINT or "
	   "SIGTERM;\nSIGHUP reloads the policy.\n\n"
	   "  --listen ADDR:PORT address to listen on (default "
	   "127.0.0.1:8443;\n"
	   "                     [::1]:PORT for IPv6, :PORT for every "
	   "address, port 0\n"
	   "                     for any free port)\n"
	   "  --db FILE          the store (default: /var/lib/vigie/vigie.db "
	   "as root,\n"
	   "                     else $XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --config FILE      policy file (default: /etc/vigie/vigie.conf "
	   "if present)\n"
	   "  --state-dir DIR    where the generated certificate and key live\n"
	   "                     (default: /var/lib/vigie as root, else\n"
	   "                     $XDG_STATE_HOME/vigie)\n"
	   "  --cert FILE        PEM certificate to serve instead (with "
	   "--key)\n"
	   "  --key FILE         its PEM private key\n"
	   "  --no-tls           plain HTTP, on a loopback address only\n"
	   "  --user NAME        user to run as when started as root "
	   "(default: vigie)\n"
	   "  --threads N        worker threads (default: one per CPU)\n\n"
	   "At start it prints the URL and the certificate's public-key pin\n"
	   "(sha256//...), which agents take as `vigie agent enroll "
	   "--fingerprint`.\n\n"
	   "Exit status: 0 stopped by a signal, 1 failure, 2 usage error.\n");

/* The state directory: /var/lib/vigie as root, else the XDG one. */
static const char *
default_state_dir(void)
{
	static char path[4096];
	const char *xdg, *home;

	if (geteuid() == 0)
		return "/var/lib/vigie";
	if ((xdg = getenv("XDG_STATE_HOME")) != NULL && xdg[0] == '/')
		(void)snprintf(path, sizeof(path), "%s/vigie", xdg);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		(void)snprintf(path, sizeof(path), "%s/.local/state/vigie",
			       home);
	else
		return NULL;
	return path;
}

/* SIGHUP (web/server.h): the policy from the same file as at start. */
static bool
reload_policy(void *ctx, struct vg_policy *out)
{
	return vg_load_policy(out, NULL, ctx);
}

static int
usage_error(void)
{
	vg_usage(stderr, _(serve_usage), NULL);
	return VG_EXIT_USAGE;
}

int
vg_cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"db", required_argument, NULL, 'd'},
		{"config", required_argument, NULL, 'c'},
		{"state-dir", required_argument, NULL, 's'},
		{"cert", required_argument, NULL, 'C'},
		{"key", required_argument, NULL, 'K'},
		{"no-tls", no_argument, NULL, 'n'},
		{"user", required_argument, NULL, 'u'},
		{"threads", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct vg_server_config cfg;
	struct vg_policy policy;
	struct vg_err err;
	int64_t threads;
	int ch;

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:8443";
	cfg.tls = true;
	cfg.user = "vigie";
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			vg_usage(stdout, _(serve_usage), _(serve_help));
			return VG_EXIT_OK;
		case 'l':
			cfg.listen = optarg;
			break;
		case 'd':
			cfg.db = optarg;
			break;
		case 'c':
			cfg.config = optarg;
			break;
		case 's':
			cfg.state_dir = optarg;
			break;
		case 'C':
			cfg.cert = optarg;
			break;
		case 'K':
			cfg.key = optarg;
			break;
		case 'n':
			cfg.tls = false;
			break;
		case 'u':
			cfg.user = optarg;
			break;
		case 't':
			if (vg_parse_intz(optarg, 1, SERVE_MAX_THREADS,
					  &threads) != VG_OK) {
				log_errx(_("serve: --threads takes a number "
					   "from 1 to %d, not '%s'"),
					 SERVE_MAX_THREADS, optarg);
				return usage_error();
			}
			cfg.threads = (unsigned)threads;
			break;
		default:
			if (optopt != 0)
				log_errx(_("serve: option '%s' needs a value "
					   "or is unknown"),
					 argv[optind - 1]);
			else
				log_errx(_("serve: unknown option '%s'"),
					 argv[optind - 1]);
			return usage_error();
		}
	}
	if (optind < argc) {
		log_errx(_("%s: too many operands"), "serve");
		return usage_error();
	}
	if ((cfg.cert == NULL) != (cfg.key == NULL)) {
		log_errx(_("serve: --cert and --key go together"));
		return usage_error();
	}
	if (cfg.db == NULL)
		cfg.db = vg_default_db();
	if (cfg.state_dir == NULL &&
	    (cfg.state_dir = default_state_dir()) == NULL) {
		log_errx(_("serve: no HOME: give --state-dir"));
		return usage_error();
	}

	vg_err_clear(&err);
	if (vg_auth_init(&err) != VG_OK) {
		log_errx("%s", err.msg);
		return VG_EXIT_FAILURE;
	}
	/* The start-up line and reloads are worth a log line. */
	if (vg_log_level < VG_LOG_INFO)
		vg_log_level = VG_LOG_INFO;
	if (!vg_load_policy(&policy, NULL, cfg.config))
		return VG_EXIT_FAILURE;
	if (!vg_prepare_db_dir(cfg.db)) {
		vg_policy_release(&policy);
		return VG_EXIT_FAILURE;
	}
	cfg.policy = &policy;
	cfg.reload_policy = reload_policy;
	cfg.reload_ctx = (void *)cfg.config;
	if (vg_server_run(&cfg, &err) != VG_OK) {
		log_errx("%s", err.msg);
		vg_policy_release(&policy);
		return err.rc == VG_ERR_USAGE ? VG_EXIT_USAGE : VG_EXIT_FAILURE;
	}
	vg_policy_release(&policy);
	return VG_EXIT_OK;
}
