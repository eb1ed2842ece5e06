/*
 * vigie vuln check and list: match this host's packages against the
 * store's vulnerability data (vuln/match.h) and print the vulnerable
 * ones; list the updates.vulnerable_package findings of every asset.
 * Also the opening of a store for its vulnerability data, shared with
 * `vigie scan` (cmd_vuln.h).
 */
#include "util/common.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_vuln.h"
#include "cli/vuln_cli.h"
#include "core/facts_json.h"
#include "core/vulns.h"
#include "store/store.h"
#include "util/log.h"
#include "vuln/feed.h"
#include "vuln/match.h"
#include "util/banned.h"

/* Findings of the store read per page by `vuln list` (the store's
 * largest page). */
#define VULN_LIST_PAGE 500
/* Columns of the text tables. */
#define VULN_COL_PACKAGE 28
#define VULN_COL_VERSION 28
#define VULN_COL_STATUS 16
#define VULN_COL_HOST 24

static const struct vg_command_help check_help = {
	"vuln check",
	N_("vigie vuln check [--root DIR] [--format text|json] [--db FILE]"),
	N_("Match the installed packages of this host (or of the root "
	   "filesystem DIR)\nagainst the vulnerability data of the store "
	   "(`vigie vuln update`), for the\nhost's own release, and print "
	   "the vulnerable packages. Nothing is recorded.\n\n"
	   "  --root DIR         collect from the system mounted at DIR\n"
	   "  --format FMT       text (default) or json (the "
	   "vulnerable_packages array)\n"
	   "  --db FILE          the store holding the vulnerability data\n\n"
	   "Exit status: 0 no vulnerable package, 1 failure, 2 usage error, "
	   "3 vulnerable\npackages found.\n"),
	VG_OPT_ROOT | VG_OPT_FORMAT | VG_OPT_DB,
	0,
	0,
};

static const char list_usage[] = N_(
	"vigie vuln list [--db FILE] [--cve ID] [--kev] [--format text|json]");

static const char list_help[] = N_(
	"List the updates.vulnerable_package findings of every asset "
	"recorded in the\nstore (open and accepted ones).\n\n"
	"  --db FILE          the store\n"
	"  --cve ID           only findings listing this CVE\n"
	"  --kev              only findings with a CVE in the known-exploited "
	"list\n"
	"  --format FMT       text (default) or json (an array of findings)\n");

