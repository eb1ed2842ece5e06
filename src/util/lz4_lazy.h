/*
 * liblz4, loaded on first use (util/dynlib.h). Only the reading of
 * lz4-compressed apt lists needs it; linked, it cost every command,
 * `vigie --version` included, its share of the dynamic loading at start.
 *
 * As for libcurl (curl_lazy.h), lz4_lazy.c defines each liblz4 function
 * vigie calls (its frame API, LZ4F_*), each checked against the
 * library's prototype and forwarding to the library opened at the first
 * call. The program is not linked with liblz4, so a function missing
 * there is an error at link time.
 *
 * When the library cannot be opened, the functions answer an error code
 * (LZ4F_isError tells it so, LZ4F_getErrorName says why),
 * LZ4F_createDecompressionContext leaves no context, and vg_lz4_nomem
 * reports the load failure.
 */
#ifndef VG_UTIL_LZ4_LAZY_H
#define VG_UTIL_LZ4_LAZY_H

#include <lz4frame.h>

#include "util/err.h"

/*
 * Report in err that an lz4 decoder could not start (a failed
 * LZ4F_createDecompressionContext): why liblz4 cannot be opened when it
 * cannot (VG_ERR_NOTFOUND), else out of memory (VG_ERR_NOMEM).
 */
enum vg_rc vg_lz4_nomem(struct vg_err *err);

#endif
