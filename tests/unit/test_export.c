/*
 * The incident report drafts (respond/export.h): every block of each
 * format, the deadlines in Paris time across the DST changes (and past
 * the tz table's last year, from its rule), missing establishment data
 * written "to be completed" with a checklist, hostile strings.
 */
#include "util/common.h"

#include <jansson.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/policy.h"
#include "core/timeline.h"
#include "respond/export.h"
#include "respond/export_int.h"
#include "util/buf.h"
#include "util/banned.h"

#define T_DETECTED 1711789200 /* 2024-03-30 09:00 UTC, 10:00 in Paris */

static const char full_conf[] = "[establishment]\n"
				"name = Centre hospitalier de Test\n"
				"finess_ej = 750000001\n"
				"finess_et = 750000019\n"
				"category = ES public\n"
				"region = Ile-de-France\n"
				"declarant = Jeanne Martin\n"
				"declarant_function = directrice\n"
				"declarant_email = jeanne.martin@ch-test.fr\n"
				"declarant_phone = 01 23 45 67 89\n"
				"dpo_email = dpo@ch-test.fr\n";

/* The text a msgid gets in French, as the export renders it. */
static char fr_buf[8][512];
static const char *
fr(int slot, const char *msgid)
{
	locale_t l = newlocale(LC_ALL_MASK, "fr_FR.UTF-8", (locale_t)0);
	locale_t old = (locale_t)0;

	if (l != (locale_t)0)
		old = uselocale(l);
	(void)snprintf(fr_buf[slot], sizeof(fr_buf[slot]), "%s", _(msgid));
	if (l != (locale_t)0) {
		(void)uselocale(old);
		freelocale(l);
	}
	return fr_buf[slot];
}

static void
policy_from(struct vg_policy *p, const char *conf)
{
	struct vg_err err;

	vg_err_clear(&err);
	assert_int_equal(vg_policy_init(p, &err), VG_OK);
	if (conf != NULL)
		assert_int_equal(vg_policy_parse(p, "test.conf", conf,
						 strlen(conf), NULL, NULL,
						 &err),
				 VG_OK);
}

/* A ransomware incident on two hosts, one isolated, one failed. */
static json_t *
fixture(void)
{
	json_error_t je;
	json_t *j = json_pack_ex(
		&je, 0,
		"{s:I, s:s, s:s, s:I, s:s, s:I, s:b, s:b, s:I, s:b, s:b, s:b,"
		" s:s, s:n, s:s, s:I, s:I, s:I, s:I, s:n, s:n,"
		" s:[{s:I, s:s, s:s}, {s:I, s:s, s:n}],"
		" s:[],"
		" s:[{s:I, s:s, s:s, s:s, s:s, s:I},"
		"    {s:I, s:s, s:s, s:s, s:s, s:I}]}",
		"id", (json_int_t)7, "title", "Rançongiciel sur le DPI", "type",
		"ransomware", "detected_at", (json_int_t)T_DETECTED, "care",
		"potential", "degraded_since", (json_int_t)(T_DETECTED + 3600),
		"health_data", 1, "personal_data", 1, "persons",
		(json_int_t)1200, "confidentiality", 1, "integrity", 0,
		"availability", 1, "perimeter", "DPI et PACS, site principal",
		"causes", "status", "contained", "opened_at",
		(json_int_t)(T_DETECTED + 60), "closed_at", (json_int_t)0,
		"reported_ans_at", (json_int_t)0, "reported_cnil_at",
		(json_int_t)0, "ans_ref", "cnil_ref", "assets", "host_id",
		(json_int_t)1, "name", "dpi-srv01", "agent_id", "a1", "host_id",
		(json_int_t)2, "name", "pacs02", "agent_id", "timeline",
		"tasks", "id", (json_int_t)2, "host", "pacs02", "kind",
		"isolate", "state", "failed", "detail", "nft: no such table",
		"created_at", (json_int_t)(T_DETECTED + 400), "id",
		(json_int_t)1, "host", "dpi-srv01", "kind", "isolate", "state",
		"confirmed", "detail", "", "created_at",
		(json_int_t)(T_DETECTED + 300));

	if (j == NULL)
		fail_msg("fixture: %s", je.text);
	return j;
}

