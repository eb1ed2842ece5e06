/*
 * OSV records (ossf/osv-schema) for Debian and Ubuntu: one JSON record in,
 * normalised struct vg_vuln_rec out. See vulnerability-data.md §3.
 *
 * What is kept:
 *   - affected entries of ecosystem "Debian:N", "Ubuntu:YY.MM[:LTS]" or
 *     "Ubuntu:Pro:YY.MM:LTS" whose release vg_release_codename knows;
 *     other ecosystems (and Debian/Ubuntu releases outside the table,
 *     e.g. "Debian:7", "Ubuntu:Pro:FIPS:20.04:LTS") are skipped silently;
 *   - their ECOSYSTEM ranges; GIT and SEMVER ranges are skipped (a commit
 *     graph or SemVer means nothing to dpkg);
 *   - per range, the events sorted in dpkg order ("introduced: 0" first)
 *     and walked as the OSV evaluation does: each stretch where a version
 *     is affected gives one record: [introduced, fixed) is FIXED with
 *     fixed_version, [introduced, last_affected] and [introduced, oo) are
 *     OPEN. So "introduced 1.0-1, fixed 1.0-5, introduced 2.0-1, fixed
 *     2.0-3" gives two records, and a later introduced inside an open
 *     stretch extends it rather than resetting it. "limit" events are
 *     ignored (only GIT ranges use them in practice).
 *   - the id: the record's id when it is a CVE, else each distinct CVE of
 *     aliases and upstream (one record per CVE), else the record's own id
 *     (a DSA with no CVE).
 * What is not: the "versions" lists (the Debian and Ubuntu converters
 * derive them from the ranges, so they add nothing for a dpkg ordering),
 * CVSS vectors without a numeric score (no CVSS arithmetic here: cvss
 * stays -1), withdrawn records (skipped whole).
 *
 * Note that "Ubuntu:16.04:LTS" and "Ubuntu:Pro:16.04:LTS" both map to
 * "xenial": the same (CVE, package, release) may come twice, once with
 * the ESM fix; the importer keeps what it needs.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dpkg_version.h"
#include "util/text.h"
#include "vuln/feed.h"

#include "util/banned.h"

/* One OSV record: Ubuntu's kernel CVEs are the largest, a few MB. */
#define OSV_MAX_RECORD (64u << 20)
/* CVE ids taken from one record's aliases and upstream. */
#define OSV_MAX_IDS 256
/* Events in one range (real ones have two to a handful). */
#define OSV_MAX_EVENTS 4096

static const char *const debian_releases[][2] = {
	{"8", "jessie"},    {"9", "stretch"},   {"10", "buster"},
	{"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"},
	{"14", "forky"},    {"sid", "sid"},
};

static const char *const ubuntu_releases[][2] = {
	{"14.04", "trusty"},   {"14.10", "utopic"}, {"15.04", "vivid"},
	{"15.10", "wily"},     {"16.04", "xenial"}, {"16.10", "yakkety"},
	{"17.04", "zesty"},    {"17.10", "artful"}, {"18.04", "bionic"},
	{"18.10", "cosmic"},   {"19.04", "disco"},  {"19.10", "eoan"},
	{"20.04", "focal"},    {"20.10", "groovy"}, {"21.04", "hirsute"},
	{"21.10", "impish"},   {"22.04", "jammy"},  {"22.10", "kinetic"},
	{"23.04", "lunar"},    {"23.10", "mantic"}, {"24.04", "noble"},
	{"24.10", "oracular"}, {"25.04", "plucky"}, {"25.10", "questing"},
	{"26.04", "resolute"},
};

