#include "util/common.h"

#include <strings.h>

#include "core/severity.h"
#include "util/banned.h"

static const struct {
	const char *name;
	int weight;
} severities[VG_SEV_COUNT] = {
	[VG_SEV_LOW] = {"low", 3},
	[VG_SEV_MEDIUM] = {"medium", 10},
	[VG_SEV_HIGH] = {"high", 20},
	[VG_SEV_CRITICAL] = {"critical", 40},
};

const char *
vg_severity_name(enum vg_severity s)
{
	return (unsigned)s < VG_SEV_COUNT ? severities[s].name : "?";
}

bool
vg_severity_parse(const char *name, enum vg_severity *out)
{
	int i;

	for (i = 0; i < VG_SEV_COUNT; i++) {
		if (strcasecmp(name, severities[i].name) == 0) {
			*out = (enum vg_severity)i;
			return true;
		}
	}
	return false;
}

int
vg_severity_weight(enum vg_severity s)
{
	return (unsigned)s < VG_SEV_COUNT ? severities[s].weight : 0;
}
