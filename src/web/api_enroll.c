/*
 * POST /api/v1/enroll (docs/internals/agent-protocol.md): a one-time
 * token becomes an agent id and secret. The body comes from anyone who
 * can reach the port, before any authentication: it is small (64 KiB at
 * most), every field is type- and length-checked, and the token is only
 * ever compared by its hash.
 */
#include "util/common.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "store/store.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/routes.h"
#include "util/uuid.h"
#include "util/banned.h"

/* A token is hex, at most this long (ours are 64). */
#define ENROLL_TOKEN_MAX 255

/* Host names as agents declare them: letters, digits, '.', '-', '_'. */
static bool
hostname_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= VG_STORE_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_'))
			return false;
	}
	return true;
}

static bool
hex_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > ENROLL_TOKEN_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

/* The string member key of obj, checked by valid; NULL after answering
 * 400 naming the field. */
static const char *
get_field(const json_t *obj, const char *key,
	  bool (*valid)(const char *, size_t), struct vg_http_response *resp)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		vg_http_error(resp, 400, "%s: missing", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		vg_http_error(resp, 400, "%s: not a string", key);
		return NULL;
	}
	if (!valid(json_string_value(v), json_string_length(v))) {
		vg_http_error(resp, 400, "%s: invalid value", key);
		return NULL;
	}
	return json_string_value(v);
}

void
vg_api_enroll(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	      struct vg_http_response *resp)
{
	char site[VG_STORE_NAME_MAX], token_hash[VG_HASH_HEX];
	char secret[VG_SECRET_HEX], actor[64];
	struct vg_agent_rec agent;
	const char *token, *hostname;
	struct vg_err err;
	json_t *doc;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&agent, 0, sizeof(agent));
	if ((doc = vg_http_body_object(req, resp)) == NULL)
		return;
	if ((token = get_field(doc, "token", hex_valid, resp)) == NULL ||
	    (hostname = get_field(doc, "hostname", hostname_valid, resp)) ==
		    NULL)
		goto done;

	/* Consumed in the store's transaction: a token works once. */
	vg_secret_hash(token, token_hash);
	vg_api_lock(ctx);
	rc = vg_store_token_consume(ctx->store, token_hash, ctx->now, site,
				    &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_NOTFOUND) {
		vg_http_error(resp, 401, "token: unknown, used or expired");
		goto done;
	}
	if (rc != VG_OK)
		goto fail;

	vg_uuid_new(agent.id);
	vg_secret_new(secret);
	(void)snprintf(agent.site, sizeof(agent.site), "%s", site);
	(void)snprintf(agent.hostname, sizeof(agent.hostname), "%s", hostname);
	vg_secret_hash(secret, agent.secret_hash);
	agent.enrolled_at = ctx->now;
	(void)snprintf(actor, sizeof(actor), "agent:%s", agent.id);
	vg_api_lock(ctx);
	rc = vg_store_agent_add(ctx->store, &agent, &err);
	if (rc == VG_OK)
		rc = vg_store_audit_add(ctx->store, ctx->now, actor, "enroll",
					site, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK)
		goto fail;
	vg_http_json(resp, 201,
		     json_pack("{s:s, s:s, s:s}", "agent_id", agent.id,
			       "secret", secret, "site", site));
	resp->secret = true;
	goto done;
fail:
	/* The store's message stays in the server's log, not the reply. */
	vg_http_error(resp, 500, "internal error");
	vg_api_log_error("enroll", &err);
done:
	sodium_memzero(secret, sizeof(secret));
	json_decref(doc);
}
