/*
 * Decompression of apt lists, chosen by the file name's suffix: .gz
 * (zlib), .xz (liblzma), .lz4 (LZ4 frames), .zst (zstd); anything else
 * is copied. Input is untrusted: the output is capped by out->max (a
 * decompression bomb stops with VG_ERR_LIMIT), decoder memory is capped,
 * and a truncated or corrupt stream is VG_ERR_PARSE.
 */
#include "util/common.h"

#include <lz4frame.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "collect/collectors.h"
#include "util/banned.h"

/* Output is produced in chunks of this size before joining out. */
#define DECOMPRESS_CHUNK (256u << 10)
/* Memory the xz decoder may use: xz -9 needs 65 MiB. */
#define DECOMPRESS_XZ_MEMLIMIT (128u << 20)
/* zstd window: 2^27 = 128 MiB, zstd's default ceiling, made explicit. */
#define DECOMPRESS_ZSTD_WINDOW_LOG 27

static bool
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && memcmp(name + n - k, suffix, k) == 0;
}

/* Append n decoded bytes, naming the limit when it is reached. */
static enum vg_rc
emit(const char *name, struct vg_buf *out, const void *p, size_t n,
     struct vg_err *err)
{
	enum vg_rc rc;

	if ((rc = vg_buf_add(out, p, n)) == VG_ERR_LIMIT)
		return vg_err_set(err, rc,
				  _("'%s' decompresses to more than %zu bytes"),
				  name, out->max);
	if (rc != VG_OK)
		return vg_err_set(err, rc, _("out of memory"));
	return VG_OK;
}

static enum vg_rc
corrupt(const char *name, const char *what, struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_PARSE, _("'%s' is corrupt: %s"), name,
			  what);
}

static enum vg_rc
gunzip(const char *name, const unsigned char *in, size_t len,
       struct vg_buf *out, unsigned char *chunk, struct vg_err *err)
{
	z_stream z;
	size_t done = 0, step;
	enum vg_rc rc = VG_OK;
	int zr;

	memset(&z, 0, sizeof(z));
	/* 15 + 32: the largest window, gzip or zlib header detected. */
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	for (;;) {
		/* avail_in is 32-bit: feed at most 1 GiB at a time. */
		step = len - done < (1u << 30) ? len - done : (1u << 30);
		z.next_in = (unsigned char *)in + done;
		z.avail_in = (uInt)step;
		z.next_out = chunk;
		z.avail_out = DECOMPRESS_CHUNK;
		zr = inflate(&z, Z_NO_FLUSH);
		done += step - z.avail_in;
		/* The output chunk is fresh: Z_BUF_ERROR means no input. */
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = corrupt(name,
				     zr == Z_BUF_ERROR ? _("truncated")
					     : z.msg != NULL
					     ? z.msg
					     : _("invalid gzip data"),
				     err);
			goto done;
		}
		if ((rc = emit(name, out, chunk, DECOMPRESS_CHUNK - z.avail_out,
			       err)) != VG_OK)
			goto done;
		if (zr != Z_STREAM_END)
			continue;
		/*
		 * Another gzip member may follow (gzip -d joins them);
		 * anything else after the end is ignored, as gzip does.
		 */
		if (len - done < 2 || in[done] != 0x1f || in[done + 1] != 0x8b)
			break;
		if (inflateReset(&z) != Z_OK) {
			rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
			goto done;
		}
	}
done:
	inflateEnd(&z);
	return rc;
}

static enum vg_rc
unxz(const char *name, const unsigned char *in, size_t len, struct vg_buf *out,
     unsigned char *chunk, struct vg_err *err)
{
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret lr;
	enum vg_rc rc = VG_OK;

	if (lzma_stream_decoder(&z, DECOMPRESS_XZ_MEMLIMIT,
				LZMA_CONCATENATED) != LZMA_OK)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	z.next_in = in;
	z.avail_in = len;
	do {
		z.next_out = chunk;
		z.avail_out = DECOMPRESS_CHUNK;
		/* All input is there: LZMA_FINISH from the start. */
		lr = lzma_code(&z, LZMA_FINISH);
		if ((rc = emit(name, out, chunk, DECOMPRESS_CHUNK - z.avail_out,
			       err)) != VG_OK)
			goto done;
	} while (lr == LZMA_OK);
	if (lr != LZMA_STREAM_END)
		rc = corrupt(
			name,
			lr == LZMA_MEMLIMIT_ERROR ? _("needs too much memory")
				: lr == LZMA_BUF_ERROR ? _("truncated")
						       : _("invalid xz data"),
			err);
done:
	lzma_end(&z);
	return rc;
}

