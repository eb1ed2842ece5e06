/*
 * The store: where scans (facts, findings, scores) are recorded. One
 * interface, several backends (an operation table); SQL lives only in the
 * backends.
 */
#ifndef VG_STORE_STORE_H
#define VG_STORE_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/report.h"
#include "util/err.h"

struct vg_store;

/* A scan as listed by vg_store_list_scans. */
struct vg_scan_summary {
	int64_t id;
	int64_t at;     /* facts' collected_at */
	char host[256]; /* hostname */
	int scores[VG_RULE_COUNT + 1];
	int overall;
	size_t n_findings;
};

struct vg_store_ops {
	const char *name;
	/* Record facts and their report; *scan_id gets the new scan's id. */
	enum vg_rc (*put_scan)(struct vg_store *s, const struct vg_facts *f,
			       const struct vg_report *r, int64_t *scan_id,
			       struct vg_err *err);
	/* Newest first, at most max; caller frees *out with free(). */
	enum vg_rc (*list_scans)(struct vg_store *s, size_t max,
				 struct vg_scan_summary **out, size_t *n,
				 struct vg_err *err);
	/* The newest scan's facts and report as stored (JSON: {"facts",
	 * "findings", "not_evaluated", "scores", "id"}); VG_ERR_NOTFOUND when
	 * the store holds no scan. Caller decrefs *out. */
	enum vg_rc (*last_scan)(struct vg_store *s, json_t **out,
				struct vg_err *err);
	void (*close)(struct vg_store *s);
};

struct vg_store {
	const struct vg_store_ops *ops;
	void *impl;
};

/* Open (creating, migrating) the SQLite store at path. */
enum vg_rc vg_store_open_sqlite(struct vg_store **out, const char *path,
				struct vg_err *err);
/* A store held in memory, for tests. */
enum vg_rc vg_store_open_memory(struct vg_store **out, struct vg_err *err);

static inline enum vg_rc
vg_store_put_scan(struct vg_store *s, const struct vg_facts *f,
		  const struct vg_report *r, int64_t *scan_id,
		  struct vg_err *err)
{
	return s->ops->put_scan(s, f, r, scan_id, err);
}

static inline enum vg_rc
vg_store_list_scans(struct vg_store *s, size_t max,
		    struct vg_scan_summary **out, size_t *n, struct vg_err *err)
{
	return s->ops->list_scans(s, max, out, n, err);
}

static inline enum vg_rc
vg_store_last_scan(struct vg_store *s, json_t **out, struct vg_err *err)
{
	return s->ops->last_scan(s, out, err);
}

/* Close and free (NULL-safe). */
static inline void
vg_store_free(struct vg_store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

#endif
