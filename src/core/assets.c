/*
 * Declared assets (`vigie assets import`, R1's inventory of all
 * equipment): the contract of a declaration, the normalisers of its
 * fields and the reader of a declarations file (CSV, English or French
 * column names), which turns each bad line into a "FILE:LINE: column
 * 'x': ..." refusal and keeps the good ones. The stores record them
 * (store/sqlite_assets.c, store/memory.c).
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "util/csv.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

/* A column name or category after folding (case, accents' case, '_'). */
#define ASSET_KEY_MAX 64
/* Bytes of a bad value quoted back in a refusal. */
#define ASSET_ECHO_MAX 64
/* A refusal or warning, file name and value included. */
#define ASSET_MSG_MAX 1024

const char *const vg_asset_categories[] = {
	"biomedical", "building-management", "printer", "iot",
	"network",    "workstation",         "server",  NULL,
};

/* Every spelling accepted for a category, folded (see key_fold). */
static const struct {
	const char *alias, *category;
} category_aliases[] = {
	{"biomedical", "biomedical"},
	{"biomédical", "biomedical"},
	{"building-management", "building-management"},
	{"gtb", "building-management"},
	{"gestion-technique", "building-management"},
	{"printer", "printer"},
	{"imprimante", "printer"},
	{"iot", "iot"},
	{"objet-connecte", "iot"},
	{"objet-connecté", "iot"},
	{"network", "network"},
	{"reseau", "network"},
	{"réseau", "network"},
	{"workstation", "workstation"},
	{"poste", "workstation"},
	{"poste-de-travail", "workstation"},
	{"server", "server"},
	{"serveur", "server"},
};

/*
 * Fold a name for comparison: ASCII and Latin-1 capitals (UTF-8 C3 80 to
 * C3 9E but for the sign ×) to lower case, '_' and ' ' to '-'. False
 * when it does not fit out (ASSET_KEY_MAX).
 */
static bool
key_fold(const char *s, size_t n, char out[ASSET_KEY_MAX])
{
	size_t i;
	unsigned char ch;

	if (n >= ASSET_KEY_MAX)
		return false;
	for (i = 0; i < n; i++) {
		ch = (unsigned char)s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		else if (ch == '_' || ch == ' ')
			ch = '-';
		else if (ch >= 0x80 && ch <= 0x9e && ch != 0x97 && i > 0 &&
			 (unsigned char)s[i - 1] == 0xc3)
			ch = (unsigned char)(ch + 0x20);
		out[i] = (char)ch;
	}
	out[n] = '\0';
	return true;
}

bool
vg_asset_norm_mac(const char *s, size_t n, char out[VG_ASSET_MAC_LEN])
{
	unsigned char b[6];
	int nib[12], d;
	size_t i, k = 0, group;
	char sep = 0;

	/* The separator and the hex digits between two of them: ':' or
	 * '-' every 2 (17 bytes), '.' every 4 (cisco, 14 bytes), or 12
	 * hex digits alone. */
	if (n == 17 && (s[2] == ':' || s[2] == '-')) {
		sep = s[2];
		group = 2;
	} else if (n == 14 && s[4] == '.') {
		sep = '.';
		group = 4;
	} else if (n == 12) {
		group = 12;
	} else {
		return false;
	}
	for (i = 0; i < n; i++) {
		if (sep != 0 && i % (group + 1) == group) {
			/* The same separator throughout. */
			if (s[i] != sep)
				return false;
			continue;
		}
		if ((d = vg_hex_value(s[i])) < 0 || k >= VG_ARRAY_LEN(nib))
			return false;
		nib[k++] = d;
	}
	if (k != VG_ARRAY_LEN(nib))
		return false;
	for (i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(nib[2 * i] << 4 | nib[2 * i + 1]);
	/* A device's own address is unicast and not all zero. */
	if ((b[0] & 1) != 0 || (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) == 0)
		return false;
	(void)snprintf(out, VG_ASSET_MAC_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		       b[0], b[1], b[2], b[3], b[4], b[5]);
	return true;
}

bool
vg_asset_norm_ip(const char *s, size_t n, char out[VG_ASSET_IP_LEN])
{
	unsigned char addr[16];
	char tmp[VG_ASSET_IP_LEN];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, addr) == 1)
		return inet_ntop(AF_INET, addr, out, VG_ASSET_IP_LEN) != NULL;
	if (inet_pton(AF_INET6, tmp, addr) == 1)
		return inet_ntop(AF_INET6, addr, out, VG_ASSET_IP_LEN) != NULL;
	return false;
}

