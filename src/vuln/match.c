/*
 * Matching installed packages against the known vulnerabilities
 * (vuln/match.h): each distinct (source, source version) is looked up
 * for the host's release, every entry judged with dpkg's ordering, and
 * the affecting entries folded into one struct vg_vuln_pkg per package.
 *
 * Entries are never matched by exact-string membership of a version
 * list (debsecan's quirk): only ordered comparisons against the fix,
 * the introducing version and the last affected version.
 *
 * Folding, per package:
 * - an id affects when any of its entries does (an OSV record with two
 *   ranges comes as two entries of one id); ids are counted once;
 * - NOT_AFFECTED entries never affect (the release was never vulnerable);
 * - the status is the most actionable among the affecting entries: a fix
 *   available, else open, else end-of-life, else undetermined. So an
 *   undetermined entry is counted but never makes a package "fixed";
 * - the fixed version is the highest among affecting FIXED entries;
 * - entries of urgency "unimportant" are kept and listed, and the
 *   package's urgency is "unimportant" only when all of them are: rule
 *   R7 raises no finding for such a package (Debian's triage says the
 *   issue does not matter in this release; debsecan hides them too).
 */
#include "util/common.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/dpkg_version.h"
#include "util/buf.h"
#include "store/store.h"
#include "vuln/match.h"
#include "util/banned.h"

/* Ids listed in a package's ids and kev_ids: the counts stay exact. */
#define MATCH_MAX_IDS_LISTED 50
/* Binary packages listed for one source package (libreoffice has 200). */
#define MATCH_MAX_BINARIES_LISTED 32
/* Affecting entries kept for one package: the Linux kernel source has
 * about 10,000 CVEs; more is a broken or hostile store. */
#define MATCH_MAX_HITS 200000
/* Longest joined list: ids and names are cut to VG_FEED_MAX_NAME. */
#define MATCH_MAX_LIST                                                         \
	((MATCH_MAX_BINARIES_LISTED + 2) * (VG_FEED_MAX_NAME + 1))

/* An "introduced" of "0" (or empty) is OSV's "from the first version". */
static bool
from_start(const char *introduced)
{
	return introduced == NULL || *introduced == '\0' ||
		strcmp(introduced, "0") == 0;
}

/* Length of v's "epoch:upstream" (all before the last '-'), the epoch
 * "0:" left out, and where it starts. */
static size_t
upstream_of(const char *v, size_t n, const char **start)
{
	const char *dash;

	if (n >= 2 && v[0] == '0' && v[1] == ':') {
		v += 2;
		n -= 2;
	}
	*start = v;
	dash = memrchr(v, '-', n);
	return dash != NULL ? (size_t)(dash - v) : n;
}

/* Longest branch list remembered (a few hundred bytes in feeds). */
#define MATCH_MAX_MEMO_LIST 65536

/*
 * An installed version, with its "epoch:upstream" worked out once for
 * every entry it is compared with, and the answers for the last entry's
 * fix and branch list: a package's entries come in id order, and more
 * than half share the previous entry's (one advisory fixes several).
 */
struct inst {
	const char *v;
	/* v's split and key are worked out at their first use (inst_split,
	 * inst_key): a package whose entries are all undetermined, or
	 * fixed on its branch, needs neither. */
	struct vg_dpkg_split split; /* of v, when split_ok */
	bool split_ok, key_ok;
	const char *up; /* upstream_of(v) */
	size_t up_n;
	/* up, NUL-ended; "" (found in any list) when too long. */
	char upz[VG_FEED_MAX_VERSION];
	/* v's vg_dpkg_version_key (key_len 0: v is not valid): compared
	 * with the fixes' keys the store packs. */
	unsigned char key[VG_DPKG_KEY_MAX];
	size_t key_len;
	/* The last fix compared (fix_known) and v's order against it. */
	char fix[VG_FEED_MAX_VERSION];
	bool fix_known;
	int fix_cmp;
	/* The last branch list read (list_known), whether it fixes v and
	 * else where in it v's branch fix is (list_fix_n 0: none). */
	struct vg_buf list;
	bool list_known, list_fixed;
	size_t list_fix_at, list_fix_n;
};

