/* Unit tests of R7 (updates): every check's pass, fail and not-evaluated. */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"
#include "rules_fixture.h"
#include "core/evidence_cache.h"
#include "core/vulns.h"
#include "util/banned.h"

#define NOW "2026-11-30"
#define D INT64_C(86400)

#define SEC "updates.pending_security"
#define PENDING "updates.pending"
#define EOL "updates.eol_os"
#define AUTO "updates.no_auto_updates"
#define LISTS "updates.stale_lists"
#define REBOOT "updates.reboot_required"
#define VULN "updates.vulnerable_package"

#define RUN(x, id) fx_run((x), vg_checks_r7, vg_checks_r7_count, (id))

static void
add_upgrade(struct fx *x, const char *name, bool security)
{
	struct vg_upgrade *u = vg_facts_add_upgrade(&x->f);

	assert_non_null(u);
	u->name = vg_facts_str(&x->f, name);
	u->installed = vg_facts_str(&x->f, "1.0-1");
	u->candidate = vg_facts_str(&x->f, "1.0-1+deb12u1");
	u->suite = vg_facts_str(
		&x->f, security ? "bookworm-security" : "bookworm-updates");
	u->security = security;
}

/* A vulnerable package with n_kev of its n_ids in KEV (n_kev <= 2). */
static struct vg_vuln_pkg *
add_vuln(struct fx *x, const char *package, const char *version, size_t n_kev,
	 double cvss, int urgency)
{
	struct vg_vuln_pkg *v = vg_facts_add_vuln_pkg(&x->f);

	assert_non_null(v);
	v->package = vg_facts_str(&x->f, package);
	v->version = vg_facts_str(&x->f, version);
	v->binaries = vg_facts_str(&x->f, "libfoo1,foo");
	v->ids = vg_facts_str(&x->f, "CVE-2024-0001,CVE-2024-0002");
	v->n_ids = 2;
	v->fixed_version = vg_facts_str(&x->f, "9.9-1");
	v->status = VG_VPKG_FIX_AVAILABLE;
	v->urgency = urgency;
	v->cvss = cvss;
	v->n_kev = n_kev;
	if (n_kev > 0)
		v->kev_ids = vg_facts_str(&x->f, "CVE-2024-0002");
	return v;
}

/* The eol rows of data/eol.csv the tests rely on. */
static void
load_eol(struct vg_policy *p)
{
	vg_fixture_eol(p, "debian", "10", "2024-06-30");
	vg_fixture_eol(p, "debian", "12", "2028-06-30");
	vg_fixture_eol(p, "ubuntu", "18.04", "2023-05-31");
	vg_fixture_eol(p, "ubuntu", "24.04", "2029-05-31");
	vg_fixture_eol(p, "rhel", "8", "2029-05-31");
	vg_fixture_eol(p, "rocky", "8", "2029-05-31");
	vg_fixture_eol(p, "centos", "8", "2021-12-31");
}

static void
test_catalogue(void **state)
{
	static const struct {
		const char *id;
		enum vg_severity sev;
	} want[] = {
		{SEC, VG_SEV_HIGH},      {PENDING, VG_SEV_LOW},
		{VULN, VG_SEV_HIGH},     {EOL, VG_SEV_HIGH},
		{AUTO, VG_SEV_LOW},      {LISTS, VG_SEV_LOW},
		{REBOOT, VG_SEV_MEDIUM},
	};
	size_t i;

	(void)state;
	assert_int_equal(vg_checks_r7_count, VG_ARRAY_LEN(want));
	for (i = 0; i < VG_ARRAY_LEN(want); i++) {
		assert_string_equal(vg_checks_r7[i].id, want[i].id);
		assert_int_equal(vg_checks_r7[i].rule, 7);
		assert_int_equal(vg_checks_r7[i].severity, want[i].sev);
		assert_true(strlen(vg_checks_r7[i].remediation) > 20);
	}
}

