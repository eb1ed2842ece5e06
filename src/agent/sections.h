/*
 * The agent's side of sections by reference (core/sections.h,
 * docs/internals/agent-protocol.md). A spooled report holds its facts
 * with every big member as a reference, followed by the members'
 * texts, one frame each:
 *
 *   {"uuid":"...","facts":{... "packages":{"$ref":"blake2b:..."} ...}}
 *   \n<digest> <length>\n<length bytes of the member's JSON text>
 *   ...
 *
 * (the document is compact JSON: it holds no newline). A report spooled
 * by an older agent is the document alone. At delivery, a member whose
 * digest the server acknowledged (STATE_DIR/sections.json, written
 * atomically) stays a reference; the others are put back in place.
 */
#ifndef VG_AGENT_SECTIONS_H
#define VG_AGENT_SECTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"
#include "core/sections.h"
#include "util/buf.h"
#include "util/err.h"

#define VG_AGENT_SECTIONS_FILE "sections.json"
/* Digests remembered (the newest): a few package sets at most live. */
#define VG_AGENT_SECTIONS_MAX 16

/* The digests the server acknowledged, newest last. */
struct vg_agent_acked {
	char d[VG_AGENT_SECTIONS_MAX][VG_SECTION_DIGEST_MAX];
	size_t n;
};

/* Read STATE_DIR/sections.json (none, or unreadable: empty; a damaged
 * file only costs full sections). */
void vg_agent_acked_load(struct vg_agent_acked *a, const char *state_dir);
/* Write it (atomically, 0600). */
enum vg_rc vg_agent_acked_save(const struct vg_agent_acked *a,
			       const char *state_dir, struct vg_err *err);
/* True when digest is in a. */
bool vg_agent_acked_has(const struct vg_agent_acked *a, const char *digest);
/* Add digest (valid ones only; the oldest dropped past the max); true
 * when a changed. */
bool vg_agent_acked_add(struct vg_agent_acked *a, const char *digest);

/*
 * Append the report {"uuid": uuid, "facts": f} to out in the spool's
 * form (above). Errors as vg_facts_write.
 */
enum vg_rc vg_agent_report_write(const struct vg_facts *f, const char *uuid,
				 struct vg_buf *out);

/*
 * The body to send for spooled report text (len bytes) into body
 * (reset first): members whose digest is in acked (NULL: none) stay
 * references, the others are put back. A report with no frames, or
 * frames that do not parse (a damaged file), is sent as it is.
 * VG_ERR_LIMIT past body's max, VG_ERR_NOMEM.
 */
enum vg_rc vg_agent_report_body(const char *text, size_t len,
				const struct vg_agent_acked *acked,
				struct vg_buf *body);

/*
 * Remember the "sections" of a 201 answer (JSON text) in a: true when a
 * changed. An answer without them (an older server) changes nothing.
 */
bool vg_agent_acked_from_answer(struct vg_agent_acked *a, const char *answer,
				size_t len);

#endif
