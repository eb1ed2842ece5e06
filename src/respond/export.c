/*
 * `vigie incident export` (respond/export.h): reads the incident back
 * from its JSON, computes the deadlines, and renders one of the drafts.
 * The portal and the CNIL expect French whatever the operator's locale,
 * so the drafts are rendered with the thread's locale switched to
 * fr_FR.UTF-8 (uselocale(3): only this thread, only for this call).
 * Dates are given in Europe/Paris local time with their offset, read from
 * the tz database (TZif) rather than the process's TZ, which a server
 * must not change under its other threads.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeline.h"
#include "respond/export.h"
#include "respond/incident_json.h"
#include "respond/export_int.h"
#include "respond/incident.h"
#include "util/text.h"
#include "util/banned.h"

#define TZ_ZONE "Europe/Paris"
#define TZ_FILE_MAX (256u << 10) /* a TZif file is a few KiB */
#define TZ_MAX_TRANSITIONS 4096  /* transitions kept from it */
#define TZ_MAX_TYPES 64          /* local time types kept */

const char *const vg_export_field_keys[EXF_COUNT] = {
	"name",
	"finess_ej",
	"finess_et",
	"category",
	"region",
	"declarant",
	"declarant_function",
	"declarant_email",
	"declarant_phone",
	"dpo_email",
};

static const char *const format_names[] = {"signalement", "cnil", "json", "md"};

bool
vg_export_format_parse(const char *s, enum vg_export_format *out)
{
	size_t i;

	for (i = 0; s != NULL && i < VG_ARRAY_LEN(format_names); i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum vg_export_format)i;
			return true;
		}
	return false;
}

/*
 * The zone, loaded once: transitions and their offsets from the TZif
 * file's 64-bit part, and the footer's POSIX rule for the years past
 * the last transition ("CET-1CEST,M3.5.0,M10.5.0/3").
 */
struct tz_rule_day {
	int month, week, wday; /* Mm.w.d */
	int32_t secs;          /* local time of the change */
};

static struct {
	bool loaded;
	size_t n;
	int64_t at[TZ_MAX_TRANSITIONS];
	int32_t off[TZ_MAX_TRANSITIONS]; /* offset from at[i] on */
	int32_t first_off;               /* before the first transition */
	bool rule;                       /* footer understood */
	int32_t std_off, dst_off;
	struct tz_rule_day start, end;
} tz;
static pthread_once_t tz_once = PTHREAD_ONCE_INIT;

static int64_t
be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* A POSIX TZ offset "[+-]hh[:mm[:ss]]" at *s, west positive. */
static bool
posix_secs(const char **s, int32_t *out)
{
	int sign = 1, part = 0;
	int32_t v = 0, unit = 3600;

	if (**s == '-' || **s == '+') {
		sign = **s == '-' ? -1 : 1;
		(*s)++;
	}
	if (**s < '0' || **s > '9')
		return false;
	while (part < 3) {
		int32_t n = 0;

		if (**s < '0' || **s > '9')
			return false;
		while (**s >= '0' && **s <= '9' && n < 1000)
			n = n * 10 + (*(*s)++ - '0');
		v += n * unit;
		unit /= 60;
		part++;
		if (**s != ':')
			break;
		(*s)++;
	}
	*out = sign * v;
	return true;
}

static bool
posix_name(const char **s)
{
	const char *b = *s;

	if (**s == '<') {
		while (**s != '\0' && **s != '>')
			(*s)++;
		if (**s != '>')
			return false;
		(*s)++;
		return true;
	}
	while ((**s >= 'A' && **s <= 'Z') || (**s >= 'a' && **s <= 'z'))
		(*s)++;
	return *s - b >= 3;
}

static bool
posix_day(const char **s, struct tz_rule_day *d)
{
	int v[3] = {0, 0, 0};
	int i;

	if (*(*s)++ != 'M')
		return false; /* the Jn and n forms are not used in Europe */
	for (i = 0; i < 3; i++) {
		if (**s < '0' || **s > '9')
			return false;
		while (**s >= '0' && **s <= '9' && v[i] < 100)
			v[i] = v[i] * 10 + (*(*s)++ - '0');
		if (i < 2 && *(*s)++ != '.')
			return false;
	}
	if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6)
		return false;
	d->month = v[0];
	d->week = v[1];
	d->wday = v[2];
	d->secs = 7200;
	if (**s == '/') {
		(*s)++;
		if (!posix_secs(s, &d->secs))
			return false;
	}
	return true;
}

