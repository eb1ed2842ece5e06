/*
 * GET /metrics: the server's state in the Prometheus text exposition
 * format (version 0.0.4): store counters, reports received by result
 * since start, and the establishment's and each site's scores as
 * gauges. Site names come from agents' declarations, so label values
 * are escaped and their number capped (one bad host must not blow up a
 * monitoring system's series).
 */
#include "util/common.h"

#include <jansson.h>
#include <string.h>

#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "util/buf.h"
#include "util/banned.h"

#define METRICS_MAX_BODY (4u << 20) /* the whole exposition */
#define METRICS_MAX_SITES 1000      /* site series exposed */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* One family's HELP and TYPE lines. */
static enum vg_rc
family(struct vg_buf *b, const char *name, const char *type, const char *help)
{
	return vg_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			     name, type);
}

/* A family of one unlabelled sample from an integer of the counts. */
static enum vg_rc
count_metric(struct vg_buf *b, const json_t *counts, const char *key,
	     const char *name, const char *type, const char *help)
{
	const json_t *v = json_object_get(counts, key);
	enum vg_rc rc;

	if (!json_is_integer(v))
		return VG_OK; /* the store does not count it: no series */
	if ((rc = family(b, name, type, help)) != VG_OK)
		return rc;
	return vg_buf_printf(b, "%s %lld\n", name,
			     (long long)json_integer_value(v));
}

/* s as a label value: backslash, double quote and newline escaped. */
static enum vg_rc
label_value(struct vg_buf *b, const char *s)
{
	enum vg_rc rc = VG_OK;

	for (; *s != '\0' && rc == VG_OK; s++) {
		if (*s == '\\')
			rc = vg_buf_adds(b, "\\\\");
		else if (*s == '"')
			rc = vg_buf_adds(b, "\\\"");
		else if (*s == '\n')
			rc = vg_buf_adds(b, "\\n");
		else
			rc = vg_buf_addc(b, *s);
	}
	return rc;
}

/* The vigie_score samples of one scope's {"R1"..., "overall"}; null
 * scores (nothing evaluated) have no sample. */
static enum vg_rc
score_samples(struct vg_buf *b, const char *scope, const char *site,
	      const json_t *scores)
{
	char rule[8];
	const json_t *v;
	enum vg_rc rc;
	int k;

	for (k = 1; k <= VG_RULE_COUNT + 1; k++) {
		if (k <= VG_RULE_COUNT)
			(void)snprintf(rule, sizeof(rule), "R%d", k);
		else
			(void)snprintf(rule, sizeof(rule), "overall");
		if (!json_is_integer(v = json_object_get(scores, rule)))
			continue;
		if ((rc = vg_buf_printf(b, "vigie_score{scope=\"%s\"",
					scope)) != VG_OK)
			return rc;
		if (site != NULL &&
		    ((rc = vg_buf_adds(b, ",site=\"")) != VG_OK ||
		     (rc = label_value(b, site)) != VG_OK ||
		     (rc = vg_buf_addc(b, '"')) != VG_OK))
			return rc;
		if ((rc = vg_buf_printf(b, ",rule=\"%s\"} %lld\n", rule,
					(long long)json_integer_value(v))) !=
		    VG_OK)
			return rc;
	}
	return VG_OK;
}

static enum vg_rc
scores_metrics(struct vg_buf *b, const json_t *scores)
{
	const json_t *sites, *site, *v;
	enum vg_rc rc;
	size_t i;

	if ((rc = family(b, "vigie_score", "gauge",
			 "Hygiene score 0-100 by scope and rule "
			 "(criticality-weighted mean of the assets' latest "
			 "scans).")) != VG_OK ||
	    (rc = score_samples(b, "establishment", NULL,
				json_object_get(scores, "establishment"))) !=
		    VG_OK)
		return rc;
	sites = json_object_get(scores, "sites");
	json_array_foreach(sites, i, site)
	{
		if (i >= METRICS_MAX_SITES)
			break;
		v = json_object_get(site, "site");
		if (!json_is_string(v))
			continue;
		if ((rc = score_samples(b, "site", json_string_value(v),
					json_object_get(site, "scores"))) !=
		    VG_OK)
			return rc;
	}
	v = json_object_get(scores, "not_reporting");
	if (json_is_array(v) &&
	    ((rc = family(b, "vigie_agents_not_reporting", "gauge",
			  "Agents whose last report is older than the "
			  "policy's stale_agent_days.")) != VG_OK ||
	     (rc = vg_buf_printf(b, "vigie_agents_not_reporting %zu\n",
				 json_array_size(v))) != VG_OK))
		return rc;
	return VG_OK;
}