static void
inst_init(struct inst *in, const char *v)
{
	in->v = v;
	in->split_ok = in->key_ok = false;
	in->up_n = upstream_of(v, strlen(v), &in->up);
	in->upz[0] = '\0';
	if (in->up_n < sizeof(in->upz)) {
		memcpy(in->upz, in->up, in->up_n);
		in->upz[in->up_n] = '\0';
	}
	in->fix_known = in->list_known = false;
	if (in->list.max == 0)
		vg_buf_init(&in->list, MATCH_MAX_MEMO_LIST);
}

static void
inst_release(struct inst *in)
{
	vg_buf_release(&in->list);
}

/* The installed version's split, worked out once. */
static const struct vg_dpkg_split *
inst_split(struct inst *in)
{
	if (!in->split_ok) {
		vg_dpkg_version_split(in->v, &in->split);
		in->split_ok = true;
	}
	return &in->split;
}

/* The installed version's key length (0: not valid), worked out once. */
static size_t
inst_key(struct inst *in)
{
	if (!in->key_ok) {
		in->key_len = vg_dpkg_version_key(in->v, in->key);
		in->key_ok = true;
	}
	return in->key_len;
}

/* The order of the installed version and v, -1, 0 or 1. */
static int
inst_cmp(struct inst *in, const char *v)
{
	return vg_dpkg_version_cmp_split(inst_split(in), v, SIZE_MAX);
}

/* inst_cmp against a fix, the last one's answer reused. */
static int
inst_cmp_fix(struct inst *in, const char *fix)
{
	size_t n;

	if (in->fix_known && strcmp(fix, in->fix) == 0)
		return in->fix_cmp;
	in->fix_cmp = inst_cmp(in, fix);
	if ((n = strlen(fix)) < sizeof(in->fix)) {
		memcpy(in->fix, fix, n + 1);
		in->fix_known = true;
	} else {
		in->fix_known = false;
	}
	return in->fix_cmp;
}

/*
 * debsecan's known-fixed versions (other_versions) are fixes on some
 * branch: a stable release's security update, a backport. v carries the
 * fix when one of them has the same epoch and upstream version as v and
 * v is at least that version — the ordered comparison debsecan's
 * exact-string membership misses (vulnerability-data.md §1.4). The
 * version of that branch's fix goes to *fix when v is older than it.
 */
static bool
fixed_on_branch(const char *list, struct inst *in, const char **fix,
		size_t *fix_len)
{
	const char *p = list, *xu;
	size_t n, xn;

	/* A branch of the installed upstream version holds its text: most
	 * lists do not, and are not read word by word. */
	if (list == NULL || strstr(list, in->upz) == NULL)
		return false;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		/* Compared in place. */
		if (n > 0 && n < VG_FEED_MAX_VERSION &&
		    (xn = upstream_of(p, n, &xu)) == in->up_n &&
		    memcmp(xu, in->up, xn) == 0) {
			if (vg_dpkg_version_cmp_split(inst_split(in), p, n) >=
			    0)
				return true;
			if (fix != NULL) {
				*fix = p;
				*fix_len = n;
			}
		}
		p += n;
	}
	return false;
}

/* fixed_on_branch, the last list's answer reused; *fix then points into
 * in's copy of the list (until the next call). */
static bool
on_branch(struct inst *in, const char *list, const char **fix, size_t *fix_len)
{
	/* One pass over the list when it is the last one (the copy is
	 * NUL-ended): no strlen first. */
	if (in->list_known && strcmp(list, vg_buf_str(&in->list)) == 0) {
		if (in->list_fix_n > 0) {
			*fix = in->list.data + in->list_fix_at;
			*fix_len = in->list_fix_n;
		}
		return in->list_fixed;
	}
	in->list_fixed = fixed_on_branch(list, in, fix, fix_len);
	vg_buf_reset(&in->list);
	/* Too long to keep: asked again, read again. */
	in->list_known = vg_buf_adds(&in->list, list) == VG_OK;
	in->list_fix_n = *fix != NULL ? *fix_len : 0;
	in->list_fix_at = *fix != NULL ? (size_t)(*fix - list) : 0;
	return in->list_fixed;
}

/*
 * Whether e affects the installed version, the branch list read once:
 * when it does, *bfix (and *bfix_len) name the fix of the installed
 * version's branch if the feed lists one, else stay NULL.
 */
