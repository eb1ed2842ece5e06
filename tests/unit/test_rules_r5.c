/* Unit tests of R5 (backups): every check's pass, fail and not-evaluated. */
#include "util/common.h"

#include <string.h>

#include "support.h"
#include "rules_fixture.h"
#include "util/banned.h"

#define NOW "2026-11-30"
#define H INT64_C(3600)
#define D INT64_C(86400)

#define RUN(x, id) fx_run((x), vg_checks_r5, vg_checks_r5_count, (id))

static struct vg_backup *
add_job(struct fx *x, const char *name, int64_t last, bool offline,
	int64_t tested)
{
	struct vg_backup *b = vg_facts_add_backup(&x->f);

	assert_non_null(b);
	b->name = vg_facts_str(&x->f, name);
	b->path = vg_facts_str(&x->f, "/srv/backup");
	b->last_success = last;
	b->offline = offline;
	b->restore_tested = tested;
	return b;
}

static void
test_catalogue(void **state)
{
	static const struct {
		const char *id;
		enum vg_severity sev;
	} want[] = {
		{"backup.none", VG_SEV_HIGH},
		{"backup.stale", VG_SEV_HIGH},
		{"backup.no_offline_copy", VG_SEV_MEDIUM},
		{"backup.restore_untested", VG_SEV_MEDIUM},
	};
	size_t i;

	(void)state;
	assert_int_equal(vg_checks_r5_count, VG_ARRAY_LEN(want));
	for (i = 0; i < VG_ARRAY_LEN(want); i++) {
		assert_string_equal(vg_checks_r5[i].id, want[i].id);
		assert_int_equal(vg_checks_r5[i].rule, 5);
		assert_int_equal(vg_checks_r5[i].severity, want[i].sev);
		assert_non_null(vg_checks_r5[i].remediation);
		assert_true(strlen(vg_checks_r5[i].remediation) > 20);
	}
}

/* No source collected: every check is "not evaluated" with its reason. */
static void
test_not_evaluated(void **state)
{
	static const char *const ids[] = {"backup.stale",
					  "backup.no_offline_copy",
					  "backup.restore_untested"};
	struct fx x;
	size_t i;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_not_collected(&x.f, VG_SRC_ASSET,
			       "no [asset] section in vigie.conf");
	vg_facts_not_collected(&x.f, VG_SRC_BACKUPS, "no backup declared");
	RUN(&x, "backup.none");
	fx_assert_not_evaluated(&x, "backup.none", "no [asset] section");
	for (i = 0; i < VG_ARRAY_LEN(ids); i++) {
		RUN(&x, ids[i]);
		fx_assert_not_evaluated(&x, ids[i], "no backup declared");
	}
	assert_int_equal(x.r.n_findings, 0);

	/* An asset but no job list read: "none" cannot judge either. */
	fx_reset_report(&x);
	vg_facts_collected(&x.f, VG_SRC_ASSET);
	x.f.asset.criticality = 4;
	RUN(&x, "backup.none");
	fx_assert_not_evaluated(&x, "backup.none", "no backup declared");
	fx_release(&x);
}

static void
test_none(void **state)
{
	/* not_eval: criticality 0 is undeclared, which cannot pass. */
	static const struct {
		int criticality, min, jobs;
		bool fires, not_eval;
	} rows[] = {
		{3, 3, 0, true, false},  {4, 3, 0, true, false},
		{2, 3, 0, false, false}, {3, 3, 1, false, false},
		{0, 3, 0, false, true},  {0, 0, 0, false, true},
		{0, 3, 1, false, false}, {2, 2, 0, true, false},
		{4, 5, 0, false, false}, {1, 1, 2, false, false},
	};
	const struct vg_finding *fd;
	struct fx x;
	size_t i;
	int j;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		vg_facts_collected(&x.f, VG_SRC_ASSET);
		vg_facts_collected(&x.f, VG_SRC_BACKUPS);
		x.f.asset.name = vg_facts_str(&x.f, "srv-dpi");
		x.f.asset.criticality = rows[i].criticality;
		x.p.backup_min_criticality = rows[i].min;
		for (j = 0; j < rows[i].jobs; j++)
			add_job(&x, "nightly", x.f.collected_at - H, true,
				x.f.collected_at - D);
		RUN(&x, "backup.none");
		if (rows[i].not_eval) {
			fx_assert_not_evaluated(&x, "backup.none",
						"asset criticality not "
						"declared");
			fx_release(&x);
			continue;
		}
		assert_null(vg_fixture_not_evaluated(&x.r, "backup.none"));
		assert_int_equal(vg_fixture_count(&x.r, "backup.none"),
				 rows[i].fires ? 1 : 0);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&x.r, "backup.none", "srv-dpi");
			assert_non_null(fd);
			assert_int_equal(fd->rule, 5);
			assert_int_equal(fd->severity, VG_SEV_HIGH);
			assert_int_equal(vg_fixture_ev_int(fd, "criticality"),
					 rows[i].criticality);
			assert_int_equal(vg_fixture_ev_int(fd, "jobs"), 0);
		}
		fx_release(&x);
	}
}

