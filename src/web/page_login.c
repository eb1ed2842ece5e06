/*
 * GET and POST /login, POST /logout: the console's sessions. A session
 * is a random secret in an HttpOnly, SameSite=Strict cookie; the store
 * keeps only its SHA-256, with a CSRF token of its own. Failed logins
 * are counted per client address in memory and refused past a ceiling,
 * before the password hash is ever computed, so guessing is slow and
 * cannot exhaust the server's CPU.
 */
#include "util/common.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "util/log.h"
#include "util/banned.h"

#define LOGIN_FAIL_MAX 5             /* failures allowed per window */
#define LOGIN_FAIL_WINDOW (15 * 60)  /* seconds */
#define LOGIN_CLIENTS_MAX 1024       /* addresses tracked; oldest go */
#define LOGIN_CLIENT_LEN 64          /* an address as text, cut there */
#define LOGIN_FIELD_MAX 256          /* a user name or password */
#define LOGIN_SESSION_TTL (8 * 3600) /* a session's life, seconds */

/* Recent failures of one client address. */
struct attempts {
	char client[LOGIN_CLIENT_LEN];
	int64_t at[LOGIN_FAIL_MAX]; /* a ring of failure times */
	unsigned next;              /* the ring's next slot */
	unsigned filled;            /* slots in use, up to LOGIN_FAIL_MAX */
	int64_t last;               /* newest failure: eviction order */
};

static pthread_mutex_t attempts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct attempts attempts[LOGIN_CLIENTS_MAX];

/* The slot of client; with create, a free or the stalest one. Called
 * with attempts_lock held. */
static struct attempts *
attempts_find(const char *client, bool create)
{
	struct attempts *free_slot = NULL, *oldest = NULL, *a;
	size_t i;

	for (i = 0; i < LOGIN_CLIENTS_MAX; i++) {
		a = &attempts[i];
		if (a->client[0] == '\0') {
			if (free_slot == NULL)
				free_slot = a;
			continue;
		}
		if (strncmp(a->client, client, LOGIN_CLIENT_LEN - 1) == 0)
			return a;
		if (oldest == NULL || a->last < oldest->last)
			oldest = a;
	}
	if (!create)
		return NULL;
	a = free_slot != NULL ? free_slot : oldest;
	memset(a, 0, sizeof(*a));
	(void)snprintf(a->client, sizeof(a->client), "%s", client);
	return a;
}

/* True when client failed LOGIN_FAIL_MAX times within the window. */
static bool
login_limited(const char *client, int64_t now)
{
	struct attempts *a;
	unsigned i, recent = 0;

	(void)pthread_mutex_lock(&attempts_lock);
	if ((a = attempts_find(client, false)) != NULL)
		for (i = 0; i < a->filled; i++)
			if (a->at[i] > now - LOGIN_FAIL_WINDOW)
				recent++;
	(void)pthread_mutex_unlock(&attempts_lock);
	return recent >= LOGIN_FAIL_MAX;
}

static void
login_failed(const char *client, int64_t now)
{
	struct attempts *a;

	(void)pthread_mutex_lock(&attempts_lock);
	a = attempts_find(client, true);
	a->at[a->next] = now;
	a->next = (a->next + 1) % LOGIN_FAIL_MAX;
	if (a->filled < LOGIN_FAIL_MAX)
		a->filled++;
	a->last = now;
	(void)pthread_mutex_unlock(&attempts_lock);
}

/* A success forgets the address's failures. */
static void
login_succeeded(const char *client)
{
	struct attempts *a;

	(void)pthread_mutex_lock(&attempts_lock);
	if ((a = attempts_find(client, false)) != NULL)
		memset(a, 0, sizeof(*a));
	(void)pthread_mutex_unlock(&attempts_lock);
}

/* An argon2id hash of nothing anyone knows: an unknown user costs the
 * same time as a wrong password, so timing does not tell names. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[VG_PWHASH_MAX];

static void
dummy_make(void)
{
	char pw[VG_SECRET_HEX];

	vg_secret_new(pw);
	if (!vg_password_hash(pw, dummy_hash))
		dummy_hash[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

static const char *
client_of(const struct vg_http_request *req)
{
	return req->client != NULL && req->client[0] != '\0' ? req->client
							     : "-";
}

/* The login page, with an error message or none. */
static void
login_page(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	   struct vg_http_response *resp, unsigned status, const char *error)
{
	const char *next = vg_http_arg(req, "next");
	const char *user = vg_http_arg(req, "user");
	struct vg_principal nobody;
	struct vg_html h;

	(void)ctx;
	memset(&nobody, 0, sizeof(nobody));
	if (!vg_html_local_path(next))
		next = "/";
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, &nobody, _("Sign in"), VG_NAV_NONE);
	vg_html_raw(&h, "<div class=\"login card\"><h1>");
	vg_html_text(&h, _("Sign in"));
	vg_html_raw(&h, "</h1>");
	if (error != NULL) {
		vg_html_raw(&h, "<p class=\"error\">");
		vg_html_text(&h, error);
		vg_html_raw(&h, "</p>");
	}
	vg_html_raw(&h,
		    "<form id=\"login\" method=\"post\" action=\"/login\">"
		    "<label>");
	vg_html_text(&h, _("User"));
	vg_html_raw(&h,
		    "<input name=\"user\" autocomplete=\"username\" "
		    "required maxlength=\"128\" value=\"");
	if (user != NULL && strlen(user) < LOGIN_FIELD_MAX)
		vg_html_attr(&h, user);
	vg_html_raw(&h, "\"></label><label>");
	vg_html_text(&h, _("Password"));
	vg_html_raw(&h,
		    "<input type=\"password\" name=\"password\" "
		    "autocomplete=\"current-password\" required></label>"
		    "<input type=\"hidden\" name=\"next\" value=\"");
	vg_html_attr(&h, next);
	vg_html_raw(&h, "\"><button type=\"submit\">");
	vg_html_text(&h, _("Sign in"));
	vg_html_raw(&h, "</button></form></div>");
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, status);
}

