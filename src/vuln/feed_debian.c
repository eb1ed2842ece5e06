/*
 * The Debian security tracker's JSON dump (tracker/data/json): {src:
 * {id: {"description", "scope", "releases": {codename: {"status",
 * "fixed_version", "urgency", ...}}}}}, tens of MB on one line.
 *
 * Memory stays bounded: a small scanner (strings, escapes, nesting; not a
 * JSON parser) walks the top-level object and finds one source package's
 * member at a time; only that slice goes to jansson, and its tree is
 * freed before the next. Everything inside a member is untrusted: each
 * release entry of an unexpected shape is warned about and skipped.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vuln/feed.h"
#include "util/utf8.h"

#include "util/banned.h"

/* Longest excerpt of an untrusted string quoted in a warning. */
#define WARN_EXCERPT 64

/* Where we are, for warnings and for records. */
struct ctx {
	const char *name;
	struct vg_feed_sink *sink;
	const char *pkg;
	const char *id;
	char desc[VG_FEED_MAX_TEXT + 1];
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t
skip_ws(const char *buf, size_t len, size_t i)
{
	while (i < len && is_ws(buf[i]))
		i++;
	return i;
}

/* The end (one past the closing quote) of the string opening at buf[i],
 * or 0 when it is not closed. */
static size_t
scan_string(const char *buf, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (buf[i] == '\\')
			i++; /* whatever follows is escaped */
		else if (buf[i] == '"')
			return i + 1;
	}
	return 0;
}

/*
 * The end of the value starting at buf[i]: after its closing bracket for
 * an object or array, else at the ',' or '}' that ends a scalar. Only
 * strings and nesting are tracked; jansson judges the rest. 0 when the
 * input ends first.
 */
static size_t
scan_value(const char *buf, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len) {
		switch (buf[i]) {
		case '"':
			if ((i = scan_string(buf, len, i)) == 0)
				return 0;
			if (depth == 0)
				return i;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return i; /* a scalar ended by the object */
			if (--depth == 0)
				return i + 1;
			break;
		case ',':
			if (depth == 0)
				return i;
			break;
		default:
			break;
		}
		i++;
	}
	return 0;
}

