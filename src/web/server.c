/*
 * `vigie serve` (server.h): libmicrohttpd with GnuTLS, a thread pool on
 * epoll, one route table. The order of start-up is the security story:
 * parse the listen address, make or load the certificate, bind, then
 * drop root, and only then open the store and accept requests. Signals
 * are blocked in every thread and taken by sigwait(2) in the caller's
 * thread, so reloading the policy runs in ordinary code.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/policy.h"
#include "store/store.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/longpoll.h"
#include "util/threads.h"
#include "web/rejudge.h"
#include "web/routes.h"
#include "web/server.h"
#include "vuln/match.h"
#include "util/buf.h"
#include "util/mhd_lazy.h"
#include "util/log.h"
#include "util/root.h"
#include "util/text.h"
#include "util/banned.h"

#define SERVER_MAX_THREADS 64 /* thread pool ceiling */
/* Connections at once: as many as the open-file limit allows (raised
 * to its hard limit at start), less a reserve for the store, logs and
 * libraries, within these bounds. Every agent holds one long-poll. */
#define SERVER_CONN_MIN 256
#define SERVER_CONN_MAX 16384
#define SERVER_FD_RESERVE 64
#define SERVER_CONN_TIMEOUT 30 /* seconds of silence before close */
#define SERVER_LISTEN_BACKLOG 128
#define SERVER_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define SERVER_MAX_PEM (1u << 20)
/* Seconds between two looks at the store's vulnerability feeds. */
#define SERVER_VULN_REFRESH 60

struct server {
	const char *db;
	/* One store per worker thread (store/sqlite_private.h: a
	 * connection serves one thread at a time), opened at its first
	 * request and closed when the thread ends. */
	pthread_key_t store_key;
	/* Readers: requests; the writer: a SIGHUP reload. */
	pthread_rwlock_t policy_lock;
	const struct vg_policy *policy;
	struct vg_policy *owned; /* a policy we loaded, freed at the end */
	bool tls;
	struct vg_server_stats stats;
	/* The store holds package feeds (read by requests, atomically;
	 * refreshed by the signal thread every SERVER_VULN_REFRESH s). */
	bool match_vulns;
	/* The feeds' state (vg_vuln_store_state) when last looked at: a
	 * change means new data, so every host is matched and judged
	 * again. */
	int64_t feeds_state;
	/* The signal thread's own store (feeds, re-judging), or NULL. */
	struct vg_store *sig_store;
	/* Agents' long-polls held (suspended) and their waker. */
	struct vg_longpoll *lp;
	unsigned conn_limit; /* connections at once (conn_limit()) */
};

/* Per request: its route, its body (capped by the route), who asks. */
struct conn {
	const struct vg_route *route;
	struct vg_buf body;
	bool answered; /* a response is queued: ignore the rest */
	struct vg_principal principal;
	/* The "{}" segments of the path, split in place. */
	char params_buf[VG_HTTP_MAX_PARAMS * 65];
	const char *params[VG_HTTP_MAX_PARAMS];
	size_t n_params;
	/* A urlencoded form body, decoded once (form_args point into it). */
	char *form;
	struct vg_http_kv form_args[VG_HTTP_MAX_ARGS];
	size_t n_form;
	struct vg_longpoll_req poll; /* a held GET /api/v1/tasks */
};

static void
close_store(void *p)
{
	vg_store_free(p);
}

/* This thread's store; NULL after logging why. */
static struct vg_store *
thread_store(struct server *srv)
{
	struct vg_store *s = pthread_getspecific(srv->store_key);
	struct vg_err err;

	if (s != NULL)
		return s;
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&s, srv->db, &err) != VG_OK) {
		vg_api_log_error("store", &err);
		return NULL;
	}
	if (pthread_setspecific(srv->store_key, s) != 0) {
		vg_store_free(s);
		return NULL;
	}
	return s;
}

/* Free a response body, wiped: it may hold an agent's new secret. */
static void
body_free(void *p)
{
	if (p != NULL) {
		sodium_memzero(p, strlen(p));
		free(p);
	}
}

