/*
 * Downloading a vulnerability feed (`vigie vuln update --kev URL`...)
 * with libcurl: the whole body into memory under a size cap, a
 * conditional request from the validators of the previous download,
 * HTTPS only (plain HTTP to a loopback host only, for tests), a
 * progress bar on stderr when it is a terminal.
 */
#ifndef VG_CLI_VULN_FETCH_H
#define VG_CLI_VULN_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Validators kept of a response: longer ones are not kept. */
#define VG_FETCH_VALIDATOR_MAX 512

struct vg_fetch_req {
	const char *url;
	const char *label; /* "kev": the progress bar's name */
	/* The previous download's validators (NULL: none): sent as
	 * If-None-Match and If-Modified-Since. */
	const char *etag, *last_modified;
	bool progress; /* draw the bar (stderr is a terminal) */
};

struct vg_fetch_res {
	bool not_modified; /* 304: body empty, the stored data is current */
	long status;       /* the final HTTP status */
	/* The response's validators, "" when absent or unusable. */
	char etag[VG_FETCH_VALIDATOR_MAX];
	char last_modified[VG_FETCH_VALIDATOR_MAX];
};

/* curl_global_init / cleanup, once per process. */
enum vg_rc vg_fetch_global_init(struct vg_err *err);
void vg_fetch_global_cleanup(void);

/* s looks like a URL ("scheme://"): fetched, not read as a file. */
bool vg_fetch_is_url(const char *s);

/*
 * GET rq->url into body (reset first; body->max caps it: a larger body
 * fails with VG_ERR_LIMIT). Redirects are followed (at most 5, HTTPS
 * only). VG_OK with res->not_modified for a 304; VG_ERR_USAGE for a URL
 * that is not https:// (or http:// to localhost, 127.0.0.0/8, [::1]);
 * VG_ERR_IO for a failed transfer or a status other than 200 or 304,
 * err naming the URL and why.
 */
enum vg_rc vg_fetch(const struct vg_fetch_req *rq, struct vg_buf *body,
		    struct vg_fetch_res *res, struct vg_err *err);

#endif
