/*
 * Re-matching benchmark for bench/vuln.sh (issue "Known
 * vulnerabilities": re-match 10,000 stored hosts after a feed update in
 * under 30 s). Fills the store DB (which already holds a feed) with
 * HOSTS hosts built from the facts document FACTS: each its own host
 * name, and a few of its packages at another version (every host a
 * little different, as in a real fleet where images drift), judged and
 * recorded as `vigie scan` records them; then times the re-judgement
 * `vigie serve` runs when a feed changes (vg_store_rejudge with the
 * matching hook, the server's own code path, in one process).
 *
 *   rematch DB FACTS HOSTS
 *
 * Prints "fill_s", "rematch_s", "hosts" and "hosts_per_s", one a line.
 * Built only for the benchmark.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/facts_json.h"
#include "core/policy.h"
#include "core/rules.h"
#include "store/store.h"
#include "util/text.h"
#include "vuln/match.h"
#include "util/banned.h"

/* Packages of a host given another version: every 50th from its own
 * offset, so hosts differ but share most of their packages. */
#define DRIFT_STEP 50

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

/* The server's hook: match the host's packages anew (ctx: a cache). */
static enum vg_rc
rematch(void *ctx, struct vg_facts *f, struct vg_err *err)
{
	return vg_vuln_match(f, vg_vuln_cache_lookup, ctx, err);
}

/* Host i: facts from the document, renamed, drifted, matched, judged
 * and recorded. */
static enum vg_rc
put_host(struct vg_store *s, const struct vg_policy *p, const char *doc,
	 size_t len, size_t i, struct vg_err *err)
{
	char name[64], ver[256];
	struct vg_report r;
	struct vg_facts f;
	int64_t scan_id;
	enum vg_rc rc;
	size_t k;

	vg_facts_init(&f);
	vg_report_init(&r);
	if ((rc = vg_facts_parse(&f, doc, len, err)) != VG_OK)
		goto done;
	(void)snprintf(name, sizeof(name), "host-%05zu", i);
	f.os.hostname = vg_facts_str(&f, name);
	for (k = i % DRIFT_STEP; k < f.n_packages; k += DRIFT_STEP) {
		(void)snprintf(ver, sizeof(ver), "%s+drift%zu",
			       f.packages[k].version, i % 7);
		f.packages[k].version = vg_facts_str(&f, ver);
	}
	if ((rc = vg_vuln_match(&f, vg_store_vuln_lookup_cb, s, err)) ==
		    VG_OK &&
	    (rc = vg_rules_evaluate(&f, p, &r, err)) == VG_OK)
		rc = vg_store_put_scan(s, &f, &r, &scan_id, err);
done:
	vg_report_release(&r);
	vg_facts_release(&f);
	return rc;
}

int
main(int argc, char **argv)
{
	struct vg_vuln_cache *cache;
	struct vg_store *s = NULL;
	struct vg_policy p;
	enum vg_rc rc;
	struct vg_err err;
	size_t len = 0, hosts, n = 0, i;
	double t0, t1, t2;
	char *doc;
	int64_t v;

	if (argc != 4 || vg_parse_intz(argv[3], 1, 1000000, &v) != VG_OK) {
		fprintf(stderr, "usage: rematch DB FACTS HOSTS\n");
		return 2;
	}
	hosts = (size_t)v;
	if ((doc = slurp(argv[2], &len)) == NULL) {
		fprintf(stderr, "rematch: cannot read %s\n", argv[2]);
		return 1;
	}
	vg_err_clear(&err);
	if (vg_policy_init(&p, &err) != VG_OK ||
	    vg_store_open_sqlite(&s, argv[1], &err) != VG_OK)
		goto fail;
	t0 = now_s();
	for (i = 0; i < hosts; i++) {
		if (put_host(s, &p, doc, len, i, &err) != VG_OK)
			goto fail;
		if (i % 1000 == 999)
			fprintf(stderr, "rematch: %zu hosts recorded\n", i + 1);
	}
	t1 = now_s();
	if ((cache = vg_vuln_cache_new(vg_store_vuln_lookup_cb, s)) == NULL) {
		(void)vg_err_set(&err, VG_ERR_NOMEM, "out of memory");
		goto fail;
	}
	rc = vg_store_rejudge(s, &p, (int64_t)time(NULL), rematch, cache, &n,
			      &err);
	vg_vuln_cache_free(cache);
	if (rc != VG_OK)
		goto fail;
	t2 = now_s();
	printf("fill_s %.3f\nrematch_s %.3f\nhosts %zu\nhosts_per_s %.1f\n",
	       t1 - t0, t2 - t1, n, (double)n / (t2 - t1));
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