/* Queue resp (consumed) with the security headers. */
static enum MHD_Result
send_response(struct MHD_Connection *c, struct vg_http_response *resp,
	      bool tls_on)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (resp->body != NULL)
		r = MHD_create_response_from_buffer_with_free_callback(
			resp->len, resp->body, body_free);
	else
		r = MHD_create_response_from_buffer(0, (void *)"",
						    MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		vg_http_response_release(resp);
		return MHD_NO;
	}
	resp->body = NULL; /* the response owns it now */
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				      resp->content_type != NULL
					      ? resp->content_type
					      : "application/json");
	(void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp->max_age > 0) {
		char cc[64];

		(void)snprintf(cc, sizeof(cc), "public, max-age=%ld",
			       resp->max_age);
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
					      cc);
	} else
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
					      "no-store");
	/* Pages: our stylesheet and inline SVG, never a script. */
	(void)MHD_add_response_header(
		r, "Content-Security-Policy",
		resp->html ? "default-src 'none'; style-src 'self'; "
			     "img-src 'self' data:; form-action 'self'; "
			     "frame-ancestors 'none'; base-uri 'none'"
			   : "default-src 'none'; frame-ancestors 'none'");
	/* Pages: same-origin, so that our own forms carry their real
	 * Origin (with no-referrer a browser sends "Origin: null", which
	 * the login's cross-site check must refuse). */
	(void)MHD_add_response_header(r, "Referrer-Policy",
				      resp->html ? "same-origin"
						 : "no-referrer");
	(void)MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (tls_on)
		(void)MHD_add_response_header(r, "Strict-Transport-Security",
					      "max-age=31536000");
	if (resp->location[0] != '\0')
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION,
					      resp->location);
	if (resp->set_cookie[0] != '\0')
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE,
					      resp->set_cookie);
	if (resp->status == 401 && !resp->html)
		(void)MHD_add_response_header(
			r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (resp->status == 405 && resp->allow[0] != '\0')
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
					      resp->allow);
	ret = MHD_queue_response(c, resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Answer at once: an unknown route or a body over its ceiling. */
static enum MHD_Result
refuse(struct server *srv, struct conn *cx, struct MHD_Connection *c,
       struct vg_http_response *resp)
{
	cx->answered = true;
	return send_response(c, resp, srv->tls);
}

/* Collect the query-string arguments (decoded by libmicrohttpd). */
static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct vg_http_request *req = cls;

	(void)kind;
	if (req->n_args >= VG_HTTP_MAX_ARGS)
		return MHD_NO;
	req->args[req->n_args].key = key;
	req->args[req->n_args].value = value != NULL ? value : "";
	req->n_args++;
	return MHD_YES;
}

/* Decode application/x-www-form-urlencoded text in place ("+" is a
 * space; a bad escape is kept as is). */
