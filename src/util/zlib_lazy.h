/*
 * zlib, loaded on first use (util/dynlib.h). Only the commands that read
 * gzip'd apt lists, the debsecan feed (a zlib stream) or the apt lists'
 * index cache (its CRC) need it; linked, it cost every command, `vigie
 * --version` included, its share of the dynamic loading at start.
 *
 * As for libcurl (curl_lazy.h), zlib_lazy.c defines each zlib function
 * vigie calls, each checked against the library's prototype and
 * forwarding to the library opened at the first call; inflateInit and
 * inflateInit2 are zlib's macros over inflateInit_ and inflateInit2_,
 * which are forwarded. The program is not linked with zlib, so a
 * function missing there is an error at link time.
 *
 * When the library cannot be opened, inflateInit_ and inflateInit2_
 * answer Z_MEM_ERROR with the stream's msg saying why, the other inflate
 * functions Z_STREAM_ERROR (a stream never started), crc32_z 0 (the CRC
 * of nothing), and vg_zlib_nomem reports the load failure.
 */
#ifndef VG_UTIL_ZLIB_LAZY_H
#define VG_UTIL_ZLIB_LAZY_H

#include <zlib.h>

#include "util/err.h"

/*
 * Report in err that a zlib stream could not start (a failed
 * inflateInit): why zlib cannot be opened when it cannot
 * (VG_ERR_NOTFOUND), else out of memory (VG_ERR_NOMEM).
 */
enum vg_rc vg_zlib_nomem(struct vg_err *err);

#endif
