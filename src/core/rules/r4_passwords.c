#include "util/common.h"

#include "core/rules.h"
#include "util/banned.h"

/* R4: checks land here. */
const struct vg_check vg_checks_r4[1];
const size_t vg_checks_r4_count = 0;