static void
form_decode(char *s)
{
	char *w = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*w++ = ' ';
		else if (*s == '%' && (hi = vg_hex_value(s[1])) >= 0 &&
			 (lo = vg_hex_value(s[2])) >= 0) {
			*w++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/* The fields of a urlencoded body, decoded into cx->form at the first
 * call, then appended to req's arguments. */
static void
add_form(struct conn *cx, struct MHD_Connection *c, struct vg_http_request *req)
{
	const char *type = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	char *p, *next, *eq;
	size_t i;

	/* Forms are the console's; an API body is JSON, whatever its
	 * Content-Type says. */
	if (!cx->route->page || type == NULL || cx->body.data == NULL ||
	    strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
		return;
	if (cx->form == NULL) {
		if ((cx->form = strndup(cx->body.data, cx->body.len)) == NULL)
			return;
		for (p = cx->form; p != NULL && *p != '\0'; p = next) {
			if ((next = strchr(p, '&')) != NULL)
				*next++ = '\0';
			if (cx->n_form >= VG_HTTP_MAX_ARGS)
				break;
			if ((eq = strchr(p, '=')) != NULL)
				*eq++ = '\0';
			form_decode(p);
			if (eq != NULL)
				form_decode(eq);
			cx->form_args[cx->n_form].key = p;
			cx->form_args[cx->n_form].value = eq != NULL ? eq : "";
			cx->n_form++;
		}
	}
	for (i = 0; i < cx->n_form && req->n_args < VG_HTTP_MAX_ARGS; i++)
		req->args[req->n_args++] = cx->form_args[i];
}

/* The peer's address as text into out. */
static void
client_address(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct sockaddr_storage ss;

	(void)snprintf(out, size, "?");
	if (ci == NULL || ci->client_addr == NULL)
		return;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, ci->client_addr,
	       ci->client_addr->sa_family == AF_INET6
		       ? sizeof(struct sockaddr_in6)
		       : sizeof(struct sockaddr_in));
	vg_listen_format(&ss, out, size);
}

/*
 * Run h on the request as received so far (the whole body, or none for
 * a precheck). false when this thread has no store to give it.
 */
static bool
run_handler(struct server *srv, struct MHD_Connection *c, struct conn *cx,
	    const char *url, vg_api_handler h, struct vg_http_response *resp)
{
	struct vg_http_request req;
	struct vg_api_ctx ctx;
	char client[80];
	size_t i;

	memset(&ctx, 0, sizeof(ctx));
	memset(&req, 0, sizeof(req));
	if ((ctx.store = thread_store(srv)) == NULL)
		return false;
	ctx.now = (int64_t)time(NULL);
	ctx.principal = &cx->principal;
	ctx.stats = &srv->stats;
	ctx.match_vulns = __atomic_load_n(&srv->match_vulns, __ATOMIC_RELAXED);
	ctx.feeds_state = __atomic_load_n(&srv->feeds_state, __ATOMIC_RELAXED);
	req.method = cx->route->method;
	req.path = cx->route->path;
	req.url = url;
	req.authorization = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	req.body = cx->body.data != NULL ? cx->body.data : "";
	req.body_len = cx->body.len;
	for (i = 0; i < cx->n_params; i++)
		req.params[i] = cx->params[i];
	req.n_params = cx->n_params;
	(void)MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg,
					&req);
	add_form(cx, c, &req);
	req.session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
							 VG_SESSION_COOKIE);
	req.lang_cookie =
		MHD_lookup_connection_value(c, MHD_COOKIE_KIND, VG_LANG_COOKIE);
	req.accept_language = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	req.origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	req.host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					       MHD_HTTP_HEADER_HOST);
	client_address(c, client, sizeof(client));
	req.client = client;
	req.tls = srv->tls;
	(void)pthread_rwlock_rdlock(&srv->policy_lock);
	ctx.policy = srv->policy;
	h(&ctx, &req, resp);
	(void)pthread_rwlock_unlock(&srv->policy_lock);
	return true;
}

/*
 * Who is asking, from an API key's bearer or the session cookie, into
 * cx->principal (kind NONE when neither is valid). false when this
 * thread has no store.
 */
static bool
identify(struct server *srv, struct MHD_Connection *c, struct conn *cx)
{
	struct vg_principal *p = &cx->principal;
	char id[VG_STORE_ID_MAX], secret[VG_BEARER_SECRET_MAX];
	char hash[VG_HASH_HEX];
	struct vg_apikey_rec key;
	struct vg_session_rec ses;
	struct vg_store *store;
	struct vg_err err;
	const char *h;

	memset(p, 0, sizeof(*p));
	if ((store = thread_store(srv)) == NULL)
		return false;
	vg_err_clear(&err);
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_AUTHORIZATION);
	if (h != NULL) {
		if (vg_http_bearer(h, id, secret)) {
			vg_secret_hash(secret, hash);
			if (vg_store_apikey_get(store, id, &key, &err) ==
				    VG_OK &&
			    vg_hash_equal(hash, key.secret_hash) &&
			    vg_role_parse(key.role, &p->role)) {
				p->kind = VG_PRINCIPAL_APIKEY;
				(void)snprintf(p->name, sizeof(p->name),
					       "apikey:%s", id);
			}
		}
		sodium_memzero(secret, sizeof(secret));
		return true; /* a bearer, good or bad, is the credential */
	}
	h = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, VG_SESSION_COOKIE);
	if (h == NULL || strlen(h) >= VG_BEARER_SECRET_MAX)
		return true;
	vg_secret_hash(h, hash);
	if (vg_store_session_get(store, hash, (int64_t)time(NULL), &ses,
				 &err) == VG_OK &&
	    vg_role_parse(ses.role, &p->role)) {
		p->kind = VG_PRINCIPAL_SESSION;
		(void)snprintf(p->name, sizeof(p->name), "%s", ses.user);
		(void)snprintf(p->csrf, sizeof(p->csrf), "%s", ses.csrf);
		(void)snprintf(p->session_hash, sizeof(p->session_hash), "%s",
			       hash);
	}
	return true;
}