static enum vg_rc
unlz4(const char *name, const unsigned char *in, size_t len, struct vg_buf *out,
      unsigned char *chunk, struct vg_err *err)
{
	LZ4F_dctx *z = NULL;
	size_t r = 1, src, dst, done = 0;
	enum vg_rc rc = VG_OK;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&z, LZ4F_VERSION)))
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	/*
	 * r is LZ4F's hint of input still wanted: 0 once a frame is
	 * complete. A new frame may follow (concatenated frames).
	 */
	while (done < len) {
		src = len - done;
		dst = DECOMPRESS_CHUNK;
		r = LZ4F_decompress(z, chunk, &dst, in + done, &src, NULL);
		if (LZ4F_isError(r)) {
			rc = corrupt(name, LZ4F_getErrorName(r), err);
			goto done;
		}
		done += src;
		if ((rc = emit(name, out, chunk, dst, err)) != VG_OK)
			goto done;
		/* No progress at all would loop forever. */
		if (src == 0 && dst == 0) {
			rc = corrupt(name, _("no progress"), err);
			goto done;
		}
	}
	/* The input is consumed; flush what the context still holds. */
	while (r != 0) {
		src = 0;
		dst = DECOMPRESS_CHUNK;
		r = LZ4F_decompress(z, chunk, &dst, NULL, &src, NULL);
		if (LZ4F_isError(r)) {
			rc = corrupt(name, LZ4F_getErrorName(r), err);
			goto done;
		}
		if ((rc = emit(name, out, chunk, dst, err)) != VG_OK)
			goto done;
		if (r != 0 && dst == 0) {
			rc = corrupt(name, _("truncated"), err);
			goto done;
		}
	}
done:
	LZ4F_freeDecompressionContext(z);
	return rc;
}

static enum vg_rc
unzstd(const char *name, const unsigned char *in, size_t len,
       struct vg_buf *out, unsigned char *chunk, struct vg_err *err)
{
	ZSTD_DStream *z;
	ZSTD_inBuffer ib = {in, len, 0};
	ZSTD_outBuffer ob;
	size_t r = 1;
	enum vg_rc rc = VG_OK;

	if ((z = ZSTD_createDStream()) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if (ZSTD_isError(ZSTD_initDStream(z)) ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax,
						DECOMPRESS_ZSTD_WINDOW_LOG))) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	/*
	 * r is 0 when a frame is complete; it is a hint otherwise. Loop
	 * while input remains or the decoder still has output to give.
	 */
	for (;;) {
		ob.dst = chunk;
		ob.size = DECOMPRESS_CHUNK;
		ob.pos = 0;
		r = ZSTD_decompressStream(z, &ob, &ib);
		if (ZSTD_isError(r)) {
			rc = corrupt(name, ZSTD_getErrorName(r), err);
			goto done;
		}
		if ((rc = emit(name, out, chunk, ob.pos, err)) != VG_OK)
			goto done;
		if (ib.pos == ib.size && ob.pos < ob.size)
			break; /* all input used, output not full: done */
	}
	if (r != 0)
		rc = corrupt(name, _("truncated"), err);
done:
	ZSTD_freeDStream(z);
	return rc;
}

enum vg_rc
vg_decompress(const char *name, const void *in, size_t len, struct vg_buf *out,
	      struct vg_err *err)
{
	enum vg_rc (*fn)(const char *, const unsigned char *, size_t,
			 struct vg_buf *, unsigned char *, struct vg_err *);
	unsigned char *chunk;
	enum vg_rc rc;

	vg_buf_reset(out);
	if (has_suffix(name, ".gz"))
		fn = gunzip;
	else if (has_suffix(name, ".xz"))
		fn = unxz;
	else if (has_suffix(name, ".lz4"))
		fn = unlz4;
	else if (has_suffix(name, ".zst"))
		fn = unzstd;
	else
		return emit(name, out, in, len, err);
	if ((chunk = malloc(DECOMPRESS_CHUNK)) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	rc = fn(name, in, len, out, chunk, err);
	free(chunk);
	/* Always a string, even for empty output. */
	if (rc == VG_OK)
		rc = emit(name, out, "", 0, err);
	if (rc != VG_OK)
		vg_buf_reset(out);
	return rc;
}
