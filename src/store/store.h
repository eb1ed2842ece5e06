/*
 * The store: where scans (facts, findings, scores) are recorded. One
 * interface, several backends (an operation table); SQL lives only in the
 * backends.
 */
#ifndef VG_STORE_STORE_H
#define VG_STORE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/assets.h"
#include "core/facts.h"
#include "core/report.h"
#include "core/sections.h"
#include "core/timeline.h"
#include "core/vulns.h"
#include "respond/incident.h"
#include "util/err.h"

struct vg_store;
struct vg_policy;
struct vg_facts;

/*
 * A step run on each host's decoded facts before rejudge judges them.
 * packages_ref: the digest of the host's package set when the store
 * keeps it apart (core/sections.h), else NULL; hosts with one digest
 * come one after another, so what the step derives from the packages
 * alone can be kept for the next host.
 */
typedef enum vg_rc (*vg_rejudge_hook)(void *ctx, struct vg_facts *f,
				      const char *packages_ref,
				      struct vg_err *err);

/*
 * A feed import's state, recorded with its data (vuln_import_end):
 * source as given to vuln_import_begin; location the file or URL read;
 * etag and last_modified the HTTP validators of a download (NULL for a
 * file), sent back on the next download of the same URL.
 */
struct vg_vuln_feed_meta {
	const char *source, *location, *etag, *last_modified;
	size_t records, warnings;
};

/* A scan as listed by vg_store_list_scans. */
struct vg_scan_summary {
	int64_t id;
	int64_t at;     /* facts' collected_at */
	char host[256]; /* hostname */
	int scores[VG_RULE_COUNT + 1];
	int overall;
	size_t n_findings;
};

/*
 * Server-side records (`vigie serve`). Secrets never reach the store:
 * callers pass hashes (argon2id strings for passwords, SHA-256 hex for
 * random tokens and agent/API secrets, see web/auth.h).
 */
#define VG_STORE_NAME_MAX 128
_Static_assert(VG_ASSET_TEXT_MAX < VG_STORE_NAME_MAX,
	       "a declared asset's text fits a stored name");
#define VG_STORE_HASH_MAX 256
#define VG_STORE_ID_MAX 40 /* a UUID, 36 characters */

struct vg_user_rec {
	int64_t id;
	char name[VG_STORE_NAME_MAX];
	char role[32]; /* "admin", "rssi", "technicien", "auditeur", ... */
	char pwhash[VG_STORE_HASH_MAX];
	int64_t created_at;
};

struct vg_agent_rec {
	char id[VG_STORE_ID_MAX]; /* UUID given at enrolment */
	char site[VG_STORE_NAME_MAX];
	char hostname[VG_STORE_NAME_MAX]; /* as declared at enrolment */
	char secret_hash[VG_STORE_HASH_MAX];
	int64_t enrolled_at;
	int64_t last_seen; /* last accepted report, 0 never */
};

struct vg_apikey_rec {
	char id[VG_STORE_ID_MAX];
	char role[32];
	char secret_hash[VG_STORE_HASH_MAX];
	int64_t created_at;
};

/* A console session (cookie), joined with its user. */
struct vg_session_rec {
	int64_t user_id;
	char user[VG_STORE_NAME_MAX];
	char role[32];
	char csrf[VG_STORE_HASH_MAX]; /* the session's CSRF token */
	int64_t expires_at;
};

/* Filters of the read API; NULL strings and -1 numbers mean "any". */
struct vg_asset_filter {
	const char *site;
	const char *category;
	/* substring of hostname, device name, site or owner */
	const char *search;
	int min_score; /* overall, 0-100, or -1 */
	int max_score;
	size_t offset, limit; /* limit 1-500 */
	/* "host" (an enrolled or scanned host), "device" (a network
	 * device recorded by vigie discover) or NULL: any. */
	const char *kind;
	/* 1: only assets with an open (not accepted)
	 * inventory.unmanaged_device finding in their latest scan; 0: any. */
	int unmanaged;
	/* Substring of a network device's vendor (its latest facts'),
	 * ASCII case-insensitive; only devices match. NULL or "": any. */
	const char *vendor;
};

struct vg_finding_filter {
	int64_t asset_id; /* 0: any */
	int rule;         /* 1-10, 0: any */
	const char *check;
	const char *severity; /* "low"..."critical" */
	const char *status;   /* "open", "accepted", "fixed" */
	const char *site;
	size_t offset, limit; /* limit 1-500 */
};

/*
 * One device of a sensor's report for put_devices: fill f and r
 * (initialised by the store) with device i's facts and their
 * judgement. VG_OK, or an error (err set) that abandons the report.
 */
typedef enum vg_rc (*vg_store_device_fn)(void *ctx, size_t i,
					 struct vg_facts *f,
					 struct vg_report *r,
					 struct vg_err *err);

/* Filters of the vulnerability pages; NULL and 0 mean "any". */
struct vg_vuln_filter {
	const char *group; /* "cve", "package" or "host" */
	const char *cve;   /* exact id */
	const char *package;
	int64_t asset_id;
	bool kev_only;
	const char *search;   /* substring of a CVE id or package name */
	size_t offset, limit; /* limit 1-500 */
};

/*
 * The big members of a report's facts, stored apart by digest
 * (core/sections.h, docs/internals/agent-protocol.md). In: known[i],
 * the digest of member i when the agent sent it by reference (f holds
 * its content, which the server read with section_get), else NULL.
 * Out: digest[i], the digest member i is stored under ("" when the
 * backend does not store members apart).
 */
struct vg_report_sections {
	const char *known[VG_SECTION_COUNT];
	char digest[VG_SECTION_COUNT][VG_SECTION_DIGEST_MAX];
};

