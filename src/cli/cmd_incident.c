/*
 * vigie incident: the record of a security incident (rule R10) from the
 * first alarm to the closing.
 *
 *   open     record a new incident, alert the chain of command
 *   note     add a note to its timeline
 *   status   change its status or fields, record reports made
 *   close    close it
 *   show     one incident, its timeline and tasks (text or JSON)
 *   list     the incidents, newest first
 *   verify   check the timeline's hash chain, name the first bad entry
 *   isolate, release   (incident_isolate.c), export (incident_export.c)
 *
 * The store computes the timeline; this file turns options into a
 * struct vg_incident, checks it (vg_incident_check) and prints.
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
#include "core/policy.h"
#include "core/timeline.h"
#include "respond/incident.h"
#include "respond/incident_json.h"
#include "respond/notify.h"
#include "store/store.h"
#include "util/log.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

/* Persons concerned: more than the population of the planet is a
 * typing error, not an estimate. */
#define INCIDENT_PERSONS_MAX 10000000000LL
/* Bytes of an actor name given with --actor. */
#define INCIDENT_ACTOR_MAX 128

static const char incident_usage[] =
	N_("vigie incident open --title T --type TYPE [--detected TIME] "
	   "[--asset NAME]...\n"
	   "                      [--care none|potential|proven] "
	   "[--degraded-since TIME]\n"
	   "                      [--health-data] [--personal-data] "
	   "[--persons N] [--cia c,i,a]\n"
	   "                      [--perimeter TEXT] [--causes TEXT]\n"
	   "       vigie incident note ID TEXT\n"
	   "       vigie incident status ID [--status S] [field options of "
	   "open]\n"
	   "                      [--reported-ans[=TIME] [--ref R]] "
	   "[--reported-cnil[=TIME] [--ref R]]\n"
	   "       vigie incident close ID\n"
	   "       vigie incident show ID [--format text|json]\n"
	   "       vigie incident list [--status S|active] [--format "
	   "text|json]\n"
	   "       vigie incident verify ID\n"
	   "       vigie incident isolate|release ID --asset NAME\n"
	   "       vigie incident export ID --format "
	   "signalement|cnil|json|md [--output FILE]\n"
	   "Every command takes --db FILE; open, note, status and close "
	   "take --actor NAME,\nopen, status, close and show take --config "
	   "FILE.");

static const char incident_help[] =
	N_("Record a security incident, its timeline (append-only, chained "
	   "by BLAKE2b\nhashes), the alerts sent and the reports made "
	   "(`vigie incident COMMAND\n--help` describes each command).\n");

static const char field_help[] =
	N_("  --title T            what happened, one line\n"
	   "  --type TYPE          ransomware, intrusion, data_leak, "
	   "phishing,\n"
	   "                       unavailability, loss_theft or other\n"
	   "  --detected TIME      when it was found (default: now)\n"
	   "  --asset NAME         a host concerned (as in the assets list); "
	   "repeat it\n"
	   "                       (open only)\n"
	   "  --care IMPACT        impact on care: none, potential or proven\n"
	   "  --degraded-since TIME  degraded mode since TIME (\"no\": not "
	   "degraded)\n"
	   "  --health-data[=no]   health data are concerned\n"
	   "  --personal-data[=no] personal data are concerned (CNIL)\n"
	   "  --persons N          about how many persons (\"unknown\")\n"
	   "  --cia c,i,a          impact on confidentiality, integrity, "
	   "availability\n"
	   "                       (letters or words, comma-separated, or "
	   "\"none\")\n"
	   "  --perimeter TEXT     systems and data concerned\n"
	   "  --causes TEXT        causes, if known\n"
	   "TIME is ISO 8601 (2026-11-30T08:00:00Z, 2026-11-30T09:00+01:00; "
	   "without a\nzone, local time) or \"now\".\n");

static const char common_help[] =
	N_("  --db FILE            the store (default: /var/lib/vigie/vigie.db "
	   "as root,\n"
	   "                       else $XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --config FILE        vigie.conf: the alert chain, the "
	   "establishment\n"
	   "  --actor NAME         who acts, for the timeline (default: the "
	   "Unix user)\n"
	   "(each where the usage line shows it)\n");

/* One verb: its name, usage, help, the option letters it takes and its
 * operands (ID, TEXT). */
struct verb {
	const char *name; /* "incident open" */
	const char *usage;
	const char *help;
	const char *allowed;
	int nargs;
	bool fields; /* takes the field options (field_help) */
};

