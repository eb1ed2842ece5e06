/*
 * libzstd, loaded on first use (util/dynlib.h). The store's compressed
 * facts, sections and evidences and the zstd-compressed apt lists need
 * it; commands that touch none of them (`vigie --version`, `vigie vuln
 * check`) no longer pay its share of the dynamic loading at start.
 *
 * As for libcurl (curl_lazy.h), zstd_lazy.c defines each libzstd
 * function vigie calls, each checked against the library's prototype
 * and forwarding to the library opened at the first call. The program
 * is not linked with libzstd, so a function missing there is an error
 * at link time.
 *
 * When the library cannot be opened, the functions that make a context
 * answer NULL, ZSTD_getFrameContentSize ZSTD_CONTENTSIZE_ERROR,
 * ZSTD_compressBound the bound zstd.h computes, the others an error code
 * (ZSTD_isError tells it so, ZSTD_getErrorName says why); vg_zstd_nomem
 * reports the load failure.
 */
#ifndef VG_UTIL_ZSTD_LAZY_H
#define VG_UTIL_ZSTD_LAZY_H

#include <zstd.h>

#include "util/err.h"

/*
 * Report in err that a zstd context could not be made (a NULL
 * ZSTD_createCCtx, ZSTD_createDCtx or ZSTD_createDStream): why libzstd
 * cannot be opened when it cannot (VG_ERR_NOTFOUND), else out of memory
 * (VG_ERR_NOMEM).
 */
enum vg_rc vg_zstd_nomem(struct vg_err *err);

#endif