static bool
affects(const struct vg_vuln_entry *e, struct inst *in, const char **bfix,
	size_t *bfix_len)
{
	*bfix = NULL;
	*bfix_len = 0;
	if (e->fixed_on_branches != NULL &&
	    on_branch(in, e->fixed_on_branches, bfix, bfix_len))
		return false;
	switch (e->status) {
	case VG_VULN_FIXED:
		/* Fixed in "0" (or no version at all): nothing installed
		 * is older than the fix. */
		if (e->fixed_version == NULL || *e->fixed_version == '\0' ||
		    strcmp(e->fixed_version, "0") == 0)
			return false;
		if (!from_start(e->introduced) &&
		    inst_cmp(in, e->introduced) < 0)
			return false;
		if (e->fixed_key != NULL && inst_key(in) > 0)
			return vg_dpkg_key_cmp(in->key, in->key_len,
					       e->fixed_key,
					       e->fixed_key_len) < 0;
		return inst_cmp_fix(in, e->fixed_version) < 0;
	case VG_VULN_OPEN:
	case VG_VULN_END_OF_LIFE:
		if (!from_start(e->introduced) &&
		    inst_cmp(in, e->introduced) < 0)
			return false;
		return e->last_affected == NULL ||
			inst_cmp(in, e->last_affected) <= 0;
	case VG_VULN_UNDETERMINED:
		/* Nobody knows yet: reported, with its own status. */
		return true;
	case VG_VULN_NOT_AFFECTED:
		break;
	}
	return false;
}

bool
vg_vuln_affects(const struct vg_vuln_entry *e, const char *v)
{
	const char *bfix;
	size_t bfix_len;
	struct inst in;
	bool yes;

	if (e == NULL || v == NULL)
		return false;
	memset(&in, 0, sizeof(in));
	inst_init(&in, v);
	yes = affects(e, &in, &bfix, &bfix_len);
	inst_release(&in);
	return yes;
}

/* One affecting entry's id, copied (the entry's strings live for the
 * call), and whether it is in KEV: what the lists need. The copy is at
 * id_at in the package's strs until its lookup ends (strs may move
 * meanwhile), then at id. */
struct hit {
	size_t id_at, id_n;
	const char *id;
	bool kev;
	bool same; /* the id of the hit before (set by hits_in_order) */
};

/* The signals of a package's affecting entries, folded as they come. */
struct fold {
	bool fixed, open, eol, ransomware;
	int rank, urgency; /* urgency_rank of the highest, and it */
	double cvss, epss;
	/* The highest fix (NULL, or a copy in max_text), split, and the id
	 * it came with (at max_id_at in strs): of fixes equal in dpkg's
	 * order the lowest id's is kept, as when the hits were folded in id
	 * order. */
	const char *max;
	char max_text[VG_FEED_MAX_VERSION + 1];
	size_t max_n, max_id_at;
	struct vg_dpkg_split max_split; /* when max_split_ok */
	bool max_split_ok;
	/* Its key, when it came with one (max_key_len 0: none). */
	unsigned char max_key[VG_DPKG_KEY_MAX];
	size_t max_key_len;
	/* The fix last found lower: its other hits need no comparison. */
	char lower[VG_FEED_MAX_VERSION + 1];
	size_t lower_n;
	bool lower_known;
};

/* o empty for the next package: its texts are read only up to their
 * lengths, so they are not cleared (a memset of 900 bytes each). */
static void
fold_reset(struct fold *o)
{
	o->fixed = o->open = o->eol = o->ransomware = false;
	o->rank = -1;
	o->urgency = 0;
	o->cvss = o->epss = -1;
	o->max = NULL;
	o->max_n = o->max_id_at = o->max_key_len = o->lower_n = 0;
	o->max_split_ok = o->lower_known = false;
}

/* The affecting entries of one package being looked up. */
struct acc {
	struct inst version; /* installed source version */
	struct hit *hits;
	size_t n, cap;
	struct fold fold;
	/* The hits' ids, each NUL-ended, emptied per package: one buffer
	 * that keeps its allocation, rather than an arena's per package. */
	struct vg_buf strs;
	struct vg_buf ids, kev, bins; /* the lists being built, reused */
};

/* Append item to a comma-joined list. */
/* item (n bytes) appended to the comma-joined list b. */
static enum vg_rc
list_add(struct vg_buf *b, const char *item, size_t n)
{
	enum vg_rc rc;
	size_t comma = b->len > 0;

	if ((rc = vg_buf_reserve(b, comma + n)) != VG_OK)
		return rc;
	b->data[b->len] = ',';
	memcpy(b->data + b->len + comma, item, n);
	vg_buf_setlen(b, b->len + comma + n);
	return VG_OK;
}