bool
vg_asset_norm_category(const char *s, size_t n, const char **out)
{
	char key[ASSET_KEY_MAX];
	size_t i;

	*out = NULL;
	if (!key_fold(s, n, key))
		return false;
	for (i = 0; i < VG_ARRAY_LEN(category_aliases); i++)
		if (strcmp(key, category_aliases[i].alias) == 0) {
			*out = category_aliases[i].category;
			return true;
		}
	return false;
}

/* Text of a declaration: UTF-8, no control byte, within the cap. */
static bool
text_ok(const char *s)
{
	size_t n;

	if (s == NULL)
		return true;
	n = strnlen(s, VG_ASSET_TEXT_MAX + 1);
	return n <= VG_ASSET_TEXT_MAX && vg_utf8_printable(s, n);
}

static bool
set_str(const char *s)
{
	return s != NULL && s[0] != '\0';
}

enum vg_rc
vg_asset_decl_check(const struct vg_declared_asset *a, struct vg_err *err)
{
	char mac[VG_ASSET_MAC_LEN], ip[VG_ASSET_IP_LEN];
	const char *cat;

	if (!set_str(a->name))
		return vg_err_set(err, VG_ERR_USAGE, _("asset: no name"));
	if (!text_ok(a->name) || !text_ok(a->mac) || !text_ok(a->ip) ||
	    !text_ok(a->category) || !text_ok(a->owner) || !text_ok(a->site))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("asset '%s': a text field is too long "
				    "or holds control characters"),
				  text_ok(a->name) ? a->name : "?");
	if (!set_str(a->mac) && !set_str(a->ip))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("asset '%s': no MAC or IP address"),
				  a->name);
	/* Normalised means the normaliser gives it back unchanged. */
	if (set_str(a->mac) &&
	    (!vg_asset_norm_mac(a->mac, strlen(a->mac), mac) ||
	     strcmp(mac, a->mac) != 0))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("asset '%s': MAC address '%s' not "
				    "normalised"),
				  a->name, a->mac);
	if (set_str(a->ip) &&
	    (!vg_asset_norm_ip(a->ip, strlen(a->ip), ip) ||
	     strcmp(ip, a->ip) != 0))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("asset '%s': IP address '%s' not "
				    "normalised"),
				  a->name, a->ip);
	if (set_str(a->category) &&
	    (!vg_asset_norm_category(a->category, strlen(a->category), &cat) ||
	     strcmp(cat, a->category) != 0))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("asset '%s': unknown category '%s'"),
				  a->name, a->category);
	if (a->criticality < 0 || a->criticality > 4)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("asset '%s': criticality %d is not 1 to 4"),
				  a->name, a->criticality);
	return VG_OK;
}

/* The declarations file --------------------------------------------- */

enum asset_col {
	COL_NAME,
	COL_MAC,
	COL_IP,
	COL_CATEGORY,
	COL_OWNER,
	COL_SITE,
	COL_CRITICALITY,
	COL_COUNT
};

/* The English name of each column, as refusals name it. */
static const char *const col_label[COL_COUNT] = {
	"name", "mac", "ip", "category", "owner", "site", "criticality",
};

