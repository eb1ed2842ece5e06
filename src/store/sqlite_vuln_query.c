/*
 * The vulnerability pages of the console in SQLite (store.h vuln_summary,
 * vuln_list, vuln_cve; shapes in docs/internals/store-queries.md and
 * /work/notes/doc-vuln-console.md).
 *
 * Everything is read from the latest scans' updates.vulnerable_package
 * findings (R7): one per installed source package and version, its
 * subject "package version", its evidence the JSON R7 writes (ids, n_ids,
 * status, fixed_version, kev_ids, n_kev, ransomware, epss, cvss,
 * urgency, binaries). Ingestion writes nothing more for these pages.
 *
 * Grouping by CVE needs every finding's id list: at 20,000 hosts that is
 * 600,000 findings and 200 MB of evidence, 1 to 5 s of SQL whatever the
 * statement. So the findings are read once into a snapshot shared by
 * every connection of the process (a server's workers): each distinct
 * (subject, evidence) parsed once (a fleet shares a few thousand), one
 * (host, variant) pair per finding. Lists, filters and the summary are
 * then computed from the snapshot in memory (a few ms at that size).
 * The snapshot is rebuilt when older than VQ_TTL, or when newer findings
 * exist and it is older than VQ_MIN_AGE; while one caller rebuilds, the
 * others keep reading the previous one. Answers carry its time, "as_of".
 */
#include "util/common.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/facts.h"
#include "core/vulns.h"
#include "store/sqlite_private.h"
#include "util/arena.h"
#include "util/text.h"
#include "util/banned.h"

#define VQ_CHECK "updates.vulnerable_package"
#define VQ_TTL 60                  /* seconds a snapshot is served */
#define VQ_MIN_AGE 10              /* ... at least, when newer findings exist */
#define VQ_LIMIT_MAX 500           /* rows of a page (store.h) */
#define VQ_CVE_HOSTS 1000          /* hosts listed by vuln_cve (total exact) */
#define VQ_VERSIONS 10             /* versions listed per package row */
#define VQ_SEARCH_MAX 128          /* bytes of a search text */
#define VQ_MAX_VARIANTS (1u << 22) /* distinct evidences: a broken store */

/* Statement slots (q->vqst). */
enum {
	VQ_ST_ROWS,
	VQ_ST_HOSTS,
	VQ_ST_KEV,
	VQ_ST_EPSS,
	VQ_ST_PKG_VULNS,
	VQ_ST_DESC,
	VQ_ST_KEY,
};

static const char *const vq_sql[] = {
	[VQ_ST_ROWS] = "SELECT host_id, subject, evidence FROM findings"
		       " WHERE state = 1 AND check_id = '" VQ_CHECK "'",
	[VQ_ST_HOSTS] = "SELECT id, hostname, latest_site FROM hosts"
			" WHERE latest_scan_id IS NOT NULL ORDER BY id",
	[VQ_ST_KEV] = "SELECT vendor, product, name, date_added, due_date,"
		      " ransomware FROM kev WHERE cve = ?1",
	[VQ_ST_EPSS] = "SELECT epss, percentile, model FROM epss"
		       " WHERE cve = ?1",
	[VQ_ST_PKG_VULNS] = "SELECT vuln_id, cvss, urgency FROM vulns"
			    " WHERE package = ?1",
	[VQ_ST_DESC] = "SELECT description FROM vulns WHERE package = ?1"
		       " AND vuln_id = ?2 AND description IS NOT NULL"
		       " AND description <> '' LIMIT 1",
	[VQ_ST_KEY] = "SELECT max(id) FROM findings"
		      " WHERE state = 1 AND check_id = '" VQ_CHECK "'",
};

/* ---------------------------------------------------------------- */
/* The snapshot                                                     */
/* ---------------------------------------------------------------- */

struct vq_host {
	int64_t id;
	const char *name, *site;
};

struct vq_cve {
	const char *id;
	bool kev, ransomware;
	double epss, percentile, cvss; /* -1 unknown */
	int urgency;                   /* enum vg_urgency, the worst */
};

/* One distinct (subject, evidence): an installed version's finding. */
struct vq_var {
	uint32_t pkg;
	const char *version, *fixed; /* fixed NULL: none */
	bool fixable;                /* status fixed-available */
	uint32_t *ids;               /* cve indexes, listed ones */
	size_t n;
	int64_t n_ids; /* exact count (the list is capped at 50) */
};

struct vq_row {
	int64_t host_id;
	uint32_t host; /* index in hosts, set after the sort */
	uint32_t var;
};

/* String -> index, open addressing; keys live in the arena. */
struct vq_slot {
	uint64_t hash;
	const char *key;
	size_t len;
	uint32_t val;
};
struct vq_map {
	struct vq_slot *slots;
	size_t cap, n;
};

struct vq_agg;

struct vq_snap {
	int refs; /* under vq_lock */
	char *path;
	int64_t built_at, key;
	struct vg_arena strs;
	struct vq_host *hosts;
	size_t n_hosts;
	const char **pkgs;
	size_t n_pkgs, cap_pkgs;
	struct vq_cve *cves;
	size_t n_cves, cap_cves;
	struct vq_var *vars;
	size_t n_vars, cap_vars;
	struct vq_row *rows;
	size_t n_rows, cap_rows;
	struct vq_map m_var, m_pkg, m_cve;
	/* The unfiltered aggregates and each group's order, made with the
	 * snapshot: the plain lists and the summary only slice them. */
	struct vq_agg *all;
	uint32_t *order[3];
	size_t n_order[3];
};

static pthread_mutex_t vq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vq_snap *vq_cur; /* the process's snapshot, or NULL */
static bool vq_building;       /* a caller is making the next one */

static uint64_t
vq_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void
map_release(struct vq_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct vq_slot *
map_slot(const struct vq_map *m, const char *key, size_t len, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slots[i].key != NULL &&
	       (m->slots[i].hash != h || m->slots[i].len != len ||
		memcmp(m->slots[i].key, key, len) != 0))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

/* The index of key (of hash h), or UINT32_MAX. */
static uint32_t
map_find(const struct vq_map *m, const char *key, size_t len, uint64_t h)
{
	struct vq_slot *sl;

	if (m->cap == 0)
		return UINT32_MAX;
	sl = map_slot(m, key, len, h);
	return sl->key != NULL ? sl->val : UINT32_MAX;
}

static uint32_t
map_get(const struct vq_map *m, const char *key, size_t len)
{
	return map_find(m, key, len, vq_hash(key, len));
}

/* Put key (already in the arena) -> val, growing at half full. */
static enum vg_rc
map_put(struct vq_map *m, const char *key, size_t len, uint64_t h, uint32_t val)
{
	struct vq_slot *old = m->slots, *sl;
	size_t oldcap = m->cap, i;

	if (2 * (m->n + 1) > m->cap) {
		m->cap = m->cap ? m->cap * 2 : 1024;
		if ((m->slots = calloc(m->cap, sizeof(*m->slots))) == NULL) {
			m->slots = old;
			m->cap = oldcap;
			return VG_ERR_NOMEM;
		}
		for (i = 0; i < oldcap; i++)
			if (old[i].key != NULL)
				*map_slot(m, old[i].key, old[i].len,
					  old[i].hash) = old[i];
		free(old);
	}
	sl = map_slot(m, key, len, h);
	sl->hash = h;
	sl->key = key;
	sl->len = len;
	sl->val = val;
	m->n++;
	return VG_OK;
}

/* Room for one more element of an array (doubling). */
static bool
grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *np;
	size_t ncap;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	if ((np = reallocarray(*p, ncap, size)) == NULL)
		return false;
	*p = np;
	*cap = ncap;
	return true;
}