/* Sources not collected: not evaluated with the source's reason. */
static void
test_not_evaluated(void **state)
{
	static const struct {
		const char *id;
		const char *reason;
	} rows[] = {
		{SEC, "no apt lists"},           {PENDING, "no apt lists"},
		{LISTS, "no apt lists"},         {EOL, "no os-release"},
		{AUTO, "not a debian"},          {REBOOT, "no kernel"},
		{VULN, "no vulnerability data"},
	};
	struct fx x;
	size_t i;

	(void)state;
	fx_init(&x, NOW);
	load_eol(&x.p);
	vg_facts_not_collected(&x.f, VG_SRC_APT, "no apt lists");
	vg_facts_not_collected(&x.f, VG_SRC_OS, "no os-release");
	vg_facts_not_collected(&x.f, VG_SRC_AUTO_UPDATES, "not a debian");
	vg_facts_not_collected(&x.f, VG_SRC_KERNEL, "no kernel");
	vg_facts_not_collected(
		&x.f, VG_SRC_VULNS,
		"no vulnerability data: run `vigie vuln update`");
	/* Facts that would fire are ignored. */
	add_vuln(&x, "openssl", "3.0.11-1", 1, -1, VG_URG_HIGH);
	add_upgrade(&x, "openssl", true);
	add_upgrade(&x, "vim", false);
	x.f.kernel.reboot_flag = true;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		RUN(&x, rows[i].id);
		fx_assert_not_evaluated(&x, rows[i].id, rows[i].reason);
	}
	assert_int_equal(x.r.n_findings, 0);

	/* A source with no reason gets a generic one. */
	fx_reset_report(&x);
	x.f.sources[VG_SRC_KERNEL].reason = NULL;
	RUN(&x, REBOOT);
	assert_non_null(vg_fixture_not_evaluated(&x.r, REBOOT));
	fx_release(&x);
}

static void
test_pending_security(void **state)
{
	const struct vg_finding *fd;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_APT);
	RUN(&x, SEC);
	RUN(&x, PENDING);
	assert_int_equal(x.r.n_findings, 0); /* pass: nothing pending */
	assert_int_equal(x.r.n_not_evaluated, 0);

	add_upgrade(&x, "openssl", true);
	add_upgrade(&x, "vim", false);
	add_upgrade(&x, "libc6", true);
	RUN(&x, SEC);
	assert_int_equal(vg_fixture_count(&x.r, SEC), 2);
	assert_null(vg_fixture_finding(&x.r, SEC, "vim"));
	fd = vg_fixture_finding(&x.r, SEC, "openssl");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_HIGH);
	assert_string_equal(vg_fixture_ev_str(fd, "installed"), "1.0-1");
	assert_string_equal(vg_fixture_ev_str(fd, "candidate"),
			    "1.0-1+deb12u1");
	assert_string_equal(vg_fixture_ev_str(fd, "suite"),
			    "bookworm-security");
	fx_release(&x);
}