/*
 * An agent's report for group commit: made ready by report_prepare
 * (serialised, compressed: outside any transaction, on any thread's
 * store), then recorded with others in one transaction by
 * reports_commit (on one store), then released. In: the put_report
 * arguments (sec may be NULL: facts stored whole). Out: rc and err
 * (this report's outcome), duplicate.
 */
struct vg_store_pending;
struct vg_report_item {
	const char *agent_id, *uuid;
	int64_t received_at;
	const struct vg_facts *f;
	const struct vg_report *r;
	struct vg_report_sections *sec;
	bool duplicate;
	enum vg_rc rc;
	struct vg_err err;
	struct vg_store_pending *p; /* the backend's, until released */
};

struct vg_store_ops {
	const char *name;
	/* Record facts and their report; *scan_id gets the new scan's id. */
	enum vg_rc (*put_scan)(struct vg_store *s, const struct vg_facts *f,
			       const struct vg_report *r, int64_t *scan_id,
			       struct vg_err *err);
	/* Newest first, at most max; caller frees *out with free(). */
	enum vg_rc (*list_scans)(struct vg_store *s, size_t max,
				 struct vg_scan_summary **out, size_t *n,
				 struct vg_err *err);
	/* The newest scan's facts and report as stored (JSON: {"facts",
	 * "findings", "not_evaluated", "scores", "id"}); VG_ERR_NOTFOUND when
	 * the store holds no scan. Caller decrefs *out. */
	enum vg_rc (*last_scan)(struct vg_store *s, json_t **out,
				struct vg_err *err);

	/* Users: VG_ERR_USAGE when the name exists; NOTFOUND on get. */
	enum vg_rc (*user_add)(struct vg_store *s, const struct vg_user_rec *u,
			       struct vg_err *err);
	enum vg_rc (*user_get)(struct vg_store *s, const char *name,
			       struct vg_user_rec *out, struct vg_err *err);
	/* One-time enrolment tokens, by hash. consume marks the token used
	 * in the same transaction that reads it; an unknown, used or expired
	 * (expires_at <= now) token is VG_ERR_NOTFOUND. */
	enum vg_rc (*token_add)(struct vg_store *s, const char *token_hash,
				const char *site, int64_t expires_at,
				struct vg_err *err);
	enum vg_rc (*token_consume)(struct vg_store *s, const char *token_hash,
				    int64_t now, char site[VG_STORE_NAME_MAX],
				    struct vg_err *err);
	/* Agents and API keys: VG_ERR_USAGE on a duplicate id. */
	enum vg_rc (*agent_add)(struct vg_store *s,
				const struct vg_agent_rec *a,
				struct vg_err *err);
	enum vg_rc (*agent_get)(struct vg_store *s, const char *id,
				struct vg_agent_rec *out, struct vg_err *err);
	enum vg_rc (*apikey_add)(struct vg_store *s,
				 const struct vg_apikey_rec *k,
				 struct vg_err *err);
	enum vg_rc (*apikey_get)(struct vg_store *s, const char *id,
				 struct vg_apikey_rec *out, struct vg_err *err);
	/*
	 * Record an agent's report: its facts and their judgement as a scan
	 * of the agent's host, the report's UUID and the agent's last_seen,
	 * in one transaction. A UUID already stored is not stored again:
	 * *duplicate is set and VG_OK returned, so a resend is harmless.
	 */
	enum vg_rc (*put_report)(struct vg_store *s, const char *agent_id,
				 const char *uuid, int64_t received_at,
				 const struct vg_facts *f,
				 const struct vg_report *r, bool *duplicate,
				 struct vg_err *err);
	/*
	 * put_report with the facts' big members stored apart, once per
	 * digest (sec: see struct vg_report_sections). VG_ERR_NOTFOUND,
	 * nothing stored, when a known digest is not (or no longer) in
	 * the store. Optional (NULL: put_report is used, nothing is
	 * stored apart).
	 */
	enum vg_rc (*put_report_sections)(struct vg_store *s,
					  const char *agent_id,
					  const char *uuid, int64_t received_at,
					  const struct vg_facts *f,
					  const struct vg_report *r,
					  struct vg_report_sections *sec,
					  bool *duplicate, struct vg_err *err);
	/*
	 * Group commit (struct vg_report_item). Optional, all three or
	 * none (the wrappers then record each report with
	 * put_report_sections). reports_commit returns the transaction's
	 * failure, if any (every report then failed with it); each
	 * report's outcome is in its item.
	 */
	enum vg_rc (*report_prepare)(struct vg_store *s,
				     struct vg_report_item *it);
	enum vg_rc (*reports_commit)(struct vg_store *s,
				     struct vg_report_item **v, size_t n,
				     struct vg_err *err);
	void (*report_release)(struct vg_report_item *it);
	/*
	 * A member stored apart, by digest, as JSON (caller decrefs);
	 * VG_ERR_NOTFOUND when unknown (or the backend stores none:
	 * optional, NULL).
	 */
	enum vg_rc (*section_get)(struct vg_store *s, const char *digest,
				  json_t **out, struct vg_err *err);
	/*
	 * Record a sensor's report (POST /api/v1/devices): n network
	 * devices, each as a scan of the host of kind "device" named by its
	 * f->device.key, the report's UUID and the agent's last_seen, in one
	 * transaction: all or nothing. Device i comes from next(ctx, i, f,
	 * r, err), called once per device, in order, inside the
	 * transaction, on facts and a report the store initialised and
	 * releases once recorded: one device is in memory at a time, so a
	 * large report costs no more than its body. A UUID already stored
	 * is not stored again: *duplicate is set, VG_OK returned and next
	 * never called. What next returns other than VG_OK (err set by it)
	 * rolls back and is returned. VG_ERR_USAGE for facts that are not
	 * a device's, or whose key names a host of another kind.
	 */
	enum vg_rc (*put_devices)(struct vg_store *s, const char *agent_id,
				  const char *uuid, int64_t received_at,
				  size_t n, vg_store_device_fn next, void *ctx,
				  bool *duplicate, struct vg_err *err);
	/*
	 * What the establishment knows, for a device's managed_by
	 * (discover/devices.h, struct vg_known_asset): a new JSON array
	 * (caller decrefs) of {"kind", "name", "mac", "ip"}, kind "asset"
	 * for every declared asset (its name, MAC and address, absent ones
	 * null) then "host" for every host of kind host (its host name,
	 * mac and ip null). Devices are not listed: a device recorded
	 * earlier is an asset, not a management.
	 */
	enum vg_rc (*known_assets)(struct vg_store *s, json_t **out,
				   struct vg_err *err);
	/* The audit log: who did what (logins, tokens, acceptances). */
	enum vg_rc (*audit_add)(struct vg_store *s, int64_t at,
				const char *actor, const char *action,
				const char *detail, struct vg_err *err);

