/* Unit tests of R6 (data): personal cloud clients, external mail forwards. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "rules_fixture.h"
#include "util/banned.h"

#define NOW "2026-11-30"
#define CLOUD "data.personal_cloud_client"
#define FWD "data.mail_forward_external"

#define RUN(x, id) fx_run((x), vg_checks_r6, vg_checks_r6_count, (id))

static void
add_cloud(struct fx *x, const char *client, const char *kind, const char *path,
	  const char *user)
{
	struct vg_cloud_client *c = vg_facts_add_cloud_client(&x->f);

	assert_non_null(c);
	c->client = vg_facts_str(&x->f, client);
	c->kind = vg_facts_str(&x->f, kind);
	c->path = vg_facts_str(&x->f, path);
	c->user = vg_facts_str(&x->f, user);
}

static void
add_forward(struct fx *x, const char *user, const char *file, int line,
	    const char *target)
{
	struct vg_mail_forward *fw = vg_facts_add_forward(&x->f);

	assert_non_null(fw);
	fw->user = vg_facts_str(&x->f, user);
	fw->file = vg_facts_str(&x->f, file);
	fw->line = line;
	fw->target = vg_facts_str(&x->f, target);
}

/* Declare org_domains from a comma-separated list (NULL: none). */
static void
set_org_domains(struct vg_policy *p, const char *list)
{
	char buf[256], *s, *comma;

	if (list == NULL)
		return;
	assert_true(strlen(list) < sizeof(buf));
	memcpy(buf, list, strlen(list) + 1);
	for (s = buf; s != NULL; s = comma) {
		if ((comma = strchr(s, ',')) != NULL)
			*comma++ = '\0';
		vg_fixture_org_domain(p, s);
	}
}

static void
test_catalogue(void **state)
{
	(void)state;
	assert_int_equal(vg_checks_r6_count, 2);
	assert_string_equal(vg_checks_r6[0].id, CLOUD);
	assert_int_equal(vg_checks_r6[0].severity, VG_SEV_MEDIUM);
	assert_string_equal(vg_checks_r6[1].id, FWD);
	assert_int_equal(vg_checks_r6[1].severity, VG_SEV_HIGH);
	assert_int_equal(vg_checks_r6[0].rule, 6);
	assert_int_equal(vg_checks_r6[1].rule, 6);
	assert_non_null(strstr(vg_checks_r6[1].remediation, "org_domains"));
}

static void
test_not_evaluated(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_not_collected(&x.f, VG_SRC_CLOUD, "cannot read '/home'");
	vg_facts_not_collected(&x.f, VG_SRC_MAIL_FORWARD,
			       "cannot read '/etc/aliases'");
	/* Facts that would fire are ignored when the source is not read. */
	add_cloud(&x, "Dropbox", "package", "dropbox", NULL);
	add_forward(&x, "alice", "/etc/aliases", 3, "x@gmail.com");
	RUN(&x, CLOUD);
	RUN(&x, FWD);
	fx_assert_not_evaluated(&x, CLOUD, "/home");
	fx_assert_not_evaluated(&x, FWD, "/etc/aliases");
	assert_int_equal(x.r.n_findings, 0);
	fx_release(&x);
}

static void
test_cloud_pass(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_CLOUD);
	RUN(&x, CLOUD);
	assert_int_equal(x.r.n_findings, 0);
	assert_int_equal(x.r.n_not_evaluated, 0);
	fx_release(&x);
}

