/*
 * Fuzz target: the packed vulnerability entries a store row holds
 * (store/vuln_packed.h), which a damaged store file may make anything.
 * Any bytes decode or are refused whole, never read past (the input is
 * copied to a buffer of its exact size); what decodes, packed again,
 * is a fixed point: decoding and packing it once more gives the same
 * bytes. The first decode parses into a kept room, the second walks the
 * blob twice (no room): the two ways agree.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "store/vuln_packed.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct repack {
	struct vg_vuln_packer pk;
	size_t n;
};

static enum vg_rc
repack(void *ctx, const struct vg_vuln_entry *e)
{
	struct repack *r = ctx;
	struct vg_err err;

	if (e->id == NULL)
		abort();
	r->n++;
	return vg_vuln_packer_add(&r->pk, e, &err);
}

/* The decoding room, kept from one input to the next as a store
 * connection keeps it. */
static struct vg_vuln_unpacked room;

/* Decode blob into r's packer, in u (or without room: the two walks);
 * the rc. */
static enum vg_rc
pass(const void *blob, size_t len, struct vg_vuln_unpacked *u, struct repack *r)
{
	struct vg_err err;

	vg_vuln_packer_init(&r->pk);
	r->n = 0;
	return vg_vuln_packed_decode(blob, len, "fuzz", u, repack, r, &err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct repack a, b;
	const void *ba, *bb;
	size_t la, lb;
	uint8_t *copy;
	enum vg_rc rc;

	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	rc = pass(copy, size, &room, &a);
	if (rc != VG_OK && rc != VG_ERR_PARSE)
		abort();
	/* A refusal hands out nothing. */
	if (rc == VG_ERR_PARSE && a.n != 0)
		abort();
	if (rc == VG_OK) {
		ba = vg_vuln_packer_blob(&a.pk, &la);
		if (pass(ba, la, NULL, &b) != VG_OK || b.n != a.n)
			abort();
		bb = vg_vuln_packer_blob(&b.pk, &lb);
		if (la != lb || memcmp(ba, bb, la) != 0)
			abort();
		vg_vuln_packer_release(&b.pk);
	}
	vg_vuln_packer_release(&a.pk);
	free(copy);
	return 0;
}