	/*
	 * Read side of the server (the API and the console). Each answers a
	 * new JSON object (caller decrefs); the shapes are in
	 * docs/internals/store-queries.md. An asset is a host; its findings
	 * are those of its latest scan, with a status ("open", or "accepted"
	 * while an acceptance is in force) and first/last seen times;
	 * "fixed" ones were in the previous scan and are not in the latest.
	 */
	enum vg_rc (*list_assets)(struct vg_store *s,
				  const struct vg_asset_filter *flt,
				  json_t **out, struct vg_err *err);
	enum vg_rc (*get_asset)(struct vg_store *s, int64_t id, int64_t now,
				json_t **out, struct vg_err *err);
	enum vg_rc (*list_findings)(struct vg_store *s,
				    const struct vg_finding_filter *flt,
				    int64_t now, json_t **out,
				    struct vg_err *err);
	/* Accept the risk of a finding (by its id) until a date: it stays
	 * accepted in later scans of the same host while until > now. */
	enum vg_rc (*accept_finding)(struct vg_store *s, int64_t finding_id,
				     const char *reason, int64_t until,
				     const char *by, int64_t now,
				     struct vg_err *err);
	enum vg_rc (*scores)(struct vg_store *s, int64_t now, int64_t since,
			     json_t **out, struct vg_err *err);
	/* Counters for /metrics. */
	enum vg_rc (*counts)(struct vg_store *s, json_t **out,
			     struct vg_err *err);
	/* Console sessions, by the SHA-256 of the cookie. get answers
	 * NOTFOUND for an unknown or expired session. */
	enum vg_rc (*session_add)(struct vg_store *s, const char *hash,
				  int64_t user_id, const char *csrf,
				  int64_t expires_at, struct vg_err *err);
	enum vg_rc (*session_get)(struct vg_store *s, const char *hash,
				  int64_t now, struct vg_session_rec *out,
				  struct vg_err *err);
	enum vg_rc (*session_delete)(struct vg_store *s, const char *hash,
				     struct vg_err *err);
	/*
	 * Judge every host's latest scan again under p (a policy reloaded
	 * on SIGHUP, new feeds): its stored facts are decoded and
	 * evaluated, and the scan's findings, not-evaluated checks,
	 * scores, summary and the daily roll-up replaced, a few dozen
	 * hosts per short write transaction, so the server goes on
	 * serving meanwhile (call it on a store of its own, from a thread
	 * of its own). A finding kept keeps its id,
	 * first_seen and acceptance; the host's previous scan's fixed
	 * findings are worked out again. A host that gets a new scan while
	 * this runs is left as that scan made it. A host whose facts cannot
	 * be read (damaged) is skipped, not an error. *n_hosts: hosts
	 * re-judged. now is unused by the SQLite store (rules take "now"
	 * from the facts) but kept for backends that stamp changes.
	 * hook (may be NULL) is called with hook_ctx on each host's
	 * decoded facts before they are judged (the server re-matches
	 * them against the known vulnerabilities: vg_vuln_match); what it
	 * returns other than VG_OK stops the re-judging and is returned.
	 * The stored facts are left as they were. A host whose new
	 * judgement is the stored one is counted but nothing is written.
	 * Only part (of parts) of the hosts is judged, so parts threads,
	 * each with a store of its own, share the work: the hosts of one
	 * package set fall in one part.
	 */
	enum vg_rc (*rejudge)(struct vg_store *s, const struct vg_policy *p,
			      int64_t now, vg_rejudge_hook hook, void *hook_ctx,
			      unsigned part, unsigned parts, size_t *n_hosts,
			      struct vg_err *err);

	/*
	 * Declared assets. import records the n declarations (each meeting
	 * vg_asset_decl_check, names distinct) in one transaction: all or
	 * none. A name already stored is updated (every field replaced),
	 * others added; each row's imported_at is now. *added and *updated
	 * count them (0 on failure). VG_ERR_USAGE for a declaration out of
	 * contract (nothing written).
	 */
	enum vg_rc (*assets_import)(struct vg_store *s,
				    const struct vg_declared_asset *a, size_t n,
				    int64_t now, size_t *added, size_t *updated,
				    struct vg_err *err);
	/* Every declared asset, by name: a new JSON array (caller decrefs)
	 * of {"id", "name", "mac", "ip", "category", "owner", "site",
	 * "criticality", "imported_at"}, absent values null. */
	enum vg_rc (*assets_list)(struct vg_store *s, json_t **out,
				  struct vg_err *err);

