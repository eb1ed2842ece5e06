/*
 * The text drafts of `vigie incident export`: the national portal's
 * form (signalement), the CNIL notification, and both plus the timeline
 * as Markdown. One writer renders either plain text or Markdown, so the
 * two stay the same content. Strings are English msgids translated by
 * the caller's locale (export.c switches this thread to French); values
 * come from the store and the config and are escaped for the output:
 * no control character, and in Markdown no markup, so a title with a
 * line break cannot start a heading of its own.
 */
#include "util/common.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "respond/export_int.h"
#include "util/text.h"
#include "util/banned.h"

#define DETAIL_SHOWN 160 /* bytes of an entry's detail in the md table */
#define HASH_SHOWN 12    /* hex digits of a hash shown */

struct w {
	struct vg_buf *out;
	bool md;
	enum vg_rc rc; /* sticky */
};

static void
raw(struct w *w, const char *s)
{
	if (w->rc == VG_OK)
		w->rc = vg_buf_adds(w->out, s);
}

/*
 * A value: control characters become spaces (a line break too unless
 * multi, where it starts an indented line); in Markdown, characters
 * that make markup are escaped with a backslash.
 */
static void
val(struct w *w, const char *s, bool multi)
{
	const unsigned char *p = (const unsigned char *)s;
	bool bol = false; /* at the start of a continuation line */

	for (; w->rc == VG_OK && *p != '\0'; p++) {
		if (*p == '\n' && multi) {
			w->rc = vg_buf_adds(w->out,
					    w->md ? "  \n  " : "\n      ");
			bol = true;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			w->rc = vg_buf_addc(w->out, ' ');
			continue;
		}
		/* Inline markup anywhere; block markup at a line's start
		 * (a list, a heading, a quote). */
		if (w->md &&
		    (strchr("\\`*_{}[]<>#|~&", *p) != NULL ||
		     (bol && strchr("-+=0123456789", *p) != NULL)))
			w->rc = vg_buf_addc(w->out, '\\');
		bol = false;
		if (w->rc == VG_OK)
			w->rc = vg_buf_addc(w->out, (char)*p);
	}
}

static void
heading(struct w *w, int level, const char *title)
{
	if (w->md) {
		raw(w, level == 1 ? "\n# " : level == 2 ? "\n## " : "\n### ");
		val(w, title, false);
		raw(w, "\n\n");
		return;
	}
	raw(w, "\n");
	val(w, title, false);
	raw(w,
	    level == 1 ? "\n========================================\n"
		       : "\n----------------------------------------\n");
}

/* "label : value" (French typography: a space before the colon). */
static void
field(struct w *w, const char *label, const char *value, bool multi)
{
	raw(w, w->md ? "- **" : "   ");
	val(w, label, false);
	/* An empty value: a list follows. */
	raw(w,
	    *value == '\0' ? (w->md ? "** :" : " :")
			   : (w->md ? "** : " : " : "));
	val(w, value, multi);
	raw(w, "\n");
}

static void
para(struct w *w, const char *text)
{
	raw(w, w->md ? "" : "   ");
	val(w, text, false);
	raw(w, w->md ? "\n\n" : "\n");
}

static void
item(struct w *w, const char *text)
{
	raw(w, w->md ? "  - " : "     - ");
	val(w, text, false);
	raw(w, "\n");
}

static const char *
or_todo(const char *s)
{
	return s != NULL ? s : _("to be completed");
}

static const char *
yes_no(bool b)
{
	return b ? _("yes") : _("no");
}

static void
field_time(struct w *w, const char *label, int64_t t)
{
	char b[EXPORT_TIME_MAX];

	if (t == 0) {
		field(w, label, _("to be completed"), false);
		return;
	}
	vg_export_time(t, false, b);
	field(w, label, b, false);
}