/* Percent-encode a local URL for ?next= (unreserved characters kept). */
static void
url_encode(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s != '\0' && n + 4 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '/' || ch == '-' ||
		    ch == '_' || ch == '.' || ch == '~') {
			out[n++] = (char)ch;
		} else {
			out[n++] = '%';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	out[n] = '\0';
}

/* A console page's answer to a refusal: a small page, or the login. */
static void
page_refusal(struct vg_http_response *resp, unsigned status, const char *url)
{
	static const char forbidden[] =
		"<!doctype html><html><head><meta charset=\"utf-8\">"
		"<title>vigie</title><link rel=\"stylesheet\" "
		"href=\"/static/vigie.css\"></head><body><main><h1>403</h1>"
		"<p class=\"error\">Forbidden: your role may not do this.</p>"
		"<p><a href=\"/\">vigie</a></p></main></body></html>";
	char next[400];

	vg_http_response_release(resp);
	memset(resp, 0, sizeof(*resp));
	resp->html = true;
	resp->content_type = "text/html; charset=utf-8";
	if (status == 401) {
		url_encode(url, next, sizeof(next));
		resp->status = 303;
		(void)snprintf(resp->location, sizeof(resp->location),
			       "/login?next=%s", next);
		return;
	}
	resp->status = status;
	if ((resp->body = strdup(forbidden)) != NULL)
		resp->len = strlen(forbidden);
}

/*
 * A POST made with a session cookie must carry the session's CSRF token:
 * a page's in its "csrf" form field, an API call in X-CSRF-Token. API
 * keys are not sent by browsers on their own, so they need none.
 */
