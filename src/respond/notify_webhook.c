/*
 * Alerts by webhook (notify_private.h): the JSON body and one POST with
 * libcurl, https with the system's CA store (or http to a loopback
 * host, checked when the policy was read); a 2xx answer means sent.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respond/notify_private.h"
#include "util/curl_lazy.h"
#include "util/banned.h"

/* Bytes of a receiver's answer read (and dropped): enough for any
 * acknowledgement, no more. */
#define ANSWER_MAX (64u << 10)

/* The declared fields of [establishment], or null when none is. */
static json_t *
establishment_json(const struct vg_establishment_decl *e)
{
	static const struct {
		const char *key;
		size_t offset;
	} fields[] = {
		{"name", offsetof(struct vg_establishment_decl, name)},
		{"finess_ej",
		 offsetof(struct vg_establishment_decl, finess_ej)},
		{"finess_et",
		 offsetof(struct vg_establishment_decl, finess_et)},
		{"category", offsetof(struct vg_establishment_decl, category)},
		{"region", offsetof(struct vg_establishment_decl, region)},
	};
	json_t *o;
	size_t i;
	bool any = false;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < VG_ARRAY_LEN(fields); i++) {
		const char *v =
			*(char *const *)((const char *)e + fields[i].offset);

		/* A config value that is not UTF-8 becomes null rather
		 * than failing the whole alert. */
		if (json_object_set_new(o, fields[i].key,
					v != NULL ? json_string(v)
						  : json_null()) != 0) {
			json_decref(o);
			return NULL;
		}
		any = any || v != NULL;
	}
	if (!any) {
		json_decref(o);
		return json_null();
	}
	return o;
}

enum vg_rc
vg_notify_webhook_body(const struct vg_policy *p,
		       const struct vg_notify_view *v, enum vg_notify_event ev,
		       const char *console_url, char **out, struct vg_err *err)
{
	json_t *inc = NULL, *doc = NULL;
	char *text = NULL;

	*out = NULL;
	/* The incident as stored, but for its timeline (which is the
	 * record, not the news, and may be long). */
	if ((inc = json_deep_copy(v->doc)) == NULL)
		goto nomem;
	(void)json_object_del(inc, "timeline");
	doc = json_pack(
		"{s:s, s:o, s:o, s:{s:I, s:o?}, s:s?}", "event",
		ev == VG_NOTIFY_OPENED ? "opened" : "changed", "incident", inc,
		"establishment", establishment_json(&p->establishment),
		"deadlines", "ans", (json_int_t)v->deadline_ans, "cnil",
		v->deadline_cnil != 0 ? json_integer(v->deadline_cnil) : NULL,
		"console_url", console_url);
	inc = NULL; /* "o" stole it, even on failure */
	if (doc == NULL)
		goto nomem;
	if ((text = json_dumps(doc, JSON_COMPACT)) == NULL)
		goto nomem;
	if (strlen(text) > VG_NOTIFY_BODY_MAX) {
		free(text);
		json_decref(doc);
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("the webhook body is too long"));
	}
	json_decref(doc);
	*out = text;
	return VG_OK;
nomem:
	json_decref(inc);
	json_decref(doc);
	return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
}

/* Count and drop the answer. */
static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	size_t *total = ud;

	(void)p;
	*total += size * nmemb;
	return *total > ANSWER_MAX ? 0 : size * nmemb;
}

enum vg_rc
vg_notify_no_curl(char *errbuf, size_t errlen)
{
	const char *why = vg_curl_error();

	if (why == NULL)
		return VG_ERR_NOMEM;
	(void)snprintf(errbuf, errlen, "%s", why);
	return VG_ERR_IO;
}

enum vg_rc
vg_notify_webhook_post(const char *url, const char *body, char *errbuf,
		       size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL, *h2;
	size_t answered = 0;
	CURL *c;
	CURLcode cc;
	long code = 0;
	bool ok;
	enum vg_rc rc = VG_ERR_IO;

	if ((c = curl_easy_init()) == NULL)
		return vg_notify_no_curl(errbuf, errlen);
	if ((h = curl_slist_append(NULL, "Content-Type: application/json")) ==
		    NULL ||
	    (h2 = curl_slist_append(h, "Expect:")) == NULL) {
		curl_slist_free_all(h);
		curl_easy_cleanup(c);
		return VG_ERR_NOMEM;
	}
	h = h2;
	ok = curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") ==
			CURLE_OK;
	/* A redirect would send the alert where the policy did not say. */
	ok = ok && curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_HTTPHEADER, h) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)strlen(body)) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_USERAGENT, "vigie/" VG_VERSION) ==
			CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb) ==
			CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &answered) == CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
				 VG_NOTIFY_CONNECT_TIMEOUT) == CURLE_OK;
	ok = ok &&
		curl_easy_setopt(c, CURLOPT_TIMEOUT, VG_NOTIFY_TIMEOUT) ==
			CURLE_OK;
	ok = ok && curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr) == CURLE_OK;
	if (!ok) {
		(void)snprintf(errbuf, errlen, "%s",
			       _("cannot set up the HTTP request"));
		goto done;
	}
	cc = curl_easy_perform(c);
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OUT_OF_MEMORY)
		rc = VG_ERR_NOMEM;
	else if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && code != 0))
		(void)snprintf(errbuf, errlen, "%s",
			       cerr[0] ? cerr : curl_easy_strerror(cc));
	else if (code >= 200 && code < 300)
		rc = VG_OK;
	else
		(void)snprintf(errbuf, errlen, _("HTTP status %ld"), code);
done:
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}
