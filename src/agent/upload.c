/*
 * POST to the server with libcurl (upload.h). The pin, when there is
 * one, is what authenticates the server: its certificate is
 * self-signed, so the usual chain and name checks are off and libcurl
 * compares the public key itself. Without a pin the system's CAs decide.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/upload.h"
#include "util/curl_lazy.h"
#include "util/text.h"
#include "util/banned.h"

#define URL_MAX 4096

struct vg_upload {
	CURL *curl;
	char *server;
	struct curl_slist *resolve; /* the server pinned (vg_upload_pin) */
	const volatile sig_atomic_t *stop;
	bool over_cap; /* the answer passed VG_UPLOAD_MAX_ANSWER */
	struct vg_buf *answer;
	char errbuf[CURL_ERROR_SIZE];
};

enum vg_rc
vg_upload_global_init(struct vg_err *err)
{
	(void)signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vg_curl_err(err);
	return VG_OK;
}

void
vg_upload_global_cleanup(void)
{
	curl_global_cleanup();
}

/* Keep the answer, refusing to grow past the cap (the transfer then
 * fails with CURLE_WRITE_ERROR). */
static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct vg_upload *u = ctx;
	size_t n = size * nmemb;

	if (vg_buf_add(u->answer, p, n) != VG_OK) {
		u->over_cap = true;
		return 0;
	}
	return n;
}

bool
vg_agent_curl_setup(CURL *c, const char *pin, char *errbuf)
{
	bool ok = true;

	/* No signals from libcurl (the agent owns them), bounded
	 * connection time, no redirects, plain HTTP(S) only. */
	ok = ok && curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
				 (long)VG_UPLOAD_CONNECT_TIMEOUT) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") ==
			CURLE_OK;
#else
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_PROTOCOLS,
				 (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) ==
			CURLE_OK;
#endif
	/* Straight to the server, never through a proxy named by the
	 * environment: isolation allows the address the connection used,
	 * which would then be the proxy's, and the proxy the internet. */
	ok = ok && curl_easy_setopt(c, CURLOPT_PROXY, "") == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_USERAGENT,
				 "vigie-agent/" VG_VERSION) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	/* The progress callback is how a stop request ends a transfer. */
	ok = ok && curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
	if (pin != NULL) {
		ok = ok &&
			curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, pin) ==
				CURLE_OK;
		ok = ok &&
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) ==
				CURLE_OK;
		ok = ok &&
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) ==
				CURLE_OK;
		/* The CAs are unused with a pin: not loading the system's
		 * hundreds of certificates saves megabytes per cycle. */
		ok = ok &&
			curl_easy_setopt(c, CURLOPT_CAINFO, NULL) == CURLE_OK;
		ok = ok &&
			curl_easy_setopt(c, CURLOPT_CAPATH, NULL) == CURLE_OK;
	}
	return ok;
}

/* A stop signal aborts a transfer at once instead of after the timeout;
 * the report stays spooled. */
static int
progress_cb(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	    curl_off_t ulnow)
{
	struct vg_upload *u = ctx;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return u->stop != NULL && *u->stop ? 1 : 0;
}

enum vg_rc
vg_upload_new(struct vg_upload **out, const char *server, const char *pin,
	      const volatile sig_atomic_t *stop, struct vg_err *err)
{
	struct vg_upload *u;
	CURL *c;
	bool ok = true;

	*out = NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->server = strdup(server)) == NULL) {
		if (u != NULL)
			free(u);
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	}
	u->stop = stop;
	if ((c = u->curl = curl_easy_init()) == NULL) {
		vg_upload_free(u);
		return vg_curl_err(err);
	}
	ok = vg_agent_curl_setup(c, pin, u->errbuf);
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)VG_UPLOAD_TIMEOUT) ==
			CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_WRITEDATA, u) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_XFERINFODATA, u) == CURLE_OK;
	if (!ok) {
		vg_upload_free(u);
		/* Pinning is the one option a build may lack. */
		return vg_err_set(err, VG_ERR_IO,
				  _("this libcurl cannot pin a public key or "
				    "lacks an option the agent needs"));
	}
	*out = u;
	return VG_OK;
}

