#include "util/common.h"

#include "store/store.h"
#include "util/banned.h"
