/*
 * A CSV record reader over a buffer (RFC 4180, as spreadsheets write it):
 * fields separated by ',' or ';' (detected from the first line when not
 * given: French spreadsheets export ';'), optionally in double quotes,
 * "" for a quote inside quotes, quoted fields spanning line breaks,
 * CRLF, LF or CR line ends, a leading UTF-8 BOM skipped.
 *
 * Input is untrusted: a field, the fields of a record and the records of
 * a buffer are capped (struct vg_csv_limits); a record with a NUL byte,
 * a field past its cap, text after a closing quote or a quote left open
 * at the end of the buffer is refused on its own, and the reader goes on
 * with the next record. Field bytes are copied (unquoted) into storage
 * owned by the reader, never more than the input's size. Flags
 * (vg_csv_set_flags) relax some refusals for files that are known to be
 * sloppy but are read for a few fields only (the IEEE registry files).
 */
#ifndef VG_UTIL_CSV_H
#define VG_UTIL_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define VG_CSV_FIELD_MAX (64u << 10) /* bytes of one field, unquoted */
#define VG_CSV_FIELDS_MAX 256        /* fields of one record */
#define VG_CSV_RECORDS_MAX 1000000   /* records of one buffer */

struct vg_csv_limits {
	size_t field;   /* longest field, in bytes */
	size_t fields;  /* most fields in a record */
	size_t records; /* most records read (blank lines not counted) */
};

/* Flags of vg_csv_set_flags, or-ed; 0 (the default) is strict. */
/* Text after a closing quote is kept as written ("a" b reads a b). */
#define VG_CSV_LAX_QUOTES 0x1u
/* NUL bytes are kept in fields: read a field with its length. */
#define VG_CSV_KEEP_NUL 0x2u
/* Past lim.field a field keeps its first lim.field bytes, past
 * lim.fields a record its first lim.fields fields (the rest is scanned,
 * quotes included, then dropped): neither refuses the record. */
#define VG_CSV_CUT 0x4u

/* The reader. Its members are private: use the functions below. */
struct vg_csv {
	const char *p, *end;
	char delim;
	unsigned flags; /* VG_CSV_* */
	int line;       /* physical line of p, 1-based */
	int rec_line;
	struct vg_csv_limits lim;
	size_t n_records;
	bool stopped; /* the record limit was reached */
	/* The current record: fields' bytes, each NUL-terminated, in buf
	 * at off[i], len[i] bytes long. */
	char *buf;
	size_t buf_len, buf_cap;
	size_t *off, *len;
	size_t n_fields, fields_cap;
};

/*
 * Set up a reader over the len bytes at buf (which must outlive it);
 * allocates nothing. delim is ',' or ';', or 0 to pick the one found
 * more often outside quotes in the first line (',' on a tie). lim NULL
 * means the VG_CSV_*_MAX defaults.
 */
void vg_csv_init(struct vg_csv *c, const char *buf, size_t len, char delim,
		 const struct vg_csv_limits *lim);
/*
 * Set the reader's VG_CSV_* flags, before its first vg_csv_next. With
 * all three, the only refusals left are a quote still open at the end
 * (VG_ERR_PARSE) and the record limit (VG_ERR_LIMIT).
 */
void vg_csv_set_flags(struct vg_csv *c, unsigned flags);
/* Free what the reader holds; it reads nothing more. */
void vg_csv_release(struct vg_csv *c);

/*
 * Read the next record. VG_OK: *got is true and the record's fields are
 * read with vg_csv_field, or *got is false at the end of the buffer.
 * Blank lines (nothing between two line ends) are skipped, not records.
 * VG_ERR_PARSE (a NUL byte, text after a closing quote, a quote still
 * open at the end) or VG_ERR_LIMIT (a field or record too large): err
 * says why, vg_csv_line where the record starts; the record is skipped
 * and the next call reads on. VG_ERR_LIMIT once the record limit is
 * reached stops the reader (later calls: end). VG_ERR_NOMEM: stop.
 */
enum vg_rc vg_csv_next(struct vg_csv *c, bool *got, struct vg_err *err);

/* Fields in the record last read (at least 1). */
size_t vg_csv_nfields(const struct vg_csv *c);
/* Field i (< vg_csv_nfields) as a NUL-terminated string of *len bytes
 * (len may be NULL; with VG_CSV_KEEP_NUL use it: a field may hold NUL
 * bytes); valid until the next vg_csv_next. */
const char *vg_csv_field(const struct vg_csv *c, size_t i, size_t *len);
/* Line (1-based) where the record last read, or refused, starts. */
int vg_csv_line(const struct vg_csv *c);
/* The delimiter in use. */
char vg_csv_delim(const struct vg_csv *c);

#endif
