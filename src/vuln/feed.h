/*
 * Vulnerability feeds (issue "Known vulnerabilities"): one parser per
 * format, each turning untrusted feed bytes into normalised records
 * handed to a callback, so the importer (store) never sees a format.
 *
 *   Debian security tracker JSON   vg_feed_debian_json    (feed_debian.c)
 *   debsecan "VERSION 1" (zlib)    vg_feed_debsecan       (feed_debsecan.c)
 *   OSV records, Debian and Ubuntu vg_feed_osv            (feed_osv.c)
 *   CISA KEV catalogue             vg_feed_kev            (feed_kev.c)
 *   FIRST EPSS CSV                 vg_feed_epss           (feed_epss.c)
 *
 * Parsers never abort and never print: an entry of an unexpected shape
 * (a release list instead of an object, a missing key, an unknown
 * status, a huge string) is reported through warn with its location
 * ("CVE-2021-1234/bullseye: unknown status 'foo'") and skipped; a file
 * that is not the format at all (bad header, not JSON, corrupt zlib) is
 * an error return (VG_ERR_PARSE) naming why. Memory stays bounded by the
 * limits below whatever the input; no record outlives its callback.
 *
 * See ../shared/reference/vulnerability-data.md for every format.
 */
#ifndef VG_VULN_FEED_H
#define VG_VULN_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vulns.h"
#include "util/err.h"

#define VG_FEED_MAX_WARNINGS 1000

/* Warnings: a located message (English, through _()). */
typedef void (*vg_feed_warn_fn)(void *ctx, const char *msg);

struct vg_feed_sink {
	vg_vuln_rec_fn rec; /* debian-json, osv */
	vg_debsecan_fn debsecan;
	vg_kev_fn kev;
	vg_epss_fn epss;
	vg_feed_warn_fn warn; /* may be NULL */
	void *ctx;
	size_t n_warnings; /* counted by the parsers; past
			    * VG_FEED_MAX_WARNINGS they stop calling warn */
};

/*
 * The tracker's JSON dump (tens of MB, one line): {src: {id: {"releases":
 * {codename: {status, fixed_version, urgency, ...}}, "scope", ...}}}.
 * Memory stays bounded: the top-level object is split into one source
 * package's member at a time (at most VG_FEED_MAX_PACKAGE_JSON bytes
 * each, a larger one is skipped with a warning), each parsed with
 * jansson and released before the next.
 */
#define VG_FEED_MAX_PACKAGE_JSON (64u << 20)
enum vg_rc vg_feed_debian_json(const char *buf, size_t len, const char *name,
			       struct vg_feed_sink *sink, struct vg_err *err);

/*
 * A debsecan feed, zlib-compressed as served (buf) or already inflated
 * (inflated true): "VERSION 1", vulnerability names, package rows, the
 * source-to-binary map. release names the file's release ("bullseye"),
 * or NULL for GENERIC. Inflated size capped by VG_FEED_MAX_INFLATED.
 */
#define VG_FEED_MAX_INFLATED (512u << 20)
enum vg_rc vg_feed_debsecan(const char *buf, size_t len, bool inflated,
			    const char *release, const char *name,
			    struct vg_feed_sink *sink, struct vg_err *err);

/*
 * One OSV record (JSON): each affected entry of ecosystem "Debian:N" or
 * "Ubuntu:YY.MM[:LTS]" / "Ubuntu:Pro:YY.MM:LTS" gives one record per
 * ECOSYSTEM range (release mapped to its codename with
 * vg_release_codename), id the CVE when the record's id is not one (from
 * aliases or upstream). Other ecosystems are ignored silently.
 */
enum vg_rc vg_feed_osv(const char *buf, size_t len, const char *name,
		       struct vg_feed_sink *sink, struct vg_err *err);

/* The codename of "Debian:11" ("bullseye"), "Ubuntu:22.04:LTS" ("jammy"),
 * or NULL when unknown (a table in feed_osv.c). */
const char *vg_release_codename(const char *ecosystem);

/* The CISA KEV catalogue JSON. */
enum vg_rc vg_feed_kev(const char *buf, size_t len, const char *name,
		       struct vg_feed_sink *sink, struct vg_err *err);

/* The FIRST EPSS CSV (after gunzip; "#model_version:..." comment line). */
enum vg_rc vg_feed_epss(const char *buf, size_t len, const char *name,
			struct vg_feed_sink *sink, struct vg_err *err);

/* "CVE-YYYY-NNNN..." as CISA's schema has it: 4 digits, then 4 to 19. */
bool vg_feed_is_cve(const char *s);

/*
 * The shape of a decimal number in a feed: a CVSS score ("7.5") or an
 * EPSS probability ("0.03351", "4e-05"). A digit limit of 0 is none.
 */
struct vg_feed_decimal {
	double max;        /* largest value taken (the least is 0) */
	size_t max_int;    /* digits before the '.' */
	size_t max_digits; /* digits in all, before and after the '.' */
	bool exponent;     /* "e-05" / "E+2" taken (at most 3 digits) */
};

/*
 * s, all of it, as such a number into *out, read without the locale
 * (strtod follows LC_NUMERIC, which vigie takes from the environment,
 * and a French one wants "0,03351"): false, *out untouched, when it is
 * not one or lies outside 0..max.
 */
bool vg_feed_parse_decimal(const char *s, const struct vg_feed_decimal *fmt,
			   double *out);

/* Report a warning through sink (printf-style; counted and capped). */
void vg_feed_warn(struct vg_feed_sink *sink, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
