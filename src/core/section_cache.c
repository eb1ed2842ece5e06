/*
 * The section cache (core/section_cache.h): a small array searched in
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
#include "core/section_cache.h"
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
	case VG_SECTION_VULNS:
		GRAFT(vuln_pkgs);
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

enum vg_rc
vg_section_take(json_t *doc, enum vg_section s, vg_section_fetch_fn fetch,
		void *ctx, char digest[VG_SECTION_DIGEST_MAX],
		struct vg_section_entry **out, struct vg_err *err)
{
	const char *name = vg_section_name(s);
	json_t *v;
	enum vg_rc rc;

	*out = NULL;
	digest[0] = '\0';
	if (name == NULL || !vg_section_is_ref(v = json_object_get(doc, name)))
		return VG_OK;
	if (!vg_section_ref_get(v, digest))
		return vg_err_set(err, VG_ERR_PARSE,
				  "facts.%s: expected {\"$ref\": "
				  "\"blake2b:<64 hex digits>\"}",
				  name);
	(void)json_object_del(doc, name);
	if ((*out = vg_section_cache_get(digest, s)) != NULL)
		return VG_OK;
	if ((rc = fetch(ctx, digest, s, &v, err)) != VG_OK)
		return rc;
	rc = vg_section_cache_add(digest, s, v, out, err);
	json_decref(v);
	return rc;
}