static void
test_stale(void **state)
{
	static const struct {
		int64_t age; /* seconds before now; special values below */
		bool never, unknown;
		int max_hours;
		const char *state; /* NULL: no finding */
	} rows[] = {
		{H, false, false, 26, NULL},
		{26 * H, false, false, 26, NULL}, /* exactly the limit */
		{26 * H + 1, false, false, 26, "stale"},
		{10 * D, false, false, 26, "stale"},
		{-2 * H, false, false, 26, NULL}, /* future: clock skew */
		{0, true, false, 26, "never"},
		{0, false, true, 26, "unreadable"},
		/* The policy's threshold is honoured both ways. */
		{30 * H, false, false, 48, NULL},
		{2 * H, false, false, 1, "stale"},
	};
	const struct vg_finding *fd;
	struct fx x;
	int64_t last;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		vg_facts_collected(&x.f, VG_SRC_BACKUPS);
		x.p.backup_max_age_hours = rows[i].max_hours;
		last = rows[i].never      ? VG_TIME_NEVER
			: rows[i].unknown ? VG_TIME_UNKNOWN
					  : x.f.collected_at - rows[i].age;
		add_job(&x, "pacs", last, true, x.f.collected_at);
		RUN(&x, "backup.stale");
		assert_null(vg_fixture_not_evaluated(&x.r, "backup.stale"));
		if (rows[i].state == NULL) {
			assert_int_equal(vg_fixture_count(&x.r, "backup.stale"),
					 0);
		} else {
			assert_int_equal(vg_fixture_count(&x.r, "backup.stale"),
					 1);
			fd = vg_fixture_finding(&x.r, "backup.stale", "pacs");
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_HIGH);
			assert_string_equal(vg_fixture_ev_str(fd, "state"),
					    rows[i].state);
			assert_string_equal(vg_fixture_ev_str(fd, "path"),
					    "/srv/backup");
			assert_int_equal(vg_fixture_ev_int(fd, "max_age_hours"),
					 rows[i].max_hours);
			if (last > 0)
				assert_int_equal(
					vg_fixture_ev_int(fd, "age_hours"),
					rows[i].age / H);
			else
				assert_true(json_is_null(json_object_get(
					fd->evidence, "last_success")));
		}
		fx_release(&x);
	}
}

/* Several jobs: only the stale one fires; ISO time in evidence. */
static void
test_stale_several_jobs(void **state)
{
	const struct vg_finding *fd;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_BACKUPS);
	add_job(&x, "fresh", x.f.collected_at - H, true, x.f.collected_at);
	add_job(&x, "old", vg_fixture_date("2026-11-20"), true,
		x.f.collected_at);
	RUN(&x, "backup.stale");
	assert_int_equal(vg_fixture_count(&x.r, "backup.stale"), 1);
	fd = vg_fixture_finding(&x.r, "backup.stale", "old");
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "last_success"),
			    "2026-11-20T00:00:00Z");
	assert_int_equal(vg_fixture_ev_int(fd, "age_hours"), 240);
	fx_release(&x);
}

/* Ageing checks cannot run without a collection time. */
static void
test_no_collection_time(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	x.f.collected_at = VG_TIME_UNKNOWN;
	vg_facts_collected(&x.f, VG_SRC_BACKUPS);
	add_job(&x, "pacs", VG_TIME_NEVER, false, VG_TIME_NEVER);
	RUN(&x, "backup.stale");
	RUN(&x, "backup.restore_untested");
	fx_assert_not_evaluated(&x, "backup.stale", "collection time");
	fx_assert_not_evaluated(&x, "backup.restore_untested",
				"collection time");
	/* Not an ageing check: still judged. */
	RUN(&x, "backup.no_offline_copy");
	assert_int_equal(vg_fixture_count(&x.r, "backup.no_offline_copy"), 1);
	fx_release(&x);
}

static void
test_no_offline_copy(void **state)
{
	const struct vg_finding *fd;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_BACKUPS);
	add_job(&x, "tape", x.f.collected_at, true, x.f.collected_at);
	add_job(&x, "nas", x.f.collected_at, false, x.f.collected_at);
	/* A job with no name is named by its path. */
	add_job(&x, "", x.f.collected_at, false, x.f.collected_at);
	RUN(&x, "backup.no_offline_copy");
	assert_int_equal(vg_fixture_count(&x.r, "backup.no_offline_copy"), 2);
	assert_null(vg_fixture_finding(&x.r, "backup.no_offline_copy", "tape"));
	fd = vg_fixture_finding(&x.r, "backup.no_offline_copy", "nas");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_MEDIUM);
	assert_true(json_is_false(json_object_get(fd->evidence, "offline")));
	assert_non_null(vg_fixture_finding(&x.r, "backup.no_offline_copy",
					   "/srv/backup"));
	fx_release(&x);
}

