/*
 * MAC vendor table from the IEEE registry CSV files of Debian's ieee-data
 * (see oui.h). The records are read with util/csv (quoted address fields
 * span lines); the table is a flat array of {prefix, bits, name offset}
 * over one string pool, sorted once and binary searched.
 */
#include "util/common.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/oui.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/root.h"
#include "util/utf8.h"
#include "util/banned.h"

/* Longest organisation name kept, in bytes (IEEE's longest is ~110). */
#define OUI_MAX_NAME 256
/* Raw bytes kept of one field (blanks included) before cleaning: more
 * than any name. */
#define OUI_FIELD_KEEP 1024
/* Bytes of a bad assignment quoted back in a warning. */
#define OUI_WARN_SHOW 40
/* Longest warning message handed to the callback. */
#define OUI_WARN_MAX 512
/* Fields of a record we read: Registry, Assignment, Organization Name. */
#define OUI_FIELDS 3
/* First allocations: about one registry file's worth. */
#define OUI_FIRST_ENTRIES 4096
#define OUI_FIRST_POOL (64u << 10)

/*
 * One registered block: the top `bits` bits of the 48-bit MAC as a
 * number, and where its name starts in the pool. 16 bytes.
 */
struct oui_entry {
	uint64_t prefix;
	uint32_t name;
	uint8_t bits;
};

struct vg_oui {
	struct oui_entry *ents;
	size_t n, cap;
	char *pool; /* NUL-terminated names, appended in load order */
	size_t pool_len, pool_cap;
	bool sorted;       /* ents sorted and free of duplicates */
	unsigned warnings; /* handed to the callback so far */
};

/* One field of the record being read: a view into the CSV reader. */
struct oui_field {
	const char *b;
	size_t n;
};

/* The fields we keep of one record, and the line it starts on. */
struct oui_record {
	struct oui_field f[OUI_FIELDS];
	size_t nfields;
	int line;
};

struct vg_oui *
vg_oui_new(void)
{
	return calloc(1, sizeof(struct vg_oui));
}

void
vg_oui_free(struct vg_oui *o)
{
	if (o == NULL)
		return;
	free(o->ents);
	free(o->pool);
	free(o);
}

size_t
vg_oui_count(const struct vg_oui *o)
{
	return o != NULL ? o->n : 0;
}

/* Format one warning for the callback, up to VG_MAX_WARNINGS a table. */
static void __attribute__((format(printf, 4, 5)))
oui_warn(struct vg_oui *o, vg_oui_warn_fn warn, void *ctx, const char *fmt, ...)
{
	char msg[OUI_WARN_MAX];
	va_list ap;

	if (warn == NULL || o->warnings >= VG_MAX_WARNINGS)
		return;
	o->warnings++;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap); /* truncation is fine */
	va_end(ap);
	warn(ctx, msg);
}

/* Drop leading and trailing blanks from a field. */
static void
field_trim(struct oui_field *f)
{
	while (f->n > 0 && (f->b[0] == ' ' || f->b[0] == '\t'))
		f->b++, f->n--;
	while (f->n > 0 && (f->b[f->n - 1] == ' ' || f->b[f->n - 1] == '\t'))
		f->n--;
}

/* True when field f equals the word s, ignoring case. */
static bool
field_is(const struct oui_field *f, const char *s)
{
	return f->n == strlen(s) && strncasecmp(f->b, s, f->n) == 0;
}

/*
 * Parse an Assignment: 6, 7 or 9 hex digits give a 24, 28 or 36-bit
 * prefix. False for anything else.
 */