	/*
	 * Known vulnerabilities (issue "Known vulnerabilities"). A feed is
	 * imported as a whole, atomically: vuln_import_begin opens a write
	 * transaction and deletes the previous rows of source ("kev" and
	 * "epss": the whole kev or epss table; "debian-json", "osv",
	 * "debsecan-<release>" or "debsecan-generic": the vulns rows of
	 * that source), then one call per record (rec for the vulns
	 * sources, kev and epss for theirs: another is VG_ERR_USAGE), then
	 * vuln_import_end commits with meta recorded as the feed's state,
	 * or (commit false, or a failure) rolls back: the previous data
	 * stays in use, as after a crash. One import at a time per store;
	 * a store closed mid-import rolls it back. VG_ERR_USAGE for an
	 * unknown source, a record without id or package, a call out of
	 * order.
	 */
	enum vg_rc (*vuln_import_begin)(struct vg_store *s, const char *source,
					struct vg_err *err);
	enum vg_rc (*vuln_import_rec)(struct vg_store *s,
				      const struct vg_vuln_rec *r,
				      struct vg_err *err);
	enum vg_rc (*vuln_import_kev)(struct vg_store *s,
				      const struct vg_kev_rec *r,
				      struct vg_err *err);
	enum vg_rc (*vuln_import_epss)(struct vg_store *s,
				       const struct vg_epss_rec *r,
				       struct vg_err *err);
	enum vg_rc (*vuln_import_end)(struct vg_store *s, bool commit,
				      const struct vg_vuln_feed_meta *meta,
				      struct vg_err *err);
	/*
	 * fn for every entry of package in release, then for every
	 * release-independent one (release NULL in its feed; only those
	 * when release is NULL), each with its CVE's KEV and EPSS signals.
	 * Strings live for the call. What fn returns other than VG_OK stops
	 * the walk and is returned. It runs once per installed source
	 * package: SQLite reads two packed rows (migration 15), a damaged
	 * one failing the lookup with VG_ERR_PARSE.
	 */
	enum vg_rc (*vuln_lookup)(struct vg_store *s, const char *release,
				  const char *package, vg_vuln_entry_fn fn,
				  void *ctx, struct vg_err *err);
	/* The feeds' state: a new JSON array (caller decrefs), by source,
	 * of {"source", "location", "etag", "last_modified",
	 * "imported_at", "records", "warnings"}, absent values null. */
	enum vg_rc (*vuln_feeds)(struct vg_store *s, json_t **out,
				 struct vg_err *err);
	/*
	 * Hold one read snapshot from vuln_read(s, true) to
	 * vuln_read(s, false): the lookups between see one state of the
	 * feeds, and SQLite takes its locks once instead of per lookup (a
	 * fifth of `vuln check`'s 3,000 lookups went to fcntl and fstat).
	 * VG_ERR_USAGE during an import. Optional: a store without it
	 * reads as before.
	 */
	enum vg_rc (*vuln_read)(struct vg_store *s, bool begin,
				struct vg_err *err);

	/*
	 * Devices merged over time (issue 4): the facts of the latest scan
	 * of the device host (kind 'device') named key, decoded as the
	 * untrusted document it is into out (initialised by the caller,
	 * which releases it whatever the answer). VG_ERR_NOTFOUND when no
	 * such device was recorded; VG_ERR_PARSE when its stored facts are
	 * damaged.
	 */
	enum vg_rc (*device_facts)(struct vg_store *s, const char *key,
				   struct vg_facts *out, struct vg_err *err);

	/*
	 * Incidents (issue "Incident response", sqlite_incidents.c). Every
	 * change appends to the incident's timeline in the same write
	 * transaction, chained by core/timeline.h: the store computes seq,
	 * prev and hash itself, reading the last entry inside that
	 * transaction, so concurrent appenders cannot fork the chain.
	 *
	 * incident_open: inc checked by the caller (vg_incident_check);
	 * assets are host names (hosts.hostname, as in the assets list),
	 * n at most VG_INCIDENT_MAX_ASSETS, each one known
	 * (VG_ERR_NOTFOUND naming the first unknown, nothing stored);
	 * appends "opened" with the fields as detail. *id the new id.
	 */
	enum vg_rc (*incident_open)(struct vg_store *s,
				    const struct vg_incident *inc,
				    const char *const *assets, size_t n,
				    const char *actor, int64_t now, int64_t *id,
				    struct vg_err *err);
	/*
	 * Replace incident inc->id's fields by inc's (id, opened_at kept):
	 * appends kind ("status", "reported" or "closed") with detail, a
	 * JSON object of the fields that changed ({"field": [old, new]}),
	 * computed by the store; no entry and VG_OK when nothing changed.
	 * VG_ERR_NOTFOUND for an unknown id.
	 */
	enum vg_rc (*incident_update)(struct vg_store *s,
				      const struct vg_incident *inc,
				      const char *kind, const char *actor,
				      int64_t now, struct vg_err *err);
	/* Append one entry (kind and detail, a JSON object's text, as in
	 * core/timeline.h); *seq its number. VG_ERR_NOTFOUND for an
	 * unknown incident, VG_ERR_USAGE for a detail that is not a JSON
	 * object or is over VG_TIMELINE_DETAIL_MAX. */
	enum vg_rc (*timeline_append)(struct vg_store *s, int64_t incident_id,
				      int64_t at, const char *actor,
				      const char *kind, const char *detail,
				      int64_t *seq, struct vg_err *err);
	/*
	 * One incident as a new JSON object (caller decrefs): its fields
	 * (names of struct vg_incident; enums by their stable names; times
	 * as Unix seconds, 0 unknown; strings null when absent), "assets"
	 * [{"host_id", "name", "agent_id" (null: no agent)}], "timeline"
	 * [{"seq", "at", "actor", "kind", "detail" (the JSON object),
	 * "detail_text" (as stored, for verify), "prev", "hash"}] in seq
	 * order, "tasks" (as tasks_list). VG_ERR_NOTFOUND for an unknown
	 * id.
	 */
	enum vg_rc (*incident_get)(struct vg_store *s, int64_t id, json_t **out,
				   struct vg_err *err);
	/* Incidents newest first, a JSON array of their fields and
	 * "assets" (names only), without timeline; status NULL: any, else
	 * "open", "contained", "recovered", "closed" or "active" (any but
	 * closed). */
	enum vg_rc (*incident_list)(struct vg_store *s, const char *status,
				    json_t **out, struct vg_err *err);
	/* The not-closed incidents naming host name among their assets, a
	 * JSON array of their fields (for R10's report_overdue). */
	enum vg_rc (*incidents_for_host)(struct vg_store *s, const char *name,
					 json_t **out, struct vg_err *err);