static char *export(const json_t *inc, const struct vg_policy *p,
		    enum vg_export_format f, int64_t now)
{
	struct vg_buf out;
	struct vg_err err;

	vg_err_clear(&err);
	vg_buf_init(&out, 1u << 20);
	if (vg_incident_export(inc, p, f, now, &out, &err) != VG_OK)
		fail_msg("export: %s", err.msg);
	return vg_buf_detach(&out);
}

#define HAS(s, needle)                                                         \
	do {                                                                   \
		if (strstr((s), (needle)) == NULL)                             \
			fail_msg("missing '%s' in:\n%s", (needle), (s));       \
	} while (0)
#define HASNT(s, needle)                                                       \
	do {                                                                   \
		if (strstr((s), (needle)) != NULL)                             \
			fail_msg("unexpected '%s' in:\n%s", (needle), (s));    \
	} while (0)

static void
test_format_parse(void **state)
{
	enum vg_export_format f;

	(void)state;
	assert_true(vg_export_format_parse("signalement", &f));
	assert_int_equal(f, VG_EXPORT_SIGNALEMENT);
	assert_true(vg_export_format_parse("cnil", &f));
	assert_int_equal(f, VG_EXPORT_CNIL);
	assert_true(vg_export_format_parse("json", &f));
	assert_int_equal(f, VG_EXPORT_JSON);
	assert_true(vg_export_format_parse("md", &f));
	assert_int_equal(f, VG_EXPORT_MD);
	assert_false(vg_export_format_parse("MD", &f));
	assert_false(vg_export_format_parse("", &f));
	assert_false(vg_export_format_parse(NULL, &f));
}

/* The offset of Paris, table-driven: the tz file's transitions, then
 * its footer rule past 2037. */
static void
test_paris_offset(void **state)
{
	static const struct {
		int64_t t;
		int32_t off;
	} rows[] = {
		{0, 3600},          /* 1970: CET */
		{1711789200, 3600}, /* 2024-03-30, before the change */
		{1711846799, 3600}, /* 2024-03-31 00:59:59 UTC */
		{1711846800, 7200}, /* 01:00 UTC: CEST */
		{1729990799, 7200}, /* 2024-10-27 00:59:59 UTC */
		{1729990800, 3600}, /* back to CET */
		{2140045199, 7200}, /* 2037, last of the table */
		{2140045200, 3600}, {2216249999, 3600}, /* 2040: the footer's
							   rule */
		{2216250000, 7200}, {2234998799, 7200}, {2234998800, 3600},
	};
	char b[EXPORT_TIME_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		if (vg_export_paris_offset(rows[i].t) != rows[i].off)
			fail_msg("row %zu: %lld has offset %d, expected %d", i,
				 (long long)rows[i].t,
				 (int)vg_export_paris_offset(rows[i].t),
				 (int)rows[i].off);
	}
	vg_export_time(1711875600, false, b);
	assert_string_equal(b, "2024-03-31 11:00 (UTC+02:00)");
	vg_export_time(1711875600, true, b);
	assert_string_equal(b, "2024-03-31T11:00:00+02:00");
	vg_export_time(2234998800, true, b);
	assert_string_equal(b, "2040-10-28T02:00:00+01:00");
}

