/*
 * The evidence cache (core/evidence_cache.h): two-way slots under one
 * lock; the older of a pair's evidences goes for a newer key's.
 */
#include "util/common.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "core/evidence_cache.h"
#include "util/banned.h"

struct slot {
	unsigned char key[VG_EVIDENCE_KEY_LEN];
	json_t *ev; /* NULL: empty */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[VG_EVIDENCE_CACHE_SLOTS];

/* The key is a digest: any of its bytes is as good as a hash. */
static struct slot *
slot_of(const unsigned char key[VG_EVIDENCE_KEY_LEN])
{
	unsigned v = (unsigned)key[0] | (unsigned)key[1] << 8 |
		(unsigned)key[2] << 16;

	return &slots[v % VG_EVIDENCE_CACHE_SLOTS];
}

/* The other slot of s's pair. */
static struct slot *
pair_of(struct slot *s)
{
	return (s - slots) % 2 == 0 ? s + 1 : s - 1;
}

static bool
holds(const struct slot *s, const unsigned char key[VG_EVIDENCE_KEY_LEN])
{
	return s->ev != NULL && memcmp(s->key, key, VG_EVIDENCE_KEY_LEN) == 0;
}

json_t *
vg_evidence_cache_get(const unsigned char key[VG_EVIDENCE_KEY_LEN])
{
	struct slot *s = slot_of(key);
	json_t *ev = NULL;

	(void)pthread_mutex_lock(&lock);
	/* Two ways: the key's slot and its neighbour. */
	if (holds(s, key))
		ev = json_incref(s->ev);
	else if (holds(pair_of(s), key))
		ev = json_incref(pair_of(s)->ev);
	(void)pthread_mutex_unlock(&lock);
	return ev;
}

void
vg_evidence_cache_put(const unsigned char key[VG_EVIDENCE_KEY_LEN], json_t *ev)
{
	struct slot *s = slot_of(key), *p = pair_of(s);
	json_t *old;

	(void)pthread_mutex_lock(&lock);
	/* The key's slot gets it; what it held moves to the neighbour,
	 * whose own goes (the older of the two). */
	old = NULL;
	if (s->ev != NULL) {
		old = p->ev;
		*p = *s;
	}
	memcpy(s->key, key, VG_EVIDENCE_KEY_LEN);
	s->ev = json_incref(ev);
	(void)pthread_mutex_unlock(&lock);
	/* Outside the lock: the last reference may free a large tree. */
	json_decref(old);
}

void
vg_evidence_cache_clear(void)
{
	size_t i;
	json_t *old;

	for (i = 0; i < VG_EVIDENCE_CACHE_SLOTS; i++) {
		(void)pthread_mutex_lock(&lock);
		old = slots[i].ev;
		slots[i].ev = NULL;
		(void)pthread_mutex_unlock(&lock);
		json_decref(old);
	}
}
