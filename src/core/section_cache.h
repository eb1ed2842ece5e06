/*
 * The cache of decoded sections (core/sections.h): a report that refers
 * to its packages instead of sending them is judged on the packages
 * decoded once for every host with that package set, without reading,
 * parsing or decoding the section again; the store's re-judgement of
 * every host decodes each set's sections once the same way. Bounded (the least
 * recently used goes) and shared by the server's threads (a mutex).
 * An entry is never modified once made and is counted: a report's
 * facts point into the entries they took (vg_section_entry_graft)
 * until the report is done with them.
 */
#ifndef VG_CORE_SECTION_CACHE_H
#define VG_CORE_SECTION_CACHE_H

#include <jansson.h>

#include "core/facts.h"
#include "core/sections.h"
#include "util/err.h"

/* Entries kept: a package set decoded is about 200 KB for 1,000
 * packages, and the hosts of an establishment share a few sets. */
#define VG_SECTION_CACHE_MAX 64

struct vg_section_entry;

/* The entry of member s with digest (a new reference: release with
 * vg_section_entry_unref), or NULL when not cached. */
struct vg_section_entry *vg_section_cache_get(const char *digest,
					      enum vg_section s);
/*
 * Decode a (the JSON array of member s, untrusted: the facts decoder
 * checks it) into a new entry, keep it under digest and give a
 * reference in *out. VG_ERR_PARSE (err names the field) or
 * VG_ERR_NOMEM.
 */
enum vg_rc vg_section_cache_add(const char *digest, enum vg_section s,
				const json_t *a, struct vg_section_entry **out,
				struct vg_err *err);
/*
 * Give f (whose member is empty) the entry's items: the array is
 * copied, its strings stay the entry's, so the entry must outlive f's
 * use. VG_ERR_NOMEM.
 */
enum vg_rc vg_section_entry_graft(const struct vg_section_entry *e,
				  struct vg_facts *f);
/* Drop a reference (NULL: nothing). */
void vg_section_entry_unref(struct vg_section_entry *e);

/*
 * Where vg_section_take reads a section the cache lacks: its JSON array
 * into *out (a new reference), VG_ERR_NOTFOUND when the store holds no
 * section of that digest, another error otherwise. kind: its member.
 */
typedef enum vg_rc (*vg_section_fetch_fn)(void *ctx, const char *digest,
					  enum vg_section kind, json_t **out,
					  struct vg_err *err);
/*
 * Member s of the facts document doc when it is a reference: taken out
 * of doc, its digest into digest and its decoded section into *out (a
 * new reference: from the cache, else fetched and decoded into it), for
 * vg_section_entry_graft once the rest of doc is decoded. VG_OK with
 * *out NULL and digest "" when the member is not a reference;
 * VG_ERR_PARSE for a malformed reference or section (err names the
 * member); fetch's errors (VG_ERR_NOTFOUND: an unknown digest).
 */
enum vg_rc vg_section_take(json_t *doc, enum vg_section s,
			   vg_section_fetch_fn fetch, void *ctx,
			   char digest[VG_SECTION_DIGEST_MAX],
			   struct vg_section_entry **out, struct vg_err *err);
/* Drop every entry (tests, shutdown); references held stay valid. */
void vg_section_cache_clear(void);

#endif