static void
test_signalement_blocks(void **state)
{
	struct vg_policy p;
	json_t *inc = fixture();
	char *s;

	(void)state;
	policy_from(&p, full_conf);
	/* 2 days after: the 24 h deadline is past, never reported. */
	s = export(inc, &p, VG_EXPORT_SIGNALEMENT, T_DETECTED + 2 * 86400);
	/* The arrêté's four blocks, in order. */
	{
		const char *b1 = strstr(s, fr(0, "1. Structure and declarant"));
		const char *b2 =
			strstr(s, fr(1, "2. Description of the incident"));
		const char *b3 = strstr(s, fr(2, "3. Impacts"));
		const char *b4 = strstr(s, fr(3, "4. Causes (if identified)"));
		const char *b5 = strstr(s, fr(4, "Deadlines"));

		assert_non_null(b1);
		assert_non_null(b2);
		assert_non_null(b3);
		assert_non_null(b4);
		assert_non_null(b5);
		assert_true(b1 < b2 && b2 < b3 && b3 < b4 && b4 < b5);
	}
	HAS(s, "FINESS EJ : 750000001");
	HAS(s, "FINESS ET : 750000019");
	HAS(s, "Centre hospitalier de Test");
	HAS(s, "Jeanne Martin");
	HAS(s, "directrice");
	HAS(s, "01 23 45 67 89");
	HAS(s, "Rançongiciel sur le DPI");
	/* Date of discovery and deadline in Paris time, DST crossed. */
	HAS(s, "2024-03-30 10:00 (UTC+01:00)");
	HAS(s, "2024-03-31 11:00 (UTC+02:00)");
	HAS(s, "DPI et PACS, site principal");
	HAS(s, "dpi-srv01");
	HAS(s, "nft: no such table"); /* the failure's reason */
	HAS(s, fr(0, "ransomware"));
	HAS(s, fr(1, "potential (patients potentially endangered)"));
	HAS(s, fr(2, "contained"));
	HAS(s, "1200");
	HAS(s,
	    fr(3,
	       "OVERDUE: the incident has not been reported to the "
	       "national portal yet."));
	/* The CNIL's deadline is named too: 72 h. */
	HAS(s, "2024-04-02 11:00 (UTC+02:00)");
	/* Nothing missing but the causes. */
	HAS(s, fr(4, "To be completed before sending"));
	HASNT(s, "[establishment]");
	free(s);

	/* Reported: the date and the reference instead of overdue. */
	json_object_set_new(inc, "reported_ans_at",
			    json_integer(T_DETECTED + 7200));
	json_object_set_new(inc, "ans_ref", json_string("ANS-2024-0042"));
	s = export(inc, &p, VG_EXPORT_SIGNALEMENT, T_DETECTED + 2 * 86400);
	HAS(s, "ANS-2024-0042");
	HAS(s, "2024-03-30 12:00 (UTC+01:00)");
	HASNT(s,
	      fr(0,
		 "OVERDUE: the incident has not been reported to the "
		 "national portal yet."));
	free(s);
	json_decref(inc);
	vg_policy_release(&p);
}

static void
test_missing_establishment(void **state)
{
	struct vg_policy p;
	json_t *inc = fixture();
	char *s, *j;
	json_t *doc;
	json_error_t je;

	(void)state;
	policy_from(&p, "[establishment]\nname = CH Partiel\n");
	s = export(inc, &p, VG_EXPORT_SIGNALEMENT, T_DETECTED + 60);
	HAS(s, "CH Partiel");
	{
		char want[600];

		(void)snprintf(want, sizeof(want), "FINESS EJ : %s",
			       fr(0, "to be completed"));
		HAS(s, want);
	}
	HAS(s, fr(1, "To be completed before sending"));
	HAS(s, "[establishment] finess_ej");
	HAS(s, "[establishment] declarant");
	HAS(s, "[establishment] dpo_email"); /* personal data: needed */
	HASNT(s, "[establishment] name");
	/* When French is installed, the words are French. */
	if (strcmp(fr(2, "to be completed"), "to be completed") != 0)
		HAS(s, "à compléter");
	free(s);

	j = export(inc, &p, VG_EXPORT_JSON, T_DETECTED + 60);
	doc = json_loads(j, 0, &je);
	assert_non_null(doc);
	assert_true(json_is_null(json_object_get(
		json_object_get(doc, "establishment"), "finess_ej")));
	{
		const json_t *m = json_object_get(doc, "missing");
		const json_t *v;
		size_t i;
		bool ej = false, name = false;

		json_array_foreach(m, i, v)
		{
			ej |= strcmp(json_string_value(v),
				     "establishment.finess_ej") == 0;
			name |= strcmp(json_string_value(v),
				       "establishment.name") == 0;
		}
		assert_true(ej);
		assert_false(name);
	}
	json_decref(doc);
	free(j);
	json_decref(inc);
	vg_policy_release(&p);
}