/* The list as a facts string, NULL when empty. */
static enum vg_rc
list_str(struct vg_facts *f, const struct vg_buf *b, const char **out)
{
	*out = NULL;
	if (b->len == 0)
		return VG_OK;
	if ((*out = vg_facts_strn(f, b->data, b->len)) == NULL)
		return VG_ERR_NOMEM;
	return VG_OK;
}

/*
 * The urgency's weight when taking the highest: "unimportant" below
 * "unknown", so the highest is "unimportant" only when all are.
 */
static int
urgency_rank(enum vg_urgency u)
{
	switch (u) {
	case VG_URG_UNIMPORTANT:
		return 0;
	case VG_URG_UNKNOWN:
		return 1;
	case VG_URG_LOW:
		return 2;
	case VG_URG_MEDIUM:
		return 3;
	case VG_URG_HIGH:
		return 4;
	}
	return 1;
}

/*
 * Fold a fix (n bytes at fix) of the affecting entry id into the
 * highest: compared only when its text is neither the highest's nor the
 * one last found lower (hits in a row share their fix: one advisory,
 * several ids).
 */
static enum vg_rc
fold_fix(struct acc *a, size_t id_at, const char *fix, size_t n,
	 const unsigned char *key, size_t key_len)
{
	struct fold *o = &a->fold;
	const char *id = a->strs.data + id_at;
	int c = -1;

	if (o->max != NULL) {
		if ((n == o->max_n && memcmp(fix, o->max, n) == 0) ||
		    (o->lower_known && n == o->lower_n &&
		     memcmp(fix, o->lower, n) == 0))
			return VG_OK;
		/* Keys when both have one, else the texts. */
		if (key != NULL && o->max_key_len > 0) {
			c = vg_dpkg_key_cmp(o->max_key, o->max_key_len, key,
					    key_len);
		} else {
			if (!o->max_split_ok) {
				vg_dpkg_version_split(o->max, &o->max_split);
				o->max_split_ok = true;
			}
			c = vg_dpkg_version_cmp_split(&o->max_split, fix, n);
		}
		if (c > 0 ||
		    (c == 0 && strcmp(id, a->strs.data + o->max_id_at) >= 0)) {
			if (c > 0 && n < sizeof(o->lower)) {
				memcpy(o->lower, fix, n);
				o->lower_n = n;
				o->lower_known = true;
			}
			return VG_OK;
		}
	}
	/* A branch's fix is shorter, a feed's cut to VG_FEED_MAX_VERSION. */
	if (n >= sizeof(o->max_text))
		return VG_ERR_LIMIT;
	memcpy(o->max_text, fix, n);
	o->max_text[n] = '\0';
	o->max = o->max_text;
	o->max_n = n;
	o->max_id_at = id_at;
	o->max_split_ok = false;
	o->max_key_len =
		key != NULL && key_len <= sizeof(o->max_key) ? key_len : 0;
	if (o->max_key_len > 0)
		memcpy(o->max_key, key, key_len);
	return VG_OK;
}

/* Fold e, which affects the installed version, bfix its branch's fix
 * (NULL: the feed's fixed version). */
static enum vg_rc
fold_entry(struct acc *a, const struct vg_vuln_entry *e, size_t id_at,
	   const char *bfix, size_t bfix_len)
{
	struct fold *o = &a->fold;
	enum vg_rc rc = VG_OK;

	/* The fix to install is the one of the installed version's branch
	 * when the feed names it, else the feed's fixed version. */
	if (e->status == VG_VULN_FIXED) {
		o->fixed = true;
		rc = bfix != NULL ? fold_fix(a, id_at, bfix, bfix_len, NULL, 0)
				  : fold_fix(a, id_at, e->fixed_version,
					     strnlen(e->fixed_version,
						     VG_FEED_MAX_VERSION),
					     e->fixed_key, e->fixed_key_len);
	} else if (e->status == VG_VULN_OPEN) {
		o->open = true;
	} else if (e->status == VG_VULN_END_OF_LIFE) {
		o->eol = true;
	}
	if (urgency_rank(e->urgency) > o->rank) {
		o->rank = urgency_rank(e->urgency);
		o->urgency = (int)e->urgency;
	}
	if (e->cvss > o->cvss && e->cvss <= 10.0)
		o->cvss = e->cvss;
	if (e->epss > o->epss && e->epss <= 1.0)
		o->epss = e->epss;
	o->ransomware = o->ransomware || (e->kev && e->kev_ransomware);
	return rc;
}

