/*
 * What the agents' routes share (reports, devices, tasks): the
 * authentication, a bearer "agent_id:secret" checked against the store's
 * hash of the secret, and the envelope of a report (a JSON object with
 * the UUID that makes a resend harmless).
 */
#include "util/common.h"

#include <ctype.h>
#include <sodium.h>

#include "store/store.h"
#include "web/auth.h"
#include "web/http.h"
#include "util/uuid.h"
#include "util/banned.h"

bool
vg_api_agent_auth(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req, struct vg_agent_rec *agent,
		  struct vg_http_response *resp, const char *what)
{
	char id[VG_STORE_ID_MAX], secret[VG_BEARER_SECRET_MAX];
	char hash[VG_HASH_HEX];
	struct vg_err err;
	enum vg_rc rc;
	bool ok = false;

	vg_err_clear(&err);
	if (!vg_http_bearer(req->authorization, id, secret)) {
		vg_http_error(resp, 401,
			      "authorization: expected \"Bearer "
			      "<agent_id>:<secret>\"");
		return false;
	}
	/* The secret is hashed whether the agent exists or not: an
	 * unknown agent costs what a wrong secret costs. */
	vg_secret_hash(secret, hash);
	sodium_memzero(secret, sizeof(secret));
	vg_api_lock(ctx);
	rc = vg_store_agent_get(ctx->store, id, agent, &err);
	vg_api_unlock(ctx);
	if (rc == VG_OK && vg_hash_equal(agent->secret_hash, hash))
		ok = true;
	else if (rc == VG_OK || rc == VG_ERR_NOTFOUND)
		vg_http_error(resp, 401,
			      "authorization: invalid agent credentials");
	else {
		vg_api_log_error(what, &err);
		vg_http_error(resp, 500, "internal error");
	}
	sodium_memzero(hash, sizeof(hash));
	return ok;
}

json_t *
vg_api_report_envelope(const struct vg_http_request *req,
		       char uuid[VG_UUID_LEN + 1],
		       struct vg_http_response *resp)
{
	const json_t *juuid;
	json_t *doc;
	size_t i;

	if ((doc = vg_http_body_object(req, resp)) == NULL)
		return NULL;
	juuid = json_object_get(doc, "uuid");
	if (!json_is_string(juuid) ||
	    json_string_length(juuid) != VG_UUID_LEN ||
	    !vg_uuid_valid(json_string_value(juuid))) {
		vg_http_error(resp, 400, "uuid: %s",
			      juuid == NULL ? "missing" : "not a UUID v4");
		json_decref(doc);
		return NULL;
	}
	/* One spelling per report, so a resend is found as a duplicate. */
	for (i = 0; i <= VG_UUID_LEN; i++)
		uuid[i] = (char)tolower(
			(unsigned char)json_string_value(juuid)[i]);
	return doc;
}
