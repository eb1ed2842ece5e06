#include "util/common.h"

#include "cli/cli.h"
#include "util/banned.h"
