/*
 * Sections by reference (core/sections.h): names, digests, and the
 * reference object, parsed as untrusted input.
 */
#include "util/common.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/sections.h"
#include "util/banned.h"

static const char *const section_names[VG_SECTION_COUNT] = {
	[VG_SECTION_PACKAGES] = "packages",
	[VG_SECTION_UPGRADES] = "upgrades",
	[VG_SECTION_ACCOUNTS] = "accounts",
	[VG_SECTION_GROUPS] = "groups",
	[VG_SECTION_VULNS] = "vulnerable_packages",
};

const char *
vg_section_name(enum vg_section s)
{
	return (unsigned)s < VG_SECTION_COUNT ? section_names[s] : NULL;
}

int
vg_section_find(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < VG_SECTION_COUNT; i++)
		if (strcmp(name, section_names[i]) == 0)
			return i;
	return -1;
}

void
vg_section_digest(const void *text, size_t len, char out[VG_SECTION_DIGEST_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[32];
	size_t i;

	/* BLAKE2b: about twice SHA-256's speed in libsodium, and the
	 * server hashes every full section it receives. */
	(void)crypto_generichash(h, sizeof(h), text, len, NULL, 0);
	memcpy(out, VG_SECTION_PREFIX, VG_SECTION_PREFIX_LEN);
	for (i = 0; i < sizeof(h); i++) {
		out[VG_SECTION_PREFIX_LEN + 2 * i] = hex[h[i] >> 4];
		out[VG_SECTION_PREFIX_LEN + 2 * i + 1] = hex[h[i] & 15];
	}
	out[VG_SECTION_DIGEST_LEN] = '\0';
}

bool
vg_section_digest_valid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != VG_SECTION_DIGEST_LEN ||
	    memcmp(s, VG_SECTION_PREFIX, VG_SECTION_PREFIX_LEN) != 0)
		return false;
	for (i = VG_SECTION_PREFIX_LEN; i < VG_SECTION_DIGEST_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool
vg_section_is_ref(const json_t *v)
{
	return json_is_object(v) &&
		json_object_get(v, VG_SECTION_REF_KEY) != NULL;
}

bool
vg_section_ref_get(const json_t *v, char out[VG_SECTION_DIGEST_MAX])
{
	const json_t *d;

	out[0] = '\0';
	if (!json_is_object(v) || json_object_size(v) != 1 ||
	    !json_is_string(d = json_object_get(v, VG_SECTION_REF_KEY)) ||
	    /* A NUL inside the string would pass strlen's check. */
	    json_string_length(d) != VG_SECTION_DIGEST_LEN ||
	    !vg_section_digest_valid(json_string_value(d)))
		return false;
	memcpy(out, json_string_value(d), VG_SECTION_DIGEST_MAX);
	return true;
}

void
vg_section_ref_text(const char *digest, char out[VG_SECTION_REF_TEXT_MAX])
{
	(void)snprintf(out, VG_SECTION_REF_TEXT_MAX,
		       "{\"" VG_SECTION_REF_KEY "\":\"%s\"}", digest);
}
