/*
 * vigie export: an asset in another tool's format. One format today,
 * "glpi": the GLPI native inventory of this host (collected like
 * `vigie facts`) or of an asset recorded in the store.
 */
#include "util/common.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_export.h"
#include "core/facts_json.h"
#include "core/glpi.h"
#include "store/store.h"
#include "util/log.h"
#include "util/root.h"
#include "util/text.h"
#include "util/banned.h"

/* The file written by --output holds account names: the owner's only. */
#define EXPORT_FILE_MODE 0600

static const char export_usage[] =
	N_("vigie export glpi [--root DIR] [--config FILE] "
	   "[--db FILE --asset ID] [--output FILE]");
static const char export_help[] =
	N_("Write an asset as a GLPI native inventory (JSON), for GLPI 10's "
	   "inventory\nendpoint or its import: this host's facts (or those "
	   "of the root filesystem DIR),\nor the latest facts of an asset "
	   "recorded in the store. The hygiene scores go\nin the computer's "
	   "comment. No password data is written.\n\n"
	   "  --root DIR         collect from the system mounted at DIR\n"
	   "  --config FILE      policy file, for the declared asset and the "
	   "scores\n"
	   "  --db FILE          the store to read --asset from (default: "
	   "/var/lib/vigie/\n"
	   "                     vigie.db as root, else "
	   "$XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --asset ID         export the asset ID of the store "
	   "(`GET /api/v1/assets`)\n"
	   "  --output FILE      write FILE (replaced whole, mode 0600) "
	   "instead of standard\n"
	   "                     output\n");

struct export_opts {
	struct vg_options o; /* root, config, db for the shared helpers */
	const char *asset;   /* --asset, or NULL for this host */
	const char *output;  /* --output, or NULL for standard output */
};

static int
export_usage_error(void)
{
	vg_usage(stderr, _(export_usage), NULL);
	return VG_EXIT_USAGE;
}

/* Parse the options after the format; -1 to go on, else the status. */
static int
parse_export(int argc, char **argv, struct export_opts *e)
{
	static const struct option longopts[] = {
		{"root", required_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'c'},
		{"db", required_argument, NULL, 'd'},
		{"asset", required_argument, NULL, 'a'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool root_set = false;
	int ch;

	memset(e, 0, sizeof(*e));
	e->o.root = "/";
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			vg_usage(stdout, _(export_usage), _(export_help));
			return VG_EXIT_OK;
		case 'r':
			e->o.root = optarg;
			root_set = true;
			break;
		case 'c':
			e->o.config = optarg;
			break;
		case 'd':
			e->o.db = optarg;
			break;
		case 'a':
			e->asset = optarg;
			break;
		case 'o':
			e->output = optarg;
			break;
		case ':':
			log_errx(_("%s: option '%s' needs a value"), "export",
				 argv[optind - 1]);
			return export_usage_error();
		default:
			log_errx(_("%s: unknown option '%s'"), "export",
				 argv[optind - 1]);
			return export_usage_error();
		}
	}
	if (optind < argc) {
		log_errx(_("%s: too many operands"), "export");
		return export_usage_error();
	}
	/* Either this host (or a root) or a stored asset, not both. */
	if (e->o.db != NULL && e->asset == NULL) {
		log_errx(_("%s: --db needs --asset"), "export");
		return export_usage_error();
	}
	if (e->asset != NULL && root_set) {
		log_errx(_("%s: --root and --asset exclude each other"),
			 "export");
		return export_usage_error();
	}
	if (e->o.db == NULL)
		e->o.db = vg_default_db();
	return -1;
}

/*
 * Load the latest facts of a stored asset into f (initialised here) and
 * the GLPI device id of its agent, if any, into *deviceid (the caller
 * frees it; NULL for a local scan). Returns
 * -1 on success, else the exit status after printing the error.
 */
