#include "util/common.h"

#include "core/rules.h"
#include "util/banned.h"

/* R6: checks land here. */
const struct vg_check vg_checks_r6[1];
const size_t vg_checks_r6_count = 0;
