/*
 * The incident report drafts (`vigie incident export`): the content the
 * national portal asks for (arrêté du 30 octobre 2017: the establishment
 * and the declarant; date of discovery, perimeter, systems and data
 * concerned, state of handling; impact on data, people, information
 * systems and the organisation; causes if known), the CNIL notification
 * when personal data are concerned (GDPR art. 33), with their deadlines
 * computed; as French text, Markdown or JSON.
 */
#ifndef VG_RESPOND_EXPORT_H
#define VG_RESPOND_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/policy.h"
#include "util/buf.h"
#include "util/err.h"

enum vg_export_format {
	VG_EXPORT_SIGNALEMENT = 0, /* "signalement": the portal's blocks */
	VG_EXPORT_CNIL,            /* "cnil": the art. 33 notification */
	VG_EXPORT_JSON,            /* "json": every block, machine-readable */
	VG_EXPORT_MD,              /* "md": both drafts and the timeline */
};

bool vg_export_format_parse(const char *s, enum vg_export_format *out);

/*
 * Append the draft of incident (a JSON object as vg_store_incident_get
 * answers it) in format f to out, deadlines computed at now with p's
 * incident_report_hours and the establishment taken from p. A missing
 * piece (no FINESS, no declarant) is written as "à compléter" and
 * listed in a final block, never invented.
 */
enum vg_rc vg_incident_export(const json_t *incident, const struct vg_policy *p,
			      enum vg_export_format f, int64_t now,
			      struct vg_buf *out, struct vg_err *err);

#endif