/* Every header accepted for a column, folded (see key_fold). */
static const struct {
	const char *header;
	enum asset_col col;
} col_aliases[] = {
	{"name", COL_NAME},
	{"nom", COL_NAME},
	{"mac", COL_MAC},
	{"adresse-mac", COL_MAC},
	{"ip", COL_IP},
	{"adresse-ip", COL_IP},
	{"category", COL_CATEGORY},
	{"categorie", COL_CATEGORY},
	{"catégorie", COL_CATEGORY},
	{"owner", COL_OWNER},
	{"responsable", COL_OWNER},
	{"proprietaire", COL_OWNER},
	{"propriétaire", COL_OWNER},
	{"site", COL_SITE},
	{"criticality", COL_CRITICALITY},
	{"criticite", COL_CRITICALITY},
	{"criticité", COL_CRITICALITY},
};

/* What the reader of one file carries along. */
struct asset_file {
	const char *file;
	struct vg_asset_set *set;
	void (*note)(void *ctx, bool refused, const char *msg);
	void *ctx;
	int col[COL_COUNT]; /* field index of each column, -1 when absent */
	size_t n_header;    /* fields of the header */
};

static void file_note(struct asset_file *af, bool refused, int line,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Hand "FILE:LINE: message" to the caller's note function. */
static void
file_note(struct asset_file *af, bool refused, int line, const char *fmt, ...)
{
	char msg[ASSET_MSG_MAX];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "%s:%d: ", af->file, line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	(void)vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (!refused)
		af->set->n_warnings++;
	if (af->note != NULL)
		af->note(af->ctx, refused, msg);
}

/* The value v as quoted back in a message: capped, already checked to
 * be UTF-8 without control bytes (a cut may split a character: the log
 * escapes what it prints). */
static int
echo_len(size_t n)
{
	return (int)(n > ASSET_ECHO_MAX ? ASSET_ECHO_MAX : n);
}

static enum vg_rc
file_header(struct asset_file *af, struct vg_csv *c, struct vg_err *err)
{
	char key[ASSET_KEY_MAX];
	const char *h;
	size_t i, j, n;
	bool found;
	struct vg_err cerr;
	bool got;
	enum vg_rc rc;

	for (i = 0; i < COL_COUNT; i++)
		af->col[i] = -1;
	vg_err_clear(&cerr);
	if ((rc = vg_csv_next(c, &got, &cerr)) == VG_ERR_NOMEM)
		return vg_err_set(err, rc, "%s", cerr.msg);
	if (rc != VG_OK)
		return vg_err_set(err, VG_ERR_PARSE, _("%s:%d: header: %s"),
				  af->file, vg_csv_line(c), cerr.msg);
	if (!got)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s: empty file: the first line must name "
				    "the columns"),
				  af->file);
	af->n_header = vg_csv_nfields(c);
	for (i = 0; i < af->n_header; i++) {
		h = vg_csv_field(c, i, &n);
		vg_trim(&h, &n);
		if (n == 0)
			continue;
		found = false;
		if (key_fold(h, n, key))
			for (j = 0; j < VG_ARRAY_LEN(col_aliases); j++) {
				if (strcmp(key, col_aliases[j].header) != 0)
					continue;
				found = true;
				if (af->col[col_aliases[j].col] != -1)
					return vg_err_set(
						err, VG_ERR_PARSE,
						_("%s:%d: column '%s' appears "
						  "twice"),
						af->file, vg_csv_line(c),
						col_label[col_aliases[j].col]);
				af->col[col_aliases[j].col] = (int)i;
			}
		if (!found && vg_utf8_valid(h, n))
			file_note(af, false, vg_csv_line(c),
				  _("unknown column '%.*s' ignored"),
				  echo_len(n), h);
		else if (!found)
			file_note(af, false, vg_csv_line(c),
				  _("unknown column %zu ignored"), i + 1);
	}
	if (af->col[COL_NAME] == -1)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s:%d: no 'name' (or 'nom') column in "
				    "the header"),
				  af->file, vg_csv_line(c));
	if (af->col[COL_MAC] == -1 && af->col[COL_IP] == -1)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s:%d: no 'mac' or 'ip' column in the "
				    "header: each asset needs one"),
				  af->file, vg_csv_line(c));
	return VG_OK;
}

