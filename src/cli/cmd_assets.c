/*
 * vigie assets import | list: the devices an establishment knows of
 * (biomedical equipment, printers, building controllers...), declared
 * from a spreadsheet's CSV export, so that a device seen on the network
 * that is neither an enrolled host nor a declared asset can be flagged
 * (R1, inventory of all equipment). The file's reading and checks are
 * the store's (vg_assets_parse_csv); this file prints and decides.
 */
#include "util/common.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_assets.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/root.h"
#include "util/banned.h"

/* A declarations file larger than this is refused: a spreadsheet of
 * every device of a large hospital group is a few MiB. */
#define ASSETS_FILE_MAX (16u << 20)

/* One assets command: its words, usage and help. */
struct assets_cmd {
	const char *name; /* "assets import" */
	const char *usage;
	const char *help;
	const char *allowed; /* short letters of the options it takes */
	int nargs;           /* operands */
};

static const struct assets_cmd import_cmd = {
	"assets import",
	N_("vigie assets import FILE.csv [--db FILE]"),
	N_("Declare the assets listed in FILE.csv (devices known to the "
	   "establishment),\nadding new names and updating known ones, in "
	   "one transaction.\n\n"
	   "The first line names the columns, in any order and case, in "
	   "English or\nFrench; fields are separated by ',' or ';' (found "
	   "from that line), may be\nquoted (\"\" for a quote), and the file "
	   "is UTF-8 (a BOM is skipped):\n"
	   "  name, nom                          required, unique\n"
	   "  mac, adresse_mac                   aa:bb:cc:dd:ee:ff, "
	   "aa-bb-..., aabb.ccdd.eeff\n"
	   "                                     or 12 hex digits\n"
	   "  ip, adresse_ip                     IPv4 or IPv6\n"
	   "  category, categorie                biomedical, "
	   "building-management, printer,\n"
	   "                                     iot, network, workstation, "
	   "server (or\n"
	   "                                     biomédical, gtb, imprimante, "
	   "objet-connecte,\n"
	   "                                     réseau, poste, serveur)\n"
	   "  owner, responsable, proprietaire   text\n"
	   "  site                               text\n"
	   "  criticality, criticite             1 to 4, or empty\n"
	   "Each line needs a name and a MAC or an IP address. A bad line is "
	   "reported as\nFILE:LINE and skipped, the others are imported; for "
	   "a name given twice, the\nlater line wins. Exit status: 0 every "
	   "line imported, 1 failure (file, store),\n2 usage error, 3 some "
	   "lines refused (the others imported).\n\n"
	   "  --db FILE          the store (default: /var/lib/vigie/vigie.db "
	   "as root,\n"
	   "                     else $XDG_DATA_HOME/vigie/vigie.db)\n"),
	"d",
	1,
};

static const struct assets_cmd list_cmd = {
	"assets list",
	N_("vigie assets list [--db FILE] [--format text|json]"),
	N_("List the declared assets, by name.\n\n"
	   "  --db FILE          the store (default: /var/lib/vigie/vigie.db "
	   "as root,\n"
	   "                     else $XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --format FMT       text (default) or json (an array of {id, "
	   "name, mac, ip,\n"
	   "                     category, owner, site, criticality, "
	   "imported_at})\n"),
	"df",
	0,
};

static const char assets_usage[] =
	N_("vigie assets import FILE.csv [--db FILE]\n"
	   "       vigie assets list [--db FILE] [--format text|json]");

struct assets_opts {
	const char *db;
	enum vg_format format;
	const char *operand;
};

static int
assets_usage_error(const struct assets_cmd *c)
{
	vg_usage(stderr, _(c->usage), NULL);
	return VG_EXIT_USAGE;
}

/*
 * Parse argv (argv[0] is the verb) for c; options may follow the operand
 * (`assets import FILE --db X`). -1 to go on, else the exit status.
 */
static int
assets_parse(const struct assets_cmd *c, int argc, char **argv,
	     struct assets_opts *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
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
		if (ch == 'h') {
			vg_usage(stdout, _(c->usage), _(c->help));
			return VG_EXIT_OK;
		}
		if (ch == ':') {
			log_errx(_("%s: option '%s' needs a value"), c->name,
				 argv[optind - 1]);
			return assets_usage_error(c);
		}
		if (ch == '?' || strchr(c->allowed, ch) == NULL) {
			log_errx(_("%s: unknown option '%s'"), c->name,
				 argv[optind - 1]);
			return assets_usage_error(c);
		}
		if (ch == 'd')
			o->db = optarg;
		else if (!vg_opt_format(c->name, optarg, &o->format))
			return VG_EXIT_USAGE;
	}
	if (argc - optind != c->nargs) {
		log_errx(argc - optind < c->nargs ? _("%s: missing operand")
						  : _("%s: too many operands"),
			 c->name);
		return assets_usage_error(c);
	}
	if (c->nargs > 0)
		o->operand = argv[optind];
	if (o->db == NULL)
		o->db = vg_default_db();
	return -1;
}

/* Refusals and warnings of the file, as they come. */
static void
print_note(void *ctx, bool refused, const char *msg)
{
	(void)ctx;
	(void)refused;
	log_warnx("%s", msg);
}