static enum vg_rc
on_entry(void *ctx, const struct vg_vuln_entry *e)
{
	struct acc *a = ctx;
	const char *bfix = NULL;
	size_t ncap, bfix_len = 0;
	struct hit *h;
	enum vg_rc rc;

	if (e == NULL || e->id == NULL || *e->id == '\0' ||
	    !affects(e, &a->version, &bfix, &bfix_len))
		return VG_OK;
	if (a->n >= MATCH_MAX_HITS)
		return VG_ERR_LIMIT;
	if (a->n == a->cap) {
		ncap = a->cap ? a->cap * 2 : 32;
		if ((h = reallocarray(a->hits, ncap, sizeof(*h))) == NULL)
			return VG_ERR_NOMEM;
		a->hits = h;
		a->cap = ncap;
	}
	h = &a->hits[a->n];
	h->kev = e->kev;
	h->id_at = a->strs.len;
	h->id_n = strnlen(e->id, VG_FEED_MAX_ID);
	/* The id and its NUL, the next one's start. */
	if ((rc = vg_buf_reserve(&a->strs, h->id_n + 1)) != VG_OK)
		return rc;
	memcpy(a->strs.data + a->strs.len, e->id, h->id_n);
	a->strs.data[a->strs.len + h->id_n] = '\0';
	vg_buf_setlen(&a->strs, a->strs.len + h->id_n + 1);
	a->n++;
	return fold_entry(a, e, h->id_at, bfix, bfix_len);
}

/* The hits' ids where their lookup left them. */
static void
hits_resolve(struct acc *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		a->hits[i].id = a->strs.data + a->hits[i].id_at;
}

static int
hit_cmp(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;

	return strcmp(a->id, b->id);
}

/*
 * Whether the hits are in id order, each marked when its id is the one
 * before's (same): the one comparison of each pair serves both. A
 * store hands a row's entries out in id order, so they are unless two
 * rows gave some.
 */
static bool
hits_in_order(struct acc *a)
{
	size_t i;
	int c;

	for (i = 1; i < a->n; i++) {
		if ((c = strcmp(a->hits[i - 1].id, a->hits[i].id)) > 0)
			return false;
		a->hits[i].same = c == 0;
	}
	return true;
}

/* The hits sorted by id, each marked as hits_in_order does. */
static void
hits_sort(struct acc *a)
{
	if (!hits_in_order(a)) {
		qsort(a->hits, a->n, sizeof(*a->hits), hit_cmp);
		(void)hits_in_order(a);
	}
}

/* The folded signals into v. */
static void
fold_out(const struct fold *o, struct vg_vuln_pkg *v)
{
	v->fixed_version = o->max;
	v->urgency = o->urgency;
	v->cvss = o->cvss;
	v->epss = o->epss;
	v->ransomware = o->ransomware;
	v->status = o->fixed ? VG_VPKG_FIX_AVAILABLE
		: o->open    ? VG_VPKG_NO_FIX_YET
		: o->eol     ? VG_VPKG_END_OF_LIFE
			     : VG_VPKG_UNDETERMINED;
}

/*
 * The ids (sorted, each once) and those in KEV, listed up to
 * MATCH_MAX_IDS_LISTED and counted exactly.
 */
static enum vg_rc
fold_ids(struct vg_facts *f, struct acc *a, struct vg_vuln_pkg *v)
{
	enum vg_rc rc = VG_OK;
	size_t i, j;
	bool in_kev;

	vg_buf_reset(&a->ids);
	vg_buf_reset(&a->kev);
	for (i = 0; i < a->n && rc == VG_OK; i = j) {
		in_kev = a->hits[i].kev;
		for (j = i + 1; j < a->n && a->hits[j].same; j++)
			in_kev = in_kev || a->hits[j].kev;
		if (v->n_ids++ < MATCH_MAX_IDS_LISTED)
			rc = list_add(&a->ids, a->hits[i].id, a->hits[i].id_n);
		if (in_kev && rc == VG_OK && v->n_kev++ < MATCH_MAX_IDS_LISTED)
			rc = list_add(&a->kev, a->hits[i].id, a->hits[i].id_n);
	}
	if (rc == VG_OK)
		rc = list_str(f, &a->ids, &v->ids);
	if (rc == VG_OK)
		rc = list_str(f, &a->kev, &v->kev_ids);
	return rc;
}

