/*
 * vigie incident isolate|release ID --asset NAME: queue a task for the
 * agent of host NAME on behalf of incident ID (the store appends it to
 * the incident's timeline), print its id, and with --wait follow it
 * until the agent confirms or reports failure. The agent learns of it
 * through its long-poll (web/longpoll.h) within a second.
 */
#include "util/common.h"

#include <getopt.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/incident_cli.h"
#include "store/store.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/* --wait at most, in seconds (an hour: an agent is either there or
 * not). */
#define ISOLATE_WAIT_MAX 3600
/* Between two looks at the task while waiting. */
#define ISOLATE_POLL_MS 100

struct isolate_opts {
	const char *db;
	const char *asset;
	const char *actor;
	int64_t incident;
	int64_t wait; /* seconds, -1: do not wait */
};

static int
usage_error(bool release)
{
	vg_usage(stderr,
		 release ? _("vigie incident release ID --asset NAME [--db "
			     "FILE] [--wait SECONDS] [--actor NAME]")
			 : _("vigie incident isolate ID --asset NAME [--db "
			     "FILE] [--wait SECONDS] [--actor NAME]"),
		 NULL);
	return VG_EXIT_USAGE;
}

static void
print_help(bool release)
{
	vg_usage(
		stdout,
		release ? _("vigie incident release ID --asset NAME [--db "
			    "FILE] [--wait SECONDS] [--actor NAME]")
			: _("vigie incident isolate ID --asset NAME [--db "
			    "FILE] [--wait SECONDS] [--actor NAME]"),
		release ? _("Ask the agent of host NAME to lift its network "
			    "isolation (remove the\nnftables table "
			    "inet vigie_isolation), on behalf of incident "
			    "ID. Prints\nthe task's id.\n\n"
			    "  --asset NAME       the host (as in the assets "
			    "list)\n"
			    "  --db FILE          the store (default: "
			    "/var/lib/vigie/vigie.db as root,\n"
			    "                     else "
			    "$XDG_DATA_HOME/vigie/vigie.db)\n"
			    "  --wait SECONDS     wait for the agent's answer: "
			    "exit 0 confirmed,\n"
			    "                     1 failed or no answer in "
			    "time\n"
			    "  --actor NAME       who asks (default: the Unix "
			    "user)\n")
			: _("Ask the agent of host NAME to isolate it from "
			    "the network (only the\nvigie server stays "
			    "reachable), on behalf of incident ID. The agent "
			    "first\nsends a volatile evidence snapshot "
			    "(processes, connections, users). Prints\nthe "
			    "task's id.\n\n"
			    "  --asset NAME       the host (as in the assets "
			    "list)\n"
			    "  --db FILE          the store (default: "
			    "/var/lib/vigie/vigie.db as root,\n"
			    "                     else "
			    "$XDG_DATA_HOME/vigie/vigie.db)\n"
			    "  --wait SECONDS     wait for the agent's answer: "
			    "exit 0 confirmed,\n"
			    "                     1 failed or no answer in "
			    "time\n"
			    "  --actor NAME       who asks (default: the Unix "
			    "user)\n"));
}

/* Parse argv (argv[0] the verb); -1 to go on, else the exit status. */
static int
parse(int argc, char **argv, bool release, struct isolate_opts *o)
{
	static const struct option longopts[] = {
		{"asset", required_argument, NULL, 'a'},
		{"db", required_argument, NULL, 'd'},
		{"wait", required_argument, NULL, 'w'},
		{"actor", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *verb = release ? "incident release" : "incident isolate";
	int ch;

	memset(o, 0, sizeof(*o));
	o->wait = -1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			print_help(release);
			return VG_EXIT_OK;
		case 'a':
			o->asset = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'A':
			o->actor = optarg;
			break;
		case 'w':
			if (vg_parse_intz(optarg, 0, ISOLATE_WAIT_MAX,
					  &o->wait) != VG_OK) {
				log_errx(_("%s: --wait: expected seconds from "
					   "0 to %d"),
					 verb, ISOLATE_WAIT_MAX);
				return usage_error(release);
			}
			break;
		case ':':
			log_errx(_("%s: option '%s' needs a value"), verb,
				 argv[optind - 1]);
			return usage_error(release);
		default:
			log_errx(_("%s: unknown option '%s'"), verb,
				 argv[optind - 1]);
			return usage_error(release);
		}
	}
	if (argc - optind != 1) {
		log_errx(argc - optind < 1 ? _("%s: missing incident id")
					   : _("%s: too many operands"),
			 verb);
		return usage_error(release);
	}
	if (vg_parse_intz(argv[optind], 1, INT64_MAX, &o->incident) != VG_OK) {
		log_errx(_("%s: '%s' is not an incident id"), verb,
			 argv[optind]);
		return usage_error(release);
	}
	if (o->asset == NULL || o->asset[0] == '\0') {
		log_errx(_("%s: --asset NAME is required"), verb);
		return usage_error(release);
	}
	if (o->db == NULL)
		o->db = vg_default_db();
	return -1;
}

