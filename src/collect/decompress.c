/*
 * Decompression of apt lists, chosen by the file name's suffix: .gz
 * (zlib), .xz (liblzma), .lz4 (LZ4 frames), .zst (zstd); anything else
 * is copied. Input is untrusted: the output is capped (a decompression
 * bomb stops with VG_ERR_LIMIT), decoder memory is capped, and a
 * truncated or corrupt stream is VG_ERR_PARSE.
 *
 * The work is a stream (struct vg_decomp): compressed bytes are fed in
 * pieces of any size and the output goes to a sink in chunks of at most
 * DECOMPRESS_CHUNK bytes, so memory does not grow with the list.
 * vg_decompress, the whole-buffer form, is built on it.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "collect/apt.h"
#include "collect/collectors.h"
#include "util/lz4_lazy.h"
#include "util/lzma_lazy.h"
#include "util/zlib_lazy.h"
#include "util/zstd_lazy.h"
#include "util/banned.h"

/* Output is handed to the sink in chunks of at most this size. */
#define DECOMPRESS_CHUNK (256u << 10)
/* Memory the xz decoder may use: xz -9 needs 65 MiB. */
#define DECOMPRESS_XZ_MEMLIMIT (128u << 20)
/* zstd window: 2^27 = 128 MiB, zstd's default ceiling, made explicit. */
#define DECOMPRESS_ZSTD_WINDOW_LOG 27
/* zlib's avail_in is 32-bit: feed it at most this much at a time. */
#define DECOMPRESS_ZLIB_STEP (1u << 30)

enum codec {
	C_PLAIN,
	C_GZ,
	C_XZ,
	C_LZ4,
	C_ZST
};

/* Where a gzip stream stands between members. */
enum gz_state {
	GZ_IN,       /* inside a member */
	GZ_BETWEEN,  /* a member ended: a new one may follow */
	GZ_TRAILING, /* garbage after the end: ignored, as gzip does */
};

struct vg_decomp {
	char *name; /* for messages */
	enum codec codec;
	size_t max, total; /* output cap and output so far */
	enum vg_rc (*sink)(void *ctx, const char *p, size_t n);
	void *ctx;
	unsigned char *chunk; /* DECOMPRESS_CHUNK bytes of output */
	bool failed;          /* an error was returned: refuse more */
	/* One of these, by codec. */
	z_stream gz;
	enum gz_state gz_state;
	unsigned char gz_magic[2]; /* first bytes of a possible next member */
	size_t gz_nmagic;
	lzma_stream xz;
	LZ4F_dctx *lz4;
	size_t lz4_hint; /* LZ4F's input still wanted: 0 between frames */
	ZSTD_DStream *zst;
	size_t zst_hint; /* 0 when a frame is complete */
};

static bool
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && memcmp(name + n - k, suffix, k) == 0;
}

static enum vg_rc
corrupt(const struct vg_decomp *d, const char *what, struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_PARSE, _("'%s' is corrupt: %s"), d->name,
			  what);
}

static enum vg_rc
nomem(struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
}

/* Hand n decoded bytes to the sink, naming the cap when it is passed. */
static enum vg_rc
emit(struct vg_decomp *d, const void *p, size_t n, struct vg_err *err)
{
	enum vg_rc rc;

	if (n == 0)
		return VG_OK;
	if (n > d->max - d->total)
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("'%s' decompresses to more than %zu bytes"),
				  d->name, d->max);
	d->total += n;
	if ((rc = d->sink(d->ctx, p, n)) == VG_ERR_NOMEM)
		return nomem(err);
	if (rc != VG_OK)
		return vg_err_set(err, rc, _("'%s': cannot use the data"),
				  d->name);
	return VG_OK;
}

