#include "util/common.h"

#include "collect/collectors.h"
#include "util/banned.h"
