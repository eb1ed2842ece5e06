#include "util/common.h"

#include "core/facts_json.h"
#include "util/banned.h"