static void
test_json(void **state)
{
	struct vg_policy p;
	json_t *inc = fixture(), *doc;
	json_error_t je;
	const json_t *dl, *a;
	char *s;

	(void)state;
	policy_from(&p, full_conf);
	s = export(inc, &p, VG_EXPORT_JSON, T_DETECTED + 2 * 86400);
	doc = json_loads(s, 0, &je);
	if (doc == NULL)
		fail_msg("not JSON: %s\n%s", je.text, s);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")),
			    "vigie.incident-report/1");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(doc, "establishment"), "finess_ej")),
		"750000001");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(doc, "establishment"),
					"declarant"),
			"function")),
		"directrice");
	dl = json_object_get(json_object_get(doc, "deadlines"), "ans");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(dl, "due"), "unix")),
			 T_DETECTED + 24 * 3600);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(dl, "due"), "utc")),
			    "2024-03-31T09:00:00Z");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(dl, "due"), "local")),
			    "2024-03-31T11:00:00+02:00");
	assert_true(json_is_true(json_object_get(dl, "overdue")));
	assert_true(json_is_true(json_object_get(dl, "required")));
	dl = json_object_get(json_object_get(doc, "deadlines"), "cnil");
	assert_true(json_is_true(json_object_get(dl, "required")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(dl, "due"), "unix")),
			 T_DETECTED + 72 * 3600);
	assert_false(json_is_true(json_object_get(dl, "overdue")));
	/* Every block. */
	assert_non_null(json_object_get(doc, "incident"));
	assert_non_null(json_object_get(doc, "handling"));
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(doc, "incident"), "type")),
			    "ransomware");
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(doc, "handling"), "isolated_assets")),
		1);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(doc, "impacts"), "care")),
			    "potential");
	assert_true(json_is_true(
		json_object_get(json_object_get(json_object_get(doc, "impacts"),
						"information_systems"),
				"availability")));
	{
		const json_t *org = json_object_get(
			json_object_get(doc, "impacts"), "organisation");

		assert_int_equal(json_integer_value(json_object_get(
					 json_object_get(org, "degraded_since"),
					 "unix")),
				 T_DETECTED + 3600);
	}
	a = json_array_get(
		json_object_get(json_object_get(doc, "incident"), "assets"), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(a, "isolation"), "state")),
			    "failed");
	assert_true(json_is_null(json_object_get(doc, "causes")));
	json_decref(doc);
	free(s);
	json_decref(inc);
	vg_policy_release(&p);
}

static void
test_cnil(void **state)
{
	struct vg_policy p;
	json_t *inc = fixture();
	char *s;

	(void)state;
	policy_from(&p, full_conf);
	/* Four days after: 72 h past, not notified. */
	s = export(inc, &p, VG_EXPORT_CNIL, T_DETECTED + 4 * 86400);
	HAS(s, fr(0, "1. Nature of the breach"));
	HAS(s, fr(1, "2. Persons and records concerned"));
	HAS(s, fr(2, "3. Likely consequences"));
	HAS(s, fr(3, "4. Measures taken or proposed"));
	HAS(s, "dpo@ch-test.fr");
	HAS(s, "1200");
	HAS(s, "2024-04-02 11:00 (UTC+02:00)");
	HAS(s,
	    fr(4,
	       "OVERDUE: notify the CNIL now and give the reasons for "
	       "the delay (GDPR art. 33(1))."));
	free(s);

	/* No personal data: a clear statement, no blocks. */
	json_object_set_new(inc, "health_data", json_false());
	json_object_set_new(inc, "personal_data", json_false());
	s = export(inc, &p, VG_EXPORT_CNIL, T_DETECTED + 4 * 86400);
	HAS(s,
	    fr(0,
	       "No personal data are concerned by this incident as "
	       "recorded: no notification to the CNIL is needed."));
	HASNT(s, fr(1, "1. Nature of the breach"));
	free(s);
	json_decref(inc);
	vg_policy_release(&p);
}

