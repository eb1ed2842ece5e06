/* What the subcommands share: option values, defaults, policy, output. */
#include "util/common.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/rules.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/root.h"
#include "util/banned.h"

bool
vg_opt_format(const char *cmd, const char *arg, enum vg_format *out)
{
	if (strcmp(arg, "text") == 0)
		*out = VG_FORMAT_TEXT;
	else if (strcmp(arg, "json") == 0)
		*out = VG_FORMAT_JSON;
	else {
		log_errx(_("%s: unknown format '%s' (text or json)"), cmd, arg);
		return false;
	}
	return true;
}

bool
vg_opt_severity(const char *cmd, const char *arg, enum vg_severity *out)
{
	if (!vg_severity_parse(arg, out)) {
		log_errx(_("%s: unknown severity '%s' (low, medium, high or "
			   "critical)"),
			 cmd, arg);
		return false;
	}
	return true;
}

const char *
vg_default_db(void)
{
	static char path[4096];
	const char *xdg, *home;

	if (geteuid() == 0)
		return "/var/lib/vigie/vigie.db";
	if ((xdg = getenv("XDG_DATA_HOME")) != NULL && xdg[0] == '/')
		(void)snprintf(path, sizeof(path), "%s/vigie/vigie.db", xdg);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		(void)snprintf(path, sizeof(path),
			       "%s/.local/share/vigie/vigie.db", home);
	else
		return "vigie.db";
	return path;
}

bool
vg_prepare_db_dir(const char *db)
{
	char dir[4096];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", db) >= (int)sizeof(dir)) {
		log_errx(_("store path too long: '%s'"), db);
		return false;
	}
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return true;
	*p = '\0';
	/* Create each missing parent; the store holds account names. */
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		goto fail;
	return true;
fail:
	log_errx(_("cannot create directory '%s': %s"), dir, strerror(errno));
	return false;
}

static void
warn_cb(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("%s", msg);
}

/* The end-of-life table: $VIGIE_DATADIR, else the source tree's for the
 * program in the build tree, else the installed one. */
static void
load_eol(struct vg_policy *p)
{
	const char *env = getenv("VIGIE_DATADIR");
	bool tree = vg_exe_in_build_tree();
	const char *dirs[] = {env, tree ? VG_SOURCE_DATADIR : VG_DATADIR,
			      tree ? NULL : VG_SOURCE_DATADIR};
	struct vg_err err;
	char path[4096];
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(dirs); i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		(void)snprintf(path, sizeof(path), "%s/eol.csv", dirs[i]);
		vg_err_clear(&err);
		if (vg_policy_load_eol(p, path, warn_cb, NULL, &err) == VG_OK)
			return;
		if (err.rc != VG_ERR_NOTFOUND) {
			log_warnx("%s", err.msg);
			return;
		}
	}
	log_warnx(_("no end-of-life table (eol.csv) found: "
		    "updates.eol_os is not evaluated"));
}

