/*
 * The HTTP layer of `vigie serve`, private to web/: listen addresses,
 * request bodies with a ceiling, bearer credentials, JSON responses. No
 * libmicrohttpd type appears here, so handlers and these helpers are
 * tested and fuzzed without a socket.
 */
#ifndef VG_WEB_HTTP_H
#define VG_WEB_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/policy.h"
#include "store/store.h"
#include "web/auth.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/uuid.h"

/* A parsed --listen value. */
struct vg_listen {
	struct sockaddr_storage addr;
	socklen_t len;
	bool loopback; /* 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104 */
	bool any;      /* ":PORT": every address (IPv6 and IPv4) */
};

/*
 * Parse "ADDR:PORT": a numeric IPv4 address, "[IPv6]" or nothing (every
 * address); PORT 0-65535 (0: the kernel picks one). VG_ERR_USAGE with a
 * message naming the value otherwise.
 */
enum vg_rc vg_listen_parse(const char *s, struct vg_listen *out,
			   struct vg_err *err);
/* "127.0.0.1:8443" or "[::1]:8443" for addr (port as bound) into out. */
void vg_listen_format(const struct sockaddr_storage *addr, char *out,
		      size_t size);

/* A key and its (decoded) value: a query or form argument. */
struct vg_http_kv {
	const char *key;
	const char *value;
};

#define VG_HTTP_MAX_PARAMS 4 /* "{}" segments of a route's path */
#define VG_HTTP_MAX_ARGS 32  /* query and form arguments kept */
#define VG_SESSION_COOKIE "vigie_session"
#define VG_LANG_COOKIE "vigie_lang"

/* A request as the handlers see it; every pointer is borrowed. */
struct vg_http_request {
	const char *method;
	const char *path;          /* the route's pattern */
	const char *url;           /* the path asked, without the query */
	const char *authorization; /* the header, or NULL */
	const char *body;          /* NUL-terminated; may hold NUL bytes */
	size_t body_len;
	/* The "{}" segments of the route's path, in order ("/api/v1/
	 * assets/{}" gives params[0] = "42"). */
	const char *params[VG_HTTP_MAX_PARAMS];
	size_t n_params;
	/* Query-string arguments, then the fields of an
	 * application/x-www-form-urlencoded body, decoded. */
	struct vg_http_kv args[VG_HTTP_MAX_ARGS];
	size_t n_args;
	const char *session_cookie;  /* VG_SESSION_COOKIE's value, or NULL */
	const char *lang_cookie;     /* VG_LANG_COOKIE's value, or NULL */
	const char *accept_language; /* the header, or NULL */
	const char *origin;          /* the Origin header, or NULL */
	const char *host;            /* the Host header, or NULL */
	const char *client;          /* the peer's address, as text */
	bool tls;                    /* the request came over TLS */
};

/*
 * False when the request names an Origin other than the host it was sent
 * to: a form posted from another site. No Origin (an old browser, curl)
 * passes; SameSite cookies cover the rest.
 */
bool vg_http_same_origin(const struct vg_http_request *req);

/* The first value of argument key, or NULL. */
const char *vg_http_arg(const struct vg_http_request *req, const char *key);

/* A response: a body the server sends then frees (wiped first when it
 * holds a secret). JSON unless content_type says otherwise. */
struct vg_http_response {
	unsigned status;
	char *body;
	size_t len;
	bool secret;              /* wipe body before freeing */
	char allow[64];           /* 405: the Allow header */
	const char *content_type; /* static; NULL: application/json */
	bool html;                /* a console page: its CSP and headers */
	char location[512];       /* 30x: Location, else empty */
	char set_cookie[512];     /* Set-Cookie, else empty */
	long max_age;             /* > 0: cacheable this long (static) */
};

void vg_http_response_release(struct vg_http_response *resp);
/* Set status and body to the compact JSON text of v (stolen). A failed
 * encoding is a 500. */
