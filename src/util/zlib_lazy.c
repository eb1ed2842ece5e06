/*
 * The zlib functions vigie calls, forwarding to the library opened on
 * the first call (zlib_lazy.h). Each definition is checked against
 * zlib's own prototype, and each pointer is typed from it.
 */
#include "util/common.h"

#include "util/dynlib.h"
#include "util/zlib_lazy.h"
#include "util/banned.h"

/* Debian 12's zlib1g, what zlib1g-dev links against. */
#define ZLIB_SONAME "libz.so.1"

static struct {
	__typeof__(crc32_z) *crc32_z;
	__typeof__(inflate) *inflate;
	__typeof__(inflateEnd) *inflateEnd;
	__typeof__(inflateInit2_) *inflateInit2_;
	__typeof__(inflateInit_) *inflateInit_;
	__typeof__(inflateReset) *inflateReset;
} Z;

/* zlib's names have no common prefix: each is whole. */
#define SYM(f) VG_DYNSYM("", Z, f)
static const struct vg_dynsym zlib_syms[] = {
	SYM(crc32_z),       SYM(inflate),      SYM(inflateEnd),
	SYM(inflateInit2_), SYM(inflateInit_), SYM(inflateReset),
};
#undef SYM

/* Opened on the first call from any thread (the apt lists are read by
 * the collectors' threads). */
VG_DYNLIB_DEFINE(ZLIB_SONAME, zlib_syms);

enum vg_rc
vg_zlib_nomem(struct vg_err *err)
{
	return vg_dynlib_nomem(&lib, err);
}

/* Not loaded: the stream does not start, and its msg says why (zlib's
 * own failures leave a message there too). */
static int
not_started(z_streamp strm)
{
	if (strm != Z_NULL)
		strm->msg = lib.err.msg;
	return Z_MEM_ERROR;
}

int
inflateInit_(z_streamp strm, const char *version, int stream_size)
{
	return loaded() ? Z.inflateInit_(strm, version, stream_size)
			: not_started(strm);
}

int
inflateInit2_(z_streamp strm, int windowBits, const char *version,
	      int stream_size)
{
	return loaded()
		? Z.inflateInit2_(strm, windowBits, version, stream_size)
		: not_started(strm);
}

int
inflate(z_streamp strm, int flush)
{
	return loaded() ? Z.inflate(strm, flush) : Z_STREAM_ERROR;
}

int
inflateReset(z_streamp strm)
{
	return loaded() ? Z.inflateReset(strm) : Z_STREAM_ERROR;
}

int
inflateEnd(z_streamp strm)
{
	return loaded() ? Z.inflateEnd(strm) : Z_STREAM_ERROR;
}

/* Not loaded, the CRC of nothing: a check that compares it with one
 * computed by a loaded zlib fails, as for damaged data. */
uLong
crc32_z(uLong crc, const Bytef *buf, z_size_t len)
{
	return loaded() ? Z.crc32_z(crc, buf, len) : 0;
}
