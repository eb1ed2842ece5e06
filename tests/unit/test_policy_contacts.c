/* vigie.conf's alert chain: [contact], [smtp], [establishment] and
 * incident_report_hours (rule R10), including hostile values. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "util/buf.h"
#include "support.h"

/* Warnings collected by the parser, for assertions. */
struct warnings {
	char text[16384];
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
parse_n(struct vg_policy *p, struct warnings *w, const char *conf, size_t n)
{
	struct vg_err err;

	memset(w, 0, sizeof(*w));
	assert_int_equal(vg_policy_init(p, &err), VG_OK);
	assert_int_equal(vg_policy_parse(p, "vigie.conf", conf, n,
					 collect_warning, w, &err),
			 VG_OK);
}

static void
parse(struct vg_policy *p, struct warnings *w, const char *conf)
{
	parse_n(p, w, conf, strlen(conf));
}

static void
test_defaults(void **state)
{
	struct vg_policy p;
	struct warnings w;

	(void)state;
	parse(&p, &w, "");
	assert_int_equal(w.count, 0);
	assert_int_equal(p.incident_report_hours, 24);
	assert_int_equal(p.n_contacts, 0);
	assert_null(p.smtp.url);
	assert_false(p.smtp.starttls_optional);
	assert_null(p.establishment.finess_ej);
	vg_policy_release(&p);
}

static void
test_full(void **state)
{
	struct vg_policy p;
	struct warnings w;

	(void)state;
	parse(&p, &w,
	      "[policy]\n"
	      "incident_report_hours = 12\n"
	      "[contact \"Direction des soins\"]\n"
	      "role = hierarchy\n"
	      "email = cadre@chu-exemple.fr\n"
	      "[contact \"RSSI\"]\n"
	      "role = rssi\n"
	      "email = rssi@chu-exemple.fr\n"
	      "webhook = https://chat.chu-exemple.fr/hooks/abc?x=1\n"
	      "[contact \"Astreinte\"]\n"
	      "role = oncall\n"
	      "webhook = http://127.0.0.1:8080/alert\n"
	      "[contact \"Direction\"]\n"
	      "role = management\n"
	      "webhook = http://[::1]:9/x\n"
	      "[smtp]\n"
	      "url = smtp://mail.chu-exemple.fr:587\n"
	      "from = vigie@chu-exemple.fr\n"
	      "user = vigie\n"
	      "password_file = /etc/vigie/smtp.pass\n"
	      "starttls = optional\n"
	      "[establishment]\n"
	      "name = CHU d'Exemple — site Nord\n"
	      "finess_ej = 010003820\n"
	      "finess_et = 2A0003812\n"
	      "category = CHU\n"
	      "region = Corse\n"
	      "declarant = Camille Martin\n"
	      "declarant_function = RSSI\n"
	      "declarant_email = camille.martin@chu-exemple.fr\n"
	      "declarant_phone = +33 4 00 00 00 00\n"
	      "dpo_email = dpo@chu-exemple.fr\n");
	assert_int_equal(w.count, 0);
	assert_int_equal(p.incident_report_hours, 12);
	assert_int_equal(p.n_contacts, 4);
	assert_string_equal(p.contacts[0].name, "Direction des soins");
	assert_int_equal(p.contacts[0].role, VG_CONTACT_HIERARCHY);
	assert_string_equal(p.contacts[0].email, "cadre@chu-exemple.fr");
	assert_null(p.contacts[0].webhook);
	assert_int_equal(p.contacts[1].role, VG_CONTACT_RSSI);
	assert_string_equal(p.contacts[1].webhook,
			    "https://chat.chu-exemple.fr/hooks/abc?x=1");
	assert_int_equal(p.contacts[2].role, VG_CONTACT_ONCALL);
	assert_null(p.contacts[2].email);
	assert_string_equal(p.contacts[2].webhook,
			    "http://127.0.0.1:8080/alert");
	assert_int_equal(p.contacts[3].role, VG_CONTACT_MANAGEMENT);
	assert_string_equal(p.smtp.url, "smtp://mail.chu-exemple.fr:587");
	assert_string_equal(p.smtp.from, "vigie@chu-exemple.fr");
	assert_string_equal(p.smtp.user, "vigie");
	assert_string_equal(p.smtp.password_file, "/etc/vigie/smtp.pass");
	assert_true(p.smtp.starttls_optional);
	assert_string_equal(p.establishment.name, "CHU d'Exemple — site Nord");
	assert_string_equal(p.establishment.finess_ej, "010003820");
	assert_string_equal(p.establishment.finess_et, "2A0003812");
	assert_string_equal(p.establishment.region, "Corse");
	assert_string_equal(p.establishment.declarant_phone,
			    "+33 4 00 00 00 00");
	assert_string_equal(p.establishment.dpo_email, "dpo@chu-exemple.fr");
	vg_policy_release(&p);
}

/*
 * One bad line per row, after a contact "C" that starts with a valid
 * e-mail: the warning (with its line, always 4) and what stays.
 */
struct bad_row {
	const char *section;
	const char *line;
	const char *warning; /* substring of the warning; NULL: none */
	const char *email;   /* contact C's email afterwards, or NULL */
	const char *webhook; /* contact C's webhook afterwards, or NULL */
};

static const struct bad_row bad_rows[] = {
	{"contact \"C\"", "role = boss", "vigie.conf:4: role: unknown role",
	 "a@b.fr", NULL},
	{"contact \"C\"", "role = RSSI", "unknown role 'RSSI'", "a@b.fr", NULL},
	{"contact \"C\"", "email = nobody", "'nobody' is not an e-mail",
	 "a@b.fr", NULL},
	{"contact \"C\"", "email = @b.fr", "not an e-mail", "a@b.fr", NULL},
	{"contact \"C\"", "email = a@", "not an e-mail", "a@b.fr", NULL},
	{"contact \"C\"", "email = a@b@c.fr", "not an e-mail", "a@b.fr", NULL},
	/* A second recipient or a header smuggled in the address. */
	{"contact \"C\"", "email = a@b.fr, evil@x.org", "not an e-mail",
	 "a@b.fr", NULL},
	{"contact \"C\"", "email = a@b.fr\rBcc: evil@x.org", "not an e-mail",
	 "a@b.fr", NULL},
	{"contact \"C\"", "email = <a@b.fr>", "not an e-mail", "a@b.fr", NULL},
	{"contact \"C\"", "email = x@y.fr", NULL, "x@y.fr", NULL},
	{"contact \"C\"", "webhook = http://hooks.example.org/x",
	 "vigie.conf:4: webhook: 'http://hooks.example.org/x' is not an "
	 "https:// URL",
	 "a@b.fr", NULL},
	/* userinfo naming localhost does not make the host loopback */
	{"contact \"C\"", "webhook = http://127.0.0.1@evil.org/x",
	 "not an https:// URL", "a@b.fr", NULL},
	{"contact \"C\"", "webhook = http://127.0.0.1.evil.org/",
	 "not an https:// URL", "a@b.fr", NULL},
	{"contact \"C\"", "webhook = http://localhost.evil.org/",
	 "not an https:// URL", "a@b.fr", NULL},
	{"contact \"C\"", "webhook = ftp://127.0.0.1/", "not an https://",
	 "a@b.fr", NULL},
	{"contact \"C\"", "webhook = https://", "not an https://", "a@b.fr",
	 NULL},
	{"contact \"C\"", "webhook = https://a b.fr/", "not an https://",
	 "a@b.fr", NULL},
	{"contact \"C\"", "webhook = javascript:alert(1)", "not an https://",
	 "a@b.fr", NULL},
	{"contact \"C\"", "webhook = http://localhost:8080/x", NULL, "a@b.fr",
	 "http://localhost:8080/x"},
	{"contact \"C\"", "webhook = http://user@127.0.0.1:80/x", NULL,
	 "a@b.fr", "http://user@127.0.0.1:80/x"},
	{"contact \"C\"", "webhook = HTTPS://hooks.example.org", NULL, "a@b.fr",
	 "HTTPS://hooks.example.org"},
	{"contact \"C\"", "pager = 1234",
	 "unknown setting 'pager' in [contact \"C\"]", "a@b.fr", NULL},
	{"smtp", "url = http://mail.example.org",
	 "vigie.conf:4: url: 'http://mail.example.org' is not an smtp://",
	 "a@b.fr", NULL},
	{"smtp", "url = smtp://", "is not an smtp://", "a@b.fr", NULL},
	{"smtp", "from = vigie", "from: 'vigie' is not an e-mail", "a@b.fr",
	 NULL},
	{"smtp", "password_file = smtp.pass",
	 "password_file: 'smtp.pass' is not absolute", "a@b.fr", NULL},
	{"smtp", "starttls = no", "starttls: expected required or optional",
	 "a@b.fr", NULL},
	{"smtp", "port = 25", "unknown setting 'port' in [smtp]", "a@b.fr",
	 NULL},
	{"establishment", "finess_ej = 12345678",
	 "vigie.conf:4: finess_ej: '12345678' is not a FINESS", "a@b.fr", NULL},
	{"establishment", "finess_ej = 0100038200", "is not a FINESS", "a@b.fr",
	 NULL},
	{"establishment", "finess_et = A10003820", "is not a FINESS", "a@b.fr",
	 NULL},
	{"establishment", "finess_et = 01000382X", "is not a FINESS", "a@b.fr",
	 NULL},
	{"establishment", "finess_et = 2b0003812", "is not a FINESS", "a@b.fr",
	 NULL},
	{"establishment", "finess_et = 2B0003812", NULL, "a@b.fr", NULL},
	{"establishment", "dpo_email = dpo", "dpo_email: 'dpo' is not an",
	 "a@b.fr", NULL},
	{"establishment", "siret = 1", "unknown setting 'siret'", "a@b.fr",
	 NULL},
	{"policy", "incident_report_hours = 0",
	 "incident_report_hours: expected a whole number from 1 to 8760",
	 "a@b.fr", NULL},
	{"policy", "incident_report_hours = 8761", "from 1 to 8760", "a@b.fr",
	 NULL},
	{"policy", "incident_report_hours = -24", "from 1 to 8760", "a@b.fr",
	 NULL},
	{"policy", "incident_report_hours = 99999999999999999999",
	 "from 1 to 8760", "a@b.fr", NULL},
	{"policy", "incident_report_hours = 24h", "from 1 to 8760", "a@b.fr",
	 NULL},
};

static void
test_bad_values(void **state)
{
	struct vg_policy p;
	struct warnings w;
	char conf[512];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(bad_rows); i++) {
		const struct bad_row *r = &bad_rows[i];

		/* the section is opened again: the bad line is line 4 */
		(void)snprintf(conf, sizeof(conf),
			       "[contact \"C\"]\nemail = a@b.fr\n[%s]\n%s\n",
			       r->section, r->line);
		parse(&p, &w, conf);
		if (r->warning == NULL) {
			if (w.count != 0)
				fail_msg("row %zu: unexpected warning %s", i,
					 w.text);
		} else if (strstr(w.text, r->warning) == NULL) {
			fail_msg("row %zu: warnings '%s' lack '%s'", i, w.text,
				 r->warning);
		}
		assert_int_equal(p.n_contacts, 1);
		assert_string_equal(p.contacts[0].email, r->email);
		if (r->webhook == NULL)
			assert_null(p.contacts[0].webhook);
		else
			assert_string_equal(p.contacts[0].webhook, r->webhook);
		assert_int_equal(p.incident_report_hours, 24);
		assert_int_equal(p.contacts[0].role, VG_CONTACT_HIERARCHY);
		vg_policy_release(&p);
	}
}