static bool
parse_assignment(const struct oui_field *f, uint64_t *prefix, uint8_t *bits)
{
	uint64_t v = 0;
	size_t i;
	int d;

	if (f->n != 6 && f->n != 7 && f->n != 9)
		return false;
	for (i = 0; i < f->n; i++) {
		char c = f->b[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*prefix = v;
	*bits = (uint8_t)(f->n * 4);
	return true;
}

/*
 * A printable copy of at most OUI_WARN_SHOW bytes of f for a warning:
 * the value is untrusted and would otherwise reach a log as is.
 */
static void
field_show(const struct oui_field *f, char out[OUI_WARN_SHOW + 4])
{
	size_t i, n = f->n < OUI_WARN_SHOW ? f->n : OUI_WARN_SHOW;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f->b[i];

		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (f->n > OUI_WARN_SHOW)
		memcpy(out + i, "...", 3), i += 3;
	out[i] = '\0';
}

/*
 * Clean a name into out (OUI_MAX_NAME + 1 bytes): control bytes and runs
 * of blanks become one space, invalid UTF-8 bytes '?', ends trimmed, cut
 * at a character boundary past OUI_MAX_NAME. Returns its length; sets
 * *cut when it was cut.
 */
static size_t
clean_name(const struct oui_field *f, char *out, bool *cut)
{
	size_t i = 0, n = 0, k;

	*cut = false;
	while (i < f->n) {
		unsigned char c = (unsigned char)f->b[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			/* One space between words, none at the start. */
			if (n > 0 && out[n - 1] != ' ') {
				if (n + 1 > OUI_MAX_NAME)
					goto cut;
				out[n++] = ' ';
			}
			i++;
			continue;
		}
		k = c < 0x80 ? 1 : vg_utf8_seq(f->b + i, f->n - i);
		if (n + (k == 0 ? 1 : k) > OUI_MAX_NAME)
			goto cut;
		if (k == 0) {
			out[n++] = '?';
			i++;
			continue;
		}
		memcpy(out + n, f->b + i, k);
		n += k;
		i += k;
	}
	goto done;
cut:
	*cut = true;
done:
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

/* Append the n-byte name s and its NUL to the pool; *off where it went. */
static enum vg_rc
pool_add(struct vg_oui *o, const char *s, size_t n, uint32_t *off)
{
	if (o->pool_cap - o->pool_len < n + 1) {
		size_t cap = o->pool_cap != 0 ? o->pool_cap : OUI_FIRST_POOL;
		char *p;

		while (cap - o->pool_len < n + 1)
			cap *= 2;
		/* Offsets are 32-bit; the entry limit keeps us far below. */
		if (cap > UINT32_MAX)
			return VG_ERR_LIMIT;
		if ((p = realloc(o->pool, cap)) == NULL)
			return VG_ERR_NOMEM;
		o->pool = p;
		o->pool_cap = cap;
	}
	memcpy(o->pool + o->pool_len, s, n);
	o->pool[o->pool_len + n] = '\0';
	*off = (uint32_t)o->pool_len;
	o->pool_len += n + 1;
	return VG_OK;
}

/* Append one entry (the caller checked VG_OUI_MAX_ENTRIES). */
static enum vg_rc
entry_add(struct vg_oui *o, uint64_t prefix, uint8_t bits, uint32_t name)
{
	if (o->n == o->cap) {
		size_t cap = o->cap != 0 ? o->cap * 2 : OUI_FIRST_ENTRIES;
		struct oui_entry *e;

		if ((e = reallocarray(o->ents, cap, sizeof(*e))) == NULL)
			return VG_ERR_NOMEM;
		o->ents = e;
		o->cap = cap;
	}
	o->ents[o->n].prefix = prefix;
	o->ents[o->n].bits = bits;
	o->ents[o->n].name = name;
	o->n++;
	o->sorted = false;
	return VG_OK;
}

/*
 * Order by (bits, prefix), then by name offset: names are appended in
 * load order, so among duplicates the first loaded comes first.
 */
static int
entry_cmp(const void *pa, const void *pb)
{
	const struct oui_entry *a = pa, *b = pb;

	if (a->bits != b->bits)
		return a->bits < b->bits ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return a->name < b->name ? -1 : a->name > b->name;
}

/* Sort and keep the first of each duplicate assignment. */
static void
oui_finish(struct vg_oui *o)
{
	size_t i, w = 0;

	if (o->sorted)
		return;
	if (o->n > 1)
		qsort(o->ents, o->n, sizeof(*o->ents), entry_cmp);
	for (i = 0; i < o->n; i++) {
		if (w > 0 && o->ents[w - 1].bits == o->ents[i].bits &&
		    o->ents[w - 1].prefix == o->ents[i].prefix)
			continue;
		o->ents[w++] = o->ents[i];
	}
	o->n = w;
	o->sorted = true;
}

/*
 * Check one record and add it. Returns VG_OK also for a record skipped
 * with a warning; only no memory or the entry limit stop the load.
 */
static enum vg_rc
add_record(struct vg_oui *o, struct oui_record *r, const char *name,
	   vg_oui_warn_fn warn, void *ctx, struct vg_err *err)
{
	char show[OUI_WARN_SHOW + 4], org[OUI_MAX_NAME + 1];
	uint64_t prefix;
	uint32_t off;
	uint8_t bits;
	size_t i, n;
	bool cut;
	enum vg_rc rc;

	for (i = 0; i < OUI_FIELDS; i++)
		field_trim(&r->f[i]);
	/* An empty line (or one of blanks) is no record. */
	if (r->nfields == 1 && r->f[0].n == 0)
		return VG_OK;
	/* The header row, wherever it is (files may be concatenated). */
	if (r->nfields >= 2 && field_is(&r->f[0], "Registry") &&
	    field_is(&r->f[1], "Assignment"))
		return VG_OK;
	if (r->nfields < OUI_FIELDS) {
		oui_warn(o, warn, ctx,
			 _("%s:%d: %zu fields, expected at least %d"), name,
			 r->line, r->nfields, OUI_FIELDS);
		return VG_OK;
	}
	if (!parse_assignment(&r->f[1], &prefix, &bits)) {
		field_show(&r->f[1], show);
		oui_warn(o, warn, ctx, _("%s:%d: bad assignment '%s'"), name,
			 r->line, show);
		return VG_OK;
	}
	if ((n = clean_name(&r->f[2], org, &cut)) == 0) {
		oui_warn(o, warn, ctx, _("%s:%d: empty organization name"),
			 name, r->line);
		return VG_OK;
	}
	if (cut)
		oui_warn(o, warn, ctx,
			 _("%s:%d: organization name cut to %d bytes"), name,
			 r->line, OUI_MAX_NAME);
	if (o->n >= VG_OUI_MAX_ENTRIES)
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("%s:%d: more than %d vendor prefixes"),
				  name, r->line, VG_OUI_MAX_ENTRIES);
	if ((rc = pool_add(o, org, n, &off)) != VG_OK ||
	    (rc = entry_add(o, prefix, bits, off)) != VG_OK)
		return vg_err_set(err, rc, _("%s:%d: cannot store a prefix"),
				  name, r->line);
	return VG_OK;
}

/*
 * The reader's settings for registry files: ',' (never detected), and
 * sloppy records still read as before util/csv (text after a closing
 * quote kept, NUL bytes kept for the name cleaning to turn into spaces,
 * long fields and extra fields cut rather than refused), so that only a
 * quote open at the end of the file refuses a record.
 */
static const struct vg_csv_limits oui_csv_limits = {
	OUI_FIELD_KEEP, OUI_FIELDS,
	VG_OUI_MAX_FILE, /* records: one byte each at least */
};
#define OUI_CSV_FLAGS (VG_CSV_LAX_QUOTES | VG_CSV_KEEP_NUL | VG_CSV_CUT)

enum vg_rc
vg_oui_add_csv(struct vg_oui *o, const char *text, size_t len, const char *name,
	       vg_oui_warn_fn warn, void *ctx, struct vg_err *err)
{
	struct vg_csv c;
	struct oui_record r;
	struct vg_err cerr;
	enum vg_rc rc = VG_OK;
	size_t i;
	bool got;

	if (o == NULL || (text == NULL && len > 0))
		return vg_err_set(err, VG_ERR_USAGE, _("no vendor table"));
	if (name == NULL)
		name = "registry";
	vg_csv_init(&c, text, len, ',', &oui_csv_limits);
	vg_csv_set_flags(&c, OUI_CSV_FLAGS);
	for (;;) {
		vg_err_clear(&cerr);
		rc = vg_csv_next(&c, &got, &cerr);
		if (rc == VG_ERR_NOMEM) {
			vg_err_set(err, rc, "%s: %s", name, cerr.msg);
			goto done;
		}
		if (rc == VG_ERR_PARSE) {
			/* Under OUI_CSV_FLAGS, only an open quote at the end.
			 */
			oui_warn(o, warn, ctx,
				 _("%s:%d: unterminated quoted field"), name,
				 vg_csv_line(&c));
			rc = VG_OK;
			continue;
		}
		if (rc != VG_OK) {
			/* The record limit: the reader has stopped. */
			oui_warn(o, warn, ctx, "%s:%d: %s", name,
				 vg_csv_line(&c), cerr.msg);
			rc = VG_OK;
			continue;
		}
		if (!got)
			break;
		r.nfields = vg_csv_nfields(&c);
		r.line = vg_csv_line(&c);
		for (i = 0; i < OUI_FIELDS; i++)
			r.f[i].b = vg_csv_field(&c, i, &r.f[i].n);
		if ((rc = add_record(o, &r, name, warn, ctx, err)) != VG_OK)
			goto done;
	}
done:
	vg_csv_release(&c);
	/* Sort now, even after an error, so count and lookup agree. */
	oui_finish(o);
	return rc;
}

enum vg_rc
vg_oui_load_dir(struct vg_oui *o, const char *dir, vg_oui_warn_fn warn,
		void *ctx, struct vg_err *err)
{
	static const char *const files[] = {"oui.csv", "mam.csv", "oui36.csv"};
	char path[PATH_MAX];
	struct vg_buf buf;
	struct vg_err ferr;
	size_t i, loaded = 0;
	enum vg_rc rc = VG_OK;

	if (o == NULL)
		return vg_err_set(err, VG_ERR_USAGE, _("no vendor table"));
	if (dir == NULL)
		dir = VG_OUI_DIR;
	vg_buf_init(&buf, VG_OUI_MAX_FILE);
	for (i = 0; i < VG_ARRAY_LEN(files); i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) >=
		    (int)sizeof(path)) {
			oui_warn(o, warn, ctx, _("path too long: '%s'"), dir);
			continue;
		}
		vg_err_clear(&ferr);
		rc = vg_file_read(path, VG_OUI_MAX_FILE, &buf, &ferr);
		if (rc == VG_ERR_NOMEM) {
			vg_err_set(err, rc, "%s", ferr.msg);
			goto done;
		}
		if (rc != VG_OK) {
			/* A missing registry costs its vendors, not the run. */
			oui_warn(o, warn, ctx, "%s", ferr.msg);
			rc = VG_OK;
			continue;
		}
		loaded++;
		rc = vg_oui_add_csv(o, buf.data, buf.len, path, warn, ctx, err);
		if (rc != VG_OK)
			goto done;
	}
	if (loaded == 0)
		rc = vg_err_set(err, VG_ERR_IO,
				_("no vendor registry file could be read "
				  "in '%s'"),
				dir);
done:
	vg_buf_release(&buf);
	return rc;
}

/* The entry (bits, prefix) of the sorted table, or NULL. */
static const struct oui_entry *
oui_find(const struct vg_oui *o, uint8_t bits, uint64_t prefix)
{
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct oui_entry *e = &o->ents[mid];

		if (e->bits < bits || (e->bits == bits && e->prefix < prefix))
			lo = mid + 1;
		else if (e->bits == bits && e->prefix == prefix)
			return e;
		else
			hi = mid;
	}
	return NULL;
}

const char *
vg_oui_lookup(struct vg_oui *o, const uint8_t mac[6])
{
	/* Longest first: MA-S, then MA-M inside an MA-L block, then MA-L. */
	static const uint8_t lengths[] = {36, 28, 24};
	const struct oui_entry *e;
	uint64_t v = 0;
	size_t i;

	if (o == NULL || mac == NULL || o->n == 0)
		return NULL;
	oui_finish(o);
	for (i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	for (i = 0; i < VG_ARRAY_LEN(lengths); i++) {
		e = oui_find(o, lengths[i], v >> (48 - lengths[i]));
		if (e != NULL)
			return o->pool + e->name;
	}
	return NULL;
}