static void
test_pending(void **state)
{
	static const struct {
		int n_other, n_security;
		const char *subject; /* NULL: no finding */
		size_t listed;
	} rows[] = {
		{0, 3, NULL, 0},
		{1, 0, "pkg0", 1},
		{2, 5, "pkg0, pkg1", 2},
		{50, 0, "pkg0, pkg1, pkg2, pkg3, pkg4 +45", 50},
		{300, 10, "pkg0, pkg1, pkg2, pkg3, pkg4 +295", 50},
	};
	const struct vg_finding *fd;
	char name[32];
	struct fx x;
	size_t i;
	int j;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		vg_facts_collected(&x.f, VG_SRC_APT);
		for (j = 0; j < rows[i].n_security; j++) {
			(void)snprintf(name, sizeof(name), "sec%d", j);
			add_upgrade(&x, name, true);
		}
		for (j = 0; j < rows[i].n_other; j++) {
			(void)snprintf(name, sizeof(name), "pkg%d", j);
			add_upgrade(&x, name, false);
		}
		RUN(&x, PENDING);
		if (rows[i].subject == NULL) {
			assert_int_equal(x.r.n_findings, 0);
		} else {
			assert_int_equal(x.r.n_findings, 1);
			fd = vg_fixture_finding(&x.r, PENDING, rows[i].subject);
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_LOW);
			assert_int_equal(vg_fixture_ev_int(fd, "count"),
					 rows[i].n_other);
			assert_int_equal(json_array_size(json_object_get(
						 fd->evidence, "packages")),
					 rows[i].listed);
			assert_string_equal(
				json_string_value(json_array_get(
					json_object_get(fd->evidence,
							"packages"),
					0)),
				"pkg0");
			assert_int_equal(
				json_is_true(json_object_get(fd->evidence,
							     "truncated")),
				rows[i].listed < (size_t)rows[i].n_other);
		}
		fx_release(&x);
	}
}

struct eol_row {
	const char *id, *id_like, *version;
	int fires;           /* 1 fires, 0 passes, -1 not evaluated */
	const char *matched; /* "eol_os_id/eol_version" expected */
};

static const struct eol_row eol_rows[] = {
	{"debian", NULL, "10", 1, "debian/10"},
	{"debian", NULL, "12", 0, NULL},
	{"debian", NULL, "10.13", 1, "debian/10"},
	{"ubuntu", "debian", "18.04", 1, "ubuntu/18.04"},
	{"ubuntu", "debian", "24.04", 0, NULL},
	/* Ubuntu compares VERSION_ID exactly, not its major. */
	{"ubuntu", "debian", "18.10", -1, NULL},
	{"rocky", "rhel centos fedora", "8.9", 0, NULL},
	{"centos", "rhel fedora", "8.5", 1, "centos/8"},
	/* Matched through ID_LIKE. */
	{"raspbian", "debian", "10", 1, "debian/10"},
	{"ol", "  fedora   rhel ", "8.9", 0, NULL},
	/* 1 is not 10; unknown distributions are not judged. */
	{"debian", NULL, "1", -1, NULL},
	{"arch", NULL, "2026.11", -1, NULL},
	{"gentoo", "", "2.17", -1, NULL},
	{"debian", NULL, NULL, -1, NULL},
	{NULL, NULL, NULL, -1, NULL},
};

static void
eol_row_check(size_t i, const struct eol_row *row)
{
	const struct vg_finding *fd;
	char pretty[64], matched[64];
	struct fx x;

	fx_init(&x, NOW);
	load_eol(&x.p);
	vg_facts_collected(&x.f, VG_SRC_OS);
	x.f.os.id = vg_facts_str(&x.f, row->id);
	x.f.os.id_like = vg_facts_str(&x.f, row->id_like);
	x.f.os.version_id = vg_facts_str(&x.f, row->version);
	(void)snprintf(pretty, sizeof(pretty), "%s %s (row %zu)",
		       row->id ? row->id : "", row->version ? row->version : "",
		       i);
	x.f.os.pretty_name = vg_facts_str(&x.f, pretty);
	RUN(&x, EOL);
	if (row->fires < 0) {
		fx_assert_not_evaluated(&x, EOL, "no end-of-life data for");
	} else if (row->fires == 0) {
		assert_null(vg_fixture_not_evaluated(&x.r, EOL));
		if (x.r.n_findings != 0)
			fail_msg("row %zu fired", i);
	} else {
		assert_null(vg_fixture_not_evaluated(&x.r, EOL));
		if (x.r.n_findings != 1)
			fail_msg("row %zu did not fire", i);
		fd = vg_fixture_finding(&x.r, EOL, pretty);
		assert_non_null(fd);
		assert_int_equal(fd->severity, VG_SEV_HIGH);
		(void)snprintf(matched, sizeof(matched), "%s/%s",
			       vg_fixture_ev_str(fd, "eol_os_id"),
			       vg_fixture_ev_str(fd, "eol_version"));
		assert_string_equal(matched, row->matched);
		assert_string_equal(vg_fixture_ev_str(fd, "version_id"),
				    row->version);
		assert_non_null(vg_fixture_ev_str(fd, "end_of_support"));
	}
	fx_release(&x);
}

