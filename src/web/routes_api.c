/* Routes of the api area (docs/internals/web-routes.md). */
#include "util/common.h"

#include "web/routes.h"
#include "util/banned.h"

const struct vg_route vg_routes_api[1];
const size_t vg_routes_api_count = 0;
