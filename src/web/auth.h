/*
 * Credentials of the server: random secrets, their hashes, passwords.
 * Random secrets (enrolment tokens, agent secrets, API keys) have 256
 * bits of entropy, so a SHA-256 of them is enough to store and a lookup
 * stays fast under load; user passwords are argon2id (libsodium).
 * Callers wipe secrets with sodium_memzero once used.
 */
#ifndef VG_WEB_AUTH_H
#define VG_WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define VG_SECRET_HEX 65 /* 32 random bytes as hex, plus NUL */
#define VG_HASH_HEX 65	 /* SHA-256 as hex, plus NUL */
#define VG_PWHASH_MAX 128

/* Roles, least to most privileged; a route names its minimum. */
enum vg_role {
	VG_ROLE_DIRECTION,  /* dashboard and scores only */
	VG_ROLE_AUDITEUR,   /* read-only */
	VG_ROLE_TECHNICIEN, /* assets and findings, no risk acceptance */
	VG_ROLE_RSSI,	    /* all but users */
	VG_ROLE_ADMIN,	    /* users, tokens, policy */
	VG_ROLE_COUNT
};

const char *vg_role_name(enum vg_role r);
bool vg_role_parse(const char *name, enum vg_role *out);

/* Initialise libsodium; VG_ERR_IO when it cannot. Call once at start. */
enum vg_rc vg_auth_init(struct vg_err *err);

/* A new random secret, as hex. */
void vg_secret_new(char out[VG_SECRET_HEX]);
/* SHA-256 of s, as hex. */
void vg_secret_hash(const char *s, char out[VG_HASH_HEX]);
/* Constant-time comparison of two hex hashes. */
bool vg_hash_equal(const char *a, const char *b);

/* argon2id (interactive limits) of a password; false on no memory. */
bool vg_password_hash(const char *pw, char out[VG_PWHASH_MAX]);
bool vg_password_verify(const char *hash, const char *pw);

#endif