/* DST the other way: detected in CEST, the 72 h fall in CET. */
static void
test_deadline_autumn(void **state)
{
	struct vg_policy p;
	json_t *inc = fixture();
	char *s;

	(void)state;
	policy_from(&p, "[policy]\nincident_report_hours = 48\n");
	json_object_set_new(inc, "detected_at", json_integer(1729929600));
	s = export(inc, &p, VG_EXPORT_SIGNALEMENT, 1729929600 + 60);
	HAS(s, "2024-10-26 10:00 (UTC+02:00)"); /* discovery */
	HAS(s, "2024-10-28 09:00 (UTC+01:00)"); /* 48 h, portal */
	HAS(s, "2024-10-29 09:00 (UTC+01:00)"); /* 72 h, CNIL */
	HASNT(s,
	      fr(0,
		 "OVERDUE: the incident has not been reported to the "
		 "national portal yet."));
	free(s);
	json_decref(inc);
	vg_policy_release(&p);
}

/* Two chained entries: verified, then one changed. */
static void
add_entry(json_t *tl, int64_t seq, const char *kind, const char *detail,
	  char prev[VG_TIMELINE_HASH_HEX])
{
	struct vg_timeline_entry e;
	struct vg_err err;

	memset(&e, 0, sizeof(e));
	e.incident_id = 7;
	e.seq = seq;
	e.at = T_DETECTED + seq * 60;
	e.actor = "rssi";
	e.kind = kind;
	e.detail = detail;
	memcpy(e.prev, prev, VG_TIMELINE_HASH_HEX);
	assert_int_equal(vg_timeline_hash(&e, e.hash, &err), VG_OK);
	json_array_append_new(
		tl,
		json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:s, s:s}", "seq",
			  (json_int_t)seq, "at", (json_int_t)e.at, "actor",
			  e.actor, "kind", kind, "detail",
			  json_loads(detail, 0, NULL), "detail_text", detail,
			  "prev", prev, "hash", e.hash));
	memcpy(prev, e.hash, VG_TIMELINE_HASH_HEX);
}

