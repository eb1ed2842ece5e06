/*
 * The FIRST EPSS daily CSV, once gunzipped (vulnerability-data.md §4.6):
 *
 *   #model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z
 *   cve,epss,percentile
 *   CVE-1999-0001,0.03351,0.88255
 *
 * The comment line is optional (older files lack it) and read here, not
 * by the CSV reader: its model_version goes with every score (scores of
 * two models do not compare). The header must name cve, epss and
 * percentile first (further columns are ignored), else the file is not
 * EPSS (VG_ERR_PARSE). A row with a bad CVE or a number outside 0..1 is
 * warned about with its line and skipped.
 */
#include "util/common.h"

#include <string.h>

#include "util/csv.h"
#include "util/text.h"
#include "vuln/feed.h"

#include "util/banned.h"

/* About 330,000 rows in 2026, growing by some 40,000 a year. */
#define EPSS_MAX_ROWS 4000000
/* A row's fields are short: a CVE id and two numbers. */
#define EPSS_MAX_FIELD 256
#define EPSS_MAX_FIELDS 16

/* A probability "0.03351", "1", "4e-05" within 0..1. */
static const struct vg_feed_decimal prob_fmt = {.max = 1, .exponent = true};

/*
 * The model_version of a "#model_version:...,score_date:..." line into
 * out (max bytes), or false when the line names none.
 */
static bool
model_of(const char *line, size_t n, char *out, size_t max)
{
	static const char key[] = "model_version:";
	const char *p = line + 1, *end = line + n, *comma;
	size_t vlen;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if ((size_t)(comma - p) > sizeof(key) - 1 &&
		    memcmp(p, key, sizeof(key) - 1) == 0) {
			p += sizeof(key) - 1;
			vlen = (size_t)(comma - p);
			if (vlen >= max || vg_has_nul(p, vlen))
				return false;
			memcpy(out, p, vlen);
			out[vlen] = '\0';
			return true;
		}
		p = comma + 1;
	}
	return false;
}

/* Whether the record just read is the expected header. */
static bool
is_header(const struct vg_csv *c)
{
	static const char *const cols[] = {"cve", "epss", "percentile"};
	size_t i;

	if (vg_csv_nfields(c) < VG_ARRAY_LEN(cols))
		return false;
	for (i = 0; i < VG_ARRAY_LEN(cols); i++)
		if (strcmp(vg_csv_field(c, i, NULL), cols[i]) != 0)
			return false;
	return true;
}

enum vg_rc
vg_feed_epss(const char *buf, size_t len, const char *name,
	     struct vg_feed_sink *sink, struct vg_err *err)
{
	static const struct vg_csv_limits lim = {
		EPSS_MAX_FIELD, EPSS_MAX_FIELDS, EPSS_MAX_ROWS};
	char model[VG_FEED_MAX_NAME];
	struct vg_csv c;
	struct vg_err cerr;
	struct vg_epss_rec r;
	const char *p = buf, *end = buf + len, *nl;
	int line_off = 0, line;
	bool got, header = false;
	enum vg_rc rc = VG_OK, crc;

	if (name == NULL)
		name = "epss";
	memset(&r, 0, sizeof(r));
	if (len == 0) {
		vg_csv_init(&c, NULL, 0, ',', &lim);
		rc = vg_err_set(err, VG_ERR_PARSE, _("%s: empty EPSS file"),
				name);
		goto done;
	}
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	/* The comment line, before the CSV reader sees the rest. */
	if (p < end && *p == '#') {
		/* Up to the line end, LF, CRLF or CR as the CSV reader. */
		for (nl = p; nl < end && *nl != '\n' && *nl != '\r'; nl++)
			;
		if (model_of(p, (size_t)(nl - p), model, sizeof(model)))
			r.model = model;
		if (nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n')
			nl++;
		p = nl < end ? nl + 1 : end;
		line_off = 1;
	}
	vg_csv_init(&c, p, (size_t)(end - p), ',', &lim);
	for (;;) {
		crc = vg_csv_next(&c, &got, &cerr);
		line = vg_csv_line(&c) + line_off;
		if (crc == VG_ERR_NOMEM) {
			rc = vg_err_set(err, crc, _("out of memory"));
			goto done;
		}
		if (crc != VG_OK && !header) {
			rc = vg_err_set(err, VG_ERR_PARSE,
					_("%s:%d: not an EPSS file: %s"), name,
					line, cerr.msg);
			goto done;
		}
		if (crc != VG_OK) {
			/* A refused row is skipped; past the row limit the
			 * reader stops and says so once. */
			vg_feed_warn(sink, "%s:%d: %s", name, line, cerr.msg);
			continue;
		}
		if (!got)
			break;
		if (!header) {
			if (!is_header(&c)) {
				rc = vg_err_set(err, VG_ERR_PARSE,
						_("%s:%d: not an EPSS file (no "
						  "'cve,epss,percentile' "
						  "header)"),
						name, line);
				goto done;
			}
			header = true;
			continue;
		}
		if (vg_csv_nfields(&c) < 3) {
			vg_feed_warn(sink, _("%s:%d: expected 3 fields"), name,
				     line);
			continue;
		}
		r.cve = vg_csv_field(&c, 0, NULL);
		if (!vg_feed_is_cve(r.cve)) {
			vg_feed_warn(sink, _("%s:%d: bad CVE id '%.64s'"), name,
				     line, r.cve);
			continue;
		}
		if (!vg_feed_parse_decimal(vg_csv_field(&c, 1, NULL), &prob_fmt,
					   &r.epss) ||
		    !vg_feed_parse_decimal(vg_csv_field(&c, 2, NULL), &prob_fmt,
					   &r.percentile)) {
			vg_feed_warn(sink,
				     _("%s:%d: %s: epss or percentile not a "
				       "number within 0..1"),
				     name, line, r.cve);
			continue;
		}
		if (sink->epss != NULL &&
		    (rc = sink->epss(sink->ctx, &r)) != VG_OK) {
			(void)vg_err_set(err, rc,
					 _("%s:%d: stopped by the importer"),
					 name, line);
			goto done;
		}
	}
	if (!header)
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("%s: not an EPSS file (no header)"), name);
done:
	vg_csv_release(&c);
	return rc;
}