/* Member key of o as a string, or "" (absent, null). */
static const char *
str_of(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

enum vg_rc
vg_vuln_store_open(const char *db, struct vg_store **s, struct vg_err *err)
{
	bool has_packages = false;
	enum vg_rc rc;

	*s = NULL;
	vg_err_clear(err);
	/* A store that does not exist is not created: no data. */
	if (db == NULL || access(db, F_OK) != 0)
		return VG_OK;
	if ((rc = vg_store_open_sqlite_read(s, db, err)) != VG_OK ||
	    (rc = vg_vuln_store_state(*s, &has_packages, NULL, err)) != VG_OK) {
		vg_store_free(*s);
		*s = NULL;
		return rc;
	}
	if (!has_packages) {
		vg_store_free(*s);
		*s = NULL;
	}
	return VG_OK;
}

/* Whether v makes an updates.vulnerable_package finding (R7). */
static bool
vuln_actionable(const struct vg_vuln_pkg *v)
{
	return v->n_ids > 0 &&
		(v->urgency != VG_URG_UNIMPORTANT || v->n_kev > 0);
}

static void
check_text(const struct vg_facts *f)
{
	const struct vg_vuln_pkg *v;
	char num[32];
	size_t i;

	if (f->n_vuln_pkgs == 0) {
		printf(_("No vulnerable package (release %s).\n"),
		       f->os.codename);
		return;
	}
	vg_put_cell(stdout, _("PACKAGE"), VULN_COL_PACKAGE, true);
	vg_put_cell(stdout, _("VERSION"), VULN_COL_VERSION, true);
	vg_put_cell(stdout, _("STATUS"), VULN_COL_STATUS, true);
	vg_put_cell(stdout, _("FIXED"), VULN_COL_VERSION, true);
	printf("%6s %4s\n", _("CVES"), _("KEV"));
	for (i = 0; i < f->n_vuln_pkgs; i++) {
		v = &f->vuln_pkgs[i];
		vg_put_cell(stdout, v->package, VULN_COL_PACKAGE, true);
		vg_put_cell(stdout, v->version, VULN_COL_VERSION, true);
		vg_put_cell(stdout, vg_vuln_pkg_status_name(v->status),
			    VULN_COL_STATUS, true);
		vg_put_cell(stdout,
			    v->fixed_version != NULL ? v->fixed_version : "-",
			    VULN_COL_VERSION, true);
		(void)snprintf(num, sizeof(num), "%zu", v->n_ids);
		printf("%6s %4zu%s\n", num, v->n_kev,
		       vuln_actionable(v) ? "" : _("  (unimportant)"));
	}
	printf(_("%zu vulnerable packages (release %s).\n"), f->n_vuln_pkgs,
	       f->os.codename);
}

/* The facts' vulnerable_packages array, indented as jansson would
 * (vg_vuln_pkgs_print: no tree), written as it is made. */
static bool
check_json(const struct vg_facts *f)
{
	enum vg_rc rc = vg_vuln_pkgs_print(f, stdout);

	/* A write error is the caller's "cannot write the result". */
	if (rc != VG_OK && rc != VG_ERR_IO)
		log_errx(_("out of memory"));
	return rc == VG_OK && putchar('\n') != EOF;
}

int
vg_vuln_check(int argc, char **argv)
{
	struct vg_store *s = NULL;
	struct vg_options o;
	struct vg_policy p;
	struct vg_facts f;
	struct vg_err err;
	size_t i, n = 0;
	int status, first;

	if ((status = vg_parse_options(&check_help, argc, argv, &o, &first)) >=
	    0)
		return status;
	if (vg_vuln_store_open(o.db, &s, &err) != VG_OK) {
		log_errx("%s: %s", o.db, err.msg);
		return VG_EXIT_FAILURE;
	}
	if (s == NULL) {
		log_errx(_("no vulnerability data in '%s': run `vigie vuln "
			   "update`"),
			 o.db);
		return VG_EXIT_FAILURE;
	}
	if ((status = vg_collect_root_packages(&o, &p, &f)) >= 0) {
		vg_store_free(s);
		return status;
	}
	vg_print_warnings(&f);
	status = VG_EXIT_FAILURE;
	/* One read snapshot for the ~3,000 lookups. */
	if (vg_store_vuln_read(s, true, &err) != VG_OK ||
	    vg_vuln_match(&f, vg_store_vuln_lookup_cb, s, &err) != VG_OK ||
	    vg_store_vuln_read(s, false, &err) != VG_OK) {
		log_errx("%s", err.msg);
		goto done;
	}
	if (!f.sources[VG_SRC_VULNS].collected) {
		log_errx(_("cannot match the packages: %s"),
			 f.sources[VG_SRC_VULNS].reason);
		goto done;
	}
	if (o.format == VG_FORMAT_JSON ? !check_json(&f)
				       : (check_text(&f), false)) {
		log_errx(_("cannot write the result"));
		goto done;
	}
	if (fflush(stdout) != 0) {
		log_errx(_("cannot write the result"));
		goto done;
	}
	for (i = 0; i < f.n_vuln_pkgs; i++)
		n += vuln_actionable(&f.vuln_pkgs[i]);
	status = n > 0 ? VG_EXIT_FINDINGS : VG_EXIT_OK;
done:
	vg_facts_release(&f);
	vg_policy_release(&p);
	vg_store_free(s);
	return status;
}

struct list_opts {
	const char *db;
	const char *cve;
	bool kev;
	enum vg_format format;
};

/* True when the array a holds s (case-insensitive: "cve-2024-1"). */
static bool
array_has(const json_t *a, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
	{
		if (json_is_string(v) &&
		    strcasecmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

/* Whether the stored finding fd passes --cve and --kev. */
static bool
list_keep(const struct list_opts *o, const json_t *fd)
{
	const json_t *ev = json_object_get(fd, "evidence");

	if (strcmp(str_of(fd, "status"), "fixed") == 0)
		return false;
	if (o->kev && json_array_size(json_object_get(ev, "kev_ids")) == 0)
		return false;
	return o->cve == NULL ||
		array_has(json_object_get(ev, "ids"), o->cve) ||
		array_has(json_object_get(ev, "kev_ids"), o->cve);
}

static void
list_text_row(const json_t *fd)
{
	const json_t *ev = json_object_get(fd, "evidence");

	vg_put_cell(stdout, str_of(fd, "hostname"), VULN_COL_HOST, true);
	vg_put_cell(stdout, str_of(fd, "severity"), 10, true);
	vg_put_cell(stdout, str_of(fd, "subject"), VULN_COL_PACKAGE + 16, true);
	vg_put_cell(stdout, str_of(ev, "status"), VULN_COL_STATUS, true);
	printf("%6lld %4lld\n",
	       (long long)json_integer_value(json_object_get(ev, "n_ids")),
	       (long long)json_integer_value(json_object_get(ev, "n_kev")));
}

static int
list_parse(int argc, char **argv, struct list_opts *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"cve", required_argument, NULL, 'c'},
		{"kev", no_argument, NULL, 'k'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->format = VG_FORMAT_TEXT;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			vg_usage(stdout, _(list_usage), _(list_help));
			return VG_EXIT_OK;
		case 'd':
			o->db = optarg;
			break;
		case 'c':
			if (*optarg == '\0' ||
			    strlen(optarg) > VG_FEED_MAX_ID) {
				log_errx(_("%s: bad vulnerability id '%s'"),
					 "vuln list", optarg);
				vg_usage(stderr, _(list_usage), NULL);
				return VG_EXIT_USAGE;
			}
			o->cve = optarg;
			break;
		case 'k':
			o->kev = true;
			break;
		case 'f':
			if (!vg_opt_format("vuln list", optarg, &o->format))
				return VG_EXIT_USAGE;
			break;
		case ':':
			log_errx(_("%s: option '%s' needs a value"),
				 "vuln list", argv[optind - 1]);
			vg_usage(stderr, _(list_usage), NULL);
			return VG_EXIT_USAGE;
		default:
			log_errx(_("%s: unknown option '%s'"), "vuln list",
				 argv[optind - 1]);
			vg_usage(stderr, _(list_usage), NULL);
			return VG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_errx(_("%s: too many operands"), "vuln list");
		vg_usage(stderr, _(list_usage), NULL);
		return VG_EXIT_USAGE;
	}
	if (o->db == NULL)
		o->db = vg_default_db();
	return -1;
}

int
vg_vuln_list(int argc, char **argv)
{
	struct vg_finding_filter flt;
	struct vg_store *s = NULL;
	struct list_opts o;
	struct vg_err err;
	json_t *page = NULL, *out = NULL, *fd;
	size_t i, offset = 0, shown = 0;
	json_int_t total;
	int status;

	if ((status = list_parse(argc, argv, &o)) >= 0)
		return status;
	vg_err_clear(&err);
	if (access(o.db, F_OK) != 0) {
		log_errx(_("no store at '%s'"), o.db);
		return VG_EXIT_FAILURE;
	}
	status = VG_EXIT_FAILURE;
	if (vg_store_open_sqlite_read(&s, o.db, &err) != VG_OK ||
	    (out = json_array()) == NULL) {
		log_errx("%s",
			 out == NULL && s != NULL ? _("out of memory")
						  : err.msg);
		goto done;
	}
	/* Page through every asset's findings of the check. */
	do {
		memset(&flt, 0, sizeof(flt));
		flt.check = "updates.vulnerable_package";
		flt.offset = offset;
		flt.limit = VULN_LIST_PAGE;
		if (vg_store_list_findings(s, &flt, (int64_t)time(NULL), &page,
					   &err) != VG_OK) {
			log_errx("%s", err.msg);
			goto done;
		}
		total = json_integer_value(json_object_get(page, "total"));
		json_array_foreach(json_object_get(page, "findings"), i, fd)
		{
			if (list_keep(&o, fd) &&
			    json_array_append(out, fd) != 0) {
				log_errx(_("out of memory"));
				goto done;
			}
		}
		i = json_array_size(json_object_get(page, "findings"));
		json_decref(page);
		page = NULL;
		offset += i;
	} while (i > 0 && (json_int_t)offset < total);
	if (o.format == VG_FORMAT_JSON) {
		if (json_dumpf(out, stdout,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
		    fputc('\n', stdout) == EOF) {
			log_errx(_("cannot write the result"));
			goto done;
		}
	} else if (json_array_size(out) == 0) {
		printf(_("No vulnerable package recorded.\n"));
	} else {
		vg_put_cell(stdout, _("HOST"), VULN_COL_HOST, true);
		vg_put_cell(stdout, _("SEVERITY"), 10, true);
		vg_put_cell(stdout, _("PACKAGE"), VULN_COL_PACKAGE + 16, true);
		vg_put_cell(stdout, _("STATUS"), VULN_COL_STATUS, true);
		printf("%6s %4s\n", _("CVES"), _("KEV"));
		json_array_foreach(out, i, fd)
		{
			list_text_row(fd);
			shown++;
		}
		printf(_("%zu findings.\n"), shown);
	}
	status = fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_FAILURE;
done:
	json_decref(page);
	json_decref(out);
	vg_store_free(s);
	return status;
}