const char *
vg_release_codename(const char *eco)
{
	const char *rel, *end;
	size_t i, n;
	bool pro = false;

	if (eco == NULL)
		return NULL;
	if (strncmp(eco, "Debian:", 7) == 0) {
		for (i = 0; i < VG_ARRAY_LEN(debian_releases); i++)
			if (strcmp(eco + 7, debian_releases[i][0]) == 0)
				return debian_releases[i][1];
		return NULL;
	}
	if (strncmp(eco, "Ubuntu:", 7) != 0)
		return NULL;
	rel = eco + 7;
	if (strncmp(rel, "Pro:", 4) == 0) {
		pro = true;
		rel += 4;
	}
	/* "YY.MM", then nothing or ":LTS" (required for Pro, ESM being LTS
	 * only): "Ubuntu:Pro:FIPS:20.04:LTS" and the like are other
	 * streams, with their own versions, left out. */
	end = strchr(rel, ':');
	n = end != NULL ? (size_t)(end - rel) : strlen(rel);
	if (end != NULL ? strcmp(end, ":LTS") != 0 : pro)
		return NULL;
	for (i = 0; i < VG_ARRAY_LEN(ubuntu_releases); i++)
		if (vg_streqn(ubuntu_releases[i][0], rel, n))
			return ubuntu_releases[i][1];
	return NULL;
}

/* A CVSS base score written as a number ("7.5"), within 0..10. */
static const struct vg_feed_decimal cvss_fmt = {
	.max = 10, .max_int = 3, .max_digits = 8};

/* The tracker's urgencies and Ubuntu's priorities ("low**": the tracker
 * marks NVD-derived urgencies with asterisks). */
static enum vg_urgency
map_urgency(const char *s)
{
	static const struct {
		const char *name;
		enum vg_urgency urg;
	} map[] = {
		{"negligible", VG_URG_UNIMPORTANT},
		{"unimportant", VG_URG_UNIMPORTANT},
		{"low", VG_URG_LOW},
		{"medium", VG_URG_MEDIUM},
		{"high", VG_URG_HIGH},
		{"critical", VG_URG_HIGH},
	};
	size_t i, n = strlen(s);

	while (n > 0 && s[n - 1] == '*')
		n--;
	for (i = 0; i < VG_ARRAY_LEN(map); i++)
		if (strlen(map[i].name) == n &&
		    vg_strcaseeqn(map[i].name, s, n))
			return map[i].urg;
	return VG_URG_UNKNOWN;
}

/* The urgency in an ecosystem_specific or database_specific object. */
static enum vg_urgency
urgency_of(const json_t *obj)
{
	static const char *const keys[] = {"urgency", "ubuntu_priority",
					   "priority"};
	const json_t *v;
	enum vg_urgency u;
	size_t i;

	if (!json_is_object(obj))
		return VG_URG_UNKNOWN;
	for (i = 0; i < VG_ARRAY_LEN(keys); i++) {
		v = json_object_get(obj, keys[i]);
		if (json_is_string(v) &&
		    (u = map_urgency(json_string_value(v))) != VG_URG_UNKNOWN)
			return u;
	}
	return VG_URG_UNKNOWN;
}

/*
 * What a "severity" array says: the first numeric CVSS score, whether a
 * CVSS vector says the network is the attack vector, and Ubuntu's
 * priority (type "Ubuntu", score "medium").
 */
static void
severity_of(const json_t *arr, double *cvss, bool *remote, enum vg_urgency *urg)
{
	const json_t *sev;
	const char *type, *score;
	size_t i;
	double d;

	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, sev)
	{
		type = json_string_value(json_object_get(sev, "type"));
		score = json_string_value(json_object_get(sev, "score"));
		if (type == NULL || score == NULL)
			continue;
		if (strcmp(type, "Ubuntu") == 0) {
			if (*urg == VG_URG_UNKNOWN)
				*urg = map_urgency(score);
			continue;
		}
		if (strncmp(type, "CVSS_", 5) != 0)
			continue;
		if (*cvss < 0 && vg_feed_parse_decimal(score, &cvss_fmt, &d))
			*cvss = d;
		/* "CVSS:3.1/AV:N/..." or v2's "AV:N/...": reading one
		 * metric is not CVSS arithmetic. */
		if (strstr(score, "/AV:N") != NULL ||
		    strncmp(score, "AV:N/", 5) == 0)
			*remote = true;
	}
}

enum ev_kind {
	EV_INTRODUCED,
	EV_FIXED,
	EV_LAST_AFFECTED,
	EV_LIMIT
};

struct event {
	enum ev_kind kind;
	const char *ver; /* NULL: introduced "0", before every version */
	size_t idx;      /* position in the file, to keep the sort stable */
};

