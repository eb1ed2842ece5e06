/*
 * The liblz4 functions vigie calls, forwarding to the library opened on
 * the first call (lz4_lazy.h). Each definition is checked against
 * liblz4's own prototype, and each pointer is typed from it.
 */
#include "util/common.h"

#include "util/dynlib.h"
#include "util/lz4_lazy.h"
#include "util/banned.h"

/* Debian 12's liblz4-1, what liblz4-dev links against. */
#define LZ4_SONAME "liblz4.so.1"

/* What a function answers when the library cannot be opened: an LZ4F
 * error code is a negated error number, and 1 is LZ4F_ERROR_GENERIC. */
#define NOT_LOADED ((LZ4F_errorCode_t)-1)

static struct {
	__typeof__(LZ4F_createDecompressionContext) *createDecompressionContext;
	__typeof__(LZ4F_decompress) *decompress;
	__typeof__(LZ4F_freeDecompressionContext) *freeDecompressionContext;
	__typeof__(LZ4F_getErrorName) *getErrorName;
	__typeof__(LZ4F_isError) *isError;
} F;

#define SYM(f) VG_DYNSYM("LZ4F_", F, f)
static const struct vg_dynsym lz4_syms[] = {
	SYM(createDecompressionContext),
	SYM(decompress),
	SYM(freeDecompressionContext),
	SYM(getErrorName),
	SYM(isError),
};
#undef SYM

/* Opened on the first call from any thread (the apt lists are read by
 * the collectors' threads). */
VG_DYNLIB_DEFINE(LZ4_SONAME, lz4_syms);

enum vg_rc
vg_lz4_nomem(struct vg_err *err)
{
	return vg_dynlib_nomem(&lib, err);
}

/* Not loaded, every code came from here: NOT_LOADED is the only error. */
unsigned
LZ4F_isError(LZ4F_errorCode_t code)
{
	return loaded() ? F.isError(code) : code == NOT_LOADED;
}

/* Not loaded, the reason is the load failure: a caller that reports a
 * failed call with it says why. */
const char *
LZ4F_getErrorName(LZ4F_errorCode_t code)
{
	return loaded() ? F.getErrorName(code) : lib.err.msg;
}

LZ4F_errorCode_t
LZ4F_createDecompressionContext(LZ4F_dctx **dctxPtr, unsigned version)
{
	if (loaded())
		return F.createDecompressionContext(dctxPtr, version);
	*dctxPtr = NULL;
	return NOT_LOADED;
}

/* NULL (none made) is freed without opening the library, as liblz4
 * frees it. */
LZ4F_errorCode_t
LZ4F_freeDecompressionContext(LZ4F_dctx *dctx)
{
	return dctx != NULL && loaded() ? F.freeDecompressionContext(dctx) : 0;
}

/* Not loaded, nothing is read nor written. */
size_t
LZ4F_decompress(LZ4F_dctx *dctx, void *dstBuffer, size_t *dstSizePtr,
		const void *srcBuffer, size_t *srcSizePtr,
		const LZ4F_decompressOptions_t *dOptPtr)
{
	if (loaded())
		return F.decompress(dctx, dstBuffer, dstSizePtr, srcBuffer,
				    srcSizePtr, dOptPtr);
	*dstSizePtr = 0;
	*srcSizePtr = 0;
	return NOT_LOADED;
}
