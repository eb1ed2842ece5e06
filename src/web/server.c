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
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/policy.h"
#include "store/store.h"
#include "web/http.h"
#include "web/routes.h"
#include "web/server.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/root.h"
#include "util/banned.h"

#define SERVER_MAX_THREADS 64  /* thread pool ceiling */
#define SERVER_CONN_LIMIT 1024 /* connections at once */
#define SERVER_CONN_TIMEOUT 30 /* seconds of silence before close */
#define SERVER_LISTEN_BACKLOG 128
#define SERVER_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define SERVER_MAX_PEM (1u << 20)

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
};

/* Per request: its route and its body, capped by the route. */
struct conn {
	const struct vg_route *route;
	struct vg_buf body;
	bool answered; /* a response is queued: ignore the rest */
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

/* Queue resp (consumed) with the API's headers. */
static enum MHD_Result
send_response(struct MHD_Connection *c, struct vg_http_response *resp)
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
				      "application/json");
	(void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				      "no-store");
	(void)MHD_add_response_header(r, "Content-Security-Policy",
				      "default-src 'none'; "
				      "frame-ancestors 'none'");
	(void)MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (resp->status == 401)
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
refuse(struct conn *cx, struct MHD_Connection *c, struct vg_http_response *resp)
{
	cx->answered = true;
	return send_response(c, resp);
}

/*
 * Run h on the request as received so far (the whole body, or none for
 * a precheck). false when this thread has no store to give it.
 */
static bool
run_handler(struct server *srv, struct MHD_Connection *c, const struct conn *cx,
	    vg_api_handler h, struct vg_http_response *resp)
{
	struct vg_http_request req;
	struct vg_api_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	if ((ctx.store = thread_store(srv)) == NULL)
		return false;
	ctx.now = (int64_t)time(NULL);
	req.method = cx->route->method;
	req.path = cx->route->path;
	req.authorization = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	req.body = cx->body.data != NULL ? cx->body.data : "";
	req.body_len = cx->body.len;
	(void)pthread_rwlock_rdlock(&srv->policy_lock);
	ctx.policy = srv->policy;
	h(&ctx, &req, resp);
	(void)pthread_rwlock_unlock(&srv->policy_lock);
	return true;
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
			return refuse(cx, c, &resp);
		}
		vg_buf_init(&cx->body, cx->route->max_body);
		if (vg_http_length_over(MHD_lookup_connection_value(
						c, MHD_HEADER_KIND,
						MHD_HTTP_HEADER_CONTENT_LENGTH),
					cx->route->max_body)) {
			vg_http_error(&resp, 413, "body: larger than %zu bytes",
				      cx->route->max_body);
			return refuse(cx, c, &resp);
		}
		if (cx->route->precheck != NULL &&
		    !run_handler(srv, c, cx, cx->route->precheck, &resp))
			vg_http_error(&resp, 500, "internal error");
		if (resp.status != 0)
			return refuse(cx, c, &resp);
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
		if (refuse(cx, c, &resp) != MHD_YES)
			return MHD_NO;
		return MHD_YES;
	}

	/* The whole request is here: run its handler. */
	if (!run_handler(srv, c, cx, cx->route->handler, &resp))
		vg_http_error(&resp, 500, "internal error");
	cx->answered = true;
	return send_response(c, &resp);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct conn *cx = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (cx == NULL)
		return;
	/* An enrolment body holds a token: wipe what we kept. */
	if (cx->body.data != NULL)
		sodium_memzero(cx->body.data, cx->body.len);
	vg_buf_release(&cx->body);
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
	log_info(_("policy reloaded (stored scans are not re-judged)"));
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
	long n = asked;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > SERVER_MAX_THREADS)
		n = SERVER_MAX_THREADS;
	return (unsigned)n;
}

/* Start the daemon on fd; NULL when libmicrohttpd refuses. */
static struct MHD_Daemon *
start_daemon(struct server *srv, const struct vg_server_config *cfg, int fd,
	     const struct vg_buf *crt, const struct vg_buf *key)
{
	struct MHD_OptionItem opts[16];
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	size_t n = 0;

#define OPT(o, v, p) (opts[n++] = (struct MHD_OptionItem){(o), (v), (p)})
	OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
	OPT(MHD_OPTION_THREAD_POOL_SIZE, pool_size(cfg->threads), NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, SERVER_CONN_LIMIT, NULL);
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
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			reload(srv, cfg);
		else
			return;
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
	srv.tls = cfg->tls;
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
	(void)pthread_rwlock_destroy(&srv.policy_lock);
	(void)pthread_key_delete(srv.store_key);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
