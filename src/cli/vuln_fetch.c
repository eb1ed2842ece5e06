/*
 * Feed downloads with libcurl (vuln_fetch.h). Feeds are public data, but
 * what they say decides which hosts are reported vulnerable: they come
 * over HTTPS checked against the system's CAs, never plain HTTP (but
 * to this machine, for tests), and a body is capped before it is read.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/vuln_fetch.h"
#include "util/curl_lazy.h"
#include "util/banned.h"

/* Waiting for a connection, and for a stalled transfer: a feed of
 * hundreds of MB may take minutes, so no total timeout, but a link
 * slower than FETCH_LOW_SPEED bytes/s for FETCH_LOW_TIME s is given up. */
#define FETCH_CONNECT_TIMEOUT 30L
#define FETCH_LOW_SPEED 1024L
#define FETCH_LOW_TIME 60L
#define FETCH_MAX_REDIRS 5L
/* A header line's longest kept value, the URL's longest length. */
#define FETCH_URL_MAX 4096
/* The progress bar: redrawn at most every 100 ms, this many cells. */
#define FETCH_BAR_NS 100000000LL
#define FETCH_BAR_CELLS 30

struct fetch {
	const struct vg_fetch_req *rq;
	struct vg_buf *body;
	struct vg_fetch_res *res;
	bool over_cap;
	bool drawn;        /* the bar is on the terminal */
	long long last_ns; /* its last redraw */
};

enum vg_rc
vg_fetch_global_init(struct vg_err *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vg_curl_err(err);
	return VG_OK;
}

void
vg_fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

bool
vg_fetch_is_url(const char *s)
{
	const char *p = strstr(s, "://");
	const char *c;

	if (p == NULL || p == s)
		return false;
	for (c = s; c < p; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return false;
	return true;
}

/* The host names a loopback address: "localhost", 127.0.0.0/8, ::1. */
static bool
loopback_host(const char *host)
{
	unsigned char a4[4], a6[16];
	static const unsigned char one6[16] = {[15] = 1};
	char h[64];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, a4) == 1)
		return a4[0] == 127;
	/* libcurl gives an IPv6 host in its brackets. */
	if (n >= 2 && n < sizeof(h) && host[0] == '[' && host[n - 1] == ']') {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		return inet_pton(AF_INET6, h, a6) == 1 &&
			memcmp(a6, one6, sizeof(a6)) == 0;
	}
	return false;
}

/*
 * Check url: https, or http to a loopback host. *plain tells the
 * latter. VG_ERR_USAGE with err naming why otherwise.
 */
static enum vg_rc
check_url(const char *url, bool *plain, struct vg_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	enum vg_rc rc = VG_OK;

	*plain = false;
	if (u == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = vg_err_set(err, VG_ERR_USAGE, _("not a valid URL: '%s'"),
				url);
	} else if (strcmp(scheme, "https") == 0) {
		rc = VG_OK;
	} else if (strcmp(scheme, "http") == 0 && loopback_host(host)) {
		*plain = true;
	} else {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("refusing '%s': feeds are downloaded over "
				  "https only"),
				url);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct fetch *f = ctx;
	size_t n = size * nmemb;

	if (vg_buf_add(f->body, p, n) != VG_OK) {
		f->over_cap = true;
		return 0;
	}
	return n;
}

/* Keep value (len bytes, trimmed) into out when it is printable ASCII
 * that fits: it is sent back as a header, so no control byte. */
static void
keep_validator(char *out, const char *v, size_t len)
{
	size_t i;

	out[0] = '\0';
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 &&
	       (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' ' ||
		v[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= VG_FETCH_VALIDATOR_MAX)
		return;
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return;
	memcpy(out, v, len);
	out[len] = '\0';
}

/* The validators of the final response: a redirect's are forgotten at
 * the next status line. */
static size_t
header_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	static const char etag[] = "etag:", lm[] = "last-modified:";
	struct fetch *f = ctx;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		f->res->etag[0] = '\0';
		f->res->last_modified[0] = '\0';
	} else if (n > sizeof(etag) - 1 &&
		   strncasecmp(p, etag, sizeof(etag) - 1) == 0) {
		keep_validator(f->res->etag, p + sizeof(etag) - 1,
			       n - (sizeof(etag) - 1));
	} else if (n > sizeof(lm) - 1 &&
		   strncasecmp(p, lm, sizeof(lm) - 1) == 0) {
		keep_validator(f->res->last_modified, p + sizeof(lm) - 1,
			       n - (sizeof(lm) - 1));
	}
	return n;
}

static long long
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "label [#######       ]  45%  12.3 of 27.0 MB", or the bytes so far
 * when the server gives no length. */