static bool
csrf_ok(const struct conn *cx, struct MHD_Connection *c)
{
	struct vg_http_request req;
	const char *token;

	if (strcmp(cx->route->method, "POST") != 0 ||
	    cx->route->auth != VG_AUTH_USER ||
	    cx->principal.kind == VG_PRINCIPAL_APIKEY)
		return true;
	if (cx->principal.kind != VG_PRINCIPAL_SESSION)
		return false;
	if (cx->route->page) {
		memset(&req, 0, sizeof(req));
		add_form((struct conn *)cx, c, &req);
		token = vg_http_arg(&req, "csrf");
	} else
		token = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    "X-CSRF-Token");
	return token != NULL && strlen(token) == strlen(cx->principal.csrf) &&
		sodium_memcmp(token, cx->principal.csrf, strlen(token)) == 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
	   const char *method, const char *version, const char *upload_data,
	   size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct conn *cx = *con_cls;
	struct vg_http_response resp;
	unsigned status;
	enum vg_rc rc;

	(void)version;
	memset(&resp, 0, sizeof(resp));
	if (cx == NULL) {
		/* Headers only: route, and refuse what we never accept. */
		if ((cx = calloc(1, sizeof(*cx))) == NULL)
			return MHD_NO;
		*con_cls = cx;
		cx->route = vg_route_find(method, url, &status, resp.allow,
					  sizeof(resp.allow));
		if (cx->route == NULL) {
			vg_http_error(&resp, status,
				      status == 405 ? "method not allowed"
						    : "no such resource");
			return refuse(srv, cx, c, &resp);
		}
		vg_buf_init(&cx->body, cx->route->max_body);
		(void)vg_route_match(cx->route->path, url, cx->params_buf,
				     sizeof(cx->params_buf), cx->params,
				     &cx->n_params);
		(void)__atomic_add_fetch(&srv->stats.requests, 1,
					 __ATOMIC_RELAXED);
		if (vg_http_length_over(MHD_lookup_connection_value(
						c, MHD_HEADER_KIND,
						MHD_HTTP_HEADER_CONTENT_LENGTH),
					cx->route->max_body)) {
			vg_http_error(&resp, 413, "body: larger than %zu bytes",
				      cx->route->max_body);
			return refuse(srv, cx, c, &resp);
		}
		/* Who asks, before any body byte is read. */
		if (cx->route->auth == VG_AUTH_USER) {
			if (!identify(srv, c, cx)) {
				vg_http_error(&resp, 500, "internal error");
				return refuse(srv, cx, c, &resp);
			}
			status = vg_route_authorize(cx->route, &cx->principal);
			if (status != 0) {
				if (cx->route->page)
					page_refusal(&resp, status, url);
				else
					vg_http_error(&resp, status,
						      status == 401
							      ? "credentials "
								"required"
							      : "your role may "
								"not do this");
				return refuse(srv, cx, c, &resp);
			}
		}
		if (cx->route->precheck != NULL &&
		    !run_handler(srv, c, cx, url, cx->route->precheck, &resp))
			vg_http_error(&resp, 500, "internal error");
		if (resp.status != 0)
			return refuse(srv, cx, c, &resp);
		return MHD_YES;
	}
	if (cx->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		rc = vg_http_body_add(&cx->body, upload_data,
				      *upload_data_size);
		*upload_data_size = 0;
		if (rc == VG_OK)
			return MHD_YES;
		if (rc != VG_ERR_LIMIT)
			return MHD_NO;
		/* Past the ceiling (chunked upload): answer if we still
		 * may, else close; never buffer more. */
		vg_http_error(&resp, 413, "body: larger than %zu bytes",
			      cx->route->max_body);
		if (refuse(srv, cx, c, &resp) != MHD_YES)
			return MHD_NO;
		return MHD_YES;
	}

	/* The whole request is here: run its handler. */
	if (!csrf_ok(cx, c)) {
		if (cx->route->page)
			page_refusal(&resp, 403, url);
		else
			vg_http_error(&resp, 403,
				      "X-CSRF-Token: missing or "
				      "not this session's");
		return refuse(srv, cx, c, &resp);
	}
	vg_longpoll_enter(srv->lp, &cx->poll);
	if (!run_handler(srv, c, cx, url, cx->route->handler, &resp))
		vg_http_error(&resp, 500, "internal error");
	/* Nothing to answer yet: held until woken (longpoll.h); when it
	 * cannot be held, the handler runs again and answers at once. */
	if (cx->poll.hold && resp.status == 0) {
		if (vg_longpoll_suspend(srv->lp, c, &cx->poll)) {
			vg_longpoll_leave();
			return MHD_YES;
		}
		vg_longpoll_enter(srv->lp, &cx->poll);
		if (!run_handler(srv, c, cx, url, cx->route->handler, &resp))
			vg_http_error(&resp, 500, "internal error");
	}
	vg_longpoll_leave();
	if (resp.status == 0)
		vg_http_error(&resp, 500, "internal error");
	if (resp.status >= 500)
		(void)__atomic_add_fetch(&srv->stats.errors, 1,
					 __ATOMIC_RELAXED);
	cx->answered = true;
	return send_response(c, &resp, srv->tls);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct conn *cx = *con_cls;
	struct server *srv = cls;

	(void)c;
	(void)toe;
	if (cx == NULL)
		return;
	vg_longpoll_forget(srv->lp, &cx->poll);
	/* An enrolment body holds a token: wipe what we kept. */
	if (cx->body.data != NULL)
		sodium_memzero(cx->body.data, cx->body.len);
	vg_buf_release(&cx->body);
	if (cx->form != NULL) {
		sodium_memzero(cx->form, strlen(cx->form));
		free(cx->form);
	}
	sodium_memzero(&cx->principal, sizeof(cx->principal));
	free(cx);
	*con_cls = NULL;
}

/* libmicrohttpd's own messages (TLS handshakes of scanners, mostly). */
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (n > 0 && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_debug("libmicrohttpd: %s", msg);
}

/* A listening socket for l; -1 after setting err. */
static int
open_listener(const struct vg_listen *l, const char *name, struct vg_err *err)
{
	struct sockaddr_in any4;
	const struct sockaddr *sa = (const struct sockaddr *)&l->addr;
	socklen_t len = l->len;
	int fd, on = 1, off = 0;

	fd = socket(l->addr.ss_family,
		    SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1 && l->any && errno == EAFNOSUPPORT) {
		/* No IPv6 on this host: every IPv4 address then. */
		memset(&any4, 0, sizeof(any4));
		any4.sin_family = AF_INET;
		any4.sin_addr.s_addr = htonl(INADDR_ANY);
		any4.sin_port =
			((const struct sockaddr_in6 *)&l->addr)->sin6_port;
		sa = (const struct sockaddr *)&any4;
		len = sizeof(any4);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    0);
	}
	if (fd == -1)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (l->any && sa->sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
				 sizeof(off));
	if (bind(fd, sa, len) == -1 || listen(fd, SERVER_LISTEN_BACKLOG) == -1)
		goto fail;
	return fd;