/* One finding per client, whatever the order of its entries. */
static void
test_cloud_grouped(void **state)
{
	const struct vg_finding *fd;
	json_t *items;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_CLOUD);
	add_cloud(&x, "Dropbox", "package", "dropbox", NULL);
	add_cloud(&x, "MEGA", "binary", "/usr/bin/megasync", NULL);
	add_cloud(&x, "Dropbox", "folder", "/home/alice/Dropbox", "alice");
	RUN(&x, CLOUD);
	assert_int_equal(vg_fixture_count(&x.r, CLOUD), 2);

	fd = vg_fixture_finding(&x.r, CLOUD, "Dropbox");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_MEDIUM);
	assert_int_equal(vg_fixture_ev_int(fd, "count"), 2);
	items = json_object_get(fd->evidence, "items");
	assert_int_equal(json_array_size(items), 2);
	/* Facts order is kept inside a group. */
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(items, 0), "kind")),
			    "package");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(items, 1), "user")),
			    "alice");
	assert_true(json_is_null(
		json_object_get(json_array_get(items, 0), "user")));

	fd = vg_fixture_finding(&x.r, CLOUD, "MEGA");
	assert_non_null(fd);
	assert_int_equal(vg_fixture_ev_int(fd, "count"), 1);
	fx_release(&x);
}

/* A client in thousands of homes: one finding, a capped list. */
static void
test_cloud_many_folders(void **state)
{
	const struct vg_finding *fd;
	char path[64];
	struct fx x;
	int i;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_CLOUD);
	for (i = 0; i < 3000; i++) {
		(void)snprintf(path, sizeof(path), "/home/u%d/OneDrive", i);
		add_cloud(&x, "OneDrive", "folder", path, "u");
	}
	add_cloud(&x, NULL, "binary", "/opt/x", NULL);
	RUN(&x, CLOUD);
	assert_int_equal(vg_fixture_count(&x.r, CLOUD), 2);
	fd = vg_fixture_finding(&x.r, CLOUD, "OneDrive");
	assert_non_null(fd);
	assert_int_equal(vg_fixture_ev_int(fd, "count"), 3000);
	assert_int_equal(
		json_array_size(json_object_get(fd->evidence, "items")), 50);
	/* A nameless client is still reported. */
	assert_non_null(vg_fixture_finding(&x.r, CLOUD, "unknown"));
	fx_release(&x);
}

