/*
 * The console's incident pages (page_incidents.c: the list and the form
 * that opens one; page_incident.c: one incident, its actions and its
 * report drafts), listed in routes_console.c. Private to web/.
 *
 * Rights: direction sees the list and the deadlines, not an incident's
 * page; auditeur reads everything and downloads the drafts; technicien
 * also adds notes; rssi and admin open incidents, change their status
 * and isolate or release their hosts.
 */
#ifndef VG_WEB_PAGE_INCIDENT_H
#define VG_WEB_PAGE_INCIDENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "respond/incident.h"
#include "web/html.h"
#include "web/http.h"

/* GET /incidents (direction+), POST /incidents (rssi: open one). */
void vg_page_incidents(const struct vg_api_ctx *ctx,
		       const struct vg_http_request *req,
		       struct vg_http_response *resp);
void vg_page_incident_open(const struct vg_api_ctx *ctx,
			   const struct vg_http_request *req,
			   struct vg_http_response *resp);
/* GET /incidents/{} (auditeur+). */
void vg_page_incident(const struct vg_api_ctx *ctx,
		      const struct vg_http_request *req,
		      struct vg_http_response *resp);
/* POST /incidents/{}/note (technicien+). */
void vg_page_incident_note(const struct vg_api_ctx *ctx,
			   const struct vg_http_request *req,
			   struct vg_http_response *resp);
/* POST /incidents/{}/status (rssi). */
void vg_page_incident_status(const struct vg_api_ctx *ctx,
			     const struct vg_http_request *req,
			     struct vg_http_response *resp);
/* POST /incidents/{}/isolate and /release (rssi): form field asset. */
void vg_page_incident_isolate(const struct vg_api_ctx *ctx,
			      const struct vg_http_request *req,
			      struct vg_http_response *resp);
void vg_page_incident_release(const struct vg_api_ctx *ctx,
			      const struct vg_http_request *req,
			      struct vg_http_response *resp);
/* GET /incidents/{}/export?format=signalement|cnil|json|md (auditeur+). */
void vg_page_incident_export(const struct vg_api_ctx *ctx,
			     const struct vg_http_request *req,
			     struct vg_http_response *resp);

/* Shared by the two pages (page_incident.c). */
/* A Unix time in Paris local time, in a <time> element; "—" for 0. */
void vg_incident_html_time(struct vg_html *h, int64_t t);
/* Translated labels of the stable names. */
const char *vg_incident_type_label(enum vg_incident_type t);
const char *vg_incident_care_label(enum vg_care_impact c);
const char *vg_incident_status_label(enum vg_incident_status s);
/* The form's fields into inc (strings borrowed from req): NULL, or the
 * message of a 400 naming the field. with_title: the open form. */
const char *vg_incident_form_read(const struct vg_http_request *req,
				  struct vg_incident *inc, int64_t now,
				  bool opening);
/* The form fields both forms share, prefilled with inc. */
void vg_incident_form_fields(struct vg_html *h, const struct vg_incident *inc,
			     bool opening);
/* Tell the alert chain (respond/notify.h), store lock held by caller. */
void vg_incident_notify(const struct vg_api_ctx *ctx, int64_t id, bool opened);

#endif
