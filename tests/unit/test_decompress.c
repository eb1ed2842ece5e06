/* vg_decompress: round trips through each library, truncated and corrupt
 * streams, concatenated streams, decompression bombs. */
#include "util/common.h"

#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "support.h"
#include "collect/apt.h"
#include "collect/collectors.h"
#include "util/banned.h"

/* Compressed bytes made by a test (caller frees data). */
struct blob {
	unsigned char *data;
	size_t len;
};

static struct blob
gz(const void *in, size_t len)
{
	struct blob b;
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(
		deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
		Z_OK);
	b.len = deflateBound(&z, len) + 64;
	assert_non_null(b.data = malloc(b.len));
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = b.data;
	z.avail_out = (uInt)b.len;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	b.len = z.total_out;
	deflateEnd(&z);
	return b;
}

static struct blob
xz(const void *in, size_t len)
{
	struct blob b;
	size_t pos = 0;

	b.len = lzma_stream_buffer_bound(len);
	assert_non_null(b.data = malloc(b.len));
	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, in,
						 len, b.data, &pos, b.len),
			 LZMA_OK);
	b.len = pos;
	return b;
}

static struct blob
lz4(const void *in, size_t len)
{
	LZ4F_preferences_t prefs;
	struct blob b;
	size_t r;

	memset(&prefs, 0, sizeof(prefs));
	prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	b.len = LZ4F_compressFrameBound(len, &prefs);
	assert_non_null(b.data = malloc(b.len));
	r = LZ4F_compressFrame(b.data, b.len, in, len, &prefs);
	assert_false(LZ4F_isError(r));
	b.len = r;
	return b;
}

static struct blob
zst(const void *in, size_t len)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	struct blob b;
	size_t r;

	assert_non_null(cc);
	assert_false(ZSTD_isError(
		ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
	b.len = ZSTD_compressBound(len);
	assert_non_null(b.data = malloc(b.len));
	r = ZSTD_compress2(cc, b.data, b.len, in, len);
	assert_false(ZSTD_isError(r));
	b.len = r;
	ZSTD_freeCCtx(cc);
	return b;
}

struct codec {
	const char *name; /* a list file name with the codec's suffix */
	struct blob (*compress)(const void *, size_t);
};

static const struct codec codecs[] = {
	{"x_Packages.gz", gz},
	{"x_Packages.xz", xz},
	{"x_Packages.lz4", lz4},
	{"x_Packages.zst", zst},
};

/* ~1.5 MB of Packages-like text: several output chunks. */
static char *
sample(size_t *len)
{
	struct vg_buf b;
	int i;

	vg_buf_init(&b, 1u << 24);
	for (i = 0; i < 20000; i++)
		assert_int_equal(vg_buf_printf(&b,
					       "Package: pkg%d\nVersion: 1.%d\n"
					       "Architecture: amd64\n\n",
					       i, i * 7919 % 1000),
				 VG_OK);
	*len = b.len;
	return vg_buf_detach(&b);
}

static void
test_round_trip(void **state)
{
	struct vg_buf out;
	struct vg_err err;
	struct blob b;
	size_t len, i;
	char *text = sample(&len);

	(void)state;
	vg_buf_init(&out, VG_MAX_LIST_FILE);
	for (i = 0; i < VG_ARRAY_LEN(codecs); i++) {
		b = codecs[i].compress(text, len);
		assert_true(b.len < len / 4);
		assert_int_equal(vg_decompress(codecs[i].name, b.data, b.len,
					       &out, &err),
				 VG_OK);
		assert_int_equal(out.len, len);
		assert_memory_equal(out.data, text, len);
		assert_int_equal(out.data[out.len], '\0');
		/* The empty document round-trips too. */
		free(b.data);
		b = codecs[i].compress("", 0);
		assert_int_equal(vg_decompress(codecs[i].name, b.data, b.len,
					       &out, &err),
				 VG_OK);
		assert_int_equal(out.len, 0);
		assert_string_equal(out.data, "");
		free(b.data);
	}
	/* No suffix: a copy. */
	assert_int_equal(vg_decompress("x_Packages", text, len, &out, &err),
			 VG_OK);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, text, len);
	vg_buf_release(&out);
	free(text);
}