	/*
	 * Agent tasks (isolation, sqlite_tasks.c). A task is queued for the
	 * agent of host name (VG_ERR_NOTFOUND when the host has none) on
	 * behalf of an incident; kind "isolate" or "release"; payload a
	 * JSON object's text. States: "pending" (queued), "delivered" (the
	 * agent fetched it), "confirmed", "failed" (with the agent's
	 * reason). task_add appends kind to the incident's timeline
	 * ({"task", "host"}) in the same transaction.
	 */
	enum vg_rc (*task_add)(struct vg_store *s, int64_t incident_id,
			       const char *host, const char *kind,
			       const char *payload, const char *actor,
			       int64_t now, int64_t *task_id,
			       struct vg_err *err);
	/* The agent's tasks not yet answered (pending or delivered), oldest
	 * first, marked delivered: a JSON array of {"id", "kind",
	 * "incident_id", "payload" (object), "created_at"}. An agent that
	 * restarts before answering gets them again. */
	enum vg_rc (*task_fetch)(struct vg_store *s, const char *agent_id,
				 int64_t now, json_t **out, struct vg_err *err);
	/* The agent's answer: state "confirmed" or "failed", detail a short
	 * text (the failure's reason). Only the task's own agent may answer
	 * (VG_ERR_NOTFOUND otherwise, as for an unknown id); appends "task"
	 * ({"task", "kind", "host", "state", "detail"}) to the incident's
	 * timeline. An answer to a task already answered is VG_ERR_USAGE. */
	enum vg_rc (*task_result)(struct vg_store *s, int64_t task_id,
				  const char *agent_id, const char *state,
				  const char *detail, int64_t now,
				  struct vg_err *err);
	/* Tasks newest first: of an incident (incident_id > 0) or all
	 * (0), a JSON array of {"id", "incident_id", "host", "agent_id",
	 * "kind", "state", "detail", "created_at", "delivered_at",
	 * "answered_at"}, absent values null. */
	enum vg_rc (*tasks_list)(struct vg_store *s, int64_t incident_id,
				 json_t **out, struct vg_err *err);
	/*
	 * A volatile evidence snapshot the agent sent for task_id before
	 * applying it (processes, connections, users: a JSON document of
	 * len bytes, kept as received, compressed or not as the backend
	 * likes): only the task's own agent may send it (VG_ERR_NOTFOUND
	 * otherwise). Appends "evidence" ({"task", "host", "evidence"
	 * (its id), "bytes", "blake2b" (hex of the body), and summary's
	 * members: counts the caller took from the document}) to the
	 * incident's timeline, so the chain vouches for the body.
	 */
	enum vg_rc (*evidence_add)(struct vg_store *s, int64_t task_id,
				   const char *agent_id, const void *body,
				   size_t len, const json_t *summary,
				   int64_t now, int64_t *evidence_id,
				   struct vg_err *err);
	/* The body of evidence id as received (caller frees *body), and
	 * its task. VG_ERR_NOTFOUND for an unknown id. */
	enum vg_rc (*evidence_get)(struct vg_store *s, int64_t id, void **body,
				   size_t *len, int64_t *task_id,
				   struct vg_err *err);
	/* The highest task id (0 when none): the server's long-poll wakes
	 * the agents waiting when it grows. */
	enum vg_rc (*tasks_last_id)(struct vg_store *s, int64_t *id,
				    struct vg_err *err);

	/*
	 * Known vulnerabilities as the console shows them (issue "Known
	 * vulnerabilities", sqlite_vuln_query.c), read from the latest
	 * scans' open updates.vulnerable_package findings. Shapes in
	 * docs/internals/store-queries.md. vuln_summary: the dashboard's
	 * counts. vuln_list: by "cve", "package" or "host" (group), with
	 * filters (NULL: any) and paging; vuln_cve: one CVE's detail.
	 */
	enum vg_rc (*vuln_summary)(struct vg_store *s, json_t **out,
				   struct vg_err *err);
	enum vg_rc (*vuln_list)(struct vg_store *s,
				const struct vg_vuln_filter *flt, json_t **out,
				struct vg_err *err);
	enum vg_rc (*vuln_cve)(struct vg_store *s, const char *cve,
			       json_t **out, struct vg_err *err);

	void (*close)(struct vg_store *s);
};

struct vg_store {
	const struct vg_store_ops *ops;
	void *impl;
};

/*
 * Open (creating, migrating) the SQLite store at path. A store is used by
 * one thread at a time: open one per thread (writers on separate
 * connections are serialised by SQLite).
 */
enum vg_rc vg_store_open_sqlite(struct vg_store **out, const char *path,
				struct vg_err *err);
