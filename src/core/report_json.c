#include "util/common.h"

#include "core/report.h"
#include "util/banned.h"
