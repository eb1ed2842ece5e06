/*
 * POST /api/v1/devices (docs/internals/agent-protocol.md): the network
 * devices a sensor (`vigie discover --server`) heard, each a facts
 * document of the "device" source. Structured as the agent's report
 * (api_reports.c): credentials first, then the body, decoded as hostile
 * input, judged under the server's policy and recorded with the
 * report's UUID in one transaction.
 *
 * Every document is decoded and checked before the store is touched, so
 * a report with one bad document is refused whole and never takes the
 * write lock. The store then asks for the devices one at a time, each
 * decoded again: holding thousands of decoded facts at once would cost
 * far more memory than the body.
 *
 * What the sensor says of management is not trusted: the sensor, the
 * site and managed_by are set here from the server's own records.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts_json.h"
#include "core/report.h"
#include "core/rules.h"
#include "discover/devices.h"
#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "web/routes.h"
#include "web/server.h"
#include "util/uuid.h"
#include "util/banned.h"

#define MAC_TEXT 17 /* "aa:bb:cc:dd:ee:ff" */

/* What the store's callback needs to produce device i. */
struct devices_ctx {
	struct vg_store *store; /* inside its transaction: merges only */
	const json_t *docs;     /* the "devices" array */
	const struct vg_agent_rec *agent;
	const struct vg_policy *policy;
	const struct vg_known_asset *known;
	size_t n_known;
	size_t asked; /* devices asked for so far */
};

/*
 * Is key what a sensor names a device by (discover/devices.c): a MAC in
 * lower-case "aa:bb:cc:dd:ee:ff", or an address in inet_ntop's form? One
 * spelling per device, so its scans stay under one asset.
 */
static bool
key_valid(const char *key)
{
	unsigned char b[16];
	char text[64];
	size_t i;

	if (strlen(key) == MAC_TEXT) {
		for (i = 0; i < MAC_TEXT; i++)
			if (i % 3 == 2 ? key[i] != ':'
				       : !isxdigit((unsigned char)key[i]) ||
					    isupper((unsigned char)key[i]))
				break;
		if (i == MAC_TEXT)
			return true;
	}
	if (inet_pton(AF_INET, key, b) == 1)
		return inet_ntop(AF_INET, b, text, sizeof(text)) != NULL &&
			strcmp(text, key) == 0;
	if (inet_pton(AF_INET6, key, b) == 1)
		return inet_ntop(AF_INET6, b, text, sizeof(text)) != NULL &&
			strcmp(text, key) == 0;
	return false;
}

/*
 * Decode document i into f (initialised) and check it is a device's;
 * VG_ERR_PARSE with err naming the index and field, or VG_ERR_NOMEM.
 * f is released on failure.
 */
static enum vg_rc
decode_device(const json_t *docs, size_t i, struct vg_facts *f,
	      struct vg_err *err)
{
	struct vg_err derr;
	enum vg_rc rc;

	vg_err_clear(&derr);
	if ((rc = vg_facts_from_json(f, json_array_get(docs, i), &derr)) !=
	    VG_OK) {
		if (derr.rc == VG_ERR_NOMEM || rc == VG_ERR_NOMEM)
			return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
		return vg_err_set(err, VG_ERR_PARSE, "devices[%zu]: %s", i,
				  derr.msg);
	}
	if (!vg_facts_is_device(f))
		rc = vg_err_set(err, VG_ERR_PARSE,
				"devices[%zu]: not a device's facts", i);
	else if (!key_valid(f->device.key))
		rc = vg_err_set(err, VG_ERR_PARSE,
				"devices[%zu]: facts.device.key: not a MAC or "
				"an address",
				i);
	if (rc != VG_OK)
		vg_facts_release(f);
	return rc;
}

/* Every document decodes and is a device's; else answers 400 (or 500). */
static bool
check_all(const json_t *docs, struct vg_http_response *resp)
{
	struct vg_facts f;
	struct vg_err err;
	size_t i;

	for (i = 0; i < json_array_size(docs); i++) {
		vg_err_clear(&err);
		vg_facts_init(&f);
		if (decode_device(docs, i, &f, &err) != VG_OK) {
			if (err.rc == VG_ERR_NOMEM)
				vg_http_error(resp, 500, "internal error");
			else
				vg_http_error(resp, 400, "%s", err.msg);
			return false;
		}
		vg_facts_release(&f);
	}
	return true;
}

/*
 * Merge what the store holds of the device into f (issue 4: devices
 * merged over time, whichever sensor saw them). Read inside the
 * report's transaction, so a device twice in one report merges with
 * itself too. A damaged earlier record is logged and not merged.
 */
static enum vg_rc
merge_stored(struct devices_ctx *dc, struct vg_facts *f, struct vg_err *err)
{
	struct vg_facts before;
	struct vg_err rerr;
	enum vg_rc rc;

	vg_err_clear(&rerr);
	vg_facts_init(&before);
	rc = vg_store_device_facts(dc->store, f->device.key, &before, &rerr);
	if (rc == VG_OK)
		vg_device_facts_merge(f, &before);
	else if (rc == VG_ERR_PARSE)
		vg_api_log_error("devices", &rerr);
	vg_facts_release(&before);
	if (rc == VG_OK || rc == VG_ERR_NOTFOUND || rc == VG_ERR_PARSE)
		return VG_OK;
	/* Not VG_ERR_USAGE: the caller reads that as a key naming a
	 * host. */
	return vg_err_set(err, VG_ERR_IO, "%s", rerr.msg);
}