static void
test_eol(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(eol_rows); i++)
		eol_row_check(i, &eol_rows[i]);
}

/* Reason text, the day of the end of support, and no table loaded. */
static void
test_eol_edges(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_OS);
	x.f.os.id = vg_facts_str(&x.f, "debian");
	x.f.os.version_id = vg_facts_str(&x.f, "10");
	RUN(&x, EOL);
	fx_assert_not_evaluated(&x, EOL, "end-of-life table not loaded");
	fx_release(&x);

	fx_init(&x, NOW);
	load_eol(&x.p);
	vg_facts_collected(&x.f, VG_SRC_OS);
	x.f.os.id = vg_facts_str(&x.f, "slackware");
	x.f.os.version_id = vg_facts_str(&x.f, "15.0");
	RUN(&x, EOL);
	fx_assert_not_evaluated(&x, EOL,
				"no end-of-life data for slackware 15.0");
	fx_release(&x);

	/* On the end date itself the release is still supported. */
	fx_init(&x, "2028-06-30");
	load_eol(&x.p);
	vg_facts_collected(&x.f, VG_SRC_OS);
	x.f.os.id = vg_facts_str(&x.f, "debian");
	x.f.os.version_id = vg_facts_str(&x.f, "12");
	RUN(&x, EOL);
	assert_int_equal(x.r.n_findings, 0);
	x.f.collected_at += D;
	RUN(&x, EOL);
	assert_int_equal(x.r.n_findings, 1);
	/* No PRETTY_NAME: the subject is "id version". */
	assert_non_null(vg_fixture_finding(&x.r, EOL, "debian 12"));
	fx_release(&x);
}

static void
test_no_auto_updates(void **state)
{
	const struct vg_finding *fd;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_AUTO_UPDATES);
	x.f.os.hostname = vg_facts_str(&x.f, "pc-accueil-01");
	x.f.auto_updates.enabled = true;
	x.f.auto_updates.mechanism = vg_facts_str(&x.f, "unattended-upgrades");
	RUN(&x, AUTO);
	assert_int_equal(x.r.n_findings, 0);
	assert_int_equal(x.r.n_not_evaluated, 0);

	x.f.auto_updates.enabled = false;
	x.f.auto_updates.detail =
		vg_facts_str(&x.f,
			     "/etc/apt/apt.conf.d/20auto-upgrades:2: "
			     "APT::Periodic::Unattended-Upgrade \"0\"");
	RUN(&x, AUTO);
	assert_int_equal(x.r.n_findings, 1);
	fd = vg_fixture_finding(&x.r, AUTO, "pc-accueil-01");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_LOW);
	assert_string_equal(vg_fixture_ev_str(fd, "mechanism"),
			    "unattended-upgrades");
	assert_non_null(
		strstr(vg_fixture_ev_str(fd, "detail"), "20auto-upgrades"));
	assert_true(json_is_false(json_object_get(fd->evidence, "enabled")));
	fx_release(&x);
}

