/*
 * The chained timeline of an incident (core/timeline.h): each entry's
 * BLAKE2b-256 over an unambiguous serialisation of its fields and of
 * the previous entry's hash, and the check of a whole chain.
 */
#include "util/common.h"

#include <sodium.h>
#include <string.h>

#include "core/timeline.h"
#include "util/text.h"
#include "util/banned.h"

/* The domain separator: a hash of vigie's timeline is never mistaken
 * for one of something else hashed the same way. */
static const char timeline_tag[] = "vigie.timeline/1";

static void
put_le64(crypto_generichash_state *h, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	(void)crypto_generichash_update(h, b, sizeof(b));
}

/* A string as its 64-bit length then its bytes: "ab" + "c" and "a" +
 * "bc" serialise differently. */
static void
put_str(crypto_generichash_state *h, const char *s)
{
	size_t n = strlen(s);

	put_le64(h, (uint64_t)n);
	(void)crypto_generichash_update(h, (const unsigned char *)s, n);
}

/* 64 hex digits (either case) into 32 bytes; false otherwise. */
static bool
hex_decode(const char *hex, unsigned char out[VG_TIMELINE_HASH_BYTES])
{
	size_t i;
	int hi, lo;

	if (strnlen(hex, VG_TIMELINE_HASH_HEX) != VG_TIMELINE_HASH_HEX - 1)
		return false;
	for (i = 0; i < VG_TIMELINE_HASH_BYTES; i++) {
		if ((hi = vg_hex_value(hex[2 * i])) < 0 ||
		    (lo = vg_hex_value(hex[2 * i + 1])) < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

enum vg_rc
vg_timeline_hash(const struct vg_timeline_entry *e,
		 char out[VG_TIMELINE_HASH_HEX], struct vg_err *err)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char prev[VG_TIMELINE_HASH_BYTES];
	unsigned char sum[VG_TIMELINE_HASH_BYTES];
	crypto_generichash_state h;
	size_t i;

	out[0] = '\0';
	if (e == NULL || e->actor == NULL || e->kind == NULL ||
	    e->detail == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  "timeline entry without actor, kind or "
				  "detail");
	if (!hex_decode(e->prev, prev))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("timeline entry %lld: previous hash is "
				    "not 64 hex digits"),
				  (long long)e->seq);
	if (sodium_init() < 0 ||
	    crypto_generichash_init(&h, NULL, 0, sizeof(sum)) != 0)
		return vg_err_set(err, VG_ERR_NOMEM,
				  "cannot initialise BLAKE2b");
	(void)crypto_generichash_update(&h, (const unsigned char *)timeline_tag,
					sizeof(timeline_tag) - 1);
	(void)crypto_generichash_update(&h, prev, sizeof(prev));
	put_le64(&h, (uint64_t)e->incident_id);
	put_le64(&h, (uint64_t)e->seq);
	put_le64(&h, (uint64_t)e->at);
	put_str(&h, e->actor);
	put_str(&h, e->kind);
	put_str(&h, e->detail);
	(void)crypto_generichash_final(&h, sum, sizeof(sum));
	for (i = 0; i < sizeof(sum); i++) {
		out[2 * i] = digits[sum[i] >> 4];
		out[2 * i + 1] = digits[sum[i] & 15];
	}
	out[2 * sizeof(sum)] = '\0';
	return VG_OK;
}

void
vg_timeline_genesis(char out[VG_TIMELINE_HASH_HEX])
{
	memset(out, '0', VG_TIMELINE_HASH_HEX - 1);
	out[VG_TIMELINE_HASH_HEX - 1] = '\0';
}

/* Equal hex strings; an unterminated array never matches. */
static bool
hash_eq(const char a[VG_TIMELINE_HASH_HEX], const char b[VG_TIMELINE_HASH_HEX])
{
	return memchr(a, '\0', VG_TIMELINE_HASH_HEX) != NULL &&
		memchr(b, '\0', VG_TIMELINE_HASH_HEX) != NULL &&
		strcmp(a, b) == 0;
}

enum vg_rc
vg_timeline_verify(const struct vg_timeline_entry *e, size_t n, size_t *bad,
		   struct vg_err *err)
{
	char want_prev[VG_TIMELINE_HASH_HEX], sum[VG_TIMELINE_HASH_HEX];
	struct vg_err ignored;
	size_t i;

	*bad = n;
	if (e == NULL && n > 0)
		return vg_err_set(err, VG_ERR_USAGE, "no timeline entries");
	vg_timeline_genesis(want_prev);
	for (i = 0; i < n; i++) {
		/* A gap in seq is a removed entry, a repeat a reordering. */
		if (e[i].seq != (int64_t)i + 1 ||
		    !hash_eq(e[i].prev, want_prev))
			break;
		/* A damaged stored prev is a mismatch, not an error. */
		if (vg_timeline_hash(&e[i], sum, &ignored) != VG_OK ||
		    !hash_eq(sum, e[i].hash))
			break;
		memcpy(want_prev, e[i].hash, sizeof(want_prev));
	}
	*bad = i;
	return VG_OK;
}