/* Who asks: --actor, else the Unix user (else the uid). */
static void
actor_name(const char *given, char *out, size_t size)
{
	struct passwd *pw;

	if (given != NULL && given[0] != '\0')
		(void)snprintf(out, size, "%s", given);
	else if ((pw = getpwuid(geteuid())) != NULL)
		(void)snprintf(out, size, "%s", pw->pw_name);
	else
		(void)snprintf(out, size, "uid:%ld", (long)geteuid());
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	(void)nanosleep(&ts, NULL);
}

/*
 * Follow task id of incident until answered or wait seconds passed;
 * prints the state (and the reason of a failure). The exit status.
 */
static int
follow(struct vg_store *s, int64_t incident, int64_t id, int64_t wait)
{
	struct timespec start, now;
	const json_t *t, *found;
	const char *st, *detail;
	char state[16] = "pending";
	struct vg_err err;
	json_t *list;
	size_t i;
	int status;

	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		vg_err_clear(&err);
		if (vg_store_tasks_list(s, incident, &list, &err) != VG_OK) {
			log_errx("%s", err.msg);
			return VG_EXIT_FAILURE;
		}
		found = NULL;
		json_array_foreach(
			list, i,
			t) if (json_integer_value(json_object_get(t, "id")) ==
			       id) found = t;
		st = json_string_value(json_object_get(found, "state"));
		if (st != NULL)
			(void)snprintf(state, sizeof(state), "%s", st);
		if (st != NULL &&
		    (strcmp(st, "confirmed") == 0 ||
		     strcmp(st, "failed") == 0)) {
			detail = json_string_value(
				json_object_get(found, "detail"));
			status = strcmp(st, "confirmed") == 0 ? VG_EXIT_OK
							      : VG_EXIT_FAILURE;
			if (status == VG_EXIT_OK)
				printf(_("task %lld: confirmed\n"),
				       (long long)id);
			else
				printf(_("task %lld: failed: %s\n"),
				       (long long)id,
				       detail != NULL && detail[0] != '\0'
					       ? detail
					       : _("no reason given"));
			json_decref(list);
			return status;
		}
		json_decref(list);
		(void)clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 +
			    (now.tv_nsec - start.tv_nsec) / 1000000 >=
		    wait * 1000)
			break;
		sleep_ms(ISOLATE_POLL_MS);
	}
	printf(_("task %lld: no answer after %lld s (still %s)\n"),
	       (long long)id, (long long)wait, state);
	return VG_EXIT_FAILURE;
}

int
vg_incident_isolate_main(int argc, char **argv, bool release)
{
	struct isolate_opts o;
	struct vg_store *s = NULL;
	char actor[VG_STORE_NAME_MAX];
	struct vg_err err;
	json_t *inc = NULL;
	int64_t id = 0;
	enum vg_rc rc;
	int status;

	if ((status = parse(argc, argv, release, &o)) >= 0)
		return status;
	vg_err_clear(&err);
	/* No store: no incident either, and nothing to create. */
	if (access(o.db, F_OK) == -1) {
		log_errx(_("no incident %lld (no store at '%s')"),
			 (long long)o.incident, o.db);
		return VG_EXIT_FAILURE;
	}
	if (vg_store_open_sqlite(&s, o.db, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return VG_EXIT_FAILURE;
	}
	status = VG_EXIT_FAILURE;
	/* The store says the same, but this names the incident first. */
	rc = vg_store_incident_get(s, o.incident, &inc, &err);
	json_decref(inc);
	if (rc == VG_ERR_NOTFOUND) {
		log_errx(_("no incident %lld"), (long long)o.incident);
		goto done;
	}
	actor_name(o.actor, actor, sizeof(actor));
	vg_err_clear(&err);
	rc = vg_store_task_add(s, o.incident, o.asset,
			       release ? "release" : "isolate", "{}", actor,
			       (int64_t)time(NULL), &id, &err);
	if (rc != VG_OK) {
		log_errx("%s", err.msg);
		goto done;
	}
	printf("%lld\n", (long long)id);
	(void)fflush(stdout);
	status = o.wait >= 0 ? follow(s, o.incident, id, o.wait) : VG_EXIT_OK;
done:
	if (fflush(stdout) != 0)
		status = VG_EXIT_FAILURE;
	vg_store_free(s);
	return status;
}