/* Option letters (getopt_long codes). */
static const struct option longopts[] = {
	{"db", required_argument, NULL, 'd'},
	{"config", required_argument, NULL, 'c'},
	{"format", required_argument, NULL, 'f'},
	{"actor", required_argument, NULL, 'a'},
	{"title", required_argument, NULL, 't'},
	{"type", required_argument, NULL, 'T'},
	{"detected", required_argument, NULL, 'D'},
	{"asset", required_argument, NULL, 'A'},
	{"care", required_argument, NULL, 'C'},
	{"degraded-since", required_argument, NULL, 'G'},
	{"health-data", optional_argument, NULL, 'H'},
	{"personal-data", optional_argument, NULL, 'P'},
	{"persons", required_argument, NULL, 'n'},
	{"cia", required_argument, NULL, 'I'},
	{"perimeter", required_argument, NULL, 'p'},
	{"causes", required_argument, NULL, 'u'},
	{"status", required_argument, NULL, 's'},
	{"reported-ans", optional_argument, NULL, 'R'},
	{"reported-cnil", optional_argument, NULL, 'N'},
	{"ref", required_argument, NULL, 'r'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

#define FIELD_LETTERS "tTDACGHPnIpu"
/* The same but --asset: an incident's assets are named when it opens. */
#define STATUS_FIELD_LETTERS "tTDCGHPnIpu"

static const struct verb open_verb = {
	"incident open",
	N_("vigie incident open --title T --type TYPE [options] [--db FILE]\n"
	   "       [--config FILE] [--actor NAME]"),
	N_("Open an incident: record it, with an \"opened\" entry in its "
	   "timeline, print\nits number and alert the policy's contacts.\n\n"),
	"dca" FIELD_LETTERS,
	0,
	true,
};

static const struct verb note_verb = {
	"incident note",
	N_("vigie incident note ID TEXT [--db FILE] [--actor NAME]"),
	N_("Add a note (an action taken, a call made...) to the "
	   "incident's timeline.\n\n"),
	"da",
	2,
	false,
};

static const struct verb status_verb = {
	"incident status",
	N_("vigie incident status ID [--status S] [field options] "
	   "[--reported-ans[=TIME]\n"
	   "       [--ref R]] [--reported-cnil[=TIME] [--ref R]] [--db FILE] "
	   "[--config FILE]\n"
	   "       [--actor NAME]"),
	N_("Change an incident: its status (open, contained, recovered, "
	   "closed), its\nfields, the reports made to the national portal "
	   "(--reported-ans) or to the\nCNIL (--reported-cnil), each with "
	   "its reference (--ref after it). The\nchanged fields are recorded "
	   "in the timeline, old and new, and the contacts\nalerted.\n\n"),
	"dcas" STATUS_FIELD_LETTERS "RNr",
	1,
	true,
};

static const struct verb close_verb = {
	"incident close",
	N_("vigie incident close ID [--db FILE] [--config FILE] "
	   "[--actor NAME]"),
	N_("Close an incident and alert the contacts.\n\n"),
	"dca",
	1,
	false,
};

static const struct verb show_verb = {
	"incident show",
	N_("vigie incident show ID [--format text|json] [--db FILE] "
	   "[--config FILE]"),
	N_("Show an incident: its fields, reporting deadlines, assets, "
	   "timeline and\ntasks. JSON: the stored record with \"deadlines\".\n"
	   "\n"),
	"dcf",
	1,
	false,
};

static const struct verb list_verb = {
	"incident list",
	N_("vigie incident list [--status S|active] [--format text|json] "
	   "[--db FILE]"),
	N_("List the incidents, newest first; --status keeps one status "
	   "(\"active\": all\nbut closed).\n\n"),
	"dfs",
	0,
	false,
};

static const struct verb verify_verb = {
	"incident verify",
	N_("vigie incident verify ID [--db FILE]"),
	N_("Check the incident's timeline: each entry's hash and its link "
	   "to the\nprevious one. Exit status 0 when intact, 1 naming the "
	   "first entry that\ndoes not match (changed or removed).\n\n"),
	"d",
	1,
	false,
};

/* What the options said, as given; checked when applied. */
struct inc_opts {
	const char *db, *config, *actor;
	enum vg_format format;
	const char *title, *type, *detected, *care, *degraded, *persons;
	const char *cia, *perimeter, *causes, *status;
	const char *assets[VG_INCIDENT_MAX_ASSETS];
	size_t n_assets;
	int health, personal; /* -1 not given, else 0 / 1 */
	bool ans, cnil;       /* --reported-ans / --reported-cnil given */
	const char *ans_at, *cnil_at, *ans_ref, *cnil_ref;
	bool ans_ref_set, cnil_ref_set;
	const char *operand[2];
};

static int
usage_error(const struct verb *v)
{
	vg_usage(stderr, _(v->usage), NULL);
	return VG_EXIT_USAGE;
}

static void
verb_help(const struct verb *v)
{
	vg_usage(stdout, _(v->usage), NULL);
	printf("\n%s", _(v->help));
	if (v->fields)
		printf("%s", _(field_help));
	printf("%s", _(common_help));
}

/* A yes/no optional argument: absent is yes. */
static bool
opt_bool(const struct verb *v, const char *opt, const char *arg, int *out)
{
	bool b = true;

	if (arg != NULL && vg_parse_bool(arg, &b) != VG_OK) {
		log_errx(_("%s: --%s: '%s' is not yes or no"), v->name, opt,
			 arg);
		return false;
	}
	*out = b;
	return true;
}

/* Parse argv (argv[0] the verb); -1 to go on, else the exit status. */
static int
parse(const struct verb *v, int argc, char **argv, struct inc_opts *o)
{
	int ch, idx, last_report = 0;

	memset(o, 0, sizeof(*o));
	o->format = VG_FORMAT_TEXT;
	o->health = o->personal = -1;
	optind = 1;
	opterr = 0;
	while ((idx = -1, ch = getopt_long(argc, argv, ":h", longopts, &idx)) !=
	       -1) {
		if (ch == 'h') {
			verb_help(v);
			return VG_EXIT_OK;
		}
		if (ch == ':') {
			log_errx(_("%s: option '%s' needs a value"), v->name,
				 argv[optind - 1]);
			return usage_error(v);
		}
		if (ch == '?') {
			log_errx(_("%s: unknown option '%s'"), v->name,
				 argv[optind - 1]);
			return usage_error(v);
		}
		/* A known option this verb does not take: name it, not its
		 * value. */
		if (strchr(v->allowed, ch) == NULL) {
			log_errx(_("%s: --%s does not apply here"), v->name,
				 idx >= 0 ? longopts[idx].name : "?");
			return usage_error(v);
		}
		switch (ch) {
		case 'd':
			o->db = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'a':
			o->actor = optarg;
			break;
		case 'f':
			if (!vg_opt_format(v->name, optarg, &o->format))
				return VG_EXIT_USAGE;
			break;
		case 't':
			o->title = optarg;
			break;
		case 'T':
			o->type = optarg;
			break;
		case 'D':
			o->detected = optarg;
			break;
		case 'A':
			if (o->n_assets == VG_INCIDENT_MAX_ASSETS) {
				log_errx(_("%s: more than %d assets"), v->name,
					 VG_INCIDENT_MAX_ASSETS);
				return VG_EXIT_USAGE;
			}
			o->assets[o->n_assets++] = optarg;
			break;
		case 'C':
			o->care = optarg;
			break;
		case 'G':
			o->degraded = optarg;
			break;
		case 'H':
			if (!opt_bool(v, "health-data", optarg, &o->health))
				return VG_EXIT_USAGE;
			break;
		case 'P':
			if (!opt_bool(v, "personal-data", optarg, &o->personal))
				return VG_EXIT_USAGE;
			break;
		case 'n':
			o->persons = optarg;
			break;
		case 'I':
			o->cia = optarg;
			break;
		case 'p':
			o->perimeter = optarg;
			break;
		case 'u':
			o->causes = optarg;
			break;
		case 's':
			o->status = optarg;
			break;
		case 'R':
			o->ans = true;
			o->ans_at = optarg;
			last_report = 'R';
			break;
		case 'N':
			o->cnil = true;
			o->cnil_at = optarg;
			last_report = 'N';
			break;
		case 'r':
			/* --ref belongs to the report named just before. */
			if (last_report == 'R') {
				o->ans_ref = optarg;
				o->ans_ref_set = true;
			} else if (last_report == 'N') {
				o->cnil_ref = optarg;
				o->cnil_ref_set = true;
			} else {
				log_errx(_("%s: --ref follows --reported-ans "
					   "or --reported-cnil"),
					 v->name);
				return usage_error(v);
			}
			last_report = 0;
			break;
		}
	}
	if (argc - optind != v->nargs) {
		log_errx(argc - optind < v->nargs ? _("%s: missing operand")
						  : _("%s: too many operands"),
			 v->name);
		return usage_error(v);
	}
	if (v->nargs > 0)
		o->operand[0] = argv[optind];
	if (v->nargs > 1)
		o->operand[1] = argv[optind + 1];
	if (o->db == NULL)
		o->db = vg_default_db();
	return -1;
}

/* An incident number operand. */
static bool
parse_id(const struct verb *v, const char *s, int64_t *id)
{
	if (vg_parse_intz(s, 1, INT64_MAX, id) != VG_OK) {
		log_errx(_("%s: '%s' is not an incident number"), v->name, s);
		return false;
	}
	return true;
}

/* n digits at *p as a number in [min, max], advancing *p. */
static bool
digits(const char **p, size_t n, int64_t min, int64_t max, int *out)
{
	int64_t v;
	size_t i;

	for (i = 0; i < n; i++)
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
	if (vg_parse_int(*p, n, min, max, &v) != VG_OK)
		return false;
	*out = (int)v;
	*p += n;
	return true;
}

/*
 * "now" or ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS]][Z|(+|-)HH[:MM]]. No
 * zone means local time. A date that does not exist (February 30) is
 * refused: timegm normalises it, so the fields must come back equal.
 */
static bool
parse_time(const char *s, int64_t now, int64_t *out)
{
	const char *p = s;
	struct tm tm, back;
	int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0, sign = 0;
	time_t t;

	if (strcmp(s, "now") == 0) {
		*out = now;
		return true;
	}
	if (!digits(&p, 4, 1970, 9999, &y) || *p++ != '-' ||
	    !digits(&p, 2, 1, 12, &mo) || *p++ != '-' ||
	    !digits(&p, 2, 1, 31, &d))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, 0, 23, &h) || *p++ != ':' ||
		    !digits(&p, 2, 0, 59, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, 0, 59, &sec))
				return false;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		sign = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (!digits(&p, 2, 0, 14, &zh))
			return false;
		if (*p == ':')
			p++;
		if (*p != '\0' && !digits(&p, 2, 0, 59, &zm))
			return false;
	}
	if (*p != '\0')
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	back = tm;
	if (sign != 0) {
		t = timegm(&back);
	} else {
		t = mktime(&back);
	}
	if (t == (time_t)-1 || back.tm_mday != d || back.tm_mon != mo - 1)
		return false;
	*out = (int64_t)t - sign * ((int64_t)zh * 3600 + (int64_t)zm * 60);
	return true;
}