void vg_http_json(struct vg_http_response *resp, unsigned status, json_t *v);
/* {"error": "<message>"} with status; the message is English text. */
void vg_http_error(struct vg_http_response *resp, unsigned status,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The request's body as a JSON object (duplicate keys refused), or NULL
 * after answering 400 with where it is wrong. */
json_t *vg_http_body_object(const struct vg_http_request *req,
			    struct vg_http_response *resp);

/*
 * Credentials of "Authorization: Bearer <id>:<secret>" (scheme in any
 * case). id is at most VG_STORE_ID_MAX - 1 bytes and secret at most
 * VG_BEARER_SECRET_MAX - 1, both printable ASCII without ':' in the id;
 * false otherwise (out unchanged but possibly partly written).
 */
#define VG_BEARER_SECRET_MAX 256
bool vg_http_bearer(const char *header, char id[VG_STORE_ID_MAX],
		    char secret[VG_BEARER_SECRET_MAX]);

/* True when s is a version-4-shaped UUID (any case). */
bool vg_uuid_valid(const char *s);

/*
 * Request bodies: a body larger than max is refused as soon as its
 * declared length (Content-Length) or its received bytes pass max, and
 * never buffered beyond it.
 */
bool vg_http_length_over(const char *content_length, size_t max);
/* Append n bytes; VG_ERR_LIMIT past the buffer's max, VG_ERR_NOMEM. */
enum vg_rc vg_http_body_add(struct vg_buf *body, const char *p, size_t n);

/* Who is asking: checked by the server before the handler runs, for
 * every route that asks for a user (struct vg_route.auth). */
enum vg_principal_kind {
	VG_PRINCIPAL_NONE,
	VG_PRINCIPAL_APIKEY,  /* Authorization: Bearer <id>:<secret> */
	VG_PRINCIPAL_SESSION, /* the console's session cookie */
};

struct vg_principal {
	enum vg_principal_kind kind;
	char name[VG_STORE_NAME_MAX]; /* user name, or "apikey:<id>" */
	enum vg_role role;
	char csrf[VG_STORE_HASH_MAX]; /* the session's CSRF token */
	char session_hash[VG_HASH_HEX];
};

/* What a handler may use: the store (with the lock to take around each
 * call, or NULL in a single thread), the policy judging reports, and
 * who is asking. */
struct vg_api_ctx {
	struct vg_store *store;
	pthread_mutex_t *store_lock;
	const struct vg_policy *policy;
	int64_t now;
	const struct vg_principal *principal; /* never NULL */
	struct vg_server_stats *stats;        /* for /metrics */
	/* The store holds package feeds: reports are matched against the
	 * known vulnerabilities on arrival (vuln/match.h). */
	bool match_vulns;
	/* The feeds' state (vg_vuln_store_state) when match_vulns: part
	 * of the key of matching results reused (core/section_cache.h). */
	int64_t feeds_state;
};

/* Counters kept by the server (atomics), read by /metrics. */
struct vg_server_stats {
	unsigned long long requests;
	unsigned long long reports_stored;
	unsigned long long reports_duplicate;
	unsigned long long reports_refused;
	unsigned long long errors;
	int64_t started_at;
};

void vg_api_lock(const struct vg_api_ctx *ctx);
void vg_api_unlock(const struct vg_api_ctx *ctx);

/* Log a server-side failure (a 500): the store's message goes to the
 * log, never to the client. */
void vg_api_log_error(const char *what, const struct vg_err *err);

struct vg_agent_rec;
/*
 * The agents' routes: check req's bearer "agent_id:secret" against the
 * store; true with *agent filled, or false after answering (401 for
 * missing or wrong credentials, the same for an unknown agent and a
 * wrong secret; 500 for a store failure, logged as what).
 */
/*
 * A report's envelope (POST /api/v1/reports and /devices): the body as a
 * JSON object (duplicate keys refused) with a "uuid" v4, copied lower
 * case into uuid. The new document (caller decrefs), or NULL after a
 * 400 naming what is wrong.
 */
json_t *vg_api_report_envelope(const struct vg_http_request *req,
			       char uuid[VG_UUID_LEN + 1],
			       struct vg_http_response *resp);

bool vg_api_agent_auth(const struct vg_api_ctx *ctx,
		       const struct vg_http_request *req,
		       struct vg_agent_rec *agent,
		       struct vg_http_response *resp, const char *what);

typedef void (*vg_api_handler)(const struct vg_api_ctx *ctx,
			       const struct vg_http_request *req,
			       struct vg_http_response *resp);

/* TLS (tls.c): the certificate and key paths used for these arguments
 * (state_dir's server.crt and server.key unless both are given). */
enum vg_rc vg_tls_paths(const char *state_dir, const char *cert,
			const char *key, char crt_out[4096], char key_out[4096],
			struct vg_err *err);

#endif