/* Counters of the running server (atomics: read relaxed). */
static enum vg_rc
server_metrics(struct vg_buf *b, const struct vg_api_ctx *ctx)
{
	struct vg_server_stats *st = ctx->stats;
	enum vg_rc rc;

	if (st == NULL)
		return VG_OK;
	if ((rc = family(b, "vigie_reports_received_total", "counter",
			 "Agents' reports received since the server "
			 "started, by result.")) != VG_OK ||
	    (rc = vg_buf_printf(
		     b,
		     "vigie_reports_received_total{result=\"stored\"} %llu\n"
		     "vigie_reports_received_total{result=\"duplicate\"} "
		     "%llu\n"
		     "vigie_reports_received_total{result=\"refused\"} "
		     "%llu\n",
		     __atomic_load_n(&st->reports_stored, __ATOMIC_RELAXED),
		     __atomic_load_n(&st->reports_duplicate, __ATOMIC_RELAXED),
		     __atomic_load_n(&st->reports_refused,
				     __ATOMIC_RELAXED))) != VG_OK ||
	    (rc = family(b, "vigie_http_requests_total", "counter",
			 "HTTP requests answered since the server "
			 "started.")) != VG_OK ||
	    (rc = vg_buf_printf(b, "vigie_http_requests_total %llu\n",
				__atomic_load_n(&st->requests,
						__ATOMIC_RELAXED))) != VG_OK ||
	    (rc = family(b, "vigie_http_errors_total", "counter",
			 "HTTP requests answered with a server error since "
			 "the server started.")) != VG_OK ||
	    (rc = vg_buf_printf(b, "vigie_http_errors_total %llu\n",
				__atomic_load_n(&st->errors,
						__ATOMIC_RELAXED))) != VG_OK ||
	    (rc = family(b, "vigie_uptime_seconds", "gauge",
			 "Seconds since the server started.")) != VG_OK ||
	    (rc = vg_buf_printf(b, "vigie_uptime_seconds %lld\n",
				(long long)(ctx->now > st->started_at
						    ? ctx->now - st->started_at
						    : 0))) != VG_OK)
		return rc;
	return VG_OK;
}

static enum vg_rc
counts_metrics(struct vg_buf *b, const json_t *c)
{
	enum vg_rc rc;

	if ((rc = count_metric(b, c, "assets", "vigie_assets", "gauge",
			       "Hosts known to the store.")) != VG_OK ||
	    (rc = count_metric(b, c, "agents", "vigie_agents", "gauge",
			       "Enrolled agents.")) != VG_OK ||
	    (rc = count_metric(b, c, "scans", "vigie_scans_total", "counter",
			       "Scans stored (local scans and agents' "
			       "reports).")) != VG_OK ||
	    (rc = count_metric(b, c, "reports", "vigie_reports_total",
			       "counter", "Agents' reports stored.")) !=
		    VG_OK ||
	    (rc = count_metric(
		     b, c, "findings_open", "vigie_findings_open", "gauge",
		     "Open findings of the assets' latest scans.")) != VG_OK ||
	    (rc = count_metric(b, c, "findings_accepted",
			       "vigie_findings_accepted", "gauge",
			       "Findings whose risk is accepted.")) != VG_OK)
		return rc;
	return VG_OK;
}

void
vg_api_metrics(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	       struct vg_http_response *resp)
{
	json_t *counts = NULL, *scores = NULL;
	struct vg_buf b;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	vg_buf_init(&b, METRICS_MAX_BODY);
	if (vg_api_args_check(req, NULL, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_counts(ctx->store, &counts, &err);
	/* since = now: the scores of today, no long history to build. */
	if (rc == VG_OK)
		rc = vg_store_scores(ctx->store, ctx->now, ctx->now, &scores,
				     &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "metrics", &err);
		goto done;
	}
	if ((rc = counts_metrics(&b, counts)) != VG_OK ||
	    (rc = server_metrics(&b, ctx)) != VG_OK ||
	    (rc = scores_metrics(&b, scores)) != VG_OK) {
		(void)vg_err_set(&err, rc,
				 "metrics: cannot build the exposition");
		vg_api_store_failed(resp, "metrics", &err);
		goto done;
	}
	vg_http_response_release(resp);
	resp->len = b.len;
	/* Nothing written at all (an empty store) is a valid exposition. */
	resp->body = b.len > 0 ? vg_buf_detach(&b) : strdup("");
	if (resp->body == NULL) {
		vg_http_error(resp, 500, "internal error");
		goto done;
	}
	resp->status = 200;
	resp->content_type = METRICS_CONTENT_TYPE;
done:
	vg_buf_release(&b);
	json_decref(counts);
	json_decref(scores);
}
