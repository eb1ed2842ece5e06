/*
 * Fuzz target: apt lists. The bytes are read as a Release/InRelease file
 * and as a Packages file, then decompressed as each supported format
 * (with a small cap) and, when that works, scanned again.
 */
#include "util/common.h"

#include <string.h>

#include "collect/apt.h"
#include "collect/collectors.h"
#include "util/banned.h"

/* Decompressed output kept per input: enough to reach the cap often. */
#define FUZZ_MAX_OUT (1u << 20)

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
	vg_buf_release(&out);
	vg_facts_release(&f);
	return 0;
}