bool
vg_load_policy(struct vg_policy *p, const struct vg_root *root,
	       const char *config)
{
	const char *def = "/etc/vigie/vigie.conf";
	struct vg_err err;
	struct vg_buf b;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (vg_policy_init(p, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return false;
	}
	if (config != NULL) {
		rc = vg_policy_load(p, config, warn_cb, NULL, &err);
	} else if (root != NULL) {
		/* Inside the audited root: its own policy, never ours. */
		vg_buf_init(&b, VG_MAX_CONFIG_FILE);
		rc = vg_root_read(root, def, VG_MAX_CONFIG_FILE, &b, &err);
		if (rc == VG_OK)
			rc = vg_policy_parse(p, def, vg_buf_str(&b), b.len,
					     warn_cb, NULL, &err);
		vg_buf_release(&b);
		if (rc == VG_ERR_NOTFOUND)
			rc = VG_OK;
	} else {
		rc = vg_policy_load(p, def, warn_cb, NULL, &err);
		if (rc == VG_ERR_NOTFOUND)
			rc = VG_OK;
	}
	if (rc != VG_OK) {
		log_errx("%s", err.msg);
		vg_policy_release(p);
		return false;
	}
	load_eol(p);
	return true;
}

void
vg_usage(FILE *fp, const char *usage, const char *help)
{
	fprintf(fp, "%s%s\n", _("usage: "), usage);
	if (help != NULL)
		fprintf(fp, "\n%s", help);
}

void
vg_print_warnings(const struct vg_facts *f)
{
	size_t i;

	for (i = 0; i < f->n_warnings; i++)
		log_warnx("%s", f->warnings[i]);
	if (f->n_warnings_dropped > 0)
		log_warnx(_("%zu more warnings not shown"),
			  f->n_warnings_dropped);
}

bool
vg_judge(const struct vg_facts *f, const struct vg_policy *p,
	 struct vg_report *r)
{
	struct vg_err err;

	vg_err_clear(&err);
	vg_report_init(r);
	if (vg_rules_evaluate(f, p, r, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return false;
	}
	return true;
}

bool
vg_record_scan(const char *db, const struct vg_facts *f,
	       const struct vg_report *r)
{
	struct vg_store *s = NULL;
	struct vg_err err;
	int64_t id;
	bool ok = false;

	vg_err_clear(&err);
	if (!vg_prepare_db_dir(db))
		return false;
	if (vg_store_open_sqlite(&s, db, &err) != VG_OK ||
	    vg_store_put_scan(s, f, r, &id, &err) != VG_OK) {
		log_errx(_("cannot record the scan in '%s': %s"), db, err.msg);
		goto done;
	}
	log_info(_("scan %lld recorded in %s"), (long long)id, db);
	ok = true;
done:
	vg_store_free(s);
	return ok;
}

bool
vg_show_report(const struct vg_options *o, const struct vg_facts *f,
	       const struct vg_report *r)
{
	const char *term = getenv("TERM");
	bool colour;

	if (o->format == VG_FORMAT_JSON)
		return vg_output_json(stdout, f, r, true);
	colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
		term != NULL && strcmp(term, "dumb") != 0;
	vg_output_text(stdout, f, r, colour, o->verbose);
	return fflush(stdout) == 0 && !ferror(stdout);
}

int
vg_exit_for(const struct vg_report *r, const struct vg_options *o)
{
	size_t i;

	if (!o->fail_on_set)
		return VG_EXIT_OK;
	for (i = 0; i < r->n_findings; i++)
		if (r->findings[i].severity >= o->fail_on)
			return VG_EXIT_FINDINGS;
	return VG_EXIT_OK;
}

int
vg_parse_options(const struct vg_command_help *h, int argc, char **argv,
		 struct vg_options *o, int *first)
{
	static const struct {
		struct option opt;
		unsigned flag;
	} table[] = {
		{{"root", required_argument, NULL, 'r'}, VG_OPT_ROOT},
		{{"config", required_argument, NULL, 'c'}, VG_OPT_CONFIG},
		{{"format", required_argument, NULL, 'f'}, VG_OPT_FORMAT},
		{{"db", required_argument, NULL, 'd'}, VG_OPT_DB},
		{{"no-store", no_argument, NULL, 'n'}, VG_OPT_NO_STORE},
		{{"fail-on", required_argument, NULL, 'F'}, VG_OPT_FAIL_ON},
		{{"verbose", no_argument, NULL, 'v'}, VG_OPT_VERBOSE},
	};
	struct option longopts[VG_ARRAY_LEN(table) + 2];
	size_t i, n = 0;
	int ch, nargs;

	memset(o, 0, sizeof(*o));
	o->root = "/";
	o->format = VG_FORMAT_TEXT;
	for (i = 0; i < VG_ARRAY_LEN(table); i++)
		if (h->allowed & table[i].flag)
			longopts[n++] = table[i].opt;
	longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
	memset(&longopts[n], 0, sizeof(longopts[n]));

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			vg_usage(stdout, _(h->usage), _(h->help));
			return VG_EXIT_OK;
		case 'r':
			o->root = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'f':
			if (!vg_opt_format(h->name, optarg, &o->format))
				return VG_EXIT_USAGE;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'n':
			o->no_store = true;
			break;
		case 'F':
			if (!vg_opt_severity(h->name, optarg, &o->fail_on))
				return VG_EXIT_USAGE;
			o->fail_on_set = true;
			break;
		case 'v':
			if (!(h->allowed & VG_OPT_VERBOSE))
				goto bad;
			o->verbose = true;
			break;
		case ':':
			log_errx(_("%s: option '%s' needs a value"), h->name,
				 argv[optind - 1]);
			vg_usage(stderr, _(h->usage), NULL);
			return VG_EXIT_USAGE;
		default:
		bad:
			log_errx(_("%s: unknown option '%s'"), h->name,
				 argv[optind - 1]);
			vg_usage(stderr, _(h->usage), NULL);
			return VG_EXIT_USAGE;
		}
	}
	if (o->db != NULL && o->no_store) {
		log_errx(_("%s: --db and --no-store exclude each other"),
			 h->name);
		return VG_EXIT_USAGE;
	}
	nargs = argc - optind;
	if (nargs < h->min_args || nargs > h->max_args) {
		log_errx(nargs < h->min_args ? _("%s: missing operand")
					     : _("%s: too many operands"),
			 h->name);
		vg_usage(stderr, _(h->usage), NULL);
		return VG_EXIT_USAGE;
	}
	if (o->db == NULL)
		o->db = vg_default_db();
	*first = optind;
	return -1;
}

int
vg_run_verb(const char *cmd, const struct vg_verb *verbs, size_t n,
	    const char *usage, const char *help, int argc, char **argv)
{
	size_t i;

	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		vg_usage(stdout, _(usage), _(help));
		return VG_EXIT_OK;
	}
	if (argc < 2) {
		log_errx(_("%s: missing operand"), cmd);
		vg_usage(stderr, _(usage), NULL);
		return VG_EXIT_USAGE;
	}
	for (i = 0; i < n; i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	log_errx(_("%s: unknown command '%s'"), cmd, argv[1]);
	vg_usage(stderr, _(usage), NULL);
	return VG_EXIT_USAGE;
}
