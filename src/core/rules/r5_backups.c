#include "util/common.h"

#include "core/rules.h"
#include "util/banned.h"

/* R5: checks land here. */
const struct vg_check vg_checks_r5[1];
const size_t vg_checks_r5_count = 0;