static bool
time_opt(const struct verb *v, const char *opt, const char *s, int64_t now,
	 int64_t *out)
{
	if (!parse_time(s, now, out)) {
		log_errx(_("%s: --%s: '%s' is not a time (ISO 8601, e.g. "
			   "2026-11-30T08:00:00Z, or \"now\")"),
			 v->name, opt, s);
		return false;
	}
	return true;
}

/* --cia: letters or words, comma-separated, or "none". */
static bool
parse_cia(const struct verb *v, const char *s, struct vg_incident *inc)
{
	static const struct {
		const char *letter, *word;
	} crit[] = {{"c", "confidentiality"},
		    {"i", "integrity"},
		    {"a", "availability"}};
	bool set[3] = {false, false, false};
	const char *p = s, *end;
	size_t n, k;

	if (strcmp(s, "none") != 0) {
		for (;;) {
			end = strchr(p, ',');
			n = end != NULL ? (size_t)(end - p) : strlen(p);
			for (k = 0; k < 3; k++)
				if (vg_streqn(crit[k].letter, p, n) ||
				    vg_streqn(crit[k].word, p, n))
					break;
			if (k == 3 || n == 0) {
				log_errx(_("%s: --cia: '%s' is not c, i, a "
					   "(or confidentiality, integrity, "
					   "availability) or none"),
					 v->name, s);
				return false;
			}
			set[k] = true;
			if (end == NULL)
				break;
			p = end + 1;
		}
	}
	inc->confidentiality = set[0];
	inc->integrity = set[1];
	inc->availability = set[2];
	return true;
}