/* Line numbers count blank lines and comments. */
static void
test_line_numbers(void **state)
{
	struct vg_policy p;
	struct warnings w;

	(void)state;
	parse(&p, &w,
	      "[policy]\n\n# note\n[contact \"X\"]\nrole = chef\n"
	      "[establishment]\nfiness_et = 1\n");
	assert_non_null(strstr(w.text, "vigie.conf:5: role: unknown role"));
	assert_non_null(strstr(w.text, "vigie.conf:7: finess_et: '1'"));
	/* A doubtful FINESS is kept for the person who reviews the draft. */
	assert_string_equal(p.establishment.finess_et, "1");
	assert_int_equal(w.count, 2);
	vg_policy_release(&p);
}

static void
test_too_many_contacts(void **state)
{
	struct vg_policy p;
	struct warnings w;
	struct vg_buf b;
	int i;

	(void)state;
	vg_buf_init(&b, 1 << 20);
	for (i = 0; i < VG_POLICY_MAX_CONTACTS + 5; i++)
		assert_int_equal(vg_buf_printf(&b,
					       "[contact \"c%d\"]\n"
					       "email = c%d@x.fr\n",
					       i, i),
				 VG_OK);
	parse_n(&p, &w, vg_buf_str(&b), b.len);
	assert_int_equal(p.n_contacts, VG_POLICY_MAX_CONTACTS);
	assert_non_null(strstr(w.text, "too many contact sections"));
	assert_int_equal(w.count, 5);
	assert_string_equal(p.contacts[VG_POLICY_MAX_CONTACTS - 1].email,
			    "c63@x.fr");
	vg_policy_release(&p);
	vg_buf_release(&b);
}