static void
test_md_timeline_and_hostile(void **state)
{
	struct vg_policy p;
	json_t *inc = fixture(), *tl = json_array();
	char prev[VG_TIMELINE_HASH_HEX], *s, *line, *opened;
	const char *h;

	(void)state;
	policy_from(&p, full_conf);
	/* A hostile title: a line break then a heading, a pipe, a
	 * control character. */
	json_object_set_new(inc, "title",
			    json_string("Titre\n# injecté | x\x01y"));
	/* The "opened" entry vouches for the record as it is. */
	{
		json_t *fields = json_deep_copy(inc);

		assert_non_null(fields);
		(void)json_object_del(fields, "timeline");
		(void)json_object_del(fields, "tasks");
		(void)json_object_del(fields, "assets");
		opened = json_dumps(fields, JSON_COMPACT);
		json_decref(fields);
		assert_non_null(opened);
	}
	vg_timeline_genesis(prev);
	add_entry(tl, 1, "opened", opened, prev);
	add_entry(tl, 2, "note", "{\"text\":\"a | b\\n# c\"}", prev);
	json_object_set_new(inc, "timeline", tl);
	s = export(inc, &p, VG_EXPORT_MD, T_DETECTED + 60);
	HAS(s, fr(0, "1. Structure and declarant"));
	HAS(s, fr(1, "3. Likely consequences")); /* the CNIL part */
	HAS(s, fr(2, "Timeline"));
	HAS(s, "Titre \\# injecté \\| x y");
	/* The hash prefix of entry 2 is in its row. */
	h = json_string_value(json_object_get(json_array_get(tl, 1), "hash"));
	{
		char pre[13];

		memcpy(pre, h, 12);
		pre[12] = '\0';
		HAS(s, pre);
	}
	/* No line of data starts a heading or breaks the table. */
	for (line = s; line != NULL; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		assert_false(strncmp(line, "# injecté", 10) == 0);
		if (*line == '|') {
			const char *end = strchr(line, '\n');
			size_t n = 0, k;

			for (k = 0; line + k < end; k++)
				n += line[k] == '|' &&
					(k == 0 || line[k - 1] != '\\');
			assert_int_equal(n, 7);
		}
	}
	{
		char want[300];

		(void)snprintf(want, sizeof(want),
			       fr(3,
				  "Timeline verified: %zu entries, the "
				  "chain of hashes is intact."),
			       (size_t)2);
		HAS(s, want);
	}
	free(s);
	free(opened);
	/* One stored entry changed: the draft says where. */
	json_object_set_new(json_array_get(tl, 1), "detail_text",
			    json_string("{\"text\":\"changed\"}"));
	s = export(inc, &p, VG_EXPORT_MD, T_DETECTED + 60);
	{
		char want[300];

		(void)snprintf(want, sizeof(want),
			       fr(0,
				  "Timeline BROKEN at entry %zu: it was "
				  "changed or removed after it was "
				  "written."),
			       (size_t)2);
		HAS(s, want);
	}
	free(s);
	json_decref(inc);
	vg_policy_release(&p);
}

/* A draft over the buffer's ceiling fails cleanly and leaves it as it
 * was; a huge perimeter is written whole when it fits. */
static void
test_limits(void **state)
{
	struct vg_policy p;
	json_t *inc = fixture();
	struct vg_buf out;
	struct vg_err err;
	char *big = malloc(8193);

	(void)state;
	assert_non_null(big);
	memset(big, 'A', 8192);
	big[8192] = '\0';
	big[100] = '\n';
	policy_from(&p, full_conf);
	json_object_set_new(inc, "perimeter", json_string(big));
	vg_buf_init(&out, 2048);
	assert_int_equal(vg_buf_adds(&out, "keep"), VG_OK);
	vg_err_clear(&err);
	assert_int_equal(vg_incident_export(inc, &p, VG_EXPORT_SIGNALEMENT,
					    T_DETECTED, &out, &err),
			 VG_ERR_LIMIT);
	assert_string_equal(vg_buf_str(&out), "keep");
	vg_buf_release(&out);
	{
		char *s = export(inc, &p, VG_EXPORT_SIGNALEMENT, T_DETECTED);

		HAS(s, big + 101);
		free(s);
	}
	/* Not an incident. */
	vg_buf_init(&out, 2048);
	assert_int_equal(
		vg_incident_export(
			json_array_get(json_object_get(inc, "assets"), 5), &p,
			VG_EXPORT_JSON, T_DETECTED, &out, &err),
		VG_ERR_USAGE);
	json_object_del(inc, "title");
	assert_int_equal(vg_incident_export(inc, &p, VG_EXPORT_JSON, T_DETECTED,
					    &out, &err),
			 VG_ERR_PARSE);
	vg_buf_release(&out);
	free(big);
	json_decref(inc);
	vg_policy_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_paris_offset),
		cmocka_unit_test(test_signalement_blocks),
		cmocka_unit_test(test_missing_establishment),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_cnil),
		cmocka_unit_test(test_deadline_autumn),
		cmocka_unit_test(test_md_timeline_and_hostile),
		cmocka_unit_test(test_limits),
	};

	/* The zone from the system's tz database, whatever TZ says. */
	(void)setenv("TZ", "America/New_York", 1);
	vg_i18n_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