/* "STDoffDST[off],start,end": Europe's shape only; false otherwise. */
static bool
posix_rule(const char *s)
{
	int32_t std, dst;

	if (!posix_name(&s) || !posix_secs(&s, &std) || !posix_name(&s))
		return false;
	dst = std - 3600;
	if (*s != ',' && !posix_secs(&s, &dst))
		return false;
	if (*s++ != ',' || !posix_day(&s, &tz.start) || *s++ != ',' ||
	    !posix_day(&s, &tz.end) || (*s != '\0' && *s != '\n'))
		return false;
	/* POSIX counts west of Greenwich positive. */
	tz.std_off = -std;
	tz.dst_off = -dst;
	return true;
}

/* Parse the TZif bytes into tz; false when they are not usable. */
static bool
tz_parse(const unsigned char *p, size_t len)
{
	size_t cnt[6], v1, off, i, need, ntt;
	const unsigned char *tt, *idx, *types;
	int32_t toff[TZ_MAX_TYPES];

	if (len < 44 || memcmp(p, "TZif", 4) != 0 || p[4] < '2')
		return false;
	for (i = 0; i < 6; i++)
		cnt[i] = (size_t)be(p + 20 + 4 * i, 4);
	/* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
	v1 = cnt[3] * 5 + cnt[4] * 6 + cnt[5] + cnt[2] * 8 + cnt[1] + cnt[0];
	off = 44 + v1;
	if (off + 44 > len || memcmp(p + off, "TZif", 4) != 0)
		return false;
	for (i = 0; i < 6; i++)
		cnt[i] = (size_t)be(p + off + 20 + 4 * i, 4);
	off += 44;
	ntt = cnt[3];
	if (ntt > TZ_MAX_TRANSITIONS || cnt[4] == 0 || cnt[4] > TZ_MAX_TYPES)
		return false;
	need = ntt * 9 + cnt[4] * 6 + cnt[5] + cnt[2] * 12 + cnt[1] + cnt[0];
	if (need > len - off)
		return false;
	tt = p + off;
	idx = tt + ntt * 8;
	types = idx + ntt;
	for (i = 0; i < cnt[4]; i++)
		toff[i] = (int32_t)be(types + 6 * i, 4);
	tz.first_off = toff[0];
	for (i = 0; i < ntt; i++) {
		if (idx[i] >= cnt[4])
			return false;
		tz.at[i] = be(tt + 8 * i, 8);
		tz.off[i] = toff[idx[i]];
	}
	tz.n = ntt;
	off += need;
	/* The footer: "\nRULE\n". */
	if (off < len && p[off] == '\n') {
		char rule[128];
		size_t n = 0;

		off++;
		while (off + n < len && p[off + n] != '\n' &&
		       n < sizeof(rule) - 1) {
			rule[n] = (char)p[off + n];
			n++;
		}
		rule[n] = '\0';
		tz.rule = posix_rule(rule);
	}
	return true;
}

