/*
 * Alerts (rule R10): tell the policy's alert chain (its [contact]
 * sections) that an incident opened or changed, by e-mail (SMTP with
 * libcurl: STARTTLS, authentication) and by webhook (a JSON POST), with
 * retries. Every delivery, successful or not, is appended to the
 * incident's timeline ("alert"), so the record shows who was told, how
 * and when.
 */
#ifndef VG_RESPOND_NOTIFY_H
#define VG_RESPOND_NOTIFY_H

#include <jansson.h>
#include <stddef.h>

#include "core/policy.h"
#include "store/store.h"
#include "util/err.h"

enum vg_notify_event {
	VG_NOTIFY_OPENED = 0, /* the incident was opened */
	VG_NOTIFY_CHANGED,    /* its status (or a field) changed */
};

/*
 * Notify every contact of p about incident (a JSON object as
 * vg_store_incident_get answers it) and event, each delivery recorded in
 * the timeline of st with actor "vigie" ({"contact", "role", "channel":
 * "email"|"webhook", "to", "state": "sent"|"failed", "attempts",
 * "error"}). Deliveries are tried in turn, each with up to 3 attempts
 * and a short backoff, bounded in time (no hang on a dead server).
 * console_url (or NULL) is linked in the messages. *n_sent and
 * *n_failed count deliveries. A failed delivery is not an error: VG_OK
 * unless the store or memory fails.
 */
enum vg_rc vg_notify_incident(struct vg_store *st, const struct vg_policy *p,
			      const json_t *incident,
			      enum vg_notify_event event,
			      const char *console_url, size_t *n_sent,
			      size_t *n_failed, struct vg_err *err);

#endif
