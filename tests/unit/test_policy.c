/* vigie.conf and eol.csv parsing: defaults, values, bad lines. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "support.h"

/* Warnings collected by the parser, for assertions. */
struct warnings {
	char text[8192];
	int count;
};

static void
collect_warning(void *ctx, const char *msg)
{
	struct warnings *w = ctx;
	size_t len = strlen(w->text);

	(void)snprintf(w->text + len, sizeof(w->text) - len, "%s\n", msg);
	w->count++;
}

static void
parse(struct vg_policy *p, struct warnings *w, const char *conf)
{
	struct vg_err err;

	memset(w, 0, sizeof(*w));
	assert_int_equal(vg_policy_init(p, &err), VG_OK);
	assert_int_equal(vg_policy_parse(p, "vigie.conf", conf, strlen(conf),
					 collect_warning, w, &err),
			 VG_OK);
}

static void
test_defaults(void **state)
{
	struct vg_policy p;
	struct warnings w;

	(void)state;
	parse(&p, &w, "");
	assert_int_equal(w.count, 0);
	assert_int_equal(p.dormant_days, 90);
	assert_int_equal(p.max_admins, 3);
	assert_int_equal(p.min_password_length, 12);
	assert_int_equal(p.backup_max_age_hours, 26);
	assert_true(vg_name_list_has(&p.admin_groups, "wheel"));
	assert_true(vg_name_list_has(&p.generic_names, "ACCUEIL"));
	assert_int_equal(p.org_domains.n, 0);
	assert_false(p.asset.declared);
	vg_policy_release(&p);
}

static void
test_full_file(void **state)
{
	struct vg_policy p;
	struct warnings w;

	(void)state;
	parse(&p, &w,
	      "# comment\n"
	      "[policy]\n"
	      "dormant_days = 30\n"
	      "max_admins=5\n"
	      "org_domains = chu-exemple.fr, ght-exemple.fr\n"
	      "admin_groups = wheel\n"
	      "[severity]\n"
	      "accounts.generic = critical\n"
	      "[asset]\n"
	      "name = srv-dpi-01\n"
	      "owner = DSI\n"
	      "category = server\n"
	      "criticality = 4\n"
	      "[backup \"dpi\"]\n"
	      "path = /srv/backup/dpi\n"
	      "offline = yes\n"
	      "restore_tested = 2026-10-02\n"
	      "[backup \"mail\"]\n"
	      "path = /srv/backup/mail\n");
	assert_int_equal(w.count, 0);
	assert_int_equal(p.dormant_days, 30);
	assert_int_equal(p.max_admins, 5);
	assert_int_equal(p.org_domains.n, 2);
	assert_string_equal(p.org_domains.items[1], "ght-exemple.fr");
	assert_int_equal(p.admin_groups.n, 1);
	assert_false(vg_name_list_has(&p.admin_groups, "sudo"));
	assert_int_equal(
		vg_policy_severity(&p, "accounts.generic", VG_SEV_MEDIUM),
		VG_SEV_CRITICAL);
	assert_int_equal(
		vg_policy_severity(&p, "accounts.dormant", VG_SEV_MEDIUM),
		VG_SEV_MEDIUM);
	assert_true(p.asset.declared);
	assert_string_equal(p.asset.name, "srv-dpi-01");
	assert_int_equal(p.asset.criticality, 4);
	assert_int_equal(p.n_backups, 2);
	assert_string_equal(p.backups[0].name, "dpi");
	assert_true(p.backups[0].offline);
	assert_int_equal(p.backups[0].restore_tested, 1790899200);
	assert_false(p.backups[1].offline);
	assert_int_equal(p.backups[1].restore_tested, 0);
	vg_policy_release(&p);
}