static void
tz_load(void)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	unsigned char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, TZ_ZONE) >=
	    sizeof(path))
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if ((buf = malloc(TZ_FILE_MAX)) == NULL)
		goto done;
	while (len < TZ_FILE_MAX &&
	       (r = read(fd, buf + len, TZ_FILE_MAX - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto done;
		}
		len += (size_t)r;
	}
	tz.loaded = tz_parse(buf, len);
done:
	free(buf);
	(void)close(fd);
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The local time (seconds since the epoch, local) of a rule's day. */
static int64_t
rule_local(int64_t year, const struct tz_rule_day *r)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int64_t first = days_from_civil(year, r->month, 1);
	int wd1 = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01: Thu */
	int len = mdays[r->month - 1], day;

	if (r->month == 2 &&
	    ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		len = 29;
	day = 1 + (r->wday - wd1 + 7) % 7 + (r->week - 1) * 7;
	while (day > len)
		day -= 7;
	return (first + day - 1) * 86400 + r->secs;
}

int32_t
vg_export_paris_offset(int64_t t)
{
	size_t lo, hi;

	(void)pthread_once(&tz_once, tz_load);
	if (!tz.loaded)
		return 0;
	if (tz.n == 0 || t < tz.at[0])
		return tz.n == 0 && tz.rule ? tz.std_off : tz.first_off;
	if (t >= tz.at[tz.n - 1] && tz.rule) {
		/* Past the table: the footer's rule for t's year. */
		int64_t days = (t + tz.std_off) / 86400, y, s, e;

		y = 1970 + days / 366;
		while (days_from_civil(y + 1, 1, 1) <= days)
			y++;
		s = rule_local(y, &tz.start) - tz.std_off;
		e = rule_local(y, &tz.end) - tz.dst_off;
		return t >= s && t < e ? tz.dst_off : tz.std_off;
	}
	/* The last transition at or before t. */
	lo = 0;
	hi = tz.n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz.at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz.off[lo];
}

void
vg_export_time(int64_t t, bool iso, char out[EXPORT_TIME_MAX])
{
	int32_t off = vg_export_paris_offset(t);
	int32_t a = off < 0 ? -off : off;
	struct tm tm;
	time_t lt = (time_t)(t + off);

	if (gmtime_r(&lt, &tm) == NULL) {
		(void)snprintf(out, EXPORT_TIME_MAX, "?");
		return;
	}
	if (iso)
		(void)snprintf(out, EXPORT_TIME_MAX,
			       "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
			       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			       tm.tm_hour, tm.tm_min, tm.tm_sec,
			       off < 0 ? '-' : '+', (int)(a / 3600),
			       (int)(a % 3600 / 60));
	else
		(void)snprintf(out, EXPORT_TIME_MAX,
			       "%04d-%02d-%02d %02d:%02d (UTC%c%02d:%02d)",
			       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			       tm.tm_hour, tm.tm_min, off < 0 ? '-' : '+',
			       (int)(a / 3600), (int)(a % 3600 / 60));
}

/* Labels: English msgids, French through the catalogue. */
const char *
vg_export_type_label(enum vg_incident_type t)
{
	static const char *const l[] = {
		N_("ransomware"), N_("intrusion"),      N_("data leak"),
		N_("phishing"),   N_("unavailability"), N_("loss or theft"),
		N_("other"),
	};

	return (size_t)t < VG_ARRAY_LEN(l) ? _(l[t]) : "?";
}

const char *
vg_export_care_label(enum vg_care_impact c)
{
	static const char *const l[] = {
		N_("none"),
		N_("potential (patients potentially endangered)"),
		N_("proven (patients endangered)"),
	};

	return (size_t)c < VG_ARRAY_LEN(l) ? _(l[c]) : "?";
}

const char *
vg_export_status_label(enum vg_incident_status s)
{
	static const char *const l[] = {N_("open (being handled)"),
					N_("contained"), N_("recovered"),
					N_("closed")};

	return (size_t)s < VG_ARRAY_LEN(l) ? _(l[s]) : "?";
}

const char *
vg_export_task_label(const char *state)
{
	if (state == NULL)
		return "?";
	if (strcmp(state, "pending") == 0)
		return _("isolation requested, not yet received by the agent");
	if (strcmp(state, "delivered") == 0)
		return _("received by the agent, not yet confirmed");
	if (strcmp(state, "confirmed") == 0)
		return _("confirmed");
	if (strcmp(state, "failed") == 0)
		return _("failed");
	return state;
}

const json_t *
vg_export_host_task(const struct export_doc *d, const char *host)
{
	const json_t *t;
	size_t i;

	/* Newest first: the first one of the host is its state. */
	json_array_foreach(d->tasks, i, t)
	{
		const char *h = json_string_value(json_object_get(t, "host"));

		if (h != NULL && host != NULL && strcmp(h, host) == 0)
			return t;
	}
	return NULL;
}

/* Readers of incident_get's members. */
static int64_t
jint(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL && *s != '\0' ? (char *)s : NULL;
}

static bool
jbool(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* An enum member by its stable name; false when missing or unknown. */
static enum vg_rc
read_doc(const json_t *j, const struct vg_policy *p, int64_t now,
	 struct export_doc *d, struct vg_err *err)
{
	struct vg_incident *inc = &d->inc;
	const struct vg_establishment_decl *e = &p->establishment;
	const json_t *t;
	const char *s;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(j))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("the incident is not a JSON object"));
	inc->id = jint(j, "id");
	inc->title = jstr(j, "title");
	if (inc->title == NULL)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("the incident has no title"));
	s = json_string_value(json_object_get(j, "type"));
	if (s == NULL || !vg_incident_type_parse(s, &inc->type))
		inc->type = VG_INC_OTHER;
	s = json_string_value(json_object_get(j, "care"));
	if (s == NULL || !vg_care_impact_parse(s, &inc->care))
		inc->care = VG_CARE_NONE;
	s = json_string_value(json_object_get(j, "status"));
	if (s == NULL || !vg_incident_status_parse(s, &inc->status))
		inc->status = VG_INC_OPEN;
	inc->detected_at = jint(j, "detected_at");
	inc->degraded_since = jint(j, "degraded_since");
	inc->health_data = jbool(j, "health_data");
	inc->personal_data = jbool(j, "personal_data");
	t = json_object_get(j, "persons");
	inc->persons = json_is_integer(t) ? json_integer_value(t) : -1;
	inc->confidentiality = jbool(j, "confidentiality");
	inc->integrity = jbool(j, "integrity");
	inc->availability = jbool(j, "availability");
	inc->perimeter = jstr(j, "perimeter");
	inc->causes = jstr(j, "causes");
	inc->opened_at = jint(j, "opened_at");
	inc->closed_at = jint(j, "closed_at");
	inc->reported_ans_at = jint(j, "reported_ans_at");
	inc->reported_cnil_at = jint(j, "reported_cnil_at");
	inc->ans_ref = jstr(j, "ans_ref");
	inc->cnil_ref = jstr(j, "cnil_ref");
	d->assets = json_object_get(j, "assets");
	d->timeline = json_object_get(j, "timeline");
	d->tasks = json_object_get(j, "tasks");
	if (!json_is_array(d->assets))
		d->assets = NULL;
	if (!json_is_array(d->timeline))
		d->timeline = NULL;
	if (!json_is_array(d->tasks))
		d->tasks = NULL;
	d->p = p;
	d->now = now;
	{
		const char *v[EXF_COUNT] = {
			e->name,
			e->finess_ej,
			e->finess_et,
			e->category,
			e->region,
			e->declarant,
			e->declarant_function,
			e->declarant_email,
			e->declarant_phone,
			e->dpo_email,
		};

		for (i = 0; i < EXF_COUNT; i++)
			d->est[i] = v[i] != NULL && *v[i] != '\0' ? v[i] : NULL;
	}
	d->serious = vg_incident_is_serious(inc);
	d->personal = inc->personal_data || inc->health_data;
	d->ans_due = vg_incident_ans_deadline(inc, p->incident_report_hours);
	d->cnil_due = vg_incident_cnil_deadline(inc);
	d->ans_overdue =
		vg_incident_report_overdue(inc, p->incident_report_hours, now);
	d->cnil_overdue = d->cnil_due > 0 && inc->reported_cnil_at == 0 &&
		now > d->cnil_due;
	/* When the incident was contained: its first status entry that
	 * names "contained" as the new value. */
	json_array_foreach(d->timeline, i, t)
	{
		const json_t *st =
			json_object_get(json_object_get(t, "detail"), "status");
		const char *nv = json_string_value(json_array_get(st, 1));

		if (d->contained_at == 0 && nv != NULL &&
		    strcmp(nv, "contained") == 0)
			d->contained_at = jint(t, "at");
	}
	return VG_OK;
}