static void agg_free(struct vq_agg *a);

static void
snap_free(struct vq_snap *sn)
{
	size_t i;

	if (sn == NULL)
		return;
	agg_free(sn->all);
	for (i = 0; i < 3; i++)
		free(sn->order[i]);
	for (i = 0; i < sn->n_vars; i++)
		free(sn->vars[i].ids);
	free(sn->vars);
	free(sn->hosts);
	free(sn->pkgs);
	free(sn->cves);
	free(sn->rows);
	free(sn->path);
	map_release(&sn->m_var);
	map_release(&sn->m_pkg);
	map_release(&sn->m_cve);
	vg_arena_release(&sn->strs);
	free(sn);
}

/* Interned name of a package or CVE: its index, added when new. */
static enum vg_rc
intern_pkg(struct vq_snap *sn, const char *s, size_t n, uint32_t *out)
{
	uint64_t h = vq_hash(s, n);
	const char *k;

	if ((*out = map_get(&sn->m_pkg, s, n)) != UINT32_MAX)
		return VG_OK;
	if (!grow((void **)&sn->pkgs, &sn->cap_pkgs, sn->n_pkgs,
		  sizeof(*sn->pkgs)) ||
	    (k = vg_arena_strndup(&sn->strs, s, n)) == NULL)
		return VG_ERR_NOMEM;
	*out = (uint32_t)sn->n_pkgs;
	sn->pkgs[sn->n_pkgs++] = k;
	return map_put(&sn->m_pkg, k, n, h, *out);
}

static enum vg_rc
intern_cve(struct vq_snap *sn, const char *s, size_t n, uint32_t *out)
{
	uint64_t h = vq_hash(s, n);
	struct vq_cve *c;
	const char *k;

	if ((*out = map_get(&sn->m_cve, s, n)) != UINT32_MAX)
		return VG_OK;
	if (!grow((void **)&sn->cves, &sn->cap_cves, sn->n_cves,
		  sizeof(*sn->cves)) ||
	    (k = vg_arena_strndup(&sn->strs, s, n)) == NULL)
		return VG_ERR_NOMEM;
	*out = (uint32_t)sn->n_cves;
	c = &sn->cves[sn->n_cves++];
	memset(c, 0, sizeof(*c));
	c->id = k;
	c->epss = c->percentile = c->cvss = -1;
	c->urgency = VG_URG_UNKNOWN;
	return map_put(&sn->m_cve, k, n, h, *out);
}

/* Add the string ids of array a to v (each once). */
static enum vg_rc
var_add_ids(struct vq_snap *sn, struct vq_var *v, const json_t *a, size_t cap)
{
	const json_t *x;
	enum vg_rc rc;
	uint32_t c;
	size_t i, j;

	json_array_foreach(a, i, x)
	{
		const char *s = json_string_value(x);

		if (s == NULL || *s == '\0' || strlen(s) > VG_FEED_MAX_ID)
			continue;
		if ((rc = intern_cve(sn, s, strlen(s), &c)) != VG_OK)
			return rc;
		for (j = 0; j < v->n && v->ids[j] != c; j++)
			;
		if (j == v->n && v->n < cap)
			v->ids[v->n++] = c;
	}
	return VG_OK;
}

/*
 * The variant of a finding: its subject "package version" and evidence
 * (untrusted shapes: whatever is not as R7 writes it is skipped).
 */
static enum vg_rc
add_variant(struct vq_snap *sn, const char *key, size_t klen, size_t slen,
	    uint64_t h, uint32_t *out)
{
	const json_t *ids, *kids;
	const char *sp, *k, *st, *fx;
	struct vq_var *v;
	json_t *ev = NULL;
	enum vg_rc rc;
	uint32_t pkg;
	size_t cap;

	if (sn->n_vars >= VQ_MAX_VARIANTS)
		return VG_ERR_LIMIT;
	if ((k = vg_arena_strndup(&sn->strs, key, klen)) == NULL ||
	    !grow((void **)&sn->vars, &sn->cap_vars, sn->n_vars,
		  sizeof(*sn->vars)))
		return VG_ERR_NOMEM;
	/* "package version": the package is the first word. */
	sp = memchr(k, ' ', slen);
	if ((rc = intern_pkg(sn, k, sp != NULL ? (size_t)(sp - k) : slen,
			     &pkg)) != VG_OK)
		return rc;
	v = &sn->vars[sn->n_vars];
	memset(v, 0, sizeof(*v));
	v->pkg = pkg;
	v->version = sp != NULL ? vg_arena_strndup(&sn->strs, sp + 1,
						   slen - (size_t)(sp - k) - 1)
				: "";
	if (v->version == NULL)
		return VG_ERR_NOMEM;
	ev = json_loadb(k + slen + 1, klen - slen - 1, 0, NULL);
	ids = json_object_get(ev, "ids");
	kids = json_object_get(ev, "kev_ids");
	cap = json_array_size(ids) + json_array_size(kids);
	if (cap > 0 && (v->ids = calloc(cap, sizeof(*v->ids))) == NULL) {
		json_decref(ev);
		return VG_ERR_NOMEM;
	}
	/* The KEV ids too: the ids list is capped, they may be past it. */
	if ((rc = var_add_ids(sn, v, ids, cap)) != VG_OK ||
	    (rc = var_add_ids(sn, v, kids, cap)) != VG_OK) {
		free(v->ids);
		json_decref(ev);
		return rc;
	}
	v->n_ids = json_integer_value(json_object_get(ev, "n_ids"));
	if (v->n_ids < (int64_t)v->n)
		v->n_ids = (int64_t)v->n;
	st = json_string_value(json_object_get(ev, "status"));
	v->fixable = st != NULL && strcmp(st, "fixed-available") == 0;
	fx = json_string_value(json_object_get(ev, "fixed_version"));
	if (fx != NULL && strlen(fx) <= VG_FEED_MAX_VERSION &&
	    (v->fixed = vg_arena_strdup(&sn->strs, fx)) == NULL) {
		free(v->ids);
		json_decref(ev);
		return VG_ERR_NOMEM;
	}
	json_decref(ev);
	*out = (uint32_t)sn->n_vars++;
	return map_put(&sn->m_var, k, klen, h, *out);
}

static int
row_cmp(const void *x, const void *y)
{
	const struct vq_row *a = x, *b = y;

	return a->host_id < b->host_id ? -1 : a->host_id > b->host_id;
}

static sqlite3_stmt *
vq_stmt(struct sq *q, int i, struct vg_err *err)
{
	return sq_stmt_cached(q, &q->vqst[i], vq_sql[i], err);
}

