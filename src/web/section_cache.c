/*
 * The section cache (web/section_cache.h): a small array searched in
 * full (VG_SECTION_CACHE_MAX entries), a use counter for eviction, and
 * a reference count per entry (atomic: taken under the lock, dropped
 * anywhere).
 */
#include "util/common.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts_json.h"
#include "web/section_cache.h"
#include "util/banned.h"

struct vg_section_entry {
	char digest[VG_SECTION_DIGEST_MAX];
	enum vg_section s;
	struct vg_facts f; /* only member s decoded */
	unsigned refs;
	uint64_t used;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vg_section_entry *cache[VG_SECTION_CACHE_MAX];
static uint64_t clock_now;

void
vg_section_entry_unref(struct vg_section_entry *e)
{
	if (e == NULL || __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	vg_facts_release(&e->f);
	free(e);
}

static struct vg_section_entry *
ref(struct vg_section_entry *e)
{
	(void)__atomic_add_fetch(&e->refs, 1, __ATOMIC_ACQ_REL);
	return e;
}

struct vg_section_entry *
vg_section_cache_get(const char *digest, enum vg_section s)
{
	struct vg_section_entry *e = NULL;
	size_t i;

	(void)pthread_mutex_lock(&cache_lock);
	for (i = 0; i < VG_SECTION_CACHE_MAX; i++)
		if (cache[i] != NULL && cache[i]->s == s &&
		    strcmp(cache[i]->digest, digest) == 0) {
			cache[i]->used = ++clock_now;
			e = ref(cache[i]);
			break;
		}
	(void)pthread_mutex_unlock(&cache_lock);
	return e;
}

/* Keep e (a reference taken); an entry of the same key stays. */
static void
keep(struct vg_section_entry *e)
{
	struct vg_section_entry *old = NULL;
	size_t i, victim = 0;

	(void)pthread_mutex_lock(&cache_lock);
	for (i = 0; i < VG_SECTION_CACHE_MAX; i++) {
		if (cache[i] != NULL && cache[i]->s == e->s &&
		    strcmp(cache[i]->digest, e->digest) == 0) {
			/* Another thread decoded it too: one is enough. */
			(void)pthread_mutex_unlock(&cache_lock);
			return;
		}
		if (cache[i] == NULL ||
		    (cache[victim] != NULL &&
		     cache[i]->used < cache[victim]->used))
			victim = i;
	}
	old = cache[victim];
	cache[victim] = ref(e);
	e->used = ++clock_now;
	(void)pthread_mutex_unlock(&cache_lock);
	/* Freed outside the lock when the last holder is gone. */
	vg_section_entry_unref(old);
}

enum vg_rc
vg_section_cache_add(const char *digest, enum vg_section s, const json_t *a,
		     struct vg_section_entry **out, struct vg_err *err)
{
	struct vg_section_entry *e;
	json_t *doc;
	enum vg_rc rc;

	*out = NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	(void)snprintf(e->digest, sizeof(e->digest), "%s", digest);
	e->s = s;
	e->refs = 1;
	vg_facts_init(&e->f);
	/* The member alone, decoded as a document holding only it. */
	doc = json_pack("{s:s, s:O}", "schema", VG_FACTS_SCHEMA,
			vg_section_name(s), a);
	if (doc == NULL) {
		free(e);
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	}
	rc = vg_facts_from_json(&e->f, doc, err);
	json_decref(doc);
	if (rc != VG_OK) {
		free(e);
		return rc;
	}
	keep(e);
	*out = e;
	return VG_OK;
}

/* A copy of n items of size sz (the strings they point to shared). */
static void *
dup_items(const void *src, size_t n, size_t sz)
{
	void *p = reallocarray(NULL, n, sz);

	if (p != NULL)
		memcpy(p, src, n * sz);
	return p;
}

/* f's member m (items, count and capacity) becomes a copy of e's. */
#define GRAFT(m)                                                               \
	do {                                                                   \
		void *p_;                                                      \
		if (g->n_##m == 0)                                             \
			return VG_OK;                                          \
		if ((p_ = dup_items(g->m, g->n_##m, sizeof(*g->m))) == NULL)   \
			return VG_ERR_NOMEM;                                   \
		free(f->m);                                                    \
		f->m = p_;                                                     \
		f->n_##m = f->cap_##m = g->n_##m;                              \
	} while (0)

enum vg_rc
vg_section_entry_graft(const struct vg_section_entry *e, struct vg_facts *f)
{
	const struct vg_facts *g = &e->f;

	switch (e->s) {
	case VG_SECTION_PACKAGES:
		GRAFT(packages);
		break;
	case VG_SECTION_UPGRADES:
		GRAFT(upgrades);
		break;
	case VG_SECTION_ACCOUNTS:
		GRAFT(accounts);
		break;
	case VG_SECTION_GROUPS:
		GRAFT(groups);
		break;
	case VG_SECTION_COUNT:
		break;
	}
	return VG_OK;
}

void
vg_section_cache_clear(void)
{
	struct vg_section_entry *v[VG_SECTION_CACHE_MAX];
	size_t i;

	(void)pthread_mutex_lock(&cache_lock);
	memcpy(v, cache, sizeof(v));
	memset(cache, 0, sizeof(cache));
	(void)pthread_mutex_unlock(&cache_lock);
	for (i = 0; i < VG_SECTION_CACHE_MAX; i++)
		vg_section_entry_unref(v[i]);
}

/* ---------------------------------------------------------------- */
/* Vulnerability matching's results                                 */
/* ---------------------------------------------------------------- */

struct memo {
	char digest[VG_SECTION_DIGEST_MAX];
	char *release; /* NULL: no codename */
	bool packages; /* the packages source collected */
	int64_t feeds_at;
	struct vg_facts v; /* vuln_pkgs and sources[VG_SRC_VULNS] only */
	uint64_t used;
	bool set;
};

static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct memo memo[VG_VULN_MEMO_MAX];
static uint64_t memo_clock;

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
		(a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* m's key is f's (with digest and feeds_at). */
static bool
memo_is(const struct memo *m, const char *digest, int64_t feeds_at,
	const struct vg_facts *f)
{
	return m->set && m->feeds_at == feeds_at &&
		m->packages == f->sources[VG_SRC_PACKAGES].collected &&
		strcmp(m->digest, digest) == 0 &&
		same_str(m->release, f->os.codename);
}

/* Copy src's vulnerable packages and their source state into dst. */
static enum vg_rc
copy_vulns(struct vg_facts *dst, const struct vg_facts *src)
{
	const struct vg_vuln_pkg *s;
	struct vg_vuln_pkg *p;
	size_t i;

	for (i = 0; i < src->n_vuln_pkgs; i++) {
		s = &src->vuln_pkgs[i];
		if ((p = vg_facts_add_vuln_pkg(dst)) == NULL)
			return VG_ERR_NOMEM;
		*p = *s;
		p->package = vg_facts_str(dst, s->package);
		p->version = vg_facts_str(dst, s->version);
		p->binaries = vg_facts_str(dst, s->binaries);
		p->ids = vg_facts_str(dst, s->ids);
		p->fixed_version = vg_facts_str(dst, s->fixed_version);
		p->kev_ids = vg_facts_str(dst, s->kev_ids);
		if ((s->package != NULL && p->package == NULL) ||
		    (s->version != NULL && p->version == NULL) ||
		    (s->binaries != NULL && p->binaries == NULL) ||
		    (s->ids != NULL && p->ids == NULL) ||
		    (s->fixed_version != NULL && p->fixed_version == NULL) ||
		    (s->kev_ids != NULL && p->kev_ids == NULL))
			return VG_ERR_NOMEM;
	}
	dst->sources[VG_SRC_VULNS] = src->sources[VG_SRC_VULNS];
	dst->sources[VG_SRC_VULNS].reason =
		vg_facts_str(dst, src->sources[VG_SRC_VULNS].reason);
	return VG_OK;
}

bool
vg_vuln_memo_get(const char *digest, int64_t feeds_at, struct vg_facts *f)
{
	bool hit = false;
	size_t i;

	(void)pthread_mutex_lock(&memo_lock);
	for (i = 0; i < VG_VULN_MEMO_MAX && !hit; i++) {
		if (!memo_is(&memo[i], digest, feeds_at, f))
			continue;
		memo[i].used = ++memo_clock;
		/* No memory: matched again, as without the memo. */
		if (f->n_vuln_pkgs == 0 && copy_vulns(f, &memo[i].v) == VG_OK)
			hit = true;
		else
			f->n_vuln_pkgs = 0;
		break;
	}
	(void)pthread_mutex_unlock(&memo_lock);
	return hit;
}

void
vg_vuln_memo_put(const char *digest, int64_t feeds_at, const struct vg_facts *f)
{
	struct memo m, old;
	size_t i, victim = 0;

	memset(&m, 0, sizeof(m));
	vg_facts_init(&m.v);
	(void)snprintf(m.digest, sizeof(m.digest), "%s", digest);
	m.feeds_at = feeds_at;
	m.packages = f->sources[VG_SRC_PACKAGES].collected;
	m.set = true;
	if ((f->os.codename != NULL &&
	     (m.release = strdup(f->os.codename)) == NULL) ||
	    copy_vulns(&m.v, f) != VG_OK) {
		free(m.release);
		vg_facts_release(&m.v);
		return;
	}
	(void)pthread_mutex_lock(&memo_lock);
	for (i = 0; i < VG_VULN_MEMO_MAX; i++) {
		if (memo_is(&memo[i], digest, feeds_at, f)) {
			victim = VG_VULN_MEMO_MAX;
			break;
		}
		if (!memo[i].set ||
		    (memo[victim].set && memo[i].used < memo[victim].used))
			victim = i;
	}
	if (victim == VG_VULN_MEMO_MAX) {
		(void)pthread_mutex_unlock(&memo_lock);
		free(m.release);
		vg_facts_release(&m.v);
		return;
	}
	old = memo[victim];
	m.used = ++memo_clock;
	memo[victim] = m;
	(void)pthread_mutex_unlock(&memo_lock);
	if (old.set) {
		free(old.release);
		vg_facts_release(&old.v);
	}
}