/*
 * Open the existing SQLite store at path only to read it: a write fails.
 * Quicker than vg_store_open_sqlite (no migration to check, none of the
 * TEMP triggers a writer makes); a store of an older schema is opened by
 * vg_store_open_sqlite instead, which migrates it.
 */
enum vg_rc vg_store_open_sqlite_read(struct vg_store **out, const char *path,
				     struct vg_err *err);
/* A store held in memory, for tests. */
enum vg_rc vg_store_open_memory(struct vg_store **out, struct vg_err *err);

static inline enum vg_rc
vg_store_put_scan(struct vg_store *s, const struct vg_facts *f,
		  const struct vg_report *r, int64_t *scan_id,
		  struct vg_err *err)
{
	return s->ops->put_scan(s, f, r, scan_id, err);
}

static inline enum vg_rc
vg_store_list_scans(struct vg_store *s, size_t max,
		    struct vg_scan_summary **out, size_t *n, struct vg_err *err)
{
	return s->ops->list_scans(s, max, out, n, err);
}

static inline enum vg_rc
vg_store_last_scan(struct vg_store *s, json_t **out, struct vg_err *err)
{
	return s->ops->last_scan(s, out, err);
}

static inline enum vg_rc
vg_store_user_add(struct vg_store *s, const struct vg_user_rec *u,
		  struct vg_err *err)
{
	return s->ops->user_add(s, u, err);
}

static inline enum vg_rc
vg_store_user_get(struct vg_store *s, const char *name, struct vg_user_rec *out,
		  struct vg_err *err)
{
	return s->ops->user_get(s, name, out, err);
}

static inline enum vg_rc
vg_store_token_add(struct vg_store *s, const char *token_hash, const char *site,
		   int64_t expires_at, struct vg_err *err)
{
	return s->ops->token_add(s, token_hash, site, expires_at, err);
}

static inline enum vg_rc
vg_store_token_consume(struct vg_store *s, const char *token_hash, int64_t now,
		       char site[VG_STORE_NAME_MAX], struct vg_err *err)
{
	return s->ops->token_consume(s, token_hash, now, site, err);
}

static inline enum vg_rc
vg_store_agent_add(struct vg_store *s, const struct vg_agent_rec *a,
		   struct vg_err *err)
{
	return s->ops->agent_add(s, a, err);
}

static inline enum vg_rc
vg_store_agent_get(struct vg_store *s, const char *id, struct vg_agent_rec *out,
		   struct vg_err *err)
{
	return s->ops->agent_get(s, id, out, err);
}

static inline enum vg_rc
vg_store_apikey_add(struct vg_store *s, const struct vg_apikey_rec *k,
		    struct vg_err *err)
{
	return s->ops->apikey_add(s, k, err);
}

static inline enum vg_rc
vg_store_apikey_get(struct vg_store *s, const char *id,
		    struct vg_apikey_rec *out, struct vg_err *err)
{
	return s->ops->apikey_get(s, id, out, err);
}

static inline enum vg_rc
vg_store_put_report(struct vg_store *s, const char *agent_id, const char *uuid,
		    int64_t received_at, const struct vg_facts *f,
		    const struct vg_report *r, bool *duplicate,
		    struct vg_err *err)
{
	return s->ops->put_report(s, agent_id, uuid, received_at, f, r,
				  duplicate, err);
}

static inline enum vg_rc
vg_store_put_report_sections(struct vg_store *s, const char *agent_id,
			     const char *uuid, int64_t received_at,
			     const struct vg_facts *f,
			     const struct vg_report *r,
			     struct vg_report_sections *sec, bool *duplicate,
			     struct vg_err *err)
{
	int i;

	if (s->ops->put_report_sections != NULL)
		return s->ops->put_report_sections(s, agent_id, uuid,
						   received_at, f, r, sec,
						   duplicate, err);
	for (i = 0; i < VG_SECTION_COUNT; i++)
		sec->digest[i][0] = '\0';
	return s->ops->put_report(s, agent_id, uuid, received_at, f, r,
				  duplicate, err);
}

static inline enum vg_rc
vg_store_report_prepare(struct vg_store *s, struct vg_report_item *it)
{
	it->p = NULL;
	it->rc = VG_OK;
	it->duplicate = false;
	if (s->ops->report_prepare == NULL)
		return VG_OK;
	return s->ops->report_prepare(s, it);
}

static inline enum vg_rc
vg_store_reports_commit(struct vg_store *s, struct vg_report_item **v, size_t n,
			struct vg_err *err)
{
	size_t i;

	if (s->ops->reports_commit != NULL)
		return s->ops->reports_commit(s, v, n, err);
	for (i = 0; i < n; i++)
		if (v[i]->rc == VG_OK)
			v[i]->rc = vg_store_put_report_sections(
				s, v[i]->agent_id, v[i]->uuid,
				v[i]->received_at, v[i]->f, v[i]->r, v[i]->sec,
				&v[i]->duplicate, &v[i]->err);
	return VG_OK;
}

static inline void
vg_store_report_release(struct vg_store *s, struct vg_report_item *it)
{
	if (s->ops->report_release != NULL)
		s->ops->report_release(it);
}

static inline enum vg_rc
vg_store_section_get(struct vg_store *s, const char *digest, json_t **out,
		     struct vg_err *err)
{
	*out = NULL;
	if (s->ops->section_get == NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND,
				  "store: no section '%s'", digest);
	return s->ops->section_get(s, digest, out, err);
}

static inline enum vg_rc
vg_store_audit_add(struct vg_store *s, int64_t at, const char *actor,
		   const char *action, const char *detail, struct vg_err *err)
{
	return s->ops->audit_add(s, at, actor, action, detail, err);
}

