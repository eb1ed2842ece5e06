/*
 * `vigie incident export ID --format signalement|cnil|json|md
 * [--output FILE] [--db FILE] [--config FILE]`: the report drafts of
 * respond/export.h, in French, on stdout or into FILE (written to a
 * temporary file beside it, synced, then renamed: never half a draft).
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/incident_cli.h"
#include "core/policy.h"
#include "respond/export.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

#define EXPORT_OUT_MAX (64u << 20) /* a draft with a long timeline */

static const char usage[] =
	N_("vigie incident export ID --format signalement|cnil|json|md "
	   "[--output FILE] [--db FILE] [--config FILE]");
static const char help[] =
	N_("Draft the reports of incident ID, in French: the national portal's "
	   "form\n(signalement), the CNIL notification (cnil), both with the "
	   "timeline (md), or\nevery block as JSON (json); deadlines computed "
	   "now, dates in Paris time.\nThe establishment comes from the "
	   "[establishment] section of the config.\n\n"
	   "  --format FMT     signalement, cnil, json or md (required)\n"
	   "  --output FILE    write to FILE (atomically) instead of stdout\n"
	   "  --db FILE        the store (default: /var/lib/vigie/vigie.db as "
	   "root,\n"
	   "                   else $XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --config FILE    the config (default: /etc/vigie/vigie.conf)\n");

/* Write all of b to fd. */
static bool
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* path written whole or not at all: temporary file, fsync, rename. */
static bool
write_atomic(const char *path, const struct vg_buf *b)
{
	char tmp[PATH_MAX];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		log_errx(_("%s: path too long"), path);
		return false;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		log_errx(_("cannot create a temporary file beside '%s': %s"),
			 path, strerror(errno));
		return false;
	}
	/* mkstemp's 0600 suits a draft naming patients' data. */
	if (!write_all(fd, vg_buf_str(b), b->len) || fsync(fd) == -1) {
		log_errx(_("cannot write '%s': %s"), tmp, strerror(errno));
		(void)close(fd);
		(void)unlink(tmp);
		return false;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		log_errx(_("cannot write '%s': %s"), path, strerror(errno));
		(void)unlink(tmp);
		return false;
	}
	return true;
}

int
vg_incident_export_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'd'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = NULL, *output = NULL, *db = NULL, *config = NULL;
	enum vg_export_format f = VG_EXPORT_SIGNALEMENT;
	struct vg_store *s = NULL;
	struct vg_policy p;
	bool policy_loaded = false;
	struct vg_buf out;
	struct vg_err err;
	json_t *inc = NULL;
	int64_t id;
	int c, status = VG_EXIT_FAILURE;
	enum vg_rc rc;

	vg_err_clear(&err);
	vg_buf_init(&out, EXPORT_OUT_MAX);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			vg_usage(stdout, _(usage), _(help));
			return VG_EXIT_OK;
		default:
			log_errx(_("incident export: unknown option or missing "
				   "value '%s'"),
				 argv[optind - 1]);
			vg_usage(stderr, _(usage), _(help));
			return VG_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		log_errx(_("incident export: expected one incident id"));
		vg_usage(stderr, _(usage), _(help));
		return VG_EXIT_USAGE;
	}
	if (vg_parse_intz(argv[optind], 1, INT64_MAX, &id) != VG_OK) {
		log_errx(_("incident export: '%s' is not an incident id"),
			 argv[optind]);
		return VG_EXIT_USAGE;
	}
	if (format == NULL) {
		log_errx(_("incident export: --format is required "
			   "(signalement, cnil, json or md)"));
		return VG_EXIT_USAGE;
	}
	if (!vg_export_format_parse(format, &f)) {
		log_errx(_("incident export: unknown format '%s' (signalement, "
			   "cnil, json or md)"),
			 format);
		return VG_EXIT_USAGE;
	}
	if (output != NULL && *output == '\0') {
		log_errx(_("incident export: --output needs a file name"));
		return VG_EXIT_USAGE;
	}
	if (db == NULL)
		db = vg_default_db();
	if (!vg_load_policy(&p, NULL, config))
		goto done;
	policy_loaded = true;
	/* Reading must not create an empty store as a side effect. */
	if (access(db, F_OK) == -1) {
		log_errx(_("cannot open the store '%s': %s"), db,
			 strerror(errno));
		goto done;
	}
	if ((rc = vg_store_open_sqlite(&s, db, &err)) == VG_OK)
		rc = vg_store_incident_get(s, id, &inc, &err);
	if (rc == VG_ERR_NOTFOUND) {
		log_errx(_("no incident %lld in '%s'"), (long long)id, db);
		goto done;
	}
	if (rc != VG_OK) {
		log_errx("%s: %s", db, err.msg);
		goto done;
	}
	/* LANGUAGE would override the French locale the export takes. */
	(void)unsetenv("LANGUAGE");
	if (vg_incident_export(inc, &p, f, (int64_t)time(NULL), &out, &err) !=
	    VG_OK) {
		log_errx(_("incident export: %s"), err.msg);
		goto done;
	}
	if (output != NULL) {
		if (!write_atomic(output, &out))
			goto done;
	} else if (!write_all(STDOUT_FILENO, vg_buf_str(&out), out.len)) {
		log_errx(_("cannot write the draft: %s"), strerror(errno));
		goto done;
	}
	status = VG_EXIT_OK;
done:
	json_decref(inc);
	vg_store_free(s);
	if (policy_loaded)
		vg_policy_release(&p);
	vg_buf_release(&out);
	return status;
}