static int
load_asset(const struct export_opts *e, struct vg_facts *f, char **deviceid)
{
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *doc = NULL, *asset;
	const char *host, *aid;
	int64_t id;
	int status = VG_EXIT_FAILURE;
	enum vg_rc rc;

	vg_err_clear(&err);
	vg_facts_init(f);
	*deviceid = NULL;
	if (vg_parse_intz(e->asset, 1, INT64_MAX, &id) != VG_OK) {
		log_errx(_("%s: bad asset id '%s'"), "export", e->asset);
		return VG_EXIT_USAGE;
	}
	/* Reading must not create an empty store as a side effect. */
	if (access(e->o.db, F_OK) == -1)
		rc = VG_ERR_NOTFOUND;
	else if ((rc = vg_store_open_sqlite(&s, e->o.db, &err)) == VG_OK)
		rc = vg_store_get_asset(s, id, (int64_t)time(NULL), &doc, &err);
	if (rc == VG_ERR_NOTFOUND) {
		log_errx(_("no asset %lld in '%s'"), (long long)id, e->o.db);
		goto done;
	}
	if (rc == VG_OK)
		rc = vg_facts_from_json(f, json_object_get(doc, "facts"), &err);
	if (rc != VG_OK) {
		log_errx("%s: %s", e->o.db, err.msg);
		goto done;
	}
	/* An agent's host keeps one device id across reports, the same
	 * as GET /api/v1/assets/{id}/glpi gives: "<hostname>-<agent id>". */
	asset = json_object_get(doc, "asset");
	host = json_string_value(json_object_get(asset, "hostname"));
	aid = json_string_value(json_object_get(asset, "agent_id"));
	if (host != NULL && aid != NULL &&
	    asprintf(deviceid, "%s-%s", host, aid) == -1) {
		*deviceid = NULL;
		log_errx(_("out of memory"));
		goto done;
	}
	status = -1;
done:
	if (status != -1) {
		vg_facts_release(f);
		free(*deviceid);
		*deviceid = NULL;
	}
	json_decref(doc);
	vg_store_free(s);
	return status;
}

/* Write the document to --output (atomically) or standard output. */
static bool
write_doc(const json_t *doc, const char *output)
{
	struct vg_err err;
	char *text;
	bool ok;

	if (output == NULL) {
		if (json_dumpf(doc, stdout,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
		    fputc('\n', stdout) != EOF && fflush(stdout) == 0)
			return true;
		log_errx(_("cannot write the GLPI inventory: %s"),
			 strerror(errno));
		return false;
	}
	if ((text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
	    NULL) {
		log_errx(_("out of memory"));
		return false;
	}
	vg_err_clear(&err);
	ok = vg_file_write_atomic(output, text, strlen(text), EXPORT_FILE_MODE,
				  &err) == VG_OK;
	if (!ok)
		log_errx("%s", err.msg);
	free(text);
	return ok;
}

static int
export_glpi(int argc, char **argv)
{
	struct export_opts e;
	struct vg_policy p;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	char *deviceid = NULL;
	json_t *doc = NULL;
	bool have_policy = false;
	int status;

	if ((status = parse_export(argc, argv, &e)) >= 0)
		return status;
	vg_report_init(&r);
	if (e.asset == NULL) {
		/* This host (or --root), exactly as `vigie facts` sees it. */
		if ((status = vg_collect_root(&e.o, &p, &f)) >= 0)
			return status;
		vg_print_warnings(&f);
	} else {
		if ((status = load_asset(&e, &f, &deviceid)) >= 0)
			return status;
		/* The server's policy judges stored facts, as it does. */
		if (!vg_load_policy(&p, NULL, e.o.config)) {
			status = VG_EXIT_FAILURE;
			goto facts;
		}
	}
	have_policy = true;
	status = VG_EXIT_FAILURE;
	if (!vg_judge(&f, &p, &r))
		goto done;
	vg_err_clear(&err);
	if ((doc = vg_glpi_inventory(&f, &r, deviceid, &err)) == NULL) {
		log_errx("%s", err.msg);
		goto done;
	}
	if (write_doc(doc, e.output))
		status = VG_EXIT_OK;
done:
	json_decref(doc);
	vg_report_release(&r);
	if (have_policy)
		vg_policy_release(&p);
facts:
	vg_facts_release(&f);
	free(deviceid);
	return status;
}

/* The formats, by name: one function each. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} formats[] = {
	{"glpi", export_glpi},
};

int
vg_cmd_export(int argc, char **argv)
{
	size_t i;

	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		vg_usage(stdout, _(export_usage), _(export_help));
		return VG_EXIT_OK;
	}
	if (argc < 2) {
		log_errx(_("%s: missing operand"), "export");
		return export_usage_error();
	}
	for (i = 0; i < VG_ARRAY_LEN(formats); i++)
		if (strcmp(argv[1], formats[i].name) == 0)
			return formats[i].run(argc - 1, argv + 1);
	log_errx(_("%s: unknown format '%s' (glpi)"), "export", argv[1]);
	return export_usage_error();
}
