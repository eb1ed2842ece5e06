/*
 * The libzstd functions vigie calls, forwarding to the library opened
 * on the first call (zstd_lazy.h). Each definition is checked against
 * libzstd's own prototype, and each pointer is typed from it.
 */
#include "util/common.h"

#include <zstd_errors.h>

#include "util/dynlib.h"
#include "util/zstd_lazy.h"
#include "util/banned.h"

/* Debian 12's libzstd1, what libzstd-dev links against. */
#define ZSTD_SONAME "libzstd.so.1"

/* What a function answers when the library cannot be opened: a zstd
 * error code is a negated ZSTD_ErrorCode. */
#define NOT_LOADED ((size_t)-ZSTD_error_GENERIC)

static struct {
	__typeof__(ZSTD_DCtx_setParameter) *DCtx_setParameter;
	__typeof__(ZSTD_compressBound) *compressBound;
	__typeof__(ZSTD_compressCCtx) *compressCCtx;
	__typeof__(ZSTD_createCCtx) *createCCtx;
	__typeof__(ZSTD_createDCtx) *createDCtx;
	__typeof__(ZSTD_createDStream) *createDStream;
	__typeof__(ZSTD_decompressDCtx) *decompressDCtx;
	__typeof__(ZSTD_decompressStream) *decompressStream;
	__typeof__(ZSTD_freeCCtx) *freeCCtx;
	__typeof__(ZSTD_freeDCtx) *freeDCtx;
	__typeof__(ZSTD_freeDStream) *freeDStream;
	__typeof__(ZSTD_getErrorName) *getErrorName;
	__typeof__(ZSTD_getFrameContentSize) *getFrameContentSize;
	__typeof__(ZSTD_initDStream) *initDStream;
	__typeof__(ZSTD_isError) *isError;
} S;

#define SYM(f) VG_DYNSYM("ZSTD_", S, f)
static const struct vg_dynsym zstd_syms[] = {
	SYM(DCtx_setParameter),
	SYM(compressBound),
	SYM(compressCCtx),
	SYM(createCCtx),
	SYM(createDCtx),
	SYM(createDStream),
	SYM(decompressDCtx),
	SYM(decompressStream),
	SYM(freeCCtx),
	SYM(freeDCtx),
	SYM(freeDStream),
	SYM(getErrorName),
	SYM(getFrameContentSize),
	SYM(initDStream),
	SYM(isError),
};
#undef SYM

/* Opened on the first call from any thread (the server's workers read
 * and write the store). */
VG_DYNLIB_DEFINE(ZSTD_SONAME, zstd_syms);

enum vg_rc
vg_zstd_nomem(struct vg_err *err)
{
	return vg_dynlib_nomem(&lib, err);
}

/* Not loaded, every code came from here: NOT_LOADED is the only error. */
unsigned
ZSTD_isError(size_t code)
{
	return loaded() ? S.isError(code) : code == NOT_LOADED;
}

/* Not loaded, the reason is the load failure: a caller that reports a
 * failed call with it says why. */
const char *
ZSTD_getErrorName(size_t code)
{
	return loaded() ? S.getErrorName(code) : lib.err.msg;
}

/* Not loaded, the bound zstd.h's own macro computes: the caller's
 * buffer is then sized as it would be, and the compression fails. */
size_t
ZSTD_compressBound(size_t srcSize)
{
	return loaded() ? S.compressBound(srcSize)
			: ZSTD_COMPRESSBOUND(srcSize);
}

ZSTD_CCtx *
ZSTD_createCCtx(void)
{
	return loaded() ? S.createCCtx() : NULL;
}

/* NULL (none made) is freed without opening the library, as libzstd
 * frees it: a store that compressed nothing closes without it. */
size_t
ZSTD_freeCCtx(ZSTD_CCtx *cctx)
{
	return cctx != NULL && loaded() ? S.freeCCtx(cctx) : 0;
}

size_t
ZSTD_compressCCtx(ZSTD_CCtx *cctx, void *dst, size_t dstCapacity,
		  const void *src, size_t srcSize, int compressionLevel)
{
	return loaded() ? S.compressCCtx(cctx, dst, dstCapacity, src, srcSize,
					 compressionLevel)
			: NOT_LOADED;
}

ZSTD_DCtx *
ZSTD_createDCtx(void)
{
	return loaded() ? S.createDCtx() : NULL;
}

/* NULL (none made) is freed without opening the library. */
size_t
ZSTD_freeDCtx(ZSTD_DCtx *dctx)
{
	return dctx != NULL && loaded() ? S.freeDCtx(dctx) : 0;
}

size_t
ZSTD_DCtx_setParameter(ZSTD_DCtx *dctx, ZSTD_dParameter param, int value)
{
	return loaded() ? S.DCtx_setParameter(dctx, param, value) : NOT_LOADED;
}

size_t
ZSTD_decompressDCtx(ZSTD_DCtx *dctx, void *dst, size_t dstCapacity,
		    const void *src, size_t srcSize)
{
	return loaded() ? S.decompressDCtx(dctx, dst, dstCapacity, src, srcSize)
			: NOT_LOADED;
}

unsigned long long
ZSTD_getFrameContentSize(const void *src, size_t srcSize)
{
	return loaded() ? S.getFrameContentSize(src, srcSize)
			: ZSTD_CONTENTSIZE_ERROR;
}

ZSTD_DStream *
ZSTD_createDStream(void)
{
	return loaded() ? S.createDStream() : NULL;
}

/* NULL (none made) is freed without opening the library. */
size_t
ZSTD_freeDStream(ZSTD_DStream *zds)
{
	return zds != NULL && loaded() ? S.freeDStream(zds) : 0;
}

size_t
ZSTD_initDStream(ZSTD_DStream *zds)
{
	return loaded() ? S.initDStream(zds) : NOT_LOADED;
}

size_t
ZSTD_decompressStream(ZSTD_DStream *zds, ZSTD_outBuffer *output,
		      ZSTD_inBuffer *input)
{
	return loaded() ? S.decompressStream(zds, output, input) : NOT_LOADED;
}
