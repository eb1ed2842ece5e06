/*
 * The facts document ("schema": "vigie.facts/1") in JSON, with jansson.
 * The decoder treats its input as hostile: every count, length and depth
 * is checked, and any malformed field is an error naming the field.
 */
#ifndef VG_CORE_FACTS_JSON_H
#define VG_CORE_FACTS_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "core/facts.h"
#include "core/sections.h"
#include "util/buf.h"
#include "util/err.h"

#define VG_FACTS_SCHEMA "vigie.facts/1"

/* A new JSON object for f (caller decrefs), NULL on no memory. */
json_t *vg_facts_to_json(const struct vg_facts *f);
/* Only its "vulnerable_packages" array, as vg_facts_to_json writes it
 * (`vigie vuln check --format json`); NULL on no memory. */
json_t *vg_vuln_pkgs_to_json(const struct vg_facts *f);
/*
 * The same array written to fp as the text json_dumpf writes of it with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER, byte for byte, without the tree,
 * and a piece at a time as it is made, never all of it in memory.
 * VG_ERR_IO when fp refuses a piece, other errors as vg_facts_write. On
 * failure fp may hold the beginning of the array: the caller says the
 * output failed (`vigie vuln check` exits 1).
 */
enum vg_rc vg_vuln_pkgs_print(const struct vg_facts *f, FILE *fp);

/*
 * Append f as compact JSON text to out: the same document as
 * vg_facts_to_json without building a tree (for 10,000 accounts the tree
 * is most of the store's time). VG_ERR_LIMIT past out's max,
 * VG_ERR_NOMEM; out is unchanged on failure.
 */
enum vg_rc vg_facts_write(const struct vg_facts *f, struct vg_buf *out);

/*
 * The big members (core/sections.h) split out of the document: each is
 * written into part[i] (the caller initialises the buffers, with their
 * caps, and releases them) and digest[i] gets the digest of that text;
 * the document in out holds a reference {"$ref": digest} in its place.
 * A member whose digest the caller gives in known[i] (content the
 * caller knows to be f's) is neither written nor hashed: part[i] stays
 * empty and digest[i] is known[i]. Errors as vg_facts_write.
 */
struct vg_facts_split {
	const char *known[VG_SECTION_COUNT];
	struct vg_buf part[VG_SECTION_COUNT];
	char digest[VG_SECTION_COUNT][VG_SECTION_DIGEST_MAX];
};
enum vg_rc vg_facts_write_split(const struct vg_facts *f, struct vg_buf *out,
				struct vg_facts_split *sp);

/* Decode a facts document into f (initialised by the caller). On error f
 * is released and err says which field ("facts.accounts[3].uid: ..."). */
enum vg_rc vg_facts_from_json(struct vg_facts *f, const json_t *doc,
			      struct vg_err *err);

/* Parse bytes then decode (limits: VG_MAX_JSON_DOC, VG_MAX_JSON_DEPTH). */
enum vg_rc vg_facts_parse(struct vg_facts *f, const char *buf, size_t len,
			  struct vg_err *err);

#endif
