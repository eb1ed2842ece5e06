/*
 * apt.c's parsers, private to collect/ and shared with the unit tests and
 * the apt_lists fuzz target.
 */
#ifndef VG_COLLECT_APT_H
#define VG_COLLECT_APT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"
#include "util/err.h"

/* One stanza of a Packages file: byte ranges into the scanned buffer. */
struct vg_apt_stanza {
	const char *name;
	size_t name_len;
	const char *version;
	size_t version_len;
	const char *arch; /* "" when the stanza has no Architecture */
	size_t arch_len;
};

/*
 * Scan the Packages file in buf (name used in messages). want(ctx, name,
 * len) is asked as soon as the Package field is read, and a stanza not
 * wanted is skipped without looking at its other fields (a list holds
 * ~60,000 stanzas, a host a few thousand packages). found(ctx, stanza)
 * receives each wanted stanza that has a Package and a Version; an error
 * it returns stops the scan and is returned. Malformed stanzas are
 * warnings "file:line: ..." in f. Only out of memory is an error.
 */
enum vg_rc vg_apt_packages_scan(
	struct vg_facts *f, const char *name, const char *buf, size_t len,
	bool (*want)(void *ctx, const char *pkg, size_t n),
	enum vg_rc (*found)(void *ctx, const struct vg_apt_stanza *st),
	void *ctx);

/*
 * The same scan over a list that arrives in pieces of any size (from a
 * decompressor): a stanza cut by a piece boundary is carried over to
 * the next piece. A stanza that needs more than max_stanza bytes of
 * carry is skipped with a warning, so memory stays bounded. Warnings,
 * line numbers and calls are those of vg_apt_packages_scan over the
 * whole text. Caller frees with vg_apt_stream_free (NULL-safe).
 */
struct vg_apt_stream;
enum vg_rc vg_apt_stream_new(
	struct vg_apt_stream **out, struct vg_facts *f, const char *name,
	size_t max_stanza, bool (*want)(void *ctx, const char *pkg, size_t n),
	enum vg_rc (*found)(void *ctx, const struct vg_apt_stanza *st),
	void *ctx);
/* Scan what buf completes; an error of found() is returned. */
enum vg_rc vg_apt_stream_feed(struct vg_apt_stream *s, const char *buf,
			      size_t len);
/* The end of the text: scan the last stanza. */
enum vg_rc vg_apt_stream_finish(struct vg_apt_stream *s);
void vg_apt_stream_free(struct vg_apt_stream *s);

/*
 * decompress.c, streaming: compressed bytes are fed in pieces of any
 * size; decoded bytes go to sink(ctx, p, n) in chunks of at most 256
 * KiB as they come. The codec is chosen by name's suffix as for
 * vg_decompress (none: a copy). More than max decoded bytes in all is
 * VG_ERR_LIMIT, a corrupt stream VG_ERR_PARSE (a truncated one at
 * finish), an error of the sink is returned as is; err names the file.
 * After an error or finish the stream only refuses. Caller frees with
 * vg_decomp_free (NULL-safe).
 */
struct vg_decomp;
enum vg_rc vg_decomp_new(struct vg_decomp **out, const char *name, size_t max,
			 enum vg_rc (*sink)(void *ctx, const char *p, size_t n),
			 void *ctx, struct vg_err *err);
enum vg_rc vg_decomp_feed(struct vg_decomp *d, const void *in, size_t len,
			  struct vg_err *err);
enum vg_rc vg_decomp_finish(struct vg_decomp *d, struct vg_err *err);
void vg_decomp_free(struct vg_decomp *d);

/* What apt's Release / InRelease file says of one archive suite. */
struct vg_apt_release {
	const char *origin; /* strings owned by the facts' arena, or NULL */
	const char *label;
	const char *suite;
	const char *codename;
	bool not_automatic;          /* NotAutomatic: yes (experimental) */
	bool but_automatic_upgrades; /* ButAutomaticUpgrades: yes (backports) */
};

/*
 * Parse a Release file or a clear-signed InRelease (the PGP armor is
 * stripped, the signature is not checked: apt did). out is reset first.
 */
void vg_apt_release_parse(struct vg_facts *f, const char *name, const char *buf,
			  size_t len, struct vg_apt_release *out);

/*
 * True for a security suite: Suite or Codename ending in "-security" or
 * "/updates" (Debian <= 10), or Origin or Label containing "security".
 */
bool vg_apt_release_security(const struct vg_apt_release *r);

#endif