/* Apply the field options to inc; false after printing the error. */
static bool
apply_fields(const struct verb *v, const struct inc_opts *o, int64_t now,
	     struct vg_incident *inc)
{
	int64_t n;

	if (o->title != NULL)
		inc->title = (char *)(uintptr_t)o->title;
	if (o->type != NULL && !vg_incident_type_parse(o->type, &inc->type)) {
		log_errx(_("%s: unknown type '%s' (ransomware, intrusion, "
			   "data_leak, phishing, unavailability, loss_theft "
			   "or other)"),
			 v->name, o->type);
		return false;
	}
	if (o->detected != NULL &&
	    !time_opt(v, "detected", o->detected, now, &inc->detected_at))
		return false;
	if (o->care != NULL && !vg_care_impact_parse(o->care, &inc->care)) {
		log_errx(_("%s: unknown impact on care '%s' (none, potential "
			   "or proven)"),
			 v->name, o->care);
		return false;
	}
	if (o->degraded != NULL) {
		bool b = true;

		if (vg_parse_bool(o->degraded, &b) == VG_OK && !b)
			inc->degraded_since = 0;
		else if (!time_opt(v, "degraded-since", o->degraded, now,
				   &inc->degraded_since))
			return false;
	}
	if (o->health >= 0)
		inc->health_data = o->health;
	if (o->personal >= 0)
		inc->personal_data = o->personal;
	if (o->persons != NULL) {
		if (strcmp(o->persons, "unknown") == 0)
			n = -1;
		else if (vg_parse_intz(o->persons, 0, INCIDENT_PERSONS_MAX,
				       &n) != VG_OK) {
			log_errx(_("%s: --persons: '%s' is not a number of "
				   "persons (or \"unknown\")"),
				 v->name, o->persons);
			return false;
		}
		inc->persons = n;
	}
	if (o->cia != NULL && !parse_cia(v, o->cia, inc))
		return false;
	/* An empty text clears the field. */
	if (o->perimeter != NULL)
		inc->perimeter = o->perimeter[0] != '\0'
			? (char *)(uintptr_t)o->perimeter
			: NULL;
	if (o->causes != NULL)
		inc->causes = o->causes[0] != '\0'
			? (char *)(uintptr_t)o->causes
			: NULL;
	return true;
}

/* The checked incident, or false after printing why. */
static bool
check(const struct verb *v, const struct vg_incident *inc, int64_t now)
{
	struct vg_err err;

	vg_err_clear(&err);
	if (vg_incident_check(inc, now, &err) != VG_OK) {
		log_errx("%s: %s", v->name, err.msg);
		return false;
	}
	return true;
}

/* --actor, else the Unix user, else "uid:N". */
static const char *
actor_of(const struct inc_opts *o, char *buf, size_t size)
{
	struct passwd *pw;

	if (o->actor != NULL)
		return o->actor;
	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name != NULL)
		return pw->pw_name;
	(void)snprintf(buf, size, "uid:%lu", (unsigned long)geteuid());
	return buf;
}

static bool
actor_ok(const struct verb *v, const char *actor)
{
	size_t n = strnlen(actor, INCIDENT_ACTOR_MAX + 1);

	if (n == 0 || n > INCIDENT_ACTOR_MAX || !vg_utf8_printable(actor, n)) {
		log_errx(_("%s: --actor: empty, too long or not printable"),
			 v->name);
		return false;
	}
	return true;
}

/* Open the store for a verb that reads or changes an incident: never
 * create one for it (a missing store has no incident). */
static struct vg_store *
open_existing(const char *db)
{
	struct vg_store *s = NULL;
	struct vg_err err;

	if (access(db, F_OK) == -1) {
		log_errx(_("no store at '%s' (--db)"), db);
		return NULL;
	}
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&s, db, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return NULL;
	}
	return s;
}

/* The policy (contacts, report_hours); false after printing. */
static bool
load_policy(const struct inc_opts *o, struct vg_policy *p)
{
	return vg_load_policy(p, NULL, o->config);
}

/*
 * Alert the policy's contacts about incident id (respond/notify.h).
 * The incident is recorded already: a failure here is reported, the
 * exit status says so, the record stays.
 */
static bool
alert_contacts(struct vg_store *s, const struct vg_policy *p, int64_t id,
	       enum vg_notify_event ev)
{
	struct vg_err err;
	size_t sent = 0, failed = 0;
	json_t *doc = NULL;
	bool ok = false;

	vg_err_clear(&err);
	if (vg_store_incident_get(s, id, &doc, &err) != VG_OK ||
	    vg_notify_incident(s, p, doc, ev, NULL, &sent, &failed, &err) !=
		    VG_OK) {
		log_errx(_("incident %lld: cannot alert the contacts: %s"),
			 (long long)id, err.msg);
		goto done;
	}
	if (sent + failed > 0)
		printf(_("alerts: %zu sent, %zu failed\n"), sent, failed);
	ok = true;
done:
	json_decref(doc);
	return ok;
}