static void
test_stale_lists(void **state)
{
	static const struct {
		int64_t age;     /* seconds before now */
		int64_t special; /* UNKNOWN/NEVER, or 1 to use age */
		int days;
		bool fires;
	} rows[] = {
		{D, 1, 7, false},
		{7 * D, 1, 7, false}, /* exactly the limit */
		{7 * D + 1, 1, 7, true},
		{30 * D, 1, 7, true},
		{-D, 1, 7, false}, /* future: clock skew */
		{0, VG_TIME_UNKNOWN, 7, true},
		{0, VG_TIME_NEVER, 7, true},
		{10 * D, 1, 14, false}, /* policy threshold */
		{2 * D, 1, 1, true},
	};
	const struct vg_finding *fd;
	struct fx x;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		vg_facts_collected(&x.f, VG_SRC_APT);
		x.p.stale_lists_days = rows[i].days;
		x.f.apt.n_lists = 4;
		x.f.apt.lists_updated = rows[i].special == 1
			? x.f.collected_at - rows[i].age
			: rows[i].special;
		RUN(&x, LISTS);
		assert_null(vg_fixture_not_evaluated(&x.r, LISTS));
		if (vg_fixture_count(&x.r, LISTS) != (rows[i].fires ? 1u : 0u))
			fail_msg("row %zu", i);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&x.r, LISTS, "apt lists");
			assert_non_null(fd);
			assert_int_equal(
				vg_fixture_ev_int(fd, "stale_lists_days"),
				rows[i].days);
			assert_int_equal(vg_fixture_ev_int(fd, "age_days"),
					 rows[i].special == 1 ? rows[i].age / D
							      : -1);
		}
		fx_release(&x);
	}

	fx_init(&x, NOW);
	x.f.collected_at = VG_TIME_UNKNOWN;
	vg_facts_collected(&x.f, VG_SRC_APT);
	RUN(&x, LISTS);
	fx_assert_not_evaluated(&x, LISTS, "collection time");
	fx_release(&x);
}

static void
test_reboot_required(void **state)
{
	static const struct {
		bool flag;
		const char *running, *newest;
		size_t reasons; /* 0: no finding */
	} rows[] = {
		{false, NULL, NULL, 0},
		{false, "6.1.0-25-amd64", "6.1.0-25-amd64", 0},
		{false, NULL, "6.1.0-26-amd64", 0}, /* offline root */
		{false, "6.1.0-25-amd64", NULL, 0},
		{true, NULL, NULL, 1},
		{false, "6.1.0-25-amd64", "6.1.0-26-amd64", 1},
		{true, "6.1.0-25-amd64", "6.1.0-26-amd64", 2},
	};
	const struct vg_finding *fd;
	json_t *why;
	struct fx x;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		vg_facts_collected(&x.f, VG_SRC_KERNEL);
		x.f.os.hostname = vg_facts_str(&x.f, "srv-labo");
		x.f.kernel.reboot_flag = rows[i].flag;
		x.f.kernel.running = vg_facts_str(&x.f, rows[i].running);
		x.f.kernel.newest_installed =
			vg_facts_str(&x.f, rows[i].newest);
		if (rows[i].flag)
			x.f.kernel.reboot_packages =
				vg_facts_str(&x.f, "libc6,linux-image-amd64");
		RUN(&x, REBOOT);
		assert_null(vg_fixture_not_evaluated(&x.r, REBOOT));
		if (rows[i].reasons == 0) {
			if (x.r.n_findings != 0)
				fail_msg("row %zu fired", i);
			fx_release(&x);
			continue;
		}
		fd = vg_fixture_finding(&x.r, REBOOT, "srv-labo");
		assert_non_null(fd);
		assert_int_equal(fd->severity, VG_SEV_MEDIUM);
		why = json_object_get(fd->evidence, "reasons");
		assert_int_equal(json_array_size(why), rows[i].reasons);
		if (rows[i].flag) {
			assert_string_equal(
				json_string_value(json_array_get(why, 0)),
				"reboot-required flag");
			assert_string_equal(
				vg_fixture_ev_str(fd, "reboot_packages"),
				"libc6,linux-image-amd64");
		}
		if (rows[i].running != NULL) {
			assert_string_equal(json_string_value(json_array_get(
						    why, rows[i].reasons - 1)),
					    "newer kernel installed");
			assert_string_equal(vg_fixture_ev_str(fd, "running"),
					    rows[i].running);
			assert_string_equal(
				vg_fixture_ev_str(fd, "newest_installed"),
				rows[i].newest);
		}
		fx_release(&x);
	}
}