/* The source name and version a package is matched by. */
static const char *
src_name(const struct vg_package *p)
{
	return p->source != NULL && *p->source != '\0' ? p->source : p->name;
}

static const char *
src_version(const struct vg_package *p)
{
	return p->source_version != NULL && *p->source_version != '\0'
		? p->source_version
		: p->version;
}

/* By source, source version, then binary name: groups are runs. */
static int
pkg_cmp(const void *x, const void *y)
{
	const struct vg_package *a = *(const struct vg_package *const *)x;
	const struct vg_package *b = *(const struct vg_package *const *)y;
	int c;

	if ((c = strcmp(src_name(a), src_name(b))) != 0)
		return c;
	if ((c = strcmp(src_version(a), src_version(b))) != 0)
		return c;
	return strcmp(a->name, b->name);
}

static bool
same_source(const struct vg_package *a, const struct vg_package *b)
{
	return strcmp(src_name(a), src_name(b)) == 0 &&
		strcmp(src_version(a), src_version(b)) == 0;
}

/* The binary names of the run pk[0..n), comma-joined and capped. */
static enum vg_rc
binaries_of(struct vg_facts *f, struct vg_buf *b, struct vg_package *const *pk,
	    size_t n, const char **out)
{
	enum vg_rc rc = VG_OK;
	size_t i;

	vg_buf_reset(b);
	for (i = 0; i < n && i < MATCH_MAX_BINARIES_LISTED && rc == VG_OK; i++)
		rc = list_add(b, pk[i]->name, strlen(pk[i]->name));
	if (rc == VG_OK && n > MATCH_MAX_BINARIES_LISTED)
		rc = vg_buf_printf(b, ",+%zu", n - MATCH_MAX_BINARIES_LISTED);
	if (rc == VG_OK)
		rc = list_str(f, b, out);
	return rc;
}

/* Look up one source package (the run pk[0..n)) and record it when an
 * entry affects it. */