static int
progress_cb(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	    curl_off_t ulnow)
{
	struct fetch *f = ctx;
	char bar[FETCH_BAR_CELLS + 1];
	long long t = now_ns();
	int cells, i;

	(void)ultotal;
	(void)ulnow;
	if (!f->rq->progress || dlnow == 0 || t - f->last_ns < FETCH_BAR_NS)
		return 0;
	f->last_ns = t;
	f->drawn = true;
	if (dltotal > 0 && dlnow <= dltotal) {
		cells = (int)(dlnow * FETCH_BAR_CELLS / dltotal);
		for (i = 0; i < FETCH_BAR_CELLS; i++)
			bar[i] = i < cells ? '#' : ' ';
		bar[FETCH_BAR_CELLS] = '\0';
		fprintf(stderr, "\r%s [%s] %3d%%  %.1f of %.1f MB\033[K",
			f->rq->label, bar, (int)(dlnow * 100 / dltotal),
			(double)dlnow / 1e6, (double)dltotal / 1e6);
	} else {
		fprintf(stderr, _("\r%s: %.1f MB downloaded\033[K"),
			f->rq->label, (double)dlnow / 1e6);
	}
	(void)fflush(stderr);
	return 0;
}

/* The options of one download; false when this libcurl lacks one. */
static bool
setup(CURL *c, struct fetch *f, bool plain, struct curl_slist *headers,
      char *errbuf)
{
	bool ok = true;

	ok = ok && curl_easy_setopt(c, CURLOPT_URL, f->rq->url) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
				 FETCH_CONNECT_TIMEOUT) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, FETCH_LOW_SPEED) ==
			CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, FETCH_LOW_TIME) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, FETCH_MAX_REDIRS) ==
			CURLE_OK;
	/* Plain HTTP is for the first request to loopback only: a
	 * redirect must be to HTTPS, wherever it comes from. */
#if LIBCURL_VERSION_NUM >= 0x075500
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
				 plain ? "http" : "https") == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https") ==
			CURLE_OK;
#else
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_PROTOCOLS,
				 (long)(plain ? CURLPROTO_HTTP
					      : CURLPROTO_HTTPS)) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
				 (long)CURLPROTO_HTTPS) == CURLE_OK;
#endif
	/* gzip and deflate content-encodings are decoded by libcurl. */
	ok = ok && curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
				 (curl_off_t)f->body->max) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_USERAGENT, "vigie/" VG_VERSION) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_WRITEDATA, f) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_HEADERDATA, f) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_XFERINFODATA, f) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
	return ok;
}

/* "If-None-Match: v" into the list; false when out of memory. */
static bool
add_header(struct curl_slist **list, const char *name, const char *v)
{
	char line[VG_FETCH_VALIDATOR_MAX + 32];
	struct curl_slist *l;

	if (v == NULL || v[0] == '\0')
		return true;
	/* A stored value with a line break would add a header of its own. */
	if (strpbrk(v, "\r\n") != NULL ||
	    snprintf(line, sizeof(line), "%s: %s", name, v) >=
		    (int)sizeof(line))
		return true;
	if ((l = curl_slist_append(*list, line)) == NULL)
		return false;
	*list = l;
	return true;
}

static enum vg_rc
transfer_error(const struct fetch *f, CURLcode crc, const char *errbuf,
	       struct vg_err *err)
{
	const char *why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(crc);

	if ((crc == CURLE_WRITE_ERROR && f->over_cap) ||
	    crc == CURLE_FILESIZE_EXCEEDED)
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("'%s' is larger than %zu MiB"), f->rq->url,
				  f->body->max >> 20);
	if (crc == CURLE_UNSUPPORTED_PROTOCOL)
		return vg_err_set(err, VG_ERR_IO,
				  _("download of '%s' refused: a redirect "
				    "leaves https"),
				  f->rq->url);
	return vg_err_set(err, VG_ERR_IO, _("cannot download '%s': %s"),
			  f->rq->url, why);
}

enum vg_rc
vg_fetch(const struct vg_fetch_req *rq, struct vg_buf *body,
	 struct vg_fetch_res *res, struct vg_err *err)
{
	struct fetch f = {.rq = rq, .body = body, .res = res};
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = NULL;
	CURLcode crc;
	enum vg_rc rc;
	bool plain;

	memset(res, 0, sizeof(*res));
	vg_buf_reset(body);
	if (strlen(rq->url) >= FETCH_URL_MAX)
		return vg_err_set(err, VG_ERR_USAGE, _("URL too long"));
	if ((rc = check_url(rq->url, &plain, err)) != VG_OK)
		return rc;
	if (!add_header(&headers, "If-None-Match", rq->etag) ||
	    !add_header(&headers, "If-Modified-Since", rq->last_modified)) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	if ((c = curl_easy_init()) == NULL ||
	    !setup(c, &f, plain, headers, errbuf)) {
		rc = vg_curl_err(err);
		goto done;
	}
	crc = curl_easy_perform(c);
	if (f.drawn)
		fputs("\r\033[K", stderr);
	if (crc != CURLE_OK) {
		rc = transfer_error(&f, crc, errbuf, err);
		goto done;
	}
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	if (res->status == 304) {
		res->not_modified = true;
		vg_buf_reset(body);
	} else if (res->status != 200) {
		rc = vg_err_set(err, VG_ERR_IO,
				_("cannot download '%s': HTTP status %ld"),
				rq->url, res->status);
	}
done:
	if (rc != VG_OK)
		vg_buf_reset(body);
	curl_slist_free_all(headers);
	if (c != NULL)
		curl_easy_cleanup(c);
	return rc;
}