static void
test_restore_untested(void **state)
{
	static const struct {
		int64_t age;
		int64_t special; /* NEVER / UNKNOWN, or 1 to use age */
		int days;
		bool fires;
	} rows[] = {
		{0, VG_TIME_NEVER, 180, true},
		{0, VG_TIME_UNKNOWN, 180, true},
		{100 * D, 1, 180, false},
		{180 * D, 1, 180, false}, /* exactly the limit */
		{180 * D + 1, 1, 180, true},
		{400 * D, 1, 180, true},
		{100 * D, 1, 30, true}, /* policy threshold */
		{100 * D, 1, 365, false},
	};
	const struct vg_finding *fd;
	struct fx x;
	int64_t tested;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		vg_facts_collected(&x.f, VG_SRC_BACKUPS);
		x.p.restore_test_days = rows[i].days;
		tested = rows[i].special == 1 ? x.f.collected_at - rows[i].age
					      : rows[i].special;
		add_job(&x, "dpi", x.f.collected_at, true, tested);
		RUN(&x, "backup.restore_untested");
		assert_null(vg_fixture_not_evaluated(
			&x.r, "backup.restore_untested"));
		assert_int_equal(
			vg_fixture_count(&x.r, "backup.restore_untested"),
			rows[i].fires ? 1 : 0);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&x.r, "backup.restore_untested",
						"dpi");
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_MEDIUM);
			assert_int_equal(
				vg_fixture_ev_int(fd, "restore_test_days"),
				rows[i].days);
			if (tested <= 0)
				assert_true(json_is_null(json_object_get(
					fd->evidence, "restore_tested")));
			else
				assert_non_null(vg_fixture_ev_str(
					fd, "restore_tested"));
		}
		fx_release(&x);
	}
}

/*
 * No job declared: the per-job checks cannot pass, since a score never
 * rewards missing data; they are "not evaluated" with the reason.
 */
static void
test_no_jobs(void **state)
{
	static const char *const ids[] = {"backup.stale",
					  "backup.no_offline_copy",
					  "backup.restore_untested"};
	struct fx x;
	size_t i;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_ASSET);
	vg_facts_collected(&x.f, VG_SRC_BACKUPS);
	x.f.asset.name = vg_facts_str(&x.f, "srv-dpi");
	x.f.asset.criticality = 4;
	for (i = 0; i < VG_ARRAY_LEN(ids); i++) {
		RUN(&x, ids[i]);
		fx_assert_not_evaluated(&x, ids[i],
					"no backup job declared in "
					"vigie.conf");
	}
	/* backup.none judges the missing job itself. */
	RUN(&x, "backup.none");
	assert_null(vg_fixture_not_evaluated(&x.r, "backup.none"));
	assert_int_equal(vg_fixture_count(&x.r, "backup.none"), 1);
	assert_int_equal(x.r.n_findings, 1);
	fx_release(&x);
}

/*
 * Job names and paths come from vigie.conf and may not be UTF-8 (a
 * Latin-1 file): every check still reports, each bad byte as U+FFFD.
 */
static void
test_not_utf8(void **state)
{
	static const char *const ids[] = {"backup.stale",
					  "backup.no_offline_copy",
					  "backup.restore_untested"};
	const struct vg_finding *fd;
	struct vg_backup *b;
	struct fx x;
	size_t i;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_BACKUPS);
	b = add_job(&x, "sauvegarde-" VG_FIXTURE_BAD "t" VG_FIXTURE_BAD,
		    VG_TIME_NEVER, false, VG_TIME_NEVER);
	b->path = vg_facts_str(&x.f, "/srv/" VG_FIXTURE_BAD "t" VG_FIXTURE_BAD);
	for (i = 0; i < VG_ARRAY_LEN(ids); i++) {
		RUN(&x, ids[i]);
		fd = vg_fixture_finding(&x.r, ids[i],
					"sauvegarde-" VG_FIXTURE_BAD
					"t" VG_FIXTURE_BAD);
		if (fd == NULL)
			fail_msg("%s: no finding", ids[i]);
		assert_string_equal(vg_fixture_ev_str(fd, "job"),
				    "sauvegarde-" VG_FIXTURE_FFFD
				    "t" VG_FIXTURE_FFFD);
		assert_string_equal(vg_fixture_ev_str(fd, "path"),
				    "/srv/" VG_FIXTURE_FFFD
				    "t" VG_FIXTURE_FFFD);
	}
	fx_release(&x);
}

/* A severity override of the policy applies to findings. */
static void
test_severity_override(void **state)
{
	struct vg_severity_override *o;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	assert_non_null(o = calloc(1, sizeof(*o)));
	assert_non_null(o->check = strdup("backup.no_offline_copy"));
	o->severity = VG_SEV_CRITICAL;
	x.p.overrides = o;
	x.p.n_overrides = 1;
	vg_facts_collected(&x.f, VG_SRC_BACKUPS);
	add_job(&x, "nas", x.f.collected_at, false, x.f.collected_at);
	RUN(&x, "backup.no_offline_copy");
	assert_int_equal(x.r.n_findings, 1);
	assert_int_equal(x.r.findings[0].severity, VG_SEV_CRITICAL);
	fx_release(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_not_evaluated),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_stale_several_jobs),
		cmocka_unit_test(test_no_collection_time),
		cmocka_unit_test(test_no_offline_copy),
		cmocka_unit_test(test_restore_untested),
		cmocka_unit_test(test_no_jobs),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_severity_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