/* Two streams back to back decode as their concatenation. */
static void
test_concatenated(void **state)
{
	struct vg_buf out;
	struct vg_err err;
	struct blob a, b;
	unsigned char *both;
	size_t i;

	(void)state;
	vg_buf_init(&out, VG_MAX_LIST_FILE);
	for (i = 0; i < VG_ARRAY_LEN(codecs); i++) {
		a = codecs[i].compress("Package: a\n", 11);
		b = codecs[i].compress("\nPackage: b\n", 12);
		assert_non_null(both = malloc(a.len + b.len));
		memcpy(both, a.data, a.len);
		memcpy(both + a.len, b.data, b.len);
		assert_int_equal(vg_decompress(codecs[i].name, both,
					       a.len + b.len, &out, &err),
				 VG_OK);
		assert_string_equal(out.data, "Package: a\n\nPackage: b\n");
		free(a.data);
		free(b.data);
		free(both);
	}
	vg_buf_release(&out);
}

static void
test_truncated_and_corrupt(void **state)
{
	struct vg_buf out;
	struct vg_err err;
	struct blob b;
	size_t len, i, cut;
	char *text = sample(&len);

	(void)state;
	vg_buf_init(&out, VG_MAX_LIST_FILE);
	for (i = 0; i < VG_ARRAY_LEN(codecs); i++) {
		b = codecs[i].compress(text, len);
		/* Empty, a few bytes, half, all but the last byte. */
		{
			const size_t cuts[] = {0, 3, b.len / 2, b.len - 1};

			for (cut = 0; cut < VG_ARRAY_LEN(cuts); cut++) {
				vg_err_clear(&err);
				assert_int_equal(
					vg_decompress(codecs[i].name, b.data,
						      cuts[cut], &out, &err),
					VG_ERR_PARSE);
				assert_non_null(strstr(err.msg, "x_Packages"));
				assert_int_equal(out.len, 0);
			}
		}
		/* A byte changed mid-stream: the checksum catches it. */
		b.data[b.len / 2] ^= 0x55;
		vg_err_clear(&err);
		assert_int_equal(vg_decompress(codecs[i].name, b.data, b.len,
					       &out, &err),
				 VG_ERR_PARSE);
		assert_non_null(strstr(err.msg, "corrupt"));
		/* A wrong magic number. */
		b.data[b.len / 2] ^= 0x55;
		b.data[0] ^= 0xff;
		assert_int_equal(vg_decompress(codecs[i].name, b.data, b.len,
					       &out, &err),
				 VG_ERR_PARSE);
		free(b.data);
	}
	/* Plain text is not mistaken for a compressed stream. */
	assert_int_equal(vg_decompress("x.gz", "Package: a\n", 11, &out, &err),
			 VG_ERR_PARSE);
	vg_buf_release(&out);
	free(text);
}

/* 8 MiB of zeros compress to a few KiB; the cap stops them. */
static void
test_bomb(void **state)
{
	size_t len = 8u << 20, i;
	char *zeros = calloc(1, len);
	struct vg_buf out;
	struct vg_err err;
	struct blob b;

	(void)state;
	assert_non_null(zeros);
	vg_buf_init(&out, 1u << 20);
	for (i = 0; i < VG_ARRAY_LEN(codecs); i++) {
		b = codecs[i].compress(zeros, len);
		assert_true(b.len < 64u << 10);
		vg_err_clear(&err);
		assert_int_equal(vg_decompress(codecs[i].name, b.data, b.len,
					       &out, &err),
				 VG_ERR_LIMIT);
		assert_non_null(strstr(err.msg, "more than"));
		assert_int_equal(out.len, 0);
		free(b.data);
	}
	/* A plain file past the cap as well. */
	assert_int_equal(vg_decompress("x_Packages", zeros, len, &out, &err),
			 VG_ERR_LIMIT);
	/* Exactly the cap fits. */
	b = gz(zeros, 1u << 20);
	assert_int_equal(vg_decompress("x.gz", b.data, b.len, &out, &err),
			 VG_OK);
	assert_int_equal(out.len, 1u << 20);
	free(b.data);
	vg_buf_release(&out);
	free(zeros);
}

/* ------------------------------------------------------------------ */
/* The stream: input in pieces, output in chunks                        */

/* Output gathered from a stream, with the largest chunk seen. */
struct gathered {
	struct vg_buf out;
	size_t max_chunk, chunks;
};

static enum vg_rc
gather(void *ctx, const char *p, size_t n)
{
	struct gathered *g = ctx;

	g->chunks++;
	if (n > g->max_chunk)
		g->max_chunk = n;
	return vg_buf_add(&g->out, p, n);
}

/* Decode b fed in pieces of step bytes; the rc of finish. */
static enum vg_rc
stream_pieces(const char *name, const struct blob *b, size_t step,
	      struct gathered *g, struct vg_err *err)
{
	struct vg_decomp *d;
	size_t at, n;
	enum vg_rc rc = VG_OK;