static int
incident_open(int argc, char **argv)
{
	const struct verb *v = &open_verb;
	struct vg_incident inc;
	struct inc_opts o;
	struct vg_policy p;
	struct vg_store *s = NULL;
	struct vg_err err;
	bool policy = false;
	char abuf[32];
	const char *actor;
	int64_t now = (int64_t)time(NULL), id = 0;
	int status;

	if ((status = parse(v, argc, argv, &o)) >= 0)
		return status;
	memset(&inc, 0, sizeof(inc));
	inc.type = VG_INC_TYPE_COUNT;
	inc.detected_at = now;
	inc.care = VG_CARE_NONE;
	inc.persons = -1;
	inc.status = VG_INC_OPEN;
	if (o.title == NULL) {
		log_errx(_("%s: --title is required"), v->name);
		return usage_error(v);
	}
	if (o.type == NULL) {
		log_errx(_("%s: --type is required"), v->name);
		return usage_error(v);
	}
	actor = actor_of(&o, abuf, sizeof(abuf));
	if (!apply_fields(v, &o, now, &inc) || !check(v, &inc, now) ||
	    !actor_ok(v, actor))
		return VG_EXIT_USAGE;
	status = VG_EXIT_FAILURE;
	/* The policy first: a bad config stores nothing. */
	if (!load_policy(&o, &p))
		goto done;
	policy = true;
	vg_err_clear(&err);
	if (!vg_prepare_db_dir(o.db) ||
	    vg_store_open_sqlite(&s, o.db, &err) != VG_OK ||
	    vg_store_incident_open(s, &inc, o.assets, o.n_assets, actor, now,
				   &id, &err) != VG_OK) {
		if (err.msg[0] != '\0')
			log_errx("%s: %s", v->name, err.msg);
		goto done;
	}
	printf(_("incident %lld opened\n"), (long long)id);
	status = alert_contacts(s, &p, id, VG_NOTIFY_OPENED) ? VG_EXIT_OK
							     : VG_EXIT_FAILURE;
done:
	if (fflush(stdout) != 0)
		status = VG_EXIT_FAILURE;
	vg_store_free(s);
	if (policy)
		vg_policy_release(&p);
	return status;
}

static int
incident_note(int argc, char **argv)
{
	const struct verb *v = &note_verb;
	struct inc_opts o;
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *d = NULL;
	char *text = NULL, abuf[32];
	const char *actor;
	int64_t id, seq = 0;
	size_t n;
	int status;

	if ((status = parse(v, argc, argv, &o)) >= 0)
		return status;
	if (!parse_id(v, o.operand[0], &id))
		return VG_EXIT_USAGE;
	n = strnlen(o.operand[1], VG_INCIDENT_TEXT_MAX + 1);
	if (n == 0 || n > VG_INCIDENT_TEXT_MAX ||
	    !vg_utf8_valid(o.operand[1], n)) {
		log_errx(_("%s: the note must be 1 to %d bytes of UTF-8 text"),
			 v->name, VG_INCIDENT_TEXT_MAX);
		return VG_EXIT_USAGE;
	}
	actor = actor_of(&o, abuf, sizeof(abuf));
	if (!actor_ok(v, actor))
		return VG_EXIT_USAGE;
	status = VG_EXIT_FAILURE;
	if ((d = json_pack("{ss}", "text", o.operand[1])) == NULL ||
	    (text = json_dumps(d, JSON_COMPACT)) == NULL) {
		log_errx(_("out of memory"));
		goto done;
	}
	vg_err_clear(&err);
	if ((s = open_existing(o.db)) == NULL)
		goto done;
	if (vg_store_timeline_append(s, id, (int64_t)time(NULL), actor, "note",
				     text, &seq, &err) != VG_OK) {
		log_errx("%s: %s", v->name, err.msg);
		goto done;
	}
	printf(_("incident %lld: note added (entry %lld)\n"), (long long)id,
	       (long long)seq);
	status = fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	free(text);
	json_decref(d);
	vg_store_free(s);
	return status;
}

/* True when an option of status changes something. */
static bool
status_has_change(const struct inc_opts *o)
{
	return o->status != NULL || o->title != NULL || o->type != NULL ||
		o->detected != NULL || o->care != NULL || o->degraded != NULL ||
		o->health >= 0 || o->personal >= 0 || o->persons != NULL ||
		o->cia != NULL || o->perimeter != NULL || o->causes != NULL;
}

/*
 * status and close: read the incident, apply what was asked, store the
 * change (the store records what changed in the timeline) and alert.
 */