/* The chain and the record checked for the Markdown draft (tl_bad ==
 * tl_n and no tl_field when intact). */
static enum vg_rc
check_timeline(struct export_doc *d, const json_t *incident, struct vg_err *err)
{
	enum vg_rc rc;

	if (json_array_size(d->timeline) == 0)
		return VG_OK;
	rc = vg_incident_verify(incident, &d->tl_n, &d->tl_bad, &d->tl_field,
				err);
	/* Not an incident's shape: nothing vouched for, not our error. */
	if (rc == VG_ERR_PARSE) {
		d->tl_bad = 0;
		rc = VG_OK;
	}
	d->tl_checked = rc == VG_OK;
	return rc;
}

/* Time members of the JSON draft: {"utc", "unix", "local"}, or null. */
static json_t *
jtime(int64_t t)
{
	char utc[21], local[EXPORT_TIME_MAX];

	if (t == 0)
		return json_null();
	vg_format_time(t, utc);
	vg_export_time(t, true, local);
	return json_pack("{s:s, s:I, s:s}", "utc", utc, "unix", (json_int_t)t,
			 "local", local);
}

static json_t *
jstr_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static enum vg_rc
render_json(const struct export_doc *d, struct vg_buf *out, struct vg_err *err)
{
	const struct vg_incident *inc = &d->inc;
	json_t *doc = NULL, *est, *decl, *assets, *missing, *j;
	const json_t *a;
	char *text = NULL;
	enum vg_rc rc;
	size_t i;

	est = json_object();
	decl = json_object();
	assets = json_array();
	missing = json_array();
	doc = json_object();
	if (est == NULL || decl == NULL || assets == NULL || missing == NULL ||
	    doc == NULL) {
		json_decref(est);
		json_decref(decl);
		json_decref(assets);
		json_decref(missing);
		rc = vg_err_set(err, VG_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < EXF_COUNT; i++) {
		json_t *v = jstr_or_null(d->est[i]);

		if (i >= EXF_DECLARANT && i <= EXF_DECLARANT_PHONE)
			json_object_set_new(decl,
					    i == EXF_DECLARANT
						    ? "name"
						    : vg_export_field_keys[i] +
							    10,
					    v);
		else
			json_object_set_new(est, vg_export_field_keys[i], v);
		if (d->est[i] == NULL && (i != EXF_DPO_EMAIL || d->personal))
			json_array_append_new(
				missing,
				json_pack("s+", "establishment.",
					  vg_export_field_keys[i]));
	}
	json_object_set_new(est, "declarant", decl);
	json_array_foreach(d->assets, i, a)
	{
		const char *name =
			json_string_value(json_object_get(a, "name"));
		const json_t *t = vg_export_host_task(d, name);

		json_array_append_new(
			assets,
			json_pack(
				"{s:o, s:b, s:o, s:o}", "name",
				jstr_or_null(name), "agent",
				json_is_string(json_object_get(a, "agent_id")),
				"isolation",
				t == NULL
					? json_null()
					: json_pack(
						  "{s:O?, s:O?, s:O?}", "kind",
						  json_object_get(t, "kind"),
						  "state",
						  json_object_get(t, "state"),
						  "detail",
						  json_object_get(t, "detail")),
				"isolation_at",
				t == NULL ? json_null()
					  : jtime(jint(t, "created_at"))));
	}
	if (inc->perimeter == NULL)
		json_array_append_new(missing,
				      json_string("incident.perimeter"));
	if (inc->causes == NULL)
		json_array_append_new(missing, json_string("incident.causes"));
	j = json_pack(
		"{s:s, s:o, s:o,"
		" s:{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o},"
		" s:{s:s, s:o, s:o, s:o, s:o},"
		" s:{s:{s:b, s:b, s:o}, s:s, s:{s:b, s:b, s:b}, s:{s:b, s:o}},"
		" s:o,"
		" s:{s:{s:b, s:I, s:o, s:b, s:o, s:o},"
		"    s:{s:b, s:o, s:b, s:o, s:o}},"
		" s:o}",
		"schema", "vigie.incident-report/1", "generated_at",
		jtime(d->now), "establishment", est,
		/* 2. description */
		"incident", "id", (json_int_t)inc->id, "title", inc->title,
		"type", vg_incident_type_name(inc->type), "origin",
		inc->type == VG_INC_RANSOMWARE ||
				inc->type == VG_INC_INTRUSION ||
				inc->type == VG_INC_PHISHING
			? "malicious"
			: "unknown",
		"detected_at", jtime(inc->detected_at), "opened_at",
		jtime(inc->opened_at), "closed_at", jtime(inc->closed_at),
		"perimeter", jstr_or_null(inc->perimeter), "assets", assets,
		/* state of handling */
		"handling", "status", vg_incident_status_name(inc->status),
		"contained_at", jtime(d->contained_at), "isolated_assets",
		json_integer(0), "serious", json_boolean(d->serious),
		"closed_at", jtime(inc->closed_at),
		/* 3. impacts */
		"impacts", "data", "health_data", inc->health_data,
		"personal_data", inc->personal_data, "persons",
		inc->persons >= 0 ? json_integer(inc->persons) : json_null(),
		"care", vg_care_impact_name(inc->care), "information_systems",
		"confidentiality", inc->confidentiality, "integrity",
		inc->integrity, "availability", inc->availability,
		"organisation", "degraded", inc->degraded_since != 0,
		"degraded_since", jtime(inc->degraded_since),
		/* 4. causes */
		"causes", jstr_or_null(inc->causes),
		/* deadlines */
		"deadlines", "ans", "required", d->serious, "report_hours",
		(json_int_t)d->p->incident_report_hours, "due",
		jtime(d->ans_due), "overdue", d->ans_overdue, "reported_at",
		jtime(inc->reported_ans_at), "ref", jstr_or_null(inc->ans_ref),
		"cnil", "required", d->personal, "due", jtime(d->cnil_due),
		"overdue", d->cnil_overdue, "reported_at",
		jtime(inc->reported_cnil_at), "ref",
		jstr_or_null(inc->cnil_ref), "missing", missing);
	if (j == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM,
				"cannot build the JSON draft");
		goto done;
	}
	json_decref(doc);
	doc = j;
	{
		/* Assets isolated and confirmed: the containment measure. */
		size_t n = 0;

		json_array_foreach(assets, i, a)
		{
			const json_t *iso = json_object_get(a, "isolation");
			const char *k =
				json_string_value(json_object_get(iso, "kind"));
			const char *s = json_string_value(
				json_object_get(iso, "state"));

			if (k != NULL && s != NULL &&
			    strcmp(k, "isolate") == 0 &&
			    strcmp(s, "confirmed") == 0)
				n++;
		}
		json_object_set_new(json_object_get(doc, "handling"),
				    "isolated_assets",
				    json_integer((json_int_t)n));
	}
	text = json_dumps(doc,
			  JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (text == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, "cannot encode the draft");
		goto done;
	}
	rc = vg_buf_adds(out, text);
	if (rc == VG_OK)
		rc = vg_buf_addc(out, '\n');
	if (rc != VG_OK)
		(void)vg_err_set(err, rc, _("the draft is too large"));
done:
	free(text);
	json_decref(doc);
	return rc;
}