struct curl_slist *
vg_agent_resolve_list(const char *host, long port, const char *ip)
{
	char entry[VG_AGENT_HOST_MAX + INET6_ADDRSTRLEN + 32];
	bool v6 = ip != NULL && strchr(ip, ':') != NULL;
	struct curl_slist *l, *more;

	/* "-host:port" first drops an older pin from libcurl's cache. */
	(void)snprintf(entry, sizeof(entry), "-%s:%ld", host, port);
	if ((l = curl_slist_append(NULL, entry)) == NULL || ip == NULL)
		return l;
	(void)snprintf(entry, sizeof(entry), "%s:%ld:%s%s%s", host, port,
		       v6 ? "[" : "", ip, v6 ? "]" : "");
	if ((more = curl_slist_append(l, entry)) == NULL)
		curl_slist_free_all(l);
	return more;
}

enum vg_rc
vg_upload_pin(struct vg_upload *u, const char *ip, struct vg_err *err)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char *host = NULL, *port = NULL;
	struct curl_slist *l;
	enum vg_rc rc = VG_OK;
	CURLU *url;
	int64_t p;
	size_t n;

	if ((url = curl_url()) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if (curl_url_set(url, CURLUPART_URL, u->server, 0) != CURLUE_OK ||
	    curl_url_get(url, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(url, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK ||
	    vg_parse_intz(port, 1, 65535, &p) != VG_OK ||
	    (n = strlen(host)) >= VG_AGENT_HOST_MAX) {
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("cannot read the host and port of '%s'"),
				u->server);
		goto done;
	}
	/* An IPv6 host comes as "[addr]"; an address needs no pin. */
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		memmove(host, host + 1, n - 1);
	}
	if (inet_pton(AF_INET, host, bin) == 1 ||
	    inet_pton(AF_INET6, host, bin) == 1)
		goto done;
	if ((l = vg_agent_resolve_list(host, (long)p, ip)) == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	(void)curl_easy_setopt(u->curl, CURLOPT_RESOLVE, l);
	curl_slist_free_all(u->resolve);
	u->resolve = l;
done:
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(url);
	return rc;
}

void
vg_upload_free(struct vg_upload *u)
{
	if (u == NULL)
		return;
	if (u->curl != NULL)
		curl_easy_cleanup(u->curl);
	curl_slist_free_all(u->resolve);
	free(u->server);
	free(u);
}

/* One line naming what failed, for the libcurl result rc. */
static enum vg_rc
transfer_error(struct vg_upload *u, const char *url, CURLcode rc,
	       struct vg_err *err)
{
	const char *why =
		u->errbuf[0] != '\0' ? u->errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return vg_err_set(err, VG_ERR_IO,
				  _("server unreachable: cannot resolve the "
				    "host of '%s'"),
				  url);
	case CURLE_COULDNT_CONNECT:
		return vg_err_set(err, VG_ERR_IO,
				  _("server unreachable: cannot connect to "
				    "'%s': %s"),
				  url, why);
	case CURLE_OPERATION_TIMEDOUT:
		return vg_err_set(err, VG_ERR_IO,
				  _("server unreachable: no answer from '%s' "
				    "within %d seconds"),
				  url, VG_UPLOAD_TIMEOUT);
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return vg_err_set(err, VG_ERR_IO,
				  _("pin mismatch: the public key of '%s' is "
				    "not the one given with --fingerprint; "
				    "refusing to talk to it"),
				  url);
	case CURLE_PEER_FAILED_VERIFICATION:
		return vg_err_set(err, VG_ERR_IO,
				  _("cannot verify the certificate of '%s' "
				    "(%s); give the server's pin with "
				    "--fingerprint"),
				  url, why);
	case CURLE_ABORTED_BY_CALLBACK:
		return vg_err_set(err, VG_ERR_IO,
				  _("request to '%s' interrupted"), url);
	case CURLE_WRITE_ERROR:
		if (u->over_cap)
			return vg_err_set(err, VG_ERR_IO,
					  _("the answer of '%s' is longer "
					    "than %u bytes"),
					  url, VG_UPLOAD_MAX_ANSWER);
		break;
	default:
		break;
	}
	return vg_err_set(err, VG_ERR_IO, _("request to '%s' failed: %s"), url,
			  why);
}