static int
incident_change(const struct verb *v, int argc, char **argv, bool closing)
{
	enum vg_incident_status was;
	struct vg_incident inc;
	struct inc_opts o;
	struct vg_policy p;
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *doc = NULL, *before = NULL, *after = NULL;
	bool policy = false, fields;
	const char *actor, *kind;
	char abuf[32];
	int64_t id, now = (int64_t)time(NULL);
	int status;

	if ((status = parse(v, argc, argv, &o)) >= 0)
		return status;
	if (!parse_id(v, o.operand[0], &id))
		return VG_EXIT_USAGE;
	fields = status_has_change(&o);
	if (!closing && !fields && !o.ans && !o.cnil) {
		log_errx(_("%s: nothing to change (--status, a field, "
			   "--reported-ans or --reported-cnil)"),
			 v->name);
		return usage_error(v);
	}
	actor = actor_of(&o, abuf, sizeof(abuf));
	if (!actor_ok(v, actor))
		return VG_EXIT_USAGE;
	status = VG_EXIT_FAILURE;
	if (!load_policy(&o, &p))
		goto done;
	policy = true;
	if ((s = open_existing(o.db)) == NULL)
		goto done;
	vg_err_clear(&err);
	if (vg_store_incident_get(s, id, &doc, &err) != VG_OK ||
	    vg_incident_from_json(doc, &inc, &err) != VG_OK) {
		log_errx("%s: %s", v->name, err.msg);
		goto done;
	}
	was = inc.status;
	if ((before = vg_incident_to_json(&inc)) == NULL) {
		log_errx(_("out of memory"));
		goto done;
	}
	status = VG_EXIT_USAGE;
	if (closing) {
		if (was == VG_INC_CLOSED) {
			log_errx(_("%s: incident %lld is already closed"),
				 v->name, (long long)id);
			status = VG_EXIT_FAILURE;
			goto done;
		}
		inc.status = VG_INC_CLOSED;
	} else if (o.status != NULL &&
		   !vg_incident_status_parse(o.status, &inc.status)) {
		log_errx(_("%s: unknown status '%s' (open, contained, "
			   "recovered or closed)"),
			 v->name, o.status);
		goto done;
	}
	if (!apply_fields(v, &o, now, &inc))
		goto done;
	/* Closing stamps the time; reopening clears it. */
	if (inc.status == VG_INC_CLOSED && was != VG_INC_CLOSED)
		inc.closed_at = now;
	else if (inc.status != VG_INC_CLOSED)
		inc.closed_at = 0;
	if (o.ans &&
	    !time_opt(v, "reported-ans", o.ans_at != NULL ? o.ans_at : "now",
		      now, &inc.reported_ans_at))
		goto done;
	if (o.ans_ref_set)
		inc.ans_ref = o.ans_ref[0] != '\0'
			? (char *)(uintptr_t)o.ans_ref
			: NULL;
	if (o.cnil &&
	    !time_opt(v, "reported-cnil", o.cnil_at != NULL ? o.cnil_at : "now",
		      now, &inc.reported_cnil_at))
		goto done;
	if (o.cnil_ref_set)
		inc.cnil_ref = o.cnil_ref[0] != '\0'
			? (char *)(uintptr_t)o.cnil_ref
			: NULL;
	if (!check(v, &inc, now))
		goto done;
	status = VG_EXIT_FAILURE;
	if ((after = vg_incident_to_json(&inc)) == NULL) {
		log_errx(_("out of memory"));
		goto done;
	}
	if (json_equal(before, after)) {
		printf(_("incident %lld: nothing changed\n"), (long long)id);
		status = VG_EXIT_OK;
		goto done;
	}
	/* The entry's kind: what the change is about. */
	if (inc.status == VG_INC_CLOSED && was != VG_INC_CLOSED)
		kind = "closed";
	else if (!fields)
		kind = "reported";
	else
		kind = "status";
	if (vg_store_incident_update(s, &inc, kind, actor, now, &err) !=
	    VG_OK) {
		log_errx("%s: %s", v->name, err.msg);
		goto done;
	}
	if (strcmp(kind, "closed") == 0)
		printf(_("incident %lld closed\n"), (long long)id);
	else
		printf(_("incident %lld updated (status %s)\n"), (long long)id,
		       vg_incident_status_name(inc.status));
	status = alert_contacts(s, &p, id, VG_NOTIFY_CHANGED) ? VG_EXIT_OK
							      : VG_EXIT_FAILURE;
done:
	if (fflush(stdout) != 0)
		status = VG_EXIT_FAILURE;
	json_decref(before);
	json_decref(after);
	json_decref(doc);
	vg_store_free(s);
	if (policy)
		vg_policy_release(&p);
	return status;
}

static int
incident_status(int argc, char **argv)
{
	return incident_change(&status_verb, argc, argv, false);
}

static int
incident_close(int argc, char **argv)
{
	return incident_change(&close_verb, argc, argv, true);
}

/* Labels of the stable names, for translation (show, list). */
static const char *const shown_names[] = {
	N_("ransomware"), N_("intrusion"),      N_("data_leak"),
	N_("phishing"),   N_("unavailability"), N_("loss_theft"),
	N_("other"),      N_("none"),           N_("potential"),
	N_("proven"),     N_("open"),           N_("contained"),
	N_("recovered"),  N_("closed"),
};

/* A stable name as shown: translated when it is one of ours. */
static const char *
shown(const char *name)
{
	size_t i;

	if (name == NULL)
		return "-";
	for (i = 0; i < VG_ARRAY_LEN(shown_names); i++)
		if (strcmp(name, shown_names[i]) == 0)
			return _(shown_names[i]);
	return name;
}

/* A time as shown: "-" for 0 (unknown, not yet). */
static const char *
time_text(int64_t t, char buf[21])
{
	if (t <= 0)
		return "-";
	vg_format_time(t, buf);
	return buf;
}

static void
line(const char *label, const char *value)
{
	printf("  %-24s ", label);
	vg_fput_untrusted(stdout, value != NULL ? value : "-");
	fputc('\n', stdout);
}

static void
line_time(const char *label, int64_t t)
{
	char buf[21];

	line(label, time_text(t, buf));
}

static const char *
yes_no(bool b)
{
	return b ? _("yes") : _("no");
}