/* The findings, as rows of (host, variant). */
static enum vg_rc
load_rows(struct sq *q, struct vq_snap *sn, struct vg_err *err)
{
	sqlite3_stmt *st;
	char *key = NULL;
	size_t kcap = 0, slen, elen, klen;
	enum vg_rc rc = VG_OK;
	uint32_t var;
	uint64_t h;
	int r;

	if ((st = vq_stmt(q, VQ_ST_ROWS, err)) == NULL)
		return err->rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sub = (const char *)sqlite3_column_text(st, 1);
		const char *evi;

		slen = (size_t)sqlite3_column_bytes(st, 1);
		evi = (const char *)sqlite3_column_text(st, 2);
		elen = (size_t)sqlite3_column_bytes(st, 2);
		if (sub == NULL || evi == NULL || memchr(sub, '\0', slen))
			continue;
		/* The key: subject, NUL, evidence. */
		klen = slen + 1 + elen;
		if (klen + 1 > kcap) {
			free(key);
			kcap = klen + 1 > 4096 ? klen + 1 : 4096;
			if ((key = malloc(kcap)) == NULL) {
				rc = VG_ERR_NOMEM;
				break;
			}
		}
		memcpy(key, sub, slen);
		key[slen] = '\0';
		memcpy(key + slen + 1, evi, elen);
		h = vq_hash(key, klen);
		var = map_find(&sn->m_var, key, klen, h);
		if (var == UINT32_MAX &&
		    (rc = add_variant(sn, key, klen, slen, h, &var)) != VG_OK)
			break;
		if (!grow((void **)&sn->rows, &sn->cap_rows, sn->n_rows,
			  sizeof(*sn->rows))) {
			rc = VG_ERR_NOMEM;
			break;
		}
		sn->rows[sn->n_rows].host_id = sqlite3_column_int64(st, 0);
		sn->rows[sn->n_rows].var = var;
		sn->n_rows++;
	}
	free(key);
	if (rc == VG_OK && r != SQLITE_DONE)
		rc = sq_fail(q, err, "vulnerable findings");
	else if (rc != VG_OK)
		(void)vg_err_set(err, rc, "vulnerable findings: %s",
				 rc == VG_ERR_LIMIT ? "too many" : "no memory");
	sq_reset(st);
	return rc;
}

/* The hosts of the rows (sorted by id), merged with the hosts table. */
static enum vg_rc
load_hosts(struct sq *q, struct vq_snap *sn, struct vg_err *err)
{
	sqlite3_stmt *st;
	size_t i = 0, n = 0;
	int r;

	if (sn->n_rows > 0)
		qsort(sn->rows, sn->n_rows, sizeof(*sn->rows), row_cmp);
	if ((st = vq_stmt(q, VQ_ST_HOSTS, err)) == NULL)
		return err->rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW && i < sn->n_rows) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *site = (const char *)sqlite3_column_text(st, 2);
		struct vq_host *hh;
		size_t j;

		/* Rows of a host not in the list (none in a sane store). */
		while (i < sn->n_rows && sn->rows[i].host_id < id)
			sn->rows[i++].host = UINT32_MAX;
		if (i >= sn->n_rows || sn->rows[i].host_id != id)
			continue;
		if (!grow((void **)&sn->hosts, &n, sn->n_hosts,
			  sizeof(*sn->hosts)))
			goto nomem;
		hh = &sn->hosts[sn->n_hosts];
		hh->id = id;
		hh->name = vg_arena_strdup(&sn->strs, name ? name : "");
		hh->site =
			site != NULL ? vg_arena_strdup(&sn->strs, site) : NULL;
		if (hh->name == NULL || (site != NULL && hh->site == NULL))
			goto nomem;
		for (j = i; j < sn->n_rows && sn->rows[j].host_id == id; j++)
			sn->rows[j].host = (uint32_t)sn->n_hosts;
		i = j;
		sn->n_hosts++;
	}
	for (; i < sn->n_rows; i++)
		sn->rows[i].host = UINT32_MAX;
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		sq_reset(st);
		return sq_fail(q, err, "hosts");
	}
	sq_reset(st);
	return VG_OK;
nomem:
	sq_reset(st);
	return vg_err_set(err, VG_ERR_NOMEM, "hosts: no memory");
}

static int
urgency_rank(int u)
{
	/* "unimportant" below "unknown", as the matcher folds them. */
	return u == VG_URG_UNIMPORTANT ? 0 : u == VG_URG_UNKNOWN ? 1 : u;
}

/* KEV and EPSS of every CVE, by primary key; CVSS and the worst urgency
 * from the feeds' rows of the affected packages. */
static enum vg_rc
load_cve_signals(struct sq *q, struct vq_snap *sn, struct vg_err *err)
{
	sqlite3_stmt *kev, *epss, *pv;
	size_t i;
	int r;

	if ((kev = vq_stmt(q, VQ_ST_KEV, err)) == NULL ||
	    (epss = vq_stmt(q, VQ_ST_EPSS, err)) == NULL ||
	    (pv = vq_stmt(q, VQ_ST_PKG_VULNS, err)) == NULL)
		return err->rc;
	for (i = 0; i < sn->n_cves; i++) {
		struct vq_cve *c = &sn->cves[i];

		if (sq_bind_text(kev, 1, c->id) != SQLITE_OK ||
		    sq_bind_text(epss, 1, c->id) != SQLITE_OK)
			return sq_fail(q, err, "kev");
		if ((r = sqlite3_step(kev)) == SQLITE_ROW) {
			c->kev = true;
			c->ransomware = sqlite3_column_int(kev, 5) != 0;
		}
		sq_reset(kev);
		if (r != SQLITE_ROW && r != SQLITE_DONE)
			return sq_fail(q, err, "kev");
		if ((r = sqlite3_step(epss)) == SQLITE_ROW) {
			c->epss = sqlite3_column_double(epss, 0);
			c->percentile = sqlite3_column_double(epss, 1);
		}
		sq_reset(epss);
		if (r != SQLITE_ROW && r != SQLITE_DONE)
			return sq_fail(q, err, "epss");
	}
	/* One range of vulns_package per affected package. */
	for (i = 0; i < sn->n_pkgs; i++) {
		if (sq_bind_text(pv, 1, sn->pkgs[i]) != SQLITE_OK)
			return sq_fail(q, err, "vulns");
		while ((r = sqlite3_step(pv)) == SQLITE_ROW) {
			const char *id =
				(const char *)sqlite3_column_text(pv, 0);
			struct vq_cve *c;
			uint32_t ci;

			if (id == NULL ||
			    (ci = map_get(&sn->m_cve, id, strlen(id))) ==
				    UINT32_MAX)
				continue;
			c = &sn->cves[ci];
			if (sqlite3_column_type(pv, 1) != SQLITE_NULL &&
			    sqlite3_column_double(pv, 1) > c->cvss &&
			    sqlite3_column_double(pv, 1) <= 10.0)
				c->cvss = sqlite3_column_double(pv, 1);
			if (urgency_rank(sqlite3_column_int(pv, 2)) >
				    urgency_rank(c->urgency) &&
			    sqlite3_column_int(pv, 2) <= VG_URG_HIGH)
				c->urgency = sqlite3_column_int(pv, 2);
		}
		sq_reset(pv);
		if (r != SQLITE_DONE)
			return sq_fail(q, err, "vulns");
	}
	return VG_OK;
}