/* A printf into a small local and on as a paragraph or an item. */
static void fmt_line(struct w *w, bool as_item, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fmt_line(struct w *w, bool as_item, const char *fmt, ...)
{
	char b[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (as_item)
		item(w, b);
	else
		para(w, b);
}

static bool
malicious(const struct vg_incident *inc)
{
	return inc->type == VG_INC_RANSOMWARE ||
		inc->type == VG_INC_INTRUSION || inc->type == VG_INC_PHISHING;
}

/* The assets, each with its isolation's state (tasks). */
static void
assets_items(struct w *w, const struct export_doc *d)
{
	const json_t *a;
	size_t i;

	if (json_array_size(d->assets) == 0) {
		item(w, _("no host recorded"));
		return;
	}
	json_array_foreach(d->assets, i, a)
	{
		const char *name =
			json_string_value(json_object_get(a, "name"));
		const json_t *t = vg_export_host_task(d, name);
		const char *kind, *state, *detail;
		char b[512];

		if (name == NULL)
			continue;
		if (t == NULL) {
			(void)snprintf(b, sizeof(b), "%s", name);
			item(w, b);
			continue;
		}
		kind = json_string_value(json_object_get(t, "kind"));
		state = json_string_value(json_object_get(t, "state"));
		detail = json_string_value(json_object_get(t, "detail"));
		if (kind != NULL && strcmp(kind, "release") == 0)
			(void)snprintf(b, sizeof(b),
				       _("%s: released from isolation (%s)"),
				       name, vg_export_task_label(state));
		else
			(void)snprintf(b, sizeof(b),
				       _("%s: network isolation %s"), name,
				       vg_export_task_label(state));
		if (detail != NULL && state != NULL &&
		    strcmp(state, "failed") == 0) {
			size_t n = strlen(b);

			(void)snprintf(b + n, sizeof(b) - n, " — %s", detail);
		}
		item(w, b);
	}
}

/* Block 1. */
static void
block_structure(struct w *w, const struct export_doc *d)
{
	heading(w, 2, _("1. Structure and declarant"));
	field(w, _("Establishment"), or_todo(d->est[EXF_NAME]), false);
	field(w, "FINESS EJ", or_todo(d->est[EXF_FINESS_EJ]), false);
	field(w, "FINESS ET", or_todo(d->est[EXF_FINESS_ET]), false);
	field(w, _("Category"), or_todo(d->est[EXF_CATEGORY]), false);
	field(w, _("Region (ARS)"), or_todo(d->est[EXF_REGION]), false);
	field(w, _("Declarant"), or_todo(d->est[EXF_DECLARANT]), false);
	field(w, _("Function"), or_todo(d->est[EXF_DECLARANT_FUNCTION]), false);
	field(w, _("Phone"), or_todo(d->est[EXF_DECLARANT_PHONE]), false);
	field(w, _("E-mail"), or_todo(d->est[EXF_DECLARANT_EMAIL]), false);
}

/* Block 2. */
static void
block_description(struct w *w, const struct export_doc *d)
{
	const struct vg_incident *inc = &d->inc;
	char b[256];

	heading(w, 2, _("2. Description of the incident"));
	field(w, _("Title"), inc->title, false);
	field_time(w, _("Date of discovery"), inc->detected_at);
	field(w, _("Type"), vg_export_type_label(inc->type), false);
	field(w, _("Origin"),
	      malicious(inc) ? _("malicious (suspected or proven)")
			     : _("to be specified (malicious, accidental or "
				 "unknown)"),
	      false);
	field(w, _("Perimeter"), or_todo(inc->perimeter), true);
	field(w, _("Information systems and data concerned"), "", false);
	assets_items(w, d);
	if (inc->health_data)
		item(w, _("health data"));
	if (inc->personal_data)
		item(w, _("personal data"));
	field(w, _("State of handling"), vg_export_status_label(inc->status),
	      false);
	if (d->contained_at != 0) {
		char t[EXPORT_TIME_MAX];

		vg_export_time(d->contained_at, false, t);
		(void)snprintf(b, sizeof(b), _("contained since %s"), t);
		item(w, b);
	}
	if (inc->closed_at != 0) {
		char t[EXPORT_TIME_MAX];

		vg_export_time(inc->closed_at, false, t);
		(void)snprintf(b, sizeof(b), _("closed on %s"), t);
		item(w, b);
	}
}

/* Block 3. */
static void
block_impacts(struct w *w, const struct export_doc *d)
{
	const struct vg_incident *inc = &d->inc;
	char b[256];

	heading(w, 2, _("3. Impacts"));
	field(w, _("On data"), "", false);
	fmt_line(w, true, "%s : %s", _("health data"),
		 yes_no(inc->health_data));
	fmt_line(w, true, "%s : %s", _("personal data"),
		 yes_no(inc->personal_data));
	if (inc->persons >= 0)
		fmt_line(w, true, "%s : %" PRId64,
			 _("approximate number of persons"), inc->persons);
	else
		fmt_line(w, true, "%s : %s", _("approximate number of persons"),
			 _("to be completed"));
	field(w, _("On people (safety of care)"),
	      vg_export_care_label(inc->care), false);
	field(w, _("On information systems"), "", false);
	fmt_line(w, true, "%s : %s", _("loss of confidentiality"),
		 yes_no(inc->confidentiality));
	fmt_line(w, true, "%s : %s", _("loss of integrity"),
		 yes_no(inc->integrity));
	fmt_line(w, true, "%s : %s", _("unavailability"),
		 yes_no(inc->availability));
	if (inc->degraded_since != 0) {
		char t[EXPORT_TIME_MAX];

		vg_export_time(inc->degraded_since, false, t);
		(void)snprintf(b, sizeof(b), _("degraded mode since %s"), t);
		field(w, _("On the organisation"), b, false);
	} else
		field(w, _("On the organisation"), _("no degraded mode"),
		      false);
}

/* Block 4. */
static void
block_causes(struct w *w, const struct export_doc *d)
{
	heading(w, 2, _("4. Causes (if identified)"));
	field(w, _("Causes"),
	      d->inc.causes != NULL ? d->inc.causes : _("not identified yet"),
	      true);
}

static void
deadline_ans(struct w *w, const struct export_doc *d)
{
	const struct vg_incident *inc = &d->inc;
	char t[EXPORT_TIME_MAX], b[512];

	if (!d->serious)
		para(w,
		     _("This incident does not look serious in the sense of "
		       "art. D.1111-16-2 CSP; report it all the same if in "
		       "doubt."));
	if (d->ans_due != 0) {
		vg_export_time(d->ans_due, false, t);
		(void)snprintf(b, sizeof(b),
			       _("Report to the national portal \"without "
				 "delay\" (art. L.1111-8-2 CSP): due by %s, %d "
				 "hours after discovery."),
			       t, d->p->incident_report_hours);
		para(w, b);
	}
	if (inc->reported_ans_at != 0) {
		vg_export_time(inc->reported_ans_at, false, t);
		(void)snprintf(b, sizeof(b), _("Reported on %s, reference %s."),
			       t, or_todo(inc->ans_ref));
		para(w, b);
	} else if (d->ans_overdue)
		para(w,
		     _("OVERDUE: the incident has not been reported to the "
		       "national portal yet."));
	else
		para(w, _("Not reported to the national portal yet."));
}

static void
deadline_cnil(struct w *w, const struct export_doc *d)
{
	const struct vg_incident *inc = &d->inc;
	char t[EXPORT_TIME_MAX], b[512];

	if (!d->personal) {
		para(w,
		     _("No personal data are concerned by this incident as "
		       "recorded: no notification to the CNIL is needed."));
		return;
	}
	vg_export_time(d->cnil_due, false, t);
	(void)snprintf(b, sizeof(b),
		       _("Notification to the CNIL (GDPR art. 33): due by %s, "
			 "72 hours after discovery."),
		       t);
	para(w, b);
	if (inc->reported_cnil_at != 0) {
		vg_export_time(inc->reported_cnil_at, false, t);
		(void)snprintf(b, sizeof(b), _("Notified on %s, reference %s."),
			       t, or_todo(inc->cnil_ref));
		para(w, b);
	} else if (d->cnil_overdue)
		para(w,
		     _("OVERDUE: notify the CNIL now and give the reasons "
		       "for the delay (GDPR art. 33(1))."));
	else
		para(w, _("Not notified to the CNIL yet."));
}

/* The final checklist: what is missing, and where to fill it in. */
static void
block_missing(struct w *w, const struct export_doc *d, bool cnil)
{
	static const char *const labels[EXF_COUNT] = {
		N_("establishment name"),
		"FINESS EJ",
		"FINESS ET",
		N_("category"),
		N_("region (ARS)"),
		N_("declarant"),
		N_("declarant's function"),
		N_("declarant's e-mail"),
		N_("declarant's phone"),
		N_("data protection officer's e-mail"),
	};
	size_t i, n = 0;
	char b[256];

	for (i = 0; i < EXF_COUNT; i++) {
		if (d->est[i] != NULL || (i == EXF_DPO_EMAIL && !d->personal))
			continue;
		if (n++ == 0)
			heading(w, 2, _("To be completed before sending"));
		(void)snprintf(b, sizeof(b), "%s ([establishment] %s)",
			       _(labels[i]), vg_export_field_keys[i]);
		item(w, b);
	}
	if (d->inc.perimeter == NULL || d->inc.causes == NULL ||
	    (cnil && d->personal) || d->inc.detected_at == 0) {
		if (n++ == 0)
			heading(w, 2, _("To be completed before sending"));
		if (d->inc.detected_at == 0)
			item(w, _("date of discovery"));
		if (d->inc.perimeter == NULL)
			item(w,
			     _("perimeter (vigie incident status "
			       "--perimeter)"));
		if (d->inc.causes == NULL)
			item(w,
			     _("causes, once identified (vigie incident "
			       "status --causes)"));
		if (cnil && d->personal)
			item(w,
			     _("approximate number of records and the "
			       "measures proposed"));
	}
}

static void
title_line(struct w *w, const struct export_doc *d, const char *what)
{
	char b[512];

	heading(w, 1, what);
	(void)snprintf(b, sizeof(b), _("Incident no. %" PRId64 ": %s"),
		       d->inc.id, d->inc.title);
	para(w, b);
	para(w,
	     _("Draft prepared by vigie from the incident record: check "
	       "every block before sending it."));
}

static void
signalement(struct w *w, const struct export_doc *d)
{
	title_line(w, d,
		   _("Report of a serious information system security "
		     "incident (arrêté of 30 October 2017)"));
	block_structure(w, d);
	block_description(w, d);
	block_impacts(w, d);
	block_causes(w, d);
	heading(w, 2, _("Deadlines"));
	deadline_ans(w, d);
	deadline_cnil(w, d);
	block_missing(w, d, false);
}

static void
cnil(struct w *w, const struct export_doc *d)
{
	const struct vg_incident *inc = &d->inc;
	char b[512];

	title_line(w, d,
		   _("Notification of a personal data breach to the CNIL "
		     "(GDPR art. 33)"));
	if (!d->personal) {
		para(w,
		     _("No personal data are concerned by this incident as "
		       "recorded: no notification to the CNIL is needed."));
		para(w,
		     _("Record the incident in the internal register of "
		       "breaches all the same (GDPR art. 33(5))."));
		return;
	}
	heading(w, 2, _("Controller and contact point"));
	field(w, _("Establishment"), or_todo(d->est[EXF_NAME]), false);
	field(w, _("Data protection officer"), or_todo(d->est[EXF_DPO_EMAIL]),
	      false);
	field(w, _("Declarant"), or_todo(d->est[EXF_DECLARANT]), false);

	heading(w, 2, _("1. Nature of the breach"));
	field(w, _("Type"), vg_export_type_label(inc->type), false);
	field_time(w, _("Date of discovery"), inc->detected_at);
	field(w, _("Breach of"), "", false);
	if (inc->confidentiality)
		item(w, _("confidentiality (data disclosed or accessed)"));
	if (inc->integrity)
		item(w, _("integrity (data altered)"));
	if (inc->availability)
		item(w, _("availability (data lost or inaccessible)"));
	if (!inc->confidentiality && !inc->integrity && !inc->availability)
		item(w, _("to be completed"));
	field(w, _("Perimeter"), or_todo(inc->perimeter), true);

	heading(w, 2, _("2. Persons and records concerned"));
	fmt_line(w, true, "%s : %s", _("health data"),
		 yes_no(inc->health_data));
	fmt_line(w, true, "%s : %s", _("personal data"),
		 yes_no(inc->personal_data));
	if (inc->persons >= 0)
		fmt_line(w, true, "%s : %" PRId64,
			 _("approximate number of persons"), inc->persons);
	else
		fmt_line(w, true, "%s : %s", _("approximate number of persons"),
			 _("to be completed"));
	fmt_line(w, true, "%s : %s", _("approximate number of records"),
		 _("to be completed"));

	heading(w, 2, _("3. Likely consequences"));
	if (inc->confidentiality)
		item(w, _("disclosure of the data to unauthorised persons"));
	if (inc->integrity)
		item(w, _("wrong or altered data used for care"));
	if (inc->availability)
		item(w, _("data unavailable: care delayed or disrupted"));
	(void)snprintf(b, sizeof(b), "%s : %s", _("On people (safety of care)"),
		       vg_export_care_label(inc->care));
	item(w, b);

	heading(w, 2, _("4. Measures taken or proposed"));
	field(w, _("State of handling"), vg_export_status_label(inc->status),
	      false);
	assets_items(w, d);
	item(w, _("measures proposed: to be completed"));

	heading(w, 2, _("Deadlines"));
	deadline_cnil(w, d);
	block_missing(w, d, true);
}

/* The timeline as a Markdown table, with its check. */
static void
md_timeline(struct w *w, const struct export_doc *d)
{
	const json_t *t;
	char b[256];
	size_t i;

	heading(w, 2, _("Timeline"));
	if (!d->tl_checked)
		para(w, _("No timeline entry."));
	else if (d->tl_bad >= d->tl_n && d->tl_field != NULL) {
		(void)snprintf(b, sizeof(b),
			       _("Timeline intact, but the incident's %s does "
				 "not match it: changed without an entry."),
			       d->tl_field);
		para(w, b);
	} else if (d->tl_bad >= d->tl_n) {
		(void)snprintf(b, sizeof(b),
			       _("Timeline verified: %zu entries, the chain of "
				 "hashes is intact."),
			       d->tl_n);
		para(w, b);
	} else {
		(void)snprintf(b, sizeof(b),
			       _("Timeline BROKEN at entry %zu: it was changed "
				 "or removed after it was written."),
			       d->tl_bad + 1);
		para(w, b);
	}
	if (json_array_size(d->timeline) == 0)
		return;
	/* The header's labels are ours: no escaping needed. */
	raw(w, "| # | ");
	raw(w, _("Date"));
	raw(w, " | ");
	raw(w, _("Actor"));
	raw(w, " | ");
	raw(w, _("Entry"));
	raw(w, " | ");
	raw(w, _("Detail"));
	raw(w, " | ");
	raw(w, _("Hash"));
	raw(w, " |\n|---|---|---|---|---|---|\n");
	json_array_foreach(d->timeline, i, t)
	{
		const char *actor =
			json_string_value(json_object_get(t, "actor"));
		const char *kind =
			json_string_value(json_object_get(t, "kind"));
		const char *det =
			json_string_value(json_object_get(t, "detail_text"));
		const char *hash =
			json_string_value(json_object_get(t, "hash"));
		const json_t *at = json_object_get(t, "at");
		char tm[EXPORT_TIME_MAX], cut[DETAIL_SHOWN + 4];

		vg_export_time(json_integer_value(at), false, tm);
		(void)snprintf(
			b, sizeof(b), "| %" PRId64 " | %s | ",
			(int64_t)json_integer_value(json_object_get(t, "seq")),
			tm);
		raw(w, b);
		val(w, actor != NULL ? actor : "", false);
		raw(w, " | ");
		val(w, kind != NULL ? kind : "", false);
		raw(w, " | ");
		/* Long details are cut on a character boundary. */
		if (det != NULL) {
			size_t n = strlen(det);

			if (n > DETAIL_SHOWN) {
				n = DETAIL_SHOWN;
				while (n > 0 &&
				       ((unsigned char)det[n] & 0xc0) == 0x80)
					n--;
				(void)snprintf(cut, sizeof(cut), "%.*s…",
					       (int)n, det);
				det = cut;
			}
			val(w, det, false);
		}
		raw(w, " | `");
		(void)snprintf(b, sizeof(b), "%.*s", HASH_SHOWN,
			       hash != NULL ? hash : "");
		val(w, b, false);
		raw(w, "` |\n");
	}
}

enum vg_rc
vg_export_signalement(const struct export_doc *d, struct vg_buf *out)
{
	struct w w = {out, false, VG_OK};

	signalement(&w, d);
	return w.rc;
}

enum vg_rc
vg_export_cnil(const struct export_doc *d, struct vg_buf *out)
{
	struct w w = {out, false, VG_OK};

	cnil(&w, d);
	return w.rc;
}

enum vg_rc
vg_export_md(const struct export_doc *d, struct vg_buf *out)
{
	struct w w = {out, true, VG_OK};

	signalement(&w, d);
	cnil(&w, d);
	md_timeline(&w, d);
	return w.rc;
}
