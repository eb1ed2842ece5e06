/*
 * Credentials (see auth.h): random secrets and their SHA-256, argon2id
 * password hashes, and the role names. Everything cryptographic is
 * libsodium's; nothing here logs or keeps a secret.
 */
#include "util/common.h"

#include <sodium.h>
#include <string.h>

#include "web/auth.h"
#include "util/banned.h"

_Static_assert(VG_PWHASH_MAX >= crypto_pwhash_STRBYTES,
	       "VG_PWHASH_MAX holds an argon2id string");
_Static_assert(VG_HASH_HEX == crypto_hash_sha256_BYTES * 2 + 1,
	       "VG_HASH_HEX holds a SHA-256 in hex");

/* Bytes of entropy of a secret: 256 bits, so SHA-256 storage suffices. */
#define SECRET_BYTES 32
_Static_assert(VG_SECRET_HEX == SECRET_BYTES * 2 + 1,
	       "VG_SECRET_HEX holds a secret in hex");

/* Names as written in the store and on the command line, by role. */
static const char *const role_names[VG_ROLE_COUNT] = {
	[VG_ROLE_DIRECTION] = "direction",   [VG_ROLE_AUDITEUR] = "auditeur",
	[VG_ROLE_TECHNICIEN] = "technicien", [VG_ROLE_RSSI] = "rssi",
	[VG_ROLE_ADMIN] = "admin",
};

const char *
vg_role_name(enum vg_role r)
{
	if ((unsigned)r >= VG_ROLE_COUNT)
		return "?";
	return role_names[r];
}

bool
vg_role_parse(const char *name, enum vg_role *out)
{
	size_t i;

	if (name == NULL)
		return false;
	for (i = 0; i < VG_ROLE_COUNT; i++)
		if (strcmp(name, role_names[i]) == 0) {
			*out = (enum vg_role)i;
			return true;
		}
	return false;
}

enum vg_rc
vg_auth_init(struct vg_err *err)
{
	/* 0 first time, 1 when already done: both are fine. */
	if (sodium_init() < 0)
		return vg_err_set(err, VG_ERR_IO,
				  _("cannot initialise libsodium"));
	return VG_OK;
}

void
vg_secret_new(char out[VG_SECRET_HEX])
{
	unsigned char b[SECRET_BYTES];

	randombytes_buf(b, sizeof(b));
	(void)sodium_bin2hex(out, VG_SECRET_HEX, b, sizeof(b));
	sodium_memzero(b, sizeof(b));
}

void
vg_secret_hash(const char *s, char out[VG_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	(void)crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	(void)sodium_bin2hex(out, VG_HASH_HEX, h, sizeof(h));
}

bool
vg_hash_equal(const char *a, const char *b)
{
	size_t la, lb;

	/* The length of a hash is public (always 64); its bytes are not. */
	la = strnlen(a, VG_HASH_HEX);
	lb = strnlen(b, VG_HASH_HEX);
	if (la != lb || la == 0 || la >= VG_HASH_HEX)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

bool
vg_password_hash(const char *pw, char out[VG_PWHASH_MAX])
{
	/* argon2id, libsodium's default algorithm for crypto_pwhash_str. */
	return crypto_pwhash_str(out, pw, strlen(pw),
				 crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

bool
vg_password_verify(const char *hash, const char *pw)
{
	char h[crypto_pwhash_STRBYTES];
	size_t n;
	bool ok;

	/* libsodium reads a whole STRBYTES buffer: copy into one. */
	n = strnlen(hash, sizeof(h));
	if (n == 0 || n >= sizeof(h))
		return false;
	memset(h, 0, sizeof(h));
	memcpy(h, hash, n);
	ok = crypto_pwhash_str_verify(h, pw, strlen(pw)) == 0;
	sodium_memzero(h, sizeof(h));
	return ok;
}