static void
show_text(const json_t *doc, const struct vg_incident *inc, int hours,
	  int64_t now)
{
	const json_t *o;
	char buf[64], t1[21], t2[21];
	size_t i;

	printf(_("Incident %lld: "), (long long)inc->id);
	vg_fput_untrusted(stdout, inc->title);
	fputc('\n', stdout);
	line(_("Type:"), shown(vg_incident_type_name(inc->type)));
	line(_("Status:"), shown(vg_incident_status_name(inc->status)));
	line_time(_("Detected:"), inc->detected_at);
	line_time(_("Opened:"), inc->opened_at);
	line_time(_("Closed:"), inc->closed_at);
	line(_("Impact on care:"), shown(vg_care_impact_name(inc->care)));
	line_time(_("Degraded mode since:"), inc->degraded_since);
	line(_("Health data:"), yes_no(inc->health_data));
	line(_("Personal data:"), yes_no(inc->personal_data));
	if (inc->persons >= 0)
		(void)snprintf(buf, sizeof(buf), "%lld",
			       (long long)inc->persons);
	else
		(void)snprintf(buf, sizeof(buf), "%s", _("unknown"));
	line(_("Persons concerned:"), buf);
	(void)snprintf(
		buf, sizeof(buf), "%s/%s/%s", inc->confidentiality ? "C" : "-",
		inc->integrity ? "I" : "-", inc->availability ? "A" : "-");
	line(_("Impact (C/I/A):"), buf);
	line(_("Perimeter:"), inc->perimeter);
	line(_("Causes:"), inc->causes);
	line(_("Serious:"), yes_no(vg_incident_is_serious(inc)));
	(void)snprintf(buf, sizeof(buf), "%s%s",
		       time_text(vg_incident_ans_deadline(inc, hours), t1),
		       vg_incident_report_overdue(inc, hours, now)
			       ? _(" (overdue)")
			       : "");
	if (vg_incident_is_serious(inc))
		line(_("Report to the portal by:"), buf);
	if (vg_incident_cnil_deadline(inc) > 0)
		line(_("Notify the CNIL by:"),
		     time_text(vg_incident_cnil_deadline(inc), t2));
	line_time(_("Reported (portal):"), inc->reported_ans_at);
	if (inc->ans_ref != NULL)
		line(_("Portal reference:"), inc->ans_ref);
	line_time(_("Reported (CNIL):"), inc->reported_cnil_at);
	if (inc->cnil_ref != NULL)
		line(_("CNIL reference:"), inc->cnil_ref);

	printf("\n%s\n", _("Assets:"));
	if (json_array_size(json_object_get(doc, "assets")) == 0)
		printf("  -\n");
	json_array_foreach(json_object_get(doc, "assets"), i, o)
	{
		const char *agent =
			json_string_value(json_object_get(o, "agent_id"));

		fputs("  ", stdout);
		vg_fput_untrusted(
			stdout, json_string_value(json_object_get(o, "name")));
		if (agent != NULL) {
			printf(" (%s ", _("agent"));
			vg_fput_untrusted(stdout, agent);
			fputc(')', stdout);
		}
		fputc('\n', stdout);
	}

	printf("\n%s\n", _("Timeline:"));
	json_array_foreach(json_object_get(doc, "timeline"), i, o)
	{
		const char *kind =
			json_string_value(json_object_get(o, "kind"));
		const char *text =
			json_string_value(json_object_get(o, "detail_text"));

		/* The opening's fields are shown above; a note as its
		 * text; the others as their detail. */
		if (kind != NULL && strcmp(kind, "opened") == 0)
			text = "";
		else if (kind != NULL && strcmp(kind, "note") == 0 &&
			 json_is_string(json_object_get(
				 json_object_get(o, "detail"), "text")))
			text = json_string_value(json_object_get(
				json_object_get(o, "detail"), "text"));

		printf("  %3lld  %s  ",
		       (long long)json_integer_value(json_object_get(o, "seq")),
		       time_text(json_integer_value(json_object_get(o, "at")),
				 t1));
		vg_fput_untrusted(
			stdout, json_string_value(json_object_get(o, "kind")));
		fputs("  ", stdout);
		vg_fput_untrusted(
			stdout, json_string_value(json_object_get(o, "actor")));
		fputs("  ", stdout);
		vg_fput_untrusted(stdout, text != NULL ? text : "?");
		fputc('\n', stdout);
	}

	if (json_array_size(json_object_get(doc, "tasks")) > 0) {
		printf("\n%s\n", _("Tasks:"));
		json_array_foreach(json_object_get(doc, "tasks"), i, o)
		{
			printf("  %lld  ",
			       (long long)json_integer_value(
				       json_object_get(o, "id")));
			vg_fput_untrusted(
				stdout,
				json_string_value(json_object_get(o, "kind")));
			fputs("  ", stdout);
			vg_fput_untrusted(
				stdout,
				json_string_value(json_object_get(o, "host")));
			fputs("  ", stdout);
			vg_fput_untrusted(
				stdout,
				json_string_value(json_object_get(o, "state")));
			fputc('\n', stdout);
		}
	}
}

static int
incident_show(int argc, char **argv)
{
	const struct verb *v = &show_verb;
	struct vg_incident inc;
	struct inc_opts o;
	struct vg_policy p;
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *doc = NULL, *dl;
	bool policy = false;
	int64_t id, now = (int64_t)time(NULL);
	int status, hours;

	if ((status = parse(v, argc, argv, &o)) >= 0)
		return status;
	if (!parse_id(v, o.operand[0], &id))
		return VG_EXIT_USAGE;
	status = VG_EXIT_FAILURE;
	if (!load_policy(&o, &p))
		goto done;
	policy = true;
	hours = p.incident_report_hours;
	if ((s = open_existing(o.db)) == NULL)
		goto done;
	vg_err_clear(&err);
	if (vg_store_incident_get(s, id, &doc, &err) != VG_OK ||
	    vg_incident_from_json(doc, &inc, &err) != VG_OK) {
		log_errx("%s: %s", v->name, err.msg);
		goto done;
	}
	if (o.format == VG_FORMAT_JSON) {
		/* The stored record and what is derived from it. */
		dl = json_pack(
			"{sbsIsIsb}", "serious", vg_incident_is_serious(&inc),
			"ans",
			(json_int_t)vg_incident_ans_deadline(&inc, hours),
			"cnil", (json_int_t)vg_incident_cnil_deadline(&inc),
			"overdue",
			vg_incident_report_overdue(&inc, hours, now));
		if (dl == NULL || json_object_set_new(doc, "deadlines", dl) ||
		    json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 ||
		    fputc('\n', stdout) == EOF) {
			log_errx(_("cannot write the incident"));
			goto done;
		}
	} else {
		show_text(doc, &inc, hours, now);
	}
	status = fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	json_decref(doc);
	vg_store_free(s);
	if (policy)
		vg_policy_release(&p);
	return status;
}

