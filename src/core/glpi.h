/*
 * The facts of one host as a GLPI native inventory document (the JSON
 * that GLPI 10's agent posts, schema glpi-project/inventory_format), so
 * that the asset manager hospitals already run can import vigie's view
 * of a host. Only what was observed is written: no password data, no
 * section vigie does not collect. The mapping, field by field, is at
 * the top of core/glpi.c.
 */
#ifndef VG_CORE_GLPI_H
#define VG_CORE_GLPI_H

#include <jansson.h>

#include "core/facts.h"
#include "core/report.h"
#include "util/err.h"

/* "versionclient" of the documents: the program that wrote them. */
#define VG_GLPI_CLIENT "vigie_v" VG_VERSION

/*
 * A new GLPI inventory document ({"action": "inventory", "deviceid",
 * "itemtype": "Computer", "content": {...}}) for f; caller decrefs.
 * r (may be NULL) adds the hygiene scores as the computer's comment
 * (hardware.description). deviceid identifies the sender to GLPI; NULL
 * makes one from the hostname and the collection time, as GLPI agents
 * do ("host-2026-03-01-08-00-00"). Sections whose source was not
 * collected are left out and the document is then marked "partial", so
 * GLPI keeps what it knew of them. NULL with err set on no memory.
 */
json_t *vg_glpi_inventory(const struct vg_facts *f, const struct vg_report *r,
			  const char *deviceid, struct vg_err *err);

#endif
