/*
 * The CSV record reader (csv.h): one pass over the buffer, byte by byte,
 * through a small state machine. A record in error is still scanned to
 * its end, quotes included, so the reader always resumes at the start
 * of the next record, never in the middle of a quoted field.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/banned.h"

static const struct vg_csv_limits csv_default_limits = {
	VG_CSV_FIELD_MAX,
	VG_CSV_FIELDS_MAX,
	VG_CSV_RECORDS_MAX,
};

/* The delimiter found more often outside quotes on the first line. */
static char
csv_detect(const char *p, const char *end)
{
	size_t commas = 0, semis = 0;
	bool quoted = false;

	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '\n' || *p == '\r'))
			break;
		else if (!quoted && *p == ',')
			commas++;
		else if (!quoted && *p == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

void
vg_csv_init(struct vg_csv *c, const char *buf, size_t len, char delim,
	    const struct vg_csv_limits *lim)
{
	memset(c, 0, sizeof(*c));
	c->p = buf;
	c->end = len > 0 ? buf + len : buf; /* no offset on a NULL buf */
	/* A spreadsheet's "CSV UTF-8" starts with a byte order mark. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
	c->delim =
		delim == ',' || delim == ';' ? delim : csv_detect(c->p, c->end);
	c->line = 1;
	c->rec_line = 1;
	c->lim = lim != NULL ? *lim : csv_default_limits;
}

void
vg_csv_set_flags(struct vg_csv *c, unsigned flags)
{
	c->flags = flags;
}

void
vg_csv_release(struct vg_csv *c)
{
	free(c->buf);
	free(c->off);
	free(c->len);
	c->buf = NULL;
	c->off = c->len = NULL;
	c->buf_len = c->buf_cap = c->n_fields = c->fields_cap = 0;
	c->p = c->end;
}

/* Room for n more bytes in the record's storage. */
static enum vg_rc
csv_reserve(struct vg_csv *c, size_t n)
{
	size_t cap;
	char *p;

	if (c->buf_cap - c->buf_len >= n)
		return VG_OK;
	cap = c->buf_cap < 256 ? 256 : c->buf_cap;
	while (cap - c->buf_len < n) {
		if (cap > SIZE_MAX / 2)
			return VG_ERR_NOMEM;
		cap *= 2;
	}
	if ((p = realloc(c->buf, cap)) == NULL)
		return VG_ERR_NOMEM;
	c->buf = p;
	c->buf_cap = cap;
	return VG_OK;
}

/* Start a new field (its offset recorded, no byte yet). */
static enum vg_rc
csv_field_start(struct vg_csv *c)
{
	size_t cap, *off, *len;

	if (c->n_fields == c->fields_cap) {
		cap = c->fields_cap == 0 ? 16 : c->fields_cap * 2;
		/* reallocarray: the count times the size cannot wrap. */
		if ((off = reallocarray(c->off, cap, sizeof(*off))) == NULL)
			return VG_ERR_NOMEM;
		c->off = off;
		if ((len = reallocarray(c->len, cap, sizeof(*len))) == NULL)
			return VG_ERR_NOMEM;
		c->len = len;
		c->fields_cap = cap;
	}
	c->off[c->n_fields] = c->buf_len;
	c->len[c->n_fields] = 0;
	c->n_fields++;
	return VG_OK;
}

/* End the current field with its NUL. */
static enum vg_rc
csv_field_end(struct vg_csv *c)
{
	if (csv_reserve(c, 1) != VG_OK)
		return VG_ERR_NOMEM;
	c->buf[c->buf_len++] = '\0';
	return VG_OK;
}

/* Consume one line end (CRLF, LF or CR) at c->p. */
static void
csv_eol(struct vg_csv *c)
{
	if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
		c->p++;
	c->p++;
	c->line++;
}

/*
 * The state of the record being read: rc is its first error (VG_OK while
 * none); once set, bytes are no longer kept, only scanned. skip: the
 * fields past lim.fields under VG_CSV_CUT, scanned and dropped too.
 */
struct csv_rec {
	enum vg_rc rc;
	const char *why;
	bool skip;
};

static void
csv_refuse(struct csv_rec *r, enum vg_rc rc, const char *why)
{
	if (r->rc == VG_OK) {
		r->rc = rc;
		r->why = why;
	}
}

/*
 * Keep the n bytes at s in the current field, within the field's limit
 * (cut there under VG_CSV_CUT). The caller sends a NUL byte alone, and
 * only it is refused here unless VG_CSV_KEEP_NUL.
 */
static enum vg_rc
csv_keep(struct vg_csv *c, struct csv_rec *r, const char *s, size_t n)
{
	size_t room;

	if (r->rc != VG_OK || r->skip || n == 0)
		return VG_OK;
	if (*s == '\0' && !(c->flags & VG_CSV_KEEP_NUL)) {
		csv_refuse(r, VG_ERR_PARSE, _("NUL byte in a field"));
		return VG_OK;
	}
	room = c->lim.field - c->len[c->n_fields - 1];
	if (n > room) {
		if (!(c->flags & VG_CSV_CUT)) {
			csv_refuse(r, VG_ERR_LIMIT, _("field too long"));
			return VG_OK;
		}
		n = room;
	}
	if (csv_reserve(c, n) != VG_OK)
		return VG_ERR_NOMEM;
	memcpy(c->buf + c->buf_len, s, n);
	c->buf_len += n;
	c->len[c->n_fields - 1] += n;
	return VG_OK;
}

/* Close the current field and open another one, within the limit. */
static enum vg_rc
csv_next_field(struct vg_csv *c, struct csv_rec *r)
{
	if (r->rc != VG_OK || r->skip)
		return VG_OK;
	if (csv_field_end(c) != VG_OK)
		return VG_ERR_NOMEM;
	if (c->n_fields >= c->lim.fields) {
		if (c->flags & VG_CSV_CUT)
			r->skip = true;
		else
			csv_refuse(r, VG_ERR_LIMIT, _("too many fields"));
		return VG_OK;
	}
	return csv_field_start(c);
}

/*
 * The end of the run of ordinary bytes at p: up to a quote, a line end,
 * a NUL (unless kept) or, outside quotes, the delimiter. Runs are kept
 * with one copy rather than byte by byte: registry files are megabytes.
 */
static const char *
csv_run(const struct vg_csv *c, const char *p, bool quoted)
{
	bool nul = !(c->flags & VG_CSV_KEEP_NUL);

	for (; p < c->end; p++) {
		char ch = *p;

		/* Most bytes (letters, digits) are past '"': one test. */
		if ((unsigned char)ch > '"' && ch != c->delim)
			continue;
		if (ch == '"' || ch == '\n' || ch == '\r' ||
		    (ch == '\0' && nul) || (!quoted && ch == c->delim))
			break;
	}
	return p;
}

/*
 * Scan one record from c->p to the end of its last line (or of the
 * buffer). *blank is set for a record that is an empty line.
 */
static enum vg_rc
csv_record(struct vg_csv *c, struct csv_rec *r, bool *blank)
{
	bool quoted = false, at_start = true, closed = false;
	const char *start = c->p, *q;
	char ch;

	c->n_fields = 0;
	c->buf_len = 0;
	c->rec_line = c->line;
	*blank = false;
	if (csv_field_start(c) != VG_OK)
		return VG_ERR_NOMEM;
	while (c->p < c->end) {
		ch = *c->p;
		if (quoted) {
			if (ch == '"' && c->p + 1 < c->end && c->p[1] == '"') {
				/* "" inside quotes: one quote. */
				if (csv_keep(c, r, c->p, 1) != VG_OK)
					return VG_ERR_NOMEM;
				c->p += 2;
				continue;
			}
			if (ch == '"') {
				quoted = false;
				closed = true;
				c->p++;
				continue;
			}
			if (ch == '\r' || ch == '\n') {
				/* A line break kept in the field as written. */
				q = c->p +
					(ch == '\r' && c->p + 1 < c->end &&
							 c->p[1] == '\n'
						 ? 2
						 : 1);
				if (csv_keep(c, r, c->p, (size_t)(q - c->p)) !=
				    VG_OK)
					return VG_ERR_NOMEM;
				csv_eol(c);
				continue;
			}
			q = ch == '\0' ? c->p + 1 : csv_run(c, c->p, true);
			if (csv_keep(c, r, c->p, (size_t)(q - c->p)) != VG_OK)
				return VG_ERR_NOMEM;
			c->p = q;
			continue;
		}
		if (ch == '\r' || ch == '\n') {
			/* Nothing read before the line end: a blank line. */
			*blank = c->p == start;
			csv_eol(c);
			goto end;
		}
		if (ch == c->delim) {
			c->p++;
			if (csv_next_field(c, r) != VG_OK)
				return VG_ERR_NOMEM;
			at_start = true;
			closed = false;
			continue;
		}
		if (ch == '"' && at_start) {
			quoted = true;
			at_start = false;
			c->p++;
			continue;
		}
		/* After a closing quote only a delimiter or a line end may
		 * come (unless lax); a quote inside an unquoted field is kept
		 * as is. */
		if (closed && !(c->flags & VG_CSV_LAX_QUOTES))
			csv_refuse(r, VG_ERR_PARSE,
				   _("text after a closing quote"));
		at_start = false;
		q = ch == '\0' || ch == '"' ? c->p + 1
					    : csv_run(c, c->p, false);
		if (csv_keep(c, r, c->p, (size_t)(q - c->p)) != VG_OK)
			return VG_ERR_NOMEM;
		c->p = q;
	}
	if (quoted)
		csv_refuse(r, VG_ERR_PARSE,
			   _("quoted field not closed at the end of the file"));
end:
	/* Under skip, the last field kept was ended at its delimiter. */
	if (r->rc == VG_OK && !r->skip && csv_field_end(c) != VG_OK)
		return VG_ERR_NOMEM;
	return VG_OK;
}

enum vg_rc
vg_csv_next(struct vg_csv *c, bool *got, struct vg_err *err)
{
	struct csv_rec r;
	bool blank;

	*got = false;
	for (;;) {
		if (c->stopped || c->p >= c->end) {
			c->n_fields = 0;
			return VG_OK;
		}
		r.rc = VG_OK;
		r.why = NULL;
		r.skip = false;
		if (csv_record(c, &r, &blank) != VG_OK) {
			c->stopped = true;
			c->n_fields = 0;
			return vg_err_set(err, VG_ERR_NOMEM,
					  _("csv: out of memory"));
		}
		if (r.rc == VG_OK && blank)
			continue;
		if (c->n_records >= c->lim.records) {
			/* Nothing after this is read: the rest is refused
			 * as a whole, once. */
			c->stopped = true;
			c->n_fields = 0;
			return vg_err_set(err, VG_ERR_LIMIT,
					  _("more than %zu records: the rest "
					    "is ignored"),
					  c->lim.records);
		}
		c->n_records++;
		if (r.rc != VG_OK) {
			c->n_fields = 0;
			return vg_err_set(err, r.rc, "%s", r.why);
		}
		*got = true;
		return VG_OK;
	}
}

size_t
vg_csv_nfields(const struct vg_csv *c)
{
	return c->n_fields;
}

const char *
vg_csv_field(const struct vg_csv *c, size_t i, size_t *len)
{
	if (i >= c->n_fields) {
		if (len != NULL)
			*len = 0;
		return "";
	}
	if (len != NULL)
		*len = c->len[i];
	return c->buf + c->off[i];
}

int
vg_csv_line(const struct vg_csv *c)
{
	return c->rec_line;
}

char
vg_csv_delim(const struct vg_csv *c)
{
	return c->delim;
}