fail:
	(void)vg_err_set(err, VG_ERR_IO, _("cannot listen on %s: %s"), name,
			 strerror(errno));
	if (fd != -1)
		(void)close(fd);
	return -1;
}

/*
 * Running as root: become user, for good (groups too), once the port
 * and the key are ours. A missing user is a warning: tests and first
 * runs happen before the package created it.
 */
static enum vg_rc
drop_privileges(const char *user, struct vg_err *err)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	struct passwd *pw;

	if (geteuid() != 0 || user == NULL || user[0] == '\0')
		return VG_OK;
	if ((pw = getpwnam(user)) == NULL) {
		log_warnx(_("user '%s' does not exist: the server runs as "
			    "root"),
			  user);
		return VG_OK;
	}
	if (pw->pw_uid == 0)
		return VG_OK;
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return vg_err_set(err, VG_ERR_IO,
				  _("cannot become user '%s': %s"), user,
				  strerror(errno));
	/* Check it stuck: no id of root left, and no way back. */
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1 ||
	    ru != pw->pw_uid || eu != pw->pw_uid || su != pw->pw_uid ||
	    rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid ||
	    setuid(0) != -1)
		return vg_err_set(err, VG_ERR_IO,
				  _("privileges of root not dropped"));
	return VG_OK;
}

/* The signal thread's store, opened at first need; NULL after logging. */
static struct vg_store *
signal_store(struct server *srv)
{
	struct vg_err err;

	if (srv->sig_store != NULL)
		return srv->sig_store;
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&srv->sig_store, srv->db, &err) != VG_OK) {
		log_warnx(_("cannot open the store: %s"), err.msg);
		srv->sig_store = NULL;
	}
	return srv->sig_store;
}

/*
 * Judge every asset's latest facts again under p (matching them against
 * the known vulnerabilities first when the store holds package feeds),
 * so a policy or feed change re-scores everything without a new scan.
 * It runs from the signal thread, on connections of its own, host by
 * host in short transactions (web/rejudge.h): requests go on being
 * served meanwhile, new reports already judged under p. p stays alive:
 * only the next reload, in this same thread, frees it. why: what
 * changed, for the log.
 */
static void
rejudge(struct server *srv, const struct vg_policy *p, const char *why)
{
	struct vg_rejudge_run run;
	struct vg_err err;
	size_t n = 0;

	vg_err_clear(&err);
	memset(&run, 0, sizeof(run));
	run.db = srv->db;
	run.p = p;
	run.match = __atomic_load_n(&srv->match_vulns, __ATOMIC_RELAXED);
	run.feeds_state = __atomic_load_n(&srv->feeds_state, __ATOMIC_RELAXED);
	if (vg_rejudge_all(&run, &n, &err) != VG_OK)
		log_warnx(_("%s, but stored scans were not all judged "
			    "again: %s"),
			  why, err.msg);
	else
		vg_log_msg(VG_LOG_WARN, _("%s: %zu assets judged again"), why,
			   n);
}

/*
 * Look at the store's vulnerability feeds: whether reports are to be
 * matched, and whether the data changed since the last look (true:
 * every host wants matching again). A failure keeps the last state.
 */
static bool
refresh_feeds(struct server *srv)
{
	struct vg_store *s;
	struct vg_err err;
	int64_t state = 0;
	bool has = false, changed;

	vg_err_clear(&err);
	if ((s = signal_store(srv)) == NULL)
		return false;
	if (vg_vuln_store_state(s, &has, &state, &err) != VG_OK) {
		log_warnx(_("cannot read the vulnerability feeds: %s"),
			  err.msg);
		return false;
	}
	__atomic_store_n(&srv->match_vulns, has, __ATOMIC_RELAXED);
	changed = state != srv->feeds_state;
	/* Read by the request threads (ctx.feeds_state). */
	__atomic_store_n(&srv->feeds_state, state, __ATOMIC_RELAXED);
	return changed && has;
}