/* The key of the findings now: the newest vulnerable finding's id. */
static enum vg_rc
findings_key(struct sq *q, int64_t *key, struct vg_err *err)
{
	sqlite3_stmt *st;
	int r;

	*key = 0;
	if ((st = vq_stmt(q, VQ_ST_KEY, err)) == NULL)
		return err->rc;
	if ((r = sqlite3_step(st)) == SQLITE_ROW)
		*key = sqlite3_column_int64(st, 0);
	sq_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return sq_fail(q, err, "vulnerable findings");
	return VG_OK;
}

static enum vg_rc snap_precompute(struct vq_snap *sn);

/* Read a new snapshot in one read transaction (a consistent view). */
static enum vg_rc
snap_build(struct sq *q, int64_t key, int64_t now, struct vq_snap **out,
	   struct vg_err *err)
{
	struct vq_snap *sn;
	enum vg_rc rc;
	bool txn;

	*out = NULL;
	if ((sn = calloc(1, sizeof(*sn))) == NULL ||
	    (sn->path = strdup(q->path != NULL ? q->path : "")) == NULL) {
		free(sn);
		return vg_err_set(err, VG_ERR_NOMEM,
				  "vulnerabilities: no memory");
	}
	vg_arena_init(&sn->strs);
	sn->key = key;
	sn->built_at = now;
	/* Inside a caller's transaction (an import), read in it. */
	txn = sqlite3_get_autocommit(q->db) != 0;
	if (txn && (rc = sq_exec(q, "BEGIN", err)) != VG_OK) {
		snap_free(sn);
		return rc;
	}
	if ((rc = load_rows(q, sn, err)) == VG_OK &&
	    (rc = load_hosts(q, sn, err)) == VG_OK)
		rc = load_cve_signals(q, sn, err);
	if (txn)
		(void)sq_exec(q, "COMMIT", NULL);
	if (rc == VG_OK && snap_precompute(sn) != VG_OK)
		rc = vg_err_set(err, VG_ERR_NOMEM,
				"vulnerabilities: no memory");
	if (rc != VG_OK) {
		snap_free(sn);
		return rc;
	}
	*out = sn;
	return VG_OK;
}

static void
snap_unref(struct vq_snap *sn)
{
	bool last;

	if (sn == NULL)
		return;
	pthread_mutex_lock(&vq_lock);
	last = --sn->refs == 0;
	pthread_mutex_unlock(&vq_lock);
	if (last)
		snap_free(sn);
}

/*
 * The snapshot of q's store (a reference: snap_unref). The current one
 * when fresh; else this caller builds the next, unless another is at it
 * and a previous one exists, which is then served as is.
 */
static enum vg_rc
snap_get(struct sq *q, struct vq_snap **out, struct vg_err *err)
{
	struct vq_snap *sn = NULL, *old;
	int64_t now = (int64_t)time(NULL), key;
	const char *path = q->path != NULL ? q->path : "";
	enum vg_rc rc;
	bool mine;

	*out = NULL;
	if ((rc = findings_key(q, &key, err)) != VG_OK)
		return rc;
	pthread_mutex_lock(&vq_lock);
	if (vq_cur != NULL && strcmp(vq_cur->path, path) == 0) {
		int64_t age = now - vq_cur->built_at;

		if ((age >= 0 && age < VQ_TTL &&
		     (vq_cur->key == key || age < VQ_MIN_AGE)) ||
		    vq_building) {
			vq_cur->refs++;
			*out = vq_cur;
			pthread_mutex_unlock(&vq_lock);
			return VG_OK;
		}
	}
	/* Another store's, stale, or none: build (one builder at a time
	 * only matters for the same store; others just build theirs). */
	mine = !vq_building;
	vq_building = true;
	pthread_mutex_unlock(&vq_lock);

	rc = snap_build(q, key, now, &sn, err);

	pthread_mutex_lock(&vq_lock);
	if (mine)
		vq_building = false;
	if (rc != VG_OK) {
		pthread_mutex_unlock(&vq_lock);
		return rc;
	}
	old = vq_cur;
	vq_cur = sn;
	sn->refs = 2; /* the process's and the caller's */
	pthread_mutex_unlock(&vq_lock);
	if (old != NULL)
		snap_unref(old);
	*out = sn;
	return VG_OK;
}

/* ---------------------------------------------------------------- */
/* Aggregates of a filter over the snapshot                         */
/* ---------------------------------------------------------------- */

#define VQ_NONE UINT32_MAX

/*
 * What a filter keeps: (host, installed package, CVE) triples. A triple
 * passes when its host, package and CVE pass their filters and, with a
 * search, its package name or its CVE id holds the text. Groups count
 * the triples kept: a CVE's hosts, a package's CVEs, a host's KEV ids.
 */
struct vq_agg {
	const struct vq_snap *sn;
	const struct vg_vuln_filter *flt;
	bool empty; /* a filter names nothing the snapshot knows */
	uint32_t f_pkg, f_cve;
	bool *cve_ok, *cve_match; /* base filters; search on the id */
	bool *var_ok, *var_match; /* package filter; search on the name */
	bool *var_used;
	uint32_t *c_hosts, *c_fixed, *c_lh, *c_lf, *c_lp;
	uint32_t *p_hosts, *p_fixed, *p_cves, *p_kev, *p_lh, *p_lf;
	bool *p_trunc;
	uint32_t *h_pkgs, *h_cves, *h_kev, *h_fixed;
	size_t hosts, pkgs, cves, kev, ransomware, installs, fixable;
};

static void
agg_release(struct vq_agg *a)
{
	free(a->cve_ok);
	free(a->cve_match);
	free(a->var_ok);
	free(a->var_match);
	free(a->var_used);
	free(a->c_hosts);
	free(a->c_fixed);
	free(a->c_lh);
	free(a->c_lf);
	free(a->c_lp);
	free(a->p_hosts);
	free(a->p_fixed);
	free(a->p_cves);
	free(a->p_kev);
	free(a->p_lh);
	free(a->p_lf);
	free(a->p_trunc);
	free(a->h_pkgs);
	free(a->h_cves);
	free(a->h_kev);
	free(a->h_fixed);
}

static void
agg_free(struct vq_agg *a)
{
	if (a == NULL)
		return;
	agg_release(a);
	free(a);
}

/* n elements of size, at least one (calloc(0) may be NULL). */
static void *
zalloc(size_t n, size_t size)
{
	return calloc(n > 0 ? n : 1, size);
}

/* ASCII case-insensitive substring. */
static bool
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; hay[i] != '\0'; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return true;
	return n == 0;
}

static bool
pass(const struct vq_agg *a, uint32_t v, uint32_t c)
{
	return a->var_ok[v] && a->cve_ok[c] &&
		(a->var_match[v] || a->cve_match[c]);
}

static int
var_pkg_cmp(const void *x, const void *y, const struct vq_snap *sn)
{
	uint32_t a = sn->vars[*(const uint32_t *)x].pkg;
	uint32_t b = sn->vars[*(const uint32_t *)y].pkg;

	return a < b ? -1 : a > b;
}