/* One line's values, normalised, before they are copied into the set. */
struct asset_row {
	const char *v[COL_COUNT]; /* trimmed text (in text), NULL if none */
	size_t n[COL_COUNT];
	char text[COL_COUNT][VG_ASSET_TEXT_MAX + 1];
	char mac[VG_ASSET_MAC_LEN];
	char ip[VG_ASSET_IP_LEN];
	const char *category;
	int criticality;
};

/* Check one column's text; false after noting the refusal. */
static bool
col_text_ok(struct asset_file *af, int line, enum asset_col col, const char *s,
	    size_t n)
{
	size_t i;

	if (!vg_utf8_valid(s, n)) {
		file_note(af, true, line,
			  _("column '%s': not UTF-8 text (save the file as "
			    "\"CSV UTF-8\")"),
			  col_label[col]);
		return false;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			file_note(af, true, line,
				  _("column '%s': control character in the "
				    "value"),
				  col_label[col]);
			return false;
		}
	if (n > VG_ASSET_TEXT_MAX) {
		file_note(af, true, line,
			  _("column '%s': value longer than %d bytes"),
			  col_label[col], VG_ASSET_TEXT_MAX);
		return false;
	}
	return true;
}

/* Read and check one line's columns into r; false when refused (every
 * fault noted). */
static bool
file_row(struct asset_file *af, struct vg_csv *c, struct asset_row *r)
{
	int line = vg_csv_line(c);
	bool present[COL_COUNT] = {false};
	bool ok = true;
	int64_t crit;
	size_t i, n;
	const char *s;

	memset(r, 0, sizeof(*r));
	for (i = af->n_header; i < vg_csv_nfields(c); i++) {
		s = vg_csv_field(c, i, &n);
		vg_trim(&s, &n);
		if (n > 0) {
			file_note(af, true, line,
				  _("%zu fields, the header names %zu"),
				  vg_csv_nfields(c), af->n_header);
			return false;
		}
	}
	for (i = 0; i < COL_COUNT; i++) {
		if (af->col[i] == -1)
			continue;
		s = vg_csv_field(c, (size_t)af->col[i], &n);
		vg_trim(&s, &n);
		if (n == 0)
			continue;
		if (!col_text_ok(af, line, (enum asset_col)i, s, n)) {
			/* Refused, not missing: said once. */
			present[i] = true;
			ok = false;
			continue;
		}
		/* Trimmed: a copy, within the cap checked above. */
		memcpy(r->text[i], s, n);
		r->text[i][n] = '\0';
		r->v[i] = r->text[i];
		r->n[i] = n;
	}
	if (r->v[COL_NAME] == NULL && !present[COL_NAME]) {
		file_note(af, true, line, _("column 'name': missing"));
		ok = false;
	}
	if (r->v[COL_MAC] != NULL &&
	    !vg_asset_norm_mac(r->v[COL_MAC], r->n[COL_MAC], r->mac)) {
		file_note(af, true, line,
			  _("column 'mac': invalid MAC address '%.*s'"),
			  echo_len(r->n[COL_MAC]), r->v[COL_MAC]);
		ok = false;
	}
	if (r->v[COL_IP] != NULL &&
	    !vg_asset_norm_ip(r->v[COL_IP], r->n[COL_IP], r->ip)) {
		file_note(af, true, line,
			  _("column 'ip': invalid IP address '%.*s'"),
			  echo_len(r->n[COL_IP]), r->v[COL_IP]);
		ok = false;
	}
	if (!present[COL_MAC] && !present[COL_IP] && r->v[COL_MAC] == NULL &&
	    r->v[COL_IP] == NULL) {
		file_note(af, true, line,
			  _("no MAC or IP address: one of 'mac' and 'ip' "
			    "is needed"));
		ok = false;
	}
	if (r->v[COL_CATEGORY] != NULL &&
	    !vg_asset_norm_category(r->v[COL_CATEGORY], r->n[COL_CATEGORY],
				    &r->category)) {
		file_note(af, true, line,
			  _("column 'category': unknown category '%.*s' "
			    "(biomedical, building-management, printer, "
			    "iot, network, workstation, server)"),
			  echo_len(r->n[COL_CATEGORY]), r->v[COL_CATEGORY]);
		ok = false;
	}
	if (r->v[COL_CRITICALITY] != NULL) {
		if (vg_parse_int(r->v[COL_CRITICALITY], r->n[COL_CRITICALITY],
				 1, 4, &crit) != VG_OK) {
			file_note(af, true, line,
				  _("column 'criticality': '%.*s' is not 1, "
				    "2, 3 or 4"),
				  echo_len(r->n[COL_CRITICALITY]),
				  r->v[COL_CRITICALITY]);
			ok = false;
		} else {
			r->criticality = (int)crit;
		}
	}
	return ok;
}