/* The read side: the backend's operation, or VG_ERR_USAGE when the
 * backend has none (the memory store keeps only what tests need). */
#define VG_STORE_CALL(s, op, err, ...)                                         \
	((s)->ops->op != NULL                                                  \
		 ? (s)->ops->op((s), __VA_ARGS__, (err))                       \
		 : vg_err_set((err), VG_ERR_USAGE, "the %s store cannot " #op, \
			      (s)->ops->name))

static inline enum vg_rc
vg_store_list_assets(struct vg_store *s, const struct vg_asset_filter *flt,
		     json_t **out, struct vg_err *err)
{
	return VG_STORE_CALL(s, list_assets, err, flt, out);
}

static inline enum vg_rc
vg_store_get_asset(struct vg_store *s, int64_t id, int64_t now, json_t **out,
		   struct vg_err *err)
{
	return VG_STORE_CALL(s, get_asset, err, id, now, out);
}

static inline enum vg_rc
vg_store_list_findings(struct vg_store *s, const struct vg_finding_filter *flt,
		       int64_t now, json_t **out, struct vg_err *err)
{
	return VG_STORE_CALL(s, list_findings, err, flt, now, out);
}

static inline enum vg_rc
vg_store_accept_finding(struct vg_store *s, int64_t finding_id,
			const char *reason, int64_t until, const char *by,
			int64_t now, struct vg_err *err)
{
	return VG_STORE_CALL(s, accept_finding, err, finding_id, reason, until,
			     by, now);
}

static inline enum vg_rc
vg_store_scores(struct vg_store *s, int64_t now, int64_t since, json_t **out,
		struct vg_err *err)
{
	return VG_STORE_CALL(s, scores, err, now, since, out);
}

static inline enum vg_rc
vg_store_counts(struct vg_store *s, json_t **out, struct vg_err *err)
{
	return VG_STORE_CALL(s, counts, err, out);
}

static inline enum vg_rc
vg_store_session_add(struct vg_store *s, const char *hash, int64_t user_id,
		     const char *csrf, int64_t expires_at, struct vg_err *err)
{
	return VG_STORE_CALL(s, session_add, err, hash, user_id, csrf,
			     expires_at);
}

static inline enum vg_rc
vg_store_session_get(struct vg_store *s, const char *hash, int64_t now,
		     struct vg_session_rec *out, struct vg_err *err)
{
	return VG_STORE_CALL(s, session_get, err, hash, now, out);
}

static inline enum vg_rc
vg_store_session_delete(struct vg_store *s, const char *hash,
			struct vg_err *err)
{
	return VG_STORE_CALL(s, session_delete, err, hash);
}

static inline enum vg_rc
vg_store_rejudge(struct vg_store *s, const struct vg_policy *p, int64_t now,
		 vg_rejudge_hook hook, void *hook_ctx, size_t *n_hosts,
		 struct vg_err *err)
{
	*n_hosts = 0;
	return VG_STORE_CALL(s, rejudge, err, p, now, hook, hook_ctx, 0, 1,
			     n_hosts);
}

/* vg_store_rejudge of part (of parts) of the hosts. */
static inline enum vg_rc
vg_store_rejudge_part(struct vg_store *s, const struct vg_policy *p,
		      int64_t now, vg_rejudge_hook hook, void *hook_ctx,
		      unsigned part, unsigned parts, size_t *n_hosts,
		      struct vg_err *err)
{
	*n_hosts = 0;
	return VG_STORE_CALL(s, rejudge, err, p, now, hook, hook_ctx, part,
			     parts, n_hosts);
}

static inline enum vg_rc
vg_store_assets_import(struct vg_store *s, const struct vg_declared_asset *a,
		       size_t n, int64_t now, size_t *added, size_t *updated,
		       struct vg_err *err)
{
	*added = *updated = 0;
	return VG_STORE_CALL(s, assets_import, err, a, n, now, added, updated);
}

static inline enum vg_rc
vg_store_assets_list(struct vg_store *s, json_t **out, struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, assets_list, err, out);
}

static inline enum vg_rc
vg_store_put_devices(struct vg_store *s, const char *agent_id, const char *uuid,
		     int64_t received_at, size_t n, vg_store_device_fn next,
		     void *ctx, bool *duplicate, struct vg_err *err)
{
	*duplicate = false;
	return VG_STORE_CALL(s, put_devices, err, agent_id, uuid, received_at,
			     n, next, ctx, duplicate);
}

static inline enum vg_rc
vg_store_known_assets(struct vg_store *s, json_t **out, struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, known_assets, err, out);
}

static inline enum vg_rc
vg_store_vuln_import_begin(struct vg_store *s, const char *source,
			   struct vg_err *err)
{
	return VG_STORE_CALL(s, vuln_import_begin, err, source);
}

static inline enum vg_rc
vg_store_vuln_import_rec(struct vg_store *s, const struct vg_vuln_rec *r,
			 struct vg_err *err)
{
	return VG_STORE_CALL(s, vuln_import_rec, err, r);
}

static inline enum vg_rc
vg_store_vuln_import_kev(struct vg_store *s, const struct vg_kev_rec *r,
			 struct vg_err *err)
{
	return VG_STORE_CALL(s, vuln_import_kev, err, r);
}

static inline enum vg_rc
vg_store_vuln_import_epss(struct vg_store *s, const struct vg_epss_rec *r,
			  struct vg_err *err)
{
	return VG_STORE_CALL(s, vuln_import_epss, err, r);
}

static inline enum vg_rc
vg_store_vuln_import_end(struct vg_store *s, bool commit,
			 const struct vg_vuln_feed_meta *meta,
			 struct vg_err *err)
{
	return VG_STORE_CALL(s, vuln_import_end, err, commit, meta);
}