static _Thread_local const struct vq_agg *vq_sort_agg;

static int
used_var_cmp(const void *x, const void *y)
{
	return var_pkg_cmp(x, y, vq_sort_agg->sn);
}

/* The CVEs of each package kept, each once (its variants together). */
static enum vg_rc
agg_pkg_cves(struct vq_agg *a)
{
	const struct vq_snap *sn = a->sn;
	uint32_t *used;
	size_t n = 0, i, j;

	if ((used = zalloc(sn->n_vars, sizeof(*used))) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < sn->n_vars; i++)
		if (a->var_used[i])
			used[n++] = (uint32_t)i;
	vq_sort_agg = a;
	qsort(used, n, sizeof(*used), used_var_cmp);
	for (i = 0; i < n; i++) {
		const struct vq_var *v = &sn->vars[used[i]];

		if (v->n_ids > (int64_t)v->n)
			a->p_trunc[v->pkg] = true;
		for (j = 0; j < v->n; j++) {
			uint32_t c = v->ids[j];

			if (!pass(a, used[i], c) || a->c_lp[c] == v->pkg + 1)
				continue;
			a->c_lp[c] = v->pkg + 1;
			a->p_cves[v->pkg]++;
			if (sn->cves[c].kev)
				a->p_kev[v->pkg]++;
		}
	}
	free(used);
	return VG_OK;
}

/* Count one kept row: its host, package and CVEs. */
static void
agg_row(struct vq_agg *a, const struct vq_row *r)
{
	const struct vq_var *v = &a->sn->vars[r->var];
	uint32_t hm = r->host + 1, p = v->pkg;
	size_t j;

	a->installs++;
	if (v->fixable)
		a->fixable++;
	a->var_used[r->var] = true;
	if (a->p_lh[p] != hm) {
		a->p_lh[p] = hm;
		a->p_hosts[p]++;
		a->h_pkgs[r->host]++;
	}
	if (v->fixable && a->p_lf[p] != hm) {
		a->p_lf[p] = hm;
		a->p_fixed[p]++;
		a->h_fixed[r->host]++;
	}
	for (j = 0; j < v->n; j++) {
		uint32_t c = v->ids[j];

		if (!pass(a, r->var, c))
			continue;
		if (a->c_lh[c] != hm) {
			a->c_lh[c] = hm;
			a->c_hosts[c]++;
			a->h_cves[r->host]++;
			if (a->sn->cves[c].kev)
				a->h_kev[r->host]++;
		}
		if (v->fixable && a->c_lf[c] != hm) {
			a->c_lf[c] = hm;
			a->c_fixed[c]++;
		}
	}
}

static enum vg_rc
agg_run(struct vq_agg *a, const struct vq_snap *sn,
	const struct vg_vuln_filter *flt)
{
	size_t nc = sn->n_cves, nv = sn->n_vars, np = sn->n_pkgs;
	size_t nh = sn->n_hosts, i, j;
	const char *search = flt->search;

	memset(a, 0, sizeof(*a));
	a->sn = sn;
	a->flt = flt;
	if ((a->cve_ok = zalloc(nc, 1)) == NULL ||
	    (a->cve_match = zalloc(nc, 1)) == NULL ||
	    (a->var_ok = zalloc(nv, 1)) == NULL ||
	    (a->var_match = zalloc(nv, 1)) == NULL ||
	    (a->var_used = zalloc(nv, 1)) == NULL ||
	    (a->c_hosts = zalloc(nc, 4)) == NULL ||
	    (a->c_fixed = zalloc(nc, 4)) == NULL ||
	    (a->c_lh = zalloc(nc, 4)) == NULL ||
	    (a->c_lf = zalloc(nc, 4)) == NULL ||
	    (a->c_lp = zalloc(nc, 4)) == NULL ||
	    (a->p_hosts = zalloc(np, 4)) == NULL ||
	    (a->p_fixed = zalloc(np, 4)) == NULL ||
	    (a->p_cves = zalloc(np, 4)) == NULL ||
	    (a->p_kev = zalloc(np, 4)) == NULL ||
	    (a->p_lh = zalloc(np, 4)) == NULL ||
	    (a->p_lf = zalloc(np, 4)) == NULL ||
	    (a->p_trunc = zalloc(np, 1)) == NULL ||
	    (a->h_pkgs = zalloc(nh, 4)) == NULL ||
	    (a->h_cves = zalloc(nh, 4)) == NULL ||
	    (a->h_kev = zalloc(nh, 4)) == NULL ||
	    (a->h_fixed = zalloc(nh, 4)) == NULL)
		return VG_ERR_NOMEM;
	if (search != NULL && *search == '\0')
		search = NULL;
	a->f_pkg = a->f_cve = VQ_NONE;
	if (flt->package != NULL && *flt->package != '\0' &&
	    (a->f_pkg = map_get(&sn->m_pkg, flt->package,
				strlen(flt->package))) == VQ_NONE)
		a->empty = true;
	if (flt->cve != NULL && *flt->cve != '\0' &&
	    (a->f_cve = map_get(&sn->m_cve, flt->cve, strlen(flt->cve))) ==
		    VQ_NONE)
		a->empty = true;
	for (i = 0; i < nc; i++) {
		a->cve_ok[i] = (a->f_cve == VQ_NONE || a->f_cve == i) &&
			(!flt->kev_only || sn->cves[i].kev);
		a->cve_match[i] =
			search == NULL || contains(sn->cves[i].id, search);
	}
	for (i = 0; i < nv; i++) {
		const struct vq_var *v = &sn->vars[i];
		bool any = false;

		a->var_match[i] =
			search == NULL || contains(sn->pkgs[v->pkg], search);
		a->var_ok[i] = a->f_pkg == VQ_NONE || a->f_pkg == v->pkg;
		for (j = 0; j < v->n && !any; j++)
			any = pass(a, (uint32_t)i, v->ids[j]);
		/* No CVE kept: the variant is out. */
		a->var_ok[i] = a->var_ok[i] && any;
	}
	for (i = 0; i < sn->n_rows && !a->empty; i++) {
		const struct vq_row *r = &sn->rows[i];

		if (r->host == VQ_NONE || !a->var_ok[r->var] ||
		    (flt->asset_id > 0 &&
		     sn->hosts[r->host].id != flt->asset_id))
			continue;
		agg_row(a, r);
	}
	if (agg_pkg_cves(a) != VG_OK)
		return VG_ERR_NOMEM;
	for (i = 0; i < nh; i++)
		a->hosts += a->h_pkgs[i] > 0;
	for (i = 0; i < np; i++)
		a->pkgs += a->p_hosts[i] > 0;
	for (i = 0; i < nc; i++) {
		if (a->c_hosts[i] == 0)
			continue;
		a->cves++;
		a->kev += sn->cves[i].kev;
		a->ransomware += sn->cves[i].ransomware;
	}
	return VG_OK;
}

/* ---------------------------------------------------------------- */
/* JSON                                                             */
/* ---------------------------------------------------------------- */

static json_t *
jtime(int64_t t)
{
	char iso[21];

	vg_format_time(t, iso);
	return json_string(iso);
}

