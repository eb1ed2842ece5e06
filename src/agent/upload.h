/*
 * The agent's HTTP client (libcurl): one POST of a JSON body to the
 * server, with the server's public key pinned when a pin is known.
 * Timeouts and a cap on the answer keep a hostile or stuck server from
 * holding the agent or its memory.
 */
#ifndef VG_AGENT_UPLOAD_H
#define VG_AGENT_UPLOAD_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/curl_lazy.h"
#include "util/err.h"

#define VG_UPLOAD_CONNECT_TIMEOUT 10 /* seconds */
#define VG_UPLOAD_TIMEOUT 60         /* seconds for a whole request */
#define VG_UPLOAD_MAX_ANSWER (64u << 10)

/* One client; reuse it for several requests to keep the connection. */
struct vg_upload;

/*
 * Initialise libcurl once per process (not thread-safe, call early),
 * and ignore SIGPIPE: a server closing the connection mid-request must
 * be an error return, not the end of the agent. VG_ERR_IO when libcurl
 * cannot start.
 */
enum vg_rc vg_upload_global_init(struct vg_err *err);

/* Undo vg_upload_global_init. */
void vg_upload_global_cleanup(void);

/*
 * A client for the server at base URL server ("https://host:port"),
 * pinning pin ("sha256//...") when not NULL; stop, when not NULL, is
 * polled during transfers and aborts them when it becomes non-zero.
 * Free with vg_upload_free.
 */
enum vg_rc vg_upload_new(struct vg_upload **out, const char *server,
			 const char *pin, const volatile sig_atomic_t *stop,
			 struct vg_err *err);
void vg_upload_free(struct vg_upload *u);

/*
 * POST body (JSON) to server + path ("/api/v1/reports"), with
 * "Authorization: Bearer <auth>" when auth is not NULL. On VG_OK the
 * server answered: *status is its HTTP status and answer holds the body
 * (at most VG_UPLOAD_MAX_ANSWER bytes). VG_ERR_IO when there is no
 * answer (unreachable, timeout, TLS or pin failure), with a one-line
 * message saying which.
 */
enum vg_rc vg_upload_post(struct vg_upload *u, const char *path,
			  const char *auth, const char *body, size_t len,
			  long *status, struct vg_buf *answer,
			  struct vg_err *err);

/*
 * The "error" member of a JSON error answer, made safe to print
 * (control characters replaced, at most out_size - 1 bytes), or "" when
 * there is none.
 */
void vg_upload_error_text(const struct vg_buf *answer, char *out,
			  size_t out_size);

/*
 * The transport rules every request of the agent follows, on the libcurl
 * handle c: no signals, a bounded connection time, no redirects, HTTP(S)
 * only, the agent's user agent, libcurl's messages to errbuf
 * (CURL_ERROR_SIZE bytes), the progress callback on (the caller sets it:
 * it is how a stop ends a transfer), and the server's key pinned (pin
 * "sha256//...") or, pin NULL, the system's CAs. false when this libcurl
 * refuses one of them.
 */
bool vg_agent_curl_setup(CURL *c, const char *pin, char *errbuf);

/* Longest server host name the agent pins (a DNS name is 253). */
#define VG_AGENT_HOST_MAX 256

/*
 * libcurl's CURLOPT_RESOLVE list that pins host:port to ip (an address
 * literal), after an entry dropping an older pin; with ip NULL only the
 * drop. NULL on no memory. The caller frees it with curl_slist_free_all
 * once the handle no longer uses it.
 */
struct curl_slist *vg_agent_resolve_list(const char *host, long port,
					 const char *ip);

/*
 * Connect to the server at ip from now on, without asking DNS (an
 * isolated host has none): its host name pinned, unless the server's
 * URL already names an address. VG_ERR_PARSE for a URL whose host and
 * port cannot be read.
 */
enum vg_rc vg_upload_pin(struct vg_upload *u, const char *ip,
			 struct vg_err *err);

#endif
