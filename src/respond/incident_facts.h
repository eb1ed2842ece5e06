/*
 * The incidents a host's judgement needs (rule R10's
 * incident.report_overdue): derived from the store's incidents, like
 * the vulnerable packages from its feeds, by `vigie scan` on its local
 * store and by `vigie serve` on every report and re-judgement.
 */
#ifndef VG_RESPOND_INCIDENT_FACTS_H
#define VG_RESPOND_INCIDENT_FACTS_H

#include "core/facts.h"
#include "store/store.h"
#include "util/err.h"

/*
 * Fill f's incidents (source VG_SRC_INCIDENTS) with the not-closed
 * incidents of st naming f's host (its host name, or a device's key),
 * replacing any the facts carried (an agent cannot vouch for the
 * store's incidents). A store without incidents (a backend that has no
 * such operation) leaves the source not collected with the reason; so
 * does a host with no name. Only out of memory or a store failure is
 * an error.
 */
enum vg_rc vg_incident_facts_fill(struct vg_store *st, struct vg_facts *f,
				  struct vg_err *err);

#endif
