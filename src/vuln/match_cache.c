/*
 * A lookup that remembers (vuln/match.h, vg_vuln_cache): matching many
 * hosts in a row asks the same (release, source package) questions
 * again and again — a fleet runs a few images — so each answer is read
 * once from the store and kept, copied into an arena, for every later
 * host. One open-addressing table keyed by release and package; the
 * entries of one key are contiguous in a growing array. Bounded: past
 * VG_VULN_CACHE_MAX_ENTRIES entries kept, later keys go to the store
 * every time (correct, only slower).
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "vuln/match.h"
#include "util/banned.h"

struct slot {
	const char *release; /* NULL: the release-independent key */
	const char *package; /* NULL: an empty slot */
	size_t first, n;     /* entries[first .. first + n) */
};

struct vg_vuln_cache {
	vg_vuln_lookup_fn inner;
	void *inner_ctx;
	struct slot *slots;
	size_t n_slots, used; /* n_slots a power of two */
	struct vg_vuln_entry *entries;
	size_t n_entries, cap_entries;
	struct vg_arena strs;
	bool full; /* stopped keeping new keys */
};

/* FNV-1a over the release (or nothing) and the package. */
static size_t
key_hash(const char *release, const char *package)
{
	uint64_t h = 1469598103934665603ULL;
	const char *s;

	for (s = release != NULL ? release : ""; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL; /* the separator */
	for (s = package; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static bool
same_release(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The slot of the key: its own, or the empty one it would take. */
static struct slot *
find_slot(struct slot *slots, size_t n_slots, const char *release,
	  const char *package)
{
	size_t i = key_hash(release, package) & (n_slots - 1);

	while (slots[i].package != NULL &&
	       (strcmp(slots[i].package, package) != 0 ||
		!same_release(slots[i].release, release)))
		i = (i + 1) & (n_slots - 1);
	return &slots[i];
}

/* Keep the table at most half full. */
static bool
grow_slots(struct vg_vuln_cache *c)
{
	size_t n = c->n_slots ? c->n_slots * 2 : 1024, i;
	struct slot *ns = calloc(n, sizeof(*ns));

	if (ns == NULL)
		return false;
	for (i = 0; i < c->n_slots; i++)
		if (c->slots[i].package != NULL)
			*find_slot(ns, n, c->slots[i].release,
				   c->slots[i].package) = c->slots[i];
	free(c->slots);
	c->slots = ns;
	c->n_slots = n;
	return true;
}

struct vg_vuln_cache *
vg_vuln_cache_new(vg_vuln_lookup_fn inner, void *inner_ctx)
{
	struct vg_vuln_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->inner = inner;
	c->inner_ctx = inner_ctx;
	vg_arena_init(&c->strs);
	if (!grow_slots(c)) {
		free(c);
		return NULL;
	}
	return c;
}

void
vg_vuln_cache_free(struct vg_vuln_cache *c)
{
	if (c == NULL)
		return;
	free(c->slots);
	free(c->entries);
	vg_arena_release(&c->strs);
	free(c);
}

/* What one inner lookup hands back, while it is being kept. */
struct fill {
	struct vg_vuln_cache *c;
	bool nomem;
};

static const char *
keep_str(struct fill *fl, const char *s)
{
	const char *k;

	if (s == NULL)
		return NULL;
	if ((k = vg_arena_strdup(&fl->c->strs, s)) == NULL)
		fl->nomem = true;
	return k;
}

static enum vg_rc
keep_entry(void *ctx, const struct vg_vuln_entry *e)
{
	struct fill *fl = ctx;
	struct vg_vuln_cache *c = fl->c;
	struct vg_vuln_entry *k;
	size_t ncap;

	if (c->n_entries == c->cap_entries) {
		ncap = c->cap_entries ? c->cap_entries * 2 : 4096;
		if ((k = reallocarray(c->entries, ncap, sizeof(*k))) == NULL)
			return VG_ERR_NOMEM;
		c->entries = k;
		c->cap_entries = ncap;
	}
	k = &c->entries[c->n_entries];
	*k = *e;
	k->id = keep_str(fl, e->id);
	k->fixed_version = keep_str(fl, e->fixed_version);
	k->introduced = keep_str(fl, e->introduced);
	k->last_affected = keep_str(fl, e->last_affected);
	k->fixed_on_branches = keep_str(fl, e->fixed_on_branches);
	k->fixed_key = NULL;
	k->fixed_key_len = 0;
	if (e->fixed_key != NULL && e->fixed_key_len > 0) {
		unsigned char *key = vg_arena_alloc(&c->strs, e->fixed_key_len);

		if (key == NULL)
			fl->nomem = true;
		else {
			memcpy(key, e->fixed_key, e->fixed_key_len);
			k->fixed_key = key;
			k->fixed_key_len = e->fixed_key_len;
		}
	}
	if (fl->nomem)
		return VG_ERR_NOMEM;
	c->n_entries++;
	return VG_OK;
}

enum vg_rc
vg_vuln_cache_lookup(void *cache, const char *release, const char *package,
		     vg_vuln_entry_fn fn, void *ctx, struct vg_err *err)
{
	struct vg_vuln_cache *c = cache;
	struct fill fl = {c, false};
	struct slot *s;
	size_t first, i;
	enum vg_rc rc;

	if (package == NULL)
		return c->inner(c->inner_ctx, release, package, fn, ctx, err);
	s = find_slot(c->slots, c->n_slots, release, package);
	if (s->package == NULL) {
		if (c->full || c->n_entries >= VG_VULN_CACHE_MAX_ENTRIES) {
			c->full = true;
			return c->inner(c->inner_ctx, release, package, fn, ctx,
					err);
		}
		/* Read it once, kept; a failure keeps nothing of it. */
		first = c->n_entries;
		rc = c->inner(c->inner_ctx, release, package, keep_entry, &fl,
			      err);
		if (rc != VG_OK) {
			c->n_entries = first;
			return rc;
		}
		if (c->used + 1 > c->n_slots / 2) {
			if (!grow_slots(c)) {
				c->n_entries = first;
				return vg_err_set(err, VG_ERR_NOMEM,
						  _("out of memory"));
			}
			s = find_slot(c->slots, c->n_slots, release, package);
		}
		s->release = release != NULL
			? vg_arena_strdup(&c->strs, release)
			: NULL;
		s->package = vg_arena_strdup(&c->strs, package);
		if (s->package == NULL || (release != NULL && !s->release)) {
			s->package = NULL;
			c->n_entries = first;
			return vg_err_set(err, VG_ERR_NOMEM,
					  _("out of memory"));
		}
		s->first = first;
		s->n = c->n_entries - first;
		c->used++;
	}
	for (i = 0; i < s->n; i++)
		if ((rc = fn(ctx, &c->entries[s->first + i])) != VG_OK)
			return rc;
	return VG_OK;
}