/* SIGHUP: swap in a new policy; requests in flight finish on the old. */
static void
reload(struct server *srv, const struct vg_server_config *cfg)
{
	struct vg_policy *p, *old;

	if (cfg->reload_policy == NULL)
		return;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warnx(_("cannot reload the policy: out of memory"));
		return;
	}
	if (!cfg->reload_policy(cfg->reload_ctx, p)) {
		free(p);
		log_warnx(_("policy not reloaded: the current one stays"));
		return;
	}
	(void)pthread_rwlock_wrlock(&srv->policy_lock);
	old = srv->owned;
	srv->policy = srv->owned = p;
	(void)pthread_rwlock_unlock(&srv->policy_lock);
	if (old != NULL) {
		vg_policy_release(old);
		free(old);
	}
	rejudge(srv, p, _("policy reloaded"));
}

/* Read the PEM files the daemon serves; out buffers wiped by caller. */
static enum vg_rc
load_pem(const struct vg_server_config *cfg, struct vg_buf *crt,
	 struct vg_buf *key, struct vg_err *err)
{
	char crt_path[4096], key_path[4096];
	enum vg_rc rc;

	if ((rc = vg_tls_paths(cfg->state_dir, cfg->cert, cfg->key, crt_path,
			       key_path, err)) != VG_OK)
		return rc;
	if ((rc = vg_file_read(crt_path, SERVER_MAX_PEM, crt, err)) != VG_OK)
		return rc;
	return vg_file_read(key_path, SERVER_MAX_PEM, key, err);
}

static unsigned
pool_size(unsigned asked)
{
	return vg_thread_count(asked, SERVER_MAX_THREADS);
}

/*
 * How many connections to take: every enrolled agent keeps one long-poll
 * open, so the open-file limit is raised to its hard limit first (a
 * systemd unit sets LimitNOFILE), then a reserve kept for the store,
 * the logs and the libraries.
 */
static unsigned
conn_limit(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return SERVER_CONN_MIN;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	n = rl.rlim_cur == RLIM_INFINITY ? SERVER_CONN_MAX : rl.rlim_cur;
	n = n > SERVER_FD_RESERVE ? n - SERVER_FD_RESERVE : 0;
	if (n < SERVER_CONN_MIN)
		n = SERVER_CONN_MIN;
	return n > SERVER_CONN_MAX ? SERVER_CONN_MAX : (unsigned)n;
}

/* Start the daemon on fd; NULL when libmicrohttpd refuses. */
static struct MHD_Daemon *
start_daemon(struct server *srv, const struct vg_server_config *cfg, int fd,
	     const struct vg_buf *crt, const struct vg_buf *key)
{
	struct MHD_OptionItem opts[16];
	/* Suspend/resume: the agents' long-polls (thread pool on epoll,
	 * with an inter-thread channel per worker, supports it). */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
		MHD_ALLOW_SUSPEND_RESUME;
	size_t n = 0;

#define OPT(o, v, p) (opts[n++] = (struct MHD_OptionItem){(o), (v), (p)})
	OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
	OPT(MHD_OPTION_THREAD_POOL_SIZE, pool_size(cfg->threads), NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, srv->conn_limit, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, SERVER_CONN_TIMEOUT, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv);
	OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL);
	if (srv->tls) {
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, key->data);
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, crt->data);
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0,
		    (void *)SERVER_TLS_PRIORITIES);
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
				MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

/* Wait for a stop signal, reloading the policy on SIGHUP. */
static void
wait_for_stop(struct server *srv, const struct vg_server_config *cfg,
	      const sigset_t *set)
{
	struct timespec wait;
	time_t next = time(NULL) + SERVER_VULN_REFRESH, now;
	const struct vg_policy *p;
	int sig;

	for (;;) {
		now = time(NULL);
		wait.tv_sec = next > now ? next - now : 0;
		wait.tv_nsec = 0;
		sig = sigtimedwait(set, NULL, &wait);
		if (sig == SIGHUP)
			reload(srv, cfg);
		else if (sig != -1)
			return;
		if (time(NULL) < next)
			continue;
		next = time(NULL) + SERVER_VULN_REFRESH;
		/* New feed data: match and judge every host again. p is
		 * only replaced (and freed) by reload, in this thread. */
		if (refresh_feeds(srv)) {
			p = srv->policy;
			rejudge(srv, p, _("vulnerability data updated"));
		}
	}
}