/*
 * Package names, versions and OS strings come from files that need not be
 * UTF-8: every check still reports, with U+FFFD in its evidence.
 */
static void
test_not_utf8(void **state)
{
	const struct vg_finding *fd;
	struct vg_upgrade *u;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	load_eol(&x.p);
	vg_facts_collected(&x.f, VG_SRC_APT);
	vg_facts_collected(&x.f, VG_SRC_OS);
	vg_facts_collected(&x.f, VG_SRC_AUTO_UPDATES);
	vg_facts_collected(&x.f, VG_SRC_KERNEL);
	x.f.os.hostname = vg_facts_str(&x.f, "srv-labo");
	x.f.os.id = vg_facts_str(&x.f, "debian");
	x.f.os.version_id = vg_facts_str(&x.f, "10");
	x.f.os.pretty_name = vg_facts_str(&x.f, "D" VG_FIXTURE_BAD "bian 10");
	x.f.auto_updates.mechanism = vg_facts_str(&x.f, "m" VG_FIXTURE_BAD);
	x.f.auto_updates.detail = vg_facts_str(&x.f, "d" VG_FIXTURE_BAD);
	x.f.kernel.reboot_flag = true;
	x.f.kernel.reboot_packages = vg_facts_str(&x.f, "p" VG_FIXTURE_BAD);
	x.f.kernel.running = vg_facts_str(&x.f, "6.1" VG_FIXTURE_BAD);
	x.f.kernel.newest_installed = vg_facts_str(&x.f, "6.2");
	add_upgrade(&x, "libssl" VG_FIXTURE_BAD, true);
	u = &x.f.upgrades[0];
	u->installed = vg_facts_str(&x.f, "1" VG_FIXTURE_BAD);
	u->candidate = vg_facts_str(&x.f, "2" VG_FIXTURE_BAD);
	u->suite = vg_facts_str(&x.f, "s" VG_FIXTURE_BAD);
	add_upgrade(&x, "vim" VG_FIXTURE_BAD, false);
	RUN(&x, SEC);
	RUN(&x, PENDING);
	RUN(&x, EOL);
	RUN(&x, AUTO);
	RUN(&x, REBOOT);
	assert_int_equal(x.r.n_findings, 5);

	fd = vg_fixture_finding(&x.r, SEC, "libssl" VG_FIXTURE_BAD);
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "installed"),
			    "1" VG_FIXTURE_FFFD);
	assert_string_equal(vg_fixture_ev_str(fd, "candidate"),
			    "2" VG_FIXTURE_FFFD);
	assert_string_equal(vg_fixture_ev_str(fd, "suite"),
			    "s" VG_FIXTURE_FFFD);
	fd = vg_fixture_finding(&x.r, PENDING, "vim" VG_FIXTURE_FFFD);
	assert_non_null(fd);
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(fd->evidence, "packages"), 0)),
		"vim" VG_FIXTURE_FFFD);
	fd = vg_fixture_finding(&x.r, EOL, "D" VG_FIXTURE_BAD "bian 10");
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "pretty_name"),
			    "D" VG_FIXTURE_FFFD "bian 10");
	fd = vg_fixture_finding(&x.r, AUTO, "srv-labo");
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "mechanism"),
			    "m" VG_FIXTURE_FFFD);
	assert_string_equal(vg_fixture_ev_str(fd, "detail"),
			    "d" VG_FIXTURE_FFFD);
	fd = vg_fixture_finding(&x.r, REBOOT, "srv-labo");
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "reboot_packages"),
			    "p" VG_FIXTURE_FFFD);
	assert_string_equal(vg_fixture_ev_str(fd, "running"),
			    "6.1" VG_FIXTURE_FFFD);
	fx_release(&x);
}