enum vg_rc
vg_decomp_new(struct vg_decomp **out, const char *name, size_t max,
	      enum vg_rc (*sink)(void *ctx, const char *p, size_t n), void *ctx,
	      struct vg_err *err)
{
	struct vg_decomp *d;
	/* What explains a failure: a decoder that cannot start may lack
	 * its library (util/dynlib.h). */
	enum vg_rc (*why)(struct vg_err *) = nomem;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->name = strdup(name)) == NULL)
		goto fail;
	d->max = max;
	d->sink = sink;
	d->ctx = ctx;
	d->codec = has_suffix(name, ".gz") ? C_GZ
		: has_suffix(name, ".xz")  ? C_XZ
		: has_suffix(name, ".lz4") ? C_LZ4
		: has_suffix(name, ".zst") ? C_ZST
					   : C_PLAIN;
	if (d->codec != C_PLAIN &&
	    (d->chunk = malloc(DECOMPRESS_CHUNK)) == NULL)
		goto fail;
	switch (d->codec) {
	case C_PLAIN:
		break;
	case C_GZ:
		/* 15 + 32: the largest window, gzip or zlib header detected. */
		if (inflateInit2(&d->gz, 15 + 32) != Z_OK) {
			d->codec = C_PLAIN; /* nothing to end */
			why = vg_zlib_nomem;
			goto fail;
		}
		break;
	case C_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;

		d->xz = init;
		if (lzma_stream_decoder(&d->xz, DECOMPRESS_XZ_MEMLIMIT,
					LZMA_CONCATENATED) != LZMA_OK) {
			why = vg_lzma_nomem;
			goto fail;
		}
		break;
	}
	case C_LZ4:
		if (LZ4F_isError(LZ4F_createDecompressionContext(
			    &d->lz4, LZ4F_VERSION))) {
			why = vg_lz4_nomem;
			goto fail;
		}
		d->lz4_hint = 1; /* a frame header is wanted */
		break;
	case C_ZST:
		if ((d->zst = ZSTD_createDStream()) == NULL ||
		    ZSTD_isError(ZSTD_initDStream(d->zst)) ||
		    ZSTD_isError(ZSTD_DCtx_setParameter(
			    d->zst, ZSTD_d_windowLogMax,
			    DECOMPRESS_ZSTD_WINDOW_LOG))) {
			why = vg_zstd_nomem;
			goto fail;
		}
		d->zst_hint = 1;
		break;
	}
	*out = d;
	return VG_OK;
fail:
	vg_decomp_free(d);
	return why(err);
}

void
vg_decomp_free(struct vg_decomp *d)
{
	if (d == NULL)
		return;
	switch (d->codec) {
	case C_PLAIN:
		break;
	case C_GZ:
		inflateEnd(&d->gz);
		break;
	case C_XZ:
		lzma_end(&d->xz);
		break;
	case C_LZ4:
		LZ4F_freeDecompressionContext(d->lz4);
		break;
	case C_ZST:
		ZSTD_freeDStream(d->zst);
		break;
	}
	free(d->chunk);
	free(d->name);
	free(d);
}

/* Inflate in[0..len) of the current member; *used says how much. */
static enum vg_rc
gz_member(struct vg_decomp *d, const unsigned char *in, size_t len,
	  size_t *used, struct vg_err *err)
{
	z_stream *z = &d->gz;
	size_t step;
	enum vg_rc rc;
	int zr;

	*used = 0;
	for (;;) {
		step = len - *used < DECOMPRESS_ZLIB_STEP
			? len - *used
			: DECOMPRESS_ZLIB_STEP;
		z->next_in = (unsigned char *)in + *used;
		z->avail_in = (uInt)step;
		z->next_out = d->chunk;
		z->avail_out = DECOMPRESS_CHUNK;
		zr = inflate(z, Z_NO_FLUSH);
		*used += step - z->avail_in;
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return corrupt(d,
				       z->msg != NULL ? z->msg
						      : _("invalid gzip data"),
				       err);
		if ((rc = emit(d, d->chunk, DECOMPRESS_CHUNK - z->avail_out,
			       err)) != VG_OK)
			return rc;
		if (zr == Z_STREAM_END) {
			d->gz_state = GZ_BETWEEN;
			d->gz_nmagic = 0;
			return VG_OK;
		}
		/* Z_BUF_ERROR: no progress possible, more input needed. */
		if (zr == Z_BUF_ERROR && *used < len)
			return corrupt(d, _("invalid gzip data"), err);
		/* A full output chunk may hide more output: go on. */
		if (*used == len && z->avail_out != 0)
			return VG_OK;
		if (zr == Z_BUF_ERROR)
			return VG_OK;
	}
}

