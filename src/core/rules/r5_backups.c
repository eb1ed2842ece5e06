/*
 * R5 — Backups. The jobs are declared in vigie.conf ([backup "name"]);
 * the collector records what it found of each (newest file, offline copy,
 * last restore test). A backup whose evidence cannot be read cannot be
 * trusted: backup.stale fires for an unreadable path as for a missing one.
 */
#include "util/common.h"

#include "core/rules.h"
#include "core/rules/common.h"
#include "util/text.h"
#include "util/banned.h"

#define HOUR INT64_C(3600)

/* A job is named by its declaration; its path when the name is missing. */
static const char *
job_subject(const struct vg_backup *b)
{
	if (b->name != NULL && *b->name != '\0')
		return b->name;
	return b->path != NULL ? b->path : "";
}

/*
 * The per-job checks need the job list and at least one job: with none
 * declared they would pass silently, and a score never rewards missing
 * data (RULES.md). backup.none reports the missing job itself.
 */
static bool
needs_jobs(const struct vg_check *c, const struct vg_facts *f,
	   struct vg_report *r)
{
	if (!vg_check_needs(c, f, VG_SRC_BACKUPS, r))
		return false;
	if (f->n_backups > 0)
		return true;
	(void)vg_report_not_evaluated(r, c->rule, c->id,
				      _("no backup job declared in "
					"vigie.conf"));
	return false;
}

/*
 * backup.none: a critical enough asset with no job at all. The asset's
 * criticality comes from [asset]; the jobs from [backup] sections, so both
 * sources must have been read (an unread job list is not an empty one).
 * An undeclared criticality (0) cannot be judged: a score never rewards
 * missing data (RULES.md), so without jobs the check is "not evaluated"
 * (inventory.incomplete reports the missing criticality itself). With a
 * job declared the check passes whatever the criticality.
 */
static enum vg_rc
check_none(const struct vg_check *c, const struct vg_facts *f,
	   const struct vg_policy *p, struct vg_report *r)
{
	json_t *ev;

	if (!vg_check_needs(c, f, VG_SRC_ASSET, r) ||
	    !vg_check_needs(c, f, VG_SRC_BACKUPS, r))
		return VG_OK;
	if (f->n_backups > 0)
		return VG_OK;
	if (f->asset.criticality < 1) {
		(void)vg_report_not_evaluated(r, c->rule, c->id,
					      _("asset criticality not "
						"declared"));
		return VG_OK;
	}
	if (f->asset.criticality < p->backup_min_criticality)
		return VG_OK;
	ev = json_pack("{s:i, s:i, s:i}", "criticality", f->asset.criticality,
		       "backup_min_criticality", p->backup_min_criticality,
		       "jobs", 0);
	return vg_rule_report(c, p, r, vg_rule_host_subject(f), ev);
}

/*
 * backup.stale: per job, no success within backup_max_age_hours. NEVER
 * (nothing found at the path) and UNKNOWN (the path could not be read)
 * fire too, with a "state" saying which. A success dated after "now"
 * (clock skew) is taken as fresh.
 */
static enum vg_rc
check_stale(const struct vg_check *c, const struct vg_facts *f,
	    const struct vg_policy *p, struct vg_report *r)
{
	const int64_t max = (int64_t)p->backup_max_age_hours * HOUR;
	const struct vg_backup *b;
	const char *state;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!needs_jobs(c, f, r) || !vg_rule_needs_now(c, f, r))
		return VG_OK;
	for (i = 0; i < f->n_backups; i++) {
		b = &f->backups[i];
		if (b->last_success == VG_TIME_NEVER)
			state = "never";
		else if (b->last_success < 0)
			state = "unreadable";
		else if (f->collected_at - b->last_success > max)
			state = "stale";
		else
			continue;
		ev = json_pack(
			"{s:o, s:o, s:s, s:o, s:I, s:i}", "job",
			vg_rule_str_json(b->name), "path",
			vg_rule_str_json(b->path), "state", state,
			"last_success",
			vg_rule_time_or_null_json(b->last_success), "age_hours",
			(json_int_t)(b->last_success > 0 ? (f->collected_at -
							    b->last_success) /
						     HOUR
							 : -1),
			"max_age_hours", p->backup_max_age_hours);
		if ((rc = vg_rule_report(c, p, r, job_subject(b), ev)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* backup.no_offline_copy: per job with neither offline nor immutable copy. */
static enum vg_rc
check_no_offline_copy(const struct vg_check *c, const struct vg_facts *f,
		      const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_backup *b;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!needs_jobs(c, f, r))
		return VG_OK;
	for (i = 0; i < f->n_backups; i++) {
		b = &f->backups[i];
		if (b->offline)
			continue;
		ev = json_pack("{s:o, s:o, s:b}", "job",
			       vg_rule_str_json(b->name), "path",
			       vg_rule_str_json(b->path), "offline", 0);
		if ((rc = vg_rule_report(c, p, r, job_subject(b), ev)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/*
 * backup.restore_untested: per job, no restore test recorded (NEVER, or
 * an unknown date) or the last one older than restore_test_days.
 */
static enum vg_rc
check_restore_untested(const struct vg_check *c, const struct vg_facts *f,
		       const struct vg_policy *p, struct vg_report *r)
{
	const int64_t max = (int64_t)p->restore_test_days * VG_DAY_SECONDS;
	const struct vg_backup *b;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!needs_jobs(c, f, r) || !vg_rule_needs_now(c, f, r))
		return VG_OK;
	for (i = 0; i < f->n_backups; i++) {
		b = &f->backups[i];
		if (b->restore_tested > 0 &&
		    f->collected_at - b->restore_tested <= max)
			continue;
		ev = json_pack("{s:o, s:o, s:o, s:i}", "job",
			       vg_rule_str_json(b->name), "path",
			       vg_rule_str_json(b->path), "restore_tested",
			       vg_rule_time_or_null_json(b->restore_tested),
			       "restore_test_days", p->restore_test_days);
		if ((rc = vg_rule_report(c, p, r, job_subject(b), ev)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

const struct vg_check vg_checks_r5[] = {
	{"backup.none", 5, VG_SEV_HIGH,
	 N_("Set up a backup job for this asset and declare it in a "
	    "[backup \"name\"] section of vigie.conf."),
	 check_none},
	{"backup.stale", 5, VG_SEV_HIGH,
	 N_("Check that the backup job runs and succeeds, and that its "
	    "output path is readable by vigie."),
	 check_stale},
	{"backup.no_offline_copy", 5, VG_SEV_MEDIUM,
	 N_("Keep a copy of this backup offline or immutable (tape, "
	    "disconnected disk, WORM storage) and set offline = yes."),
	 check_no_offline_copy},
	{"backup.restore_untested", 5, VG_SEV_MEDIUM,
	 N_("Restore this backup on a test system and record the date as "
	    "restore_tested in its [backup] section."),
	 check_restore_untested},
};
const size_t vg_checks_r5_count = VG_ARRAY_LEN(vg_checks_r5);
