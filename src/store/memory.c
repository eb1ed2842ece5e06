/*
 * The memory store: scans kept in a growing array, each as the JSON
 * document last_scan returns, for tests of rules, handlers and the store
 * contract itself. Same behaviour as the SQLite store, nothing on disk.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts_json.h"
#include "core/report_json.h"
#include "store/store.h"
#include "util/banned.h"

struct mem_scan {
	struct vg_scan_summary sum;
	json_t *doc; /* {"facts", "findings", "not_evaluated", "scores"} */
};

struct mem {
	struct mem_scan *scans;
	size_t n, cap;
	int64_t next_id;
};

static enum vg_rc
mem_nomem(struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
}

static enum vg_rc
mem_put_scan(struct vg_store *s, const struct vg_facts *f,
	     const struct vg_report *r, int64_t *scan_id, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct mem_scan *sc, *p;
	json_t *doc, *facts;
	size_t ncap;
	int k;

	*scan_id = 0;
	if (m->n == m->cap) {
		ncap = m->cap ? m->cap * 2 : 8;
		if ((p = reallocarray(m->scans, ncap, sizeof(*p))) == NULL)
			return mem_nomem(err);
		m->scans = p;
		m->cap = ncap;
	}
	/* The report in its stored (English) form, as the SQLite store. */
	if ((doc = json_object()) == NULL ||
	    (facts = vg_facts_to_json(f)) == NULL ||
	    json_object_set_new(doc, "facts", facts) != 0 ||
	    vg_report_to_json(r, doc, false) != VG_OK) {
		json_decref(doc);
		return mem_nomem(err);
	}
	sc = &m->scans[m->n++];
	memset(sc, 0, sizeof(*sc));
	sc->doc = doc;
	sc->sum.id = m->next_id++;
	sc->sum.at = f->collected_at;
	(void)snprintf(sc->sum.host, sizeof(sc->sum.host), "%s",
		       f->os.hostname != NULL ? f->os.hostname : "");
	for (k = 0; k <= VG_RULE_COUNT; k++)
		sc->sum.scores[k] = k == 0 || r->scores[k] < 0 ? VG_SCORE_NONE
							       : r->scores[k];
	sc->sum.overall = r->overall < 0 ? VG_SCORE_NONE : r->overall;
	sc->sum.n_findings = r->n_findings;
	*scan_id = sc->sum.id;
	return VG_OK;
}

/* Newest first: collected_at, then id, both descending. */
static int
summary_cmp(const void *a, const void *b)
{
	const struct vg_scan_summary *x = a, *y = b;

	if (x->at != y->at)
		return x->at > y->at ? -1 : 1;
	if (x->id != y->id)
		return x->id > y->id ? -1 : 1;
	return 0;
}

static enum vg_rc
mem_list_scans(struct vg_store *s, size_t max, struct vg_scan_summary **out,
	       size_t *n, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct vg_scan_summary *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (m->n == 0 || max == 0)
		return VG_OK;
	if ((v = reallocarray(NULL, m->n, sizeof(*v))) == NULL)
		return mem_nomem(err);
	for (i = 0; i < m->n; i++)
		v[i] = m->scans[i].sum;
	qsort(v, m->n, sizeof(*v), summary_cmp);
	*out = v;
	*n = m->n < max ? m->n : max;
	return VG_OK;
}

static enum vg_rc
mem_last_scan(struct vg_store *s, json_t **out, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct mem_scan *best = NULL;
	json_t *doc;
	size_t i;

	*out = NULL;
	for (i = 0; i < m->n; i++)
		if (best == NULL ||
		    summary_cmp(&m->scans[i].sum, &best->sum) < 0)
			best = &m->scans[i];
	if (best == NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND,
				  _("store '%s' holds no scan"), "memory");
	/* A copy: the caller may change or keep it past the store. */
	if ((doc = json_deep_copy(best->doc)) == NULL ||
	    json_object_set_new(doc, "id", json_integer(best->sum.id)) != 0) {
		json_decref(doc);
		return mem_nomem(err);
	}
	*out = doc;
	return VG_OK;
}

static void
mem_close(struct vg_store *s)
{
	struct mem *m = s->impl;
	size_t i;

	if (m != NULL) {
		for (i = 0; i < m->n; i++)
			json_decref(m->scans[i].doc);
		free(m->scans);
		free(m);
	}
	free(s);
}

static const struct vg_store_ops memory_ops = {
	.name = "memory",
	.put_scan = mem_put_scan,
	.list_scans = mem_list_scans,
	.last_scan = mem_last_scan,
	.close = mem_close,
};

enum vg_rc
vg_store_open_memory(struct vg_store **out, struct vg_err *err)
{
	struct vg_store *s;
	struct mem *m;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (m = calloc(1, sizeof(*m))) == NULL) {
		free(s);
		return mem_nomem(err);
	}
	m->next_id = 1;
	s->ops = &memory_ops;
	s->impl = m;
	*out = s;
	return VG_OK;
}
