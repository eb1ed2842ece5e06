/*
 * The API handlers on hostile bodies: each input is sent as an
 * enrolment body, as a report body and as a sensor's devices body from
 * an enrolled agent (the memory store records no devices: the decoding
 * and checks of every document run, then the store says no), and as an
 * Authorization header and a --listen value, against a fresh in-memory
 * store holding one known token and one known agent (so the corpus
 * reaches the success paths too).
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "store/store.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/routes.h"
#include "web/server.h"
#include "util/banned.h"

#define FUZZ_TOKEN                                                             \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define FUZZ_AGENT "11111111-1111-4111-8111-111111111111"
#define FUZZ_SECRET                                                            \
	"abababababababababababababababababababababababababababababababab"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(const struct vg_api_ctx *ctx, vg_api_handler h, const char *auth,
    const char *body, size_t len)
{
	struct vg_http_response resp;
	struct vg_http_request req;

	memset(&resp, 0, sizeof(resp));
	req.method = "POST";
	req.path = "/";
	req.authorization = auth;
	req.body = body;
	req.body_len = len;
	h(ctx, &req, &resp);
	/* Every answer is a status with a JSON body. */
	if (resp.status < 200 || resp.status > 599 || resp.body == NULL)
		abort();
	vg_http_response_release(&resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hash[VG_HASH_HEX], id[VG_STORE_ID_MAX];
	char secret[VG_BEARER_SECRET_MAX];
	struct vg_agent_rec agent;
	struct vg_api_ctx ctx;
	struct vg_store *s = NULL;
	struct vg_policy p;
	struct vg_listen l;
	char *body;

	if (size > VG_SERVER_MAX_SMALL_BODY * 4)
		return 0;
	/* The handlers get what the server gives: NUL-terminated bytes. */
	if ((body = malloc(size + 1)) == NULL)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	if (vg_auth_init(NULL) != VG_OK || vg_policy_init(&p, NULL) != VG_OK)
		abort();
	if (vg_store_open_memory(&s, NULL) != VG_OK)
		abort();
	vg_secret_hash(FUZZ_TOKEN, hash);
	memset(&agent, 0, sizeof(agent));
	(void)snprintf(agent.id, sizeof(agent.id), "%s", FUZZ_AGENT);
	(void)snprintf(agent.site, sizeof(agent.site), "%s", "fuzz");
	(void)snprintf(agent.hostname, sizeof(agent.hostname), "%s", "h");
	vg_secret_hash(FUZZ_SECRET, agent.secret_hash);
	if (vg_store_token_add(s, hash, "fuzz", 2000000000, NULL) != VG_OK ||
	    vg_store_agent_add(s, &agent, NULL) != VG_OK)
		abort();

	memset(&ctx, 0, sizeof(ctx));
	ctx.store = s;
	ctx.policy = &p;
	ctx.now = 1700000000;
	run(&ctx, vg_api_enroll, NULL, body, size);
	run(&ctx, vg_api_reports, "Bearer " FUZZ_AGENT ":" FUZZ_SECRET, body,
	    size);
	run(&ctx, vg_api_devices, "Bearer " FUZZ_AGENT ":" FUZZ_SECRET, body,
	    size);
	/* The bytes as credentials and as a listen address. */
	run(&ctx, vg_api_reports, body, "{}", 2);
	(void)vg_http_bearer(body, id, secret);
	(void)vg_listen_parse(body, &l, NULL);

	vg_store_free(s);
	vg_policy_release(&p);
	free(body);
	return 0;
}
