/*
 * The liblzma functions vigie calls, forwarding to the library opened
 * on the first call (lzma_lazy.h). Each definition is checked against
 * liblzma's own prototype, and each pointer is typed from it.
 */
#include "util/common.h"

#include "util/dynlib.h"
#include "util/lzma_lazy.h"
#include "util/banned.h"

/* Debian 12's liblzma5, what liblzma-dev links against. */
#define LZMA_SONAME "liblzma.so.5"

static struct {
	__typeof__(lzma_code) *code;
	__typeof__(lzma_end) *end;
	__typeof__(lzma_stream_decoder) *stream_decoder;
} L;

#define SYM(f) VG_DYNSYM("lzma_", L, f)
static const struct vg_dynsym lzma_syms[] = {
	SYM(code),
	SYM(end),
	SYM(stream_decoder),
};
#undef SYM

/* Opened on the first call from any thread (the apt lists are read by
 * the collectors' threads). */
VG_DYNLIB_DEFINE(LZMA_SONAME, lzma_syms);

enum vg_rc
vg_lzma_nomem(struct vg_err *err)
{
	return vg_dynlib_nomem(&lib, err);
}

lzma_ret
lzma_stream_decoder(lzma_stream *strm, uint64_t memlimit, uint32_t flags)
{
	return loaded() ? L.stream_decoder(strm, memlimit, flags)
			: LZMA_MEM_ERROR;
}

lzma_ret
lzma_code(lzma_stream *strm, lzma_action action)
{
	return loaded() ? L.code(strm, action) : LZMA_PROG_ERROR;
}

void
lzma_end(lzma_stream *strm)
{
	if (loaded())
		L.end(strm);
}