/* French, made once, shared by every thread (newlocale(3)). */
static locale_t fr_locale;
static pthread_once_t fr_once = PTHREAD_ONCE_INIT;

static void
fr_make(void)
{
	static const char *const names[] = {"fr_FR.UTF-8", "fr_FR.utf8",
					    "fr_FR"};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(names) && fr_locale == (locale_t)0; i++)
		fr_locale = newlocale(LC_ALL_MASK, names[i], (locale_t)0);
}

enum vg_rc
vg_incident_export(const json_t *incident, const struct vg_policy *p,
		   enum vg_export_format f, int64_t now, struct vg_buf *out,
		   struct vg_err *err)
{
	struct export_doc d;
	locale_t old = (locale_t)0;
	size_t len0 = out->len;
	enum vg_rc rc;

	if (p == NULL || (unsigned)f > VG_EXPORT_MD)
		return vg_err_set(err, VG_ERR_USAGE, "bad export arguments");
	if ((rc = read_doc(incident, p, now, &d, err)) != VG_OK)
		return rc;
	if (f == VG_EXPORT_MD &&
	    (rc = check_timeline(&d, incident, err)) != VG_OK)
		return rc;
	/* French for this thread only, whatever the user's locale. */
	(void)pthread_once(&fr_once, fr_make);
	if (fr_locale != (locale_t)0)
		old = uselocale(fr_locale);
	switch (f) {
	case VG_EXPORT_SIGNALEMENT:
		rc = vg_export_signalement(&d, out);
		break;
	case VG_EXPORT_CNIL:
		rc = vg_export_cnil(&d, out);
		break;
	case VG_EXPORT_JSON:
		rc = render_json(&d, out, err);
		break;
	case VG_EXPORT_MD:
	default:
		rc = vg_export_md(&d, out);
		break;
	}
	if (old != (locale_t)0)
		(void)uselocale(old);
	if (rc != VG_OK) {
		/* Nothing half-written is left for the caller. */
		out->len = len0;
		if (out->data != NULL)
			out->data[len0] = '\0';
		if (err != NULL && err->rc == VG_OK)
			(void)vg_err_set(err, rc,
					 rc == VG_ERR_LIMIT
						 ? _("the draft is too large")
						 : "out of memory");
	}
	return rc;
}
