/*
 * HTTP helpers of `vigie serve` (http.h): listen addresses, capped
 * request bodies, bearer credentials, arguments, JSON responses.
 * Everything here sees bytes from the network: nothing trusts a
 * length, and every parse refuses rather than guesses.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json_util.h"
#include "web/http.h"
#include "web/routes.h"
#include "web/server.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/* Whether the IPv4 or IPv6 address a is a loopback one. */
static bool
addr_loopback(const struct sockaddr_storage *a)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;

	if (a->ss_family == AF_INET)
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
	if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
		return true;
	return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
		in6->sin6_addr.s6_addr[12] == 127;
}

enum vg_rc
vg_listen_parse(const char *s, struct vg_listen *out, struct vg_err *err)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&out->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->addr;
	char host[INET6_ADDRSTRLEN + 1];
	const char *h, *colon;
	size_t hn;
	int64_t port;

	memset(out, 0, sizeof(*out));
	if (s == NULL || s[0] == '\0')
		goto bad;
	if (s[0] == '[') {
		/* "[IPv6]:PORT" */
		if ((colon = strchr(s, ']')) == NULL || colon[1] != ':')
			goto bad;
		h = s + 1;
		hn = (size_t)(colon - h);
		colon++;
		if (hn == 0)
			goto bad;
	} else {
		/* "IPv4:PORT" or ":PORT"; a bare IPv6 needs brackets. */
		if ((colon = strrchr(s, ':')) == NULL)
			goto bad;
		h = s;
		hn = (size_t)(colon - s);
		if (memchr(h, ':', hn) != NULL)
			goto bad;
	}
	if (hn >= sizeof(host) ||
	    vg_parse_intz(colon + 1, 0, 65535, &port) != VG_OK)
		goto bad;
	memcpy(host, h, hn);
	host[hn] = '\0';

	if (hn == 0) {
		/* Every address: IPv6 any, dual-stack where the host has it. */
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_any;
		in6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*in6);
		out->any = true;
	} else if (s[0] != '[' &&
		   (strcmp(host, "localhost") == 0 ||
		    inet_pton(AF_INET, host, &in4->sin_addr) == 1)) {
		if (strcmp(host, "localhost") == 0)
			in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*in4);
	} else if (s[0] == '[' &&
		   inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*in6);
	} else
		goto bad;
	out->loopback = addr_loopback(&out->addr);
	return VG_OK;
bad:
	memset(out, 0, sizeof(*out));
	return vg_err_set(err, VG_ERR_USAGE,
			  _("bad listen address '%s' (ADDR:PORT, with a "
			    "numeric IPv4 address, [IPv6] or nothing for "
			    "every address)"),
			  s != NULL ? s : "");
}

void
vg_listen_format(const struct sockaddr_storage *addr, char *out, size_t size)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)addr;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
	char host[INET6_ADDRSTRLEN];

	if (addr->ss_family == AF_INET) {
		(void)inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		(void)snprintf(out, size, "%s:%u", host,
			       (unsigned)ntohs(in4->sin_port));
	} else if (addr->ss_family == AF_INET6) {
		(void)inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		(void)snprintf(out, size, "[%s]:%u", host,
			       (unsigned)ntohs(in6->sin6_port));
	} else
		(void)snprintf(out, size, "?");
}

void
vg_http_response_release(struct vg_http_response *resp)
{
	if (resp->body != NULL && resp->secret)
		sodium_memzero(resp->body, resp->len);
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}

void
vg_http_json(struct vg_http_response *resp, unsigned status, json_t *v)
{
	char *text = NULL;

	vg_http_response_release(resp);
	if (v != NULL)
		text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (text == NULL) {
		/* Out of memory: a 500 with a body we can still make. */
		resp->status = 500;
		resp->body = strdup("{\"error\":\"out of memory\"}");
		resp->len = resp->body != NULL ? strlen(resp->body) : 0;
		return;
	}
	resp->status = status;
	resp->body = text;
	resp->len = strlen(text);
}