/* updates.vulnerable_package: one finding per package, its severity
 * from KEV, urgency, CVSS and EPSS. */
static void
test_vulnerable_package(void **state)
{
	static const struct {
		const char *package;
		size_t n_kev;
		double cvss, epss;
		int urgency;
		enum vg_severity want;
	} rows[] = {
		{"kev", 1, -1, -1, VG_URG_LOW, VG_SEV_CRITICAL},
		{"kev-unimportant", 1, -1, -1, VG_URG_UNIMPORTANT,
		 VG_SEV_CRITICAL},
		{"urgency-high", 0, -1, -1, VG_URG_HIGH, VG_SEV_HIGH},
		{"cvss-7", 0, 7.0, -1, VG_URG_UNKNOWN, VG_SEV_HIGH},
		{"cvss-6.9", 0, 6.9, -1, VG_URG_UNKNOWN, VG_SEV_MEDIUM},
		{"epss-0.1", 0, -1, 0.1, VG_URG_LOW, VG_SEV_HIGH},
		{"epss-0.09", 0, -1, 0.09, VG_URG_LOW, VG_SEV_LOW},
		{"urgency-medium", 0, 2.0, -1, VG_URG_MEDIUM, VG_SEV_MEDIUM},
		{"cvss-4", 0, 4.0, -1, VG_URG_LOW, VG_SEV_MEDIUM},
		{"cvss-3.9", 0, 3.9, -1, VG_URG_LOW, VG_SEV_LOW},
		{"unknown", 0, -1, -1, VG_URG_UNKNOWN, VG_SEV_LOW},
	};
	const struct vg_finding *fd;
	struct vg_vuln_pkg *v;
	char subject[64];
	json_t *ids;
	struct fx x;
	size_t i;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_VULNS);
	RUN(&x, VULN);
	assert_int_equal(x.r.n_findings, 0); /* pass: nothing vulnerable */
	assert_int_equal(x.r.n_not_evaluated, 0);

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		v = add_vuln(&x, rows[i].package, "1.0-1", rows[i].n_kev,
			     rows[i].cvss, rows[i].urgency);
		v->epss = rows[i].epss;
	}
	/* unimportant only (and not in KEV): no finding */
	(void)add_vuln(&x, "unimportant", "1.0-1", 0, 9.8, VG_URG_UNIMPORTANT);
	/* nothing affecting (a hostile document): no finding */
	v = add_vuln(&x, "empty", "1.0-1", 0, 9.8, VG_URG_HIGH);
	v->n_ids = 0;
	RUN(&x, VULN);
	assert_int_equal(vg_fixture_count(&x.r, VULN), VG_ARRAY_LEN(rows));
	assert_null(vg_fixture_finding(&x.r, VULN, "unimportant 1.0-1"));
	assert_null(vg_fixture_finding(&x.r, VULN, "empty 1.0-1"));
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		(void)snprintf(subject, sizeof(subject), "%s 1.0-1",
			       rows[i].package);
		fd = vg_fixture_finding(&x.r, VULN, subject);
		if (fd == NULL)
			fail_msg("no finding for %s", subject);
		if (fd->severity != rows[i].want)
			fail_msg("%s: severity %d, expected %d", subject,
				 (int)fd->severity, (int)rows[i].want);
	}

	/* the evidence */
	fd = vg_fixture_finding(&x.r, VULN, "kev 1.0-1");
	assert_non_null(fd);
	ids = json_object_get(fd->evidence, "ids");
	assert_true(json_is_array(ids));
	assert_int_equal(json_array_size(ids), 2);
	assert_true(vg_fixture_json_has(ids, "CVE-2024-0001"));
	assert_true(vg_fixture_json_has(ids, "CVE-2024-0002"));
	assert_int_equal(vg_fixture_ev_int(fd, "n_ids"), 2);
	ids = json_object_get(fd->evidence, "kev_ids");
	assert_int_equal(json_array_size(ids), 1);
	assert_true(vg_fixture_json_has(ids, "CVE-2024-0002"));
	assert_int_equal(vg_fixture_ev_int(fd, "n_kev"), 1);
	assert_string_equal(vg_fixture_ev_str(fd, "status"), "fixed-available");
	assert_string_equal(vg_fixture_ev_str(fd, "fixed_version"), "9.9-1");
	assert_string_equal(vg_fixture_ev_str(fd, "urgency"), "low");
	assert_string_equal(vg_fixture_ev_str(fd, "binaries"), "libfoo1,foo");
	assert_true(json_is_null(json_object_get(fd->evidence, "cvss")));
	assert_true(json_is_null(json_object_get(fd->evidence, "epss")));
	assert_true(json_is_false(json_object_get(fd->evidence, "ransomware")));
	fd = vg_fixture_finding(&x.r, VULN, "cvss-7 1.0-1");
	assert_non_null(fd);
	assert_true(json_real_value(json_object_get(fd->evidence, "cvss")) ==
		    7.0);
	assert_int_equal(
		json_array_size(json_object_get(fd->evidence, "kev_ids")), 0);

	/* a [severity] override wins over the computed severity */
	fx_reset_report(&x);
	vg_fixture_override(&x.p, VULN, VG_SEV_LOW);
	RUN(&x, VULN);
	fd = vg_fixture_finding(&x.r, VULN, "kev 1.0-1");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_LOW);
	fx_release(&x);
}