static inline enum vg_rc
vg_store_vuln_lookup(struct vg_store *s, const char *release,
		     const char *package, vg_vuln_entry_fn fn, void *ctx,
		     struct vg_err *err)
{
	return VG_STORE_CALL(s, vuln_lookup, err, release, package, fn, ctx);
}

/* See vuln_read in struct vg_store_ops: VG_OK when the store has none. */
static inline enum vg_rc
vg_store_vuln_read(struct vg_store *s, bool begin, struct vg_err *err)
{
	return s->ops->vuln_read != NULL ? s->ops->vuln_read(s, begin, err)
					 : VG_OK;
}

/* vg_store_vuln_lookup as a vg_vuln_lookup_fn (core/vulns.h), the
 * store being ctx: what vg_vuln_match takes. */
static inline enum vg_rc
vg_store_vuln_lookup_cb(void *store, const char *release, const char *package,
			vg_vuln_entry_fn fn, void *ctx, struct vg_err *err)
{
	return vg_store_vuln_lookup((struct vg_store *)store, release, package,
				    fn, ctx, err);
}

static inline enum vg_rc
vg_store_vuln_feeds(struct vg_store *s, json_t **out, struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, vuln_feeds, err, out);
}

/* Devices merged over time: see device_facts in struct vg_store_ops. */
static inline enum vg_rc
vg_store_device_facts(struct vg_store *s, const char *key, struct vg_facts *out,
		      struct vg_err *err)
{
	return VG_STORE_CALL(s, device_facts, err, key, out);
}

/* Incidents, tasks and the vulnerability pages: see struct vg_store_ops. */
static inline enum vg_rc
vg_store_incident_open(struct vg_store *s, const struct vg_incident *inc,
		       const char *const *assets, size_t n, const char *actor,
		       int64_t now, int64_t *id, struct vg_err *err)
{
	return VG_STORE_CALL(s, incident_open, err, inc, assets, n, actor, now,
			     id);
}

static inline enum vg_rc
vg_store_incident_update(struct vg_store *s, const struct vg_incident *inc,
			 const char *kind, const char *actor, int64_t now,
			 struct vg_err *err)
{
	return VG_STORE_CALL(s, incident_update, err, inc, kind, actor, now);
}

static inline enum vg_rc
vg_store_timeline_append(struct vg_store *s, int64_t incident_id, int64_t at,
			 const char *actor, const char *kind,
			 const char *detail, int64_t *seq, struct vg_err *err)
{
	return VG_STORE_CALL(s, timeline_append, err, incident_id, at, actor,
			     kind, detail, seq);
}

static inline enum vg_rc
vg_store_incident_get(struct vg_store *s, int64_t id, json_t **out,
		      struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, incident_get, err, id, out);
}

static inline enum vg_rc
vg_store_incident_list(struct vg_store *s, const char *status, json_t **out,
		       struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, incident_list, err, status, out);
}

static inline enum vg_rc
vg_store_incidents_for_host(struct vg_store *s, const char *name, json_t **out,
			    struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, incidents_for_host, err, name, out);
}

static inline enum vg_rc
vg_store_task_add(struct vg_store *s, int64_t incident_id, const char *host,
		  const char *kind, const char *payload, const char *actor,
		  int64_t now, int64_t *task_id, struct vg_err *err)
{
	return VG_STORE_CALL(s, task_add, err, incident_id, host, kind, payload,
			     actor, now, task_id);
}

static inline enum vg_rc
vg_store_task_fetch(struct vg_store *s, const char *agent_id, int64_t now,
		    json_t **out, struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, task_fetch, err, agent_id, now, out);
}

static inline enum vg_rc
vg_store_task_result(struct vg_store *s, int64_t task_id, const char *agent_id,
		     const char *state, const char *detail, int64_t now,
		     struct vg_err *err)
{
	return VG_STORE_CALL(s, task_result, err, task_id, agent_id, state,
			     detail, now);
}

static inline enum vg_rc
vg_store_tasks_list(struct vg_store *s, int64_t incident_id, json_t **out,
		    struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, tasks_list, err, incident_id, out);
}

static inline enum vg_rc
vg_store_tasks_last_id(struct vg_store *s, int64_t *id, struct vg_err *err)
{
	*id = 0;
	return VG_STORE_CALL(s, tasks_last_id, err, id);
}

static inline enum vg_rc
vg_store_evidence_add(struct vg_store *s, int64_t task_id, const char *agent_id,
		      const void *body, size_t len, const json_t *summary,
		      int64_t now, int64_t *evidence_id, struct vg_err *err)
{
	return VG_STORE_CALL(s, evidence_add, err, task_id, agent_id, body, len,
			     summary, now, evidence_id);
}

static inline enum vg_rc
vg_store_evidence_get(struct vg_store *s, int64_t id, void **body, size_t *len,
		      int64_t *task_id, struct vg_err *err)
{
	*body = NULL;
	*len = 0;
	return VG_STORE_CALL(s, evidence_get, err, id, body, len, task_id);
}

static inline enum vg_rc
vg_store_vuln_summary(struct vg_store *s, json_t **out, struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, vuln_summary, err, out);
}

static inline enum vg_rc
vg_store_vuln_list(struct vg_store *s, const struct vg_vuln_filter *flt,
		   json_t **out, struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, vuln_list, err, flt, out);
}

static inline enum vg_rc
vg_store_vuln_cve(struct vg_store *s, const char *cve, json_t **out,
		  struct vg_err *err)
{
	*out = NULL;
	return VG_STORE_CALL(s, vuln_cve, err, cve, out);
}

/* Close and free (NULL-safe). */
static inline void
vg_store_free(struct vg_store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

#endif