/* A day of the KEV catalogue ("2024-01-31"), null when unknown. */
static json_t *
jday(sqlite3_stmt *st, int i)
{
	char iso[21];

	if (sqlite3_column_type(st, i) == SQLITE_NULL ||
	    sqlite3_column_int64(st, i) < 0)
		return json_null();
	vg_format_time(sqlite3_column_int64(st, i), iso);
	iso[10] = '\0';
	return json_string(iso);
}

static json_t *
jscore(double v)
{
	return v >= 0 ? json_real(v) : json_null();
}

/* A text column, null when NULL or not UTF-8. */
static json_t *
jcol(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	json_t *v;

	if (s == NULL)
		return json_null();
	v = json_stringn(s, (size_t)sqlite3_column_bytes(st, i));
	return v != NULL ? v : json_null();
}

/* Set o.key = v (stolen); false when out of memory. */
static bool
put(json_t *o, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(o, key, v) == 0;
}

static bool
put_int(json_t *o, const char *key, size_t v)
{
	return put(o, key, json_integer((json_int_t)v));
}

static json_t *
jurgency(int u)
{
	const char *n = vg_urgency_name(u);

	return json_string(n != NULL ? n : "unknown");
}

static int
cve_cmp(const void *x, const void *y)
{
	const struct vq_agg *a = vq_sort_agg;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	const struct vq_cve *c = &a->sn->cves[i], *d = &a->sn->cves[j];

	/* Exploited first, then likely to be, then severe, then wide. */
	if (c->kev != d->kev)
		return c->kev ? -1 : 1;
	if (c->epss != d->epss)
		return c->epss > d->epss ? -1 : 1;
	if (c->cvss != d->cvss)
		return c->cvss > d->cvss ? -1 : 1;
	if (a->c_hosts[i] != a->c_hosts[j])
		return a->c_hosts[i] > a->c_hosts[j] ? -1 : 1;
	return strcmp(c->id, d->id);
}

static int
pkg_cmp(const void *x, const void *y)
{
	const struct vq_agg *a = vq_sort_agg;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;

	if (a->p_kev[i] != a->p_kev[j])
		return a->p_kev[i] > a->p_kev[j] ? -1 : 1;
	if (a->p_hosts[i] != a->p_hosts[j])
		return a->p_hosts[i] > a->p_hosts[j] ? -1 : 1;
	if (a->p_cves[i] != a->p_cves[j])
		return a->p_cves[i] > a->p_cves[j] ? -1 : 1;
	return strcmp(a->sn->pkgs[i], a->sn->pkgs[j]);
}

static int
host_cmp(const void *x, const void *y)
{
	const struct vq_agg *a = vq_sort_agg;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	int c;

	if (a->h_kev[i] != a->h_kev[j])
		return a->h_kev[i] > a->h_kev[j] ? -1 : 1;
	if (a->h_cves[i] != a->h_cves[j])
		return a->h_cves[i] > a->h_cves[j] ? -1 : 1;
	if (a->h_pkgs[i] != a->h_pkgs[j])
		return a->h_pkgs[i] > a->h_pkgs[j] ? -1 : 1;
	if ((c = strcmp(a->sn->hosts[i].name, a->sn->hosts[j].name)) != 0)
		return c;
	return a->sn->hosts[i].id < a->sn->hosts[j].id ? -1 : 1;
}

/* Append s to the array a unless there or a holds max. */
static bool
add_distinct(json_t *a, const char *s, size_t max)
{
	const json_t *x;
	size_t i;

	if (s == NULL)
		return true;
	json_array_foreach(a, i, x) if (strcmp(json_string_value(x), s) ==
					0) return true;
	if (json_array_size(a) >= max)
		return true;
	return json_array_append_new(a, json_string(s)) == 0;
}