static int
event_cmp(const void *pa, const void *pb)
{
	const struct event *a = pa, *b = pb;
	int c;

	if (a->ver == NULL || b->ver == NULL)
		c = (a->ver != NULL) - (b->ver != NULL);
	else
		c = vg_dpkg_version_cmp(a->ver, b->ver);
	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The state of one record's parse. */
struct osv {
	const char *name; /* file, for warnings */
	const char *rid;  /* the record's id */
	struct vg_feed_sink *sink;
	const char *ids[OSV_MAX_IDS];
	size_t n_ids;
	char desc[VG_FEED_MAX_TEXT];
	bool has_desc;
	double cvss;
	bool remote;
	enum vg_urgency urg;
	struct event *ev; /* scratch for one range */
};

static void
add_id(struct osv *o, const char *id)
{
	size_t i;

	if (!vg_feed_is_cve(id))
		return;
	for (i = 0; i < o->n_ids; i++)
		if (strcmp(o->ids[i], id) == 0)
			return;
	if (o->n_ids == OSV_MAX_IDS) {
		vg_feed_warn(o->sink,
			     _("%s: %s: more than %d CVE ids, '%s' "
			       "left out"),
			     o->name, o->rid, OSV_MAX_IDS, id);
		return;
	}
	o->ids[o->n_ids++] = id;
}

static void
add_ids(struct osv *o, const json_t *arr)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, v) if (json_is_string(v))
		add_id(o, json_string_value(v));
}

/* Keep a description cut to VG_FEED_MAX_TEXT bytes, on a UTF-8 character
 * boundary (jansson hands out valid UTF-8). */
static void
set_desc(struct osv *o, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof(o->desc)) {
		n = sizeof(o->desc) - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(o->desc, s, n);
	o->desc[n] = '\0';
	o->has_desc = true;
}

