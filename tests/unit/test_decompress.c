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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_bomb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
