/*
 * liblzma, loaded on first use (util/dynlib.h). Only the reading of
 * xz-compressed apt lists needs it; linked, it cost every command, `vigie
 * --version` included, its share of the dynamic loading at start.
 *
 * As for libcurl (curl_lazy.h), lzma_lazy.c defines each liblzma
 * function vigie calls, each checked against the library's prototype
 * and forwarding to the library opened at the first call. The program
 * is not linked with liblzma, so a function missing there is an error
 * at link time.
 *
 * When the library cannot be opened, lzma_stream_decoder answers
 * LZMA_MEM_ERROR, lzma_code LZMA_PROG_ERROR (a stream never started),
 * lzma_end does nothing, and vg_lzma_nomem reports the load failure.
 */
#ifndef VG_UTIL_LZMA_LAZY_H
#define VG_UTIL_LZMA_LAZY_H

#include <lzma.h>

#include "util/err.h"

/*
 * Report in err that an xz decoder could not start (a failed
 * lzma_stream_decoder): why liblzma cannot be opened when it cannot
 * (VG_ERR_NOTFOUND), else out of memory (VG_ERR_NOMEM).
 */
enum vg_rc vg_lzma_nomem(struct vg_err *err);

#endif