/* One record per id for the stretch [introduced, end). */
static enum vg_rc
emit(struct osv *o, struct vg_vuln_rec *r)
{
	enum vg_rc rc;
	size_t i;

	for (i = 0; i < o->n_ids; i++) {
		r->id = o->ids[i];
		if (o->sink->rec != NULL &&
		    (rc = o->sink->rec(o->sink->ctx, r)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/*
 * Read the events of one ECOSYSTEM range into o->ev; false (with a
 * warning) when one is malformed: a range half understood would give a
 * wrong fix, so it is left out whole.
 */
static bool
read_events(struct osv *o, const char *where, const json_t *events,
	    size_t *n_out)
{
	static const char *const kinds[] = {"introduced", "fixed",
					    "last_affected", "limit"};
	const json_t *e, *v;
	const char *key, *ver;
	size_t i, k, n = 0;

	if (!json_is_array(events) || json_array_size(events) == 0) {
		vg_feed_warn(o->sink, _("%s: %s: %s: no events"), o->name,
			     o->rid, where);
		return false;
	}
	if (json_array_size(events) > OSV_MAX_EVENTS) {
		vg_feed_warn(o->sink, _("%s: %s: %s: more than %d events"),
			     o->name, o->rid, where, OSV_MAX_EVENTS);
		return false;
	}
	json_array_foreach(events, i, e)
	{
		if (!json_is_object(e) || json_object_size(e) != 1) {
			vg_feed_warn(o->sink,
				     _("%s: %s: %s: event %zu is not an object "
				       "with one key"),
				     o->name, o->rid, where, i);
			return false;
		}
		key = json_object_iter_key(json_object_iter((json_t *)e));
		v = json_object_iter_value(json_object_iter((json_t *)e));
		for (k = 0; k < VG_ARRAY_LEN(kinds); k++)
			if (strcmp(key, kinds[k]) == 0)
				break;
		ver = json_string_value(v);
		if (k == VG_ARRAY_LEN(kinds) || ver == NULL || ver[0] == '\0' ||
		    strlen(ver) >= VG_FEED_MAX_VERSION) {
			vg_feed_warn(o->sink,
				     _("%s: %s: %s: event %zu: bad '%.32s'"),
				     o->name, o->rid, where, i, key);
			return false;
		}
		o->ev[n].kind = (enum ev_kind)k;
		o->ev[n].ver = k == EV_INTRODUCED && strcmp(ver, "0") == 0
			? NULL
			: ver;
		o->ev[n].idx = i;
		n++;
	}
	*n_out = n;
	return true;
}

/* One ECOSYSTEM range: the OSV evaluation walk, one record per stretch of
 * affected versions. */
static enum vg_rc
do_range(struct osv *o, const char *where, const json_t *range,
	 struct vg_vuln_rec *r)
{
	const char *type;
	size_t i, n;
	bool open = false, any = false;
	enum vg_rc rc;

	if (!json_is_object(range)) {
		vg_feed_warn(o->sink, _("%s: %s: %s: a range is not an object"),
			     o->name, o->rid, where);
		return VG_OK;
	}
	type = json_string_value(json_object_get(range, "type"));
	if (type == NULL || strcmp(type, "ECOSYSTEM") != 0)
		return VG_OK;
	if (!read_events(o, where, json_object_get(range, "events"), &n))
		return VG_OK;
	qsort(o->ev, n, sizeof(o->ev[0]), event_cmp);
	for (i = 0; i < n; i++) {
		switch (o->ev[i].kind) {
		case EV_INTRODUCED:
			/* A second introduced inside an open stretch does
			 * not reset it (git-pkgs/vulns PR #18). */
			if (!open) {
				open = true;
				r->introduced = o->ev[i].ver;
			}
			break;
		case EV_FIXED:
		case EV_LAST_AFFECTED:
			if (!open)
				break;
			open = false;
			any = true;
			r->status = o->ev[i].kind == EV_FIXED ? VG_VULN_FIXED
							      : VG_VULN_OPEN;
			r->fixed_version =
				o->ev[i].kind == EV_FIXED ? o->ev[i].ver : NULL;
			r->last_affected = o->ev[i].kind == EV_LAST_AFFECTED
				? o->ev[i].ver
				: NULL;
			if ((rc = emit(o, r)) != VG_OK)
				return rc;
			break;
		case EV_LIMIT:
			break;
		}
	}
	if (open) {
		r->status = VG_VULN_OPEN;
		r->fixed_version = NULL;
		r->last_affected = NULL;
		return emit(o, r);
	}
	if (!any)
		vg_feed_warn(o->sink, _("%s: %s: %s: no 'introduced' event"),
			     o->name, o->rid, where);
	return VG_OK;
}

static enum vg_rc
do_affected(struct osv *o, size_t idx, const json_t *aff)
{
	const json_t *pkg, *ranges, *range;
	const char *eco, *pname, *release;
	char where[VG_FEED_MAX_NAME + 64];
	struct vg_vuln_rec r;
	enum vg_urgency urg;
	enum vg_rc rc;
	size_t i;

	pkg = json_object_get(aff, "package");
	eco = json_string_value(json_object_get(pkg, "ecosystem"));
	if (eco == NULL) {
		vg_feed_warn(o->sink,
			     _("%s: %s: affected[%zu]: no package ecosystem"),
			     o->name, o->rid, idx);
		return VG_OK;
	}
	if ((release = vg_release_codename(eco)) == NULL)
		return VG_OK;
	pname = json_string_value(json_object_get(pkg, "name"));
	if (pname == NULL || pname[0] == '\0' ||
	    strlen(pname) >= VG_FEED_MAX_NAME) {
		vg_feed_warn(o->sink,
			     _("%s: %s: affected[%zu]: bad package name"),
			     o->name, o->rid, idx);
		return VG_OK;
	}
	snprintf(where, sizeof(where), "%s/%s", pname, release);

	memset(&r, 0, sizeof(r));
	r.package = pname;
	r.release = release;
	r.cvss = o->cvss;
	r.remote = o->remote;
	r.description = o->has_desc ? o->desc : NULL;
	r.source = "osv";
	/* The entry's own urgency (DEBIAN-CVE records, Canonical's files)
	 * before the record's. */
	urg = urgency_of(json_object_get(aff, "ecosystem_specific"));
	if (urg == VG_URG_UNKNOWN)
		urg = urgency_of(json_object_get(aff, "database_specific"));
	r.urgency = urg != VG_URG_UNKNOWN ? urg : o->urg;
	/* OSV 1.5 lets an affected entry carry its own severity. */
	if (json_is_array(json_object_get(aff, "severity"))) {
		r.cvss = -1;
		urg = VG_URG_UNKNOWN;
		severity_of(json_object_get(aff, "severity"), &r.cvss,
			    &r.remote, &urg);
		if (r.cvss < 0)
			r.cvss = o->cvss;
		if (r.urgency == VG_URG_UNKNOWN)
			r.urgency = urg;
	}

	ranges = json_object_get(aff, "ranges");
	if (ranges != NULL && !json_is_array(ranges)) {
		vg_feed_warn(o->sink, _("%s: %s: %s: 'ranges' is not an array"),
			     o->name, o->rid, where);
		return VG_OK;
	}
	json_array_foreach(ranges, i,
			   range) if ((rc = do_range(o, where, range, &r)) !=
				      VG_OK) return rc;
	return VG_OK;
}

enum vg_rc
vg_feed_osv(const char *buf, size_t len, const char *name,
	    struct vg_feed_sink *sink, struct vg_err *err)
{
	struct osv o;
	json_t *doc = NULL, *aff, *v;
	json_error_t jerr;
	const char *s;
	enum vg_rc rc = VG_OK;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.name = name != NULL ? name : "osv";
	o.sink = sink;
	o.cvss = -1;
	if (len > OSV_MAX_RECORD) {
		rc = vg_err_set(err, VG_ERR_LIMIT,
				_("%s: OSV record larger than %u bytes"),
				o.name, OSV_MAX_RECORD);
		goto done;
	}
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("%s:%d: not JSON: %s"),
				o.name, jerr.line, jerr.text);
		goto done;
	}
	s = json_string_value(json_object_get(doc, "id"));
	if (!json_is_object(doc) || s == NULL || s[0] == '\0' ||
	    strlen(s) >= VG_FEED_MAX_ID) {
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("%s: not an OSV record (no valid 'id')"),
				o.name);
		goto done;
	}
	o.rid = s;
	/* A withdrawn record no longer stands: nothing of it is kept. */
	if (json_object_get(doc, "withdrawn") != NULL)
		goto done;

	if (vg_feed_is_cve(o.rid))
		add_id(&o, o.rid);
	else {
		add_ids(&o, json_object_get(doc, "aliases"));
		add_ids(&o, json_object_get(doc, "upstream"));
		if (o.n_ids == 0)
			o.ids[o.n_ids++] = o.rid;
	}
	if ((s = json_string_value(json_object_get(doc, "summary"))) != NULL &&
	    s[0] != '\0')
		set_desc(&o, s);
	else if ((s = json_string_value(json_object_get(doc, "details"))) !=
			 NULL &&
		 s[0] != '\0')
		set_desc(&o, s);
	severity_of(json_object_get(doc, "severity"), &o.cvss, &o.remote,
		    &o.urg);
	if (o.urg == VG_URG_UNKNOWN)
		o.urg = urgency_of(json_object_get(doc, "database_specific"));

	v = json_object_get(doc, "affected");
	if (v != NULL && !json_is_array(v)) {
		vg_feed_warn(sink, _("%s: %s: 'affected' is not an array"),
			     o.name, o.rid);
		goto done;
	}
	if ((o.ev = calloc(OSV_MAX_EVENTS, sizeof(*o.ev))) == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	json_array_foreach(v, i, aff)
	{
		if (!json_is_object(aff)) {
			vg_feed_warn(
				sink,
				_("%s: %s: affected[%zu] is not an object"),
				o.name, o.rid, i);
			continue;
		}
		if ((rc = do_affected(&o, i, aff)) != VG_OK) {
			if (rc == VG_ERR_NOMEM)
				(void)vg_err_set(err, rc, _("out of memory"));
			else
				(void)vg_err_set(err, rc,
						 _("%s: %s: stopped by the "
						   "importer"),
						 o.name, o.rid);
			goto done;
		}
	}
done:
	free(o.ev);
	json_decref(doc);
	return rc;
}