static void
test_forward_table(void **state)
{
	static const struct {
		const char *target;
		const char *org;    /* comma-separated org_domains, or NULL */
		const char *domain; /* expected evidence domain; NULL: pass */
	} rows[] = {
		{"x@mail.chu-exemple.fr", "chu-exemple.fr", NULL},
		{"x@chu-exemple.fr", "chu-exemple.fr", NULL},
		{"x@CHU-Exemple.FR", "chu-exemple.fr", NULL},
		{"x@chu-exemple.fr", "CHU-EXEMPLE.fr", NULL},
		{"<x@a.b.chu-exemple.fr>", "chu-exemple.fr", NULL},
		{"x@chu-exemple.fr.evil.com", "chu-exemple.fr",
		 "chu-exemple.fr.evil.com"},
		{"x@evilchu-exemple.fr", "chu-exemple.fr",
		 "evilchu-exemple.fr"},
		{"x@exemple.fr", "chu-exemple.fr", "exemple.fr"},
		{"<x@Gmail.COM>", "chu-exemple.fr", "gmail.com"},
		{"\"x@gmail.com\"", "chu-exemple.fr", "gmail.com"},
		{"x@gmail.com.", "chu-exemple.fr", "gmail.com"},
		{"x@gmail.com", "ght.fr,chu-exemple.fr", "gmail.com"},
		{"x@b.ght.fr", "ght.fr,chu-exemple.fr", NULL},
		/* Entries written with a leading '@' or '.' still match. */
		{"x@chu-exemple.fr", "@chu-exemple.fr", NULL},
		{"x@mail.chu-exemple.fr", ".chu-exemple.fr", NULL},
		/* No org_domains declared: every domain is outside. */
		{"x@gmail.com", NULL, "gmail.com"},
		{"x@chu-exemple.fr", NULL, "chu-exemple.fr"},
		/* Not remote addresses. */
		{"|/usr/bin/procmail", NULL, NULL},
		{"/var/mail/archive", NULL, NULL},
		{":include:/etc/mail/list", NULL, NULL},
		{"alice", NULL, NULL},
		{"\\alice", NULL, NULL},
		{"x@", NULL, NULL},
		{"x@>", NULL, NULL},
		{"", NULL, NULL},
		{"root@localhost", NULL, NULL},
		{"root@LOCALHOST.localdomain", NULL, NULL},
		/* Display names and comments around the address. */
		{"Bob <bob@Gmail.com> (home)", "chu-exemple.fr", "gmail.com"},
		{"bob@chu-exemple.fr (work)", "chu-exemple.fr", NULL},
		{"x@[192.0.2.1]", "chu-exemple.fr", "[192.0.2.1]"},
		/* The last '@' decides. */
		{"\"a@chu-exemple.fr\"@evil.com", "chu-exemple.fr", "evil.com"},
	};
	const struct vg_finding *fd;
	char subject[128];
	struct fx x;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		vg_facts_collected(&x.f, VG_SRC_MAIL_FORWARD);
		set_org_domains(&x.p, rows[i].org);
		add_forward(&x, "alice", "/home/alice/.forward", 2,
			    rows[i].target);
		RUN(&x, FWD);
		assert_null(vg_fixture_not_evaluated(&x.r, FWD));
		if (rows[i].domain == NULL) {
			if (vg_fixture_count(&x.r, FWD) != 0)
				fail_msg("row %zu (%s) fired", i,
					 rows[i].target);
		} else {
			if (vg_fixture_count(&x.r, FWD) != 1)
				fail_msg("row %zu (%s) did not fire", i,
					 rows[i].target);
			(void)snprintf(subject, sizeof(subject), "alice -> %s",
				       rows[i].target);
			fd = vg_fixture_finding(&x.r, FWD, subject);
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_HIGH);
			assert_string_equal(vg_fixture_ev_str(fd, "domain"),
					    rows[i].domain);
			assert_string_equal(vg_fixture_ev_str(fd, "target"),
					    rows[i].target);
			assert_string_equal(vg_fixture_ev_str(fd, "file"),
					    "/home/alice/.forward");
			assert_int_equal(vg_fixture_ev_int(fd, "line"), 2);
			assert_true(json_is_array(
				json_object_get(fd->evidence, "org_domains")));
		}
		fx_release(&x);
	}
}

/* One finding per (user, target); repeats are counted, not repeated. */
static void
test_forward_pairs(void **state)
{
	const struct vg_finding *fd;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_MAIL_FORWARD);
	vg_fixture_org_domain(&x.p, "chu-exemple.fr");
	add_forward(&x, "alice", "/etc/aliases", 7, "x@gmail.com");
	add_forward(&x, "bob", "/etc/aliases", 8, "x@gmail.com");
	add_forward(&x, "alice", "/home/alice/.forward", 1, "x@gmail.com");
	add_forward(&x, "alice", "/home/alice/.forward", 2, "y@yahoo.fr");
	add_forward(&x, "alice", "/home/alice/.forward", 3,
		    "alice@chu-exemple.fr");
	RUN(&x, FWD);
	assert_int_equal(vg_fixture_count(&x.r, FWD), 3);
	fd = vg_fixture_finding(&x.r, FWD, "alice -> x@gmail.com");
	assert_non_null(fd);
	assert_int_equal(vg_fixture_ev_int(fd, "occurrences"), 2);
	/* The first occurrence (facts order) is the one cited. */
	assert_string_equal(vg_fixture_ev_str(fd, "file"), "/etc/aliases");
	assert_int_equal(vg_fixture_ev_int(fd, "line"), 7);
	fd = vg_fixture_finding(&x.r, FWD, "bob -> x@gmail.com");
	assert_non_null(fd);
	assert_int_equal(vg_fixture_ev_int(fd, "occurrences"), 1);
	assert_non_null(vg_fixture_finding(&x.r, FWD, "alice -> y@yahoo.fr"));
	fx_release(&x);
}