void
vg_http_error(struct vg_http_response *resp, unsigned status, const char *fmt,
	      ...)
{
	char msg[VG_ERR_MSG_MAX];
	json_t *s, *v = NULL;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A message may quote input: vg_json_str keeps it valid UTF-8. */
	if ((s = vg_json_str(msg)) != NULL)
		v = json_pack("{s:o}", "error", s);
	resp->secret = false;
	vg_http_json(resp, status, v);
}

json_t *
vg_http_body_object(const struct vg_http_request *req,
		    struct vg_http_response *resp)
{
	json_error_t jerr;
	json_t *doc;

	doc = json_loadb(req->body != NULL ? req->body : "", req->body_len,
			 JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		vg_http_error(resp, 400, "body: line %d, column %d: %s",
			      jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		vg_http_error(resp, 400, "body: not a JSON object");
		return NULL;
	}
	return doc;
}

/* Printable ASCII without space: what an id or a secret may hold. */
static bool
token_char(char c)
{
	return c > ' ' && c < 0x7f;
}

bool
vg_http_bearer(const char *header, char id[VG_STORE_ID_MAX],
	       char secret[VG_BEARER_SECRET_MAX])
{
	const char *p = header, *colon, *end;
	size_t idn, sn;

	if (p == NULL)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return false;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL)
		return false;
	idn = (size_t)(colon - p);
	sn = (size_t)(end - colon - 1);
	if (idn == 0 || idn >= VG_STORE_ID_MAX || sn == 0 ||
	    sn >= VG_BEARER_SECRET_MAX)
		return false;
	for (const char *c = p; c < end; c++)
		if (!token_char(*c))
			return false;
	memcpy(id, p, idn);
	id[idn] = '\0';
	memcpy(secret, colon + 1, sn);
	secret[sn] = '\0';
	return true;
}

bool
vg_uuid_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	/* Version 4, RFC variant (10xx). */
	return s[36] == '\0' && s[14] == '4' && strchr("89abAB", s[19]) != NULL;
}

bool
vg_http_length_over(const char *content_length, size_t max)
{
	const char *p = content_length;
	uint64_t v = 0;

	if (p == NULL)
		return false;
	while (*p == ' ')
		p++;
	/* Digits only; anything else is libmicrohttpd's to refuse. */
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return true;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v > max;
}

enum vg_rc
vg_http_body_add(struct vg_buf *body, const char *p, size_t n)
{
	/* vg_buf refuses past its max and leaves the buffer unchanged. */
	return vg_buf_add(body, p, n);
}

void
vg_api_lock(const struct vg_api_ctx *ctx)
{
	if (ctx->store_lock != NULL)
		(void)pthread_mutex_lock(ctx->store_lock);
}

void
vg_api_unlock(const struct vg_api_ctx *ctx)
{
	if (ctx->store_lock != NULL)
		(void)pthread_mutex_unlock(ctx->store_lock);
}

void
vg_api_log_error(const char *what, const struct vg_err *err)
{
	log_warnx(_("%s: %s"), what, err->msg);
}

const char *
vg_http_arg(const struct vg_http_request *req, const char *key)
{
	size_t i;

	for (i = 0; i < req->n_args; i++)
		if (strcmp(req->args[i].key, key) == 0)
			return req->args[i].value;
	return NULL;
}

bool
vg_http_same_origin(const struct vg_http_request *req)
{
	const char *o = req->origin, *h;

	if (o == NULL)
		return true;
	/* "https://HOST[:PORT]" must name the Host header exactly. */
	if (strncmp(o, "https://", 8) == 0)
		o += 8;
	else if (strncmp(o, "http://", 7) == 0)
		o += 7;
	else
		return false;
	h = req->host;
	return h != NULL && strcasecmp(o, h) == 0;
}