/* Sections named oddly, repeated, or holding NUL bytes / long lines. */
/* The start of a contact whose webhook line is too long. */
static const char huge_head[] = "[contact \"A\"]\nwebhook = https://";

static void
test_hostile_sections(void **state)
{
	static const char nul_conf[] = "[contact \"A\"]\nemail = a@\0b.fr\n"
				       "[contact \"A\"]\nrole = rssi\n";
	struct vg_policy p;
	struct warnings w;
	char *big;

	(void)state;
	/* A repeated section adds to the first; an unquoted or empty name
	 * is an unknown section. */
	parse(&p, &w,
	      "[contact \"A\"]\nemail = a@x.fr\n[contact \"A\"]\n"
	      "role = oncall\n[contact]\nemail = b@x.fr\n"
	      "[contact \"\"]\nemail = c@x.fr\n[contact \"B\" x]\n"
	      "email = d@x.fr\n");
	assert_int_equal(p.n_contacts, 1);
	assert_int_equal(p.contacts[0].role, VG_CONTACT_ONCALL);
	assert_string_equal(p.contacts[0].email, "a@x.fr");
	assert_non_null(strstr(w.text, "unknown section [contact]"));
	assert_non_null(strstr(w.text, "unknown section [contact \"\"]"));
	assert_non_null(strstr(w.text, "unknown section [contact \"B\" x]"));
	vg_policy_release(&p);

	/* A NUL byte in the value: the line is refused, not cut short. */
	parse_n(&p, &w, nul_conf, sizeof(nul_conf) - 1);
	assert_int_equal(p.n_contacts, 1);
	assert_null(p.contacts[0].email);
	assert_int_equal(p.contacts[0].role, VG_CONTACT_RSSI);
	assert_non_null(strstr(w.text, "vigie.conf:2: line too long"));
	vg_policy_release(&p);

	/* A huge webhook line. */
	big = malloc(200000);
	assert_non_null(big);
	/* The header without its NUL, then the value up to the end. */
	memcpy(big, huge_head, sizeof(huge_head) - 1);
	memset(big + sizeof(huge_head) - 1, 'a',
	       200000 - (sizeof(huge_head) - 1) - 2);
	big[200000 - 2] = '\n';
	big[200000 - 1] = '\0';
	assert_int_equal(strlen(big), 200000 - 1);
	parse(&p, &w, big);
	assert_true(p.n_contacts <= 1);
	if (p.n_contacts == 1)
		assert_null(p.contacts[0].webhook);
	assert_true(w.count >= 1);
	vg_policy_release(&p);
	free(big);
}

static void
test_roles(void **state)
{
	static const struct {
		const char *name;
		enum vg_contact_role role;
	} rows[] = {
		{"hierarchy", VG_CONTACT_HIERARCHY},
		{"rssi", VG_CONTACT_RSSI},
		{"oncall", VG_CONTACT_ONCALL},
		{"management", VG_CONTACT_MANAGEMENT},
	};
	enum vg_contact_role r;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_string_equal(vg_contact_role_name(rows[i].role),
				    rows[i].name);
		assert_true(vg_contact_role_parse(rows[i].name, &r));
		assert_int_equal(r, rows[i].role);
	}
	assert_false(vg_contact_role_parse("", &r));
	assert_false(vg_contact_role_parse("Hierarchy", &r));
	assert_false(vg_contact_role_parse("rssi ", &r));
	assert_string_equal(vg_contact_role_name(VG_CONTACT_ROLE_COUNT),
			    "unknown");
	assert_string_equal(vg_contact_role_name((enum vg_contact_role) - 1),
			    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_too_many_contacts),
		cmocka_unit_test(test_hostile_sections),
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
