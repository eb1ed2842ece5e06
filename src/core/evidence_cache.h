/*
 * Evidences shared between findings (core/report.h: a finding owns a
 * reference to its evidence, never modified once made). The hosts of
 * one package set raise the same updates.vulnerable_package findings,
 * hundreds each: R7 builds each evidence once and hands out references,
 * so the store also serialises each one once (it keeps texts by
 * evidence). Keyed by a digest of what the evidence is made of;
 * bounded (a slot per key, the newer wins) and shared by the threads.
 */
#ifndef VG_CORE_EVIDENCE_CACHE_H
#define VG_CORE_EVIDENCE_CACHE_H

#include <jansson.h>

/* Slots kept (a vulnerable package's evidence is ~3 KB in memory). */
#define VG_EVIDENCE_CACHE_SLOTS 8192
#define VG_EVIDENCE_KEY_LEN 16

/* The evidence kept under key (a new reference), or NULL. */
json_t *vg_evidence_cache_get(const unsigned char key[VG_EVIDENCE_KEY_LEN]);
/* Keep ev (a reference taken) under key. */
void vg_evidence_cache_put(const unsigned char key[VG_EVIDENCE_KEY_LEN],
			   json_t *ev);
/* Drop every evidence kept (tests, shutdown). */
void vg_evidence_cache_clear(void);

#endif