static json_t *
cve_item(const struct vq_agg *a, uint32_t i)
{
	const struct vq_snap *sn = a->sn;
	const struct vq_cve *c = &sn->cves[i];
	json_t *o = json_object(), *pk = json_array();
	size_t v, j;

	if (o == NULL || !put(o, "packages", pk))
		goto fail;
	/* The packages kept that carry it. */
	for (v = 0; v < sn->n_vars; v++) {
		if (!a->var_used[v])
			continue;
		for (j = 0; j < sn->vars[v].n; j++)
			if (sn->vars[v].ids[j] == i &&
			    pass(a, (uint32_t)v, i) &&
			    !add_distinct(pk, sn->pkgs[sn->vars[v].pkg], 50))
				goto fail;
	}
	if (!put(o, "cve", json_string(c->id)) ||
	    !put(o, "kev", json_boolean(c->kev)) ||
	    !put(o, "ransomware", json_boolean(c->ransomware)) ||
	    !put(o, "epss", jscore(c->epss)) ||
	    !put(o, "percentile", jscore(c->percentile)) ||
	    !put(o, "cvss", jscore(c->cvss)) ||
	    !put(o, "urgency", jurgency(c->urgency)) ||
	    !put_int(o, "hosts", a->c_hosts[i]) ||
	    !put_int(o, "fixed_hosts", a->c_fixed[i]) ||
	    !put(o, "fix_available", json_boolean(a->c_fixed[i] > 0)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *
pkg_item(const struct vq_agg *a, uint32_t i)
{
	const struct vq_snap *sn = a->sn;
	json_t *o = json_object(), *vers = json_array(), *fix = json_array();
	size_t v;

	/* o owns the arrays from here; they are filled borrowed. */
	if (o == NULL || !put(o, "versions", vers) ||
	    !put(o, "fixed_versions", fix))
		goto fail;
	for (v = 0; v < sn->n_vars; v++) {
		if (!a->var_used[v] || sn->vars[v].pkg != i)
			continue;
		if (!add_distinct(vers, sn->vars[v].version, VQ_VERSIONS) ||
		    !add_distinct(fix, sn->vars[v].fixed, VQ_VERSIONS))
			goto fail;
	}
	if (!put(o, "package", json_string(sn->pkgs[i])) ||
	    !put_int(o, "hosts", a->p_hosts[i]) ||
	    !put_int(o, "cves", a->p_cves[i]) ||
	    !put(o, "truncated", json_boolean(a->p_trunc[i])) ||
	    !put_int(o, "kev", a->p_kev[i]) ||
	    !put_int(o, "fixed_hosts", a->p_fixed[i]))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *
host_item(const struct vq_agg *a, uint32_t i)
{
	const struct vq_host *h = &a->sn->hosts[i];
	json_t *o = json_object();

	if (o == NULL || !put(o, "asset_id", json_integer((json_int_t)h->id)) ||
	    !put(o, "hostname", json_string(h->name)) ||
	    !put(o, "site", h->site ? json_string(h->site) : json_null()) ||
	    !put_int(o, "packages", a->h_pkgs[i]) ||
	    !put_int(o, "cves", a->h_cves[i]) ||
	    !put_int(o, "kev", a->h_kev[i]) ||
	    !put_int(o, "fixed_packages", a->h_fixed[i])) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The items of one group a kept, sorted: *ix (caller frees), *k. */
static enum vg_rc
agg_order(const struct vq_agg *a, int group, uint32_t **ix, size_t *k)
{
	const struct vq_snap *sn = a->sn;
	size_t n = group == 0 ? sn->n_cves
		: group == 1  ? sn->n_pkgs
			      : sn->n_hosts;
	size_t i;

	*k = 0;
	if ((*ix = zalloc(n, sizeof(**ix))) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < n; i++)
		if ((group == 0           ? a->c_hosts[i]
			     : group == 1 ? a->p_hosts[i]
					  : a->h_pkgs[i]) > 0)
			(*ix)[(*k)++] = (uint32_t)i;
	vq_sort_agg = a;
	qsort(*ix, *k, sizeof(**ix),
	      group == 0           ? cve_cmp
		      : group == 1 ? pkg_cmp
				   : host_cmp);
	return VG_OK;
}

/* Rows [offset, offset + limit) of a sorted group into items. */
static enum vg_rc
agg_page(const struct vq_agg *a, int group, const uint32_t *ix, size_t k,
	 size_t offset, size_t limit, json_t *items)
{
	size_t i;
	json_t *o;

	for (i = offset; i < k && i - offset < limit; i++) {
		o = group == 0       ? cve_item(a, ix[i])
			: group == 1 ? pkg_item(a, ix[i])
				     : host_item(a, ix[i]);
		if (o == NULL || json_array_append_new(items, o) != 0)
			return VG_ERR_NOMEM;
	}
	return VG_OK;
}

static const struct vg_vuln_filter vq_no_filter;

static enum vg_rc
snap_precompute(struct vq_snap *sn)
{
	int g;

	if ((sn->all = calloc(1, sizeof(*sn->all))) == NULL ||
	    agg_run(sn->all, sn, &vq_no_filter) != VG_OK)
		return VG_ERR_NOMEM;
	for (g = 0; g < 3; g++)
		if (agg_order(sn->all, g, &sn->order[g], &sn->n_order[g]) !=
		    VG_OK)
			return VG_ERR_NOMEM;
	return VG_OK;
}

/* No filter at all: the snapshot's own aggregates serve. */
static bool
unfiltered(const struct vg_vuln_filter *f)
{
	return (f->cve == NULL || *f->cve == '\0') &&
		(f->package == NULL || *f->package == '\0') &&
		f->asset_id <= 0 && !f->kev_only &&
		(f->search == NULL || *f->search == '\0');
}

/* ---------------------------------------------------------------- */
/* The operations                                                   */
/* ---------------------------------------------------------------- */

static enum vg_rc
nomem(struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_NOMEM, "vulnerabilities: no memory");
}

enum vg_rc
sq_vuln_summary(struct vg_store *s, json_t **out, struct vg_err *err)
{
	struct sq *q = s->impl;
	const struct vq_agg *a;
	struct vq_snap *sn;
	enum vg_rc rc;
	json_t *o;

	*out = NULL;
	if ((rc = snap_get(q, &sn, err)) != VG_OK)
		return rc;
	a = sn->all;
	if ((o = json_object()) == NULL || !put_int(o, "hosts", a->hosts) ||
	    !put_int(o, "packages", a->pkgs) || !put_int(o, "cves", a->cves) ||
	    !put_int(o, "kev", a->kev) ||
	    !put_int(o, "ransomware", a->ransomware) ||
	    !put_int(o, "installs", a->installs) ||
	    !put_int(o, "fix_available", a->fixable) ||
	    !put_int(o, "no_fix", a->installs - a->fixable) ||
	    !put(o, "as_of", jtime(sn->built_at))) {
		json_decref(o);
		o = NULL;
	}
	snap_unref(sn);
	if (o == NULL)
		return nomem(err);
	*out = o;
	return VG_OK;
}

enum vg_rc
sq_vuln_list(struct vg_store *s, const struct vg_vuln_filter *flt, json_t **out,
	     struct vg_err *err)
{
	static const char *const groups[] = {"cve", "package", "host"};
	struct sq *q = s->impl;
	const struct vq_agg *ag;
	const uint32_t *ix;
	uint32_t *own = NULL;
	struct vq_snap *sn;
	struct vq_agg a;
	json_t *o, *items;
	size_t total = 0;
	enum vg_rc rc;
	int g = -1, i;

	*out = NULL;
	if (flt == NULL)
		return vg_err_set(err, VG_ERR_USAGE, "no filter");
	for (i = 0; i < 3 && flt->group != NULL; i++)
		if (strcmp(flt->group, groups[i]) == 0)
			g = i;
	if (g < 0)
		return vg_err_set(err, VG_ERR_USAGE,
				  "group: expected cve, package or host");
	if (flt->limit < 1 || flt->limit > VQ_LIMIT_MAX)
		return vg_err_set(err, VG_ERR_USAGE, "limit: expected 1 to %d",
				  VQ_LIMIT_MAX);
	if (flt->search != NULL && strlen(flt->search) > VQ_SEARCH_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  "search: longer than %d bytes",
				  VQ_SEARCH_MAX);
	if ((rc = snap_get(q, &sn, err)) != VG_OK)
		return rc;
	memset(&a, 0, sizeof(a));
	o = json_object();
	items = json_array();
	if (o == NULL || items == NULL)
		goto fail;
	if (unfiltered(flt)) {
		ag = sn->all;
		ix = sn->order[g];
		total = sn->n_order[g];
	} else {
		if (agg_run(&a, sn, flt) != VG_OK ||
		    agg_order(&a, g, &own, &total) != VG_OK)
			goto fail;
		ag = &a;
		ix = own;
	}
	if (agg_page(ag, g, ix, total, flt->offset, flt->limit, items) !=
		    VG_OK ||
	    !put(o, "group", json_string(groups[g])) ||
	    !put_int(o, "total", total) || !put_int(o, "offset", flt->offset) ||
	    !put_int(o, "limit", flt->limit) ||
	    !put(o, "as_of", jtime(sn->built_at)) ||
	    !put(o, "items", json_incref(items)))
		goto fail;
	json_decref(items);
	free(own);
	agg_release(&a);
	snap_unref(sn);
	*out = o;
	return VG_OK;
fail:
	json_decref(items);
	json_decref(o);
	free(own);
	agg_release(&a);
	snap_unref(sn);
	return nomem(err);
}

/* One affected installation of a CVE, for vuln_cve's list. */
struct vq_hit {
	uint32_t host, var;
};

static _Thread_local const struct vq_snap *vq_sort_snap;

static int
hit_cmp(const void *x, const void *y)
{
	const struct vq_hit *a = x, *b = y;
	const struct vq_snap *sn = vq_sort_snap;
	int c;

	if ((c = strcmp(sn->hosts[a->host].name, sn->hosts[b->host].name)) != 0)
		return c;
	if (a->host != b->host)
		return a->host < b->host ? -1 : 1;
	return strcmp(sn->pkgs[sn->vars[a->var].pkg],
		      sn->pkgs[sn->vars[b->var].pkg]);
}

static json_t *
hit_item(const struct vq_snap *sn, const struct vq_hit *h)
{
	const struct vq_host *ho = &sn->hosts[h->host];
	const struct vq_var *v = &sn->vars[h->var];
	json_t *o = json_object();

	if (o == NULL ||
	    !put(o, "asset_id", json_integer((json_int_t)ho->id)) ||
	    !put(o, "hostname", json_string(ho->name)) ||
	    !put(o, "site", ho->site ? json_string(ho->site) : json_null()) ||
	    !put(o, "package", json_string(sn->pkgs[v->pkg])) ||
	    !put(o, "version", json_string(v->version)) ||
	    !put(o, "fixed_version",
		 v->fixed ? json_string(v->fixed) : json_null()) ||
	    !put(o, "fix_available", json_boolean(v->fixable))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The hosts of CVE c (of the snapshot) into o: "hosts", "total",
 * "packages". */
static enum vg_rc
cve_hosts(const struct vq_snap *sn, uint32_t c, json_t *o)
{
	struct vq_hit *hits = NULL;
	json_t *arr = json_array(), *pk = json_array();
	bool *has = zalloc(sn->n_vars, 1);
	size_t n = 0, cap = 0, i, j;
	enum vg_rc rc = VG_ERR_NOMEM;

	if (arr == NULL || pk == NULL || has == NULL)
		goto done;
	for (i = 0; i < sn->n_vars; i++)
		for (j = 0; j < sn->vars[i].n && !has[i]; j++)
			has[i] = sn->vars[i].ids[j] == c;
	for (i = 0; i < sn->n_rows; i++) {
		if (sn->rows[i].host == VQ_NONE || !has[sn->rows[i].var])
			continue;
		if (!grow((void **)&hits, &cap, n, sizeof(*hits)))
			goto done;
		hits[n].host = sn->rows[i].host;
		hits[n++].var = sn->rows[i].var;
	}
	vq_sort_snap = sn;
	if (n > 0)
		qsort(hits, n, sizeof(*hits), hit_cmp);
	for (i = 0; i < n; i++) {
		json_t *h;

		if (!add_distinct(pk, sn->pkgs[sn->vars[hits[i].var].pkg], 50))
			goto done;
		if (i >= VQ_CVE_HOSTS)
			continue;
		if ((h = hit_item(sn, &hits[i])) == NULL ||
		    json_array_append_new(arr, h) != 0)
			goto done;
	}
	if (put(o, "total", json_integer((json_int_t)n)) &&
	    put(o, "packages", json_incref(pk)) &&
	    put(o, "hosts", json_incref(arr)))
		rc = VG_OK;
done:
	json_decref(arr);
	json_decref(pk);
	free(hits);
	free(has);
	return rc;
}

/* The CVE's KEV entry ("kev": null or an object); *found when any. */
static enum vg_rc
cve_kev(struct sq *q, const char *cve, json_t *o, bool *found,
	struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *k = json_null();
	int r;

	if ((st = vq_stmt(q, VQ_ST_KEV, err)) == NULL)
		return err->rc;
	if (sq_bind_text(st, 1, cve) != SQLITE_OK)
		return sq_fail(q, err, "kev");
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*found = true;
		k = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b}", "vendor",
			      jcol(st, 0), "product", jcol(st, 1), "name",
			      jcol(st, 2), "date_added", jday(st, 3),
			      "due_date", jday(st, 4), "ransomware",
			      sqlite3_column_int(st, 5) != 0);
	}
	sq_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		json_decref(k);
		return sq_fail(q, err, "kev");
	}
	return put(o, "kev", k) ? VG_OK : nomem(err);
}

static enum vg_rc
cve_epss(struct sq *q, const char *cve, json_t *o, bool *found,
	 struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *e = json_null();
	int r;

	if ((st = vq_stmt(q, VQ_ST_EPSS, err)) == NULL)
		return err->rc;
	if (sq_bind_text(st, 1, cve) != SQLITE_OK)
		return sq_fail(q, err, "epss");
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*found = true;
		e = json_pack("{s:f, s:f, s:o}", "epss",
			      sqlite3_column_double(st, 0), "percentile",
			      sqlite3_column_double(st, 1), "model",
			      jcol(st, 2));
	}
	sq_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		json_decref(e);
		return sq_fail(q, err, "epss");
	}
	return put(o, "epss", e) ? VG_OK : nomem(err);
}