static enum vg_rc
match_one(struct vg_facts *f, struct acc *a, struct vg_package *const *pk,
	  size_t n, vg_vuln_lookup_fn lookup, void *ctx, struct vg_err *err)
{
	struct vg_vuln_pkg *v;
	enum vg_rc rc;

	a->n = 0;
	vg_buf_reset(&a->strs);
	fold_reset(&a->fold);
	inst_init(&a->version, src_version(pk[0]));
	rc = lookup(ctx, f->os.codename, src_name(pk[0]), on_entry, a, err);
	if (rc != VG_OK) {
		/* Our own callback's failures leave err empty. */
		if (err != NULL && err->msg[0] == '\0')
			(void)vg_err_set(err, rc,
					 _("vulnerability lookup of '%s' "
					   "failed"),
					 src_name(pk[0]));
		return rc;
	}
	if (a->n == 0)
		return VG_OK;
	hits_resolve(a);
	hits_sort(a);
	if ((v = vg_facts_add_vuln_pkg(f)) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	v->package = pk[0]->source != NULL && *pk[0]->source != '\0'
		? pk[0]->source
		: pk[0]->name;
	v->version = a->version.v;
	fold_out(&a->fold, v);
	/* The fixed version is a copy for this package only: keep it. */
	if (v->fixed_version != NULL &&
	    (v->fixed_version = vg_facts_str(f, v->fixed_version)) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if ((rc = fold_ids(f, a, v)) != VG_OK ||
	    (rc = binaries_of(f, &a->bins, pk, n, &v->binaries)) != VG_OK)
		return vg_err_set(err, rc, _("out of memory"));
	return VG_OK;
}

enum vg_rc
vg_vuln_match(struct vg_facts *f, vg_vuln_lookup_fn lookup, void *ctx,
	      struct vg_err *err)
{
	struct vg_package **pk;
	struct acc a;
	enum vg_rc rc = VG_OK;
	size_t i, j, n = 0;

	f->n_vuln_pkgs = 0;
	if (!f->sources[VG_SRC_PACKAGES].collected) {
		vg_facts_not_collected(f, VG_SRC_VULNS,
				       _("installed packages not collected"));
		return VG_OK;
	}
	if (f->os.codename == NULL || *f->os.codename == '\0') {
		vg_facts_not_collected(f, VG_SRC_VULNS,
				       _("no release codename in os-release "
					 "(VERSION_CODENAME)"));
		return VG_OK;
	}
	if (f->n_packages > 0 &&
	    (pk = calloc(f->n_packages, sizeof(*pk))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if (f->n_packages == 0)
		pk = NULL;
	for (i = 0; i < f->n_packages; i++)
		if (f->packages[i].name != NULL &&
		    *f->packages[i].name != '\0' &&
		    f->packages[i].version != NULL &&
		    *f->packages[i].version != '\0')
			pk[n++] = &f->packages[i];
	if (n > 0)
		qsort(pk, n, sizeof(*pk), pkg_cmp);
	memset(&a, 0, sizeof(a));
	vg_buf_init(&a.strs, MATCH_MAX_HITS * (VG_FEED_MAX_ID + 1));
	vg_buf_init(&a.ids, MATCH_MAX_LIST);
	vg_buf_init(&a.kev, MATCH_MAX_LIST);
	vg_buf_init(&a.bins, MATCH_MAX_LIST);
	vg_err_clear(err);
	for (i = 0; i < n && rc == VG_OK; i = j) {
		for (j = i + 1; j < n && same_source(pk[i], pk[j]); j++)
			;
		rc = match_one(f, &a, pk + i, j - i, lookup, ctx, err);
	}
	free(a.hits);
	vg_buf_release(&a.strs);
	vg_buf_release(&a.ids);
	vg_buf_release(&a.kev);
	vg_buf_release(&a.bins);
	inst_release(&a.version);
	free(pk);
	if (rc != VG_OK) {
		f->n_vuln_pkgs = 0;
		vg_facts_not_collected(f, VG_SRC_VULNS, "%s",
				       err != NULL && err->msg[0] != '\0'
					       ? err->msg
					       : _("vulnerability lookup "
						   "failed"));
		return rc;
	}
	vg_facts_collected(f, VG_SRC_VULNS);
	return VG_OK;
}

/* Member key of o as a string, or "" (absent, null). */
static const char *
feed_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

/*
 * A 64-bit digest of every feed's row (sources, locations, validators,
 * import times, counts): any import changes it, even two in one second
 * (`vuln update --debsecan ... --kev ...`), which the latest import
 * time alone did not tell apart. Never 0 for a store with feeds.
 */
static enum vg_rc
feeds_digest(const json_t *feeds, int64_t *state, struct vg_err *err)
{
	unsigned char d[8];
	uint64_t u = 0;
	char *text;
	size_t i;

	if ((text = json_dumps(feeds, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	(void)crypto_generichash(d, sizeof(d), (const unsigned char *)text,
				 strlen(text), NULL, 0);
	free(text);
	for (i = 0; i < sizeof(d); i++)
		u = u << 8 | d[i];
	*state = (int64_t)(u >> 1 | 1);
	return VG_OK;
}

enum vg_rc
vg_vuln_store_state(struct vg_store *s, bool *has_packages, int64_t *state,
		    struct vg_err *err)
{
	const json_t *o;
	const char *src;
	json_t *feeds = NULL;
	enum vg_rc rc = VG_OK;
	size_t i;

	*has_packages = false;
	if (state != NULL)
		*state = 0;
	if ((rc = vg_store_vuln_feeds(s, &feeds, err)) != VG_OK)
		return rc;
	json_array_foreach(feeds, i, o)
	{
		/* A debsecan feed is stored per release
		 * ("debsecan-bullseye", "debsecan-generic"). */
		src = feed_str(o, "source");
		if ((strcmp(src, "debian-json") == 0 ||
		     strncmp(src, "debsecan-", 9) == 0 ||
		     strcmp(src, "osv") == 0) &&
		    json_integer_value(json_object_get(o, "records")) > 0)
			*has_packages = true;
	}
	/* Any feed counts for the change: KEV and EPSS signals change
	 * what matching records too. */
	if (state != NULL && json_array_size(feeds) > 0)
		rc = feeds_digest(feeds, state, err);
	json_decref(feeds);
	return rc;
}