void
vg_page_login_form(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp)
{
	login_page(ctx, req, resp, 200, NULL);
}

/* Check user and password; true with *user filled on a match. */
static bool
login_check(const struct vg_api_ctx *ctx, const char *name, const char *pw,
	    struct vg_user_rec *user, struct vg_err *err, bool *failed)
{
	enum vg_rc rc;
	bool ok;

	*failed = false;
	vg_api_lock(ctx);
	rc = vg_store_user_get(ctx->store, name, user, err);
	vg_api_unlock(ctx);
	if (rc != VG_OK && rc != VG_ERR_NOTFOUND) {
		*failed = true; /* the store, not the user */
		return false;
	}
	if (rc == VG_ERR_NOTFOUND) {
		(void)pthread_once(&dummy_once, dummy_make);
		if (dummy_hash[0] != '\0')
			(void)vg_password_verify(dummy_hash, pw);
		return false;
	}
	ok = vg_password_verify(user->pwhash, pw);
	sodium_memzero(user->pwhash, sizeof(user->pwhash));
	return ok;
}

void
vg_page_login(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	      struct vg_http_response *resp)
{
	const char *name = vg_http_arg(req, "user");
	const char *pw = vg_http_arg(req, "password");
	const char *next = vg_http_arg(req, "next");
	const char *client = client_of(req);
	char secret[VG_SECRET_HEX], hash[VG_HASH_HEX], csrf[VG_SECRET_HEX];
	struct vg_user_rec user;
	struct vg_err err;
	bool store_failed = false;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&user, 0, sizeof(user));
	secret[0] = '\0';
	/* The login form has no session yet, hence no CSRF token: refuse a
	 * form posted from another site (login CSRF). */
	if (!vg_http_same_origin(req)) {
		vg_html_error_page(ctx, resp, 403, _("Forbidden."));
		return;
	}
	if (login_limited(client, ctx->now)) {
		login_page(ctx, req, resp, 429,
			   _("Too many failed attempts: try again later."));
		return;
	}
	if (name == NULL || pw == NULL || name[0] == '\0' ||
	    strlen(name) >= LOGIN_FIELD_MAX || strlen(pw) >= LOGIN_FIELD_MAX ||
	    !login_check(ctx, name, pw, &user, &err, &store_failed)) {
		if (store_failed) {
			vg_api_log_error("login", &err);
			vg_html_error_page(ctx, resp, 500, _("internal error"));
			return;
		}
		login_failed(client, ctx->now);
		vg_api_lock(ctx);
		(void)vg_store_audit_add(
			ctx->store, ctx->now,
			name != NULL && strlen(name) < LOGIN_FIELD_MAX ? name
								       : "-",
			"login_failed", client, &err);
		vg_api_unlock(ctx);
		/* One message whether the user or the password is wrong. */
		login_page(ctx, req, resp, 401,
			   _("Unknown user or wrong password."));
		return;
	}

	/* The cookie holds the secret; the store, its hash. */
	vg_secret_new(secret);
	vg_secret_hash(secret, hash);
	vg_secret_new(csrf);
	vg_api_lock(ctx);
	rc = vg_store_session_add(ctx->store, hash, user.id, csrf,
				  ctx->now + LOGIN_SESSION_TTL, &err);
	if (rc == VG_OK)
		(void)vg_store_audit_add(ctx->store, ctx->now, user.name,
					 "login", client, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_log_error("login", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		goto done;
	}
	login_succeeded(client);
	vg_html_redirect(resp, vg_html_local_path(next) ? next : "/");
	(void)snprintf(resp->set_cookie, sizeof(resp->set_cookie),
		       "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
		       VG_SESSION_COOKIE, secret, req->tls ? "; Secure" : "");
done:
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(csrf, sizeof(csrf));
}

void
vg_page_logout(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	       struct vg_http_response *resp)
{
	const struct vg_principal *p = ctx->principal;
	struct vg_err err;
	enum vg_rc rc = VG_OK;

	vg_err_clear(&err);
	if (p->kind == VG_PRINCIPAL_SESSION && p->session_hash[0] != '\0') {
		vg_api_lock(ctx);
		rc = vg_store_session_delete(ctx->store, p->session_hash, &err);
		if (rc == VG_OK)
			rc = vg_store_audit_add(ctx->store, ctx->now, p->name,
						"logout", client_of(req), &err);
		vg_api_unlock(ctx);
	}
	if (rc != VG_OK)
		vg_api_log_error("logout", &err);
	vg_html_redirect(resp, "/login");
	/* Expire the cookie in the browser as well. */
	(void)snprintf(resp->set_cookie, sizeof(resp->set_cookie),
		       "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		       VG_SESSION_COOKIE, req->tls ? "; Secure" : "");
}