/* A description from the feeds' rows of the CVE's packages. */
static enum vg_rc
cve_desc(struct sq *q, const char *cve, const json_t *pkgs, json_t *o,
	 struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *d = NULL;
	const json_t *p;
	size_t i;
	int r;

	if ((st = vq_stmt(q, VQ_ST_DESC, err)) == NULL)
		return err->rc;
	json_array_foreach(pkgs, i, p)
	{
		if (d != NULL)
			break;
		if (sq_bind_text(st, 1, json_string_value(p)) != SQLITE_OK ||
		    sq_bind_text(st, 2, cve) != SQLITE_OK)
			return sq_fail(q, err, "vulns");
		if ((r = sqlite3_step(st)) == SQLITE_ROW)
			d = jcol(st, 0);
		sq_reset(st);
		if (r != SQLITE_ROW && r != SQLITE_DONE) {
			json_decref(d);
			return sq_fail(q, err, "vulns");
		}
	}
	return put(o, "description", d != NULL ? d : json_null()) ? VG_OK
								  : nomem(err);
}

enum vg_rc
sq_vuln_cve(struct vg_store *s, const char *cve, json_t **out,
	    struct vg_err *err)
{
	struct sq *q = s->impl;
	struct vq_snap *sn;
	const struct vq_cve *c = NULL;
	bool found = false;
	json_t *o = NULL;
	enum vg_rc rc;
	uint32_t ci;

	*out = NULL;
	if (cve == NULL || *cve == '\0' || strlen(cve) > VG_FEED_MAX_ID)
		return vg_err_set(err, VG_ERR_NOTFOUND,
				  "no such vulnerability");
	if ((rc = snap_get(q, &sn, err)) != VG_OK)
		return rc;
	if ((ci = map_get(&sn->m_cve, cve, strlen(cve))) != VQ_NONE) {
		c = &sn->cves[ci];
		found = true;
	}
	if ((o = json_object()) == NULL || !put(o, "cve", json_string(cve)) ||
	    !put(o, "as_of", jtime(sn->built_at)) ||
	    !put(o, "cvss", jscore(c != NULL ? c->cvss : -1)) ||
	    !put(o, "urgency", jurgency(c != NULL ? c->urgency : 0))) {
		rc = nomem(err);
		goto done;
	}
	if (c != NULL)
		rc = cve_hosts(sn, ci, o);
	else if (!put(o, "total", json_integer(0)) ||
		 !put(o, "packages", json_array()) ||
		 !put(o, "hosts", json_array()))
		rc = VG_ERR_NOMEM;
	if (rc != VG_OK) {
		rc = nomem(err);
		goto done;
	}
	if ((rc = cve_kev(q, cve, o, &found, err)) != VG_OK ||
	    (rc = cve_epss(q, cve, o, &found, err)) != VG_OK ||
	    (rc = cve_desc(q, cve, json_object_get(o, "packages"), o, err)) !=
		    VG_OK)
		goto done;
	/* Neither on a host nor in the catalogues: unknown here. */
	if (!found)
		rc = vg_err_set(err, VG_ERR_NOTFOUND, "no such vulnerability");
done:
	snap_unref(sn);
	if (rc != VG_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return VG_OK;
}