/* A copy of s, NULL for NULL; *fail set when out of memory. */
static char *
dup_or_null(const char *s, bool *fail)
{
	char *d;

	if (s == NULL || s[0] == '\0')
		return NULL;
	if ((d = strdup(s)) == NULL)
		*fail = true;
	return d;
}

static void
decl_free(struct vg_declared_asset *d)
{
	free((char *)d->name);
	free((char *)d->mac);
	free((char *)d->ip);
	free((char *)d->category);
	free((char *)d->owner);
	free((char *)d->site);
	memset(d, 0, sizeof(*d));
}

/* Append r's declaration (copied) to the set. */
static enum vg_rc
set_add(struct vg_asset_set *set, const struct asset_row *r, int line)
{
	struct vg_declared_asset d, *v;
	size_t cap;
	bool fail = false;
	int *lines;

	if (set->n == set->cap) {
		cap = set->cap == 0 ? 64 : set->cap * 2;
		if ((v = reallocarray(set->v, cap, sizeof(*v))) == NULL)
			return VG_ERR_NOMEM;
		set->v = v;
		if ((lines = reallocarray(set->line, cap, sizeof(*lines))) ==
		    NULL)
			return VG_ERR_NOMEM;
		set->line = lines;
		set->cap = cap;
	}
	memset(&d, 0, sizeof(d));
	d.name = dup_or_null(r->v[COL_NAME], &fail);
	d.mac = dup_or_null(r->v[COL_MAC] != NULL ? r->mac : NULL, &fail);
	d.ip = dup_or_null(r->v[COL_IP] != NULL ? r->ip : NULL, &fail);
	d.category = dup_or_null(r->category, &fail);
	d.owner = dup_or_null(r->v[COL_OWNER], &fail);
	d.site = dup_or_null(r->v[COL_SITE], &fail);
	d.criticality = r->criticality;
	if (fail) {
		decl_free(&d);
		return VG_ERR_NOMEM;
	}
	set->v[set->n] = d;
	set->line[set->n] = line;
	set->n++;
	return VG_OK;
}

/* By name, then by line: the last of equal names is the one kept. */
static int
by_name_line(const void *a, const void *b, void *arg)
{
	const struct vg_asset_set *set = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(set->v[i].name, set->v[j].name);

	if (c != 0)
		return c;
	return (set->line[i] > set->line[j]) - (set->line[i] < set->line[j]);
}

/* Sort the set by name and keep one declaration per name, the file's
 * last, with a warning for each replaced one. */