/*
 * Another gzip member may follow the end of one (gzip -d joins them);
 * anything else after the end is ignored, as gzip does. The two magic
 * bytes may arrive in separate feeds.
 */
static enum vg_rc
gz_feed(struct vg_decomp *d, const unsigned char *in, size_t len,
	struct vg_err *err)
{
	size_t used;
	enum vg_rc rc;

	while (len > 0) {
		if (d->gz_state == GZ_TRAILING)
			return VG_OK;
		if (d->gz_state == GZ_BETWEEN) {
			d->gz_magic[d->gz_nmagic++] = *in++;
			len--;
			if (d->gz_magic[0] != 0x1f ||
			    (d->gz_nmagic == 2 && d->gz_magic[1] != 0x8b)) {
				d->gz_state = GZ_TRAILING;
				return VG_OK;
			}
			if (d->gz_nmagic < 2)
				continue;
			if (inflateReset(&d->gz) != Z_OK)
				return nomem(err);
			d->gz_state = GZ_IN;
			if ((rc = gz_member(d, d->gz_magic, 2, &used, err)) !=
			    VG_OK)
				return rc;
			continue;
		}
		if ((rc = gz_member(d, in, len, &used, err)) != VG_OK)
			return rc;
		in += used;
		len -= used;
	}
	return VG_OK;
}

/* xz: LZMA_RUN while feeding, LZMA_FINISH at the end. */
static enum vg_rc
xz_code(struct vg_decomp *d, const unsigned char *in, size_t len,
	lzma_action action, struct vg_err *err)
{
	lzma_stream *z = &d->xz;
	lzma_ret lr;
	enum vg_rc rc;

	z->next_in = in;
	z->avail_in = len;
	for (;;) {
		z->next_out = d->chunk;
		z->avail_out = DECOMPRESS_CHUNK;
		lr = lzma_code(z, action);
		if ((rc = emit(d, d->chunk, DECOMPRESS_CHUNK - z->avail_out,
			       err)) != VG_OK)
			return rc;
		if (lr == LZMA_STREAM_END)
			return VG_OK;
		if (lr != LZMA_OK)
			return corrupt(d,
				       lr == LZMA_MEMLIMIT_ERROR
					       ? _("needs too much memory")
					       : lr == LZMA_BUF_ERROR
					       ? _("truncated")
					       : _("invalid xz data"),
				       err);
		/* Input used and output not full: nothing more for now. */
		if (z->avail_in == 0 && z->avail_out != 0 && action == LZMA_RUN)
			return VG_OK;
	}
}

static enum vg_rc
lz4_feed(struct vg_decomp *d, const unsigned char *in, size_t len,
	 struct vg_err *err)
{
	size_t src, dst, done = 0;
	enum vg_rc rc;

	/*
	 * Loop while input remains or the output chunk came back full (the
	 * context may hold more). A new frame may follow (concatenated).
	 */
	do {
		src = len - done;
		dst = DECOMPRESS_CHUNK;
		d->lz4_hint =
			LZ4F_decompress(d->lz4, d->chunk, &dst,
					src > 0 ? in + done : NULL, &src, NULL);
		if (LZ4F_isError(d->lz4_hint))
			return corrupt(d, LZ4F_getErrorName(d->lz4_hint), err);
		done += src;
		if ((rc = emit(d, d->chunk, dst, err)) != VG_OK)
			return rc;
		/* No progress at all would loop forever. */
		if (src == 0 && dst == 0 && done < len)
			return corrupt(d, _("no progress"), err);
	} while (done < len || dst == DECOMPRESS_CHUNK);
	return VG_OK;
}

static enum vg_rc
zst_feed(struct vg_decomp *d, const unsigned char *in, size_t len,
	 struct vg_err *err)
{
	ZSTD_inBuffer ib = {in, len, 0};
	ZSTD_outBuffer ob;
	enum vg_rc rc;

