/*
 * The libcurl functions vigie calls, forwarding to the library opened on
 * the first call (curl_lazy.h). Each definition is checked against
 * libcurl's own prototype, and each pointer is typed from it.
 */
#include "util/common.h"

#include <stdarg.h>

#include "util/curl_lazy.h"
#include "util/dynlib.h"
#include "util/banned.h"

/* libcurl's headers wrap these two in checking macros of the same name,
 * which would expand in their definitions below; nothing here calls them
 * by name. */
#undef curl_easy_setopt
#undef curl_easy_getinfo

/*
 * The GnuTLS build of libcurl, the one scripts/install-deps installs
 * (libcurl4-gnutls-dev) and the program was linked with before: the
 * same TLS library as the server, and the pins computed as web/tls.c
 * computes them.
 */
#define CURL_SONAME "libcurl-gnutls.so.4"

static struct {
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_free) *free;
	__typeof__(curl_global_cleanup) *global_cleanup;
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
	__typeof__(curl_url) *url;
	__typeof__(curl_url_cleanup) *url_cleanup;
	__typeof__(curl_url_get) *url_get;
	__typeof__(curl_url_set) *url_set;
} C;

#define SYM(f) VG_DYNSYM("curl_", C, f)
static const struct vg_dynsym curl_syms[] = {
	SYM(easy_cleanup), SYM(easy_getinfo),   SYM(easy_init),
	SYM(easy_perform), SYM(easy_setopt),    SYM(easy_strerror),
	SYM(free),         SYM(global_cleanup), SYM(global_init),
	SYM(slist_append), SYM(slist_free_all), SYM(url),
	SYM(url_cleanup),  SYM(url_get),        SYM(url_set),
};
#undef SYM

/* Opened on the first call from any thread (the server's alert senders
 * call libcurl from their workers). */
VG_DYNLIB_DEFINE(CURL_SONAME, curl_syms);

const char *
vg_curl_error(void)
{
	return vg_dynlib_error(&lib);
}

enum vg_rc
vg_curl_err(struct vg_err *err)
{
	if (!loaded())
		return vg_err_set(err, VG_ERR_IO, "%s", lib.err.msg);
	return vg_err_set(err, VG_ERR_IO, _("cannot initialise libcurl"));
}

CURLcode
curl_global_init(long flags)
{
	return loaded() ? C.global_init(flags) : CURLE_FAILED_INIT;
}

void
curl_global_cleanup(void)
{
	if (loaded())
		C.global_cleanup();
}

CURL *
curl_easy_init(void)
{
	return loaded() ? C.easy_init() : NULL;
}

void
curl_easy_cleanup(CURL *curl)
{
	if (loaded())
		C.easy_cleanup(curl);
}

/*
 * The argument is read with the type libcurl itself reads for the
 * option, which its number tells (CURLOPTTYPE_*), and passed on as such.
 */
CURLcode
curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	CURLcode rc;
	va_list ap;

	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = C.easy_setopt(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		rc = C.easy_setopt(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		rc = C.easy_setopt(curl, option, va_arg(ap, void (*)(void)));
	else if (option < CURLOPTTYPE_BLOB)
		rc = C.easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else
		rc = C.easy_setopt(curl, option,
				   va_arg(ap, struct curl_blob *));
	va_end(ap);
	return rc;
}

/* Every CURLINFO_* is answered through a pointer to the caller's
 * variable, whatever its type. */
CURLcode
curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = C.easy_getinfo(curl, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode
curl_easy_perform(CURL *curl)
{
	return loaded() ? C.easy_perform(curl) : CURLE_FAILED_INIT;
}

/* Not loaded, the reason is the load failure: a caller that reports a
 * failed transfer with it says why. */
const char *
curl_easy_strerror(CURLcode code)
{
	return loaded() ? C.easy_strerror(code) : lib.err.msg;
}

/* Not loaded, nothing was allocated by libcurl: p is NULL. */
void
curl_free(void *p)
{
	if (loaded())
		C.free(p);
}

struct curl_slist *
curl_slist_append(struct curl_slist *list, const char *data)
{
	return loaded() ? C.slist_append(list, data) : NULL;
}

void
curl_slist_free_all(struct curl_slist *list)
{
	if (loaded())
		C.slist_free_all(list);
}

CURLU *
curl_url(void)
{
	return loaded() ? C.url() : NULL;
}

void
curl_url_cleanup(CURLU *handle)
{
	if (loaded())
		C.url_cleanup(handle);
}

CURLUcode
curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags)
{
	return loaded() ? C.url_get(handle, what, part, flags)
			: CURLUE_OUT_OF_MEMORY;
}

CURLUcode
curl_url_set(CURLU *handle, CURLUPart what, const char *part,
	     unsigned int flags)
{
	return loaded() ? C.url_set(handle, what, part, flags)
			: CURLUE_OUT_OF_MEMORY;
}