	vg_buf_reset(&g->out);
	g->max_chunk = g->chunks = 0;
	assert_int_equal(
		vg_decomp_new(&d, name, VG_MAX_LIST_FILE, gather, g, err),
		VG_OK);
	for (at = 0; at < b->len && rc == VG_OK; at += n) {
		n = b->len - at < step ? b->len - at : step;
		rc = vg_decomp_feed(d, b->data + at, n, err);
	}
	if (rc == VG_OK)
		rc = vg_decomp_finish(d, err);
	vg_decomp_free(d);
	return rc;
}

static void
test_stream_pieces(void **state)
{
	static const size_t steps[] = {1, 7, 4096, 1u << 20};
	struct gathered g;
	struct vg_err err;
	struct blob b;
	size_t len, i, k;
	char *text = sample(&len);

	(void)state;
	vg_buf_init(&g.out, VG_MAX_LIST_FILE);
	for (i = 0; i < VG_ARRAY_LEN(codecs); i++) {
		b = codecs[i].compress(text, len);
		for (k = 0; k < VG_ARRAY_LEN(steps); k++) {
			assert_int_equal(stream_pieces(codecs[i].name, &b,
						       steps[k], &g, &err),
					 VG_OK);
			assert_int_equal(g.out.len, len);
			assert_memory_equal(g.out.data, text, len);
			/* Bounded chunks, whatever the input pieces. */
			assert_true(g.max_chunk <= 256u << 10);
		}
		/* Truncated, fed in pieces: an error at finish. */
		b.len -= 5;
		assert_int_equal(
			stream_pieces(codecs[i].name, &b, 1000, &g, &err),
			VG_ERR_PARSE);
		assert_non_null(strstr(err.msg, "x_Packages"));
		free(b.data);
	}
	vg_buf_release(&g.out);
	free(text);
}

/* gzip: a second member whose magic is split across two pieces. */
static void
test_stream_gz_members(void **state)
{
	struct gathered g;
	struct vg_err err;
	struct blob a, b, both;
	size_t step;

	(void)state;
	vg_buf_init(&g.out, 1u << 20);
	a = gz("Package: a\n", 11);
	b = gz("\nPackage: b\n", 12);
	assert_non_null(both.data = malloc(a.len + b.len + 3));
	memcpy(both.data, a.data, a.len);
	memcpy(both.data + a.len, b.data, b.len);
	both.len = a.len + b.len;
	for (step = 1; step <= both.len; step++) {
		assert_int_equal(stream_pieces("x.gz", &both, step, &g, &err),
				 VG_OK);
		assert_string_equal(vg_buf_str(&g.out),
				    "Package: a\n\nPackage: b\n");
	}
	/* Trailing garbage after the end is ignored, as gzip does. */
	memcpy(both.data + both.len, "\x1f\x00z", 3);
	both.len += 3;
	assert_int_equal(stream_pieces("x.gz", &both, 2, &g, &err), VG_OK);
	assert_string_equal(vg_buf_str(&g.out), "Package: a\n\nPackage: b\n");
	free(a.data);
	free(b.data);
	free(both.data);
	vg_buf_release(&g.out);
}

/* The total cap holds in the stream; the stream refuses after it. */
static void
test_stream_bomb(void **state)
{
	size_t len = 8u << 20, i;
	char *zeros = calloc(1, len);
	struct vg_decomp *d;
	struct gathered g;
	struct vg_err err;
	struct blob b;

	(void)state;
	assert_non_null(zeros);
	vg_buf_init(&g.out, VG_MAX_LIST_FILE);
	for (i = 0; i < VG_ARRAY_LEN(codecs); i++) {
		b = codecs[i].compress(zeros, len);
		vg_buf_reset(&g.out);
		assert_int_equal(vg_decomp_new(&d, codecs[i].name, 1u << 20,
					       gather, &g, &err),
				 VG_OK);
		assert_int_equal(vg_decomp_feed(d, b.data, b.len, &err),
				 VG_ERR_LIMIT);
		assert_true(g.out.len <= 1u << 20);
		assert_int_equal(vg_decomp_feed(d, b.data, 1, &err),
				 VG_ERR_USAGE);
		assert_int_equal(vg_decomp_finish(d, &err), VG_ERR_USAGE);
		vg_decomp_free(d);
		free(b.data);
	}
	vg_decomp_free(NULL);
	vg_buf_release(&g.out);
	free(zeros);
}

/*
 * Decompressed and scanned in chunks, for each codec, with the chunks
 * re-cut at chosen places: between the two '\n' of a blank line, in a
 * field name, in a value, right after a Package line.
 */
struct recut {
	struct vg_apt_stream *st;
	const size_t *cuts;
	size_t n_cuts, next, at;
};