static enum vg_rc
set_dedup(struct asset_file *af)
{
	struct vg_asset_set *set = af->set;
	struct vg_declared_asset *v = NULL;
	size_t *ix = NULL, i, k = 0;
	int *lines = NULL;
	enum vg_rc rc = VG_ERR_NOMEM;

	if (set->n == 0)
		return VG_OK;
	if ((ix = reallocarray(NULL, set->n, sizeof(*ix))) == NULL ||
	    (v = reallocarray(NULL, set->n, sizeof(*v))) == NULL ||
	    (lines = reallocarray(NULL, set->n, sizeof(*lines))) == NULL)
		goto done;
	for (i = 0; i < set->n; i++)
		ix[i] = i;
	qsort_r(ix, set->n, sizeof(*ix), by_name_line, set);
	for (i = 0; i < set->n; i++) {
		if (i + 1 < set->n &&
		    strcmp(set->v[ix[i]].name, set->v[ix[i + 1]].name) == 0) {
			file_note(af, false, set->line[ix[i + 1]],
				  _("asset '%s' already declared on line %d: "
				    "this line replaces it"),
				  set->v[ix[i]].name, set->line[ix[i]]);
			decl_free(&set->v[ix[i]]);
			continue;
		}
		v[k] = set->v[ix[i]];
		lines[k] = set->line[ix[i]];
		k++;
	}
	free(set->v);
	free(set->line);
	set->v = v;
	set->line = lines;
	set->n = set->cap = k;
	v = NULL;
	lines = NULL;
	rc = VG_OK;
done:
	free(ix);
	free(v);
	free(lines);
	return rc;
}

void
vg_asset_set_init(struct vg_asset_set *set)
{
	memset(set, 0, sizeof(*set));
}

void
vg_asset_set_release(struct vg_asset_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		decl_free(&set->v[i]);
	free(set->v);
	free(set->line);
	memset(set, 0, sizeof(*set));
}

/* A line whose fields are all empty (a spreadsheet's ";;;;" row). */
static bool
row_empty(const struct vg_csv *c)
{
	const char *s;
	size_t i, n;

	for (i = 0; i < vg_csv_nfields(c); i++) {
		s = vg_csv_field(c, i, &n);
		vg_trim(&s, &n);
		if (n > 0)
			return false;
	}
	return true;
}

enum vg_rc
vg_assets_parse_csv(const char *file, const char *buf, size_t len,
		    struct vg_asset_set *set,
		    void (*note)(void *ctx, bool refused, const char *msg),
		    void *ctx, struct vg_err *err)
{
	struct asset_file af;
	struct asset_row r;
	struct vg_csv c;
	struct vg_err cerr;
	enum vg_rc rc;
	bool got;

	memset(&af, 0, sizeof(af));
	af.file = file;
	af.set = set;
	af.note = note;
	af.ctx = ctx;
	vg_csv_init(&c, buf, len, 0, NULL);
	if ((rc = file_header(&af, &c, err)) != VG_OK)
		goto done;
	for (;;) {
		vg_err_clear(&cerr);
		rc = vg_csv_next(&c, &got, &cerr);
		if (rc == VG_ERR_NOMEM) {
			rc = vg_err_set(err, rc, "%s", cerr.msg);
			goto done;
		}
		if (rc != VG_OK) {
			file_note(&af, true, vg_csv_line(&c), "%s", cerr.msg);
			set->n_refused++;
			continue;
		}
		if (!got)
			break;
		if (row_empty(&c))
			continue;
		if (!file_row(&af, &c, &r)) {
			set->n_refused++;
			continue;
		}
		if (set_add(set, &r, vg_csv_line(&c)) != VG_OK) {
			rc = vg_err_set(err, VG_ERR_NOMEM,
					_("assets: out of memory"));
			goto done;
		}
	}
	if (set_dedup(&af) != VG_OK)
		rc = vg_err_set(err, VG_ERR_NOMEM, _("assets: out of memory"));
	else
		rc = VG_OK;
done:
	vg_csv_release(&c);
	if (rc != VG_OK)
		vg_asset_set_release(set);
	return rc;
}

/* The SQLite side ---------------------------------------------------- */

/* Prepared per call: an import is rare, the cache of sq_sql is not
 * worth a statement slot. */
