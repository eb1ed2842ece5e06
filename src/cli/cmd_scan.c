/* vigie scan: collect this host's facts, judge them, show and record. */
#include "util/common.h"

#include <errno.h>
#include <string.h>

#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_vuln.h"
#include "collect/collect.h"
#include "respond/incident_facts.h"
#include "store/store.h"
#include "util/log.h"
#include "util/root.h"
#include "vuln/match.h"
#include "util/banned.h"

static const struct vg_command_help scan_help = {
	"scan",
	N_("vigie scan [--root DIR] [--config FILE] [--format text|json]\n"
	   "                  [--db FILE | --no-store] [--fail-on SEVERITY] "
	   "[-v]"),
	N_("Audit this host, or the root filesystem DIR, against the hygiene "
	   "rules.\n\n"
	   "  --root DIR         audit the system mounted at DIR; nothing "
	   "outside it is read\n"
	   "  --config FILE      policy file (default: ROOT/etc/vigie/"
	   "vigie.conf if present)\n"
	   "  --format FMT       text (default) or json (vigie.scan/1)\n"
	   "  --db FILE          record the scan in this store\n"
	   "                     (default: /var/lib/vigie/vigie.db as root,\n"
	   "                     else $XDG_DATA_HOME/vigie/vigie.db)\n"
	   "  --no-store         do not record the scan\n"
	   "  --fail-on SEV      exit 3 when a finding is at least SEV\n"
	   "                     (low, medium, high, critical)\n"
	   "  -v, --verbose      show each finding's evidence\n\n"
	   "Exit status: 0 done, 1 failure, 2 usage error, 3 findings at or "
	   "above --fail-on.\n"),
	VG_OPT_ROOT | VG_OPT_CONFIG | VG_OPT_FORMAT | VG_OPT_DB |
		VG_OPT_NO_STORE | VG_OPT_FAIL_ON | VG_OPT_VERBOSE,
	0,
	0,
};

/* vg_collect_root with collect (vg_collect_all or a part of it). */
static int
collect_root(const struct vg_options *o, struct vg_policy *p,
	     struct vg_facts *f,
	     enum vg_rc (*collect)(struct vg_collect *, struct vg_err *))
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_err err;
	int status = -1;

	vg_err_clear(&err);
	if (vg_root_open(&root, o->root, &err) != VG_OK) {
		log_errx("%s", err.msg);
		return VG_EXIT_USAGE;
	}
	if (!vg_load_policy(p, &root, o->config)) {
		vg_root_close(&root);
		return VG_EXIT_FAILURE;
	}
	vg_facts_init(f);
	c.root = &root;
	c.policy = p;
	c.facts = f;
	if (collect(&c, &err) != VG_OK) {
		log_errx("%s", err.msg);
		vg_facts_release(f);
		vg_policy_release(p);
		status = VG_EXIT_FAILURE;
	}
	vg_root_close(&root);
	return status;
}

int
vg_collect_root(const struct vg_options *o, struct vg_policy *p,
		struct vg_facts *f)
{
	return collect_root(o, p, f, vg_collect_all);
}

int
vg_collect_root_packages(const struct vg_options *o, struct vg_policy *p,
			 struct vg_facts *f)
{
	return collect_root(o, p, f, vg_collect_packages);
}

/*
 * Derive what the facts need from the store at db when it exists (a
 * store that does not exist is not created): the packages matched
 * against its vulnerability data (without data the vulnerabilities
 * source stays not collected, with the way to get some) and the
 * incidents naming this host. A store that cannot be read is a
 * warning: those checks are then not evaluated.
 */
static void
scan_derive(const char *db, struct vg_facts *f)
{
	struct vg_store *s = NULL;
	struct vg_err err;
	bool feeds = false;

	vg_facts_not_collected(f, VG_SRC_VULNS,
			       _("no vulnerability data: run `vigie vuln "
				 "update`"));
	vg_facts_not_collected(f, VG_SRC_INCIDENTS, _("no store of incidents"));
	vg_err_clear(&err);
	if (db == NULL || access(db, F_OK) != 0)
		return;
	/* What cannot be read is not evaluated; the scan goes on (its
	 * recording reports a store it cannot write). */
	if (vg_store_open_sqlite(&s, db, &err) != VG_OK ||
	    vg_vuln_store_state(s, &feeds, NULL, &err) != VG_OK) {
		log_warnx(_("cannot read the store: %s"), err.msg);
		vg_store_free(s);
		return;
	}
	/* A failed match leaves the source not collected with its
	 * reason: the check is then not evaluated, the scan goes on. */
	if (feeds &&
	    vg_vuln_match(f, vg_store_vuln_lookup_cb, s, &err) != VG_OK)
		log_warnx(_("cannot match the vulnerability data: %s"),
			  err.msg);
	if (vg_incident_facts_fill(s, f, &err) != VG_OK)
		log_warnx(_("cannot read the incidents: %s"), err.msg);
	vg_store_free(s);
}

int
vg_cmd_scan(int argc, char **argv)
{
	struct vg_options o;
	struct vg_policy p;
	struct vg_facts f;
	struct vg_report r;
	int status, first;

	if ((status = vg_parse_options(&scan_help, argc, argv, &o, &first)) >=
	    0)
		return status;
	if ((status = vg_collect_root(&o, &p, &f)) >= 0)
		return status;
	vg_print_warnings(&f);
	scan_derive(o.db, &f);
	if (!vg_judge(&f, &p, &r)) {
		status = VG_EXIT_FAILURE;
		goto done;
	}
	status = VG_EXIT_OK;
	if (!o.no_store && !vg_record_scan(o.db, &f, &r))
		status = VG_EXIT_FAILURE;
	if (!vg_show_report(&o, &f, &r)) {
		log_errx(_("cannot write the report: %s"), strerror(errno));
		status = VG_EXIT_FAILURE;
	}
	if (status == VG_EXIT_OK)
		status = vg_exit_for(&r, &o);
	vg_report_release(&r);
done:
	vg_facts_release(&f);
	vg_policy_release(&p);
	return status;
}
