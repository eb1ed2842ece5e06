/*
 * The big members of a facts document (packages, upgrades, accounts,
 * groups) addressed by the digest of their text, so an agent whose
 * packages did not change sends a reference instead of them
 * (docs/internals/agent-protocol.md, "Sections by reference"). A
 * reference is the JSON object {"$ref": "blake2b:<64 lower-case hex>"}
 * in place of the member's array; the digest is BLAKE2b-256 of the
 * member's compact text as vg_facts_write_split writes it.
 */
#ifndef VG_CORE_SECTIONS_H
#define VG_CORE_SECTIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define VG_SECTION_PREFIX "blake2b:"
#define VG_SECTION_PREFIX_LEN 8
/* "blake2b:" and 64 hex digits. */
#define VG_SECTION_DIGEST_LEN (VG_SECTION_PREFIX_LEN + 64)
#define VG_SECTION_DIGEST_MAX (VG_SECTION_DIGEST_LEN + 1)
/* The member of a reference object. */
#define VG_SECTION_REF_KEY "$ref"

/*
 * The members that may be sent by reference, in document order. The
 * vulnerable packages are derived by the server (vulnerability
 * matching), never sent by an agent, but stored apart the same way:
 * the hosts of one package set share them, and re-judging decodes them
 * once per set instead of once per host.
 */
enum vg_section {
	VG_SECTION_PACKAGES,
	VG_SECTION_UPGRADES,
	VG_SECTION_ACCOUNTS,
	VG_SECTION_GROUPS,
	VG_SECTION_VULNS,
	VG_SECTION_COUNT
};
/* The members an agent writes (always, even empty), the first ones. */
#define VG_SECTION_AGENT_COUNT VG_SECTION_VULNS

/* The member's name ("packages"...). */
const char *vg_section_name(enum vg_section s);
/* The section named name, or -1 when it is not one. */
int vg_section_find(const char *name);

/* The digest of a member's text into out ("blake2b:..."). */
void vg_section_digest(const void *text, size_t len,
		       char out[VG_SECTION_DIGEST_MAX]);
/* True when s is a digest as vg_section_digest writes it. */
bool vg_section_digest_valid(const char *s);

/*
 * Untrusted input: true when v is exactly {"$ref": "<digest>"} with a
 * valid digest, which is copied into out; false otherwise (out "").
 */
bool vg_section_ref_get(const json_t *v, char out[VG_SECTION_DIGEST_MAX]);
/* True when v is an object holding a "$ref" member (well formed or not). */
bool vg_section_is_ref(const json_t *v);
/* The text of a reference to digest into out (at least
 * VG_SECTION_REF_TEXT_MAX bytes). */
#define VG_SECTION_REF_TEXT_MAX (VG_SECTION_DIGEST_LEN + 16)
void vg_section_ref_text(const char *digest, char out[VG_SECTION_REF_TEXT_MAX]);

#endif
