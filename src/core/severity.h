/* Finding severities and their score weights (RULES.md "Scores"). */
#ifndef VG_CORE_SEVERITY_H
#define VG_CORE_SEVERITY_H

#include <stdbool.h>

enum vg_severity {
	VG_SEV_LOW,
	VG_SEV_MEDIUM,
	VG_SEV_HIGH,
	VG_SEV_CRITICAL,
	VG_SEV_COUNT
};

/* "low", "medium", "high", "critical". */
const char *vg_severity_name(enum vg_severity s);
/* Parse a name (any case); false when unknown. */
bool vg_severity_parse(const char *name, enum vg_severity *out);
/* Points a finding of this severity costs its rule's score. */
int vg_severity_weight(enum vg_severity s);

#endif