	/* Until all input is used and the output chunk is not full. */
	for (;;) {
		ob.dst = d->chunk;
		ob.size = DECOMPRESS_CHUNK;
		ob.pos = 0;
		d->zst_hint = ZSTD_decompressStream(d->zst, &ob, &ib);
		if (ZSTD_isError(d->zst_hint))
			return corrupt(d, ZSTD_getErrorName(d->zst_hint), err);
		if ((rc = emit(d, d->chunk, ob.pos, err)) != VG_OK)
			return rc;
		if (ib.pos == ib.size && ob.pos < ob.size)
			return VG_OK;
	}
}

enum vg_rc
vg_decomp_feed(struct vg_decomp *d, const void *in, size_t len,
	       struct vg_err *err)
{
	enum vg_rc rc = VG_OK;

	if (d->failed)
		return vg_err_set(err, VG_ERR_USAGE, _("'%s': stream failed"),
				  d->name);
	if (len == 0)
		return VG_OK;
	switch (d->codec) {
	case C_PLAIN:
		rc = emit(d, in, len, err);
		break;
	case C_GZ:
		rc = gz_feed(d, in, len, err);
		break;
	case C_XZ:
		rc = xz_code(d, in, len, LZMA_RUN, err);
		break;
	case C_LZ4:
		rc = lz4_feed(d, in, len, err);
		break;
	case C_ZST:
		rc = zst_feed(d, in, len, err);
		break;
	}
	d->failed = rc != VG_OK;
	return rc;
}

enum vg_rc
vg_decomp_finish(struct vg_decomp *d, struct vg_err *err)
{
	size_t src, dst;
	enum vg_rc rc = VG_OK;

	if (d->failed)
		return vg_err_set(err, VG_ERR_USAGE, _("'%s': stream failed"),
				  d->name);
	switch (d->codec) {
	case C_PLAIN:
		break;
	case C_GZ:
		/* Ended inside a member (or never began one). */
		if (d->gz_state == GZ_IN)
			rc = corrupt(d, _("truncated"), err);
		break;
	case C_XZ:
		rc = xz_code(d, NULL, 0, LZMA_FINISH, err);
		break;
	case C_LZ4:
		/* Flush what the context still holds; a frame left open is
		 * a truncated file. */
		while (rc == VG_OK && d->lz4_hint != 0) {
			src = 0;
			dst = DECOMPRESS_CHUNK;
			d->lz4_hint = LZ4F_decompress(d->lz4, d->chunk, &dst,
						      NULL, &src, NULL);
			if (LZ4F_isError(d->lz4_hint))
				rc = corrupt(d, LZ4F_getErrorName(d->lz4_hint),
					     err);
			else if ((rc = emit(d, d->chunk, dst, err)) == VG_OK &&
				 d->lz4_hint != 0 && dst == 0)
				rc = corrupt(d, _("truncated"), err);
		}
		break;
	case C_ZST:
		if (d->zst_hint != 0)
			rc = corrupt(d, _("truncated"), err);
		break;
	}
	d->failed = true; /* finished: no more input */
	return rc;
}

static enum vg_rc
to_buf(void *ctx, const char *p, size_t n)
{
	return vg_buf_add(ctx, p, n);
}

enum vg_rc
vg_decompress(const char *name, const void *in, size_t len, struct vg_buf *out,
	      struct vg_err *err)
{
	struct vg_decomp *d;
	enum vg_rc rc;

	vg_buf_reset(out);
	if ((rc = vg_decomp_new(&d, name, out->max, to_buf, out, err)) != VG_OK)
		return rc;
	if ((rc = vg_decomp_feed(d, in, len, err)) == VG_OK)
		rc = vg_decomp_finish(d, err);
	vg_decomp_free(d);
	/* Always a string, even for empty output. */
	if (rc == VG_OK && (rc = vg_buf_add(out, "", 0)) != VG_OK)
		rc = nomem(err);
	if (rc != VG_OK)
		vg_buf_reset(out);
	return rc;
}
