/*
 * Fuzz target: apt lists. The bytes are read as a Release/InRelease file
 * and as a Packages file, then decompressed as each supported format
 * (with a small cap) and, when that works, scanned again. The streamed
 * forms run too: the bytes fed in uneven pieces to a stream scanner
 * with a small carry limit, and to each decompressor feeding one.
 */
#include "util/common.h"

#include <string.h>

#include "collect/apt.h"
#include "collect/collectors.h"
#include "util/banned.h"

/* Decompressed output kept per input: enough to reach the cap often. */
#define FUZZ_MAX_OUT (1u << 20)
/* Carry limit of the stream scanner: small, to be reached. */
#define FUZZ_MAX_STANZA 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every other stanza is wanted, to exercise both paths. */
static bool
want(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	return n > 0 && (name[0] & 1) == 0;
}

static enum vg_rc
found(void *ctx, const struct vg_apt_stanza *st)
{
	char v[256];
	size_t n = st->version_len < sizeof(v) - 1 ? st->version_len
						   : sizeof(v) - 1;

	memcpy(v, st->version, n);
	v[n] = '\0';
	*(int *)ctx += vg_dpkg_version_cmp(v, "1:2.36-9+deb12u4~bpo1");
	return VG_OK;
}

static enum vg_rc
to_stream(void *ctx, const char *p, size_t n)
{
	return vg_apt_stream_feed(ctx, p, n);
}

/* Feed data in pieces of 1, 2, 3... bytes (so cuts fall everywhere). */
static void
stream_scan(struct vg_facts *f, const char *name, const uint8_t *data,
	    size_t size, bool decompress, int *acc)
{
	struct vg_apt_stream *st;
	struct vg_decomp *d = NULL;
	struct vg_err err;
	size_t at, n, step = 1;
	enum vg_rc rc = VG_OK;

	if (vg_apt_stream_new(&st, f, name, FUZZ_MAX_STANZA, want, found,
			      acc) != VG_OK)
		return;
	if (decompress &&
	    vg_decomp_new(&d, name, FUZZ_MAX_OUT, to_stream, st, &err) != VG_OK)
		goto done;
	for (at = 0; at < size && rc == VG_OK; at += n, step++) {
		n = size - at < step ? size - at : step;
		rc = d != NULL
			? vg_decomp_feed(d, data + at, n, &err)
			: vg_apt_stream_feed(st, (const char *)data + at, n);
	}
	if (rc == VG_OK && d != NULL)
		rc = vg_decomp_finish(d, &err);
	if (rc == VG_OK)
		(void)vg_apt_stream_finish(st);
done:
	vg_decomp_free(d);
	vg_apt_stream_free(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"P.gz", "P.xz", "P.lz4", "P.zst"};
	struct vg_apt_release rel;
	struct vg_facts f;
	struct vg_buf out;
	struct vg_err err;
	size_t i;
	int acc = 0;

	vg_facts_init(&f);
	vg_buf_init(&out, FUZZ_MAX_OUT);
	vg_apt_release_parse(&f, "InRelease", (const char *)data, size, &rel);
	(void)vg_apt_release_security(&rel);
	(void)vg_apt_packages_scan(&f, "Packages", (const char *)data, size,
				   want, found, &acc);
	for (i = 0; i < VG_ARRAY_LEN(names); i++)
		if (vg_decompress(names[i], data, size, &out, &err) == VG_OK)
			(void)vg_apt_packages_scan(&f, names[i], out.data,
						   out.len, want, found, &acc);
	stream_scan(&f, "Packages", data, size, false, &acc);
	for (i = 0; i < VG_ARRAY_LEN(names); i++)
		stream_scan(&f, names[i], data, size, true, &acc);
	vg_buf_release(&out);
	vg_facts_release(&f);
	return 0;
}
