/* Included first by every .c file of vigie. */
#ifndef VG_UTIL_COMMON_H
#define VG_UTIL_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/i18n.h"
#include "util/limits.h"

#define VG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
