/*
 * An incident's fields as JSON: the shape of vg_store_incident_get's
 * fields (names of struct vg_incident, enumerations by their stable
 * names, times as Unix seconds with 0 for unknown, absent strings null).
 * The store writes it (incident_get, the "opened" timeline entry), the
 * CLI, the console, the alerts and the export read it back.
 */
#ifndef VG_RESPOND_INCIDENT_JSON_H
#define VG_RESPOND_INCIDENT_JSON_H

#include <jansson.h>

#include "respond/incident.h"
#include "util/err.h"

/* A new JSON object of inc's fields (caller decrefs), NULL when out of
 * memory. Other members (assets, timeline) are the caller's to add. */
json_t *vg_incident_to_json(const struct vg_incident *inc);

/*
 * Fill out from o, a JSON object as vg_incident_to_json makes it (other
 * members ignored). The document is treated as untrusted: "id",
 * "title", "type", "care" and "status" are required, the others take
 * their defaults when absent (0, false, persons -1, NULL); every member
 * present must have its type (integers, booleans, strings or null for
 * the texts) and range (times >= 0, persons >= -1, known names, texts
 * within the limits of respond/incident.h without NUL bytes).
 * VG_ERR_PARSE naming the field otherwise, out reset. Strings are
 * borrowed from o: they live as long as o is not changed or freed.
 */
enum vg_rc vg_incident_from_json(const json_t *o, struct vg_incident *out,
				 struct vg_err *err);

/*
 * Verify an incident as vg_store_incident_get answers it: its timeline's
 * chain (core/timeline.h: every entry's seq and at integers, prev and
 * hash 64 hex digits, hashes recomputed), then its record against what
 * the timeline says it is (the "opened" entry's fields, then the new
 * value of each field every "status", "reported" or "closed" entry
 * changed). *n the entries; *bad the index of the first entry that does
 * not match, n when all do; *field NULL when the record matches the
 * timeline, else the name of the first field it does not vouch for.
 * VG_ERR_NOMEM or VG_ERR_PARSE (not an incident) otherwise.
 */
enum vg_rc vg_incident_verify(const json_t *incident, size_t *n, size_t *bad,
			      const char **field, struct vg_err *err);

#endif
