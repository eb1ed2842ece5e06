/*
 * A report in JSON: findings, not-evaluated checks and scores, as in the
 * "vigie.scan/1" document. The store keeps this form; the decoder lets
 * `vigie findings` show a stored scan.
 */
#ifndef VG_CORE_REPORT_JSON_H
#define VG_CORE_REPORT_JSON_H

#include <jansson.h>

#include "core/report.h"
#include "util/err.h"

/*
 * Add "findings", "not_evaluated" and "scores" members to obj. With
 * translate, remediation sentences are in the user's language; the store
 * keeps them in English.
 */
enum vg_rc vg_report_to_json(const struct vg_report *r, json_t *obj,
			     bool translate);

/* Read those members back into r (initialised by the caller). Unknown
 * check ids are kept (a newer vigie may have written them). */
enum vg_rc vg_report_from_json(struct vg_report *r, const json_t *obj,
			       struct vg_err *err);

#endif
