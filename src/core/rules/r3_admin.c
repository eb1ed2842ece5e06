#include "util/common.h"

#include "core/rules.h"
#include "util/banned.h"

/* R3: checks land here. */
const struct vg_check vg_checks_r3[1];
const size_t vg_checks_r3_count = 0;