static void
list_text(const json_t *arr)
{
	const json_t *o, *a;
	char num[24], t[21];
	size_t i, k;

	if (json_array_size(arr) == 0) {
		printf(_("no incident\n"));
		return;
	}
	vg_put_cell(stdout, _("ID"), 6, false);
	vg_put_cell(stdout, _("STATUS"), 11, false);
	vg_put_cell(stdout, _("TYPE"), 15, false);
	vg_put_cell(stdout, _("DETECTED"), 21, false);
	vg_put_cell(stdout, _("TITLE"), 32, false);
	printf("%s\n", _("ASSETS"));
	json_array_foreach(arr, i, o)
	{
		(void)snprintf(num, sizeof(num), "%lld",
			       (long long)json_integer_value(
				       json_object_get(o, "id")));
		vg_put_cell(stdout, num, 6, false);
		vg_put_cell(
			stdout,
			shown(json_string_value(json_object_get(o, "status"))),
			11, false);
		vg_put_cell(
			stdout,
			shown(json_string_value(json_object_get(o, "type"))),
			15, false);
		vg_put_cell(stdout,
			    time_text(json_integer_value(json_object_get(
					      o, "detected_at")),
				      t),
			    21, false);
		vg_put_cell(
			stdout,
			json_string_value(json_object_get(o, "title")) != NULL
				? json_string_value(json_object_get(o, "title"))
				: "-",
			32, true);
		json_array_foreach(json_object_get(o, "assets"), k, a)
		{
			if (k > 0)
				fputs(", ", stdout);
			vg_fput_untrusted(stdout, json_string_value(a));
		}
		fputc('\n', stdout);
	}
}

static int
incident_list(int argc, char **argv)
{
	const struct verb *v = &list_verb;
	enum vg_incident_status st;
	struct inc_opts o;
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *arr = NULL;
	int status;

	if ((status = parse(v, argc, argv, &o)) >= 0)
		return status;
	if (o.status != NULL && strcmp(o.status, "active") != 0 &&
	    !vg_incident_status_parse(o.status, &st)) {
		log_errx(_("%s: unknown status '%s' (open, contained, "
			   "recovered, closed or active)"),
			 v->name, o.status);
		return VG_EXIT_USAGE;
	}
	status = VG_EXIT_FAILURE;
	vg_err_clear(&err);
	/* No store yet: no incident, and nothing to create. */
	if (access(o.db, F_OK) == -1) {
		if ((arr = json_array()) == NULL)
			goto done;
	} else if (vg_store_open_sqlite(&s, o.db, &err) != VG_OK ||
		   vg_store_incident_list(s, o.status, &arr, &err) != VG_OK) {
		log_errx("%s: %s", v->name, err.msg);
		goto done;
	}
	if (o.format == VG_FORMAT_JSON) {
		if (json_dumpf(arr, stdout, JSON_INDENT(2)) != 0 ||
		    fputc('\n', stdout) == EOF)
			goto done;
	} else {
		list_text(arr);
	}
	status = fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	json_decref(arr);
	vg_store_free(s);
	return status;
}

static int
incident_verify(int argc, char **argv)
{
	const struct verb *v = &verify_verb;
	struct inc_opts o;
	struct vg_store *s = NULL;
	struct vg_err err;
	const char *field = NULL;
	json_t *doc = NULL;
	size_t n = 0, bad = 0;
	int64_t id;
	int status;

	if ((status = parse(v, argc, argv, &o)) >= 0)
		return status;
	if (!parse_id(v, o.operand[0], &id))
		return VG_EXIT_USAGE;
	status = VG_EXIT_FAILURE;
	if ((s = open_existing(o.db)) == NULL)
		goto done;
	vg_err_clear(&err);
	if (vg_store_incident_get(s, id, &doc, &err) != VG_OK ||
	    vg_incident_verify(doc, &n, &bad, &field, &err) != VG_OK) {
		log_errx("%s: %s", v->name, err.msg);
		goto done;
	}
	/* Every incident has its "opened" entry: none at all is a
	 * removal too. */
	if (n == 0 || bad < n)
		printf(_("entry %zu does not match (changed or removed)\n"),
		       bad + 1);
	else if (field != NULL)
		printf(_("the incident's %s does not match its timeline "
			 "(changed without an entry)\n"),
		       field);
	else {
		printf(dngettext("vigie", "timeline intact: %zu entry\n",
				 "timeline intact: %zu entries\n", n),
		       n);
		status = VG_EXIT_OK;
	}
	if (fflush(stdout) != 0)
		status = VG_EXIT_FAILURE;
done:
	json_decref(doc);
	vg_store_free(s);
	return status;
}

static int
incident_isolate(int argc, char **argv)
{
	return vg_incident_isolate_main(argc, argv, false);
}

static int
incident_release(int argc, char **argv)
{
	return vg_incident_isolate_main(argc, argv, true);
}

/* The verbs, by name. */
static const struct vg_verb verbs[] = {
	{"open", incident_open},       {"note", incident_note},
	{"status", incident_status},   {"close", incident_close},
	{"show", incident_show},       {"list", incident_list},
	{"verify", incident_verify},   {"isolate", incident_isolate},
	{"release", incident_release}, {"export", vg_incident_export_main},
};

int
vg_cmd_incident(int argc, char **argv)
{
	return vg_run_verb("incident", verbs, VG_ARRAY_LEN(verbs),
			   incident_usage, incident_help, argc, argv);
}
