/*
 * Re-matching benchmark for bench/vuln.sh (issue "Known
 * vulnerabilities": re-match 10,000 stored hosts after a feed update in
 * under 30 s). Two steps, with the feed update between them:
 *
 *   rematch fill DB FACTS HOSTS
 *     Fills the store DB (which already holds a feed) with HOSTS hosts
 *     built from the facts document FACTS, as `vigie serve` stores its
 *     agents' reports: one enrolled agent per host, its facts' big
 *     members stored once by digest, matched and judged. Each host has
 *     its own name, and a few of its packages at another version (one
 *     in DRIFT_STEP, from an offset of its own, with one of DRIFT_KINDS
 *     suffixes), so hosts share package sets by tens but not all: a
 *     real fleet whose images drift. Prints "fill_s" and "sets".
 *
 *   rematch judge DB [THREADS]
 *     Times the re-judgement `vigie serve` runs when a feed changes
 *     (vg_rejudge_all: the server's own code path, THREADS threads,
 *     default one per core). Prints "rematch_s", "hosts",
 *     "hosts_per_s", "vuln_findings_before" / "_after" and
 *     "hosts_changed" (hosts whose findings changed).
 *
 * Built only for the benchmark.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "core/facts_json.h"
#include "core/policy.h"
#include "core/rules.h"
#include "store/store.h"
#include "util/text.h"
#include "util/uuid.h"
#include "vuln/match.h"
#include "vuln/memo.h"
#include "web/rejudge.h"
#include "util/banned.h"

/* Packages of a host given another version: every DRIFT_STEP-th from
 * its own offset, with one of DRIFT_KINDS suffixes. */
#define DRIFT_STEP 50
#define DRIFT_KINDS 7
#define SETS (DRIFT_STEP * DRIFT_KINDS)

static double
now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL) {
		if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else
			*len = (size_t)n;
	}
	fclose(fp);
	return buf;
}