/*
 * Two hosts with the same vulnerable package share one evidence (built
 * once: core/evidence_cache.h); any field that differs gives another.
 */
static void
test_shared_evidence(void **state)
{
	const struct vg_finding *a, *b;
	struct vg_vuln_pkg *v;
	struct fx x, y;

	(void)state;
	vg_evidence_cache_clear();
	fx_init(&x, NOW);
	fx_init(&y, NOW);
	vg_facts_collected(&x.f, VG_SRC_VULNS);
	vg_facts_collected(&y.f, VG_SRC_VULNS);
	(void)add_vuln(&x, "shared", "1.0-1", 1, 7.5, VG_URG_HIGH);
	(void)add_vuln(&y, "shared", "1.0-1", 1, 7.5, VG_URG_HIGH);
	RUN(&x, VULN);
	RUN(&y, VULN);
	a = vg_fixture_finding(&x.r, VULN, "shared 1.0-1");
	b = vg_fixture_finding(&y.r, VULN, "shared 1.0-1");
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(a->evidence, b->evidence);
	assert_true(a->evidence->refcount >= 3); /* two findings, cache */
	/* Another fixed version: another evidence, its own text. */
	fx_reset_report(&y);
	v = &y.f.vuln_pkgs[0];
	v->fixed_version = vg_facts_str(&y.f, "9.9-2");
	RUN(&y, VULN);
	b = vg_fixture_finding(&y.r, VULN, "shared 1.0-1");
	assert_non_null(b);
	assert_ptr_not_equal(a->evidence, b->evidence);
	assert_string_equal(json_string_value(json_object_get(b->evidence,
							      "fixed_version")),
			    "9.9-2");
	assert_string_equal(json_string_value(json_object_get(a->evidence,
							      "fixed_version")),
			    "9.9-1");
	fx_release(&x);
	fx_release(&y);
	vg_evidence_cache_clear();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_not_evaluated),
		cmocka_unit_test(test_pending_security),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_eol),
		cmocka_unit_test(test_eol_edges),
		cmocka_unit_test(test_no_auto_updates),
		cmocka_unit_test(test_stale_lists),
		cmocka_unit_test(test_reboot_required),
		cmocka_unit_test(test_vulnerable_package),
		cmocka_unit_test(test_shared_evidence),
		cmocka_unit_test(test_not_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