/* The store's callback: device i decoded, merged with what was seen
 * before, made the server's, judged. */
static enum vg_rc
next_device(void *arg, size_t i, struct vg_facts *f, struct vg_report *r,
	    struct vg_err *err)
{
	struct devices_ctx *dc = arg;
	enum vg_rc rc;

	dc->asked = i + 1;
	if ((rc = decode_device(dc->docs, i, f, err)) != VG_OK)
		return rc;
	/* Who saw it and where: the sensor's enrolment, not its say. */
	f->device.sensor = vg_facts_str(f, dc->agent->id);
	f->asset.site = vg_facts_str(f, dc->agent->site);
	/* The device's asset is named by its key (as recorded locally). */
	f->os.hostname = f->device.key;
	if ((rc = merge_stored(dc, f, err)) != VG_OK)
		return rc;
	vg_device_facts_manage(f, dc->known, dc->n_known);
	if (f->device.sensor == NULL || f->asset.site == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	return vg_rules_evaluate(f, dc->policy, r, err);
}

/* String member key of o, or NULL. */
static const char *
member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * The store's inventory as vg_known_asset entries pointing into *inv
 * (which the caller decrefs, then frees *known). False on failure.
 */
static bool
read_known(const struct vg_api_ctx *ctx, json_t **inv,
	   struct vg_known_asset **known, size_t *n_known, struct vg_err *err)
{
	const json_t *a;
	size_t i, n;

	*known = NULL;
	*n_known = 0;
	vg_api_lock(ctx);
	if (vg_store_known_assets(ctx->store, inv, err) != VG_OK) {
		vg_api_unlock(ctx);
		return false;
	}
	vg_api_unlock(ctx);
	n = json_array_size(*inv);
	if (n > 0 && (*known = calloc(n, sizeof(**known))) == NULL) {
		vg_err_set(err, VG_ERR_NOMEM, "out of memory");
		return false;
	}
	json_array_foreach(*inv, i, a)
	{
		struct vg_known_asset *k = &(*known)[*n_known];

		if (member(a, "kind") == NULL || member(a, "name") == NULL)
			continue;
		k->kind = member(a, "kind");
		k->name = member(a, "name");
		k->mac = member(a, "mac");
		k->ip = member(a, "ip");
		(*n_known)++;
	}
	return true;
}

/* Judge and record every device with the UUID; answers. */
static void
record(const struct vg_api_ctx *ctx, const struct vg_agent_rec *agent,
       const char *uuid, const json_t *docs, struct vg_http_response *resp)
{
	struct devices_ctx dc;
	struct vg_known_asset *known = NULL;
	json_t *inv = NULL;
	struct vg_err err;
	bool duplicate = false;
	size_t n = json_array_size(docs);
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&dc, 0, sizeof(dc));
	if (!read_known(ctx, &inv, &known, &dc.n_known, &err)) {
		vg_api_log_error("devices", &err);
		vg_http_error(resp, 500, "internal error");
		goto done;
	}
	dc.store = ctx->store;
	dc.docs = docs;
	dc.agent = agent;
	dc.policy = ctx->policy;
	dc.known = known;
	vg_api_lock(ctx);
	rc = vg_store_put_devices(ctx->store, agent->id, uuid, ctx->now, n,
				  next_device, &dc, &duplicate, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_USAGE && dc.asked > 0)
		/* The store refused a device (its key names a host). */
		vg_http_error(resp, 400,
			      "devices[%zu]: facts.device.key: names a host, "
			      "not a device",
			      dc.asked - 1);
	else if (rc != VG_OK) {
		vg_api_log_error("devices", &err);
		vg_http_error(resp, 500, "internal error");
	} else if (duplicate)
		vg_http_json(
			resp, 200,
			json_pack("{s:b, s:s}", "duplicate", 1, "uuid", uuid));
	else
		vg_http_json(resp, 201,
			     json_pack("{s:b, s:s, s:I}", "stored", 1, "uuid",
				       uuid, "devices", (json_int_t)n));
done:
	free(known);
	json_decref(inv);
}

/* Count the outcome for /metrics: a sensor's report is a report. */
static void
count_outcome(const struct vg_api_ctx *ctx, unsigned status)
{
	unsigned long long *n;

	if (ctx->stats == NULL)
		return;
	if (status == 201)
		n = &ctx->stats->reports_stored;
	else if (status == 200)
		n = &ctx->stats->reports_duplicate;
	else
		n = &ctx->stats->reports_refused;
	(void)__atomic_add_fetch(n, 1, __ATOMIC_RELAXED);
}

void
vg_api_devices(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	       struct vg_http_response *resp)
{
	struct vg_agent_rec agent;
	const json_t *docs;
	char uuid[VG_UUID_LEN + 1];
	json_t *doc;

	if (!vg_api_agent_auth(ctx, req, &agent, resp, "devices"))
		return;
	if ((doc = vg_api_report_envelope(req, uuid, resp)) == NULL)
		goto done;
	if (!json_is_array(docs = json_object_get(doc, "devices"))) {
		vg_http_error(resp, 400, "devices: %s",
			      docs == NULL ? "missing" : "not an array");
		goto done;
	}
	if (json_array_size(docs) > VG_SERVER_MAX_DEVICES) {
		vg_http_error(resp, 413, "devices: more than %u documents",
			      (unsigned)VG_SERVER_MAX_DEVICES);
		goto done;
	}
	if (check_all(docs, resp))
		record(ctx, &agent, uuid, docs, resp);
done:
	count_outcome(ctx, resp->status);
	json_decref(doc);
}
