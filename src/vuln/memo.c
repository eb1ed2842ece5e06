/*
 * The memo of vulnerability matching's results (vuln/memo.h): a small
 * array searched in full, a use counter for eviction, one lock.
 */
#include "util/common.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sections.h"
#include "vuln/memo.h"
#include "vuln/match.h"
#include "util/banned.h"

struct memo {
	char digest[VG_SECTION_DIGEST_MAX];
	char *release; /* NULL: no codename */
	bool packages; /* the packages source collected */
	int64_t feeds_state;
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

/* m's key is f's (with digest and feeds_state). */
static bool
memo_is(const struct memo *m, const char *digest, int64_t feeds_state,
	const struct vg_facts *f)
{
	return m->set && m->feeds_state == feeds_state &&
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
vg_vuln_memo_get(const char *digest, int64_t feeds_state, struct vg_facts *f)
{
	bool hit = false;
	size_t i;

	(void)pthread_mutex_lock(&memo_lock);
	for (i = 0; i < VG_VULN_MEMO_MAX && !hit; i++) {
		if (!memo_is(&memo[i], digest, feeds_state, f))
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
vg_vuln_memo_put(const char *digest, int64_t feeds_state,
		 const struct vg_facts *f)
{
	struct memo m, old;
	size_t i, victim = 0;

	memset(&m, 0, sizeof(m));
	vg_facts_init(&m.v);
	(void)snprintf(m.digest, sizeof(m.digest), "%s", digest);
	m.feeds_state = feeds_state;
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
		if (memo_is(&memo[i], digest, feeds_state, f)) {
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

enum vg_rc
vg_vuln_match_memo(struct vg_facts *f, const char *packages_ref,
		   int64_t feeds_state, vg_vuln_lookup_fn lookup, void *ctx,
		   struct vg_err *err)
{
	enum vg_rc rc;

	/* The facts' own results (stored ones, re-judged) are replaced. */
	f->n_vuln_pkgs = 0;
	if (packages_ref != NULL &&
	    vg_vuln_memo_get(packages_ref, feeds_state, f))
		return VG_OK;
	if ((rc = vg_vuln_match(f, lookup, ctx, err)) != VG_OK)
		return rc;
	if (packages_ref != NULL)
		vg_vuln_memo_put(packages_ref, feeds_state, f);
	return VG_OK;
}