/* Cut s to at most max bytes on a UTF-8 boundary, into out. */
static void
cut_text(const char *s, char *out, size_t max)
{
	size_t len = strnlen(s, max + 4), n = 0, k;

	while (n < len) {
		k = vg_utf8_seq(s + n, len - n < 4 ? len - n : 4);
		if (k == 0)
			k = 1; /* jansson only hands valid UTF-8; be safe */
		if (n + k > max)
			break;
		n += k;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/* "low", "low*", "low**": the tracker's suffixes mark NVD-derived or
 * uncertain urgencies; the level is what counts. */
static bool
urgency_is(const char *u, const char *level)
{
	size_t n = strlen(level);

	return strncmp(u, level, n) == 0 && strspn(u + n, "*") == strlen(u + n);
}

static bool
parse_urgency(const char *u, enum vg_urgency *out)
{
	static const struct {
		const char *s;
		enum vg_urgency u;
	} map[] = {
		{"unimportant", VG_URG_UNIMPORTANT},
		{"low", VG_URG_LOW},
		{"medium", VG_URG_MEDIUM},
		{"high", VG_URG_HIGH},
		{"not yet assigned", VG_URG_UNKNOWN},
		{"end-of-life", VG_URG_UNKNOWN},
	};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(map); i++)
		if (urgency_is(u, map[i].s)) {
			*out = map[i].u;
			return true;
		}
	return false;
}

/* One release entry of one vulnerability: at most one record. */
static enum vg_rc
one_release(struct ctx *c, const char *rel, json_t *entry, bool remote)
{
	struct vg_vuln_rec r;
	const char *status, *fixed = NULL, *urg = NULL;
	json_t *v;

	if (!json_is_object(entry)) {
		vg_feed_warn(
			c->sink,
			_("%s: %s/%s/%.*s: release entry is not an object"),
			c->name, c->pkg, c->id, WARN_EXCERPT, rel);
		return VG_OK;
	}
	if (strlen(rel) == 0 || strlen(rel) > VG_FEED_MAX_NAME) {
		vg_feed_warn(c->sink, _("%s: %s/%s: bad release name '%.*s'"),
			     c->name, c->pkg, c->id, WARN_EXCERPT, rel);
		return VG_OK;
	}
	memset(&r, 0, sizeof(r));
	r.id = c->id;
	r.package = c->pkg;
	r.release = rel;
	r.remote = remote;
	r.cvss = -1;
	r.description = c->desc[0] != '\0' ? c->desc : NULL;
	r.source = "debian-json";

	if ((v = json_object_get(entry, "urgency")) != NULL) {
		if (!json_is_string(v) ||
		    !parse_urgency(urg = json_string_value(v), &r.urgency)) {
			/* Kept with an unknown urgency: dropping the record
			 * would hide a vulnerability behind a new label. */
			vg_feed_warn(c->sink,
				     _("%s: %s/%s/%s: unknown urgency '%.*s'"),
				     c->name, c->pkg, c->id, rel, WARN_EXCERPT,
				     urg != NULL ? urg : "?");
			urg = NULL;
			r.urgency = VG_URG_UNKNOWN;
		}
	}
	v = json_object_get(entry, "status");
	if (!json_is_string(v)) {
		vg_feed_warn(c->sink, _("%s: %s/%s/%s: no status"), c->name,
			     c->pkg, c->id, rel);
		return VG_OK;
	}
	status = json_string_value(v);
	if (strcmp(status, "resolved") == 0) {
		v = json_object_get(entry, "fixed_version");
		if (json_is_string(v))
			fixed = json_string_value(v);
		if (fixed == NULL || fixed[0] == '\0' ||
		    strlen(fixed) > VG_FEED_MAX_VERSION) {
			vg_feed_warn(c->sink,
				     _("%s: %s/%s/%s: resolved without a "
				       "usable fixed_version"),
				     c->name, c->pkg, c->id, rel);
			return VG_OK;
		}
		/* "0": fixed before the package entered Debian. */
		if (strcmp(fixed, "0") == 0) {
			r.status = VG_VULN_NOT_AFFECTED;
		} else {
			r.status = VG_VULN_FIXED;
			r.fixed_version = fixed;
		}
	} else if (strcmp(status, "open") == 0) {
		r.status = urg != NULL && strcmp(urg, "end-of-life") == 0
			? VG_VULN_END_OF_LIFE
			: VG_VULN_OPEN;
	} else if (strcmp(status, "undetermined") == 0) {
		r.status = VG_VULN_UNDETERMINED;
	} else {
		vg_feed_warn(c->sink, _("%s: %s/%s/%s: unknown status '%.*s'"),
			     c->name, c->pkg, c->id, rel, WARN_EXCERPT, status);
		return VG_OK;
	}
	return c->sink->rec(c->sink->ctx, &r);
}

/* One vulnerability of one source package: a record per release. */
static enum vg_rc
one_vuln(struct ctx *c, json_t *vuln)
{
	json_t *v, *rels, *entry;
	const char *rel;
	bool remote;
	enum vg_rc rc;

	if (strlen(c->id) == 0 || strlen(c->id) > VG_FEED_MAX_ID) {
		vg_feed_warn(c->sink, _("%s: %s: bad vulnerability id '%.*s'"),
			     c->name, c->pkg, WARN_EXCERPT, c->id);
		return VG_OK;
	}
	if (!json_is_object(vuln)) {
		vg_feed_warn(c->sink, _("%s: %s/%s: entry is not an object"),
			     c->name, c->pkg, c->id);
		return VG_OK;
	}
	v = json_object_get(vuln, "scope");
	remote = json_is_string(v) &&
		strcmp(json_string_value(v), "remote") == 0;
	c->desc[0] = '\0';
	if (json_is_string((v = json_object_get(vuln, "description"))))
		cut_text(json_string_value(v), c->desc, VG_FEED_MAX_TEXT);
	rels = json_object_get(vuln, "releases");
	/* No releases, or the tracker's degenerate empty list: nothing
	 * to say about any release. */
	if (rels == NULL || (json_is_array(rels) && json_array_size(rels) == 0))
		return VG_OK;
	if (!json_is_object(rels)) {
		vg_feed_warn(c->sink, _("%s: %s/%s: releases is not an object"),
			     c->name, c->pkg, c->id);
		return VG_OK;
	}
	json_object_foreach(rels, rel, entry)
	{
		if ((rc = one_release(c, rel, entry, remote)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* One source package's member: its name (a JSON string, quotes
 * included) and its value, parsed alone. */
static enum vg_rc
one_package(struct ctx *c, const char *key, size_t klen, const char *val,
	    size_t vlen, size_t off)
{
	json_t *jk, *jv, *vuln;
	json_error_t jerr;
	const char *id;
	enum vg_rc rc = VG_OK;

	if (vlen > VG_FEED_MAX_PACKAGE_JSON) {
		vg_feed_warn(c->sink,
			     _("%s: byte %zu: package entry of %zu bytes "
			       "skipped (too large)"),
			     c->name, off, vlen);
		return VG_OK;
	}
	jk = json_loadb(key, klen, JSON_DECODE_ANY, &jerr);
	if (!json_is_string(jk) || json_string_length(jk) == 0 ||
	    json_string_length(jk) > VG_FEED_MAX_NAME ||
	    strlen(json_string_value(jk)) != json_string_length(jk)) {
		vg_feed_warn(c->sink, _("%s: byte %zu: bad package name"),
			     c->name, off);
		json_decref(jk);
		return VG_OK;
	}
	c->pkg = json_string_value(jk);
	jv = json_loadb(val, vlen, JSON_DECODE_ANY, &jerr);
	if (jv == NULL) {
		vg_feed_warn(c->sink, _("%s: %s: invalid JSON: %s"), c->name,
			     c->pkg, jerr.text);
	} else if (!json_is_object(jv)) {
		vg_feed_warn(c->sink, _("%s: %s: entry is not an object"),
			     c->name, c->pkg);
	} else {
		json_object_foreach(jv, id, vuln)
		{
			c->id = id;
			if ((rc = one_vuln(c, vuln)) != VG_OK)
				break;
		}
	}
	json_decref(jv);
	json_decref(jk);
	c->pkg = c->id = NULL;
	return rc;
}

enum vg_rc
vg_feed_debian_json(const char *buf, size_t len, const char *name,
		    struct vg_feed_sink *sink, struct vg_err *err)
{
	static struct ctx zero;
	struct ctx *c;
	size_t i, kend, vstart, vend;
	enum vg_rc rc = VG_OK;

	if (name == NULL)
		name = "debian-json";
	if (sink == NULL || sink->rec == NULL)
		return vg_err_set(err, VG_ERR_USAGE, "%s: no record callback",
				  name);
	/* A UTF-8 byte order mark is tolerated (some mirrors add one). */
	i = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	i = skip_ws(buf, len, i);
	if (i >= len || buf[i] != '{')
		return vg_err_set(err, VG_ERR_PARSE, _("%s: not a JSON object"),
				  name);
	/* The context holds a description buffer: off the stack. */
	if ((c = malloc(sizeof(*c))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	*c = zero;
	c->name = name;
	c->sink = sink;
	i = skip_ws(buf, len, i + 1);
	if (i < len && buf[i] == '}') {
		i++;
		goto tail;
	}
	for (;;) {
		/* "name" : value, then ',' or '}' */
		if (i >= len || buf[i] != '"' ||
		    (kend = scan_string(buf, len, i)) == 0)
			break;
		vstart = skip_ws(buf, len, kend);
		if (vstart >= len || buf[vstart] != ':')
			break;
		vstart = skip_ws(buf, len, vstart + 1);
		if ((vend = scan_value(buf, len, vstart)) == 0 ||
		    vend == vstart)
			break;
		rc = one_package(c, buf + i, kend - i, buf + vstart,
				 vend - vstart, i);
		if (rc != VG_OK) {
			free(c);
			return rc;
		}
		i = skip_ws(buf, len, vend);
		if (i < len && buf[i] == ',') {
			i = skip_ws(buf, len, i + 1);
			continue;
		}
		if (i < len && buf[i] == '}') {
			i++;
			goto tail;
		}
		break;
	}
	/* The top level lost its shape (truncated download, garbage):
	 * what came before was delivered, the rest cannot be trusted. */
	free(c);
	return vg_err_set(err, VG_ERR_PARSE,
			  _("%s: byte %zu: malformed or truncated JSON object"),
			  name, i);
tail:
	free(c);
	if (skip_ws(buf, len, i) != len)
		vg_feed_warn(
			sink,
			_("%s: byte %zu: data after the JSON object ignored"),
			name, i);
	return VG_OK;
}