static bool
add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (l == NULL)
		return false;
	*list = l;
	return true;
}

enum vg_rc
vg_upload_post(struct vg_upload *u, const char *path, const char *auth,
	       const char *body, size_t len, long *status,
	       struct vg_buf *answer, struct vg_err *err)
{
	struct curl_slist *headers = NULL, *h;
	char url[URL_MAX], bearer[4096] = "";
	CURLcode crc;
	enum vg_rc rc = VG_OK;

	*status = 0;
	vg_buf_reset(answer);
	answer->max = VG_UPLOAD_MAX_ANSWER;
	if (snprintf(url, sizeof(url), "%s%s", u->server, path) >=
	    (int)sizeof(url))
		return vg_err_set(err, VG_ERR_USAGE, _("URL too long: '%s'"),
				  u->server);
	if (auth != NULL &&
	    snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s",
		     auth) >= (int)sizeof(bearer)) {
		rc = vg_err_set(err, VG_ERR_USAGE, _("credentials too long"));
		goto done;
	}
	/* "Expect:" off: waiting for 100-continue would add a round trip
	 * to every report. */
	if (!add_header(&headers, "Content-Type: application/json") ||
	    !add_header(&headers, "Expect:") ||
	    (auth != NULL && !add_header(&headers, bearer))) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	u->answer = answer;
	u->over_cap = false;
	u->errbuf[0] = '\0';
	if (curl_easy_setopt(u->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(u->curl, CURLOPT_HTTPHEADER, headers) !=
		    CURLE_OK ||
	    curl_easy_setopt(u->curl, CURLOPT_POSTFIELDSIZE_LARGE,
			     (curl_off_t)len) != CURLE_OK ||
	    curl_easy_setopt(u->curl, CURLOPT_POSTFIELDS, body) != CURLE_OK) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	if ((crc = curl_easy_perform(u->curl)) != CURLE_OK) {
		rc = transfer_error(u, url, crc, err);
		vg_buf_reset(answer);
		goto done;
	}
	(void)curl_easy_getinfo(u->curl, CURLINFO_RESPONSE_CODE, status);
done:
	/* The header list holds the secret: wipe it before it goes. */
	for (h = headers; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(headers);
	explicit_bzero(bearer, sizeof(bearer));
	(void)curl_easy_setopt(u->curl, CURLOPT_HTTPHEADER, NULL);
	(void)curl_easy_setopt(u->curl, CURLOPT_POSTFIELDS, NULL);
	u->answer = NULL;
	return rc;
}

void
vg_upload_error_text(const struct vg_buf *answer, char *out, size_t out_size)
{
	json_t *doc, *e;
	const char *s;
	size_t i, n = 0;

	if (out_size == 0)
		return;
	out[0] = '\0';
	if (answer->data == NULL)
		return;
	doc = json_loadb(answer->data, answer->len, JSON_REJECT_DUPLICATES,
			 NULL);
	if (doc == NULL)
		return;
	e = json_object_get(doc, "error");
	if (json_is_string(e)) {
		/* Untrusted text for a terminal or a log: no control
		 * characters (escape sequences), bounded. */
		s = json_string_value(e);
		for (i = 0; i < json_string_length(e) && n + 1 < out_size;
		     i++) {
			unsigned char c = (unsigned char)s[i];
			out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
		out[n] = '\0';
	}
	json_decref(doc);
}