static enum vg_rc
recut_sink(void *ctx, const char *p, size_t n)
{
	struct recut *r = ctx;
	size_t k;
	enum vg_rc rc;

	while (r->next < r->n_cuts && r->cuts[r->next] < r->at + n) {
		k = r->cuts[r->next++] - r->at;
		if (k == 0)
			continue;
		if ((rc = vg_apt_stream_feed(r->st, p, k)) != VG_OK)
			return rc;
		p += k;
		n -= k;
		r->at += k;
	}
	r->at += n;
	return vg_apt_stream_feed(r->st, p, n);
}

static bool
want_odd(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	return n > 0 && (name[n - 1] - '0') % 2 == 1;
}

static enum vg_rc
count_found(void *ctx, const struct vg_apt_stanza *st)
{
	char v[32];

	(void)snprintf(v, sizeof(v), "%.*s", (int)st->version_len, st->version);
	return vg_buf_printf(ctx, "%.*s=%s;", (int)st->name_len, st->name, v);
}

static void
test_stream_scan_recut(void **state)
{
	struct vg_buf whole, cut, text;
	struct vg_apt_stream *st;
	struct vg_facts f1, f2;
	struct vg_decomp *d;
	struct recut r;
	struct vg_err err;
	struct blob b;
	size_t cuts[64], n_cuts = 0, i, at;
	const char *p;
	int k;

	(void)state;
	vg_buf_init(&text, 1u << 24);
	vg_buf_init(&whole, 1u << 24);
	vg_buf_init(&cut, 1u << 24);
	for (k = 0; k < 30000; k++)
		assert_int_equal(
			vg_buf_printf(&text,
				      "Package: pkg%d\nVersion: 1.%d\n"
				      "Architecture: amd64\n%s\n",
				      k, k,
				      k % 7 == 0 ? "Description: long\n more\n"
						 : ""),
			VG_OK);
	assert_int_equal(vg_buf_adds(&text,
				     "Package: bad1\n\nPackage: e1\n"
				     "Version: 9"),
			 VG_OK);
	/* Cuts at several kinds of place through the text. */
	for (at = 1000; at < text.len && n_cuts + 4 < VG_ARRAY_LEN(cuts);
	     at += text.len / 12) {
		p = strstr(text.data + at, "\n\n");
		cuts[n_cuts++] = (size_t)(p - text.data) + 1;
		p = strstr(p, "Version:");
		cuts[n_cuts++] = (size_t)(p - text.data) + 3;
		cuts[n_cuts++] = (size_t)(p - text.data) + 10;
		p = strstr(p, "Package:");
		cuts[n_cuts++] = (size_t)(strchr(p, '\n') - text.data) + 1;
	}
	vg_facts_init(&f1);
	assert_int_equal(vg_apt_packages_scan(&f1, "P", text.data, text.len,
					      want_odd, count_found, &whole),
			 VG_OK);
	for (i = 0; i < VG_ARRAY_LEN(codecs); i++) {
		b = codecs[i].compress(text.data, text.len);
		vg_buf_reset(&cut);
		vg_facts_init(&f2);
		assert_int_equal(vg_apt_stream_new(&st, &f2, "P", 1u << 20,
						   want_odd, count_found, &cut),
				 VG_OK);
		memset(&r, 0, sizeof(r));
		r.st = st;
		r.cuts = cuts;
		r.n_cuts = n_cuts;
		assert_int_equal(vg_decomp_new(&d, codecs[i].name,
					       VG_MAX_LIST_FILE, recut_sink, &r,
					       &err),
				 VG_OK);
		for (at = 0; at < b.len; at += 3000)
			assert_int_equal(vg_decomp_feed(d, b.data + at,
							b.len - at < 3000
								? b.len - at
								: 3000,
							&err),
					 VG_OK);
		assert_int_equal(vg_decomp_finish(d, &err), VG_OK);
		assert_int_equal(vg_apt_stream_finish(st), VG_OK);
		assert_int_equal(r.next, n_cuts);
		assert_int_equal(cut.len, whole.len);
		assert_memory_equal(cut.data, whole.data, whole.len);
		assert_int_equal(f1.n_warnings, 1);
		assert_int_equal(f2.n_warnings, 1);
		assert_string_equal(f2.warnings[0], f1.warnings[0]);
		vg_decomp_free(d);
		vg_apt_stream_free(st);
		vg_facts_release(&f2);
		free(b.data);
	}
	assert_non_null(strstr(whole.data, "pkg29999=1.29999;e1=9;"));
	vg_facts_release(&f1);
	vg_buf_release(&text);
	vg_buf_release(&whole);
	vg_buf_release(&cut);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_stream_pieces),
		cmocka_unit_test(test_stream_gz_members),
		cmocka_unit_test(test_stream_bomb),
		cmocka_unit_test(test_stream_scan_recut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