/* Each bad line is one warning naming the line; the defaults stay. */
static void
test_bad_lines(void **state)
{
	static const struct {
		const char *conf;
		const char *warning;
	} rows[] = {
		{"[policy]\ndormant_days = -4\n", "vigie.conf:2: dormant_days"},
		{"[policy]\ndormant_days = 9999999999999999999999\n",
		 "vigie.conf:2:"},
		{"[policy]\nmax_admins = three\n", "vigie.conf:2: max_admins"},
		{"[policy]\nfrobnicate = 1\n", "unknown setting 'frobnicate'"},
		{"[nonsense]\na = 1\n", "vigie.conf:2: unknown section"},
		{"a = 1\n", "outside a section"},
		{"[policy\n", "vigie.conf:1: section header"},
		{"[policy]\njust words\n", "vigie.conf:2: not a section"},
		{"[severity]\nno.such_check = high\n", "unknown check"},
		{"[severity]\naccounts.generic = severe\n", "unknown severity"},
		{"[asset]\ncriticality = 5\n", "vigie.conf:2: criticality"},
		{"[backup \"b\"]\npath = relative/dir\n", "not absolute"},
		{"[backup \"b\"]\noffline = maybe\n", "offline"},
		{"[backup \"b\"]\nrestore_tested = 2026-02-30\n",
		 "restore_tested"},
		{"[backup]\npath = /x\n", "unknown section [backup]"},
		{"[policy]\nx\0y = 1\n", "vigie.conf:2: line too long or not"},
	};
	struct vg_policy p;
	struct warnings w;
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&w, 0, sizeof(w));
		assert_int_equal(vg_policy_init(&p, &err), VG_OK);
		/* Row 16 holds a NUL: give the length by hand. */
		assert_int_equal(
			vg_policy_parse(&p, "vigie.conf", rows[i].conf,
					i == 15 ? 17 : strlen(rows[i].conf),
					collect_warning, &w, &err),
			VG_OK);
		if (strstr(w.text, rows[i].warning) == NULL)
			fail_msg("row %zu: no warning '%s' in '%s'", i,
				 rows[i].warning, w.text);
		assert_int_equal(p.dormant_days, 90);
		assert_int_equal(p.max_admins, 3);
		vg_policy_release(&p);
	}
}

static void
test_long_line(void **state)
{
	struct vg_policy p;
	struct warnings w;
	char *conf;
	size_t n = 100000;

	(void)state;
	conf = malloc(n + 64);
	assert_non_null(conf);
	memcpy(conf, "[policy]\ngeneric_names = ", 25);
	memset(conf + 25, 'a', n);
	memcpy(conf + 25 + n, "\nmax_admins = 7\n", 17);
	parse(&p, &w, conf);
	assert_int_equal(w.count, 1);
	assert_non_null(strstr(w.text, "vigie.conf:2: line too long"));
	assert_int_equal(p.max_admins, 7);
	vg_policy_release(&p);
	free(conf);
}

static void
test_empty_asset_section(void **state)
{
	struct vg_policy p;
	struct warnings w;

	(void)state;
	parse(&p, &w, "[asset]\n");
	assert_true(p.asset.declared);
	assert_int_equal(p.asset.criticality, 0);
	vg_policy_release(&p);
}

static void
test_eol(void **state)
{
	const char *csv = "# comment\n"
			  "debian,12,2028-06-30\n"
			  "ubuntu, 22.04 ,2027-06-01\n"
			  "broken line\n"
			  "rhel,9,2032-13-01\n"
			  ",9,2030-01-01\n";
	struct vg_policy p;
	struct warnings w;
	struct vg_err err;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	assert_int_equal(vg_policy_parse_eol(&p, "eol.csv", csv, strlen(csv),
					     collect_warning, &w, &err),
			 VG_OK);
	assert_true(p.eol_loaded);
	assert_int_equal(p.n_eol, 2);
	assert_string_equal(p.eol[1].os_id, "ubuntu");
	assert_string_equal(p.eol[1].version, "22.04");
	assert_int_equal(w.count, 3);
	assert_non_null(strstr(w.text, "eol.csv:4:"));
	assert_non_null(strstr(w.text, "eol.csv:5: bad date"));
	assert_non_null(strstr(w.text, "eol.csv:6:"));
	vg_policy_release(&p);
}

static void
test_load_missing_file(void **state)
{
	struct vg_policy p;
	struct vg_err err;

	(void)state;
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	assert_int_equal(
		vg_policy_load(&p, "/nonexistent/vigie.conf", NULL, NULL, &err),
		VG_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/vigie.conf"));
	vg_policy_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_empty_asset_section),
		cmocka_unit_test(test_eol),
		cmocka_unit_test(test_load_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
