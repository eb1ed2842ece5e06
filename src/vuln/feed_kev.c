/*
 * The CISA Known Exploited Vulnerabilities catalogue (cisagov/kev-data,
 * vulnerability-data.md §4.5): {title, catalogVersion, count,
 * vulnerabilities: [{cveID, vendorProject, product, vulnerabilityName,
 * dateAdded, dueDate, knownRansomwareCampaignUse, ...}]}.
 *
 * A top level of another shape is not the catalogue (VG_ERR_PARSE). An
 * entry without a valid cveID is warned about and skipped; one with a
 * bad date keeps its CVE (being listed is what matters) with the date
 * -1 and a warning; missing text fields are passed as "".
 */
#include "util/common.h"

#include <jansson.h>
#include <string.h>

#include "util/text.h"
#include "vuln/feed.h"

#include "util/banned.h"

/* The catalogue is 1.3 MB in 2025 (1,404 entries): room to grow. */
#define KEV_MAX_JSON (64u << 20)

/*
 * A text member cut to max - 1 bytes on a UTF-8 boundary into out, ""
 * when absent or not a string.
 */
static const char *
text_of(const json_t *e, const char *key, char *out, size_t max)
{
	const char *s = json_string_value(json_object_get(e, key));
	size_t n;

	if (s == NULL)
		return "";
	if ((n = strlen(s)) < max)
		return s;
	n = max - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* A "YYYY-MM-DD" member as a Unix time, -1 (with a warning) when bad. */
static int64_t
date_of(struct vg_feed_sink *sink, const char *name, size_t idx,
	const char *cve, const json_t *e, const char *key)
{
	const char *s = json_string_value(json_object_get(e, key));
	int64_t t;

	if (s != NULL && vg_parse_date(s, &t) == VG_OK)
		return t;
	vg_feed_warn(sink, _("%s: vulnerabilities[%zu] (%s): bad '%s'"), name,
		     idx, cve, key);
	return -1;
}

enum vg_rc
vg_feed_kev(const char *buf, size_t len, const char *name,
	    struct vg_feed_sink *sink, struct vg_err *err)
{
	char vendor[VG_FEED_MAX_NAME], product[VG_FEED_MAX_NAME];
	char vname[VG_FEED_MAX_TEXT];
	struct vg_kev_rec r;
	json_t *doc = NULL, *arr, *e, *count;
	json_error_t jerr;
	const char *cve, *ransom;
	enum vg_rc rc = VG_OK;
	size_t i;

	if (name == NULL)
		name = "kev";
	if (len > KEV_MAX_JSON) {
		rc = vg_err_set(err, VG_ERR_LIMIT,
				_("%s: KEV catalogue larger than %u bytes"),
				name, KEV_MAX_JSON);
		goto done;
	}
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		rc = vg_err_set(err, VG_ERR_PARSE, _("%s:%d: not JSON: %s"),
				name, jerr.line, jerr.text);
		goto done;
	}
	arr = json_object_get(doc, "vulnerabilities");
	if (!json_is_array(arr)) {
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("%s: not a KEV catalogue (no "
				  "'vulnerabilities' array)"),
				name);
		goto done;
	}
	/* "count" is informative; a mismatch hints at a cut download. */
	count = json_object_get(doc, "count");
	if (json_is_integer(count) &&
	    (json_int_t)json_array_size(arr) != json_integer_value(count))
		vg_feed_warn(sink,
			     _("%s: 'count' says %lld, the catalogue has %zu "
			       "entries"),
			     name, (long long)json_integer_value(count),
			     json_array_size(arr));

	json_array_foreach(arr, i, e)
	{
		cve = json_string_value(json_object_get(e, "cveID"));
		if (!json_is_object(e) || cve == NULL || !vg_feed_is_cve(cve)) {
			vg_feed_warn(sink,
				     _("%s: vulnerabilities[%zu]: no valid "
				       "'cveID', skipped"),
				     name, i);
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.cve = cve;
		r.vendor = text_of(e, "vendorProject", vendor, sizeof(vendor));
		r.product = text_of(e, "product", product, sizeof(product));
		r.name = text_of(e, "vulnerabilityName", vname, sizeof(vname));
		r.date_added = date_of(sink, name, i, cve, e, "dateAdded");
		r.due_date = date_of(sink, name, i, cve, e, "dueDate");
		ransom = json_string_value(
			json_object_get(e, "knownRansomwareCampaignUse"));
		r.ransomware = ransom != NULL && strcmp(ransom, "Known") == 0;
		if (sink->kev != NULL &&
		    (rc = sink->kev(sink->ctx, &r)) != VG_OK) {
			(void)vg_err_set(err, rc,
					 _("%s: stopped by the importer at %s"),
					 name, cve);
			goto done;
		}
	}
done:
	json_decref(doc);
	return rc;
}