enum vg_rc
vg_server_run(const struct vg_server_config *cfg, struct vg_err *err)
{
	struct vg_policy *defaults = NULL;
	struct vg_store *store = NULL;
	struct MHD_Daemon *d = NULL;
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	struct vg_buf crt, key;
	struct server srv;
	struct vg_listen l;
	sigset_t set, old;
	char pin[128] = "", where[80];
	const char *why;
	enum vg_rc rc;
	int fd = -1;

	/* Before any thread exists, so every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	(void)pthread_sigmask(SIG_BLOCK, &set, &old);
	(void)signal(SIGPIPE, SIG_IGN);
	memset(&srv, 0, sizeof(srv));
	if (pthread_key_create(&srv.store_key, close_store) != 0) {
		(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	}
	srv.db = cfg->db;
	(void)pthread_rwlock_init(&srv.policy_lock, NULL);
	vg_buf_init(&crt, SERVER_MAX_PEM);
	vg_buf_init(&key, SERVER_MAX_PEM);

	if ((rc = vg_listen_parse(cfg->listen, &l, err)) != VG_OK)
		goto done;
	if (!cfg->tls && !l.loopback) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("--no-tls is accepted only on a loopback "
				  "address, not '%s'"),
				cfg->listen);
		goto done;
	}
	/* libmicrohttpd is opened here, the first time, before anything
	 * is made for a server that could not start without it. */
	if ((why = vg_mhd_error()) != NULL) {
		rc = vg_err_set(err, VG_ERR_IO, "%s", why);
		goto done;
	}
	srv.tls = cfg->tls;
	srv.stats.started_at = (int64_t)time(NULL);
	if (srv.tls &&
	    ((rc = vg_tls_ensure(cfg->state_dir, cfg->cert, cfg->key, pin,
				 err)) != VG_OK ||
	     (rc = load_pem(cfg, &crt, &key, err)) != VG_OK))
		goto done;
	if ((fd = open_listener(&l, cfg->listen, err)) == -1) {
		rc = VG_ERR_IO;
		goto done;
	}
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) == -1)
		bound = l.addr;
	if ((rc = drop_privileges(cfg->user, err)) != VG_OK)
		goto done;
	/* Open once here: creates and migrates the store before any
	 * worker does, and fails early when it cannot. */
	if ((rc = vg_store_open_sqlite(&store, cfg->db, err)) != VG_OK)
		goto done;
	vg_store_free(store);
	/* Whether reports are matched from the first one; hosts stored
	 * before are matched again only when the feeds change. */
	(void)refresh_feeds(&srv);
	srv.policy = cfg->policy;
	if (srv.policy == NULL) {
		if ((defaults = calloc(1, sizeof(*defaults))) == NULL) {
			rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
			goto done;
		}
		if ((rc = vg_policy_init(defaults, err)) != VG_OK) {
			free(defaults);
			goto done;
		}
		srv.policy = srv.owned = defaults;
	}

	srv.conn_limit = conn_limit();
	if ((rc = vg_longpoll_start(&srv.lp, cfg->db, err)) != VG_OK)
		goto done;
	/* Three quarters at most held by agents' long-polls: the rest
	 * for reports, the console and the API. */
	vg_longpoll_set_max(srv.lp, srv.conn_limit / 4 * 3);
	if ((d = start_daemon(&srv, cfg, fd, &crt, &key)) == NULL) {
		rc = vg_err_set(err, VG_ERR_IO,
				_("cannot start the HTTP server on %s"),
				cfg->listen);
		goto done;
	}
	fd = -1; /* the daemon's now: MHD_stop_daemon closes it */
	vg_listen_format(&bound, where, sizeof(where));
	if (srv.tls)
		printf("vigie: serving https://%s (pin %s)\n", where, pin);
	else
		printf("vigie: serving http://%s\n", where);
	(void)fflush(stdout);

	wait_for_stop(&srv, cfg, &set);
	/* Every held request resumed before the daemon stops. */
	vg_longpoll_stop(srv.lp);
	MHD_stop_daemon(d);
	rc = VG_OK;
done:
	if (fd != -1)
		(void)close(fd);
	if (srv.owned != NULL) {
		vg_policy_release(srv.owned);
		free(srv.owned);
	}
	if (key.data != NULL)
		sodium_memzero(key.data, key.len);
	vg_buf_release(&key);
	vg_buf_release(&crt);
	vg_store_free(srv.sig_store);
	vg_longpoll_free(srv.lp);
	(void)pthread_rwlock_destroy(&srv.policy_lock);
	(void)pthread_key_delete(srv.store_key);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