/* One integer from the store (sqlite3 directly: counts for the report). */
static long long
count(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/*
 * Host i of set k: the document's facts, renamed and drifted, matched
 * (once per set: the memo, keyed by the set's number as the server keys
 * it by digest), judged and stored as an agent's report.
 */
static enum vg_rc
put_host(struct vg_store *s, const struct vg_policy *p, const char *doc,
	 size_t len, size_t i, size_t k, int64_t feeds_state,
	 struct vg_err *err)
{
	char name[64], ver[256], key[32], uuid[37];
	struct vg_report_sections sec;
	struct vg_agent_rec a;
	struct vg_report r;
	struct vg_facts f;
	enum vg_rc rc;
	bool dup = false;
	size_t j;

	vg_facts_init(&f);
	vg_report_init(&r);
	memset(&sec, 0, sizeof(sec));
	memset(&a, 0, sizeof(a));
	(void)snprintf(name, sizeof(name), "host-%05zu", i);
	(void)snprintf(a.id, sizeof(a.id), "agent-%05zu", i);
	(void)snprintf(a.site, sizeof(a.site), "site-%zu", i % 4);
	(void)snprintf(a.hostname, sizeof(a.hostname), "%s", name);
	(void)snprintf(a.secret_hash, sizeof(a.secret_hash), "%064zu", i);
	a.enrolled_at = (int64_t)time(NULL);
	if ((rc = vg_store_agent_add(s, &a, err)) != VG_OK ||
	    (rc = vg_facts_parse(&f, doc, len, err)) != VG_OK)
		goto done;
	f.os.hostname = vg_facts_str(&f, name);
	for (j = k % DRIFT_STEP; j < f.n_packages; j += DRIFT_STEP) {
		(void)snprintf(ver, sizeof(ver), "%s+drift%zu",
			       f.packages[j].version, k / DRIFT_STEP);
		f.packages[j].version = vg_facts_str(&f, ver);
	}
	(void)snprintf(key, sizeof(key), "set-%zu", k);
	vg_uuid_new(uuid);
	if ((rc = vg_vuln_match_memo(&f, key, feeds_state,
				     vg_store_vuln_lookup_cb, s, err)) ==
		    VG_OK &&
	    (rc = vg_rules_evaluate(&f, p, &r, err)) == VG_OK)
		rc = vg_store_put_report_sections(s, a.id, uuid, f.collected_at,
						  &f, &r, &sec, &dup, err);
done:
	vg_report_release(&r);
	vg_facts_release(&f);
	return rc;
}

static int
fill(const char *db, const char *facts, const char *hosts_arg)
{
	struct vg_store *s = NULL;
	struct vg_policy p;
	struct vg_err err;
	size_t len = 0, hosts, i, k, done = 0;
	int64_t v, feeds_state = 0;
	bool has;
	double t0;
	char *doc;

	if (vg_parse_intz(hosts_arg, 1, 1000000, &v) != VG_OK) {
		fprintf(stderr, "rematch: bad host count '%s'\n", hosts_arg);
		return 2;
	}
	hosts = (size_t)v;
	if ((doc = slurp(facts, &len)) == NULL) {
		fprintf(stderr, "rematch: cannot read %s\n", facts);
		return 1;
	}
	vg_err_clear(&err);
	if (vg_policy_init(&p, &err) != VG_OK ||
	    vg_store_open_sqlite(&s, db, &err) != VG_OK ||
	    vg_vuln_store_state(s, &has, &feeds_state, &err) != VG_OK)
		goto fail;
	t0 = now_s();
	/* Set by set, so each set is matched once; a host's id says
	 * nothing of its set (host i is of set i % SETS). */
	for (k = 0; k < SETS; k++)
		for (i = k; i < hosts; i += SETS) {
			if (put_host(s, &p, doc, len, i, k, feeds_state,
				     &err) != VG_OK)
				goto fail;
			if (++done % 1000 == 0)
				fprintf(stderr, "rematch: %zu hosts stored\n",
					done);
		}
	printf("fill_s %.3f\nsets %zu\n", now_s() - t0,
	       hosts < SETS ? hosts : (size_t)SETS);
	vg_store_free(s);
	vg_policy_release(&p);
	free(doc);
	return 0;
fail:
	fprintf(stderr, "rematch: %s\n", err.msg);
	vg_store_free(s);
	vg_policy_release(&p);
	free(doc);
	return 1;
}

/* Run sql on the store (sqlite3 directly: the bench's own table). */
static bool
run_sql(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	bool ok;

	ok = sqlite3_open(db, &h) == SQLITE_OK &&
		sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_close(h);
	return ok;
}

/* Findings whose rows a re-judgement wrote: none when unchanged. */
static const char vuln_sql[] =
	"SELECT count(*) FROM findings f JOIN hosts h"
	" ON f.scan_id = coalesce(h.findings_scan_id, h.latest_scan_id)"
	" WHERE f.check_id = 'updates.vulnerable_package'";

static int
judge(const char *db, const char *threads_arg)
{
	struct vg_rejudge_run run;
	struct vg_store *s = NULL;
	struct vg_policy p;
	struct vg_err err;
	long long before, after, changed;
	int64_t v = 0;
	size_t n = 0;
	double t0, t1;

	if (threads_arg != NULL &&
	    vg_parse_intz(threads_arg, 0, VG_REJUDGE_MAX_THREADS, &v) !=
		    VG_OK) {
		fprintf(stderr, "rematch: bad thread count '%s'\n",
			threads_arg);
		return 2;
	}
	vg_err_clear(&err);
	memset(&run, 0, sizeof(run));
	if (vg_policy_init(&p, &err) != VG_OK ||
	    vg_store_open_sqlite(&s, db, &err) != VG_OK ||
	    vg_vuln_store_state(s, &run.match, &run.feeds_state, &err) != VG_OK)
		goto fail;
	vg_store_free(s);
	s = NULL;
	run.db = db;
	run.p = &p;
	run.threads = (unsigned)v;
	before = count(db, vuln_sql);
	/* A host changed when its latest scan's findings digest did. */
	if (!run_sql(db,
		     "DROP TABLE IF EXISTS bench_digests;"
		     "CREATE TABLE bench_digests AS SELECT s.id,"
		     " s.findings_digest AS d FROM hosts h JOIN scans s"
		     " ON s.id = h.latest_scan_id")) {
		(void)vg_err_set(&err, VG_ERR_STORE, "cannot note the digests");
		goto fail;
	}
	t0 = now_s();
	if (vg_rejudge_all(&run, &n, &err) != VG_OK)
		goto fail;
	t1 = now_s();
	after = count(db, vuln_sql);
	changed = count(db,
			"SELECT count(*) FROM bench_digests b"
			" JOIN scans s ON s.id = b.id"
			" WHERE s.findings_digest IS NOT b.d");
	printf("rematch_s %.3f\nhosts %zu\nhosts_per_s %.1f\n"
	       "vuln_findings_before %lld\nvuln_findings_after %lld\n"
	       "hosts_changed %lld\n",
	       t1 - t0, n, (double)n / (t1 - t0), before, after, changed);
	vg_policy_release(&p);
	return 0;
fail:
	fprintf(stderr, "rematch: %s\n", err.msg);
	vg_store_free(s);
	vg_policy_release(&p);
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2], argv[3], argv[4]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "judge") == 0)
		return judge(argv[2], argc == 4 ? argv[3] : NULL);
	fprintf(stderr,
		"usage: rematch fill DB FACTS HOSTS\n"
		"       rematch judge DB [THREADS]\n");
	return 2;
}
