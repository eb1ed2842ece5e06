/*
 * `vigie agent enroll`: trade a one-time token for an agent id and a
 * secret (POST /api/v1/enroll), and keep them in STATE_DIR/agent.json.
 * The state directory is made ready before the token is spent, so a
 * token is never consumed for credentials that cannot be stored.
 */
#include "util/common.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/state.h"
#include "agent/upload.h"
#include "util/buf.h"
#include "util/banned.h"

#define TOKEN_MAX 256 /* the server's tokens are 64 hex digits */

/* The token goes into a JSON body: printable ASCII, no spaces. */
static enum vg_rc
check_token(const char *token, struct vg_err *err)
{
	size_t i, n = strlen(token);

	if (n == 0 || n > TOKEN_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("the enrolment token is empty or longer "
				    "than %d characters"),
				  TOKEN_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)token[i] <= 0x20 ||
		    (unsigned char)token[i] >= 0x7f)
			return vg_err_set(err, VG_ERR_USAGE,
					  _("the enrolment token holds an "
					    "invalid character"));
	return VG_OK;
}

/* Copy field name of the server's answer after checking it. */
static enum vg_rc
answer_field(const json_t *doc, const char *name, char **out,
	     struct vg_err *err)
{
	const json_t *v = json_object_get(doc, name);
	struct vg_err why;

	if (!json_is_string(v))
		return vg_err_set(err, VG_ERR_PARSE,
				  _("the server's enrolment answer has no "
				    "string '%s'"),
				  name);
	vg_err_clear(&why);
	if (strlen(json_string_value(v)) != json_string_length(v) ||
	    vg_agent_check_field(name, json_string_value(v), &why) != VG_OK)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("the server's enrolment answer is "
				    "malformed: %s"),
				  why.rc != VG_OK ? why.msg : name);
	if ((*out = strdup(json_string_value(v))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	return VG_OK;
}

/* Fill s from a 200/201 answer. */
static enum vg_rc
parse_answer(const struct vg_buf *answer, struct vg_agent_state *s,
	     struct vg_err *err)
{
	json_t *doc, *sec;
	enum vg_rc rc;

	doc = answer->data == NULL ? NULL
				   : json_loadb(answer->data, answer->len,
						JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return vg_err_set(err, VG_ERR_PARSE,
				  _("the server's enrolment answer is not a "
				    "JSON object"));
	}
	if ((rc = answer_field(doc, "agent_id", &s->agent_id, err)) == VG_OK &&
	    (rc = answer_field(doc, "secret", &s->secret, err)) == VG_OK &&
	    json_object_get(doc, "site") != NULL)
		rc = answer_field(doc, "site", &s->site, err);
	sec = json_object_get(doc, "secret");
	if (json_is_string(sec))
		explicit_bzero((char *)json_string_value(sec),
			       json_string_length(sec));
	json_decref(doc);
	return rc;
}

/* The enrolment body: {"token": ..., "hostname": ...}; caller frees
 * (and wipes: it holds the token). */
static char *
enroll_body(const char *token)
{
	char host[256];
	json_t *doc;
	char *text;

	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	doc = json_pack("{s:s, s:s}", "token", token, "hostname", host);
	if (doc == NULL)
		return NULL;
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

enum vg_rc
vg_agent_enroll(const char *state_dir, const char *server, const char *token,
		const char *pin, struct vg_err *err)
{
	struct vg_agent_state s;
	struct vg_upload *u = NULL;
	struct vg_buf answer;
	struct vg_err why_err;
	char why[256];
	char *body = NULL;
	size_t n;
	long status;
	bool curl_up = false;
	enum vg_rc rc;

	vg_agent_state_init(&s);
	vg_buf_init(&answer, VG_UPLOAD_MAX_ANSWER);
	if ((s.server = strdup(server)) == NULL ||
	    (pin != NULL && (s.pin = strdup(pin)) == NULL)) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	/* One base URL form: requests append "/api/v1/...". */
	n = strlen(s.server);
	while (n > 0 && s.server[n - 1] == '/')
		s.server[--n] = '\0';
	/* A bad argument, not a bad server: VG_ERR_USAGE (exit status 2). */
	vg_err_clear(&why_err);
	if (vg_agent_check_field("server", s.server, &why_err) != VG_OK) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("invalid --server '%s': %s"), server,
				why_err.msg);
		goto done;
	}
	if (pin != NULL &&
	    vg_agent_check_field("pin", pin, &why_err) != VG_OK) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("invalid --fingerprint (sha256//BASE64 "
				  "expected): %s"),
				why_err.msg);
		goto done;
	}
	if ((rc = check_token(token, err)) != VG_OK)
		goto done;
	if (pin != NULL && strncmp(s.server, "https://", 8) != 0) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("--fingerprint needs an https:// server"));
		goto done;
	}
	if ((rc = vg_agent_mkdir(state_dir, err)) != VG_OK)
		goto done;
	if (access(state_dir, W_OK) == -1) {
		rc = vg_err_set(err, VG_ERR_IO, _("cannot write in '%s': %s"),
				state_dir, strerror(errno));
		goto done;
	}
	if ((body = enroll_body(token)) == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	if ((rc = vg_upload_global_init(err)) != VG_OK)
		goto done;
	curl_up = true;
	if ((rc = vg_upload_new(&u, s.server, s.pin, NULL, err)) != VG_OK ||
	    (rc = vg_upload_post(u, "/api/v1/enroll", NULL, body, strlen(body),
				 &status, &answer, err)) != VG_OK)
		goto done;
	if (status == 401) {
		rc = vg_err_set(err, VG_ERR_IO,
				_("the server refused the token (401): "
				  "unknown, already used or expired"));
		goto done;
	}
	if (status != 200 && status != 201) {
		vg_upload_error_text(&answer, why, sizeof(why));
		rc = vg_err_set(err, VG_ERR_IO,
				_("the server refused the enrolment (HTTP "
				  "%ld)%s%s"),
				status, why[0] != '\0' ? ": " : "", why);
		goto done;
	}
	if ((rc = parse_answer(&answer, &s, err)) != VG_OK)
		goto done;
	rc = vg_agent_state_save(&s, state_dir, err);
done:
	if (body != NULL) {
		explicit_bzero(body, strlen(body));
		free(body);
	}
	if (answer.data != NULL)
		explicit_bzero(answer.data, answer.len);
	vg_buf_release(&answer);
	vg_upload_free(u);
	if (curl_up)
		vg_upload_global_cleanup();
	vg_agent_state_release(&s);
	return rc;
}