/* Hostile targets: a huge domain is reported truncated, never overrun. */
static void
test_forward_hostile(void **state)
{
	const struct vg_finding *fd;
	char *target;
	struct fx x;

	(void)state;
	assert_non_null(target = malloc(5000));
	memcpy(target, "x@", 2);
	memset(target + 2, 'A', 4997);
	target[4999] = '\0';
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_MAIL_FORWARD);
	vg_fixture_org_domain(&x.p, "chu-exemple.fr");
	vg_fixture_org_domain(&x.p, ""); /* an empty entry matches nothing */
	add_forward(&x, "alice", "/etc/aliases", 1, target);
	add_forward(&x, NULL, "/etc/aliases", 2, NULL);
	RUN(&x, FWD);
	assert_int_equal(vg_fixture_count(&x.r, FWD), 1);
	fd = &x.r.findings[0];
	assert_int_equal(strlen(vg_fixture_ev_str(fd, "domain")), 253);
	assert_int_equal(vg_fixture_ev_str(fd, "domain")[0], 'a');
	fx_release(&x);
	free(target);
}

/*
 * Facts come from files that need not be UTF-8: each finding is still
 * reported, with U+FFFD for each bad byte in its evidence (a NULL from
 * json_pack would be taken for no memory and abort the whole scan).
 */
static void
test_not_utf8(void **state)
{
	const struct vg_finding *fd;
	json_t *items, *orgs;
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_collected(&x.f, VG_SRC_CLOUD);
	vg_facts_collected(&x.f, VG_SRC_MAIL_FORWARD);
	vg_fixture_org_domain(&x.p, "chu-" VG_FIXTURE_BAD "xemple.fr");
	add_cloud(&x, "Dropbox" VG_FIXTURE_BAD, "folder",
		  "/home/b" VG_FIXTURE_BAD "b/Dropbox", "b" VG_FIXTURE_BAD "b");
	add_forward(&x, "b" VG_FIXTURE_BAD "b",
		    "/home/b" VG_FIXTURE_BAD "b/.forward", 1,
		    "bob@ex" VG_FIXTURE_BAD "mple.com");
	RUN(&x, CLOUD);
	RUN(&x, FWD);
	assert_int_equal(x.r.n_findings, 2);

	fd = vg_fixture_finding(&x.r, CLOUD, "Dropbox" VG_FIXTURE_BAD);
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "client"),
			    "Dropbox" VG_FIXTURE_FFFD);
	items = json_object_get(fd->evidence, "items");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(items, 0), "path")),
			    "/home/b" VG_FIXTURE_FFFD "b/Dropbox");

	fd = vg_fixture_finding(&x.r, FWD,
				"b" VG_FIXTURE_BAD "b -> bob@ex" VG_FIXTURE_BAD
				"mple.com");
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "user"),
			    "b" VG_FIXTURE_FFFD "b");
	assert_string_equal(vg_fixture_ev_str(fd, "target"),
			    "bob@ex" VG_FIXTURE_FFFD "mple.com");
	assert_string_equal(vg_fixture_ev_str(fd, "domain"),
			    "ex" VG_FIXTURE_FFFD "mple.com");
	assert_string_equal(vg_fixture_ev_str(fd, "file"),
			    "/home/b" VG_FIXTURE_FFFD "b/.forward");
	orgs = json_object_get(fd->evidence, "org_domains");
	assert_string_equal(json_string_value(json_array_get(orgs, 0)),
			    "chu-" VG_FIXTURE_FFFD "xemple.fr");
	fx_release(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_not_evaluated),
		cmocka_unit_test(test_cloud_pass),
		cmocka_unit_test(test_cloud_grouped),
		cmocka_unit_test(test_cloud_many_folders),
		cmocka_unit_test(test_forward_table),
		cmocka_unit_test(test_forward_pairs),
		cmocka_unit_test(test_forward_hostile),
		cmocka_unit_test(test_not_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
