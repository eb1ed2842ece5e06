/*
 * The vulnerability data model (issue "Known vulnerabilities"), shared
 * by the feed parsers (vuln/feed.h), the store (its vulnerability
 * tables) and the matcher (vuln/match.h): what a feed says of a source
 * package in a release, the CISA KEV and FIRST EPSS signals, and what
 * the store hands back for matching.
 */
#ifndef VG_CORE_VULNS_H
#define VG_CORE_VULNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define VG_FEED_MAX_ID 64       /* a CVE / TEMP / advisory id */
#define VG_FEED_MAX_NAME 256    /* a package or release name */
#define VG_FEED_MAX_VERSION 256 /* a version string */
#define VG_FEED_MAX_TEXT 4096   /* a description, kept cut */

/* What a release's entry says of a source package and a vulnerability. */
enum vg_vuln_status {
	VG_VULN_FIXED = 0,    /* fixed in fixed_version: older is affected */
	VG_VULN_OPEN,         /* affected, no fix yet */
	VG_VULN_UNDETERMINED, /* the tracker does not know yet */
	VG_VULN_NOT_AFFECTED, /* never affected (fixed_version "0") */
	VG_VULN_END_OF_LIFE,  /* affected, no security support */
};

enum vg_urgency {
	VG_URG_UNKNOWN = 0, /* "not yet assigned", absent */
	VG_URG_UNIMPORTANT,
	VG_URG_LOW,
	VG_URG_MEDIUM,
	VG_URG_HIGH,
};

/*
 * One record: vulnerability id affects source package in release (a
 * Debian or Ubuntu codename: "bullseye", "jammy"; NULL when the feed is
 * release-independent, e.g. debsecan GENERIC). Strings are NUL-terminated,
 * valid for the call only, cut to the limits above.
 */
struct vg_vuln_rec {
	const char *id;      /* "CVE-2021-34798", "TEMP-0000000-1A2B3C" */
	const char *package; /* source package */
	const char *release; /* codename or NULL */
	enum vg_vuln_status status;
	const char *fixed_version; /* VG_VULN_FIXED: the first fixed version */
	/* OSV ranges: affected from introduced (NULL: from the first version)
	 * and up to last_affected inclusive when there is no fix. */
	const char *introduced;
	const char *last_affected;
	/* debsecan: versions known to carry the fix on some branch (its
	 * other_versions, space-separated), or NULL: see vg_vuln_affects. */
	const char *fixed_on_branches;
	enum vg_urgency urgency;
	bool remote;             /* exploitable remotely, when known */
	double cvss;             /* base score, or -1 when unknown */
	const char *description; /* or NULL */
	const char *source;      /* "debian-json", "debsecan", "osv" */
};

/* debsecan also enumerates known-good versions (other_versions): one
 * callback per version, for the exact-membership comparison test. */
struct vg_debsecan_extra {
	const char *unstable_fixed; /* "" when unfixed in sid */
	const char *const *other_versions;
	size_t n_other_versions;
	bool fix_in_release; /* flag F */
	char kind;           /* 'S' source, 'B' binary, ' ' unknown */
};

struct vg_kev_rec {
	const char *cve;
	const char *vendor, *product, *name;
	int64_t date_added, due_date; /* Unix times at 00:00 UTC, -1 unknown */
	bool ransomware;              /* knownRansomwareCampaignUse "Known" */
};

struct vg_epss_rec {
	const char *cve;
	double epss;       /* 0..1 */
	double percentile; /* 0..1 */
	const char *model; /* model_version from the header comment, or NULL */
};

/* Callbacks: anything but VG_OK stops the walk and is returned. */
typedef enum vg_rc (*vg_vuln_rec_fn)(void *ctx, const struct vg_vuln_rec *r);
typedef enum vg_rc (*vg_debsecan_fn)(void *ctx, const struct vg_vuln_rec *r,
				     const struct vg_debsecan_extra *x);
typedef enum vg_rc (*vg_kev_fn)(void *ctx, const struct vg_kev_rec *r);
typedef enum vg_rc (*vg_epss_fn)(void *ctx, const struct vg_epss_rec *r);
/* What the store knows of one vulnerability of one source package in
 * one release (or release-independent: release NULL in the feed). */
struct vg_vuln_entry {
	const char *id; /* CVE or TEMP id */
	enum vg_vuln_status status;
	const char *fixed_version; /* VG_VULN_FIXED */
	/* fixed_version's vg_dpkg_version_key (core/dpkg_version.h), or
	 * NULL: a store's packed entries carry it, so matching compares
	 * bytes. Lives as the strings do. */
	const unsigned char *fixed_key;
	size_t fixed_key_len;
	const char *introduced;        /* OSV: affected from (NULL: always) */
	const char *last_affected;     /* OSV: affected up to, inclusive */
	const char *fixed_on_branches; /* debsecan: space-separated or NULL */
	enum vg_urgency urgency;
	double cvss;            /* -1 unknown */
	bool kev;               /* in CISA's known-exploited catalogue */
	bool kev_ransomware;    /* ... known in ransomware campaigns */
	double epss;            /* -1 unknown */
	double epss_percentile; /* -1 unknown */
};

typedef enum vg_rc (*vg_vuln_entry_fn)(void *ctx,
				       const struct vg_vuln_entry *e);

/* Call fn for every entry of (release, package); release-independent
 * entries included. Strings live for the call. */
typedef enum vg_rc (*vg_vuln_lookup_fn)(void *ctx, const char *release,
					const char *package,
					vg_vuln_entry_fn fn, void *fn_ctx,
					struct vg_err *err);

#endif
