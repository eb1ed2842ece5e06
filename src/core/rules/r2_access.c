#include "util/common.h"

#include "core/rules.h"
#include "util/banned.h"

/* R2: checks land here. */
const struct vg_check vg_checks_r2[1];
const size_t vg_checks_r2_count = 0;