static int
assets_import(int argc, char **argv)
{
	struct vg_asset_set set;
	struct assets_opts o;
	struct vg_store *s = NULL;
	struct vg_buf buf;
	struct vg_err err;
	size_t added = 0, updated = 0;
	int status;
	enum vg_rc rc;

	if ((status = assets_parse(&import_cmd, argc, argv, &o)) >= 0)
		return status;
	vg_err_clear(&err);
	vg_buf_init(&buf, ASSETS_FILE_MAX);
	vg_asset_set_init(&set);
	status = VG_EXIT_FAILURE;
	if ((rc = vg_file_read(o.operand, ASSETS_FILE_MAX, &buf, &err)) !=
	    VG_OK) {
		if (rc == VG_ERR_LIMIT)
			log_errx(_("'%s' is larger than %u MiB: split it into "
				   "several files"),
				 o.operand, ASSETS_FILE_MAX >> 20);
		else
			log_errx("%s", err.msg);
		goto done;
	}
	if (vg_assets_parse_csv(o.operand, buf.data != NULL ? buf.data : "",
				buf.len, &set, print_note, NULL,
				&err) != VG_OK) {
		log_errx("%s", err.msg);
		goto done;
	}
	/* Nothing to write: the store is neither created nor opened. */
	if (set.n > 0) {
		if (!vg_prepare_db_dir(o.db))
			goto done;
		if (vg_store_open_sqlite(&s, o.db, &err) != VG_OK ||
		    vg_store_assets_import(s, set.v, set.n, (int64_t)time(NULL),
					   &added, &updated, &err) != VG_OK) {
			log_errx("%s", err.msg);
			goto done;
		}
	}
	printf(dngettext(
		       "vigie", "%zu asset imported (%zu added, %zu updated), ",
		       "%zu assets imported (%zu added, %zu updated), ", set.n),
	       set.n, added, updated);
	printf(dngettext("vigie", "%zu line refused\n", "%zu lines refused\n",
			 set.n_refused),
	       set.n_refused);
	if (fflush(stdout) != 0) {
		log_errx(_("cannot write the summary"));
		goto done;
	}
	status = set.n_refused > 0 ? VG_EXIT_FINDINGS : VG_EXIT_OK;
done:
	vg_store_free(s);
	vg_asset_set_release(&set);
	vg_buf_release(&buf);
	return status;
}

/* "-" for an absent value in the text list. */
static const char *
text_or_dash(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "-";
}

static void
list_text(const json_t *arr)
{
	const json_t *o, *crit;
	char num[24];
	size_t i;

	if (json_array_size(arr) == 0) {
		printf(_("no declared asset\n"));
		return;
	}
	vg_put_cell(stdout, _("NAME"), 24, false);
	vg_put_cell(stdout, _("MAC"), 18, false);
	vg_put_cell(stdout, _("IP"), 16, false);
	vg_put_cell(stdout, _("CATEGORY"), 20, false);
	vg_put_cell(stdout, _("CRIT."), 6, false);
	printf("%s\n", _("OWNER / SITE"));
	json_array_foreach(arr, i, o)
	{
		crit = json_object_get(o, "criticality");
		if (json_is_integer(crit))
			(void)snprintf(num, sizeof(num), "%lld",
				       (long long)json_integer_value(crit));
		else
			(void)snprintf(num, sizeof(num), "-");
		vg_put_cell(stdout, text_or_dash(o, "name"), 24, false);
		vg_put_cell(stdout, text_or_dash(o, "mac"), 18, false);
		vg_put_cell(stdout, text_or_dash(o, "ip"), 16, false);
		vg_put_cell(stdout, text_or_dash(o, "category"), 20, false);
		vg_put_cell(stdout, num, 6, false);
		vg_fput_untrusted(stdout, text_or_dash(o, "owner"));
		fputs(" / ", stdout);
		vg_fput_untrusted(stdout, text_or_dash(o, "site"));
		fputc('\n', stdout);
	}
}

static int
assets_list(int argc, char **argv)
{
	struct assets_opts o;
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *arr = NULL;
	int status;

	if ((status = assets_parse(&list_cmd, argc, argv, &o)) >= 0)
		return status;
	vg_err_clear(&err);
	status = VG_EXIT_FAILURE;
	/* No store yet: nothing declared, and nothing to create. */
	if (access(o.db, F_OK) == -1) {
		if ((arr = json_array()) == NULL) {
			log_errx(_("out of memory"));
			goto done;
		}
	} else if (vg_store_open_sqlite(&s, o.db, &err) != VG_OK ||
		   vg_store_assets_list(s, &arr, &err) != VG_OK) {
		log_errx("%s", err.msg);
		goto done;
	}
	if (o.format == VG_FORMAT_JSON) {
		if (json_dumpf(arr, stdout, JSON_INDENT(2)) != 0 ||
		    fputc('\n', stdout) == EOF) {
			log_errx(_("cannot write the list"));
			goto done;
		}
	} else {
		list_text(arr);
	}
	if (fflush(stdout) != 0) {
		log_errx(_("cannot write the list"));
		goto done;
	}
	status = VG_EXIT_OK;
done:
	json_decref(arr);
	vg_store_free(s);
	return status;
}

/* The verbs, by name. */
static const struct vg_verb verbs[] = {
	{"import", assets_import},
	{"list", assets_list},
};

static const char assets_help[] =
	N_("Declare the devices the establishment knows of "
	   "(`vigie assets import\n--help` describes the "
	   "file), and list them.\n");

int
vg_cmd_assets(int argc, char **argv)
{
	return vg_run_verb("assets", verbs, VG_ARRAY_LEN(verbs), assets_usage,
			   assets_help, argc, argv);
}
