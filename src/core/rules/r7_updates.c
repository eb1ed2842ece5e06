#include "util/common.h"

#include "core/rules.h"
#include "util/banned.h"

/* R7: checks land here. */
const struct vg_check vg_checks_r7[1];
const size_t vg_checks_r7_count = 0;
